/**
 * What camflow counts, as CloudWatch metrics in the embedded metric format (Powertools
 * Metrics): one namespace, `Camflow`, dimension `service` always, the camera where a
 * camera owner asks "which camera?", never the clip id (every clip would be a new metric).
 *
 * | metric | unit | dimension sets (besides `service`; `–` is `service` alone) | written by |
 * |---|---|---|---|
 * | `Clips` | Count | Outcome; Outcome+Camera; Outcome+Reason (quarantined) / Outcome+Error (failed) | Catalog clip (ready), Quarantine clip, Record failure |
 * | `UploadToReadySeconds` | Seconds | –; Camera | Catalog clip |
 * | `UploadToAlertSeconds` | Seconds | –; Camera | Decide alert (the alert is published right after) |
 * | `RenderSeconds` | Seconds | Profile | Catalog clip (from the MediaConvert job's timing) |
 * | `OutputMinutes` | None (minutes) | Profile; Resolution | Catalog clip (MediaConvert's billed output minutes) |
 * | `BytesIn`, `BytesOut` | Bytes | – | Catalog clip (the upload; what the render wrote) |
 * | `AlertsSent` | Count | –; Camera | Decide alert |
 * | `AlertsSuppressed` | Count | –; Reason | Decide alert (alerts-off, quiet-hours, cooldown…), Catalog clip / Record failure (failed) |
 *
 * Inside a task (`withClipContext`), the metrics are collected and written once, when the
 * task ends (as Powertools' `logMetrics` does); outside one, at once. Each record is one
 * JSON line on stdout — CloudWatch Logs turns it into metrics in AWS; locally it is in the
 * handlers' output, and when the task dependencies name a metrics log file (the local stack
 * does), the same line is appended there for `camflow metrics`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_NAME, type AlertSkipReason, type ClipCost, type WorkflowState } from '../domain/clip-contract.ts';
import { renderResult } from '../domain/clip-record.ts';

export const METRICS_NAMESPACE = 'Camflow';
/** Where the metric lines go besides stdout (the task dependencies' `observability`). */
export interface MetricsOutput {
  /** Not written to stdout (Powertools' POWERTOOLS_METRICS_DISABLED decides when unset). */
  metricsDisabled?: boolean;
  /** A file that receives a copy of every metric line (the local stack's, for `camflow metrics`). */
  metricsLogFile?: string;
}

export type ClipOutcome = 'ready' | 'quarantined' | 'failed';
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Dimensions = Record<string, string>;

/** One metric value and the dimension sets it is published under (`service` is in all). */
export interface MetricPoint {
  name: string;
  unit: Unit;
  value: number;
  dimensionSets: Dimensions[];
}

const pending = new AsyncLocalStorage<{ points: MetricPoint[]; output: MetricsOutput }>();

/** Collects the metrics `work` records and writes them to `output` when it ends, even when it throws. */
export async function withMetrics<T>(work: () => Promise<T>, output: MetricsOutput = {}): Promise<T> {
  const points: MetricPoint[] = [];
  try {
    return await pending.run({ points, output }, work);
  } finally {
    publish(points, output);
  }
}

function record(...points: MetricPoint[]): void {
  const store = pending.getStore();
  if (store) store.points.push(...points);
  else publish(points);
}

/**
 * Writes the points: one EMF record per dimension set (metrics that share the set share the
 * record). A point under two sets is two metrics in CloudWatch, e.g. `Clips` by Outcome and
 * `Clips` by Outcome and Camera; `{}` is the metric under `service` alone.
 */
export function publish(points: MetricPoint[], output: MetricsOutput = {}): void {
  const groups = new Map<string, { dimensions: Dimensions; points: MetricPoint[] }>();
  for (const point of points) {
    if (!Number.isFinite(point.value)) continue;
    for (const dimensions of point.dimensionSets) {
      const key = JSON.stringify(dimensions);
      const group = groups.get(key) ?? { dimensions, points: [] };
      group.points.push(point);
      groups.set(key, group);
    }
  }
  for (const { dimensions, points: group } of groups.values()) {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
    for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
    metrics.setTimestamp(Date.now());
    const line = JSON.stringify(metrics.serializeMetrics());
    if (output.metricsDisabled) metrics.clearMetrics();
    else metrics.publishStoredMetrics();
    const file = output.metricsLogFile;
    if (file) {
      try {
        appendMetricLine(file, line);
      } catch {
        // A copy for the local summary only: the metric itself is already on stdout.
      }
    }
  }
}

/** The metric log folders made so far: each is made once, not for every line. */
const madeFolders = new Set<string>();

function appendMetricLine(file: string, line: string): void {
  const folder = dirname(file);
  if (!madeFolders.has(folder)) {
    mkdirSync(folder, { recursive: true });
    madeFolders.add(folder);
  }
  try {
    appendFileSync(file, `${line}\n`);
  } catch (error) {
    // The folder went away since it was made (a test's temporary folder): make it again, once.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(folder, { recursive: true });
    appendFileSync(file, `${line}\n`);
  }
}

const seconds = (from: string | undefined, to: Date): number | undefined => {
  const start = from ? Date.parse(from) : NaN;
  return Number.isFinite(start) ? Math.max(0, (to.getTime() - start) / 1000) : undefined;
};

/** A clip reached its end: READY, QUARANTINED (why) or FAILED (the error's name). */
export function clipOutcome(outcome: ClipOutcome, camera: string, detail?: string): void {
  const sets: Dimensions[] = [{ Outcome: outcome }, { Outcome: outcome, Camera: camera }];
  if (detail && outcome !== 'ready') sets.push({ Outcome: outcome, [outcome === 'quarantined' ? 'Reason' : 'Error']: detail });
  record({ name: 'Clips', unit: MetricUnit.Count, value: 1, dimensionSets: sets });
}

/** Everything "Catalog clip" knows about a clip that became READY. */
export function clipReady(state: WorkflowState, cost: ClipCost | undefined, now: Date): void {
  const { clip, validation, outcome } = state;
  clipOutcome('ready', clip.camera);
  const points: MetricPoint[] = [];
  const toReady = seconds(clip.uploadedAt, now);
  if (toReady !== undefined) points.push({ name: 'UploadToReadySeconds', unit: MetricUnit.Seconds, value: toReady, dimensionSets: [{}, { Camera: clip.camera }] });
  points.push({ name: 'BytesIn', unit: MetricUnit.Bytes, value: clip.size, dimensionSets: [{}] });
  const profile = validation?.render?.profile?.applied;
  const render = renderResult(outcome?.render);
  if (render) {
    const timing = render.timing;
    const took = timing?.StartTime !== undefined && timing.FinishTime !== undefined ? (toMillis(timing.FinishTime) - toMillis(timing.StartTime)) / 1000 : undefined;
    if (took !== undefined && Number.isFinite(took)) points.push({ name: 'RenderSeconds', unit: MetricUnit.Seconds, value: Math.max(0, took), dimensionSets: [{ Profile: profile ?? 'unknown' }] });
  }
  if (cost) {
    points.push({ name: 'BytesOut', unit: MetricUnit.Bytes, value: Math.max(0, cost.bytes - clip.size), dimensionSets: [{}] });
    const minutes = Object.values(cost.outputMinutes).reduce((sum, m) => sum + m, 0);
    if (minutes > 0) points.push({ name: 'OutputMinutes', unit: MetricUnit.NoUnit, value: minutes, dimensionSets: [{ Profile: profile ?? 'unknown' }] });
    for (const [resolution, value] of Object.entries(cost.outputMinutes)) {
      if (value > 0) points.push({ name: 'OutputMinutes', unit: MetricUnit.NoUnit, value, dimensionSets: [{ Resolution: resolution }] });
    }
  }
  record(...points);
}

/** A motion alert is due and goes out now: counted, with the time since the upload. */
export function alertSent(state: WorkflowState, at: Date): void {
  const points: MetricPoint[] = [{ name: 'AlertsSent', unit: MetricUnit.Count, value: 1, dimensionSets: [{}, { Camera: state.clip.camera }] }];
  const toAlert = seconds(state.clip.uploadedAt, at);
  if (toAlert !== undefined) points.push({ name: 'UploadToAlertSeconds', unit: MetricUnit.Seconds, value: toAlert, dimensionSets: [{}, { Camera: state.clip.camera }] });
  record(...points);
}

/** No motion alert for a clip, and why (`failed`: it was due but could not be sent). */
export function alertSuppressed(reason: AlertSkipReason): void {
  record({ name: 'AlertsSuppressed', unit: MetricUnit.Count, value: 1, dimensionSets: [{}, { Reason: reason }] });
}

/** MediaConvert's timing: ISO 8601 strings (its API), or epoch seconds/milliseconds. */
function toMillis(value: string | number): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  return /^\d+(\.\d+)?$/.test(value) ? toMillis(Number(value)) : Date.parse(value);
}
