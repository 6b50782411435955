import { describe, expect, it } from 'vitest';
import { displayNameProblem, storedDisplayName, timeZoneProblem } from './camera-settings.ts';
import { cutAt, emailAddressProblem, multiLineText, oneLineText, userTextProblem } from './user-text.ts';

describe('userTextProblem: what a new display name may hold', () => {
  it.each([['Front door'], ['Café terrace'], ['玄関 カメラ'], ['Garage 👨‍👩‍👧 (kids)'], ['עברית'], ['x'.repeat(80)]])('accepts %j', (name) => {
    expect(userTextProblem(name)).toBeUndefined();
  });

  it.each([
    ['Front\ndoor', /one line of plain text/],
    ['Front\r\ndoor', /one line of plain text/],
    ['Front\tdoor', /one line of plain text/],
    ['\u001b[31mRed\u001b[0m', /control characters/],
    ['bell\u0007', /control characters/],
    ['del\u007f', /control characters/],
    ['csi\u009b31m', /control characters/],
    ['nul\u0000', /control characters/],
    ['line\u2028sep', /one line/],
    ['\u202egnp.exe', /bidirectional/],
    ['a\u2066b\u2069', /bidirectional/],
    ['mark\u200f', /bidirectional/],
    ['half \ud83d pair', /valid Unicode/],
    [' padded', /start or end with spaces/],
    ['', /must not be empty/],
    ['x'.repeat(81), /at most 80 characters/],
  ])('refuses %j with a sentence that says why', (name, reason) => {
    expect(userTextProblem(name)).toMatch(reason);
    expect(displayNameProblem(name)).toMatch(reason);
  });

  it('checks time zones as text first, then as IANA zones', () => {
    expect(timeZoneProblem('Europe/Paris')).toBeUndefined();
    expect(timeZoneProblem('Europe/Paris\n')).toMatch(/one line/);
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/IANA time zone/);
    expect(timeZoneProblem('x'.repeat(65))).toMatch(/at most 64/);
  });

  it.each([
    ['owner@home.test', undefined],
    ['a.b+alerts@mail.example.org', undefined],
    ['owner@home.test\r\nBcc: x@evil.test', /one line/],
    ['Owner <owner@home.test>', /plain e-mail address/],
    ['owner', /plain e-mail address/],
    ['owner@localhost', /plain e-mail address/],
  ])('e-mail address %j', (address, problem) => {
    if (problem) expect(emailAddressProblem(address)).toMatch(problem);
    else expect(emailAddressProblem(address)).toBeUndefined();
  });
});

describe('oneLineText: a stored value made safe for one line of an alert', () => {
  it.each([
    ['Front door', 'Front door'],
    ['Front\ndoor', 'Front door'],
    ['  Front \r\n\t door  ', 'Front door'],
    ['\u001b[31mFront door\u001b[0m', 'Front door'],
    ['\u001b]0;owned\u0007Front door', 'Front door'],
    ['Front\u001bdoor', 'Front door'],
    ['\u202eFront\u2066 door\u2069', 'Front door'],
    ['Front\u009b2Jdoor', 'Frontdoor'],
    ['half \ud83d pair', 'half pair'],
    ['\n\u001b[0m\t', ''],
  ])('%j → %j', (stored, shown) => {
    expect(oneLineText(stored)).toBe(shown);
  });

  it('is empty for what is not text, and cuts without splitting a surrogate pair', () => {
    expect(oneLineText(42)).toBe('');
    expect(oneLineText(undefined)).toBe('');
    expect(cutAt('ab😀', 3)).toBe('ab');
    expect(oneLineText('ab😀cd', 3)).toBe('ab');
  });

  it('gives the camera id when nothing is left of a stored name, and caps it at 80 characters', () => {
    expect(storedDisplayName('\u001b[2J\n', 'front-door')).toBe('front-door');
    expect(storedDisplayName(undefined, 'front-door')).toBe('front-door');
    expect(storedDisplayName('Front\ndoor\u001b[31m', 'front-door')).toBe('Front door');
    expect(storedDisplayName('y'.repeat(500), 'front-door')).toHaveLength(80);
  });
});

describe('multiLineText: an alert body', () => {
  it('keeps line breaks and tabs, drops escape sequences and other controls, and normalizes CR', () => {
    expect(multiLineText('Motion on \u001b[31mFront\u001b[0m.\r\n\r\nCamera:\tFront\u0000\u0085 door\u202e\u2028Clip: x')).toBe('Motion on Front.\n\nCamera:\tFront door\nClip: x');
  });
});
