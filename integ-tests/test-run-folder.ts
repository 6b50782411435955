/**
 * Vitest's global setup: every `npm test` gets a temporary folder of its own, and removes it when
 * the run ends. The tests make theirs with `mkdtemp(tmpdir())` (local S3 data, spools, media,
 * browser profiles), and many kept them: about 0.5 GB of /tmp per run, 49 GB on a machine here.
 *
 * TMPDIR is set here, in Vitest's own process, before it starts the workers: the workers and
 * every program they start (ffmpeg, Chromium, the AWS CLI, the gateway) inherit it, so
 * `os.tmpdir()` and `mktemp` point into this run's folder. Two runs at once have two folders.
 *
 * One thing in the system's temporary folder is meant to outlive a run: tsx's cache of compiled
 * TypeScript (`tsx-<uid>`), read by every `node bin/camflow.js` and gateway S3 sender the tests
 * start. The run's folder links to it, so those programs do not compile every module again in
 * each run; removing the run's folder removes the link, not the cache.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The name tsx gives its cache folder in the temporary folder (tsx/dist/temporary-directory). */
export function tsxCacheName(): string {
  return `tsx-${process.geteuid?.() ?? userInfo().username}`;
}

export default function setup(): () => void {
  const system = tmpdir();
  const folder = mkdtempSync(join(system, 'camflow-test-run-'));
  const tsxCache = join(system, tsxCacheName());
  mkdirSync(tsxCache, { recursive: true });
  symlinkSync(tsxCache, join(folder, tsxCacheName()), 'dir');
  process.env.TMPDIR = folder;
  return () => rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
}
