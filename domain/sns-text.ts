/**
 * What SNS Publish accepts as a Subject, and how any text is made into one (pure).
 *
 * The Publish API reference has said both "Subjects must be ASCII text that begins with a
 * letter, number, or punctuation mark; must not include line breaks or control characters;
 * and must be less than 100 characters long" and, later, "UTF-8 text with no line breaks or
 * control characters, and less than 100 characters long"; SNS replaces a subject with control
 * or non-ASCII characters on some deliveries. camflow keeps to what both allow: printable
 * ASCII, starting with a letter, digit or punctuation mark, at most 99 characters. A subject
 * SNS refuses fails the publish (InvalidParameter, not retried) — so the subject is built
 * valid whatever a stored camera name holds.
 */
import { oneLineText } from './user-text.ts';

/** SNS: "less than 100 characters". */
export const SNS_SUBJECT_MAX = 99;
/** A subject used when nothing printable is left of the text. */
export const FALLBACK_SUBJECT = 'camflow notice';

const FIRST = '[A-Za-z0-9!-/:-@\\[-`{-~]';
const VALID_SUBJECT = new RegExp(`^${FIRST}[ -~]*$`);
const NOT_FIRST = new RegExp(`^[^A-Za-z0-9!-/:-@\\[-\`{-~]+`);

/** Whether SNS Publish accepts `subject` (see the module comment for the rule). */
export function isValidSnsSubject(subject: unknown): subject is string {
  return typeof subject === 'string' && subject.length >= 1 && subject.length <= SNS_SUBJECT_MAX && VALID_SUBJECT.test(subject);
}

/** `text` with accents folded to ASCII (`Café` → `Cafe`); other non-ASCII stays. */
export function foldToAscii(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** Whether `text` is printable ASCII only. */
export function isPrintableAscii(text: string): boolean {
  return /^[ -~]*$/.test(text);
}

/**
 * `text` as a valid SNS subject: made one line (controls and escape sequences dropped),
 * accents folded, any other non-ASCII character shown as `?`, leading characters SNS does
 * not accept dropped, cut to 99 characters with `...`; `fallback` when nothing is left.
 */
export function snsSubject(text: string, fallback: string = FALLBACK_SUBJECT): string {
  let subject = foldToAscii(oneLineText(text))
    .replace(/[^ -~]/gu, '?')
    .replace(/ {2,}/g, ' ')
    .replace(NOT_FIRST, '')
    .trimEnd();
  if (!subject) return fallback === FALLBACK_SUBJECT ? FALLBACK_SUBJECT : snsSubject(fallback);
  if (subject.length > SNS_SUBJECT_MAX) subject = `${subject.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...`;
  return subject;
}

/**
 * A camera's name for a subject: its display name when that folds to printable ASCII,
 * else its camera id (always ASCII) — `玄関` reads better as `genkan` than as `??`.
 */
export function subjectName(displayName: string, camera: string): string {
  const folded = foldToAscii(oneLineText(displayName));
  return folded && isPrintableAscii(folded) ? folded : camera;
}
