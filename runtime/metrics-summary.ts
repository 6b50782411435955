/**
 * The metric lines the handlers wrote on this machine (embedded metric format, one JSON
 * record a line, copied to `{data}/metrics/metrics.jsonl`), summed up over a time window as
 * a camera owner reads them: clips by outcome, how long from upload to playable and to
 * alert, render time and MediaConvert minutes by profile, bytes, alerts.
 */
import { join } from 'node:path';

export function metricsLogFile(dataDirectory: string): string {
  return join(dataDirectory, 'metrics', 'metrics.jsonl');
}

interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit?: string }> }> };
  [key: string]: unknown;
}

/** One value of one metric with the dimension values its record carries. */
export interface MetricValue {
  at: number;
  name: string;
  value: number;
  dimensions: Record<string, string>;
  /** The record's dimension set without `service`, sorted and joined: `Outcome+Camera`, `` for service alone. */
  set: string;
}

/** The values of every EMF line at or after `since` (ms); other lines are skipped. */
export function readMetricLines(text: string, since = 0): MetricValue[] {
  const values: MetricValue[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let record: EmfRecord;
    try {
      record = JSON.parse(line) as EmfRecord;
    } catch {
      continue;
    }
    const directive = record._aws?.CloudWatchMetrics?.[0];
    if (!directive || typeof record._aws.Timestamp !== 'number' || record._aws.Timestamp < since) continue;
    for (const names of directive.Dimensions) {
      const dimensions: Record<string, string> = {};
      for (const name of names) if (typeof record[name] === 'string') dimensions[name] = record[name];
      const set = names
        .filter((name) => name !== 'service')
        .sort()
        .join('+');
      for (const metric of directive.Metrics) {
        const raw = record[metric.Name];
        for (const value of Array.isArray(raw) ? raw : [raw]) if (typeof value === 'number') values.push({ at: record._aws.Timestamp, name: metric.Name, value, dimensions, set });
      }
    }
  }
  return values;
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface MetricsSummary {
  clips: { ready: number; quarantined: number; failed: number; quarantinedBy: Record<string, number>; failedBy: Record<string, number>; byCamera: Record<string, Record<string, number>> };
  uploadToReadySeconds?: Distribution;
  uploadToAlertSeconds?: Distribution;
  renderSecondsByProfile: Record<string, Distribution>;
  outputMinutesByProfile: Record<string, number>;
  outputMinutesByResolution: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  alerts: { sent: number; suppressed: number; suppressedBy: Record<string, number> };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function distribution(values: number[]): Distribution | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
}

const add = (into: Record<string, number>, key: string, value: number) => (into[key] = (into[key] ?? 0) + value);

export function summarizeMetrics(values: MetricValue[]): MetricsSummary {
  const summary: MetricsSummary = {
    clips: { ready: 0, quarantined: 0, failed: 0, quarantinedBy: {}, failedBy: {}, byCamera: {} },
    renderSecondsByProfile: {},
    outputMinutesByProfile: {},
    outputMinutesByResolution: {},
    bytesIn: 0,
    bytesOut: 0,
    alerts: { sent: 0, suppressed: 0, suppressedBy: {} },
  };
  const toReady: number[] = [];
  const toAlert: number[] = [];
  const renders: Record<string, number[]> = {};
  // Each value is published under several dimension sets: read each question from one set.
  for (const { name, value, dimensions: d, set } of values) {
    switch (`${name}/${set}`) {
      case 'Clips/Outcome':
        if (d.Outcome === 'ready' || d.Outcome === 'quarantined' || d.Outcome === 'failed') summary.clips[d.Outcome] += value;
        break;
      case 'Clips/Outcome+Reason':
        add(summary.clips.quarantinedBy, d.Reason!, value);
        break;
      case 'Clips/Error+Outcome':
        add(summary.clips.failedBy, d.Error!, value);
        break;
      case 'Clips/Camera+Outcome':
        add((summary.clips.byCamera[d.Camera!] ??= {}), d.Outcome!, value);
        break;
      case 'UploadToReadySeconds/':
        toReady.push(value);
        break;
      case 'UploadToAlertSeconds/':
        toAlert.push(value);
        break;
      case 'RenderSeconds/Profile':
        (renders[d.Profile!] ??= []).push(value);
        break;
      case 'OutputMinutes/Profile':
        add(summary.outputMinutesByProfile, d.Profile!, value);
        break;
      case 'OutputMinutes/Resolution':
        add(summary.outputMinutesByResolution, d.Resolution!, value);
        break;
      case 'BytesIn/':
        summary.bytesIn += value;
        break;
      case 'BytesOut/':
        summary.bytesOut += value;
        break;
      case 'AlertsSent/':
        summary.alerts.sent += value;
        break;
      case 'AlertsSuppressed/':
        summary.alerts.suppressed += value;
        break;
      case 'AlertsSuppressed/Reason':
        add(summary.alerts.suppressedBy, d.Reason!, value);
        break;
    }
  }
  const ready = distribution(toReady);
  const alert = distribution(toAlert);
  if (ready) summary.uploadToReadySeconds = ready;
  if (alert) summary.uploadToAlertSeconds = alert;
  for (const [profile, list] of Object.entries(renders)) summary.renderSecondsByProfile[profile] = distribution(list)!;
  return summary;
}

const breakdown = (counts: Record<string, number>) =>
  Object.keys(counts).length === 0
    ? ''
    : ` (${Object.entries(counts)
        .map(([key, n]) => `${key} ${n}`)
        .join(', ')})`;
const secs = (d: Distribution) => `${d.count} clip${d.count === 1 ? '' : 's'}: p50 ${d.p50.toFixed(1)} s, p90 ${d.p90.toFixed(1)} s, p99 ${d.p99.toFixed(1)} s, max ${d.max.toFixed(1)} s`;
const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** The summary as lines for the terminal. */
export function formatMetricsSummary(summary: MetricsSummary, window: string): string[] {
  const { clips, alerts } = summary;
  const lines = [
    `Clips (${window}):        ready ${clips.ready}, quarantined ${clips.quarantined}${breakdown(clips.quarantinedBy)}, failed ${clips.failed}${breakdown(clips.failedBy)}`,
    ...Object.entries(clips.byCamera).map(
      ([camera, counts]) =>
        `  ${camera}: ${Object.entries(counts)
          .map(([outcome, n]) => `${outcome} ${n}`)
          .join(', ')}`,
    ),
    `Upload to ready:         ${summary.uploadToReadySeconds ? secs(summary.uploadToReadySeconds) : 'no clip became ready'}`,
    `Upload to alert:         ${summary.uploadToAlertSeconds ? secs(summary.uploadToAlertSeconds) : 'no alert sent'}`,
    `Render time:             ${
      Object.entries(summary.renderSecondsByProfile)
        .map(([profile, d]) => `${profile} ${secs(d)}`)
        .join('; ') || 'no render'
    }`,
    `MediaConvert minutes:    ${
      Object.entries(summary.outputMinutesByProfile)
        .map(([profile, m]) => `${profile} ${m.toFixed(2)}`)
        .join(', ') || '0'
    }${breakdown(Object.fromEntries(Object.entries(summary.outputMinutesByResolution).map(([k, v]) => [k, Number(v.toFixed(2))])))}`,
    `Bytes:                   in ${megabytes(summary.bytesIn)}, out ${megabytes(summary.bytesOut)}`,
    `Motion alerts:           sent ${alerts.sent}, not sent ${alerts.suppressed}${breakdown(alerts.suppressedBy)}`,
  ];
  return lines;
}
