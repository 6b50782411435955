import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { timelineFromHistory } from './state-timeline.ts';

const T0 = Date.parse('2025-06-01T10:00:00Z');

/** Builds a history like GetExecutionHistory returns: ids from 1, previousEventId links, Date timestamps. */
function history(events: Array<[type: string, atMs: number, previous: number | null, details?: Record<string, unknown>]>): HistoryEvent[] {
  return events.map(([type, at, previous, details], i) => ({
    id: i + 1,
    previousEventId: previous ?? i,
    timestamp: new Date(T0 + at),
    type: type as HistoryEvent['type'],
    ...details,
  }));
}

const entered = (name: string) => ({ stateEnteredEventDetails: { name, input: '{}' } });
const exited = (name: string) => ({ stateExitedEventDetails: { name, output: '{}' } });
const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:validate';

describe('timelineFromHistory', () => {
  it('reads a Lambda task retried once, then a Choice, from an AWS-shaped history', () => {
    const events = history([
      ['ExecutionStarted', 0, 0, { executionStartedEventDetails: { input: '{}', roleArn: 'arn:aws:iam::123456789012:role/r' } }],
      ['TaskStateEntered', 10, 1, entered('Validate clip')],
      ['LambdaFunctionScheduled', 11, 2, { lambdaFunctionScheduledEventDetails: { resource: lambda, input: '{}' } }],
      ['LambdaFunctionStarted', 20, 3],
      ['LambdaFunctionFailed', 400, 4, { lambdaFunctionFailedEventDetails: { error: 'StorageUnavailable', cause: '{"errorType":"StorageUnavailable","errorMessage":"throttled","trace":[]}' } }],
      ['LambdaFunctionScheduled', 1400, 5, { lambdaFunctionScheduledEventDetails: { resource: lambda, input: '{}' } }],
      ['LambdaFunctionStarted', 1410, 6],
      ['LambdaFunctionSucceeded', 1900, 7, { lambdaFunctionSucceededEventDetails: { output: '{}' } }],
      ['TaskStateExited', 1910, 8, exited('Validate clip')],
      ['ChoiceStateEntered', 1911, 9, entered('What was uploaded?')],
      ['ChoiceStateExited', 1912, 10, exited('What was uploaded?')],
    ]);
    const steps = timelineFromHistory(events);
    expect(steps).toEqual([
      {
        name: 'Validate clip',
        type: 'Task',
        status: 'SUCCEEDED',
        entered: new Date(T0 + 10),
        left: new Date(T0 + 1910),
        durationMs: 1900,
        retries: 1,
        redriveCount: 0,
      },
      {
        name: 'What was uploaded?',
        type: 'Choice',
        status: 'SUCCEEDED',
        entered: new Date(T0 + 1911),
        left: new Date(T0 + 1912),
        durationMs: 1,
        retries: 0,
        redriveCount: 0,
      },
    ]);
  });

  it('reads a Parallel whose branch failed and was caught, the other branch aborted', () => {
    const events = history([
      ['ExecutionStarted', 0, 0],
      ['ParallelStateEntered', 5, 1, entered('Alert and render')],
      ['ParallelStateStarted', 6, 2],
      ['TaskStateEntered', 7, 3, entered('Decide alert')],
      ['TaskStateEntered', 7, 3, entered('Render web playback')],
      ['LambdaFunctionScheduled', 8, 4, { lambdaFunctionScheduledEventDetails: { resource: lambda } }],
      ['TaskScheduled', 8, 5, { taskScheduledEventDetails: { resourceType: 'mediaconvert', resource: 'createJob.sync', region: 'us-east-1', parameters: '{}' } }],
      ['LambdaFunctionStarted', 9, 6],
      ['TaskStarted', 9, 7, { taskStartedEventDetails: { resourceType: 'mediaconvert', resource: 'createJob.sync' } }],
      ['TaskFailed', 900, 9, { taskFailedEventDetails: { resourceType: 'mediaconvert', resource: 'createJob.sync', error: 'MediaConvert.BadRequestException', cause: 'unsupported codec' } }],
      ['TaskStateAborted', 901, 8],
      ['ParallelStateFailed', 902, 10],
      ['ParallelStateExited', 903, 12, exited('Alert and render')],
      ['TaskStateEntered', 904, 13, entered('Record failure')],
    ]);
    const steps = timelineFromHistory(events);
    expect(steps.map((step) => [step.name, step.status, step.parent, step.error])).toEqual([
      ['Alert and render', 'CAUGHT', undefined, 'MediaConvert.BadRequestException'],
      ['Decide alert', 'ABORTED', 'Alert and render', undefined],
      ['Render web playback', 'FAILED', 'Alert and render', 'MediaConvert.BadRequestException'],
      ['Record failure', 'RUNNING', undefined, undefined],
    ]);
    expect(steps[2]!.cause).toBe('unsupported codec');
    expect(steps[3]!.left).toBeUndefined();
    expect(steps[3]!.durationMs).toBeUndefined();
  });

  it('gives an uncaught task failure and the execution failure to the states that were open', () => {
    const events = history([
      ['ExecutionStarted', 0, 0],
      ['TaskStateEntered', 1, 1, entered('Catalog clip')],
      ['TaskScheduled', 2, 2, { taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke' } }],
      ['TaskStarted', 3, 3],
      ['TaskFailed', 50, 4, { taskFailedEventDetails: { error: 'ClipOwnedElsewhere', cause: 'another execution owns it' } }],
      ['ExecutionFailed', 51, 5, { executionFailedEventDetails: { error: 'ClipOwnedElsewhere', cause: 'another execution owns it' } }],
    ]);
    expect(timelineFromHistory(events)).toEqual([expect.objectContaining({ name: 'Catalog clip', status: 'FAILED', error: 'ClipOwnedElsewhere', cause: 'another execution owns it', durationMs: 50 })]);
  });

  it('marks states that a stop interrupted, and counts redrives', () => {
    const events = history([
      ['ExecutionStarted', 0, 0],
      ['TaskStateEntered', 1, 1, entered('Render')],
      ['TaskScheduled', 2, 2],
      ['TaskStarted', 3, 3],
      ['ExecutionFailed', 500, 4, { executionFailedEventDetails: { error: 'RuntimeStopped', cause: 'The local runtime stopped' } }],
      ['ExecutionRedriven', 9000, 5, { executionRedrivenEventDetails: { redriveCount: 1 } }],
      ['TaskStateEntered', 9001, 6, entered('Render')],
      ['TaskScheduled', 9002, 7],
      ['TaskStarted', 9003, 8],
      ['TaskSucceeded', 9500, 9],
      ['TaskStateExited', 9501, 10, exited('Render')],
      ['ExecutionSucceeded', 9502, 11],
    ]);
    const steps = timelineFromHistory(events);
    expect(steps.map((step) => [step.name, step.status, step.redriveCount, step.retries, step.error])).toEqual([
      ['Render', 'FAILED', 0, 0, 'RuntimeStopped'],
      ['Render', 'SUCCEEDED', 1, 0, undefined],
    ]);
  });

  it('reads events given newest first, and an aborted execution', () => {
    const events = history([
      ['ExecutionStarted', 0, 0],
      ['WaitStateEntered', 1, 1, entered('Wait a bit')],
      ['WaitStateAborted', 30, 2],
      ['ExecutionAborted', 31, 3, { executionAbortedEventDetails: {} }],
    ]).reverse();
    expect(timelineFromHistory(events)).toEqual([expect.objectContaining({ name: 'Wait a bit', type: 'Wait', status: 'ABORTED', durationMs: 29 })]);
  });
});
