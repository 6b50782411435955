/**
 * The cameras' clock zone, as the gateway reads the times in their file names. When the
 * cameras keep the box's own zone (the default: no `cameraTimeZone`, or the same name), times
 * are read through Date's local time, and UTC as offset 0: the gateway never loads ICU's date
 * formatting data, which a long-lived process would keep in memory (about 7 MB; README, "The
 * gateway", Measured). Another `cameraTimeZone` is read through Intl, as before.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { localZoneOffset, zoneOffsetOf, type ZoneOffset } from '../domain/capture-time.ts';

/** Where a Linux box names its zone (a test points them elsewhere). */
export interface ZoneFiles {
  /** A symlink into the zoneinfo database (`/usr/share/zoneinfo/Europe/Berlin`). */
  localtime: string;
  /** Debian's one-line zone name. */
  timezone: string;
}

const SYSTEM_ZONE_FILES: ZoneFiles = { localtime: '/etc/localtime', timezone: '/etc/timezone' };

/** `…/zoneinfo/Europe/Berlin` or `:Europe/Berlin` → `Europe/Berlin`. */
function zoneName(text: string): string | undefined {
  const name = text.trim().replace(/^:/, '');
  const inDatabase = /(?:^|\/)zoneinfo\/(.+)$/.exec(name);
  const result = inDatabase ? inDatabase[1]! : name;
  return result && !result.startsWith('/') ? result : undefined;
}

/**
 * The zone this process's local time is in, found without Intl: TZ (read, never written), else
 * the target of /etc/localtime under zoneinfo/, else /etc/timezone. undefined when none says.
 */
export function boxTimeZone(env: Readonly<Record<string, string | undefined>> = process.env, files: ZoneFiles = SYSTEM_ZONE_FILES): string | undefined {
  // An empty TZ is UTC for the C library and for node alike.
  if (env.TZ !== undefined) return env.TZ === '' ? 'UTC' : zoneName(env.TZ);
  try {
    const name = zoneName(readlinkSync(files.localtime));
    if (name) return name;
  } catch {
    // Not a symlink, or absent: try /etc/timezone.
  }
  try {
    return zoneName(readFileSync(files.timezone, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The cameras' zone: none configured is the box's own (Date's local time); else by name (zoneOffsetOf). */
export function cameraZoneOffset(cameraTimeZone: string | undefined, boxZone: string | undefined = boxTimeZone()): ZoneOffset {
  return cameraTimeZone === undefined ? localZoneOffset : zoneOffsetOf(cameraTimeZone, boxZone);
}
