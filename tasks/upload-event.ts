/**
 * The EventBridge "Object Created" event S3 sends for an upload, read into what the clip
 * workflow needs (pure). Shape (detail version 0):
 * `{ "detail-type": "Object Created", "time", "detail": { "bucket": { "name" },
 *   "object": { "key", "size", "etag", "sequencer", "version-id"? }, "reason" } }`.
 */
import type { ClipWorkflowInput } from '../workflows/clip-contract.ts';
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
  /** The key as the event carries it (see `keyCandidates`). */
  eventKey: string;
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
  return { bucket, eventKey: key, size: Number(event.detail?.object?.size ?? 0), etag: String(event.detail?.object?.etag ?? '').replace(/"/g, ''), uploadedAt: time };
}

/**
 * The object keys an event key may stand for, most likely first. S3 event notifications
 * URL-encode keys (a space becomes '+'); EventBridge events are read the same way by
 * Powertools. A key with neither '%' nor '+' means itself; otherwise the decoded key comes
 * first and the literal one second, and the trigger asks S3 which one exists.
 */
export function keyCandidates(eventKey: string): string[] {
  if (!/[%+]/.test(eventKey)) return [eventKey];
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(eventKey.replace(/\+/g, ' '));
  } catch {
    decoded = undefined;
  }
  return decoded && decoded !== eventKey ? [decoded, eventKey] : [eventKey];
}

/** The execution input for an uploaded object (deterministic: same object, same input). Throws `CameraIdInvalid`. */
export function clipWorkflowInput(object: Omit<UploadedObject, 'eventKey'> & { key: string }): ClipWorkflowInput {
  const camera = cameraFromKey(object.key);
  const clipId = clipIdFor({ bucket: object.bucket, key: object.key, etag: object.etag });
  return { clip: { clipId, camera, bucket: object.bucket, key: object.key, size: object.size, etag: object.etag, uploadedAt: object.uploadedAt } };
}
