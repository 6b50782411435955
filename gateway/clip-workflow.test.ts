/**
 * Camera to workflow on one machine: the whole local stack (`startLocalStack`, as `npm start`
 * runs it) and the gateway beside it; a camera FTPs a clip and a still, the gateway uploads
 * them, and the clip workflow runs for each: SUCCEEDED, cataloged with the capture time the
 * gateway read from the file name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeClipExecution, clipRecord } from '../integ-tests/local-stack-support.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import type { RunningGateway } from './gateway.ts';
import { headObject, listKeys, makeClip, makeDav, makeRawH264, makeStill, tempDirectory, testConfig, TEST_PASSWORD, localGatewayAws, startTestGateway } from './test-support.ts';
import type { GatewayAws } from './aws-settings.ts';

let stack: LocalStack;
let gateway: RunningGateway;
let aws: GatewayAws;

beforeAll(async () => {
  const work = tempDirectory('gateway-stack');
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined });
  // The gateway reads the standard AWS variables (its own program's configuration): this worker's, pointed at the stack's S3.
  aws = localGatewayAws({ endpoint: stack.endpoints.s3 });
  gateway = await startTestGateway(await testConfig(join(work, 'spool')), { aws });
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
});

describe('camera → gateway → clip workflow', () => {
  it('a clip and a still sent over FTP each start the clip workflow, which catalogs them', async () => {
    const media = tempDirectory('media');
    const clip = makeClip(join(media, 'FrontDoor_00_20240315143022.mp4'), 2);
    const still = makeStill(join(media, 'MDAlarm_20240315-143025.jpg'));
    const client = new Client(10_000);
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    await client.uploadFrom(clip, 'FrontDoor_00_20240315143022.mp4');
    await client.uploadFrom(still, 'MDAlarm_20240315-143025.jpg');
    client.close();
    await gateway.uploader.drained();
    await stack.waitForIdle();

    for (const [key, kind, capturedAt] of [
      ['front-door/2024/03/15/FrontDoor_00_20240315143022.mp4', 'video', '2024-03-15T14:30:22.000Z'],
      ['front-door/2024/03/15/MDAlarm_20240315-143025.jpg', 'still', '2024-03-15T14:30:25.000Z'],
    ] as const) {
      const head = await headObject(stack.clients.s3, key);
      const clipId = clipIdFor({ bucket: stack.buckets.uploads, key, etag: (head.ETag ?? '').replace(/"/g, ''), versionId: head.VersionId });
      const execution = await describeClipExecution(stack, clipId);
      expect(execution.status, `${key}: ${execution.error} ${execution.cause}`).toBe('SUCCEEDED');
      const record = await clipRecord(stack, clipId);
      expect(record).toMatchObject({ camera: 'front-door', kind, capturedAt, source: { key } });
    }
  });

  it('a Dahua .dav sent under a temporary name, then renamed, runs as an MP4 clip; a test picture starts nothing', async () => {
    const media = tempDirectory('media-dav');
    const h264 = readFileSync(makeRawH264(join(media, 'dahua.h264'), 30));
    const dav = makeDav(join(media, 'dahua.dav'), h264, { width: 320, height: 240, fps: 10, start: new Date('2024-03-15T14:30:40Z') });
    const still = makeStill(join(media, 'test.jpg'));
    const client = new Client(10_000);
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    await client.ensureDir('/AMC0123/2024-03-15/001/dav/14');
    await client.uploadFrom(dav, '14.30.40-14.30.43[M][0@0][0].dav_');
    await client.rename('14.30.40-14.30.43[M][0@0][0].dav_', '14.30.40-14.30.43[M][0@0][0].dav');
    await client.uploadFrom(still, '/test.jpg');
    client.close();
    await gateway.uploader.drained();
    await stack.waitForIdle();

    const key = 'front-door/2024/03/15/AMC0123_2024-03-15_001_dav_14_14.30.40-14.30.43_M_0_0_0.mp4';
    const head = await headObject(stack.clients.s3, key);
    const clipId = clipIdFor({ bucket: stack.buckets.uploads, key, etag: (head.ETag ?? '').replace(/"/g, ''), versionId: head.VersionId });
    const execution = await describeClipExecution(stack, clipId);
    expect(execution.status, `${key}: ${execution.error} ${execution.cause}`).toBe('SUCCEEDED');
    expect(await clipRecord(stack, clipId)).toMatchObject({ camera: 'front-door', kind: 'video', capturedAt: '2024-03-15T14:30:40.000Z', source: { key } });
    expect((await listKeys(stack.clients.s3, 'front-door/')).filter((k) => /test|\.dav/i.test(k))).toEqual([]);
  });

  it('a raw .h264 the gateway cannot remux (no ffmpeg on the box) is quarantined with a reason that says to install ffmpeg on the gateway', async () => {
    const work = tempDirectory('gateway-no-ffmpeg');
    const noFfmpeg = await startTestGateway(await testConfig(join(work, 'spool'), { ffmpegPath: join(work, 'no-such-ffmpeg') }), { aws });
    try {
      const raw = makeRawH264(join(work, 'raw.h264'), 20);
      const client = new Client(10_000);
      await client.access({ host: '127.0.0.1', port: noFfmpeg.ftp!.port, user: 'garage', password: TEST_PASSWORD });
      await client.uploadFrom(raw, 'Garage_00_20240315150000.h264');
      client.close();
      await noFfmpeg.uploader.drained();
      await stack.waitForIdle();
    } finally {
      await noFfmpeg.stop();
    }
    const key = 'garage/2024/03/15/Garage_00_20240315150000.h264';
    const head = await headObject(stack.clients.s3, key);
    expect(head.Metadata?.['gateway-remux-failed']).toBeTruthy();
    const clipId = clipIdFor({ bucket: stack.buckets.uploads, key, etag: (head.ETag ?? '').replace(/"/g, ''), versionId: head.VersionId });
    const execution = await describeClipExecution(stack, clipId);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('ClipQuarantined');
    const record = await clipRecord(stack, clipId);
    expect(record).toMatchObject({ camera: 'garage', status: 'QUARANTINED', quarantine: { reason: 'not-remuxed' } });
    expect(record?.quarantine?.detail).toMatch(/install ffmpeg on the gateway/i);
    expect(record?.quarantine?.detail).toMatch(/ffmpeg not found/);
    // It names the ffmpeg the gateway was told to use, never the spool's files.
    expect(record?.quarantine?.detail).not.toContain(join(work, 'spool'));
  });
});
