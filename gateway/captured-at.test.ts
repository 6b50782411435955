import { describe, expect, it } from 'vitest';
import { captureTimeOf, NAMING_PATTERNS, wallTimeToInstant } from './captured-at.ts';

const mtime = new Date('2030-01-02T03:04:05.000Z');

describe('capture time from camera file names', () => {
  it.each([
    ['hikvision', '192.168.1.64_01_20240315143022123_MOTION_DETECTION.jpg', '2024-03-15T14:30:22.123Z'],
    ['hikvision', 'DS-2CD2143G0_01_20240315143022456_LINE_CROSSING_DETECTION.jpg', '2024-03-15T14:30:22.456Z'],
    ['dahua', 'AMC0123ABCD/2024-03-15/001/jpg/14/30/22[M][0@0][0].jpg', '2024-03-15T14:30:22.000Z'],
    ['dahua', '6G0123PAZ/2024-03-15/001/dav/14/14.30.22-14.31.05[M][0@0][0].mp4', '2024-03-15T14:30:22.000Z'],
    ['reolink', 'FrontDoor_00_20240315143022.mp4', '2024-03-15T14:30:22.000Z'],
    ['reolink', 'RLC-810A_00_20240315143022.jpg', '2024-03-15T14:30:22.000Z'],
    ['foscam', 'MDAlarm_20240315-143022.jpg', '2024-03-15T14:30:22.000Z'],
    ['foscam', 'record/MDalarm_20240315_143022.mkv', '2024-03-15T14:30:22.000Z'],
    ['axis', 'image24-03-15_14-30-22-45.jpg', '2024-03-15T14:30:22.450Z'],
    ['timestamp', '20240315_143022_1A2B_ACCC8E012345.mkv', '2024-03-15T14:30:22.000Z'],
    ['timestamp', 'garage 2024-03-15 14-30-22.mp4', '2024-03-15T14:30:22.000Z'],
  ])('%s: %s', (make, name, expected) => {
    const t = captureTimeOf(name, mtime, 'UTC');
    expect(t.source).toBe(make);
    expect(t.capturedAt.toISOString()).toBe(expected);
  });

  it('every documented example matches its own pattern', () => {
    for (const naming of NAMING_PATTERNS) expect(captureTimeOf(naming.example, mtime, 'UTC').source, naming.example).toBe(naming.make);
  });

  it('falls back to the file time when the name says nothing or an impossible date', () => {
    for (const name of ['snapshot.jpg', 'clip.mp4', 'cam_00_20241345992299.mp4', '19990101_000000.mp4']) {
      expect(captureTimeOf(name, mtime, 'UTC'), name).toEqual({ capturedAt: mtime, source: 'file-mtime' });
    }
  });

  it("reads the name in the cameras' time zone, daylight saving included", () => {
    // Paris: UTC+1 in winter, UTC+2 in summer.
    expect(captureTimeOf('FrontDoor_00_20240115143022.mp4', mtime, 'Europe/Paris').capturedAt.toISOString()).toBe('2024-01-15T13:30:22.000Z');
    expect(captureTimeOf('FrontDoor_00_20240715143022.mp4', mtime, 'Europe/Paris').capturedAt.toISOString()).toBe('2024-07-15T12:30:22.000Z');
    expect(wallTimeToInstant({ year: 2024, month: 3, day: 10, hour: 12, minute: 0, second: 0, millisecond: 0 }, 'America/New_York').toISOString()).toBe('2024-03-10T16:00:00.000Z');
  });
});
