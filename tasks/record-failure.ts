/**
 * "Record failure": a step failed after its retries. The clip's catalog item becomes FAILED
 * with the error and its cause (listed by the status index); returns the notice "Tell
 * operations: failed" publishes.
 *
 * A storage outage is not the clip's fault. When the step failed only because S3, DynamoDB
 * or Lambda were unavailable (`OUTAGE_ERRORS`), this task first waits for the catalog to
 * answer again — its Retry lasts about an hour, far longer than the tasks' — and then says
 * `resume: true`: "Resume after outage?" sends the clip back to the step that failed, at
 * most `MAX_OUTAGE_RESUMES` times per clip (counted in the catalog item, `outageResumes`).
 * If the catalog is still unreachable after all retries, the execution fails here
 * (StorageUnavailable); the sweeper (tasks/sweeper.ts) redrives it later, which runs this
 * task again.
 *
 * Input: `TaskEvent` (with `$.error`). Output: `FailureOutcome` (an `OperationsNotice` plus `resume`).
 */
import { keys } from '../domain/catalog-table.ts';
import { ERRORS, type OperationsNotice, type TaskEvent } from '../domain/clip-contract.ts';
import { recordFailedAlert } from './alert-failure.ts';
import { clipOutcome } from './clip-metrics.ts';
import { updateItem } from './catalog-store.ts';
import { clipIdentity } from '../domain/clip-record.ts';
import { writeClipItem } from './clip-status.ts';
import { isConditionFailed } from '../domain/errors.ts';
import { logger, runClipTask } from './observability.ts';
import { lambdaHandler, type CatalogAccess, type TaskDependencies } from './dependencies.ts';
import { failureCause, failureNotice } from '../domain/operations-notice.ts';

/**
 * Errors that mean "a service was unavailable", not "this clip is bad": our own
 * StorageUnavailable and the Lambda service's transient errors (LAMBDA_TRANSIENT_ERRORS in
 * workflows/clip-workflow.ts, which this module cannot import: it runs in Lambda).
 */
export const OUTAGE_ERRORS: ReadonlySet<string> = new Set([
  ERRORS.storageUnavailable,
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
]);

/** How many times one clip goes back to the failed step after an outage before it is recorded FAILED. */
export const MAX_OUTAGE_RESUMES = 3;

/** `$.failure`: the notice for operations, and whether the workflow resumes instead (then nothing is published). */
export type FailureOutcome = OperationsNotice & { resume: boolean };

export const createHandler =
  (deps: TaskDependencies) =>
  (event: TaskEvent): Promise<FailureOutcome> =>
    runClipTask(deps, 'record-failure', event, () => recordFailure(deps, event));

export const handler = lambdaHandler(createHandler);

export async function recordFailure(deps: Pick<TaskDependencies, 'catalog' | 'tableName' | 'links'>, event: TaskEvent, now: Date = new Date()): Promise<FailureOutcome> {
  const error = event.workflow.error;
  if (error && OUTAGE_ERRORS.has(error.Error)) {
    const resumes = await countOutageResume(deps, event);
    if (resumes !== undefined && resumes <= MAX_OUTAGE_RESUMES) {
      logger.warn('The catalog answers again after an outage: resuming the clip at the step that failed', { error: error.Error, resumes, maxResumes: MAX_OUTAGE_RESUMES });
      return { status: 'PROCESSING', subject: '', message: '', resume: true };
    }
  }
  const failure = { error: error?.Error ?? 'Unknown', ...(failureCause(error) ? { cause: failureCause(error) } : {}) };
  const item = { ...clipIdentity(event.workflow, event.executionName, 'FAILED', now.toISOString()), failure };
  const outcome = await writeClipItem(deps, item);
  await recordFailedAlert(deps, event.workflow, now);
  if (!outcome.written) logger.warn('Clip is READY under another execution: failure not recorded', { owner: outcome.owner, failure });
  else {
    logger.error('Clip failed', { failure });
    if (outcome.previous?.status !== 'FAILED') clipOutcome('failed', item.camera, failure.error);
  }
  return { ...failureNotice(event.workflow, event.executionName, outcome, deps.links), resume: false };
}

/**
 * Counts one more resume on the clip's item and returns the new count — which also proves
 * the catalog answers again (while it does not, this throws StorageUnavailable and the
 * state's Retry waits). `undefined` when this execution may not resume the clip: no item,
 * or READY under another execution.
 */
async function countOutageResume(db: CatalogAccess, event: TaskEvent): Promise<number | undefined> {
  const { clipId } = event.workflow.clip;
  try {
    const previous = await updateItem<{ outageResumes?: number }>(
      db,
      keys.clip(clipId),
      {
        add: { outageResumes: 1 },
        condition: 'attribute_exists(pk) AND (#executionName = :executionName OR #status <> :ready)',
        names: { '#executionName': 'executionName', '#status': 'status' },
        values: { ':executionName': event.executionName, ':ready': 'READY' },
      },
      `Counting an outage resume of clip ${clipId}`,
    );
    return (previous?.outageResumes ?? 0) + 1;
  } catch (caught) {
    if (isConditionFailed(caught)) return undefined;
    throw caught;
  }
}
