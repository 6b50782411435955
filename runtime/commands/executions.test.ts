import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './executions.ts';
import { LOCAL_CREDENTIALS } from '../local-credentials.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '../step-functions/local-step-functions.ts';
import { clipInput, TEST_MACHINE_NAME, testDefinition, testTasks } from '../step-functions/test-state-machine.ts';

let sfn: LocalStepFunctions;

beforeAll(async () => {
  sfn = await startLocalStepFunctions({ port: 0, stateMachines: [{ name: TEST_MACHINE_NAME, definition: testDefinition }], resolveTask: testTasks().resolveTask });
  const client = new SFNClient({ region: 'us-east-1', endpoint: sfn.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
  const stateMachineArn = sfn.stateMachineArn(TEST_MACHINE_NAME);
  await client.send(new StartExecutionCommand({ stateMachineArn, name: 'frontdoor-1', input: clipInput('frontdoor/1.mp4') }));
  await sfn.waitForIdle();
  await client.send(new StartExecutionCommand({ stateMachineArn, name: 'frontdoor-2', input: clipInput('frontdoor/2.mp4', { check: 'gone' }) }));
  await sfn.waitForIdle();
  client.destroy();
});
afterAll(async () => {
  await sfn?.stop();
});

async function executions(...args: string[]) {
  const lines: string[] = [];
  const code = await run(args, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

describe('camflow executions', () => {
  it('lists every execution, newest first, failed ones with their error', async () => {
    const { code, lines } = await executions('--endpoint', sfn.endpoint);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^EXECUTION\s+STATUS\s+STARTED\s+DURATION\s+REDRIVES\s+ERROR$/);
    expect(lines[1]).toMatch(/^frontdoor-2\s+FAILED\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ ms\s+0\s+ClipFailed: The clip could not be processed/);
    expect(lines[2]).toMatch(/^frontdoor-1\s+SUCCEEDED\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+ ms\s+0$/);
    expect(lines[3]).toBe('2 executions. `camflow status <execution>` shows one state by state.');
  });

  it('filters by status', async () => {
    const { code, lines } = await executions('--status', 'failed', '--endpoint', sfn.endpoint);
    expect(code).toBe(0);
    expect(lines.slice(1, -1).map((line) => line.split(/\s+/)[0])).toEqual(['frontdoor-2']);
    expect((await executions('--status', 'RUNNING', '--endpoint', sfn.endpoint)).lines).toEqual([`No RUNNING executions at ${sfn.endpoint}.`]);
  });

  it('refuses a status that does not exist', async () => {
    const { code, lines } = await executions('--status', 'BROKEN', '--endpoint', sfn.endpoint);
    expect(code).toBe(1);
    expect(lines[0]).toContain('--status must be one of RUNNING, SUCCEEDED, FAILED');
  });

  it('says how to start the stack when nothing answers', async () => {
    const { code, lines } = await executions('--endpoint', 'http://127.0.0.1:1');
    expect(code).toBe(1);
    expect(lines[0]).toContain('Nothing answers at http://127.0.0.1:1: start the local stack with `npx camflow up`');
  });
});
