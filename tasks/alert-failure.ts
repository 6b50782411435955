/**
 * An alert that was due but could not be sent ("Alert not sent": Decide alert or Send motion
 * alert failed after its retries) is recorded on the clip's alert decision, so the API says
 * so — with the error — when asked why no alert came. Called by "Catalog clip" and "Record
 * failure", the first tasks after "Alert and render".
 */
import { keys } from '../domain/catalog-table.ts';
import type { AlertDecisionRecord, WorkflowState } from '../domain/clip-contract.ts';
import { getItem, updateItem } from './catalog-store.ts';
import { alertSuppressed } from './clip-metrics.ts';
import { clipAlertOutcome } from '../domain/clip-record.ts';
import { logger } from './observability.ts';
import type { CatalogAccess } from './dependencies.ts';

export async function recordFailedAlert(db: CatalogAccess, state: WorkflowState, now: Date): Promise<void> {
  const decision = state.outcome?.alert;
  if (!decision || decision.send || decision.reason !== 'failed') return;
  const outcome = clipAlertOutcome(decision);
  const { clip } = state;
  // Decide alert may have recorded the alert as sent (the publish failed after it): the alert history says it failed.
  const decided = await getItem<Pick<AlertDecisionRecord, 'outcome' | 'decidedAt'>>(db, keys.alertDecision(clip.clipId), `Reading the alert decision of clip ${clip.clipId}`);
  if (decided?.outcome === 'sent' && decided.decidedAt) {
    await updateItem(db, keys.alertRecord(decided.decidedAt, clip.clipId), { set: { outcome: 'failed', error: outcome.error ?? 'Unknown' } }, `Marking the alert of clip ${clip.clipId} failed`);
  }
  await updateItem(
    db,
    keys.alertDecision(clip.clipId),
    {
      set: {
        clipId: clip.clipId,
        camera: clip.camera,
        capturedAt: state.validation?.capturedAt ?? clip.uploadedAt,
        decidedAt: decided?.decidedAt ?? now.toISOString(),
        outcome: 'failed',
        error: outcome.error ?? 'Unknown',
        ...(outcome.cause ? { cause: outcome.cause } : {}),
        explanation: `The alert was due but could not be sent: ${outcome.error}${outcome.cause ? ` (${outcome.cause})` : ''}. Operations were told; check the motion alert topic and its subscriptions.`,
      },
      setIfAbsent: { mode: 'away' },
    },
    `Recording the failed alert of clip ${clip.clipId}`,
  );
  logger.warn('Motion alert was not sent: recorded on the clip', { error: outcome.error });
  alertSuppressed('failed');
}
