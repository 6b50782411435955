import { describe, expect, it } from 'vitest';
import { isTerminalSafe, safePrinter, terminalText } from './terminal-text.ts';

describe('terminalText: what camflow prints shows text, never drives the terminal', () => {
  it.each([
    ['Front door', 'Front door'],
    ['Café 玄関 😀', 'Café 玄関 😀'],
    ['\u001b[31mRed\u001b[0m', '\\x1b[31mRed\\x1b[0m'],
    ['two\nlines\r', 'two\\x0alines\\x0d'],
    ['tab\there', 'tab\\x09here'],
    ['bell\u0007 del\u007f csi\u009b', 'bell\\x07 del\\x7f csi\\x9b'],
    ['\u202egnp.exe', '\\u202egnp.exe'],
    ['iso\u2066late\u2069', 'iso\\u2066late\\u2069'],
    ['sep\u2028', 'sep\\u2028'],
    ['half \ud83d', 'half \\ud83d'],
  ])('%j → %j', (text, printed) => {
    expect(terminalText(text)).toBe(printed);
    expect(isTerminalSafe(terminalText(text))).toBe(true);
  });

  it('leaves escaped text as it is (escaping twice changes nothing)', () => {
    const once = terminalText('\u001b]0;title\u0007');
    expect(terminalText(once)).toBe(once);
  });

  it('safePrinter escapes every line it prints', () => {
    const printed: string[] = [];
    safePrinter((line) => printed.push(line))('camera \u001b[2J name');
    expect(printed).toEqual(['camera \\x1b[2J name']);
  });
});
