/** The one password prompt: on a (fake, then pseudo-) terminal nothing is echoed; from a pipe, one line. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from './password-hash.ts';
import { PasswordPromptCancelled, readPassword } from './password-prompt.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A terminal as readPassword sees one: isTTY, setRawMode, and what was written to the screen. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(raw: boolean) {
      input.rawModes.push(raw);
      return input;
    },
  });
  let screen = '';
  const output = new PassThrough();
  output.on('data', (chunk) => (screen += String(chunk)));
  return { input, output, screen: () => screen };
}

describe('readPassword on a terminal', () => {
  it('asks, reads keypresses in raw mode, echoes nothing, and leaves raw mode', async () => {
    const terminal = fakeTerminal();
    const answer = readPassword('Password: ', terminal);
    expect(terminal.input.rawModes).toEqual([true]);
    terminal.input.write('corr');
    terminal.input.write('ect hörse\r');
    expect(await answer).toBe('correct hörse');
    expect(terminal.input.rawModes).toEqual([true, false]);
    expect(terminal.screen()).toBe('Password: \n');
  });

  it('edits with Backspace and Ctrl-U, drops arrow keys, ends at Enter', async () => {
    const terminal = fakeTerminal();
    const answer = readPassword('P: ', terminal);
    terminal.input.write('wrong\u0015ab\u007fc\u001b[Dd\u001bOA\bé\n' + 'ignored after Enter');
    expect(await answer).toBe('acé');
    expect(terminal.screen()).toBe('P: \n');
  });

  it('is cancelled by Ctrl-C, and by Ctrl-D on an empty line, leaving raw mode', async () => {
    for (const key of ['sec\u0003', '\u0004']) {
      const terminal = fakeTerminal();
      const answer = readPassword('P: ', terminal);
      terminal.input.write(key);
      await expect(answer).rejects.toBeInstanceOf(PasswordPromptCancelled);
      expect(terminal.input.rawModes).toEqual([true, false]);
    }
  });
});

describe('readPassword from a pipe', () => {
  it('reads one line, without its line ending, and writes nothing', async () => {
    const input = new PassThrough();
    let written = '';
    const output = new PassThrough().on('data', (chunk) => (written += String(chunk)));
    const answer = readPassword('Password: ', { input, output });
    input.write('porch cam');
    input.write('era 2024\r\nsecond line\n');
    expect(await answer).toBe('porch camera 2024');
    expect(written).toBe('');
  });

  it('takes the whole input when it has no line ending', async () => {
    const input = new PassThrough();
    const answer = readPassword('', { input, output: new PassThrough() });
    input.end('no newline at the end');
    expect(await answer).toBe('no newline at the end');
  });
});

describe('`camflow gateway hash-password` on a pseudo-terminal (script -qec)', () => {
  it('asks twice, echoes neither password, prints a hash of it', async () => {
    const password = 'pässword-1 garage';
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} bin/camflow.js gateway hash-password`, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let typed = 0;
    child.stdout.on('data', (chunk) => {
      screen += String(chunk);
      // Type only once the question is on the screen, as a person does.
      if (typed === 0 && screen.includes('camera password: ')) {
        typed++;
        child.stdin.write(`${password}\r`);
      } else if (typed === 1 && screen.includes('again: ')) {
        typed++;
        child.stdin.write(`${password}\r`);
      }
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(screen).not.toContain('pässword');
    const hash = /scrypt\$\S+/.exec(screen)?.[0];
    expect(hash).toBeDefined();
    expect(await verifyPassword(password, hash!)).toBe(true);
  });

  it('refuses two different passwords', async () => {
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} bin/camflow.js gateway hash-password`, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (chunk) => {
      const before = screen;
      screen += String(chunk);
      if (!before.includes('camera password: ') && screen.includes('camera password: ')) child.stdin.write('first-password\r');
      else if (!before.includes('again: ') && screen.includes('again: ')) child.stdin.write('other-password\r');
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(screen).toContain('The two passwords differ.');
    expect(screen).not.toMatch(/first-password|other-password|scrypt\$/);
  });
});
