/**
 * A camera's effective settings (pure): what its catalog record says, else the defaults
 * the stack sets in the environment. A camera with no record yet (its first clip) gets
 * the defaults; defaults are never written into the record, so changing them applies to
 * every camera that has not chosen its own.
 */
import { ALERT_CHANNELS, ENV, RETENTION_CLASSES, type AlertChannels, type CameraRecord, type RetentionClass } from './clip-contract.ts';
import { DEFAULT_RENDER_PROFILE, isRenderProfile, type RenderProfile } from './render-profiles.ts';
import { DISPLAY_NAME_MAX, oneLineText, TIME_ZONE_MAX, userTextProblem } from './user-text.ts';

export { DISPLAY_NAME_MAX, TIME_ZONE_MAX } from './user-text.ts';

export interface CameraSettings {
  camera: string;
  displayName: string;
  alertsEnabled: boolean;
  cooldownSeconds: number;
  retentionClass: RetentionClass;
  quietHours?: { start: string; end: string };
  timeZone: string;
  /** What MediaConvert makes of the camera's clips: `passthrough` (default), `economy` or `full`. */
  renderProfile: RenderProfile;
  /** Where its alerts go: `email`, `sms`, `both` (default) or `none`. */
  alertChannels: AlertChannels;
  /** Alerts in `home` mode too (default false). */
  alertWhenHome: boolean;
}

export const DEFAULT_ALERT_CHANNELS: AlertChannels = 'both';

export function isAlertChannels(value: unknown): value is AlertChannels {
  return typeof value === 'string' && (ALERT_CHANNELS as readonly string[]).includes(value);
}

export const DEFAULT_COOLDOWN_SECONDS = 300;
export const DEFAULT_RETENTION_CLASS: RetentionClass = 'standard';

/**
 * The stack's camera defaults, under the variable names the stack sets (`DEFAULT_ALERT_COOLDOWN_SECONDS`,
 * `DEFAULT_RETENTION_CLASS`, `DEFAULT_RENDER_PROFILE`): read from a function's environment once, then passed.
 */
export type CameraDefaults = Readonly<Record<string, string | undefined>>;

/** The camera defaults in an environment (the variables above, where set). */
export function cameraDefaultsFrom(env: Record<string, string | undefined>): CameraDefaults {
  const names = [ENV.defaultCooldownSeconds, ENV.defaultRetentionClass, ENV.defaultRenderProfile];
  return Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
}

export function cameraSettings(camera: string, record: Partial<CameraRecord> | undefined, env: CameraDefaults): CameraSettings {
  const envCooldown = Number.parseInt(env[ENV.defaultCooldownSeconds] ?? '', 10);
  const envRetention = env[ENV.defaultRetentionClass];
  const envProfile = env[ENV.defaultRenderProfile];
  const settings: CameraSettings = {
    camera,
    displayName: storedDisplayName(record?.displayName, camera),
    alertsEnabled: record?.alertsEnabled ?? true,
    cooldownSeconds:
      typeof record?.cooldownSeconds === 'number' && record.cooldownSeconds >= 0 ? record.cooldownSeconds : Number.isFinite(envCooldown) && envCooldown >= 0 ? envCooldown : DEFAULT_COOLDOWN_SECONDS,
    retentionClass: isRetentionClass(record?.retentionClass) ? record.retentionClass : isRetentionClass(envRetention) ? envRetention : DEFAULT_RETENTION_CLASS,
    timeZone: typeof record?.timeZone === 'string' && isTimeZone(record.timeZone) ? record.timeZone : 'UTC',
    renderProfile: isRenderProfile(record?.renderProfile) ? record.renderProfile : isRenderProfile(envProfile) ? envProfile : DEFAULT_RENDER_PROFILE,
    alertChannels: isAlertChannels(record?.alertChannels) ? record.alertChannels : DEFAULT_ALERT_CHANNELS,
    alertWhenHome: record?.alertWhenHome === true,
  };
  if (record?.quietHours && isClock(record.quietHours.start) && isClock(record.quietHours.end)) settings.quietHours = { start: record.quietHours.start, end: record.quietHours.end };
  return settings;
}

/**
 * The name a camera is shown by, from what its record holds. A stored name may predate
 * validation (or be written straight into DynamoDB): it is made one line of plain text —
 * escape sequences dropped, line breaks and other controls turned into spaces — and cut to
 * DISPLAY_NAME_MAX; nothing left (or no name) means the camera id.
 */
export function storedDisplayName(stored: unknown, camera: string): string {
  return oneLineText(stored, DISPLAY_NAME_MAX) || camera;
}

/** Why `name` cannot be a camera's display name (a sentence for the API's 400), or undefined. */
export function displayNameProblem(name: string): string | undefined {
  return userTextProblem(name, DISPLAY_NAME_MAX);
}

/** Why `zone` cannot be a camera's time zone (a sentence for the API's 400), or undefined. */
export function timeZoneProblem(zone: string): string | undefined {
  const problem = userTextProblem(zone, TIME_ZONE_MAX);
  if (problem) return problem;
  return isTimeZone(zone) ? undefined : 'must be an IANA time zone, e.g. Europe/Paris';
}

export function isRetentionClass(value: unknown): value is RetentionClass {
  return typeof value === 'string' && (RETENTION_CLASSES as readonly string[]).includes(value);
}

function isClock(value: unknown): value is string {
  return typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

/** Whether `zone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
