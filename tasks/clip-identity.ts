/**
 * Who a clip belongs to and what it is called (pure). The camera is the first segment of
 * the upload key; the clip id is derived from the object version itself (bucket, key, ETag,
 * version id), so the same upload announced twice gets the same id — and, as the execution
 * name, the same Step Functions execution — while a second upload to the same key (a camera
 * that reuses `snap.jpg`, or the same bytes uploaded again after their clip was deleted) is
 * a new version and so a new clip that owns its own bytes.
 */
import { createHash } from 'node:crypto';
import { CAMERA_ID_PATTERN } from '../workflows/clip-contract.ts';
import { CameraIdInvalid } from './errors.ts';

/** Hex characters of the object digest in a clip id (64 bits). */
const DIGEST_LENGTH = 16;

/** The camera id of an upload: its first key segment. Throws `CameraIdInvalid` if it is not a valid id. */
export function cameraFromKey(key: string): string {
  const slash = key.indexOf('/');
  const camera = slash === -1 ? '' : key.slice(0, slash);
  if (!CAMERA_ID_PATTERN.test(camera)) throw new CameraIdInvalid(key, camera);
  return camera;
}

/**
 * The clip id: `{camera}-{16 hex of sha256(bucket, key, etag[, versionId])}`, e.g.
 * `front-door-3f9a0c1d2e4b5a69`. At most 57 characters of `[a-z0-9-]`: a valid Step
 * Functions execution name (≤ 80, `[A-Za-z0-9-_]`) that reads well in the console.
 * The ETag is compared without quotes and case-insensitively.
 */
export function clipIdFor(object: { bucket: string; key: string; etag: string; versionId?: string }): string {
  const camera = cameraFromKey(object.key);
  const etag = object.etag.replace(/"/g, '').trim().toLowerCase();
  const identity = `${object.bucket}\n${object.key}\n${etag}${object.versionId ? `\n${object.versionId}` : ''}`;
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, DIGEST_LENGTH);
  return `${camera}-${digest}`;
}

/** The shape every clip id has (also a valid execution name). */
export const CLIP_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?-[0-9a-f]{16}$/;

/**
 * When a clip was recorded, as ISO 8601 UTC: the `captured-at` metadata the gateway sets,
 * when it is a parsable time; else when S3 received the upload.
 */
export function capturedAtFrom(input: { capturedAtMetadata?: string; uploadedAt: string }): string {
  const fromMetadata = parseTime(input.capturedAtMetadata);
  if (fromMetadata) return fromMetadata;
  return parseTime(input.uploadedAt) ?? input.uploadedAt;
}

/** ISO 8601 (or epoch seconds/milliseconds) → ISO 8601 UTC with milliseconds; undefined if unparsable. */
export function parseTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d{9,10}(\.\d+)?$/.test(text)) ms = Number.parseFloat(text) * 1000;
  else if (/^\d{12,13}$/.test(text)) ms = Number.parseInt(text, 10);
  else ms = Date.parse(text);
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (year < 2000 || year > 2200) return undefined;
  return date.toISOString();
}
