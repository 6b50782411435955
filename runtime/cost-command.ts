/**
 * `camflow cost [--cameras 14] [--clips-per-day 50] [--seconds 20] [--resolution 1080p]
 * [--profile passthrough|economy|full|all] [--retention standard] [--alerts email|sms|both|none]
 * [--region us-east-1] [--json]`: the monthly AWS bill by service, per render profile, from the
 * price table in workflows/prices.ts and the transitions of the synthesized workflow.
 */
import { clipWorkflowDefinition } from './clip-workflow-definition.ts';
import { countTransitions, monthlyBill, REFERENCE_HOME, RESOLUTIONS, type Bill, type HomeAssumptions, type Resolution } from '../workflows/cost-model.ts';
import { PRICES } from '../workflows/prices.ts';
import { isRenderProfile, RENDER_PROFILES, type RenderProfile } from '../workflows/render-profiles.ts';

export const USAGE = `usage: camflow cost [--cameras N] [--clips-per-day N] [--seconds N] [--resolution ${Object.keys(RESOLUTIONS).join('|')}]
                    [--profile passthrough|economy|full|all] [--retention short|standard|archive]
                    [--alerts email|sms|both|none] [--clips-per-alert N] [--region us-east-1] [--json]
Defaults: the reference home (14 cameras, 50 clips a day, 20 s, 1080p at 4 Mbit/s, standard retention, email alerts).
Prices: us-east-1 list prices in workflows/prices.ts, each with its page and the date read.`;

export async function run(args: string[]): Promise<number> {
  const home: HomeAssumptions = { ...REFERENCE_HOME };
  let profiles: RenderProfile[] = ['passthrough'];
  let json = false;
  const number = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < min) throw new UsageError(`${name} needs a number of at least ${min}`);
    return n;
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const [flag, inline] = args[i]!.split('=', 2) as [string, string | undefined];
      const value = () => inline ?? args[++i];
      if (flag === '--help' || flag === '-h') {
        console.log(USAGE);
        return 0;
      } else if (flag === '--json') json = true;
      else if (flag === '--cameras') home.cameras = number(flag, value(), 1);
      else if (flag === '--clips-per-day') home.clipsPerDay = number(flag, value(), 0);
      else if (flag === '--seconds') home.seconds = number(flag, value(), 1);
      else if (flag === '--clips-per-alert') home.clipsPerAlert = number(flag, value(), 1);
      else if (flag === '--resolution') {
        const v = value();
        if (!v || !(v in RESOLUTIONS)) throw new UsageError(`--resolution must be one of ${Object.keys(RESOLUTIONS).join(', ')}`);
        home.resolution = v as Resolution;
      } else if (flag === '--profile') {
        const v = value();
        if (v === 'all') profiles = [...RENDER_PROFILES];
        else if (isRenderProfile(v)) profiles = [v];
        else throw new UsageError('--profile must be passthrough, economy, full or all');
      } else if (flag === '--retention') {
        const v = value();
        if (v !== 'short' && v !== 'standard' && v !== 'archive') throw new UsageError('--retention must be short, standard or archive');
        home.retention = v;
      } else if (flag === '--alerts') {
        const v = value();
        if (v !== 'email' && v !== 'sms' && v !== 'both' && v !== 'none') throw new UsageError('--alerts must be email, sms, both or none');
        home.alerts = v;
      } else if (flag === '--region') {
        if (value() !== 'us-east-1') throw new UsageError('the price table holds us-east-1 prices only; other regions differ by a few percent (see the pages in workflows/prices.ts)');
      } else throw new UsageError(`unknown option ${flag}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`camflow cost: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  const transitions = countTransitions(await clipWorkflowDefinition(), 'video');
  const bills = profiles.map((p) => monthlyBill(home, p, transitions));
  if (json) console.log(JSON.stringify({ assumptions: home, bills, prices: PRICES }, null, 2));
  else console.log(formatBills(home, bills));
  return 0;
}

class UsageError extends Error {}

const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;

/** The bills side by side, one column per profile. */
export function formatBills(home: HomeAssumptions, bills: Bill[]): string {
  const head = `${home.cameras} cameras × ${home.clipsPerDay} clips/day × ${home.seconds} s, ${home.resolution}, retention ${home.retention}, alerts ${home.alerts} — ${Math.round(bills[0]!.clipsPerMonth).toLocaleString('en-US')} clips a month, us-east-1`;
  const width = 16;
  const row = (label: string, cells: string[]) => label.padEnd(18) + cells.map((c) => c.padStart(width)).join('');
  const lines = [head, '', row('service', bills.map((b) => b.profile))];
  for (const [i, line] of bills[0]!.lines.entries()) lines.push(row(line.service, bills.map((b) => usd(b.lines[i]!.usd))));
  lines.push(row('total a month', bills.map((b) => usd(b.totalUsd))));
  lines.push(row('objects / clip', bills.map((b) => String(b.perClip.objects))));
  const vendor = bills[0]!.vendorPlanUsd;
  lines.push('', `Vendor plan for ${home.cameras} cameras: ${usd(vendor)} a month (${PRICES.vendorPlanPerCameraMonth.source}, read ${PRICES.vendorPlanPerCameraMonth.read}; ${PRICES.vendorPlanPerCameraMonth.assumption}).`);
  lines.push('Assumptions in the price table: ' + Object.values(PRICES).filter((p): p is typeof p & { assumption: string } => 'assumption' in p).map((p) => p.assumption).join('; ') + '.');
  return lines.join('\n');
}
