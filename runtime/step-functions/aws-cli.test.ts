/**
 * The AWS CLI against the local endpoint, unchanged: `aws stepfunctions --endpoint-url …`.
 * Needs the `aws` command (Debian's `awscli`; .ci/run installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson } from '../../integ-tests/aws-cli.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from './local-step-functions.ts';
import { clipInput, TEST_MACHINE_NAME, testDefinition, testTasks } from './test-state-machine.ts';

let sfn: LocalStepFunctions;
let machineArn: string;

const aws = (...args: string[]) => awsCliJson('stepfunctions', sfn.endpoint, ...args);

beforeAll(async () => {
  sfn = await startLocalStepFunctions({ port: 0, stateMachines: [{ name: TEST_MACHINE_NAME, definition: testDefinition }], resolveTask: testTasks().resolveTask });
  machineArn = sfn.stateMachineArn(TEST_MACHINE_NAME);
});
afterAll(async () => {
  await sfn?.stop();
});

describe('the AWS CLI against the local endpoint', () => {
  it('starts, lists, describes and reads the history of executions', async () => {
    const started = await aws('start-execution', '--state-machine-arn', machineArn, '--name', 'cli-clip-1', '--input', clipInput('frontdoor/cli.mp4'));
    expect(started.executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:${TEST_MACHINE_NAME}:cli-clip-1`);
    await aws('start-execution', '--state-machine-arn', machineArn, '--name', 'cli-clip-2', '--input', clipInput('frontdoor/gone.mp4', { check: 'gone' }));
    await sfn.waitForIdle();

    const listed = await aws('list-executions', '--state-machine-arn', machineArn);
    expect(listed.executions.map((execution: { name: string; status: string }) => [execution.name, execution.status])).toEqual([
      ['cli-clip-2', 'FAILED'],
      ['cli-clip-1', 'SUCCEEDED'],
    ]);
    const failed = await aws('list-executions', '--state-machine-arn', machineArn, '--status-filter', 'FAILED');
    expect(failed.executions.map((execution: { name: string }) => execution.name)).toEqual(['cli-clip-2']);

    const described = await aws('describe-execution', '--execution-arn', started.executionArn);
    expect(described.status).toBe('SUCCEEDED');
    // CLI v1 prints the epoch seconds it got; v2 formats them as ISO 8601.
    const startMs = typeof described.startDate === 'number' ? described.startDate * 1000 : Date.parse(described.startDate);
    expect(Math.abs(startMs - Date.now())).toBeLessThan(10 * 60_000);

    // Paged by the CLI itself (2 events a call).
    const history = await aws('get-execution-history', '--execution-arn', started.executionArn, '--page-size', '2');
    expect(history.events[0].type).toBe('ExecutionStarted');
    expect(history.events.at(-1).type).toBe('ExecutionSucceeded');
    expect(history.events.map((event: { id: number }) => event.id)).toEqual(history.events.map((_: unknown, i: number) => i + 1));
    expect(history.events.find((event: { type: string }) => event.type === 'TaskScheduled').taskScheduledEventDetails.resourceType).toBeDefined();

    const machines = await aws('list-state-machines');
    expect(machines.stateMachines.map((machine: { name: string }) => machine.name)).toEqual([TEST_MACHINE_NAME]);
  });

  it('reports AWS error codes', async () => {
    const failure = await aws('describe-execution', '--execution-arn', `${machineArn.replace(':stateMachine:', ':execution:')}:missing`).catch((error: { stderr: string }) => error);
    expect(failure.stderr).toContain('ExecutionDoesNotExist');
  });
});
