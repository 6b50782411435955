import { describe, expect, it } from 'vitest';
import { captureTimeOf, clipCaptureTime, NAMING_PATTERNS, parseTime, wallTimeToInstant } from './capture-time.ts';

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
