/**
 * The integration pattern a MediaConvert Task names, through the local Step Functions
 * endpoint, local S3 and ffmpeg: `createJob.sync` waits for the job (and fails with it);
 * `createJob` ends as soon as the job is created, as in AWS.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerated } from '../../integ-tests/generated-media.ts';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderJob } from '../../domain/render-job.ts';
import { LOCAL_CREDENTIALS, localS3ClientConfig } from '../local-credentials.ts';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3 } from '../local-s3.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '../step-functions/local-step-functions.ts';
import { integrationPatternOf } from '../step-functions/task-resource.ts';
import { createLocalMediaConvert, type LocalJob, type LocalMediaConvert } from './local-mediaconvert.ts';
import { mediaConvertTask, UnsupportedMediaConvertTask } from './mediaconvert-task.ts';

const machine = (resource: string) => ({ StartAt: 'Render', States: { Render: { Type: 'Task', Resource: resource, Parameters: { 'Settings.$': '$.settings' }, End: true } } });

let scratch: string;
let s3server: LocalS3;
let engine: LocalMediaConvert;
let sfn: LocalStepFunctions;
let client: SFNClient;
let s3: S3Client;
let settings: Record<string, unknown>;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'camflow-mediaconvert-task-'));
  s3server = await startLocalS3({ directory: join(scratch, 's3') });
  const clip = join(scratch, 'clip.mp4');
  await ffmpegGenerated('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25',
    '-t',
    '1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  s3 = new S3Client(localS3ClientConfig(s3server.endpoint));
  await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: 'frontdoor/clip.mp4', Body: await readFile(clip) }));
  const render = buildRenderJob({
    clipId: 'pattern-test',
    camera: 'frontdoor',
    sourceUri: `s3://${LOCAL_BUCKETS.uploads}/frontdoor/clip.mp4`,
    mediaBucket: LOCAL_BUCKETS.media,
    capturedAt: '2026-12-01T10:00:00Z',
    probe: { container: 'mov,mp4,m4a,3gp,3g2,mj2', durationSeconds: 1, sizeBytes: (await stat(clip)).size, video: { codec: 'h264', width: 320, height: 240, rotation: 0 } },
  });
  settings = render.settings;
  engine = createLocalMediaConvert({ workDirectory: join(scratch, 'mediaconvert'), concurrency: 1, s3 });
  sfn = await startLocalStepFunctions({
    port: 0,
    stateMachines: [
      { name: 'render-and-wait', definition: machine('arn:aws:states:::mediaconvert:createJob.sync') },
      { name: 'render-and-go-on', definition: machine('arn:aws:states:::mediaconvert:createJob') },
    ],
    resolveTask: (resource, stateName) => mediaConvertTask(engine, resource, stateName),
  });
  client = new SFNClient({ region: 'us-east-1', endpoint: sfn.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  s3?.destroy();
  await sfn?.stop();
  await engine?.close();
  await s3server?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function execute(machineName: string, input: object) {
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn(machineName), input: JSON.stringify(input) }));
  for (let i = 0; i < 1200; i++) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${executionArn} still RUNNING after 60 s`);
}

async function jobEnd(id: string): Promise<LocalJob> {
  for (let i = 0; i < 1200; i++) {
    const job = engine.getJob(id);
    if (job && (job.Status === 'COMPLETE' || job.Status === 'ERROR')) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not end within 60 s`);
}

describe('the integration pattern a MediaConvert Task names', () => {
  it('reads the pattern from the Resource as Step Functions does', () => {
    expect(integrationPatternOf('arn:aws:states:::mediaconvert:createJob.sync')).toBe('run-job');
    expect(integrationPatternOf('arn:aws:states:::mediaconvert:createJob')).toBe('request-response');
    expect(integrationPatternOf('arn:aws:states:::sqs:sendMessage.waitForTaskToken')).toBe('wait-for-task-token');
    expect(integrationPatternOf('arn:aws:lambda:us-east-1:000000000000:function:f')).toBe('request-response');
    expect(() => mediaConvertTask(engine, 'arn:aws:states:::mediaconvert:getJob', 'Render')).toThrow(UnsupportedMediaConvertTask);
    expect(() => mediaConvertTask(engine, 'arn:aws:states:::mediaconvert:createJob.waitForTaskToken', 'Render')).toThrow(/createJob.sync \(Run a Job\)/);
  });

  it('createJob.sync: the state waits for the job and its output is the COMPLETE job', async () => {
    const execution = await execute('render-and-wait', { settings });
    expect(execution.status).toBe('SUCCEEDED');
    const { Job } = JSON.parse(execution.output!) as { Job: LocalJob };
    expect(Job.Status).toBe('COMPLETE');
    expect(Job.OutputGroupDetails?.length).toBeGreaterThan(0);
  }, 90_000);

  it('createJob: the state ends as soon as the job is created (SUBMITTED), and the job completes afterwards', async () => {
    const execution = await execute('render-and-go-on', { settings });
    expect(execution.status).toBe('SUCCEEDED');
    const { Job } = JSON.parse(execution.output!) as { Job: LocalJob };
    expect(Job.Status).toBe('SUBMITTED');
    expect(Job.OutputGroupDetails).toBeUndefined();
    const finished = await jobEnd(Job.Id);
    expect(finished.Status).toBe('COMPLETE');
    // The execution was over before the render was.
    expect(execution.stopDate!.getTime()).toBeLessThan(Date.parse(finished.Timing.FinishTime!));
  }, 90_000);

  it('a job that fails: createJob.sync fails the execution with States.TaskFailed; createJob does not', async () => {
    const broken = structuredClone(settings) as { Inputs: Array<{ FileInput: string }> };
    broken.Inputs[0]!.FileInput = `s3://${LOCAL_BUCKETS.uploads}/frontdoor/not-there.mp4`;
    const waited = await execute('render-and-wait', { settings: broken });
    expect(waited.status).toBe('FAILED');
    expect(waited.error).toBe('States.TaskFailed');
    expect(waited.cause).toMatch(/failed \(error 1010\).*not-there\.mp4/);

    const created = await execute('render-and-go-on', { settings: broken });
    expect(created.status).toBe('SUCCEEDED');
    const { Job } = JSON.parse(created.output!) as { Job: LocalJob };
    expect(Job.Status).toBe('SUBMITTED');
    expect(await jobEnd(Job.Id)).toMatchObject({ Status: 'ERROR', ErrorCode: 1010 });
  }, 90_000);
});
