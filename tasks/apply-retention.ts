/**
 * "Apply retention": tag the clip's own raw upload version and every version under its media
 * prefix with its retention class (`retention-class=<class>`); the buckets' lifecycle rules do
 * the tiering and expiry. The class is the camera's (default env `DEFAULT_RETENTION_CLASS`,
 * else `standard`), or `hold` when the clip is held as evidence — then every version is also
 * put under an S3 Object Lock legal hold, so nothing can delete it. Other tags are kept.
 *
 * Input: `TaskEvent`. Output: `RetentionResult`.
 */
import { keys } from '../domain/catalog-table.ts';
import { type ClipRecord, type RetentionClass, type RetentionResult, type TaskEvent } from '../domain/clip-contract.ts';
import { cameraSettings } from '../domain/camera-settings.ts';
import { getCameraRecord, getItem, updateItem } from './catalog-store.ts';
import pLimit from 'p-limit';
import { listVersionsUnder, setLegalHold, tagVersion, type ObjectVersionRef } from './clip-versions.ts';
import { ClipNotFound, isConditionFailed, storageCall } from '../domain/errors.ts';
import { logger, runClipTask } from './observability.ts';
import { lambdaHandler, type TaskDependencies } from './dependencies.ts';
import { parseS3Uri, type S3ObjectLocation } from '../domain/s3-uri.ts';

/** Objects tagged at the same time. */
const CONCURRENCY = 8;

export const createHandler =
  (deps: TaskDependencies) =>
  (event: TaskEvent): Promise<RetentionResult> =>
    runClipTask(deps, 'apply-retention', event, () => applyRetention(deps, event));

export const handler = lambdaHandler(createHandler);

export async function applyRetention(deps: Pick<TaskDependencies, 's3' | 'catalog' | 'tableName' | 'cameraDefaults'>, event: TaskEvent): Promise<RetentionResult> {
  const { clip, validation } = event.workflow;
  const [clipItem, cameraRecord] = await Promise.all([getItem<Partial<ClipRecord>>(deps, keys.clip(clip.clipId), `Reading clip ${clip.clipId}`), getCameraRecord(deps, clip.camera)]);
  const retentionClass: RetentionClass = clipItem?.held ? 'hold' : cameraSettings(clip.camera, cameraRecord, deps.cameraDefaults).retentionClass;

  const raw: ObjectVersionRef = { bucket: clip.bucket, key: clip.key, ...(clip.versionId ? { versionId: clip.versionId } : {}) };
  const outputs: ObjectVersionRef[] = [];
  if (validation?.mediaPrefix) {
    const { bucket, key: prefix } = requireS3Uri(validation.mediaPrefix);
    outputs.push(...(await storageCall(`Listing s3://${bucket}/${prefix}`, () => listVersionsUnder(deps.s3, bucket, prefix))));
  }
  const hold = retentionClass === 'hold';
  await pLimit(CONCURRENCY).map([raw, ...outputs], async (version) => {
    const where = `s3://${version.bucket}/${version.key}`;
    // Held first: a version is never tagged `hold` without being locked.
    const present =
      (!hold || (await storageCall(`Holding ${where}`, () => setLegalHold(deps.s3, version, true)))) && (await storageCall(`Tagging ${where}`, () => tagVersion(deps.s3, version, retentionClass)));
    // The raw upload must be there; an output gone a moment ago (deleted by an operator) is not an error.
    if (!present && version === raw) throw new ClipNotFound(clip.bucket, clip.key);
  });

  try {
    await updateItem(deps, keys.clip(clip.clipId), { set: { retentionClass }, condition: 'attribute_exists(pk)' }, `Recording the retention class of clip ${clip.clipId}`);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    logger.warn('Clip has no catalog item; retention tags applied to its objects only');
  }
  const taggedObjects = 1 + outputs.length;
  logger.info('Retention applied', { retentionClass, taggedObjects, legalHold: hold });
  return { retentionClass, taggedObjects };
}

export function requireS3Uri(uri: string): S3ObjectLocation {
  const location = parseS3Uri(uri);
  if (!location) throw new TypeError(`'${uri}' is not an s3://bucket/key URI`);
  return location;
}
