/**
 * The command line of every camflow program (`camflow …`, `camflow gateway …`, the gateway
 * bundle), read one way: each command describes its flags once, in a table, and that table
 * both parses (node:util `parseArgs`, strict: an unknown or misspelled flag is an error that
 * names it) and writes the `--help` text (every flag, its default and the environment variable
 * it reads). Pure: the caller prints and exits.
 */
import { parseArgs } from 'node:util';

export interface Flag {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in the help (`DIR`, `N`); string flags only. */
  value?: string;
  /** What it does, in a few words. */
  help: string;
  /** The default, in words, when the flag is not given. */
  default?: string;
  /** The environment variable read when the flag is not given. */
  env?: string;
}

export interface CommandSpec {
  /** The command as typed, e.g. `camflow up`. */
  command: string;
  /**
   * What follows the command on the usage line, e.g. `<clip-id> [--endpoint URL]`; one line per
   * form of the command when it has several; a line that starts with a space continues the one before.
   */
  synopsis: string | string[];
  /** What the command does, a sentence or two. */
  summary: string;
  flags: Record<string, Flag>;
  /** Whether the command takes positional arguments (default: none). */
  positionals?: boolean;
  /** Subcommands listed in the help: name (with its arguments) → what it does. */
  subcommands?: Record<string, string>;
  /** Environment variables read besides those named by a flag: name → meaning. */
  environment?: Record<string, string>;
  /** Closing paragraph: exit codes, where to read more. */
  notes?: string;
}

/** A command line that does not parse; the message names the flag or argument. */
export class CommandLineInvalid extends Error {
  override name = 'CommandLineInvalid';
}

export type CommandLine<V> = { help: true } | { help?: false; values: V; positionals: string[] };

const HELP_FLAG: Flag = { type: 'boolean', short: 'h', help: 'print this help and exit' };

/** The usage line(s): `usage: camflow status <clip-id> [--endpoint URL]`. */
export function usageLine(spec: CommandSpec): string {
  const lines = Array.isArray(spec.synopsis) ? spec.synopsis : [spec.synopsis];
  const indent = ' '.repeat('usage: '.length + spec.command.length + 1);
  return lines.map((line, i) => (line.startsWith(' ') ? `${indent}${line.trimStart()}` : `${i === 0 ? 'usage:' : '      '} ${spec.command}${line ? ` ${line}` : ''}`)).join('\n');
}

function column(rows: Array<[string, string]>): string[] {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) => (left.length + 2 > width ? `  ${left}\n  ${''.padEnd(width)}${right}` : `  ${left.padEnd(width)}${right}`));
}

/** The whole help: usage, summary, subcommands, every flag with its default and variable, the environment. */
export function helpText(spec: CommandSpec): string {
  const flags = { ...spec.flags, help: HELP_FLAG };
  const flagRows = Object.entries(flags).map(([name, flag]): [string, string] => {
    const left = `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    const extras = [flag.default !== undefined ? `default: ${flag.default}` : '', flag.env ? `env ${flag.env}` : ''].filter(Boolean);
    return [left, `${flag.help}${extras.length ? ` (${extras.join('; ')})` : ''}`];
  });
  const environment: Array<[string, string]> = [
    ...Object.entries(flags).flatMap(([name, flag]): Array<[string, string]> => (flag.env ? [[flag.env, `as --${name}`]] : [])),
    ...Object.entries(spec.environment ?? {}),
  ];
  const sections = [usageLine(spec), spec.summary];
  if (spec.subcommands) sections.push(['Commands:', ...column(Object.entries(spec.subcommands))].join('\n'));
  sections.push(['Options:', ...column(flagRows)].join('\n'));
  if (environment.length) sections.push(['Environment:', ...column(environment)].join('\n'));
  if (spec.notes) sections.push(spec.notes);
  return sections.join('\n\n');
}

/** The closest known flag to a misspelled one, if close enough to be a typo. */
function suggestion(unknown: string, spec: CommandSpec): string | undefined {
  const name = unknown.replace(/^-+/, '').split('=')[0]!;
  let best: { flag: string; distance: number } | undefined;
  for (const flag of [...Object.keys(spec.flags), 'help']) {
    const distance = editDistance(name, flag);
    if (distance <= Math.max(1, Math.floor(flag.length / 4)) && (!best || distance < best.distance)) best = { flag, distance };
  }
  return best && `--${best.flag}`;
}

/** Letters to insert, delete, change or swap with a neighbour to turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Parses `args` by `spec`; `{ help: true }` for `--help`/`-h`; throws `CommandLineInvalid` naming what is wrong. */
export function parseCommandLine<V>(spec: CommandSpec, args: string[]): CommandLine<V> {
  const options = Object.fromEntries(Object.entries({ ...spec.flags, help: HELP_FLAG }).map(([name, flag]) => [name, { type: flag.type, ...(flag.short ? { short: flag.short } : {}) }]));
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const near = suggestion(quoted, spec);
      throw new CommandLineInvalid(`unknown option ${quoted}${near ? ` (did you mean ${near}?)` : ''}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new CommandLineInvalid(`unexpected argument '${quoted}'`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = quoted.split(' ')[0]!;
      throw new CommandLineInvalid(
        /argument missing/.test(message)
          ? `${flag} needs a value`
          : /ambiguous/.test(message)
            ? `${flag} needs a value (to give one that starts with '-', write ${flag}=VALUE)`
            : `${flag} takes no value`,
      );
    }
    throw new CommandLineInvalid(message);
  }
  if (parsed.values.help) return { help: true };
  const { help: _help, ...values } = parsed.values;
  return { values: values as V, positionals: parsed.positionals };
}

export interface CommandOutput {
  /** Where the help goes (stdout). */
  out: (text: string) => void;
  /** Where errors go (stderr). */
  err: (text: string) => void;
}

/**
 * Parses `args` by `spec` and does what every command does with a help request or a bad
 * command line: the help on `out` (exit code 0), or the error, the usage line and where to
 * find the help on `err` (exit code `usageExitCode`). Otherwise the values and positionals.
 */
export function readCommandLine<V>(spec: CommandSpec, args: string[], output: CommandOutput, usageExitCode = 1): { values: V; positionals: string[] } | { exitCode: number } {
  try {
    const parsed = parseCommandLine<V>(spec, args);
    if (parsed.help) {
      output.out(helpText(spec));
      return { exitCode: 0 };
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof CommandLineInvalid)) throw error;
    output.err(usageError(spec, error.message));
    return { exitCode: usageExitCode };
  }
}

/** `camflow plan: --profile must be …`, the usage line, and where the whole help is. */
export function usageError(spec: CommandSpec, message: string): string {
  return `${spec.command}: ${message}\n\n${usageLine(spec)}\n(${spec.command} --help lists every option)`;
}

/** The standard output and error of the process. */
export const CONSOLE_OUTPUT: CommandOutput = { out: (text) => console.log(text), err: (text) => console.error(text) };

/** Help and errors through a printer of single lines (e.g. one that escapes control characters). */
export function linesTo(print: (line: string) => void): CommandOutput {
  const each = (text: string) => text.split('\n').forEach((line) => print(line));
  return { out: each, err: each };
}
