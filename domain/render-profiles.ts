/**
 * Render profiles: what a camera pays MediaConvert for each clip. Pure.
 *
 * - `passthrough` (the default): the camera's H.264 is kept as it is — MediaConvert video
 *   passthrough (`Codec: PASSTHROUGH`) into single-file HLS and a fast-start MP4; AAC audio
 *   passed through, other audio encoded to AAC, no audio track when the clip has none.
 * - `economy`: one H.264 rendition at 720p (or the source's own height when lower), HLS + MP4.
 * - `full`: the HLS ladder (`hlsLadder`), an MP4 at the top rung.
 *
 * Video passthrough, as MediaConvert documents it
 * (https://docs.aws.amazon.com/mediaconvert/latest/ug/video-passthrough-feature-restrictions.html,
 * the page the SDK's `VideoCodecSettings.Codec` points to; read 2026-12-01 through the SDK
 * model's own documentation, @aws-sdk/client-mediaconvert `VideoCodecSettings`,
 * `PassthroughSettings`): the input's video stream is copied without encoding, so the output
 * has the input's codec, frame size and frame rate — nothing that changes pixels or timing
 * may be set on that output (no Width/Height, scaling, frame-rate conversion, rotation,
 * cropping, preprocessors, burn-in), and segmented outputs (HLS) are cut at the input's
 * IDR frames at or after each SegmentLength. We use it only for H.264 (the one codec every
 * browser plays), into HLS (MPEG-TS) and MP4, the containers used here, and only for inputs
 * whose picture needs no turning (a rotation flag would need a re-encode to play upright
 * everywhere). Anything else gets `economy`, and the clip records why.
 */
import type { MediaProbe } from './clip-contract.ts';

export const RENDER_PROFILES = ['passthrough', 'economy', 'full'] as const;
export type RenderProfile = (typeof RENDER_PROFILES)[number];
export const DEFAULT_RENDER_PROFILE: RenderProfile = 'passthrough';

export function isRenderProfile(value: unknown): value is RenderProfile {
  return typeof value === 'string' && (RENDER_PROFILES as readonly string[]).includes(value);
}

/** Which profile a clip got, and why when it is not the one asked for. */
export interface ProfileChoice {
  requested: RenderProfile;
  applied: RenderProfile;
  /** A sentence for the camera owner when `applied` differs from `requested`. */
  reason?: string;
}

/** Containers MediaConvert reads H.264 from, as ffmpeg names them (see clip-contract MediaProbe). */
const PASSTHROUGH_CONTAINERS = ['mp4', 'mov', 'mpegts', 'matroska'];

/** The profile a clip gets: `passthrough` only for browser-playable H.264 that needs no turning. */
export function chooseRenderProfile(requested: RenderProfile, probe: MediaProbe): ProfileChoice {
  if (requested !== 'passthrough') return { requested, applied: requested };
  const video = probe.video;
  const why = (reason: string): ProfileChoice => ({ requested, applied: 'economy', reason });
  if (!video) return why('the clip has no video track to pass through');
  const codec = video.codec.toLowerCase();
  if (codec !== 'h264' && codec !== 'avc') {
    return why(`the camera records ${video.codec.toUpperCase()}, which browsers cannot play as it is: re-encoded to one H.264 rendition (economy)`);
  }
  const rotation = (((video.rotation ?? 0) % 360) + 360) % 360;
  if (rotation !== 0) return why(`the video is stored turned by ${rotation}°: re-encoded upright to one H.264 rendition (economy), since passthrough cannot rotate`);
  // ffprobe names MP4 `mov,mp4,m4a,3gp,3g2,mj2`: any of the names counts.
  if (
    !probe.container
      .toLowerCase()
      .split(',')
      .some((name) => PASSTHROUGH_CONTAINERS.includes(name.trim()))
  ) {
    return why(`the ${probe.container} container is not one MediaConvert passes H.264 through from: re-encoded to one H.264 rendition (economy)`);
  }
  return { requested, applied: 'passthrough' };
}

// ---------------------------------------------------------------------------------------
// MediaConvert's Basic tier.

/**
 * What moves a job off MediaConvert's Basic on-demand tier (https://aws.amazon.com/mediaconvert/pricing/,
 * "Basic tier": AVC with speed-optimized or balanced single-pass encoding, VP8/VP9; read
 * 2026-12-01): any other output codec, multi-pass HQ encoding, 10-bit or 4:2:2 profiles,
 * frame rates above 60, HDR / Dolby Vision / noise reduction preprocessing, Dolby audio and
 * audio normalization. Frame capture and video/audio passthrough carry no encode of their own.
 */
const BASIC_VIDEO_CODECS = ['H_264', 'PASSTHROUGH', 'FRAME_CAPTURE', 'VP8', 'VP9'];
const BASIC_AUDIO_CODECS = ['AAC', 'MP3', 'PASSTHROUGH'];
const PROFESSIONAL_PREPROCESSORS = ['DolbyVision', 'Hdr10Plus', 'NoiseReducer', 'PartnerWatermarking'];

export interface ProfessionalSetting {
  /** e.g. `Settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.H264Settings.QualityTuningLevel` */
  path: string;
  why: string;
}

/** The parts of a CreateJob `Settings` that decide its tier (the job's JSON is not checked against the SDK's types here). */
interface JobOutputGroup {
  Outputs?: Array<{
    VideoDescription?: { CodecSettings?: { Codec?: string; H264Settings?: Record<string, unknown> }; VideoPreprocessors?: Record<string, unknown> };
    AudioDescriptions?: Array<{ CodecSettings?: { Codec?: string }; AudioNormalizationSettings?: unknown }>;
  }>;
}

/** Every setting of a CreateJob `Settings` that would bill the job at the Professional tier. */
export function professionalTierSettings(settings: Record<string, unknown>): ProfessionalSetting[] {
  const found: ProfessionalSetting[] = [];
  const groups = (settings.OutputGroups as JobOutputGroup[] | undefined) ?? [];
  groups.forEach((group, gi) => {
    (group.Outputs ?? []).forEach((output, oi) => {
      const at = `Settings.OutputGroups[${gi}].Outputs[${oi}]`;
      const video = output.VideoDescription;
      const codec = video?.CodecSettings?.Codec;
      if (codec && !BASIC_VIDEO_CODECS.includes(codec))
        found.push({ path: `${at}.VideoDescription.CodecSettings.Codec = ${codec}`, why: 'only AVC (H.264), VP8 and VP9 are encoded on the Basic tier' });
      const h264 = video?.CodecSettings?.H264Settings;
      if (h264) {
        const p = `${at}.VideoDescription.CodecSettings.H264Settings`;
        if (h264.QualityTuningLevel === 'MULTI_PASS_HQ') found.push({ path: `${p}.QualityTuningLevel = MULTI_PASS_HQ`, why: 'multi-pass HQ encoding is a Professional feature' });
        if (typeof h264.CodecProfile === 'string' && /10BIT|422/.test(h264.CodecProfile))
          found.push({ path: `${p}.CodecProfile = ${h264.CodecProfile}`, why: '10-bit and 4:2:2 AVC are Professional features' });
        if (h264.MaxAverageBitrate !== undefined) found.push({ path: `${p}.MaxAverageBitrate`, why: 'QVBR with a maximum average bitrate needs multi-pass HQ, a Professional feature' });
        const fps = Number(h264.FramerateNumerator) / Number(h264.FramerateDenominator);
        if (h264.FramerateControl === 'SPECIFIED' && fps > 60) found.push({ path: `${p}.FramerateNumerator`, why: `${fps.toFixed(2)} fps is above the Basic tier's 60` });
      }
      for (const name of PROFESSIONAL_PREPROCESSORS) {
        if (video?.VideoPreprocessors?.[name] !== undefined) found.push({ path: `${at}.VideoDescription.VideoPreprocessors.${name}`, why: `${name} is a Professional feature` });
      }
      (output.AudioDescriptions ?? []).forEach((audio, ai) => {
        const a = `${at}.AudioDescriptions[${ai}]`;
        const audioCodec = audio.CodecSettings?.Codec;
        if (audioCodec && !BASIC_AUDIO_CODECS.includes(audioCodec)) found.push({ path: `${a}.CodecSettings.Codec = ${audioCodec}`, why: 'Dolby and other audio codecs are Professional features' });
        if (audio.AudioNormalizationSettings !== undefined) found.push({ path: `${a}.AudioNormalizationSettings`, why: 'audio normalization is billed on top of the Basic tier' });
      });
    });
  });
  return found;
}

/** The job would leave the Basic tier: named after the first setting that moves it. */
export class ProfessionalTierSetting extends Error {
  override readonly name = 'ProfessionalTierSetting';
  constructor(readonly settings: ProfessionalSetting[]) {
    super(
      `${settings[0]!.path} would bill this job at MediaConvert's Professional tier (${settings[0]!.why})` +
        `${
          settings.length > 1
            ? ` — and ${settings.length - 1} more setting(s): ${settings
                .slice(1)
                .map((s) => s.path)
                .join('; ')}`
            : ''
        }. ` +
        'camflow keeps every profile on the Basic tier: remove the setting from domain/render-job.ts.',
    );
  }
}

/** Throws `ProfessionalTierSetting` naming the settings that leave the Basic tier. */
export function assertBasicTier(settings: Record<string, unknown>): void {
  const found = professionalTierSettings(settings);
  if (found.length > 0) throw new ProfessionalTierSetting(found);
}
