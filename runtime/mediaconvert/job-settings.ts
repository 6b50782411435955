/**
 * Reads a MediaConvert CreateJob `Settings` object into a typed render plan, the part of
 * MediaConvert the local engine executes with ffmpeg. Every key and value is either
 * implemented (it changes what ffmpeg does), explicitly accepted because it changes nothing
 * locally (commented where it is accepted), or refused with a `JobSettingsRejected` error
 * naming its path — nothing is silently ignored.
 *
 * Pure: no ffmpeg, no AWS.
 */
import * as z from 'zod';
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
// The accepted settings, as zod schemas. Every object is strict (a key the engine does not
// implement is refused, naming it), every enumeration lists the values the engine implements,
// every number its range. Each schema's messages say what is wrong at that setting; `read`
// turns the first problem into a `JobSettingsRejected` naming the setting's full path.
// Rules that tie settings together (QVBR needs MaxBitrate, …) are checked by the readers below.

const REQUIRED = 'it is required by the local MediaConvert engine';
const shown = (value: unknown) => JSON.stringify(value);
type Issue = { input?: unknown };

/** An object of exactly these settings (`listed` in this order in messages); a missing one is refused unless its schema is optional. */
function settingsObject<const Shape extends z.ZodRawShape>(shape: Shape, listed: readonly (keyof Shape & string)[] = Object.keys(shape)) {
  const implemented = listed.join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `the engine implements ${implemented} here` : issue.input === undefined ? REQUIRED : `expected an object, got ${shown(issue.input)}`),
  });
}

const notAnObject = { error: (issue: Issue) => (issue.input === undefined ? REQUIRED : `expected an object, got ${shown(issue.input)}`) };

/** The first look at an object whose accepted settings depend on one of its values (read again with the schema that value picks). */
const peek = <const Shape extends z.ZodRawShape>(shape: Shape) => z.looseObject(shape, notAnObject);

/** Settings named by their users (audio selectors): any name, each of them `value`. */
const named = <T extends z.ZodType>(value: T) => z.record(z.string(), value, notAnObject);

const text = () => z.string({ error: (issue: Issue) => (issue.input === undefined ? REQUIRED : `expected a string, got ${shown(issue.input)}`) });

/** A string that must be one of the values the engine implements. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue: Issue) => (issue.input === undefined ? REQUIRED : typeof issue.input === 'string' ? `implemented values: ${values.join(', ')}` : `expected a string, got ${shown(issue.input)}`),
  });

function integer(min: number, max: number) {
  const error = (issue: Issue) => (issue.input === undefined ? REQUIRED : `expected an integer from ${min} to ${max}, got ${shown(issue.input)}`);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function decimal(min: number, max: number) {
  const error = (issue: Issue) => (issue.input === undefined ? REQUIRED : `expected a number from ${min} to ${max}, got ${shown(issue.input)}`);
  return z.number({ error }).min(min, { error }).max(max, { error });
}

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: (issue: Issue) => (issue.input === undefined ? REQUIRED : `expected a list, got ${shown(issue.input)}`) });

const INT32 = 2147483647;
const SCALING = oneOf(['DEFAULT', 'STRETCH_TO_OUTPUT']);

const timecodeConfigSchema = settingsObject({
  // ZEROBASED: output timecode starts at 00:00:00:00. Our outputs carry no timecode track,
  // and ffmpeg's output timestamps start at zero, which is what ZEROBASED means for them.
  Source: oneOf(['ZEROBASED']).optional(),
});

const audioSelectorSchema = settingsObject({
  // DEFAULT / NOT_DEFAULT decide which selector feeds outputs that name none; every
  // output here names its selector (AudioSourceName is required), so both read the same.
  DefaultSelection: oneOf(['DEFAULT', 'NOT_DEFAULT']).optional(),
  SelectorType: oneOf(['TRACK']).optional(),
  Tracks: list(z.unknown()).optional(),
});

const inputSchema = settingsObject({
  FileInput: text(),
  // ZEROBASED: input timecode counts from zero; it only matters for timecode-based clipping
  // and burn-in, neither of which this engine implements (InputClippings is refused).
  TimecodeSource: oneOf(['ZEROBASED']).optional(),
  VideoSelector: settingsObject({ Rotate: oneOf(['AUTO', 'DEGREE_0', 'DEGREES_90', 'DEGREES_180', 'DEGREES_270']).optional() }).optional(),
  AudioSelectors: named(audioSelectorSchema).optional(),
});

const jobSchema = settingsObject({
  Inputs: list(z.unknown()),
  OutputGroups: list(z.unknown()),
  TimecodeConfig: timecodeConfigSchema.optional(),
});

/** The group's type, which decides what else the group may hold. */
const groupTypeSchema = peek({ OutputGroupSettings: peek({ Type: oneOf(['HLS_GROUP_SETTINGS', 'FILE_GROUP_SETTINGS']) }) });

/**
 * ImageBasedTrickPlaySettings with ImageBasedTrickPlay ADVANCED and a custom interval (the
 * thumbnails the app scrubs through). Ranges as the service model documents them.
 */
const trickPlaySchema = settingsObject({
  IntervalCadence: oneOf(['FOLLOW_CUSTOM']).optional(),
  ThumbnailInterval: decimal(0.001, INT32),
  // MediaConvert's default thumbnail width is 312.
  ThumbnailWidth: integer(8, 4096).optional(),
  ThumbnailHeight: integer(2, 4096).optional(),
  TileWidth: integer(1, 512).optional(),
  TileHeight: integer(2, 2048).optional(),
});

const hlsGroupSettingsSchema = settingsObject({
  Destination: text(),
  // MediaConvert's default segment length is 10 s.
  SegmentLength: integer(1, INT32).optional(),
  // 0 = no minimum: the last segment may be short, as ffmpeg writes it.
  MinSegmentLength: integer(0, INT32).optional(),
  // SEGMENTED_FILES: one .ts file per segment; SINGLE_FILE: one .ts per rendition, its
  // playlist addressing each segment by #EXT-X-BYTERANGE (ffmpeg's hls_flags single_file).
  SegmentControl: oneOf(['SEGMENTED_FILES', 'SINGLE_FILE']).optional(),
  // Everything in the destination's folder, master and variant playlists and segments all
  // written: exactly what the engine produces.
  DirectoryStructure: oneOf(['SINGLE_DIRECTORY']).optional(),
  ManifestDurationFormat: oneOf(['INTEGER', 'FLOATING_POINT']).optional(),
  OutputSelection: oneOf(['MANIFESTS_AND_SEGMENTS']).optional(),
  // EXCLUDE: no EXT-X-PROGRAM-DATE-TIME tags (ffmpeg writes none unless asked).
  ProgramDateTime: oneOf(['EXCLUDE']).optional(),
  CodecSpecification: oneOf(['RFC_4281', 'RFC_6381']).optional(),
  // NONE, or ADVANCED. THUMBNAIL/THUMBNAIL_AND_FULLFRAME (MediaConvert's own grid and
  // full-frame images) and FOLLOW_IFRAME are not implemented.
  ImageBasedTrickPlay: oneOf(['NONE', 'ADVANCED']).optional(),
  ImageBasedTrickPlaySettings: z.unknown().optional(),
});

/** The settings every output has beside its ContainerSettings; VideoDescription is read with the schema its codec picks. */
const outputFields = { VideoDescription: z.unknown().optional(), AudioDescriptions: list(z.unknown()).optional() };

const hlsGroupSchema = settingsObject({
  // Name and CustomName label the group in the console; they change no file.
  Name: text().optional(),
  CustomName: text().optional(),
  OutputGroupSettings: settingsObject({ Type: oneOf(['HLS_GROUP_SETTINGS']), HlsGroupSettings: hlsGroupSettingsSchema }),
  Outputs: list(
    settingsObject({
      NameModifier: text().optional(),
      ContainerSettings: settingsObject({
        Container: oneOf(['M3U8']).optional(),
        // Empty: MediaConvert's MPEG-TS defaults (PIDs, PCR) are not something a player sees.
        M3u8Settings: settingsObject({}).optional(),
      }).optional(),
      ...outputFields,
    }),
  ),
});

const fileGroupSchema = settingsObject({
  Name: text().optional(),
  CustomName: text().optional(),
  OutputGroupSettings: settingsObject({ Type: oneOf(['FILE_GROUP_SETTINGS']), FileGroupSettings: settingsObject({ Destination: text() }) }),
  // Each output is read with the schema its container (MP4 or RAW) picks.
  Outputs: list(z.unknown()),
});

const fileOutputKindSchema = peek({ ContainerSettings: peek({ Container: oneOf(['MP4', 'RAW']) }) });

const mp4OutputSchema = settingsObject({
  NameModifier: text().optional(),
  ContainerSettings: settingsObject({
    Container: oneOf(['MP4']),
    // MediaConvert's default MoovPlacement is PROGRESSIVE_DOWNLOAD.
    Mp4Settings: settingsObject({ MoovPlacement: oneOf(['PROGRESSIVE_DOWNLOAD', 'NORMAL']).optional() }).optional(),
  }),
  ...outputFields,
});

const frameSize = { Width: integer(32, 8192).optional(), Height: integer(32, 8192).optional(), ScalingBehavior: SCALING.optional() };

const frameCaptureOutputSchema = settingsObject(
  {
    NameModifier: text().optional(),
    ContainerSettings: settingsObject({ Container: oneOf(['RAW']) }),
    // Before the picture settings: a RAW output with audio is refused for that first (messages list it last).
    AudioDescriptions: z.undefined({ error: 'a frame capture (RAW) output has no audio' }).optional(),
    VideoDescription: settingsObject({
      ...frameSize,
      CodecSettings: settingsObject({
        Codec: oneOf(['FRAME_CAPTURE']),
        // MediaConvert's defaults: one capture per second (1/1), quality 80.
        FrameCaptureSettings: settingsObject({
          FramerateNumerator: integer(1, INT32).optional(),
          FramerateDenominator: integer(1, INT32).optional(),
          MaxCaptures: integer(1, 10_000_000).optional(),
          Quality: integer(1, 100).optional(),
        }).nullish(),
      }),
    }),
  },
  ['NameModifier', 'ContainerSettings', 'VideoDescription', 'AudioDescriptions'],
);

/** Video passthrough copies the input's stream: only `CodecSettings: { Codec: PASSTHROUGH }` (other keys are refused by the reader, saying why). */
const videoCopySchema = peek({ CodecSettings: settingsObject({ Codec: oneOf(['PASSTHROUGH']) }) });

const h264DescriptionSchema = settingsObject({
  ...frameSize,
  CodecSettings: settingsObject({
    Codec: oneOf(['H_264']),
    H264Settings: settingsObject({
      RateControlMode: oneOf(['QVBR', 'CBR', 'VBR']),
      QvbrSettings: settingsObject({ QvbrQualityLevel: integer(1, 10).optional() }).optional(),
      Bitrate: integer(1000, 1_152_000_000).optional(),
      MaxBitrate: integer(1000, 1_152_000_000).optional(),
      HrdBufferSize: integer(0, 1_152_000_000).optional(),
      GopSize: decimal(0.01, INT32).optional(),
      GopSizeUnits: oneOf(['SECONDS', 'FRAMES']).optional(),
      CodecProfile: oneOf(['BASELINE', 'MAIN', 'HIGH']).optional(),
      CodecLevel: oneOf([
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
      ]).optional(),
      FramerateControl: oneOf(['INITIALIZE_FROM_SOURCE', 'SPECIFIED']).optional(),
      FramerateNumerator: integer(1, INT32).optional(),
      FramerateDenominator: integer(1, INT32).optional(),
      // TRANSITION_DETECTION and ENABLED both put an I-frame at a scene cut (x264's scenecut);
      // DISABLED turns that off. MediaConvert's TRANSITION_DETECTION also tunes for fades, which
      // x264's adaptive B-frame decision already handles: no separate switch exists.
      SceneChangeDetect: oneOf(['ENABLED', 'TRANSITION_DETECTION', 'DISABLED']).optional(),
      QualityTuningLevel: oneOf(['SINGLE_PASS', 'SINGLE_PASS_HQ']).optional(),
    }),
  }),
});

const audioDescriptionSchema = settingsObject({
  AudioSourceName: text(),
  CodecSettings: settingsObject({
    Codec: oneOf(['AAC', 'PASSTHROUGH']),
    AacSettings: settingsObject({
      Bitrate: integer(6000, 1_024_000).optional(),
      CodingMode: oneOf(['CODING_MODE_1_0', 'CODING_MODE_2_0']).optional(),
      SampleRate: integer(8000, 96000).optional(),
      // LC is what ffmpeg's native AAC encoder writes; CBR is its only mode with -b:a.
      CodecProfile: oneOf(['LC']).optional(),
      RateControlMode: oneOf(['CBR']).optional(),
    }).nullish(),
  }),
});

const AAC_SAMPLE_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000];

// ---------------------------------------------------------------------------------------

const pathOf = (parent: string, key: string) => (/^[A-Za-z0-9_]+$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`);

/** The value at `path` inside `value`. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/** `value` read with `schema`, or `JobSettingsRejected` for its first problem, named by its full path below `path`. */
function read<T extends z.ZodType>(schema: T, value: unknown, path: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // As a reader would: an object's own unknown keys before what is wrong inside it.
  const first = parsed.error.issues[0]!;
  const enclosing = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys' && i.path.length <= first.path.length && i.path.every((key, n) => key === first.path[n]));
  const issue = enclosing.sort((a, b) => a.path.length - b.path.length)[0] ?? first;
  const where = issue.path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : pathOf(at, String(key))), path);
  if (issue.code === 'unrecognized_keys') return reject(pathOf(where, issue.keys[0]!), 'unsupported', issue.message);
  const found = valueAt(value, issue.path);
  if (issue.code === 'invalid_value' && typeof found === 'string') return reject(`${where} = ${shown(found)}`, 'unsupported', issue.message);
  return reject(where, 'invalid', issue.message);
}

function reject(settingPath: string, problem: 'unsupported' | 'invalid', detail: string): never {
  throw new JobSettingsRejected(settingPath, problem, detail);
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

const present = <T>(value: T | undefined, path: string): T => (value === undefined ? reject(path, 'invalid', REQUIRED) : value);

// ---------------------------------------------------------------------------------------

/** Reads CreateJob `Settings` into a render plan, or throws `JobSettingsRejected` naming the setting. */
export function readJobSettings(settings: unknown): RenderPlan {
  const root = 'Settings';
  const s = read(jobSchema, settings, root);
  if (s.Inputs.length !== 1) {
    throw new JobSettingsRejected(`${root}.Inputs`, 'unsupported', `the engine renders exactly one input, the job has ${s.Inputs.length}`);
  }
  const input = readInput(s.Inputs[0], `${root}.Inputs[0]`);

  if (s.OutputGroups.length === 0) throw new JobSettingsRejected(`${root}.OutputGroups`, 'invalid', 'a job needs at least one output group');
  const plan: RenderPlan = { input, groups: s.OutputGroups.map((g, i) => readOutputGroup(g, `${root}.OutputGroups[${i}]`, input)) };

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
  const input = read(inputSchema, value, path);
  const location = s3LocationOf(input.FileInput, `${path}.FileInput`);
  const audioSelectors: InputPlan['audioSelectors'] = {};
  for (const [name, selector] of Object.entries(input.AudioSelectors ?? {})) {
    const selectorPath = pathOf(`${path}.AudioSelectors`, name);
    let track = 0;
    if (selector.Tracks !== undefined) {
      const tracks = selector.Tracks;
      if (selector.SelectorType !== 'TRACK') throw new JobSettingsRejected(`${selectorPath}.Tracks`, 'invalid', 'Tracks needs SelectorType TRACK');
      if (tracks.length !== 1 || typeof tracks[0] !== 'number' || !Number.isInteger(tracks[0]) || tracks[0] < 1) {
        throw new JobSettingsRejected(`${selectorPath}.Tracks`, 'unsupported', 'the engine selects exactly one track, numbered from 1');
      }
      track = tracks[0] - 1;
    } else if (selector.SelectorType !== undefined) {
      throw new JobSettingsRejected(`${selectorPath}.Tracks`, 'invalid', 'SelectorType TRACK needs Tracks');
    }
    audioSelectors[name] = { track };
  }
  return { uri: input.FileInput, location, rotate: input.VideoSelector?.Rotate ?? 'DEGREE_0', audioSelectors };
}

function readOutputGroup(value: unknown, path: string, input: InputPlan): HlsGroupPlan | FileGroupPlan {
  const type = read(groupTypeSchema, value, path).OutputGroupSettings.Type;
  if (type === 'HLS_GROUP_SETTINGS') {
    const group = read(hlsGroupSchema, value, path);
    if (group.Outputs.length === 0) throw new JobSettingsRejected(`${path}.Outputs`, 'invalid', 'an output group needs at least one output');
    const hlsPath = `${path}.OutputGroupSettings.HlsGroupSettings`;
    const hls = group.OutputGroupSettings.HlsGroupSettings;
    const destination = destinationOf(hls.Destination, `${hlsPath}.Destination`, input.location);
    if (hls.MinSegmentLength !== undefined && hls.MinSegmentLength !== 0) {
      throw new JobSettingsRejected(`${hlsPath}.MinSegmentLength = ${hls.MinSegmentLength}`, 'unsupported', 'implemented values: 0');
    }
    return {
      kind: 'hls',
      name: group.Name ?? '',
      settingPath: path,
      destination,
      segmentSeconds: hls.SegmentLength ?? 10,
      integerDurations: (hls.ManifestDurationFormat ?? 'FLOATING_POINT') === 'INTEGER',
      codecSpecification: hls.CodecSpecification ?? 'RFC_4281',
      singleFile: (hls.SegmentControl ?? 'SEGMENTED_FILES') === 'SINGLE_FILE',
      renditions: group.Outputs.map((output, i) => {
        const outputPath = `${path}.Outputs[${i}]`;
        const nameModifier = output.NameModifier ?? '';
        if (nameModifier === '' && group.Outputs.length > 1) {
          throw new JobSettingsRejected(`${outputPath}.NameModifier`, 'invalid', 'every output of an HLS group with several outputs needs its own NameModifier');
        }
        const video = readVideo(present(output.VideoDescription, `${outputPath}.VideoDescription`), `${outputPath}.VideoDescription`);
        const audio = readAudio(output.AudioDescriptions, outputPath, input);
        return { kind: 'hls' as const, settingPath: outputPath, nameModifier, video, ...(audio ? { audio } : {}) };
      }),
      ...readTrickPlay(hls.ImageBasedTrickPlay ?? 'NONE', hls.ImageBasedTrickPlaySettings, `${hlsPath}.ImageBasedTrickPlaySettings`),
    };
  }

  const group = read(fileGroupSchema, value, path);
  if (group.Outputs.length === 0) throw new JobSettingsRejected(`${path}.Outputs`, 'invalid', 'an output group needs at least one output');
  const filePath = `${path}.OutputGroupSettings.FileGroupSettings`;
  const destination = destinationOf(group.OutputGroupSettings.FileGroupSettings.Destination, `${filePath}.Destination`, input.location);
  return {
    kind: 'file',
    name: group.Name ?? '',
    settingPath: path,
    destination,
    outputs: group.Outputs.map((o, i) => readFileOutput(o, `${path}.Outputs[${i}]`, input)),
  };
}

/** ImageBasedTrickPlay ADVANCED: thumbnails tiled into JPEGs, with the checks MediaConvert makes. */
function readTrickPlay(mode: 'NONE' | 'ADVANCED', value: unknown, settingsPath: string): { trickPlay?: TrickPlayPlan } {
  if (mode === 'NONE') {
    if (value !== undefined) throw new JobSettingsRejected(settingsPath, 'invalid', 'it applies only when ImageBasedTrickPlay is ADVANCED');
    return {};
  }
  const settings = read(trickPlaySchema, value, settingsPath);
  const thumbnailWidth = settings.ThumbnailWidth ?? 312;
  if (thumbnailWidth % 8 !== 0) throw new JobSettingsRejected(`${settingsPath}.ThumbnailWidth = ${thumbnailWidth}`, 'invalid', 'it must be a multiple of 8');
  const thumbnailHeight = settings.ThumbnailHeight;
  if (thumbnailHeight !== undefined && thumbnailHeight % 2 !== 0) throw new JobSettingsRejected(`${settingsPath}.ThumbnailHeight = ${thumbnailHeight}`, 'invalid', 'it must be even');
  const columns = settings.TileWidth ?? 1;
  const rows = settings.TileHeight ?? 2;
  if (rows % 2 !== 0) throw new JobSettingsRejected(`${settingsPath}.TileHeight = ${rows}`, 'invalid', 'it must be even');
  if (thumbnailHeight !== undefined && rows * thumbnailHeight > 4096) {
    throw new JobSettingsRejected(`${settingsPath}.TileHeight = ${rows}`, 'invalid', `a tile image ${rows} × ${thumbnailHeight} px tall is above the 4096 px MediaConvert accepts`);
  }
  return { trickPlay: { settingPath: settingsPath, intervalSeconds: settings.ThumbnailInterval, thumbnailWidth, ...(thumbnailHeight !== undefined ? { thumbnailHeight } : {}), columns, rows } };
}

function readFileOutput(value: unknown, path: string, input: InputPlan): Mp4OutputPlan | FrameCapturePlan {
  const kind = read(fileOutputKindSchema, value, path).ContainerSettings.Container;
  const videoPath = `${path}.VideoDescription`;

  if (kind === 'RAW') {
    const output = read(frameCaptureOutputSchema, value, path);
    const description = output.VideoDescription;
    const capture = description.CodecSettings.FrameCaptureSettings ?? {};
    return {
      kind: 'frames',
      settingPath: path,
      nameModifier: output.NameModifier ?? '',
      capture: {
        ...sizeOf(description),
        scaling: description.ScalingBehavior ?? 'DEFAULT',
        framerate: { numerator: capture.FramerateNumerator ?? 1, denominator: capture.FramerateDenominator ?? 1 },
        ...(capture.MaxCaptures !== undefined ? { maxCaptures: capture.MaxCaptures } : {}),
        quality: capture.Quality ?? 80,
      },
    };
  }

  const output = read(mp4OutputSchema, value, path);
  const faststart = (output.ContainerSettings.Mp4Settings?.MoovPlacement ?? 'PROGRESSIVE_DOWNLOAD') === 'PROGRESSIVE_DOWNLOAD';
  const video = readVideo(present(output.VideoDescription, videoPath), videoPath);
  const audio = readAudio(output.AudioDescriptions, path, input);
  return { kind: 'mp4', settingPath: path, nameModifier: output.NameModifier ?? '', video, faststart, ...(audio ? { audio } : {}) };
}

function sizeOf(description: { Width?: number; Height?: number }): { width?: number; height?: number } {
  return { ...(description.Width !== undefined ? { width: description.Width } : {}), ...(description.Height !== undefined ? { height: description.Height } : {}) };
}

/** An H.264 encode, or video passthrough (a stream copy). */
function readVideo(value: unknown, path: string): VideoEncode {
  if (valueAt(value, ['CodecSettings', 'Codec']) !== 'PASSTHROUGH') return readH264Video(value, path);
  // Video passthrough copies the input's stream: its size, frame rate and orientation are the
  // input's, so nothing that would change pixels or timing may be set beside it.
  for (const key of Object.keys(value as object)) {
    if (key !== 'CodecSettings') throw new JobSettingsRejected(pathOf(path, key), 'invalid', 'video passthrough keeps the input video as it is; leave out everything but CodecSettings');
  }
  read(videoCopySchema, value, path);
  return { codec: 'copy' };
}

function readH264Video(value: unknown, path: string): H264Encode {
  const description = read(h264DescriptionSchema, value, path);
  for (const side of ['Width', 'Height'] as const) {
    const n = description[side];
    if (n !== undefined && n % 2 !== 0) throw new JobSettingsRejected(`${path}.${side}`, 'invalid', `H.264 4:2:0 needs an even ${side.toLowerCase()}, got ${n}`);
  }
  const h264Path = `${path}.CodecSettings.H264Settings`;
  const h264 = description.CodecSettings.H264Settings;
  const { RateControlMode: rateControl, Bitrate: bitrate, MaxBitrate: maxBitrate, HrdBufferSize: hrdBufferSize } = h264;
  let qvbrQualityLevel: number | undefined;
  if (rateControl === 'QVBR') {
    present(maxBitrate, `${h264Path}.MaxBitrate`);
    if (bitrate !== undefined) throw new JobSettingsRejected(`${h264Path}.Bitrate`, 'invalid', 'QVBR takes MaxBitrate, not Bitrate');
    qvbrQualityLevel = h264.QvbrSettings?.QvbrQualityLevel;
  } else {
    if (h264.QvbrSettings !== undefined) throw new JobSettingsRejected(`${h264Path}.QvbrSettings`, 'invalid', `QvbrSettings needs RateControlMode QVBR, not ${rateControl}`);
    present(bitrate, `${h264Path}.Bitrate`);
    if (rateControl === 'CBR' && maxBitrate !== undefined) throw new JobSettingsRejected(`${h264Path}.MaxBitrate`, 'invalid', 'CBR takes Bitrate only');
    if (rateControl === 'VBR' && maxBitrate !== undefined && bitrate !== undefined && maxBitrate < bitrate) {
      throw new JobSettingsRejected(`${h264Path}.MaxBitrate`, 'invalid', `MaxBitrate ${maxBitrate} is below Bitrate ${bitrate}`);
    }
  }

  const levelValue = h264.CodecLevel ?? 'AUTO';
  const level = levelValue === 'AUTO' ? 'AUTO' : levelValue.slice('LEVEL_'.length).replace('_', '.');

  const { FramerateNumerator: numerator, FramerateDenominator: denominator } = h264;
  let frameRate: FrameRate | undefined;
  if ((h264.FramerateControl ?? 'INITIALIZE_FROM_SOURCE') === 'SPECIFIED') {
    frameRate = { numerator: present(numerator, `${h264Path}.FramerateNumerator`), denominator: present(denominator, `${h264Path}.FramerateDenominator`) };
  } else if (numerator !== undefined || denominator !== undefined) {
    throw new JobSettingsRejected(`${h264Path}.${numerator !== undefined ? 'FramerateNumerator' : 'FramerateDenominator'}`, 'invalid', 'a frame rate needs FramerateControl SPECIFIED');
  }

  return {
    codec: 'h264',
    ...sizeOf(description),
    scaling: description.ScalingBehavior ?? 'DEFAULT',
    rateControl,
    ...(qvbrQualityLevel !== undefined ? { qvbrQualityLevel } : {}),
    ...(bitrate !== undefined ? { bitrate } : {}),
    ...(maxBitrate !== undefined ? { maxBitrate } : {}),
    ...(hrdBufferSize !== undefined ? { hrdBufferSize } : {}),
    ...(h264.GopSize !== undefined ? { gop: { size: h264.GopSize, units: h264.GopSizeUnits ?? 'FRAMES' } } : {}),
    profile: h264.CodecProfile ?? 'MAIN',
    level,
    ...(frameRate ? { frameRate } : {}),
    sceneChangeDetect: (h264.SceneChangeDetect ?? 'ENABLED') !== 'DISABLED',
    qualityTuning: h264.QualityTuningLevel ?? 'SINGLE_PASS',
  };
}

function readAudio(descriptions: unknown[] | undefined, path: string, input: InputPlan): AudioEncode | undefined {
  if (descriptions === undefined || descriptions.length === 0) return undefined;
  if (descriptions.length > 1) throw new JobSettingsRejected(`${path}.AudioDescriptions`, 'unsupported', 'the engine writes one audio track per output');
  const descriptionPath = `${path}.AudioDescriptions[0]`;
  const description = read(audioDescriptionSchema, descriptions[0], descriptionPath);
  const selector = description.AudioSourceName;
  if (!(selector in input.audioSelectors)) {
    throw new JobSettingsRejected(
      `${descriptionPath}.AudioSourceName`,
      'invalid',
      `no audio selector named ${JSON.stringify(selector)} in Settings.Inputs[0].AudioSelectors (${Object.keys(input.audioSelectors).join(', ') || 'none'})`,
    );
  }
  const codecPath = `${descriptionPath}.CodecSettings`;
  const codec = description.CodecSettings;
  if (codec.Codec === 'PASSTHROUGH') {
    if (codec.AacSettings !== undefined) throw new JobSettingsRejected(`${codecPath}.AacSettings`, 'invalid', 'audio passthrough takes no encoder settings');
    return { selector, copy: true };
  }
  const aac = codec.AacSettings ?? {};
  const sampleRate = aac.SampleRate ?? 48_000;
  if (!AAC_SAMPLE_RATES.includes(sampleRate)) throw new JobSettingsRejected(`${codecPath}.AacSettings.SampleRate`, 'invalid', `${sampleRate} Hz is not an AAC sample rate`);
  return {
    selector,
    bitrate: aac.Bitrate ?? 96_000,
    channels: (aac.CodingMode ?? 'CODING_MODE_2_0') === 'CODING_MODE_1_0' ? 1 : 2,
    sampleRate,
  };
}
