/**
 * Real clips for end-to-end tests and benchmarks, made with ffmpeg on the spot (no media is
 * committed), and ffprobe/MP4 helpers to check what the workflow produced.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegGenerated } from './generated-media.ts';

const run = promisify(execFile);

async function ffmpeg(args: string[]): Promise<void> {
  await ffmpegGenerated('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

const video = (size: string, seconds: number, rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=660:sample_rate=48000:duration=${seconds}`];

export interface ClipFixture {
  name: string;
  path: string;
  /** Source height as displayed (portrait clips are taller than wide). */
  height: number;
  width: number;
  hasAudio: boolean;
}

/** An H.264/AAC MP4 (1080p by default). */
export async function h264AacMp4(dir: string, options: { seconds?: number; size?: string; name?: string } = {}): Promise<ClipFixture> {
  const size = options.size ?? '1920x1080';
  const path = join(dir, options.name ?? `h264-aac-${size}.mp4`);
  await ffmpeg([...video(size, options.seconds ?? 3), ...tone(options.seconds ?? 3), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path]);
  const [width, height] = size.split('x').map(Number) as [number, number];
  return { name: 'H.264/AAC MP4', path, width, height, hasAudio: true };
}

/** An HEVC MKV without audio. */
export async function hevcMkvSilent(dir: string, seconds = 2): Promise<ClipFixture> {
  const path = join(dir, 'hevc-silent.mkv');
  await ffmpeg([...video('1280x720', seconds), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p', path]);
  return { name: 'HEVC MKV, no audio', path, width: 1280, height: 720, hasAudio: false };
}

/** An MJPEG AVI with G.711 µ-law audio, as cheap IP cameras make. */
export async function mjpegAviMulaw(dir: string, seconds = 2): Promise<ClipFixture> {
  const path = join(dir, 'mjpeg-mulaw.avi');
  await ffmpeg([
    ...video('640x480', seconds, 15),
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=8000:duration=${seconds}`,
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
    '-pix_fmt',
    'yuvj420p',
    '-c:a',
    'pcm_mulaw',
    '-ar',
    '8000',
    '-ac',
    '1',
    '-shortest',
    path,
  ]);
  return { name: 'MJPEG AVI with pcm_mulaw', path, width: 640, height: 480, hasAudio: true };
}

/** A portrait 1080x1920 H.264 clip (a phone or a doorbell camera). */
export async function portraitMp4(dir: string, seconds = 2): Promise<ClipFixture> {
  const path = join(dir, 'portrait-1080x1920.mp4');
  await ffmpeg([...video('1080x1920', seconds), ...tone(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path]);
  return { name: 'portrait 1080x1920 MP4', path, width: 1080, height: 1920, hasAudio: true };
}

/**
 * A clip of only a few frames (a camera that triggers on a blip, well under a second):
 * H.264 + AAC in MP4, or MJPEG + µ-law in AVI (re-encoded by the workflow).
 */
export async function fewFramesClip(dir: string, options: { frames: number; rate?: number; codec?: 'h264' | 'mjpeg' }): Promise<ClipFixture & { seconds: number }> {
  const rate = options.rate ?? 25;
  const seconds = options.frames / rate;
  const codec = options.codec ?? 'h264';
  const path = join(dir, `${codec}-${options.frames}-frames.${codec === 'h264' ? 'mp4' : 'avi'}`);
  const source = video('640x360', seconds, rate);
  const encode =
    codec === 'h264'
      ? [...tone(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']
      : [
          '-f',
          'lavfi',
          '-i',
          `sine=frequency=440:sample_rate=8000:duration=${seconds}`,
          '-c:v',
          'mjpeg',
          '-q:v',
          '5',
          '-pix_fmt',
          'yuvj420p',
          '-c:a',
          'pcm_mulaw',
          '-ar',
          '8000',
          '-ac',
          '1',
          '-shortest',
        ];
  await ffmpeg([...source, ...encode, path]);
  return { name: `${options.frames} frames of ${codec} at ${rate} fps`, path, width: 640, height: 360, hasAudio: true, seconds };
}

/** A JPEG still (motion snapshot). */
export async function jpegStill(dir: string): Promise<ClipFixture> {
  const path = join(dir, 'snapshot.jpg');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=1', '-frames:v', '1', '-q:v', '4', path]);
  return { name: 'JPEG still', path, width: 1280, height: 720, hasAudio: false };
}

/**
 * The same noise every run (SHA-256 of a counter). Fresh random bytes now and then hold what a
 * probe takes for a stream (ffprobe found one in 2 of 150 random 64 KiB files), and a run failed:
 * the upload was quarantined as `unsupported-codec`, not `not-media`.
 */
function noise(length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i * 32 < length; i++) blocks.push(createHash('sha256').update(`camflow noise ${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

/** The broken uploads the workflow must quarantine, with the reason it must give. */
export async function brokenUploads(dir: string): Promise<Array<{ name: string; path: string; fileName: string; reason: string }>> {
  const empty = join(dir, 'empty.mp4');
  writeFileSync(empty, Buffer.alloc(0));
  const whole = (await h264AacMp4(dir, { seconds: 2, size: '640x360', name: 'whole.mp4' })).path;
  const truncated = join(dir, 'truncated.mp4');
  const bytes = readFileSync(whole);
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const text = join(dir, 'notes.mp4');
  writeFileSync(text, 'This is a text file that a camera misnamed.\n'.repeat(50));
  const random = join(dir, 'noise.mkv');
  writeFileSync(random, noise(64 * 1024));
  return [
    { name: 'zero-byte file', path: empty, fileName: 'empty.mp4', reason: 'empty' },
    { name: 'truncated MP4', path: truncated, fileName: 'truncated.mp4', reason: 'truncated' },
    { name: 'text file named .mp4', path: text, fileName: 'notes.mp4', reason: 'not-media' },
    { name: 'random bytes named .mkv', path: random, fileName: 'noise.mkv', reason: 'not-media' },
  ];
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

export async function ffprobe(path: string): Promise<{ streams: ProbedStream[]; format: { duration?: string; format_name?: string } }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path]);
  return JSON.parse(stdout);
}

/** Top-level MP4 box types in file order (to check that `moov` precedes `mdat`). */
export function topLevelBoxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: string[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (size === 1) size = Number(view.getBigUint64(offset + 8));
    else if (size === 0) size = bytes.length - offset;
    boxes.push(type);
    if (size < 8) break;
    offset += size;
  }
  return boxes;
}

/**
 * The mean brightness (0–255) of each cell of a scrub sprite, left to right then top to
 * bottom: a cell with a thumbnail is bright (testsrc2), the black padding after the last one
 * is dark. `dir` holds a scratch copy of the JPEG.
 */
export async function spriteCellBrightness(jpeg: Uint8Array, sprite: { columns: number; rows: number; tileWidth: number; tileHeight: number }, dir: string): Promise<number[]> {
  const file = join(dir, `sprite-${randomBytes(6).toString('hex')}.jpg`);
  writeFileSync(file, jpeg);
  const width = sprite.columns * sprite.tileWidth;
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `scale=${width}:${sprite.rows * sprite.tileHeight}`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const means: number[] = [];
  for (let cell = 0; cell < sprite.columns * sprite.rows; cell++) {
    const [x0, y0] = [(cell % sprite.columns) * sprite.tileWidth, Math.floor(cell / sprite.columns) * sprite.tileHeight];
    let sum = 0;
    for (let y = y0; y < y0 + sprite.tileHeight; y++) for (let x = x0; x < x0 + sprite.tileWidth; x++) sum += stdout[y * width + x]!;
    means.push(sum / (sprite.tileWidth * sprite.tileHeight));
  }
  return means;
}
