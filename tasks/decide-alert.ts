/**
 * "Decide alert": should this clip send a motion alert, and to which channels? The camera's
 * settings decide first (alerts on, channels, quiet hours), then the household's mode at
 * capture time (`home`: only cameras that alert when home); then the cooldown is claimed by
 * ONE conditional write on the camera's alert state, so two clips at the same moment send one
 * alert. Every decision is recorded (`keys.alertDecision(clipId)`: sent to which channels, or
 * why not); a due alert also gets an AlertRecord for the alert history.
 *
 * The message is one SNS message with a form per protocol (MessageStructure `json`: `sms`,
 * `email`, `default`), its `channels` attribute naming the protocols the camera's alerts go
 * to — the subscriptions' filter policies deliver it only there.
 *
 * Input: `TaskEvent`. Output (`$.alert`): `AlertDecision`.
 */
import { keys } from '../domain/catalog-table.ts';
import { type AlertDecision, type AlertDecisionRecord, type AlertRecord, type AlertSkipReason, type TaskEvent } from '../domain/clip-contract.ts';
import { alertPolicy, cooldownCutoff, perProtocolMessage, skippedDecision } from '../domain/alert-policy.ts';
import { cameraSettings, type CameraSettings } from '../domain/camera-settings.ts';
import { alertSent, alertSuppressed } from './clip-metrics.ts';
import { getCameraRecord, getItem, putItem, updateItem } from './catalog-store.ts';
import { isConditionFailed } from '../domain/errors.ts';
import { logger, runClipTask } from './observability.ts';
import { lambdaHandler, type CatalogAccess, type TaskDependencies } from './dependencies.ts';
import { modeAt, type ModeSetting, type SystemMode } from '../domain/system-mode.ts';

/** Alert records are kept this long (DynamoDB TTL, in AWS). */
export const ALERT_RECORD_DAYS = 90;

export const createHandler =
  (deps: TaskDependencies) =>
  (event: TaskEvent): Promise<AlertDecision> =>
    runClipTask(deps, 'decide-alert', event, () => decideAlert(deps, event));

export const handler = lambdaHandler(createHandler);

export async function decideAlert(deps: Pick<TaskDependencies, 'catalog' | 'tableName' | 'cameraDefaults' | 'links'>, event: TaskEvent, now: Date = new Date()): Promise<AlertDecision> {
  const { clip } = event.workflow;
  const capturedAt = event.workflow.validation?.capturedAt ?? clip.uploadedAt;
  const [camera, modeSetting] = await Promise.all([getCameraRecord(deps, clip.camera), getItem<ModeSetting>(deps, keys.systemMode(), 'Reading the home/away mode')]);
  const settings = cameraSettings(clip.camera, camera, deps.cameraDefaults);
  const mode = modeAt(modeSetting, capturedAt);
  const policy = alertPolicy(event.workflow, settings, { webUrl: deps.links.webUrl }, mode);
  const base = { clipId: clip.clipId, camera: clip.camera, capturedAt, mode, ...expiry(now) };
  if (!policy.send) {
    logger.info('No motion alert', { reason: policy.reason, mode });
    await recordDecision(deps, { ...base, decidedAt: now.toISOString(), outcome: 'not-sent', reason: policy.reason, explanation: whyNot(policy.reason, settings, mode) });
    alertSuppressed(policy.reason);
    return skippedDecision(policy.reason);
  }
  const claim = await claimAlert(deps, clip.camera, clip.clipId, now, settings.cooldownSeconds);
  if (!claim.claimed) {
    logger.info('No motion alert: camera in cooldown', { lastAlertAt: claim.lastAlertAt, cooldownSeconds: settings.cooldownSeconds });
    await recordDecision(deps, { ...base, decidedAt: now.toISOString(), outcome: 'not-sent', reason: 'cooldown', explanation: whyNot('cooldown', settings, mode, claim.lastAlertAt) });
    alertSuppressed('cooldown');
    return skippedDecision('cooldown');
  }
  const { candidate, channels } = policy;
  const record: AlertRecord & { expiresAt: number; sms: string; channels: string[] } = {
    sentAt: claim.sentAt,
    clipId: clip.clipId,
    camera: clip.camera,
    subject: candidate.subject,
    message: candidate.message,
    sms: candidate.sms,
    channels,
    expiresAt: expiry(new Date(claim.sentAt)).expiresAt,
  };
  await putItem(deps, { ...keys.alertRecord(claim.sentAt, clip.clipId), ...record }, `Recording the alert for clip ${clip.clipId}`);
  await recordDecision(deps, {
    ...base,
    decidedAt: claim.sentAt,
    outcome: 'sent',
    channels,
    explanation: `Sent to ${channels.join(' and ')} (camera alert channels: ${settings.alertChannels}; mode ${mode}).`,
    subject: candidate.subject,
    sms: candidate.sms,
  });
  logger.info('Motion alert due', { subject: record.subject, channels, mode });
  alertSent(event.workflow, new Date(claim.sentAt));
  return { send: true, subject: candidate.subject, message: perProtocolMessage(candidate), channels: JSON.stringify(channels) };
}

function expiry(at: Date): { expiresAt: number } {
  return { expiresAt: Math.floor(at.getTime() / 1000) + ALERT_RECORD_DAYS * 86_400 };
}

/** Why a clip did not alert, in a sentence that says what to change. */
export function whyNot(reason: Exclude<AlertSkipReason, 'failed'>, settings: CameraSettings, mode: SystemMode, lastAlertAt?: string): string {
  switch (reason) {
    case 'alerts-off':
      return `Alerts are off for camera ${settings.camera}: turn them on in its settings.`;
    case 'channel-none':
      return `Camera ${settings.camera} sends its alerts to no channel: choose email, SMS or both in its settings.`;
    case 'quiet-hours':
      return `The clip fell in the camera's quiet hours (${settings.quietHours?.start}–${settings.quietHours?.end}, ${settings.timeZone}).`;
    case 'home-mode':
      return `The system was in home mode (mode ${mode}) and camera ${settings.camera} does not alert when home: mark it "alert when home", or set the mode to away.`;
    case 'cooldown':
      return `Camera ${settings.camera} had alerted ${lastAlertAt ? `at ${lastAlertAt}` : 'moments before'}, within its cooldown of ${settings.cooldownSeconds} s: one alert per cooldown.`;
  }
}

/** The clip's alert decision item (one per clip; a retried task rewrites it). */
async function recordDecision(db: CatalogAccess, decision: AlertDecisionRecord & { expiresAt: number }): Promise<void> {
  await putItem(db, { ...keys.alertDecision(decision.clipId), ...decision }, `Recording the alert decision of clip ${decision.clipId}`);
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
  db: CatalogAccess,
  camera: string,
  clipId: string,
  now: Date,
  cooldownSeconds: number,
): Promise<{ claimed: true; sentAt: string } | { claimed: false; lastAlertAt?: string }> {
  const sentAt = now.toISOString();
  const key = keys.alertState(camera);
  try {
    await updateItem(
      db,
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
  const state = await getItem<AlertState>(db, key, `Reading the alert state of camera ${camera}`);
  if (state?.lastClipId === clipId && state.lastAlertAt) return { claimed: true, sentAt: state.lastAlertAt };
  return { claimed: false, lastAlertAt: state?.lastAlertAt };
}
