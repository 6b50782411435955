import { describe, expect, it } from 'vitest';
import { FALLBACK_SUBJECT, isValidSnsSubject, SNS_SUBJECT_MAX, snsSubject, subjectName } from './sns-text.ts';

describe('isValidSnsSubject: what SNS Publish accepts', () => {
  it.each([['Motion: Front door at 10:00 UTC (12 s)'], ['"quoted" start'], ['1 camera'], ['x'.repeat(99)]])('accepts %j', (subject) => {
    expect(isValidSnsSubject(subject)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    [' leading space', 'must begin with a letter, number or punctuation'],
    ['Motion: Front\ndoor', 'line break'],
    ['Motion: \u001b[31mRed', 'control character'],
    ['Motion: Café', 'not ASCII'],
    ['x'.repeat(100), 'not less than 100 characters'],
    [42, 'not a string'],
  ] as Array<[unknown, string]>)('refuses %j (%s)', (subject) => {
    expect(isValidSnsSubject(subject)).toBe(false);
  });
});

describe('snsSubject: any text made into a valid subject', () => {
  it.each([
    ['Motion: Front door at 10:00', 'Motion: Front door at 10:00'],
    ['Motion: Front\ndoor\u001b[31m at 10:00', 'Motion: Front door at 10:00'],
    ['Motion: Café Müller', 'Motion: Cafe Muller'],
    ['Motion: 玄関', 'Motion: ??'],
    ['   \u202eMotion', 'Motion'],
    ['Motion: 😀 at 10:00', 'Motion: ? at 10:00'],
  ])('%j → %j', (text, subject) => {
    expect(snsSubject(text)).toBe(subject);
    expect(isValidSnsSubject(snsSubject(text))).toBe(true);
  });

  it('cuts a long text to 99 characters ending in "..."', () => {
    const subject = snsSubject(`Motion: ${'long name '.repeat(20)}`);
    expect(subject).toHaveLength(SNS_SUBJECT_MAX);
    expect(subject.endsWith('...')).toBe(true);
    expect(isValidSnsSubject(subject)).toBe(true);
  });

  it('falls back when nothing printable is left', () => {
    expect(snsSubject('\u001b[2J\n\t')).toBe(FALLBACK_SUBJECT);
    expect(snsSubject('\n', 'Motion: front-door')).toBe('Motion: front-door');
    expect(snsSubject('\n', '\n')).toBe(FALLBACK_SUBJECT);
  });
});

describe('subjectName', () => {
  it('uses the display name when it folds to ASCII, else the camera id', () => {
    expect(subjectName('Café', 'cafe-cam')).toBe('Cafe');
    expect(subjectName('玄関', 'genkan')).toBe('genkan');
    expect(subjectName('Front\u001b[31m door', 'front-door')).toBe('Front door');
  });
});
