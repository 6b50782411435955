/**
 * The MediaConvert job that turns one uploaded clip into web playback, by render profile
 * (domain/render-profiles.ts): the camera's H.264 passed through (`passthrough`), one
 * 720p rendition (`economy`) or an HLS ladder (`full`: 1080p/720p/360p, never above the
 * source) — each as single-file HLS (one .ts per rendition, byte ranges in its playlist) and
 * one fast-start MP4 — plus a poster JPEG and the scrub thumbnails as one sprite image (HLS
 * image-based trick play: one tiled JPEG and its image playlist beside the video playlists),
 * all under `s3://{media}/{camera}/{yyyy}/{mm}/{dd}/{clipId}/`.
 *
 * Pure: no AWS call. "Validate clip" puts the result at `$.validation.render`, "Render web
 * playback" sends `settings` as the CreateJob `Settings`, and the local runtime executes the
 * same settings with ffmpeg. Only the settings below are used, so the local engine (which
 * refuses settings it does not implement) and MediaConvert read the same job.
 *
 * Basic tier: H.264 with the default single-pass quality tuning, QVBR without
 * MaxAverageBitrate (that needs multi-pass HQ, a Professional feature), 8-bit, AAC, HLS and
 * MP4 outputs and frame capture — all within MediaConvert's Basic on-demand tier.
 */
import type { AudioDescription, AudioSelector, JobSettings, Output, OutputGroup, VideoDescription } from '@aws-sdk/client-mediaconvert';
import type { MediaProbe, PlannedRendition } from './clip-contract.ts';
import { assertBasicTier, chooseRenderProfile, type ProfileChoice, type RenderProfile } from './render-profiles.ts';

export interface RenderJobInput {
  clipId: string;
  camera: string;
  /** `s3://{uploads}/{key}` of the raw clip. */
  sourceUri: string;
  mediaBucket: string;
  /** ISO 8601; its UTC date places the outputs. */
  capturedAt: string;
  probe: MediaProbe;
  /**
   * Labels of the HLS rungs to render, from `HLS_LADDER` (default all). Each rung is a
   * MediaConvert output billed by the minute: `['720p', '360p']` costs about half.
   */
  ladder?: readonly string[];
  /**
   * The camera's render profile (its settings, else the stack's `defaultRenderProfile`,
   * whose default is `passthrough`). Left out: `full`, the ladder.
   */
  profile?: RenderProfile;
}

export interface RenderJob {
  /** CreateJob `Settings` (assignable to the SDK's `JobSettings`). */
  settings: Record<string, unknown> & JobSettings;
  /** Every file (or, for thumbnails, key prefix) the job writes. */
  outputs: PlannedRendition[];
  /** `s3://{media}/{camera}/{yyyy}/{mm}/{dd}/{clipId}/` */
  mediaPrefix: string;
  /** Which profile the clip got, and why when it is not the one asked for. */
  profile: ProfileChoice;
}

/** A rung of the HLS ladder: `shortSide` is the "p" number (the height of a landscape video). */
export interface LadderRung {
  label: string;
  shortSide: number;
  maxBitrate: number;
}

/** The ladder, largest first. Security-camera footage is mostly static: modest ceilings. */
export const HLS_LADDER: readonly LadderRung[] = [
  { label: '1080p', shortSide: 1080, maxBitrate: 5_000_000 },
  { label: '720p', shortSide: 720, maxBitrate: 3_000_000 },
  { label: '360p', shortSide: 360, maxBitrate: 1_000_000 },
];

/** Ceiling for the single rung of a source smaller than 360p. */
export const SMALL_SOURCE_MAX_BITRATE = 600_000;
/** `economy`: one rendition at this short side (or the source's, when smaller). */
export const ECONOMY_SHORT_SIDE = 720;
export const HLS_SEGMENT_SECONDS = 4;
export const THUMBNAIL_INTERVAL_SECONDS = 2;
export const THUMBNAIL_WIDTH = 320;
export const MAX_THUMBNAILS = 500;
/** MediaConvert rejects a tile image taller than this (ImageBasedTrickPlaySettings.ThumbnailHeight). */
export const MAX_SPRITE_HEIGHT = 4096;
/**
 * The sprite's files, as the HLS group names them: `{destination}{modifier}.m3u8` (the image
 * playlist, its index) and `{destination}{modifier}_00001.jpg` (the one tile image). The local
 * engine writes exactly these (runtime/mediaconvert/render-command.ts uses `spriteFiles`).
 */
export const SPRITE_NAME_MODIFIER = '_thumbnails';

/** The sprite's two files for an HLS group whose destination name is `baseName`. */
export function spriteFiles(baseName: string): { playlist: string; image: string } {
  return { playlist: `${baseName}${SPRITE_NAME_MODIFIER}.m3u8`, image: `${baseName}${SPRITE_NAME_MODIFIER}_00001.jpg` };
}
export const AUDIO_SELECTOR = 'Audio Selector 1';

export interface FrameSize {
  width: number;
  height: number;
}

export interface PlannedRung extends FrameSize {
  label: string;
  maxBitrate: number;
}

/** `s3://{media}/{camera}/{yyyy}/{mm}/{dd}/{clipId}/`, the date being capturedAt's UTC date. */
export function mediaPrefixFor(input: { mediaBucket: string; camera: string; capturedAt: string; clipId: string }): string {
  const when = new Date(input.capturedAt);
  if (Number.isNaN(when.getTime())) {
    throw new RangeError(`capturedAt '${input.capturedAt}' is not an ISO 8601 time; pass the clip's capture or upload time`);
  }
  const yyyy = String(when.getUTCFullYear()).padStart(4, '0');
  const mm = String(when.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(when.getUTCDate()).padStart(2, '0');
  return `s3://${input.mediaBucket}/${input.camera}/${yyyy}/${mm}/${dd}/${input.clipId}/`;
}

/** The picture as a viewer sees it: stored size turned by the rotation metadata (portrait phones). */
export function displaySize(video: { width: number; height: number; rotation?: number }): FrameSize {
  const quarterTurns = Math.round(((((video.rotation ?? 0) % 360) + 360) % 360) / 90) % 4;
  return quarterTurns % 2 === 1 ? { width: video.height, height: video.width } : { width: video.width, height: video.height };
}

const evenFloor = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
const evenRound = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * The frame size whose short side is `shortSide`, keeping the display aspect ratio, both
 * sides even and neither above the source.
 */
export function scaleToShortSide(source: FrameSize, shortSide: number): FrameSize {
  const landscape = source.width >= source.height;
  const long = landscape ? source.width : source.height;
  const short = landscape ? source.height : source.width;
  const scaledShort = Math.min(evenFloor(shortSide), evenFloor(short));
  const scaledLong = Math.min(evenRound((scaledShort * long) / short), evenFloor(long));
  return landscape ? { width: scaledLong, height: scaledShort } : { width: scaledShort, height: scaledLong };
}

/** The frame size whose width is `width` (or the source's, if narrower), aspect kept, even. */
export function scaleToWidth(source: FrameSize, width: number): FrameSize {
  const w = Math.min(evenFloor(width), evenFloor(source.width));
  return { width: w, height: Math.min(evenRound((w * source.height) / source.width), evenFloor(source.height)) };
}

/**
 * The HLS rungs for a source: every ladder rung whose short side fits in the source's
 * (no upscaling); a source smaller than the lowest rung gets one rung at its own size.
 */
export function planLadder(source: FrameSize, ladder: readonly string[] = HLS_LADDER.map((r) => r.label)): PlannedRung[] {
  const short = Math.min(source.width, source.height);
  const unknown = ladder.filter((label) => !HLS_LADDER.some((r) => r.label === label));
  if (unknown.length || ladder.length === 0) {
    throw new TypeError(`HLS ladder ${JSON.stringify(ladder)} must name rungs from ${HLS_LADDER.map((r) => r.label).join(', ')}`);
  }
  const rungs = HLS_LADDER.filter((r) => ladder.includes(r.label) && r.shortSide <= short).map((r) => ({ label: r.label, maxBitrate: r.maxBitrate, ...scaleToShortSide(source, r.shortSide) }));
  if (rungs.length > 0) return rungs;
  const own = scaleToShortSide(source, short);
  return [{ label: `${Math.min(own.width, own.height)}p`, maxBitrate: SMALL_SOURCE_MAX_BITRATE, ...own }];
}

function h264Video(size: FrameSize, maxBitrate: number): VideoDescription {
  return {
    Width: size.width,
    Height: size.height,
    ScalingBehavior: 'DEFAULT',
    CodecSettings: {
      Codec: 'H_264',
      H264Settings: {
        RateControlMode: 'QVBR',
        QvbrSettings: { QvbrQualityLevel: 7 },
        MaxBitrate: maxBitrate,
        GopSize: 2,
        GopSizeUnits: 'SECONDS',
        CodecProfile: 'MAIN',
        CodecLevel: 'AUTO',
        FramerateControl: 'INITIALIZE_FROM_SOURCE',
        SceneChangeDetect: 'TRANSITION_DETECTION',
      },
    },
  };
}

function aacAudio(): AudioDescription[] {
  return [
    {
      AudioSourceName: AUDIO_SELECTOR,
      CodecSettings: { Codec: 'AAC', AacSettings: { Bitrate: 96000, CodingMode: 'CODING_MODE_2_0', SampleRate: 48000 } },
    },
  ];
}

/** AAC kept as the camera wrote it (audio passthrough: AAC LC in, the same bytes out). */
function passthroughAudio(): AudioDescription[] {
  return [{ AudioSourceName: AUDIO_SELECTOR, CodecSettings: { Codec: 'PASSTHROUGH' } }];
}

/** Video passthrough: no size, scaling or frame rate — the source's stream as it is. */
function passthroughVideo(): VideoDescription {
  return { CodecSettings: { Codec: 'PASSTHROUGH' } };
}

/** `economy`'s one rendition: 720p, or the source's own short side when smaller. */
export function economyRung(source: FrameSize): PlannedRung {
  const short = Math.min(source.width, source.height);
  const size = scaleToShortSide(source, Math.min(ECONOMY_SHORT_SIDE, short));
  const rung = HLS_LADDER.find((r) => r.shortSide === ECONOMY_SHORT_SIDE)!;
  const label = `${Math.min(size.width, size.height)}p`;
  return { label, maxBitrate: short >= 360 ? rung.maxBitrate : SMALL_SOURCE_MAX_BITRATE, ...size };
}

function frameCapture(size: FrameSize, everySeconds: number, maxCaptures: number): VideoDescription {
  return {
    Width: size.width,
    Height: size.height,
    CodecSettings: {
      Codec: 'FRAME_CAPTURE',
      FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: everySeconds, MaxCaptures: maxCaptures, Quality: 80 },
    },
  };
}

/**
 * The sprite's grid for `count` thumbnails of `thumbnail` size: about square, an even number
 * of rows (MediaConvert's TileHeight must be even, 2 to 2048) and at most 4096 px tall, with
 * enough cells for every thumbnail so the clip has one tile image.
 */
export function spriteGrid(count: number, thumbnail: FrameSize): { columns: number; rows: number } {
  const maxRows = Math.max(2, Math.floor(MAX_SPRITE_HEIGHT / thumbnail.height / 2) * 2);
  const rows = Math.min(maxRows, Math.max(2, Math.ceil(Math.sqrt(Math.max(1, count)) / 2) * 2));
  return { columns: Math.max(1, Math.ceil(count / rows)), rows };
}

/** Thumbnails a clip of `seconds` gets: one at 0 s, then one every interval while the clip lasts. */
export function thumbnailCount(seconds: number): number {
  return Math.min(MAX_THUMBNAILS, Math.max(1, Math.ceil(seconds / THUMBNAIL_INTERVAL_SECONDS - 1e-6)));
}

/** The CreateJob settings for one clip, and what they will write. */
export function buildRenderJob(input: RenderJobInput): RenderJob {
  const { probe } = input;
  if (!probe.video) {
    throw new TypeError(`clip ${input.clipId} has no video track; only videos are rendered (stills are their own poster)`);
  }
  if (!input.sourceUri.startsWith('s3://')) {
    throw new TypeError(`sourceUri '${input.sourceUri}' must be an s3:// URI of the raw clip`);
  }
  const mediaPrefix = mediaPrefixFor(input);
  const hasAudio = probe.audio !== undefined;
  const source = displaySize(probe.video);
  const profile = chooseRenderProfile(input.profile ?? 'full', probe);
  const passthrough = profile.applied === 'passthrough';
  const rungs: PlannedRung[] = passthrough
    ? [{ label: 'source', maxBitrate: probe.video.bitrate ?? 0, ...source }]
    : profile.applied === 'economy'
      ? [economyRung(source)]
      : planLadder(source, input.ladder);
  const top = rungs[0]!;
  const keepAudio = passthrough && probe.audio?.codec.toLowerCase() === 'aac';
  const audio = hasAudio ? { AudioDescriptions: keepAudio ? passthroughAudio() : aacAudio() } : {};
  // A passthrough keeps the source's (possibly odd) size; the poster JPEG is made at even sides.
  const posterSize = passthrough ? scaleToShortSide(source, Math.min(source.width, source.height)) : top;
  const videoOf = (rung: PlannedRung) => (passthrough ? passthroughVideo() : h264Video(rung, rung.maxBitrate));
  const seconds = Number.isFinite(probe.durationSeconds) && probe.durationSeconds > 0 ? probe.durationSeconds : 0;
  // ThumbnailWidth must be a multiple of 8 (320 is), ThumbnailHeight even (scaleToWidth makes it so).
  const thumbnailSize = scaleToWidth(source, THUMBNAIL_WIDTH);
  const thumbnails = thumbnailCount(seconds);
  const grid = spriteGrid(thumbnails, thumbnailSize);
  // One capture only, taken at the first frame; the interval just has to outlast the clip.
  const posterInterval = Math.min(3600, Math.max(1, Math.ceil(seconds)));

  const hlsOutputs: Output[] = rungs.map((rung) => ({
    NameModifier: `_${rung.label}`,
    ContainerSettings: { Container: 'M3U8', M3u8Settings: {} },
    VideoDescription: videoOf(rung),
    ...audio,
  }));

  const outputGroups: OutputGroup[] = [
    {
      Name: 'HLS',
      OutputGroupSettings: {
        Type: 'HLS_GROUP_SETTINGS',
        HlsGroupSettings: {
          Destination: `${mediaPrefix}hls/index`,
          SegmentLength: HLS_SEGMENT_SECONDS,
          MinSegmentLength: 0,
          // One .ts file per rendition, segments addressed by #EXT-X-BYTERANGE: fewer objects
          // (PUTs, lifecycle transitions, minimum sizes) than one file per segment.
          SegmentControl: 'SINGLE_FILE',
          DirectoryStructure: 'SINGLE_DIRECTORY',
          ManifestDurationFormat: 'INTEGER',
          OutputSelection: 'MANIFESTS_AND_SEGMENTS',
          ProgramDateTime: 'EXCLUDE',
          CodecSpecification: 'RFC_4281',
          // The scrub thumbnails as one tiled JPEG plus its image playlist (the index):
          // 2 objects where one JPEG per thumbnail made 11 for a 20 s clip.
          ImageBasedTrickPlay: 'ADVANCED',
          ImageBasedTrickPlaySettings: {
            IntervalCadence: 'FOLLOW_CUSTOM',
            ThumbnailInterval: THUMBNAIL_INTERVAL_SECONDS,
            ThumbnailWidth: thumbnailSize.width,
            ThumbnailHeight: thumbnailSize.height,
            TileWidth: grid.columns,
            TileHeight: grid.rows,
          },
        },
      },
      Outputs: hlsOutputs,
    },
    {
      Name: 'MP4',
      OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: `${mediaPrefix}clip` } },
      Outputs: [
        {
          ContainerSettings: { Container: 'MP4', Mp4Settings: { MoovPlacement: 'PROGRESSIVE_DOWNLOAD' } },
          VideoDescription: videoOf(top),
          ...audio,
        },
      ],
    },
    {
      Name: 'Poster',
      OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: `${mediaPrefix}poster` } },
      Outputs: [{ ContainerSettings: { Container: 'RAW' }, VideoDescription: frameCapture(posterSize, posterInterval, 1) }],
    },
  ];

  const audioSelectors: Record<string, AudioSelector> | undefined = hasAudio ? { [AUDIO_SELECTOR]: { DefaultSelection: 'DEFAULT' } } : undefined;
  const settings = {
    TimecodeConfig: { Source: 'ZEROBASED' },
    Inputs: [
      {
        FileInput: input.sourceUri,
        TimecodeSource: 'ZEROBASED',
        VideoSelector: { Rotate: 'AUTO' },
        ...(audioSelectors ? { AudioSelectors: audioSelectors } : {}),
      },
    ],
    OutputGroups: outputGroups,
  } satisfies JobSettings;

  assertBasicTier(settings);
  const bitrate = (r: PlannedRung) => (r.maxBitrate > 0 ? { bitrate: r.maxBitrate } : {});
  const sprite = spriteFiles('index');
  const outputs: PlannedRendition[] = [
    { kind: 'hls-master', uri: `${mediaPrefix}hls/index.m3u8` },
    ...rungs.map((r): PlannedRendition => ({ kind: 'hls', uri: `${mediaPrefix}hls/index_${r.label}.m3u8`, width: r.width, height: r.height, ...bitrate(r) })),
    { kind: 'mp4', uri: `${mediaPrefix}clip.mp4`, width: top.width, height: top.height, ...bitrate(top) },
    { kind: 'poster', uri: `${mediaPrefix}poster.0000000.jpg`, width: posterSize.width, height: posterSize.height },
    {
      kind: 'sprite',
      uri: `${mediaPrefix}hls/${sprite.image}`,
      index: `${mediaPrefix}hls/${sprite.playlist}`,
      width: thumbnailSize.width,
      height: thumbnailSize.height,
      intervalSeconds: THUMBNAIL_INTERVAL_SECONDS,
      ...grid,
      count: thumbnails,
    },
  ];

  return { settings, outputs, mediaPrefix, profile };
}
