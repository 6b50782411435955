/**
 * The trigger: for every object created in the uploads bucket (EventBridge "Object
 * Created"), start the clip workflow execution named by the clip id. The camera id is the
 * key's first segment; a key without a valid one is logged and left alone. A duplicate
 * event finds its execution already there (`ExecutionAlreadyExists`) and starts nothing.
 * Before starting, the clip is cataloged as PROCESSING (if it has no item yet), so the
 * status index lists it from the first moment.
 *
 * Input: the EventBridge event. Output: `TriggerResult` (for logs and tests).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { keys } from '../workflows/catalog-table.ts';
import { ENV, type ClipWorkflowInput } from '../workflows/clip-contract.ts';
import { requiredEnv, stepFunctionsClient } from './aws-clients.ts';
import { putItem } from './catalog-store.ts';
import { clipIdentity, indexAttributes } from './clip-record.ts';
import { CameraIdInvalid, isConditionFailed, storageCall } from './errors.ts';
import { logger, withClipContext } from './observability.ts';
import { clipWorkflowInput, uploadedObjectFrom, type ObjectCreatedEvent } from './upload-event.ts';

export type TriggerResult =
  | { started: true; clipId: string; executionArn: string }
  | { started: false; clipId: string; reason: 'duplicate' }
  | { started: false; reason: 'invalid-camera'; key: string };

export const handler = async (event: ObjectCreatedEvent): Promise<TriggerResult> => {
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
  return withClipContext('trigger', { clipId: clip.clipId, camera: clip.camera, executionName: clip.clipId }, async () => {
    await catalogProcessing(input, new Date().toISOString());
    return startClipWorkflow(input);
  });
};

/** The clip's PROCESSING item, written only if the clip has no item yet. Returns whether it was written. */
export async function catalogProcessing(input: ClipWorkflowInput, now: string): Promise<boolean> {
  const { clip } = input;
  // Not validated yet: captured when uploaded, and owned by the execution named after the clip.
  const item = clipIdentity(input, clip.clipId, 'PROCESSING', now);
  try {
    await putItem({ ...keys.clip(clip.clipId), ...item, ...indexAttributes(item) }, `Cataloging clip ${clip.clipId} as PROCESSING`, 'attribute_not_exists(pk)');
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return false;
  }
}

export async function startClipWorkflow(input: ClipWorkflowInput): Promise<TriggerResult> {
  const { clipId } = input.clip;
  try {
    const started = await storageCall(`Starting the workflow of clip ${clipId}`, () =>
      stepFunctionsClient().send(new StartExecutionCommand({ stateMachineArn: requiredEnv(ENV.stateMachineArn), name: clipId, input: JSON.stringify(input) })),
    );
    logger.info('Clip workflow started', { executionArn: started.executionArn });
    return { started: true, clipId, executionArn: started.executionArn ?? '' };
  } catch (error) {
    if ((error as { name?: string })?.name !== 'ExecutionAlreadyExists') throw error;
    logger.info('Duplicate event: the clip workflow already exists', { key: input.clip.key });
    return { started: false, clipId, reason: 'duplicate' };
  }
}
