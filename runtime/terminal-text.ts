/**
 * What camflow prints to a terminal shows text, it never drives the terminal: a control
 * character (C0, DEL, C1 — ESC starts colour, cursor and title sequences), a bidirectional
 * override or isolate, a line/paragraph separator or a lone surrogate in a camera name, an
 * object key or an error cause is printed as its escape, `\x1b`, `\x0a`, `\u202e`.
 * Already-escaped text prints unchanged, so escaping twice is harmless.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|[\ud800-\udfff]/gu;

/** One printed line: every unsafe character shown as `\xHH` (below U+0100) or `\uHHHH`. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Whether `text` is safe to print as it is (nothing `terminalText` would escape). */
export function isTerminalSafe(text: string): boolean {
  return !new RegExp(UNSAFE.source, 'u').test(text);
}

/** `print` that escapes what it is given (see `terminalText`). */
export function safePrinter(print: (line: string) => void): (line: string) => void {
  return (line) => print(terminalText(line));
}
