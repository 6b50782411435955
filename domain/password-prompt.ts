/**
 * The one password prompt of the camflow commands (`camflow users add`, `camflow gateway
 * hash-password`). On a terminal it reads raw keypresses and echoes nothing (Backspace and
 * Ctrl-U edit, Enter ends, Ctrl-C cancels); from a pipe or a file it reads one line. The
 * streams are passed in, so it is tested with a fake terminal as well as a pseudo-terminal.
 */

export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

export interface PromptStreams {
  input: PromptInput;
  /** Where the question goes (the terminal); never the password. */
  output: NodeJS.WritableStream;
}

/** Ctrl-C (or Ctrl-D on an empty line) at the prompt. */
export class PasswordPromptCancelled extends Error {
  override name = 'PasswordPromptCancelled';
  constructor() {
    super('No password entered (cancelled).');
  }
}

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\u007f', '\b']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';

/** Asks `question` and reads a password: keypresses unechoed on a terminal, else one line. */
export function readPassword(question: string, streams: PromptStreams): Promise<string> {
  return streams.input.isTTY && streams.input.setRawMode ? readFromTerminal(question, streams) : readLine(streams.input);
}

function readFromTerminal(question: string, { input, output }: PromptStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      // Escape sequences (arrows, function keys) are dropped whole.
      const keys = String(chunk).replace(/\u001b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g, '');
      for (const key of keys) {
        if (ENTER.has(key)) return finish();
        if (key === CTRL_C || (key === CTRL_D && typed === '')) return finish(new PasswordPromptCancelled());
        if (BACKSPACE.has(key)) typed = [...typed].slice(0, -1).join('');
        else if (key === CTRL_U) typed = '';
        else if (key >= ' ') typed += key;
      }
    };
    // Raw (no echo) before the question: whoever types after seeing it is never echoed.
    input.setRawMode!(true);
    output.write(question);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

/** One line from a pipe or file (without its line ending); the whole input if it has no line ending. */
function readLine(input: PromptInput): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (line: string) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', reject);
      input.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      text += String(chunk);
      const end = text.indexOf('\n');
      if (end !== -1) done(text.slice(0, end).replace(/\r$/, ''));
    };
    const onEnd = () => done(text.replace(/\r$/, ''));
    input.setEncoding('utf8');
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', reject);
    input.resume();
  });
}
