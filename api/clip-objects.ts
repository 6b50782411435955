/**
 * The S3 object versions that make up one clip — its raw upload's version and everything the
 * render wrote under its media prefix — and what the API does to them: presign for playback,
 * hold as evidence (Object Lock legal hold and retention tag), delete.
 */
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ClipRecord, RetentionClass } from '../domain/clip-contract.ts';
import { parseS3Uri, type S3ObjectLocation } from '../domain/s3-uri.ts';
import pLimit from 'p-limit';
import { deleteVersions, listVersionsUnder, setLegalHold, tagVersion, type ObjectVersionRef } from '../tasks/clip-versions.ts';

export type ObjectLocation = S3ObjectLocation;
export { parseS3Uri };

/**
 * The clip's media prefixes (`{camera}/{yyyy}/{mm}/{dd}/{clipId}/` in the media bucket), found
 * from the outputs the catalog recorded: the part of each output key up to `/{clipId}/`.
 * Only prefixes inside the configured media bucket count.
 */
export function mediaPrefixes(clip: ClipRecord, mediaBucket: string): ObjectLocation[] {
  const uris = [clip.hlsMaster, clip.mp4, clip.poster, clip.thumbnails?.prefix, clip.sprite?.uri, ...(clip.renditions ?? []).map((r) => r.uri)];
  const found = new Map<string, ObjectLocation>();
  for (const uri of uris) {
    const location = parseS3Uri(uri);
    if (!location || location.bucket !== mediaBucket) continue;
    const marker = `/${clip.clipId}/`;
    const at = location.key.indexOf(marker);
    if (at < 0) continue;
    const prefix = location.key.slice(0, at + marker.length);
    found.set(prefix, { bucket: location.bucket, key: prefix });
  }
  return [...found.values()];
}

/**
 * Every object version the clip owns: the version of the raw upload it was made from, plus all
 * versions under its media prefixes. A clip cataloged before versioning has no source version:
 * its raw object is named by key alone.
 */
export async function listClipObjects(s3: S3Client, clip: ClipRecord, buckets: { uploads: string; media: string }): Promise<ObjectVersionRef[]> {
  const objects: ObjectVersionRef[] = [];
  if (clip.source?.bucket === buckets.uploads && clip.source.key) {
    objects.push({ bucket: clip.source.bucket, key: clip.source.key, ...(clip.source.versionId ? { versionId: clip.source.versionId } : {}) });
  }
  for (const prefix of mediaPrefixes(clip, buckets.media)) objects.push(...(await listVersionsUnder(s3, prefix.bucket, prefix.key)));
  return objects;
}

/** Set the retention-class tag on every version, keeping the versions' other tags. */
export async function tagRetentionClass(s3: S3Client, objects: ObjectVersionRef[], retentionClass: RetentionClass): Promise<void> {
  await pLimit(8).map(objects, (version) => tagVersion(s3, version, retentionClass));
}

/** Put every version under an S3 Object Lock legal hold (`on`), or release them all. */
export async function setLegalHolds(s3: S3Client, objects: ObjectVersionRef[], on: boolean): Promise<void> {
  await pLimit(8).map(objects, (version) => setLegalHold(s3, version, on));
}

/** Delete every version for good; S3 refuses (AccessDenied) any version still under a legal hold. */
export const deleteObjects = deleteVersions;

/** A short-lived GET URL for one object (of one version when given), fetched straight from S3. */
export function presignObject(s3: S3Client, location: ObjectLocation & { versionId?: string }, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: location.bucket, Key: location.key, VersionId: location.versionId }), { expiresIn: expiresInSeconds });
}

/** The keys of the scrub thumbnails under the clip's thumbnail prefix (at most `max`), in order. */
export async function listThumbnails(s3: S3Client, prefix: ObjectLocation, max = 500): Promise<ObjectLocation[]> {
  const found: ObjectLocation[] = [];
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: Math.min(1000, max) }, { Bucket: prefix.bucket, Prefix: prefix.key })) {
    for (const o of page.Contents ?? []) if (o.Key && found.length < max) found.push({ bucket: prefix.bucket, key: o.Key });
    if (found.length >= max) break;
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}
