/**
 * `camflow gateway …` (and the gateway bundle, `node camflow-gateway.mjs …`)
 *
 *   camflow gateway --config FILE [--watch DIR]    run the gateway (FTP server, or watch DIR)
 *   camflow gateway status --config FILE [--json]  queue, oldest waiting file, last success, last error
 *   camflow gateway status --spool DIR [--json]
 *   camflow gateway hash-password                  read a password (stdin or prompt), print its hash
 *
 * Every form answers --help; flags are read by domain/command-line.ts (an unknown one is an
 * error that names it). The config file may also come from $CAMFLOW_GATEWAY_CONFIG. S3
 * endpoint, region and credentials come from the standard AWS variables (AWS_ENDPOINT_URL_S3,
 * AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile/role).
 */
import { readFileSync } from 'node:fs';
import { CONSOLE_OUTPUT, readCommandLine, usageError, type CommandSpec } from '../domain/command-line.ts';
import { PasswordPromptCancelled, readPassword } from '../domain/password-prompt.ts';
import { gatewayAwsFromEnvironment } from './aws-settings.ts';
import { GatewayConfigInvalid, loadGatewayConfig } from './config.ts';
import { hashCameraPassword, MIN_CAMERA_PASSWORD_LENGTH } from './password.ts';
import { formatStatus, readStatus } from './status.ts';

/** Set by gateway/build.ts in the bundle (esbuild `define`); from package.json otherwise. */
declare const CAMFLOW_GATEWAY_VERSION: string | undefined;

/** The version of camflow this gateway is. */
export function gatewayVersion(): string {
  if (typeof CAMFLOW_GATEWAY_VERSION === 'string') return CAMFLOW_GATEWAY_VERSION;
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const AWS_ENVIRONMENT = {
  AWS_ENDPOINT_URL_S3: 'the S3 endpoint (default: AWS itself)',
  AWS_REGION: 'the region of the uploads bucket',
  'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE': 'credentials (default: the standard AWS chain, a role on EC2)',
  AWS_ENDPOINT_URL_CLOUDWATCH: 'send heartbeat metrics there (config cloudWatch: "auto" sends them to AWS when a region is set and S3 is AWS)',
};

/** The command lines of the gateway program: run, `status`, `hash-password`. */
export function gatewayCommandSpecs(program: string) {
  const runSpec: CommandSpec = {
    command: program,
    synopsis: ['--config FILE [--watch DIR]', 'status (--config FILE | --spool DIR) [--json]', 'hash-password'],
    summary: 'The on-prem gateway: receives clips from the cameras (its FTP server, or a watched folder), keeps them in a spool on disk and uploads them to S3.',
    subcommands: {
      '(none)': 'run the gateway until Ctrl-C or SIGTERM',
      status: `queue, oldest waiting file, last success, last error (${program} status --help)`,
      'hash-password': `print the hash of a camera password for the config (${program} hash-password --help)`,
    },
    flags: {
      config: { type: 'string', value: 'FILE', help: 'the gateway config (start from gateway/gateway.example.jsonc)', env: 'CAMFLOW_GATEWAY_CONFIG' },
      watch: { type: 'string', value: 'DIR', help: 'watch DIR (one folder per camera) instead of serving FTP' },
      version: { type: 'boolean', short: 'V', help: 'print the version and exit' },
    },
    environment: AWS_ENVIRONMENT,
    notes: 'Exit code: 0 stopped cleanly, 1 failed, 2 the command line or the config is wrong.',
  };
  const statusSpec: CommandSpec = {
    command: `${program} status`,
    synopsis: '(--config FILE | --spool DIR) [--json]',
    summary: "The gateway's state from its spool: running or not, files waiting for S3, the oldest one, the last upload and the last error.",
    flags: {
      config: { type: 'string', value: 'FILE', help: 'the gateway config (its spoolDirectory is read)', env: 'CAMFLOW_GATEWAY_CONFIG' },
      spool: { type: 'string', value: 'DIR', help: 'the spool directory itself, instead of --config' },
      json: { type: 'boolean', help: 'print the report as JSON' },
    },
    notes: 'Exit code: 0 reported, 2 no gateway named or its config is wrong.',
  };
  const hashSpec: CommandSpec = {
    command: `${program} hash-password`,
    synopsis: '',
    summary: `Reads a camera password (at least ${MIN_CAMERA_PASSWORD_LENGTH} characters) — asked twice, unechoed, on a terminal; one line from stdin otherwise — and prints its hash for the config's cameras.<id>.passwordHash.`,
    flags: {},
  };
  return { runSpec, statusSpec, hashSpec };
}

async function promptCameraPassword(): Promise<string> {
  const streams = { input: process.stdin, output: process.stdout };
  if (!process.stdin.isTTY) return readPassword('', streams);
  const first = await readPassword('camera password: ', streams);
  const second = await readPassword('again: ', streams);
  if (first !== second) throw new GatewayConfigInvalid('The two passwords differ.');
  return first;
}

/** Runs the gateway command; `program` is how the user called it (for the help). Returns the exit code. */
export async function run(args: string[], program = 'camflow gateway'): Promise<number> {
  const { runSpec, statusSpec, hashSpec } = gatewayCommandSpecs(program);
  try {
    const [sub, ...rest] = args;
    if (sub === 'hash-password') {
      const parsed = readCommandLine(hashSpec, rest, CONSOLE_OUTPUT, 2);
      if ('exitCode' in parsed) return parsed.exitCode;
      console.log(await hashCameraPassword(await promptCameraPassword()));
      return 0;
    }
    if (sub === 'status') {
      const parsed = readCommandLine<{ config?: string; spool?: string; json?: boolean }>(statusSpec, rest, CONSOLE_OUTPUT, 2);
      if ('exitCode' in parsed) return parsed.exitCode;
      const { values } = parsed;
      const configFile = values.config ?? process.env.CAMFLOW_GATEWAY_CONFIG;
      const spoolDirectory = values.spool ?? (configFile ? loadGatewayConfig(configFile).spoolDirectory : undefined);
      if (!spoolDirectory) throw new GatewayConfigInvalid('Say which gateway: --config FILE or --spool DIR.');
      const report = readStatus(spoolDirectory);
      console.log(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
      return 0;
    }
    if (sub && !sub.startsWith('-')) {
      console.error(usageError(runSpec, `unknown subcommand '${sub}'`));
      return 1;
    }
    const parsed = readCommandLine<{ config?: string; watch?: string; version?: boolean }>(runSpec, args, CONSOLE_OUTPUT, 2);
    if ('exitCode' in parsed) return parsed.exitCode;
    const { values } = parsed;
    if (values.version) {
      console.log(`camflow-gateway ${gatewayVersion()}`);
      return 0;
    }
    const configFile = values.config ?? process.env.CAMFLOW_GATEWAY_CONFIG;
    if (!configFile) {
      console.error(usageError(runSpec, '--config FILE is required (start from gateway/gateway.example.jsonc)'));
      return 1;
    }
    const config = loadGatewayConfig(configFile);
    // The AWS settings, made once here from the environment and passed down as an object (on a box the
    // SDK's standard chain, AWS_ENDPOINT_URL_S3, AWS_REGION, credentials, decides what they leave out).
    const aws = gatewayAwsFromEnvironment(process.env);
    // Loaded only to run one: `status`, `hash-password` and `--help` answer without the FTP server and the AWS SDK (0.3 s sooner).
    const { startGateway } = await import('./gateway.ts');
    const gateway = await startGateway(config, { aws, ...(values.watch ? { watchDirectory: values.watch } : {}) });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await gateway.stop();
    // Everything is closed; should a library still hold a timer, do not wait for it.
    setTimeout(() => process.exit(0), 2000).unref();
    return 0;
  } catch (error) {
    const e = error as Error;
    if (e instanceof PasswordPromptCancelled) {
      console.error(`${program}: ${e.message}`);
      return 130;
    }
    console.error(`${program}: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`);
    return e instanceof GatewayConfigInvalid ? 2 : 1;
  }
}
