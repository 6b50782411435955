/**
 * The whole flow on one machine: real clips uploaded to the local S3 go through the trigger,
 * the clip workflow (the ASL synthesized from the CDK stack), the task handlers, MediaConvert
 * on ffmpeg and the outbox; everything is checked through the AWS SDK.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, objectCreatedEvent, type LocalStack } from '../runtime/local-stack.ts';
import { lambdaHandlerFor } from '../runtime/task-handlers.ts';
import { clipIdOfExecutionName, executionNameFor } from '../domain/execution-name.ts';
import { brokenUploads, ffprobe, h264AacMp4, hevcMkvSilent, jpegStill, mjpegAviMulaw, portraitMp4, topLevelBoxes, type ClipFixture } from './clip-fixtures.ts';
import { allExecutions, clipRecord, describeClipExecution, objectExists, requireS3Uri, readObject, uploadClip, type UploadedClip } from './local-stack-support.ts';

let stack: LocalStack;
let work: string;
const videos: Array<{ fixture: ClipFixture; upload: UploadedClip }> = [];
let still: { fixture: ClipFixture; upload: UploadedClip };
const broken: Array<{ name: string; reason: string; upload: UploadedClip }> = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-e2e-'));
  stack = await startLocalStack({
    dataDirectory: join(work, 'data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    api: false,
    print: () => undefined,
    // Each test camera alerts on every clip (no cooldown between the test's uploads).
    environment: { DEFAULT_ALERT_COOLDOWN_SECONDS: '0' },
  });
  const media = join(work, 'media');
  mkdirSync(media);
  const fixtures = [await h264AacMp4(media, { seconds: 3 }), await hevcMkvSilent(media), await mjpegAviMulaw(media), await portraitMp4(media)];
  const cameras = ['frontdoor', 'garage', 'backyard', 'doorbell'];
  for (const [i, fixture] of fixtures.entries()) videos.push({ fixture, upload: await uploadClip(stack, cameras[i]!, fixture.path) });
  const jpeg = await jpegStill(media);
  still = { fixture: jpeg, upload: await uploadClip(stack, 'frontdoor', jpeg.path) };
  for (const b of await brokenUploads(media)) broken.push({ name: b.name, reason: b.reason, upload: await uploadClip(stack, 'driveway', b.path, b.fileName) });
  await stack.waitForIdle();
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('videos are validated, rendered, cataloged, retained and alerted', () => {
  it('every video execution SUCCEEDED', async () => {
    for (const { fixture, upload } of videos) {
      const execution = await describeClipExecution(stack, upload.clipId);
      expect(execution.status, `${fixture.name}: ${execution.error} ${execution.cause}`).toBe('SUCCEEDED');
    }
  });

  it('the HLS master lists only renditions at or below the source height, each H.264 (+AAC when the source has audio)', async () => {
    for (const { fixture, upload } of videos) {
      const record = await clipRecord(stack, upload.clipId);
      expect(record?.hlsMaster, fixture.name).toBeTruthy();
      const master = new TextDecoder().decode(await readObject(stack.clients.s3, record!.hlsMaster!));
      // Renditions only: the scrub sprite's #EXT-X-IMAGE-STREAM-INF line has a RESOLUTION too (its tile's).
      const resolutions = [...master.matchAll(/^#EXT-X-STREAM-INF:.*RESOLUTION=(\d+)x(\d+)/gm)].map((m) => ({ width: Number(m[1]), height: Number(m[2]) }));
      expect(resolutions.length, fixture.name).toBeGreaterThan(0);
      const sourceShort = Math.min(fixture.width, fixture.height);
      for (const r of resolutions) {
        expect(Math.min(r.width, r.height), fixture.name).toBeLessThanOrEqual(sourceShort);
        expect(r.width % 2, fixture.name).toBe(0);
        expect(r.height % 2, fixture.name).toBe(0);
        // The aspect ratio is kept (within rounding to even sizes).
        expect(Math.abs(r.width / r.height - fixture.width / fixture.height), fixture.name).toBeLessThan(0.02);
      }
      const variants = master.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
      const base = record!.hlsMaster!.slice(0, record!.hlsMaster!.lastIndexOf('/') + 1);
      const playlist = new TextDecoder().decode(await readObject(stack.clients.s3, base + variants[0]!.trim()));
      const firstSegment = playlist.split('\n').find((line) => line.trim() && !line.startsWith('#'))!;
      const segmentFile = join(work, `${upload.clipId}-segment.ts`);
      writeFileSync(segmentFile, await readObject(stack.clients.s3, base + firstSegment.trim()));
      const probe = await ffprobe(segmentFile);
      expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name, fixture.name).toBe('h264');
      const audio = probe.streams.find((s) => s.codec_type === 'audio');
      if (fixture.hasAudio) expect(audio?.codec_name, fixture.name).toBe('aac');
      else expect(audio, fixture.name).toBeUndefined();
    }
  });

  it('the MP4 has its index (moov) before its media (mdat) and probes as H.264/AAC or silent', async () => {
    for (const { fixture, upload } of videos) {
      const record = await clipRecord(stack, upload.clipId);
      const bytes = await readObject(stack.clients.s3, record!.mp4!);
      const boxes = topLevelBoxes(bytes);
      expect(boxes.indexOf('moov'), fixture.name).toBeGreaterThanOrEqual(0);
      expect(boxes.indexOf('moov'), fixture.name).toBeLessThan(boxes.indexOf('mdat'));
      const file = join(work, `${upload.clipId}.mp4`);
      writeFileSync(file, bytes);
      const probe = await ffprobe(file);
      expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
      expect(
        probe.streams.some((s) => s.codec_type === 'audio'),
        fixture.name,
      ).toBe(fixture.hasAudio);
    }
  });

  it('the poster is a JPEG of the rendition size, no larger than the source', async () => {
    for (const { fixture, upload } of videos) {
      const record = await clipRecord(stack, upload.clipId);
      const file = join(work, `${upload.clipId}-poster.jpg`);
      writeFileSync(file, await readObject(stack.clients.s3, record!.poster!));
      const probe = await ffprobe(file);
      const image = probe.streams[0]!;
      expect(image.codec_name).toBe('mjpeg');
      expect(image.height! <= Math.max(fixture.width, fixture.height)).toBe(true);
      expect(Math.abs(image.width! / image.height! - fixture.width / fixture.height), fixture.name).toBeLessThan(0.02);
    }
  });

  it('the catalog item says what the clip is and where its renditions are', async () => {
    for (const { fixture, upload } of videos) {
      const record = await clipRecord(stack, upload.clipId);
      expect(record, fixture.name).toMatchObject({ clipId: upload.clipId, kind: 'video', status: 'READY', executionName: executionNameFor(upload.clipId, record!.uploadedAt) });
      expect(record!.durationSeconds, fixture.name).toBeGreaterThan(1);
      expect(record!.renditions!.length, fixture.name).toBeGreaterThan(0);
      expect(record!.retentionClass).toBe('standard');
      // Every output lives under {camera}/{yyyy}/{mm}/{dd}/{clipId}/ in the media bucket.
      const { bucket, key } = requireS3Uri(record!.mp4!);
      expect(bucket).toBe(stack.buckets.media);
      expect(key).toMatch(new RegExp(`^${record!.camera}/\\d{4}/\\d{2}/\\d{2}/${upload.clipId}/`));
    }
  });

  it('each video sent a motion alert through the outbox', async () => {
    const { messages } = await stack.outbox.list({ limit: 100 });
    for (const { upload } of videos) {
      expect(messages.some((m) => m.message.includes(upload.clipId) || (m.subject ?? '').includes(upload.key.split('/')[0]!))).toBe(true);
    }
  });
});

describe('a still image', () => {
  it('is cataloged as its own poster, with no render job', async () => {
    const execution = await describeClipExecution(stack, still.upload.clipId);
    expect(execution.status).toBe('SUCCEEDED');
    const record = await clipRecord(stack, still.upload.clipId);
    expect(record).toMatchObject({ kind: 'still', status: 'READY' });
    expect(record!.poster).toBe(`s3://${stack.buckets.uploads}/${still.upload.key}`);
    expect(record!.hlsMaster).toBeUndefined();
  });
});

describe('broken uploads are quarantined and lose nothing', () => {
  it('each is QUARANTINED with its reason, its raw upload still in S3, and an operations message', async () => {
    const { messages } = await stack.outbox.list({ limit: 200 });
    for (const b of broken) {
      const record = await clipRecord(stack, b.upload.clipId);
      expect(record?.status, b.name).toBe('QUARANTINED');
      expect(record?.quarantine?.reason, b.name).toBe(b.reason);
      expect(await objectExists(stack.clients.s3, stack.buckets.uploads, b.upload.key), b.name).toBe(true);
      const execution = await describeClipExecution(stack, b.upload.clipId);
      expect(execution.status, b.name).toBe('FAILED');
      expect(execution.error, b.name).toBe('ClipQuarantined');
      expect(
        messages.some((m) => m.topic === 'Operations' && m.message.includes(b.upload.key)),
        b.name,
      ).toBe(true);
    }
  });
});

describe('the same object announced twice', () => {
  it('gives one clip and one execution', async () => {
    const { upload } = videos[0]!;
    const before = (await allExecutions(stack)).length;
    const trigger = await lambdaHandlerFor('Trigger', stack.taskDependencies).load();
    const event = objectCreatedEvent({ bucket: stack.buckets.uploads, key: upload.key, size: 1, etag: upload.etag, versionId: upload.versionId, time: new Date().toISOString() });
    await trigger(event, {} as never);
    await trigger(event, {} as never);
    await stack.waitForIdle();
    const executions = await allExecutions(stack);
    expect(executions.length).toBe(before);
    expect(executions.filter((e) => clipIdOfExecutionName(e.name!) === upload.clipId)).toHaveLength(1);
    expect((await clipRecord(stack, upload.clipId))?.status).toBe('READY');
  });
});
