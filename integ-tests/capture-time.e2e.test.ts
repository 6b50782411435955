/**
 * Capture times of clips uploaded straight to S3 (issue 11), on the real local stack: a file
 * uploaded with the AWS CLI, as another uploader would, gets its camera's own timestamp from
 * its file name (in the camera's time zone) and the catalog records where the time came from:
 * `file-name`, `metadata` (the gateway's `captured-at`), or `upload`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keys } from '../domain/catalog-table.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { awsCliJson } from './aws-cli.ts';
import { h264AacMp4, jpegStill } from './clip-fixtures.ts';
import { catalogClient, clipRecord } from './local-stack-support.ts';

let stack: LocalStack;
let work: string;
let still: string;
let clip: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-capture-time-'));
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined, sweepEverySeconds: 0 });
  const media = join(work, 'media');
  mkdirSync(media);
  still = (await jpegStill(media)).path;
  clip = (await h264AacMp4(media, { seconds: 3, size: '640x360' })).path;
  // The Paris camera's owner set its time zone (camera settings).
  const db = catalogClient(stack);
  await db.send(new PutCommand({ TableName: stack.tableName, Item: { ...keys.camera('terrace'), camera: 'terrace', displayName: 'Terrace', timeZone: 'Europe/Paris' } }));
  db.destroy();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `aws s3api put-object`, as a script or another uploader would; returns the clip id. */
async function putWithCli(key: string, file: string, ...extra: string[]): Promise<string> {
  const put = await awsCliJson('s3api', stack.endpoints.s3, 'put-object', '--bucket', stack.buckets.uploads, '--key', key, '--body', file, ...extra);
  return clipIdFor({ bucket: stack.buckets.uploads, key, etag: put.ETag, versionId: put.VersionId });
}

it('reads the timestamp of each camera make from the file name, in the camera time zone, and records the source', async () => {
  const cases = [
    { key: 'porch/192.168.1.64_01_20240315143022123_MOTION_DETECTION.jpg', file: still, capturedAt: '2024-03-15T14:30:22.123Z' },
    { key: 'drive/AMC0123ABCD_2024-03-15_001_jpg_14_30_22_M.jpg', file: still, capturedAt: undefined }, // the Dahua layout needs its folders
    { key: 'drive/AMC0123ABCD/2024-03-15/001/jpg/14/30/22[M][0@0][0].jpg', file: still, capturedAt: '2024-03-15T14:30:22.000Z' },
    { key: 'terrace/Terrace_00_20240715143022.mp4', file: clip, capturedAt: '2024-07-15T12:30:22.000Z' }, // Reolink, Paris summer time
    { key: 'terrace/MDAlarm_20240115-143022.jpg', file: still, capturedAt: '2024-01-15T13:30:22.000Z' }, // Foscam, Paris winter time
    { key: 'gate/image24-03-15_14-30-22-45.jpg', file: still, capturedAt: '2024-03-15T14:30:22.450Z' }, // Axis
    { key: 'gate/20240315_143022_1A2B_ACCC8E012345.mp4', file: clip, capturedAt: '2024-03-15T14:30:22.000Z' },
  ];
  const clipIds = [];
  for (const c of cases) clipIds.push(await putWithCli(c.key, c.file));
  await stack.waitForIdle();
  for (const [i, c] of cases.entries()) {
    const record = await clipRecord(stack, clipIds[i]!);
    expect(record?.status, c.key).toBe('READY');
    if (c.capturedAt) expect(record, c.key).toMatchObject({ capturedAt: c.capturedAt, capturedAtSource: 'file-name' });
    else {
      expect(record?.capturedAtSource, c.key).toBe('upload');
      expect(Math.abs(Date.parse(record!.capturedAt) - Date.parse(record!.uploadedAt)), c.key).toBeLessThan(1000);
    }
  }
});

it('the uploader’s captured-at metadata wins over the name; a name without a time gives the upload time', async () => {
  const withMetadata = await putWithCli('porch/FrontDoor_00_20240315143022.jpg', still, '--metadata', 'captured-at=2024-03-15T13:00:00.000Z,captured-at-source=reolink');
  const plain = await putWithCli('porch/snapshot.jpg', still);
  await stack.waitForIdle();
  expect(await clipRecord(stack, withMetadata)).toMatchObject({ capturedAt: '2024-03-15T13:00:00.000Z', capturedAtSource: 'metadata' });
  const record = await clipRecord(stack, plain);
  expect(record).toMatchObject({ capturedAtSource: 'upload', capturedAt: record!.uploadedAt });
});
