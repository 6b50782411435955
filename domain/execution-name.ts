/**
 * The name of a clip's workflow execution (pure): `{camera}-{yyyyMMdd'T'HHmmss'Z'}-{digest}`,
 * e.g. `frontdoor-20261201T143022Z-3f9a0c1d2e4b5a69` — the camera, when S3 received the
 * upload (UTC), and the clip id's digest. The console lists executions by name: they read as
 * camera and time, and sort in time order per camera. Deterministic: the trigger records the
 * name on the clip's catalog item before starting it, and a later event for the same clip (a
 * duplicate, the dead-letter retry, the sweeper) uses that recorded name, so it starts nothing
 * new. At most 74 characters of `[a-z0-9TZ-]`: a valid execution name (≤ 80, `[A-Za-z0-9-_]`).
 */
import { CLIP_ID_PATTERN } from './clip-identity.ts';

const NAME_PATTERN = /^([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)-(\d{8}T\d{6}Z)-([0-9a-f]{16})$/;

/** The execution name of a clip uploaded at `uploadedAt` (ISO 8601). */
export function executionNameFor(clipId: string, uploadedAt: string): string {
  if (!CLIP_ID_PATTERN.test(clipId)) throw new TypeError(`'${clipId}' is not a clip id`);
  const at = new Date(uploadedAt);
  if (!Number.isFinite(at.getTime())) throw new TypeError(`'${uploadedAt}' is not a time`);
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const cut = clipId.lastIndexOf('-');
  return `${clipId.slice(0, cut)}-${stamp}-${clipId.slice(cut + 1)}`;
}

/** The clip id an execution name belongs to: the name itself for executions named by clip id (before issue 11). */
export function clipIdOfExecutionName(name: string): string | undefined {
  const m = NAME_PATTERN.exec(name);
  if (m) return `${m[1]}-${m[3]}`;
  return CLIP_ID_PATTERN.test(name) ? name : undefined;
}
