/**
 * "Quarantine clip": the upload is not a clip. Its catalog item becomes QUARANTINED with
 * the reason (listed by the status index); the raw object stays where it is. Returns the
 * notice "Tell operations: quarantined" publishes.
 *
 * Input: `TaskEvent` (with `$.validation` of kind `invalid`). Output: `OperationsNotice`.
 */
import type { OperationsNotice, TaskEvent } from '../domain/clip-contract.ts';
import { clipIdentity } from '../domain/clip-record.ts';
import { clipOutcome } from './clip-metrics.ts';
import { writeClipItem } from './clip-status.ts';
import { logger, runClipTask } from './observability.ts';
import { lambdaHandler, type TaskDependencies } from './dependencies.ts';
import { quarantineNotice } from '../domain/operations-notice.ts';

export const createHandler =
  (deps: TaskDependencies) =>
  (event: TaskEvent): Promise<OperationsNotice> =>
    runClipTask(deps, 'quarantine-clip', event, () => quarantineClip(deps, event));

export const handler = lambdaHandler(createHandler);

export async function quarantineClip(deps: Pick<TaskDependencies, 'catalog' | 'tableName' | 'links'>, event: TaskEvent, now: Date = new Date()): Promise<OperationsNotice> {
  const { validation } = event.workflow;
  const item = {
    ...clipIdentity(event.workflow, event.executionName, 'QUARANTINED', now.toISOString()),
    kind: 'invalid' as const,
    quarantine: { reason: validation?.reason ?? 'not-media', detail: validation?.detail ?? 'The upload is not a clip.' },
  };
  const outcome = await writeClipItem(deps, item, { remove: ['failure'] });
  if (!outcome.written) logger.warn('Clip is READY under another execution: quarantine not recorded', { owner: outcome.owner });
  else {
    logger.warn('Clip quarantined', { reason: item.quarantine.reason, detail: item.quarantine.detail });
    if (outcome.previous?.status !== 'QUARANTINED') clipOutcome('quarantined', item.camera, item.quarantine.reason);
  }
  return quarantineNotice(event.workflow, event.executionName, outcome, deps.links);
}
