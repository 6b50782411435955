import { describe, expect, it } from 'vitest';
import { buildRenderJob } from '../../domain/render-job.ts';
import type { MediaProbe } from '../../domain/clip-contract.ts';
import { BAD_REQUEST_ERROR, JobSettingsRejected, readJobSettings } from './job-settings.ts';

function settingsFor(video: NonNullable<MediaProbe['video']>, audio = true): Record<string, any> {
  return structuredClone(
    buildRenderJob({
      clipId: 'clip1',
      camera: 'frontdoor',
      sourceUri: 's3://camflow-uploads/frontdoor/2025/clip.mp4',
      mediaBucket: 'camflow-media',
      capturedAt: '2025-06-01T13:02:00Z',
      probe: { container: 'mp4', durationSeconds: 12, sizeBytes: 1, video, ...(audio ? { audio: { codec: 'aac' } } : {}) },
    }).settings,
  );
}

function rejection(settings: unknown): JobSettingsRejected {
  try {
    readJobSettings(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(JobSettingsRejected);
    return error as JobSettingsRejected;
  }
  throw new Error('the settings were accepted');
}

describe('readJobSettings', () => {
  it('reads every setting the render-job builder writes', () => {
    const plan = readJobSettings(settingsFor({ codec: 'h264', width: 1920, height: 1080 }));
    expect(plan.input).toEqual({
      uri: 's3://camflow-uploads/frontdoor/2025/clip.mp4',
      location: { bucket: 'camflow-uploads', key: 'frontdoor/2025/clip.mp4' },
      rotate: 'AUTO',
      audioSelectors: { 'Audio Selector 1': { track: 0 } },
    });
    expect(plan.groups.map((g) => g.kind)).toEqual(['hls', 'file', 'file']);
    const hls = plan.groups[0]!;
    if (hls.kind !== 'hls') throw new Error('HLS group expected');
    expect(hls.destination).toEqual({ bucket: 'camflow-media', directory: 'frontdoor/2025/06/01/clip1/hls/', baseName: 'index' });
    expect(hls.segmentSeconds).toBe(4);
    expect(hls.integerDurations).toBe(true);
    expect(hls.renditions.map((r) => (r.video.codec === 'h264' ? [r.nameModifier, r.video.width, r.video.height, r.video.maxBitrate] : [r.nameModifier, 'copy']))).toEqual([
      ['_1080p', 1920, 1080, 5_000_000],
      ['_720p', 1280, 720, 3_000_000],
      ['_360p', 640, 360, 1_000_000],
    ]);
    expect(hls.renditions[1]!.video).toMatchObject({
      rateControl: 'QVBR',
      qvbrQualityLevel: 7,
      gop: { size: 2, units: 'SECONDS' },
      profile: 'MAIN',
      level: 'AUTO',
      sceneChangeDetect: true,
      scaling: 'DEFAULT',
    });
    expect(hls.renditions[1]!.audio).toEqual({ selector: 'Audio Selector 1', bitrate: 96000, channels: 2, sampleRate: 48000 });

    // 12 s: 6 thumbnails (0…10 s) of 320 × 180 in a tile 2 wide, 4 high.
    expect(hls.trickPlay).toEqual({
      settingPath: 'Settings.OutputGroups[0].OutputGroupSettings.HlsGroupSettings.ImageBasedTrickPlaySettings',
      intervalSeconds: 2,
      thumbnailWidth: 320,
      thumbnailHeight: 180,
      columns: 2,
      rows: 4,
    });
    expect(plan.groups).toHaveLength(3);
    const [mp4, poster] = plan.groups.slice(1).map((g) => (g.kind === 'file' ? g : undefined));
    expect(mp4!.outputs[0]).toMatchObject({ kind: 'mp4', faststart: true, nameModifier: '' });
    expect(mp4!.destination.baseName).toBe('clip');
    expect(poster!.outputs[0]).toMatchObject({ kind: 'frames', capture: { width: 1920, height: 1080, maxCaptures: 1, quality: 80 } });
  });

  it('refuses trick-play settings MediaConvert would refuse, and modes the engine does not make', () => {
    const withTrickPlay = (change: (hls: Record<string, any>) => void) => {
      const settings = settingsFor({ codec: 'h264', width: 1920, height: 1080 }, true) as any;
      change(settings.OutputGroups[0].OutputGroupSettings.HlsGroupSettings);
      return () => readJobSettings(settings);
    };
    expect(withTrickPlay((h) => (h.ImageBasedTrickPlaySettings.ThumbnailWidth = 300))).toThrow(/ThumbnailWidth = 300 is not valid: it must be a multiple of 8/);
    expect(withTrickPlay((h) => (h.ImageBasedTrickPlaySettings.TileHeight = 3))).toThrow(/TileHeight = 3 is not valid: it must be even/);
    expect(withTrickPlay((h) => (h.ImageBasedTrickPlaySettings.TileHeight = 24))).toThrow(/above the 4096 px/);
    expect(withTrickPlay((h) => (h.ImageBasedTrickPlay = 'THUMBNAIL_AND_FULLFRAME'))).toThrow(/ImageBasedTrickPlay = "THUMBNAIL_AND_FULLFRAME" is not supported by the local MediaConvert engine/);
    expect(withTrickPlay((h) => (h.ImageBasedTrickPlaySettings.IntervalCadence = 'FOLLOW_IFRAME'))).toThrow(/IntervalCadence = "FOLLOW_IFRAME" is not supported/);
  });

  it('reads a silent clip’s job: no audio selector, no audio in any output', () => {
    const plan = readJobSettings(settingsFor({ codec: 'hevc', width: 640, height: 360 }, false));
    expect(plan.input.audioSelectors).toEqual({});
    for (const group of plan.groups) {
      const outputs = group.kind === 'hls' ? group.renditions : group.outputs;
      for (const output of outputs) expect('audio' in output && output.audio).toBeFalsy();
    }
  });

  it('refuses a key it does not implement, naming its full path', () => {
    const settings = settingsFor({ codec: 'h264', width: 1920, height: 1080 });
    settings.OutputGroups[0].Outputs[1].VideoDescription.CodecSettings.H264Settings.FooBar = 1;
    const error = rejection(settings);
    expect(error.name).toBe(BAD_REQUEST_ERROR);
    expect(error.name).toBe('MediaConvert.BadRequestException');
    expect(error.settingPath).toBe('Settings.OutputGroups[0].Outputs[1].VideoDescription.CodecSettings.H264Settings.FooBar');
    expect(error.message).toMatch(/^Settings\.OutputGroups\[0\]\.Outputs\[1\]\.VideoDescription\.CodecSettings\.H264Settings\.FooBar is not supported by the local MediaConvert engine/);
  });

  it('refuses a value it does not implement, naming the setting and the value', () => {
    const settings = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    settings.OutputGroups[0].OutputGroupSettings.HlsGroupSettings.DirectoryStructure = 'SUBDIRECTORY_PER_STREAM';
    const error = rejection(settings);
    expect(error.settingPath).toBe('Settings.OutputGroups[0].OutputGroupSettings.HlsGroupSettings.DirectoryStructure = "SUBDIRECTORY_PER_STREAM"');
    expect(error.message).toContain('implemented values: SINGLE_DIRECTORY');
  });

  it('names settings under keys with spaces with brackets', () => {
    const settings = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    settings.Inputs[0].AudioSelectors['Audio Selector 1'].Offset = 100;
    expect(rejection(settings).settingPath).toBe('Settings.Inputs[0].AudioSelectors["Audio Selector 1"].Offset');
  });

  it('refuses settings that are not valid: odd H.264 width, QVBR without MaxBitrate, unknown audio selector', () => {
    const odd = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    odd.OutputGroups[1].Outputs[0].VideoDescription.Width = 1279;
    expect(rejection(odd)).toMatchObject({ problem: 'invalid', settingPath: 'Settings.OutputGroups[1].Outputs[0].VideoDescription.Width' });

    const noCeiling = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    delete noCeiling.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.H264Settings.MaxBitrate;
    expect(rejection(noCeiling).settingPath).toBe('Settings.OutputGroups[0].Outputs[0].VideoDescription.CodecSettings.H264Settings.MaxBitrate');

    const selector = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    selector.OutputGroups[1].Outputs[0].AudioDescriptions[0].AudioSourceName = 'Audio Selector 2';
    expect(rejection(selector).message).toContain('no audio selector named "Audio Selector 2"');
  });

  it('refuses two outputs that would write the same files', () => {
    const settings = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    settings.OutputGroups[0].Outputs[1].NameModifier = '_720p';
    expect(rejection(settings).settingPath).toBe('Settings.OutputGroups[0].Outputs[1]');
  });

  it('refuses more than one input and settings that are not an object', () => {
    const settings = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    settings.Inputs.push(settings.Inputs[0]);
    expect(rejection(settings).settingPath).toBe('Settings.Inputs');
    expect(rejection('nope').settingPath).toBe('Settings');
  });

  it('names outputs after the input file when a destination is a folder', () => {
    const settings = settingsFor({ codec: 'h264', width: 1280, height: 720 });
    settings.OutputGroups[1].OutputGroupSettings.FileGroupSettings.Destination = 's3://camflow-media/exports/';
    const mp4 = readJobSettings(settings).groups[1]!;
    expect(mp4.destination).toEqual({ bucket: 'camflow-media', directory: 'exports/', baseName: 'clip' });
  });
});
