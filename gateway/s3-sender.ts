/**
 * The gateway's side of its S3 sender process (s3-sender-process.ts): the uploader hands each
 * attempt here, and it runs in a node process of its own that comes when there is something to
 * send (already when a camera starts a file: `warm()`) and goes once nothing was sent for
 * `upload.senderIdleSeconds`. The gateway process never loads the S3 SDK nor runs the HTTP
 * upload path: what a process has touched of node's own code stays in its memory, and the
 * gateway lives for months (README, "The gateway", Measured).
 *
 * The sender is a program of its own, gateway/s3-sender-main.ts: bundled beside the gateway as
 * `camflow-gateway-s3-sender.mjs` (run with the gateway's own node flags), or from a checkout under tsx. Its S3 settings come
 * from the gateway over the IPC channel (never the command line); its JSON log lines go to the
 * same stdout. A sender that dies mid-upload fails those attempts (S3SenderEnded): the files stay
 * in the spool and the uploader sends them again.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { GatewayAws } from './aws-settings.ts';
import type { GatewayLogLevel } from './logger.ts';
import type { UploadConfirmation, UploadRequest } from './s3-upload.ts';

/** The argument the sender is started with: it names the process in `ps`. */
export const S3_SENDER_FLAG = '--s3-sender';

/**
 * The sender's bundle, beside the gateway's (gateway/build.ts). A file of its own, not the
 * gateway's bundle run in another mode: the sender then holds only its own code (the S3 SDK, the
 * upload path, the logger), not the FTP server's, and the gateway's bundle holds no S3 SDK.
 */
export const SENDER_BUNDLE_NAME = 'camflow-gateway-s3-sender.mjs';

/** Gateway → sender. */
export type FromGateway = { type: 'settings'; s3: GatewayAws['s3']; logLevel: GatewayLogLevel } | { type: 'upload'; id: number; request: UploadRequest } | { type: 'abort'; id: number };

/** Sender → gateway. */
export type ToGateway =
  | { type: 'ready' }
  | { type: 'progress'; id: number; bytesSent: number }
  | { type: 'done'; id: number; confirmation: UploadConfirmation }
  | { type: 'failed'; id: number; error: { name: string; message: string } };

/** The sender process ended (killed, crashed, out of memory) before S3 answered: the file is sent again. */
export class S3SenderEnded extends Error {
  override name = 'S3SenderEnded';
}

/** The sender's error, under its own name (UploadNotConfirmed, TimeoutError, …). */
export class S3SendFailed extends Error {
  constructor(error: { name: string; message: string }) {
    super(error.message);
    this.name = error.name;
  }
}

/** The S3 settings cannot be passed to the sender process (a credentials provider function, not keys). */
export class S3SettingsNotSendable extends Error {
  override name = 'S3SettingsNotSendable';
}

/** The S3 settings as plain data for the IPC channel: an endpoint URL, a region, static keys. */
export function sendableS3Settings(s3: GatewayAws['s3']): GatewayAws['s3'] {
  const { endpoint, region, credentials } = s3;
  const fix = 'give an endpoint URL, a region name and static keys, or leave them out for the standard AWS chain';
  if (endpoint !== undefined && typeof endpoint !== 'string') throw new S3SettingsNotSendable(`The S3 endpoint must be a URL string for the S3 sender process: ${fix}.`);
  if (region !== undefined && typeof region !== 'string') throw new S3SettingsNotSendable(`The S3 region must be a name for the S3 sender process: ${fix}.`);
  if (credentials !== undefined && (typeof credentials !== 'object' || typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string')) {
    throw new S3SettingsNotSendable(`The S3 credentials must be keys for the S3 sender process: ${fix}.`);
  }
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(credentials
      ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}) } }
      : {}),
  };
}

/** The program a sender process runs: a script and node's flags for it. */
export interface SenderProgram {
  entry: string;
  execArgv: string[];
}

/**
 * How to start the sender: its bundle beside the gateway's, with the gateway's node flags, or
 * from a checkout s3-sender-main.ts under tsx.
 */
function defaultSenderProgram(): SenderProgram {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: join(dirname(fileURLToPath(here)), SENDER_BUNDLE_NAME), execArgv: process.execArgv };
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { entry: fileURLToPath(new URL('./s3-sender-main.ts', here)), execArgv: ['--import', tsx] };
}

export interface S3SenderOptions {
  s3: GatewayAws['s3'];
  /** The sender process ends after this long with nothing to send. */
  idleMs: number;
  logLevel: GatewayLogLevel;
  logger: Logger;
  /** Default: defaultSenderProgram(). The tests start the sender bundled once per run (integ-tests/gateway-sender-bundle.ts). */
  program?: SenderProgram;
}

interface SenderProcess {
  child: ChildProcess;
  ready: boolean;
  /** Sent once the sender said it listens. */
  queue: FromGateway[];
  ended: Promise<void>;
}

interface Attempt {
  sender: SenderProcess;
  key: string;
  resolve(confirmation: UploadConfirmation): void;
  reject(error: Error): void;
  onProgress?: (bytesSent: number) => void;
}

export class S3Sender {
  private current: SenderProcess | undefined;
  private readonly attempts = new Map<number, Attempt>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly settings: GatewayAws['s3'];
  /** Sender processes started so far (tests, benchmark). */
  started = 0;

  constructor(private readonly options: S3SenderOptions) {
    this.settings = sendableS3Settings(options.s3);
  }

  /** The running sender's process id, if one runs. */
  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  /** A file is on its way: start the sender now, so that it is ready when the file is complete. */
  warm(): void {
    if (this.closed || this.current) return;
    this.processNow();
    this.armIdleTimer();
  }

  /** One attempt at sending a spooled file, in the sender process. */
  send(request: UploadRequest, signal: AbortSignal, onProgress?: (bytesSent: number) => void): Promise<UploadConfirmation> {
    if (this.closed) return Promise.reject(new S3SenderEnded('The gateway is stopping: the file stays in the spool.'));
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    clearTimeout(this.idleTimer);
    const sender = this.processNow();
    const id = this.nextId++;
    const done = new Promise<UploadConfirmation>((resolve, reject) => {
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        this.attempts.delete(id);
      };
      const onAbort = () => {
        this.post(sender, { type: 'abort', id });
        settle();
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.attempts.set(id, {
        sender,
        key: request.key,
        resolve: (confirmation) => (settle(), resolve(confirmation)),
        reject: (error) => (settle(), reject(error)),
        ...(onProgress ? { onProgress } : {}),
      });
      this.post(sender, { type: 'upload', id, request });
    });
    // settle() forgot the attempt; with none left, the sender may go idle.
    return done.finally(() => this.armIdleTimer());
  }

  /** Ends the sender process (waits for it; killed after 5 s). Attempts still running fail with S3SenderEnded. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const sender = this.current;
    if (sender) await this.end(sender, 'gateway stopping');
  }

  private processNow(): SenderProcess {
    if (this.current) return this.current;
    const { entry, execArgv } = this.options.program ?? defaultSenderProgram();
    const child = fork(entry, [S3_SENDER_FLAG], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    this.started++;
    const sender: SenderProcess = {
      child,
      ready: false,
      queue: [{ type: 'settings', s3: this.settings, logLevel: this.options.logLevel }],
      ended: new Promise<void>((resolve) => {
        let gone = false;
        const ended = (why: string) => {
          if (gone) return;
          gone = true;
          if (this.current === sender) this.current = undefined;
          for (const attempt of [...this.attempts.values()].filter((a) => a.sender === sender)) {
            attempt.reject(new S3SenderEnded(`The S3 sender process (pid ${child.pid ?? '?'}) ended (${why}) while sending ${attempt.key}; the file stays in the spool and is sent again.`));
          }
          resolve();
        };
        child.once('exit', (code, signal) => ended(signal ? `signal ${signal}` : `exit code ${code}`));
        child.once('error', (error) => {
          this.options.logger.error('The S3 sender process could not be started; files stay in the spool and are retried', { error: { name: error.name, message: error.message } });
          ended(error.message);
        });
      }),
    };
    child.on('message', (message: ToGateway) => this.received(sender, message));
    this.current = sender;
    this.options.logger.debug('S3 sender process started', { pid: child.pid });
    return sender;
  }

  private received(sender: SenderProcess, message: ToGateway): void {
    if (message.type === 'ready') {
      sender.ready = true;
      for (const queued of sender.queue.splice(0)) this.post(sender, queued);
      return;
    }
    const attempt = this.attempts.get(message.id);
    if (!attempt) return;
    if (message.type === 'progress') attempt.onProgress?.(message.bytesSent);
    else if (message.type === 'done') attempt.resolve(message.confirmation);
    else attempt.reject(new S3SendFailed(message.error));
  }

  private post(sender: SenderProcess, message: FromGateway): void {
    if (!sender.ready) sender.queue.push(message);
    else if (sender.child.connected) sender.child.send(message);
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    const sender = this.current;
    if (!sender || this.attempts.size > 0 || this.closed) return;
    this.idleTimer = setTimeout(() => void this.end(sender, 'idle'), this.options.idleMs);
    this.idleTimer.unref();
  }

  /** Disconnects the sender (it ends when its channel closes); kills it if it has not ended 5 s later. */
  private async end(sender: SenderProcess, why: string): Promise<void> {
    if (this.current === sender) this.current = undefined;
    if (sender.child.exitCode === null && sender.child.signalCode === null) {
      this.options.logger.debug('S3 sender process ending', { pid: sender.child.pid, why });
      if (sender.child.connected) sender.child.disconnect();
      const kill = setTimeout(() => sender.child.kill('SIGKILL'), 5_000);
      await sender.ended;
      clearTimeout(kill);
    }
  }
}
