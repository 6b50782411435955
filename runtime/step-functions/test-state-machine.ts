/**
 * Test input for the endpoint's tests: a small clip-like state machine (Task with Retry and
 * Catch, Choice, Parallel with two branches, Fail, Succeed) and the task code it runs,
 * steered by the execution input. Not used by the runtime.
 */
import type { TaskRunner } from './step-functions-service.ts';

export const CHECK_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:check-clip';
export const RECORD_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:record-failure';
export const RENDER_ARN = 'arn:aws:states:::mediaconvert:createJob.sync';
export const ALERT_ARN = 'arn:aws:states:::sns:publish';

export const TEST_MACHINE_NAME = 'test-clip-workflow';

export const testDefinition = {
  Comment: 'A clip-like workflow for the endpoint tests',
  StartAt: 'Check clip',
  States: {
    'Check clip': {
      Type: 'Task',
      Resource: CHECK_ARN,
      ResultPath: '$.check',
      Retry: [{ ErrorEquals: ['StorageUnavailable'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Record failure' }],
      Next: 'Is it a clip?',
    },
    'Is it a clip?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.check.kind', StringEquals: 'video', Next: 'Alert and render' }],
      Default: 'Not a clip',
    },
    'Alert and render': {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Render',
          States: {
            Render: {
              Type: 'Task',
              Resource: RENDER_ARN,
              Parameters: { 'clip.$': '$.clip', 'plan.$': '$.plan', 'executionName.$': '$$.Execution.Name', 'executionId.$': '$$.Execution.Id' },
              End: true,
            },
          },
        },
        {
          StartAt: 'Alert',
          States: {
            Alert: { Type: 'Task', Resource: ALERT_ARN, Parameters: { 'Message.$': '$.clip' }, End: true },
          },
        },
      ],
      ResultSelector: { 'render.$': '$[0]', 'alert.$': '$[1]' },
      ResultPath: '$.outcome',
      Catch: [{ ErrorEquals: ['RenderRejected'], ResultPath: '$.error', Next: 'Record failure' }],
      Next: 'Clip ready',
    },
    'Clip ready': { Type: 'Succeed' },
    'Not a clip': { Type: 'Pass', Result: 'not a clip', ResultPath: '$.verdict', End: true },
    'Record failure': { Type: 'Task', Resource: RECORD_ARN, ResultPath: null, Next: 'Clip failed' },
    'Clip failed': { Type: 'Fail', Error: 'ClipFailed', Cause: 'The clip could not be processed; see "Record failure".' },
  },
} as const;

/**
 * How the tasks behave, from the execution input's `plan`:
 * - `check`: 'video' (default) | 'still' | 'storage-once' (StorageUnavailable on the first
 *   attempt) | 'storage-always' | 'gone' (ClipNotFound)
 * - `render`: 'ok' (default) | 'reject' (RenderRejected, caught) | 'unavailable-once'
 *   (RenderUnavailable, uncaught, on the first call for this execution) | 'hold' (waits until
 *   `release(executionName)` or the task's signal aborts)
 */
export interface TestPlan {
  check?: 'video' | 'still' | 'storage-once' | 'storage-always' | 'gone';
  render?: 'ok' | 'reject' | 'unavailable-once' | 'hold';
}

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function testTasks() {
  const calls: Array<{ stateName: string; executionName: string; input: unknown }> = [];
  const attempts = new Map<string, number>();
  const held = new Map<string, () => void>();
  const aborted: string[] = [];
  const recorded: unknown[] = [];

  const count = (key: string) => {
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return n;
  };

  const runners: Record<string, TaskRunner> = {
    [CHECK_ARN]: async (input, info) => {
      const plan = (input as { plan?: TestPlan }).plan ?? {};
      const attempt = count(`check:${info.executionName}`);
      if (plan.check === 'storage-always' || (plan.check === 'storage-once' && attempt === 1)) {
        throw new NamedError('StorageUnavailable', 'S3 answered 503 SlowDown; try again');
      }
      if (plan.check === 'gone') throw new NamedError('ClipNotFound', 'The upload is gone');
      return { kind: plan.check === 'still' ? 'still' : 'video', attempt };
    },
    [RENDER_ARN]: async (input, info) => {
      const plan = (input as { plan?: TestPlan }).plan ?? {};
      const attempt = count(`render:${info.executionName}`);
      if (plan.render === 'reject') throw new NamedError('RenderRejected', 'The job settings name an unsupported codec');
      if (plan.render === 'unavailable-once' && attempt === 1) throw new NamedError('RenderUnavailable', 'ffmpeg is not on PATH');
      if (plan.render === 'hold') {
        await new Promise<void>((resolve) => {
          held.set(info.executionName, resolve);
          info.signal.addEventListener('abort', () => {
            aborted.push(info.executionName);
            resolve();
          });
        });
      }
      return { Job: { Id: `job-${info.executionName}-${attempt}`, Status: 'COMPLETE' } };
    },
    [ALERT_ARN]: async (input) => ({ MessageId: `message-${JSON.stringify(input).length}` }),
    [RECORD_ARN]: async (input) => {
      recorded.push(input);
      return { recorded: true };
    },
  };

  return {
    resolveTask: (resource: string, stateName: string): TaskRunner => {
      const runner = runners[resource];
      if (!runner) throw new Error(`No test runner for ${resource}`);
      return async (input, info) => {
        calls.push({ stateName, executionName: info.executionName, input });
        return runner(input, info);
      };
    },
    calls,
    recorded,
    aborted,
    /** Whether a held render of this execution is waiting. */
    isHeld: (executionName: string) => held.has(executionName),
    release(executionName: string) {
      held.get(executionName)?.();
      held.delete(executionName);
    },
  };
}

export function clipInput(clip: string, plan: TestPlan = {}): string {
  return JSON.stringify({ clip, plan });
}
