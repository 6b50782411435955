/**
 * The engine against the real local S3 (s3rver) and real ffmpeg — Debian's and the
 * npm-shipped 2018 static build — with jobs built by the real render-job builder.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderJob, type RenderJob } from '../../domain/render-job.ts';
import type { RenderProfile } from '../../domain/render-profiles.ts';
import type { MediaProbe } from '../../domain/clip-contract.ts';
import { localS3ClientConfig } from '../local-credentials.ts';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3 } from '../local-s3.ts';
import { defaultFfmpeg, npmShippedFfmpeg } from './ffmpeg-binary.ts';
import { spriteCellBrightness } from '../../integ-tests/clip-fixtures.ts';
import { ffmpegGenerated } from '../../integ-tests/generated-media.ts';
import { readVariantPlaylist } from './hls-master.ts';
import { createLocalMediaConvert, JobSettingsRejected, MediaConvertJobFailed, type LocalJob, type LocalMediaConvert } from './local-mediaconvert.ts';

const run = promisify(execFile);

let s3server: LocalS3;
let s3: S3Client;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'camflow-mediaconvert-'));
  s3server = await startLocalS3({ directory: join(scratch, 's3') });
  s3 = new S3Client(localS3ClientConfig(s3server.endpoint));
  // Sources, made with ffmpeg, small and short.
  const make = (args: string[]) => ffmpegGenerated('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  await make([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-t',
    '2.5',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    join(scratch, 'h264-aac-720p.mp4'),
  ]);
  await make(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-t', '2', '-c:v', 'libx265', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p', join(scratch, 'silent-hevc.mkv')]);
  await make([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=15',
    '-f',
    'lavfi',
    '-i',
    'sine=sample_rate=8000',
    '-t',
    '2',
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
    '-c:a',
    'pcm_mulaw',
    '-ar',
    '8000',
    '-ac',
    '1',
    '-shortest',
    join(scratch, 'mjpeg-ulaw.avi'),
  ]);
  // A phone clip: stored landscape 640x360, displayed portrait (rotation metadata).
  await make(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(scratch, 'stored-landscape.mp4')]);
  await make(['-i', join(scratch, 'stored-landscape.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(scratch, 'portrait.mp4')]);
  // A blip: 0.4 s (10 frames) of 854x480 H.264, no audio.
  await make(['-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=25', '-t', '0.4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(scratch, 'blip.mp4')]);
  for (const name of ['h264-aac-720p.mp4', 'silent-hevc.mkv', 'mjpeg-ulaw.avi', 'portrait.mp4', 'blip.mp4']) {
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: `frontdoor/${name}`, Body: await readFile(join(scratch, name)) }));
  }
});

afterAll(async () => {
  s3?.destroy();
  await s3server?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** The clip as Debian's ffprobe sees it: what "Validate clip" hands the builder. */
async function probe(file: string): Promise<MediaProbe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  const info = JSON.parse(stdout) as { format: { duration: string; size: string; format_name: string }; streams: Array<Record<string, any>> };
  const video = info.streams.find((s) => s.codec_type === 'video')!;
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  const rotation = Number(video.tags?.rotate ?? video.side_data_list?.find((d: any) => d.rotation !== undefined)?.rotation ?? 0);
  return {
    container: info.format.format_name,
    durationSeconds: Number(info.format.duration),
    sizeBytes: Number(info.format.size),
    video: { codec: video.codec_name, width: video.width, height: video.height, rotation },
    ...(audio ? { audio: { codec: audio.codec_name } } : {}),
  };
}

async function jobFor(name: string, clipId: string, profile?: RenderProfile): Promise<RenderJob> {
  return buildRenderJob({
    ...(profile ? { profile } : {}),
    clipId,
    camera: 'frontdoor',
    sourceUri: `s3://${LOCAL_BUCKETS.uploads}/frontdoor/${name}`,
    mediaBucket: LOCAL_BUCKETS.media,
    capturedAt: '2025-06-01T13:02:00Z',
    probe: await probe(join(scratch, name)),
  });
}

function keyOf(uri: string): string {
  return uri.replace(`s3://${LOCAL_BUCKETS.media}/`, '');
}

async function getObject(uri: string): Promise<{ bytes: Buffer; contentType?: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: LOCAL_BUCKETS.media, Key: keyOf(uri) }));
  return { bytes: Buffer.from(await out.Body!.transformToByteArray()), contentType: out.ContentType };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKETS.media, Prefix: keyOf(prefix) }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** ffprobe of an object, downloaded to a temp file. */
async function probeObject(uri: string): Promise<Array<Record<string, any>>> {
  const { bytes } = await getObject(uri);
  const file = join(scratch, `probe-${Math.random().toString(36).slice(2)}-${uri.slice(uri.lastIndexOf('/') + 1)}`);
  await writeFile(file, bytes);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]);
  await rm(file);
  return (JSON.parse(stdout) as { streams: Array<Record<string, any>> }).streams;
}

/** The top-level boxes of an MP4, in order. */
function topLevelBoxes(bytes: Buffer): string[] {
  const boxes: string[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    else if (size === 0) size = bytes.length - offset;
    boxes.push(type);
    if (size < 8) break;
    offset += size;
  }
  return boxes;
}

interface Expectations {
  audio: boolean;
  /** Picture as shown. */
  display: { width: number; height: number };
  durationSeconds: number;
  /** Video passthrough: the source's H.264 profile and codec string are kept (default: our Main encode). */
  h264Profile?: string;
  codecs?: RegExp;
  /** Audio passthrough keeps the source's AAC (channels, rate); default: our 48 kHz stereo encode. */
  audioCopied?: { channels: number; sample_rate: string };
}

/** Everything the job promised is in S3 and is what it should be. */
async function expectRendered(job: LocalJob, render: RenderJob, expected: Expectations): Promise<void> {
  expect(job.Status).toBe('COMPLETE');
  expect(job.Id).toMatch(/^\d{13}-[0-9a-z]{6}$/);
  expect(job.Arn).toBe(`arn:aws:mediaconvert:us-east-1:000000000000:jobs/${job.Id}`);
  expect(job.Settings).toEqual(render.settings);
  expect(Date.parse(job.Timing.FinishTime!)).toBeGreaterThanOrEqual(Date.parse(job.Timing.StartTime!));
  const [hls, mp4, poster] = job.OutputGroupDetails!;
  expect(job.OutputGroupDetails).toHaveLength(3);
  const planned = (kind: string) => render.outputs.filter((o) => o.kind === kind);

  // HLS: the master lists only rungs at or below the source, each variant and its segments exist.
  expect(hls!.Type).toBe('HLS_GROUP');
  const masterUri = planned('hls-master')[0]!.uri;
  expect(hls!.PlaylistFilePaths).toEqual([masterUri]);
  const master = await getObject(masterUri);
  expect(master.contentType).toBe('application/vnd.apple.mpegurl');
  const masterText = master.bytes.toString('utf8');
  const streams = [...masterText.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({ attributes: m[1]!, uri: m[2]! }));
  expect(streams.map((s) => s.uri)).toEqual(planned('hls').map((o) => o.uri.slice(o.uri.lastIndexOf('/') + 1)));
  expect(streams.length).toBeGreaterThan(0);
  for (const stream of streams) {
    const [, width, height] = /RESOLUTION=(\d+)x(\d+)/.exec(stream.attributes)!.map(Number);
    expect(Math.min(width!, height!)).toBeLessThanOrEqual(Math.min(expected.display.width, expected.display.height));
    expect(width! >= height!).toBe(expected.display.width >= expected.display.height);
    expect(stream.attributes).toMatch(/BANDWIDTH=[1-9]\d*,AVERAGE-BANDWIDTH=[1-9]\d*/);
    expect(stream.attributes).toMatch(expected.codecs ?? (expected.audio ? /CODECS="avc1\.4d40[0-9a-f]{2},mp4a\.40\.2"/ : /CODECS="avc1\.4d40[0-9a-f]{2}"/));
    expect(stream.attributes).toMatch(/FRAME-RATE=\d+\.\d{3}/);
  }
  for (const [i, rendition] of planned('hls').entries()) {
    const detail = hls!.OutputDetails[i]!;
    expect(detail.OutputFilePaths).toEqual([rendition.uri]);
    expect(detail.VideoDetails).toEqual({ WidthInPx: rendition.width, HeightInPx: rendition.height });
    expect(Math.abs(detail.DurationInMs - expected.durationSeconds * 1000)).toBeLessThan(200);
    const variant = await getObject(rendition.uri);
    expect(variant.contentType).toBe('application/vnd.apple.mpegurl');
    const playlist = readVariantPlaylist(variant.bytes.toString('utf8'));
    expect(playlist.ended).toBe(true);
    expect(playlist.segments.length).toBeGreaterThan(0);
    // ManifestDurationFormat INTEGER.
    expect(playlist.segments.every((s) => Number.isInteger(s.seconds))).toBe(true);
    const base = rendition.uri.slice(0, rendition.uri.lastIndexOf('/') + 1);
    // SegmentControl SINGLE_FILE: every segment is a byte range of one .ts per rendition, back to back.
    const mediaFile = rendition.uri.slice(rendition.uri.lastIndexOf('/') + 1).replace(/\.m3u8$/, '.ts');
    for (const segment of playlist.segments) expect(segment.uri).toBe(mediaFile);
    const segment = await getObject(base + mediaFile);
    expect(segment.contentType).toBe('video/mp2t');
    let offset = 0;
    for (const range of playlist.segments) {
      expect(range.offset).toBe(offset);
      expect(range.bytes).toBeGreaterThan(0);
      offset += range.bytes!;
    }
    expect(offset).toBe(segment.bytes.length);
    const segmentStreams = await probeObject(base + mediaFile);
    expect(segmentStreams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', profile: expected.h264Profile ?? 'Main', width: rendition.width, height: rendition.height });
    expect(segmentStreams.find((s) => s.codec_type === 'audio')?.codec_name).toBe(expected.audio ? 'aac' : undefined);
    expect(detail.FileCount).toBe(2);
  }

  // A player reading the master from a copy of the folder finds every rendition and segment.
  const hlsFolder = join(scratch, `hls-${job.Id}`);
  await mkdir(hlsFolder);
  const hlsPrefix = masterUri.slice(0, masterUri.lastIndexOf('/') + 1);
  for (const key of await keysUnder(hlsPrefix)) await writeFile(join(hlsFolder, key.slice(key.lastIndexOf('/') + 1)), (await getObject(`s3://${LOCAL_BUCKETS.media}/${key}`)).bytes);
  const { stdout: played } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height:program', '-of', 'json', join(hlsFolder, 'index.m3u8')]);
  const programs = (JSON.parse(played) as { programs: Array<{ streams: Array<{ codec_name: string; width?: number; height?: number }> }> }).programs;
  expect(programs).toHaveLength(streams.length);
  for (const [i, program] of programs.entries()) {
    expect(program.streams.map((s) => s.codec_name).sort()).toEqual(expected.audio ? ['aac', 'h264'] : ['h264']);
    expect(program.streams.find((s) => s.codec_name === 'h264')).toMatchObject({ width: planned('hls')[i]!.width, height: planned('hls')[i]!.height });
  }
  await rm(hlsFolder, { recursive: true });

  // MP4: moov before mdat, H.264 Main (+ AAC).
  const mp4Uri = planned('mp4')[0]!.uri;
  expect(mp4!.OutputDetails[0]!.OutputFilePaths).toEqual([mp4Uri]);
  const clip = await getObject(mp4Uri);
  expect(clip.contentType).toBe('video/mp4');
  expect(mp4!.OutputDetails[0]!.SizeInBytes).toBe(clip.bytes.length);
  const boxes = topLevelBoxes(clip.bytes);
  expect(boxes).toContain('moov');
  expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  const clipStreams = await probeObject(mp4Uri);
  expect(clipStreams.find((s) => s.codec_type === 'video')).toMatchObject({
    codec_name: 'h264',
    profile: expected.h264Profile ?? 'Main',
    width: planned('mp4')[0]!.width,
    height: planned('mp4')[0]!.height,
  });
  const clipAudio = clipStreams.find((s) => s.codec_type === 'audio');
  if (expected.audio) expect(clipAudio).toMatchObject({ codec_name: 'aac', ...(expected.audioCopied ?? { channels: 2, sample_rate: '48000' }) });
  else expect(clipAudio).toBeUndefined();

  // Poster: one JPEG of the planned size.
  const posterUri = planned('poster')[0]!.uri;
  expect(poster!.OutputDetails[0]!.OutputFilePaths).toEqual([posterUri]);
  expect((await getObject(posterUri)).contentType).toBe('image/jpeg');
  expect((await probeObject(posterUri))[0]).toMatchObject({ codec_name: 'mjpeg', width: planned('poster')[0]!.width, height: planned('poster')[0]!.height });
  expect(await keysUnder(posterUri.replace(/\.0000000\.jpg$/, '.'))).toEqual([keyOf(posterUri)]);

  // Sprite: one tiled JPEG of the planned grid, indexed by an image playlist the master names.
  const sprite = planned('sprite')[0]!;
  const spriteImage = await getObject(sprite.uri);
  expect(spriteImage.contentType).toBe('image/jpeg');
  expect((await probeObject(sprite.uri))[0]).toMatchObject({ codec_name: 'mjpeg', width: sprite.width! * sprite.columns!, height: sprite.height! * sprite.rows! });
  expect(sprite.count).toBe(Math.max(1, Math.ceil(expected.durationSeconds / sprite.intervalSeconds! - 1e-6)));
  const index = (await getObject(sprite.index!)).bytes.toString('utf8');
  expect(index).toContain('#EXT-X-IMAGES-ONLY');
  expect(index).toContain(`#EXT-X-TILES:RESOLUTION=${sprite.width}x${sprite.height},LAYOUT=${sprite.columns}x${sprite.rows},DURATION=2.000\n${sprite.uri.slice(sprite.uri.lastIndexOf('/') + 1)}\n`);
  expect(masterText).toContain(`RESOLUTION=${sprite.width! * sprite.columns!}x${sprite.height! * sprite.rows!},CODECS="jpeg",URI="${sprite.index!.slice(sprite.index!.lastIndexOf('/') + 1)}"`);
  // The last thumbnail cell holds a picture, the cell after it (if any) is the black padding.
  const cells = await spriteCellBrightness(spriteImage.bytes, { columns: sprite.columns!, rows: sprite.rows!, tileWidth: sprite.width!, tileHeight: sprite.height! }, scratch);
  expect(cells[sprite.count! - 1]).toBeGreaterThan(24);
  if (cells.length > sprite.count!) expect(cells[sprite.count!]).toBeLessThan(20);
}

const binaries: Array<[string, string]> = [
  ['Debian ffmpeg on PATH', 'ffmpeg'],
  ['npm-shipped 2018 static ffmpeg', npmShippedFfmpeg()!],
];

it('uses ffmpeg on PATH when there is one, and the npm-shipped ffmpeg exists for machines without', () => {
  expect(defaultFfmpeg()).toBe('ffmpeg');
  expect(npmShippedFfmpeg()).toMatch(/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
});

describe.each(binaries)('with %s', (label, ffmpegPath) => {
  let engine: LocalMediaConvert;
  const tag = label.startsWith('Debian') ? 'debian' : 'npm';

  beforeAll(() => {
    engine = createLocalMediaConvert({ workDirectory: join(scratch, `work-${tag}`), ffmpegPath, concurrency: 2, s3 });
  });
  afterAll(() => engine.close());

  it('renders an H.264/AAC 720p MP4 into the HLS ladder, a fast-start MP4, a poster and thumbnails', async () => {
    const render = await jobFor('h264-aac-720p.mp4', `${tag}-h264`);
    expect(render.outputs.filter((o) => o.kind === 'hls').map((o) => o.height)).toEqual([720, 360]);
    const { Job } = await engine.runJob({ Role: 'arn:aws:iam::000000000000:role/camflow-mediaconvert', Settings: render.settings, UserMetadata: { clipId: `${tag}-h264` } });
    expect(Job.UserMetadata).toEqual({ clipId: `${tag}-h264` });
    expect(Job.Role).toBe('arn:aws:iam::000000000000:role/camflow-mediaconvert');
    await expectRendered(Job, render, { audio: true, display: { width: 1280, height: 720 }, durationSeconds: 2.5 });
    expect(engine.getJob(Job.Id)).toBe(Job);
  });

  it('passes an H.264/AAC clip through (profile passthrough): the camera video and audio copied, not re-encoded, into single-file HLS and a fast-start MP4', async () => {
    const render = await jobFor('h264-aac-720p.mp4', `${tag}-passthrough`, 'passthrough');
    expect(render.profile).toEqual({ requested: 'passthrough', applied: 'passthrough' });
    const started = Date.now();
    const { Job } = await engine.runJob({ Settings: render.settings });
    const source = (await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', join(scratch, 'h264-aac-720p.mp4')])).stdout;
    const sourceVideo = (JSON.parse(source) as { streams: Array<Record<string, any>> }).streams.find((s) => s.codec_type === 'video')!;
    const sourceAudio = (JSON.parse(source) as { streams: Array<Record<string, any>> }).streams.find((s) => s.codec_type === 'audio')!;
    // The source is x264 ultrafast (Constrained Baseline); a re-encode here would be Main.
    expect(sourceVideo.profile).not.toBe('Main');
    await expectRendered(Job, render, {
      audio: true,
      display: { width: 1280, height: 720 },
      durationSeconds: 2.5,
      h264Profile: sourceVideo.profile,
      codecs: /CODECS="avc1\.(?!4d40)[0-9a-f]{6},mp4a\.40\.2"/,
      audioCopied: { channels: sourceAudio.channels, sample_rate: sourceAudio.sample_rate },
    });
    // The MP4 holds the very same coded frames: same packet sizes as the source.
    const packets = async (file: string) => (await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size', '-of', 'csv=p=0', file])).stdout.trim().split('\n');
    const mp4 = render.outputs.find((o) => o.kind === 'mp4')!.uri;
    const copy = join(scratch, `${tag}-passthrough.mp4`);
    await writeFile(copy, (await getObject(mp4)).bytes);
    expect(await packets(copy)).toEqual(await packets(join(scratch, 'h264-aac-720p.mp4')));
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('renders a 0.4 s clip under every profile into outputs that play, with a one-thumbnail sprite', async () => {
    // passthrough keeps 854x480, economy stays at the source's 480p, full's ladder starts at 360p.
    for (const profile of ['passthrough', 'economy', 'full'] as const) {
      const render = await jobFor('blip.mp4', `${tag}-blip-${profile}`, profile);
      const { Job } = await engine.runJob({ Settings: render.settings });
      expect(Job.Status, profile).toBe('COMPLETE');
      const mp4 = await probeObject(render.outputs.find((o) => o.kind === 'mp4')!.uri);
      expect(
        mp4.find((s) => s.codec_type === 'video'),
        profile,
      ).toMatchObject(profile === 'full' ? { codec_name: 'h264', width: 640, height: 360 } : { codec_name: 'h264', width: 854, height: 480 });
      expect(Number(mp4.find((s) => s.codec_type === 'video')!.nb_frames), profile).toBe(10);
      const sprite = render.outputs.find((o) => o.kind === 'sprite')!;
      expect(sprite, profile).toMatchObject({ count: 1, columns: 1, rows: 2, width: 320, height: 180 });
      expect((await probeObject(sprite.uri))[0], profile).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 360 });
    }
  });

  it('gives an HEVC clip asked to pass through the economy profile instead, and says why', async () => {
    const render = await jobFor('silent-hevc.mkv', `${tag}-hevc-economy`, 'passthrough');
    expect(render.profile).toMatchObject({ requested: 'passthrough', applied: 'economy' });
    expect(render.profile.reason).toMatch(/HEVC, which browsers cannot play as it is/);
    const { Job } = await engine.runJob({ Settings: render.settings });
    await expectRendered(Job, render, { audio: false, display: { width: 320, height: 180 }, durationSeconds: 2 });
  });

  it('renders a silent HEVC MKV into silent outputs', async () => {
    const render = await jobFor('silent-hevc.mkv', `${tag}-hevc`);
    const { Job } = await engine.runJob({ Settings: render.settings });
    await expectRendered(Job, render, { audio: false, display: { width: 320, height: 180 }, durationSeconds: 2 });
  });

  it('renders an MJPEG AVI with G.711 µ-law audio into H.264 with AAC', async () => {
    const render = await jobFor('mjpeg-ulaw.avi', `${tag}-mjpeg`);
    const { Job } = await engine.runJob({ Settings: render.settings });
    await expectRendered(Job, render, { audio: true, display: { width: 320, height: 240 }, durationSeconds: 2 });
  });

  it('turns a phone clip stored landscape with rotation metadata into portrait renditions (Rotate AUTO)', async () => {
    const render = await jobFor('portrait.mp4', `${tag}-portrait`);
    expect(render.outputs.find((o) => o.kind === 'mp4')).toMatchObject({ width: 360, height: 640 });
    const { Job } = await engine.runJob({ Settings: render.settings });
    await expectRendered(Job, render, { audio: false, display: { width: 360, height: 640 }, durationSeconds: 2 });
  });

  it('fails a job whose input does not exist with MediaConvert error 1010, as Step Functions reports a failed .sync job', async () => {
    const render = await jobFor('h264-aac-720p.mp4', `${tag}-missing`);
    const settings = structuredClone(render.settings) as Record<string, any>;
    settings.Inputs[0].FileInput = `s3://${LOCAL_BUCKETS.uploads}/frontdoor/not-there.mp4`;
    const failure = await engine.runJob({ Settings: settings }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MediaConvertJobFailed);
    const error = failure as MediaConvertJobFailed;
    expect(error.name).toBe('States.TaskFailed');
    expect(error.job).toMatchObject({ Status: 'ERROR', ErrorCode: 1010 });
    expect(error.message).toContain('not-there.mp4');
    expect(error.message).toMatch(/does not exist\. Upload the clip again/);
    expect(JSON.parse(error.cause)).toMatchObject({ Id: error.job.Id, Status: 'ERROR', ErrorCode: 1010 });
    expect(engine.getJob(error.job.Id)?.Status).toBe('ERROR');
  });

  it('fails a job whose input is not a video (random bytes named .mp4) with error 1010 naming the input', async () => {
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: `frontdoor/${tag}-noise.mp4`, Body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)) }));
    const settings = structuredClone((await jobFor('silent-hevc.mkv', `${tag}-noise`)).settings) as Record<string, any>;
    settings.Inputs[0].FileInput = `s3://${LOCAL_BUCKETS.uploads}/frontdoor/${tag}-noise.mp4`;
    const error = (await engine.runJob({ Settings: settings }).catch((e: unknown) => e)) as MediaConvertJobFailed;
    expect(error).toBeInstanceOf(MediaConvertJobFailed);
    expect(error.job.ErrorCode).toBe(1010);
    expect(error.message).toContain(`Unable to open input file [s3://${LOCAL_BUCKETS.uploads}/frontdoor/${tag}-noise.mp4]: ffmpeg finds no video stream`);
  });

  it('fails a job that asks for audio from a silent clip, saying which setting and what to do', async () => {
    const silent = await jobFor('silent-hevc.mkv', `${tag}-wants-audio`);
    const withAudio = await jobFor('h264-aac-720p.mp4', `${tag}-wants-audio`);
    const settings = structuredClone(withAudio.settings) as Record<string, any>;
    settings.Inputs[0].FileInput = (silent.settings.Inputs as Array<{ FileInput: string }>)[0]!.FileInput;
    const error = (await engine.runJob({ Settings: settings }).catch((e: unknown) => e)) as MediaConvertJobFailed;
    expect(error.name).toBe('States.TaskFailed');
    expect(error.message).toMatch(
      /Settings\.OutputGroups\[\d\]\.Outputs\[0\]\.AudioDescriptions\[0\] asks for audio, but .*silent-hevc\.mkv has no audio track\. Leave AudioDescriptions and AudioSelectors out for silent clips/,
    );
  });
});

describe('job queue and refused settings', () => {
  let engine: LocalMediaConvert;
  beforeAll(() => {
    engine = createLocalMediaConvert({ workDirectory: join(scratch, 'work-queue'), concurrency: 1, s3 });
  });
  afterAll(() => engine.close());

  it('refuses a setting it does not implement before queueing, naming it', async () => {
    const render = await jobFor('silent-hevc.mkv', 'refused');
    const settings = structuredClone(render.settings) as Record<string, any>;
    settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.H264Settings.FooBar = 'x';
    const failure = await engine.runJob({ Settings: settings }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobSettingsRejected);
    expect((failure as Error).name).toBe('MediaConvert.BadRequestException');
    expect((failure as Error).message).toContain('Settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.H264Settings.FooBar is not supported by the local MediaConvert engine');
    expect(engine.queued() + engine.running()).toBe(0);
  });

  it('runs no more jobs at once than its concurrency; the rest wait in the queue', async () => {
    const first = await jobFor('silent-hevc.mkv', 'queue-1');
    const second = await jobFor('silent-hevc.mkv', 'queue-2');
    const a = engine.runJob({ Settings: first.settings });
    const b = engine.runJob({ Settings: second.settings });
    expect(engine.running()).toBe(1);
    expect(engine.queued()).toBe(1);
    const [jobA, jobB] = await Promise.all([a, b]);
    expect(jobB.Job.Timing.StartTime! >= jobA.Job.Timing.FinishTime!).toBe(true);
    expect(engine.running() + engine.queued()).toBe(0);
  });

  it('removes the folders of jobs cut off by an earlier stop, and only those', async () => {
    const workDirectory = join(scratch, 'work-leftovers');
    await mkdir(join(workDirectory, '1700000000000-abc123', 'input'), { recursive: true });
    await writeFile(join(workDirectory, '1700000000000-abc123', 'input', 'clip.mp4'), 'partial');
    await mkdir(join(workDirectory, 'keep-me'));
    const fresh = createLocalMediaConvert({ workDirectory, concurrency: 1, s3 });
    await fresh.runJob({ Settings: (await jobFor('silent-hevc.mkv', 'leftovers')).settings });
    await fresh.close();
    expect(await readdir(workDirectory)).toEqual(['keep-me']);
  });

  it('after close, fails queued jobs and refuses new ones with a message that says what to do', async () => {
    const closing = createLocalMediaConvert({ workDirectory: join(scratch, 'work-close'), concurrency: 1, s3 });
    const first = await jobFor('silent-hevc.mkv', 'close-1');
    const running = closing.runJob({ Settings: first.settings }).catch((e: unknown) => e);
    const queued = closing.runJob({ Settings: first.settings }).catch((e: unknown) => e);
    await closing.close();
    const [ranOrStopped, cancelled] = await Promise.all([running, queued]);
    expect(cancelled).toBeInstanceOf(MediaConvertJobFailed);
    expect((cancelled as MediaConvertJobFailed).message).toMatch(/still queued when camflow stopped.*redrive/);
    // The running job was stopped (or had just finished): either way it settled.
    expect(ranOrStopped instanceof MediaConvertJobFailed || (ranOrStopped as { Job: LocalJob }).Job?.Status === 'COMPLETE').toBe(true);
    await expect(closing.runJob({ Settings: first.settings })).rejects.toThrow(/closed.*redrive/);
  });
});
