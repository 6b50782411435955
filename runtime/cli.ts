/**
 * `camflow <command> …` — one entry point, one module per command.
 * Each command module exports `run(args: string[]): Promise<number>` (the exit code).
 */
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

export function usage(): string {
  return ['usage: camflow <command> [options]', '', ...Object.values(commands).map((c) => `  camflow ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`camflow: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  const mod = (await import(command.module)) as { run: (args: string[]) => Promise<number> };
  return mod.run(args);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
