import { describe, expect, it } from 'vitest';
import type { MediaInfoResult } from 'mediainfo.js';
import { audioCodecName, containerName, isProbeFailure, mediaInfoWasmPath, probeFromMediaInfo, videoCodecName } from './clip-probe.ts';
import { existsSync } from 'node:fs';

describe('codec and container names (ffmpeg’s)', () => {
  it.each([
    ['AVC', 'avc1', 'h264'],
    ['HEVC', 'V_MPEGH/ISO/HEVC', 'hevc'],
    ['JPEG', 'MJPG', 'mjpeg'],
    [undefined, 'V_MJPEG', 'mjpeg'],
    ['MPEG-4 Visual', 'FMP4', 'mpeg4'],
    ['Cinepak', 'cvid', 'cinepak'],
    ['Some New Codec', undefined, 'some-new-codec'],
    [undefined, undefined, 'unknown'],
  ])('video %s / %s → %s', (format, codecId, name) => expect(videoCodecName(format, codecId)).toBe(name));

  it.each([
    ['AAC', undefined, undefined, 'aac'],
    ['ADPCM', 'U-Law', '7', 'pcm_mulaw'],
    ['ADPCM', 'A-Law', '6', 'pcm_alaw'],
    ['PCM', undefined, 'ulaw', 'pcm_mulaw'],
    ['PCM', undefined, 'sowt', 'pcm'],
    ['MPEG Audio', 'Layer 3', undefined, 'mp3'],
    ['Opus', undefined, undefined, 'opus'],
  ])('audio %s / %s / %s → %s', (format, profile, codecId, name) => expect(audioCodecName(format, profile, codecId)).toBe(name));

  it.each([
    ['MPEG-4', 'isom', 'mp4'],
    ['MPEG-4', 'qt  ', 'mov'],
    ['Matroska', undefined, 'matroska'],
    ['AVI', undefined, 'avi'],
    ['JPEG', undefined, 'jpeg'],
    [undefined, undefined, 'unknown'],
  ])('container %s / %s → %s', (format, codecId, name) => expect(containerName(format, codecId)).toBe(name));
});

function result(...track: Array<Record<string, unknown>>): MediaInfoResult {
  return { media: { '@ref': '', track } } as unknown as MediaInfoResult;
}

describe('probeFromMediaInfo', () => {
  it('reads a phone clip turned by rotation metadata', () => {
    const probe = probeFromMediaInfo(
      result(
        { '@type': 'General', Format: 'MPEG-4', CodecID: 'qt  ', Duration: 4.2 },
        { '@type': 'Video', Format: 'HEVC', Width: 1920, Height: 1080, Rotation: '90.000', FrameRate: 29.97, BitRate: 8_000_000 },
        { '@type': 'Audio', Format: 'AAC', Channels: 2, SamplingRate: 48000 },
      ),
      5_000_000,
    );
    expect(probe).toEqual({
      container: 'mov',
      durationSeconds: 4.2,
      sizeBytes: 5_000_000,
      video: { codec: 'hevc', width: 1920, height: 1080, frameRate: 29.97, bitrate: 8_000_000, rotation: 90 },
      audio: { codec: 'aac', channels: 2, sampleRate: 48000 },
    });
  });

  it.each<[string, MediaInfoResult, string]>([
    ['no recognized format', result({ '@type': 'General', FileSize: '6' }), 'not-media'],
    ['no tracks at all', { media: undefined }, 'not-media'],
    ['a container without tracks', result({ '@type': 'General', Format: 'MPEG-4' }), 'not-media'],
    ['a truncated structure', result({ '@type': 'General', Format: 'MPEG-4', extra: { IsTruncated: 'Yes' } }, { '@type': 'Video', Format: 'AVC', Width: 2, Height: 2 }), 'truncated'],
  ])('%s → %s', (_name, info, problem) => {
    const probe = probeFromMediaInfo(info, 100);
    expect(isProbeFailure(probe) && probe.problem).toBe(problem);
  });
});

describe('mediaInfoWasmPath', () => {
  it('finds the WebAssembly module of the installed package', () => {
    const path = mediaInfoWasmPath();
    expect(path.endsWith('MediaInfoModule.wasm')).toBe(true);
    expect(existsSync(path)).toBe(true);
  });
});
