/**
 * Very short clips (issue 11): a camera that triggers on a blip uploads a few frames, well
 * under a second. On the real local stack each one renders, gets a poster, plays in Chromium,
 * and its catalog item counts exactly the scrub thumbnails that exist.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipRecord } from '../domain/clip-contract.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { fewFramesClip, ffprobe, spriteCellBrightness } from './clip-fixtures.ts';
import { clipRecord, describeClipExecution, readObject, requireS3Uri, uploadClip, type UploadedClip } from './local-stack-support.ts';
import { chromiumOptions } from './chromium.ts';

let stack: LocalStack;
let work: string;
let browser: Browser;
const clips: Array<{ name: string; frames: number; upload: UploadedClip; record?: ClipRecord }> = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-short-clips-'));
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined, sweepEverySeconds: 0 });
  const media = join(work, 'media');
  mkdirSync(media);
  const fixtures = [
    await fewFramesClip(media, { frames: 1 }),
    await fewFramesClip(media, { frames: 3 }),
    await fewFramesClip(media, { frames: 12 }),
    await fewFramesClip(media, { frames: 4, rate: 15, codec: 'mjpeg' }),
  ];
  for (const fixture of fixtures) clips.push({ name: fixture.name, frames: Number(fixture.name.split(' ')[0]), upload: await uploadClip(stack, 'blip', fixture.path) });
  await stack.waitForIdle();
  for (const clip of clips) clip.record = await clipRecord(stack, clip.upload.clipId);
  browser = await chromium.launch({
    ...chromiumOptions(['--autoplay-policy=no-user-gesture-required']),
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('clips of a few frames', () => {
  it('render: every execution SUCCEEDED and every clip is READY with an MP4, an HLS playlist and a poster', async () => {
    expect(clips).toHaveLength(4);
    for (const { name, upload, record } of clips) {
      const execution = await describeClipExecution(stack, upload.clipId);
      expect(execution.status, `${name}: ${execution.error} ${execution.cause}`).toBe('SUCCEEDED');
      expect(record, name).toMatchObject({ status: 'READY', kind: 'video' });
      expect(record!.durationSeconds, name).toBeLessThan(1);
      expect(record!.mp4 && record!.hlsMaster && record!.poster, name).toBeTruthy();
    }
  });

  it('have a poster: the first frame, as a JPEG', async () => {
    for (const { name, upload, record } of clips) {
      const file = join(work, `${upload.clipId}-poster.jpg`);
      writeFileSync(file, await readObject(stack.clients.s3, record!.poster!));
      const probe = await ffprobe(file);
      expect(probe.streams[0]?.codec_name, name).toBe('mjpeg');
      expect(probe.streams[0]?.width, name).toBeGreaterThan(0);
    }
  });

  it('play in Chromium to the end, and their HLS variants list a segment', async () => {
    const page = await browser.newPage();
    try {
      for (const { name, record } of clips) {
        const { bucket, key } = requireS3Uri(record!.mp4!);
        const url = `${stack.endpoints.s3}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
        await page.setContent(`<video id="v" muted playsinline preload="auto" src="${url}"></video>`);
        const played = await page.evaluate(
          () =>
            new Promise<{ width: number; ended: boolean; error?: number }>((resolve) => {
              type Video = { videoWidth: number; ended: boolean; error: { code: number } | null; addEventListener(type: string, listener: () => void): void; play(): Promise<void> };
              const video = (globalThis as unknown as { document: { getElementById(id: string): Video } }).document.getElementById('v');
              const done = () => resolve({ width: video.videoWidth, ended: video.ended, error: video.error?.code });
              video.addEventListener('ended', done);
              video.addEventListener('error', done);
              setTimeout(done, 15_000);
              void video.play().catch(done);
            }),
        );
        expect(played, name).toEqual({ width: 640, ended: true, error: undefined });
        const master = new TextDecoder().decode(await readObject(stack.clients.s3, record!.hlsMaster!));
        const variant = master.split('\n').find((line) => line.trim() && !line.startsWith('#'))!;
        const base = record!.hlsMaster!.slice(0, record!.hlsMaster!.lastIndexOf('/') + 1);
        const playlist = new TextDecoder().decode(await readObject(stack.clients.s3, base + variant.trim()));
        expect(playlist.match(/#EXTINF:/g)?.length, name).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await page.close();
    }
  });

  it('count exactly the scrub thumbnails that exist (one: the first frame)', async () => {
    for (const { name, record } of clips) {
      if (record!.sprite) {
        const sprite = record!.sprite;
        expect(sprite.count, name).toBe(1);
        const cells = await spriteCellBrightness(await readObject(stack.clients.s3, sprite.uri), sprite, work);
        const filled = cells.filter((mean) => mean > 24).length;
        expect(filled, `${name}: cells ${cells.map((c) => c.toFixed(0)).join(' ')}`).toBe(sprite.count);
        // Filled cells come first.
        expect(
          cells.slice(0, sprite.count).every((mean) => mean > 24),
          name,
        ).toBe(true);
      } else {
        // Numbered JPEGs (clips rendered before the sprite): as many objects as counted.
        const thumbnails = record!.thumbnails!;
        const { bucket, key } = requireS3Uri(thumbnails.prefix);
        const listed = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
        expect(thumbnails.count, name).toBe(listed.KeyCount);
        expect(thumbnails.count, name).toBeGreaterThanOrEqual(1);
      }
    }
  });
});
