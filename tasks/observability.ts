/**
 * One Powertools Logger and Tracer for every camflow task. Every log line a task writes
 * while it handles a clip carries `clipId`, `camera` and `executionName`; its work is one
 * X-Ray subsegment annotated with the clip id and camera. Outside Lambda (tests, `camflow
 * up`) the Tracer disables itself (no `AWS_EXECUTION_ENV`) and the Logger writes JSON to
 * stdout, so the same handlers run unchanged.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { TaskEvent } from '../workflows/clip-contract.ts';

export const SERVICE_NAME = 'camflow';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** What identifies the clip a task works on, in logs and traces. */
export interface ClipContext {
  clipId: string;
  camera: string;
  executionName?: string;
}

const CONTEXT_KEYS = ['clipId', 'camera', 'executionName'] as const;

/** The clip context of a workflow task event. */
export function clipContextOf(event: TaskEvent): ClipContext {
  return { clipId: event.workflow.clip.clipId, camera: event.workflow.clip.camera, executionName: event.executionName };
}

/**
 * Run one task's work for one clip: every log line inside carries the clip's keys, the
 * work is traced as subsegment `### {task}` with annotations `clipId` and `camera`, a
 * failure is logged (with the error's stable name) and rethrown, and the keys are removed
 * afterwards so a warm Lambda never logs a previous clip's id.
 */
export async function withClipContext<T>(task: string, context: ClipContext, work: () => Promise<T>): Promise<T> {
  const keys: Record<string, string> = { clipId: context.clipId, camera: context.camera };
  if (context.executionName) keys.executionName = context.executionName;
  logger.appendPersistentKeys({ ...keys, task });
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
    logger.removePersistentKeys([...CONTEXT_KEYS, 'task']);
  }
}

/** `withClipContext` for a workflow task event. */
export function runClipTask<T>(task: string, event: TaskEvent, work: () => Promise<T>): Promise<T> {
  return withClipContext(task, clipContextOf(event), work);
}
