/**
 * The whole camflow stack on one machine, in one process: S3 (s3rver), DynamoDB (dynalite),
 * the Step Functions endpoint running the clip workflow's ASL (rendered from the same CDK
 * stack that deploys to AWS), the trigger on every ObjectCreated, MediaConvert executed by
 * ffmpeg, the SNS outbox and the REST API. `camflow up` and every end-to-end test start it.
 */
import './node20-polyfills.ts';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { CATALOG_TABLE_NAME_LOCAL } from '../domain/catalog-table.ts';
import { ENV, STATE_MACHINE_NAME } from '../domain/clip-contract.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, localClientConfig, localS3ClientConfig } from './local-credentials.ts';
import { startLocalDynamoDB, type LocalDynamoDB } from './local-dynamodb.ts';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3, type ObjectCreatedNotice } from './local-s3.ts';
import { createLocalMediaConvert } from './mediaconvert/local-mediaconvert.ts';
import { isMediaConvertTask, mediaConvertTask } from './mediaconvert/mediaconvert-task.ts';
import { SWEEPER_ENV } from '../tasks/sweeper.ts';
import { dependenciesFromEnvironment, documentClient, type TaskDependencies, type TaskObservability } from '../tasks/dependencies.ts';
import { metricsLogFile } from './metrics-summary.ts';
import { createOutbox } from './outbox.ts';
import { terminalText } from './terminal-text.ts';
import { startLocalStepFunctions, type TaskRunner } from './step-functions/local-step-functions.ts';
import { stateMachineArn as localStateMachineArn } from './step-functions/arns.ts';
import { lambdaHandlerFor } from './task-handlers.ts';
import { clipWorkflowDefinition } from './clip-workflow-definition.ts';
import { reconcileUploads } from './upload-reconciler.ts';
import { startLocalWeb, type LocalWeb } from './local-web.ts';
import { DEFAULT_PORTS, DEFAULT_SWEEP_EVERY_SECONDS, DEFAULT_WEB_PORT } from './local-defaults.ts';
import { WEB_BUILD } from './web-build.ts';
import { encodeEventKey } from '../domain/upload-event.ts';

export interface LocalStackOptions {
  /** Everything persists here (default `.camflow`). */
  dataDirectory?: string;
  /** Ports on 127.0.0.1; 0 picks a free one. Defaults: S3 4569, DynamoDB 8000, Step Functions 8083, API 8080. */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** MediaConvert jobs run at once (default: number of cores). */
  renderConcurrency?: number;
  /** Executions cut off by a stop: resume them (default) or only mark them failed. */
  onInterrupted?: 'fail' | 'resume';
  /** SMTP server for alert and operations mail (else `CAMFLOW_SMTP_URL` of `environment`). */
  smtpUrl?: string;
  /** One line per notable event (alerts, progress); default console.log. */
  print?: (line: string) => void;
  /** Serve the REST API (default true). */
  api?: boolean;
  /**
   * Settings of the handlers (limits, cooldowns…) under the variable names the stack gives
   * its functions (e.g. `DEFAULT_ALERT_COOLDOWN_SECONDS`, `SWEEP_GRACE_SECONDS`), and of the
   * outbox's mail (`CAMFLOW_ALERT_EMAILS`…). They are this stack's own: `process.env` is
   * neither read for them nor written (`camflow up` passes `localSettingsFrom(process.env)`).
   */
  environment?: Record<string, string>;
  /** The handlers' log level and metric lines on stdout (`camflow up`: WARN and off, INFO and on with --verbose). Default: Powertools' own variables. */
  observability?: Pick<TaskObservability, 'logLevel' | 'metricsDisabled'>;
  /**
   * Run the sweeper (tasks/sweeper.ts) every this many seconds, as the schedule does in AWS
   * (default 60; 0: never). Its own settings come from the SWEEP_* variables.
   */
  sweepEverySeconds?: number;
  /**
   * The web app: served from `directory` (default web/dist) on `port` (default 5173, 0 for a
   * free one), its origin the only one the API and S3 admit by CORS. `serve: false` only admits
   * `http://127.0.0.1:{port}` (for Vite's dev server on that port). Default: no web app, no CORS.
   */
  web?: { port?: number; directory?: string; serve?: boolean };
  /** Lifetime of the API's playback links in seconds (default 900); tests shorten it to see links expire. */
  presignExpirySeconds?: number;
  /** Tests only: milliseconds before each retry, by state name, instead of the definition's intervals (see startLocalStepFunctions). */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /**
   * Tests only: make SNS Publish or a MediaConvert job fail as the service would, to see the
   * workflow handle it. Asked before each call with the request and the Task state's name;
   * an Error returned is thrown instead (its `name` is the state's error, e.g.
   * `SNS.AuthorizationErrorException`). Never set by the runtime.
   */
  faults?: { publish?: ServiceFault; render?: ServiceFault };
}

/** See `LocalStackOptions.faults`. */
export type ServiceFault = (request: Record<string, unknown>, stateName: string) => Error | undefined;

export interface LocalStack {
  dataDirectory: string;
  endpoints: { s3: string; dynamodb: string; stepFunctions: string; api?: string; web?: string };
  ports: Record<keyof typeof DEFAULT_PORTS, number>;
  buckets: typeof LOCAL_BUCKETS;
  tableName: string;
  stateMachineArn: string;
  /** SDK clients for the local endpoints (tests and the demo use them). */
  clients: { s3: S3Client; sfn: SFNClient };
  /** What this stack's handlers are given (clients for its endpoints, its settings): tests call a task's `createHandler` with it. */
  taskDependencies: TaskDependencies;
  outbox: ReturnType<typeof createOutbox>;
  /** Resolves when every trigger has run and no execution or render job is running. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** The variables of the stack's settings (see `LocalStackOptions.environment`). */
export const LOCAL_SETTING_VARIABLES: readonly string[] = [
  ENV.maxClipBytes,
  ENV.maxClipSeconds,
  ENV.hlsLadder,
  ENV.defaultRetentionClass,
  ENV.defaultCooldownSeconds,
  ENV.defaultRenderProfile,
  ...Object.values(SWEEPER_ENV),
  'CAMFLOW_SMTP_URL',
  'CAMFLOW_SMTP_FROM',
  'CAMFLOW_ALERT_EMAILS',
  'CAMFLOW_OPERATIONS_EMAILS',
];

/** The stack's settings found in an environment (`camflow up` reads its own once, at start). */
export function localSettingsFrom(env: Record<string, string | undefined>): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const name of LOCAL_SETTING_VARIABLES) {
    const value = env[name];
    if (value !== undefined) settings[name] = value;
  }
  return settings;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function choosePorts(requested: LocalStackOptions['ports'], chosen: Set<number>): Promise<Record<keyof typeof DEFAULT_PORTS, number>> {
  const ports = { ...DEFAULT_PORTS, ...requested };
  for (const name of Object.keys(ports) as Array<keyof typeof DEFAULT_PORTS>) {
    if (ports[name] === 0) chosen.add((ports[name] = await freePort()));
  }
  return ports;
}

/** A port camflow chose itself (port 0 asked for) was taken by someone else before its server listened on it. */
export function lostChosenPort(error: unknown, chosen: Set<number>): boolean {
  const failure = error as NodeJS.ErrnoException & { port?: number };
  return failure?.code === 'EADDRINUSE' && typeof failure.port === 'number' && chosen.has(failure.port);
}

/**
 * The whole stack on this machine. Ports asked for as 0 are chosen free before the services
 * start (each service's endpoint is known to the others up front); another process, or an
 * outgoing connection, can take one in between. Then the stack starts again on other free
 * ports (three tries); a port the caller named is never replaced: its EADDRINUSE is theirs.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  for (let attempt = 1; ; attempt++) {
    const chosen = new Set<number>();
    try {
      return await startLocalStackOn(await choosePorts(options.ports, chosen), options);
    } catch (error) {
      if (attempt >= 3 || !lostChosenPort(error, chosen)) throw error;
    }
  }
}

/** A Lambda context for handlers run in-process (what the Lambda runtime would pass). */
function lambdaContext(functionName: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function startLocalStackOn(ports: Record<keyof typeof DEFAULT_PORTS, number>, options: LocalStackOptions): Promise<LocalStack> {
  const dataDirectory = resolve(options.dataDirectory ?? '.camflow');
  mkdirSync(dataDirectory, { recursive: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const tableName = CATALOG_TABLE_NAME_LOCAL;
  const sfnEndpoint = `http://127.0.0.1:${ports.stepFunctions}`;
  const stateMachineArn = localStateMachineArn(STATE_MACHINE_NAME);

  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
  };

  try {
    // The web app listens first: its actual port makes the one origin CORS admits.
    let web: LocalWeb | undefined;
    let webOrigin: string | undefined;
    if (options.web) {
      if (options.web.serve === false) webOrigin = `http://127.0.0.1:${options.web.port ?? DEFAULT_WEB_PORT}`;
      else {
        web = await startLocalWeb({ directory: options.web.directory ?? WEB_BUILD, port: options.web.port, s3Endpoint: () => `http://127.0.0.1:${ports.s3}` });
        started.push(web);
        webOrigin = web.origin;
      }
    }
    const corsOrigins = webOrigin ? [webOrigin] : [];
    const s3: LocalS3 = await startLocalS3({ directory: join(dataDirectory, 's3'), port: ports.s3, corsOrigins });
    started.push(s3);
    const dynamodb: LocalDynamoDB = await startLocalDynamoDB({ directory: join(dataDirectory, 'dynamodb'), port: ports.dynamodb, tableName });
    started.push(dynamodb);

    // The handlers' clients point at this stack's endpoints; their settings are the variables the stack gives its functions.
    const clientConfig = localClientConfig();
    const taskDependencies = dependenciesFromEnvironment(
      {
        [ENV.uploadsBucket]: LOCAL_BUCKETS.uploads,
        [ENV.mediaBucket]: LOCAL_BUCKETS.media,
        [ENV.table]: tableName,
        [ENV.stateMachineArn]: stateMachineArn,
        [ENV.executionArnPrefix]: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`,
        // Alerts link to the local web app's clip pages (when it is served or admitted).
        ...(webOrigin ? { [ENV.webUrl]: webOrigin } : {}),
        ...options.environment,
      },
      {
        s3: new S3Client(localS3ClientConfig(s3.endpoint)),
        catalog: documentClient(new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint })),
        stepFunctions: new SFNClient({ ...clientConfig, endpoint: sfnEndpoint }),
        // No dead-letter queue locally: the trigger runs in-process (Retry failed uploads is not run).
        sqs: new SQSClient(clientConfig),
        // A copy of every metric line (EMF) the handlers write, for `camflow metrics`.
        observability: { ...options.observability, metricsLogFile: metricsLogFile(dataDirectory) },
      },
    );
    started.push({
      stop: async () => {
        for (const client of [taskDependencies.s3, taskDependencies.catalog, taskDependencies.stepFunctions, taskDependencies.sqs]) client.destroy();
      },
    });

    const mediaConvert = createLocalMediaConvert({
      workDirectory: join(dataDirectory, 'mediaconvert'),
      concurrency: options.renderConcurrency,
      s3: taskDependencies.s3,
      logLevel: options.observability?.logLevel,
    });
    started.push({ stop: () => mediaConvert.close() });
    const outbox = createOutbox({ directory: join(dataDirectory, 'outbox'), smtpUrl: options.smtpUrl, print, environment: options.environment });
    started.push({ stop: () => outbox.close() });

    const asl = await clipWorkflowDefinition();
    let requests = 0;
    const resolveTask = (resource: string, stateName: string): TaskRunner => {
      const fault = (kind: keyof NonNullable<LocalStackOptions['faults']>, input: unknown) => {
        const error = options.faults?.[kind]?.(input as Record<string, unknown>, stateName);
        if (error) throw error;
      };
      // createJob.sync waits for the job; createJob (no suffix) ends once the job is created.
      if (isMediaConvertTask(resource)) return mediaConvertTask(mediaConvert, resource, stateName, (input) => fault('render', input));
      if (resource.startsWith('arn:aws:states:::sns:publish')) {
        return async (input) => {
          fault('publish', input);
          return outbox.publish(input as Parameters<typeof outbox.publish>[0]);
        };
      }
      if (resource.startsWith('arn:aws:lambda:')) {
        const { functionName, load } = lambdaHandlerFor(resource, taskDependencies);
        return async (input) => {
          const handler = await load();
          return handler(input, lambdaContext(functionName, `local-${++requests}`, 15 * 60_000));
        };
      }
      throw new Error(`State "${stateName}" uses ${resource}, which the local runtime does not run`);
    };

    const stepFunctions = await startLocalStepFunctions({
      dataDirectory: join(dataDirectory, 'stepfunctions'),
      port: ports.stepFunctions,
      stateMachines: [{ name: STATE_MACHINE_NAME, definition: asl, roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/camflow-clip-workflow` }],
      resolveTask,
      onInterrupted: options.onInterrupted ?? 'resume',
      retryIntervalOverrides: options.retryIntervalOverrides,
    });
    started.push(stepFunctions);

    // The trigger: every object created in the uploads bucket, as EventBridge would deliver it.
    const trigger = lambdaHandlerFor('Trigger', taskDependencies);
    const pendingTriggers = new Set<Promise<unknown>>();
    const runTrigger = (notice: ObjectCreatedNotice) => {
      const event = objectCreatedEvent(notice);
      const run = trigger
        .load()
        .then((handler) => handler(event, lambdaContext(trigger.functionName, `local-${++requests}`, 60_000)))
        .catch((error: Error) => print(terminalText(`[trigger] ${notice.key}: ${error.name}: ${error.message}`)))
        .finally(() => pendingTriggers.delete(run));
      pendingTriggers.add(run);
    };
    s3.onObjectCreated((notice) => {
      if (notice.bucket === LOCAL_BUCKETS.uploads) runTrigger(notice);
    });

    // The handlers' own clients serve the API, the reconciler and the tests too (destroyed with them, above).
    const clients = { s3: taskDependencies.s3, sfn: taskDependencies.stepFunctions };

    // Uploads that arrived while a previous run was stopping (object stored, trigger not run).
    await reconcileUploads({ s3: clients.s3, bucket: LOCAL_BUCKETS.uploads, dataDirectory, start: runTrigger });

    let api: { url: string; stop(): Promise<void> } | undefined;
    if (options.api !== false) {
      const { startLocalApi } = await import('./local-api.ts');
      const server = await startLocalApi({
        port: ports.api,
        dataDirectory,
        outbox,
        stateMachineArn,
        tableName,
        corsOrigins,
        presignExpirySeconds: options.presignExpirySeconds,
        clients: { s3: clients.s3, sfn: clients.sfn, dynamodb: taskDependencies.catalog },
        cameraDefaults: taskDependencies.cameraDefaults,
        logLevel: options.observability?.logLevel,
      });
      started.push(server);
      api = server;
      web?.setConfig({ apiUrl: server.url });
    }

    // The sweeper, on a timer: clips stuck in PROCESSING are restarted, redriven or marked FAILED.
    const sweepEverySeconds = options.sweepEverySeconds ?? DEFAULT_SWEEP_EVERY_SECONDS;
    if (sweepEverySeconds > 0) started.push(startPeriodicSweeper(sweepEverySeconds, taskDependencies, print, () => `local-${++requests}`));

    const waitForIdle = async () => {
      for (;;) {
        while (pendingTriggers.size > 0) await Promise.allSettled([...pendingTriggers]);
        await stepFunctions.waitForIdle();
        if (pendingTriggers.size === 0) return;
      }
    };

    return {
      dataDirectory,
      endpoints: { s3: s3.endpoint, dynamodb: dynamodb.endpoint, stepFunctions: stepFunctions.endpoint, api: api?.url, web: webOrigin },
      ports,
      buckets: LOCAL_BUCKETS,
      tableName,
      stateMachineArn,
      clients,
      taskDependencies,
      outbox,
      waitForIdle,
      stop: async () => {
        await Promise.allSettled([...pendingTriggers]);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Runs the sweeper handler every `seconds` (never two runs at once) until stopped; prints what it did. */
function startPeriodicSweeper(seconds: number, deps: TaskDependencies, print: (line: string) => void, requestId: () => string): { stop(): Promise<void> } {
  const sweeper = lambdaHandlerFor('Sweeper', deps);
  let running: Promise<void> | undefined;
  const sweep = () => {
    if (running) return;
    running = sweeper
      .load()
      .then((handler) => handler({}, lambdaContext(sweeper.functionName, requestId(), 5 * 60_000)))
      .then((outcome) => {
        const result = outcome as { restarted: string[]; redriven: string[]; failed: Array<{ clipId: string; reason: string }> };
        for (const clipId of result.restarted) print(`[sweeper] ${clipId}: its workflow had never started; started it`);
        for (const clipId of result.redriven) print(`[sweeper] ${clipId}: its workflow had stopped; redriven`);
        for (const { clipId, reason } of result.failed) print(`[sweeper] ${clipId}: stuck in PROCESSING; marked FAILED (${reason})`);
      })
      .catch((error: Error) => print(terminalText(`[sweeper] ${error.name}: ${error.message}`)))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(sweep, seconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** The EventBridge event S3 sends for a new object ("Object Created", detail version 0). */
export function objectCreatedEvent(notice: ObjectCreatedNotice) {
  return {
    version: '0',
    id: `local-${notice.bucket}-${notice.versionId}`.slice(0, 128),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: notice.time,
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${notice.bucket}`],
    detail: {
      version: '0',
      bucket: { name: notice.bucket },
      // Keys arrive URL-encoded, as S3 encodes them in its event notifications.
      object: { key: encodeEventKey(notice.key), size: notice.size, etag: notice.etag, 'version-id': notice.versionId, sequencer: Date.parse(notice.time).toString(16).toUpperCase() },
      'request-id': 'local',
      requester: LOCAL_ACCOUNT,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}
