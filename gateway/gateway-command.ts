/**
 * `camflow gateway …`
 *
 *   camflow gateway --config FILE [--watch DIR]    run the gateway (FTP server, or watch DIR)
 *   camflow gateway status --config FILE [--json]  queue, oldest waiting file, last success, last error
 *   camflow gateway status --spool DIR [--json]
 *   camflow gateway hash-password                  read a password (stdin or prompt), print its hash
 *
 * The config file may also come from $CAMFLOW_GATEWAY_CONFIG. S3 endpoint, region and
 * credentials come from the standard AWS variables (AWS_ENDPOINT_URL_S3, AWS_REGION,
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile/role).
 */
import { createInterface } from 'node:readline';
import { GatewayConfigInvalid, loadGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';
import { hashPassword } from './password.ts';
import { formatStatus, readStatus } from './status.ts';

const USAGE = `usage:
  camflow gateway --config FILE [--watch DIR]     run the gateway: the FTP server, or watch DIR (one folder per camera)
  camflow gateway status (--config FILE | --spool DIR) [--json]
  camflow gateway hash-password                   print the hash of a camera password (read from stdin or prompted)

S3 endpoint and credentials come from the standard AWS variables (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, ...).`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new GatewayConfigInvalid(`${name} needs a value`);
  return value;
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text.replace(/\r?\n$/, '');
  }
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      // Do not echo the password.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.includes(question)) process.stdout.write(question);
      };
      rl.question(question, (answer) => {
        rl.close();
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('camera password: ');
  const second = await ask('again: ');
  if (first !== second) throw new GatewayConfigInvalid('The two passwords differ.');
  return first;
}

export async function run(args: string[]): Promise<number> {
  try {
    if (args.includes('--help') || args.includes('-h')) {
      console.log(USAGE);
      return 0;
    }
    const [sub] = args;
    if (sub === 'hash-password') {
      console.log(await hashPassword(await readPassword()));
      return 0;
    }
    if (sub === 'status') {
      const spoolOption = option(args, '--spool');
      const configFile = option(args, '--config') ?? process.env.CAMFLOW_GATEWAY_CONFIG;
      const spoolDirectory = spoolOption ?? (configFile ? loadGatewayConfig(configFile).spoolDirectory : undefined);
      if (!spoolDirectory) throw new GatewayConfigInvalid('Say which gateway: --config FILE or --spool DIR.');
      const report = readStatus(spoolDirectory);
      console.log(args.includes('--json') ? JSON.stringify(report, null, 2) : formatStatus(report));
      return 0;
    }
    if (sub && !sub.startsWith('--')) {
      console.error(`camflow gateway: unknown subcommand '${sub}'\n\n${USAGE}`);
      return 1;
    }
    const configFile = option(args, '--config') ?? process.env.CAMFLOW_GATEWAY_CONFIG;
    if (!configFile) {
      console.error(`camflow gateway: --config FILE is required (start from gateway/gateway.example.jsonc)\n\n${USAGE}`);
      return 1;
    }
    const config = loadGatewayConfig(configFile);
    const watchDirectory = option(args, '--watch');
    const gateway = await startGateway(config, watchDirectory ? { watchDirectory } : {});
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
    console.error(`camflow gateway: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`);
    return e instanceof GatewayConfigInvalid ? 2 : 1;
  }
}
