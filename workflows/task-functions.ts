/**
 * The task Lambdas, listed once. The CDK stack (workflows/camflow-stack.ts) builds one function
 * per entry, its construct id the entry's key; the local runtime (runtime/task-handlers.ts) runs
 * the handler of the entry a Task state names — the resolved ASL names each function after its
 * construct (`arn:aws:lambda:…:function:ValidateClip`, see workflows/synthesized-definition.ts).
 *
 * To add a task: an entry here, its handler module under tasks/, and its function (environment,
 * grants) in camflow-stack.ts, where `this.functions` will not compile without it.
 *
 * Nothing here imports aws-cdk-lib: the local runtime loads this file and never loads the CDK.
 */

export interface TaskFunction {
  /** What the task does, in a line. */
  readonly description: string;
  /** The handler's module under tasks/, without `.ts` (its `handler` export is what Lambda runs). */
  readonly handlerFile: string;
  /** Memory in MB (Lambda's CPU share grows with it). */
  readonly memorySize: number;
  /** How long one invocation may run, in seconds. */
  readonly timeoutSeconds: number;
}

/** The task functions, by construct id (= the function's name in the resolved ASL). */
export const TASK_FUNCTIONS = {
  ValidateClip: {
    description: 'Probes the upload (size, media info), classifies it and plans its MediaConvert job.',
    handlerFile: 'validate-clip',
    memorySize: 1024,
    timeoutSeconds: 180,
  },
  DecideAlert: {
    description: 'Decides whether the clip sends a motion alert, and on which channels (camera settings, mode, cooldown).',
    handlerFile: 'decide-alert',
    memorySize: 256,
    timeoutSeconds: 60,
  },
  CatalogClip: {
    description: "Makes the clip's catalog item READY with its renditions, poster and cost; moves its camera's counters.",
    handlerFile: 'catalog-clip',
    memorySize: 256,
    timeoutSeconds: 60,
  },
  ApplyRetention: {
    description: "Tags the clip's upload and renditions with its retention class (and legal holds for a held clip).",
    handlerFile: 'apply-retention',
    memorySize: 256,
    timeoutSeconds: 180,
  },
  QuarantineClip: {
    description: 'Marks an upload that is not a clip QUARANTINED, with the reason.',
    handlerFile: 'quarantine-clip',
    memorySize: 256,
    timeoutSeconds: 60,
  },
  RecordFailure: {
    description: 'Marks a clip whose step failed after its retries FAILED, with the error.',
    handlerFile: 'record-failure',
    memorySize: 256,
    timeoutSeconds: 60,
  },
  Trigger: {
    description: 'Starts the clip workflow for every object created in the uploads bucket.',
    handlerFile: 'trigger',
    memorySize: 256,
    timeoutSeconds: 30,
  },
  Sweeper: {
    description: 'Restarts, redrives or fails clips stuck in PROCESSING (on a schedule).',
    handlerFile: 'sweeper',
    memorySize: 256,
    timeoutSeconds: 300,
  },
  RetryFailedUploads: {
    description: "Runs the trigger again for the uploads in its dead-letter queue (on the sweeper's schedule).",
    handlerFile: 'retry-failed-uploads',
    memorySize: 256,
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, TaskFunction>;

export type TaskFunctionId = keyof typeof TASK_FUNCTIONS;

/** Every task function's id, in the list's order. */
export const TASK_FUNCTION_IDS = Object.keys(TASK_FUNCTIONS) as TaskFunctionId[];

/** A function name that is no task function of the list. */
export class UnknownTaskFunction extends Error {
  override name = 'UnknownTaskFunction';
}

/**
 * The task function named exactly `name` (a construct id: `ValidateClip`, `Trigger`…). Throws
 * `UnknownTaskFunction` saying which names exist and where to add one.
 */
export function taskFunctionNamed(name: string): { id: TaskFunctionId } & TaskFunction {
  if (Object.hasOwn(TASK_FUNCTIONS, name)) return { id: name as TaskFunctionId, ...TASK_FUNCTIONS[name as TaskFunctionId] };
  const lowered = name.toLowerCase();
  const near = TASK_FUNCTION_IDS.find((id) => id.toLowerCase() === lowered);
  throw new UnknownTaskFunction(
    `No task function named '${name}'${near ? ` (names are exact: did you mean '${near}'?)` : ''}. ` +
      `The task functions are ${TASK_FUNCTION_IDS.join(', ')} (workflows/task-functions.ts). ` +
      'A Task state must name one of them (the construct id of its function in workflows/camflow-stack.ts); ' +
      'to add a task, add its entry to workflows/task-functions.ts and its handler module under tasks/.',
  );
}
