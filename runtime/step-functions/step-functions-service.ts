/**
 * The Step Functions API operations the local endpoint serves, on registered state machines
 * and their executions. Protocol-free: takes and returns plain objects (dates as `Date`);
 * json-protocol.ts puts them on the wire.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { executionArn as buildExecutionArn, stateMachineArn as buildStateMachineArn } from './arns.ts';
import { isValidName, parseExecutionArn, parseStateMachineArn } from '../../domain/step-functions-arns.ts';
import { indexStates, prepareForEngine, redriveDefinition, type AslDefinition, type StateInfo } from './engine-definition.ts';
import { runEngine, validateDefinition, type EngineTaskHandler } from './engine-run.ts';
import {
  ExecutionRecorder,
  recordExecutionRedriven,
  recordExecutionStarted,
  recordInterrupted,
  redrivePoint,
  type ExecutionRecord,
  type ExecutionStatus,
  type StoredHistoryEvent,
} from './execution-history.ts';
import type { ExecutionStore } from './execution-store.ts';
import { ServiceError } from './service-error.ts';
import { describeTaskResource, taskErrorFrom, TaskFailure } from './task-resource.ts';
import { LOCAL_ACCOUNT } from '../local-credentials.ts';

/** Runs one Task's work locally. Throw an Error whose `name` is the state's error. */
export type TaskRunner = (
  input: unknown,
  info: {
    stateName: string;
    resource: string;
    executionArn: string;
    executionName: string;
    /** Aborted when the execution is stopped, the task times out, a sibling branch fails, or the endpoint stops. */
    signal: AbortSignal;
  },
) => Promise<unknown>;

export interface StateMachineRegistration {
  name: string;
  /** ASL (JSONPath). */
  definition: object;
  roleArn?: string;
}

interface RegisteredStateMachine {
  name: string;
  arn: string;
  definition: AslDefinition;
  engineDefinition: AslDefinition;
  index: Map<string, StateInfo>;
  roleArn: string;
  creationDate: Date;
  runners: Map<string, TaskRunner>;
}

interface ActiveRun {
  recorder: ExecutionRecorder;
  abort(): void;
  done: Promise<void>;
}

const STATUSES: ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const REDRIVABLE: ExecutionStatus[] = ['FAILED', 'ABORTED', 'TIMED_OUT'];
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
const MAX_REDRIVES = 1000;

function pageSize(maxResults: unknown, fallback = 100): number {
  if (maxResults === undefined || maxResults === null || maxResults === 0) return fallback;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) {
    throw new ServiceError('ValidationException', `maxResults must be an integer from 0 to 1000, not ${JSON.stringify(maxResults)}`);
  }
  return maxResults;
}

function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(token: unknown): T | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  try {
    return JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as T;
  } catch {
    throw new ServiceError('InvalidToken', `Invalid nextToken: ${String(token)}`);
  }
}

function requireString(value: unknown, field: string, code = 'ValidationException'): string {
  if (typeof value !== 'string' || value === '') throw new ServiceError(code, `${field} is required`);
  return value;
}

function date(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function stripExecutionData(event: StoredHistoryEvent): StoredHistoryEvent {
  const copy: StoredHistoryEvent = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') continue;
    const details = { ...(value as Record<string, unknown>) };
    for (const field of ['input', 'inputDetails', 'output', 'outputDetails']) delete details[field];
    copy[key] = details;
  }
  return copy;
}

export interface ServiceOptions {
  stateMachines: StateMachineRegistration[];
  resolveTask: (resource: string, stateName: string) => TaskRunner;
  store: ExecutionStore;
  /** Tests only: see `EngineRunOptions.retryIntervalOverrides`. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Used in the cause of executions the runtime stopped mid-run. */
  endpoint?: () => string;
}

export class StepFunctionsService {
  private readonly machines = new Map<string, RegisteredStateMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly active = new Map<string, ActiveRun>();
  private stopped = false;

  constructor(private readonly options: ServiceOptions) {
    for (const registration of options.stateMachines) this.register(registration);
  }

  private register(registration: StateMachineRegistration): void {
    const { name } = registration;
    if (!isValidName(name)) throw new Error(`State machine name "${name}" must be 1–80 letters, digits, "-" or "_"`);
    if (this.machines.has(name)) throw new Error(`State machine "${name}" is registered twice`);
    const definition = JSON.parse(JSON.stringify(registration.definition)) as AslDefinition;
    try {
      validateDefinition(definition);
    } catch (error) {
      throw new Error(`State machine "${name}": ${(error as Error).message}`);
    }
    const index = indexStates(definition);
    const runners = new Map<string, TaskRunner>();
    for (const info of index.values()) {
      if (info.type === 'Task') runners.set(info.name, this.options.resolveTask(String(info.state.Resource), info.name));
    }
    this.machines.set(name, {
      name,
      arn: buildStateMachineArn(name),
      definition,
      engineDefinition: prepareForEngine(definition),
      index,
      roleArn: registration.roleArn ?? `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}-role`,
      creationDate: new Date(),
      runners,
    });
  }

  stateMachineArn(name: string): string {
    const machine = this.machines.get(name);
    if (!machine) throw new Error(`No state machine named "${name}" is registered`);
    return machine.arn;
  }

  /**
   * Loads stored executions. Those still RUNNING were cut off by a stop: they are failed
   * (`RuntimeStopped`), and with `resume` redriven at once.
   */
  async recover(onInterrupted: 'fail' | 'resume'): Promise<void> {
    const records = await this.options.store.load();
    const interrupted: ExecutionRecord[] = [];
    for (const record of records) {
      this.executions.set(record.executionArn, record);
      if (record.status === 'RUNNING') interrupted.push(record);
    }
    for (const record of interrupted) {
      const machine = this.machines.get(record.stateMachineName);
      const point = machine ? redrivePoint(record, machine.index, machine.definition) : undefined;
      const where = point && 'stateName' in point ? ` in state "${point.stateName}"` : '';
      const endpoint = this.options.endpoint?.() ?? 'http://127.0.0.1:8083';
      recordInterrupted(
        record,
        `The local runtime stopped while this execution was running${where}. Nothing is lost: RedriveExecution ` +
          `(aws stepfunctions redrive-execution --endpoint-url ${endpoint} --execution-arn ${record.executionArn}) ` +
          `runs it again from that state, and \`camflow up\` does so by itself when it resumes interrupted executions.`,
      );
      this.options.store.save(record);
      if (onInterrupted === 'resume' && machine) {
        try {
          this.redrive(record, machine);
        } catch (error) {
          console.warn(`[local step functions] could not resume ${record.executionArn}: ${(error as Error).message}`);
        }
      }
    }
  }

  private machineByArn(arn: unknown): RegisteredStateMachine {
    const text = requireString(arn, 'stateMachineArn', 'InvalidArn');
    const name = parseStateMachineArn(text);
    if (!name) throw new ServiceError('InvalidArn', `Invalid Arn: '${text}'`);
    const machine = this.machines.get(name);
    if (!machine || machine.arn !== text) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${text}'`);
    return machine;
  }

  private executionByArn(arn: unknown): ExecutionRecord {
    const text = requireString(arn, 'executionArn', 'InvalidArn');
    if (!parseExecutionArn(text)) throw new ServiceError('InvalidArn', `Invalid Arn: '${text}'`);
    const record = this.executions.get(text);
    if (!record) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${text}'`);
    return record;
  }

  // ---- operations -------------------------------------------------------------------

  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): { executionArn: string; startDate: Date } {
    if (this.stopped) throw new ServiceError('ServiceUnavailable', 'The local Step Functions endpoint is stopping', 503);
    const machine = this.machineByArn(request.stateMachineArn);
    const name = request.name === undefined || request.name === null ? randomUUID() : String(request.name);
    if (!isValidName(name)) {
      throw new ServiceError('InvalidName', `Invalid Name: '${name}' (1–80 characters: letters, digits, '-' and '_')`);
    }
    const inputText = request.input === undefined || request.input === null ? '{}' : String(request.input);
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch (error) {
      throw new ServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const arn = buildExecutionArn(machine.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // Standard workflows: the same name and input while it runs returns that execution.
      if (existing.status === 'RUNNING' && isDeepStrictEqual(JSON.parse(existing.input), input)) {
        return { executionArn: arn, startDate: new Date(existing.startDate) };
      }
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      name,
      status: 'RUNNING',
      startDate: Date.now(),
      input: inputText,
      roleArn: machine.roleArn,
      redriveCount: 0,
      events: [],
    };
    this.executions.set(arn, record);
    recordExecutionStarted(record);
    this.options.store.save(record);
    this.launch(record, machine);
    return { executionArn: arn, startDate: new Date(record.startDate) };
  }

  describeExecution(request: { executionArn?: unknown; includedData?: unknown }) {
    const record = this.executionByArn(request.executionArn);
    const withData = request.includedData !== 'METADATA_ONLY';
    const redrivable = REDRIVABLE.includes(record.status);
    return withoutUndefined({
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: new Date(record.startDate),
      stopDate: date(record.stopDate),
      input: withData ? record.input : undefined,
      inputDetails: { included: withData },
      output: withData ? record.output : undefined,
      outputDetails: record.output !== undefined ? { included: withData } : undefined,
      error: record.error,
      cause: record.cause,
      redriveCount: record.redriveCount,
      redriveDate: date(record.redriveDate),
      redriveStatus: redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      redriveStatusReason: redrivable ? undefined : `Execution is ${record.status} and cannot be redriven`,
    });
  }

  listExecutions(request: { stateMachineArn?: unknown; statusFilter?: unknown; maxResults?: unknown; nextToken?: unknown; redriveFilter?: unknown; mapRunArn?: unknown }) {
    if (request.stateMachineArn === undefined && request.mapRunArn === undefined) {
      throw new ServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
    }
    if (request.mapRunArn !== undefined) throw new ServiceError('ResourceNotFound', `Map runs are not supported locally: '${String(request.mapRunArn)}'`);
    const machine = this.machineByArn(request.stateMachineArn);
    const status = request.statusFilter;
    if (status !== undefined && !STATUSES.includes(status as ExecutionStatus) && status !== 'PENDING_REDRIVE') {
      throw new ServiceError('ValidationException', `statusFilter must be one of ${STATUSES.join(', ')}, PENDING_REDRIVE`);
    }
    const redriveFilter = request.redriveFilter;
    if (redriveFilter !== undefined && redriveFilter !== 'REDRIVEN' && redriveFilter !== 'NOT_REDRIVEN') {
      throw new ServiceError('ValidationException', 'redriveFilter must be REDRIVEN or NOT_REDRIVEN');
    }
    const size = pageSize(request.maxResults);
    const after = decodeToken<{ startDate: number; name: string }>(request.nextToken);
    const newestFirst = (a: { startDate: number; name: string }, b: { startDate: number; name: string }) => b.startDate - a.startDate || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const matching = [...this.executions.values()]
      .filter((record) => record.stateMachineName === machine.name)
      .filter((record) => status === undefined || record.status === status)
      .filter((record) => redriveFilter === undefined || (redriveFilter === 'REDRIVEN') === record.redriveCount > 0)
      .sort(newestFirst)
      .filter((record) => !after || newestFirst(after, record) < 0);
    const page = matching.slice(0, size);
    const last = page.at(-1);
    return withoutUndefined({
      executions: page.map((record) =>
        withoutUndefined({
          executionArn: record.executionArn,
          stateMachineArn: record.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: new Date(record.startDate),
          stopDate: date(record.stopDate),
          redriveCount: record.redriveCount,
          redriveDate: date(record.redriveDate),
        }),
      ),
      nextToken: matching.length > size && last ? encodeToken({ startDate: last.startDate, name: last.name }) : undefined,
    });
  }

  getExecutionHistory(request: { executionArn?: unknown; maxResults?: unknown; reverseOrder?: unknown; nextToken?: unknown; includeExecutionData?: unknown }) {
    const record = this.executionByArn(request.executionArn);
    const size = pageSize(request.maxResults);
    const reverse = request.reverseOrder === true;
    const token = decodeToken<{ after?: number; before?: number }>(request.nextToken);
    let events = record.events;
    if (reverse) {
      events = [...events].reverse();
      if (token?.before !== undefined) events = events.filter((event) => event.id < token.before!);
    } else if (token?.after !== undefined) {
      events = events.filter((event) => event.id > token.after!);
    }
    const page = events.slice(0, size);
    const last = page.at(-1);
    const more = events.length > size && last;
    const withData = request.includeExecutionData !== false;
    return withoutUndefined({
      events: page.map((event) => {
        const shown = withData ? event : stripExecutionData(event);
        return { ...shown, timestamp: new Date(event.timestamp) };
      }),
      nextToken: more ? encodeToken(reverse ? { before: last.id } : { after: last.id }) : undefined,
    });
  }

  stopExecution(request: { executionArn?: unknown; error?: unknown; cause?: unknown }): { stopDate: Date } {
    const record = this.executionByArn(request.executionArn);
    if (record.status === 'RUNNING') {
      const error = request.error === undefined ? undefined : String(request.error);
      const cause = request.cause === undefined ? undefined : String(request.cause);
      const run = this.active.get(record.executionArn);
      if (run) {
        run.recorder.aborted(error, cause);
        run.abort();
      } else {
        new ExecutionRecorder(record, new Map(), () => {}).aborted(error, cause);
      }
      this.options.store.save(record);
    }
    return { stopDate: new Date(record.stopDate ?? Date.now()) };
  }

  redriveExecution(request: { executionArn?: unknown; clientToken?: unknown }): { redriveDate: Date } {
    if (this.stopped) throw new ServiceError('ServiceUnavailable', 'The local Step Functions endpoint is stopping', 503);
    const record = this.executionByArn(request.executionArn);
    const clientToken = request.clientToken === undefined ? undefined : String(request.clientToken);
    if (clientToken && record.redriveClientToken === clientToken && record.redriveDate !== undefined) {
      return { redriveDate: new Date(record.redriveDate) };
    }
    const machine = this.machines.get(record.stateMachineName);
    if (!machine) {
      throw new ServiceError('ExecutionNotRedrivable', `Execution '${record.executionArn}' cannot be redriven: its state machine is not loaded in this runtime`);
    }
    this.redrive(record, machine, clientToken);
    return { redriveDate: new Date(record.redriveDate!) };
  }

  private redrive(record: ExecutionRecord, machine: RegisteredStateMachine, clientToken?: string): void {
    const notRedrivable = (why: string) => new ServiceError('ExecutionNotRedrivable', `Execution '${record.executionArn}' cannot be redriven: ${why}`);
    if (!REDRIVABLE.includes(record.status)) throw notRedrivable(`it is ${record.status}; only FAILED, ABORTED or TIMED_OUT executions can be redriven`);
    if (record.stopDate !== undefined && Date.now() - record.stopDate > REDRIVE_WINDOW_MS) throw notRedrivable('it ended more than 14 days ago');
    if (record.redriveCount >= MAX_REDRIVES) throw notRedrivable(`it was redriven ${MAX_REDRIVES} times already`);
    const point = redrivePoint(record, machine.index, machine.definition);
    if ('problem' in point) throw notRedrivable(point.problem);
    record.redriveCount += 1;
    record.redriveDate = Date.now();
    record.redriveClientToken = clientToken;
    record.status = 'RUNNING';
    delete record.stopDate;
    delete record.error;
    delete record.cause;
    delete record.output;
    recordExecutionRedriven(record);
    this.options.store.save(record);
    this.launch(record, machine, point);
  }

  describeStateMachine(request: { stateMachineArn?: unknown }) {
    const machine = this.machineByArn(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.definition),
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  listStateMachines(request: { maxResults?: unknown; nextToken?: unknown }) {
    const size = pageSize(request.maxResults);
    const offset = decodeToken<{ offset: number }>(request.nextToken)?.offset ?? 0;
    const all = [...this.machines.values()];
    const page = all.slice(offset, offset + size);
    return withoutUndefined({
      stateMachines: page.map((machine) => ({ stateMachineArn: machine.arn, name: machine.name, type: 'STANDARD', creationDate: machine.creationDate })),
      nextToken: offset + size < all.length ? encodeToken({ offset: offset + size }) : undefined,
    });
  }

  // ---- running ------------------------------------------------------------------------

  private launch(record: ExecutionRecord, machine: RegisteredStateMachine, from?: { stateName: string; input: unknown }): void {
    const recorder = new ExecutionRecorder(record, machine.index, () => this.options.store.save(record));
    const taskHandlers: Record<string, EngineTaskHandler> = {};
    for (const [stateName, runner] of machine.runners) {
      const state = machine.index.get(stateName)!.state;
      const resourceArn = String(state.Resource);
      const resource = describeTaskResource(resourceArn);
      taskHandlers[stateName] = async (input) => {
        if (recorder.isDetached) throw new TaskFailure({ error: 'States.Runtime', cause: 'The execution is no longer running' });
        const call = recorder.taskCalled(stateName, input, state);
        let output: unknown;
        try {
          const result = await runner(JSON.parse(JSON.stringify(input ?? null)), {
            stateName,
            resource: resourceArn,
            executionArn: record.executionArn,
            executionName: record.name,
            signal: call.signal,
          });
          // What a task returns travels as JSON, as in AWS.
          output = result === undefined ? null : JSON.parse(JSON.stringify(result));
        } catch (thrown) {
          const error = taskErrorFrom(thrown, resource);
          call.failed(error);
          throw new TaskFailure(error);
        }
        call.succeeded(output);
        return output;
      };
    }
    const definition = from ? redriveDefinition(machine.engineDefinition, from.stateName, from.input) : machine.engineDefinition;
    const context = {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        RoleArn: record.roleArn,
        RedriveCount: record.redriveCount,
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
    };
    const run = runEngine({
      definition,
      input: JSON.parse(record.input),
      context,
      taskHandlers,
      retryIntervalOverrides: this.options.retryIntervalOverrides,
      onEvent: (event, fromRoot) => recorder.onEngineEvent(event, fromRoot),
    });
    const done = run.result
      .then(
        () => undefined,
        (error: Error) => error,
      )
      .then((error) => {
        if (!recorder.isDetached && record.status === 'RUNNING') {
          // The engine ended without an end event (should not happen): fail it visibly.
          recorder.failed('States.Runtime', error ? `${error.name}: ${error.message}` : 'The local engine ended the execution without a result');
        }
        if (this.stopped) return;
        this.active.delete(record.executionArn);
        this.options.store.save(record);
      });
    this.active.set(record.executionArn, { recorder, abort: run.abort, done });
  }

  /** Resolves when no execution is running and everything is written. */
  async waitForIdle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((run) => run.done));
    await this.options.store.flush();
  }

  /** Stops running executions where they are (they stay RUNNING on disk) and writes everything. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.active.values()) {
      run.recorder.detach();
      run.abort();
    }
    this.active.clear();
    await this.options.store.flush();
  }
}
