/**
 * `camflow up [--demo]`: the whole stack on 127.0.0.1 until Ctrl-C (`camflow up --help`: every flag). With `--demo`, a short
 * clip for camera `demo` is made with ffmpeg, uploaded, and followed state by state.
 */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoUserStore } from '../../api/auth/users.ts';
import { generatePassword } from '../../api/auth/passwords.ts';
import { DEFAULT_PORTS, DEFAULT_SWEEP_EVERY_SECONDS, localSettingsFrom, startLocalStack, type LocalStack } from '../local-stack.ts';
import { DEFAULT_WEB_PORT } from '../local-web.ts';
import { CommandLineInvalid, helpText, parseCommandLine, usageError, type CommandLine, type CommandSpec, type Flag } from '../../domain/command-line.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig } from '../local-credentials.ts';
import { followExecution } from '../execution-progress.ts';
import { clipIdFor } from '../../domain/clip-identity.ts';
import { defaultFfmpeg } from '../mediaconvert/ffmpeg-binary.ts';
import { ensureWebBuild } from '../web-build.ts';

const execFileAsync = promisify(execFile);

interface UpOptions {
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
  // The handlers' JSON logs (Powertools) at INFO with --verbose; warnings and errors otherwise
  // (POWERTOOLS_LOG_LEVEL, when set, wins). Their metric lines (EMF) too, with --verbose
  // (POWERTOOLS_METRICS_DISABLED wins); `camflow metrics` reads them either way.
  const observability = {
    logLevel: (process.env.POWERTOOLS_LOG_LEVEL || (options.verbose ? 'INFO' : 'WARN')) as LogLevel,
    metricsDisabled: process.env.POWERTOOLS_METRICS_DISABLED ? process.env.POWERTOOLS_METRICS_DISABLED.toLowerCase() === 'true' : !options.verbose,
  };
  // The app as built from the sources of this checkout (rebuilt when they changed).
  if (options.serveWeb) await ensureWebBuild({ print: (line) => console.log(line) });
  const stack = await startLocalStack({
    dataDirectory: options.dataDirectory,
    ports: options.ports,
    onInterrupted: options.resume ? 'resume' : 'fail',
    sweepEverySeconds: options.sweepEverySeconds,
    web: { port: options.webPort, serve: options.serveWeb },
    print: (line) => console.log(line),
    observability,
    // Limits, camera defaults, sweeper and mail settings set in this shell (read once, here).
    environment: localSettingsFrom(process.env),
  });
  printWelcome(stack);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\ncamflow: stopping (running executions are resumed at the next start)…');
    try {
      await stack.stop();
    } catch (error) {
      console.error(`camflow: stopping failed: ${(error as Error).message}`);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  if (options.demo) {
    if (stack.endpoints.api) printDemoLogin(stack, await demoLogin(stack));
    const ok = await runDemo(stack);
    if (options.exitAfterDemo) {
      await stack.stop();
      return ok ? 0 : 1;
    }
  }
  console.log('\ncamflow is running. Ctrl-C stops it; everything stays in ' + stack.dataDirectory);
  await new Promise(() => undefined);
  return 0;
}

function printWelcome(stack: LocalStack): void {
  const e = stack.endpoints;
  console.log(
    [
      '',
      'camflow local stack is up (data in ' + stack.dataDirectory + ')',
      `  S3              ${e.s3}   buckets ${stack.buckets.uploads}, ${stack.buckets.media}`,
      `  DynamoDB        ${e.dynamodb}   table ${stack.tableName}`,
      `  Step Functions  ${e.stepFunctions}   ${stack.stateMachineArn}`,
      e.api ? `  REST API        ${e.api}   (OpenAPI at ${e.api}/openapi.json)` : '',
      e.web ? `  Web app         ${e.web}   (the only origin the API and S3 admit by CORS)` : '',
      '',
      'Credentials for any AWS SDK or the AWS CLI:',
      `  export AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} AWS_REGION=${LOCAL_REGION} AWS_DEFAULT_REGION=${LOCAL_REGION}`,
      '',
      'Upload a clip of your own (the first folder is the camera id):',
      `  aws s3 cp clip.mp4 s3://${stack.buckets.uploads}/frontdoor/ --endpoint-url ${e.s3}`,
      'Then follow it:',
      `  npx camflow executions            npx camflow status <clip-id>`,
      `  aws stepfunctions --endpoint-url ${e.stepFunctions} list-executions --state-machine-arn ${stack.stateMachineArn}`,
    ].join('\n'),
  );
}

/** The demo's API user (admin), created once per data directory; its password is kept there. */
async function demoLogin(stack: LocalStack): Promise<{ username: string; password: string }> {
  const file = join(stack.dataDirectory, 'demo-login.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { username: string; password: string };
  const login = { username: 'demo', password: generatePassword() };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: stack.endpoints.dynamodb }));
  try {
    await dynamoUserStore(() => db, stack.tableName).add({ ...login, role: 'admin', replace: true });
  } finally {
    db.destroy();
  }
  writeFileSync(file, JSON.stringify(login), { mode: 0o600 });
  return login;
}

function printDemoLogin(stack: LocalStack, login: { username: string; password: string }): void {
  const api = stack.endpoints.api!;
  console.log(
    [
      '',
      stack.endpoints.web ? `Open the web app: ${stack.endpoints.web}  and sign in as ${login.username} / ${login.password} (admin)` : '',
      `REST API demo login (admin): ${login.username} / ${login.password}`,
      `  TOKEN=$(curl -s -X POST ${api}/auth/login -H 'content-type: application/json' \\`,
      `      -d '{"username":"${login.username}","password":"${login.password}"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
      `  curl -s -H "authorization: Bearer $TOKEN" ${api}/cameras/demo/clips`,
      'More users: npx camflow users add NAME --role admin|viewer',
    ].join('\n'),
  );
}

/** Makes an 8 s 720p clip with motion and sound, uploads it for camera `demo`, follows it. */
async function runDemo(stack: LocalStack): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'camflow-demo-'));
  try {
    const file = join(dir, 'demo.mp4');
    // Debian's ffmpeg when installed, else the npm-shipped one: `npm start` needs nothing else.
    await execFileAsync(defaultFfmpeg(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=25:duration=8',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000:duration=8',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      file,
    ]);
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const key = `demo/demo-${stamp}.mp4`;
    console.log(`\n[demo] uploading a 8 s 720p clip to s3://${stack.buckets.uploads}/${key}`);
    const put = await stack.clients.s3.send(
      new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: key, Body: readFileSync(file), ContentType: 'video/mp4', Metadata: { 'captured-at': new Date().toISOString() } }),
    );
    const clipId = clipIdFor({ bucket: stack.buckets.uploads, key, etag: put.ETag ?? '', versionId: put.VersionId });
    const result = await followExecution(stack, { clipId, print: (line) => console.log(`[demo] ${line}`) });
    return result === 'SUCCEEDED';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
