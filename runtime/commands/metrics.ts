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
import { commandArgs } from '../command-args.ts';

const USAGE = 'usage: camflow metrics [--data DIR] [--minutes N] [--json]';

export async function run(args: string[], printLine: (line: string) => void = console.log, now: () => number = Date.now): Promise<number> {
  const print = safePrinter(printLine);
  const parsed = commandArgs<{ data?: string; minutes?: string; json?: boolean }>(args, { data: { type: 'string' }, minutes: { type: 'string' }, json: { type: 'boolean' } }, USAGE, print);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const minutes = values.minutes === undefined ? 60 : Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    print('--minutes must be a positive number');
    print(USAGE);
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
