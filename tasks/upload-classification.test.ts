import { describe, expect, it } from 'vitest';
import type { MediaProbe } from '../domain/clip-contract.ts';
import type { ProbeFailure } from './clip-probe.ts';
import { classifyBySize, classifyUpload, formatBytes, formatSeconds, type ClipLimits } from './upload-classification.ts';

const limits: ClipLimits = { maxBytes: 10_000_000, maxSeconds: 120 };
const h264: MediaProbe = { container: 'mp4', durationSeconds: 12, sizeBytes: 2_000_000, video: { codec: 'h264', width: 1920, height: 1080 }, audio: { codec: 'aac' } };

describe('classifyUpload', () => {
  it.each<[string, MediaProbe | ProbeFailure, string, string?]>([
    ['an H.264 clip', h264, 'video'],
    ['an HEVC clip without audio', { ...h264, container: 'matroska', video: { codec: 'hevc', width: 320, height: 180 }, audio: undefined }, 'video'],
    ['an MJPEG AVI with G.711 audio', { ...h264, container: 'avi', video: { codec: 'mjpeg', width: 640, height: 480 }, audio: { codec: 'pcm_mulaw' } }, 'video'],
    ['a clip exactly at the time limit', { ...h264, durationSeconds: 120 }, 'video'],
    ['a clip exactly at the size limit', { ...h264, sizeBytes: 10_000_000 }, 'video'],
    ['a JPEG still', { container: 'jpeg', durationSeconds: 0, sizeBytes: 50_000, image: { format: 'jpeg', width: 1920, height: 1080 } }, 'still'],
    ['a PNG still', { container: 'png', durationSeconds: 0, sizeBytes: 50_000, image: { format: 'png', width: 640, height: 480 } }, 'still'],
    ['an empty file', { problem: 'empty', sizeBytes: 0, detail: 'The file has no bytes.' }, 'invalid', 'empty'],
    ['a zero-byte probe', { ...h264, sizeBytes: 0 }, 'invalid', 'empty'],
    ['a cut-short MP4', { problem: 'truncated', sizeBytes: 30_000, container: 'mp4', detail: 'The mp4 file is shorter than its own structure says.' }, 'invalid', 'truncated'],
    ['a text file', { problem: 'not-media', sizeBytes: 42, detail: 'No format recognized.' }, 'invalid', 'not-media'],
    ['audio only', { container: 'mp4', durationSeconds: 2, sizeBytes: 20_000, audio: { codec: 'aac' } }, 'invalid', 'no-video-track'],
    ['a container with no tracks', { container: 'mp4', durationSeconds: 0, sizeBytes: 2_000 }, 'invalid', 'not-media'],
    ['a clip over the time limit', { ...h264, durationSeconds: 120.5 }, 'invalid', 'too-long'],
    ['a file over the size limit', { ...h264, sizeBytes: 10_000_001 }, 'invalid', 'too-large'],
    ['a too-large file that is also cut short', { problem: 'truncated', sizeBytes: 20_000_000, detail: 'x' }, 'invalid', 'too-large'],
    ['a Cinepak clip', { ...h264, container: 'avi', video: { codec: 'cinepak', width: 320, height: 240 } }, 'invalid', 'unsupported-codec'],
    ['a TIFF still', { container: 'tiff', durationSeconds: 0, sizeBytes: 9_000, image: { format: 'tiff', width: 100, height: 100 } }, 'invalid', 'unsupported-codec'],
  ])('%s → %s %s', (_name, probe, kind, reason) => {
    const result = classifyUpload(probe, limits);
    expect(result.kind).toBe(kind);
    expect(result.reason).toBe(reason);
    if (kind === 'invalid') {
      // Every reason comes with a sentence for the operator.
      expect(result.detail!.length).toBeGreaterThan(20);
      expect(result.detail).toMatch(/\.$/);
    } else {
      expect(result.detail).toBeUndefined();
    }
  });

  it('says the limit and the setting to raise', () => {
    expect(classifyUpload({ ...h264, durationSeconds: 3600 }, limits).detail).toMatch(/60 min 00 s, over the 2 min 00 s limit.*MAX_CLIP_SECONDS/);
    expect(classifyUpload({ ...h264, sizeBytes: 3 * 1024 ** 3 }, { ...limits, maxBytes: 2 * 1024 ** 3 }).detail).toMatch(/3 GiB, over the 2 GiB limit.*MAX_CLIP_BYTES/);
  });

  it('uses 2 GiB and 30 minutes when no limits are given', () => {
    expect(classifyUpload({ ...h264, durationSeconds: 1800 }).kind).toBe('video');
    expect(classifyUpload({ ...h264, durationSeconds: 1801 }).reason).toBe('too-long');
    expect(classifyUpload({ ...h264, sizeBytes: 2 * 1024 ** 3 + 1 }).reason).toBe('too-large');
  });
});

describe('classifyBySize', () => {
  it.each([
    [0, 'empty'],
    [1, undefined],
    [limits.maxBytes, undefined],
    [limits.maxBytes + 1, 'too-large'],
  ])('%d bytes → %s', (size, reason) => {
    expect(classifyBySize(size, limits)?.reason).toBe(reason);
  });
});

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [2 * 1024 ** 3, '2 GiB'],
  ])('%d bytes → %s', (n, text) => expect(formatBytes(n)).toBe(text));
  it.each([
    [4.4, '4 s'],
    [61, '1 min 01 s'],
    [1800, '30 min 00 s'],
  ])('%d s → %s', (n, text) => expect(formatSeconds(n)).toBe(text));
});
