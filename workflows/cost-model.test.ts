/** `camflow cost`'s model against bills computed by hand from the cited prices. */
import { describe, expect, it } from 'vitest';
import { countTransitions, monthlyBill, REFERENCE_HOME } from './cost-model.ts';
import { synthesizeClipWorkflowDefinition } from './synthesized-definition.ts';

const line = (bill: ReturnType<typeof monthlyBill>, service: string) => bill.lines.find((l) => l.service === service)!.usd;

describe('camflow cost', () => {
  const home = { ...REFERENCE_HOME, cameras: 1, clipsPerDay: 10, seconds: 20 };
  const clips = 10 * 30.4; // 304 clips a month

  it('bills MediaConvert by normalized minute: full ladder from 1080p = 1080p(2) + 720p(2) + 360p(1) HLS + 1080p MP4(2) + poster(1) + thumbnails(1)', () => {
    // 20 s = 1/3 min per output; 9 normalized × 1/3 = 3 normalized min/clip; × 304 × $0.0075 = $6.84.
    expect(line(monthlyBill(home, 'full', 10), 'MediaConvert')).toBeCloseTo(304 * 3 * 0.0075, 6);
    expect(line(monthlyBill(home, 'full', 10), 'MediaConvert')).toBeCloseTo(6.84, 6);
  });

  it('bills passthrough as 4 SD outputs (HLS, MP4, poster, thumbnails) and economy as 2 HD + 2 SD', () => {
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
  });

  it('bills S3 storage at steady state over the standard schedule: 30 days Standard, 335 days Glacier IR for objects ≥ 128 KB', () => {
    const bill = monthlyBill(home, 'passthrough', 10);
    const { bytes } = bill.perClip;
    // Raw 10 MB + HLS 10 MB + MP4 10 MB (4 Mbit/s × 20 s) are large; playlists, poster, thumbnails small.
    const large = 3 * 10_000_000;
    expect(bytes).toBe(large + 2_000 * 2 + 80_000 + 12_000 * 11);
    const perDay = 10;
    const expected = ((perDay * bytes) / 1e9) * 30 * 0.023 + ((perDay * large) / 1e9) * 335 * 0.004 + ((perDay * (bytes - large)) / 1e9) * 335 * 0.023;
    expect(line(bill, 'S3 storage')).toBeCloseTo(expected, 9);
    expect(bill.perClip.objects).toBe(17);
  });

  it('counts the transitions of a video clip from the synthesized workflow, inside the Parallel too', () => {
    const { asl } = synthesizeClipWorkflowDefinition();
    const video = countTransitions(asl, 'video');
    const still = countTransitions(asl, 'still');
    // Validate, Choice, Parallel, Decide alert, Alert due?, one alert state, Render, Catalog, Retention, Clip ready.
    expect(video).toBe(10);
    expect(still).toBeLessThan(video);
  });
});
