/**
 * Metrics (issue 14) on the real local stack: the handlers write CloudWatch embedded-metric
 * lines to their output as they process real clips, and `camflow metrics` (the CLI, as the
 * operator runs it) sums up the last hour from them: clips by outcome, upload-to-ready and
 * upload-to-alert times, render seconds and MediaConvert minutes by profile, bytes, alerts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { metricsLogFile, type MetricsSummary } from '../runtime/metrics-summary.ts';
import { METRICS_NAMESPACE } from '../tasks/clip-metrics.ts';
import { brokenUploads, h264AacMp4 } from './clip-fixtures.ts';
import { clipRecord, uploadClip } from './local-stack-support.ts';

const run = promisify(execFile);
let stack: LocalStack;
let work: string;
const stdout: string[] = [];
const clipIds: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-metrics-'));
  const media = join(work, 'media');
  mkdirSync(media);
  const good = await h264AacMp4(media, { seconds: 3, size: '640x360' });
  const other = await h264AacMp4(media, { seconds: 2, size: '640x360', name: 'second.mp4' });
  const notMedia = (await brokenUploads(media)).find((upload) => upload.reason === 'not-media')!;
  // What the handlers write to stdout (Powertools writes EMF lines there, as in Lambda).
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  });
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined, sweepEverySeconds: 0 });
  clipIds.push((await uploadClip(stack, 'frontdoor', good.path)).clipId);
  await stack.waitForIdle();
  clipIds.push((await uploadClip(stack, 'frontdoor', other.path, 'second.mp4')).clipId);
  clipIds.push((await uploadClip(stack, 'garage', notMedia.path, notMedia.fileName)).clipId);
  await stack.waitForIdle();
}, 240_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const camflow = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'runtime/cli.ts', ...args], { cwd: process.cwd(), env: { ...process.env, CAMFLOW_DATA: '' } });

it('processes the clips it counts: two READY, one QUARANTINED', async () => {
  expect((await clipRecord(stack, clipIds[0]!))?.status).toBe('READY');
  expect((await clipRecord(stack, clipIds[1]!))?.status).toBe('READY');
  expect((await clipRecord(stack, clipIds[2]!))?.status).toBe('QUARANTINED');
});

it("writes embedded-metric lines in the handlers' output: one namespace, the camera as a dimension, never the clip id", () => {
  const lines = stdout
    .join('')
    .split('\n')
    .filter((line) => line.includes('"CloudWatchMetrics"'));
  expect(lines.length).toBeGreaterThanOrEqual(4);
  const records = lines.map(
    (line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } } & Record<string, unknown>,
  );
  expect(new Set(records.map((r) => r._aws.CloudWatchMetrics[0]!.Namespace))).toEqual(new Set([METRICS_NAMESPACE]));
  const sets = (metric: string) => records.filter((r) => r._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === metric)).map((r) => r._aws.CloudWatchMetrics[0]!.Dimensions);
  // Clips by outcome, by outcome and camera, by outcome and quarantine reason; times overall and by camera.
  expect(sets('Clips')).toEqual(expect.arrayContaining([[['service', 'Outcome']], [['service', 'Outcome', 'Camera']], [['service', 'Outcome', 'Reason']]]));
  expect(sets('UploadToReadySeconds')).toEqual(expect.arrayContaining([[['service']], [['service', 'Camera']]]));
  const ready = records.find((r) => r.Clips === 1 && r.Outcome === 'ready' && r.Camera === 'frontdoor');
  expect(ready).toMatchObject({ service: 'camflow' });
  for (const line of lines) for (const clipId of clipIds) expect(line).not.toContain(clipId);
  // The local copy for `camflow metrics` holds the very same lines.
  const copied = readFileSync(metricsLogFile(stack.dataDirectory), 'utf8').trim().split('\n');
  expect(copied).toEqual(lines.map((line) => line.trim()));
});

it('`camflow metrics` sums up the last hour from the local stack', async () => {
  const { stdout: json } = await camflow('metrics', '--data', stack.dataDirectory, '--json');
  const summary = JSON.parse(json) as MetricsSummary;
  expect(summary.clips).toMatchObject({ ready: 2, quarantined: 1, failed: 0, quarantinedBy: { 'not-media': 1 }, byCamera: { frontdoor: { ready: 2 }, garage: { quarantined: 1 } } });
  expect(summary.uploadToReadySeconds?.count).toBe(2);
  expect(summary.uploadToReadySeconds!.max).toBeGreaterThan(0);
  expect(summary.uploadToReadySeconds!.max).toBeLessThan(240);
  // The first clip alerted; the second came within the camera's cooldown.
  expect(summary.alerts).toMatchObject({ sent: 1, suppressed: 1, suppressedBy: { cooldown: 1 } });
  expect(summary.uploadToAlertSeconds?.count).toBe(1);
  const profiles = Object.keys(summary.renderSecondsByProfile);
  expect(profiles).toHaveLength(1);
  expect(summary.renderSecondsByProfile[profiles[0]!]!.count).toBe(2);
  expect(summary.renderSecondsByProfile[profiles[0]!]!.max).toBeGreaterThan(0);
  // Output minutes by resolution add up to the minutes by profile.
  const byResolution = Object.values(summary.outputMinutesByResolution).reduce((sum, m) => sum + m, 0);
  expect(byResolution).toBeCloseTo(summary.outputMinutesByProfile[profiles[0]!]!, 3);
  expect(summary.outputMinutesByProfile[profiles[0]!]).toBeGreaterThan(0);
  const bytesIn = readFileSync(join(work, 'media', 'second.mp4')).length;
  expect(summary.bytesIn).toBeGreaterThan(bytesIn);
  expect(summary.bytesOut).toBeGreaterThan(0);

  const { stdout: text } = await camflow('metrics', '--data', stack.dataDirectory);
  expect(text).toMatch(/Clips \(last hour\):\s+ready 2, quarantined 1 \(not-media 1\), failed 0/);
  expect(text).toMatch(/Motion alerts:\s+sent 1, not sent 1 \(cooldown 1\)/);
  const { stdout: none } = await camflow('metrics', '--data', join(work, 'nowhere'));
  expect(none).toMatch(/No metrics at .*nowhere.* yet/);
}, 60_000);
