/**
 * "Apply retention": tag the raw upload and every output of the clip with its retention
 * class (`retention-class=<class>`); the buckets' lifecycle rules do the tiering and expiry.
 * The class is the camera's (default env `DEFAULT_RETENTION_CLASS`, else `standard`), or
 * `hold` when the clip is held as evidence. Other tags on the objects are kept.
 *
 * Input: `TaskEvent`. Output: `RetentionResult`.
 */
import { GetObjectTaggingCommand, ListObjectsV2Command, PutObjectTaggingCommand, type Tag } from '@aws-sdk/client-s3';
import { keys } from '../workflows/catalog-table.ts';
import { RETENTION_TAG, type ClipRecord, type RetentionClass, type RetentionResult, type TaskEvent } from '../workflows/clip-contract.ts';
import { s3Client } from './aws-clients.ts';
import { cameraSettings } from './camera-settings.ts';
import { getCameraRecord, getItem, updateItem } from './catalog-store.ts';
import { ClipNotFound, isConditionFailed, isNotFound, storageCall } from './errors.ts';
import { logger, runClipTask } from './observability.ts';
import { parseS3Uri, type S3ObjectLocation } from '../workflows/s3-uri.ts';

/** Objects tagged at the same time. */
const CONCURRENCY = 8;

export const handler = (event: TaskEvent): Promise<RetentionResult> => runClipTask('apply-retention', event, () => applyRetention(event));

export async function applyRetention(event: TaskEvent): Promise<RetentionResult> {
  const { clip, validation } = event.workflow;
  const [clipItem, cameraRecord] = await Promise.all([getItem<Partial<ClipRecord>>(keys.clip(clip.clipId), `Reading clip ${clip.clipId}`), getCameraRecord(clip.camera)]);
  const retentionClass: RetentionClass = clipItem?.held ? 'hold' : cameraSettings(clip.camera, cameraRecord).retentionClass;

  const objects: Array<{ bucket: string; key: string; required: boolean }> = [{ bucket: clip.bucket, key: clip.key, required: true }];
  if (validation?.mediaPrefix) {
    const { bucket, key: prefix } = requireS3Uri(validation.mediaPrefix);
    for (const key of await listKeys(bucket, prefix)) objects.push({ bucket, key, required: false });
  }
  await mapWithConcurrency(objects, CONCURRENCY, (o) => tagObject(o.bucket, o.key, retentionClass, o.required));

  try {
    await updateItem(
      keys.clip(clip.clipId),
      { set: { retentionClass }, condition: 'attribute_exists(pk)' },
      `Recording the retention class of clip ${clip.clipId}`,
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    logger.warn('Clip has no catalog item; retention tags applied to its objects only');
  }
  logger.info('Retention applied', { retentionClass, taggedObjects: objects.length });
  return { retentionClass, taggedObjects: objects.length };
}

/** Set `retention-class` on one object, keeping its other tags. */
export async function tagObject(bucket: string, key: string, retentionClass: RetentionClass, required = true): Promise<void> {
  try {
    const current = await storageCall(`Reading the tags of s3://${bucket}/${key}`, () => s3Client().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key })));
    const tags: Tag[] = (current.TagSet ?? []).filter((t) => t.Key !== RETENTION_TAG);
    if ((current.TagSet ?? []).some((t) => t.Key === RETENTION_TAG && t.Value === retentionClass)) return;
    tags.push({ Key: RETENTION_TAG, Value: retentionClass });
    await storageCall(`Tagging s3://${bucket}/${key}`, () => s3Client().send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: tags } })));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (required) throw new ClipNotFound(bucket, key, { cause: error });
    // An output listed a moment ago and gone now (deleted by an operator): nothing to tag.
  }
}

async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await storageCall(`Listing s3://${bucket}/${prefix}`, () =>
      s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
    );
    for (const object of page.Contents ?? []) if (object.Key) found.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

export function requireS3Uri(uri: string): S3ObjectLocation {
  const location = parseS3Uri(uri);
  if (!location) throw new TypeError(`'${uri}' is not an s3://bucket/key URI`);
  return location;
}

async function mapWithConcurrency<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
