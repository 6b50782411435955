/**
 * Fuzzing camera settings with arbitrary Unicode (fast-check): whatever is sent to the API
 * is either refused with a clear sentence, or accepted — and then the alert built from it
 * has a subject SNS accepts, a message without control characters, and a printed line that
 * cannot drive a terminal. The same holds for whatever sits in DynamoDB, bypassing the API.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CameraSettingsBody } from '../api/schemas.ts';
import { summaryLine } from '../runtime/outbox.ts';
import { isTerminalSafe } from '../runtime/terminal-text.ts';
import type { CameraRecord, WorkflowState } from './clip-contract.ts';
import { alertText } from './alert-policy.ts';
import { cameraSettings } from './camera-settings.ts';
import { isValidSnsSubject } from './sns-text.ts';

const RUNS = 600;
/** A message may hold line breaks and tabs, nothing else below U+0020, no DEL/C1, no bidi controls, no lone surrogates. */
const MESSAGE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|[\ud800-\udfff]/u;

const state: WorkflowState = {
  clip: { clipId: 'front-door-0123456789abcdef', camera: 'front-door', bucket: 'camflow-uploads', key: 'front-door/clip.mp4', size: 1000, etag: 'abc', uploadedAt: '2024-05-01T10:00:05.000Z' },
  validation: { kind: 'video', capturedAt: '2024-05-01T10:00:00.000Z', probe: { container: 'mp4', durationSeconds: 12.4, sizeBytes: 1000, video: { codec: 'h264', width: 1280, height: 720 } } },
};

/** Pieces that break things: escapes, line breaks, bidi controls, half surrogate pairs, combining marks. */
const nasty = fc.constantFrom(
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u001b[31m',
  '\u001b]0;x\u0007',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u2028',
  '\ud83d',
  '\ude00',
  '😀',
  'e\u0301',
  'Ö',
  '玄関',
  '\ufeff',
  ' ',
  '  ',
  '"',
  '\\',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 100 }),
  fc.array(fc.oneof(nasty, fc.string({ unit: 'grapheme-ascii', maxLength: 8 })), { maxLength: 30 }).map((parts) => parts.join('')),
);
const zone = fc.oneof(fc.constantFrom('Europe/Paris', 'America/New_York', 'UTC', 'Asia/Tokyo'), text);
const clock = fc.oneof(fc.constantFrom('00:00', '06:30', '22:00', '23:59'), text);
const body = fc.record(
  {
    displayName: text,
    timeZone: zone,
    quietHours: fc.oneof(fc.constant(null), fc.record({ start: clock, end: clock })),
    alertsEnabled: fc.boolean(),
    cooldownSeconds: fc.integer({ min: 0, max: 86_400 }),
  },
  { requiredKeys: [] },
);

function expectSafeAlert(record: Partial<CameraRecord>, key = state.clip.key): void {
  const settings = cameraSettings('front-door', record, {});
  const { subject, message } = alertText({ ...state, clip: { ...state.clip, key } }, settings);
  expect(isValidSnsSubject(subject), JSON.stringify(subject)).toBe(true);
  expect(MESSAGE_CONTROL.test(message), JSON.stringify(message)).toBe(false);
  const printed = summaryLine({ topic: 'MotionAlerts', subject, message });
  expect(isTerminalSafe(printed), JSON.stringify(printed)).toBe(true);
}

describe('camera settings, fuzzed', () => {
  it('the API schema refuses with a clear sentence, or accepts values that make a valid alert', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(body, (sent) => {
        const parsed = CameraSettingsBody.safeParse(sent);
        if (!parsed.success) {
          refused++;
          const issue = parsed.error.issues[0]!;
          // The API answers 400 with `${field}: ${message}`: the field is named, the sentence is plain text.
          if (Object.keys(sent).length > 0) expect(issue.path.length, JSON.stringify(issue)).toBeGreaterThan(0);
          expect(issue.message).toMatch(/^(must|give|Invalid|Too|Expected)/i);
          expect(isTerminalSafe(issue.message)).toBe(true);
          return;
        }
        accepted++;
        const { quietHours, ...rest } = parsed.data;
        const record: Partial<CameraRecord> = { ...rest, ...(quietHours ? { quietHours } : {}) };
        // What is stored is one line of plain text, trimmed.
        if (record.displayName !== undefined) {
          expect(record.displayName).toBe(record.displayName.trim());
          expect(MESSAGE_CONTROL.test(record.displayName) || /[\n\t]/.test(record.displayName)).toBe(false);
          expect(cameraSettings('front-door', record, {}).displayName).toBe(record.displayName);
        }
        expectSafeAlert(record);
      }),
      { numRuns: RUNS },
    );
    // Both sides were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('values written straight into DynamoDB (no validation) still make a valid alert', () => {
    const anything = fc.oneof(text, fc.integer(), fc.constant(null), fc.constant(undefined), fc.boolean());
    fc.assert(
      fc.property(fc.record({ displayName: anything, timeZone: anything, quietHours: fc.oneof(anything, fc.record({ start: clock, end: clock })) }, { requiredKeys: [] }), text, (stored, key) => {
        expectSafeAlert(stored as Partial<CameraRecord>, key);
      }),
      { numRuns: RUNS },
    );
  });
});
