/**
 * Which ffmpeg renders, and running it. The choice: the `ffmpegPath` option, else `ffmpeg`
 * on PATH (Debian's 5.1 here), else the static build shipped by `@ffmpeg-installer/ffmpeg`
 * (a 2018 build that comes without ffprobe — the engine needs only ffmpeg).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';

/** The niceness of every ffmpeg the local MediaConvert runs (0 normal, 19 lowest). */
export const RENDER_NICENESS = 10;

const require = createRequire(import.meta.url);

/** The npm-shipped static ffmpeg (absolute path), or undefined when the package is missing. */
export function npmShippedFfmpeg(): string | undefined {
  try {
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined;
  }
}

function runs(binary: string): boolean {
  const result = spawnSync(binary, ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

let chosen: string | undefined;

/** `ffmpeg` on PATH when it runs, else the npm-shipped one. Memoized. */
export function defaultFfmpeg(): string {
  if (chosen) return chosen;
  if (runs('ffmpeg')) return (chosen = 'ffmpeg');
  const shipped = npmShippedFfmpeg();
  if (shipped && runs(shipped)) return (chosen = shipped);
  throw new Error('No ffmpeg found: install ffmpeg (apt-get install ffmpeg / brew install ffmpeg) or run `npm install` so @ffmpeg-installer/ffmpeg provides one.');
}

export class FfmpegFailed extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    const last = stderr.trim().split('\n').slice(-6).join('\n');
    super(`ffmpeg ${signal ? `was stopped by ${signal}` : `exited with code ${exitCode}`}${last ? `: ${last}` : ''}`);
  }
}

/** Runs ffmpeg to completion; rejects with `FfmpegFailed` (stderr tail included). `onSpawn` sees the process (to stop it). */
export function runFfmpeg(binary: string, args: string[], onSpawn?: (child: ChildProcess) => void): Promise<{ stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    // Renders run niced: on one machine they share the CPU with the workflow's own tasks, and
    // validating a clip and sending its alert must not wait for renders (in AWS they never share).
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, RENDER_NICENESS);
      } catch {
        // Not permitted here: renders run at normal priority.
      }
    }
    onSpawn?.(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
    });
    child.on('error', (error) => reject(error));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stderr });
      else reject(new FfmpegFailed(args, code, signal, stderr));
    });
  });
}
