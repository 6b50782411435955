import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localZoneOffset } from '../domain/capture-time.ts';
import { tempDirectory } from './test-support.ts';
import { boxTimeZone, cameraZoneOffset } from './time-zone.ts';

describe("the box's time zone, found without Intl", () => {
  const directory = tempDirectory('time-zone');
  const zoneinfo = join(directory, 'usr/share/zoneinfo/America');
  mkdirSync(zoneinfo, { recursive: true });
  writeFileSync(join(zoneinfo, 'New_York'), 'TZif');
  const linked = { localtime: join(directory, 'localtime'), timezone: join(directory, 'timezone') };
  symlinkSync(join(zoneinfo, 'New_York'), linked.localtime);
  writeFileSync(linked.timezone, 'Europe/Paris\n');
  const onlyFile = { localtime: join(directory, 'absent'), timezone: linked.timezone };
  const none = { localtime: join(directory, 'absent'), timezone: join(directory, 'absent-too') };
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('TZ first (with or without its leading colon or a zoneinfo path), then /etc/localtime, then /etc/timezone', () => {
    expect(boxTimeZone({ TZ: 'Asia/Tokyo' }, linked)).toBe('Asia/Tokyo');
    expect(boxTimeZone({ TZ: ':Asia/Tokyo' }, linked)).toBe('Asia/Tokyo');
    expect(boxTimeZone({ TZ: ':/usr/share/zoneinfo/Asia/Tokyo' }, linked)).toBe('Asia/Tokyo');
    expect(boxTimeZone({ TZ: '' }, linked)).toBe('UTC');
    expect(boxTimeZone({}, linked)).toBe('America/New_York');
    expect(boxTimeZone({}, onlyFile)).toBe('Europe/Paris');
    expect(boxTimeZone({}, none)).toBeUndefined();
  });

  it("the cameras' zone: none or the box's own → Date's local time; another → Intl, same instants", () => {
    expect(cameraZoneOffset(undefined, 'Europe/Berlin')).toBe(localZoneOffset);
    expect(cameraZoneOffset('Europe/Berlin', 'Europe/Berlin')).toBe(localZoneOffset);
    const tokyo = cameraZoneOffset('Asia/Tokyo', 'Europe/Berlin');
    expect(tokyo).not.toBe(localZoneOffset);
    expect(tokyo(Date.UTC(2024, 6, 1))).toBe(9 * 3600_000);
    expect(cameraZoneOffset('UTC', 'Europe/Berlin')(Date.UTC(2024, 6, 1))).toBe(0);
  });
});
