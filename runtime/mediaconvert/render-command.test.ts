import { describe, expect, it } from 'vitest';
import { buildRenderJob } from '../../domain/render-job.ts';
import { autoLevel, avcCodecString, crfForQvbrLevel, expectedAvcCodecString, findSps, rateControlArgs } from './h264-encoding.ts';
import { readVariantPlaylist, renditionBandwidth, writeMasterPlaylist } from './hls-master.ts';
import { readJobSettings, type H264Encode } from './job-settings.ts';
import { jpegQscale, outputFrameSize, pictureSize, RenderNotPossible, renderCommands, scalingFilters } from './render-command.ts';
import { displayedSize, parseSourceReport, type SourceReport } from './source-probe.ts';

// `ffmpeg -hide_banner -i` reports, as the two ffmpegs print them.
const DEBIAN_ROTATED = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rot.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:03.00, start: 0.000000, bitrate: 811 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 730 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
    Metadata:
      handler_name    : VideoHandler
    Side data:
      displaymatrix: rotation of 90.00 degrees
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
At least one output file must be specified`;

const STATIC_2018_ROTATED = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rot.mp4':
  Duration: 00:00:03.00, start: 0.000000, bitrate: 811 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 640x360 [SAR 1:1 DAR 16:9], 730 kb/s, 25 fps, 25 tbr, 12800 tbn, 50 tbc (default)
    Metadata:
      rotate          : 270
      handler_name    : VideoHandler
    Side data:
      displaymatrix: rotation of 90.00 degrees
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)`;

const MJPEG_AVI = `Guessed Channel Layout for Input Stream #0.1 : mono
Input #0, avi, from 'mjpeg.avi':
  Duration: 00:00:02.00, start: 0.000000, bitrate: 1240 kb/s
  Stream #0:0: Video: mjpeg (Baseline) (MJPG / 0x47504A4D), yuvj420p(pc, bt470bg/unknown/unknown), 320x240 [SAR 1:1 DAR 4:3], 1170 kb/s, 15 fps, 15 tbr, 15 tbn
  Stream #0:1: Audio: pcm_mulaw ([7][0][0][0] / 0x0007), 8000 Hz, mono, s16, 64 kb/s`;

const SILENT_HEVC = `Input #0, matroska,webm, from 'hevc.mkv':
  Duration: 00:00:02.00, start: 0.000000, bitrate: 177 kb/s
  Stream #0:0: Video: hevc (Main), yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], 30 fps, 30 tbr, 1k tbn`;

describe('parseSourceReport', () => {
  it('reads size, rate, duration, rotation and audio from Debian ffmpeg 5.1 and the 2018 static build alike', () => {
    for (const report of [DEBIAN_ROTATED, STATIC_2018_ROTATED]) {
      const source = parseSourceReport(report);
      expect(source.durationSeconds).toBe(3);
      expect(source.video).toEqual({ codec: 'h264', codedWidth: 640, codedHeight: 360, sampleAspect: 1, rotation: 270, frameRate: 25 });
      expect(displayedSize(source.video!)).toEqual({ width: 360, height: 640 });
      expect(source.audio).toEqual({ codec: 'aac', tracks: 1 });
    }
  });

  it('reads an MJPEG AVI with G.711 audio and a silent HEVC MKV', () => {
    expect(parseSourceReport(MJPEG_AVI)).toEqual({
      durationSeconds: 2,
      video: { codec: 'mjpeg', codedWidth: 320, codedHeight: 240, sampleAspect: 1, rotation: 0, frameRate: 15 },
      audio: { codec: 'pcm_mulaw', tracks: 1 },
    });
    const silent = parseSourceReport(SILENT_HEVC);
    expect(silent.video?.codec).toBe('hevc');
    expect(silent.audio).toBeUndefined();
  });

  it('finds no video in a report without a video stream', () => {
    expect(parseSourceReport("Input #0, wav, from 'a.wav':\n  Duration: 00:00:01.00\n  Stream #0:0: Audio: pcm_s16le, 8000 Hz, mono").video).toBeUndefined();
  });
});

describe('frame sizes and scaling', () => {
  it('takes Width×Height as given, follows the picture for a missing side, and the picture when both are missing', () => {
    expect(outputFrameSize({ width: 1280, height: 720 }, { width: 640, height: 480 })).toEqual({ width: 1280, height: 720 });
    expect(outputFrameSize({ height: 360 }, { width: 1920, height: 1080 })).toEqual({ width: 640, height: 360 });
    expect(outputFrameSize({ width: 320 }, { width: 1080, height: 1920 })).toEqual({ width: 320, height: 568 });
    expect(outputFrameSize({}, { width: 321, height: 241 })).toEqual({ width: 320, height: 240 });
  });

  it('fits the picture and pads it (DEFAULT), or stretches it (STRETCH_TO_OUTPUT)', () => {
    expect(scalingFilters({ width: 1920, height: 1080 }, { width: 1280, height: 720 }, 'DEFAULT')).toEqual(['scale=1280:720', 'setsar=1']);
    expect(scalingFilters({ width: 640, height: 480 }, { width: 640, height: 360 }, 'DEFAULT')).toEqual(['scale=480:360', 'setsar=1', 'pad=640:360:80:0:black']);
    expect(scalingFilters({ width: 640, height: 480 }, { width: 640, height: 360 }, 'STRETCH_TO_OUTPUT')).toEqual(['scale=640:360', 'setsar=1']);
  });

  it('turns the picture for rotation: AUTO follows the clip’s metadata, a fixed rotation ignores it', () => {
    const source = parseSourceReport(DEBIAN_ROTATED);
    expect(pictureSize(source, 'AUTO')).toEqual({ width: 360, height: 640 });
    expect(pictureSize(source, 'DEGREE_0')).toEqual({ width: 640, height: 360 });
    expect(pictureSize(source, 'DEGREES_90')).toEqual({ width: 360, height: 640 });
  });

  it('maps JPEG quality to mjpeg qscale', () => {
    expect(jpegQscale(100)).toBe(2);
    expect(jpegQscale(80)).toBe(8);
    expect(jpegQscale(1)).toBe(31);
  });
});

describe('H.264 settings', () => {
  const qvbr: H264Encode = {
    codec: 'h264',
    scaling: 'DEFAULT',
    rateControl: 'QVBR',
    qvbrQualityLevel: 7,
    maxBitrate: 3_000_000,
    profile: 'MAIN',
    level: 'AUTO',
    sceneChangeDetect: true,
    qualityTuning: 'SINGLE_PASS',
  };

  it('maps QVBR to CRF under a VBV ceiling, CBR and VBR to bitrates', () => {
    expect(crfForQvbrLevel(7)).toBe(23);
    expect(crfForQvbrLevel(10)).toBe(17);
    expect(crfForQvbrLevel(1)).toBe(35);
    expect(rateControlArgs(qvbr)).toEqual(['-crf', '23', '-maxrate', '3000000', '-bufsize', '6000000']);
    expect(rateControlArgs({ ...qvbr, rateControl: 'CBR', bitrate: 2_000_000, maxBitrate: undefined!, hrdBufferSize: 1_000_000 })).toEqual([
      '-b:v',
      '2000000',
      '-minrate',
      '2000000',
      '-maxrate',
      '2000000',
      '-bufsize',
      '1000000',
    ]);
    expect(rateControlArgs({ ...qvbr, rateControl: 'VBR', bitrate: 2_000_000 })).toEqual(['-b:v', '2000000', '-maxrate', '3000000', '-bufsize', '6000000']);
  });

  it('picks the lowest level that holds size, frame rate and bitrate (CodecLevel AUTO)', () => {
    expect(autoLevel({ width: 1920, height: 1080, fps: 30, bitrate: 5_000_000, profile: 'MAIN' })).toBe('4');
    expect(autoLevel({ width: 1920, height: 1080, fps: 60, bitrate: 5_000_000, profile: 'MAIN' })).toBe('4.2');
    expect(autoLevel({ width: 1280, height: 720, fps: 30, bitrate: 3_000_000, profile: 'MAIN' })).toBe('3.1');
    expect(autoLevel({ width: 640, height: 360, fps: 25, bitrate: 1_000_000, profile: 'MAIN' })).toBe('3');
    expect(autoLevel({ width: 320, height: 180, fps: 15, bitrate: 600_000, profile: 'MAIN' })).toBe('1.3');
  });

  it('writes RFC 6381 codec strings from the SPS, in an MP4 avcC box or an Annex B stream', () => {
    expect(expectedAvcCodecString('MAIN', '3.1')).toBe('avc1.4d401f');
    expect(expectedAvcCodecString('HIGH', '4')).toBe('avc1.640028');
    expect(expectedAvcCodecString('BASELINE', '3')).toBe('avc1.42c01e');
    const annexB = Uint8Array.from([0x47, 0, 0, 0, 1, 0x67, 0x4d, 0x40, 0x1f, 0xac]);
    expect(avcCodecString(findSps(annexB)!)).toBe('avc1.4d401f');
    const avcC = Uint8Array.from([0, 0, 0, 0x30, 0x61, 0x76, 0x63, 0x43, 1, 0x64, 0x00, 0x28, 0xff]);
    expect(avcCodecString(findSps(avcC)!)).toBe('avc1.640028');
  });
});

describe('HLS playlists', () => {
  it('reads a variant playlist', () => {
    const playlist = readVariantPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nindex_720p_00001.ts\n#EXTINF:1,\nindex_720p_00002.ts\n#EXT-X-ENDLIST\n');
    expect(playlist).toEqual({
      segments: [
        { uri: 'index_720p_00001.ts', seconds: 4 },
        { uri: 'index_720p_00002.ts', seconds: 1 },
      ],
      targetDuration: 4,
      ended: true,
    });
  });

  it('announces peak and average bandwidth from segment sizes, leaving a short last segment out of the peak', () => {
    expect(
      renditionBandwidth(
        [
          { seconds: 4, bytes: 500_000 },
          { seconds: 4, bytes: 250_000 },
          { seconds: 0.5, bytes: 100_000 },
        ],
        4,
      ),
    ).toEqual({ peak: 1_000_000, average: 800_000 });
    expect(renditionBandwidth([{ seconds: 1, bytes: 1000 }], 4)).toEqual({ peak: 8000, average: 8000 });
  });

  it('writes a multivariant playlist with BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION and FRAME-RATE', () => {
    expect(writeMasterPlaylist([{ uri: 'index_720p.m3u8', bandwidth: 2_500_000, averageBandwidth: 1_200_000, width: 1280, height: 720, codecs: ['avc1.4d401f', 'mp4a.40.2'], frameRate: 25 }])).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=1200000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25.000\nindex_720p.m3u8\n',
    );
  });
});

describe('renderCommands', () => {
  const source1080: SourceReport = {
    durationSeconds: 30,
    video: { codec: 'h264', codedWidth: 1920, codedHeight: 1080, sampleAspect: 1, rotation: 0, frameRate: 30 },
    audio: { codec: 'aac', tracks: 1 },
  };
  const job = (audio: boolean) =>
    buildRenderJob({
      clipId: 'clip1',
      camera: 'frontdoor',
      sourceUri: 's3://camflow-uploads/frontdoor/clip.mp4',
      mediaBucket: 'camflow-media',
      capturedAt: '2025-06-01T13:02:00Z',
      probe: { container: 'mp4', durationSeconds: 30, sizeBytes: 1, video: { codec: 'h264', width: 1920, height: 1080 }, ...(audio ? { audio: { codec: 'aac' } } : {}) },
    }).settings;

  it('decodes once into every output, and cuts the MP4’s identical 1080p encode into the 1080p rendition instead of encoding it twice', () => {
    const commands = renderCommands(readJobSettings(job(true)), source1080, '/work/in.mp4', (g) => `/work/out/g${g}`);
    const args = commands.encode;
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    // MP4 1080p, poster, 720p, 360p, sprite: five branches of one split.
    expect(graph).toMatch(/^\[0:v:0\]split=5/);
    expect(args.filter((a) => a === 'libx264')).toHaveLength(3);
    expect(args.filter((a) => a === 'mjpeg')).toHaveLength(2);
    expect(args).toContain('/work/out/g1/clip.mp4');
    expect(args).toContain('/work/out/g0/index_720p.m3u8');
    expect(args).not.toContain('/work/out/g0/index_1080p.m3u8');
    expect(args).toContain('/work/out/g2/poster.%07d.jpg');
    expect(args).toContain('/work/out/g0/index_thumbnails_00001.jpg');
    expect(graph).toContain('fps=1/2:round=down:eof_action=pass,scale=320:180,setsar=1,tile=4x4');
    expect(commands.sprites).toEqual([
      {
        groupIndex: 0,
        directory: '/work/out/g0',
        playlist: 'index_thumbnails.m3u8',
        image: 'index_thumbnails_00001.jpg',
        thumbnail: { width: 320, height: 180 },
        columns: 4,
        rows: 4,
        intervalSeconds: 2,
      },
    ]);
    expect(args.join(' ')).toContain('-movflags +faststart -f mp4');
    expect(commands.remux).toHaveLength(1);
    // SegmentControl SINGLE_FILE: one .ts per rendition, segments as byte ranges.
    expect(commands.remux[0]).toEqual(expect.arrayContaining(['/work/out/g1/clip.mp4', '-c', 'copy', 'single_file+round_durations', '/work/out/g0/index_1080p.m3u8', '/work/out/g0/index_1080p.ts']));
    expect(commands.masters).toEqual([{ groupIndex: 0, directory: '/work/out/g0', fileName: 'index.m3u8' }]);
    expect(commands.outputs.map((o) => [o.kind, o.fileName, o.size.width, o.size.height, o.videoCodec])).toEqual([
      ['hls', 'index_1080p.m3u8', 1920, 1080, 'avc1.4d4028'],
      ['hls', 'index_720p.m3u8', 1280, 720, 'avc1.4d401f'],
      ['hls', 'index_360p.m3u8', 640, 360, 'avc1.4d401e'],
      ['mp4', 'clip.mp4', 1920, 1080, 'avc1.4d4028'],
      ['frames', 'poster', 1920, 1080, undefined],
    ]);
  });

  it('forces an IDR frame every GOP (2 s), which also starts every 4 s HLS segment', () => {
    const commands = renderCommands(readJobSettings(job(true)), source1080, '/work/in.mp4', (g) => `/work/out/g${g}`);
    const encode = commands.encode.join(' ');
    expect(encode).toContain('-g 60 -force_key_frames expr:gte(t,n_forced*2)');
    expect(encode).toContain('-crf 23 -maxrate 3000000 -bufsize 6000000');
  });

  it('maps audio only where the settings ask for it', () => {
    const withAudio = renderCommands(readJobSettings(job(true)), source1080, '/in', (g) => `/o${g}`);
    expect(withAudio.encode.filter((a) => a === '0:a:0')).toHaveLength(3);
    const silent = renderCommands(readJobSettings(job(false)), { ...source1080, audio: undefined }, '/in', (g) => `/o${g}`);
    expect(silent.encode).not.toContain('0:a:0');
    expect(silent.remux[0]).not.toContain('0:a:0');
  });

  it('fails a job whose settings ask for audio from a clip without any', () => {
    const { audio: _, ...silentSource } = source1080;
    expect(() => renderCommands(readJobSettings(job(true)), silentSource, '/in', (g) => `/o${g}`)).toThrow(RenderNotPossible);
    expect(() => renderCommands(readJobSettings(job(true)), silentSource, '/in', (g) => `/o${g}`)).toThrow(/has no audio track.*Leave AudioDescriptions and AudioSelectors out for silent clips/);
  });
});
