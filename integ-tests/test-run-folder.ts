/**
 * Vitest's global setup: every `npm test` gets a temporary folder of its own, and removes it when
 * the run ends. The tests make theirs with `mkdtemp(tmpdir())` (local S3 data, spools, media,
 * browser profiles), and many kept them: about 0.5 GB of /tmp per run, 49 GB on a machine here.
 *
 * TMPDIR is set here, in Vitest's own process, before it starts the workers: the workers and
 * every program they start (ffmpeg, Chromium, the AWS CLI, the gateway) inherit it, so
 * `os.tmpdir()` and `mktemp` point into this run's folder. Two runs at once have two folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'camflow-test-run-'));
  process.env.TMPDIR = folder;
  return () => rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
}
