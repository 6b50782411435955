/**
 * Two local stacks in one process: each one's handlers use its own endpoints, settings and
 * metrics log (their dependencies object), none of them reads or writes process.env. A clip
 * uploaded to one stack is cataloged there only, with that stack's camera defaults, and
 * counted in that stack's metrics log only.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { metricsLogFile } from '../runtime/metrics-summary.ts';
import { jpegStill, type ClipFixture } from './clip-fixtures.ts';
import { clipRecord, uploadClip } from './local-stack-support.ts';

const work = mkdtempSync(join(tmpdir(), 'camflow-two-stacks-'));
let still: ClipFixture;
let first: LocalStack;
let second: LocalStack;
const environmentBefore = { ...process.env };

beforeAll(async () => {
  still = await jpegStill(work);
  const start = (name: string, retentionClass: string) =>
    startLocalStack({
      dataDirectory: join(work, name),
      api: false,
      ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
      print: () => undefined,
      sweepEverySeconds: 0,
      environment: { DEFAULT_RETENTION_CLASS: retentionClass },
      observability: { logLevel: 'SILENT', metricsDisabled: true },
    });
  [first, second] = await Promise.all([start('first', 'short'), start('second', 'archive')]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

it('runs each clip in its own stack, with that stack’s settings, and writes no process.env', async () => {
  expect(first.endpoints.s3).not.toBe(second.endpoints.s3);
  expect(first.endpoints.dynamodb).not.toBe(second.endpoints.dynamodb);
  const [inFirst, inSecond] = await Promise.all([uploadClip(first, 'porch', still.path, 'one.jpg'), uploadClip(second, 'yard', still.path, 'two.jpg')]);
  await Promise.all([first.waitForIdle(), second.waitForIdle()]);

  expect(await clipRecord(first, inFirst.clipId)).toMatchObject({ status: 'READY', camera: 'porch', retentionClass: 'short' });
  expect(await clipRecord(second, inSecond.clipId)).toMatchObject({ status: 'READY', camera: 'yard', retentionClass: 'archive' });
  // Neither stack saw the other's clip.
  expect(await clipRecord(first, inSecond.clipId)).toBeUndefined();
  expect(await clipRecord(second, inFirst.clipId)).toBeUndefined();

  // Each stack's metric lines went to its own log.
  const metricLines = (stack: LocalStack) => (existsSync(metricsLogFile(stack.dataDirectory)) ? readFileSync(metricsLogFile(stack.dataDirectory), 'utf8') : '');
  expect(metricLines(first)).toContain('"Camera":"porch"');
  expect(metricLines(first)).not.toContain('"Camera":"yard"');
  expect(metricLines(second)).toContain('"Camera":"yard"');
  expect(metricLines(second)).not.toContain('"Camera":"porch"');

  expect(process.env).toEqual(environmentBefore);
});
