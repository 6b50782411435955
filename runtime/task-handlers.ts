/**
 * The Lambda handlers of the stack, by function: how the local runtime runs a Task whose
 * Resource is a Lambda ARN. The resolved ASL names each function after its construct (see
 * workflows/synthesized-definition.ts); the task list (workflows/task-functions.ts) gives that
 * name's handler module in tasks/. Names match exactly.
 */
import type { Context } from 'aws-lambda';
import type { TaskDependencies } from '../tasks/dependencies.ts';
import { taskFunctionNamed } from '../workflows/task-functions.ts';

export type LocalLambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * `arn:aws:lambda:…:function:ValidateClip` (or a bare name: `Trigger`) → the handler that function
 * runs, given `deps`. A name that is no task function throws `UnknownTaskFunction`, saying which exist.
 */
export function lambdaHandlerFor(functionArnOrName: string, deps: TaskDependencies): { functionName: string; load: () => Promise<LocalLambdaHandler> } {
  const functionName = functionArnOrName.split(':function:').pop()!.split(':')[0]!;
  const modulePath = `../tasks/${taskFunctionNamed(functionName).handlerFile}.ts`;
  let loaded: Promise<LocalLambdaHandler> | undefined;
  return {
    functionName,
    load: () =>
      (loaded ??= import(modulePath).then((mod: { createHandler?: (deps: TaskDependencies) => LocalLambdaHandler }) => {
        // The handler over this stack's clients and settings, as Lambda builds it from the function's environment.
        if (typeof mod.createHandler !== 'function') throw new Error(`${modulePath} exports no createHandler`);
        return mod.createHandler(deps);
      })),
  };
}
