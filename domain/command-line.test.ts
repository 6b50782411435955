/** The one way camflow programs read their command line. */
import { describe, expect, it } from 'vitest';
import { CommandLineInvalid, helpText, linesTo, parseCommandLine, readCommandLine, usageLine, type CommandSpec } from './command-line.ts';

const SPEC: CommandSpec = {
  command: 'camflow demo',
  synopsis: ['<file> [--camera ID] [--json]', ' [--no-resume]', 'other-form'],
  summary: 'A command for the test.',
  positionals: true,
  flags: {
    camera: { type: 'string', value: 'ID', help: 'the camera', default: 'camera', env: 'CAMFLOW_CAMERA' },
    json: { type: 'boolean', help: 'as JSON' },
    'no-resume': { type: 'boolean', help: 'do not resume' },
    verbose: { type: 'boolean', short: 'v', help: 'say more' },
  },
  environment: { AWS_REGION: 'the region' },
  notes: 'Exit code: 0 fine.',
};

describe('parseCommandLine', () => {
  it('reads flags (--flag VALUE, --flag=VALUE, short ones), booleans and positionals', () => {
    expect(parseCommandLine(SPEC, ['a.mp4', '--camera', 'porch', '--json', '-v', '--no-resume'])).toEqual({
      values: { camera: 'porch', json: true, verbose: true, 'no-resume': true },
      positionals: ['a.mp4'],
    });
    expect(parseCommandLine(SPEC, ['--camera=garage'])).toEqual({ values: { camera: 'garage' }, positionals: [] });
  });

  it('answers --help and -h', () => {
    expect(parseCommandLine(SPEC, ['x', '--help'])).toEqual({ help: true });
    expect(parseCommandLine(SPEC, ['-h'])).toEqual({ help: true });
  });

  it('refuses an unknown or misspelled flag, naming it and the flag meant', () => {
    expect(() => parseCommandLine(SPEC, ['--bogus'])).toThrow(new CommandLineInvalid('unknown option --bogus'));
    expect(() => parseCommandLine(SPEC, ['--jsno'])).toThrow('unknown option --jsno (did you mean --json?)');
    expect(() => parseCommandLine(SPEC, ['--camrea=x'])).toThrow('unknown option --camrea (did you mean --camera?)');
    expect(() => parseCommandLine(SPEC, ['--no-resum'])).toThrow('unknown option --no-resum (did you mean --no-resume?)');
    expect(() => parseCommandLine(SPEC, ['-x'])).toThrow('unknown option -x');
  });

  it('refuses a missing value, a value for a switch, and positionals where none are taken', () => {
    expect(() => parseCommandLine(SPEC, ['--camera'])).toThrow('--camera needs a value');
    expect(() => parseCommandLine(SPEC, ['--camera', '--json'])).toThrow(/--camera needs a value \(to give one that starts with '-', write --camera=VALUE\)/);
    expect(() => parseCommandLine(SPEC, ['--json=yes'])).toThrow('--json takes no value');
    expect(() => parseCommandLine({ ...SPEC, positionals: false }, ['extra'])).toThrow("unexpected argument 'extra'");
  });
});

describe('helpText', () => {
  it('lists usage, every flag with its value, default and variable, the environment and the notes', () => {
    const text = helpText(SPEC);
    expect(text.split('\n').slice(0, 3)).toEqual(['usage: camflow demo <file> [--camera ID] [--json]', '                    [--no-resume]', '       camflow demo other-form']);
    expect(text).toMatch(/^ {2}--camera ID +the camera \(default: camera; env CAMFLOW_CAMERA\)$/m);
    expect(text).toMatch(/^ {2}--json +as JSON$/m);
    expect(text).toMatch(/^ {2}-v, --verbose +say more$/m);
    expect(text).toMatch(/^ {2}-h, --help +print this help and exit$/m);
    expect(text).toMatch(/^Environment:\n {2}CAMFLOW_CAMERA +as --camera\n {2}AWS_REGION +the region$/m);
    expect(text.endsWith('\n\nExit code: 0 fine.')).toBe(true);
  });

  it('the usage line alone, for a missing argument', () => {
    expect(usageLine({ ...SPEC, synopsis: '<clip-id>' })).toBe('usage: camflow demo <clip-id>');
  });
});

describe('readCommandLine', () => {
  it('prints the help to out (exit 0) and an error with the usage to err (the usage exit code)', () => {
    const out: string[] = [];
    const err: string[] = [];
    const output = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(readCommandLine(SPEC, ['--help'], output)).toEqual({ exitCode: 0 });
    expect(out).toEqual([helpText(SPEC)]);
    expect(readCommandLine(SPEC, ['--bogus'], output, 2)).toEqual({ exitCode: 2 });
    expect(err[0]).toBe(`camflow demo: unknown option --bogus\n\n${usageLine(SPEC)}\n(camflow demo --help lists every option)`);
    expect(readCommandLine(SPEC, ['a', '--json'], output)).toEqual({ values: { json: true }, positionals: ['a'] });
  });

  it('through a line printer, one line at a time', () => {
    const lines: string[] = [];
    readCommandLine(
      SPEC,
      ['-h'],
      linesTo((line) => lines.push(line)),
    );
    expect(lines).toEqual(helpText(SPEC).split('\n'));
  });
});
