/**
 * Text that people type (camera names, time zones, e-mail addresses) is data, never
 * control (pure). Two sides:
 * - `userTextProblem` checks a new value before it is stored: no control characters (C0,
 *   DEL, C1 — line breaks, tabs, terminal escape sequences), no bidirectional overrides or
 *   isolates (they make `txt.exe` read as `exe.txt`), no line/paragraph separators, well-formed
 *   Unicode, bounded length. The API answers 400 with its sentence.
 * - `emailAddressProblem` does the same for alert recipients (plain `name@example.com`).
 * - `oneLineText` / `multiLineText` clean a value that is already stored (written before
 *   validation existed, or straight into DynamoDB) before it goes into an alert.
 */

/** Longest camera display name, in UTF-16 code units (what `String.length` counts). */
export const DISPLAY_NAME_MAX = 80;
/** Longest IANA time zone name accepted. */
export const TIME_ZONE_MAX = 64;

/** ESC-started terminal sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ESC \`), and two-byte escapes. */
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])|\u009b[0-?]*[ -/]*[@-~]/g;
/** C0 controls, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Line and paragraph separators (U+2028, U+2029): line breaks by another name. */
const SEPARATOR = /[\u2028\u2029]/;
/** A UTF-16 surrogate that is not half of a pair (JSON and DynamoDB cannot carry it faithfully). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

const UNSAFE_RUN = new RegExp(`(?:${CONTROL.source}|${BIDI.source}|${SEPARATOR.source}|[\\ud800-\\udfff])+`, 'gu');

/**
 * Why `value` is not acceptable as one line of user text, as a sentence the API puts after
 * the field name (`displayName: must not …`), or undefined when it is fine.
 */
export function userTextProblem(value: string, max: number = DISPLAY_NAME_MAX): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it contains half of a surrogate pair)';
  if (CONTROL.test(value) || SEPARATOR.test(value)) return 'must be one line of plain text: no line breaks, tabs or control characters (such as terminal escape sequences)';
  if (BIDI.test(value)) return 'must not contain bidirectional text controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069)';
  if (value.trim() !== value) return 'must not start or end with spaces';
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters`;
  return undefined;
}

/**
 * A stored value made safe for one line of an alert: escape sequences dropped whole, every
 * other control, bidi control, separator or lone surrogate becomes a space (a run of them one
 * space), the ends are trimmed — other text, spacing included, is kept as typed — and the length is cut to `max` (on a code point boundary). May be ''.
 */
export function oneLineText(value: unknown, max = Number.POSITIVE_INFINITY): string {
  if (typeof value !== 'string') return '';
  // Spaces around what is removed fold into one; spacing elsewhere is kept as typed (an accepted name reads back unchanged).
  const text = value
    .replace(ESCAPE_SEQUENCE, '')
    .replace(new RegExp(`[ \\t]*(?:${UNSAFE_RUN.source})[ \\t]*`, 'gu'), ' ')
    .trim();
  return cutAt(text, max);
}

/**
 * A stored or built message made safe for an alert body (e-mail text, SMS): line breaks
 * (CR, CRLF, U+2028/9) become `\n`, tabs stay, escape sequences are dropped whole and every
 * other control, bidi control or lone surrogate is removed.
 */
export function multiLineText(value: string): string {
  return value
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/gu, '');
}

/** `text` cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/** Longest e-mail address (RFC 5321 path limit). */
export const EMAIL_MAX = 254;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/u;

/** Why `address` is not a plain e-mail address (`name@example.com`), or undefined. */
export function emailAddressProblem(address: string): string | undefined {
  const problem = userTextProblem(address, EMAIL_MAX);
  if (problem) return problem;
  return EMAIL.test(address) ? undefined : 'must be a plain e-mail address such as name@example.com (no display name, no spaces)';
}
