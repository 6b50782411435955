/**
 * Takes spooled files to S3, oldest first, a few at a time, and tells the spool only once
 * S3 has confirmed the bytes (confirmation.ts). Large files go up as multipart uploads, each
 * part streamed from disk (multipart.ts): memory does not grow with file or part size. When S3 is
 * unreachable, every new attempt waits an exponential, fully jittered delay capped at
 * `retryMaxSeconds`, one probe at a time, for as long as the outage lasts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@aws-lambda-powertools/logger';
import { uploadMultipart } from './multipart.ts';
import { judgeUpload, retryDelayMs, type StoreAnswer } from './confirmation.ts';
import type { ConfirmationMethod, SpooledFile } from './journal.ts';
import { partDigestsOfFile, type Spool } from './spool.ts';
import type { GatewayAws } from './aws-settings.ts';
import type { GatewayStatus } from './status.ts';

export class UploadNotConfirmed extends Error {
  override name = 'UploadNotConfirmed';
}

export interface UploaderOptions {
  spool: Spool;
  bucket: string;
  concurrency: number;
  multipartThresholdBytes: number;
  partSizeBytes: number;
  queueSize: number;
  retryBaseMs: number;
  retryMaxMs: number;
  verify: 'auto' | 'read-back';
  logger: Logger;
  status: GatewayStatus;
  /** Where and as whom to reach S3 (aws-settings.ts). */
  s3: GatewayAws['s3'];
}

/**
 * The S3 part of the AWS SDK, loaded at the first upload: a gateway that has had nothing to
 * send since it started does not hold it in memory (README, "The gateway", Measured).
 */
export const loadS3Sdk = () => import('@aws-sdk/client-s3');

/**
 * The gateway's S3 client, from its connection settings (endpoint, region, credentials: on a
 * box, the standard AWS variables). Checksums are sent because every request names them (a precomputed
 * SHA-256 on PUT, `ChecksumAlgorithm: SHA256` on parts), not by the SDK's default trailer,
 * which S3-compatible stores like s3rver mishandle. Retries are the uploader's, not the SDK's:
 * a file stream cannot be replayed by the SDK.
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

function metadataOf(file: SpooledFile): Record<string, string> {
  return {
    'captured-at': file.capturedAt,
    'captured-at-source': file.capturedAtSource,
    camera: file.camera,
    'received-at': file.receivedAt,
    'original-name': encodeURIComponent(file.cameraPath).slice(0, 1024),
    ...(file.remuxedFrom ? { 'remuxed-from': file.remuxedFrom } : {}),
    // The workflow quarantines a .dav/.h264 it cannot read; this says why it was not remuxed.
    ...(file.remuxFailed ? { 'gateway-remux-failed': encodeURIComponent(file.remuxFailed).slice(0, 1024) } : {}),
  };
}

interface InFlight {
  key: string;
  promise: Promise<void>;
  abort: AbortController;
}

export class Uploader {
  private running = false;
  private readonly inFlight = new Map<string, InFlight>();
  private consecutiveFailures = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly attempts = new Map<string, number>();
  private readonly confirming = new Set<Promise<unknown>>();
  private readonly onReceived = () => this.pump();
  /** Made at the first upload (the SDK is loaded then), closed by stop(). */
  private client: Promise<S3Client> | undefined;

  constructor(private readonly options: UploaderOptions) {}

  start(): void {
    this.running = true;
    this.options.spool.on('received', this.onReceived);
    this.pump();
  }

  /** Stops starting uploads, aborts those in progress (they stay in the spool) and waits for them. */
  async stop(): Promise<void> {
    this.running = false;
    this.options.spool.off('received', this.onReceived);
    clearTimeout(this.timer);
    for (const f of this.inFlight.values()) f.abort.abort();
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.promise));
    await Promise.allSettled([...this.confirming]);
    const client = this.client;
    this.client = undefined;
    (await client?.catch(() => undefined))?.destroy();
  }

  private s3(): Promise<S3Client> {
    return (this.client ??= gatewayS3Client(this.options.s3));
  }

  /** Resolves when nothing waits in the spool (tests and the benchmark). */
  async drained(pollMs = 50): Promise<void> {
    while (this.options.spool.waiting().length > 0 || this.confirming.size > 0) await new Promise((r) => setTimeout(r, pollMs));
  }

  private pump(): void {
    if (!this.running) return;
    const now = Date.now();
    if (now < this.pausedUntil) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.pump(), this.pausedUntil - now);
      return;
    }
    // After a failure, one upload probes S3; the others follow once one succeeds.
    const limit = this.consecutiveFailures > 0 ? 1 : this.options.concurrency;
    for (const entry of this.options.spool.waiting()) {
      if (this.inFlight.size >= limit) break;
      if (this.inFlight.has(entry.file.id)) continue;
      // A complete copy that replaces one being sent waits for it (same key: the newer must land last).
      if ([...this.inFlight.values()].some((f) => f.key === entry.file.key)) continue;
      if (!this.options.spool.uploadStarted(entry.file.id)) continue;
      this.begin(entry.file);
    }
  }

  private begin(queued: SpooledFile): void {
    let file = queued;
    const abort = new AbortController();
    const attempt = (this.attempts.get(file.id) ?? 0) + 1;
    this.attempts.set(file.id, attempt);
    this.options.status.update((s) => s.uploading.push({ key: file.key, size: file.size, bytesSent: 0, attempt }));
    const promise = (async () => {
      try {
        // .dav/.h264: remuxed to MP4 first (the key then ends .mp4).
        file = await this.options.spool.prepareForUpload(file);
        const confirmation = await this.upload(file, abort.signal);
        // The spool marks the file confirmed at once (it leaves the queue), then journals it and
        // removes the copy; the upload slot is free meanwhile.
        const confirming = this.options.spool
          .confirm(file.id, confirmation)
          .catch((error: Error) =>
            this.options.logger.error('Recording a confirmation failed; the file will be uploaded again after a restart', { key: file.key, error: { name: error.name, message: error.message } }),
          );
        this.confirming.add(confirming);
        void confirming.finally(() => this.confirming.delete(confirming));
        this.consecutiveFailures = 0;
        this.pausedUntil = 0;
        this.attempts.delete(file.id);
        const at = new Date().toISOString();
        this.options.logger.info('Uploaded and confirmed by S3', { key: file.key, size: file.size, confirmedBy: confirmation.confirmedBy, attempt });
        this.options.status.update((s) => {
          s.lastSuccess = { key: file.key, at, size: file.size, confirmedBy: confirmation.confirmedBy };
          s.retry = { consecutiveFailures: 0 };
          s.totals.uploaded++;
          s.totals.uploadedBytes += file.size;
        });
      } catch (caught) {
        if (!this.running && abort.signal.aborted) return;
        const error = caught instanceof Error ? caught : new Error(String(caught));
        this.consecutiveFailures++;
        const delay = retryDelayMs(this.consecutiveFailures, this.options.retryBaseMs, this.options.retryMaxMs);
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
        const at = new Date().toISOString();
        const level = this.consecutiveFailures >= 5 ? 'error' : 'warn';
        this.options.logger[level]('Upload failed; the file stays in the spool and will be retried', {
          key: file.key,
          attempt,
          consecutiveFailures: this.consecutiveFailures,
          retryInMs: delay,
          error: { name: error.name, message: error.message },
        });
        this.options.status.update((s) => {
          s.lastError = { name: error.name, message: error.message || String(error), at, key: file.key };
          s.retry = { consecutiveFailures: this.consecutiveFailures, nextAttemptAt: new Date(this.pausedUntil).toISOString() };
          s.totals.failures++;
        });
      }
    })();
    this.inFlight.set(file.id, { key: file.key, promise, abort });
    void promise.finally(() => {
      this.inFlight.delete(file.id);
      this.options.spool.uploadEnded(file.id);
      this.options.status.update((s) => {
        s.uploading = s.uploading.filter((u) => u.key !== file.key && u.key !== queued.key);
        s.spool = this.options.spool.usage();
      });
      this.pump();
    });
  }

  private progress(file: SpooledFile, bytesSent: number): void {
    this.options.status.update((s) => {
      const u = s.uploading.find((x) => x.key === file.key);
      if (u) u.bytesSent = bytesSent;
    });
  }

  /** One attempt: upload, then confirm. Throws when S3 did not take or did not confirm the bytes. */
  private async upload(file: SpooledFile, signal: AbortSignal): Promise<{ confirmedBy: ConfirmationMethod; etag?: string; checksumSHA256?: string }> {
    const client = await this.s3();
    const path = this.options.spool.pathOf(file);
    const common = { Bucket: this.options.bucket, Key: file.key, ContentType: file.contentType, Metadata: metadataOf(file) };
    let answer: StoreAnswer;
    let partSha256: string[] | undefined;
    // Above the threshold: multipart, with the part digests taken when the file arrived.
    const parts = file.size > this.options.multipartThresholdBytes ? (file.parts ?? (await partDigestsOfFile(path, this.options.partSizeBytes))) : undefined;
    if (!parts) {
      const { PutObjectCommand } = await loadS3Sdk();
      const body = createReadStream(path);
      try {
        const result = await client.send(
          new PutObjectCommand({ ...common, Body: body, ContentLength: file.size, ChecksumSHA256: file.sha256, ContentMD5: Buffer.from(file.md5, 'hex').toString('base64') }),
          { abortSignal: signal },
        );
        answer = { checksumSHA256: result.ChecksumSHA256, etag: result.ETag };
      } finally {
        body.destroy();
      }
    } else {
      partSha256 = parts.sha256;
      answer = await uploadMultipart(client, common, { path, size: file.size, parts }, { queueSize: this.options.queueSize, signal, onProgress: (sent) => this.progress(file, sent) });
    }
    const verdict = this.options.verify === 'read-back' ? ({ outcome: 'unknown' } as const) : judgeUpload({ sha256: file.sha256, md5: file.md5, ...(partSha256 ? { partSha256 } : {}) }, answer);
    if (verdict.outcome === 'mismatch') throw new UploadNotConfirmed(`S3 stored different bytes for ${file.key}: ${verdict.detail}. Uploading again.`);
    const etag = answer.etag?.replace(/"/g, '');
    if (verdict.outcome === 'confirmed') return { confirmedBy: verdict.by, ...(etag ? { etag } : {}), ...(answer.checksumSHA256 ? { checksumSHA256: answer.checksumSHA256 } : {}) };
    await this.readBack(file, signal);
    return { confirmedBy: 'read-back', ...(etag ? { etag } : {}) };
  }

  /** Reads the object back and compares its SHA-256 with the bytes received. */
  private async readBack(file: SpooledFile, signal: AbortSignal): Promise<void> {
    const { GetObjectCommand } = await loadS3Sdk();
    const object = await (await this.s3()).send(new GetObjectCommand({ Bucket: this.options.bucket, Key: file.key }), { abortSignal: signal });
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of object.Body as Readable) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const sha256 = hash.digest('base64');
    if (sha256 !== file.sha256 || size !== file.size) {
      throw new UploadNotConfirmed(`Reading ${file.key} back gave ${size} bytes with SHA-256 ${sha256}; received ${file.size} bytes with ${file.sha256}. Uploading again.`);
    }
  }
}
