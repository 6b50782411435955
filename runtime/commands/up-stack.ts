/**
 * `camflow up` once its flags are read (up.ts): builds the web app when its sources changed,
 * starts the whole stack, prints where everything is and, with `--demo`, uploads a clip and
 * follows it. Loaded only then: `camflow up --help` and a misspelled flag need none of it.
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
import { localSettingsFrom, startLocalStack, type LocalStack } from '../local-stack.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig } from '../local-credentials.ts';
import { followExecution } from '../execution-progress.ts';
import { clipIdFor } from '../../domain/clip-identity.ts';
import { defaultFfmpeg } from '../mediaconvert/ffmpeg-binary.ts';
import { ensureWebBuild } from '../web-build.ts';
import type { UpOptions } from './up.ts';

const execFileAsync = promisify(execFile);

/** Runs the stack until Ctrl-C (or, with --exit-after-demo, until the demo clip is done); the exit code. */
export async function runUp(options: UpOptions): Promise<number> {
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
