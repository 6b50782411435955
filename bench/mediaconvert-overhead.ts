/**
 * The baseline of the pipeline-overhead benchmark: bare ffmpeg making the same outputs as a
 * MediaConvert job's settings, from a local file, with the same encoder settings — the very
 * command lines the local engine runs (one decode feeding every output, plus the copy-only
 * run that cuts the MP4 into the matching HLS rendition), without S3, the queue, the probe
 * or the master playlist. Only the ffmpeg runs are timed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultFfmpeg, runFfmpeg } from '../runtime/mediaconvert/ffmpeg-binary.ts';
import { readJobSettings } from '../runtime/mediaconvert/job-settings.ts';
import { renderCommands } from '../runtime/mediaconvert/render-command.ts';
import { probeSource } from '../runtime/mediaconvert/source-probe.ts';

export interface BaselineOptions {
  /** Default: the engine's choice (ffmpeg on PATH, else the npm-shipped one). */
  ffmpegPath?: string;
  /** Scratch folder for the outputs (removed afterwards); default a temp folder. */
  workDirectory?: string;
}

/** Seconds bare ffmpeg takes to make the job's outputs from `sourcePath`. */
export async function bareFfmpegBaseline(sourcePath: string, settings: Record<string, unknown>, options: BaselineOptions = {}): Promise<{ seconds: number }> {
  const ffmpeg = options.ffmpegPath ?? defaultFfmpeg();
  const plan = readJobSettings(settings);
  const report = await probeSource(ffmpeg, sourcePath);
  const scratch = await mkdtemp(join(options.workDirectory ?? tmpdir(), 'camflow-bare-ffmpeg-'));
  try {
    const groupDirectory = (gi: number) => join(scratch, `group-${gi}`);
    const commands = renderCommands(plan, report, sourcePath, groupDirectory);
    await Promise.all(plan.groups.map((_, gi) => mkdir(groupDirectory(gi), { recursive: true })));
    const started = performance.now();
    await runFfmpeg(ffmpeg, commands.encode);
    for (const args of commands.remux) await runFfmpeg(ffmpeg, args);
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
