/**
 * `--watch DIR`: the gateway beside an existing FTP server (vsftpd, pure-ftpd). Each camera
 * uploads into `DIR/<camera id>/…`; a file counts as complete once its size and mtime have
 * not changed for `stableSeconds`. It is then copied into the spool (fsynced, journaled) and
 * only then removed from DIR. Hidden files (FTP servers' temporary names) are ignored.
 *
 * Symbolic links are never followed, and nothing outside DIR is read or deleted: entries are
 * looked at with lstat, a file is opened with O_NOFOLLOW and must be the very file the scan saw
 * (same device and inode) at the very place it saw it (the opened file's real path, so a folder
 * swapped for a link between scan and read is caught), and it is checked again before removal.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { CAMERA_ID_PATTERN } from '../domain/clip-contract.ts';
import { checkExtension, FileNameRefused, resolveCameraPath } from './file-names.ts';
import { SpoolFull, type Spool } from './spool.ts';

export interface FolderWatchOptions {
  directory: string;
  /** When not empty, only these camera folders are read. */
  cameras: readonly string[];
  allowedExtensions: readonly string[];
  stableMs: number;
  scanMs: number;
  spool: Spool;
  logger: Logger;
}

interface Sighting {
  size: number;
  mtimeMs: number;
  unchangedSince: number;
}

/** A file that is not where, or not what, the scan saw: it is left alone. */
export class WatchedFileMoved extends Error {
  override name = 'WatchedFileMoved';
}

interface FoundFile {
  path: string;
  /** The names below the camera folder, as found. */
  segments: string[];
}

export interface FolderWatch {
  /** One scan now (tests). */
  scan(): Promise<void>;
  stop(): Promise<void>;
}

/** Regular files below `folder` (links and other special files are reported, not followed). */
async function* filesBelow(folder: string, onLink: (path: string) => void, prefix: string[] = []): AsyncGenerator<FoundFile> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) continue;
    if (stats.isSymbolicLink()) onLink(path);
    else if (stats.isDirectory()) yield* filesBelow(path, onLink, [...prefix, name]);
    else if (stats.isFile()) yield { path, segments: [...prefix, name] };
  }
}

/** The real path of an open file (Linux: /proc/self/fd; elsewhere: realpath of its name). */
async function realPathOf(handle: FileHandle, path: string): Promise<string> {
  try {
    return await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return realpath(path);
  }
}

const sameFile = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

/**
 * Opens a watched file for reading without following any link: O_NOFOLLOW for the file
 * itself, and the opened file's real path must be `expected` (no folder on the way was a link).
 */
async function openInPlace(file: FoundFile, expected: string, seen: Stats): Promise<FileHandle> {
  const handle = await open(file.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || !sameFile(stats, seen)) throw new WatchedFileMoved('not the file the scan saw');
    if ((await realPathOf(handle, file.path)) !== expected) throw new WatchedFileMoved('a folder on its way is a link, or it moved');
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Removes a spooled source file, only if it is still the same file at the same real place. */
async function removeInPlace(file: FoundFile, expected: string, seen: Stats): Promise<void> {
  if ((await realpath(dirname(file.path))) !== dirname(expected)) throw new WatchedFileMoved('a folder on its way is a link, or it moved');
  const now = await lstat(file.path);
  if (!now.isFile() || !sameFile(now, seen)) throw new WatchedFileMoved('not the file the scan saw');
  await unlink(file.path);
}

export function startFolderWatch(options: FolderWatchOptions): FolderWatch {
  const { logger, spool } = options;
  const seen = new Map<string, Sighting>();
  const reported = new Set<string>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const reportOnce = (path: string, message: string, extra: Record<string, unknown>) => {
    if (reported.has(path)) return;
    reported.add(path);
    logger.warn(message, { path, ...extra });
  };

  const onLink = (path: string) => reportOnce(path, 'Symbolic link ignored: the watch never follows links', {});

  const scanOnce = async () => {
    // The watched folder itself may be a link (the operator chose it); nothing below it may.
    const root = await realpath(options.directory).catch(() => undefined);
    if (!root) return;
    const cameraFolders = (await readdir(root).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
    const present = new Set<string>();
    for (const camera of cameraFolders.sort()) {
      if (!CAMERA_ID_PATTERN.test(camera) || (options.cameras.length && !options.cameras.includes(camera))) {
        reportOnce(join(options.directory, camera), 'Folder ignored: not a configured camera id', { camera });
        continue;
      }
      const cameraFolder = join(root, camera);
      const folderStats = await lstat(cameraFolder).catch(() => undefined);
      if (folderStats?.isSymbolicLink()) onLink(cameraFolder);
      if (!folderStats?.isDirectory()) continue;
      for await (const file of filesBelow(cameraFolder, onLink)) {
        if (stopped) return;
        present.add(file.path);
        let segments: string[];
        try {
          segments = resolveCameraPath('/', file.segments.join('/'));
          checkExtension(segments.at(-1)!, options.allowedExtensions);
        } catch (error) {
          if (error instanceof FileNameRefused) reportOnce(file.path, 'File left in place: refused', { camera, reason: error.message });
          continue;
        }
        const stats = await lstat(file.path).catch(() => undefined);
        if (!stats?.isFile()) continue;
        const now = Date.now();
        const before = seen.get(file.path);
        if (!before || before.size !== stats.size || before.mtimeMs !== stats.mtimeMs) {
          seen.set(file.path, { size: stats.size, mtimeMs: stats.mtimeMs, unchangedSince: now });
          continue;
        }
        if (now - before.unchangedSince < options.stableMs) continue;
        const expected = join(cameraFolder, ...file.segments);
        try {
          await spool.admitNewFile(camera);
          const handle = await openInPlace(file, expected, stats);
          await spool.ingestFile({ camera, segments, modifiedAt: stats.mtime, source: { path: file.path, size: stats.size, mtimeMs: stats.mtimeMs } }, handle.createReadStream());
          await removeInPlace(file, expected, stats);
        } catch (error) {
          if (error instanceof SpoolFull) return; // logged by the spool; files stay in the watched folder
          if (error instanceof WatchedFileMoved || (error as NodeJS.ErrnoException).code === 'ELOOP') {
            reportOnce(file.path, 'File left in place: it is a link, or is reached through one', { camera, reason: (error as Error).message });
            continue;
          }
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        seen.delete(file.path);
      }
    }
    for (const path of seen.keys()) if (!present.has(path)) seen.delete(path);
  };

  const scan = () => {
    running = running.then(scanOnce).catch((error: Error) => logger.error('Folder scan failed', { error: { name: error.name, message: error.message } }));
    return running;
  };

  const tick = () => {
    if (stopped) return;
    void scan().then(() => {
      if (!stopped) timer = setTimeout(tick, options.scanMs);
    });
  };
  logger.info('Watching for camera uploads', { directory: options.directory, stableSeconds: options.stableMs / 1000 });
  tick();

  return {
    scan,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
