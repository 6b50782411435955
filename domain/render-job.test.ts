import { CreateJobCommand, MediaConvertClient, type JobSettings } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import type { MediaProbe } from './clip-contract.ts';
import { buildRenderJob, displaySize, mediaPrefixFor, planLadder, spriteGrid, thumbnailCount, type RenderJobInput } from './render-job.ts';

function job(video: MediaProbe['video'], options: { audio?: boolean; durationSeconds?: number; capturedAt?: string } = {}) {
  const input: RenderJobInput = {
    clipId: 'c0ffee1234',
    camera: 'front-door',
    sourceUri: 's3://camflow-uploads/front-door/2025/clip.mp4',
    mediaBucket: 'camflow-media',
    capturedAt: options.capturedAt ?? '2025-03-09T23:59:58.000Z',
    probe: {
      container: 'mp4',
      durationSeconds: options.durationSeconds ?? 12.4,
      sizeBytes: 1_000_000,
      video,
      ...(options.audio === false ? {} : { audio: { codec: 'aac', channels: 2, sampleRate: 48000 } }),
    },
  };
  return buildRenderJob(input);
}

type Group = { Name: string; OutputGroupSettings: Record<string, any>; Outputs: Array<Record<string, any>> };
const groups = (settings: Record<string, unknown>) => settings.OutputGroups as Group[];
const group = (settings: Record<string, unknown>, name: string) => groups(settings).find((g) => g.Name === name)!;
const sizes = (settings: Record<string, unknown>, name: string) => group(settings, name).Outputs.map((o) => [o.VideoDescription.Width as number, o.VideoDescription.Height as number]);

/** Every video size in the job: even, inside the source, and at the source's display aspect ratio. */
function expectSizesKeepAspect(settings: Record<string, unknown>, display: { width: number; height: number }) {
  for (const g of groups(settings)) {
    for (const o of g.Outputs) {
      const { Width: w, Height: h } = o.VideoDescription as { Width: number; Height: number };
      expect(w % 2, `${g.Name} width ${w}`).toBe(0);
      expect(h % 2, `${g.Name} height ${h}`).toBe(0);
      expect(w).toBeLessThanOrEqual(display.width);
      expect(h).toBeLessThanOrEqual(display.height);
      // Within rounding to an even number: at most one pixel (plus a hair) from the exact ratio.
      const exactWidth = (h * display.width) / display.height;
      const exactHeight = (w * display.height) / display.width;
      expect(Math.min(Math.abs(w - exactWidth), Math.abs(h - exactHeight)), `${g.Name} ${w}x${h} vs ${display.width}x${display.height}`).toBeLessThanOrEqual(1.01);
    }
  }
}

describe('mediaPrefixFor', () => {
  it('places a clip under its camera and the UTC date it was captured', () => {
    expect(mediaPrefixFor({ mediaBucket: 'm', camera: 'garage', capturedAt: '2025-01-02T03:04:05Z', clipId: 'abc' })).toBe('s3://m/garage/2025/01/02/abc/');
    // 23:30 at UTC-5 is the next day in UTC.
    expect(mediaPrefixFor({ mediaBucket: 'm', camera: 'garage', capturedAt: '2025-12-31T23:30:00-05:00', clipId: 'abc' })).toBe('s3://m/garage/2026/01/01/abc/');
  });

  it('refuses a time that is not ISO 8601', () => {
    expect(() => mediaPrefixFor({ mediaBucket: 'm', camera: 'garage', capturedAt: 'yesterday', clipId: 'abc' })).toThrow(/ISO 8601/);
  });
});

describe('buildRenderJob', () => {
  it('renders only the rungs a smaller ladder names (fewer billed outputs), still never above the source', () => {
    const base: RenderJobInput = {
      clipId: 'c0ffee1234',
      camera: 'front-door',
      sourceUri: 's3://camflow-uploads/front-door/clip.mp4',
      mediaBucket: 'camflow-media',
      capturedAt: '2025-03-09T10:00:00Z',
      probe: { container: 'mp4', durationSeconds: 10, sizeBytes: 1, video: { codec: 'h264', width: 1920, height: 1080 } },
    };
    const { settings, outputs } = buildRenderJob({ ...base, ladder: ['720p', '360p'] });
    expect(sizes(settings, 'HLS')).toEqual([
      [1280, 720],
      [640, 360],
    ]);
    // The MP4 and the poster follow the largest rung rendered.
    expect(sizes(settings, 'MP4')).toEqual([[1280, 720]]);
    expect(outputs.filter((o) => o.kind === 'hls').map((o) => o.height)).toEqual([720, 360]);
    expect(sizes(buildRenderJob({ ...base, probe: { ...base.probe, video: { codec: 'h264', width: 640, height: 360 } }, ladder: ['1080p', '360p'] }).settings, 'HLS')).toEqual([[640, 360]]);
    expect(() => buildRenderJob({ ...base, ladder: ['4k'] })).toThrow(/must name rungs from 1080p, 720p, 360p/);
  });

  it('renders a 1080p clip with audio to the whole ladder, an MP4, a poster and a thumbnail sprite', () => {
    const { settings, outputs, mediaPrefix } = job({ codec: 'h264', width: 1920, height: 1080 });
    expect(mediaPrefix).toBe('s3://camflow-media/front-door/2025/03/09/c0ffee1234/');
    expect(groups(settings).map((g) => g.Name)).toEqual(['HLS', 'MP4', 'Poster']);
    expect(sizes(settings, 'HLS')).toEqual([
      [1920, 1080],
      [1280, 720],
      [640, 360],
    ]);
    expect(group(settings, 'HLS').Outputs.map((o) => o.NameModifier)).toEqual(['_1080p', '_720p', '_360p']);
    expect(sizes(settings, 'MP4')).toEqual([[1920, 1080]]);
    expect(sizes(settings, 'Poster')).toEqual([[1920, 1080]]);
    // 12.4 s: thumbnails at 0, 2, … 12 s = 7, in a 2 × 4 grid of 320 × 180.
    expect(group(settings, 'HLS').OutputGroupSettings.HlsGroupSettings).toMatchObject({
      ImageBasedTrickPlay: 'ADVANCED',
      ImageBasedTrickPlaySettings: { IntervalCadence: 'FOLLOW_CUSTOM', ThumbnailInterval: 2, ThumbnailWidth: 320, ThumbnailHeight: 180, TileWidth: 2, TileHeight: 4 },
    });
    expect(group(settings, 'MP4').Outputs[0]!.ContainerSettings).toEqual({ Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } });

    const input = (settings.Inputs as Array<Record<string, unknown>>)[0]!;
    expect(input).toEqual({
      FileInput: 's3://camflow-uploads/front-door/2025/clip.mp4',
      TimecodeSource: 'ZEROBASED',
      VideoSelector: { Rotate: 'AUTO' },
      AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } },
    });
    for (const name of ['HLS', 'MP4']) {
      for (const o of group(settings, name).Outputs) {
        expect(o.AudioDescriptions).toEqual([
          { AudioSourceName: 'Audio Selector 1', CodecSettings: { Codec: 'AAC', AacSettings: { Bitrate: 96000, CodingMode: 'CODING_MODE_2_0', SampleRate: 48000 } } },
        ]);
      }
    }
    expect(group(settings, 'Poster').Outputs[0]!.AudioDescriptions).toBeUndefined();

    expect(outputs).toEqual([
      { kind: 'hls-master', uri: `${mediaPrefix}hls/index.m3u8` },
      { kind: 'hls', uri: `${mediaPrefix}hls/index_1080p.m3u8`, width: 1920, height: 1080, bitrate: 5_000_000 },
      { kind: 'hls', uri: `${mediaPrefix}hls/index_720p.m3u8`, width: 1280, height: 720, bitrate: 3_000_000 },
      { kind: 'hls', uri: `${mediaPrefix}hls/index_360p.m3u8`, width: 640, height: 360, bitrate: 1_000_000 },
      { kind: 'mp4', uri: `${mediaPrefix}clip.mp4`, width: 1920, height: 1080, bitrate: 5_000_000 },
      { kind: 'poster', uri: `${mediaPrefix}poster.0000000.jpg`, width: 1920, height: 1080 },
      {
        kind: 'sprite',
        uri: `${mediaPrefix}hls/index_thumbnails_00001.jpg`,
        index: `${mediaPrefix}hls/index_thumbnails.m3u8`,
        width: 320,
        height: 180,
        intervalSeconds: 2,
        columns: 2,
        rows: 4,
        count: 7,
      },
    ]);
  });

  it('writes every output under {camera}/{yyyy}/{mm}/{dd}/{clipId}/ of the media bucket', () => {
    const { settings, outputs } = job({ codec: 'h264', width: 1280, height: 720 }, { capturedAt: '2024-02-29T12:00:00Z' });
    const prefix = 's3://camflow-media/front-door/2024/02/29/c0ffee1234/';
    const destinations = groups(settings).map((g) => (Object.values(g.OutputGroupSettings).find((v) => typeof v === 'object') as { Destination: string }).Destination);
    expect(destinations).toEqual([`${prefix}hls/index`, `${prefix}clip`, `${prefix}poster`]);
    for (const o of outputs) expect(o.uri.startsWith(prefix)).toBe(true);
  });

  it('never upscales: a 720p source gets 720p and 360p, and nothing above its own size', () => {
    const { settings, outputs } = job({ codec: 'h264', width: 1280, height: 720 });
    expect(sizes(settings, 'HLS')).toEqual([
      [1280, 720],
      [640, 360],
    ]);
    expect(sizes(settings, 'MP4')).toEqual([[1280, 720]]);
    expect(outputs.filter((o) => o.kind === 'hls').map((o) => o.height)).toEqual([720, 360]);
  });

  it('gives a source below 360p one rung at its own (even) size', () => {
    const { settings } = job({ codec: 'mjpeg', width: 321, height: 241 });
    expect(sizes(settings, 'HLS')).toEqual([[320, 240]]);
    expect(group(settings, 'HLS').Outputs[0]!.NameModifier).toBe('_240p');
    expect(group(settings, 'HLS').OutputGroupSettings.HlsGroupSettings.ImageBasedTrickPlaySettings).toMatchObject({ ThumbnailWidth: 320, ThumbnailHeight: 240 });
    expect(planLadder({ width: 160, height: 90 })).toEqual([{ label: '90p', width: 160, height: 90, maxBitrate: 600_000 }]);
  });

  it('has no audio selector and no audio outputs for a silent source', () => {
    const { settings } = job({ codec: 'h264', width: 1920, height: 1080 }, { audio: false });
    const input = (settings.Inputs as Array<Record<string, unknown>>)[0]!;
    expect(input).not.toHaveProperty('AudioSelectors');
    for (const g of groups(settings)) for (const o of g.Outputs) expect(o).not.toHaveProperty('AudioDescriptions');
    expect(JSON.stringify(settings)).not.toMatch(/Audio/);
  });

  it('keeps 2304x1296 at 16:9 with even sizes', () => {
    const { settings } = job({ codec: 'hevc', width: 2304, height: 1296 });
    expect(sizes(settings, 'HLS')).toEqual([
      [1920, 1080],
      [1280, 720],
      [640, 360],
    ]);
    expectSizesKeepAspect(settings, { width: 2304, height: 1296 });
  });

  it('keeps a portrait 1080x1920 phone clip portrait', () => {
    const { settings } = job({ codec: 'h264', width: 1080, height: 1920 });
    expect(sizes(settings, 'HLS')).toEqual([
      [1080, 1920],
      [720, 1280],
      [360, 640],
    ]);
    expect(group(settings, 'HLS').OutputGroupSettings.HlsGroupSettings.ImageBasedTrickPlaySettings).toMatchObject({ ThumbnailWidth: 320, ThumbnailHeight: 568, TileHeight: 4 });
    expectSizesKeepAspect(settings, { width: 1080, height: 1920 });
  });

  it('turns a clip stored landscape with 90° or 270° rotation into portrait renditions', () => {
    for (const rotation of [90, 270, -90]) {
      expect(displaySize({ width: 1920, height: 1080, rotation })).toEqual({ width: 1080, height: 1920 });
      const { settings } = job({ codec: 'h264', width: 1920, height: 1080, rotation });
      expect(sizes(settings, 'HLS')).toEqual([
        [1080, 1920],
        [720, 1280],
        [360, 640],
      ]);
      expectSizesKeepAspect(settings, { width: 1080, height: 1920 });
    }
    expect(displaySize({ width: 1920, height: 1080, rotation: 180 })).toEqual({ width: 1920, height: 1080 });
  });

  it('gives even sizes that keep the ratio for odd sources', () => {
    for (const [width, height] of [
      [1366, 768],
      [1279, 719],
      [2592, 1944],
      [1440, 1080],
      [719, 1279],
      [333, 187],
      [3840, 1601],
    ] as const) {
      const { settings } = job({ codec: 'h264', width, height });
      expectSizesKeepAspect(settings, { width, height });
    }
  });

  it('takes one poster and one thumbnail every 2 s into one sprite, capped at 500 thumbnails and 4096 px tall', () => {
    const short = job({ codec: 'h264', width: 640, height: 360 }, { durationSeconds: 9.5 });
    const poster = group(short.settings, 'Poster').Outputs[0]!.VideoDescription.CodecSettings;
    expect(poster).toEqual({ Codec: 'FRAME_CAPTURE', FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: 10, MaxCaptures: 1, Quality: 80 } });
    // 9.5 s: 0, 2, 4, 6, 8 s.
    expect(short.outputs.find((o) => o.kind === 'sprite')).toMatchObject({ count: 5, columns: 2, rows: 4 });
    // A frame exists at 0 s and at every 2 s before the clip ends: 20 s has 0…18 s, 21 s has 20 s too.
    expect([0.4, 2, 10, 11, 20, 21].map((seconds) => thumbnailCount(seconds))).toEqual([1, 1, 5, 6, 10, 11]);
    const long = job({ codec: 'h264', width: 640, height: 360 }, { durationSeconds: 3 * 3600 });
    const sprite = long.outputs.find((o) => o.kind === 'sprite')!;
    expect(sprite.count).toBe(500);
    expect(sprite.rows! * sprite.height!).toBeLessThanOrEqual(4096);
    expect(sprite.rows! * sprite.columns!).toBeGreaterThanOrEqual(500);
    expect(spriteGrid(1, { width: 320, height: 180 })).toEqual({ columns: 1, rows: 2 });
  });

  it('refuses a probe without video', () => {
    expect(() => job(undefined)).toThrow(/no video track/);
  });

  it('uses only names the MediaConvert API knows: the SDK serializes every setting, none dropped', async () => {
    const { settings } = job({ codec: 'h264', width: 1920, height: 1080 });
    const client = new MediaConvertClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    let body: string | undefined;
    client.middlewareStack.add(
      () => async (args) => {
        body = String((args.request as { body: unknown }).body);
        throw new Error('serialized');
      },
      { step: 'build' },
    );
    await expect(client.send(new CreateJobCommand({ Role: 'arn:aws:iam::000000000000:role/x', Settings: settings }))).rejects.toThrow('serialized');
    const sent = (JSON.parse(body!) as { settings: unknown }).settings;
    expect(flatten(sent)).toEqual(flatten(settings));
  });

  it('returns settings assignable to the SDK JobSettings type (checked by tsc: `npm run typecheck`, part of `npm run lint`)', () => {
    const { settings } = job({ codec: 'h264', width: 1920, height: 1080 });
    // The check is these assignments: the type check fails when the builder's settings stop fitting JobSettings.
    const typed: JobSettings = settings;
    const loose: Record<string, unknown> = settings;
    // Proof the check is live: JobSettings refuses a setting it does not have.
    // @ts-expect-error NotAJobSetting is not in JobSettings
    const refused: JobSettings = { ...settings, NotAJobSetting: true };
    expect(typed.OutputGroups?.length).toBeGreaterThan(0);
    expect(loose).toBe(typed);
    expect(refused).toMatchObject({ NotAJobSetting: true });
  });
});

/** `{ path (lowercased): leaf }` — MediaConvert's wire format is the same tree with camelCase names. */
function flatten(value: unknown, path = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) into[path.toLowerCase()] = Array.isArray(value) ? [] : {};
    for (const [key, child] of entries) flatten(child, `${path}/${key}`, into);
  } else {
    into[path.toLowerCase()] = value;
  }
  return into;
}

// Compile-time check as well (run by `npm run typecheck`).
export const typed: (input: RenderJobInput) => JobSettings = (input) => buildRenderJob(input).settings;
