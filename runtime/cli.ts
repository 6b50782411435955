/**
 * `camflow <command> …` — one entry point, one module per command.
 * Each command module exports `run(args: string[]): Promise<number>` (the exit code) and reads
 * its flags with domain/command-line.ts, so every command answers `--help` (every flag, its
 * default and variable) and names an unknown flag. `camflow help <command>` is `camflow <command> --help`.
 */
import { readFileSync } from 'node:fs';

const commands: Record<string, { module: string; summary: string }> = {
  plan: { module: './commands/plan.ts', summary: 'plan <clip-file> [--camera ID]   print what the workflow would do with a clip' },
  cost: { module: './commands/cost.ts', summary: 'cost [--profile all] [--json]     the monthly AWS bill by service, per render profile' },
  up: { module: './commands/up.ts', summary: 'up [--demo] [--data DIR]          run the whole stack on this machine' },
  executions: { module: './commands/executions.ts', summary: 'executions [--status S]          list clip workflow executions' },
  status: { module: './commands/status.ts', summary: 'status <clip-id>                 a clip workflow, state by state' },
  metrics: { module: './commands/metrics.ts', summary: 'metrics [--minutes N] [--json]   clips, times, minutes and alerts counted locally' },
  users: { module: './commands/users.ts', summary: 'users add NAME --role admin|viewer   create an API user (local)' },
  gateway: { module: '../gateway/gateway-command.ts', summary: 'gateway [status] [--config FILE]  the on-prem FTP gateway' },
};

/** The version in package.json. */
export function camflowVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function usage(): string {
  return [
    'usage: camflow <command> [options]',
    '       camflow <command> --help      every option of a command, its default and environment variable',
    '       camflow help <command>        the same',
    '       camflow --version',
    '',
    ...Object.values(commands).map((c) => `  camflow ${c.summary}`),
  ].join('\n');
}

async function runCommand(name: string, args: string[]): Promise<number> {
  const command = commands[name];
  if (!command) {
    console.error(`camflow: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  const mod = (await import(command.module)) as { run: (args: string[]) => Promise<number> };
  return mod.run(args);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`camflow ${camflowVersion()}`);
    return 0;
  }
  if (name === 'help' && args.length > 0) return runCommand(args[0]!, ['--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (name.startsWith('-')) {
    console.error(`camflow: unknown option ${name}: options come after the command\n\n${usage()}`);
    return 1;
  }
  return runCommand(name, args);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
