/**
 * Test media, generated with ffmpeg into a directory the test owns (never committed):
 * tiny valid clips of each kind a camera uploads, and one broken upload per invalid reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegGenerated } from '../integ-tests/generated-media.ts';

async function ffmpeg(args: string[]): Promise<void> {
  await ffmpegGenerated('ffmpeg', ['-v', 'error', '-y', ...args]);
}

const picture = (size: string, seconds: number, rate = 15) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];

export interface TestMedia {
  h264AacMp4: string;
  hevcMkvSilent: string;
  mjpegAviMulaw: string;
  portraitMp4: string;
  jpegStill: string;
  audioOnlyM4a: string;
  truncatedMp4: string;
  textAsMp4: string;
  randomAsMkv: string;
  emptyMp4: string;
  cinepakAvi: string;
}

export async function makeTestMedia(dir: string): Promise<TestMedia> {
  const path = (name: string) => join(dir, name);
  const media: TestMedia = {
    h264AacMp4: path('h264-aac.mp4'),
    hevcMkvSilent: path('hevc-silent.mkv'),
    mjpegAviMulaw: path('mjpeg-mulaw.avi'),
    portraitMp4: path('portrait.mp4'),
    jpegStill: path('still.jpg'),
    audioOnlyM4a: path('audio-only.mp4'),
    truncatedMp4: path('truncated.mp4'),
    textAsMp4: path('text.mp4'),
    randomAsMkv: path('random.mkv'),
    emptyMp4: path('empty.mp4'),
    cinepakAvi: path('cinepak.avi'),
  };
  await Promise.all([
    ffmpeg([...picture('320x180', 2), ...tone(2), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', media.h264AacMp4]),
    ffmpeg([...picture('320x180', 2), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', media.hevcMkvSilent]),
    ffmpeg([...picture('320x180', 2), ...tone(2), '-c:v', 'mjpeg', '-q:v', '8', '-c:a', 'pcm_mulaw', '-ar', '8000', '-shortest', media.mjpegAviMulaw]),
    ffmpeg([...picture('1080x1920', 1, 5), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', media.portraitMp4]),
    ffmpeg([...picture('320x180', 1, 1), '-frames:v', '1', media.jpegStill]),
    ffmpeg([...tone(2), '-c:a', 'aac', media.audioOnlyM4a]),
    // Two frames: Cinepak's encoder takes about 1 s of CPU per 15 frames, and the codec is all the test looks at.
    ffmpeg([...picture('320x180', 1), '-frames:v', '2', '-c:v', 'cinepak', media.cinepakAvi]),
  ]);
  const whole = readFileSync(media.h264AacMp4);
  writeFileSync(media.truncatedMp4, whole.subarray(0, Math.floor(whole.length / 2)));
  writeFileSync(media.textAsMp4, 'front door motion log\nthis is not a video\n');
  writeFileSync(media.randomAsMkv, randomBytes(20_000));
  writeFileSync(media.emptyMp4, '');
  return media;
}

/** Reproducible noise (no magic numbers of any container at its start). */
function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
