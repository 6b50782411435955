/**
 * The durable spool: every received file is written to disk, fsynced and journaled before
 * the camera hears "226 transfer complete", and stays until S3 has confirmed it (then it is
 * removed, or kept `keepLocalHours`). The disk guard lives here too: past the size limit the
 * oldest kept copies go first; files not yet uploaded are never deleted; then new files are
 * refused (FTP 452).
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createReadStream, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { captureTimeOf, type ZoneOffset } from '../domain/capture-time.ts';
import { contentTypeFor, extensionOf, keyFileName, uploadKey, withCollisionSuffix } from './file-names.ts';
import {
  applyUpdate,
  FolderSync,
  Journal,
  readJournal,
  recordsOf,
  replayJournal,
  type ConfirmationMethod,
  type FileUpdate,
  type JournalRecord,
  type RemovalReason,
  type SpoolEntry,
  type SpooledFile,
} from './journal.ts';
import { needsRemux, remuxToMp4 } from './remux.ts';

/** FTP reply 452: "Requested action not taken. Insufficient storage space in system." */
export class SpoolFull extends Error {
  override name = 'SpoolFull';
  readonly ftpCode = 452;
}

/** Why a spool is over its limit right now: a new file is not admitted, a file streaming in is cut. */
type LimitCheck = 'new file' | 'while receiving';

export class GatewayAlreadyRunning extends Error {
  override name = 'GatewayAlreadyRunning';
}

/** How long removed entries are remembered (to recognise a file sent twice, and keep keys unique). */
const REMEMBER_HOURS = 48;
/** Rewrite the journal once this many records were appended since the last rewrite. */
const REWRITE_AFTER_RECORDS = 5000;

export interface SpoolOptions {
  directory: string;
  limitBytes: number;
  keepLocalHours: number;
  /** The cameras' clock zone: an IANA name, or its offsets (gateway/time-zone.ts). */
  timeZone: string | ZoneOffset;
  /** The multipart part size: part digests are taken while a file arrives. */
  partSizeBytes: number;
  /** How long a file under a temporary name waits for its rename before it goes up as it is. */
  holdTemporaryMs?: number;
  /** The ffmpeg that remuxes `.dav`/`.h264` to MP4 (default: `ffmpeg` from PATH). */
  ffmpegPath?: string;
  logger: Logger;
}

export const spoolPaths = (directory: string) => ({
  files: join(directory, 'files'),
  journal: join(directory, 'journal.jsonl'),
  lock: join(directory, 'gateway.lock'),
  status: join(directory, 'status.json'),
});

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(path: string): void {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(path, 'utf8').trim());
  if (holder && holder !== process.pid && processAlive(holder)) {
    throw new GatewayAlreadyRunning(`Another gateway (pid ${holder}) uses this spool folder. Stop it first, or give this one its own spoolDirectory.`);
  }
  writeFileSync(path, String(process.pid));
}

export interface NewFile {
  camera: string;
  /** The camera's path below its folder, as segments. */
  segments: string[];
  /** For `--watch`: where the file came from. */
  source?: { path: string; size: number; mtimeMs: number };
  /** The file's modification time (capture time when its name says nothing). */
  modifiedAt: Date;
  /** Under a temporary name: held until renamed (or `holdTemporaryMs`). */
  temporary?: boolean;
  /** REST n / APPE: the first `offset` bytes come from this held file, the rest from the camera. */
  resumeFrom?: { id: string; offset: number };
}

/** RNFR names no file this camera has in the spool or sent (FTP 550). */
export class FileNotHeld extends Error {
  override name = 'FileNotHeld';
  readonly ftpCode = 550;
}

/** What a camera may ask about a file of its own (SIZE, MDTM, LIST). */
export interface CameraFileInfo {
  cameraPath: string;
  size: number;
  modifiedAt: Date;
}

export class Spool extends EventEmitter<{ received: [SpooledFile]; full: []; receiving: [camera: string] }> {
  private readonly entries: Map<string, SpoolEntry>;
  private readonly paths: ReturnType<typeof spoolPaths>;
  /** Bytes being received right now (counted against the limit). */
  private receivingBytes = 0;
  /** Bytes of journaled files still on disk (waiting or kept); kept in step with `entries`. */
  private storedBytes = 0;
  /** Confirmed in memory, confirmation not yet on disk: not removable yet. */
  private readonly confirming = new Set<string>();
  private refusing = false;
  private closed = false;
  /** Files being uploaded right now (the uploader says): not renamed, replaced or remuxed meanwhile. */
  private readonly uploading = new Set<string>();
  /** Timers that release held files (temporary names never renamed). */
  private readonly holdTimers = new Map<string, NodeJS.Timeout>();

  private constructor(
    private readonly options: SpoolOptions,
    private readonly journal: Journal,
    entries: Map<string, SpoolEntry>,
  ) {
    super();
    this.entries = entries;
    this.paths = spoolPaths(options.directory);
  }

  /** Opens (and recovers) the spool: takes the lock, replays the journal, removes partial receives. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const paths = spoolPaths(options.directory);
    mkdirSync(paths.files, { recursive: true });
    takeLock(paths.lock);
    const { records, unreadableLines } = readJournal(paths.journal);
    if (unreadableLines) options.logger.warn('Journal had unreadable lines (a write cut short by a crash); they were never acknowledged', { unreadableLines });
    const entries = replayJournal(records);
    const journal = await Journal.open(paths.journal);
    const spool = new Spool(options, journal, entries);
    await spool.recover();
    return spool;
  }

  private async recover(): Promise<void> {
    const live = new Set<string>();
    for (const entry of this.entries.values()) {
      if (entry.removedAt) continue;
      let size: number | undefined;
      try {
        size = statSync(join(this.options.directory, entry.file.file)).size;
      } catch {
        size = undefined;
      }
      if (size === entry.file.size) {
        live.add(entry.file.file);
        this.storedBytes += size;
        continue;
      }
      if (!entry.confirmedAt) {
        this.options.logger.error('A journaled file is missing from the spool and was never confirmed by S3: it is lost. Was the spool folder edited by hand?', {
          key: entry.file.key,
          spoolFile: entry.file.file,
        });
      }
      entry.removedAt = new Date().toISOString();
      entry.removedReason = 'missing';
    }
    // Files the journal does not know were being received when the gateway stopped:
    // the camera never got its 226, so they are not ours to keep.
    for (const name of readdirSync(this.paths.files)) {
      const relative = join('files', name);
      if (live.has(relative)) continue;
      unlinkSync(join(this.paths.files, name));
      this.options.logger.info('Removed a partial receive left by the last run', { spoolFile: relative });
    }
    await this.compact();
    for (const entry of this.entries.values()) if (!entry.removedAt && entry.file.heldUntil) this.scheduleRelease(entry.file);
    const waiting = this.waiting();
    this.options.logger.info('Spool opened', {
      waiting: waiting.length,
      waitingBytes: waiting.reduce((sum, e) => sum + e.file.size, 0),
      kept: [...this.entries.values()].filter((e) => e.confirmedAt && !e.removedAt).length,
    });
  }

  /** Rewrites the journal with the entries that still matter. */
  private compact(): Promise<void> {
    return this.journal.rewrite(() => {
      const horizon = Date.now() - REMEMBER_HOURS * 3600_000;
      for (const [id, entry] of this.entries) {
        if (entry.removedAt && Date.parse(entry.removedAt) < horizon) this.entries.delete(id);
      }
      return [...this.entries.values()].sort(byReceived).flatMap(recordsOf);
    });
  }

  private async journalAppend(record: JournalRecord, options: { sync?: boolean } = {}): Promise<void> {
    await this.journal.append(record, options);
    if (this.journal.recordsSinceRewrite > REWRITE_AFTER_RECORDS) {
      // The record is on disk already; a failed rewrite only leaves the journal longer.
      await this.compact().catch((error: Error) => this.options.logger.error('Rewriting the journal failed; it stays as it is', { error: { name: error.name, message: error.message } }));
    }
  }

  /** Files ready to go to S3 and not yet confirmed, oldest first (held temporary names are not). */
  waiting(): SpoolEntry[] {
    const now = Date.now();
    return [...this.entries.values()].filter((e) => !e.confirmedAt && !e.removedAt && !isHeld(e.file, now)).sort(byReceived);
  }

  /** Files under a temporary name waiting for their rename. */
  held(): SpoolEntry[] {
    const now = Date.now();
    return [...this.entries.values()].filter((e) => !e.confirmedAt && !e.removedAt && isHeld(e.file, now)).sort(byReceived);
  }

  /** The uploader takes a file (false: it was removed meanwhile). */
  uploadStarted(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.removedAt || entry.confirmedAt) return false;
    this.uploading.add(id);
    return true;
  }

  uploadEnded(id: string): void {
    this.uploading.delete(id);
  }

  private scheduleRelease(file: SpooledFile): void {
    clearTimeout(this.holdTimers.get(file.id));
    if (!file.heldUntil || this.closed) return;
    const timer = setTimeout(
      () => {
        this.holdTimers.delete(file.id);
        const entry = this.entries.get(file.id);
        if (!entry || entry.removedAt || !entry.file.heldUntil) return;
        this.options.logger.warn('A file under a temporary name was never renamed: it goes up under its own name', { camera: entry.file.camera, name: entry.file.cameraPath, key: entry.file.key });
        this.emit('received', entry.file);
      },
      Math.max(0, Date.parse(file.heldUntil) - Date.now()) + 5,
    );
    timer.unref();
    this.holdTimers.set(file.id, timer);
  }

  /** The newest entry this camera sent under `cameraPath` (live first, then ones already sent). */
  private latestNamed(camera: string, cameraPath: string): SpoolEntry | undefined {
    let best: SpoolEntry | undefined;
    for (const e of this.entries.values()) {
      if (e.file.camera !== camera || e.file.cameraPath !== cameraPath) continue;
      if (!best || (!!best.removedAt && !e.removedAt) || (!!best.removedAt === !!e.removedAt && byReceived(best, e) < 0)) best = e;
    }
    return best;
  }

  /** SIZE/MDTM/LIST: this camera's files still in the spool (held, waiting or kept). */
  filesOf(camera: string): CameraFileInfo[] {
    const out = new Map<string, CameraFileInfo>();
    for (const e of [...this.entries.values()].sort(byReceived)) {
      if (e.file.camera !== camera || e.removedAt) continue;
      out.set(e.file.cameraPath, { cameraPath: e.file.cameraPath, size: e.file.size, modifiedAt: new Date(e.file.receivedAt) });
    }
    return [...out.values()];
  }

  /**
   * REST n / APPE: the held file a resumed transfer continues (its bytes still on disk, not
   * uploading, not yet sent). Undefined when there is none to continue.
   */
  resumable(camera: string, cameraPath: string): { id: string; size: number } | undefined {
    const entry = this.latestNamed(camera, cameraPath);
    if (!entry || entry.removedAt || entry.confirmedAt || this.uploading.has(entry.file.id) || entry.file.remuxedFrom) return undefined;
    return { id: entry.file.id, size: entry.file.size };
  }

  /** @internal A file sent again whole may continue this one (its bytes are a prefix of the new ones). */
  resendCandidate(camera: string, cameraPath: string): { id: string; size: number; sha256: string } | undefined {
    const entry = this.latestNamed(camera, cameraPath);
    if (!entry || entry.file.remuxedFrom || entry.removedReason === 'replaced' || entry.removedReason === 'deleted') return undefined;
    return { id: entry.file.id, size: entry.file.size, sha256: entry.file.sha256 };
  }

  /** @internal Where a resumed transfer's first bytes come from. */
  entryFile(id: string): SpooledFile | undefined {
    const entry = this.entries.get(id);
    return entry && !entry.removedAt ? entry.file : undefined;
  }

  /** The S3 key and capture time a file gets from its name (unique among the keys in use). */
  private keyFor(camera: string, segments: readonly string[], modifiedAt: Date, exceptId?: string) {
    const cameraPath = segments.join('/');
    const capture = captureTimeOf(cameraPath, modifiedAt, this.options.timeZone);
    const baseName = keyFileName(segments);
    const keysInUse = new Set([...this.entries.values()].filter((e) => e.file.id !== exceptId).map((e) => e.file.key));
    let key = uploadKey(camera, capture.capturedAt, baseName);
    for (let n = 2; keysInUse.has(key); n++) key = uploadKey(camera, capture.capturedAt, withCollisionSuffix(baseName, n));
    return { key, capture, baseName, cameraPath };
  }

  /**
   * RNFR/RNTO. A held file (temporary name) or one not yet taken by the uploader gets its key
   * from the new name — capture time included — journaled before the camera hears 250; a
   * temporary new name keeps it held. A file already sent (or being sent) keeps its key:
   * `already-sent`. Throws FileNotHeld when the camera has no such file.
   */
  async rename(camera: string, fromPath: string, to: { segments: string[]; temporary: boolean }): Promise<{ outcome: 'renamed' | 'already-sent'; key: string }> {
    const entry = this.latestNamed(camera, fromPath);
    if (!entry) throw new FileNotHeld('no such file');
    const file = entry.file;
    if (entry.removedAt || entry.confirmedAt || this.uploading.has(file.id)) {
      this.options.logger.info('Rename of a file already sent: its key stays', { camera, from: fromPath, to: to.segments.join('/'), key: file.key });
      return { outcome: 'already-sent', key: file.key };
    }
    const { key, capture, baseName, cameraPath } = this.keyFor(camera, to.segments, new Date(file.receivedAt), file.id);
    const heldUntil = to.temporary ? (file.heldUntil ?? new Date(Date.now() + this.holdTemporaryMs).toISOString()) : null;
    const update: FileUpdate = { key, cameraPath, capturedAt: capture.capturedAt.toISOString(), capturedAtSource: capture.source, contentType: contentTypeFor(baseName), heldUntil };
    await this.journalAppend({ op: 'updated', at: new Date().toISOString(), id: file.id, why: 'renamed', update });
    applyUpdate(file, update);
    this.options.logger.info('File renamed by the camera: key fixed from its final name', { camera, from: fromPath, to: cameraPath, key, capturedAt: file.capturedAt, held: !!file.heldUntil });
    if (file.heldUntil) this.scheduleRelease(file);
    else {
      clearTimeout(this.holdTimers.get(file.id));
      this.emit('received', file);
    }
    return { outcome: 'renamed', key };
  }

  /**
   * DELE. Removes a file still held under a temporary name; anything else the camera sent stays
   * (deletes never reach S3: a thief with the camera's password cannot erase evidence).
   */
  async deleteHeld(camera: string, cameraPath: string): Promise<'deleted' | 'kept' | 'unknown'> {
    const entry = this.latestNamed(camera, cameraPath);
    if (!entry) return 'unknown';
    if (entry.removedAt || entry.confirmedAt || this.uploading.has(entry.file.id) || !entry.file.heldUntil) {
      this.options.logger.info('DELE of a file already sent or queued: answered, nothing deleted', { camera, name: cameraPath, key: entry.file.key });
      return 'kept';
    }
    await this.drop(entry, 'deleted');
    this.options.logger.info('Held file deleted by the camera (never uploaded)', { camera, name: cameraPath });
    return 'deleted';
  }

  private get holdTemporaryMs(): number {
    return this.options.holdTemporaryMs ?? 600_000;
  }

  /**
   * Before upload: a `.dav`/`.h264`/`.264` file is remuxed to MP4 with ffmpeg (stream copy), and
   * the spool entry then points at the MP4 (new bytes, key ending `.mp4`). Without ffmpeg, or when
   * it fails, the file goes up as it is and the reason is recorded. Returns the file to upload.
   */
  async prepareForUpload(file: SpooledFile): Promise<SpooledFile> {
    if (!needsRemux(file)) return file;
    const entry = this.entries.get(file.id);
    if (!entry || entry.removedAt) return file;
    const relativePath = join('files', `${file.id}.mp4`);
    const output = join(this.options.directory, relativePath);
    const result = await remuxToMp4(this.pathOf(file), output, extensionOf(file.key), this.options.ffmpegPath ?? 'ffmpeg');
    if (!result.ok) {
      await unlink(output).catch(() => undefined);
      const update: FileUpdate = { remuxFailed: result.reason };
      await this.journalAppend({ op: 'updated', at: new Date().toISOString(), id: file.id, why: 'remux-failed', update }, { sync: false });
      applyUpdate(file, update);
      this.options.logger.warn('Not remuxed to MP4: uploading the file as it arrived', { key: file.key, reason: result.reason });
      return file;
    }
    const digests = await digestFile(output, this.options.partSizeBytes);
    // The new file's name in files/, on disk before the journal points at it (shared, non-blocking).
    await this.syncFilesFolder();
    const from = extensionOf(file.key);
    const stem = file.key.slice(file.key.lastIndexOf('/') + 1, -(from.length + 1));
    const folder = file.key.slice(0, file.key.lastIndexOf('/') + 1);
    const keysInUse = new Set([...this.entries.values()].filter((e) => e.file.id !== file.id).map((e) => e.file.key));
    let key = `${folder}${stem}.mp4`;
    for (let n = 2; keysInUse.has(key); n++) key = `${folder}${withCollisionSuffix(`${stem}.mp4`, n)}`;
    const update: FileUpdate = { file: relativePath, size: digests.size, sha256: digests.sha256, md5: digests.md5, parts: digests.parts ?? null, key, contentType: 'video/mp4', remuxedFrom: from };
    const original = this.pathOf(file);
    const originalSize = file.size;
    await this.journalAppend({ op: 'updated', at: new Date().toISOString(), id: file.id, why: 'remuxed', update });
    applyUpdate(file, update);
    this.storedBytes += file.size - originalSize;
    await unlink(original).catch(() => undefined);
    this.options.logger.info('Remuxed to MP4 on the gateway (stream copy, no re-encode)', { key, from, bytesBefore: originalSize, bytesAfter: file.size });
    return file;
  }

  get directory(): string {
    return this.options.directory;
  }

  get partSizeBytes(): number {
    return this.options.partSizeBytes;
  }

  private filesFolder: FolderSync | undefined;
  /** Makes the names of files just written in files/ durable (one fsync shared by files that finish together). */
  syncFilesFolder(): Promise<void> {
    this.filesFolder ??= new FolderSync(join(this.options.directory, 'files'));
    return this.filesFolder.sync();
  }

  pathOf(file: SpooledFile): string {
    return join(this.options.directory, file.file);
  }

  /** Bytes counted against the limit: files on disk plus files being received. */
  private bytesInUse(): number {
    return this.storedBytes + this.receivingBytes;
  }

  /** Over the limit: a new file needs the spool below it; a file streaming in may reach it but not pass it. */
  private overLimit(check: LimitCheck): boolean {
    return check === 'new file' ? this.bytesInUse() >= this.options.limitBytes : this.bytesInUse() > this.options.limitBytes;
  }

  usage(): { bytesUsed: number; receivingBytes: number; limitBytes: number; refusingUploads: boolean; keptFiles: number } {
    let keptFiles = 0;
    for (const e of this.entries.values()) if (!e.removedAt && e.confirmedAt) keptFiles++;
    return { bytesUsed: this.bytesInUse(), receivingBytes: this.receivingBytes, limitBytes: this.options.limitBytes, refusingUploads: this.refusing, keptFiles };
  }

  /**
   * The disk guard, asked before a new file is accepted. Frees kept copies (oldest first)
   * when over the limit; if the spool is still over it — only unuploaded files left — throws
   * SpoolFull (the FTP server answers 452) and logs at ERROR. Never deletes an unuploaded file.
   */
  async admitNewFile(camera: string): Promise<void> {
    await this.ensureRoom(camera, 'new file');
  }

  /**
   * The disk guard while a file streams in (every chunk counts at once): past the limit, kept
   * copies go first; if that is not enough, throws SpoolFull and the transfer is cut (452).
   */
  async ensureRoomWhileReceiving(camera: string): Promise<void> {
    if (this.overLimit('while receiving')) await this.ensureRoom(camera, 'while receiving');
  }

  private async ensureRoom(camera: string, check: LimitCheck): Promise<void> {
    if (this.overLimit(check)) await this.freeKeptCopies(check);
    if (this.overLimit(check)) {
      const bytesUsed = this.bytesInUse();
      const limitBytes = this.options.limitBytes;
      const waiting = this.waiting();
      if (!this.refusing) this.emit('full');
      this.refusing = true;
      this.options.logger.error(
        `SPOOL FULL: ${check === 'new file' ? 'refusing new uploads' : 'an upload was cut and its partial file dropped'} (FTP 452) until S3 takes the waiting files. Nothing waiting is deleted. Check the uplink and the last upload error (\`camflow gateway status\`), or raise spoolLimitMB.`,
        { camera, bytesUsed, limitBytes, waitingFiles: waiting.length, oldestWaiting: waiting[0]?.file.key },
      );
      const numbers = `${Math.round(bytesUsed / 1024)} KiB of ${Math.round(limitBytes / 1024)} KiB`;
      throw new SpoolFull(
        check === 'new file'
          ? `gateway spool full (${numbers} waiting for S3); try again later`
          : `gateway spool full: upload cut at the limit (${numbers}); the partial file was dropped, send it again later`,
      );
    }
    if (this.refusing && check === 'new file') {
      this.refusing = false;
      this.options.logger.info('Spool below its limit again: accepting uploads', { bytesUsed: this.bytesInUse(), limitBytes: this.options.limitBytes });
    }
  }

  private async freeKeptCopies(check: LimitCheck): Promise<void> {
    const kept = [...this.entries.values()].filter((e) => e.confirmedAt && !e.removedAt && !this.confirming.has(e.file.id)).sort((a, b) => a.confirmedAt!.localeCompare(b.confirmedAt!));
    for (const entry of kept) {
      if (!this.overLimit(check)) return;
      if (entry.removedAt) continue; // removed meanwhile (another upload made room)
      await this.remove(entry, 'disk-guard');
      this.options.logger.warn('Disk guard removed a kept copy (already confirmed by S3) to make room', { key: entry.file.key });
    }
  }

  /** A writable that receives one file; it finishes only once the file is fsynced and journaled. */
  createReceiveStream(file: Omit<NewFile, 'modifiedAt' | 'source'>): ReceiveStream {
    // A file is on its way (the uploader gets its S3 sender ready meanwhile).
    this.emit('receiving', file.camera);
    return new ReceiveStream(this, file);
  }

  /**
   * `--watch` mode: copies a complete file into the spool. `duplicate`: already spooled before.
   * `body`: the file's bytes, from a handle the caller opened safely (default: read its path).
   */
  async ingestFile(file: NewFile & { source: NonNullable<NewFile['source']> }, body?: Readable): Promise<SpooledFile | 'duplicate'> {
    const known = [...this.entries.values()].find(
      (e) => e.file.source && e.file.source.path === file.source.path && e.file.source.size === file.source.size && e.file.source.mtimeMs === file.source.mtimeMs,
    );
    if (known) {
      body?.destroy();
      return 'duplicate';
    }
    this.emit('receiving', file.camera);
    const stream = new ReceiveStream(this, file);
    await pipeline(body ?? createReadStream(file.source.path), stream);
    return stream.result ?? 'duplicate';
  }

  /** @internal ReceiveStream's bookkeeping. */
  reserve(bytes: number): void {
    this.receivingBytes += bytes;
  }

  /** @internal A fully written, fsynced file becomes a journaled spool entry. */
  async commitReceived(
    partial: { id: string; relativePath: string; size: number; sha256: string; md5: string; parts?: SpooledFile['parts']; receivedAt: Date; replaces?: string },
    file: NewFile,
  ): Promise<SpooledFile | 'duplicate'> {
    const cameraPath = file.segments.join('/');
    const duplicate = [...this.entries.values()].find((e) => e.file.camera === file.camera && e.file.cameraPath === cameraPath && e.file.sha256 === partial.sha256);
    if (duplicate) {
      await unlink(join(this.options.directory, partial.relativePath));
      this.options.logger.info('Same file received again (same name, same bytes): kept the first copy', { camera: file.camera, key: duplicate.file.key });
      return 'duplicate';
    }
    // A resumed transfer, or one sent again whole, continues the cut-off copy: same key, one clip.
    const previous = partial.replaces ? this.entries.get(partial.replaces) : undefined;
    const named = this.keyFor(file.camera, file.segments, file.modifiedAt);
    const key = previous ? previous.file.key : named.key;
    const capture = previous ? { capturedAt: new Date(previous.file.capturedAt), source: previous.file.capturedAtSource } : named.capture;
    const baseName = named.baseName;
    const heldUntil = previous ? previous.file.heldUntil : file.temporary ? new Date(Date.now() + this.holdTemporaryMs).toISOString() : undefined;
    const spooled: SpooledFile = {
      id: partial.id,
      camera: file.camera,
      key,
      file: partial.relativePath,
      size: partial.size,
      sha256: partial.sha256,
      md5: partial.md5,
      ...(partial.parts ? { parts: partial.parts } : {}),
      contentType: contentTypeFor(baseName),
      capturedAt: capture.capturedAt.toISOString(),
      capturedAtSource: capture.source,
      receivedAt: partial.receivedAt.toISOString(),
      cameraPath,
      ...(file.source ? { source: file.source } : {}),
      ...(heldUntil ? { heldUntil } : {}),
    };
    this.entries.set(spooled.id, { file: spooled });
    this.storedBytes += spooled.size;
    await this.journalAppend({ op: 'received', at: spooled.receivedAt, file: spooled });
    this.options.logger.info(heldUntil ? 'File received under a temporary name: held until renamed' : 'File received and spooled', {
      camera: spooled.camera,
      key,
      size: spooled.size,
      capturedAt: spooled.capturedAt,
      capturedAtSource: spooled.capturedAtSource,
      ...(heldUntil ? { heldUntil } : {}),
    });
    if (previous) {
      const notSent = !previous.removedAt && !previous.confirmedAt && !this.uploading.has(previous.file.id);
      if (notSent) await this.drop(previous, 'replaced');
      this.options.logger.info(notSent ? 'The complete file replaces its cut-off copy (never sent): one clip' : 'The complete file replaces its cut-off copy already sent: same key, uploaded again', {
        camera: spooled.camera,
        key,
        cutOffBytes: previous.file.size,
        completeBytes: spooled.size,
      });
    }
    if (heldUntil) this.scheduleRelease(spooled);
    this.emit('received', spooled);
    return spooled;
  }

  /** S3 confirmed the file: journal it, then remove the copy (or keep it `keepLocalHours`). */
  async confirm(id: string, confirmation: { confirmedBy: ConfirmationMethod; etag?: string; checksumSHA256?: string }): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.confirmedAt) return;
    // Out of the queue at once; removable only once the confirmation is on disk.
    entry.confirmedAt = new Date().toISOString();
    entry.confirmedBy = confirmation.confirmedBy;
    this.confirming.add(id);
    try {
      await this.journalAppend({ op: 'confirmed', at: entry.confirmedAt, id, ...confirmation });
    } finally {
      this.confirming.delete(id);
    }
    if (this.options.keepLocalHours <= 0) await this.remove(entry, 'confirmed');
  }

  /** Removes kept copies older than `keepLocalHours`. */
  async sweepKeptCopies(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const entry of [...this.entries.values()]) {
      if (!entry.confirmedAt || entry.removedAt || this.confirming.has(entry.file.id)) continue;
      if (Date.parse(entry.confirmedAt) + this.options.keepLocalHours * 3600_000 > now) continue;
      await this.remove(entry, 'kept-expired');
      removed++;
    }
    return removed;
  }

  /** Removes a file S3 never got, because it was replaced by a complete copy or deleted while held. */
  private async drop(entry: SpoolEntry, reason: 'replaced' | 'deleted'): Promise<void> {
    if (entry.removedAt || entry.confirmedAt || this.uploading.has(entry.file.id)) return;
    entry.removedAt = new Date().toISOString();
    entry.removedReason = reason;
    this.storedBytes -= entry.file.size;
    clearTimeout(this.holdTimers.get(entry.file.id));
    await unlink(join(this.options.directory, entry.file.file)).catch(() => undefined);
    // Synced: after a crash the dropped copy must not be uploaded as a clip of its own.
    await this.journalAppend({ op: 'removed', at: entry.removedAt, id: entry.file.id, reason });
  }

  private async remove(entry: SpoolEntry, reason: Extract<RemovalReason, 'confirmed' | 'kept-expired' | 'disk-guard'>): Promise<void> {
    if (!entry.confirmedAt) throw new Error(`Refusing to remove ${entry.file.key}: S3 has not confirmed it.`);
    if (entry.removedAt) return; // another path removed it meanwhile
    // Marked first, so two callers never both remove (and uncount) the same file.
    entry.removedAt = new Date().toISOString();
    entry.removedReason = reason;
    this.storedBytes -= entry.file.size;
    await unlink(join(this.options.directory, entry.file.file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      delete entry.removedAt;
      delete entry.removedReason;
      this.storedBytes += entry.file.size;
      throw error;
    });
    // Not fsynced: if this line is lost, the next start finds the file gone and records it then.
    await this.journalAppend({ op: 'removed', at: entry.removedAt, id: entry.file.id, reason }, { sync: false });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.holdTimers.values()) clearTimeout(timer);
    this.holdTimers.clear();
    await this.journal.close();
    try {
      if (readFileSync(this.paths.lock, 'utf8').trim() === String(process.pid)) unlinkSync(this.paths.lock);
    } catch {
      // already gone
    }
  }
}

function isHeld(file: SpooledFile, now: number): boolean {
  return !!file.heldUntil && Date.parse(file.heldUntil) > now;
}

/** Size, SHA-256, MD5 and part digests of a file on disk (a remuxed MP4). */
async function digestFile(path: string, partSize: number): Promise<{ size: number; sha256: string; md5: string; parts: SpooledFile['parts'] }> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  // PartDigests feeds the whole-file SHA-256 too: one pass, as for a received file.
  const parts = new PartDigests(partSize, sha256);
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    md5.update(chunk as Buffer);
    parts.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size, sha256: sha256.digest('base64'), md5: md5.digest('hex'), parts: parts.result() };
}

function byReceived(a: SpoolEntry, b: SpoolEntry): number {
  return a.file.receivedAt.localeCompare(b.file.receivedAt) || a.file.id.localeCompare(b.file.id);
}

function newId(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(5).toString('hex')}`;
}

/**
 * Writes one incoming file into the spool while hashing it (SHA-256 and MD5). `finish` is
 * emitted only after the data is fsynced and the journal line is on disk, so ftp-srv sends
 * "226" only for a file that survives a power cut. A transfer that breaks leaves nothing.
 */
export class ReceiveStream extends Writable {
  private handle: FileHandle | undefined;
  private readonly sha256: Hash = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  private readonly parts: PartDigests;
  private bytes = 0;
  /** Bytes counted against the spool limit while this file is being received. */
  private reserved = 0;
  private readonly id: string;
  private readonly relativePath: string;
  private readonly receivedAt = new Date();
  private committed = false;
  private finalizing = false;
  private aborted = false;
  /** The copy this one may continue when sent again whole: its first bytes are hashed to compare. */
  private readonly candidate: { id: string; size: number; sha256: string } | undefined;
  private readonly prefix: Hash = createHash('sha256');
  result: SpooledFile | 'duplicate' | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly file: Omit<NewFile, 'modifiedAt'> & { modifiedAt?: Date },
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.parts = new PartDigests(spool.partSizeBytes, this.sha256);
    this.id = newId(this.receivedAt);
    this.candidate = file.source || file.resumeFrom ? undefined : spool.resendCandidate(file.camera, file.segments.join('/'));
    const extension = extensionOf(file.segments.at(-1) ?? '');
    this.relativePath = join('files', extension ? `${this.id}.${extension}` : this.id);
  }

  get path(): string {
    return join(this.spool.directory, this.relativePath);
  }

  /** Bytes of the file so far (a resumed one's held first bytes included). */
  get receivedBytes(): number {
    return this.bytes;
  }

  private reserve(bytes: number): void {
    this.reserved += bytes;
    this.spool.reserve(bytes);
  }

  private unreserve(): void {
    this.spool.reserve(-this.reserved);
    this.reserved = 0;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    const start = async () => {
      this.handle = await open(this.path, 'wx');
      const resume = this.file.resumeFrom;
      if (!resume || resume.offset <= 0) return;
      // REST n / APPE: the first n bytes are the held copy's.
      const held = this.spool.entryFile(resume.id);
      if (!held || held.size < resume.offset) throw new Error('the file to resume is no longer held');
      for await (const chunk of createReadStream(this.spool.pathOf(held), { start: 0, end: resume.offset - 1, highWaterMark: 1024 * 1024 })) {
        this.take(chunk as Buffer);
        await this.handle.write(chunk as Buffer);
      }
    };
    start().then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  /** Hashes a chunk on its way to disk and counts it against the spool limit. */
  private take(chunk: Buffer): void {
    if (this.candidate && this.bytes < this.candidate.size) this.prefix.update(chunk.subarray(0, this.candidate.size - this.bytes));
    // Feeds this.sha256 too.
    this.parts.update(chunk);
    this.md5.update(chunk);
    this.bytes += chunk.length;
    this.reserve(chunk.length);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take(chunk);
    this.spool
      .ensureRoomWhileReceiving(this.file.camera)
      .then(() => this.handle!.write(chunk))
      .then(() => callback(), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    for (const b of buffers) this.take(b);
    this.spool
      .ensureRoomWhileReceiving(this.file.camera)
      .then(() => this.handle!.writev(buffers))
      .then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finalizing = true;
    const finish = async () => {
      if (this.aborted) return this.discard();
      await this.handle!.sync();
      await this.handle!.close();
      this.handle = undefined;
      await this.spool.syncFilesFolder();
      // The transfer broke while the data was being made durable: not a file we acknowledge.
      if (this.aborted) return this.discard();
      const modifiedAt = this.file.modifiedAt ?? this.receivedAt;
      // commitReceived counts the file as a spool entry before its first await: no gap, no double count.
      this.unreserve();
      const continues = this.candidate && this.bytes > this.candidate.size && this.prefix.digest('base64') === this.candidate.sha256 ? this.candidate.id : undefined;
      const replaces = this.file.resumeFrom?.id ?? continues;
      this.result = await this.spool.commitReceived(
        {
          id: this.id,
          relativePath: this.relativePath,
          size: this.bytes,
          sha256: this.sha256.digest('base64'),
          md5: this.md5.digest('hex'),
          parts: this.parts.result(),
          receivedAt: this.receivedAt,
          ...(replaces ? { replaces } : {}),
        },
        { ...this.file, modifiedAt },
      );
      this.committed = true;
    };
    finish().then(
      () => callback(),
      (error: Error) => this.discard().then(() => callback(error)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.unreserve();
    if (this.committed) return callback(error);
    this.aborted = true;
    // A finalization in progress cleans up after itself (or has already journaled the file).
    if (this.finalizing) return callback(error);
    // discard() never rejects: it ignores a failed close or unlink.
    void this.discard().then(() => callback(error));
  }

  /** Closes and deletes the partial file (never a committed one). */
  private async discard(): Promise<void> {
    this.unreserve();
    if (this.committed) return;
    const handle = this.handle;
    this.handle = undefined;
    await Promise.resolve(handle?.close()).catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}

/** SHA-256 of each `partSize` slice of a stream: what S3's composite checksum is made of. */
export class PartDigests {
  private current: Hash | undefined;
  private inPart = 0;
  private readonly digests: string[] = [];

  /**
   * `whole`: the whole file's SHA-256, fed here (not by the caller). The first part's digest is
   * then a copy of it at the part boundary, not a second pass: a clip that fits in one part is
   * hashed with SHA-256 once, not twice.
   */
  constructor(
    readonly partSize: number,
    private readonly whole?: Hash,
  ) {
    if (!whole) this.current = createHash('sha256');
  }

  update(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partSize - this.inPart, chunk.length - offset);
      const piece = chunk.subarray(offset, offset + take);
      this.whole?.update(piece);
      this.current?.update(piece);
      this.inPart += take;
      offset += take;
      if (this.inPart === this.partSize) {
        this.digests.push(this.current ? this.current.digest('base64') : this.whole!.copy().digest('base64'));
        this.current = createHash('sha256');
        this.inPart = 0;
      }
    }
  }

  /** Undefined for a file that fits in one part (it goes up as a single PUT). */
  result(): { partSize: number; sha256: string[] } | undefined {
    const digests = [...this.digests];
    if (this.inPart > 0 && this.current) digests.push(this.current.digest('base64'));
    return digests.length > 1 ? { partSize: this.partSize, sha256: digests } : undefined;
  }
}

/** Part digests of a file on disk (when the part size changed since the file arrived). */
export async function partDigestsOfFile(path: string, partSize: number): Promise<{ partSize: number; sha256: string[] } | undefined> {
  const parts = new PartDigests(partSize);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) parts.update(chunk as Buffer);
  return parts.result();
}
