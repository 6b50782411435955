/**
 * Benchmarks of the local runtime (issue 3):
 * - pipeline overhead: upload → SUCCEEDED for a 30 s 1080p clip, divided by the time bare
 *   ffmpeg takes to make the same outputs from a local file with the same settings;
 * - orchestration: executions per second of the clip workflow with every task instant;
 * - a burst of 20 clips from 14 cameras: all succeed, time to drain, peak memory of the
 *   runtime process (its own RSS high-water mark: ffmpeg children are separate processes).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, paginateListExecutions, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import '../runtime/node20-polyfills.ts';
import { freePort, startLocalStack } from '../runtime/local-stack.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { startLocalStepFunctions } from '../runtime/step-functions/local-step-functions.ts';
import { stateMachineArn as localStateMachineArn } from '../runtime/step-functions/arns.ts';
import { findClipExecutionArn } from '../runtime/step-functions/clip-execution.ts';
import { STATE_MACHINE_NAME } from '../domain/clip-contract.ts';
import { clipWorkflowDefinition } from '../runtime/clip-workflow-definition.ts';
import { buildRenderJob } from '../domain/render-job.ts';
import { fileByteSource } from '../tasks/byte-source.ts';
import { probeClip } from '../tasks/clip-probe.ts';
import { bareFfmpegBaseline } from './mediaconvert-overhead.ts';
import { h264AacMp4 } from '../integ-tests/clip-fixtures.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { clipIdOfExecutionName } from '../domain/execution-name.ts';
import type { MediaProbe } from '../domain/clip-contract.ts';
import { median } from './stats.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PipelineOverheadResult {
  clip: string;
  /** Medians over the rounds. */
  pipelineSeconds: number;
  bareFfmpegSeconds: number;
  /** pipelineSeconds / bareFfmpegSeconds. */
  ratio: number;
  target: number;
  /** Every round, in order (bare ffmpeg, then the pipeline, alternating). */
  rounds: Array<{ pipelineSeconds: number; bareFfmpegSeconds: number }>;
}

/**
 * Upload → SUCCEEDED through the whole local stack, vs bare ffmpeg on the same file, in
 * alternating rounds (so a busy moment of the machine hits both sides), medians compared.
 */
export async function pipelineOverhead(work: string, roundCount = 3): Promise<PipelineOverheadResult> {
  const media = join(work, 'pipeline-media');
  mkdirSync(media, { recursive: true });
  const clip = await h264AacMp4(media, { seconds: 30, size: '1920x1080', name: 'bench-30s-1080p.mp4' });
  const probe = (await probeClip(await fileByteSource(clip.path))) as MediaProbe;
  const job = buildRenderJob({ clipId: 'bench', camera: 'bench', sourceUri: 's3://bench/bench.mp4', mediaBucket: 'bench', capturedAt: new Date().toISOString(), probe });

  const stack = await startLocalStack({ dataDirectory: join(work, 'pipeline-data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined });
  try {
    const body = readFileSync(clip.path);
    const rounds: PipelineOverheadResult['rounds'] = [];
    for (let round = 1; round <= roundCount; round++) {
      const bare = await bareFfmpegBaseline(clip.path, job.settings);
      const pipelineSeconds = await throughPipeline(stack, body, `bench/bench-30s-1080p-${round}.mp4`);
      rounds.push({ bareFfmpegSeconds: bare.seconds, pipelineSeconds });
    }
    const pipelineSeconds = median(rounds.map((r) => r.pipelineSeconds));
    const bareFfmpegSeconds = median(rounds.map((r) => r.bareFfmpegSeconds));
    return { clip: '30 s 1080p H.264/AAC', pipelineSeconds, bareFfmpegSeconds, ratio: pipelineSeconds / bareFfmpegSeconds, target: 1.15, rounds };
  } finally {
    await stack.stop();
  }
}

/** Seconds from PutObject to the clip's execution SUCCEEDED. */
export async function throughPipeline(stack: Awaited<ReturnType<typeof startLocalStack>>, body: Buffer, key: string): Promise<number> {
  const started = performance.now();
  const put = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: key, Body: body }));
  const clipId = clipIdFor({ bucket: stack.buckets.uploads, key, etag: (put.ETag ?? '').replace(/"/g, ''), versionId: put.VersionId });
  let executionArn: string | undefined;
  for (;;) {
    executionArn ??= await findClipExecutionArn(stack.clients.sfn, stack.stateMachineArn, clipId);
    const described = executionArn ? await stack.clients.sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined) : undefined;
    if (described && described.status !== 'RUNNING') {
      if (described.status !== 'SUCCEEDED') throw new Error(`pipeline benchmark clip ended ${described.status}: ${described.error} ${described.cause}`);
      break;
    }
    await sleep(50);
  }
  return (performance.now() - started) / 1000;
}

export interface OrchestrationResult {
  executions: number;
  seconds: number;
  executionsPerSecond: number;
}

/** The clip workflow's ASL with every task answering at once: what the orchestration itself costs. */
export async function orchestrationThroughput(work: string, executions = 200): Promise<OrchestrationResult> {
  const asl = await clipWorkflowDefinition();
  const instant = (resource: string, stateName: string) => async (): Promise<unknown> => {
    if (resource.includes('mediaconvert')) return { Job: { Id: 'instant', Status: 'COMPLETE', OutputGroupDetails: [] } };
    if (resource.includes('sns:publish')) return { MessageId: 'instant' };
    const name = stateName.toLowerCase();
    if (name.includes('validate')) return { kind: 'video', capturedAt: new Date().toISOString(), render: { settings: {}, outputs: [] } };
    if (name.includes('alert')) return { send: true, subject: 'Motion', message: 'Motion' };
    return { ok: true };
  };
  const port = await freePort();
  const endpoint = await startLocalStepFunctions({
    dataDirectory: join(work, 'orchestration-data'),
    port,
    stateMachines: [{ name: STATE_MACHINE_NAME, definition: asl }],
    resolveTask: instant,
  });
  const sfn = new SFNClient({ ...localClientConfig(), endpoint: endpoint.endpoint });
  try {
    const started = performance.now();
    const input = (i: number) => JSON.stringify({ clip: { clipId: `bench-${i}`, camera: 'bench', bucket: 'b', key: `bench/${i}.mp4`, size: 1, etag: 'e', uploadedAt: new Date(0).toISOString() } });
    await Promise.all(
      Array.from({ length: executions }, (_, i) => sfn.send(new StartExecutionCommand({ stateMachineArn: endpoint.stateMachineArn(STATE_MACHINE_NAME), name: `bench-${i}`, input: input(i) }))),
    );
    await endpoint.waitForIdle();
    const seconds = (performance.now() - started) / 1000;
    return { executions, seconds, executionsPerSecond: executions / seconds };
  } finally {
    sfn.destroy();
    await endpoint.stop();
  }
}

export interface BurstResult {
  clips: number;
  cameras: number;
  succeeded: number;
  drainSeconds: number;
  peakRssMB: number;
  targetPeakRssMB: number;
}

function rssHighWaterMB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** 20 clips from 14 cameras at once into `camflow up` running as its own process. */
export async function burst(work: string, clips = 20, cameras = 14): Promise<BurstResult> {
  const media = join(work, 'burst-media');
  mkdirSync(media, { recursive: true });
  const source = await h264AacMp4(media, { seconds: 6, size: '1280x720', name: 'burst.mp4' });
  const ports = { s3: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort(), api: await freePort() };
  const child = spawn(
    process.execPath,
    [
      'bin/camflow.js',
      'up',
      '--data',
      join(work, 'burst-data'),
      '--s3-port',
      String(ports.s3),
      '--dynamodb-port',
      String(ports.dynamodb),
      '--stepfunctions-port',
      String(ports.stepFunctions),
      '--api-port',
      String(ports.api),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  try {
    const deadline = Date.now() + 120_000;
    while (!output.includes('camflow is running')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`camflow up did not start:\n${output}`);
      await sleep(100);
    }
    const s3 = new S3Client({ ...localClientConfig(), endpoint: `http://127.0.0.1:${ports.s3}`, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const sfn = new SFNClient({ ...localClientConfig(), endpoint: `http://127.0.0.1:${ports.stepFunctions}` });
    const body = readFileSync(source.path);
    const started = performance.now();
    const uploads = await Promise.all(
      Array.from({ length: clips }, async (_, i) => {
        const key = `camera-${(i % cameras) + 1}/burst-${i}.mp4`;
        const put = await s3.send(new PutObjectCommand({ Bucket: 'camflow-uploads', Key: key, Body: body }));
        return clipIdFor({ bucket: 'camflow-uploads', key, etag: (put.ETag ?? '').replace(/"/g, ''), versionId: put.VersionId });
      }),
    );
    // Executions are named `{camera}-{time}-{digest}`: one listing per poll gives every clip's status.
    const stateMachineArn = localStateMachineArn(STATE_MACHINE_NAME);
    let succeeded = 0;
    for (;;) {
      const byClip = new Map<string, string>();
      for await (const page of paginateListExecutions({ client: sfn, pageSize: 1000 }, { stateMachineArn })) {
        // Newest first: a clip's newest execution gives its status.
        for (const e of page.executions ?? []) {
          const clipId = e.name ? clipIdOfExecutionName(e.name) : undefined;
          if (clipId && e.status && !byClip.has(clipId)) byClip.set(clipId, e.status);
        }
      }
      const statuses = uploads.map((id) => byClip.get(id) ?? 'PENDING');
      if (statuses.every((s) => s !== 'RUNNING' && s !== 'PENDING')) {
        succeeded = statuses.filter((s) => s === 'SUCCEEDED').length;
        break;
      }
      if (performance.now() - started > 30 * 60_000) throw new Error('burst did not drain in 30 minutes');
      await sleep(250);
    }
    const drainSeconds = (performance.now() - started) / 1000;
    const peakRssMB = rssHighWaterMB(child.pid!);
    s3.destroy();
    sfn.destroy();
    return { clips, cameras, succeeded, drainSeconds, peakRssMB, targetPeakRssMB: 400 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export function newWorkDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'camflow-bench-'));
}

export function removeWorkDirectory(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
