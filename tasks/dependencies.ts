/**
 * What the tasks need from where they run, as one object: the AWS SDK clients, the stack's
 * resources and settings, and how they log and count. Every task module exports
 * `createHandler(deps)`; its Lambda `handler` builds `deps` once per cold start from the
 * function's environment (`dependenciesFromEnvironment`, the variable names the stack sets);
 * the local stack (runtime/local-stack.ts) builds it from the endpoints it started. Nothing
 * here or in the tasks writes `process.env`, so two local stacks can run in one process.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { ENV } from '../domain/clip-contract.ts';
import { operationsLinkSettings, type OperationsLinkSettings } from '../domain/operations-links.ts';
import { cameraDefaultsFrom, type CameraDefaults } from '../domain/camera-settings.ts';
import { tracer } from './observability.ts';
import { sweeperSettingsFromEnv, type SweeperSettings } from './sweeper.ts';
import { validationSettingsFromEnv, type ValidationSettings } from './validation.ts';

/** How the tasks log and count (Powertools); unset fields: Powertools' own variables decide (in Lambda). */
export interface TaskObservability {
  /** Powertools log level (`camflow up`: WARN, INFO with --verbose). */
  logLevel?: LogLevel;
  /** Metric lines are not written to stdout (`camflow up` without --verbose); the metrics log still gets them. */
  metricsDisabled?: boolean;
  /** A file that receives a copy of every metric line (EMF), for `camflow metrics` (the local stack's). */
  metricsLogFile?: string;
}

export interface TaskDependencies {
  /** S3 (uploads and media buckets). */
  s3: S3Client;
  /** DynamoDB with plain JavaScript values (undefined attributes are left out): the catalog. */
  catalog: DynamoDBDocumentClient;
  /** Step Functions: the trigger and the sweeper start and redrive executions. */
  stepFunctions: SFNClient;
  /** SQS: the trigger's dead-letter queue (Retry failed uploads). */
  sqs: SQSClient;
  /** The catalog table (`CATALOG_TABLE`). */
  tableName: string;
  /** The uploads bucket (`UPLOADS_BUCKET`). */
  uploadsBucket: string;
  /** The media bucket, where renders go (`MEDIA_BUCKET`). */
  mediaBucket: string;
  /** The clip workflow (`CLIP_WORKFLOW_ARN`). */
  stateMachineArn: string;
  /** The trigger's dead-letter queue (`TRIGGER_DEAD_LETTERS_URL`; none locally: the trigger runs in-process). */
  deadLettersUrl?: string;
  /** Upload limits and HLS rungs (`MAX_CLIP_BYTES`, `MAX_CLIP_SECONDS`, `HLS_LADDER`). */
  validation: ValidationSettings;
  /**
   * The stack's camera defaults, as `cameraSettings` (domain/camera-settings.ts) reads them:
   * `DEFAULT_ALERT_COOLDOWN_SECONDS`, `DEFAULT_RETENTION_CLASS`, `DEFAULT_RENDER_PROFILE`.
   */
  cameraDefaults: CameraDefaults;
  /** Links in alerts and operations messages (`WEB_URL`, `CLIP_EXECUTION_ARN_PREFIX`). */
  links: OperationsLinkSettings;
  /** The sweeper's settings (`SWEEP_*`). */
  sweeper: SweeperSettings;
  observability: TaskObservability;
}

/** The part of the dependencies that reads and writes the catalog. */
export type CatalogAccess = Pick<TaskDependencies, 'catalog' | 'tableName'>;

/** The error a task raises when a setting its function was not given is needed. */
export class TaskSettingMissing extends Error {
  override readonly name = 'TaskSettingMissing';
  constructor(variable: string) {
    super(`Environment variable ${variable} is not set: the stack (or 'camflow up') sets it for every task; set it before calling this handler.`);
  }
}

/** DynamoDB with plain JavaScript values (undefined attributes are left out). */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
}

/** A value made at first use, then kept. */
function once<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

/**
 * The dependencies in Lambda, from the function's environment (the names the stack sets);
 * the local stack passes its own variables (never `process.env`) and its own clients.
 * Each client and setting is made at first use: a function reads only what it needs, and a
 * setting its function lacks is an error naming the variable when a task needs it. The SDK's
 * standard variables (region, credentials, `AWS_ENDPOINT_URL_*`) configure the clients;
 * each is instrumented by the Tracer.
 */
export function dependenciesFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  given: Partial<Pick<TaskDependencies, 's3' | 'catalog' | 'stepFunctions' | 'sqs' | 'observability'>> = {},
): TaskDependencies {
  const required = (name: string) => () => {
    const value = env[name];
    if (!value) throw new TaskSettingMissing(name);
    return value;
  };
  const lazy = {
    s3: once(() => given.s3 ?? tracer.captureAWSv3Client(new S3Client({}))),
    catalog: once(() => given.catalog ?? documentClient(tracer.captureAWSv3Client(new DynamoDBClient({})))),
    stepFunctions: once(() => given.stepFunctions ?? tracer.captureAWSv3Client(new SFNClient({}))),
    sqs: once(() => given.sqs ?? tracer.captureAWSv3Client(new SQSClient({}))),
    tableName: required(ENV.table),
    uploadsBucket: required(ENV.uploadsBucket),
    mediaBucket: required(ENV.mediaBucket),
    stateMachineArn: required(ENV.stateMachineArn),
    deadLettersUrl: () => env.TRIGGER_DEAD_LETTERS_URL || undefined,
    validation: once(() => validationSettingsFromEnv(env)),
    sweeper: once(() => sweeperSettingsFromEnv(env)),
  };
  const deps = {
    cameraDefaults: cameraDefaultsFrom(env),
    links: operationsLinkSettings(env),
    observability: given.observability ?? {},
  } as Partial<TaskDependencies>;
  for (const [name, get] of Object.entries(lazy)) {
    // Replaceable (a test points one stack's tasks at an unreachable endpoint, then back).
    const set = (value: unknown) => Object.defineProperty(deps, name, { value, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(deps, name, { get, set, enumerable: true, configurable: true });
  }
  return deps as TaskDependencies;
}

let fromEnvironment: TaskDependencies | undefined;

/**
 * A Lambda handler over `createHandler`: the dependencies are built from the environment at
 * the first invocation (once per cold start) and kept for the container's life.
 */
export function lambdaHandler<A extends unknown[], R>(createHandler: (deps: TaskDependencies) => (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let handler: ((...args: A) => Promise<R>) | undefined;
  return (...args: A) => {
    handler ??= createHandler((fromEnvironment ??= dependenciesFromEnvironment()));
    return handler(...args);
  };
}
