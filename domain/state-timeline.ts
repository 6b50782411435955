/**
 * An execution's history, read as one line per state: when it was entered and left, how
 * long it took, how many times its task was retried, how it ended and why. Pure; works on
 * the events `GetExecutionHistory` returns from AWS or from the local endpoint (used by
 * `camflow status` and the REST API's workflow view).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

export type StepStatus = 'RUNNING' | 'SUCCEEDED' | 'CAUGHT' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export type StateStep = {
  /** The state's name. */
  name: string;
  /** ASL state type: Task, Choice, Parallel, Map, Pass, Wait, Succeed, Fail. */
  type: string;
  /**
   * RUNNING (not left yet), SUCCEEDED, CAUGHT (failed and a Catch moved on), FAILED (the
   * execution failed here), ABORTED (stopped, or a sibling branch failed), TIMED_OUT (the
   * execution's own timeout).
   */
  status: StepStatus;
  entered: Date;
  left?: Date;
  durationMs?: number;
  /** Task attempts after the first (each Retry). */
  retries: number;
  /** The error that ended the state (of its last attempt), or the execution's when it failed here. */
  error?: string;
  cause?: string;
  /** The Parallel or Map state this state ran inside, if any. */
  parent?: string;
  /** How many redrives had happened when this state was entered (0 = the first run). */
  redriveCount: number;
};

type Details = { name?: string; error?: string; cause?: string };

const FAILURE_DETAILS: Record<string, string> = {
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  TaskStartFailed: 'taskStartFailedEventDetails',
  TaskSubmitFailed: 'taskSubmitFailedEventDetails',
  LambdaFunctionFailed: 'lambdaFunctionFailedEventDetails',
  LambdaFunctionTimedOut: 'lambdaFunctionTimedOutEventDetails',
  LambdaFunctionStartFailed: 'lambdaFunctionStartFailedEventDetails',
  LambdaFunctionScheduleFailed: 'lambdaFunctionScheduleFailedEventDetails',
  ActivityFailed: 'activityFailedEventDetails',
  ActivityTimedOut: 'activityTimedOutEventDetails',
  ActivityScheduleFailed: 'activityScheduleFailedEventDetails',
};
const SCHEDULED = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);
const TASK_SUCCEEDED = new Set(['TaskSucceeded', 'LambdaFunctionSucceeded', 'ActivitySucceeded']);
const CONTAINER_STARTED = new Set(['ParallelStateStarted', 'MapStateStarted', 'MapIterationStarted']);

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value < 1e11 ? value * 1000 : value);
  return new Date(String(value));
}

function detailsOf(event: HistoryEvent, key: string): Details | undefined {
  return (event as unknown as Record<string, Details | undefined>)[key];
}

export function timelineFromHistory(events: HistoryEvent[]): StateStep[] {
  const ordered = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const steps: StateStep[] = [];
  const owner = new Map<number, StateStep>();
  const open = new Set<StateStep>();
  const attempts = new Map<StateStep, number>();
  const byId = new Map(ordered.map((event) => [event.id, event]));
  let redriveCount = 0;

  const close = (step: StateStep, at: Date, status: StepStatus) => {
    step.status = status;
    step.left = at;
    step.durationMs = at.getTime() - step.entered.getTime();
    open.delete(step);
  };
  const lastOpen = (predicate: (step: StateStep) => boolean) => [...open].reverse().find(predicate);

  for (const event of ordered) {
    const type = String(event.type ?? '');
    const at = toDate(event.timestamp);
    const id = event.id ?? 0;
    const previous = event.previousEventId ? owner.get(event.previousEventId) : undefined;
    const previousEvent = event.previousEventId ? byId.get(event.previousEventId) : undefined;

    if (type.endsWith('StateEntered')) {
      const name = event.stateEnteredEventDetails?.name ?? '?';
      let parent: string | undefined;
      if (previous && previousEvent && CONTAINER_STARTED.has(String(previousEvent.type))) parent = previous.name;
      else if (previous) parent = previous.parent;
      else parent = lastOpen((step) => step.type === 'Parallel' || step.type === 'Map')?.name;
      const step: StateStep = { name, type: type.slice(0, -'StateEntered'.length), status: 'RUNNING', entered: at, retries: 0, redriveCount };
      if (parent) step.parent = parent;
      steps.push(step);
      open.add(step);
      owner.set(id, step);
      continue;
    }

    if (type === 'ExecutionRedriven') {
      redriveCount = event.executionRedrivenEventDetails?.redriveCount ?? redriveCount + 1;
      continue;
    }
    if (type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut' || type === 'ExecutionSucceeded') {
      const details = type === 'ExecutionFailed' ? event.executionFailedEventDetails : type === 'ExecutionAborted' ? event.executionAbortedEventDetails : event.executionTimedOutEventDetails;
      const status: StepStatus = type === 'ExecutionFailed' ? 'FAILED' : type === 'ExecutionAborted' ? 'ABORTED' : type === 'ExecutionTimedOut' ? 'TIMED_OUT' : 'SUCCEEDED';
      for (const step of [...open]) {
        if (status === 'FAILED' && step.error === undefined) {
          step.error = details?.error;
          step.cause = details?.cause;
        }
        close(step, at, status);
      }
      continue;
    }

    // Events of a state: find it by the previous event, else by name or as the last open task.
    const exitedName = event.stateExitedEventDetails?.name;
    // The kind of state the event is about: Parallel*/Map* events, or a task's events.
    const kind = type.startsWith('Parallel') ? 'Parallel' : type.startsWith('Map') ? 'Map' : /^(Task|LambdaFunction|Activity)/.test(type) ? 'Task' : undefined;
    let step = previous && open.has(previous) ? previous : undefined;
    if (step && kind && step.type !== kind) {
      // E.g. ParallelStateFailed follows the failed task inside it: walk up to the Parallel.
      let ancestor: StateStep | undefined = step;
      while (ancestor && ancestor.type !== kind) {
        const parentName: string | undefined = ancestor.parent;
        ancestor = parentName ? lastOpen((s) => s.name === parentName) : undefined;
      }
      step = ancestor;
    }
    if (exitedName !== undefined && step?.name !== exitedName) step = lastOpen((s) => s.name === exitedName);
    if (!step && kind) step = lastOpen((s) => s.type === kind);
    if (!step) continue;
    owner.set(id, step);

    if (SCHEDULED.has(type)) {
      const earlier = attempts.get(step) ?? 0;
      attempts.set(step, earlier + 1);
      step.retries = earlier;
    } else if (TASK_SUCCEEDED.has(type)) {
      delete step.error;
      delete step.cause;
    } else if (FAILURE_DETAILS[type]) {
      const details = detailsOf(event, FAILURE_DETAILS[type]);
      step.error = details?.error;
      step.cause = details?.cause;
    } else if (type === 'ParallelStateFailed' || type === 'MapStateFailed') {
      // The error is the failed branch's: take the latest failed state inside this one.
      const failedChild = [...steps].reverse().find((s) => s.parent === step.name && s.error !== undefined);
      step.error = failedChild?.error ?? 'States.BranchFailed';
      step.cause = failedChild?.cause;
      // Its branches end with it: the state that failed as FAILED, the others as ABORTED.
      for (const child of [...open]) {
        if (child.parent === step.name) close(child, at, child.error !== undefined ? 'FAILED' : 'ABORTED');
      }
    } else if (type.endsWith('StateExited')) {
      close(step, at, step.error !== undefined ? 'CAUGHT' : 'SUCCEEDED');
    } else if (type.endsWith('StateAborted')) {
      close(step, at, 'ABORTED');
    }
  }
  return steps;
}
