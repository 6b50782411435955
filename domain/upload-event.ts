/**
 * The EventBridge "Object Created" event S3 sends for an upload, read into what the clip
 * workflow needs (pure). Shape (detail version 0):
 * `{ "detail-type": "Object Created", "time", "detail": { "bucket": { "name" },
 *   "object": { "key", "size", "etag", "sequencer", "version-id"? }, "reason" } }`.
 */
import type { ClipWorkflowInput } from './clip-contract.ts';
import { cameraFromKey, clipIdFor } from './clip-identity.ts';

export interface ObjectCreatedEvent {
  'detail-type'?: string;
  time?: string;
  detail?: {
    bucket?: { name?: string };
    object?: { key?: string; size?: number; etag?: string; sequencer?: string; 'version-id'?: string };
    reason?: string;
  };
}

export interface UploadedObject {
  bucket: string;
  /** The object key, decoded from the event. */
  key: string;
  /** The S3 version the upload created (absent only from an unversioned bucket). */
  versionId?: string;
  size: number;
  etag: string;
  /** ISO 8601: when S3 created the object. */
  uploadedAt: string;
}

export function uploadedObjectFrom(event: ObjectCreatedEvent): UploadedObject {
  const bucket = event.detail?.bucket?.name;
  const key = event.detail?.object?.key;
  if (!bucket || !key) {
    throw new TypeError(`Not an S3 "Object Created" event (detail.bucket.name and detail.object.key are required): ${JSON.stringify(event).slice(0, 300)}`);
  }
  const time = event.time && !Number.isNaN(Date.parse(event.time)) ? new Date(event.time).toISOString() : new Date(0).toISOString();
  const versionId = event.detail?.object?.['version-id'];
  return {
    bucket,
    key: decodeEventKey(key),
    ...(versionId ? { versionId } : {}),
    size: Number(event.detail?.object?.size ?? 0),
    etag: String(event.detail?.object?.etag ?? '').replace(/"/g, ''),
    uploadedAt: time,
  };
}

/**
 * S3 event notifications (and the EventBridge events S3 sends) carry the object key
 * URL-encoded as an HTML form value: a space is `+`, a `+` is `%2B`, a `%` is `%25`, non-ASCII
 * is UTF-8 percent-encoded; `/` stays as it is. Decoded here, once, and nowhere else.
 * Throws `TypeError` for a key that is not validly encoded.
 */
export function decodeEventKey(eventKey: string): string {
  try {
    return decodeURIComponent(eventKey.replace(/\+/g, ' '));
  } catch {
    throw new TypeError(`The event's object key is not URL-encoded as S3 encodes it: ${JSON.stringify(eventKey.slice(0, 200))}`);
  }
}

/** The inverse of `decodeEventKey`: a key as S3 puts it into an event notification. */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, '+')
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/** The execution input for an uploaded object (deterministic: same object, same input). Throws `CameraIdInvalid`. */
export function clipWorkflowInput(object: UploadedObject): ClipWorkflowInput {
  const camera = cameraFromKey(object.key);
  const clipId = clipIdFor(object);
  return {
    clip: {
      clipId,
      camera,
      bucket: object.bucket,
      key: object.key,
      ...(object.versionId ? { versionId: object.versionId } : {}),
      size: object.size,
      etag: object.etag,
      uploadedAt: object.uploadedAt,
    },
  };
}
