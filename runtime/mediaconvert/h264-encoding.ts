/**
 * How MediaConvert's H.264 settings become x264 settings, and the RFC 6381 codec strings the
 * HLS master playlist announces. Pure.
 */
import type { H264Encode } from './job-settings.ts';

/**
 * QVBR → x264 CRF with a VBV ceiling.
 *
 * MediaConvert's QVBR (quality-defined variable bitrate) holds a target quality level from 1
 * (lowest) to 10 (near-transparent) and never exceeds MaxBitrate. x264's closest mode is
 * constant rate factor (CRF) capped by VBV: `-crf` sets the quality, `-maxrate`/`-bufsize`
 * cap the bitrate. The mapping is linear, two CRF steps per QVBR level, anchored at AWS's
 * recommended level 7 for 720p/1080p web playback = x264's default CRF 23:
 *   level 10 → CRF 17 (visually lossless), 8 → 21, 7 → 23, 6 → 25, 4 → 29, 1 → CRF 35.
 * The VBV buffer is HrdBufferSize when given, else two seconds of MaxBitrate (2 × MaxBitrate),
 * which lets short peaks through as MediaConvert's default buffer does.
 * A QVBR job without QvbrQualityLevel gets level 7.
 */
export function crfForQvbrLevel(level: number): number {
  return 37 - 2 * level;
}

export const DEFAULT_QVBR_LEVEL = 7;

/**
 * x264 speed preset for MediaConvert's QualityTuningLevel: SINGLE_PASS (the default, fast)
 * → `veryfast`; SINGLE_PASS_HQ (slower, better compression) → `medium`.
 */
export function x264Preset(tuning: H264Encode['qualityTuning']): string {
  return tuning === 'SINGLE_PASS_HQ' ? 'medium' : 'veryfast';
}

/** The rate-control arguments of one encode (bits per second throughout). */
export function rateControlArgs(video: H264Encode): string[] {
  switch (video.rateControl) {
    case 'QVBR': {
      const max = video.maxBitrate!;
      return ['-crf', String(crfForQvbrLevel(video.qvbrQualityLevel ?? DEFAULT_QVBR_LEVEL)), '-maxrate', String(max), '-bufsize', String(video.hrdBufferSize ?? 2 * max)];
    }
    case 'CBR': {
      const rate = video.bitrate!;
      return ['-b:v', String(rate), '-minrate', String(rate), '-maxrate', String(rate), '-bufsize', String(video.hrdBufferSize ?? 2 * rate)];
    }
    case 'VBR': {
      const rate = video.bitrate!;
      const max = video.maxBitrate ?? rate;
      return ['-b:v', String(rate), '-maxrate', String(max), '-bufsize', String(video.hrdBufferSize ?? 2 * max)];
    }
  }
}

/** The bitrate an encode may peak at (what the level and BANDWIDTH estimates start from). */
export function peakBitrate(video: H264Encode): number {
  return video.maxBitrate ?? video.bitrate ?? 0;
}

/** H.264 levels (ITU-T H.264 Table A-1): max macroblocks/s, max frame size in macroblocks, max video bitrate in kbit/s (Baseline/Main). */
const LEVELS: ReadonlyArray<{ level: string; idc: number; mbps: number; frameMbs: number; kbps: number }> = [
  { level: '1', idc: 10, mbps: 1485, frameMbs: 99, kbps: 64 },
  { level: '1.1', idc: 11, mbps: 3000, frameMbs: 396, kbps: 192 },
  { level: '1.2', idc: 12, mbps: 6000, frameMbs: 396, kbps: 384 },
  { level: '1.3', idc: 13, mbps: 11880, frameMbs: 396, kbps: 768 },
  { level: '2', idc: 20, mbps: 11880, frameMbs: 396, kbps: 2000 },
  { level: '2.1', idc: 21, mbps: 19800, frameMbs: 792, kbps: 4000 },
  { level: '2.2', idc: 22, mbps: 20250, frameMbs: 1620, kbps: 4000 },
  { level: '3', idc: 30, mbps: 40500, frameMbs: 1620, kbps: 10000 },
  { level: '3.1', idc: 31, mbps: 108000, frameMbs: 3600, kbps: 14000 },
  { level: '3.2', idc: 32, mbps: 216000, frameMbs: 5120, kbps: 20000 },
  { level: '4', idc: 40, mbps: 245760, frameMbs: 8192, kbps: 20000 },
  { level: '4.1', idc: 41, mbps: 245760, frameMbs: 8192, kbps: 50000 },
  { level: '4.2', idc: 42, mbps: 522240, frameMbs: 8704, kbps: 50000 },
  { level: '5', idc: 50, mbps: 589824, frameMbs: 22080, kbps: 135000 },
  { level: '5.1', idc: 51, mbps: 983040, frameMbs: 36864, kbps: 240000 },
  { level: '5.2', idc: 52, mbps: 2073600, frameMbs: 36864, kbps: 240000 },
];

/**
 * CodecLevel AUTO: the lowest level whose frame size, macroblock rate and bitrate limits
 * hold the encode (High profile allows 1.25 × the bitrate).
 */
export function autoLevel(frame: { width: number; height: number; fps: number; bitrate: number; profile: H264Encode['profile'] }): string {
  const frameMbs = Math.ceil(frame.width / 16) * Math.ceil(frame.height / 16);
  const mbps = frameMbs * frame.fps;
  const factor = frame.profile === 'HIGH' ? 1250 : 1000;
  const fit = LEVELS.find((l) => frameMbs <= l.frameMbs && mbps <= l.mbps && frame.bitrate <= l.kbps * factor);
  return (fit ?? LEVELS[LEVELS.length - 1]!).level;
}

export function levelIdc(level: string): number {
  const found = LEVELS.find((l) => l.level === level);
  if (!found) throw new RangeError(`unknown H.264 level ${level}`);
  return found.idc;
}

const PROFILE_IDC = { BASELINE: 66, MAIN: 77, HIGH: 100 } as const;
/** constraint_set flags x264 writes: set0+set1 for Baseline, set1 for Main, none for High. */
const PROFILE_CONSTRAINTS = { BASELINE: 0xc0, MAIN: 0x40, HIGH: 0x00 } as const;

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** `avc1.PPCCLL` (RFC 6381 §3.3) from the three SPS bytes after the NAL header. */
export function avcCodecString(sps: { profileIdc: number; constraints: number; levelIdc: number }): string {
  return `avc1.${hex2(sps.profileIdc)}${hex2(sps.constraints)}${hex2(sps.levelIdc)}`;
}

/** The codec string an encode is expected to carry (used when the output's SPS cannot be read). */
export function expectedAvcCodecString(profile: H264Encode['profile'], level: string): string {
  return avcCodecString({ profileIdc: PROFILE_IDC[profile], constraints: PROFILE_CONSTRAINTS[profile], levelIdc: levelIdc(level) });
}

/** AAC-LC in MP4/TS: object type 0x40 (MPEG-4 audio), audio object type 2. */
export const AAC_LC_CODEC_STRING = 'mp4a.40.2';

/**
 * The first sequence parameter set in an Annex B stream (an MPEG-TS segment) or in an MP4's
 * avcC box: profile_idc, the constraint-flag byte and level_idc, as x264 actually wrote them.
 */
export function findSps(bytes: Uint8Array): { profileIdc: number; constraints: number; levelIdc: number } | undefined {
  // MP4: 'avcC' box = version(1) profile(1) compat(1) level(1) ...
  for (let i = 0; i + 8 < bytes.length; i++) {
    if (bytes[i] === 0x61 && bytes[i + 1] === 0x76 && bytes[i + 2] === 0x63 && bytes[i + 3] === 0x43 && bytes[i + 4] === 1) {
      return { profileIdc: bytes[i + 5]!, constraints: bytes[i + 6]!, levelIdc: bytes[i + 7]! };
    }
  }
  // Annex B: 00 00 01 then a NAL header with nal_unit_type 7. In MPEG-TS the NAL may straddle
  // a 188-byte packet boundary; the first SPS of a segment sits right after the PES header
  // in the first video packet, well inside it.
  for (let i = 0; i + 6 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1 && (bytes[i + 3]! & 0x1f) === 7) {
      return { profileIdc: bytes[i + 4]!, constraints: bytes[i + 5]!, levelIdc: bytes[i + 6]! };
    }
  }
  return undefined;
}
