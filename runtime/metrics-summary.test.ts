import { describe, expect, it, vi } from 'vitest';
import { publish, type MetricPoint } from '../tasks/clip-metrics.ts';
import { distribution, readMetricLines, summarizeMetrics } from './metrics-summary.ts';

/** The EMF lines `publish` writes for these points, captured from stdout. */
function emf(points: MetricPoint[]): string {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  try {
    publish(points);
  } finally {
    write.mockRestore();
  }
  return lines.join('');
}

describe('camflow metrics: the summary', () => {
  it('counts each question from one dimension set, so a value published under several is counted once', () => {
    const text = emf([
      { name: 'Clips', unit: 'Count', value: 1, dimensionSets: [{ Outcome: 'failed' }, { Outcome: 'failed', Camera: 'porch' }, { Outcome: 'failed', Error: 'ClipNotFound' }] },
      { name: 'AlertsSuppressed', unit: 'Count', value: 1, dimensionSets: [{}, { Reason: 'quiet-hours' }] },
    ]);
    const summary = summarizeMetrics(readMetricLines(text));
    expect(summary.clips).toMatchObject({ ready: 0, failed: 1, failedBy: { ClipNotFound: 1 }, byCamera: { porch: { failed: 1 } } });
    expect(summary.alerts).toEqual({ sent: 0, suppressed: 1, suppressedBy: { 'quiet-hours': 1 } });
  });

  it('leaves out lines older than the window and lines that are not metrics', () => {
    const text = emf([{ name: 'Clips', unit: 'Count', value: 1, dimensionSets: [{ Outcome: 'ready' }] }]);
    const old = text.replace(/"Timestamp":\d+/, `"Timestamp":${Date.now() - 2 * 3600_000}`);
    const lines = `${old}{"level":"INFO","message":"Clip cataloged"}\nnot json\n${text}`;
    expect(summarizeMetrics(readMetricLines(lines, Date.now() - 3600_000)).clips.ready).toBe(1);
    expect(summarizeMetrics(readMetricLines(lines)).clips.ready).toBe(2);
  });

  it('gives nearest-rank percentiles', () => {
    expect(distribution([5, 1, 3, 2, 4])).toEqual({ count: 5, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(distribution([])).toBeUndefined();
  });
});
