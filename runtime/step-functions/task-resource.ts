/**
 * How a Task's `Resource` shows in AWS's execution history, and how a failure of the code
 * that runs it becomes the state's error and cause, as AWS reports them.
 */

export type TaskResource =
  /** `arn:aws:lambda:…:function:Name` (a Lambda task with payloadResponseOnly): LambdaFunction* events. */
  | { kind: 'lambda-function'; arn: string }
  /** `arn:aws:states:::<service>:<action>[.sync|.waitForTaskToken]`: Task* events. */
  | { kind: 'service'; arn: string; resourceType: string; resource: string };

/**
 * AWS shows a direct Lambda function ARN as `LambdaFunctionScheduled/Started/Succeeded/
 * Failed/TimedOut` events (details `resource` = the function ARN), and an optimized or SDK
 * integration as `TaskScheduled/Started/Succeeded/Failed/TimedOut` with the ARN split after
 * `arn:aws:states:::`: `mediaconvert:createJob.sync` → resourceType `mediaconvert`, resource
 * `createJob.sync`; `aws-sdk:s3:getObject` → `aws-sdk:s3` / `getObject`;
 * `lambda:invoke` → `lambda` / `invoke`.
 */
export function describeTaskResource(arn: string): TaskResource {
  if (/^arn:aws[a-z-]*:lambda:/.test(arn)) return { kind: 'lambda-function', arn };
  const integration = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:(.+)$/.exec(arn)?.[1];
  if (integration && integration.includes(':')) {
    const cut = integration.lastIndexOf(':');
    return { kind: 'service', arn, resourceType: integration.slice(0, cut), resource: integration.slice(cut + 1) };
  }
  // Activities and anything else: shown as a generic task on the whole ARN.
  return { kind: 'service', arn, resourceType: 'unknown', resource: arn };
}

/**
 * How a Task waits, read from its `Resource` as Step Functions reads it: no suffix is
 * Request Response (the state ends as soon as the service answers the call: a MediaConvert
 * `createJob` ends once the job is *created*), `.sync` is Run a Job (the state waits for the
 * job to end and fails if it fails), `.waitForTaskToken` waits for a callback. A Lambda
 * function ARN is Request Response.
 */
export type IntegrationPattern = 'request-response' | 'run-job' | 'wait-for-task-token';

export function integrationPatternOf(arn: string): IntegrationPattern {
  const resource = describeTaskResource(arn);
  if (resource.kind !== 'service') return 'request-response';
  if (resource.resource.endsWith('.sync') || resource.resource.endsWith('.sync:2')) return 'run-job';
  if (resource.resource.endsWith('.waitForTaskToken')) return 'wait-for-task-token';
  return 'request-response';
}

/** The service action without its pattern suffix: `mediaconvert:createJob.sync` → `mediaconvert:createJob`. */
export function serviceActionOf(arn: string): string | undefined {
  const resource = describeTaskResource(arn);
  if (resource.kind !== 'service' || resource.resourceType === 'unknown') return undefined;
  return `${resource.resourceType}:${resource.resource.replace(/\.(sync(:2)?|waitForTaskToken)$/, '')}`;
}

/** Whether the task is a Lambda function (error causes then have Lambda's JSON shape). */
export function isLambdaResource(resource: TaskResource): boolean {
  return resource.kind === 'lambda-function' || (resource.kind === 'service' && resource.resourceType === 'lambda');
}

export interface TaskErrorInfo {
  error: string;
  cause: string;
}

/**
 * The state's error and cause for a thrown value. The error is the thrown error's `name`
 * (so Retry/Catch `ErrorEquals: ["StorageUnavailable"]` match our named errors). For a
 * Lambda function the cause is what Lambda returns for an unhandled error,
 * `{"errorType","errorMessage","trace"}` as JSON; otherwise it is the error's message.
 */
export function taskErrorFrom(thrown: unknown, resource: TaskResource): TaskErrorInfo {
  const isError = thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown);
  const name = isError && typeof (thrown as Error).name === 'string' && (thrown as Error).name ? (thrown as Error).name : 'Error';
  const message = isError ? String((thrown as Error).message ?? '') : String(thrown);
  if (!isLambdaResource(resource)) return { error: name, cause: message };
  const stack = isError && typeof (thrown as Error).stack === 'string' ? (thrown as Error).stack!.split('\n') : [];
  return { error: name, cause: JSON.stringify({ errorType: name, errorMessage: message, trace: stack }) };
}

/**
 * What the engine sees when a task fails: an Error whose `name` is the state's error and
 * whose `message` is its cause. The engine's Retry/Catch match on `name` and its Catch puts
 * `{ Error: name, Cause: message }` at the catcher's ResultPath, as AWS does.
 */
export class TaskFailure extends Error {
  constructor(info: TaskErrorInfo) {
    super(info.cause);
    this.name = info.error;
  }
}
