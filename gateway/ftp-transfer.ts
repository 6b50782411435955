/**
 * One STOR, handled by the gateway itself rather than by ftp-srv: the data connection is piped
 * into a spool ReceiveStream, and every way a transfer can end is accounted for. A transfer
 * that does not end with the data connection closing cleanly — the control connection reset,
 * the data connection reset, no byte for `dataTimeoutSeconds`, ABOR, the spool limit crossed,
 * the gateway stopping — destroys the receive stream: the partial file is deleted and its bytes
 * no longer count against the spool. Only a file fsynced and journaled gets `226`.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SpoolFull, type Spool } from './spool.ts';

/** The transfer was cut on purpose (FTP 426 "Connection closed; transfer aborted"). */
export class TransferAborted extends Error {
  override name = 'TransferAborted';
  readonly ftpCode = 426;
}

/** The parts of an ftp-srv connection a transfer uses. */
export interface TransferConnection {
  commandSocket: Socket;
  /** After AUTH TLS: the data connection is TLS too. */
  secure?: boolean;
  connector: { waitForConnection(): PromiseLike<Socket>; end(): unknown };
  reply(code: number, message: string): PromiseLike<unknown>;
}

export interface ActiveTransfer {
  /** Cuts the transfer (the reply to STOR says why). */
  abort(reason: TransferAborted): void;
  /**
   * Settles once the transfer is over — data connection ended, receive stream closed, partial file
   * (if any) gone — just before the STOR's final reply goes out (a camera sends its next command
   * the moment it reads it), or when a dropped control connection means no reply is sent.
   */
  done: Promise<void>;
}

/** Where a transfer's bytes go: a spool ReceiveStream, or a test upload's sink. `result` is set once complete. */
export type UploadDestination = Writable & { result?: unknown };

export interface UploadRequest {
  camera: string;
  segments: string[];
  spool: Spool;
  /** Where the bytes go (default: the spool, as a new file). */
  destination?: () => UploadDestination;
  /** Said after "226" (default: `file received: /path`). */
  receivedMessage?: string;
  /** Called once the file is complete, before 226 (size in bytes of what the camera sent). */
  onComplete?: (result: unknown) => void;
  dataTimeoutMs: number;
  /** The control connection's idle timeout, restored once the transfer is over. */
  idleTimeoutMs: number;
  logger: Logger;
}

/** Errors that mean "the client's side of the data connection went away". */
const CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED']);

/** What the camera is told for a transfer that failed. */
function replyFor(error: Error): { code: number; message: string } {
  if (error instanceof SpoolFull || error instanceof TransferAborted) return { code: error.ftpCode, message: error.message };
  const named = error as Error & { ftpCode?: unknown };
  if (named.name === 'TestUploadTooLarge' && typeof named.ftpCode === 'number') return { code: named.ftpCode, message: error.message };
  if (CONNECTION_ERRORS.has((error as NodeJS.ErrnoException).code ?? '')) {
    return { code: 426, message: 'the data connection broke before the file was complete: nothing was kept, send the file again' };
  }
  return { code: 451, message: 'the gateway could not store the file (local error); try again' };
}

/**
 * Receives one file. Returns at once with the running transfer (`onStart`) so ABOR and QUIT can
 * cut it; the returned promise settles when the STOR has been answered.
 */
export async function receiveUpload(connection: TransferConnection, request: UploadRequest, onStart: (transfer: ActiveTransfer) => void): Promise<void> {
  const { commandSocket } = connection;
  // Over TLS, clients (python's FTP_TLS, curl) start the data connection's handshake only once
  // they read 150: say it before waiting for that connection.
  const saidReady = !!connection.secure;
  if (saidReady) await connection.reply(150, 'ready to receive');
  let dataSocket: Socket;
  try {
    dataSocket = await connection.connector.waitForConnection();
  } catch {
    connection.connector.end();
    await connection.reply(425, 'no data connection: send PASV (or PORT) and open it before STOR');
    return;
  }
  const stream = request.destination ? request.destination() : request.spool.createReceiveStream({ camera: request.camera, segments: request.segments });
  let abortedFor: TransferAborted | undefined;
  const abort = (reason: TransferAborted) => {
    abortedFor ??= reason;
    dataSocket.destroy(abortedFor);
    stream.destroy(abortedFor);
  };
  const onControlClosed = () => abort(new TransferAborted('the control connection closed during the upload'));
  // During a transfer the control connection is quiet; the data connection's timeout applies.
  commandSocket.setTimeout(0);
  commandSocket.once('close', onControlClosed);
  dataSocket.setTimeout(request.dataTimeoutMs, () => abort(new TransferAborted(`no data for ${request.dataTimeoutMs / 1000} s: upload cut, nothing was kept; send the file again`)));

  let finished!: () => void;
  onStart({ abort, done: new Promise<void>((resolve) => (finished = resolve)) });
  try {
    if (commandSocket.destroyed) onControlClosed();
    const received = pipeline(dataSocket, stream).then(
      () => undefined,
      (error: Error) => error,
    );
    if (!saidReady) await connection.reply(150, 'ready to receive');
    const error = abortedFor ?? (await received);
    if (!stream.closed) await once(stream, 'close').catch(() => undefined);
    commandSocket.off('close', onControlClosed);
    connection.connector.end();
    // Over: the connection takes commands again before the final reply goes out, since a camera
    // sends its next command (PASV, STOR) the moment it reads "226".
    finished();
    if (commandSocket.destroyed) {
      request.logger.info('Upload dropped: the control connection closed before it ended', { camera: request.camera, file: request.segments.join('/') });
      return;
    }
    commandSocket.setTimeout(request.idleTimeoutMs);
    if (!error && stream.result) {
      request.onComplete?.(stream.result);
      await connection.reply(226, request.receivedMessage ?? `file received: /${request.segments.join('/')}`);
      return;
    }
    const failure = error ?? new Error('the transfer ended without a file');
    const { code, message } = replyFor(failure);
    const log = code === 451 ? request.logger.error.bind(request.logger) : request.logger.warn.bind(request.logger);
    log('Upload cut: partial file dropped', { camera: request.camera, file: request.segments.join('/'), reply: code, reason: failure.message });
    await connection.reply(code, message);
  } finally {
    finished();
  }
}
