/**
 * `camflow cost [--cameras 14] [--clips-per-day 50] [--seconds 20] [--resolution 1080p]
 * [--profile passthrough|economy|full|all] [--retention standard] [--alerts email|sms|both|none]
 * [--region us-east-1] [--json]`: the monthly AWS bill by service, per render profile, from the
 * price table in domain/prices.ts and the transitions of the synthesized workflow.
 * `--from-catalog [--endpoint URL] [--table NAME]` takes the per-clip figures (MediaConvert
 * minutes, objects, bytes) from what a running stack's catalog recorded instead of the model.
 */
import { readCatalogCosts, DEFAULT_DYNAMODB_ENDPOINT } from '../catalog-costs.ts';
import { CATALOG_TABLE_NAME_LOCAL } from '../../domain/catalog-table.ts';
import { clipWorkflowDefinition } from '../clip-workflow-definition.ts';
import { countTransitions, monthlyBill, REFERENCE_HOME, RESOLUTIONS, type Bill, type HomeAssumptions, type Resolution } from '../../domain/cost-model.ts';
import { PRICES } from '../../domain/prices.ts';
import { CONSOLE_OUTPUT, readCommandLine, usageError, type CommandSpec } from '../../domain/command-line.ts';
import { isRenderProfile, RENDER_PROFILES, type RenderProfile } from '../../domain/render-profiles.ts';

export const SPEC: CommandSpec = {
  command: 'camflow cost',
  synopsis: [
    `[--cameras N] [--clips-per-day N] [--seconds N] [--resolution ${Object.keys(RESOLUTIONS).join('|')}]`,
    ' [--profile passthrough|economy|full|all] [--retention short|standard|archive]',
    ' [--alerts email|sms|both|none] [--clips-per-alert N] [--quiet-hours H] [--region us-east-1] [--json]',
    ' [--from-catalog [--endpoint URL] [--table NAME]]',
  ],
  summary:
    'The monthly AWS bill by service, per render profile, from the price table in domain/prices.ts (us-east-1 list prices, each with its page and the date read) and the transitions of the synthesized workflow. The defaults are the reference home.',
  flags: {
    cameras: { type: 'string', value: 'N', help: 'cameras in the home', default: String(REFERENCE_HOME.cameras) },
    'clips-per-day': { type: 'string', value: 'N', help: 'clips a camera uploads a day', default: String(REFERENCE_HOME.clipsPerDay) },
    seconds: { type: 'string', value: 'N', help: 'seconds a clip lasts', default: String(REFERENCE_HOME.seconds) },
    resolution: {
      type: 'string',
      value: 'R',
      help: `the cameras' resolution: ${Object.keys(RESOLUTIONS).join(', ')}`,
      default: `${REFERENCE_HOME.resolution} at ${REFERENCE_HOME.sourceBitrate / 1e6} Mbit/s`,
    },
    profile: { type: 'string', value: 'P', help: `render profile: ${RENDER_PROFILES.join(', ')} or all (side by side)`, default: 'passthrough' },
    retention: { type: 'string', value: 'R', help: 'retention rules: short, standard or archive', default: REFERENCE_HOME.retention },
    alerts: { type: 'string', value: 'A', help: 'alert channels: email, sms, both or none', default: REFERENCE_HOME.alerts },
    'clips-per-alert': { type: 'string', value: 'N', help: 'clips of one motion event folded into one alert by the cooldown', default: String(REFERENCE_HOME.clipsPerAlert) },
    'quiet-hours': { type: 'string', value: 'H', help: 'hours a day with alerts off', default: '0' },
    region: { type: 'string', value: 'R', help: 'the region priced (the table holds us-east-1 only)', default: 'us-east-1' },
    json: { type: 'boolean', help: 'print assumptions, bills and prices as JSON' },
    'from-catalog': { type: 'boolean', help: 'take per-clip MediaConvert minutes, objects and bytes from the clips a running stack cataloged' },
    endpoint: {
      type: 'string',
      value: 'URL',
      help: 'with --from-catalog: the DynamoDB endpoint',
      default: `${DEFAULT_DYNAMODB_ENDPOINT}, the one \`camflow up\` serves`,
      env: 'AWS_ENDPOINT_URL_DYNAMODB',
    },
    table: { type: 'string', value: 'NAME', help: 'with --from-catalog: the catalog table', default: CATALOG_TABLE_NAME_LOCAL, env: 'CATALOG_TABLE' },
  },
  notes: 'Exit code: 0 printed, 1 the catalog cannot be read or holds no cost yet, 2 usage error.',
};

type CostFlags = {
  [flag in 'cameras' | 'clips-per-day' | 'seconds' | 'resolution' | 'profile' | 'retention' | 'alerts' | 'clips-per-alert' | 'quiet-hours' | 'region' | 'endpoint' | 'table']?: string;
} & {
  json?: boolean;
  'from-catalog'?: boolean;
};

export async function run(args: string[]): Promise<number> {
  const home: HomeAssumptions = { ...REFERENCE_HOME };
  let profiles: RenderProfile[] = ['passthrough'];
  const parsed = readCommandLine<CostFlags>(SPEC, args, CONSOLE_OUTPUT, 2);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const json = values.json === true;
  const fromCatalog = values['from-catalog'] === true;
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB ?? DEFAULT_DYNAMODB_ENDPOINT;
  const table = values.table ?? process.env.CATALOG_TABLE ?? CATALOG_TABLE_NAME_LOCAL;
  const number = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} needs a number of at least ${min}`);
    return n;
  };
  try {
    if (values['quiet-hours'] !== undefined) home.quietShare = Math.min(24, number('--quiet-hours', values['quiet-hours'], 0)) / 24;
    if (values.cameras !== undefined) home.cameras = number('--cameras', values.cameras, 1);
    if (values['clips-per-day'] !== undefined) home.clipsPerDay = number('--clips-per-day', values['clips-per-day'], 0);
    if (values.seconds !== undefined) home.seconds = number('--seconds', values.seconds, 1);
    if (values['clips-per-alert'] !== undefined) home.clipsPerAlert = number('--clips-per-alert', values['clips-per-alert'], 1);
    if (values.resolution !== undefined) {
      if (!(values.resolution in RESOLUTIONS)) throw new UsageError(`--resolution must be one of ${Object.keys(RESOLUTIONS).join(', ')}`);
      home.resolution = values.resolution as Resolution;
    }
    if (values.profile !== undefined) {
      if (values.profile === 'all') profiles = [...RENDER_PROFILES];
      else if (isRenderProfile(values.profile)) profiles = [values.profile];
      else throw new UsageError('--profile must be passthrough, economy, full or all');
    }
    if (values.retention !== undefined) {
      if (values.retention !== 'short' && values.retention !== 'standard' && values.retention !== 'archive') throw new UsageError('--retention must be short, standard or archive');
      home.retention = values.retention;
    }
    if (values.alerts !== undefined) {
      if (values.alerts !== 'email' && values.alerts !== 'sms' && values.alerts !== 'both' && values.alerts !== 'none') throw new UsageError('--alerts must be email, sms, both or none');
      home.alerts = values.alerts;
    }
    if (values.region !== undefined && values.region !== 'us-east-1')
      throw new UsageError('the price table holds us-east-1 prices only; other regions differ by a few percent (see the pages in domain/prices.ts)');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(usageError(SPEC, error.message));
    return 2;
  }
  const transitions = countTransitions(await clipWorkflowDefinition(), 'video');
  let bills: Bill[];
  if (fromCatalog) {
    let measured;
    try {
      measured = await readCatalogCosts(endpoint, table);
    } catch (error) {
      console.error(
        `camflow cost: cannot read the catalog table ${table} at ${endpoint}: ${(error as Error).name}: ${(error as Error).message}. Start the stack (npx camflow up) or pass --endpoint and --table.`,
      );
      return 1;
    }
    if (!measured) {
      console.error(`camflow cost: no clip in ${table} at ${endpoint} carries a cost estimate yet: upload a few clips and let them reach READY, then run again.`);
      return 1;
    }
    // The catalog's clips got their own profiles: bill them under the one most of them got.
    const [common] = Object.entries(measured.profiles).sort((a, b) => b[1] - a[1])[0]!;
    bills = [monthlyBill(home, isRenderProfile(common) ? common : 'passthrough', transitions, measured)];
  } else bills = profiles.map((p) => monthlyBill(home, p, transitions));
  if (json) console.log(JSON.stringify({ assumptions: home, bills, prices: PRICES }, null, 2));
  else console.log(formatBills(home, bills));
  return 0;
}

class UsageError extends Error {}

/** Dollars as the bill prints them: cents below $10, whole dollars above. */
export const formatUsd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;
const usd = formatUsd;

/** The bills side by side, one column per profile. */
export function formatBills(home: HomeAssumptions, bills: Bill[]): string {
  const head = `${home.cameras} cameras × ${home.clipsPerDay} clips/day × ${home.seconds} s, ${home.resolution}, retention ${home.retention}, alerts ${home.alerts} — ${Math.round(bills[0]!.clipsPerMonth).toLocaleString('en-US')} clips a month, us-east-1`;
  const width = 16;
  const row = (label: string, cells: string[]) => label.padEnd(18) + cells.map((c) => c.padStart(width)).join('');
  const lines = [
    head,
    '',
    row(
      'service',
      bills.map((b) => b.profile),
    ),
  ];
  for (const [i, line] of bills[0]!.lines.entries())
    lines.push(
      row(
        line.service,
        bills.map((b) => usd(b.lines[i]!.usd)),
      ),
    );
  lines.push(
    row(
      'total a month',
      bills.map((b) => usd(b.totalUsd)),
    ),
  );
  lines.push(
    row(
      'objects / clip',
      bills.map((b) => String(Math.round(b.perClip.objects * 10) / 10)),
    ),
  );
  const measured = bills[0]!.measured;
  if (measured) {
    const minutes = Object.entries(measured.outputMinutes)
      .map(([kind, m]) => `${kind} ${m.toFixed(2)}`)
      .join(', ');
    const profiles = Object.entries(measured.profiles)
      .map(([p, n]) => `${n} ${p}`)
      .join(', ');
    lines.push(
      '',
      `Per clip, from ${measured.clips} cataloged clip(s) (${profiles}): ${measured.normalizedMinutes.toFixed(3)} normalized MediaConvert min (${minutes}), ${(measured.bytes / 1e6).toFixed(1)} MB in ${measured.objects.toFixed(1)} objects.`,
    );
  }
  for (const bill of bills) {
    const top = [...bill.lines].sort((a, b) => b.usd - a.usd)[0]!;
    lines.push(
      `${bill.profile}: ${usd(bill.totalUsd)} a month, ${usd(bill.totalUsd / home.cameras)} a camera; the largest line is ${top.service}, ${usd(top.usd)} (${Math.round((top.usd / bill.totalUsd) * 100)}%): ${top.detail}.`,
    );
  }
  const alerts = bills[0]!.lines.filter((l) => l.service.startsWith('SNS'));
  lines.push(`Alerts: ${alerts.map((l) => `${l.service.slice(4)} ${usd(l.usd)}`).join(', ')} a month — ${alerts.find((l) => l.usd > 0)?.detail ?? 'none sent'}.`);
  const vendor = bills[0]!.vendorPlanUsd;
  lines.push(
    '',
    `Vendor plan for ${home.cameras} cameras: ${usd(vendor)} a month (${PRICES.vendorPlanPerCameraMonth.source}, read ${PRICES.vendorPlanPerCameraMonth.read}; ${PRICES.vendorPlanPerCameraMonth.assumption}).`,
  );
  lines.push(
    'Assumptions in the price table: ' +
      Object.values(PRICES)
        .filter((p): p is typeof p & { assumption: string } => 'assumption' in p)
        .map((p) => p.assumption)
        .join('; ') +
      '.',
  );
  return lines.join('\n');
}
