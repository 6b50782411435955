/**
 * The sweeper and the dead-letter retry against the real local stack (s3rver, dynalite, the
 * local Step Functions endpoint running the synthesized workflow): a clip whose workflow never
 * started is started and ends READY; an execution that failed because DynamoDB was unreachable
 * is redriven once it is back and ends READY; a clip whose workflow keeps failing ends FAILED
 * with the reason; an upload in the trigger's dead-letter queue gets its workflow.
 *
 * "DynamoDB unreachable" is real: the stack's tasks are given a DynamoDB client for a closed
 * port (their dependencies' `catalog`), exactly what they would see if it were down.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, type TaskDependencies } from './dependencies.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE } from '../domain/clip-contract.ts';
import { WORKFLOW_FAILURES } from '../workflows/clip-workflow.ts';
import { freePort, objectCreatedEvent, startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { jpegStill, type ClipFixture } from '../integ-tests/clip-fixtures.ts';
import { allExecutions, clipExecutionArn, clipRecord, describeClipExecution, uploadClip, type UploadedClip } from '../integ-tests/local-stack-support.ts';
import { clipIdOfExecutionName, executionNameFor } from '../domain/execution-name.ts';
import { MAX_OUTAGE_RESUMES } from './record-failure.ts';
import { retryFailedUploads, type DeadLetter, type DeadLetters } from './retry-failed-uploads.ts';
import { createHandler as createSweeper, DEFAULT_SWEEPER_SETTINGS, sweepStuckClips, sweeperSettingsFromEnv, SWEEPER_ENV } from './sweeper.ts';
import { createHandler as createTrigger } from './trigger.ts';
import { clipWorkflowInput } from '../domain/upload-event.ts';

const work = mkdtempSync(join(tmpdir(), 'camflow-sweeper-'));
let still: ClipFixture;
const LAMBDA_STATES = [STATE.validate, STATE.decideAlert, STATE.catalog, STATE.retention, STATE.quarantine, STATE.recordFailure];

beforeAll(async () => {
  still = await jpegStill(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `work` while the stack's tasks have `changes` in their dependencies (this stack's only), then puts them back. */
async function withTaskDependencies<T>(stack: LocalStack, changes: Partial<TaskDependencies>, work: () => Promise<T>): Promise<T> {
  const deps = stack.taskDependencies as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, deps[name]]));
  Object.assign(deps, changes);
  try {
    return await work();
  } finally {
    Object.assign(deps, saved);
  }
}

/** The trigger's state machine as if it were not deployed (Step Functions refuses to start). */
const notDeployed = (stack: LocalStack) => ({ stateMachineArn: stack.stateMachineArn.replace(/:stateMachine:.*$/, ':stateMachine:not-deployed') });

/** Upload a still while the trigger cannot start workflows (as when Step Functions refuses): cataloged PROCESSING, no execution. */
async function uploadWhileTriggerCannotStart(stack: LocalStack, camera: string, name: string): Promise<UploadedClip> {
  return withTaskDependencies(stack, notDeployed(stack), async () => {
    const upload = await uploadClip(stack, camera, still.path, name);
    await stack.waitForIdle();
    return upload;
  });
}

async function expectNoExecution(stack: LocalStack, clipId: string): Promise<void> {
  await expect(describeClipExecution(stack, clipId)).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('camflow up runs the sweeper periodically', () => {
  let stack: LocalStack;
  const printed: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      dataDirectory: join(work, 'periodic'),
      api: false,
      ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
      print: (line) => printed.push(line),
      sweepEverySeconds: 1,
      environment: { [SWEEPER_ENV.graceSeconds]: '0' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('(1) starts the workflow of a PROCESSING clip whose execution does not exist, and the clip ends READY', async () => {
    const upload = await uploadWhileTriggerCannotStart(stack, 'porch', 'never-started.jpg');
    expect(printed.some((line) => line.startsWith('[trigger]') && line.includes('StateMachineDoesNotExist'))).toBe(true);
    // Nobody starts it by hand: the sweeper's next run does.
    const record = await until('the clip to be READY', async () => {
      const item = await clipRecord(stack, upload.clipId);
      return item?.status === 'READY' ? item : undefined;
    });
    expect(record).toMatchObject({ kind: 'still', executionName: executionNameFor(upload.clipId, record.uploadedAt), source: { key: upload.key } });
    await stack.waitForIdle();
    const execution = await describeClipExecution(stack, upload.clipId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.input!)).toMatchObject({ clip: { clipId: upload.clipId, key: upload.key, etag: upload.etag } });
    expect((await allExecutions(stack)).filter((e) => clipIdOfExecutionName(e.name!) === upload.clipId)).toHaveLength(1);
    expect(printed).toContain(`[sweeper] ${upload.clipId}: its workflow had never started; started it`);
  });
});

describe('the sweeper after a DynamoDB outage', () => {
  let stack: LocalStack;
  let realDynamoDB: string;
  let sweeperCatalog: DynamoDBDocumentClient;
  let unreachableCatalog: DynamoDBDocumentClient;

  beforeAll(async () => {
    stack = await startLocalStack({
      dataDirectory: join(work, 'outage'),
      api: false,
      ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
      print: () => undefined,
      sweepEverySeconds: 0,
      // Retries in milliseconds instead of minutes (the definition's own Retry is asserted in workflows/).
      retryIntervalOverrides: Object.fromEntries(LAMBDA_STATES.map((name) => [name, 5])),
    });
    realDynamoDB = stack.endpoints.dynamodb;
    sweeperCatalog = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: realDynamoDB }));
    unreachableCatalog = documentClient(new DynamoDBClient({ ...localClientConfig(), endpoint: `http://127.0.0.1:${await freePort()}` }));
  });
  afterAll(async () => {
    sweeperCatalog?.destroy();
    unreachableCatalog?.destroy();
    await stack?.stop();
  });

  /** A still whose execution ran while the tasks could not reach DynamoDB: FAILED at Record failure, the clip still PROCESSING. */
  async function clipFailedByOutage(name: string): Promise<UploadedClip> {
    const upload = await uploadWhileTriggerCannotStart(stack, 'driveway', name);
    const item = await clipRecord(stack, upload.clipId);
    expect(item?.status).toBe('PROCESSING');
    await expectNoExecution(stack, upload.clipId);
    const input = clipWorkflowInput({
      bucket: stack.buckets.uploads,
      key: upload.key,
      versionId: upload.versionId || undefined,
      size: statSync(still.path).size,
      etag: upload.etag,
      uploadedAt: item!.uploadedAt,
    });
    expect(input.clip.clipId).toBe(upload.clipId);
    await withTaskDependencies(stack, { catalog: unreachableCatalog }, async () => {
      await stack.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: item!.executionName, input: JSON.stringify(input) }));
      await stack.waitForIdle();
      const execution = await describeClipExecution(stack, upload.clipId);
      expect(execution).toMatchObject({ status: 'FAILED', error: 'StorageUnavailable', redriveStatus: 'REDRIVABLE' });
      expect((await clipRecord(stack, upload.clipId))?.status).toBe('PROCESSING');
    });
    return upload;
  }

  it('(2) redrives an execution that failed because DynamoDB was unreachable, once it answers again: the clip ends READY', async () => {
    const upload = await clipFailedByOutage('outage.jpg');
    // The execution stopped at Record failure: it could not write FAILED either.
    const failedAt = await failedState(stack, upload.clipId);
    expect(failedAt).toBe(STATE.recordFailure);

    // DynamoDB answers again (the stack's own client); the sweeper's grace period is 0.
    const sweep = createSweeper({ ...stack.taskDependencies, sweeper: sweeperSettingsFromEnv({ [SWEEPER_ENV.graceSeconds]: '0' }) });
    const result = await sweep({}, { getRemainingTimeInMillis: () => 60_000 });
    expect(result.redriven).toEqual([upload.clipId]);
    expect(result.failed).toEqual([]);
    await stack.waitForIdle();
    const execution = await describeClipExecution(stack, upload.clipId);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(await clipRecord(stack, upload.clipId)).toMatchObject({ status: 'READY', kind: 'still', outageResumes: 1 });
    // Record failure saw the catalog answer again and sent the clip back to the step that had failed:
    // Validate clip, which reads the camera's render profile from the catalog.
    const entered = await enteredStates(stack, upload.clipId);
    expect(entered.slice(entered.lastIndexOf(STATE.recordFailure))).toEqual([
      STATE.recordFailure,
      STATE.resumeAfterOutage,
      STATE.validate,
      STATE.whatWasUploaded,
      STATE.catalog,
      STATE.retention,
      STATE.ready,
    ]);
  });

  it('(3) marks a clip whose workflow keeps failing FAILED with the reason, not PROCESSING', async () => {
    const upload = await clipFailedByOutage('still-down.jpg');
    // DynamoDB stays unreachable for the tasks (nothing runs in between); the sweeper itself reaches it.
    await withTaskDependencies(stack, { catalog: unreachableCatalog }, async () => {
      const options = {
        settings: { ...DEFAULT_SWEEPER_SETTINGS, graceSeconds: 0, maxRedrives: 1 },
        stateMachineArn: stack.stateMachineArn,
        tableName: stack.tableName,
        clients: { catalog: sweeperCatalog, stepFunctions: stack.clients.sfn, s3: stack.clients.s3 },
      };
      const first = await sweepStuckClips(options);
      expect(first.redriven).toContain(upload.clipId);
      await stack.waitForIdle();
      expect(await describeClipExecution(stack, upload.clipId)).toMatchObject({ status: 'FAILED', error: 'StorageUnavailable', redriveCount: 1 });

      const second = await sweepStuckClips(options);
      expect(second.failed).toContainEqual({ clipId: upload.clipId, reason: 'RedrivesExhausted' });
      const record = (await clipRecord(stack, upload.clipId)) as unknown as Record<string, any>;
      expect(record).toMatchObject({ status: 'FAILED', statusPk: 'STATUS#FAILED', failure: { error: 'RedrivesExhausted' } });
      expect(record.failure.cause).toMatch(/redriven 1 time\(s\) and still ended FAILED with StorageUnavailable/);
      expect(record.failure.cause).toContain(`/executions/${record.executionName}/redrive`);
      // Nothing more to do for it: a third run leaves it alone.
      const third = await sweepStuckClips(options);
      expect([...third.redriven, ...third.restarted, ...third.failed.map((f) => f.clipId)]).not.toContain(upload.clipId);
    });
  });

  it('runs the trigger again for an upload in its dead-letter queue: the clip ends READY, only that message is removed', async () => {
    const key = 'gate/dead-letter.jpg';
    const put = await withTaskDependencies(stack, notDeployed(stack), async () => {
      const written = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: key, Body: readFileSync(still.path) }));
      await stack.waitForIdle();
      return written;
    });
    const trigger = createTrigger(stack.taskDependencies);
    // What EventBridge (or the trigger's asynchronous invocation) leaves in the queue: the event itself.
    const event = objectCreatedEvent({
      bucket: stack.buckets.uploads,
      key,
      size: statSync(still.path).size,
      etag: (put.ETag ?? '').replace(/"/g, ''),
      versionId: put.VersionId ?? '',
      time: new Date().toISOString(),
    });
    const queue = inMemoryQueue([
      { id: 'upload', body: JSON.stringify(event), receipt: 'r1' },
      { id: 'garbage', body: '{"not":"an event"}', receipt: 'r2' },
    ]);
    const result = await retryFailedUploads(queue, (e) => trigger(e));
    expect(result).toEqual({ read: 2, started: 1, duplicates: 0, ignored: 0, left: 1 });
    expect(queue.waiting()).toEqual(['garbage']);
    await stack.waitForIdle();
    const clipId = clipWorkflowInput({ bucket: stack.buckets.uploads, key, versionId: put.VersionId, size: 0, etag: (put.ETag ?? '').replace(/"/g, ''), uploadedAt: '' }).clip.clipId;
    expect((await describeClipExecution(stack, clipId)).status).toBe('SUCCEEDED');
    expect(await clipRecord(stack, clipId)).toMatchObject({ status: 'READY' });
    // A second delivery of the same event (the queue gave it twice) is a duplicate, not a second clip.
    const again = inMemoryQueue([{ id: 'upload', body: JSON.stringify(event), receipt: 'r3' }]);
    expect(await retryFailedUploads(again, (e) => trigger(e))).toMatchObject({ started: 0, duplicates: 1, left: 0 });
  });
});

describe('sweeper settings', () => {
  it('reads the SWEEP_* variables, and names the variable and the rule when one is wrong', () => {
    expect(sweeperSettingsFromEnv({})).toEqual(DEFAULT_SWEEPER_SETTINGS);
    expect(sweeperSettingsFromEnv({ SWEEP_GRACE_SECONDS: '30', SWEEP_MAX_REDRIVES: '0', SWEEP_GIVE_UP_DAYS: '2.5', SWEEP_MAX_CLIPS: '10' })).toEqual({
      graceSeconds: 30,
      maxRedrives: 0,
      giveUpAfterDays: 2.5,
      maxClips: 10,
    });
    expect(() => sweeperSettingsFromEnv({ SWEEP_MAX_REDRIVES: '1.5' })).toThrow(/SWEEP_MAX_REDRIVES is '1.5', but it must be a whole number from 0 to 100/);
    expect(() => sweeperSettingsFromEnv({ SWEEP_GIVE_UP_DAYS: '30' })).toThrow(expect.objectContaining({ name: 'SweeperSettingInvalid' }));
  });

  it('knows the workflow’s own Fail states and the resume limit', () => {
    // The sweeper marks these FAILED instead of redriving them (a redrive would only reach the same Fail).
    expect(Object.values(WORKFLOW_FAILURES).sort()).toEqual(['ClipFailed', 'ClipQuarantined']);
    expect(MAX_OUTAGE_RESUMES).toBeGreaterThan(0);
  });
});

function inMemoryQueue(letters: DeadLetter[]): DeadLetters & { waiting(): string[] } {
  const queue = [...letters];
  let hidden = new Set<string>();
  return {
    async receive(max) {
      const visible = queue.filter((l) => !hidden.has(l.id)).slice(0, Math.min(10, max));
      hidden = new Set([...hidden, ...visible.map((l) => l.id)]);
      return visible;
    },
    async remove(letter) {
      queue.splice(
        queue.findIndex((l) => l.receipt === letter.receipt),
        1,
      );
    },
    waiting: () => queue.map((l) => l.id),
  };
}

async function historyOf(stack: LocalStack, clipId: string) {
  const history = await stack.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: await clipExecutionArn(stack, clipId), maxResults: 1000 }));
  return history.events ?? [];
}

async function enteredStates(stack: LocalStack, clipId: string): Promise<string[]> {
  return (await historyOf(stack, clipId)).flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
}

async function failedState(stack: LocalStack, clipId: string): Promise<string | undefined> {
  const entered = await enteredStates(stack, clipId);
  return entered.at(-1);
}
