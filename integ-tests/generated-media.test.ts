import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegGenerated, ffmpegGeneratedSync, onlyGeneratedInputs } from './generated-media.ts';

const dir = mkdtempSync(join(tmpdir(), 'camflow-generated-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ffmpeg behind a script that counts its runs (`-version` not counted). */
const counted = join(dir, 'ffmpeg');
writeFileSync(counted, `#!/bin/sh\n[ "$2" = "-version" ] || echo run >> ${join(dir, 'runs')}\nexec ffmpeg "$@"\n`);
chmodSync(counted, 0o755);
const runs = () => readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length;
const cacheDirectory = join(dir, 'cache');
const clip = (seconds: number, output: string) => ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=10:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', output];

describe('clips made from generated sources, kept by what made them', () => {
  it('tells generated inputs from files and pipes', () => {
    expect(onlyGeneratedInputs(['-f', 'lavfi', '-i', 'testsrc2', '-f', 'lavfi', '-i', 'sine', 'out.mp4'])).toBe(true);
    expect(onlyGeneratedInputs(['-f', 'lavfi', '-i', 'testsrc2', '-i', 'camera.mp4', 'out.mp4'])).toBe(false);
    expect(onlyGeneratedInputs(['-f', 'h264', '-i', '-', 'out.mp4'])).toBe(false);
    expect(onlyGeneratedInputs(['-version'])).toBe(false);
  });

  it('runs ffmpeg once for the same arguments, then copies the same bytes; other arguments or a file input run it again', async () => {
    await ffmpegGenerated(counted, clip(1, join(dir, 'a.mp4')), { cacheDirectory });
    ffmpegGeneratedSync(counted, clip(1, join(dir, 'b.mp4')), { cacheDirectory });
    expect(runs()).toBe(1);
    expect(readFileSync(join(dir, 'b.mp4')).equals(readFileSync(join(dir, 'a.mp4')))).toBe(true);
    // A relative output is relative to cwd, copied or made.
    await ffmpegGenerated(counted, clip(1, 'relative.mp4'), { cacheDirectory, cwd: dir });
    expect(readFileSync(join(dir, 'relative.mp4')).equals(readFileSync(join(dir, 'a.mp4')))).toBe(true);
    expect(runs()).toBe(1);

    await ffmpegGenerated(counted, clip(2, join(dir, 'c.mp4')), { cacheDirectory });
    expect(runs()).toBe(2);
    const remux = ['-v', 'error', '-y', '-i', join(dir, 'a.mp4'), '-c', 'copy', join(dir, 'd.mkv')];
    await ffmpegGenerated(counted, remux, { cacheDirectory });
    await ffmpegGenerated(counted, remux, { cacheDirectory });
    expect(runs()).toBe(4);
  });

  it('a failing command fails as ffmpeg does and keeps nothing', async () => {
    const bad = ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'no_such_source', join(dir, 'bad.mp4')];
    await expect(ffmpegGenerated(counted, bad, { cacheDirectory })).rejects.toThrow(/no_such_source/);
    await expect(ffmpegGenerated(counted, bad, { cacheDirectory })).rejects.toThrow(/no_such_source/);
  });
});
