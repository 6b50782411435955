/**
 * "Validate clip", without the AWS calls: probe the bytes, classify the upload, and for a
 * video plan the MediaConvert job (settings + the files it will write). `camflow plan` runs
 * this on a local file; the task runs it on the S3 object.
 */
import { ENV, type ClipWorkflowInput, type ValidationResult } from '../domain/clip-contract.ts';
import { buildRenderJob } from '../domain/render-job.ts';
import { DEFAULT_RENDER_PROFILE, type RenderProfile } from '../domain/render-profiles.ts';
import type { ByteSource } from './byte-source.ts';
import { probeClip, isProbeFailure } from './clip-probe.ts';
import { classifyBySize, classifyGatewayRemuxFailure, classifyUpload, DEFAULT_CLIP_LIMITS, type ClipLimits } from './upload-classification.ts';
import { clipCaptureTime } from '../domain/capture-time.ts';

export interface ValidateUploadOptions {
  mediaBucket: string;
  /** Largest upload accepted (default 2 GiB). */
  maxBytes?: number;
  /** Longest video accepted (default 30 min). */
  maxSeconds?: number;
  /** The uploader's `captured-at` metadata, if any (see domain/capture-time.ts). */
  capturedAt?: string;
  /** The camera's time zone, for a timestamp in the file name (default UTC). */
  timeZone?: string;
  /** The gateway's `gateway-remux-failed` metadata: a `.dav`/`.h264` it could not remux (quarantined). */
  gatewayRemuxFailed?: string;
  /** HLS rungs to render (labels such as `720p`); default all. */
  ladder?: readonly string[];
  /** The camera's render profile (camera-settings.ts); default `passthrough`. */
  profile?: RenderProfile;
}

export async function validateUpload(source: ByteSource, clip: ClipWorkflowInput['clip'], options: ValidateUploadOptions): Promise<ValidationResult> {
  const limits = { maxBytes: options.maxBytes ?? DEFAULT_CLIP_LIMITS.maxBytes, maxSeconds: options.maxSeconds ?? DEFAULT_CLIP_LIMITS.maxSeconds };
  // From the uploader's metadata, else the camera's timestamp in the file name, else the upload time.
  const capture = clipCaptureTime({ key: clip.key, capturedAtMetadata: options.capturedAt, uploadedAt: clip.uploadedAt, timeZone: options.timeZone });
  const capturedAt = capture.capturedAt;
  const captured = { capturedAt, capturedAtSource: capture.source };
  // Empty or too large is known from the size alone: no need to read a byte.
  const bySize = classifyBySize(source.size, limits);
  if (bySize) return { ...bySize, ...captured };
  // A recording the gateway could not remux: MediaConvert cannot read it, whatever the probe says.
  const notRemuxed = classifyGatewayRemuxFailure(options.gatewayRemuxFailed);
  if (notRemuxed) return { ...notRemuxed, ...captured };
  const probe = await probeClip(source);
  const classification = classifyUpload(probe, limits);
  const knownProbe = isProbeFailure(probe) ? probe.partial : probe;
  const result: ValidationResult = { kind: classification.kind, ...captured };
  if (classification.reason) result.reason = classification.reason;
  if (classification.detail) result.detail = classification.detail;
  if (knownProbe) result.probe = knownProbe;
  if (classification.kind === 'video' && knownProbe) {
    const job = buildRenderJob({
      clipId: clip.clipId,
      camera: clip.camera,
      sourceUri: `s3://${clip.bucket}/${clip.key}`,
      mediaBucket: options.mediaBucket,
      capturedAt,
      probe: knownProbe,
      ladder: options.ladder,
      profile: options.profile ?? DEFAULT_RENDER_PROFILE,
    });
    result.mediaPrefix = job.mediaPrefix;
    result.render = { settings: job.settings, outputs: job.outputs, profile: job.profile };
  }
  return result;
}

/**
 * What Validate clip takes from its environment — the limits and the HLS ladder — so the
 * task and `camflow plan` plan the same job from the same variables.
 */
export type ValidationSettings = ClipLimits & { ladder?: string[] };

export function validationSettingsFromEnv(env: Record<string, string | undefined>): ValidationSettings {
  return { ...clipLimitsFromEnv(env), ladder: ladderFromEnv(env) };
}

/** `HLS_LADDER=720p,360p` → ['720p', '360p']; unset → undefined (every rung). */
function ladderFromEnv(env: Record<string, string | undefined>): string[] | undefined {
  const value = env[ENV.hlsLadder]?.trim();
  return value
    ? value
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean)
    : undefined;
}

/** `MAX_CLIP_BYTES`, `MAX_CLIP_SECONDS` → the limits; unset or not a positive number → the default. */
function clipLimitsFromEnv(env: Record<string, string | undefined>): ClipLimits {
  const positive = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return { maxBytes: positive(env[ENV.maxClipBytes], DEFAULT_CLIP_LIMITS.maxBytes), maxSeconds: positive(env[ENV.maxClipSeconds], DEFAULT_CLIP_LIMITS.maxSeconds) };
}
