/**
 * Remuxing on the gateway: Dahua's `.dav` (DHAV) recordings and raw H.264 streams (`.h264`,
 * `.264`) are put in an MP4 container with ffmpeg — stream copy, no re-encode, so it costs a
 * Raspberry Pi almost nothing — before upload, because MediaConvert does not read them.
 * ffmpeg comes from PATH (or `ffmpegPath`); without it the file goes up as it arrived and the
 * reason is recorded with it.
 */
import { execFile } from 'node:child_process';
import { extensionOf } from './file-names.ts';
import type { SpooledFile } from './journal.ts';

/** Extensions remuxed to MP4 before upload, and the ffmpeg demuxer that reads each. */
export const REMUX_FORMATS: Readonly<Record<string, string>> = { dav: 'dhav', h264: 'h264', '264': 'h264' };

/** A file still to remux: a `.dav`/`.h264`/`.264` key, not remuxed and not already given up on. */
export function needsRemux(file: Pick<SpooledFile, 'key' | 'remuxedFrom' | 'remuxFailed'>): boolean {
  return !file.remuxedFrom && !file.remuxFailed && Object.hasOwn(REMUX_FORMATS, extensionOf(file.key));
}

export type RemuxResult = { ok: true } | { ok: false; reason: string };

/** ffmpeg's last error lines, without paths of this box. */
function lastLines(text: string, paths: string[]): string {
  let out = text.trim().split('\n').slice(-3).join(' | ');
  for (const p of paths) out = out.split(p).join('<file>');
  return out.slice(0, 500);
}

/**
 * `ffmpeg -f <demuxer> -i input -map 0:v -map 0:a? -c copy output.mp4`. Raw H.264 has no
 * timestamps: `+genpts` makes them (at ffmpeg's default 25 fps). Audio in a DHAV file that MP4
 * cannot carry (G.711) is dropped rather than failing the whole remux.
 */
export function remuxToMp4(input: string, output: string, extension: string, ffmpeg = 'ffmpeg', timeoutMs = 120_000): Promise<RemuxResult> {
  const format = REMUX_FORMATS[extension] ?? 'h264';
  const attempt = (audio: boolean) =>
    new Promise<RemuxResult>((resolve) => {
      const args = [
        '-hide_banner',
        '-v',
        'error',
        '-y',
        '-fflags',
        '+genpts',
        '-f',
        format,
        '-i',
        input,
        '-map',
        '0:v:0',
        ...(audio ? ['-map', '0:a?'] : []),
        '-c',
        'copy',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        output,
      ];
      execFile(ffmpeg, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
        if (!error) return resolve({ ok: true });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ ok: false, reason: `ffmpeg not found (${ffmpeg}): install ffmpeg on the gateway (apt install ffmpeg) so .${extension} files are remuxed to MP4` });
        resolve({ ok: false, reason: `ffmpeg could not remux the .${extension} file: ${lastLines(String(stderr || error.message), [input, output]) || 'no error text'}` });
      });
    });
  return attempt(true).then((first) => (first.ok || first.reason.startsWith('ffmpeg not found') ? first : attempt(false).then((second) => (second.ok ? second : first))));
}
