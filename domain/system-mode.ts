/**
 * Home and away (pure): the household's system mode — `home`, `away`, or a weekly schedule of
 * the hours it is home — and which mode held at a given instant. In `home` mode only cameras
 * marked "alert when home" send motion alerts (outdoor ones, typically). A schedule's periods
 * are local times in its own time zone (daylight saving included) and may run across midnight
 * (`22:00`–`07:00` on Friday is Friday night into Saturday morning). Outside every period the
 * system is away. Stored as one catalog item (`keys.systemMode()`), set through the API.
 */
import { isTimeZone } from './camera-settings.ts';

export type SystemMode = 'home' | 'away';
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One stretch of home time: from `start` on each of `days` to `end` (the next day when `end` ≤ `start`). */
export interface HomePeriod {
  days: Weekday[];
  start: string;
  end: string;
}

export interface ModeSetting {
  mode: 'home' | 'away' | 'schedule';
  /** `schedule` only. */
  schedule?: { timeZone: string; home: HomePeriod[] };
  updatedAt?: string;
  updatedBy?: string;
}

/** With no setting stored, the system is away: every camera alerts as it always has. */
export const DEFAULT_MODE_SETTING: ModeSetting = { mode: 'away' };

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The mode in force at `at` (ISO 8601). */
export function modeAt(setting: ModeSetting | undefined, at: string): SystemMode {
  if (!setting || setting.mode === 'away') return 'away';
  if (setting.mode === 'home') return 'home';
  const schedule = setting.schedule;
  if (!schedule || scheduleProblem(schedule)) return 'away';
  const { weekday, minute } = localWeekMinute(at, schedule.timeZone);
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7]!;
  for (const period of schedule.home) {
    const start = minutes(period.start);
    const end = minutes(period.end);
    if (start < end) {
      if (period.days.includes(weekday) && minute >= start && minute < end) return 'home';
    } else {
      // Across midnight (or the whole day when start = end): the evening of a listed day, the morning after.
      if (period.days.includes(weekday) && minute >= start) return 'home';
      if (period.days.includes(yesterday) && minute < end) return 'home';
    }
  }
  return 'away';
}

/** What is wrong with a schedule, in a sentence; undefined when it is good. */
export function scheduleProblem(schedule: { timeZone?: unknown; home?: unknown }): string | undefined {
  if (typeof schedule.timeZone !== 'string' || !isTimeZone(schedule.timeZone)) return 'schedule.timeZone: must be an IANA time zone such as Europe/Paris';
  if (!Array.isArray(schedule.home) || schedule.home.length === 0 || schedule.home.length > 50) return 'schedule.home: give 1 to 50 periods of home time';
  for (const [i, period] of (schedule.home as Array<Partial<HomePeriod>>).entries()) {
    const at = `schedule.home[${i}]`;
    if (!Array.isArray(period?.days) || period.days.length === 0 || !period.days.every((d) => (WEEKDAYS as readonly string[]).includes(d))) return `${at}.days: list days as ${WEEKDAYS.join(', ')}`;
    if (typeof period.start !== 'string' || !CLOCK.test(period.start)) return `${at}.start: must be HH:MM (00:00 to 23:59)`;
    if (typeof period.end !== 'string' || !CLOCK.test(period.end)) return `${at}.end: must be HH:MM (00:00 to 23:59)`;
  }
  return undefined;
}

function localWeekMinute(at: string, timeZone: string): { weekday: Weekday; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at)).map((p) => [p.type, p.value]),
  );
  return { weekday: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}
