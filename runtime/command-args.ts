/**
 * Flags of a small `camflow` command, read the same way by each: an unknown or malformed
 * flag prints the error and the usage line (exit code 1), `--help`/`-h` prints the usage
 * (exit code 0). Otherwise the parsed values and positionals.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export type CommandArgs<V> = { values: V & { help?: boolean }; positionals: string[] } | { exitCode: number };

export function commandArgs<V>(args: string[], options: Options, usage: string, print: (line: string) => void, allowPositionals = false): CommandArgs<V> {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals, options: { ...options, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      print(usage);
      return { exitCode: 0 };
    }
    return { values: values as V & { help?: boolean }, positionals };
  } catch (error) {
    print((error as Error).message);
    print(usage);
    return { exitCode: 1 };
  }
}
