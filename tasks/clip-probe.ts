/**
 * What an upload is, read with mediainfo.js (MediaInfoLib compiled to WebAssembly) over a
 * `ByteSource`: no native binary, so it runs in Lambda, and only the ranges the parser asks
 * for are read. The result is a `MediaProbe` (container, duration, video/audio/image
 * tracks) or a `ProbeFailure` saying why the bytes are not a usable media file.
 *
 * Codec and container names are ffmpeg's (`h264`, `hevc`, `mjpeg`, `aac`, `pcm_mulaw`,
 * `mp4`, `matroska`, `avi`, `jpeg`…), so they mean the same thing to the job builder, the
 * local ffmpeg engine and the catalog.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mediaInfoFactory from 'mediainfo.js';
import pLimit, { type LimitFunction } from 'p-limit';
import type { MediaInfo, MediaInfoResult, Track } from 'mediainfo.js';
import type { MediaProbe } from '../domain/clip-contract.ts';
import type { ByteSource } from './byte-source.ts';

/** Why bytes could not be probed as media. */
export type ProbeProblem = 'empty' | 'truncated' | 'not-media';

export interface ProbeFailure {
  problem: ProbeProblem;
  sizeBytes: number;
  /** The container, when the parser recognized one (e.g. a truncated `mp4`). */
  container?: string;
  /** What the parser saw, in a sentence. */
  detail: string;
  /** What could still be read from a truncated file. */
  partial?: MediaProbe;
}

export function isProbeFailure(probe: MediaProbe | ProbeFailure): probe is ProbeFailure {
  return 'problem' in probe;
}

/** Bytes per range read: few S3 GETs for a clip's header, little memory. */
const CHUNK_SIZE = 1024 * 1024;

/**
 * Most bytes one probe reads. MediaInfoLib walks the whole media data of MP4 and Matroska
 * files when fed a buffer; everything the workflow needs (tracks, sizes, duration, and the
 * structure sizes that reveal truncation) is in the headers and the first frames, so the
 * probe stops feeding it here and it reports what it has.
 */
export const PROBE_READ_BUDGET = 8 * 1024 * 1024;

/** Where `MediaInfoModule.wasm` is: the installed package, or next to the running bundle (Lambda). */
export function mediaInfoWasmPath(): string {
  const candidates: string[] = [];
  if (process.env.MEDIAINFO_WASM_PATH) candidates.push(process.env.MEDIAINFO_WASM_PATH);
  try {
    candidates.push(createRequire(import.meta.url).resolve('mediainfo.js/MediaInfoModule.wasm'));
  } catch {
    // Not installed (a Lambda bundle): look beside the bundle.
  }
  try {
    candidates.push(join(dirname(fileURLToPath(import.meta.url)), 'MediaInfoModule.wasm'));
  } catch {
    // import.meta.url unavailable (CommonJS bundle).
  }
  if (process.env.LAMBDA_TASK_ROOT) candidates.push(join(process.env.LAMBDA_TASK_ROOT, 'MediaInfoModule.wasm'));
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `MediaInfoModule.wasm not found (looked in: ${candidates.join(', ')}). Install mediainfo.js, or copy node_modules/mediainfo.js/dist/MediaInfoModule.wasm next to the bundled handler.`,
    );
  }
  return found;
}

/**
 * MediaInfo instances, each analysing one clip at a time. A Lambda handles one event at a time
 * and so only ever makes one; the local runtime runs every task in one process, where clips
 * validated at once (a burst) would otherwise queue behind one instance — and their alerts
 * with them. Made on demand, at most PROBE_INSTANCES (each holds about 15 MB once used): with
 * 4, a burst of 20 clips validated in 5 rounds; more than 8 only made every read of the burst
 * slower together (issue 11, BENCHMARKS.md).
 */
export const PROBE_INSTANCES = 8;
/** A pool entry: its instance, and its calls, one at a time (the others wait their turn). */
const pool: Array<{ mediaInfo: Promise<MediaInfo<'object'>>; calls: LimitFunction }> = [];
const busy = (entry: (typeof pool)[number]) => entry.calls.activeCount + entry.calls.pendingCount;

function newInstance(): Promise<MediaInfo<'object'>> {
  const wasm = mediaInfoWasmPath();
  return mediaInfoFactory({ format: 'object', chunkSize: CHUNK_SIZE, locateFile: () => wasm }).catch((error: unknown) => {
    throw new Error(
      `mediainfo.js could not load ${wasm} (${error instanceof Error ? error.message : String(error)}). ` +
        "In a bundle, resolve mediainfo.js with the 'node' export condition (esbuild --conditions=node): its 'module' build is for browsers and fetches the WebAssembly over HTTP.",
      { cause: error },
    );
  });
}

/** An idle instance, a new one while the pool has room, else the least busy (calls queue on it). */
function instance(): (typeof pool)[number] {
  const idle = pool.find((entry) => busy(entry) === 0);
  if (idle) return idle;
  if (pool.length < PROBE_INSTANCES) {
    const entry: (typeof pool)[number] = { mediaInfo: newInstance(), calls: pLimit(1) };
    entry.mediaInfo.catch(() => pool.splice(pool.indexOf(entry), 1));
    pool.push(entry);
    return entry;
  }
  return pool.reduce((least, entry) => (busy(entry) < busy(least) ? entry : least));
}

/**
 * Bytes of an MP4's media data (`mdat`) the probe lets MediaInfoLib parse. Once it has the
 * `moov` (read before the media data, or by a jump to the file's end), MediaInfoLib walks the
 * media data frame by frame for details the workflow does not use: the tracks, sizes,
 * duration, frame rate, bit rate and the box sizes that reveal truncation are all in the
 * `moov` and the box headers. Reading 7 MB more per clip only made a burst of validations
 * queue on the S3 reads (issue 11).
 */
export const MP4_MEDIA_DATA_PROBE_BYTES = 1024 * 1024;

interface MediaDataWalk {
  /** Reads from here… */
  walkEnd: number;
  /** …up to here (the `mdat` box's end) are not served. */
  end: number;
}

/**
 * Where to stop MediaInfoLib's walk through an MP4's media data, from the file's first bytes:
 * only for a file that starts with `ftyp` and whose first `mdat` holds at least half the
 * file — a plain MP4/MOV. A fragmented MP4 (many small `mdat`s, each after its `moof`) and
 * every other container are read as before, within PROBE_READ_BUDGET.
 */
export function mp4MediaDataWalk(head: Uint8Array, fileSize: number): MediaDataWalk | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = (at: number) => String.fromCharCode(head[at]!, head[at + 1]!, head[at + 2]!, head[at + 3]!);
  if (head.length < 8 || type(4) !== 'ftyp') return undefined;
  let at = 0;
  while (at + 8 <= head.length) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > head.length) return undefined;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = fileSize - at;
    if (size < header) return undefined;
    if (type(at + 4) === 'mdat') {
      const start = at + header;
      const end = at + size;
      return end - start >= fileSize / 2 ? { walkEnd: start + MP4_MEDIA_DATA_PROBE_BYTES, end } : undefined;
    }
    at += size;
  }
  return undefined;
}

/** MediaInfoLib's report, and whether PROBE_READ_BUDGET stopped it before the end of the file. */
interface Analysis {
  result: MediaInfoResult;
  stoppedByBudget: boolean;
}

async function analyze(source: ByteSource): Promise<Analysis> {
  const entry = instance();
  // One analysis at a time per instance: calls on the same one queue here.
  return entry.calls(async () => {
    const mi = await entry.mediaInfo;
    let budget = PROBE_READ_BUDGET;
    let stoppedByBudget = false;
    let mediaData: MediaDataWalk | undefined;
    const readChunk = async (length: number, offset: number) => {
      if (budget <= 0) {
        stoppedByBudget ||= offset < source.size;
        return new Uint8Array(0);
      }
      // Walking an MP4's media data past its first frames: everything the probe needs is known.
      if (mediaData && offset >= mediaData.walkEnd && offset < mediaData.end) return new Uint8Array(0);
      const bytes = await source.read(offset, Math.min(length, budget));
      budget -= bytes.length;
      if (offset === 0) mediaData = mp4MediaDataWalk(bytes, source.size);
      return bytes;
    };
    const result = await mi.analyzeData(source.size, readChunk);
    return { result, stoppedByBudget };
  });
}

/** Packet size and where each packet's 0x47 sync byte is, for the transport streams MediaInfoLib reads to the end. */
const TRANSPORT_STREAM_PACKETS: Record<string, { size: number; syncAt: number }> = {
  mpegts: { size: 188, syncAt: 0 },
  // M2TS (Blu-ray, AVCHD): a 4-byte timestamp before each 188-byte packet.
  bdav: { size: 192, syncAt: 4 },
};

/**
 * Whether a transport stream ends on a whole packet: its size a multiple of the packet size and
 * the last packets starting with their sync byte. MediaInfoLib reads a transport stream from
 * start to end (it has no index), so a file larger than PROBE_READ_BUDGET looks cut short to it
 * where the probe stopped feeding it; the file's own end tells whether the upload was.
 */
async function endsOnWholePackets(source: ByteSource, container: string): Promise<boolean> {
  const packet = TRANSPORT_STREAM_PACKETS[container];
  if (!packet || source.size % packet.size !== 0 || source.size < 4 * packet.size) return false;
  const tail = await source.read(source.size - 4 * packet.size, 4 * packet.size);
  if (tail.length !== 4 * packet.size) return false;
  for (let at = packet.syncAt; at < tail.length; at += packet.size) if (tail[at] !== 0x47) return false;
  return true;
}

export async function probeClip(source: ByteSource): Promise<MediaProbe | ProbeFailure> {
  if (source.size === 0) return { problem: 'empty', sizeBytes: 0, detail: 'The file has no bytes.' };
  const { result, stoppedByBudget } = await analyze(source);
  const probe = probeFromMediaInfo(result, source.size);
  if (isProbeFailure(probe) && probe.problem === 'truncated' && stoppedByBudget && probe.partial && probe.container && (await endsOnWholePackets(source, probe.container))) {
    return probe.partial;
  }
  if (!isProbeFailure(probe) && probe.container === 'jpeg' && !(await endsWithJpegEndMarker(source))) {
    return { problem: 'truncated', sizeBytes: source.size, container: 'jpeg', partial: probe, detail: 'The JPEG has no end-of-image marker: the upload was cut short.' };
  }
  return probe;
}

/** A complete JPEG ends with FF D9 (some cameras pad a few bytes after it). */
async function endsWithJpegEndMarker(source: ByteSource): Promise<boolean> {
  const tailLength = Math.min(source.size, 64);
  const tail = await source.read(source.size - tailLength, tailLength);
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
  return false;
}

/** Turn MediaInfoLib's report into a probe or the reason there is none (pure). */
export function probeFromMediaInfo(result: MediaInfoResult, sizeBytes: number): MediaProbe | ProbeFailure {
  const tracks: readonly Track[] = result.media?.track ?? [];
  const general = tracks.find((t) => t['@type'] === 'General');
  const video = tracks.find((t) => t['@type'] === 'Video');
  const audio = tracks.find((t) => t['@type'] === 'Audio');
  const image = tracks.find((t) => t['@type'] === 'Image');
  if (sizeBytes === 0) return { problem: 'empty', sizeBytes, detail: 'The file has no bytes.' };
  const format = general?.Format;
  if (!format && !video && !audio && !image) {
    return { problem: 'not-media', sizeBytes, detail: 'No audio, video or image format was recognized in the file.' };
  }
  const container = containerName(format, general?.CodecID);
  const duration = numberOf(general && 'Duration' in general ? general.Duration : undefined) ?? numberOf(video && 'Duration' in video ? video.Duration : undefined) ?? 0;
  const probe: MediaProbe = { container, durationSeconds: round(duration, 3), sizeBytes };
  if (video && video['@type'] === 'Video' && video.Width && video.Height) {
    const rotation = numberOf(video.Rotation);
    probe.video = {
      codec: videoCodecName(video.Format, video.CodecID),
      width: video.Width,
      height: video.Height,
      ...(numberOf(video.FrameRate) ? { frameRate: numberOf(video.FrameRate) } : {}),
      ...(numberOf(video.BitRate) ? { bitrate: Math.round(numberOf(video.BitRate)!) } : {}),
      ...(rotation ? { rotation: Math.round(rotation) } : {}),
    };
  }
  if (audio && audio['@type'] === 'Audio') {
    probe.audio = {
      codec: audioCodecName(audio.Format, audio.Format_Profile, audio.CodecID),
      ...(numberOf(audio.Channels) ? { channels: numberOf(audio.Channels) } : {}),
      ...(numberOf(audio.SamplingRate) ? { sampleRate: numberOf(audio.SamplingRate) } : {}),
    };
  }
  if (image && image['@type'] === 'Image' && image.Width && image.Height && !probe.video) {
    probe.image = { format: imageFormatName(image.Format ?? format), width: image.Width, height: image.Height };
  }
  const truncated = general?.extra?.IsTruncated === 'Yes';
  if (truncated) {
    return {
      problem: 'truncated',
      sizeBytes,
      container,
      partial: probe,
      detail: `The ${container} file is shorter than its own structure says (${conformanceSummary(general?.extra)}): the upload was cut short.`,
    };
  }
  if (!probe.video && !probe.audio && !probe.image) {
    return { problem: 'not-media', sizeBytes, container, detail: `The ${container} file holds no decodable audio, video or image track.` };
  }
  return probe;
}

function conformanceSummary(extra: unknown): string {
  const text = JSON.stringify(extra ?? {});
  const match = /less than expected size \(actual (\d+)[^,]*, expected (>=)?(\d+)/.exec(text);
  return match ? `${match[1]} of ${match[2] ? 'at least ' : ''}${match[3]} bytes` : 'its structure is incomplete';
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const CONTAINERS: Record<string, string> = {
  'MPEG-4': 'mp4',
  Matroska: 'matroska',
  WebM: 'webm',
  AVI: 'avi',
  'MPEG-TS': 'mpegts',
  'MPEG-PS': 'mpegps',
  'Flash Video': 'flv',
  MXF: 'mxf',
  'Windows Media': 'asf',
  Ogg: 'ogg',
  JPEG: 'jpeg',
  PNG: 'png',
  GIF: 'gif',
  WebP: 'webp',
  HEIF: 'heif',
  AVC: 'h264',
  HEVC: 'hevc',
  'MPEG Audio': 'mp3',
  Wave: 'wav',
  ADTS: 'aac',
};

export function containerName(format: string | undefined, codecId?: string): string {
  if (!format) return 'unknown';
  if (format === 'MPEG-4' && codecId?.trim() === 'qt') return 'mov';
  return CONTAINERS[format] ?? slug(format);
}

const VIDEO_CODECS: Record<string, string> = {
  AVC: 'h264',
  HEVC: 'hevc',
  JPEG: 'mjpeg',
  'MPEG-4 Visual': 'mpeg4',
  'MPEG Video': 'mpeg2video',
  VP8: 'vp8',
  VP9: 'vp9',
  AV1: 'av1',
  ProRes: 'prores',
  'VC-1': 'vc1',
  'H.263': 'h263',
  'JPEG 2000': 'jpeg2000',
  DV: 'dvvideo',
  'VC-3': 'dnxhd',
  CineForm: 'cfhd',
  RLE: 'qtrle',
  YUV: 'rawvideo',
  RGB: 'rawvideo',
  FFV1: 'ffv1',
  Theora: 'theora',
  Cinepak: 'cinepak',
  'Sorenson Spark': 'flv1',
};

/** Codec ids (Matroska, QuickTime/AVI FourCC) for tracks MediaInfoLib names no format for. */
const VIDEO_CODEC_IDS: Record<string, string> = {
  V_MJPEG: 'mjpeg',
  MJPG: 'mjpeg',
  jpeg: 'mjpeg',
  mjpa: 'mjpeg',
  mjpb: 'mjpeg',
  'V_MPEG4/ISO/AVC': 'h264',
  avc1: 'h264',
  H264: 'h264',
  'V_MPEGH/ISO/HEVC': 'hevc',
  hvc1: 'hevc',
  hev1: 'hevc',
  V_VP8: 'vp8',
  V_VP9: 'vp9',
  V_AV1: 'av1',
};

export function videoCodecName(format: string | undefined, codecId?: string): string {
  if (format && VIDEO_CODECS[format]) return VIDEO_CODECS[format];
  const id = codecId?.trim();
  if (id && VIDEO_CODEC_IDS[id]) return VIDEO_CODEC_IDS[id];
  return slug(format ?? id ?? 'unknown');
}

export function audioCodecName(format: string | undefined, profile?: string, codecId?: string): string {
  if (!format) return slug(codecId ?? 'unknown');
  if (format === 'ADPCM' || format === 'PCM' || format === 'G.711') {
    if (/u-?law/i.test(profile ?? '') || /mu-?law|ulaw/i.test(codecId ?? '')) return 'pcm_mulaw';
    if (/a-?law/i.test(profile ?? '') || /alaw/i.test(codecId ?? '')) return 'pcm_alaw';
    return format === 'PCM' ? 'pcm' : 'adpcm';
  }
  const names: Record<string, string> = {
    AAC: 'aac',
    'MPEG Audio': 'mp3',
    'AC-3': 'ac3',
    'E-AC-3': 'eac3',
    Opus: 'opus',
    Vorbis: 'vorbis',
    FLAC: 'flac',
    AMR: 'amr',
    'G.722': 'g722',
    'G.726': 'g726',
  };
  return names[format] ?? slug(format);
}

function imageFormatName(format: string | undefined): string {
  return format ? (CONTAINERS[format] ?? slug(format)) : 'unknown';
}

function slug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'unknown'
  );
}
