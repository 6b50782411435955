/**
 * What the engine needs to know about the input before it renders: picture size as shown
 * (after rotation), frame rate, duration, and whether there is audio. Read from `ffmpeg -i`'s
 * report, because the npm-shipped ffmpeg comes without ffprobe; the same parser reads the
 * report of Debian's ffmpeg 5.1 and of the 2018 static build.
 */
import { spawn } from 'node:child_process';

export interface SourceVideo {
  codec: string;
  /** Stored size. */
  codedWidth: number;
  codedHeight: number;
  /** Sample aspect ratio (1 for square pixels). */
  sampleAspect: number;
  /** Degrees the player turns the picture (display matrix / `rotate` tag), 0, 90, 180 or 270. */
  rotation: number;
  /** Frames per second as ffmpeg reports them (fps, else tbr); undefined if unknown. */
  frameRate?: number;
}

export interface SourceReport {
  durationSeconds?: number;
  video?: SourceVideo;
  audio?: { codec: string; tracks: number };
}

const STREAM = /^\s*Stream #0:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle|Data|Attachment): (.*)$/;

/** Parses the `Input #0` section of `ffmpeg -hide_banner -i file` (stderr). */
export function parseSourceReport(report: string): SourceReport {
  const lines = report.split(/\r?\n/);
  const result: SourceReport = {};
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(report);
  if (duration) result.durationSeconds = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);

  let audioTracks = 0;
  let inFirstVideo = false;
  for (const line of lines) {
    const stream = STREAM.exec(line);
    if (stream) {
      const kind = stream[2];
      const description = stream[3] ?? '';
      inFirstVideo = false;
      if (kind === 'Video' && !result.video && !/attached pic/.test(description)) {
        const video = parseVideo(description);
        if (video) {
          result.video = video;
          inFirstVideo = true;
        }
      } else if (kind === 'Audio') {
        audioTracks += 1;
        if (!result.audio) result.audio = { codec: (description.split(/[ ,(]/)[0] ?? '').trim(), tracks: 0 };
      }
      continue;
    }
    if (inFirstVideo && result.video) {
      // ffmpeg 5.1: "displaymatrix: rotation of -90.00 degrees" (counter-clockwise);
      // ffmpeg 4.x also prints the legacy "rotate : 90" tag (clockwise). Use either.
      const matrix = /displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees/.exec(line);
      if (matrix) result.video.rotation = normalizeDegrees(-Number(matrix[1]));
      const tag = /^\s*rotate\s*:\s*(-?\d+)/.exec(line);
      if (tag) result.video.rotation = normalizeDegrees(Number(tag[1]));
      if (/^\s*Input #|^\s*Output #/.test(line)) inFirstVideo = false;
    }
  }
  if (result.audio) result.audio.tracks = audioTracks;
  return result;
}

function normalizeDegrees(degrees: number): number {
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

function parseVideo(description: string): SourceVideo | undefined {
  const size = /(?:^|[ ,])(\d{2,5})x(\d{2,5})(?=[ ,]|$)/.exec(description);
  if (!size) return undefined;
  const sar = /\[SAR (\d+):(\d+)/.exec(description);
  const fps = /([\d.]+)(k?) fps/.exec(description) ?? /([\d.]+)(k?) tbr/.exec(description);
  const sampleAspect = sar && Number(sar[1]) > 0 && Number(sar[2]) > 0 ? Number(sar[1]) / Number(sar[2]) : 1;
  const rate = fps ? Number(fps[1]) * (fps[2] === 'k' ? 1000 : 1) : undefined;
  return {
    codec: (description.split(/[ ,(]/)[0] ?? '').trim(),
    codedWidth: Number(size[1]),
    codedHeight: Number(size[2]),
    sampleAspect,
    rotation: 0,
    ...(rate && Number.isFinite(rate) && rate > 0 && rate < 1000 ? { frameRate: rate } : {}),
  };
}

/** The picture size a viewer sees: stored size × sample aspect, turned by the rotation. */
export function displayedSize(video: SourceVideo): { width: number; height: number } {
  const width = Math.round(video.codedWidth * video.sampleAspect);
  const height = video.codedHeight;
  return video.rotation % 180 === 90 ? { width: height, height: width } : { width, height };
}

/** Runs `ffmpeg -i` on a local file and parses the report (ffmpeg exits 1: no output named). */
export function probeSource(ffmpegPath: string, file: string): Promise<SourceReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (text.length < 256 * 1024) text += chunk;
    });
    child.on('error', reject);
    child.on('close', () => resolve(parseSourceReport(text)));
  });
}
