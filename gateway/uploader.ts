/**
 * Takes spooled files to S3, oldest first, a few at a time, and tells the spool only once
 * S3 has confirmed the bytes (confirmation.ts). Large files go up as multipart uploads, each
 * part streamed from disk (multipart.ts): memory does not grow with file or part size. When S3 is
 * unreachable, every new attempt waits an exponential, fully jittered delay capped at
 * `retryMaxSeconds`, one probe at a time, for as long as the outage lasts. The S3 requests
 * themselves run in the S3 sender process (s3-sender.ts, s3-upload.ts): this process keeps the
 * queue, the retries and the spool, and never loads the S3 SDK.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { retryDelayMs } from './confirmation.ts';
import type { SpooledFile } from './journal.ts';
import type { GatewayLogLevel } from './logger.ts';
import { S3Sender, type SenderProgram } from './s3-sender.ts';
import type { UploadConfirmation } from './s3-upload.ts';
import { partDigestsOfFile, type Spool } from './spool.ts';
import type { GatewayAws } from './aws-settings.ts';
import type { GatewayStatus } from './status.ts';

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
  /** The S3 sender process logs at this level. */
  logLevel: GatewayLogLevel;
  status: GatewayStatus;
  /** Where and as whom to reach S3 (aws-settings.ts); passed to the S3 sender process. */
  s3: GatewayAws['s3'];
  /** The S3 sender process ends after this long with nothing to send. */
  senderIdleMs: number;
  /** What the S3 sender process runs (default: s3-sender.ts, defaultSenderProgram). */
  senderProgram?: SenderProgram;
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
  private readonly onReceiving = () => this.sender.warm();
  /** Where the S3 requests run: a process of its own, started when there is something to send (s3-sender.ts). */
  readonly sender: S3Sender;

  constructor(private readonly options: UploaderOptions) {
    this.sender = new S3Sender({
      s3: options.s3,
      idleMs: options.senderIdleMs,
      logLevel: options.logLevel,
      logger: options.logger,
      ...(options.senderProgram ? { program: options.senderProgram } : {}),
    });
  }

  start(): void {
    this.running = true;
    this.options.spool.on('received', this.onReceived);
    this.options.spool.on('receiving', this.onReceiving);
    this.pump();
  }

  /** Stops starting uploads, aborts those in progress (they stay in the spool) and waits for them. */
  async stop(): Promise<void> {
    this.running = false;
    this.options.spool.off('received', this.onReceived);
    this.options.spool.off('receiving', this.onReceiving);
    clearTimeout(this.timer);
    for (const f of this.inFlight.values()) f.abort.abort();
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.promise));
    await Promise.allSettled([...this.confirming]);
    await this.sender.close();
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

  /** One attempt, in the S3 sender process: upload, then confirm. Throws when S3 did not take or did not confirm the bytes. */
  private async upload(file: SpooledFile, signal: AbortSignal): Promise<UploadConfirmation> {
    const path = this.options.spool.pathOf(file);
    // Above the threshold: multipart, with the part digests taken when the file arrived.
    const parts = file.size > this.options.multipartThresholdBytes ? (file.parts ?? (await partDigestsOfFile(path, this.options.partSizeBytes))) : undefined;
    const request = {
      bucket: this.options.bucket,
      key: file.key,
      contentType: file.contentType,
      metadata: metadataOf(file),
      path,
      size: file.size,
      sha256: file.sha256,
      md5: file.md5,
      ...(parts ? { parts } : {}),
      queueSize: this.options.queueSize,
      verify: this.options.verify,
    };
    return this.sender.send(request, signal, (sent) => this.progress(file, sent));
  }
}
