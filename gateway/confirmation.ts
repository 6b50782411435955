/**
 * Did S3 confirm the bytes we received? Pure comparisons of what the store answered with the
 * digests taken when the camera's file arrived.
 *
 * - AWS S3 verifies the `x-amz-checksum-sha256` we send (whole object for a single PUT, each
 *   part for a multipart upload) and answers with the checksum it stored: the whole-object
 *   SHA-256, or for multipart the composite `base64(sha256(part digests))-N`.
 * - A store that answers no checksum (s3rver, the local S3, ignores checksum headers) still
 *   returns an ETag that is the MD5 of the bytes it stored; equal to our MD5, it confirms.
 * - Otherwise the object is read back and hashed (see uploader.ts).
 */
import { createHash } from 'node:crypto';
import type { ConfirmationMethod } from './journal.ts';

export interface ReceivedDigests {
  /** Whole file, base64. */
  sha256: string;
  /** Whole file, hex. */
  md5: string;
  /** Multipart uploads: SHA-256 of each part (base64), in order. */
  partSha256?: readonly string[];
}

export interface StoreAnswer {
  checksumSHA256?: string;
  etag?: string;
}

export type Verdict = { outcome: 'confirmed'; by: Exclude<ConfirmationMethod, 'read-back'> } | { outcome: 'mismatch'; detail: string } | { outcome: 'unknown' };

/** S3's composite checksum of a multipart object: SHA-256 of the concatenated part digests, `-N`. */
export function compositeSha256(partSha256: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of partSha256) hash.update(Buffer.from(part, 'base64'));
  return `${hash.digest('base64')}-${partSha256.length}`;
}

export function judgeUpload(received: ReceivedDigests, answer: StoreAnswer): Verdict {
  const checksum = answer.checksumSHA256;
  if (checksum) {
    const [digest, partCount] = checksum.split('-') as [string, string | undefined];
    if (received.partSha256) {
      // Multipart: S3's composite checksum (`…-N`; accepted with or without the suffix).
      const composite = compositeSha256(received.partSha256);
      if (checksum === composite || (partCount === undefined && `${digest}-${received.partSha256.length}` === composite)) return { outcome: 'confirmed', by: 'checksum-sha256' };
      return { outcome: 'mismatch', detail: `S3 stored composite SHA-256 ${checksum}, expected ${composite}` };
    }
    if (partCount !== undefined) return { outcome: 'unknown' };
    return checksum === received.sha256 ? { outcome: 'confirmed', by: 'checksum-sha256' } : { outcome: 'mismatch', detail: `S3 stored SHA-256 ${checksum}, expected ${received.sha256}` };
  }
  const etag = answer.etag?.replace(/"/g, '').toLowerCase();
  if (etag && etag === received.md5.toLowerCase()) return { outcome: 'confirmed', by: 'etag-md5' };
  // A multipart ETag (`…-N`) or an encrypted object's ETag is not an MD5 of the content.
  return { outcome: 'unknown' };
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base·2^(failures-1))].
 * Spreads retries out during an outage and never waits longer than `maxMs`.
 */
export function retryDelayMs(consecutiveFailures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  if (consecutiveFailures <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(consecutiveFailures - 1, 30));
  return Math.floor(random() * ceiling);
}
