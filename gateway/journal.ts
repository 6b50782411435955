/**
 * The spool's journal: one JSON line per event, appended and fsynced before the event counts
 * (a file is "received" only once its line is on disk; the camera gets its 226 after that).
 * Concurrent appends share one write + fsync (group commit). On every start the journal is
 * rewritten with only what still matters (write tmp + fsync + rename + fsync the folder), which
 * also drops a line torn by a power cut.
 */
import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A file the gateway accepted: everything needed to upload it, decided when it arrived. */
export interface SpooledFile {
  id: string;
  camera: string;
  /** The S3 key, fixed at receive time: every retry, after any restart, goes to this key. */
  key: string;
  /** Path of the spooled copy, relative to the spool folder. */
  file: string;
  size: number;
  /** SHA-256 of the bytes received, base64 (the form S3 uses). */
  sha256: string;
  /** MD5 of the bytes received, hex (the form of an S3 ETag). */
  md5: string;
  /** Files larger than one part: the SHA-256 of each part (base64) at this part size, for S3's composite checksum. */
  parts?: { partSize: number; sha256: string[] };
  contentType: string;
  capturedAt: string;
  capturedAtSource: string;
  receivedAt: string;
  /** The path the camera gave, below its folder. */
  cameraPath: string;
  /** `--watch` mode: the file it came from, to recognise it if seen again. */
  source?: { path: string; size: number; mtimeMs: number };
  /**
   * A temporary name (`clip.mp4.tmp`, `clip.mp4_`, no extension…): held, not uploaded, until the
   * camera renames it (RNFR/RNTO fixes its key) or until this time (then it goes up under its own name).
   */
  heldUntil?: string;
  /** Remuxed on the gateway (`.dav`/`.h264` → MP4): the extension it arrived with. */
  remuxedFrom?: string;
  /** Why a `.dav`/`.h264` file went up as it arrived (ffmpeg missing or failed). */
  remuxFailed?: string;
}

/** What a rename (RNFR/RNTO) or a remux changes in a spooled file. */
export type FileUpdate = Partial<Pick<SpooledFile, 'key' | 'cameraPath' | 'capturedAt' | 'capturedAtSource' | 'contentType' | 'file' | 'size' | 'sha256' | 'md5' | 'remuxedFrom' | 'remuxFailed'>> & {
  /** null: no longer held. */
  heldUntil?: string | null;
  /** null: a single-part file now. */
  parts?: SpooledFile['parts'] | null;
};

export type ConfirmationMethod = 'checksum-sha256' | 'etag-md5' | 'read-back';

export type JournalRecord =
  | { op: 'received'; at: string; file: SpooledFile }
  | { op: 'confirmed'; at: string; id: string; confirmedBy: ConfirmationMethod; etag?: string; checksumSHA256?: string }
  | { op: 'removed'; at: string; id: string; reason: RemovalReason }
  /** RNFR/RNTO of a held file, or a remux before upload: the file's new key, name, or bytes. */
  | { op: 'updated'; at: string; id: string; why: 'renamed' | 'remuxed' | 'remux-failed'; update: FileUpdate };

/**
 * Why a file left the spool: confirmed by S3 (or its kept copy expired / made room), missing at
 * start, `replaced` by a resumed or resent whole copy before it was sent, `deleted` by the camera
 * (DELE) while it was still held under a temporary name.
 */
export type RemovalReason = 'confirmed' | 'kept-expired' | 'disk-guard' | 'missing' | 'replaced' | 'deleted';

/** Applies an update to a file record (in place). */
export function applyUpdate(file: SpooledFile, update: FileUpdate): void {
  const { heldUntil, parts, ...rest } = update;
  Object.assign(file, rest);
  if (heldUntil === null) delete file.heldUntil;
  else if (heldUntil !== undefined) file.heldUntil = heldUntil;
  if (parts === null) delete file.parts;
  else if (parts !== undefined) file.parts = parts;
}

/** One received file's state, replayed from the journal. */
export interface SpoolEntry {
  file: SpooledFile;
  confirmedAt?: string;
  confirmedBy?: ConfirmationMethod;
  removedAt?: string;
  removedReason?: string;
}

export interface JournalContents {
  records: JournalRecord[];
  /** Lines that could not be read (a torn last line after a power cut). */
  unreadableLines: number;
}

export function parseJournal(text: string): JournalContents {
  const records: JournalRecord[] = [];
  let unreadableLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as JournalRecord;
      if (record && typeof record === 'object' && typeof record.op === 'string') records.push(record);
      else unreadableLines++;
    } catch {
      unreadableLines++;
    }
  }
  return { records, unreadableLines };
}

export function readJournal(path: string): JournalContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], unreadableLines: 0 };
    throw error;
  }
  return parseJournal(text);
}

/** Replays records into entries by id. Idempotent: a record seen twice changes nothing. */
export function replayJournal(records: readonly JournalRecord[]): Map<string, SpoolEntry> {
  const entries = new Map<string, SpoolEntry>();
  for (const record of records) {
    if (record.op === 'received') {
      if (!entries.has(record.file.id)) entries.set(record.file.id, { file: record.file });
      continue;
    }
    const entry = entries.get(record.id);
    if (!entry) continue;
    if (record.op === 'confirmed') {
      entry.confirmedAt ??= record.at;
      entry.confirmedBy ??= record.confirmedBy;
    } else if (record.op === 'removed') {
      entry.removedAt ??= record.at;
      entry.removedReason ??= record.reason;
    } else if (record.op === 'updated') {
      applyUpdate(entry.file, record.update);
    }
  }
  return entries;
}

/** The records that reproduce an entry. */
export function recordsOf(entry: SpoolEntry): JournalRecord[] {
  const records: JournalRecord[] = [{ op: 'received', at: entry.file.receivedAt, file: entry.file }];
  if (entry.confirmedAt) records.push({ op: 'confirmed', at: entry.confirmedAt, id: entry.file.id, confirmedBy: entry.confirmedBy ?? 'read-back' });
  if (entry.removedAt) records.push({ op: 'removed', at: entry.removedAt, id: entry.file.id, reason: (entry.removedReason ?? 'confirmed') as 'confirmed' });
  return records;
}

function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Journal {
  private handle: FileHandle | undefined;
  private pending: Array<{ line: string; sync: boolean; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  /** Every write and rewrite runs in this chain, one at a time. */
  private tail: Promise<void> = Promise.resolve();
  private appendedSinceRewrite = 0;

  private constructor(readonly path: string) {}

  static async open(path: string): Promise<Journal> {
    const journal = new Journal(path);
    journal.handle = await open(path, 'a');
    return journal;
  }

  get recordsSinceRewrite(): number {
    return this.appendedSinceRewrite;
  }

  /**
   * Resolves once the record is written and — unless `sync: false` — fsynced. A record whose
   * loss a restart repairs by itself (a removal: the file is gone either way) need not wait
   * for the disk.
   */
  append(record: JournalRecord, options: { sync?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: JSON.stringify(record) + '\n', sync: options.sync ?? true, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.tail = this.tail.then(() => this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    if (!batch.length) return;
    try {
      if (!this.handle) throw new Error('The journal is closed.');
      await this.handle.appendFile(batch.map((b) => b.line).join(''));
      if (batch.some((b) => b.sync)) await this.handle.sync();
      this.appendedSinceRewrite += batch.length;
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }

  /**
   * Replaces the journal with the records `current()` returns when the rewrite runs
   * (after every append queued before it). Appends queued meanwhile follow in the new file;
   * a record present in both is harmless (replay is idempotent).
   */
  rewrite(current: () => JournalRecord[]): Promise<void> {
    const run = async () => {
      const tmp = `${this.path}.tmp`;
      const out = await open(tmp, 'w');
      try {
        await out.writeFile(
          current()
            .map((r) => JSON.stringify(r) + '\n')
            .join(''),
        );
        await out.sync();
      } finally {
        await out.close();
      }
      await this.handle?.close();
      await rename(tmp, this.path);
      fsyncDirectory(dirname(this.path));
      this.handle = await open(this.path, 'a');
      this.appendedSinceRewrite = 0;
    };
    const done = this.tail.then(run);
    this.tail = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * fsyncs of one folder, shared (group commit) and off the event loop: a caller waits for an
 * fsync that started after it asked, and callers that ask while one runs share the next one.
 * Fourteen cameras finishing at once cost two folder fsyncs, not fourteen in a row on the
 * thread that answers them (bench/gateway-latency.ts).
 */
export class FolderSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(readonly path: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      const run = this.fsyncOnce().finally(() => {
        if (this.running === run) this.running = undefined;
      });
      this.running = run;
      return run;
    }
    // The running fsync may have started before this caller's change: wait for the next one.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  private async fsyncOnce(): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
