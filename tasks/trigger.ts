/**
 * The trigger: for every object created in the uploads bucket (EventBridge "Object
 * Created"), start the clip's workflow execution, named `{camera}-{upload time}-{digest}`
 * (domain/execution-name.ts). The camera id is the key's first segment; a key without a valid
 * one is logged and left alone. Before starting, the clip is cataloged as PROCESSING with its
 * execution name (if it has no item yet), so the status index lists it from the first moment;
 * a later event for the same clip (a duplicate, a retry from the dead-letter queue) takes the
 * name already recorded, finds its execution there (`ExecutionAlreadyExists`) and starts nothing.
 *
 * Input: the EventBridge event. Output: `TriggerResult` (for logs and tests).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { keys } from '../domain/catalog-table.ts';
import type { ClipWorkflowInput } from '../domain/clip-contract.ts';
import { lambdaHandler, type CatalogAccess, type TaskDependencies } from './dependencies.ts';
import { getItem, putItem } from './catalog-store.ts';
import { clipIdentity, indexAttributes } from '../domain/clip-record.ts';
import { CameraIdInvalid, isConditionFailed, storageCall } from '../domain/errors.ts';
import { executionNameFor } from '../domain/execution-name.ts';
import { logger, withClipContext, withObservability } from './observability.ts';
import { clipWorkflowInput, uploadedObjectFrom, type ObjectCreatedEvent } from '../domain/upload-event.ts';

export type TriggerResult =
  | { started: true; clipId: string; executionArn: string; executionName: string }
  | { started: false; clipId: string; executionName: string; reason: 'duplicate' }
  | { started: false; reason: 'invalid-camera'; key: string };

export const createHandler =
  (deps: TaskDependencies) =>
  (event: ObjectCreatedEvent): Promise<TriggerResult> =>
    withObservability(deps.observability, () => trigger(deps, event));

export const handler = lambdaHandler(createHandler);

async function trigger(deps: Pick<TaskDependencies, 'catalog' | 'tableName' | 'stepFunctions' | 'stateMachineArn'>, event: ObjectCreatedEvent): Promise<TriggerResult> {
  const object = uploadedObjectFrom(event);
  const { key } = object;
  let input: ClipWorkflowInput;
  try {
    input = clipWorkflowInput(object);
  } catch (error) {
    if (!(error instanceof CameraIdInvalid)) throw error;
    logger.warn('Upload ignored: its key does not start with a valid camera id', { bucket: object.bucket, key, error: error.message });
    return { started: false, reason: 'invalid-camera', key };
  }
  const { clip } = input;
  const proposed = executionNameFor(clip.clipId, clip.uploadedAt);
  return withClipContext('trigger', { clipId: clip.clipId, camera: clip.camera, executionName: proposed }, async () => {
    const executionName = await catalogProcessing(deps, input, proposed, new Date().toISOString());
    return startClipWorkflow(deps, input, executionName);
  });
}

/**
 * The clip's PROCESSING item, written only if the clip has no item yet, naming its execution.
 * Returns the execution name the clip goes by: `executionName` when the item was written,
 * else the one its item already records (an earlier event for the same clip chose it).
 */
export async function catalogProcessing(db: CatalogAccess, input: ClipWorkflowInput, executionName: string, now: string): Promise<string> {
  const { clip } = input;
  // Not validated yet: captured when uploaded, and owned by the execution of that name.
  const item = clipIdentity(input, executionName, 'PROCESSING', now);
  try {
    await putItem(db, { ...keys.clip(clip.clipId), ...item, ...indexAttributes(item) }, `Cataloging clip ${clip.clipId} as PROCESSING`, 'attribute_not_exists(pk)');
    return executionName;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const existing = await getItem<{ executionName?: string }>(db, keys.clip(clip.clipId), `Reading clip ${clip.clipId}`);
  return existing?.executionName || executionName;
}

export async function startClipWorkflow(deps: Pick<TaskDependencies, 'stepFunctions' | 'stateMachineArn'>, input: ClipWorkflowInput, executionName: string): Promise<TriggerResult> {
  const { clipId } = input.clip;
  try {
    const started = await storageCall(`Starting the workflow of clip ${clipId}`, () =>
      deps.stepFunctions.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: executionName, input: JSON.stringify(input) })),
    );
    logger.info('Clip workflow started', { executionArn: started.executionArn, executionName });
    return { started: true, clipId, executionName, executionArn: started.executionArn ?? '' };
  } catch (error) {
    if ((error as { name?: string })?.name !== 'ExecutionAlreadyExists') throw error;
    logger.info('Duplicate event: the clip workflow already exists', { key: input.clip.key, executionName });
    return { started: false, clipId, executionName, reason: 'duplicate' };
  }
}
