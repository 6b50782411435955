/**
 * The embedded FTP server (ftp-srv): one user per camera (user name = camera id, password
 * checked against its scrypt hash), each confined to its own folder. A STOR goes straight
 * into the spool; the camera gets "226" only once the file is fsynced and journaled.
 *
 * Replies a camera can get besides the usual ones:
 * - 553 for a path or name that is refused (leaves its folder, odd characters, extension not accepted);
 * - 452 when the spool is full of files S3 has not taken yet (the disk guard);
 * - 502 for commands the gateway does not offer (RETR, APPE, REST, STOU, RNFR/RNTO, SITE);
 * - 530 for a wrong user name or password (after a pause, to slow guessing).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import FtpSrvModule from 'ftp-srv';
import { bunyanAdapter } from './logger.ts';
import { checkExtension, FileNameRefused, resolveCameraPath } from './file-names.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from './password.ts';
import { SpoolFull, type Spool } from './spool.ts';

// ftp-srv is CommonJS; its typings describe the named exports.
const { FtpSrv, FileSystem, ftpErrors } = FtpSrvModule as unknown as {
  FtpSrv: typeof import('ftp-srv').FtpSrv;
  FileSystem: typeof import('ftp-srv').FileSystem;
  ftpErrors: { FileSystemError: new (message: string, code?: number) => Error };
};

/** A camera connection idle this long is closed. */
const IDLE_TIMEOUT_MS = 10 * 60_000;

/** Commands a camera never needs: reading back, appending, resuming, renaming, SITE. */
const REFUSED_COMMANDS = ['RETR', 'APPE', 'REST', 'STOU', 'RNFR', 'RNTO', 'SITE', 'ALLO'];

export interface CameraAccount {
  passwordHash: string;
}

export interface FtpServerOptions {
  host: string;
  port: number;
  passiveHost?: string;
  passivePortMin: number;
  passivePortMax: number;
  cameras: Record<string, CameraAccount>;
  allowedExtensions: readonly string[];
  /** Where each camera's folder (the tree it sees: folders it made) lives. */
  camerasDirectory: string;
  spool: Spool;
  logger: Logger;
  /** Pause before answering a wrong password (ms). */
  loginFailureDelayMs?: number;
}

export interface RunningFtpServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

type FtpConnection = import('ftp-srv').FtpConnection & {
  fs?: unknown;
  authenticated?: boolean;
  connector: { end(): unknown };
  commands: { handle(command: unknown): Promise<unknown>; parse(message: string): { directive: string; arg: string | null } };
};

/**
 * A camera's view of the file system: `/` is its own folder. Files it stores go into the
 * spool (they never stay in the folder); folders it makes are real, so cameras that
 * `MKD`/`CWD` into dated folders work.
 */
export class CameraFileSystem extends FileSystem {
  private cameraCwd = '/';

  constructor(
    connection: import('ftp-srv').FtpConnection,
    readonly camera: string,
    private readonly folder: string,
    readonly spool: Spool,
    private readonly allowedExtensions: readonly string[],
  ) {
    super(connection, { root: folder, cwd: '/' });
  }

  override currentDirectory(): string {
    return this.cameraCwd;
  }

  /** Segments below the camera's folder, and the real path. Throws FileNameRefused. */
  locate(path: string | undefined | null): { segments: string[]; fsPath: string; clientPath: string } {
    const segments = resolveCameraPath(this.cameraCwd, path);
    const fsPath = join(this.folder, ...segments);
    if (fsPath !== this.folder && !fsPath.startsWith(this.folder + '/')) throw new FileNameRefused('path refused: outside your folder');
    return { segments, fsPath, clientPath: '/' + segments.join('/') };
  }

  /** The checks made before a STOR is accepted (names and extension). */
  checkUpload(fileName: string | null): string[] {
    if (!fileName) throw new FileNameRefused('file name missing');
    const { segments } = this.locate(fileName);
    if (!segments.length) throw new FileNameRefused('file name missing');
    checkExtension(segments.at(-1)!, this.allowedExtensions);
    return segments;
  }

  override async get(fileName: string): Promise<unknown> {
    const { fsPath, segments } = this.locate(fileName);
    const stats = await stat(fsPath);
    return Object.assign(stats, { name: segments.at(-1) ?? '/' });
  }

  override async list(path = '.'): Promise<unknown[]> {
    const { fsPath } = this.locate(path);
    const names = await readdir(fsPath);
    const out: unknown[] = [];
    for (const name of names) {
      try {
        out.push(Object.assign(await stat(join(fsPath, name)), { name }));
      } catch {
        // vanished meanwhile
      }
    }
    return out;
  }

  override async chdir(path = '.'): Promise<string> {
    const { fsPath, clientPath } = this.locate(path);
    const stats = await stat(fsPath).catch(() => undefined);
    if (!stats?.isDirectory()) throw new ftpErrors.FileSystemError('no such folder');
    this.cameraCwd = clientPath;
    return clientPath;
  }

  override async write(fileName: string, options: { append?: boolean; start?: unknown } = {}): Promise<{ stream: NodeJS.WritableStream; clientPath: string }> {
    if (options.append || (typeof options.start === 'number' && options.start > 0)) throw new ftpErrors.FileSystemError('appending and resuming are not supported: send the whole file');
    const segments = this.checkUpload(fileName);
    await this.spool.admitNewFile(this.camera);
    const stream = this.spool.createReceiveStream({ camera: this.camera, segments });
    // ftp-srv ends the transfer by emitting 'close' on the stream when the data socket ends.
    stream.once('close', () => stream.end());
    return { stream, clientPath: '/' + segments.join('/') };
  }

  override async read(): Promise<never> {
    throw new ftpErrors.FileSystemError('the gateway does not serve files');
  }

  override async delete(path: string): Promise<void> {
    const { fsPath, segments } = this.locate(path);
    if (!segments.length) throw new ftpErrors.FileSystemError('cannot delete your own folder');
    const stats = await stat(fsPath);
    if (!stats.isDirectory()) throw new ftpErrors.FileSystemError('no such file');
    await rmdir(fsPath);
  }

  override async mkdir(path: string): Promise<string> {
    const { fsPath, clientPath } = this.locate(path);
    await mkdir(fsPath, { recursive: true });
    return clientPath;
  }

  override async rename(): Promise<never> {
    throw new ftpErrors.FileSystemError('renaming is not supported');
  }

  override async chmod(): Promise<never> {
    throw new ftpErrors.FileSystemError('changing permissions is not supported');
  }
}

/** The address cameras should open passive data connections to. */
export function defaultPassiveHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function startFtpServer(options: FtpServerOptions): Promise<RunningFtpServer> {
  const { logger, spool } = options;
  mkdirSync(options.camerasDirectory, { recursive: true });
  const signalsBefore = new Map((['SIGTERM', 'SIGINT', 'SIGQUIT'] as const).map((s) => [s, new Set(process.listeners(s))]));
  const server = new FtpSrv({
    url: `ftp://${options.host}:${options.port}`,
    pasv_url: options.passiveHost ?? defaultPassiveHost(options.host),
    pasv_min: options.passivePortMin,
    pasv_max: options.passivePortMax,
    greeting: 'camflow gateway',
    anonymous: false,
    blacklist: REFUSED_COMMANDS,
    log: bunyanAdapter(logger),
    // No ftp-srv timeout: it would also arm a timer of that length on every disconnect,
    // holding the process open at shutdown. Idle connections are timed out below instead.
    timeout: 0,
  });
  // ftp-srv installs SIGTERM/SIGINT handlers that exit the process; the gateway shuts down itself.
  for (const [signal, before] of signalsBefore) for (const l of process.listeners(signal)) if (!before.has(l)) process.off(signal, l);

  // Cameras log in for every file: remember a correct password (as an HMAC under a key that
  // lives only in this process) for a while, instead of running scrypt (16 MiB, ~50 ms) each time.
  const recentKey = randomBytes(32);
  const recent = new Map<string, { digest: Buffer; until: number }>();
  const digestOf = (user: string, password: string) => createHmac('sha256', recentKey).update(`${user}\0${password}`).digest();
  const check = async (user: string, password: string, hash: string | undefined): Promise<boolean> => {
    const known = recent.get(user);
    const digest = digestOf(user, password);
    if (hash && known && known.until > Date.now() && timingSafeEqual(known.digest, digest)) return true;
    const ok = await verifyPassword(password, hash ?? UNKNOWN_USER_HASH);
    if (ok && hash) recent.set(user, { digest, until: Date.now() + 10 * 60_000 });
    return ok && !!hash;
  };

  server.on('login', ({ connection, username, password }, resolve, reject) => {
    const account = Object.hasOwn(options.cameras, username) ? options.cameras[username] : undefined;
    check(username, password, account?.passwordHash).then(
      async (ok) => {
        if (!ok || !account) {
          logger.warn('FTP login refused: wrong user name or password', { user: username.slice(0, 64), ip: connection.ip });
          await new Promise((r) => setTimeout(r, options.loginFailureDelayMs ?? 1000));
          return reject(new Error('wrong user name or password'));
        }
        const folder = join(options.camerasDirectory, username);
        mkdirSync(folder, { recursive: true });
        logger.debug('Camera logged in', { camera: username, ip: connection.ip });
        resolve({ fs: new CameraFileSystem(connection, username, folder, spool, options.allowedExtensions) as unknown as import('ftp-srv').FileSystem, cwd: '/' });
      },
      (error: Error) => reject(error),
    );
  });

  (server as unknown as NodeJS.EventEmitter).on('connect', ({ connection }: { connection: FtpConnection }) => {
    // ftp-srv closes the connection on the socket's 'timeout' event.
    (connection as unknown as { commandSocket: import('node:net').Socket }).commandSocket.setTimeout(IDLE_TIMEOUT_MS);
    guardUploads(connection, logger);
  });
  server.on('client-error', ({ context, error }) => logger.debug('FTP client error', { context, error: error.message }));

  await server.listen();
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  logger.info('FTP server listening', { host: options.host, port: address.port, passivePorts: `${options.passivePortMin}-${options.passivePortMax}`, cameras: Object.keys(options.cameras) });
  return {
    host: options.host,
    port: address.port,
    close: async () => {
      await server.close();
    },
  };
}

/**
 * Checks every STOR before ftp-srv runs it, so a refusal gets its proper code: 553 for a
 * refused name, 452 for a full spool (ftp-srv itself would answer 550 for any error).
 */
function guardUploads(connection: FtpConnection, logger: Logger): void {
  const commands = connection.commands;
  const handle = commands.handle.bind(commands);
  commands.handle = async (raw: unknown) => {
    const command = typeof raw === 'string' ? commands.parse(raw) : (raw as { directive: string; arg: string | null });
    const fs = connection.fs;
    if (command.directive !== 'STOR' || !connection.authenticated || !(fs instanceof CameraFileSystem)) return handle(command);
    try {
      fs.checkUpload(command.arg);
      await fs.spool.admitNewFile(fs.camera);
    } catch (error) {
      if (error instanceof FileNameRefused || error instanceof SpoolFull) {
        if (error instanceof FileNameRefused) logger.warn('Upload refused', { camera: fs.camera, reason: error.message });
        connection.connector.end();
        return connection.reply(error.ftpCode, error.message);
      }
      throw error;
    }
    return handle(command);
  };
}
