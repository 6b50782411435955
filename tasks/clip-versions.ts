/**
 * The S3 object versions that make up one clip, and what is done to all of them at once:
 * tag with a retention class, put under or release from an Object Lock legal hold, delete.
 *
 * A clip owns exactly: the version of its raw upload it was made from (`source.versionId`),
 * and every version under its own media prefix (`{camera}/{yyyy}/{mm}/{dd}/{clipId}/`, which
 * no other clip writes to). Nothing here touches a version another clip owns: a camera that
 * uploads `snap.jpg` twice makes two versions, two clips, and neither can delete the other's.
 * The S3 client is passed in: the workflow's tasks and the API use the same code.
 */
import {
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  ListObjectVersionsCommand,
  type ObjectVersion,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { RETENTION_TAG, type RetentionClass } from '../domain/clip-contract.ts';

export interface ObjectVersionRef {
  bucket: string;
  key: string;
  /** Absent only for an object in a bucket without versioning (written before it was enabled). */
  versionId?: string;
}

/**
 * Every page of ListObjectVersions: versions, delete markers excluded. Written by hand: the SDK
 * (@aws-sdk/client-s3 3.1175) has paginators for ListObjectsV2 and ListParts, none for ListObjectVersions.
 */
export async function* objectVersions(s3: S3Client, bucket: string, prefix?: string): AsyncGenerator<ObjectVersion> {
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
    yield* page.Versions ?? [];
    [KeyMarker, VersionIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [undefined, undefined];
  } while (KeyMarker);
}

/** Every version stored under a prefix (one clip's media prefix), delete markers excluded. */
export async function listVersionsUnder(s3: S3Client, bucket: string, prefix: string): Promise<ObjectVersionRef[]> {
  const found: ObjectVersionRef[] = [];
  for await (const version of objectVersions(s3, bucket, prefix)) {
    if (version.Key) found.push({ bucket, key: version.Key, ...(version.VersionId && version.VersionId !== 'null' ? { versionId: version.VersionId } : {}) });
  }
  return found;
}

const isGone = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NoSuchVersion' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Set `retention-class` on one version, keeping its other tags. Returns false when the version
 * is gone (deleted by an operator a moment ago).
 */
export async function tagVersion(s3: S3Client, version: ObjectVersionRef, retentionClass: RetentionClass): Promise<boolean> {
  const target = { Bucket: version.bucket, Key: version.key, VersionId: version.versionId };
  try {
    const current = await s3.send(new GetObjectTaggingCommand(target));
    if ((current.TagSet ?? []).some((t) => t.Key === RETENTION_TAG && t.Value === retentionClass)) return true;
    const tags: Tag[] = (current.TagSet ?? []).filter((t) => t.Key !== RETENTION_TAG);
    tags.push({ Key: RETENTION_TAG, Value: retentionClass });
    await s3.send(new PutObjectTaggingCommand({ ...target, Tagging: { TagSet: tags } }));
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

/**
 * Put one version under an Object Lock legal hold, or release it. While held, S3 refuses to
 * delete the version, whoever asks and whatever the lifecycle rules say. Returns false when
 * the version is gone.
 */
export async function setLegalHold(s3: S3Client, version: ObjectVersionRef, on: boolean): Promise<boolean> {
  try {
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: version.bucket, Key: version.key, VersionId: version.versionId, LegalHold: { Status: on ? 'ON' : 'OFF' } }));
    return true;
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
}

/**
 * Delete versions for good (each by its version id: no delete marker, the bytes are gone).
 * S3 refuses a version under legal hold (`AccessDenied`): that error is thrown, naming it.
 */
export async function deleteVersions(s3: S3Client, versions: ObjectVersionRef[]): Promise<number> {
  let deleted = 0;
  await pLimit(8).map(versions, async (version) => {
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: version.bucket, Key: version.key, VersionId: version.versionId }));
      deleted += 1;
    } catch (error) {
      if (isGone(error)) return;
      throw Object.assign(new Error(`S3 refused to delete s3://${version.bucket}/${version.key} (version ${version.versionId ?? 'null'}): ${(error as Error).name}: ${(error as Error).message}`), {
        name: (error as Error).name,
        cause: error,
      });
    }
  });
  return deleted;
}
