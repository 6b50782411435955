/**
 * The embedded FTP server (ftp-srv): one user per camera (user name = camera id, password
 * checked against its scrypt hash), each confined to its own folder. A STOR goes straight
 * into the spool; the camera gets "226" only once the file is fsynced and journaled.
 *
 * How cameras use FTP is supported (see upload-names.ts): uploads under a temporary name held
 * until RNFR/RNTO gives the final one, test uploads answered but never sent, REST/APPE resuming
 * a file still held, ALLO, SIZE/MDTM/LIST/NLST of the camera's own files, DELE (never reaches
 * S3), backslash paths, explicit FTPS (AUTH TLS) when configured.
 *
 * Replies a camera can get besides the usual ones:
 * - 553 for a path or name that is refused (leaves its folder, odd characters, extension not accepted);
 * - 554 for REST n + STOR when the gateway holds no first n bytes of that file (send it whole);
 * - 452 when the spool is full of files S3 has not taken yet (the disk guard), before or during a STOR;
 * - 426 for an upload cut (data connection broken or silent, ABOR): nothing of it is kept;
 * - 552/550 for MKD past the camera's folder cap / folder rate;
 * - 502 for commands the gateway does not offer (RETR, STOU, SITE);
 * - 530 before login on a gateway with `ftp.requireTls` and a connection without AUTH TLS;
 * - 530 for a wrong user name or password (after a pause that grows, to slow guessing);
 * - 421 (and the connection closed) for too many connections, a locked-out address, a login
 *   that did not come in time, an idle connection. See ftp-limits.ts and `ftp.limits`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import type { AddressInfo, Server, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import FtpSrvModule from 'ftp-srv';
import pLimit from 'p-limit';
import type { FtpLimits } from './config.ts';
import { bunyanAdapter } from './logger.ts';
import { FileNameRefused, resolveCameraPath } from './file-names.ts';
import { clientAddress, ConnectionSlots, FolderLimitReached, FolderQuota, FoldersTooFast, LoginGuard } from './ftp-limits.ts';
import { receiveUpload, TransferAborted, type ActiveTransfer, type UploadRequest } from './ftp-transfer.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from '../domain/password-hash.ts';
import { FileNotHeld, SpoolFull, type CameraFileInfo, type Spool } from './spool.ts';
import { TestUploads, TestUploadSink } from './test-uploads.ts';
import { classifyUpload, type UploadKind } from './upload-names.ts';

// ftp-srv is CommonJS; its typings describe the named exports.
const { FtpSrv, FileSystem, ftpErrors } = FtpSrvModule as unknown as {
  FtpSrv: typeof import('ftp-srv').FtpSrv;
  FileSystem: typeof import('ftp-srv').FileSystem;
  ftpErrors: { FileSystemError: new (message: string, code?: number) => Error };
};

/** Commands a camera never needs: reading back, unique names, SITE. */
const REFUSED_COMMANDS = ['RETR', 'STOU', 'SITE'];

/** Commands a client may send between REST and the STOR it restarts. */
const KEEP_REST = new Set(['REST', 'TYPE', 'PASV', 'EPSV', 'PORT', 'EPRT', 'MODE', 'STRU', 'NOOP', 'PBSZ', 'PROT']);

/** REST n + STOR for a file the gateway holds no first n bytes of (FTP 554, RFC 3659). */
export class CannotResume extends Error {
  override name = 'CannotResume';
  readonly ftpCode = 554;
}

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
  limits: FtpLimits;
  /** Explicit FTPS (AUTH TLS): the certificate and key (PEM). Left out: AUTH TLS is not offered. */
  tls?: { cert: string; key: string };
  /** Refuse logins on a connection that did not switch to TLS first. */
  requireTls?: boolean;
}

export interface RunningFtpServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

type FtpConnection = Omit<import('ftp-srv').FtpConnection, 'reply' | 'close'> & {
  fs?: unknown;
  authenticated?: boolean;
  secure: boolean;
  commandSocket: Socket;
  connector: { waitForConnection(): PromiseLike<Socket>; end(): unknown };
  commands: { handle(command: unknown): Promise<unknown>; parse(message: string): { directive: string; arg: string | null } };
  /** The reply code, then its lines (a `raw` line is sent as it is, without the code); settles once written. */
  reply(code: number, ...lines: Array<string | { message: string; raw: boolean }>): Promise<unknown>;
  close(code?: number, message?: string): PromiseLike<unknown>;
};

/** A stat-like record for a file the camera sent (ftp-srv formats LIST lines from it). */
function fileStat(info: CameraFileInfo) {
  const name = info.cameraPath.split('/').at(-1)!;
  return { name, size: info.size, mtime: info.modifiedAt, mode: 0o100644, uid: 1, gid: 1, isDirectory: () => false };
}

/** FTP 550 without anything of the gateway's disk in it. */
const noSuchFile = () => new ftpErrors.FileSystemError('no such file or folder');

/**
 * A camera's view of the file system: `/` is its own folder. Files it stores go into the
 * spool (they never stay in the folder); folders it makes are real, so cameras that
 * `MKD`/`CWD` into dated folders work. SIZE, MDTM, LIST and NLST see the camera's files still
 * in the spool, those it sent on this connection, and its test uploads; no reply names a path
 * of the gateway's disk.
 */
export class CameraFileSystem extends FileSystem {
  private cameraCwd = '/';
  /** Files sent on this connection (still answerable after they left the spool). */
  readonly sessionFiles = new Map<string, CameraFileInfo>();

  constructor(
    connection: import('ftp-srv').FtpConnection,
    readonly camera: string,
    private readonly folder: string,
    readonly spool: Spool,
    readonly allowedExtensions: readonly string[],
    private readonly folders: FolderQuota,
    readonly tests: TestUploads,
  ) {
    super(connection, { root: folder, cwd: '/' });
  }

  override currentDirectory(): string {
    return this.cameraCwd;
  }

  /**
   * Segments below the camera's folder, and the real path. Backslashes are folder separators
   * (`\camera\date\clip.mp4`, as some firmwares send what the user typed). Throws FileNameRefused.
   */
  locate(path: string | undefined | null): { segments: string[]; fsPath: string; clientPath: string } {
    const segments = resolveCameraPath(this.cameraCwd, typeof path === 'string' ? path.replace(/\\/g, '/') : path);
    const fsPath = join(this.folder, ...segments);
    if (fsPath !== this.folder && !fsPath.startsWith(this.folder + '/')) throw new FileNameRefused('path refused: outside your folder');
    return { segments, fsPath, clientPath: '/' + segments.join('/') };
  }

  /** The checks made before a STOR is accepted (names and extension): its path and what kind of upload it is. */
  checkUpload(fileName: string | null): { segments: string[]; kind: UploadKind } {
    if (!fileName) throw new FileNameRefused('file name missing');
    const { segments } = this.locate(fileName);
    if (!segments.length) throw new FileNameRefused('file name missing');
    return { segments, kind: classifyUpload(segments.at(-1)!, this.allowedExtensions) };
  }

  /** The camera's files it may ask about: in the spool, sent on this connection, test uploads. */
  knownFiles(): CameraFileInfo[] {
    const files = new Map<string, CameraFileInfo>();
    for (const f of [...this.sessionFiles.values(), ...this.spool.filesOf(this.camera), ...this.tests.list(this.camera)]) files.set(f.cameraPath, f);
    return [...files.values()];
  }

  fileInfo(cameraPath: string): CameraFileInfo | undefined {
    return this.knownFiles().find((f) => f.cameraPath === cameraPath);
  }

  override async get(fileName: string): Promise<unknown> {
    const { fsPath, segments } = this.locate(fileName);
    const stats = await stat(fsPath).catch(() => undefined);
    if (stats?.isDirectory()) return Object.assign(stats, { name: segments.at(-1) ?? '/' });
    const info = segments.length ? this.fileInfo(segments.join('/')) : undefined;
    if (!info) throw noSuchFile();
    return fileStat(info);
  }

  override async list(path = '.'): Promise<unknown[]> {
    const { fsPath, segments } = this.locate(path);
    const names = await readdir(fsPath).catch(() => {
      throw noSuchFile();
    });
    const out: unknown[] = [];
    for (const name of names) {
      try {
        const stats = await stat(join(fsPath, name));
        if (stats.isDirectory()) out.push(Object.assign(stats, { name }));
      } catch {
        // vanished meanwhile
      }
    }
    const folder = segments.join('/');
    for (const info of this.knownFiles()) {
      const parent = info.cameraPath.includes('/') ? info.cameraPath.slice(0, info.cameraPath.lastIndexOf('/')) : '';
      if (parent === folder) out.push(fileStat(info));
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

  /** STOR is handled by the gateway (ftp-transfer.ts), never by ftp-srv's own writer. */
  override async write(): Promise<never> {
    throw new ftpErrors.FileSystemError('uploads are received by the gateway itself');
  }

  override async read(): Promise<never> {
    throw new ftpErrors.FileSystemError('the gateway does not serve files');
  }

  /** RMD (and DELE of a folder): removes an empty folder the camera made. */
  override async delete(path: string): Promise<void> {
    const { fsPath, segments } = this.locate(path);
    if (!segments.length) throw new ftpErrors.FileSystemError('cannot delete your own folder');
    const stats = await stat(fsPath).catch(() => undefined);
    if (!stats?.isDirectory()) throw noSuchFile();
    await rmdir(fsPath).catch((error: NodeJS.ErrnoException) => {
      throw new ftpErrors.FileSystemError(error.code === 'ENOTEMPTY' ? 'folder not empty' : 'the folder could not be removed');
    });
    this.folders.removed(this.camera);
  }

  /** Makes a folder (and missing parents), within the camera's folder cap and rate. */
  override async mkdir(path: string): Promise<string> {
    const { fsPath, clientPath, segments } = this.locate(path);
    let missing = 0;
    for (let depth = segments.length; depth > 0; depth--) {
      const exists = await stat(join(this.folder, ...segments.slice(0, depth))).then(
        () => true,
        () => false,
      );
      if (exists) break;
      missing++;
    }
    await this.folders.check(this.camera, this.folder, missing);
    await mkdir(fsPath, { recursive: true });
    this.folders.added(this.camera, missing);
    return clientPath;
  }

  /** RNFR/RNTO are handled by the gateway (guardCommands), never by ftp-srv. */
  override async rename(): Promise<never> {
    throw new ftpErrors.FileSystemError('renaming is handled by the gateway');
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
  const { logger, spool, limits } = options;
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
    ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' } } : {}),
    log: bunyanAdapter(logger),
    // No ftp-srv timeout: it would also arm a timer of that length on every disconnect,
    // holding the process open at shutdown. Idle connections are timed out below instead.
    timeout: 0,
  });
  // ftp-srv installs SIGTERM/SIGINT handlers that exit the process; the gateway shuts down itself.
  for (const [signal, before] of signalsBefore) for (const l of process.listeners(signal)) if (!before.has(l)) process.off(signal, l);

  const guards: Guards = {
    tls: !!options.tls,
    ...(options.tls ? { secureContext: createSecureContext({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }) } : {}),
    requireTls: !!options.requireTls && !!options.tls,
    tests: new TestUploads(),
    slots: new ConnectionSlots(limits),
    logins: new LoginGuard(limits),
    folders: new FolderQuota(limits),
    limits,
    logger,
  };
  // At most two password hash checks at once (16 MiB and ~50 ms of CPU each).
  const hashChecks = pLimit(2);

  // Cameras log in for every file: remember a correct password (as an HMAC under a key that
  // lives only in this process) for a while, instead of running scrypt (16 MiB, ~50 ms) each time.
  const recentKey = randomBytes(32);
  const recent = new Map<string, { digest: Buffer; until: number }>();
  const digestOf = (user: string, password: string) => createHmac('sha256', recentKey).update(`${user}\0${password}`).digest();
  const check = async (user: string, password: string, hash: string | undefined): Promise<boolean> => {
    const known = recent.get(user);
    const digest = digestOf(user, password);
    if (hash && known && known.until > Date.now() && timingSafeEqual(known.digest, digest)) return true;
    const ok = await hashChecks(() => verifyPassword(password, hash ?? UNKNOWN_USER_HASH));
    if (ok && hash) recent.set(user, { digest, until: Date.now() + 10 * 60_000 });
    return ok && !!hash;
  };

  server.on('login', ({ connection, username, password }, resolve, reject) => {
    const address = clientAddress(connection.ip);
    const account = Object.hasOwn(options.cameras, username) ? options.cameras[username] : undefined;
    // Runs in the address's turn (guardCommands: PASS).
    const login = async () => {
      if (guards.logins.lockedFor(address)) throw new Error(guards.logins.lockedMessage(address));
      const ok = await check(username, password, account?.passwordHash);
      if (!ok || !account) {
        const delayMs = guards.logins.failed(address);
        const locked = guards.logins.lockedFor(address) > 0;
        logger.warn(locked ? 'FTP login refused; too many failures: address locked out' : 'FTP login refused: wrong user name or password', {
          user: username.slice(0, 64),
          ip: address,
          ...(locked ? { lockoutMinutes: limits.lockoutMinutes } : {}),
        });
        await new Promise((r) => setTimeout(r, delayMs));
        throw new Error('wrong user name or password');
      }
      guards.logins.succeeded(address);
      const folder = join(options.camerasDirectory, username);
      mkdirSync(folder, { recursive: true });
      logger.debug('Camera logged in', { camera: username, ip: address });
      return new CameraFileSystem(connection, username, folder, spool, options.allowedExtensions, guards.folders, guards.tests);
    };
    login().then(
      (fs) => resolve({ fs, cwd: '/' }),
      (error: Error) => reject(error),
    );
  });

  const netServer = (server as unknown as { server: Server }).server;
  gateConnections(netServer, guards);
  (server as unknown as NodeJS.EventEmitter).on('connect', ({ connection }: { connection: FtpConnection }) => {
    watchTimeouts(connection, limits);
    guardCommands(connection, guards);
  });
  server.on('client-error', ({ context, error }) => logger.debug('FTP client error', { context, error: error.message }));

  await server.listen();
  const address = netServer.address() as AddressInfo;
  logger.info('FTP server listening', { host: options.host, port: address.port, passivePorts: `${options.passivePortMin}-${options.passivePortMax}`, cameras: Object.keys(options.cameras) });
  return {
    host: options.host,
    port: address.port,
    close: async () => {
      await server.close();
    },
  };
}

interface Guards {
  /** AUTH TLS offered (and advertised in FEAT). */
  tls: boolean;
  secureContext?: SecureContext;
  requireTls: boolean;
  tests: TestUploads;
  slots: ConnectionSlots;
  logins: LoginGuard;
  folders: FolderQuota;
  limits: FtpLimits;
  logger: Logger;
}

/** Refuses a socket with a 421 line, then closes it (whatever the client does). */
function refuseSocket(socket: Socket, message: string): void {
  socket.on('error', () => undefined);
  socket.setTimeout(5000, () => socket.destroy());
  socket.end(`421 ${message}\r\n`, () => socket.destroy());
}

/**
 * Runs before ftp-srv sees a connection: past `maxConnections` (overall) or
 * `maxConnectionsPerAddress`, or from a locked-out address, the client gets 421 and is closed
 * before it costs more than a socket for a moment.
 */
function gateConnections(netServer: Server, guards: Guards): void {
  const accept = netServer.listeners('connection') as Array<(socket: Socket) => void>;
  netServer.removeAllListeners('connection');
  let refusedSinceLog = 0;
  let lastLog = 0;
  netServer.on('connection', (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    const lockedOut = guards.logins.lockedFor(address) > 0;
    const slot = lockedOut ? { refused: guards.logins.lockedMessage(address) } : guards.slots.take(address);
    if ('refused' in slot) {
      refuseSocket(socket, slot.refused);
      refusedSinceLog++;
      if (Date.now() - lastLog > 10_000) {
        guards.logger.warn('FTP connections refused (421)', { ip: address, reason: slot.refused, refusedSinceLastLog: refusedSinceLog, open: guards.slots.open });
        lastLog = Date.now();
        refusedSinceLog = 0;
      }
      return;
    }
    socket.once('close', slot.release);
    for (const listener of accept) listener.call(netServer, socket);
  });
}

/** Before login: `loginTimeoutSeconds` in all; after: `idleTimeoutSeconds` without a command. */
function watchTimeouts(connection: FtpConnection, limits: FtpLimits): void {
  const socket = connection.commandSocket;
  const loginTimer = setTimeout(() => {
    if (!connection.authenticated) void connection.close(421, `no login within ${limits.loginTimeoutSeconds} s: closing the connection`);
  }, limits.loginTimeoutSeconds * 1000);
  loginTimer.unref();
  socket.once('close', () => clearTimeout(loginTimer));
  // ftp-srv closes with a bare "421 Closing connection"; say why instead.
  socket.removeAllListeners('timeout');
  socket.on('timeout', () => void connection.close(421, `idle for ${limits.idleTimeoutSeconds} s: closing the connection`));
  socket.setTimeout(limits.idleTimeoutSeconds * 1000);
}

/**
 * Sits in front of ftp-srv's command handling:
 * - STOR is received by the gateway (ftp-transfer.ts), after its checks: 553 for a refused
 *   name, 452 for a full spool (ftp-srv itself would answer 550 for any error);
 * - during a transfer, ABOR and QUIT cut it; other commands get 503;
 * - MKD answers 552/550 past the folder cap/rate;
 * - USER/PASS from a locked-out address get 421 and the connection is closed; PASS is checked
 *   one at a time per address.
 */
function guardCommands(connection: FtpConnection, guards: Guards): void {
  const { logger, limits } = guards;
  const commands = connection.commands;
  const handle = commands.handle.bind(commands);
  const address = clientAddress(connection.ip);
  let transfer: ActiveTransfer | undefined;

  const closeIfLockedOut = async (): Promise<boolean> => {
    if (connection.authenticated || !guards.logins.lockedFor(address)) return false;
    await connection.close(421, guards.logins.lockedMessage(address));
    return true;
  };

  commands.handle = async (raw: unknown) => {
    const command = typeof raw === 'string' ? commands.parse(raw) : (raw as { directive: string; arg: string | null });
    // Clients may send ABOR after Telnet "interrupt" bytes.
    const directive = command.directive.replace(/^[^A-Z]+/, '');
    if (transfer) {
      if (directive === 'ABOR' || directive === 'QUIT') {
        const running = transfer;
        running.abort(new TransferAborted(directive === 'ABOR' ? 'upload aborted (ABOR): nothing was kept' : 'upload aborted (QUIT): nothing was kept'));
        await running.done;
        return directive === 'ABOR' ? connection.reply(226, 'abort done') : handle(command);
      }
      if (directive === 'NOOP') return connection.reply(200, 'transfer in progress');
      return connection.reply(503, 'a transfer is in progress: wait for its reply, or send ABOR');
    }
    if (directive === 'FEAT') {
      // ftp-srv would list AUTH TLS even without a certificate: only what this gateway does.
      const features = ['EPSV', 'MDTM', 'REST STREAM', 'SIZE', 'UTF8', ...(guards.tls ? ['AUTH TLS', 'PBSZ', 'PROT'] : [])].sort();
      return connection.reply(211, 'Extensions supported', ...features.map((f) => ({ message: ` ${f}`, raw: true })), 'End');
    }
    if (guards.requireTls && (directive === 'USER' || directive === 'PASS') && !(connection as { secure?: boolean }).secure) {
      return connection.reply(530, 'this gateway requires TLS: set the camera to FTPS (explicit, AUTH TLS), or turn off ftp.requireTls');
    }
    if (directive === 'AUTH') return switchToTls(command.arg);
    if (directive === 'USER') {
      if (await closeIfLockedOut()) return;
      return handle(command);
    }
    if (directive === 'PASS') {
      // One password check at a time per address: parallel connections do not multiply the guesses.
      return guards.logins.inTurn(address, async () => {
        if (await closeIfLockedOut()) return;
        const result = await handle(command);
        await closeIfLockedOut();
        return result;
      });
    }
    const fs = connection.fs;
    if (!connection.authenticated || !(fs instanceof CameraFileSystem)) return handle(command);
    // RNFR must be followed at once by RNTO; REST by the transfer it restarts.
    const renameFrom = pendingRename;
    pendingRename = undefined;
    const restAt = directive === 'STOR' || directive === 'APPE' ? restOffset : 0;
    if (!KEEP_REST.has(directive)) restOffset = 0;
    try {
      switch (directive) {
        case 'MKD':
        case 'XMKD':
          return await makeFolder(fs, command.arg);
        case 'ALLO':
          // Dahua-based firmwares reserve space first; the spool limit is checked as the file arrives.
          return connection.reply(200, 'ALLO ok: no space needs reserving');
        case 'REST': {
          if (!/^\d{1,15}$/.test(command.arg ?? '')) return connection.reply(501, 'REST needs a byte count (0 or more)');
          restOffset = Number(command.arg);
          return connection.reply(350, `restarting at byte ${restOffset}: send STOR`);
        }
        case 'RNFR': {
          const { segments } = fs.locate(command.arg);
          const cameraPath = segments.join('/');
          if (!segments.length || !fs.fileInfo(cameraPath)) return connection.reply(550, 'no such file');
          pendingRename = cameraPath;
          return connection.reply(350, 'ready for RNTO');
        }
        case 'RNTO':
          return await renameFile(fs, renameFrom, command.arg);
        case 'DELE':
          return await deleteFile(fs, command.arg);
        case 'STOR':
        case 'APPE':
          return await store(fs, directive, command.arg, restAt);
        default:
          return handle(command);
      }
    } catch (error) {
      if (error instanceof FileNameRefused) {
        logger.warn('Name refused', { camera: fs.camera, command: directive, reason: error.message });
        return connection.reply(error.ftpCode, error.message);
      }
      // Never a local error's text (it may name a path of this box) to the camera.
      logger.error('FTP command failed', { camera: fs.camera, command: directive, error: { name: (error as Error).name, message: (error as Error).message } });
      return connection.reply(451, 'the gateway could not do that (local error); try again');
    }
  };

  /**
   * AUTH TLS. ftp-srv's own handler wraps the socket only after "234" is written: a client's
   * TLS hello arriving meanwhile is read as an FTP command and the handshake fails. Here the
   * reply is written and the socket wrapped without yielding in between.
   */
  const switchToTls = async (arg: string | null) => {
    const method = (arg ?? '').trim().toUpperCase();
    if (!guards.secureContext) return connection.reply(502, 'TLS is not configured on this gateway (ftp.tls)');
    if (method !== 'TLS' && method !== 'TLS-C' && method !== 'SSL') return connection.reply(504, 'only AUTH TLS is supported');
    if (connection.secure) return connection.reply(503, 'already on TLS');
    const plain = connection.commandSocket;
    plain.pause();
    // "234" and the TLS socket in the same turn of the event loop: the client sends its hello
    // only after reading 234, and by then every byte it sends goes to TLS.
    plain.write('234 switching to TLS\r\n');
    const secure = new TLSSocket(plain, { isServer: true, secureContext: guards.secureContext });
    // ftp-srv listens on the plain socket: the TLS socket's events are passed on to it.
    for (const event of ['data', 'timeout', 'end', 'close', 'drain', 'error']) secure.on(event, (...args: unknown[]) => plain.emit(event, ...args));
    connection.commandSocket = secure;
    connection.secure = true;
    // The idle timeout is now the TLS socket's (the plain one sees no activity of its own during an upload).
    plain.setTimeout(0);
    secure.setTimeout(limits.idleTimeoutSeconds * 1000);
  };

  let pendingRename: string | undefined;
  let restOffset = 0;

  const makeFolder = async (fs: CameraFileSystem, arg: string | null) => {
    try {
      const made = await fs.mkdir(arg ?? '');
      return connection.reply(257, `"${made.replace(/"/g, '""')}" created`);
    } catch (error) {
      if (error instanceof FolderLimitReached || error instanceof FoldersTooFast) {
        logger.warn('Folder refused', { camera: fs.camera, reason: error.message });
        return connection.reply(error.ftpCode, error.message);
      }
      if (error instanceof FileNameRefused) return connection.reply(550, error.message);
      logger.warn('MKD failed', { camera: fs.camera, error: (error as Error).message });
      return connection.reply(550, 'the folder could not be made');
    }
  };

  /** RNTO: a held file gets its final name (and key); a test upload is renamed in memory. */
  const renameFile = async (fs: CameraFileSystem, from: string | undefined, arg: string | null) => {
    if (!from) return connection.reply(503, 'send RNFR first');
    const { segments } = fs.locate(arg);
    if (!segments.length) return connection.reply(553, 'file name missing');
    const to = segments.join('/');
    if (fs.tests.rename(fs.camera, from, to)) return connection.reply(250, 'renamed (test upload: not uploaded)');
    const kind = classifyUpload(segments.at(-1)!, fs.allowedExtensions, { tests: false });
    try {
      const renamed = await fs.spool.rename(fs.camera, from, { segments, temporary: kind === 'temporary' });
      const session = fs.sessionFiles.get(from);
      if (session) {
        fs.sessionFiles.delete(from);
        fs.sessionFiles.set(to, { ...session, cameraPath: to });
      }
      return connection.reply(250, renamed.outcome === 'renamed' ? 'renamed' : 'renamed (the file was already sent under its first name)');
    } catch (error) {
      if (error instanceof FileNotHeld) return connection.reply(error.ftpCode, error.message);
      throw error;
    }
  };

  /** DELE: removes a test upload or a file still held under a temporary name; never anything sent. */
  const deleteFile = async (fs: CameraFileSystem, arg: string | null) => {
    const { segments, fsPath } = fs.locate(arg);
    const cameraPath = segments.join('/');
    if (segments.length && fs.tests.delete(fs.camera, cameraPath)) return connection.reply(250, 'test upload deleted');
    const folder = await stat(fsPath).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (folder) {
      try {
        await fs.delete(cameraPath || '/');
        return connection.reply(250, 'folder removed');
      } catch (error) {
        return connection.reply(550, (error as Error).message);
      }
    }
    const outcome = segments.length ? await fs.spool.deleteHeld(fs.camera, cameraPath) : 'unknown';
    if (outcome === 'deleted') return connection.reply(250, 'deleted (it was never uploaded)');
    if (outcome === 'kept' || fs.sessionFiles.has(cameraPath)) return connection.reply(250, 'file already sent: nothing is deleted from the cloud');
    return connection.reply(550, 'no such file');
  };

  const store = async (fs: CameraFileSystem, directive: 'STOR' | 'APPE', arg: string | null, restAt: number) => {
    let upload: { segments: string[]; kind: UploadKind };
    let resumeFrom: { id: string; offset: number } | undefined;
    try {
      upload = fs.checkUpload(arg);
      if (upload.kind !== 'test') {
        const held = fs.spool.resumable(fs.camera, upload.segments.join('/'));
        if (directive === 'APPE' && held) resumeFrom = { id: held.id, offset: held.size };
        else if (restAt > 0) {
          if (!held || held.size < restAt) {
            throw new CannotResume(`cannot resume at byte ${restAt}: the gateway holds no first ${restAt} bytes of this file (a cut transfer is dropped, a sent one is gone); send the whole file`);
          }
          resumeFrom = { id: held.id, offset: restAt };
        }
        await fs.spool.admitNewFile(fs.camera);
      }
    } catch (error) {
      if (error instanceof FileNameRefused || error instanceof SpoolFull || error instanceof CannotResume) {
        if (!(error instanceof SpoolFull)) logger.warn('Upload refused', { camera: fs.camera, reason: error.message });
        connection.connector.end();
        return connection.reply(error.ftpCode, error.message);
      }
      throw error;
    }
    const { segments, kind } = upload;
    const cameraPath = segments.join('/');
    let receivedBytes = 0;
    const request: UploadRequest = {
      camera: fs.camera,
      segments,
      spool: fs.spool,
      dataTimeoutMs: limits.dataTimeoutSeconds * 1000,
      idleTimeoutMs: limits.idleTimeoutSeconds * 1000,
      logger,
      ...(kind === 'test'
        ? {
            destination: () => new TestUploadSink(),
            receivedMessage: 'test upload received: logged, not uploaded',
            onComplete: (result: unknown) => {
              const size = (result as { size: number }).size;
              fs.tests.record(fs.camera, cameraPath, size);
              logger.info('Test upload received from a camera (not uploaded)', { camera: fs.camera, name: cameraPath, size });
            },
          }
        : {
            destination: () => {
              const stream = fs.spool.createReceiveStream({ camera: fs.camera, segments, temporary: kind === 'temporary', ...(resumeFrom ? { resumeFrom } : {}) });
              stream.on('finish', () => (receivedBytes = stream.receivedBytes));
              return stream;
            },
            onComplete: () => fs.sessionFiles.set(cameraPath, { cameraPath, size: receivedBytes, modifiedAt: new Date() }),
          }),
    };
    // Busy from now on (also while waiting for the data connection); an abort that comes
    // before the transfer starts cuts it as soon as it does.
    let running: ActiveTransfer | undefined;
    let abortedEarly: TransferAborted | undefined;
    const done = receiveUpload(connection, request, (started) => {
      running = started;
      if (abortedEarly) started.abort(abortedEarly);
      // Not busy once the transfer has ended, before its final reply: see receiveUpload.
      void started.done.then(() => {
        if (transfer === current) transfer = undefined;
      });
    });
    const current: ActiveTransfer = {
      abort: (reason) => {
        abortedEarly ??= reason;
        running?.abort(reason);
      },
      done: done.then(
        () => undefined,
        () => undefined,
      ),
    };
    transfer = current;
    return done.finally(() => {
      if (transfer === current) transfer = undefined;
    });
  };
}
