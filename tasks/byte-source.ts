/**
 * Where the bytes of an upload come from when it is probed: a local file (`camflow plan`)
 * or an S3 object read by ranges (the "Validate clip" task — only the parts the probe asks
 * for are fetched, never the whole clip).
 */
import { open, stat } from 'node:fs/promises';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ClipNotFound, StorageUnavailable, isNotFound, storageCall } from '../domain/errors.ts';

export interface ByteSource {
  /** Total size in bytes. */
  size: number;
  /** Up to `length` bytes starting at `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** The S3 object metadata key a camera/gateway sets to say when the clip was recorded. */
export const CAPTURED_AT_METADATA = 'captured-at';
/** Set by the gateway on a `.dav`/`.h264` it could not remux to MP4: why (URI-encoded). */
export const GATEWAY_REMUX_FAILED_METADATA = 'gateway-remux-failed';

/** An upload in S3, with what HeadObject said about it. */
export interface S3ObjectSource extends ByteSource {
  bucket: string;
  key: string;
  /** Without quotes. Every range read is pinned to it (If-Match). */
  etag: string;
  contentType?: string;
  /** ISO 8601. */
  lastModified?: string;
  /** User metadata (`x-amz-meta-*`), keys lowercased, without the prefix. */
  metadata: Record<string, string>;
  /** The raw `captured-at` metadata value, if the uploader set one. */
  capturedAt?: string;
}

export async function fileByteSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    size,
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      if (want === 0) return new Uint8Array(0);
      const handle = await open(path, 'r');
      try {
        const buffer = new Uint8Array(want);
        const { bytesRead } = await handle.read(buffer, 0, want, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

/** The object's bytes over range reads: of `versionId` when given (the clip's own version), else of the current one. */
export async function s3ByteSource(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<S3ObjectSource> {
  const VersionId = versionId || undefined;
  const head = await storageCall(`Reading s3://${bucket}/${key}`, () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId }))).catch((error: unknown) => {
    if (isNotFound(error)) throw new ClipNotFound(bucket, key, { cause: error });
    throw error;
  });
  const size = head.ContentLength ?? 0;
  const etag = (head.ETag ?? '').replace(/"/g, '');
  const metadata = Object.fromEntries(Object.entries(head.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    bucket,
    key,
    etag,
    size,
    contentType: head.ContentType,
    lastModified: head.LastModified?.toISOString(),
    metadata,
    capturedAt: metadata[CAPTURED_AT_METADATA],
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      if (want === 0) return new Uint8Array(0);
      const range = `bytes=${offset}-${offset + want - 1}`;
      try {
        const object = await storageCall(`Reading ${range} of s3://${bucket}/${key}`, () =>
          s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId, Range: range, IfMatch: etag ? `"${etag}"` : undefined })),
        );
        if (!object.Body) throw new StorageUnavailable(`Reading ${range} of s3://${bucket}/${key}`, { cause: new Error('empty response body') });
        return await object.Body.transformToByteArray();
      } catch (error) {
        if (isNotFound(error)) throw new ClipNotFound(bucket, key, { cause: error });
        if ((error as { name?: string })?.name === 'PreconditionFailed') {
          // Replaced while being read: the new object has its own event and execution.
          throw new ClipNotFound(bucket, key, { cause: error });
        }
        throw error;
      }
    },
  };
}
