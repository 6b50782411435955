/**
 * One Powertools Logger and Tracer for every camflow task. Every log line a task writes
 * while it handles a clip carries `clipId`, `camera` and `executionName`; its work is one
 * X-Ray subsegment annotated with the clip id and camera. Outside Lambda (tests, `camflow
 * up`) the Tracer disables itself (no `AWS_EXECUTION_ENV`) and the Logger writes JSON to
 * stdout, so the same handlers run unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { withMetrics, type MetricsOutput } from './clip-metrics.ts';
import { SERVICE_NAME, type TaskEvent } from '../domain/clip-contract.ts';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

const baseLogger = new Logger({ serviceName: SERVICE_NAME });

/** How one set of task dependencies logs and counts (see TaskObservability in dependencies.ts). */
export interface ObservabilitySettings extends MetricsOutput {
  logLevel?: LogLevel;
}

/** The logger and metric settings of the work running in this async context (the local runtime runs many at once, possibly for two stacks). */
interface Scope {
  logger: Logger;
  settings: ObservabilitySettings;
}
const scopes = new AsyncLocalStorage<Scope>();

/** One logger per settings object: the base logger at the settings' level. */
const loggers = new WeakMap<ObservabilitySettings, Logger>();
function loggerFor(settings: ObservabilitySettings): Logger {
  let made = loggers.get(settings);
  if (!made) {
    made = settings.logLevel ? baseLogger.createChild({ logLevel: settings.logLevel }) : baseLogger;
    loggers.set(settings, made);
  }
  return made;
}

/**
 * Run a handler's work with its dependencies' log level and metric output: `logger` and the
 * metrics recorded inside use them (every task's `createHandler` wraps its handler in this).
 */
export function withObservability<T>(settings: ObservabilitySettings, work: () => Promise<T>): Promise<T> {
  return scopes.run({ logger: loggerFor(settings), settings }, work);
}

/**
 * The task logger. Inside `withClipContext` it is that clip's own child logger, so lines
 * carry the right clip keys even when several clips are handled at once in one process
 * (the local runtime); in Lambda, one clip at a time, it behaves the same.
 */
export const logger: Logger = new Proxy(baseLogger, {
  get(target, property) {
    const current = scopes.getStore()?.logger ?? target;
    const value = Reflect.get(current, property, current) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
  },
});
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** What identifies the clip a task works on, in logs and traces. */
export interface ClipContext {
  clipId: string;
  camera: string;
  executionName?: string;
}

/** The clip context of a workflow task event. */
export function clipContextOf(event: TaskEvent): ClipContext {
  return { clipId: event.workflow.clip.clipId, camera: event.workflow.clip.camera, executionName: event.executionName };
}

/**
 * Run one task's work for one clip: every log line inside carries the clip's keys, the
 * work is traced as subsegment `### {task}` with annotations `clipId` and `camera`, a
 * failure is logged (with the error's stable name) and rethrown, and the keys are removed
 * afterwards so a warm Lambda never logs a previous clip's id (each clip gets a child
 * logger for the duration of its work). The metrics the work records (`clip-metrics.ts`)
 * are written once it ends, failed or not.
 */
export async function withClipContext<T>(task: string, context: ClipContext, work: () => Promise<T>): Promise<T> {
  const keys: Record<string, string> = { clipId: context.clipId, camera: context.camera };
  if (context.executionName) keys.executionName = context.executionName;
  const scope = scopes.getStore();
  const settings = scope?.settings ?? {};
  const parent = scope?.logger ?? baseLogger;
  return scopes.run({ logger: parent.createChild({ persistentKeys: { ...keys, task } }), settings }, () => withMetrics(() => traced(task, context, work), settings));
}

async function traced<T>(task: string, context: ClipContext, work: () => Promise<T>): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  const subsegment = parent?.addNewSubsegment(`### ${task}`);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.putAnnotation('clipId', context.clipId);
  tracer.putAnnotation('camera', context.camera);
  try {
    const result = await work();
    return result;
  } catch (error) {
    subsegment?.addError(error as Error);
    logger.error(`${task} failed`, { error: error as Error, errorName: (error as Error)?.name });
    throw error;
  } finally {
    subsegment?.close();
    if (parent) tracer.setSegment(parent);
  }
}

/** `withClipContext` for a workflow task event, with the log level and metric output of `deps`. */
export function runClipTask<T>(deps: { observability: ObservabilitySettings }, task: string, event: TaskEvent, work: () => Promise<T>): Promise<T> {
  return withObservability(deps.observability, () => withClipContext(task, clipContextOf(event), work));
}
