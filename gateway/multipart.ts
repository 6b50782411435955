/**
 * Multipart upload of a spooled file, each part streamed from its byte range on disk.
 *
 * Why not lib-storage's Upload: it reads the body into part-sized Buffers (and concatenates
 * them), so memory grows with partSize × (queueSize + 2) plus garbage — measured 159–197 MB
 * peak RSS for the gateway process with 5–8 MiB parts (bench/gateway.ts, 300 MiB file), over
 * the 150 MB budget of a Raspberry Pi class box. Streaming each part from disk needs no part
 * buffer at all, and each part's SHA-256 is already known (taken while the file arrived), so
 * it is sent as `x-amz-checksum-sha256` without hashing the file again; S3 verifies every part
 * and returns the composite checksum, which confirmation.ts compares.
 */
import { createReadStream } from 'node:fs';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';

export interface MultipartFile {
  path: string;
  size: number;
  parts: { partSize: number; sha256: string[] };
}

export interface MultipartOptions {
  /** Parts in flight at once. */
  queueSize: number;
  signal: AbortSignal;
  onProgress?: (bytesSent: number) => void;
  /** Attempts per part before the whole upload fails (and the uploader retries the file). */
  partAttempts?: number;
}

export async function uploadMultipart(
  client: S3Client,
  object: { Bucket: string; Key: string; ContentType: string; Metadata: Record<string, string> },
  file: MultipartFile,
  options: MultipartOptions,
): Promise<{ etag?: string; checksumSHA256?: string }> {
  const { partSize, sha256 } = file.parts;
  if (Math.ceil(file.size / partSize) !== sha256.length) throw new Error(`Part digests (${sha256.length}) do not match ${file.size} bytes in ${partSize}-byte parts.`);
  const abortSignal = options.signal;
  // Loaded here, not at the top: only the S3 sender process loads the S3 SDK (s3-sender.ts).
  const { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } = await import('@aws-sdk/client-s3');
  const created = await client.send(new CreateMultipartUploadCommand({ ...object, ChecksumAlgorithm: 'SHA256' }), { abortSignal });
  const uploadId = created.UploadId!;
  const completed = new Array<CompletedPart>(sha256.length);
  let next = 0;
  let sent = 0;

  const sendPart = async (index: number): Promise<void> => {
    const start = index * partSize;
    const end = Math.min(file.size, start + partSize);
    for (let attempt = 1; ; attempt++) {
      const body = createReadStream(file.path, { start, end: end - 1, highWaterMark: 256 * 1024 });
      try {
        const result = await client.send(
          new UploadPartCommand({ Bucket: object.Bucket, Key: object.Key, UploadId: uploadId, PartNumber: index + 1, Body: body, ContentLength: end - start, ChecksumSHA256: sha256[index] }),
          { abortSignal },
        );
        completed[index] = { PartNumber: index + 1, ETag: result.ETag, ChecksumSHA256: result.ChecksumSHA256 ?? sha256[index] };
        sent += end - start;
        options.onProgress?.(sent);
        return;
      } catch (error) {
        if (abortSignal.aborted || attempt >= (options.partAttempts ?? 3)) throw error;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      } finally {
        body.destroy();
      }
    }
  };

  const worker = async () => {
    for (let index = next++; index < sha256.length; index = next++) await sendPart(index);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.queueSize, sha256.length)) }, worker));
  const result = await client.send(new CompleteMultipartUploadCommand({ Bucket: object.Bucket, Key: object.Key, UploadId: uploadId, MultipartUpload: { Parts: completed } }), { abortSignal });
  return { ...(result.ETag ? { etag: result.ETag } : {}), ...(result.ChecksumSHA256 ? { checksumSHA256: result.ChecksumSHA256 } : {}) };
}
