/**
 * `CamflowFunction`: every camflow Lambda (the task functions and the REST API's handler) with
 * the same defaults, so they cannot drift apart:
 * - Node.js 22 on arm64, X-Ray tracing active, handler `handler` of its entry file;
 * - its own log group `{id}Logs` (three months by default) and role `{id}Role`, beside it in
 *   the same scope (their logical ids are those the functions always had);
 * - environment `POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL=INFO`,
 *   `NODE_OPTIONS=--enable-source-maps`, then the function's own variables;
 * - one ESM bundle built locally by esbuild (no Docker): target node22, the `node` export
 *   condition (without it esbuild's default `module` condition picks mediainfo.js's browser
 *   build, which fetches its WASM over HTTP and fails in Lambda — tasks/clip-probe.bundle.test.ts),
 *   a `require` shim banner, minified, with source maps, warnings only in the synth output;
 * - the cdk-nag findings those defaults raise, acknowledged once here.
 *
 * ```ts
 * new CamflowFunction(this, 'Trigger', {
 *   entry: join(PROJECT_ROOT, 'tasks', 'trigger.ts'), serviceName: 'camflow', roleDescription: 'camflow trigger task',
 *   memorySize: 256, timeout: Duration.seconds(30), environment: { CATALOG_TABLE: table.tableName },
 * });
 * ```
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The runtime every camflow function runs on. */
export const CAMFLOW_RUNTIME = lambda.Runtime.NODEJS_22_X;

export interface CamflowFunctionProps {
  /** The handler's source file (its `handler` export is what Lambda runs). */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` of every log line and metric. */
  readonly serviceName: string;
  /** The role's description (IAM console): whose role this is. */
  readonly roleDescription: string;
  /** Memory in MB. */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** The function's own variables (after the defaults). */
  readonly environment?: Record<string, string>;
  /** Retention of the function's log group. Default three months. */
  readonly logRetention?: logs.RetentionDays;
  /** Shell commands run after esbuild; `{inputDir}` is the project root, `{outputDir}` the bundle's folder. */
  readonly afterBundling?: readonly string[];
  /** Where failed asynchronous invocations go. Default none. */
  readonly deadLetterQueue?: sqs.IQueue;
}

export class CamflowFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: CamflowFunctionProps) {
    // The log group and the role sit beside the function (ids `{id}Logs`, `{id}Role`), as they always have.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS });
    const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.roleDescription });
    logGroup.grantWrite(role);
    const afterBundling = props.afterBundling ?? [];
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: CAMFLOW_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      role,
      deadLetterQueue: props.deadLetterQueue,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        esbuildArgs: { '--conditions': 'node' },
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        externalModules: [],
        forceDockerBundling: false,
        logLevel: nodejs.LogLevel.WARNING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => afterBundling.map((command) => command.replaceAll('{inputDir}', inputDir).replaceAll('{outputDir}', outputDir)),
        },
      },
    });
    acknowledge(role, [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing: xray:PutTraceSegments and PutTelemetryRecords have no resource-level scope.' }]);
    acknowledge(this, [{ id: 'AwsSolutions-L1', reason: 'Node.js 22 is the runtime the project targets; move to 24 deliberately.' }]);
  }
}
