/**
 * "Alert and render" never lets one failure take the other down (issue 11), on the real local
 * stack: the synthesized workflow, the task handlers, MediaConvert on ffmpeg and the outbox.
 * The local stack's test-only `faults` make SNS Publish to the motion-alert topic refuse (as SNS
 * does when its access policy or KMS key shuts the workflow out) or the render job fail (as
 * MediaConvert does when it cannot read the input), for chosen cameras only:
 *
 * - alert fails, render works → clip READY with `alert: failed` and the error, operations told;
 * - render fails, alert works → the alert is published all the same, clip FAILED, `alert: sent`;
 * - both fail → clip FAILED with `alert: failed`, operations told of both.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../domain/catalog-table.ts';
import { STATE } from '../domain/clip-contract.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import type { OutboxMessage } from '../runtime/outbox.ts';
import { awsCliJson } from './aws-cli.ts';
import { h264AacMp4 } from './clip-fixtures.ts';
import { catalogClient, clipExecutionArn, clipRecord, describeClipExecution, objectExists, requireS3Uri, uploadClip, type UploadedClip } from './local-stack-support.ts';

const ALERT_DOWN = new Set(['porch', 'yard']);
const RENDER_DOWN = new Set(['garage', 'yard']);

/** SNS's answer when the topic's policy or key refuses the publisher. */
class SnsAuthorizationError extends Error {
  override readonly name = 'SNS.AuthorizationErrorException';
}
/** What a MediaConvert job that ended in ERROR gives its Task state. */
class RenderJobFailed extends Error {
  override readonly name = 'States.TaskFailed';
}

let stack: LocalStack;
let work: string;
const uploads = new Map<string, UploadedClip>();
let messages: OutboxMessage[] = [];

const cameraOfPublish = (request: Record<string, unknown>) => /Clip: ([a-z0-9-]+?)-[0-9a-f]{16}\b/.exec(String(request.Message))?.[1];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-alert-render-'));
  stack = await startLocalStack({
    dataDirectory: join(work, 'data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    api: false,
    print: () => undefined,
    sweepEverySeconds: 0,
    environment: { DEFAULT_ALERT_COOLDOWN_SECONDS: '0' },
    faults: {
      publish: (request) => {
        if (!String(request.TopicArn).endsWith(':MotionAlerts')) return undefined;
        const camera = cameraOfPublish(request);
        return camera && ALERT_DOWN.has(camera) ? new SnsAuthorizationError('User: arn:aws:sts::000000000000:assumed-role/ClipWorkflow is not authorized to perform: SNS:Publish') : undefined;
      },
      render: (request) => {
        const camera = String((request.UserMetadata as Record<string, unknown> | undefined)?.camera);
        return RENDER_DOWN.has(camera) ? new RenderJobFailed('MediaConvert job failed (error 1010): Unable to open input file: access denied.') : undefined;
      },
    },
  });
  const media = join(work, 'media');
  mkdirSync(media);
  const clip = await h264AacMp4(media, { seconds: 2 });
  for (const camera of ['frontdoor', 'porch', 'garage', 'yard']) uploads.set(camera, await uploadClip(stack, camera, clip.path, `${camera}-motion.mp4`));
  await stack.waitForIdle();
  messages = (await stack.outbox.list({ limit: 100 })).messages;
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The states an execution entered, in order, read with the AWS CLI as an operator would. */
async function statesEntered(clipId: string): Promise<string[]> {
  const history = await awsCliJson('stepfunctions', stack.endpoints.stepFunctions, 'get-execution-history', '--execution-arn', await clipExecutionArn(stack, clipId));
  return (history.events as Array<{ type: string; stateEnteredEventDetails?: { name: string } }>).filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
}

async function alertDecision(clipId: string): Promise<Record<string, unknown> | undefined> {
  const db = catalogClient(stack);
  const { Item } = await db.send(new GetCommand({ TableName: stack.tableName, Key: keys.alertDecision(clipId) }));
  db.destroy();
  return Item;
}

const motionAlertFor = (clipId: string) => messages.filter((m) => m.topic === 'MotionAlerts' && m.message.includes(clipId));
const operationsAbout = (clipId: string) => messages.filter((m) => m.topic === 'Operations' && m.message.includes(clipId));

describe('Alert and render: each branch catches its own failure', () => {
  it('all working: READY, alert sent, no operations message', async () => {
    const { clipId } = uploads.get('frontdoor')!;
    expect((await describeClipExecution(stack, clipId)).status).toBe('SUCCEEDED');
    expect(await clipRecord(stack, clipId)).toMatchObject({ status: 'READY', alert: { status: 'sent' } });
    expect(motionAlertFor(clipId)).toHaveLength(1);
    expect(operationsAbout(clipId)).toHaveLength(0);
  });

  it('an alert that cannot be published: the clip is READY with its renditions, alert failed with the error, operations told', async () => {
    const { clipId } = uploads.get('porch')!;
    const execution = await describeClipExecution(stack, clipId);
    expect(execution.status, `${execution.error} ${execution.cause}`).toBe('SUCCEEDED');
    const record = await clipRecord(stack, clipId);
    expect(record).toMatchObject({ status: 'READY', alert: { status: 'failed', error: 'SNS.AuthorizationErrorException' } });
    expect(record!.alert!.cause).toContain('not authorized to perform: SNS:Publish');
    const mp4 = requireS3Uri(record!.mp4!);
    expect(await objectExists(stack.clients.s3, mp4.bucket, mp4.key)).toBe(true);
    expect(motionAlertFor(clipId)).toHaveLength(0);
    const [notice, ...more] = operationsAbout(clipId);
    expect(more).toHaveLength(0);
    expect(notice!.subject).toBe('Alert not sent: camera porch');
    expect(notice!.message).toContain('SNS.AuthorizationErrorException');
    // "Why didn't I get an alert?": the clip's alert decision says failed, with the error.
    expect(await alertDecision(clipId)).toMatchObject({ outcome: 'failed', error: 'SNS.AuthorizationErrorException' });
    const entered = await statesEntered(clipId);
    expect(entered).toEqual(expect.arrayContaining([STATE.sendMotionAlert, STATE.notifyAlertFailed, STATE.alertFailed, STATE.render, STATE.rendered, STATE.catalog, STATE.ready]));
    expect(entered).not.toContain(STATE.recordFailure);
  });

  it('a render that fails: the alert is published all the same, the clip is FAILED with the render error and alert sent', async () => {
    const { clipId } = uploads.get('garage')!;
    const execution = await describeClipExecution(stack, clipId);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('ClipFailed');
    expect(motionAlertFor(clipId)).toHaveLength(1);
    const record = await clipRecord(stack, clipId);
    expect(record).toMatchObject({ status: 'FAILED', alert: { status: 'sent' }, failure: { error: 'States.TaskFailed' } });
    expect(record!.failure!.cause).toContain('Unable to open input file');
    const notices = operationsAbout(clipId);
    expect(notices.map((m) => m.subject)).toEqual([expect.stringMatching(/^Failed: garage clip .*States\.TaskFailed/)]);
    const entered = await statesEntered(clipId);
    expect(entered).toEqual(expect.arrayContaining([STATE.sendMotionAlert, STATE.renderFailed, STATE.rendered, STATE.notRendered, STATE.recordFailure, STATE.notifyFailure, STATE.failed]));
    expect(entered).not.toContain(STATE.alertFailed);
    expect(entered).not.toContain(STATE.catalog);
  });

  it('both failing: the clip is FAILED with the render error and alert failed, operations told of each', async () => {
    const { clipId } = uploads.get('yard')!;
    const execution = await describeClipExecution(stack, clipId);
    expect(execution.status).toBe('FAILED');
    expect(motionAlertFor(clipId)).toHaveLength(0);
    expect(await clipRecord(stack, clipId)).toMatchObject({ status: 'FAILED', alert: { status: 'failed', error: 'SNS.AuthorizationErrorException' }, failure: { error: 'States.TaskFailed' } });
    const subjects = operationsAbout(clipId).map((m) => m.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects).toEqual(expect.arrayContaining(['Alert not sent: camera yard', expect.stringMatching(/^Failed: yard clip /)]));
    expect(await statesEntered(clipId)).toEqual(expect.arrayContaining([STATE.alertFailed, STATE.renderFailed, STATE.recordFailure, STATE.failed]));
    expect(await alertDecision(clipId)).toMatchObject({ outcome: 'failed' });
  });
});
