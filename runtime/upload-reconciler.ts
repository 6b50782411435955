/**
 * Uploads stored while the runtime was stopping (object written, trigger never ran) are not
 * lost: at start, every upload newer than the last reconciliation goes through the trigger
 * again. The trigger is idempotent (execution named by the clip id), so an upload that was
 * already started is only logged as a duplicate.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { objectVersions } from '../tasks/clip-versions.ts';
import type { ObjectCreatedNotice } from './local-s3.ts';

/** Objects modified this long before the last reconciliation are checked again (clock skew, slow writes). */
const OVERLAP_MS = 10 * 60_000;

export async function reconcileUploads(options: { s3: S3Client; bucket: string; dataDirectory: string; start: (notice: ObjectCreatedNotice) => void }): Promise<number> {
  const markerFile = join(options.dataDirectory, 'uploads-reconciled-at');
  let since = 0;
  try {
    since = Date.parse(readFileSync(markerFile, 'utf8').trim()) - OVERLAP_MS;
  } catch {
    since = 0;
  }
  const startedAt = new Date();
  let count = 0;
  // Every version (the bucket is versioned): each upload is its own version, and its own clip.
  for await (const object of objectVersions(options.s3, options.bucket)) {
    if (!object.Key || !object.VersionId || !object.LastModified || object.LastModified.getTime() < since) continue;
    options.start({
      bucket: options.bucket,
      key: object.Key,
      size: object.Size ?? 0,
      etag: (object.ETag ?? '').replace(/"/g, ''),
      versionId: object.VersionId,
      time: object.LastModified.toISOString(),
    });
    count += 1;
  }
  writeFileSync(`${markerFile}.tmp`, startedAt.toISOString());
  renameSync(`${markerFile}.tmp`, markerFile);
  return count;
}
