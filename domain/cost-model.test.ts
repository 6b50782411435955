/** `camflow cost`'s model against bills computed by hand from the cited prices. */
import { describe, expect, it } from 'vitest';
import { clipCost, countTransitions, mediaConvertUsage, monthlyBill, REFERENCE_HOME, VIDEO_CLIP_TRANSITIONS } from './cost-model.ts';
import { buildRenderJob } from './render-job.ts';
import { synthesizeClipWorkflowDefinition } from '../workflows/synthesized-definition.ts';

const line = (bill: ReturnType<typeof monthlyBill>, service: string) => bill.lines.find((l) => l.service === service)!.usd;

describe('camflow cost', () => {
  const home = { ...REFERENCE_HOME, cameras: 1, clipsPerDay: 10, seconds: 20 };
  const clips = 10 * 30.4; // 304 clips a month

  it('bills MediaConvert by normalized minute: full ladder from 1080p = 1080p(2) + 720p(2) + 360p(1) HLS + 1080p MP4(2) + poster(1) + sprite(1)', () => {
    // 20 s = 1/3 min per output; 9 normalized × 1/3 = 3 normalized min/clip; × 304 × $0.0075 = $6.84.
    expect(line(monthlyBill(home, 'full', 10), 'MediaConvert')).toBeCloseTo(304 * 3 * 0.0075, 6);
    expect(line(monthlyBill(home, 'full', 10), 'MediaConvert')).toBeCloseTo(6.84, 6);
  });

  it('bills passthrough as 4 SD outputs (HLS, MP4, poster, sprite) and economy as 2 HD + 2 SD', () => {
    expect(line(monthlyBill(home, 'passthrough', 10), 'MediaConvert')).toBeCloseTo(clips * (4 / 3) * 0.0075, 6); // $3.04
    expect(line(monthlyBill(home, 'economy', 10), 'MediaConvert')).toBeCloseTo(clips * (6 / 3) * 0.0075, 6); // $4.56
  });

  it('bills at least 10 s per output: a 4 s clip costs as much as a 10 s one', () => {
    const short = monthlyBill({ ...home, seconds: 4 }, 'passthrough', 10);
    expect(line(short, 'MediaConvert')).toBeCloseTo(clips * 4 * (10 / 60) * 0.0075, 6);
  });

  it('bills Step Functions by the transitions counted, SMS per alert with the cooldown folding clips', () => {
    const bill = monthlyBill({ ...home, alerts: 'sms', clipsPerAlert: 2 }, 'passthrough', 12);
    expect(line(bill, 'Step Functions')).toBeCloseTo(clips * 12 * 0.000025, 9); // $0.0912
    expect(line(bill, 'SNS SMS')).toBeCloseTo((clips / 2) * 0.00883, 9); // $1.342
    expect(line(bill, 'SNS email')).toBe(0);
    // 8 quiet hours a day (`--quiet-hours 8`): a third fewer alerts; both channels bill each alert.
    const quiet = monthlyBill({ ...home, alerts: 'both', clipsPerAlert: 2, quietShare: 8 / 24 }, 'passthrough', 12);
    expect(line(quiet, 'SNS SMS')).toBeCloseTo((clips / 2) * (2 / 3) * 0.00883, 9);
    expect(line(quiet, 'SNS email')).toBeCloseTo((clips / 2) * (2 / 3) * (2 / 100_000), 12);
  });

  it('bills S3 storage at steady state over the standard schedule: 30 days Standard, 335 days Glacier IR for objects ≥ 128 KB', () => {
    const bill = monthlyBill(home, 'passthrough', 10);
    const { bytes } = bill.perClip;
    // Raw 10 MB + HLS 10 MB + MP4 10 MB (4 Mbit/s × 20 s) are large; playlists (1 KB master, 2 KB
    // variant, 0.5 KB sprite index), the 80 KB poster and the 3 × 4 sprite (8 KB a cell) small.
    const large = 3 * 10_000_000;
    expect(bytes).toBe(large + 1_000 + 2_000 + 80_000 + 8_000 * 12 + 500);
    const perDay = 10;
    const expected = ((perDay * bytes) / 1e9) * 30 * 0.023 + ((perDay * large) / 1e9) * 335 * 0.004 + ((perDay * (bytes - large)) / 1e9) * 335 * 0.023;
    expect(line(bill, 'S3 storage')).toBeCloseTo(expected, 9);
    // Raw upload, master, variant playlist, .ts, MP4, poster, sprite and its index.
    expect(bill.perClip.objects).toBe(8);
  });

  it('counts the transitions of a video clip from the synthesized workflow, inside the Parallel too', () => {
    const { asl } = synthesizeClipWorkflowDefinition();
    const video = countTransitions(asl, 'video');
    const still = countTransitions(asl, 'still');
    // Validate, Resume after outage?, What was uploaded?, Parallel, Decide alert, Alert due?, one
    // alert state, Render, Catalog, Retention, Clip ready. The catalog's per-clip estimate uses
    // the constant: change it with the workflow.
    expect(video).toBe(11);
    expect(VIDEO_CLIP_TRANSITIONS).toBe(video);
    expect(still).toBeLessThan(video);
  });

  it('estimates one clip as the catalog records it: minutes by class, objects, bytes and dollars', () => {
    const probe = { container: 'mp4', durationSeconds: 20, sizeBytes: 10_000_000, video: { codec: 'h264', width: 1920, height: 1080, frameRate: 25, bitrate: 4_000_000 }, audio: { codec: 'aac' } };
    const job = buildRenderJob({ clipId: 'c', camera: 'cam', sourceUri: 's3://u/cam/c.mp4', mediaBucket: 'm', capturedAt: '2025-01-01T00:00:00Z', probe, profile: 'passthrough' });
    const usage = mediaConvertUsage(job.settings, 20, 25);
    expect(usage.outputMinutes).toEqual({ passthrough: 0.6667, 'frame capture': 0.3333, 'trick play': 0.3333 });
    expect(usage.normalizedMinutes).toBeCloseTo(4 / 3, 9);
    const cost = clipCost(job, { seconds: 20, frameRate: 25, sourceBytes: 10_000_000, sourceBitrate: 4_000_000 }, 10, 20_200_000);
    expect(cost).toMatchObject({ normalizedMinutes: 1.3333, objects: 8, bytes: 30_200_000, transitions: 10 });
    // MediaConvert 4/3 × $0.0075 + 16 PUT-class requests × $0.005/1000 + 10 × $0.000025 + Lambda (1.95 GB-s, 4 runs) + 30.2 MB × $0.023 a month.
    const byHand = (4 / 3) * 0.0075 + 16 * 0.000005 + 10 * 0.000025 + 1.95 * 0.0000133334 + 4 * 0.0000002 + 0.0302 * 0.023;
    expect(cost.usd).toBeCloseTo(byHand, 6);
    // A 4 s clip pays the 10 s minimum on each of its 4 billed outputs; a 60 fps encode pays double.
    expect(mediaConvertUsage(job.settings, 4, 25).normalizedMinutes).toBeCloseTo(4 * (10 / 60), 9);
    const economy = buildRenderJob({ clipId: 'c', camera: 'cam', sourceUri: 's3://u/cam/c.mp4', mediaBucket: 'm', capturedAt: '2025-01-01T00:00:00Z', probe, profile: 'economy' });
    const fast = mediaConvertUsage(economy.settings, 60, 60);
    expect(fast.outputMinutes).toEqual({ HD: 2, 'frame capture': 1, 'trick play': 1 });
    expect(fast.normalizedMinutes).toBeCloseTo(2 * (2 * 2) + 1 + 1, 9);
  });
});
