/**
 * `camflow status`, `camflow executions` and the demo's progress print an execution whose
 * error cause carries a terminal escape sequence, a bidi override and a line break (a task
 * error quoting a camera name or an object key): all of it comes out escaped, never raw.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followExecution } from './execution-progress.ts';
import { run as executions } from './commands/executions.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';
import { run as status } from './commands/status.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from './step-functions/local-step-functions.ts';
import { clipInput, RENDER_ARN, TEST_MACHINE_NAME, testDefinition, testTasks } from './step-functions/test-state-machine.ts';
import { isTerminalSafe } from './terminal-text.ts';

const CAUSE = 'camera \u001b[31mFront\u001b[0m \u202edoor\nsecond line \u009b2J';
const ESCAPED = 'camera \\x1b[31mFront\\x1b[0m \\u202edoor';

let sfn: LocalStepFunctions;
let client: SFNClient;

beforeAll(async () => {
  const tasks = testTasks();
  sfn = await startLocalStepFunctions({
    port: 0,
    stateMachines: [{ name: TEST_MACHINE_NAME, definition: testDefinition }],
    resolveTask: (resource, stateName) => {
      if (resource !== RENDER_ARN) return tasks.resolveTask(resource, stateName);
      return async () => {
        const error = new Error(CAUSE);
        error.name = 'RenderUnavailable';
        throw error;
      };
    },
  });
  client = new SFNClient({ region: 'us-east-1', endpoint: sfn.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
  await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn(TEST_MACHINE_NAME), name: 'porch-9', input: clipInput('porch/9.mp4') }));
  await sfn.waitForIdle();
});
afterAll(async () => {
  client?.destroy();
  await sfn?.stop();
});

function expectEscaped(lines: string[]): void {
  for (const line of lines) expect(isTerminalSafe(line), JSON.stringify(line)).toBe(true);
  expect(lines.join('\n')).toContain(ESCAPED);
}

describe('printing user text from an execution', () => {
  it('camflow status escapes the cause', async () => {
    const lines: string[] = [];
    expect(await status(['porch-9', '--endpoint', sfn.endpoint], (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toMatch(/^porch-9 {2}FAILED/);
    expectEscaped(lines);
  });

  it('camflow executions escapes the cause', async () => {
    const lines: string[] = [];
    expect(await executions(['--endpoint', sfn.endpoint], (line) => lines.push(line))).toBe(0);
    expect(lines.find((line) => line.startsWith('porch-9'))).toMatch(/FAILED/);
    expectEscaped(lines);
  });

  it('the demo’s progress escapes the cause', async () => {
    const lines: string[] = [];
    const result = await followExecution({ clients: { sfn: client }, stateMachineArn: sfn.stateMachineArn(TEST_MACHINE_NAME) }, { clipId: 'porch-9', print: (line) => lines.push(line) });
    expect(result).toBe('FAILED');
    expectEscaped(lines);
  });

  it('a clip id given on the command line is printed escaped too', async () => {
    const lines: string[] = [];
    expect(await status(['bad\u001b[2Jid', '--endpoint', sfn.endpoint], (line) => lines.push(line))).toBe(1);
    expect(lines).toEqual(['"bad\\x1b[2Jid" is not a clip id (letters, digits, "-" and "_"; `camflow executions` lists them).']);
  });
});
