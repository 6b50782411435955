/**
 * One execution as the endpoint keeps it (what DescribeExecution returns plus its full
 * history), and the recorder that writes AWS-shaped history events while the engine runs.
 *
 * The recorder gets two streams, both synchronously at the moment things happen:
 * - the engine's own events (StateEntered/Exited/Failed/Retried/Caught, Execution*,
 *   MapIteration*), from every event logger of the run (branches and iterations included;
 *   see engine-run.ts), and
 * - the task runner wrapper: when a Task's code is called, succeeds, fails, or times out.
 * It turns them into AWS's events: `TaskStateEntered`, `TaskScheduled`, `TaskStarted`,
 * `TaskSucceeded`/`TaskFailed`/`TaskTimedOut` (or `LambdaFunction*` for a Lambda ARN),
 * `TaskStateExited`, `ParallelStateStarted/Succeeded/Failed`, `*StateAborted`, ….
 */
import type { AslDefinition, StateInfo } from './engine-definition.ts';
import { REDRIVE_ENTRY_STATE } from './engine-definition.ts';
import { LOCAL_REGION } from '../local-credentials.ts';
import { describeTaskResource, type TaskErrorInfo, type TaskResource } from './task-resource.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A history event in AWS's JSON shape, except `timestamp`, kept in epoch milliseconds. */
export interface StoredHistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  roleArn: string;
  redriveCount: number;
  redriveDate?: number;
  redriveClientToken?: string;
  events: StoredHistoryEvent[];
}

/** The error name of an execution cut off by a stop of the local runtime. */
export const RUNTIME_STOPPED = 'RuntimeStopped';

const NOT_TRUNCATED = { truncated: false } as const;

function json(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

/** Appends an event to the record and returns its id. */
export function appendEvent(record: ExecutionRecord, type: string, details: Record<string, unknown> = {}, previousEventId?: number): number {
  const id = record.events.length + 1;
  record.events.push({ id, previousEventId: previousEventId ?? id - 1, timestamp: Date.now(), type, ...details });
  return id;
}

export function recordExecutionStarted(record: ExecutionRecord): void {
  appendEvent(
    record,
    'ExecutionStarted',
    {
      executionStartedEventDetails: { input: record.input, inputDetails: NOT_TRUNCATED, roleArn: record.roleArn },
    },
    0,
  );
}

export function recordExecutionRedriven(record: ExecutionRecord): void {
  appendEvent(record, 'ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: record.redriveCount } });
}

/** Fails an execution that was RUNNING when the runtime stopped (found so at the next start). */
export function recordInterrupted(record: ExecutionRecord, cause: string): void {
  const stopDate = Date.now();
  appendEvent(record, 'ExecutionFailed', { executionFailedEventDetails: { error: RUNTIME_STOPPED, cause } });
  Object.assign(record, { status: 'FAILED', stopDate, error: RUNTIME_STOPPED, cause });
  delete record.output;
}

/**
 * Where a redrive starts: the top-level state that did not finish (for a failure inside a
 * Parallel or Map, that Parallel or Map) and the input it had. No state entered yet → the
 * definition's StartAt with the execution input.
 */
export function redrivePoint(record: ExecutionRecord, index: Map<string, StateInfo>, definition: AslDefinition): { stateName: string; input: unknown } | { problem: string } {
  for (let i = record.events.length - 1; i >= 0; i--) {
    const event = record.events[i]!;
    const exited = event.stateExitedEventDetails as { name: string } | undefined;
    const entered = event.stateEnteredEventDetails as { name: string; input?: string } | undefined;
    const name = exited?.name ?? entered?.name;
    if (name === undefined) continue;
    const info = index.get(name);
    if (!info) return { problem: `state "${name}" is not in the current definition of the state machine` };
    if (info.parent) continue;
    if (exited) return { problem: `its last top-level state "${name}" finished; there is no unfinished state to run again` };
    return { stateName: name, input: entered!.input === undefined ? null : JSON.parse(entered!.input) };
  }
  return { stateName: definition.StartAt, input: JSON.parse(record.input) };
}

/** The engine's event objects (aws-local-stepfunctions `EventLog`), as far as we read them. */
export interface EngineEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string; type: string; input?: unknown };
  index?: number;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
}

interface TaskAttempt {
  resource: TaskResource;
  settled: boolean;
  controller: AbortController;
}

interface OpenState {
  name: string;
  type: string;
  lastEventId: number;
  failed: boolean;
  attempt?: TaskAttempt;
}

/** Aborted-state event type per state type (AWS has them for these only). */
const ABORTED_EVENT: Record<string, string> = { Task: 'TaskStateAborted', Parallel: 'ParallelStateAborted', Map: 'MapStateAborted', Wait: 'WaitStateAborted' };

/** Minimal `$.a.b` resolver, for the length AWS shows on MapStateStarted. */
function simplePath(input: unknown, path: string | undefined): unknown {
  if (path === undefined || path === '$') return input;
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) return undefined;
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), input);
}

export interface TaskCall {
  /** Aborted when the execution is stopped, the state times out, or a sibling branch fails. */
  signal: AbortSignal;
  succeeded(output: unknown): void;
  failed(error: TaskErrorInfo): void;
}

/** Records one run (the first one or a redrive) of an execution. */
export class ExecutionRecorder {
  private readonly open = new Map<string, OpenState>();
  private readonly laneLast = new Map<string, number>();
  private detached = false;

  constructor(
    private readonly record: ExecutionRecord,
    private readonly index: Map<string, StateInfo>,
    private readonly onChange: () => void,
  ) {
    this.laneLast.set('', record.events.length);
  }

  get isDetached(): boolean {
    return this.detached;
  }

  private lane(stateName: string): string {
    const info = this.index.get(stateName);
    return info?.parent ? `${info.parent}/${info.branch ?? 0}` : '';
  }

  private emit(type: string, details: Record<string, unknown>, previousEventId: number, stateName?: string): number {
    const id = appendEvent(this.record, type, details, previousEventId);
    if (stateName !== undefined) {
      const open = this.open.get(stateName);
      if (open) open.lastEventId = id;
      this.laneLast.set(this.lane(stateName), id);
    } else {
      this.laneLast.set('', id);
    }
    this.onChange();
    return id;
  }

  private emitForState(open: OpenState, type: string, details: Record<string, unknown> = {}): number {
    return this.emit(type, details, open.lastEventId, open.name);
  }

  private previousForEntry(stateName: string): number {
    const lane = this.lane(stateName);
    const last = this.laneLast.get(lane);
    if (last !== undefined) return last;
    const parent = this.index.get(stateName)?.parent;
    return (parent && this.open.get(parent)?.lastEventId) || this.record.events.length;
  }

  private isInside(stateName: string, ancestor: string): boolean {
    let parent = this.index.get(stateName)?.parent;
    while (parent) {
      if (parent === ancestor) return true;
      parent = this.index.get(parent)?.parent;
    }
    return false;
  }

  /** Closes open states (all, or those inside `ancestor`) as AWS does when their run is cut short. */
  private abortOpenStates(ancestor?: string): void {
    const victims = [...this.open.values()].filter((open) => ancestor === undefined || this.isInside(open.name, ancestor));
    // Innermost first, so a Parallel is aborted after the states in its branches.
    victims.sort((a, b) => this.depth(b.name) - this.depth(a.name));
    for (const open of victims) {
      open.attempt?.controller.abort();
      // A state that failed already (the one that made its Parallel or the execution fail)
      // shows its failure, not an abort.
      const type = ABORTED_EVENT[open.type];
      if (type && !open.failed) this.emitForState(open, type);
      this.open.delete(open.name);
    }
  }

  private depth(stateName: string): number {
    let depth = 0;
    let parent = this.index.get(stateName)?.parent;
    while (parent) {
      depth++;
      parent = this.index.get(parent)?.parent;
    }
    return depth;
  }

  /** An event of the engine, from the run's root logger (`fromRoot`) or a branch/iteration's. */
  onEngineEvent(event: EngineEvent, fromRoot: boolean): void {
    if (this.detached) return;
    switch (event.type) {
      case 'StateEntered':
        return this.stateEntered(event);
      case 'StateExited':
        return this.stateExited(event);
      case 'StateFailed':
        return this.stateFailed(event);
      case 'StateRetried': {
        const open = event.state && this.open.get(event.state.name);
        if (open) open.failed = false;
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const map = event.parentState && this.open.get(event.parentState.name);
        if (!map) return;
        const key = `${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.emitForState(map, event.type, { [key]: { name: map.name, index: event.index } });
        return;
      }
      case 'ExecutionSucceeded':
        if (fromRoot) this.executionSucceeded(event.output);
        return;
      case 'ExecutionFailed':
        if (fromRoot) this.executionFailed(event);
        return;
      case 'ExecutionTimeout':
        if (fromRoot) this.executionTimedOut();
        return;
      default:
        return;
    }
  }

  private stateEntered(event: EngineEvent): void {
    const state = event.state!;
    if (state.name === REDRIVE_ENTRY_STATE) return;
    const previous = this.previousForEntry(state.name);
    const open: OpenState = { name: state.name, type: state.type, lastEventId: previous, failed: false };
    this.open.set(state.name, open);
    this.emitForState(open, `${state.type}StateEntered`, {
      stateEnteredEventDetails: { name: state.name, input: json(state.input), inputDetails: NOT_TRUNCATED },
    });
    if (state.type === 'Parallel') this.emitForState(open, 'ParallelStateStarted');
    if (state.type === 'Map') {
      const definition = this.index.get(state.name)?.state;
      const items = simplePath(state.input, definition?.ItemsPath as string | undefined);
      this.emitForState(open, 'MapStateStarted', { mapStateStartedEventDetails: Array.isArray(items) ? { length: items.length } : {} });
    }
  }

  private stateExited(event: EngineEvent): void {
    const state = event.state!;
    const open = this.open.get(state.name);
    if (!open) return;
    if (!open.failed && open.type === 'Parallel') this.emitForState(open, 'ParallelStateSucceeded');
    if (!open.failed && open.type === 'Map') this.emitForState(open, 'MapStateSucceeded');
    this.emitForState(open, `${state.type}StateExited`, {
      stateExitedEventDetails: { name: state.name, output: json(state.output), outputDetails: NOT_TRUNCATED },
    });
    this.open.delete(state.name);
  }

  private stateFailed(event: EngineEvent): void {
    const state = event.state!;
    const open = this.open.get(state.name);
    if (!open) return;
    open.failed = true;
    const attempt = open.attempt;
    if (attempt && !attempt.settled) {
      // The engine gave up on the task before its code finished: only a timeout does that.
      attempt.settled = true;
      attempt.controller.abort();
      const error = event.Error ?? 'States.Timeout';
      const cause = typeof event.Cause === 'string' && event.Cause !== error ? event.Cause : undefined;
      this.emitTaskOutcome(open, attempt.resource, 'TimedOut', { error, ...(cause ? { cause } : {}) });
    }
    open.attempt = undefined;
    if (open.type === 'Parallel' || open.type === 'Map') {
      this.abortOpenStates(open.name);
      this.emitForState(open, `${open.type}StateFailed`);
    }
  }

  private closeRun(): void {
    this.detached = true;
    for (const open of this.open.values()) open.attempt?.controller.abort();
    this.open.clear();
  }

  private executionSucceeded(output: unknown): void {
    const text = json(output);
    this.emit('ExecutionSucceeded', { executionSucceededEventDetails: { output: text, outputDetails: NOT_TRUNCATED } }, this.laneLast.get('') ?? this.record.events.length);
    Object.assign(this.record, { status: 'SUCCEEDED', output: text, stopDate: Date.now() });
    delete this.record.error;
    delete this.record.cause;
    this.closeRun();
  }

  private executionFailed(event: EngineEvent): void {
    let error: string | undefined = event.Error;
    let cause: string | undefined = typeof event.Cause === 'string' ? event.Cause : event.Cause === undefined ? undefined : JSON.stringify(event.Cause);
    // A Fail state without Error/Cause: AWS reports none (the engine makes some up).
    const failState = [...this.open.values()].find((open) => open.type === 'Fail');
    if (failState) {
      const definition: Record<string, unknown> = this.index.get(failState.name)?.state ?? {};
      if (definition.Error === undefined && definition.ErrorPath === undefined) error = undefined;
      if (definition.Cause === undefined && definition.CausePath === undefined) cause = undefined;
    }
    this.endUnsuccessfully('FAILED', 'Failed', error, cause);
  }

  private executionTimedOut(): void {
    this.endUnsuccessfully('TIMED_OUT', 'TimedOut', 'States.Timeout', "The execution ran longer than the state machine's TimeoutSeconds.");
  }

  /** StopExecution: aborts the open states and ends the execution as ABORTED. */
  aborted(error?: string, cause?: string): void {
    if (this.detached) return;
    this.endUnsuccessfully('ABORTED', 'Aborted', error, cause);
  }

  /** Aborts the open states, records `Execution<outcome>` and ends the execution with `status`. */
  private endUnsuccessfully(status: 'FAILED' | 'TIMED_OUT' | 'ABORTED', outcome: 'Failed' | 'TimedOut' | 'Aborted', error: string | undefined, cause: string | undefined): void {
    this.abortOpenStates();
    const details: Record<string, string> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    this.emit(`Execution${outcome}`, { [`execution${outcome}EventDetails`]: details }, this.record.events.length);
    Object.assign(this.record, { status, stopDate: Date.now(), ...details });
    if (error === undefined) delete this.record.error;
    if (cause === undefined) delete this.record.cause;
    delete this.record.output;
    this.closeRun();
  }

  /** Ends the execution as FAILED with this error (when the engine ended without saying how). */
  failed(error: string, cause: string): void {
    if (this.detached) return;
    this.executionFailed({ type: 'ExecutionFailed', timestamp: Date.now(), Error: error, Cause: cause });
  }

  /** The runtime is stopping: record nothing more (the execution stays RUNNING on disk). */
  detach(): void {
    this.closeRun();
  }

  /** A Task's code is being called (first attempt or a retry) with `input`. */
  taskCalled(stateName: string, input: unknown, definition: Record<string, unknown>): TaskCall {
    const controller = new AbortController();
    const open = this.open.get(stateName);
    if (this.detached || !open) {
      controller.abort();
      return { signal: controller.signal, succeeded: () => {}, failed: () => {} };
    }
    const resource = describeTaskResource(String(definition.Resource));
    const attempt: TaskAttempt = { resource, settled: false, controller };
    open.attempt = attempt;
    const timeout = typeof definition.TimeoutSeconds === 'number' ? { timeoutInSeconds: definition.TimeoutSeconds } : {};
    const heartbeat = typeof definition.HeartbeatSeconds === 'number' ? { heartbeatInSeconds: definition.HeartbeatSeconds } : {};
    if (resource.kind === 'lambda-function') {
      this.emitForState(open, 'LambdaFunctionScheduled', {
        lambdaFunctionScheduledEventDetails: { resource: resource.arn, input: json(input), inputDetails: NOT_TRUNCATED, ...timeout },
      });
      this.emitForState(open, 'LambdaFunctionStarted');
    } else {
      const names = { resourceType: resource.resourceType, resource: resource.resource };
      this.emitForState(open, 'TaskScheduled', { taskScheduledEventDetails: { ...names, region: LOCAL_REGION, parameters: json(input), ...timeout, ...heartbeat } });
      this.emitForState(open, 'TaskStarted', { taskStartedEventDetails: names });
    }
    const settle = (outcome: 'Succeeded' | 'Failed', details: Record<string, unknown>) => {
      if (attempt.settled || this.detached || this.open.get(stateName) !== open) return;
      attempt.settled = true;
      this.emitTaskOutcome(open, resource, outcome, details);
    };
    return {
      signal: controller.signal,
      succeeded: (output) => settle('Succeeded', { output: json(output), outputDetails: NOT_TRUNCATED }),
      failed: ({ error, cause }) => settle('Failed', { error, cause }),
    };
  }

  /**
   * A task's outcome event: `LambdaFunction<outcome>` for a Lambda function ARN, else
   * `Task<outcome>` whose details also name the resource.
   */
  private emitTaskOutcome(open: OpenState, resource: TaskResource, outcome: 'Succeeded' | 'Failed' | 'TimedOut', details: Record<string, unknown>): void {
    if (resource.kind === 'lambda-function') {
      this.emitForState(open, `LambdaFunction${outcome}`, { [`lambdaFunction${outcome}EventDetails`]: details });
    } else {
      this.emitForState(open, `Task${outcome}`, { [`task${outcome}EventDetails`]: { resourceType: resource.resourceType, resource: resource.resource, ...details } });
    }
  }
}
