import { describe, expect, it } from 'vitest';
import { modeAt, scheduleProblem, type ModeSetting } from './system-mode.ts';

const weeknights: ModeSetting = {
  mode: 'schedule',
  // Home on weeknights from 18:30 to 07:45 the next morning, and all weekend, Paris time.
  schedule: {
    timeZone: 'Europe/Paris',
    home: [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '18:30', end: '07:45' },
      { days: ['sat', 'sun'], start: '00:00', end: '00:00' },
    ],
  },
};

describe('home and away', () => {
  it('home and away are fixed; nothing stored is away', () => {
    expect(modeAt({ mode: 'home' }, '2026-12-01T12:00:00Z')).toBe('home');
    expect(modeAt({ mode: 'away' }, '2026-12-01T12:00:00Z')).toBe('away');
    expect(modeAt(undefined, '2026-12-01T12:00:00Z')).toBe('away');
  });

  it.each([
    // 2026-12-01 is a Tuesday; Paris is UTC+1 in winter.
    ['Tuesday 12:00 Paris: away', '2026-12-01T11:00:00Z', 'away'],
    ['Tuesday 18:29 Paris: away', '2026-12-01T17:29:00Z', 'away'],
    ['Tuesday 18:30 Paris: home', '2026-12-01T17:30:00Z', 'home'],
    ['Tuesday 23:59 Paris: home', '2026-12-01T22:59:00Z', 'home'],
    ['Wednesday 00:30 Paris (Tuesday night, across midnight): home', '2026-12-01T23:30:00Z', 'home'],
    ['Wednesday 07:44 Paris: home', '2026-12-02T06:44:00Z', 'home'],
    ['Wednesday 07:45 Paris: away', '2026-12-02T06:45:00Z', 'away'],
    ['Monday 03:00 Paris (the Sunday home day ended at midnight): away', '2026-11-30T02:00:00Z', 'away'],
    ['Saturday 03:00 Paris (Friday night, across midnight): home', '2026-12-05T02:00:00Z', 'home'],
    ['Monday 09:00 Paris: away', '2026-11-30T08:00:00Z', 'away'],
    ['Saturday 15:00 Paris: home', '2026-12-05T14:00:00Z', 'home'],
    // Summer time: UTC+2. Tuesday 2026-07-07 18:45 Paris is 16:45 UTC.
    ['Tuesday 18:45 Paris in summer: home', '2026-07-07T16:45:00Z', 'home'],
    ['Tuesday 18:15 Paris in summer: away', '2026-07-07T16:15:00Z', 'away'],
  ])('%s', (_name, at, expected) => {
    expect(modeAt(weeknights, at)).toBe(expected);
  });

  it('reads the schedule in its own zone: the same instant is home in Tokyo and away in New York', () => {
    const nights = (timeZone: string): ModeSetting => ({ mode: 'schedule', schedule: { timeZone, home: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '20:00', end: '06:00' }] } });
    // 2026-12-01T12:00Z is 21:00 in Tokyo, 07:00 in New York.
    expect(modeAt(nights('Asia/Tokyo'), '2026-12-01T12:00:00Z')).toBe('home');
    expect(modeAt(nights('America/New_York'), '2026-12-01T12:00:00Z')).toBe('away');
  });

  it('says what is wrong with a schedule', () => {
    expect(scheduleProblem(weeknights.schedule!)).toBeUndefined();
    expect(scheduleProblem({ timeZone: 'Mars/Olympus', home: weeknights.schedule!.home })).toMatch(/timeZone/);
    expect(scheduleProblem({ timeZone: 'UTC', home: [] })).toMatch(/1 to 50 periods/);
    expect(scheduleProblem({ timeZone: 'UTC', home: [{ days: ['funday'], start: '10:00', end: '11:00' }] })).toMatch(/days/);
    expect(scheduleProblem({ timeZone: 'UTC', home: [{ days: ['mon'], start: '24:00', end: '11:00' }] })).toMatch(/start/);
  });
});
