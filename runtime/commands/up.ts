/**
 * `camflow up [--demo]`: the whole stack on 127.0.0.1 until Ctrl-C (`camflow up --help`: every flag). With `--demo`, a short
 * clip for camera `demo` is made with ffmpeg, uploaded, and followed state by state.
 */
import { DEFAULT_PORTS, DEFAULT_SWEEP_EVERY_SECONDS, DEFAULT_WEB_PORT } from '../local-defaults.ts';
import { CommandLineInvalid, helpText, parseCommandLine, usageError, type CommandLine, type CommandSpec, type Flag } from '../../domain/command-line.ts';

export interface UpOptions {
  demo: boolean;
  dataDirectory?: string;
  ports: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  resume: boolean;
  exitAfterDemo: boolean;
  verbose: boolean;
  /** The web app's port (default 5173, 0 for a free one). */
  webPort?: number;
  /** Serve the built app (default); false leaves its port to Vite's dev server, still admitted by CORS. */
  serveWeb: boolean;
  /** Seconds between two runs of the sweeper (0: never); default DEFAULT_SWEEP_EVERY_SECONDS. */
  sweepEverySeconds?: number;
  /** `--help` was given: print the help, start nothing. */
  help?: boolean;
}

const PORT_ENV: Record<keyof typeof DEFAULT_PORTS, string> = {
  s3: 'CAMFLOW_S3_PORT',
  dynamodb: 'CAMFLOW_DYNAMODB_PORT',
  stepFunctions: 'CAMFLOW_STEPFUNCTIONS_PORT',
  api: 'CAMFLOW_API_PORT',
};
const PORT_FLAGS: Record<string, keyof typeof DEFAULT_PORTS> = { 's3-port': 's3', 'dynamodb-port': 'dynamodb', 'stepfunctions-port': 'stepFunctions', 'api-port': 'api' };
const PORT_NAMES: Record<keyof typeof DEFAULT_PORTS, string> = { s3: 'S3', dynamodb: 'DynamoDB', stepFunctions: 'Step Functions', api: 'REST API' };

export const SPEC: CommandSpec = {
  command: 'camflow up',
  synopsis: '[--demo] [--data DIR] [--verbose] [--no-resume] [--no-web] [--<service>-port PORT]',
  summary:
    'Runs the whole stack on 127.0.0.1 until Ctrl-C: S3, DynamoDB, Step Functions running the synthesized workflow, the tasks, the REST API and the web app. With --demo, a short clip for camera `demo` is made with ffmpeg, uploaded and followed state by state.',
  flags: {
    demo: { type: 'boolean', help: 'upload a demo clip and follow it; create the admin user demo (password kept in DIR/demo-login.json)' },
    'exit-after-demo': { type: 'boolean', help: 'with --demo: stop once the demo clip is done (exit code 0 if it succeeded)' },
    data: { type: 'string', value: 'DIR', help: 'where everything persists (objects, table, executions, outbox, metrics)', default: '.camflow', env: 'CAMFLOW_DATA' },
    verbose: { type: 'boolean', help: "print the handlers' JSON logs at INFO and their metric lines", default: 'warnings and errors only' },
    'no-resume': { type: 'boolean', help: 'fail the executions a previous run left running, instead of resuming them' },
    'sweep-every': {
      type: 'string',
      value: 'SECONDS',
      help: 'how often the sweeper restarts uploads stuck in PROCESSING (0: never)',
      default: String(DEFAULT_SWEEP_EVERY_SECONDS),
      env: 'CAMFLOW_SWEEP_SECONDS',
    },
    ...Object.fromEntries(
      Object.entries(PORT_FLAGS).map(([flag, service]) => [
        flag,
        { type: 'string', value: 'PORT', help: `the ${PORT_NAMES[service]} port (0: any free port)`, default: String(DEFAULT_PORTS[service]), env: PORT_ENV[service] } satisfies Flag,
      ]),
    ),
    'web-port': {
      type: 'string',
      value: 'PORT',
      help: 'the web app port, the only origin the API and S3 admit by CORS (0: any free port)',
      default: String(DEFAULT_WEB_PORT),
      env: 'CAMFLOW_WEB_PORT',
    },
    'no-web': { type: 'boolean', help: "do not serve the built web app: leave its port to Vite's dev server (npm run web:dev)" },
  },
  environment: {
    CAMFLOW_SMTP_URL: 'mail alerts and operations messages through this server, smtp://user:pass@host:587 (default: kept in DIR/outbox only)',
    CAMFLOW_SMTP_FROM: 'the sender of that mail (default: camflow <camflow@localhost>)',
    CAMFLOW_ALERT_EMAILS: 'where motion alerts are mailed (comma-separated addresses)',
    CAMFLOW_OPERATIONS_EMAILS: 'where operations messages are mailed (default: CAMFLOW_ALERT_EMAILS)',
    'POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_DISABLED': "the handlers' log level and metric lines, when set (else as --verbose says)",
  },
  notes: 'A flag wins over its variable. Exit code: 1 a bad option or the stack cannot start; with --exit-after-demo, 0 the demo clip succeeded.',
};

export function parseUpArguments(args: string[], env: NodeJS.ProcessEnv = process.env): UpOptions {
  const options: UpOptions = { demo: false, ports: {}, serveWeb: true, resume: true, exitAfterDemo: false, verbose: false, dataDirectory: env.CAMFLOW_DATA };
  let parsed: CommandLine<Record<string, string | boolean | undefined>>;
  try {
    parsed = parseCommandLine(SPEC, args);
  } catch (error) {
    if (!(error instanceof CommandLineInvalid)) throw error;
    throw new CommandLineInvalid(usageError(SPEC, error.message));
  }
  if (parsed.help) return { ...options, help: true };
  const values = parsed.values as Record<string, string | undefined> & Record<'demo' | 'exit-after-demo' | 'no-resume' | 'verbose' | 'no-web', boolean | undefined>;
  for (const [name, variable] of Object.entries(PORT_ENV) as Array<[keyof typeof DEFAULT_PORTS, string]>) {
    if (env[variable]) options.ports[name] = parsePort(env[variable], variable);
  }
  if (env.CAMFLOW_WEB_PORT) options.webPort = parsePort(env.CAMFLOW_WEB_PORT, 'CAMFLOW_WEB_PORT');
  if (env.CAMFLOW_SWEEP_SECONDS) options.sweepEverySeconds = parseSeconds(env.CAMFLOW_SWEEP_SECONDS, 'CAMFLOW_SWEEP_SECONDS');
  options.demo = values.demo === true;
  options.exitAfterDemo = values['exit-after-demo'] === true;
  options.resume = values['no-resume'] !== true;
  options.verbose = values.verbose === true;
  options.serveWeb = values['no-web'] !== true;
  if (values['web-port'] !== undefined) options.webPort = parsePort(values['web-port'], '--web-port');
  if (values.data !== undefined) options.dataDirectory = values.data;
  if (values['sweep-every'] !== undefined) options.sweepEverySeconds = parseSeconds(values['sweep-every'], '--sweep-every');
  for (const [flag, service] of Object.entries(PORT_FLAGS)) if (values[flag] !== undefined) options.ports[service] = parsePort(values[flag], `--${flag}`);
  return options;
}

function parseSeconds(value: string, source: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400) throw new Error(`camflow up: ${source} must be whole seconds from 0 (never) to 86400, not ${JSON.stringify(value.slice(0, 40))}`);
  return seconds;
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`camflow up: ${source} must be a port number (0 for any free port), not "${value}"`);
  return port;
}

export async function run(args: string[]): Promise<number> {
  let options: UpOptions;
  try {
    options = parseUpArguments(args);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  if (options.help) {
    console.log(helpText(SPEC));
    return 0;
  }
  // The stack, the web app and the demo are loaded only now: `--help` and a bad flag answer at once.
  const { runUp } = await import('./up-stack.ts');
  return runUp(options);
}
