/**
 * What a clip costs (issue 12), on the real local stack (`camflow up`'s): a passthrough clip
 * leaves few objects, its scrub thumbnails are one sprite the API describes, the catalog
 * records its estimated cost and the camera's month-to-date total, and `camflow cost
 * --from-catalog` (the real command) bills what the pipeline emitted.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoUserStore } from '../api/auth/users.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import type { ClipRecord } from '../domain/clip-contract.ts';
import { ffprobe, h264AacMp4, spriteCellBrightness } from './clip-fixtures.ts';
import { catalogClient, clipRecord, readObject, requireS3Uri, uploadClip, type UploadedClip } from './local-stack-support.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

let stack: LocalStack;
let work: string;
let token: string;
let upload: UploadedClip;
let record: ClipRecord;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-cost-'));
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, print: () => undefined, sweepEverySeconds: 0 });
  const db = catalogClient(stack);
  await dynamoUserStore(() => db, stack.tableName).add({ username: 'joe', role: 'viewer', password: 'staple tray paper' });
  db.destroy();
  const login = await fetch(`${stack.endpoints.api}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'joe', password: 'staple tray paper' }),
  });
  token = ((await login.json()) as { token: string }).token;
  const media = join(work, 'media');
  mkdirSync(media);
  // The camera's default profile is passthrough: H.264/AAC is copied, not re-encoded.
  upload = await uploadClip(stack, 'porch', (await h264AacMp4(media, { seconds: 9, size: '1280x720', name: 'motion.mp4' })).path);
  await stack.waitForIdle();
  record = (await clipRecord(stack, upload.clipId))!;
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const api = async (path: string) => {
  const response = await fetch(`${stack.endpoints.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as any;
};

describe('a passthrough clip on the local stack', () => {
  it('leaves 8 objects: the upload, the master, variant playlist and .ts, the MP4, the poster, the sprite and its index', async () => {
    expect(record).toMatchObject({ status: 'READY', renderProfile: { applied: 'passthrough' } });
    const prefix = requireS3Uri(record.hlsMaster!).key.replace(/hls\/index\.m3u8$/, '');
    const listed = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.buckets.media, Prefix: prefix }));
    const names = (listed.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
    expect(names).toEqual(['clip.mp4', 'hls/index.m3u8', 'hls/index_source.m3u8', 'hls/index_source.ts', 'hls/index_thumbnails.m3u8', 'hls/index_thumbnails_00001.jpg', 'poster.0000000.jpg']);
    expect(1 + names.length).toBe(record.cost!.objects);
    // What was copied plays as H.264 + AAC.
    const file = join(work, 'clip.mp4');
    writeFileSync(file, await readObject(stack.clients.s3, record.mp4!));
    expect((await ffprobe(file)).streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
  });

  it('gives the app one sprite to scrub: its URL, grid and the time of each thumbnail', async () => {
    const clip = await api(`/clips/${upload.clipId}`);
    // 9 s: thumbnails at 0, 2, 4, 6, 8 s of 320 × 180, in a tile 2 wide and 4 high.
    expect(clip.playback.scrub).toMatchObject({ columns: 2, rows: 4, tileWidth: 320, tileHeight: 180, times: [0, 2, 4, 6, 8] });
    expect(clip.playback.thumbnails).toBeUndefined();
    const sprite = await fetch(clip.playback.scrub.spriteUrl);
    expect(sprite.headers.get('content-type')).toBe('image/jpeg');
    const cells = await spriteCellBrightness(new Uint8Array(await sprite.arrayBuffer()), clip.playback.scrub, work);
    expect(
      cells.slice(0, 5).every((mean) => mean > 24),
      cells.map((c) => c.toFixed(0)).join(' '),
    ).toBe(true);
    expect(
      cells.slice(5).every((mean) => mean < 20),
      cells.map((c) => c.toFixed(0)).join(' '),
    ).toBe(true);
    // The master announces the image playlist; the API serves it like the video playlists.
    const master = await (await fetch(clip.playback.hls)).text();
    expect(master).toMatch(/#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=\d+,RESOLUTION=640x720,CODECS="jpeg",URI="[^"]+"/);
  });

  it("records the clip's estimated cost, and adds it to the camera's month-to-date total", async () => {
    // passthrough HLS + MP4, poster, sprite: 4 outputs × 10 s (the minimum) = 2/3 normalized minute.
    expect(record.cost).toMatchObject({ outputMinutes: { passthrough: 0.3333, 'frame capture': 0.1667, 'trick play': 0.1667 }, normalizedMinutes: 0.6667, objects: 8 });
    expect(record.cost!.bytes).toBeGreaterThan(record.source.sizeBytes * 2);
    const { cameras } = await api('/cameras');
    const porch = cameras.find((c: { id: string }) => c.id === 'porch');
    expect(porch.monthToDate).toEqual({ month: new Date().toISOString().slice(0, 7), estimatedUsd: Math.round(record.cost!.usd * 1e4) / 1e4, clips: 1 });
  });

  it('camflow cost --from-catalog bills what the catalog recorded', async () => {
    const { stdout } = await run(
      process.execPath,
      [join(root, 'bin/camflow.js'), 'cost', '--from-catalog', '--endpoint', stack.endpoints.dynamodb, '--table', stack.tableName, '--cameras', '2', '--clips-per-day', '10', '--json'],
      { cwd: root },
    );
    const { bills } = JSON.parse(stdout) as {
      bills: Array<{
        profile: string;
        clipsPerMonth: number;
        measured: { clips: number; profiles: Record<string, number> };
        perClip: { normalizedMinutes: number; objects: number; bytes: number };
        lines: Array<{ service: string; usd: number }>;
      }>;
    };
    expect(bills).toHaveLength(1);
    expect(bills[0]).toMatchObject({ profile: 'passthrough', measured: { clips: 1, profiles: { passthrough: 1 } }, perClip: { objects: 8, bytes: record.cost!.bytes } });
    expect(bills[0]!.perClip.normalizedMinutes).toBeCloseTo(record.cost!.normalizedMinutes, 4);
    const mediaConvert = bills[0]!.lines.find((l) => l.service === 'MediaConvert')!.usd;
    expect(mediaConvert).toBeCloseTo(bills[0]!.clipsPerMonth * record.cost!.normalizedMinutes * 0.0075, 2);
    const { stdout: text } = await run(process.execPath, [join(root, 'bin/camflow.js'), 'cost', '--from-catalog', '--endpoint', stack.endpoints.dynamodb, '--table', stack.tableName], { cwd: root });
    expect(text).toMatch(/Per clip, from 1 cataloged clip\(s\) \(1 passthrough\): 0\.667 normalized MediaConvert min/);
  });
});
