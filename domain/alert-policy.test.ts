import { describe, expect, it } from 'vitest';
import type { CameraRecord, WorkflowState } from './clip-contract.ts';
import { alertPolicy, alertText, cooldownCutoff, inQuietHours, perProtocolMessage, SMS_LINE_MAX, SUBJECT_MAX } from './alert-policy.ts';
import { cameraSettings, DEFAULT_COOLDOWN_SECONDS } from './camera-settings.ts';
import { isValidSnsSubject } from './sns-text.ts';

const state: WorkflowState = {
  clip: { clipId: 'front-door-0123456789abcdef', camera: 'front-door', bucket: 'camflow-uploads', key: 'front-door/clip.mp4', size: 123_456, etag: 'abc', uploadedAt: '2024-05-01T10:00:05.000Z' },
  validation: {
    kind: 'video',
    capturedAt: '2024-05-01T10:00:00.000Z',
    probe: { container: 'mp4', durationSeconds: 12.4, sizeBytes: 123_456, video: { codec: 'h264', width: 1920, height: 1080 } },
    mediaPrefix: 's3://camflow-media/front-door/2024/05/01/front-door-0123456789abcdef/',
  },
};

describe('cameraSettings', () => {
  it.each<[string, Partial<CameraRecord> | undefined, Record<string, string>, Partial<ReturnType<typeof cameraSettings>>]>([
    [
      'no record, no env: alerts on, 300 s, standard',
      undefined,
      {},
      { alertsEnabled: true, cooldownSeconds: DEFAULT_COOLDOWN_SECONDS, retentionClass: 'standard', displayName: 'front-door', timeZone: 'UTC' },
    ],
    ['no record: env defaults', undefined, { DEFAULT_ALERT_COOLDOWN_SECONDS: '60', DEFAULT_RETENTION_CLASS: 'archive' }, { cooldownSeconds: 60, retentionClass: 'archive' }],
    ['env cooldown 0 means no cooldown', undefined, { DEFAULT_ALERT_COOLDOWN_SECONDS: '0' }, { cooldownSeconds: 0 }],
    ['bad env values are ignored', undefined, { DEFAULT_ALERT_COOLDOWN_SECONDS: 'soon', DEFAULT_RETENTION_CLASS: 'forever' }, { cooldownSeconds: 300, retentionClass: 'standard' }],
    [
      'the record wins over env',
      { alertsEnabled: false, cooldownSeconds: 30, retentionClass: 'short', displayName: 'Front door' },
      { DEFAULT_ALERT_COOLDOWN_SECONDS: '60', DEFAULT_RETENTION_CLASS: 'archive' },
      { alertsEnabled: false, cooldownSeconds: 30, retentionClass: 'short', displayName: 'Front door' },
    ],
    [
      'quiet hours and zone kept when valid',
      { quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Europe/Paris' },
      {},
      { quietHours: { start: '22:00', end: '06:30' }, timeZone: 'Europe/Paris' },
    ],
    ['invalid quiet hours and zone dropped', { quietHours: { start: '25:00', end: '06:30' }, timeZone: 'Mars/Olympus' }, {}, { quietHours: undefined, timeZone: 'UTC' }],
  ])('%s', (_name, record, env, expected) => {
    const settings = cameraSettings('front-door', record, env);
    const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, settings[k as keyof typeof settings]]));
    expect(picked).toEqual(expected);
  });
});

describe('inQuietHours', () => {
  it.each([
    ['2024-05-01T23:30:00Z', { start: '22:00', end: '06:00' }, 'UTC', true],
    ['2024-05-01T05:59:00Z', { start: '22:00', end: '06:00' }, 'UTC', true],
    ['2024-05-01T06:00:00Z', { start: '22:00', end: '06:00' }, 'UTC', false],
    ['2024-05-01T21:59:00Z', { start: '22:00', end: '06:00' }, 'UTC', false],
    ['2024-05-01T12:30:00Z', { start: '12:00', end: '13:00' }, 'UTC', true],
    ['2024-05-01T13:00:00Z', { start: '12:00', end: '13:00' }, 'UTC', false],
    // 21:30 UTC is 23:30 in Paris (summer time).
    ['2024-05-01T21:30:00Z', { start: '22:00', end: '06:00' }, 'Europe/Paris', true],
    ['2024-05-01T21:30:00Z', { start: '22:00', end: '06:00' }, 'UTC', false],
    ['2024-05-01T12:00:00Z', { start: '08:00', end: '08:00' }, 'UTC', false],
  ])('%s in %j (%s) → %s', (at, quiet, zone, expected) => {
    expect(inQuietHours(at, quiet, zone)).toBe(expected);
  });
});

describe('alertPolicy', () => {
  it.each<[string, Partial<CameraRecord>, boolean, string?]>([
    ['alerts on', {}, true],
    ['alerts off', { alertsEnabled: false }, false, 'alerts-off'],
    ['in quiet hours', { quietHours: { start: '09:00', end: '11:00' } }, false, 'quiet-hours'],
    ['outside quiet hours', { quietHours: { start: '22:00', end: '06:00' } }, true],
  ])('%s → send %s', (_name, record, send, reason) => {
    const outcome = alertPolicy(state, cameraSettings('front-door', record, {}));
    expect(outcome.send).toBe(send);
    if (!outcome.send) expect(outcome.reason).toBe(reason);
  });
});

describe('alertPolicy: channels and home mode', () => {
  it.each<[string, Partial<CameraRecord>, 'home' | 'away', string | string[]]>([
    ['channels both (default)', {}, 'away', ['email', 'sms']],
    ['e-mail only', { alertChannels: 'email' }, 'away', ['email']],
    ['SMS only', { alertChannels: 'sms' }, 'away', ['sms']],
    ['no channel', { alertChannels: 'none' }, 'away', 'channel-none'],
    ['home, an indoor camera', {}, 'home', 'home-mode'],
    ['home, a camera that alerts when home', { alertWhenHome: true, alertChannels: 'sms' }, 'home', ['sms']],
    ['alerts off wins over everything', { alertsEnabled: false, alertChannels: 'none' }, 'home', 'alerts-off'],
    ['quiet hours come before the mode', { quietHours: { start: '09:00', end: '11:00' } }, 'home', 'quiet-hours'],
  ])('%s (%s)', (_name, record, mode, expected) => {
    const outcome = alertPolicy(state, cameraSettings('front-door', record, {}), {}, mode);
    if (Array.isArray(expected)) expect(outcome.send && outcome.channels).toEqual(expected);
    else expect(!outcome.send && outcome.reason).toBe(expected);
  });
});

describe('alert forms per protocol', () => {
  const webUrl = 'https://cams.example.com/';
  it('the SMS: display name, local time with its zone, the clip page; the e-mail: links to the clip and its poster', () => {
    const text = alertText(state, cameraSettings('front-door', { displayName: 'Front door', timeZone: 'America/New_York' }, {}), { webUrl });
    expect(text.sms).toBe('Motion: Front door, 1 May 06:00:00 GMT-4 https://cams.example.com/clips/front-door-0123456789abcdef');
    expect(text.message).toContain('Watch: https://cams.example.com/clips/front-door-0123456789abcdef');
    expect(text.message).toContain('Poster: https://cams.example.com/clips/front-door-0123456789abcdef#poster');
    expect(text.message).toContain('Duration: 12 s');
    expect(JSON.parse(perProtocolMessage(text))).toEqual({ default: text.message, email: text.message, sms: text.sms });
  });

  it('without a web URL, no links; a long name keeps the SMS short', () => {
    const text = alertText(state, cameraSettings('front-door', { displayName: 'A very long camera name '.repeat(10) }, {}));
    expect(text.message).not.toContain('Watch:');
    expect(text.sms.length).toBeLessThanOrEqual(SMS_LINE_MAX);
  });
});

describe('alertText', () => {
  it('names the camera, time and duration in the subject and the SMS line, the clip in the details', () => {
    const { subject, message } = alertText(state, cameraSettings('front-door', { displayName: 'Front door' }, {}));
    expect(subject).toBe('Motion: Front door at 10:00 UTC (12 s)');
    const [first, blank, ...details] = message.split('\n');
    expect(first).toBe('Motion on Front door at 2024-05-01 10:00:00 UTC, 12 s clip.');
    expect(blank).toBe('');
    expect(details).toContain('Clip: front-door-0123456789abcdef');
    expect(details).toContain('Video: 1920x1080 h264');
    expect(details).toContain('Upload: s3://camflow-uploads/front-door/clip.mp4');
  });

  it('writes local time in the camera zone', () => {
    const { subject } = alertText(state, cameraSettings('front-door', { timeZone: 'America/New_York' }, {}));
    expect(subject).toBe('Motion: front-door at 06:00 (12 s)');
  });

  it('keeps the subject within 100 characters and the first line SMS-sized, whatever the name', () => {
    const { subject, message } = alertText(state, cameraSettings('front-door', { displayName: 'A very long camera name '.repeat(10) }, {}));
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(message.split('\n')[0]!.length).toBeLessThanOrEqual(SMS_LINE_MAX);
  });
});

describe('alertText with a stored name that predates validation', () => {
  it.each([
    ['a line break and a colour escape', 'Front\ndoor \u001b[31mALARM\u001b[0m', 'Motion: Front door ALARM at 10:00 UTC (12 s)', 'Motion on Front door ALARM at'],
    ['a bidi override', '\u202eroodtnorF', 'Motion: roodtnorF at 10:00 UTC (12 s)', 'Motion on roodtnorF at'],
    ['accents', 'Café Müller', 'Motion: Cafe Muller at 10:00 UTC (12 s)', 'Motion on Café Müller at'],
    ['a name in another script', '玄関', 'Motion: front-door at 10:00 UTC (12 s)', 'Motion on 玄関 at'],
    ['nothing but controls', '\u001b[2J\r\n', 'Motion: front-door at 10:00 UTC (12 s)', 'Motion on front-door at'],
    ['a very long name', 'Ö'.repeat(300), `Motion: ${'O'.repeat(99 - 'Motion: '.length - ' at 10:00 UTC (12 s)'.length - 3)}... at 10:00 UTC (12 s)`, 'Motion on ÖÖÖ'],
  ])('%s: the subject is one SNS accepts, the message has no control characters', (_name, displayName, subject, firstLine) => {
    const text = alertText(state, cameraSettings('front-door', { displayName }, {}));
    expect(text.subject).toBe(subject);
    expect(isValidSnsSubject(text.subject)).toBe(true);
    expect(text.message.startsWith(firstLine)).toBe(true);
    expect(text.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('builds a valid subject even from settings that skipped cameraSettings', () => {
    const settings = { ...cameraSettings('front-door', undefined, {}), displayName: 'Front\ndoor\u001b[31m' };
    expect(alertText(state, settings).subject).toBe('Motion: Front door at 10:00 UTC (12 s)');
  });

  it('cleans an object key with control characters out of the message', () => {
    const odd: WorkflowState = { ...state, clip: { ...state.clip, key: 'front-door/\u001b[31mclip\n.mp4' } };
    const { message } = alertText(odd, cameraSettings('front-door', undefined, {}));
    expect(message.split('\n')).toContain('Upload: s3://camflow-uploads/front-door/clip .mp4');
  });
});

describe('cooldownCutoff', () => {
  it.each([
    [300, '2024-05-01T09:55:00.000Z'],
    [0, '2024-05-01T10:00:00.000Z'],
  ])('%d s before now', (seconds, cutoff) => {
    expect(cooldownCutoff(new Date('2024-05-01T10:00:00Z'), seconds)).toBe(cutoff);
  });
});
