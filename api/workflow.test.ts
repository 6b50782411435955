/**
 * The workflow routes against the local Step Functions endpoint (the same Step Functions
 * JSON protocol as AWS), running a small ASL of our own: the execution's status, the
 * per-state timeline with retries and errors, the list of executions, and redrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startLocalStepFunctions, type LocalStepFunctions } from '../runtime/step-functions/local-step-functions.ts';
import { startLocalServices, startTestApi, type LocalServices, type TestApi } from './test-support.ts';

const MACHINE = 'camflow-clip-workflow';
const definition = {
  StartAt: 'Validate clip',
  States: {
    'Validate clip': {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:validate',
      Retry: [{ ErrorEquals: ['StorageUnavailable'], MaxAttempts: 2, IntervalSeconds: 1 }],
      Next: 'Catalog clip',
    },
    'Catalog clip': { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:catalog', End: true },
  },
};

let services: LocalServices;
let stepFunctions: LocalStepFunctions;
let api: TestApi;
let sfn: SFNClient;
let catalogBroken = false;
const validateAttempts = new Map<string, number>();

const GOOD = 'front-door-1111111111111111';
const BROKEN = 'front-door-2222222222222222';

async function json(response: Response): Promise<any> {
  return JSON.parse(await response.text());
}

beforeAll(async () => {
  stepFunctions = await startLocalStepFunctions({
    port: 0,
    stateMachines: [{ name: MACHINE, definition }],
    retryIntervalOverrides: { 'Validate clip': 1 },
    resolveTask: (resource) => async (input, info) => {
      if (resource.endsWith(':validate')) {
        const attempt = (validateAttempts.get(info.executionName) ?? 0) + 1;
        validateAttempts.set(info.executionName, attempt);
        if (attempt === 1) throw Object.assign(new Error('S3 is slow'), { name: 'StorageUnavailable' });
        return input;
      }
      if (catalogBroken) throw Object.assign(new Error('The catalog table is missing'), { name: 'CatalogBroken' });
      return input;
    },
  });
  services = await startLocalServices({ stepfunctions: stepFunctions.endpoint });
  api = await startTestApi(services, { stateMachineArn: stepFunctions.stateMachineArn(MACHINE) });
  sfn = services.sfnClient!;
  await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn(MACHINE), name: GOOD, input: '{}' }));
  await stepFunctions.waitForIdle();
  catalogBroken = true;
  await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn(MACHINE), name: BROKEN, input: '{}' }));
  await stepFunctions.waitForIdle();
});

afterAll(async () => {
  sfn?.destroy();
  await api?.server.stop();
  await services?.stop();
  await stepFunctions?.stop();
});

describe('GET /clips/{id}/workflow', () => {
  it("shows a clip's execution state by state, with retries", async () => {
    const response = await api.call(`/clips/${GOOD}/workflow`, { token: api.tokens.viewer });
    expect(response.status).toBe(200);
    const workflow = await json(response);
    expect(workflow).toMatchObject({ clipId: GOOD, status: 'SUCCEEDED', executionArn: expect.stringContaining(`:execution:${MACHINE}:${GOOD}`) });
    expect(Date.parse(workflow.stoppedAt)).toBeGreaterThanOrEqual(Date.parse(workflow.startedAt));
    expect(workflow.states.map((s: { name: string; status: string; retries: number }) => [s.name, s.status, s.retries])).toEqual([
      ['Validate clip', 'SUCCEEDED', 1],
      ['Catalog clip', 'SUCCEEDED', 0],
    ]);
    for (const state of workflow.states) {
      expect(state.type).toBe('Task');
      expect(Date.parse(state.leftAt)).toBeGreaterThanOrEqual(Date.parse(state.enteredAt));
      expect(state.durationMs).toBe(Date.parse(state.leftAt) - Date.parse(state.enteredAt));
    }
  });

  it('shows the error and cause of the state that failed', async () => {
    const workflow = await json(await api.call(`/clips/${BROKEN}/workflow`, { token: api.tokens.viewer }));
    expect(workflow.status).toBe('FAILED');
    expect(workflow.error).toBe('CatalogBroken');
    const last = workflow.states.at(-1);
    expect(last).toMatchObject({ name: 'Catalog clip', error: 'CatalogBroken', cause: expect.stringContaining('catalog table is missing') });
    // FAILED or ABORTED is state-timeline.ts's reading of the local history (TaskFailed, then
    // TaskStateAborted as the execution fails); either way the state did not succeed.
    expect(['FAILED', 'ABORTED']).toContain(last.status);
  });

  it('answers 404 for a clip with no execution and 400 for a crafted id', async () => {
    const missing = await api.call('/clips/front-door-3333333333333333/workflow', { token: api.tokens.viewer });
    expect(missing.status).toBe(404);
    expect((await json(missing)).code).toBe('EXECUTION_NOT_FOUND');
    expect((await api.call('/clips/a%3Ab/workflow', { token: api.tokens.viewer })).status).toBe(400);
    expect((await api.call(`/clips/${GOOD}/workflow`)).status).toBe(401);
  });
});

describe('GET /executions', () => {
  it('lists recent executions, by status, page by page', async () => {
    const all = await json(await api.call('/executions', { token: api.tokens.viewer }));
    expect(all.executions.map((e: { name: string }) => e.name).sort()).toEqual([BROKEN, GOOD].sort());
    const failed = await json(await api.call('/executions?status=FAILED', { token: api.tokens.viewer }));
    expect(failed.executions).toEqual([expect.objectContaining({ name: BROKEN, status: 'FAILED' })]);
    const first = await json(await api.call('/executions?limit=1', { token: api.tokens.viewer }));
    expect(first.executions).toHaveLength(1);
    expect(first.cursor).toBeTruthy();
    const second = await json(await api.call(`/executions?limit=1&cursor=${first.cursor}`, { token: api.tokens.viewer }));
    expect(second.executions).toHaveLength(1);
    expect(second.executions[0].name).not.toBe(first.executions[0].name);
    expect((await api.call('/executions?status=DONE', { token: api.tokens.viewer })).status).toBe(400);
  });
});

describe('POST /executions/{name}/redrive', () => {
  it('redrives a failed execution from the state that failed (admin only)', async () => {
    expect((await api.call(`/executions/${BROKEN}/redrive`, { method: 'POST', token: api.tokens.viewer })).status).toBe(403);
    const notFailed = await api.call(`/executions/${GOOD}/redrive`, { method: 'POST', token: api.tokens.admin });
    expect(notFailed.status).toBe(409);
    expect((await json(notFailed)).code).toBe('EXECUTION_NOT_REDRIVABLE');
    expect((await api.call('/executions/front-door-3333333333333333/redrive', { method: 'POST', token: api.tokens.admin })).status).toBe(404);

    catalogBroken = false;
    const response = await api.call(`/executions/${BROKEN}/redrive`, { method: 'POST', token: api.tokens.admin });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ name: BROKEN, redriveDate: expect.any(String) });
    await stepFunctions.waitForIdle();

    const workflow = await json(await api.call(`/clips/${BROKEN}/workflow`, { token: api.tokens.viewer }));
    expect(workflow).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(workflow.states.at(-1)).toMatchObject({ name: 'Catalog clip', status: 'SUCCEEDED', redriveCount: 1 });
    // "Validate clip" is not run again.
    expect(validateAttempts.get(BROKEN)).toBe(2);
  });
});
