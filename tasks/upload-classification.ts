/**
 * What an upload is, decided from its probe and the clip limits (pure): a video to render,
 * a still image (its own poster), or invalid with a named reason and a sentence telling the
 * operator what to do.
 */
import type { InvalidReason, MediaProbe, UploadKind } from '../domain/clip-contract.ts';
import { isProbeFailure, type ProbeFailure } from './clip-probe.ts';
import { oneLineText } from '../domain/user-text.ts';

export interface ClipLimits {
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
  /** Longest video accepted, in seconds. */
  maxSeconds: number;
}

export const DEFAULT_CLIP_LIMITS: ClipLimits = { maxBytes: 2 * 1024 ** 3, maxSeconds: 30 * 60 };

export interface UploadClassification {
  kind: UploadKind;
  reason?: InvalidReason;
  /** For invalid uploads: what is wrong and what to do. */
  detail?: string;
}

/** Video codecs MediaConvert accepts as input (ffmpeg names, as the probe reports them). */
export const RENDERABLE_VIDEO_CODECS: ReadonlySet<string> = new Set([
  'h264',
  'hevc',
  'mjpeg',
  'mpeg4',
  'mpeg2video',
  'mpeg1video',
  'vp8',
  'vp9',
  'av1',
  'prores',
  'vc1',
  'h263',
  'jpeg2000',
  'dvvideo',
  'dnxhd',
  'cfhd',
  'qtrle',
  'rawvideo',
]);

/** Still image formats a browser shows as they are. */
export const STILL_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif']);

const EMPTY_DETAIL = 'The upload has no bytes: the camera or gateway wrote an empty file. Check the camera’s storage and network, then let it upload again.';

/** What the size alone decides (empty, too large), before a byte is read; undefined if it decides nothing. */
export function classifyBySize(sizeBytes: number, limits: ClipLimits = DEFAULT_CLIP_LIMITS): UploadClassification | undefined {
  if (sizeBytes === 0) return invalid('empty', EMPTY_DETAIL);
  if (sizeBytes > limits.maxBytes) {
    return invalid(
      'too-large',
      `The upload is ${formatBytes(sizeBytes)}, over the ${formatBytes(limits.maxBytes)} limit. Shorten the camera’s clip length or lower its bitrate, or raise MAX_CLIP_BYTES.`,
    );
  }
  return undefined;
}

/**
 * A `.dav`/`.h264` the gateway uploaded as it arrived because it could not remux it to MP4
 * (`gateway-remux-failed` metadata, URI-encoded, possibly cut at 1024 characters): MediaConvert
 * cannot read it, so it is quarantined with the gateway's reason and what to do.
 */
export function classifyGatewayRemuxFailure(remuxFailed: string | undefined): UploadClassification | undefined {
  if (remuxFailed === undefined) return undefined;
  const why = oneLineText(decodeMetadata(remuxFailed), 300).replace(/[.\s]+$/u, '');
  return invalid(
    'not-remuxed',
    `The gateway could not remux this recording to MP4${why ? ` (${why})` : ''}, and the cloud cannot render it as it is. Install ffmpeg on the gateway (sudo apt install ffmpeg) and restart it; the camera’s next uploads are remuxed. To keep this one, remux it with ffmpeg and upload the MP4 under a new name.`,
  );
}

/** A URI-encoded metadata value; one cut inside an escape or a character keeps what decodes. */
function decodeMetadata(value: string): string {
  let text = value.replace(/%[0-9a-f]?$/iu, '');
  // A UTF-8 character is at most 4 escapes: drop up to 3 trailing ones of a cut character.
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return decodeURIComponent(text);
    } catch {
      text = text.replace(/%[0-9a-f]{2}$/iu, '');
    }
  }
  return value.replace(/%[0-9a-f]{2}/giu, ' ');
}

export function classifyUpload(probe: MediaProbe | ProbeFailure, limits: ClipLimits = DEFAULT_CLIP_LIMITS): UploadClassification {
  const bySize = classifyBySize(probe.sizeBytes, limits);
  if (bySize) return bySize;
  if (isProbeFailure(probe)) {
    if (probe.problem === 'empty') return invalid('empty', EMPTY_DETAIL);
    if (probe.problem === 'truncated') {
      return invalid('truncated', `${probe.detail} Check the gateway’s spool and the network; the camera may still hold the full clip to upload again.`);
    }
    return invalid('not-media', `${probe.detail} This is not a video or picture: check what the camera or gateway writes under this folder.`);
  }
  if (probe.video) {
    if (!RENDERABLE_VIDEO_CODECS.has(probe.video.codec)) {
      return invalid('unsupported-codec', `The video codec '${probe.video.codec}' cannot be rendered for the web. Set the camera to record H.264, H.265 or MJPEG.`);
    }
    if (probe.durationSeconds > limits.maxSeconds) {
      return invalid(
        'too-long',
        `The clip lasts ${formatSeconds(probe.durationSeconds)}, over the ${formatSeconds(limits.maxSeconds)} limit. Shorten the camera’s clip length, or raise MAX_CLIP_SECONDS.`,
      );
    }
    return { kind: 'video' };
  }
  if (probe.image) {
    if (!STILL_FORMATS.has(probe.image.format)) {
      return invalid('unsupported-codec', `The image format '${probe.image.format}' cannot be shown in a browser. Set the camera to save JPEG snapshots.`);
    }
    return { kind: 'still' };
  }
  if (probe.audio) {
    return invalid(
      'no-video-track',
      `The ${probe.container} file holds only audio (${probe.audio.codec}), no picture. Check the camera’s video encoder settings; nothing can be shown for this upload.`,
    );
  }
  return invalid('not-media', `The ${probe.container} file holds no video or image. Check what the camera or gateway writes under this folder.`);
}

function invalid(reason: InvalidReason, detail: string): UploadClassification {
  return { kind: 'invalid', reason, detail };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit]}`;
}

export function formatSeconds(seconds: number): string {
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m === 0 ? `${s} s` : `${m} min ${String(s).padStart(2, '0')} s`;
}
