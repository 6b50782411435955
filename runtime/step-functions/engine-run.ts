/**
 * Runs ASL with aws-local-stepfunctions and reports every engine event synchronously, in
 * the order the engine dispatches them.
 *
 * Why not the `eventLogs` generator `run()` returns: it is asynchronous, and the events of
 * Parallel branches and Map iterations reach it through a second asynchronous hop, so they
 * arrive after events that happened later (a branch's last state after its Parallel exited),
 * and after the run ended they are dropped. Task code, on the other hand, is called
 * synchronously right after its state's `StateEntered`. To put both in one true order, this
 * module wraps `dispatch` of each run's event logger (the root run's and every branch's or
 * iteration's) when `StateMachine.prototype.execute` receives it. That method is internal to
 * the library (3.0.0); if it disappears, `runEngine` throws a clear error instead of
 * recording nothing.
 */
import '../node20-polyfills.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import type { AslDefinition } from './engine-definition.ts';
import type { EngineEvent } from './execution-history.ts';

const HOOK = Symbol.for('camflow.local-step-functions.event-hook');

interface EventHook {
  attached: boolean;
  seen: WeakSet<object>;
  onEvent(event: EngineEvent, fromRoot: boolean): void;
}

interface EngineLogger {
  dispatch(event: EngineEvent): void;
}

type ExecuteMethod = (this: unknown, input: unknown, options: { runOptions?: Record<PropertyKey, unknown>; eventLogger?: EngineLogger }, cleanup: unknown) => Promise<unknown>;

let installed = false;

function installHook(): void {
  if (installed) return;
  const prototype = StateMachine.prototype as unknown as { execute?: ExecuteMethod };
  const original = prototype.execute;
  if (typeof original !== 'function') {
    throw new Error('aws-local-stepfunctions no longer has StateMachine.prototype.execute; update runtime/step-functions/engine-run.ts for its new version');
  }
  prototype.execute = function execute(input, options, cleanup) {
    const hook = options?.runOptions?.[HOOK] as EventHook | undefined;
    const logger = options?.eventLogger;
    if (hook && logger && typeof logger.dispatch === 'function') {
      const fromRoot = !hook.attached;
      hook.attached = true;
      const dispatch = logger.dispatch.bind(logger);
      logger.dispatch = (event: EngineEvent) => {
        // Events a parent forwards from a branch are the same objects: report each once.
        if (!hook.seen.has(event)) {
          hook.seen.add(event);
          try {
            hook.onEvent(event, fromRoot);
          } catch (error) {
            console.error('[local step functions] recording an event failed:', error);
          }
        }
        dispatch(event);
      };
    }
    return original.call(this, input, options, cleanup);
  };
  installed = true;
}

export type EngineTaskHandler = (input: unknown) => Promise<unknown>;

export interface EngineRunOptions {
  definition: AslDefinition;
  input: unknown;
  /** The Context Object (`$$`); the engine itself sets `Execution.Input` and `Execution.StartTime`. */
  context: Record<string, unknown>;
  /** By Task state name (names are unique across the machine, branches included). */
  taskHandlers: Record<string, EngineTaskHandler>;
  /** Tests only: milliseconds to wait before a retry, by state name, instead of the Retry's own. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  onEvent: (event: EngineEvent, fromRoot: boolean) => void;
}

/** Starts one engine run. `result` resolves when it ends (null when aborted), rejects when it fails. */
export function runEngine(options: EngineRunOptions): { result: Promise<unknown>; abort: () => void } {
  installHook();
  const machine = new StateMachine(options.definition as never, { validationOptions: { noValidate: true } });
  const hook: EventHook = { attached: false, seen: new WeakSet(), onEvent: options.onEvent };
  const run = machine.run(
    options.input as never,
    {
      overrides: {
        taskResourceLocalHandlers: options.taskHandlers as never,
        ...(options.retryIntervalOverrides ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
      },
      context: options.context as never,
      noThrowOnAbort: true,
      [HOOK]: hook,
    } as never,
  );
  if (!hook.attached) {
    run.abort();
    throw new Error('aws-local-stepfunctions did not hand its event logger to StateMachine.prototype.execute; update runtime/step-functions/engine-run.ts for its new version');
  }
  // The generator is not read (see the module comment); end it so it holds nothing.
  void run.eventLogs.return(undefined);
  return { result: run.result, abort: run.abort };
}

/** Definitions already found valid, by their JSON: validation compiles the ASL schema each time, and every local stack registers the same clip workflow. */
const validDefinitions = new Set<string>();

/** Validates ASL as the engine does (asl-validator, ARNs and paths checked); throws with the problems. */
export function validateDefinition(definition: AslDefinition): void {
  const text = JSON.stringify(definition);
  if (validDefinitions.has(text)) return;
  // The validator fills in defaults (QueryLanguage…) on what it is given: give it a copy.
  new StateMachine(JSON.parse(text) as never, { validationOptions: { checkArn: true, checkPaths: true } });
  validDefinitions.add(text);
}
