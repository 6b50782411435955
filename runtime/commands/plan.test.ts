import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegGenerated } from '../../integ-tests/generated-media.ts';
import { CLIP_ID_PATTERN } from '../../domain/clip-identity.ts';
import type { ClipPlan } from './plan.ts';
import { PLACEHOLDER_ROLE_ARN, planClip } from './plan.ts';

const exec = promisify(execFile);
const CLI = resolve('bin/camflow.js');

let dir: string;
const file = (name: string) => join(dir, name);

async function ffmpeg(args: string[]) {
  await ffmpegGenerated('ffmpeg', ['-v', 'error', '-y', ...args]);
}

/** `npx camflow plan …` (the bin, run by node): exit code, parsed JSON stdout, stderr. */
async function plan(args: string[], env: Record<string, string> = {}): Promise<{ code: number; plan?: ClipPlan; stderr: string }> {
  const result = await exec(process.execPath, [CLI, 'plan', ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return { code: result.code, plan: result.stdout.trim().startsWith('{') ? (JSON.parse(result.stdout) as ClipPlan) : undefined, stderr: result.stderr };
}

type Settings = {
  Inputs: Array<Record<string, unknown>>;
  OutputGroups: Array<{ Name: string; OutputGroupSettings: Record<string, { Destination?: string } | string>; Outputs: Array<Record<string, unknown>> }>;
};

function expectCreateJob(result: ClipPlan, key: string, options: { audio: boolean }) {
  expect(result.clipId).toMatch(CLIP_ID_PATTERN);
  expect(result.clip.key).toBe(key);
  expect(result.next).toBe('render');
  const request = result.createJobRequest!;
  expect(request).not.toBeNull();
  expect(request.UserMetadata).toEqual({ clipId: result.clipId, camera: 'garage' });
  const settings = request.Settings as unknown as Settings;
  expect(settings.Inputs).toHaveLength(1);
  expect(settings.Inputs[0]!.FileInput).toBe(`s3://camflow-uploads/${key}`);
  expect(settings.OutputGroups.map((g) => g.Name)).toEqual(['HLS', 'MP4', 'Poster']);
  const prefix = result.validation.mediaPrefix!;
  expect(prefix).toMatch(new RegExp(`^s3://camflow-media/garage/\\d{4}/\\d{2}/\\d{2}/${result.clipId}/$`));
  for (const group of settings.OutputGroups) {
    const destination = Object.values(group.OutputGroupSettings).find((v): v is { Destination: string } => typeof v === 'object')!.Destination;
    expect(destination.startsWith(prefix)).toBe(true);
  }
  expect('AudioSelectors' in settings.Inputs[0]!).toBe(options.audio);
  expect(JSON.stringify(settings.OutputGroups).includes('AudioDescriptions')).toBe(options.audio);
  expect(result.validation.plannedOutputs?.map((o) => o.kind)).toEqual(['hls-master', 'hls', 'mp4', 'poster', 'sprite']);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'camflow-plan-'));
  const picture = (size: string) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=10:duration=2`];
  const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2'];
  await Promise.all([
    ffmpeg([...picture('320x180'), ...tone, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file('h264-aac.mp4')]),
    ffmpeg([...picture('320x180'), '-c:v', 'libx265', '-x265-params', 'log-level=error', file('hevc.mkv')]),
    ffmpeg([...picture('320x240'), ...tone, '-c:v', 'mjpeg', '-c:a', 'pcm_mulaw', '-ar', '8000', '-shortest', file('mjpeg-mulaw.avi')]),
    writeFile(file('notes.txt'), 'this is not a clip\n'),
    ffmpeg([...picture('1280x720'), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file('h264-720p.mp4')]),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('camflow plan', () => {
  it('prints a CreateJob request for an H.264/AAC MP4, with audio, using the role from MEDIACONVERT_ROLE_ARN', async () => {
    const role = 'arn:aws:iam::123456789012:role/Camflow-MediaConvertRole';
    const { code, plan: result } = await plan([file('h264-aac.mp4'), '--camera', 'garage'], { MEDIACONVERT_ROLE_ARN: role });
    expect(code).toBe(0);
    expect(result!.probe).toMatchObject({ video: { codec: 'h264', width: 320, height: 180 }, audio: { codec: 'aac' } });
    expectCreateJob(result!, 'garage/h264-aac.mp4', { audio: true });
    expect(result!.createJobRequest!.Role).toBe(role);
  });

  it('plans the HLS ladder the workflow would, from HLS_LADDER as the task reads it', async () => {
    const rungs = async (env: Record<string, string | undefined>) => {
      const result = await planClip(file('h264-720p.mp4'), { camera: 'garage', env });
      const hls = (result.createJobRequest!.Settings as { OutputGroups: Array<{ Name: string; Outputs: Array<{ NameModifier?: string }> }> }).OutputGroups.find((g) => g.Name === 'HLS')!;
      return hls.Outputs.map((o) => o.NameModifier);
    };
    // The default profile keeps the camera's H.264 (one rendition); `full` is the ladder.
    expect(await rungs({})).toEqual(['_source']);
    expect(await rungs({ DEFAULT_RENDER_PROFILE: 'full' })).toEqual(['_720p', '_360p']);
    expect(await rungs({ DEFAULT_RENDER_PROFILE: 'full', HLS_LADDER: '360p' })).toEqual(['_360p']);
    expect(await rungs({ DEFAULT_RENDER_PROFILE: 'economy' })).toEqual(['_720p']);
  });

  it('plans by --profile, says which profile the clip gets and why, and refuses an unknown profile', async () => {
    const passthrough = await plan([file('h264-aac.mp4'), '--camera', 'garage']);
    const groups = (passthrough.plan!.createJobRequest!.Settings as unknown as Settings).OutputGroups;
    expect(groups[0]!.Outputs.map((o) => o.VideoDescription)).toEqual([{ CodecSettings: { Codec: 'PASSTHROUGH' } }]);
    expect(passthrough.plan!.validation.renderProfile).toEqual({ requested: 'passthrough', applied: 'passthrough' });
    const hevc = await plan([file('hevc.mkv'), '--camera', 'garage', '--profile', 'passthrough']);
    expect(hevc.code).toBe(0);
    expect(hevc.plan!.validation.renderProfile).toMatchObject({ requested: 'passthrough', applied: 'economy', reason: expect.stringMatching(/HEVC/) });
    const planned = JSON.parse(JSON.stringify(hevc.plan!.createJobRequest!.Settings)) as Settings;
    expect(JSON.stringify(planned)).not.toContain('PASSTHROUGH');
    const full = await plan([file('h264-aac.mp4'), '--camera', 'garage', '--profile=full']);
    expect(JSON.stringify(full.plan!.createJobRequest!.Settings)).not.toContain('PASSTHROUGH');
    const bad = await plan([file('h264-aac.mp4'), '--profile', 'cheapest']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--profile must be one of passthrough, economy, full/);
  });

  it('prints a CreateJob request for an MKV with HEVC and no audio, without audio outputs', async () => {
    const { code, plan: result } = await plan([file('hevc.mkv'), '--camera=garage']);
    expect(code).toBe(0);
    expect(result!.probe).toMatchObject({ video: { codec: 'hevc' } });
    expect(result!.probe!.audio).toBeUndefined();
    expectCreateJob(result!, 'garage/hevc.mkv', { audio: false });
    expect(result!.createJobRequest!.Role).toBe(PLACEHOLDER_ROLE_ARN);
  });

  it('prints a CreateJob request for an MJPEG AVI with mu-law audio', async () => {
    const { code, plan: result } = await plan(['--camera', 'garage', file('mjpeg-mulaw.avi')]);
    expect(code).toBe(0);
    expect(result!.probe).toMatchObject({ video: { codec: 'mjpeg', width: 320, height: 240 }, audio: { codec: 'pcm_mulaw' } });
    expectCreateJob(result!, 'garage/mjpeg-mulaw.avi', { audio: true });
  });

  it('says a text file would be quarantined, with no CreateJob request, and exits 1', async () => {
    const { code, plan: result } = await plan([file('notes.txt'), '--camera', 'garage']);
    expect(code).toBe(1);
    expect(result!.next).toBe('quarantine');
    expect(result!.validation.kind).toBe('invalid');
    expect(result!.validation.reason).toBe('not-media');
    expect(result!.createJobRequest).toBeNull();
  });

  it('refuses a bad camera id, a missing file and a missing argument with exit code 2', async () => {
    for (const args of [[file('hevc.mkv'), '--camera', 'Front Door'], [file('missing.mp4')], []]) {
      const { code, stderr, plan: result } = await plan(args);
      expect(code).toBe(2);
      expect(result).toBeUndefined();
      expect(stderr).toMatch(/usage: camflow plan/);
    }
  });
});
