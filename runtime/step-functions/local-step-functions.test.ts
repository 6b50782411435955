import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  paginateGetExecutionHistory,
  paginateListExecutions,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../local-credentials.ts';
import { startLocalStepFunctions, type LocalStepFunctions, type LocalStepFunctionsOptions } from './local-step-functions.ts';
import { timelineFromHistory } from '../../domain/state-timeline.ts';
import { clipInput, RENDER_ARN, TEST_MACHINE_NAME, testDefinition, testTasks } from './test-state-machine.ts';

const started: LocalStepFunctions[] = [];
const directories: string[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((sfn) => sfn.stop()));
});
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function dataDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'camflow-sfn-'));
  directories.push(directory);
  return directory;
}

async function start(tasks = testTasks(), options: Partial<LocalStepFunctionsOptions> = {}) {
  const sfn = await startLocalStepFunctions({
    port: 0,
    stateMachines: [{ name: TEST_MACHINE_NAME, definition: testDefinition }],
    resolveTask: tasks.resolveTask,
    ...options,
  });
  started.push(sfn);
  const client = new SFNClient({ region: 'us-east-1', endpoint: sfn.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
  const machineArn = sfn.stateMachineArn(TEST_MACHINE_NAME);
  const run = async (name: string, input: string) => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input }));
    return executionArn!;
  };
  const history = async (executionArn: string): Promise<HistoryEvent[]> => {
    const events: HistoryEvent[] = [];
    for await (const page of paginateGetExecutionHistory({ client }, { executionArn })) events.push(...(page.events ?? []));
    return events;
  };
  const describe = (executionArn: string) => client.send(new DescribeExecutionCommand({ executionArn }));
  return { sfn, client, machineArn, run, history, describe, tasks };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Gave up waiting: ${what}`);
}

const types = (events: HistoryEvent[]) => events.map((event) => event.type);

/** The events of one state's lane, in order (for branches that interleave). */
function subsequence(events: HistoryEvent[], wanted: string[]): boolean {
  let i = 0;
  for (const type of types(events)) if (type === wanted[i]) i++;
  return i === wanted.length;
}

describe('local Step Functions endpoint', () => {
  it('runs an execution to SUCCEEDED and describes it', async () => {
    const { sfn, run, describe } = await start();
    const arn = await run('clip-1', clipInput('frontdoor/clip-1.mp4'));
    expect(arn).toBe(`arn:aws:states:us-east-1:000000000000:execution:${TEST_MACHINE_NAME}:clip-1`);
    await sfn.waitForIdle();
    const execution = await describe(arn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.name).toBe('clip-1');
    expect(execution.stateMachineArn).toBe(`arn:aws:states:us-east-1:000000000000:stateMachine:${TEST_MACHINE_NAME}`);
    expect(execution.startDate).toBeInstanceOf(Date);
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(execution.startDate!.getTime());
    expect(JSON.parse(execution.input!)).toEqual({ clip: 'frontdoor/clip-1.mp4', plan: {} });
    const output = JSON.parse(execution.output!);
    expect(output.check).toEqual({ kind: 'video', attempt: 1 });
    expect(output.outcome.render.Job.Status).toBe('COMPLETE');
    expect(output.outcome.alert.MessageId).toMatch(/^message-/);
    expect(execution.redriveCount).toBe(0);
    expect(execution.redriveStatus).toBe('NOT_REDRIVABLE');
  });

  it('records the history in AWS event types and shapes', async () => {
    const { sfn, run, history } = await start();
    const arn = await run('clip-history', clipInput('frontdoor/a.mp4'));
    await sfn.waitForIdle();
    const events = await history(arn);
    expect(events.map((event) => event.id)).toEqual(events.map((_, i) => i + 1));
    const topLevel = types(events).filter((type) => !/^(Task(Scheduled|Started|Succeeded)|TaskState(Entered|Exited))$/.test(type!) || false);
    expect(topLevel).toEqual([
      'ExecutionStarted',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(types(events).slice(0, 6)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited']);
    for (const branch of ['Render', 'Alert']) {
      const from = events.findIndex((event) => event.stateEnteredEventDetails?.name === branch);
      expect(from).toBeGreaterThan(events.findIndex((event) => event.type === 'ParallelStateStarted'));
      const lane = events.filter((event, i) => i >= from && (event.id === events[from]!.id || isInLane(events, event, events[from]!.id!)));
      expect(types(lane)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited']);
    }
    const started = events[0]!;
    expect(started.previousEventId).toBe(0);
    expect(started.executionStartedEventDetails).toMatchObject({ roleArn: `arn:aws:iam::000000000000:role/${TEST_MACHINE_NAME}-role`, inputDetails: { truncated: false } });
    expect(JSON.parse(started.executionStartedEventDetails!.input!)).toEqual({ clip: 'frontdoor/a.mp4', plan: {} });
    const scheduledLambda = events.find((event) => event.type === 'LambdaFunctionScheduled')!;
    expect(scheduledLambda.lambdaFunctionScheduledEventDetails!.resource).toBe('arn:aws:lambda:us-east-1:000000000000:function:check-clip');
    expect(scheduledLambda.previousEventId).toBe(2);
    const render = events.find((event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType === 'mediaconvert')!;
    expect(render.taskScheduledEventDetails).toMatchObject({ resourceType: 'mediaconvert', resource: 'createJob.sync', region: 'us-east-1' });
    expect(JSON.parse(render.taskScheduledEventDetails!.parameters!)).toEqual({
      clip: 'frontdoor/a.mp4',
      plan: {},
      executionName: 'clip-history',
      executionId: arn,
    });
    expect(render.taskScheduledEventDetails!.timeoutInSeconds).toBeUndefined();
    const alert = events.find((event) => event.type === 'TaskSucceeded' && event.taskSucceededEventDetails?.resourceType === 'sns')!;
    expect(alert.taskSucceededEventDetails!.resource).toBe('publish');
    const choiceEntered = events.find((event) => event.type === 'ChoiceStateEntered')!;
    expect(choiceEntered.stateEnteredEventDetails!.name).toBe('Is it a clip?');
    expect(JSON.parse(choiceEntered.stateEnteredEventDetails!.input!).check.kind).toBe('video');
    const succeeded = events.at(-1)!;
    expect(JSON.parse(succeeded.executionSucceededEventDetails!.output!).outcome.render.Job.Status).toBe('COMPLETE');
    for (const event of events) expect(event.timestamp).toBeInstanceOf(Date);
  });

  it('retries a named error with the Retry policy, and shows each attempt', async () => {
    const { sfn, run, describe, history } = await start();
    const arn = await run('clip-retry', clipInput('frontdoor/b.mp4', { check: 'storage-once' }));
    await sfn.waitForIdle();
    expect((await describe(arn)).status).toBe('SUCCEEDED');
    const events = await history(arn);
    expect(
      subsequence(events, [
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited',
      ]),
    ).toBe(true);
    const failed = events.find((event) => event.type === 'LambdaFunctionFailed')!;
    expect(failed.lambdaFunctionFailedEventDetails!.error).toBe('StorageUnavailable');
    const cause = JSON.parse(failed.lambdaFunctionFailedEventDetails!.cause!);
    expect(cause).toMatchObject({ errorType: 'StorageUnavailable', errorMessage: 'S3 answered 503 SlowDown; try again' });
    expect(Array.isArray(cause.trace)).toBe(true);
    const retried = events.filter((event) => event.type === 'LambdaFunctionScheduled')[1]!;
    expect(retried.previousEventId).toBe(failed.id);
    const check = timelineFromHistory(events).find((step) => step.name === 'Check clip')!;
    expect(check).toMatchObject({ status: 'SUCCEEDED', retries: 1 });
    expect(check.error).toBeUndefined();
  });

  it('gives up after MaxAttempts and catches the error into $.error, then fails in the Fail state', async () => {
    const tasks = testTasks();
    const { sfn, run, describe, history } = await start(tasks);
    const arn = await run('clip-storage-down', clipInput('frontdoor/c.mp4', { check: 'storage-always' }));
    await sfn.waitForIdle();
    const execution = await describe(arn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ClipFailed', cause: 'The clip could not be processed; see "Record failure".' });
    expect(execution.redriveStatus).toBe('REDRIVABLE');
    const events = await history(arn);
    // First attempt + MaxAttempts (2) retries.
    expect(types(events).filter((type) => type === 'LambdaFunctionFailed')).toHaveLength(3);
    expect(tasks.calls.filter((call) => call.stateName === 'Check clip')).toHaveLength(3);
    const recorded = tasks.recorded[0] as { error: { Error: string; Cause: string } };
    expect(recorded.error.Error).toBe('StorageUnavailable');
    expect(JSON.parse(recorded.error.Cause)).toMatchObject({ errorType: 'StorageUnavailable', errorMessage: 'S3 answered 503 SlowDown; try again' });
    expect(types(events).slice(-3)).toEqual(['TaskStateExited', 'FailStateEntered', 'ExecutionFailed']);
    expect(events.at(-1)!.executionFailedEventDetails).toEqual({ error: 'ClipFailed', cause: 'The clip could not be processed; see "Record failure".' });
    const timeline = timelineFromHistory(events);
    expect(timeline.map((step) => [step.name, step.status])).toEqual([
      ['Check clip', 'CAUGHT'],
      ['Record failure', 'SUCCEEDED'],
      ['Clip failed', 'FAILED'],
    ]);
    expect(timeline[0]).toMatchObject({ retries: 2, error: 'StorageUnavailable' });
    expect(timeline[2]).toMatchObject({ error: 'ClipFailed' });
  });

  it('fails a Parallel when a branch fails, aborting the other branch', async () => {
    const tasks = testTasks();
    const { sfn, run, describe, history } = await start(tasks);
    const arn = await run('clip-rejected', clipInput('frontdoor/d.mp4', { render: 'reject' }));
    await sfn.waitForIdle();
    expect((await describe(arn)).status).toBe('FAILED');
    const events = await history(arn);
    expect(
      subsequence(events, ['ParallelStateEntered', 'ParallelStateStarted', 'TaskFailed', 'ParallelStateFailed', 'ParallelStateExited', 'TaskStateEntered', 'FailStateEntered', 'ExecutionFailed']),
    ).toBe(true);
    const failed = events.find((event) => event.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toEqual({
      resourceType: 'mediaconvert',
      resource: 'createJob.sync',
      error: 'RenderRejected',
      cause: 'The job settings name an unsupported codec',
    });
    expect((tasks.recorded[0] as { error: unknown }).error).toEqual({ Error: 'RenderRejected', Cause: 'The job settings name an unsupported codec' });
    const parallel = timelineFromHistory(events).find((step) => step.name === 'Alert and render')!;
    expect(parallel).toMatchObject({ status: 'CAUGHT', error: 'RenderRejected' });
    const render = timelineFromHistory(events).find((step) => step.name === 'Render')!;
    expect(render).toMatchObject({ status: 'FAILED', parent: 'Alert and render' });
  });

  it('takes the Choice default for a still', async () => {
    const { sfn, run, describe, history } = await start();
    const arn = await run('still-1', clipInput('frontdoor/e.jpg', { check: 'still' }));
    await sfn.waitForIdle();
    const execution = await describe(arn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).verdict).toBe('not a clip');
    expect(types(await history(arn)).slice(-3)).toEqual(['PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });

  it('lists executions newest first, filtered by status, page by page', async () => {
    const { sfn, client, machineArn, run } = await start();
    const names = ['list-1', 'list-2', 'list-3', 'list-4', 'list-5'];
    for (const name of names) {
      await run(name, clipInput(name, name === 'list-4' ? { check: 'gone' } : {}));
      await sfn.waitForIdle();
    }
    const seen: string[] = [];
    let pages = 0;
    // The SDK's own paginator walks the local endpoint's nextTokens, as it would in AWS.
    for await (const page of paginateListExecutions({ client, pageSize: 2 }, { stateMachineArn: machineArn })) {
      expect(page.executions!.length).toBeLessThanOrEqual(2);
      seen.push(...page.executions!.map((execution) => execution.name!));
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].reverse());
    const failed = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'FAILED' }));
    expect(failed.executions!.map((execution) => execution.name)).toEqual(['list-4']);
    expect(failed.executions![0]).toMatchObject({ status: 'FAILED', stateMachineArn: machineArn, redriveCount: 0 });
    expect(failed.executions![0]!.stopDate).toBeInstanceOf(Date);
    const running = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }));
    expect(running.executions).toEqual([]);
  });

  it('pages the history forwards and in reverse, with or without execution data', async () => {
    const { sfn, client, run, history } = await start();
    const arn = await run('clip-pages', clipInput('x'));
    await sfn.waitForIdle();
    const all = await history(arn);
    const reversed: HistoryEvent[] = [];
    for await (const page of paginateGetExecutionHistory({ client, pageSize: 4 }, { executionArn: arn, reverseOrder: true, includeExecutionData: false })) {
      expect(page.events!.length).toBeLessThanOrEqual(4);
      reversed.push(...page.events!);
    }
    expect(reversed.map((event) => event.id)).toEqual(all.map((event) => event.id).reverse());
    expect(reversed.at(-1)!.executionStartedEventDetails!.input).toBeUndefined();
    expect(all[0]!.executionStartedEventDetails!.input).toBeDefined();
  });

  it('starts idempotently by name while running, and refuses a name already used', async () => {
    const tasks = testTasks();
    const { sfn, client, machineArn, run } = await start(tasks);
    const input = clipInput('frontdoor/f.mp4', { render: 'hold' });
    const first = await run('clip-twice', input);
    const second = await run('clip-twice', input);
    expect(second).toBe(first);
    await expect(run('clip-twice', clipInput('frontdoor/other.mp4'))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await until(() => tasks.isHeld('clip-twice'), 'the render to start');
    tasks.release('clip-twice');
    await sfn.waitForIdle();
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    expect(listed.executions!.filter((execution) => execution.name === 'clip-twice')).toHaveLength(1);
    expect(tasks.calls.filter((call) => call.executionName === 'clip-twice' && call.stateName === 'Check clip')).toHaveLength(1);
    // Closed: as in AWS, the same name and input is refused too.
    const refused = await run('clip-twice', input).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(ExecutionAlreadyExists);
    expect((refused as Error).message).toContain(first);
  });

  it('refuses invalid names and unknown resources with AWS error types', async () => {
    const { client, machineArn, run, describe } = await start();
    await expect(run('has space', '{}')).rejects.toBeInstanceOf(InvalidName);
    await expect(run('x'.repeat(81), '{}')).rejects.toBeInstanceOf(InvalidName);
    await expect(run('clip.mp4', '{}')).rejects.toBeInstanceOf(InvalidName);
    await expect(run('a'.repeat(80), '{}')).resolves.toContain('a'.repeat(80));
    await expect(describe(`${machineArn.replace(':stateMachine:', ':execution:')}:missing`)).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: machineArn.replace(TEST_MACHINE_NAME, 'nope'), name: 'x', input: '{}' }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    const badInput = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'bad-input', input: '{not json' })).catch((error: Error) => error);
    expect((badInput as Error).name).toBe('InvalidExecutionInput');
  });

  it('describes and lists the state machine', async () => {
    const { client, machineArn } = await start();
    const machine = await client.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    expect(machine).toMatchObject({ name: TEST_MACHINE_NAME, type: 'STANDARD', status: 'ACTIVE', stateMachineArn: machineArn });
    expect(JSON.parse(machine.definition!)).toEqual(testDefinition);
    expect(machine.creationDate).toBeInstanceOf(Date);
    const list = await client.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines!.map((item) => item.stateMachineArn)).toEqual([machineArn]);
  });

  it('stops an execution: ABORTED, open states aborted, the task told to stop', async () => {
    const tasks = testTasks();
    let renderReturned: Promise<unknown> | undefined;
    const { sfn, client, run, describe, history } = await start({
      ...tasks,
      resolveTask: (resource: string, stateName: string): ReturnType<typeof tasks.resolveTask> => {
        const runner = tasks.resolveTask(resource, stateName);
        return (input, info) => {
          const returned = runner(input, info);
          if (resource === RENDER_ARN) renderReturned = returned;
          return returned;
        };
      },
    });
    const arn = await run('clip-stop', clipInput('frontdoor/g.mp4', { render: 'hold' }));
    await until(() => tasks.isHeld('clip-stop'), 'the render to start');
    const { stopDate } = await client.send(new StopExecutionCommand({ executionArn: arn, error: 'Operator', cause: 'stopped by hand' }));
    expect(stopDate).toBeInstanceOf(Date);
    await sfn.waitForIdle();
    const execution = await describe(arn);
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by hand', redriveStatus: 'REDRIVABLE' });
    expect(tasks.aborted).toEqual(['clip-stop']);
    const events = await history(arn);
    expect(types(events).slice(-3)).toEqual(['TaskStateAborted', 'ParallelStateAborted', 'ExecutionAborted']);
    expect(events.at(-1)!.executionAbortedEventDetails).toEqual({ error: 'Operator', cause: 'stopped by hand' });
    // Nothing is recorded after the abort, even though the held task then returned: wait for that
    // return itself, let everything it set off run (one event-loop turn), and read the history again.
    expect(await renderReturned).toMatchObject({ Job: { Status: 'COMPLETE' } });
    await new Promise((resolve) => setImmediate(resolve));
    await sfn.waitForIdle();
    expect((await history(arn)).length).toBe(events.length);
  });

  it('redrives a failed execution from the Parallel that failed, keeping its name and input', async () => {
    const tasks = testTasks();
    const { sfn, client, run, describe, history } = await start(tasks);
    const input = clipInput('frontdoor/h.mp4', { render: 'unavailable-once' });
    const arn = await run('clip-redrive', input);
    await sfn.waitForIdle();
    const failed = await describe(arn);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'RenderUnavailable', cause: 'ffmpeg is not on PATH', redriveStatus: 'REDRIVABLE' });
    const { redriveDate } = await client.send(new RedriveExecutionCommand({ executionArn: arn }));
    expect(redriveDate).toBeInstanceOf(Date);
    await sfn.waitForIdle();
    const execution = await describe(arn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(execution.redriveDate).toBeInstanceOf(Date);
    expect(execution.error).toBeUndefined();
    expect(JSON.parse(execution.output!).outcome.render.Job.Id).toBe('job-clip-redrive-2');
    // Check clip ran once: the redrive started at the Parallel.
    expect(tasks.calls.filter((call) => call.stateName === 'Check clip')).toHaveLength(1);
    const renders = tasks.calls.filter((call) => call.stateName === 'Render');
    expect(renders).toHaveLength(2);
    expect(renders[1]!.input).toEqual({ clip: 'frontdoor/h.mp4', plan: { render: 'unavailable-once' }, executionName: 'clip-redrive', executionId: arn });
    const events = await history(arn);
    const redriven = events.find((event) => event.type === 'ExecutionRedriven')!;
    expect(redriven.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(types(events.slice(events.indexOf(redriven) - 1, events.indexOf(redriven) + 3))).toEqual(['ExecutionFailed', 'ExecutionRedriven', 'ParallelStateEntered', 'ParallelStateStarted']);
    expect(events.map((event) => event.id)).toEqual(events.map((_, i) => i + 1));
    const timeline = timelineFromHistory(events);
    expect(timeline.filter((step) => step.name === 'Alert and render').map((step) => [step.status, step.redriveCount])).toEqual([
      ['FAILED', 0],
      ['SUCCEEDED', 1],
    ]);
    await expect(client.send(new RedriveExecutionCommand({ executionArn: arn }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
  });

  it('runs many executions at once', async () => {
    const tasks = testTasks();
    const { sfn, client, machineArn, run } = await start(tasks);
    const names = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    await Promise.all(names.map((name) => run(name, clipInput(name, { render: 'hold' }))));
    await until(() => names.every((name) => tasks.isHeld(name)), 'all renders to start');
    const running = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }));
    expect(running.executions).toHaveLength(20);
    for (const name of names) tasks.release(name);
    await sfn.waitForIdle();
    const succeeded = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions).toHaveLength(20);
  });

  it('times a Task out after its TimeoutSeconds, as States.Timeout', async () => {
    const definition = {
      StartAt: 'Slow',
      States: { Slow: { Type: 'Task', Resource: RENDER_ARN, TimeoutSeconds: 1, End: true } },
    };
    let signal: AbortSignal | undefined;
    const sfn = await startLocalStepFunctions({
      port: 0,
      stateMachines: [{ name: 'slow', definition }],
      resolveTask: () => (_input, info) => {
        signal = info.signal;
        return new Promise((resolve) => info.signal.addEventListener('abort', () => resolve('late')));
      },
    });
    started.push(sfn);
    const client = new SFNClient({ region: 'us-east-1', endpoint: sfn.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn('slow'), name: 'slow-1' }));
    await sfn.waitForIdle();
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(types(events!)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskTimedOut', 'ExecutionFailed']);
    expect(events![2]!.taskScheduledEventDetails!.timeoutInSeconds).toBe(1);
    expect(events![4]!.taskTimedOutEventDetails).toMatchObject({ resourceType: 'mediaconvert', resource: 'createJob.sync', error: 'States.Timeout' });
    expect(signal?.aborted).toBe(true);
  });
});

describe('local Step Functions endpoint across restarts', () => {
  it('keeps every execution and its history', async () => {
    const directory = await dataDirectory();
    const first = await start(testTasks(), { dataDirectory: directory });
    const arn = await first.run('clip-kept', clipInput('frontdoor/k.mp4'));
    const failedArn = await first.run('clip-kept-failed', clipInput('frontdoor/l.mp4', { check: 'gone' }));
    await first.sfn.waitForIdle();
    const before = { execution: await first.describe(arn), failed: await first.describe(failedArn), history: await first.history(arn) };
    await first.sfn.stop();
    expect((await readdir(join(directory, 'executions', TEST_MACHINE_NAME))).sort()).toEqual(['clip-kept-failed.json', 'clip-kept.json']);

    const second = await start(testTasks(), { dataDirectory: directory });
    expect(await second.describe(arn)).toMatchObject({ status: 'SUCCEEDED', output: before.execution.output, startDate: before.execution.startDate });
    expect(await second.describe(failedArn)).toMatchObject({ status: 'FAILED', error: 'ClipFailed' });
    expect(await second.history(arn)).toEqual(before.history);
  });

  it('fails an execution cut off by a stop with RuntimeStopped, and a redrive finishes it', async () => {
    const directory = await dataDirectory();
    const tasks = testTasks();
    const first = await start(tasks, { dataDirectory: directory });
    const arn = await first.run('clip-cut', clipInput('frontdoor/m.mp4', { render: 'hold' }));
    await until(() => tasks.isHeld('clip-cut'), 'the render to start');
    await first.sfn.stop();
    expect(tasks.aborted).toEqual(['clip-cut']);

    const afterTasks = testTasks();
    const second = await start(afterTasks, { dataDirectory: directory });
    const interrupted = await second.describe(arn);
    expect(interrupted).toMatchObject({ status: 'FAILED', error: 'RuntimeStopped', redriveStatus: 'REDRIVABLE' });
    expect(interrupted.cause).toContain('The local runtime stopped while this execution was running in state "Alert and render"');
    expect(interrupted.cause).toContain('RedriveExecution');
    await second.client.send(new RedriveExecutionCommand({ executionArn: arn }));
    // The held render is released by the test's runner only when asked; this runner does not hold twice.
    await until(() => afterTasks.isHeld('clip-cut'), 'the redriven render to start');
    afterTasks.release('clip-cut');
    await second.sfn.waitForIdle();
    const execution = await second.describe(arn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    const events = await second.history(arn);
    expect(subsequence(events, ['TaskScheduled', 'ExecutionFailed', 'ExecutionRedriven', 'ParallelStateEntered', 'ParallelStateSucceeded', 'SucceedStateEntered', 'ExecutionSucceeded'])).toBe(true);
    expect(afterTasks.calls.map((call) => call.stateName).sort()).toEqual(['Alert', 'Render']);
  });

  it('resumes an execution cut off by a stop when asked to', async () => {
    const directory = await dataDirectory();
    const tasks = testTasks();
    const first = await start(tasks, { dataDirectory: directory });
    const arn = await first.run('clip-resumed', clipInput('frontdoor/n.mp4', { render: 'hold' }));
    await until(() => tasks.isHeld('clip-resumed'), 'the render to start');
    await first.sfn.stop();

    const afterTasks = testTasks();
    const second = await start(afterTasks, { dataDirectory: directory, onInterrupted: 'resume' });
    await until(() => afterTasks.isHeld('clip-resumed'), 'the resumed render to start');
    expect((await second.describe(arn)).status).toBe('RUNNING');
    afterTasks.release('clip-resumed');
    await second.sfn.waitForIdle();
    const execution = await second.describe(arn);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    const events = await second.history(arn);
    const failed = events.find((event) => event.type === 'ExecutionFailed')!;
    expect(failed.executionFailedEventDetails!.error).toBe('RuntimeStopped');
    expect(events[events.indexOf(failed) + 1]!.type).toBe('ExecutionRedriven');
    expect(events[events.indexOf(failed) + 2]!.stateEnteredEventDetails!.name).toBe('Alert and render');
    expect(afterTasks.calls.map((call) => call.stateName)).not.toContain('Check clip');
  });
});

/** Whether `event` follows `fromId` through previousEventId links (the same lane of a branch). */
function isInLane(events: HistoryEvent[], event: HistoryEvent, fromId: number): boolean {
  const byId = new Map(events.map((e) => [e.id!, e]));
  let current: HistoryEvent | undefined = event;
  while (current && current.id! > fromId) current = byId.get(current.previousEventId!);
  return current?.id === fromId;
}
