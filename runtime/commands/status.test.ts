import { RedriveExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../local-credentials.ts';
import { run } from './status.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '../step-functions/local-step-functions.ts';
import { clipInput, TEST_MACHINE_NAME, testDefinition, testTasks } from '../step-functions/test-state-machine.ts';

let sfn: LocalStepFunctions;

beforeAll(async () => {
  sfn = await startLocalStepFunctions({
    port: 0,
    stateMachines: [{ name: TEST_MACHINE_NAME, definition: testDefinition }],
    resolveTask: testTasks().resolveTask,
    // Tests only: retry at once instead of after IntervalSeconds.
    retryIntervalOverrides: { 'Check clip': 0 },
  });
  const client = new SFNClient({ region: 'us-east-1', endpoint: sfn.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
  const stateMachineArn = sfn.stateMachineArn(TEST_MACHINE_NAME);
  await client.send(new StartExecutionCommand({ stateMachineArn, name: 'porch-1', input: clipInput('porch/1.mp4', { check: 'storage-once' }) }));
  await client.send(new StartExecutionCommand({ stateMachineArn, name: 'porch-2', input: clipInput('porch/2.mp4', { render: 'unavailable-once' }) }));
  await sfn.waitForIdle();
  await client.send(new RedriveExecutionCommand({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:porch-2` }));
  await sfn.waitForIdle();
  client.destroy();
});
afterAll(async () => {
  await sfn?.stop();
});

async function status(...args: string[]) {
  const lines: string[] = [];
  const code = await run(args, (line) => lines.push(line));
  return { code, lines };
}

describe('camflow status', () => {
  it('prints a clip workflow state by state, with durations and retries', async () => {
    const { code, lines } = await status('porch-1', '--endpoint', sfn.endpoint);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^porch-1 {2}SUCCEEDED {2}started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, took \d+ ms$/);
    const rows = lines.slice(1).map((line) =>
      line
        .replace(/\s+\d+ ms/, ' <ms>')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(rows).toEqual([
      'Check clip SUCCEEDED <ms> retries 1',
      'Is it a clip? SUCCEEDED <ms>',
      'Alert and render SUCCEEDED <ms>',
      expect.stringMatching(/^(Render|Alert) SUCCEEDED <ms>$/),
      expect.stringMatching(/^(Render|Alert) SUCCEEDED <ms>$/),
      'Clip ready SUCCEEDED <ms>',
    ]);
    // Branch states are indented under their Parallel.
    expect(lines.find((line) => line.includes('Render'))).toMatch(/^ {4}Render/);
    expect(lines.find((line) => line.includes('Check clip'))).toMatch(/^ {2}Check clip/);
  });

  it('shows a failure and the redrive that followed', async () => {
    const { code, lines } = await status('porch-2', '--endpoint', sfn.endpoint);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^porch-2 {2}SUCCEEDED {2}started .*, redriven 1×$/);
    const compact = lines.slice(1).map((line) =>
      line
        .replace(/\s+\d+ ms/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(compact).toContain('Alert and render FAILED RenderUnavailable: ffmpeg is not on PATH');
    expect(compact).toContain('Render FAILED RenderUnavailable: ffmpeg is not on PATH');
    expect(compact).toContain('-- redrive 1 --');
    expect(compact.slice(compact.indexOf('-- redrive 1 --') + 1)[0]).toBe('Alert and render SUCCEEDED');
  });

  it('says when a clip has no execution, and refuses what cannot be a clip id', async () => {
    expect(await status('nobody', '--endpoint', sfn.endpoint)).toEqual({
      code: 1,
      lines: [`No workflow execution for clip "nobody" at ${sfn.endpoint} (\`camflow executions\` lists them).`],
    });
    expect((await status('../etc', '--endpoint', sfn.endpoint)).code).toBe(1);
    expect((await status()).lines).toEqual(['usage: camflow status <clip-id> [--endpoint URL]']);
  });
});
