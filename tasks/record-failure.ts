/**
 * "Record failure": a step failed after its retries. The clip's catalog item becomes FAILED
 * with the error and its cause (listed by the status index); returns the notice "Tell
 * operations: failed" publishes. Never fails for a reason of its own except storage
 * outages (retried), so the operator always hears about the failure.
 *
 * Input: `TaskEvent` (with `$.error`). Output: `OperationsNotice`.
 */
import type { OperationsNotice, TaskEvent } from '../workflows/clip-contract.ts';
import { clipIdentity } from './clip-record.ts';
import { writeClipItem } from './clip-status.ts';
import { logger, runClipTask } from './observability.ts';
import { failureCause, failureNotice } from './operations-notice.ts';

export const handler = (event: TaskEvent): Promise<OperationsNotice> => runClipTask('record-failure', event, () => recordFailure(event));

export async function recordFailure(event: TaskEvent, now: Date = new Date()): Promise<OperationsNotice> {
  const error = event.workflow.error;
  const failure = { error: error?.Error ?? 'Unknown', ...(failureCause(error) ? { cause: failureCause(error) } : {}) };
  const item = { ...clipIdentity(event.workflow, event.executionName, 'FAILED', now.toISOString()), failure };
  const outcome = await writeClipItem(item);
  if (!outcome.written) logger.warn('Clip is READY under another execution: failure not recorded', { owner: outcome.owner, failure });
  else logger.error('Clip failed', { failure });
  return failureNotice(event.workflow, event.executionName, outcome);
}
