/**
 * The S3 objects that make up one clip — its raw upload and everything the render wrote
 * under its media prefix — and what the API does to them: presign for playback, tag with a
 * retention class (evidence hold), delete.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { RETENTION_TAG, type ClipRecord, type RetentionClass } from '../workflows/clip-contract.ts';
import { parseS3Uri, type S3ObjectLocation } from '../workflows/s3-uri.ts';

export type ObjectLocation = S3ObjectLocation;
export { parseS3Uri };

/**
 * The clip's media prefixes (`{camera}/{yyyy}/{mm}/{dd}/{clipId}/` in the media bucket), found
 * from the outputs the catalog recorded: the part of each output key up to `/{clipId}/`.
 * Only prefixes inside the configured media bucket count.
 */
export function mediaPrefixes(clip: ClipRecord, mediaBucket: string): ObjectLocation[] {
  const uris = [clip.hlsMaster, clip.mp4, clip.poster, clip.thumbnails?.prefix, ...(clip.renditions ?? []).map((r) => r.uri)];
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

/** Every object key of the clip: the raw upload plus all objects under its media prefixes. */
export async function listClipObjects(s3: S3Client, clip: ClipRecord, buckets: { uploads: string; media: string }): Promise<ObjectLocation[]> {
  const objects: ObjectLocation[] = [];
  if (clip.source?.bucket === buckets.uploads && clip.source.key) objects.push({ bucket: clip.source.bucket, key: clip.source.key });
  for (const prefix of mediaPrefixes(clip, buckets.media)) {
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: prefix.bucket, Prefix: prefix.key, ContinuationToken }));
      for (const object of page.Contents ?? []) if (object.Key) objects.push({ bucket: prefix.bucket, key: object.Key });
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }
  return objects;
}

async function eachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

/** Set the retention-class tag on every object, keeping the objects' other tags. */
export async function tagRetentionClass(s3: S3Client, objects: ObjectLocation[], retentionClass: RetentionClass): Promise<void> {
  await eachLimited(objects, 8, async ({ bucket, key }) => {
    let tags: Array<{ Key: string; Value: string }> = [];
    try {
      const current = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      tags = (current.TagSet ?? []).filter((t): t is { Key: string; Value: string } => !!t.Key && t.Key !== RETENTION_TAG && t.Value !== undefined);
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') return;
      throw error;
    }
    await s3.send(
      new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [...tags, { Key: RETENTION_TAG, Value: retentionClass }] } }),
    );
  });
}

/** Delete the objects, 1,000 per request per bucket. */
export async function deleteObjects(s3: S3Client, objects: ObjectLocation[]): Promise<number> {
  const byBucket = new Map<string, string[]>();
  for (const o of objects) byBucket.set(o.bucket, [...(byBucket.get(o.bucket) ?? []), o.key]);
  let deleted = 0;
  for (const [bucket, keys] of byBucket) {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      if (result.Errors?.length) {
        const first = result.Errors[0]!;
        throw new Error(`S3 refused to delete ${result.Errors.length} object(s) of the clip, first ${bucket}/${first.Key}: ${first.Code} ${first.Message}. Retry the delete.`);
      }
      deleted += batch.length;
    }
  }
  return deleted;
}

/** A short-lived GET URL for one object, fetched straight from S3. */
export function presignObject(s3: S3Client, location: ObjectLocation, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), { expiresIn: expiresInSeconds });
}

/** The keys of the scrub thumbnails under the clip's thumbnail prefix (at most `max`), in order. */
export async function listThumbnails(s3: S3Client, prefix: ObjectLocation, max = 500): Promise<ObjectLocation[]> {
  const found: ObjectLocation[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: prefix.bucket, Prefix: prefix.key, ContinuationToken, MaxKeys: Math.min(1000, max) }));
    for (const o of page.Contents ?? []) if (o.Key && found.length < max) found.push({ bucket: prefix.bucket, key: o.Key });
    ContinuationToken = page.IsTruncated && found.length < max ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return found.sort((a, b) => a.key.localeCompare(b.key));
}
