/**
 * `camflow metrics [--data DIR] [--minutes N] [--json]`: what the local stack's handlers
 * counted over the last hour (or N minutes) — clips by outcome, upload-to-ready and
 * upload-to-alert times, render seconds and MediaConvert minutes by profile, bytes in and
 * out, alerts sent and not sent — read from the metric lines they wrote (`{data}/metrics/`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatMetricsSummary, metricsLogFile, readMetricLines, summarizeMetrics } from '../metrics-summary.ts';
import { safePrinter } from '../terminal-text.ts';
import { linesTo, readCommandLine, usageLine, type CommandSpec } from '../../domain/command-line.ts';

export const SPEC: CommandSpec = {
  command: 'camflow metrics',
  synopsis: '[--data DIR] [--minutes N] [--json]',
  summary:
    "What the local stack's handlers counted (from the metric lines in DIR/metrics/): clips by outcome, upload-to-ready and upload-to-alert times, render seconds and MediaConvert minutes by profile, bytes in and out, alerts sent and not sent.",
  flags: {
    data: { type: 'string', value: 'DIR', help: 'the data directory of `camflow up`', default: '.camflow', env: 'CAMFLOW_DATA' },
    minutes: { type: 'string', value: 'N', help: 'count the last N minutes', default: '60' },
    json: { type: 'boolean', help: 'print the summary as JSON' },
  },
  notes: 'Exit code: 0 printed (also when nothing was counted yet), 1 a bad option.',
};

export async function run(args: string[], printLine: (line: string) => void = console.log, now: () => number = Date.now): Promise<number> {
  const print = safePrinter(printLine);
  const parsed = readCommandLine<{ data?: string; minutes?: string; json?: boolean }>(SPEC, args, linesTo(print));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const minutes = values.minutes === undefined ? 60 : Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    print('--minutes must be a positive number');
    print(usageLine(SPEC));
    return 1;
  }
  const file = metricsLogFile(resolve(values.data ?? process.env.CAMFLOW_DATA ?? '.camflow'));
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    print(`No metrics at ${file} yet: start the local stack (\`npx camflow up\`, or --data DIR for another data directory) and upload a clip.`);
    return 0;
  }
  const summary = summarizeMetrics(readMetricLines(text, now() - minutes * 60_000));
  if (values.json) printLine(JSON.stringify(summary, null, 2));
  else for (const line of formatMetricsSummary(summary, minutes === 60 ? 'last hour' : `last ${minutes} min`)) print(line);
  return 0;
}
