/**
 * Whether a clip deserves a motion alert, and its text (pure). The cooldown itself is
 * decided by one conditional write in DynamoDB (see decide-alert.ts); this module says
 * whether the camera wants alerts at all, whether the clip falls in its quiet hours, what
 * the cooldown cutoff is, and what the email/SMS says.
 */
import { protocolsOf, type AlertDecision, type AlertSkipReason, type WorkflowState } from './clip-contract.ts';
import { storedDisplayName, type CameraSettings } from './camera-settings.ts';
import { SNS_SUBJECT_MAX, snsSubject, subjectName } from './sns-text.ts';
import { multiLineText, oneLineText } from './user-text.ts';

/** A motion alert to send, if the cooldown allows. */
export interface AlertCandidate {
  /** The e-mail subject. */
  subject: string;
  /** The e-mail body (and what any other protocol gets). */
  message: string;
  /** The SMS: camera, local time, link. */
  sms: string;
}

/** Where an alert's links point: the web app (`webUrl` context in AWS, the local app's URL locally). */
export interface AlertLinks {
  webUrl?: string;
}

/** The web app's page of a clip. */
export function clipPageUrl(webUrl: string, clipId: string): string {
  return `${webUrl.replace(/\/+$/, '')}/clips/${encodeURIComponent(clipId)}`;
}

/**
 * The SNS message of an alert, one form per protocol (Publish with MessageStructure `json`):
 * `sms` for phones, `email` for mail, `default` for any other subscription.
 */
export function perProtocolMessage(candidate: AlertCandidate): string {
  return JSON.stringify({ default: candidate.message, email: candidate.message, sms: candidate.sms });
}

export type AlertPolicyOutcome = { send: false; reason: 'alerts-off' | 'channel-none' | 'quiet-hours' | 'home-mode' } | { send: true; candidate: AlertCandidate; channels: Array<'email' | 'sms'> };

/** SNS: a subject is less than 100 characters (see sns-text.ts). */
export const SUBJECT_MAX = SNS_SUBJECT_MAX;
/** The first line of the message is what an SMS shows. */
export const SMS_LINE_MAX = 140;

/**
 * The camera's own settings decide first (alerts off, no channel, quiet hours), then the
 * system's mode at capture time (`home`: only cameras that alert when home). The cooldown
 * comes after, in DynamoDB (decide-alert.ts).
 */
export function alertPolicy(state: WorkflowState, settings: CameraSettings, links: AlertLinks = {}, mode: 'home' | 'away' = 'away'): AlertPolicyOutcome {
  if (!settings.alertsEnabled) return { send: false, reason: 'alerts-off' };
  const channels = protocolsOf(settings.alertChannels);
  if (channels.length === 0) return { send: false, reason: 'channel-none' };
  const capturedAt = state.validation?.capturedAt ?? state.clip.uploadedAt;
  if (settings.quietHours && inQuietHours(capturedAt, settings.quietHours, settings.timeZone)) return { send: false, reason: 'quiet-hours' };
  if (mode === 'home' && !settings.alertWhenHome) return { send: false, reason: 'home-mode' };
  return { send: true, candidate: alertText(state, settings, links), channels };
}

/** The `lastAlertAt` at or before which a new alert may be sent. */
export function cooldownCutoff(now: Date, cooldownSeconds: number): string {
  return new Date(now.getTime() - cooldownSeconds * 1000).toISOString();
}

/** Whether an ISO time falls in quiet hours [start, end) in a time zone; start > end spans midnight. */
export function inQuietHours(at: string, quiet: { start: string; end: string }, timeZone: string): boolean {
  const minutes = minutesOfDay(at, timeZone);
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * The alert's subject (e-mail subject line) and message (e-mail body; its first line is what
 * an SMS shows). Whatever the camera's stored name holds, the subject is one SNS accepts
 * (printable ASCII, < 100 characters: see sns-text.ts) and the message carries no control
 * characters besides its line breaks.
 */
export function alertText(state: WorkflowState, settings: CameraSettings, links: AlertLinks = {}): AlertCandidate {
  const { clip, validation } = state;
  const capturedAt = validation?.capturedAt ?? clip.uploadedAt;
  const when = localTime(capturedAt, settings.timeZone);
  const seconds = validation?.probe?.durationSeconds;
  const duration = seconds && seconds > 0 ? `${Math.max(1, Math.round(seconds))} s` : undefined;
  const name = storedDisplayName(settings.displayName, clip.camera);
  const subjectTail = ` at ${when.time}${duration ? ` (${duration})` : ''}`;
  const subject = snsSubject(`Motion: ${fit(subjectName(name, clip.camera), SNS_SUBJECT_MAX - 'Motion: '.length - subjectTail.length, '...')}${subjectTail}`, `Motion: ${clip.camera}`);
  const first = truncate(`Motion on ${name} at ${when.dateTime}${duration ? `, ${duration} clip` : ''}.`, SMS_LINE_MAX);
  const video = validation?.probe?.video;
  const details = [
    `Camera: ${name} (${clip.camera})`,
    `Captured: ${when.dateTime} (${capturedAt})`,
    duration ? `Duration: ${duration}` : undefined,
    video ? `Video: ${video.width}x${video.height} ${oneLineText(video.codec)}` : undefined,
    `Clip: ${clip.clipId}`,
    `Upload: s3://${clip.bucket}/${oneLineText(clip.key)}`,
    // The poster is made while the alert goes out: the clip's page shows it once rendered.
    ...(links.webUrl ? [`Watch: ${clipPageUrl(links.webUrl, clip.clipId)}`, `Poster: ${clipPageUrl(links.webUrl, clip.clipId)}#poster`] : []),
    validation?.mediaPrefix ? `Playback: ${oneLineText(validation.mediaPrefix)}` : undefined,
  ].filter((line): line is string => line !== undefined);
  const smsText = truncate(`Motion: ${name}, ${when.short}`, SMS_LINE_MAX);
  const sms = oneLineText(links.webUrl ? `${smsText} ${clipPageUrl(links.webUrl, clip.clipId)}` : smsText);
  return { subject, message: multiLineText([first, '', ...details].join('\n')), sms };
}

export function skippedDecision(reason: Exclude<AlertSkipReason, 'failed'>): AlertDecision {
  return { send: false, reason };
}

function localTime(at: string, timeZone: string): { time: string; dateTime: string; short: string } {
  const date = new Date(at);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const zone = timeZone === 'UTC' ? ' UTC' : '';
  // The SMS: "1 Dec 14:30:22 CET", the camera's zone named as its people read it.
  const short = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' })
    .format(date)
    .replace(',', '');
  return { time: `${parts.hour}:${parts.minute}${zone}`, dateTime: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}${zone}`, short };
}

function minutesOfDay(at: string, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return Number(parts.hour) * 60 + Number(parts.minute);
}

function clockMinutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function truncate(text: string, max: number): string {
  return fit(text, max, '…');
}

/** `text` cut to `max` characters, ending in `ellipsis` when cut. */
function fit(text: string, max: number, ellipsis: string): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - ellipsis.length))}${ellipsis}`;
}
