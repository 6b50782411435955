/**
 * The `camflow` command line as the user meets it: `node bin/camflow.js …` (the real entry,
 * through tsx) for --version, --help, `help <command>` and unknown flags; then, in process,
 * every command's --help listing each of its flags with its default and variable.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CommandSpec } from '../domain/command-line.ts';
import { gatewayCommandSpecs } from '../gateway/gateway-command.ts';
import { main } from './cli.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'camflow-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function camflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/camflow.js'), ...args], { cwd: work, timeout: 60_000, env: { ...process.env, CAMFLOW_DATA: '' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('node bin/camflow.js', () => {
  it('--version and -V print the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await camflow(flag);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(`camflow ${version}`);
    }
  });

  it('`up --help` lists every flag of `up` with its default and variable, exit 0, nothing started', async () => {
    const { code, stdout } = await camflow('up', '--help');
    expect(code).toBe(0);
    for (const text of ['--demo', '--data DIR', '--verbose', '--no-resume', '--no-web', '--s3-port PORT', 'default: 4569; env CAMFLOW_S3_PORT', '--web-port PORT', 'CAMFLOW_SMTP_URL'])
      expect(stdout).toContain(text);
    expect(stdout).not.toContain('local stack is up');
  });

  it('`up` with a misspelled flag names it and the flag meant, exits non-zero and starts nothing', async () => {
    const data = join(work, 'never-created');
    const { code, stdout, stderr } = await camflow('up', '--data', data, '--verbos');
    expect(code).toBe(1);
    expect(stderr).toContain('camflow up: unknown option --verbos (did you mean --verbose?)');
    expect(stdout).toBe('');
    expect(existsSync(data)).toBe(false);
  });

  it('`help <command>` is `<command> --help`', async () => {
    const [viaHelp, viaFlag] = await Promise.all([camflow('help', 'gateway'), camflow('gateway', '--help')]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain('--config FILE');
  });

  it('`gateway status` no longer ignores a misspelled flag: it names it, exit 2', async () => {
    const { code, stdout, stderr } = await camflow('gateway', 'status', '--spool', work, '--jsno');
    expect(code).toBe(2);
    expect(stderr).toContain('camflow gateway status: unknown option --jsno (did you mean --json?)');
    expect(stdout).toBe('');
  });

  it('an unknown command or a flag before the command is an error naming it', async () => {
    const unknown = await camflow('deploy');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("camflow: unknown command 'deploy'");
    const flag = await camflow('--verbose', 'up');
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('camflow: unknown option --verbose');
  });
});

/** Runs `camflow <args>` in process; what it printed to stdout and stderr, and its exit code. */
async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function expectEveryFlag(help: string, spec: CommandSpec) {
  expect(help).toContain(`usage: ${spec.command}`);
  for (const [name, flag] of Object.entries(spec.flags)) {
    const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${name}`) || l.includes(`, --${name}`));
    expect(line, `--${name} in ${spec.command} --help`).toBeDefined();
    if (flag.default !== undefined) expect(line, `default of --${name}`).toContain(`default: ${flag.default}`);
    if (flag.env) {
      expect(line, `variable of --${name}`).toContain(`env ${flag.env}`);
      expect(help).toMatch(new RegExp(`^ {2}${flag.env} +as --${name}$`, 'm'));
    }
  }
  for (const variable of Object.keys(spec.environment ?? {})) expect(help).toContain(variable);
  expect(help).toMatch(/-h, --help/);
}

describe('every command answers --help with all its flags', () => {
  for (const name of ['up', 'plan', 'cost', 'executions', 'status', 'metrics', 'users']) {
    it(`camflow ${name} --help`, async () => {
      const { SPEC } = (await import(`./commands/${name}.ts`)) as { SPEC: CommandSpec };
      const help = await inProcess([name, '--help']);
      expect(help.code).toBe(0);
      expect(help.err).toBe('');
      expectEveryFlag(help.out, SPEC);
      expect(Object.keys(SPEC.flags).length).toBeGreaterThan(0);
      // An unknown flag is an error that names it, with the usage (no command runs).
      const wrong = await inProcess([name, '--not-a-flag']);
      expect(wrong.code).toBeGreaterThan(0);
      expect(`${wrong.out}\n${wrong.err}`).toContain('unknown option --not-a-flag');
    });
  }

  it('camflow gateway, gateway status and gateway hash-password --help', async () => {
    const specs = gatewayCommandSpecs('camflow gateway');
    for (const [args, spec] of [
      [['gateway'], specs.runSpec],
      [['gateway', 'status'], specs.statusSpec],
      [['gateway', 'hash-password'], specs.hashSpec],
    ] as const) {
      const help = await inProcess([...args, '--help']);
      expect(help.code).toBe(0);
      expectEveryFlag(help.out, spec);
      const wrong = await inProcess([...args, '--not-a-flag']);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain(`${spec.command}: unknown option --not-a-flag`);
    }
  });
});
