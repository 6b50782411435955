/**
 * Alert latency (issue 11): from the upload to the motion alert published, for a burst of 20
 * clips from 14 cameras while their renders queue, on the local stack (`startLocalStack`, in
 * this process). Every clip is 1080p and every camera renders the `full` ladder, so the renders
 * wait for MediaConvert-on-ffmpeg slots while the alerts go out: the alert branch must not wait
 * for rendering. Cooldown 0, so every clip alerts.
 *
 * Upload → alert: from just before each clip's PutObject to its message's `publishedAt` in the
 * outbox (the moment Publish returned), in the same process's clock.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import '../runtime/node20-polyfills.ts';
import { startLocalStack } from '../runtime/local-stack.ts';
import { h264AacMp4 } from '../integ-tests/clip-fixtures.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { allExecutions, clipRecord } from '../integ-tests/local-stack-support.ts';
import { clipIdOfExecutionName } from '../domain/execution-name.ts';
import { readExecutionHistory } from '../api/execution-history.ts';
import { ENV } from '../domain/clip-contract.ts';
import { percentile } from './stats.ts';

export interface AlertLatencyResult {
  clips: number;
  cameras: number;
  alerted: number;
  p50Seconds: number;
  p95Seconds: number;
  maxSeconds: number;
  /** The same from when S3 had the object (the clip's uploadedAt). */
  fromCreatedP50Seconds: number;
  fromCreatedP95Seconds: number;
  /** The machine's 1-minute load average at the end: other work on it slows everything. */
  loadAverage: number;
  /** Seconds from the first upload until every render had finished (the queue the alerts did not wait for). */
  drainSeconds: number;
  renderConcurrency: number;
  targetP95Seconds: number;
  /** Where the time goes, per stage, p50 / p95 over the alerted clips (from the execution histories). */
  stages: StageTimes[];
}

/** One stage of the alert path and its p50 / p95 in seconds. */
export interface StageTimes {
  stage: string;
  p50Seconds: number;
  p95Seconds: number;
}

/** The stages, in order: each from the end of the previous one, so they add up to PutObject → published. */
const STAGES = [
  'PutObject → object created (S3 stored it)',
  'object created → execution started (trigger: catalog PROCESSING, StartExecution)',
  'execution started → Validate clip entered',
  'Validate clip (probe, catalog)',
  'Validate clip → Decide alert entered (Parallel start)',
  'Decide alert',
  'Decide alert → Send motion alert entered',
  'Send motion alert (publish to the outbox)',
] as const;

const CLIPS = 20;
const CAMERAS = 14;

export async function alertLatency(work: string): Promise<AlertLatencyResult> {
  const media = join(work, 'alerts-media');
  mkdirSync(media, { recursive: true });
  const body = readFileSync((await h264AacMp4(media, { seconds: 6, size: '1920x1080', name: 'alert-bench.mp4' })).path);
  const renderConcurrency = 2;
  const stack = await startLocalStack({
    dataDirectory: join(work, 'alerts-data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    api: false,
    print: () => undefined,
    sweepEverySeconds: 0,
    renderConcurrency,
    environment: { [ENV.defaultCooldownSeconds]: '0', [ENV.defaultRenderProfile]: 'full' },
  });
  try {
    const started = Date.now();
    const uploads = await Promise.all(
      Array.from({ length: CLIPS }, async (_, i) => {
        const key = `cam-${(i % CAMERAS) + 1}/burst-${i}.mp4`;
        const at = Date.now();
        const put = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: key, Body: body }));
        return { at, clipId: clipIdFor({ bucket: stack.buckets.uploads, key, etag: (put.ETag ?? '').replace(/"/g, ''), versionId: put.VersionId }) };
      }),
    );
    await stack.waitForIdle();
    const drainSeconds = (Date.now() - started) / 1000;
    const { messages } = await stack.outbox.list({ topic: 'MotionAlerts', limit: 1000 });
    const latencies: number[] = [];
    const fromCreated: number[] = [];
    const histories = await executionHistories(stack);
    const stageSamples: number[][] = STAGES.map(() => []);
    for (const upload of uploads) {
      const message = messages.find((m) => m.message.includes(upload.clipId));
      if (!message) continue;
      latencies.push((Date.parse(message.publishedAt) - upload.at) / 1000);
      // When S3 had the object (the event time the clip records as uploadedAt): the upload's own transfer left out.
      const record = await clipRecord(stack, upload.clipId);
      if (record) fromCreated.push((Date.parse(message.publishedAt) - Date.parse(record.uploadedAt)) / 1000);
      const history = histories.get(upload.clipId);
      if (record && history) {
        const marks = [
          upload.at,
          Date.parse(record.uploadedAt),
          history.started,
          history.entered('Validate clip'),
          history.exited('Validate clip'),
          history.entered('Decide alert'),
          history.exited('Decide alert'),
          history.entered('Send motion alert'),
          Date.parse(message.publishedAt),
        ];
        marks.slice(1).forEach((mark, i) => stageSamples[i]!.push((mark - marks[i]!) / 1000));
      }
    }
    latencies.sort((a, b) => a - b);
    fromCreated.sort((a, b) => a - b);
    if (latencies.length === 0) throw new Error('no alert was published: check the local stack');
    return {
      clips: CLIPS,
      cameras: CAMERAS,
      alerted: latencies.length,
      p50Seconds: percentile(latencies, 50),
      p95Seconds: percentile(latencies, 95),
      maxSeconds: latencies[latencies.length - 1]!,
      fromCreatedP50Seconds: percentile(fromCreated, 50),
      fromCreatedP95Seconds: percentile(fromCreated, 95),
      loadAverage: loadavg()[0]!,
      drainSeconds,
      renderConcurrency,
      targetP95Seconds: 2,
      stages: STAGES.map((stage, i) => {
        const samples = stageSamples[i]!.sort((a, b) => a - b);
        return { stage, p50Seconds: samples.length ? percentile(samples, 50) : Number.NaN, p95Seconds: samples.length ? percentile(samples, 95) : Number.NaN };
      }),
    };
  } finally {
    await stack.stop();
  }
}

interface ClipHistory {
  started: number;
  entered(state: string): number;
  exited(state: string): number;
}

/** Every execution's history, by the clip id of its name: when it started, entered and left each state. */
async function executionHistories(stack: Awaited<ReturnType<typeof startLocalStack>>): Promise<Map<string, ClipHistory>> {
  const byClip = new Map<string, ClipHistory>();
  for (const execution of await allExecutions(stack)) {
    const clipId = execution.name ? clipIdOfExecutionName(execution.name) : undefined;
    if (!clipId || !execution.executionArn) continue;
    const events = await readExecutionHistory(stack.clients.sfn, execution.executionArn);
    const start = events.find((e) => e.type === 'ExecutionStarted');
    if (!start) continue;
    const at = (type: string, state: string) => {
      const event = events.find((e) => e.type?.endsWith(type) && (e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name) === state);
      return event?.timestamp ? new Date(event.timestamp).getTime() : Number.NaN;
    };
    byClip.set(clipId, {
      started: new Date(start.timestamp!).getTime(),
      entered: (state) => at('StateEntered', state),
      exited: (state) => at('StateExited', state),
    });
  }
  return byClip;
}
