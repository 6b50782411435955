/**
 * Reads a MediaConvert CreateJob `Settings` object into a typed render plan, the part of
 * MediaConvert the local engine executes with ffmpeg. Every key and value is either
 * implemented (it changes what ffmpeg does), explicitly accepted because it changes nothing
 * locally (commented where it is accepted), or refused with a `JobSettingsRejected` error
 * naming its path — nothing is silently ignored.
 *
 * Pure: no ffmpeg, no AWS.
 */
import { parseS3Uri } from '../../domain/s3-uri.ts';

/** What Step Functions reports when CreateJob refuses the settings (see README, local runtime). */
export const BAD_REQUEST_ERROR = 'MediaConvert.BadRequestException';

/** The settings ask for something the local engine does not do, or are not valid settings. */
export class JobSettingsRejected extends Error {
  override readonly name = BAD_REQUEST_ERROR;
  constructor(
    /** e.g. `Settings.OutputGroups[0].Outputs[1].VideoDescription.CodecSettings.H264Settings.FooBar` */
    readonly settingPath: string,
    readonly problem: 'unsupported' | 'invalid',
    detail: string,
  ) {
    super(
      problem === 'unsupported'
        ? `${settingPath} is not supported by the local MediaConvert engine${detail ? ` (${detail})` : ''}. ` +
            'Remove it from the job settings (domain/render-job.ts builds them) or implement it in runtime/mediaconvert/.'
        : `${settingPath} is not valid: ${detail}. Fix the job settings (domain/render-job.ts builds them).`,
    );
  }
}

export interface S3Location {
  bucket: string;
  key: string;
}

/** Where a group's files go: `s3://{bucket}/{directory}{baseName}{modifier}.{ext}`. */
export interface Destination {
  bucket: string;
  /** Key prefix ending in `/`, or '' for the bucket root. */
  directory: string;
  /** From the destination's last path segment, or the input file's name when the destination ends in `/`. */
  baseName: string;
}

export type Rotation = 'AUTO' | 'DEGREE_0' | 'DEGREES_90' | 'DEGREES_180' | 'DEGREES_270';

export interface InputPlan {
  uri: string;
  location: S3Location;
  rotate: Rotation;
  /** Audio selector name → which input audio track it picks (0-based), or the first one (default). */
  audioSelectors: Record<string, { track: number }>;
}

export type ScalingBehavior = 'DEFAULT' | 'STRETCH_TO_OUTPUT';

export interface FrameRate {
  numerator: number;
  denominator: number;
}

export interface H264Encode {
  codec: 'h264';
  /** Output frame size; absent sides follow the source (aspect kept). */
  width?: number;
  height?: number;
  scaling: ScalingBehavior;
  rateControl: 'QVBR' | 'CBR' | 'VBR';
  qvbrQualityLevel?: number;
  bitrate?: number;
  maxBitrate?: number;
  hrdBufferSize?: number;
  gop?: { size: number; units: 'SECONDS' | 'FRAMES' };
  profile: 'BASELINE' | 'MAIN' | 'HIGH';
  /** 'AUTO' or a level such as '3.1'. */
  level: string;
  /** Absent: the source's frame rate (INITIALIZE_FROM_SOURCE). */
  frameRate?: FrameRate;
  sceneChangeDetect: boolean;
  qualityTuning: 'SINGLE_PASS' | 'SINGLE_PASS_HQ';
}

/** Video passthrough (`Codec: PASSTHROUGH`): the input's video stream copied, no encode. */
export interface VideoCopy {
  codec: 'copy';
}

export type VideoEncode = H264Encode | VideoCopy;

/** Audio passthrough (`Codec: PASSTHROUGH`): the selected track copied as it is. */
export interface AudioCopy {
  selector: string;
  copy: true;
}

export type AudioEncode = AacEncode | AudioCopy;

export interface AacEncode {
  copy?: undefined;
  selector: string;
  bitrate: number;
  channels: 1 | 2;
  sampleRate: number;
}

export interface FrameCaptureEncode {
  width?: number;
  height?: number;
  scaling: ScalingBehavior;
  /** One capture every denominator/numerator seconds, from 0 s. */
  framerate: FrameRate;
  maxCaptures?: number;
  /** 1-100, JPEG quality. */
  quality: number;
}

export interface HlsRenditionPlan {
  kind: 'hls';
  settingPath: string;
  nameModifier: string;
  video: VideoEncode;
  audio?: AudioEncode;
}

export interface Mp4OutputPlan {
  kind: 'mp4';
  settingPath: string;
  nameModifier: string;
  video: VideoEncode;
  audio?: AudioEncode;
  /** moov before mdat (MoovPlacement PROGRESSIVE_DOWNLOAD). */
  faststart: boolean;
}

export interface FrameCapturePlan {
  kind: 'frames';
  settingPath: string;
  nameModifier: string;
  capture: FrameCaptureEncode;
}

export interface HlsGroupPlan {
  kind: 'hls';
  name: string;
  settingPath: string;
  destination: Destination;
  segmentSeconds: number;
  /** EXTINF written as whole seconds (ManifestDurationFormat INTEGER). */
  integerDurations: boolean;
  codecSpecification: 'RFC_4281' | 'RFC_6381';
  /** SegmentControl SINGLE_FILE: one .ts per rendition, segments as #EXT-X-BYTERANGE. */
  singleFile: boolean;
  renditions: HlsRenditionPlan[];
  /** ImageBasedTrickPlay ADVANCED: thumbnails tiled into one JPEG per `columns × rows`, with an image playlist. */
  trickPlay?: TrickPlayPlan;
}

export interface TrickPlayPlan {
  settingPath: string;
  /** Seconds between two thumbnails (IntervalCadence FOLLOW_CUSTOM), the first at 0 s. */
  intervalSeconds: number;
  thumbnailWidth: number;
  /** Absent: follows the picture's aspect ratio (even). */
  thumbnailHeight?: number;
  columns: number;
  rows: number;
}

export interface FileGroupPlan {
  kind: 'file';
  name: string;
  settingPath: string;
  destination: Destination;
  outputs: Array<Mp4OutputPlan | FrameCapturePlan>;
}

export interface RenderPlan {
  input: InputPlan;
  groups: Array<HlsGroupPlan | FileGroupPlan>;
}

// ---------------------------------------------------------------------------------------
// Small readers: each takes the parent object, the key and the parent's path.

type Json = Record<string, unknown>;

const pathOf = (parent: string, key: string) => (/^[A-Za-z0-9_]+$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw new JobSettingsRejected(path, 'invalid', `expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/** Refuses every key of `value` that is not in `implemented`. */
function onlyKeys(value: Json, path: string, implemented: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!implemented.includes(key)) {
      throw new JobSettingsRejected(pathOf(path, key), 'unsupported', `the engine implements ${implemented.join(', ')} here`);
    }
  }
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new JobSettingsRejected(path, 'invalid', 'it is required by the local MediaConvert engine');
  return value;
}

function str(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new JobSettingsRejected(pathOf(path, key), 'invalid', `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** A string that must be one of the values the engine implements. */
function choice<const T extends string>(parent: Json, key: string, path: string, implemented: readonly T[]): T | undefined {
  const value = str(parent, key, path);
  if (value === undefined) return undefined;
  if (!(implemented as readonly string[]).includes(value)) {
    throw new JobSettingsRejected(`${pathOf(path, key)} = ${JSON.stringify(value)}`, 'unsupported', `implemented values: ${implemented.join(', ')}`);
  }
  return value as T;
}

function int(parent: Json, key: string, path: string, range: { min: number; max: number }): number | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new JobSettingsRejected(pathOf(path, key), 'invalid', `expected an integer from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function num(parent: Json, key: string, path: string, range: { min: number; max: number }): number | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw new JobSettingsRejected(pathOf(path, key), 'invalid', `expected a number from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function array(parent: Json, key: string, path: string): unknown[] | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new JobSettingsRejected(pathOf(path, key), 'invalid', `expected a list, got ${JSON.stringify(value)}`);
  return value;
}

/** `s3://bucket/key` → bucket and key. */
export function s3LocationOf(uri: string, path: string): S3Location {
  const location = parseS3Uri(uri);
  if (!location) throw new JobSettingsRejected(path, 'invalid', `expected an s3://bucket/key URI, got ${JSON.stringify(uri)}`);
  return location;
}

function destinationOf(uri: string, path: string, input: S3Location): Destination {
  const { bucket, key } = s3LocationOf(uri, path);
  const slash = key.lastIndexOf('/');
  const directory = key.slice(0, slash + 1);
  let baseName = key.slice(slash + 1);
  if (baseName === '') {
    // MediaConvert names the outputs after the input file when the destination is a folder.
    const inputName = input.key.slice(input.key.lastIndexOf('/') + 1);
    baseName = inputName.includes('.') ? inputName.slice(0, inputName.lastIndexOf('.')) : inputName;
  }
  return { bucket, directory, baseName };
}

// ---------------------------------------------------------------------------------------

/** Reads CreateJob `Settings` into a render plan, or throws `JobSettingsRejected` naming the setting. */
export function readJobSettings(settings: unknown): RenderPlan {
  const root = 'Settings';
  const s = object(settings, root);
  onlyKeys(s, root, ['Inputs', 'OutputGroups', 'TimecodeConfig']);

  if (s.TimecodeConfig !== undefined) {
    const path = `${root}.TimecodeConfig`;
    const timecode = object(s.TimecodeConfig, path);
    onlyKeys(timecode, path, ['Source']);
    // ZEROBASED: output timecode starts at 00:00:00:00. Our outputs carry no timecode track,
    // and ffmpeg's output timestamps start at zero, which is what ZEROBASED means for them.
    choice(timecode, 'Source', path, ['ZEROBASED']);
  }

  const inputs = required(array(s, 'Inputs', root), `${root}.Inputs`);
  if (inputs.length !== 1) {
    throw new JobSettingsRejected(`${root}.Inputs`, 'unsupported', `the engine renders exactly one input, the job has ${inputs.length}`);
  }
  const input = readInput(inputs[0], `${root}.Inputs[0]`);

  const groups = required(array(s, 'OutputGroups', root), `${root}.OutputGroups`);
  if (groups.length === 0) throw new JobSettingsRejected(`${root}.OutputGroups`, 'invalid', 'a job needs at least one output group');
  const plan: RenderPlan = { input, groups: groups.map((g, i) => readOutputGroup(g, `${root}.OutputGroups[${i}]`, input)) };

  const written = new Map<string, string>();
  for (const group of plan.groups) {
    const names = group.kind === 'hls' ? group.renditions.map((r) => r.nameModifier) : group.outputs.map((o) => `${o.nameModifier}.${o.kind}`);
    for (const [i, name] of names.entries()) {
      const where = `s3://${group.destination.bucket}/${group.destination.directory}${group.destination.baseName}${name}`;
      const settingPath = `${group.settingPath}.Outputs[${i}]`;
      const earlier = written.get(where);
      if (earlier) throw new JobSettingsRejected(settingPath, 'invalid', `it writes the same files as ${earlier}; give each output its own NameModifier or Destination`);
      written.set(where, settingPath);
    }
  }
  return plan;
}

function readInput(value: unknown, path: string): InputPlan {
  const input = object(value, path);
  onlyKeys(input, path, ['FileInput', 'TimecodeSource', 'VideoSelector', 'AudioSelectors']);
  const uri = required(str(input, 'FileInput', path), `${path}.FileInput`);
  const location = s3LocationOf(uri, `${path}.FileInput`);
  // ZEROBASED: input timecode counts from zero; it only matters for timecode-based clipping
  // and burn-in, neither of which this engine implements (InputClippings is refused).
  choice(input, 'TimecodeSource', path, ['ZEROBASED']);

  let rotate: Rotation = 'DEGREE_0';
  if (input.VideoSelector !== undefined) {
    const selectorPath = `${path}.VideoSelector`;
    const selector = object(input.VideoSelector, selectorPath);
    onlyKeys(selector, selectorPath, ['Rotate']);
    rotate = choice(selector, 'Rotate', selectorPath, ['AUTO', 'DEGREE_0', 'DEGREES_90', 'DEGREES_180', 'DEGREES_270']) ?? 'DEGREE_0';
  }

  const audioSelectors: InputPlan['audioSelectors'] = {};
  if (input.AudioSelectors !== undefined) {
    const selectorsPath = `${path}.AudioSelectors`;
    const selectors = object(input.AudioSelectors, selectorsPath);
    for (const [name, selectorValue] of Object.entries(selectors)) {
      const selectorPath = pathOf(selectorsPath, name);
      const selector = object(selectorValue, selectorPath);
      onlyKeys(selector, selectorPath, ['DefaultSelection', 'SelectorType', 'Tracks']);
      // DEFAULT / NOT_DEFAULT decide which selector feeds outputs that name none; every
      // output here names its selector (AudioSourceName is required), so both read the same.
      choice(selector, 'DefaultSelection', selectorPath, ['DEFAULT', 'NOT_DEFAULT']);
      const type = choice(selector, 'SelectorType', selectorPath, ['TRACK']);
      const tracks = array(selector, 'Tracks', selectorPath);
      let track = 0;
      if (tracks !== undefined) {
        if (type !== 'TRACK') throw new JobSettingsRejected(`${selectorPath}.Tracks`, 'invalid', 'Tracks needs SelectorType TRACK');
        if (tracks.length !== 1 || typeof tracks[0] !== 'number' || !Number.isInteger(tracks[0]) || tracks[0] < 1) {
          throw new JobSettingsRejected(`${selectorPath}.Tracks`, 'unsupported', 'the engine selects exactly one track, numbered from 1');
        }
        track = tracks[0] - 1;
      } else if (type !== undefined) {
        throw new JobSettingsRejected(`${selectorPath}.Tracks`, 'invalid', 'SelectorType TRACK needs Tracks');
      }
      audioSelectors[name] = { track };
    }
  }
  return { uri, location, rotate, audioSelectors };
}

function readOutputGroup(value: unknown, path: string, input: InputPlan): HlsGroupPlan | FileGroupPlan {
  const group = object(value, path);
  onlyKeys(group, path, ['Name', 'CustomName', 'OutputGroupSettings', 'Outputs']);
  // Name and CustomName label the group in the console; they change no file.
  const name = str(group, 'Name', path) ?? '';
  str(group, 'CustomName', path);
  const settingsPath = `${path}.OutputGroupSettings`;
  const groupSettings = object(required(group.OutputGroupSettings, settingsPath), settingsPath);
  const type = required(choice(groupSettings, 'Type', settingsPath, ['HLS_GROUP_SETTINGS', 'FILE_GROUP_SETTINGS']), `${settingsPath}.Type`);
  const outputs = required(array(group, 'Outputs', path), `${path}.Outputs`);
  if (outputs.length === 0) throw new JobSettingsRejected(`${path}.Outputs`, 'invalid', 'an output group needs at least one output');

  if (type === 'HLS_GROUP_SETTINGS') {
    onlyKeys(groupSettings, settingsPath, ['Type', 'HlsGroupSettings']);
    const hlsPath = `${settingsPath}.HlsGroupSettings`;
    const hls = object(required(groupSettings.HlsGroupSettings, hlsPath), hlsPath);
    onlyKeys(hls, hlsPath, [
      'Destination',
      'SegmentLength',
      'MinSegmentLength',
      'SegmentControl',
      'DirectoryStructure',
      'ManifestDurationFormat',
      'OutputSelection',
      'ProgramDateTime',
      'CodecSpecification',
      'ImageBasedTrickPlay',
      'ImageBasedTrickPlaySettings',
    ]);
    const destination = destinationOf(required(str(hls, 'Destination', hlsPath), `${hlsPath}.Destination`), `${hlsPath}.Destination`, input.location);
    // MediaConvert's default segment length is 10 s.
    const segmentSeconds = int(hls, 'SegmentLength', hlsPath, { min: 1, max: 2147483647 }) ?? 10;
    // 0 = no minimum: the last segment may be short, as ffmpeg writes it.
    const minSegment = int(hls, 'MinSegmentLength', hlsPath, { min: 0, max: 2147483647 });
    if (minSegment !== undefined && minSegment !== 0) {
      throw new JobSettingsRejected(`${hlsPath}.MinSegmentLength = ${minSegment}`, 'unsupported', 'implemented values: 0');
    }
    // SEGMENTED_FILES: one .ts file per segment; SINGLE_FILE: one .ts per rendition, its
    // playlist addressing each segment by #EXT-X-BYTERANGE (ffmpeg's hls_flags single_file).
    // Everything in the destination's folder, master and variant playlists and segments all
    // written: exactly what the engine produces.
    const segmentControl = choice(hls, 'SegmentControl', hlsPath, ['SEGMENTED_FILES', 'SINGLE_FILE']) ?? 'SEGMENTED_FILES';
    choice(hls, 'DirectoryStructure', hlsPath, ['SINGLE_DIRECTORY']);
    choice(hls, 'OutputSelection', hlsPath, ['MANIFESTS_AND_SEGMENTS']);
    // EXCLUDE: no EXT-X-PROGRAM-DATE-TIME tags (ffmpeg writes none unless asked).
    choice(hls, 'ProgramDateTime', hlsPath, ['EXCLUDE']);
    const durationFormat = choice(hls, 'ManifestDurationFormat', hlsPath, ['INTEGER', 'FLOATING_POINT']) ?? 'FLOATING_POINT';
    const codecSpecification = choice(hls, 'CodecSpecification', hlsPath, ['RFC_4281', 'RFC_6381']) ?? 'RFC_4281';
    return {
      kind: 'hls',
      name,
      settingPath: path,
      destination,
      segmentSeconds,
      integerDurations: durationFormat === 'INTEGER',
      codecSpecification,
      singleFile: segmentControl === 'SINGLE_FILE',
      renditions: outputs.map((o, i) => readHlsOutput(o, `${path}.Outputs[${i}]`, input, outputs.length)),
      ...readTrickPlay(hls, hlsPath),
    };
  }

  onlyKeys(groupSettings, settingsPath, ['Type', 'FileGroupSettings']);
  const filePath = `${settingsPath}.FileGroupSettings`;
  const file = object(required(groupSettings.FileGroupSettings, filePath), filePath);
  onlyKeys(file, filePath, ['Destination']);
  const destination = destinationOf(required(str(file, 'Destination', filePath), `${filePath}.Destination`), `${filePath}.Destination`, input.location);
  return {
    kind: 'file',
    name,
    settingPath: path,
    destination,
    outputs: outputs.map((o, i) => readFileOutput(o, `${path}.Outputs[${i}]`, input)),
  };
}

/**
 * ImageBasedTrickPlay: NONE, or ADVANCED with a custom interval (the thumbnails the app
 * scrubs through). THUMBNAIL/THUMBNAIL_AND_FULLFRAME (MediaConvert's own grid and full-frame
 * images) and FOLLOW_IFRAME are not implemented. Ranges as the service model documents them.
 */
function readTrickPlay(hls: Json, hlsPath: string): { trickPlay?: TrickPlayPlan } {
  const mode = choice(hls, 'ImageBasedTrickPlay', hlsPath, ['NONE', 'ADVANCED']) ?? 'NONE';
  const settingsPath = `${hlsPath}.ImageBasedTrickPlaySettings`;
  if (mode === 'NONE') {
    if (hls.ImageBasedTrickPlaySettings !== undefined) throw new JobSettingsRejected(settingsPath, 'invalid', 'it applies only when ImageBasedTrickPlay is ADVANCED');
    return {};
  }
  const settings = object(required(hls.ImageBasedTrickPlaySettings, settingsPath), settingsPath);
  onlyKeys(settings, settingsPath, ['IntervalCadence', 'ThumbnailInterval', 'ThumbnailWidth', 'ThumbnailHeight', 'TileWidth', 'TileHeight']);
  choice(settings, 'IntervalCadence', settingsPath, ['FOLLOW_CUSTOM']);
  const intervalSeconds = required(num(settings, 'ThumbnailInterval', settingsPath, { min: 0.001, max: 2147483647 }), `${settingsPath}.ThumbnailInterval`);
  // MediaConvert's default thumbnail width is 312.
  const thumbnailWidth = int(settings, 'ThumbnailWidth', settingsPath, { min: 8, max: 4096 }) ?? 312;
  if (thumbnailWidth % 8 !== 0) throw new JobSettingsRejected(`${settingsPath}.ThumbnailWidth = ${thumbnailWidth}`, 'invalid', 'it must be a multiple of 8');
  const thumbnailHeight = int(settings, 'ThumbnailHeight', settingsPath, { min: 2, max: 4096 });
  if (thumbnailHeight !== undefined && thumbnailHeight % 2 !== 0) throw new JobSettingsRejected(`${settingsPath}.ThumbnailHeight = ${thumbnailHeight}`, 'invalid', 'it must be even');
  const columns = int(settings, 'TileWidth', settingsPath, { min: 1, max: 512 }) ?? 1;
  const rows = int(settings, 'TileHeight', settingsPath, { min: 2, max: 2048 }) ?? 2;
  if (rows % 2 !== 0) throw new JobSettingsRejected(`${settingsPath}.TileHeight = ${rows}`, 'invalid', 'it must be even');
  if (thumbnailHeight !== undefined && rows * thumbnailHeight > 4096) {
    throw new JobSettingsRejected(`${settingsPath}.TileHeight = ${rows}`, 'invalid', `a tile image ${rows} × ${thumbnailHeight} px tall is above the 4096 px MediaConvert accepts`);
  }
  return { trickPlay: { settingPath: settingsPath, intervalSeconds, thumbnailWidth, ...(thumbnailHeight !== undefined ? { thumbnailHeight } : {}), columns, rows } };
}

function readHlsOutput(value: unknown, path: string, input: InputPlan, siblings: number): HlsRenditionPlan {
  const output = object(value, path);
  onlyKeys(output, path, ['NameModifier', 'ContainerSettings', 'VideoDescription', 'AudioDescriptions']);
  const nameModifier = str(output, 'NameModifier', path) ?? '';
  if (nameModifier === '' && siblings > 1) {
    throw new JobSettingsRejected(`${path}.NameModifier`, 'invalid', 'every output of an HLS group with several outputs needs its own NameModifier');
  }
  const containerPath = `${path}.ContainerSettings`;
  if (output.ContainerSettings !== undefined) {
    const container = object(output.ContainerSettings, containerPath);
    onlyKeys(container, containerPath, ['Container', 'M3u8Settings']);
    choice(container, 'Container', containerPath, ['M3U8']);
    if (container.M3u8Settings !== undefined) {
      // Empty: MediaConvert's MPEG-TS defaults (PIDs, PCR) are not something a player sees.
      onlyKeys(object(container.M3u8Settings, `${containerPath}.M3u8Settings`), `${containerPath}.M3u8Settings`, []);
    }
  }
  const video = readVideo(required(output.VideoDescription, `${path}.VideoDescription`), `${path}.VideoDescription`);
  const audio = readAudio(output, path, input);
  return { kind: 'hls', settingPath: path, nameModifier, video, ...(audio ? { audio } : {}) };
}

function readFileOutput(value: unknown, path: string, input: InputPlan): Mp4OutputPlan | FrameCapturePlan {
  const output = object(value, path);
  onlyKeys(output, path, ['NameModifier', 'ContainerSettings', 'VideoDescription', 'AudioDescriptions']);
  const nameModifier = str(output, 'NameModifier', path) ?? '';
  const containerPath = `${path}.ContainerSettings`;
  const container = object(required(output.ContainerSettings, containerPath), containerPath);
  const kind = required(choice(container, 'Container', containerPath, ['MP4', 'RAW']), `${containerPath}.Container`);
  const videoPath = `${path}.VideoDescription`;

  if (kind === 'RAW') {
    onlyKeys(container, containerPath, ['Container']);
    if (output.AudioDescriptions !== undefined) {
      throw new JobSettingsRejected(`${path}.AudioDescriptions`, 'invalid', 'a frame capture (RAW) output has no audio');
    }
    const description = object(required(output.VideoDescription, videoPath), videoPath);
    onlyKeys(description, videoPath, ['Width', 'Height', 'ScalingBehavior', 'CodecSettings']);
    const codecPath = `${videoPath}.CodecSettings`;
    const codec = object(required(description.CodecSettings, codecPath), codecPath);
    onlyKeys(codec, codecPath, ['Codec', 'FrameCaptureSettings']);
    required(choice(codec, 'Codec', codecPath, ['FRAME_CAPTURE']), `${codecPath}.Codec`);
    const capturePath = `${codecPath}.FrameCaptureSettings`;
    const capture = object(codec.FrameCaptureSettings ?? {}, capturePath);
    onlyKeys(capture, capturePath, ['FramerateNumerator', 'FramerateDenominator', 'MaxCaptures', 'Quality']);
    const maxCaptures = int(capture, 'MaxCaptures', capturePath, { min: 1, max: 10_000_000 });
    return {
      kind: 'frames',
      settingPath: path,
      nameModifier,
      capture: {
        ...frameSize(description, videoPath),
        scaling: choice(description, 'ScalingBehavior', videoPath, ['DEFAULT', 'STRETCH_TO_OUTPUT']) ?? 'DEFAULT',
        // MediaConvert's defaults: one capture per second (1/1), quality 80.
        framerate: {
          numerator: int(capture, 'FramerateNumerator', capturePath, { min: 1, max: 2147483647 }) ?? 1,
          denominator: int(capture, 'FramerateDenominator', capturePath, { min: 1, max: 2147483647 }) ?? 1,
        },
        ...(maxCaptures !== undefined ? { maxCaptures } : {}),
        quality: int(capture, 'Quality', capturePath, { min: 1, max: 100 }) ?? 80,
      },
    };
  }

  onlyKeys(container, containerPath, ['Container', 'Mp4Settings']);
  let faststart = false;
  if (container.Mp4Settings !== undefined) {
    const mp4Path = `${containerPath}.Mp4Settings`;
    const mp4 = object(container.Mp4Settings, mp4Path);
    onlyKeys(mp4, mp4Path, ['MoovPlacement']);
    faststart = (choice(mp4, 'MoovPlacement', mp4Path, ['PROGRESSIVE_DOWNLOAD', 'NORMAL']) ?? 'PROGRESSIVE_DOWNLOAD') === 'PROGRESSIVE_DOWNLOAD';
  } else {
    faststart = true; // MediaConvert's default MoovPlacement is PROGRESSIVE_DOWNLOAD.
  }
  const video = readVideo(required(output.VideoDescription, videoPath), videoPath);
  const audio = readAudio(output, path, input);
  return { kind: 'mp4', settingPath: path, nameModifier, video, faststart, ...(audio ? { audio } : {}) };
}

function frameSize(description: Json, path: string): { width?: number; height?: number } {
  const width = int(description, 'Width', path, { min: 32, max: 8192 });
  const height = int(description, 'Height', path, { min: 32, max: 8192 });
  return { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
}

/** An H.264 encode, or video passthrough (a stream copy). */
function readVideo(value: unknown, path: string): VideoEncode {
  const description = object(value, path);
  const codecSettings = isObject(description.CodecSettings) ? description.CodecSettings : undefined;
  if (codecSettings?.Codec !== 'PASSTHROUGH') return readH264Video(value, path);
  // Video passthrough copies the input's stream: its size, frame rate and orientation are the
  // input's, so nothing that would change pixels or timing may be set beside it.
  for (const key of Object.keys(description)) {
    if (key !== 'CodecSettings') throw new JobSettingsRejected(pathOf(path, key), 'invalid', 'video passthrough keeps the input video as it is; leave out everything but CodecSettings');
  }
  const codecPath = `${path}.CodecSettings`;
  onlyKeys(codecSettings, codecPath, ['Codec']);
  return { codec: 'copy' };
}

function readH264Video(value: unknown, path: string): H264Encode {
  const description = object(value, path);
  onlyKeys(description, path, ['Width', 'Height', 'ScalingBehavior', 'CodecSettings']);
  const size = frameSize(description, path);
  for (const side of ['Width', 'Height'] as const) {
    const n = description[side];
    if (typeof n === 'number' && n % 2 !== 0) throw new JobSettingsRejected(`${path}.${side}`, 'invalid', `H.264 4:2:0 needs an even ${side.toLowerCase()}, got ${n}`);
  }
  const scaling = choice(description, 'ScalingBehavior', path, ['DEFAULT', 'STRETCH_TO_OUTPUT']) ?? 'DEFAULT';
  const codecPath = `${path}.CodecSettings`;
  const codec = object(required(description.CodecSettings, codecPath), codecPath);
  onlyKeys(codec, codecPath, ['Codec', 'H264Settings']);
  required(choice(codec, 'Codec', codecPath, ['H_264']), `${codecPath}.Codec`);
  const h264Path = `${codecPath}.H264Settings`;
  const h264 = object(required(codec.H264Settings, h264Path), h264Path);
  onlyKeys(h264, h264Path, [
    'RateControlMode',
    'QvbrSettings',
    'Bitrate',
    'MaxBitrate',
    'HrdBufferSize',
    'GopSize',
    'GopSizeUnits',
    'CodecProfile',
    'CodecLevel',
    'FramerateControl',
    'FramerateNumerator',
    'FramerateDenominator',
    'SceneChangeDetect',
    'QualityTuningLevel',
  ]);

  const rateControl = required(choice(h264, 'RateControlMode', h264Path, ['QVBR', 'CBR', 'VBR']), `${h264Path}.RateControlMode`);
  const bitrate = int(h264, 'Bitrate', h264Path, { min: 1000, max: 1_152_000_000 });
  const maxBitrate = int(h264, 'MaxBitrate', h264Path, { min: 1000, max: 1_152_000_000 });
  const hrdBufferSize = int(h264, 'HrdBufferSize', h264Path, { min: 0, max: 1_152_000_000 });
  let qvbrQualityLevel: number | undefined;
  if (rateControl === 'QVBR') {
    required(maxBitrate, `${h264Path}.MaxBitrate`);
    if (bitrate !== undefined) throw new JobSettingsRejected(`${h264Path}.Bitrate`, 'invalid', 'QVBR takes MaxBitrate, not Bitrate');
    if (h264.QvbrSettings !== undefined) {
      const qvbrPath = `${h264Path}.QvbrSettings`;
      const qvbr = object(h264.QvbrSettings, qvbrPath);
      onlyKeys(qvbr, qvbrPath, ['QvbrQualityLevel']);
      qvbrQualityLevel = int(qvbr, 'QvbrQualityLevel', qvbrPath, { min: 1, max: 10 });
    }
  } else {
    if (h264.QvbrSettings !== undefined) throw new JobSettingsRejected(`${h264Path}.QvbrSettings`, 'invalid', `QvbrSettings needs RateControlMode QVBR, not ${rateControl}`);
    required(bitrate, `${h264Path}.Bitrate`);
    if (rateControl === 'CBR' && maxBitrate !== undefined) throw new JobSettingsRejected(`${h264Path}.MaxBitrate`, 'invalid', 'CBR takes Bitrate only');
    if (rateControl === 'VBR' && maxBitrate !== undefined && bitrate !== undefined && maxBitrate < bitrate) {
      throw new JobSettingsRejected(`${h264Path}.MaxBitrate`, 'invalid', `MaxBitrate ${maxBitrate} is below Bitrate ${bitrate}`);
    }
  }

  const gopSize = num(h264, 'GopSize', h264Path, { min: 0.01, max: 2147483647 });
  const gopUnits = choice(h264, 'GopSizeUnits', h264Path, ['SECONDS', 'FRAMES']) ?? 'FRAMES';
  const profile = choice(h264, 'CodecProfile', h264Path, ['BASELINE', 'MAIN', 'HIGH']) ?? 'MAIN';
  const levelValue =
    choice(h264, 'CodecLevel', h264Path, [
      'AUTO',
      'LEVEL_1',
      'LEVEL_1_1',
      'LEVEL_1_2',
      'LEVEL_1_3',
      'LEVEL_2',
      'LEVEL_2_1',
      'LEVEL_2_2',
      'LEVEL_3',
      'LEVEL_3_1',
      'LEVEL_3_2',
      'LEVEL_4',
      'LEVEL_4_1',
      'LEVEL_4_2',
      'LEVEL_5',
      'LEVEL_5_1',
      'LEVEL_5_2',
    ]) ?? 'AUTO';
  const level = levelValue === 'AUTO' ? 'AUTO' : levelValue.slice('LEVEL_'.length).replace('_', '.');

  const framerateControl = choice(h264, 'FramerateControl', h264Path, ['INITIALIZE_FROM_SOURCE', 'SPECIFIED']) ?? 'INITIALIZE_FROM_SOURCE';
  const numerator = int(h264, 'FramerateNumerator', h264Path, { min: 1, max: 2147483647 });
  const denominator = int(h264, 'FramerateDenominator', h264Path, { min: 1, max: 2147483647 });
  let frameRate: FrameRate | undefined;
  if (framerateControl === 'SPECIFIED') {
    frameRate = { numerator: required(numerator, `${h264Path}.FramerateNumerator`), denominator: required(denominator, `${h264Path}.FramerateDenominator`) };
  } else if (numerator !== undefined || denominator !== undefined) {
    throw new JobSettingsRejected(`${h264Path}.${numerator !== undefined ? 'FramerateNumerator' : 'FramerateDenominator'}`, 'invalid', 'a frame rate needs FramerateControl SPECIFIED');
  }

  // TRANSITION_DETECTION and ENABLED both put an I-frame at a scene cut (x264's scenecut);
  // DISABLED turns that off. MediaConvert's TRANSITION_DETECTION also tunes for fades, which
  // x264's adaptive B-frame decision already handles: no separate switch exists.
  const sceneChange = choice(h264, 'SceneChangeDetect', h264Path, ['ENABLED', 'TRANSITION_DETECTION', 'DISABLED']) ?? 'ENABLED';
  const qualityTuning = choice(h264, 'QualityTuningLevel', h264Path, ['SINGLE_PASS', 'SINGLE_PASS_HQ']) ?? 'SINGLE_PASS';

  return {
    codec: 'h264',
    ...size,
    scaling,
    rateControl,
    ...(qvbrQualityLevel !== undefined ? { qvbrQualityLevel } : {}),
    ...(bitrate !== undefined ? { bitrate } : {}),
    ...(maxBitrate !== undefined ? { maxBitrate } : {}),
    ...(hrdBufferSize !== undefined ? { hrdBufferSize } : {}),
    ...(gopSize !== undefined ? { gop: { size: gopSize, units: gopUnits } } : {}),
    profile,
    level,
    ...(frameRate ? { frameRate } : {}),
    sceneChangeDetect: sceneChange !== 'DISABLED',
    qualityTuning,
  };
}

function readAudio(output: Json, path: string, input: InputPlan): AudioEncode | undefined {
  const descriptions = array(output, 'AudioDescriptions', path);
  if (descriptions === undefined || descriptions.length === 0) return undefined;
  if (descriptions.length > 1) throw new JobSettingsRejected(`${path}.AudioDescriptions`, 'unsupported', 'the engine writes one audio track per output');
  const descriptionPath = `${path}.AudioDescriptions[0]`;
  const description = object(descriptions[0], descriptionPath);
  onlyKeys(description, descriptionPath, ['AudioSourceName', 'CodecSettings']);
  const selector = required(str(description, 'AudioSourceName', descriptionPath), `${descriptionPath}.AudioSourceName`);
  if (!(selector in input.audioSelectors)) {
    throw new JobSettingsRejected(
      `${descriptionPath}.AudioSourceName`,
      'invalid',
      `no audio selector named ${JSON.stringify(selector)} in Settings.Inputs[0].AudioSelectors (${Object.keys(input.audioSelectors).join(', ') || 'none'})`,
    );
  }
  const codecPath = `${descriptionPath}.CodecSettings`;
  const codec = object(required(description.CodecSettings, codecPath), codecPath);
  onlyKeys(codec, codecPath, ['Codec', 'AacSettings']);
  const audioCodec = required(choice(codec, 'Codec', codecPath, ['AAC', 'PASSTHROUGH']), `${codecPath}.Codec`);
  if (audioCodec === 'PASSTHROUGH') {
    if (codec.AacSettings !== undefined) throw new JobSettingsRejected(`${codecPath}.AacSettings`, 'invalid', 'audio passthrough takes no encoder settings');
    return { selector, copy: true };
  }
  const aacPath = `${codecPath}.AacSettings`;
  const aac = object(codec.AacSettings ?? {}, aacPath);
  onlyKeys(aac, aacPath, ['Bitrate', 'CodingMode', 'SampleRate', 'CodecProfile', 'RateControlMode']);
  // LC is what ffmpeg's native AAC encoder writes; CBR is its only mode with -b:a.
  choice(aac, 'CodecProfile', aacPath, ['LC']);
  choice(aac, 'RateControlMode', aacPath, ['CBR']);
  const codingMode = choice(aac, 'CodingMode', aacPath, ['CODING_MODE_1_0', 'CODING_MODE_2_0']) ?? 'CODING_MODE_2_0';
  return {
    selector,
    bitrate: int(aac, 'Bitrate', aacPath, { min: 6000, max: 1_024_000 }) ?? 96_000,
    channels: codingMode === 'CODING_MODE_1_0' ? 1 : 2,
    sampleRate: sampleRate(aac, aacPath),
  };
}

function sampleRate(aac: Json, path: string): number {
  const rate = int(aac, 'SampleRate', path, { min: 8000, max: 96000 });
  if (rate === undefined) return 48_000;
  if (![8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000].includes(rate)) {
    throw new JobSettingsRejected(`${path}.SampleRate`, 'invalid', `${rate} Hz is not an AAC sample rate`);
  }
  return rate;
}
