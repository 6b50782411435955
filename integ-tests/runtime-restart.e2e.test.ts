/**
 * The local runtime stopped in the middle of a render and started again on the same data
 * directory: the execution is resumed, and no clip is lost or duplicated.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { STATE } from '../domain/clip-contract.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { startLocalS3 } from '../runtime/local-s3.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { clipIdOfExecutionName } from '../domain/execution-name.ts';
import { h264AacMp4, jpegStill } from './clip-fixtures.ts';
import { allExecutions, clipRecord, describeClipExecution, clipExecutionArn, uploadClip } from './local-stack-support.ts';

const work = mkdtempSync(join(tmpdir(), 'camflow-restart-'));
let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function renderEntered(s: LocalStack, clipId: string): Promise<boolean> {
  try {
    const history = await s.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: await clipExecutionArn(s, clipId), maxResults: 1000 }));
    return (history.events ?? []).some((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === STATE.render);
  } catch {
    return false;
  }
}

it('resumes an execution cut off mid-render, without losing or duplicating the clip', async () => {
  const media = join(work, 'media');
  mkdirSync(media);
  // Long enough that the render is still running when we stop.
  const clip = await h264AacMp4(media, { seconds: 20, size: '1920x1080' });
  const options = { dataDirectory: join(work, 'data'), api: false, print: () => undefined } as const;
  stack = await startLocalStack({ ...options, ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 } });
  const ports = stack.ports;
  const upload = await uploadClip(stack, 'porch', clip.path);

  const deadline = Date.now() + 120_000;
  while (!(await renderEntered(stack, upload.clipId))) {
    if (Date.now() > deadline) {
      const execution = await describeClipExecution(stack, upload.clipId).catch((error: Error) => error.name);
      throw new Error(`the render never started: ${JSON.stringify(execution)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await describeClipExecution(stack, upload.clipId)).status).toBe('RUNNING');
  await stack.stop();

  stack = await startLocalStack({ ...options, ports, onInterrupted: 'resume' });
  await stack.waitForIdle();

  const execution = await describeClipExecution(stack, upload.clipId);
  expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
  expect(execution.redriveCount).toBe(1);
  const executions = await allExecutions(stack);
  expect(executions.filter((e) => clipIdOfExecutionName(e.name!) === upload.clipId)).toHaveLength(1);
  expect(executions).toHaveLength(1);
  const record = await clipRecord(stack, upload.clipId);
  expect(record).toMatchObject({ status: 'READY', kind: 'video' });
});

it('starts the workflow for an upload stored while the trigger was not running', async () => {
  const data = join(work, 'data-missed');
  const media = join(work, 'media-missed');
  mkdirSync(media, { recursive: true });
  const still = await jpegStill(media);
  // Only S3 is up (as when the runtime died between storing an object and running its trigger).
  const s3Only = await startLocalS3({ directory: join(data, 's3') });
  const client = new S3Client({ ...localClientConfig(), endpoint: s3Only.endpoint, forcePathStyle: true });
  const put = await client.send(new PutObjectCommand({ Bucket: 'camflow-uploads', Key: 'shed/missed.jpg', Body: readFileSync(still.path) }));
  client.destroy();
  await s3Only.stop();

  const restarted = await startLocalStack({ dataDirectory: data, api: false, print: () => undefined, ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 } });
  try {
    await restarted.waitForIdle();
    const clipId = clipIdFor({ bucket: 'camflow-uploads', key: 'shed/missed.jpg', etag: (put.ETag ?? '').replace(/"/g, ''), versionId: put.VersionId });
    expect((await describeClipExecution(restarted, clipId)).status).toBe('SUCCEEDED');
    expect(await clipRecord(restarted, clipId)).toMatchObject({ kind: 'still', status: 'READY' });
  } finally {
    await restarted.stop();
  }
});
