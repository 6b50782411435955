/**
 * A local Step Functions endpoint: the Step Functions JSON protocol on 127.0.0.1, so
 * `@aws-sdk/client-sfn` and the AWS CLI work against it unchanged, running the registered
 * ASL with aws-local-stepfunctions. Each Task's Resource runs through `resolveTask`.
 *
 * Operations: StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory,
 * StopExecution, RedriveExecution, DescribeStateMachine, ListStateMachines. History events
 * have AWS's shapes. With a data directory, every execution (description and history)
 * survives a stop and start.
 *
 * ```ts
 * const sfn = await startLocalStepFunctions({
 *   dataDirectory: '.camflow/stepfunctions',
 *   stateMachines: [{ name: 'camflow-clip-workflow', definition: asl }],
 *   resolveTask: (resource, stateName) => async (input, { signal }) => runIt(input),
 * });
 * new SFNClient({ endpoint: sfn.endpoint }).send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn('camflow-clip-workflow'), … }));
 * ```
 */
import '../node20-polyfills.ts';
import { ExecutionStore } from './execution-store.ts';
import { serveJsonProtocol } from './json-protocol.ts';
import { StepFunctionsService, type StateMachineRegistration, type TaskRunner } from './step-functions-service.ts';

export type { TaskRunner } from './step-functions-service.ts';
export { RUNTIME_STOPPED } from './execution-history.ts';

export interface LocalStepFunctionsOptions {
  /** Executions persist under `${dataDirectory}/executions/`; undefined keeps them in memory only. */
  dataDirectory?: string;
  /** Port on 127.0.0.1; default 8083; 0 picks a free port. */
  port?: number;
  stateMachines: StateMachineRegistration[];
  /**
   * How each Task's Resource runs locally, asked once per Task state when the endpoint
   * starts (throw to refuse a resource). A runner's thrown `Error.name` becomes the state's
   * error, matched by Retry/Catch.
   */
  resolveTask: (resource: string, stateName: string) => TaskRunner;
  /**
   * Executions found RUNNING in the data directory at start (the runtime stopped mid-run):
   * `'fail'` (default) marks them FAILED with error `RuntimeStopped`; `'resume'` also
   * redrives them at once.
   */
  onInterrupted?: 'fail' | 'resume';
  /**
   * Tests only: milliseconds to wait before each retry, by state name (a number, or one per
   * retrier), instead of IntervalSeconds/BackoffRate/JitterStrategy. Never set by the runtime.
   */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface LocalStepFunctions {
  /** `http://127.0.0.1:<port>` — pass as `endpoint` or `AWS_ENDPOINT_URL_SFN`. */
  endpoint: string;
  port: number;
  /** `arn:aws:states:us-east-1:000000000000:stateMachine:<name>`; throws for an unknown name. */
  stateMachineArn(name: string): string;
  /** Resolves when no execution is running and every change is written. */
  waitForIdle(): Promise<void>;
  /** Stops the endpoint. Running executions stop where they are and stay RUNNING on disk. */
  stop(): Promise<void>;
}

export const DEFAULT_STEP_FUNCTIONS_PORT = 8083;

export async function startLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  let endpoint = '';
  const store = new ExecutionStore(options.dataDirectory);
  const service = new StepFunctionsService({
    stateMachines: options.stateMachines,
    resolveTask: options.resolveTask,
    store,
    retryIntervalOverrides: options.retryIntervalOverrides,
    endpoint: () => endpoint,
  });
  const recovered = Promise.withResolvers<void>();
  recovered.promise.catch(() => {});
  const { server, port } = await serveJsonProtocol(service, options.port ?? DEFAULT_STEP_FUNCTIONS_PORT, recovered.promise);
  endpoint = `http://127.0.0.1:${port}`;
  try {
    await service.recover(options.onInterrupted ?? 'fail');
    recovered.resolve();
  } catch (error) {
    recovered.reject(error);
    server.closeAllConnections();
    server.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stateMachineArn: (name) => service.stateMachineArn(name),
    waitForIdle: () => service.waitForIdle(),
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await service.stop();
        await closed;
      })()),
  };
}
