/**
 * Turns a render plan and what the input holds into ffmpeg command lines, and names every
 * file each output writes. Pure: the engine runs the commands, the benchmark runs the very
 * same commands on a local file.
 *
 * One ffmpeg process decodes the input once and feeds every output through a `split`
 * filter; each HLS rendition, the MP4 and each frame capture is its own ffmpeg output (no
 * `var_stream_map`, which the npm-shipped 2018 ffmpeg crashes on). An HLS rendition whose
 * encode is identical to an MP4 output's (same size, rate control, GOP, profile, audio) is
 * not encoded twice: a second, copy-only ffmpeg run cuts the MP4's streams into segments.
 */
import { autoLevel, expectedAvcCodecString, peakBitrate, rateControlArgs, x264Preset } from './h264-encoding.ts';
import type { AudioEncode, FrameCaptureEncode, FrameRate, H264Encode, HlsGroupPlan, RenderPlan, Rotation, ScalingBehavior, VideoEncode } from './job-settings.ts';
import { displayedSize, type SourceReport } from './source-probe.ts';
import { spriteFiles } from '../../domain/render-job.ts';

export interface FrameSize {
  width: number;
  height: number;
}

/** One output as the job details report it, with the local files it writes. */
export interface PlannedOutput {
  groupIndex: number;
  outputIndex: number;
  kind: 'hls' | 'mp4' | 'frames';
  settingPath: string;
  size: FrameSize;
  /** Output frames per second (frame captures: captures per second). */
  frameRate?: number;
  /** H.264 outputs: RFC 6381 codec string expected from profile and level. */
  videoCodec?: string;
  audio: boolean;
  peakBitrate?: number;
  /** Local folder of the group; file names are the S3 object names. */
  directory: string;
  /** HLS: the variant playlist; MP4: the file; frames: the name pattern's prefix (before `.0000000.jpg`). */
  fileName: string;
  /** HLS: segment names, e.g. `index_720p_` + 5 digits + `.ts`. */
  segmentPrefix?: string;
  /** HLS with SegmentControl SINGLE_FILE: the one .ts file every segment is a byte range of. */
  singleFile?: string;
}

export interface RenderCommands {
  /** ffmpeg arguments (without the binary) that make every encoded output. */
  encode: string[];
  /** Copy-only runs that cut an MP4's streams into an HLS rendition, run after `encode`. */
  remux: string[][];
  outputs: PlannedOutput[];
  /** Per HLS group: where its master playlist goes. */
  masters: Array<{ groupIndex: number; directory: string; fileName: string }>;
  /** Per HLS group with image-based trick play: the tile image the encode writes and the image playlist the engine writes. */
  sprites: PlannedSprite[];
}

export interface PlannedSprite {
  groupIndex: number;
  directory: string;
  /** The image playlist (its index), e.g. `index_thumbnails.m3u8`. */
  playlist: string;
  /** The one tile image, e.g. `index_thumbnails_00001.jpg`. */
  image: string;
  thumbnail: FrameSize;
  columns: number;
  rows: number;
  intervalSeconds: number;
}

export class RenderNotPossible extends Error {
  constructor(
    readonly settingPath: string,
    message: string,
  ) {
    super(message);
  }
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
const evenFloor = (n: number) => Math.max(2, Math.floor(n / 2) * 2);

/**
 * The output frame size: Width × Height as given; with one side given the other follows the
 * picture's aspect ratio; with neither, the picture's own size (even).
 */
export function outputFrameSize(requested: { width?: number; height?: number }, picture: FrameSize): FrameSize {
  const { width, height } = requested;
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: even((width * picture.height) / picture.width) };
  if (height !== undefined) return { width: even((height * picture.width) / picture.height), height };
  return { width: evenFloor(picture.width), height: evenFloor(picture.height) };
}

/**
 * ScalingBehavior as filters. DEFAULT is MediaConvert's "fit with padding": the picture is
 * scaled to fit inside the output frame, aspect ratio kept, and padded (black) to the frame.
 * STRETCH_TO_OUTPUT scales to the frame, distorting the picture if the aspect ratios differ.
 */
export function scalingFilters(picture: FrameSize, frame: FrameSize, behavior: ScalingBehavior): string[] {
  if (behavior === 'STRETCH_TO_OUTPUT' || (picture.width * frame.height === picture.height * frame.width && picture.width > 0)) {
    return [`scale=${frame.width}:${frame.height}`, 'setsar=1'];
  }
  const factor = Math.min(frame.width / picture.width, frame.height / picture.height);
  const width = Math.min(frame.width, even(picture.width * factor));
  const height = Math.min(frame.height, even(picture.height * factor));
  const filters = [`scale=${width}:${height}`, 'setsar=1'];
  if (width !== frame.width || height !== frame.height) {
    const offset = (room: number) => Math.floor(room / 4) * 2; // centered, even (4:2:0 chroma)
    filters.push(`pad=${frame.width}:${frame.height}:${offset(frame.width - width)}:${offset(frame.height - height)}:black`);
  }
  return filters;
}

/** Filters that turn the picture for a fixed VideoSelector.Rotate (AUTO is ffmpeg's autorotate). */
function rotationFilters(rotate: Rotation): string[] {
  switch (rotate) {
    case 'DEGREES_90':
      return ['transpose=clock'];
    case 'DEGREES_180':
      return ['hflip', 'vflip'];
    case 'DEGREES_270':
      return ['transpose=cclock'];
    default:
      return [];
  }
}

/** The picture that enters the scalers: as displayed (AUTO), or stored and turned by a fixed rotation. */
export function pictureSize(source: SourceReport, rotate: Rotation): FrameSize {
  const video = source.video!;
  if (rotate === 'AUTO') return displayedSize(video);
  const stored = displayedSize({ ...video, rotation: 0 });
  return rotate === 'DEGREES_90' || rotate === 'DEGREES_270' ? { width: stored.height, height: stored.width } : stored;
}

const rateOf = (r: FrameRate) => r.numerator / r.denominator;

interface EncodeKey {
  video: H264Encode;
  audio?: AudioEncode;
}

function sameEncode(a: EncodeKey, b: EncodeKey): boolean {
  return JSON.stringify(a.video) === JSON.stringify(b.video) && JSON.stringify(a.audio ?? null) === JSON.stringify(b.audio ?? null);
}

/**
 * Forced keyframes: every GOP when the GOP is given in seconds; outputs cut into HLS
 * segments also need an IDR at every segment start, so when the segment length is not a
 * whole number of GOPs (or the GOP is counted in frames) keyframes are forced every segment.
 */
function keyframeSeconds(video: H264Encode, segmentSeconds?: number): number | undefined {
  const gop = video.gop?.units === 'SECONDS' ? video.gop.size : undefined;
  if (segmentSeconds === undefined) return gop;
  if (gop !== undefined && Math.abs(segmentSeconds / gop - Math.round(segmentSeconds / gop)) < 1e-9) return gop;
  return segmentSeconds;
}

function videoArgs(video: H264Encode, level: string, fps: number, segmentSeconds?: number): string[] {
  const args = ['-c:v', 'libx264', '-preset', x264Preset(video.qualityTuning), '-profile:v', video.profile.toLowerCase(), '-level:v', level, ...rateControlArgs(video)];
  if (video.gop) {
    const frames = video.gop.units === 'SECONDS' ? Math.max(1, Math.round(video.gop.size * fps)) : Math.max(1, Math.round(video.gop.size));
    args.push('-g', String(frames));
  }
  const forced = keyframeSeconds(video, segmentSeconds);
  if (forced !== undefined) args.push('-force_key_frames', `expr:gte(t,n_forced*${forced})`);
  if (!video.sceneChangeDetect) args.push('-sc_threshold', '0');
  if (video.frameRate) args.push('-r', `${video.frameRate.numerator}/${video.frameRate.denominator}`);
  return args;
}

function audioArgs(audio: AudioEncode, track: number): string[] {
  if (audio.copy) return ['-map', `0:a:${track}`, '-c:a', 'copy'];
  return ['-map', `0:a:${track}`, '-c:a', 'aac', '-b:a', String(audio.bitrate), '-ac', String(audio.channels), '-ar', String(audio.sampleRate)];
}

/** JPEG quality 1-100 → ffmpeg's mjpeg qscale 31 (worst) … 2 (best), linearly. */
export function jpegQscale(quality: number): number {
  return Math.round(31 - ((quality - 1) * 29) / 99);
}

/** The local file name of a SINGLE_FILE rendition's media: `{base}{modifier}.ts`. */
export const singleFileName = (base: string) => `${base}.ts`;

function hlsMuxerArgs(group: HlsGroupPlan, directory: string, variant: string, segmentPrefix: string): string[] {
  const flags = [...(group.singleFile ? ['single_file'] : []), ...(group.integerDurations ? ['round_durations'] : [])];
  return [
    '-f',
    'hls',
    '-hls_time',
    String(group.segmentSeconds),
    '-hls_list_size',
    '0',
    '-hls_playlist_type',
    'vod',
    '-start_number',
    '1',
    ...(flags.length ? ['-hls_flags', flags.join('+')] : []),
    '-hls_segment_filename',
    group.singleFile ? `${directory}/${singleFileName(variant.slice(0, -'.m3u8'.length))}` : `${directory}/${segmentPrefix}%05d.ts`,
    `${directory}/${variant}`,
  ];
}

/**
 * The ffmpeg runs for a plan. `source` is the input's report (it must have video);
 * `groupDirectory(i)` is the local folder for group i's files.
 */
export function renderCommands(plan: RenderPlan, source: SourceReport, inputFile: string, groupDirectory: (groupIndex: number) => string): RenderCommands {
  if (!source.video) throw new RenderNotPossible('Settings.Inputs[0].FileInput', `${plan.input.uri} has no video stream ffmpeg can read`);
  const picture = pictureSize(source, plan.input.rotate);
  const sourceFps = source.video.frameRate ?? 30;
  const trackOf = (audio: AudioEncode, settingPath: string): number => {
    const track = plan.input.audioSelectors[audio.selector]?.track ?? 0;
    const tracks = source.audio?.tracks ?? 0;
    if (track >= tracks) {
      throw new RenderNotPossible(
        `${settingPath}.AudioDescriptions[0]`,
        tracks === 0
          ? `${settingPath}.AudioDescriptions[0] asks for audio, but ${plan.input.uri} has no audio track. Leave AudioDescriptions and AudioSelectors out for silent clips.`
          : `audio selector ${JSON.stringify(audio.selector)} picks track ${track + 1}, but ${plan.input.uri} has ${tracks} audio track(s).`,
      );
    }
    return track;
  };

  // HLS renditions that an MP4 output's encode can serve.
  // segmentSeconds: set once the MP4 feeds a rendition (its keyframes then follow the segments).
  const mp4Encodes: Array<{ key: EncodeKey; directory: string; fileName: string; segmentSeconds?: number }> = [];
  plan.groups.forEach((group, gi) => {
    if (group.kind !== 'file') return;
    for (const output of group.outputs) {
      if (output.kind === 'mp4' && output.video.codec === 'h264')
        mp4Encodes.push({
          key: { video: output.video, ...(output.audio ? { audio: output.audio } : {}) },
          directory: groupDirectory(gi),
          fileName: `${group.destination.baseName}${output.nameModifier}.mp4`,
        });
    }
  });
  const sharedWith = new Map<string, (typeof mp4Encodes)[number]>();
  plan.groups.forEach((group, gi) => {
    if (group.kind !== 'hls') return;
    group.renditions.forEach((rendition, oi) => {
      if (rendition.video.codec !== 'h264') return;
      const key = { video: rendition.video, ...(rendition.audio ? { audio: rendition.audio } : {}) };
      const mp4 = mp4Encodes.find((m) => sameEncode(m.key, key) && (m.segmentSeconds === undefined || m.segmentSeconds === group.segmentSeconds));
      if (mp4) {
        mp4.segmentSeconds = group.segmentSeconds;
        sharedWith.set(`${gi}/${oi}`, mp4);
      }
    });
  });

  const inputArgs = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...(plan.input.rotate === 'AUTO' ? [] : ['-noautorotate']), '-i', inputFile];
  const chains: string[] = [];
  const outputArgs: string[][] = [];
  const remux: string[][] = [];
  const outputs: PlannedOutput[] = [];
  const masters: RenderCommands['masters'] = [];
  const sprites: PlannedSprite[] = [];
  const turn = rotationFilters(plan.input.rotate);

  const addVideoChain = (filters: string[]): string => {
    const label = `v${chains.length}`;
    chains.push(`${[...turn, ...filters].join(',') || 'null'}[${label}]`);
    return `[${label}]`;
  };

  /** What an H.264 encode makes: frame size, frame rate, level and the codec string it announces. */
  const h264Shape = (video: H264Encode) => {
    const frame = outputFrameSize(video, picture);
    const fps = video.frameRate ? rateOf(video.frameRate) : sourceFps;
    const level = video.level === 'AUTO' ? autoLevel({ ...frame, fps, bitrate: peakBitrate(video), profile: video.profile }) : video.level;
    return { frame, fps, level, codec: expectedAvcCodecString(video.profile, level) };
  };

  /** Video passthrough: the input's stream copied; size and rate are the input's, the codec string is read from the output. */
  const copyShape = () => ({ frame: { width: source.video!.codedWidth, height: source.video!.codedHeight }, fps: sourceFps, codec: undefined as string | undefined });

  const videoOutput = (
    video: VideoEncode,
    audio: AudioEncode | undefined,
    settingPath: string,
    segmentSeconds: number | undefined,
    muxer: string[],
  ): { frame: FrameSize; fps: number; codec: string | undefined } => {
    if (video.codec === 'h264') return h264Output(video, audio, settingPath, segmentSeconds, muxer);
    outputArgs.push(['-map', '0:v:0', '-c:v', 'copy', ...(audio ? audioArgs(audio, trackOf(audio, settingPath)) : []), ...muxer]);
    return copyShape();
  };

  const h264Output = (
    video: H264Encode,
    audio: AudioEncode | undefined,
    settingPath: string,
    segmentSeconds: number | undefined,
    muxer: string[],
  ): { frame: FrameSize; fps: number; codec: string } => {
    const shape = h264Shape(video);
    const label = addVideoChain([...scalingFilters(picture, shape.frame, video.scaling), 'format=yuv420p']);
    outputArgs.push(['-map', label, ...videoArgs(video, shape.level, shape.fps, segmentSeconds), ...(audio ? audioArgs(audio, trackOf(audio, settingPath)) : []), ...muxer]);
    return shape;
  };

  const captureOutput = (capture: FrameCaptureEncode, muxer: string[]): FrameSize => {
    const frame = outputFrameSize(capture, picture);
    // eof_action=pass: a clip shorter than one capture interval (a few frames) still gives its
    // first frame, as MediaConvert's frame capture does; without it ffmpeg writes nothing.
    const label = addVideoChain([`fps=${capture.framerate.numerator}/${capture.framerate.denominator}:eof_action=pass`, ...scalingFilters(picture, frame, capture.scaling), 'format=yuvj420p']);
    outputArgs.push(['-map', label, '-c:v', 'mjpeg', '-q:v', String(jpegQscale(capture.quality)), ...(capture.maxCaptures !== undefined ? ['-frames:v', String(capture.maxCaptures)] : []), ...muxer]);
    return frame;
  };

  // File groups first: an MP4 that feeds HLS renditions is encoded in the main run.
  plan.groups.forEach((group, gi) => {
    if (group.kind !== 'file') return;
    const directory = groupDirectory(gi);
    group.outputs.forEach((output, oi) => {
      const base = `${group.destination.baseName}${output.nameModifier}`;
      if (output.kind === 'mp4') {
        const fileName = `${base}.mp4`;
        const shared = mp4Encodes.find((m) => m.directory === directory && m.fileName === fileName);
        const { frame, fps, codec } = videoOutput(output.video, output.audio, output.settingPath, shared?.segmentSeconds, [
          ...(output.faststart ? ['-movflags', '+faststart'] : []),
          '-f',
          'mp4',
          `${directory}/${fileName}`,
        ]);
        outputs.push({
          groupIndex: gi,
          outputIndex: oi,
          kind: 'mp4',
          settingPath: output.settingPath,
          size: frame,
          frameRate: fps,
          ...(codec ? { videoCodec: codec } : {}),
          audio: !!output.audio,
          ...(output.video.codec === 'h264' ? { peakBitrate: peakBitrate(output.video) } : {}),
          directory,
          fileName,
        });
      } else {
        const frame = captureOutput(output.capture, ['-start_number', '0', '-f', 'image2', `${directory}/${base}.%07d.jpg`]);
        outputs.push({
          groupIndex: gi,
          outputIndex: oi,
          kind: 'frames',
          settingPath: output.settingPath,
          size: frame,
          frameRate: rateOf(output.capture.framerate),
          audio: false,
          directory,
          fileName: base,
        });
      }
    });
  });

  plan.groups.forEach((group, gi) => {
    if (group.kind !== 'hls') return;
    const directory = groupDirectory(gi);
    masters.push({ groupIndex: gi, directory, fileName: `${group.destination.baseName}.m3u8` });
    if (group.trickPlay) {
      // One thumbnail every interval from 0 s, scaled, tiled left to right then top to bottom;
      // the tile is written when full or at the end of the clip (empty cells stay black).
      const tp = group.trickPlay;
      const thumbnail = outputFrameSize({ width: tp.thumbnailWidth, ...(tp.thumbnailHeight !== undefined ? { height: tp.thumbnailHeight } : {}) }, picture);
      const files = spriteFiles(group.destination.baseName);
      // eof_action=pass: one thumbnail per started interval, ceil(seconds / interval) — so a clip
      // shorter than the interval still gets its first frame (round=down alone gives none).
      const label = addVideoChain([`fps=1/${tp.intervalSeconds}:round=down:eof_action=pass`, ...scalingFilters(picture, thumbnail, 'DEFAULT'), `tile=${tp.columns}x${tp.rows}`, 'format=yuvj420p']);
      outputArgs.push(['-map', label, '-c:v', 'mjpeg', '-q:v', String(jpegQscale(80)), '-frames:v', '1', '-update', '1', '-f', 'image2', `${directory}/${files.image}`]);
      sprites.push({ groupIndex: gi, directory, ...files, thumbnail, columns: tp.columns, rows: tp.rows, intervalSeconds: tp.intervalSeconds });
    }
    group.renditions.forEach((rendition, oi) => {
      const base = `${group.destination.baseName}${rendition.nameModifier}`;
      const variant = `${base}.m3u8`;
      const segmentPrefix = `${base}_`;
      const muxer = hlsMuxerArgs(group, directory, variant, segmentPrefix);
      const shared = sharedWith.get(`${gi}/${oi}`);
      let frame: FrameSize;
      let fps: number;
      let codec: string | undefined;
      if (shared && rendition.video.codec === 'h264') {
        ({ frame, fps, codec } = h264Shape(rendition.video));
        remux.push([
          '-hide_banner',
          '-nostdin',
          '-y',
          '-loglevel',
          'error',
          '-i',
          `${shared.directory}/${shared.fileName}`,
          '-map',
          '0:v:0',
          ...(rendition.audio ? ['-map', '0:a:0'] : []),
          '-c',
          'copy',
          ...muxer,
        ]);
      } else {
        ({ frame, fps, codec } = videoOutput(rendition.video, rendition.audio, rendition.settingPath, group.segmentSeconds, muxer));
      }
      outputs.push({
        groupIndex: gi,
        outputIndex: oi,
        kind: 'hls',
        settingPath: rendition.settingPath,
        size: frame,
        frameRate: fps,
        ...(codec ? { videoCodec: codec } : {}),
        audio: !!rendition.audio,
        ...(rendition.video.codec === 'h264' ? { peakBitrate: peakBitrate(rendition.video) } : {}),
        directory,
        fileName: variant,
        segmentPrefix,
        ...(group.singleFile ? { singleFile: singleFileName(base) } : {}),
      });
    });
  });

  const splitLabels = chains.map((_, i) => `[s${i}]`);
  const graph = chains.length === 1 ? `[0:v:0]${chains[0]}` : [`[0:v:0]split=${chains.length}${splitLabels.join('')}`, ...chains.map((chain, i) => `${splitLabels[i]}${chain}`)].join(';');
  outputs.sort((a, b) => a.groupIndex - b.groupIndex || a.outputIndex - b.outputIndex);
  // Only stream copies: nothing to filter.
  const filters = chains.length > 0 ? ['-filter_complex', graph] : [];
  return { encode: [...inputArgs, ...filters, ...outputArgs.flat()], remux, outputs, masters, sprites };
}
