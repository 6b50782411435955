/**
 * `--watch DIR`: the gateway beside an existing FTP server (vsftpd, pure-ftpd). Each camera
 * uploads into `DIR/<camera id>/…`; a file counts as complete once its size and mtime have
 * not changed for `stableSeconds`. It is then copied into the spool (fsynced, journaled) and
 * only then removed from DIR. Hidden files (FTP servers' temporary names) are ignored.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { CAMERA_ID_PATTERN } from '../workflows/clip-contract.ts';
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

export interface FolderWatch {
  /** One scan now (tests). */
  scan(): Promise<void>;
  stop(): Promise<void>;
}

async function* filesBelow(folder: string, prefix: string[] = []): AsyncGenerator<{ path: string; segments: string[] }> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const stats = await stat(path).catch(() => undefined);
    if (!stats) continue;
    if (stats.isDirectory()) yield* filesBelow(path, [...prefix, name]);
    else if (stats.isFile()) yield { path, segments: [...prefix, name] };
  }
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

  const scanOnce = async () => {
    const cameraFolders = (await readdir(options.directory).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
    const present = new Set<string>();
    for (const camera of cameraFolders.sort()) {
      if (!CAMERA_ID_PATTERN.test(camera) || (options.cameras.length && !options.cameras.includes(camera))) {
        reportOnce(join(options.directory, camera), 'Folder ignored: not a configured camera id', { camera });
        continue;
      }
      for await (const file of filesBelow(join(options.directory, camera))) {
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
        const stats = await stat(file.path).catch(() => undefined);
        if (!stats) continue;
        const now = Date.now();
        const before = seen.get(file.path);
        if (!before || before.size !== stats.size || before.mtimeMs !== stats.mtimeMs) {
          seen.set(file.path, { size: stats.size, mtimeMs: stats.mtimeMs, unchangedSince: now });
          continue;
        }
        if (now - before.unchangedSince < options.stableMs) continue;
        try {
          await spool.admitNewFile(camera);
        } catch (error) {
          if (error instanceof SpoolFull) return; // logged by the spool; files stay in the watched folder
          throw error;
        }
        await spool.ingestFile({ camera, segments, modifiedAt: stats.mtime, source: { path: file.path, size: stats.size, mtimeMs: stats.mtimeMs } });
        await unlink(file.path).catch(() => undefined);
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
