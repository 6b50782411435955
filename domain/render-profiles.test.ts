/**
 * Each render profile's job, for the clips cameras send (H.264, HEVC, MJPEG, silent, portrait,
 * odd-size, very short), checked against MediaConvert's service model as the AWS SDK ships it
 * (the enums of @aws-sdk/client-mediaconvert, and the ranges and required members the API
 * reference gives), and against the Basic tier.
 */
import * as mc from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import type { MediaProbe } from './clip-contract.ts';
import { buildRenderJob } from './render-job.ts';
import { assertBasicTier, chooseRenderProfile, professionalTierSettings, ProfessionalTierSetting, RENDER_PROFILES, type RenderProfile } from './render-profiles.ts';

const CLIPS: Record<string, MediaProbe> = {
  'H.264/AAC 1080p MP4': {
    container: 'mp4',
    durationSeconds: 20,
    sizeBytes: 10_000_000,
    video: { codec: 'h264', width: 1920, height: 1080, frameRate: 25, bitrate: 4_000_000 },
    audio: { codec: 'aac' },
  },
  'HEVC silent MKV': { container: 'matroska', durationSeconds: 12, sizeBytes: 3_000_000, video: { codec: 'hevc', width: 2560, height: 1440 } },
  'MJPEG AVI with G.711': { container: 'avi', durationSeconds: 8, sizeBytes: 9_000_000, video: { codec: 'mjpeg', width: 640, height: 480 }, audio: { codec: 'pcm_mulaw' } },
  'H.264 silent': { container: 'mp4', durationSeconds: 15, sizeBytes: 5_000_000, video: { codec: 'h264', width: 1280, height: 720 } },
  'H.264 portrait 1080x1920': { container: 'mov', durationSeconds: 10, sizeBytes: 5_000_000, video: { codec: 'h264', width: 1080, height: 1920 }, audio: { codec: 'aac' } },
  'H.264 stored landscape, rotated 90°': { container: 'mp4', durationSeconds: 10, sizeBytes: 5_000_000, video: { codec: 'h264', width: 1920, height: 1080, rotation: 90 }, audio: { codec: 'aac' } },
  'H.264 odd size 853x479': { container: 'mp4', durationSeconds: 6, sizeBytes: 1_000_000, video: { codec: 'h264', width: 853, height: 479 }, audio: { codec: 'mp3' } },
  'H.264 very short (0.4 s)': { container: 'mp4', durationSeconds: 0.4, sizeBytes: 100_000, video: { codec: 'h264', width: 1280, height: 720 } },
  'H.264 in MPEG-TS': { container: 'mpegts', durationSeconds: 20, sizeBytes: 10_000_000, video: { codec: 'h264', width: 1920, height: 1080 }, audio: { codec: 'aac' } },
};

function jobFor(probe: MediaProbe, profile: RenderProfile) {
  return buildRenderJob({ clipId: 'c0ffee', camera: 'porch', sourceUri: 's3://camflow-uploads/porch/clip.mp4', mediaBucket: 'camflow-media', capturedAt: '2025-06-01T12:00:00Z', probe, profile });
}

/** Where a string member's allowed values come from: the SDK's enum for that member. */
const ENUM_OF: Record<string, Record<string, string>> = {
  'TimecodeConfig.Source': mc.TimecodeSource,
  'Inputs.TimecodeSource': mc.InputTimecodeSource,
  'VideoSelector.Rotate': mc.InputRotate,
  'AudioSelectors.*.DefaultSelection': mc.AudioDefaultSelection,
  'OutputGroupSettings.Type': mc.OutputGroupType,
  'HlsGroupSettings.SegmentControl': mc.HlsSegmentControl,
  'HlsGroupSettings.DirectoryStructure': mc.HlsDirectoryStructure,
  'HlsGroupSettings.ManifestDurationFormat': mc.HlsManifestDurationFormat,
  'HlsGroupSettings.OutputSelection': mc.HlsOutputSelection,
  'HlsGroupSettings.ProgramDateTime': mc.HlsProgramDateTime,
  'HlsGroupSettings.CodecSpecification': mc.HlsCodecSpecification,
  'HlsGroupSettings.ImageBasedTrickPlay': mc.HlsImageBasedTrickPlay,
  'ImageBasedTrickPlaySettings.IntervalCadence': mc.HlsIntervalCadence,
  'ContainerSettings.Container': mc.ContainerType,
  'Mp4Settings.MoovPlacement': mc.Mp4MoovPlacement,
  'VideoDescription.ScalingBehavior': mc.ScalingBehavior,
  'VideoDescription.CodecSettings.Codec': mc.VideoCodec,
  'H264Settings.RateControlMode': mc.H264RateControlMode,
  'H264Settings.GopSizeUnits': mc.H264GopSizeUnits,
  'H264Settings.CodecProfile': mc.H264CodecProfile,
  'H264Settings.CodecLevel': mc.H264CodecLevel,
  'H264Settings.FramerateControl': mc.H264FramerateControl,
  'H264Settings.SceneChangeDetect': mc.H264SceneChangeDetect,
  'AudioDescriptions.CodecSettings.Codec': mc.AudioCodec,
  'AacSettings.CodingMode': mc.AacCodingMode,
};
/** Members that are free text (names, URIs), not enums. */
const FREE_TEXT = ['FileInput', 'Destination', 'Name', 'NameModifier', 'AudioSourceName'];
/** Numeric members and their ranges (MediaConvert API reference). */
const RANGES: Record<string, [number, number]> = {
  Width: [32, 8192],
  Height: [32, 8192],
  MaxBitrate: [1000, 1_152_000_000],
  QvbrQualityLevel: [1, 10],
  GopSize: [0, 2_147_483_647],
  SegmentLength: [1, 2_147_483_647],
  MinSegmentLength: [0, 2_147_483_647],
  Bitrate: [6000, 1_024_000],
  SampleRate: [8000, 96000],
  FramerateNumerator: [1, 2_147_483_647],
  FramerateDenominator: [1, 2_147_483_647],
  MaxCaptures: [1, 10_000_000],
  Quality: [1, 100],
  // HlsImageBasedTrickPlaySettings (API reference: ThumbnailWidth a multiple of 8, ThumbnailHeight and TileHeight even).
  ThumbnailInterval: [0, 2_147_483_647],
  ThumbnailWidth: [8, 4096],
  ThumbnailHeight: [2, 4096],
  TileWidth: [1, 512],
  TileHeight: [2, 2048],
};

/** Every problem of a job against the service model: unknown enum values, out-of-range numbers, missing required members. */
function modelProblems(settings: unknown): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, path));
    if (value === null || typeof value !== 'object') {
      const key = path[path.length - 1]!;
      if (typeof value === 'string') {
        if (FREE_TEXT.includes(key)) return;
        const match = Object.entries(ENUM_OF).find(([suffix]) => {
          const parts = suffix.split('.');
          return parts.every((part, i) => part === '*' || path[path.length - parts.length + i] === part);
        });
        if (!match) problems.push(`${path.join('.')}: no SDK enum known for this member`);
        else if (!Object.values(match[1]).includes(value)) problems.push(`${path.join('.')} = ${value}: not in the SDK enum (${Object.values(match[1]).slice(0, 6).join(', ')}, …)`);
      } else if (typeof value === 'number') {
        const range = RANGES[key];
        if (!range) problems.push(`${path.join('.')}: no range known`);
        else if (value < range[0] || value > range[1]) problems.push(`${path.join('.')} = ${value}: outside ${range[0]}–${range[1]}`);
      }
      return;
    }
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
  };
  walk(settings, []);
  // Required members and their pairings.
  const s = settings as { Inputs?: Array<{ FileInput?: string }>; OutputGroups?: Array<Record<string, any>> };
  if (!s.Inputs?.[0]?.FileInput) problems.push('Inputs[0].FileInput is required');
  for (const group of s.OutputGroups ?? []) {
    const type = group.OutputGroupSettings?.Type;
    if (type === 'HLS_GROUP_SETTINGS' && !group.OutputGroupSettings.HlsGroupSettings?.Destination) problems.push(`${group.Name}: HlsGroupSettings.Destination is required`);
    const trickPlay = group.OutputGroupSettings?.HlsGroupSettings?.ImageBasedTrickPlaySettings;
    if (trickPlay) {
      if (trickPlay.ThumbnailWidth % 8 !== 0) problems.push(`${group.Name}: ThumbnailWidth must be a multiple of 8`);
      if (trickPlay.ThumbnailHeight % 2 !== 0 || trickPlay.TileHeight % 2 !== 0) problems.push(`${group.Name}: ThumbnailHeight and TileHeight must be even`);
      if (trickPlay.ThumbnailHeight * trickPlay.TileHeight > 4096) problems.push(`${group.Name}: a tile image above 4096 px is rejected`);
    }
    if (type === 'FILE_GROUP_SETTINGS' && !group.OutputGroupSettings.FileGroupSettings?.Destination) problems.push(`${group.Name}: FileGroupSettings.Destination is required`);
    for (const output of group.Outputs ?? []) {
      const codec = output.VideoDescription?.CodecSettings;
      if (codec?.Codec === 'H_264') {
        if (!codec.H264Settings) problems.push(`${group.Name}: H_264 needs H264Settings`);
        if (codec.H264Settings?.RateControlMode === 'QVBR' && codec.H264Settings.MaxBitrate === undefined) problems.push(`${group.Name}: QVBR needs MaxBitrate`);
        for (const side of ['Width', 'Height']) if (output.VideoDescription[side] % 2 !== 0) problems.push(`${group.Name}: H.264 ${side} must be even`);
      }
      if (codec?.Codec === 'PASSTHROUGH') {
        const extra = Object.keys(output.VideoDescription).filter((k) => k !== 'CodecSettings');
        if (extra.length) problems.push(`${group.Name}: video passthrough takes no ${extra.join(', ')}`);
        if (!['M3U8', 'MP4'].includes(output.ContainerSettings?.Container)) problems.push(`${group.Name}: passthrough into ${output.ContainerSettings?.Container}`);
      }
      if (codec?.Codec === 'FRAME_CAPTURE' && output.ContainerSettings?.Container !== 'RAW') problems.push(`${group.Name}: frame capture needs Container RAW`);
      for (const audio of output.AudioDescriptions ?? []) {
        if (audio.CodecSettings?.Codec === 'AAC' && !audio.CodecSettings.AacSettings) problems.push(`${group.Name}: AAC needs AacSettings`);
        if (!audio.AudioSourceName) problems.push(`${group.Name}: AudioSourceName is required`);
      }
    }
  }
  return problems;
}

describe('every profile, for every kind of clip a camera sends', () => {
  for (const [name, probe] of Object.entries(CLIPS)) {
    for (const profile of RENDER_PROFILES) {
      it(`${profile}: ${name} — a valid job on the Basic tier`, () => {
        const job = jobFor(probe, profile);
        expect(modelProblems(job.settings)).toEqual([]);
        expect(professionalTierSettings(job.settings)).toEqual([]);
        expect(job.profile.requested).toBe(profile);
        const hls = job.outputs.filter((o) => o.kind === 'hls');
        if (job.profile.applied === 'full') expect(hls.length).toBeGreaterThanOrEqual(1);
        else expect(hls).toHaveLength(1);
        // Audio only when the clip has some; AAC kept as it is under passthrough.
        const audio = (job.settings.OutputGroups as Array<{ Outputs: Array<{ AudioDescriptions?: Array<{ CodecSettings: { Codec: string } }> }> }>)[0]!.Outputs[0]!.AudioDescriptions;
        if (!probe.audio) expect(audio).toBeUndefined();
        else expect(audio![0]!.CodecSettings.Codec).toBe(job.profile.applied === 'passthrough' && probe.audio.codec === 'aac' ? 'PASSTHROUGH' : 'AAC');
      });
    }
  }
});

describe('which profile a clip gets', () => {
  it('passes browser-playable H.264 through, in MP4, MOV, MPEG-TS and Matroska', () => {
    for (const container of ['mp4', 'mov', 'mpegts', 'matroska', 'mov,mp4,m4a,3gp,3g2,mj2']) {
      expect(chooseRenderProfile('passthrough', { container, durationSeconds: 5, sizeBytes: 1, video: { codec: 'h264', width: 1280, height: 720 } })).toEqual({
        requested: 'passthrough',
        applied: 'passthrough',
      });
    }
  });

  it('gives HEVC, MJPEG, rotated video and other containers economy, saying why', () => {
    const base = { durationSeconds: 5, sizeBytes: 1 };
    expect(chooseRenderProfile('passthrough', CLIPS['HEVC silent MKV']!)).toMatchObject({ applied: 'economy', reason: expect.stringMatching(/HEVC, which browsers cannot play as it is/) });
    expect(chooseRenderProfile('passthrough', CLIPS['MJPEG AVI with G.711']!)).toMatchObject({ applied: 'economy', reason: expect.stringMatching(/MJPEG/) });
    expect(chooseRenderProfile('passthrough', CLIPS['H.264 stored landscape, rotated 90°']!)).toMatchObject({ applied: 'economy', reason: expect.stringMatching(/turned by 90°/) });
    expect(chooseRenderProfile('passthrough', { ...base, container: 'avi', video: { codec: 'h264', width: 640, height: 480 } })).toMatchObject({
      applied: 'economy',
      reason: expect.stringMatching(/avi container/),
    });
    expect(chooseRenderProfile('economy', CLIPS['H.264/AAC 1080p MP4']!)).toEqual({ requested: 'economy', applied: 'economy' });
  });

  it('passthrough keeps the source: no size, no encode, one HLS rendition and one MP4 at the source size', () => {
    const job = jobFor(CLIPS['H.264/AAC 1080p MP4']!, 'passthrough');
    const groups = job.settings.OutputGroups as Array<{ Name: string; Outputs: Array<{ VideoDescription: Record<string, unknown> }> }>;
    expect(groups.find((g) => g.Name === 'HLS')!.Outputs.map((o) => o.VideoDescription)).toEqual([{ CodecSettings: { Codec: 'PASSTHROUGH' } }]);
    expect(groups.find((g) => g.Name === 'MP4')!.Outputs[0]!.VideoDescription).toEqual({ CodecSettings: { Codec: 'PASSTHROUGH' } });
    expect(job.outputs.filter((o) => o.kind === 'hls' || o.kind === 'mp4').map((o) => [o.kind, o.width, o.height])).toEqual([
      ['hls', 1920, 1080],
      ['mp4', 1920, 1080],
    ]);
    expect((job.settings.OutputGroups as Array<{ OutputGroupSettings: { HlsGroupSettings?: { SegmentControl: string } } }>)[0]!.OutputGroupSettings.HlsGroupSettings!.SegmentControl).toBe(
      'SINGLE_FILE',
    );
  });

  it('economy is one 720p rendition (or the source height when lower), portrait kept portrait', () => {
    const size = (probe: MediaProbe) =>
      jobFor(probe, 'economy')
        .outputs.filter((o) => o.kind === 'hls' || o.kind === 'mp4')
        .map((o) => [o.width, o.height]);
    expect(size(CLIPS['H.264/AAC 1080p MP4']!)).toEqual([
      [1280, 720],
      [1280, 720],
    ]);
    expect(size(CLIPS['H.264 portrait 1080x1920']!)).toEqual([
      [720, 1280],
      [720, 1280],
    ]);
    expect(size(CLIPS['MJPEG AVI with G.711']!)).toEqual([
      [640, 480],
      [640, 480],
    ]);
    expect(size(CLIPS['H.264 odd size 853x479']!)).toEqual([
      [852, 478],
      [852, 478],
    ]);
  });

  it('full keeps the ladder, shaped by hlsLadder', () => {
    const job = buildRenderJob({
      clipId: 'c',
      camera: 'porch',
      sourceUri: 's3://u/porch/c.mp4',
      mediaBucket: 'm',
      capturedAt: '2025-06-01T12:00:00Z',
      probe: CLIPS['H.264/AAC 1080p MP4']!,
      profile: 'full',
      ladder: ['720p', '360p'],
    });
    expect(job.outputs.filter((o) => o.kind === 'hls').map((o) => o.height)).toEqual([720, 360]);
  });
});

describe('the Basic tier', () => {
  it('names the setting that would move a job to the Professional tier', () => {
    const job = jobFor(CLIPS['H.264/AAC 1080p MP4']!, 'full');
    const settings = JSON.parse(JSON.stringify(job.settings)) as Record<string, any>;
    settings.OutputGroups[0].Outputs[1].VideoDescription.CodecSettings.H264Settings.QualityTuningLevel = 'MULTI_PASS_HQ';
    settings.OutputGroups[1].Outputs[0].AudioDescriptions[0].CodecSettings = { Codec: 'EAC3', Eac3Settings: {} };
    expect(() => assertBasicTier(settings)).toThrow(ProfessionalTierSetting);
    expect(() => assertBasicTier(settings)).toThrow(
      /^Settings\.OutputGroups\[0\]\.Outputs\[1\]\.VideoDescription\.CodecSettings\.H264Settings\.QualityTuningLevel = MULTI_PASS_HQ would bill this job at MediaConvert's Professional tier \(multi-pass HQ encoding is a Professional feature\) — and 1 more setting\(s\): Settings\.OutputGroups\[1\]\.Outputs\[0\]\.AudioDescriptions\[0\]\.CodecSettings\.Codec = EAC3/,
    );
    settings.OutputGroups[1].Outputs[0].VideoDescription.CodecSettings = { Codec: 'H_265', H265Settings: {} };
    expect(professionalTierSettings(settings).map((s) => s.path)).toContain('Settings.OutputGroups[1].Outputs[0].VideoDescription.CodecSettings.Codec = H_265');
  });
});
