import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWireJson } from './json-protocol.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from './local-step-functions.ts';
import { TEST_MACHINE_NAME, testDefinition, testTasks } from './test-state-machine.ts';

let sfn: LocalStepFunctions;

beforeAll(async () => {
  sfn = await startLocalStepFunctions({ port: 0, stateMachines: [{ name: TEST_MACHINE_NAME, definition: testDefinition }], resolveTask: testTasks().resolveTask });
});
afterAll(async () => {
  await sfn?.stop();
});

function call(target: string | undefined, body: string, method = 'POST') {
  return fetch(sfn.endpoint, {
    method,
    headers: { 'content-type': 'application/x-amz-json-1.0', ...(target ? { 'x-amz-target': target } : {}) },
    body: method === 'GET' ? undefined : body,
  });
}

describe('the Step Functions JSON protocol', () => {
  it('sends dates as epoch seconds with fractions', () => {
    expect(toWireJson({ startDate: new Date(1_700_000_000_123), nested: [{ at: new Date(5) }], name: 'x' })).toBe('{"startDate":1700000000.123,"nested":[{"at":0.005}],"name":"x"}');
  });

  it('answers an operation with JSON 1.0', async () => {
    const response = await call('AWSStepFunctions.ListStateMachines', '{}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const body = (await response.json()) as { stateMachines: Array<{ creationDate: unknown }> };
    expect(typeof body.stateMachines[0]!.creationDate).toBe('number');
  });

  it('answers errors as AWS does: 400 and a namespaced __type', async () => {
    const missing = await call('AWSStepFunctions.DescribeExecution', JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y' }));
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ExecutionDoesNotExist');
    expect(await missing.json()).toEqual({
      __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist',
      message: "Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:x:y'",
    });
    const badArn = await call('AWSStepFunctions.DescribeExecution', JSON.stringify({ executionArn: 'clip-1' }));
    expect(((await badArn.json()) as { __type: string }).__type).toMatch(/#InvalidArn$/);
    const unknown = await call('AWSStepFunctions.CreateStateMachine', '{}');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string; message: string }).message).toContain('not supported by the local endpoint');
    const notJson = await call('AWSStepFunctions.ListStateMachines', '{oops');
    expect(((await notJson.json()) as { __type: string }).__type).toMatch(/#SerializationException$/);
    expect((await call(undefined, '', 'GET')).status).toBe(400);
  });
});
