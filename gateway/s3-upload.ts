/**
 * One attempt at sending a spooled file to S3, and S3's confirmation of it: what the S3 sender
 * process (s3-sender.ts) runs for the uploader, which keeps the queue, retries and the spool in
 * the long-lived gateway process. A single PUT with the file's precomputed SHA-256 (and MD5), or
 * a multipart upload streamed from the spool file (multipart.ts); then the store's answer is
 * compared with the digests taken when the file arrived (confirmation.ts) or, when it proves
 * nothing, the object is read back and hashed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { judgeUpload, type StoreAnswer } from './confirmation.ts';
import type { ConfirmationMethod } from './journal.ts';
import { uploadMultipart } from './multipart.ts';
import type { GatewayAws } from './aws-settings.ts';

export class UploadNotConfirmed extends Error {
  override name = 'UploadNotConfirmed';
}

/** What the sender needs to send one file: plain data, sent to the sender process over IPC. */
export interface UploadRequest {
  bucket: string;
  key: string;
  contentType: string;
  metadata: Record<string, string>;
  /** The spool file. */
  path: string;
  size: number;
  /** Whole file: SHA-256 (base64) and MD5 (hex), taken when it arrived. */
  sha256: string;
  md5: string;
  /** Multipart uploads: the part size and each part's SHA-256; absent: one PUT. */
  parts?: { partSize: number; sha256: string[] };
  /** Parts in flight at once. */
  queueSize: number;
  verify: 'auto' | 'read-back';
}

export interface UploadConfirmation {
  confirmedBy: ConfirmationMethod;
  etag?: string;
  checksumSHA256?: string;
}

/** The S3 part of the AWS SDK: loaded only by the sender process. */
const loadS3Sdk = () => import('@aws-sdk/client-s3');

/**
 * The sender's S3 client, from the gateway's connection settings (endpoint, region, credentials:
 * on a box, the standard AWS variables). Checksums are sent because every request names them (a
 * precomputed SHA-256 on PUT, `ChecksumAlgorithm: SHA256` on parts), not by the SDK's default
 * trailer, which S3-compatible stores like s3rver mishandle. Retries are the uploader's, not the
 * SDK's: a file stream cannot be replayed by the SDK.
 */
export async function gatewayS3Client(connection: GatewayAws['s3']): Promise<S3Client> {
  const { S3Client } = await loadS3Sdk();
  return new S3Client({
    ...connection,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    // The SDK would print its own warnings to the console; the uploader logs every failure.
    logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}

/** One attempt: upload, then confirm. Throws when S3 did not take or did not confirm the bytes. */
export async function uploadToS3(client: S3Client, request: UploadRequest, signal: AbortSignal, onProgress?: (bytesSent: number) => void): Promise<UploadConfirmation> {
  const common = { Bucket: request.bucket, Key: request.key, ContentType: request.contentType, Metadata: request.metadata };
  let answer: StoreAnswer;
  if (!request.parts) {
    const { PutObjectCommand } = await loadS3Sdk();
    const body = createReadStream(request.path);
    try {
      const result = await client.send(
        new PutObjectCommand({ ...common, Body: body, ContentLength: request.size, ChecksumSHA256: request.sha256, ContentMD5: Buffer.from(request.md5, 'hex').toString('base64') }),
        { abortSignal: signal },
      );
      answer = { checksumSHA256: result.ChecksumSHA256, etag: result.ETag };
    } finally {
      body.destroy();
    }
  } else {
    answer = await uploadMultipart(client, common, { path: request.path, size: request.size, parts: request.parts }, { queueSize: request.queueSize, signal, ...(onProgress ? { onProgress } : {}) });
  }
  const partSha256 = request.parts?.sha256;
  const verdict = request.verify === 'read-back' ? ({ outcome: 'unknown' } as const) : judgeUpload({ sha256: request.sha256, md5: request.md5, ...(partSha256 ? { partSha256 } : {}) }, answer);
  if (verdict.outcome === 'mismatch') throw new UploadNotConfirmed(`S3 stored different bytes for ${request.key}: ${verdict.detail}. Uploading again.`);
  const etag = answer.etag?.replace(/"/g, '');
  if (verdict.outcome === 'confirmed') return { confirmedBy: verdict.by, ...(etag ? { etag } : {}), ...(answer.checksumSHA256 ? { checksumSHA256: answer.checksumSHA256 } : {}) };
  await readBack(client, request, signal);
  return { confirmedBy: 'read-back', ...(etag ? { etag } : {}) };
}

/** Reads the object back and compares its SHA-256 with the bytes received. */
async function readBack(client: S3Client, request: UploadRequest, signal: AbortSignal): Promise<void> {
  const { GetObjectCommand } = await loadS3Sdk();
  const object = await client.send(new GetObjectCommand({ Bucket: request.bucket, Key: request.key }), { abortSignal: signal });
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.Body as Readable) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const sha256 = hash.digest('base64');
  if (sha256 !== request.sha256 || size !== request.size) {
    throw new UploadNotConfirmed(`Reading ${request.key} back gave ${size} bytes with SHA-256 ${sha256}; received ${request.size} bytes with ${request.sha256}. Uploading again.`);
  }
}
