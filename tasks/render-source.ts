/**
 * The bytes a clip is rendered from must be the clip's own version of its upload. MediaConvert
 * reads an input by `s3://bucket/key` only — it takes no version id — so when the key was
 * overwritten after the clip's upload (a camera that reuses `snap.mp4`), the render would make
 * another clip's footage. Then the clip's version is copied under its own media prefix
 * (`{mediaPrefix}source/{file}`, held, tagged and deleted with the clip's other outputs) and the
 * job reads that copy instead.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ClipWorkflowInput } from '../domain/clip-contract.ts';
import { parseS3Uri } from '../domain/s3-uri.ts';

/**
 * The `s3://` URI the render should read: the upload's key while its current version is the
 * clip's, else a copy of the clip's version under `mediaPrefix`.
 */
export async function renderSourceFor(s3: S3Client, clip: ClipWorkflowInput['clip'], mediaPrefix: string): Promise<string> {
  const uploaded = `s3://${clip.bucket}/${clip.key}`;
  if (!clip.versionId) return uploaded;
  let currentVersion: string | undefined;
  try {
    currentVersion = (await s3.send(new HeadObjectCommand({ Bucket: clip.bucket, Key: clip.key }))).VersionId;
  } catch (error) {
    // A delete marker hides the key: the clip's version is still there, and must be copied.
    if ((error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode !== 404) throw error;
  }
  if (currentVersion === clip.versionId) return uploaded;
  const target = parseS3Uri(mediaPrefix);
  if (!target) throw new TypeError(`'${mediaPrefix}' is not an s3://bucket/prefix URI`);
  const key = `${target.key}source/${clip.key.slice(clip.key.lastIndexOf('/') + 1)}`;
  const original = await s3.send(new GetObjectCommand({ Bucket: clip.bucket, Key: clip.key, VersionId: clip.versionId }));
  await new Upload({ client: s3, params: { Bucket: target.bucket, Key: key, Body: original.Body as NodeJS.ReadableStream as never, ContentType: original.ContentType } }).done();
  return `s3://${target.bucket}/${key}`;
}
