/**
 * "Decide alert": should this clip send a motion alert? The camera's settings (alerts on,
 * quiet hours) decide first; then the cooldown is claimed by ONE conditional write on the
 * camera's alert state, so two clips at the same moment send one alert. When the alert is
 * due, an AlertRecord is written for the alert history.
 *
 * Input: `TaskEvent`. Output (`$.alert`): `AlertDecision`.
 */
import { keys } from '../workflows/catalog-table.ts';
import type { AlertDecision, AlertRecord, TaskEvent } from '../workflows/clip-contract.ts';
import { alertPolicy, cooldownCutoff, skippedDecision } from './alert-policy.ts';
import { cameraSettings } from './camera-settings.ts';
import { getCameraRecord, getItem, putItem, updateItem } from './catalog-store.ts';
import { isConditionFailed } from './errors.ts';
import { logger, runClipTask } from './observability.ts';

/** Alert records are kept this long (DynamoDB TTL, in AWS). */
export const ALERT_RECORD_DAYS = 90;

export const handler = (event: TaskEvent): Promise<AlertDecision> => runClipTask('decide-alert', event, () => decideAlert(event));

export async function decideAlert(event: TaskEvent, now: Date = new Date()): Promise<AlertDecision> {
  const { clip } = event.workflow;
  const settings = cameraSettings(clip.camera, await getCameraRecord(clip.camera));
  const policy = alertPolicy(event.workflow, settings);
  if (!policy.send) {
    logger.info('No motion alert', { reason: policy.reason });
    return skippedDecision(policy.reason);
  }
  const claim = await claimAlert(clip.camera, clip.clipId, now, settings.cooldownSeconds);
  if (!claim.claimed) {
    logger.info('No motion alert: camera in cooldown', { lastAlertAt: claim.lastAlertAt, cooldownSeconds: settings.cooldownSeconds });
    return skippedDecision('cooldown');
  }
  const record: AlertRecord & { expiresAt: number } = {
    sentAt: claim.sentAt,
    clipId: clip.clipId,
    camera: clip.camera,
    subject: policy.candidate.subject,
    message: policy.candidate.message,
    expiresAt: Math.floor(Date.parse(claim.sentAt) / 1000) + ALERT_RECORD_DAYS * 86_400,
  };
  await putItem({ ...keys.alertRecord(claim.sentAt, clip.clipId), ...record }, `Recording the alert for clip ${clip.clipId}`);
  logger.info('Motion alert due', { subject: record.subject });
  return { send: true, subject: record.subject, message: record.message };
}

interface AlertState {
  lastAlertAt?: string;
  lastClipId?: string;
}

/**
 * Claim the camera's alert slot: succeeds when no alert was sent within the cooldown, and
 * never twice for one clip. A retried task for the clip that already holds the slot gets
 * it again (with the original time), so a retry neither loses nor duplicates the alert.
 */
export async function claimAlert(
  camera: string,
  clipId: string,
  now: Date,
  cooldownSeconds: number,
): Promise<{ claimed: true; sentAt: string } | { claimed: false; lastAlertAt?: string }> {
  const sentAt = now.toISOString();
  const key = keys.alertState(camera);
  try {
    await updateItem(
      key,
      {
        set: { camera, lastAlertAt: sentAt, lastClipId: clipId },
        condition: '(attribute_not_exists(#last) OR #last <= :cutoff) AND (attribute_not_exists(#clip) OR #clip <> :clip)',
        names: { '#last': 'lastAlertAt', '#clip': 'lastClipId' },
        values: { ':cutoff': cooldownCutoff(now, cooldownSeconds), ':clip': clipId },
      },
      `Claiming the alert slot of camera ${camera}`,
    );
    return { claimed: true, sentAt };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const state = await getItem<AlertState>(key, `Reading the alert state of camera ${camera}`);
  if (state?.lastClipId === clipId && state.lastAlertAt) return { claimed: true, sentAt: state.lastAlertAt };
  return { claimed: false, lastAlertAt: state?.lastAlertAt };
}
