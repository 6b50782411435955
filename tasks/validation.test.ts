/**
 * validateUpload on real files generated with ffmpeg: every invalid reason, and the kinds of
 * clips cameras upload (H.264/AAC MP4, silent HEVC MKV, MJPEG AVI with G.711, portrait,
 * JPEG still), read through `fileByteSource`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { ffmpegGenerated } from '../integ-tests/generated-media.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipWorkflowInput, InvalidReason } from '../domain/clip-contract.ts';
import { fileByteSource, type ByteSource } from './byte-source.ts';
import { isProbeFailure, MP4_MEDIA_DATA_PROBE_BYTES, PROBE_READ_BUDGET, probeClip } from './clip-probe.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { makeTestMedia, type TestMedia } from './test-media.ts';
import { validateUpload } from './validation.ts';

let dir: string;
let media: TestMedia;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'camflow-validation-'));
  media = await makeTestMedia(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clipFor(file: string, size: number): ClipWorkflowInput['clip'] {
  const key = `driveway/${file.split('/').pop()}`;
  return { clipId: clipIdFor({ bucket: 'camflow-uploads', key, etag: 'e' }), camera: 'driveway', bucket: 'camflow-uploads', key, size, etag: 'e', uploadedAt: '2024-05-01T10:00:00.000Z' };
}

async function validate(file: string, options: { maxBytes?: number; maxSeconds?: number; capturedAt?: string } = {}) {
  const source = await fileByteSource(file);
  return validateUpload(source, clipFor(file, source.size), { mediaBucket: 'camflow-media', ...options });
}

describe('invalid uploads, one per reason', () => {
  it.each<[string, keyof TestMedia, InvalidReason, { maxBytes?: number; maxSeconds?: number }?]>([
    ['a zero-byte file', 'emptyMp4', 'empty'],
    ['an MP4 cut in the middle', 'truncatedMp4', 'truncated'],
    ['a text file named .mp4', 'textAsMp4', 'not-media'],
    ['random bytes named .mkv', 'randomAsMkv', 'not-media'],
    ['an audio-only MP4', 'audioOnlyM4a', 'no-video-track'],
    ['a 2 s clip over a 1 s limit', 'h264AacMp4', 'too-long', { maxSeconds: 1 }],
    ['a clip over a 10 kB limit', 'h264AacMp4', 'too-large', { maxBytes: 10_000 }],
    ['a Cinepak AVI', 'cinepakAvi', 'unsupported-codec'],
  ])('%s → invalid, %s', async (_name, file, reason, limits) => {
    const result = await validate(media[file], limits);
    expect(result.kind).toBe('invalid');
    expect(result.reason).toBe(reason);
    expect(result.detail).toMatch(/\.$/);
    expect(result.render).toBeUndefined();
    expect(result.mediaPrefix).toBeUndefined();
    expect(result.capturedAt).toBe('2024-05-01T10:00:00.000Z');
  });
});

describe('clips cameras upload', () => {
  it.each<[string, keyof TestMedia, { container: string; codec: string; width: number; height: number; audio?: string }]>([
    ['H.264/AAC MP4', 'h264AacMp4', { container: 'mp4', codec: 'h264', width: 320, height: 180, audio: 'aac' }],
    ['HEVC MKV without audio', 'hevcMkvSilent', { container: 'matroska', codec: 'hevc', width: 320, height: 180 }],
    ['MJPEG AVI with G.711 μ-law', 'mjpegAviMulaw', { container: 'avi', codec: 'mjpeg', width: 320, height: 180, audio: 'pcm_mulaw' }],
    ['a 1080x1920 portrait clip', 'portraitMp4', { container: 'mp4', codec: 'h264', width: 1080, height: 1920 }],
  ])('%s → video, probed, with a render job under the clip prefix', async (_name, file, expected) => {
    const result = await validate(media[file]);
    expect(result.kind).toBe('video');
    expect(result.reason).toBeUndefined();
    expect(result.probe).toMatchObject({ container: expected.container, video: { codec: expected.codec, width: expected.width, height: expected.height } });
    expect(result.probe!.audio?.codec).toBe(expected.audio);
    expect(result.probe!.durationSeconds).toBeGreaterThan(0.5);
    const clip = clipFor(media[file], 0);
    expect(result.mediaPrefix).toBe(`s3://camflow-media/driveway/2024/05/01/${clip.clipId}/`);
    expect(result.render!.outputs.every((o) => o.uri.startsWith(result.mediaPrefix!))).toBe(true);
    const settings = result.render!.settings as { Inputs: Array<{ FileInput: string; AudioSelectors?: unknown }> };
    expect(settings.Inputs[0]!.FileInput).toBe(`s3://camflow-uploads/${clip.key}`);
    // Audio is rendered only when the clip has it.
    expect(settings.Inputs[0]!.AudioSelectors !== undefined).toBe(expected.audio !== undefined);
  });

  it('a portrait clip gets portrait renditions, never above its size', async () => {
    const result = await validate(media.portraitMp4);
    for (const rendition of result.render!.outputs.filter((o) => o.kind === 'hls')) {
      expect(rendition.height!).toBeGreaterThan(rendition.width!);
      expect(rendition.width!).toBeLessThanOrEqual(1080);
    }
  });

  it('a JPEG still → still, no render job', async () => {
    const result = await validate(media.jpegStill);
    expect(result).toMatchObject({ kind: 'still', probe: { container: 'jpeg', image: { format: 'jpeg', width: 320, height: 180 } } });
    expect(result.render).toBeUndefined();
    expect(result.mediaPrefix).toBeUndefined();
  });

  it('a captured-at time places the outputs on the capture day', async () => {
    const result = await validate(media.h264AacMp4, { capturedAt: '2024-04-30T23:59:59+00:00' });
    expect(result.capturedAt).toBe('2024-04-30T23:59:59.000Z');
    expect(result.mediaPrefix).toContain('/driveway/2024/04/30/');
  });
});

describe('probeClip', () => {
  it('reads at most PROBE_READ_BUDGET bytes of a large clip, and still probes it', async () => {
    const large = join(dir, 'large.mkv');
    await ffmpegGenerated('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=15:duration=10', '-c:v', 'mjpeg', '-q:v', '1', large]);
    const file = await fileByteSource(large);
    expect(file.size).toBeGreaterThan(PROBE_READ_BUDGET + 1024 * 1024);
    let bytesRead = 0;
    const counting: ByteSource = {
      size: file.size,
      read: async (offset, length) => {
        const bytes = await file.read(offset, length);
        bytesRead += bytes.length;
        return bytes;
      },
    };
    const probe = await probeClip(counting);
    expect(probe).toMatchObject({ container: 'matroska', durationSeconds: 10, video: { codec: 'mjpeg', width: 1280, height: 720 } });
    expect(bytesRead).toBeLessThanOrEqual(PROBE_READ_BUDGET + 64);
  });

  /** 4 s of 1080p H.264/AAC at a high quality: larger than PROBE_READ_BUDGET. Made once per set of flags. */
  const largeMp4s = new Map<string, Promise<string>>();
  const largeMp4 = (flags: string[]) => {
    const mp4 = join(dir, `large-${flags.length}.mp4`);
    if (!largeMp4s.has(mp4)) {
      const picture = ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4'];
      const made = ffmpegGenerated('ffmpeg', ['-v', 'error', '-y', ...picture, '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '10', '-c:a', 'aac', '-shortest', ...flags, mp4]);
      largeMp4s.set(
        mp4,
        made.then(() => mp4),
      );
    }
    return largeMp4s.get(mp4)!;
  };

  it.each([
    ['moov at the end', []],
    ['moov first (faststart)', ['-movflags', '+faststart']],
  ])('reads an MP4 (%s) only up to its first frames, and still probes it, or finds it cut short', async (name, flags) => {
    const mp4 = await largeMp4(flags);
    const file = await fileByteSource(mp4);
    expect(file.size).toBeGreaterThan(PROBE_READ_BUDGET);
    const counted = (source: ByteSource) => {
      const seen = { bytes: 0 };
      return {
        seen,
        source: {
          size: source.size,
          read: async (offset: number, length: number) => {
            const bytes = await source.read(offset, length);
            seen.bytes += bytes.length;
            return bytes;
          },
        },
      };
    };
    const whole = counted(file);
    expect(await probeClip(whole.source)).toMatchObject({ container: 'mp4', durationSeconds: 4, video: { codec: 'h264', width: 1920, height: 1080, frameRate: 25 }, audio: { codec: 'aac' } });
    // The first chunk, the moov, and MP4_MEDIA_DATA_PROBE_BYTES of media data: not the whole budget.
    expect(whole.seen.bytes).toBeLessThanOrEqual(2 * 1024 * 1024 + MP4_MEDIA_DATA_PROBE_BYTES);
    // Cut short anywhere, it is still truncated (never a valid clip).
    for (const fraction of [0.3, 0.95]) {
      const size = Math.floor(file.size * fraction);
      const cut: ByteSource = { size, read: (offset, length) => file.read(offset, Math.min(length, size - offset)) };
      expect(await probeClip(cut), `${name}, cut at ${fraction}`).toMatchObject({ problem: 'truncated', container: 'mp4' });
    }
  });

  it.each([
    ['MPEG-TS', 'mpegts', [], 'mpegts', 188],
    ['M2TS', 'm2ts', ['-mpegts_m2ts_mode', '1'], 'bdav', 192],
  ])('probes a complete %s larger than the read budget as complete, and finds it cut short mid-packet', async (_name, extension, flags, container, packet) => {
    // Transport streams have no index: MediaInfoLib reads them to the end, past PROBE_READ_BUDGET.
    const large = await largeMp4([]);
    const stream = join(dir, `large.${extension}`);
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-i', large, '-c', 'copy', '-f', 'mpegts', ...flags, stream]);
    const file = await fileByteSource(stream);
    expect(file.size).toBeGreaterThan(PROBE_READ_BUDGET);
    expect(file.size % packet).toBe(0);
    expect(await probeClip(file)).toMatchObject({ container, video: { codec: 'h264', width: 1920, height: 1080 }, audio: { codec: 'aac' } });
    for (const size of [file.size - 100, Math.floor(file.size * 0.95), Math.floor(file.size * 0.3)]) {
      const cut: ByteSource = { size, read: (offset, length) => file.read(offset, Math.min(length, size - offset)) };
      expect(await probeClip(cut), `cut to ${size} of ${file.size} bytes`).toMatchObject({ problem: 'truncated', container });
    }
  });

  it('a truncated JPEG (no end marker) is truncated', async () => {
    const file = await fileByteSource(media.jpegStill);
    const cut: ByteSource = { size: Math.floor(file.size / 2), read: (offset, length) => file.read(offset, Math.min(length, Math.floor(file.size / 2) - offset)) };
    const probe = await probeClip(cut);
    expect(isProbeFailure(probe) && probe.problem).toBe('truncated');
  });

  it('probes concurrently without mixing results', async () => {
    const files = [media.h264AacMp4, media.hevcMkvSilent, media.mjpegAviMulaw, media.jpegStill];
    const probes = await Promise.all(files.map(async (f) => probeClip(await fileByteSource(f))));
    expect(probes.map((p) => (isProbeFailure(p) ? p.problem : p.container))).toEqual(['mp4', 'matroska', 'avi', 'jpeg']);
  });
});

describe('an upload the gateway could not remux', () => {
  it('is quarantined as not-remuxed with the gateway’s reason and “install ffmpeg on the gateway”, even when the probe could read it', async () => {
    const gatewayRemuxFailed = encodeURIComponent('ffmpeg not found (ffmpeg): install ffmpeg on the gateway (apt install ffmpeg) so .h264 files are remuxed to MP4');
    const source = await fileByteSource(media.h264AacMp4);
    const result = await validateUpload(source, clipFor(media.h264AacMp4, source.size), { mediaBucket: 'camflow-media', gatewayRemuxFailed });
    expect(result).toMatchObject({ kind: 'invalid', reason: 'not-remuxed' });
    expect(result.detail).toContain('ffmpeg not found (ffmpeg)');
    expect(result.detail).toMatch(/Install ffmpeg on the gateway/);
    expect(result.render).toBeUndefined();
  });

  it('a reason cut inside an escape or holding control characters still reads as one clean line', async () => {
    const source = await fileByteSource(media.h264AacMp4);
    const cut = encodeURIComponent('ffmpeg could not remux the .dav file: bad header é').slice(0, -3) + '%C';
    const result = await validateUpload(source, clipFor(media.h264AacMp4, source.size), { mediaBucket: 'camflow-media', gatewayRemuxFailed: cut });
    expect(result.detail).toContain('ffmpeg could not remux the .dav file: bad header');
    const hostile = await validateUpload(source, clipFor(media.h264AacMp4, source.size), { mediaBucket: 'camflow-media', gatewayRemuxFailed: encodeURIComponent('bad\n\u001b[31mred\u202e') });
    expect(hostile.detail).not.toMatch(/[\n\u001b\u202e]/u);
  });

  it('without the metadata the same clip is a video', async () => {
    const source = await fileByteSource(media.h264AacMp4);
    expect((await validateUpload(source, clipFor(media.h264AacMp4, source.size), { mediaBucket: 'camflow-media' })).kind).toBe('video');
  });
});
