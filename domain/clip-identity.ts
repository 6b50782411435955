/**
 * Who a clip belongs to and what it is called (pure). The camera is the first segment of
 * the upload key; the clip id is derived from the object version itself (bucket, key, ETag,
 * version id), so the same upload announced twice gets the same id — and, through the
 * execution name recorded on it (domain/execution-name.ts), the same Step Functions execution — while a second upload to the same key (a camera
 * that reuses `snap.jpg`, or the same bytes uploaded again after their clip was deleted) is
 * a new version and so a new clip that owns its own bytes.
 */
import { createHash } from 'node:crypto';
import { CAMERA_ID_PATTERN } from './clip-contract.ts';
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
 * `front-door-3f9a0c1d2e4b5a69`. At most 57 characters of `[a-z0-9-]`; its execution is
 * named `{camera}-{upload time}-{digest}` (domain/execution-name.ts).
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
