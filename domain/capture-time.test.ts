import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureTimeOf, clipCaptureTime, localZoneOffset, NAMING_PATTERNS, parseTime, wallTimeToInstant, zoneOffsetOf } from './capture-time.ts';

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

describe("the offsets of a zone: UTC, Date (the process's own zone) or Intl", () => {
  it("UTC and its aliases are offset 0, the local zone is Date's, any other zone Intl's", () => {
    for (const utc of ['UTC', 'Etc/UTC', 'GMT', 'utc']) expect(zoneOffsetOf(utc, 'Europe/Berlin')(Date.UTC(2024, 6, 1))).toBe(0);
    expect(zoneOffsetOf('Europe/Berlin', 'Europe/Berlin')).toBe(localZoneOffset);
    expect(zoneOffsetOf('Europe/Berlin', 'Europe/Paris')(Date.UTC(2024, 6, 1))).toBe(2 * 3600_000);
    expect(zoneOffsetOf('Asia/Kolkata')(Date.UTC(2024, 0, 1))).toBe(5.5 * 3600_000);
  });

  // TZ is the process's: the zones are checked in one node started with TZ set to the first, which
  // sets TZ for each next one (node re-reads the zone when TZ is assigned). Every 15 minutes of 2019
  // and 2024 (DST rules changed in between in some zones), the offset and the instant of each wall
  // time — gaps (spring forward) and overlaps (fall back) included — from Date's local time must
  // equal Intl's for that zone. One node for all: a node under tsx per zone cost 0.35 s of CPU each.
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Kolkata'];
  const check = `
    const { localZoneOffset, zoneOffsetOf, wallTimeToInstant } = await import(${JSON.stringify(new URL('./capture-time.ts', import.meta.url).href)});
    const results = [];
    for (const zone of JSON.parse(process.argv[1])) {
      process.env.TZ = zone;
      const intl = zoneOffsetOf(zone), differ = [];
      let instants = 0, transitions = 0;
      for (const year of [2019, 2024]) {
        let previous;
        for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 15 * 60_000) {
          instants++;
          const date = localZoneOffset(t), byIntl = intl(t);
          if (previous !== undefined && byIntl !== previous) transitions++;
          previous = byIntl;
          if (date !== byIntl) differ.push(['offset', new Date(t).toISOString(), date, byIntl]);
          const w = new Date(t), wall = { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: 0, millisecond: 0 };
          const a = wallTimeToInstant(wall, localZoneOffset).getTime(), b = wallTimeToInstant(wall, zone).getTime();
          if (a !== b) differ.push(['wall', w.toISOString().slice(0, 16), new Date(a).toISOString(), new Date(b).toISOString()]);
        }
      }
      results.push({ zone, dateZone: Intl.DateTimeFormat().resolvedOptions().timeZone, instants, transitions, differ: differ.slice(0, 5) });
    }
    console.log(JSON.stringify(results));`;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  type ZoneResult = { zone: string; dateZone: string; instants: number; transitions: number; differ: unknown[] };
  let results: ZoneResult[] = [];
  beforeAll(() => {
    const out = execFileSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', check, JSON.stringify(zones)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: zones[0] },
      encoding: 'utf8',
    });
    results = JSON.parse(out) as ZoneResult[];
  });

  it.each(zones)('%s: Date gives the same offsets and instants as Intl, across DST changes', (zone) => {
    const result = results.find((r) => r.zone === zone)!;
    expect(result.zone).toBe(zone);
    // The process's own zone was this one while it was checked (as ICU names it: Asia/Kolkata is Asia/Calcutta).
    expect(result.dateZone).toBe(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);
    expect(result.instants).toBe((365 + 366) * 96);
    // Proof the check crossed DST changes: 2 a year where the zone has DST (Sao Paulo: 2019 only; Kolkata: none).
    expect(result.transitions).toBe({ 'America/Sao_Paulo': 1, 'Asia/Kolkata': 0 }[zone] ?? 4);
    expect(result.differ).toEqual([]);
  });
});

describe("a clip's capture time in the workflow, with its source", () => {
  const uploadedAt = '2024-05-01T10:00:00Z';

  it.each([
    ['ISO metadata wins', '2024-05-01T09:59:58Z', '2024-05-01T09:59:58.000Z'],
    ['offset metadata becomes UTC', '2024-05-01T11:59:58+02:00', '2024-05-01T09:59:58.000Z'],
    ['epoch seconds', '1714557598', '2024-05-01T09:59:58.000Z'],
    ['epoch milliseconds', '1714557598000', '2024-05-01T09:59:58.000Z'],
  ])('metadata: %s', (_name, metadata, expected) => {
    expect(clipCaptureTime({ key: 'garage/clip.mp4', capturedAtMetadata: metadata, uploadedAt })).toEqual({ capturedAt: expected, source: 'metadata' });
  });

  it.each([
    ['unparsable', 'yesterday'],
    ['a camera clock at 1970', '1970-01-01T00:00:05Z'],
    ['none', undefined],
  ])('metadata %s: the upload time when the name says nothing', (_name, metadata) => {
    expect(clipCaptureTime({ key: 'garage/clip.mp4', capturedAtMetadata: metadata, uploadedAt })).toEqual({ capturedAt: '2024-05-01T10:00:00.000Z', source: 'upload' });
  });

  // Uploaded straight to S3 (no gateway, no metadata): the key's file name, in the camera's zone.
  it.each([
    ['hikvision', 'porch/192.168.1.64_01_20240315143022123_MOTION_DETECTION.jpg', 'UTC', '2024-03-15T14:30:22.123Z'],
    ['dahua', 'garage/AMC0123ABCD/2024-03-15/001/dav/14/14.30.22-14.31.05[M][0@0][0].mp4', 'UTC', '2024-03-15T14:30:22.000Z'],
    ['reolink', 'frontdoor/FrontDoor_00_20240715143022.mp4', 'Europe/Paris', '2024-07-15T12:30:22.000Z'],
    ['foscam', 'yard/record/MDalarm_20240315_143022.mkv', 'America/New_York', '2024-03-15T18:30:22.000Z'],
    ['axis', 'drive/image24-03-15_14-30-22-45.jpg', 'UTC', '2024-03-15T14:30:22.450Z'],
    ['timestamp', 'gate/20240315_143022_1A2B_ACCC8E012345.mkv', 'Asia/Tokyo', '2024-03-15T05:30:22.000Z'],
    // What the gateway writes when its metadata is lost on the way (a copy between buckets): its key keeps the name.
    ['reolink', 'frontdoor/2024/03/15/FrontDoor_00_20240315143022.mp4', 'UTC', '2024-03-15T14:30:22.000Z'],
  ])('file name: %s %s (%s)', (naming, key, timeZone, expected) => {
    expect(clipCaptureTime({ key, uploadedAt, timeZone })).toEqual({ capturedAt: expected, source: 'file-name', naming });
  });

  it('the metadata beats the file name (the uploader read the original name and knew the zone)', () => {
    expect(clipCaptureTime({ key: 'porch/FrontDoor_00_20240315143022.mp4', capturedAtMetadata: '2024-03-15T13:30:22.000Z', uploadedAt, timeZone: 'UTC' }).source).toBe('metadata');
  });

  it('the camera id itself is never read as a time', () => {
    expect(clipCaptureTime({ key: '20240315-143022/clip.mp4', uploadedAt }).source).toBe('upload');
  });

  it('parseTime refuses empty input', () => {
    expect(parseTime('')).toBeUndefined();
    expect(parseTime(undefined)).toBeUndefined();
  });
});
