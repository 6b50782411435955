/**
 * The Lambda handlers of the stack, by function: how the local runtime runs a Task whose
 * Resource is a Lambda ARN. The resolved ASL names each function after its construct (see
 * workflows/synthesized-definition.ts); this maps that name to the handler module in tasks/.
 */
import type { Context } from 'aws-lambda';

export type LocalLambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Handler modules, keyed by the function's name with everything but letters and digits removed, lowercased. */
const HANDLER_MODULES: Record<string, string> = {
  validateclip: '../tasks/validate-clip.ts',
  decidealert: '../tasks/decide-alert.ts',
  catalogclip: '../tasks/catalog-clip.ts',
  applyretention: '../tasks/apply-retention.ts',
  quarantineclip: '../tasks/quarantine-clip.ts',
  recordfailure: '../tasks/record-failure.ts',
  trigger: '../tasks/trigger.ts',
  sweeper: '../tasks/sweeper.ts',
};

/** `arn:aws:lambda:…:function:ValidateClip` (or a bare name) → the handler that function runs. */
export function lambdaHandlerFor(functionArnOrName: string): { functionName: string; load: () => Promise<LocalLambdaHandler> } {
  const functionName = functionArnOrName.split(':function:').pop()!.split(':')[0]!;
  const normalized = functionName.toLowerCase().replace(/[^a-z0-9]/g, '');
  const match = Object.keys(HANDLER_MODULES)
    .filter((name) => normalized.includes(name))
    .sort((a, b) => b.length - a.length)[0];
  if (!match) throw new Error(`No local handler for Lambda function ${functionName}: add it to runtime/task-handlers.ts`);
  const modulePath = HANDLER_MODULES[match]!;
  let loaded: Promise<LocalLambdaHandler> | undefined;
  return {
    functionName,
    load: () =>
      (loaded ??= import(modulePath).then((mod: { handler?: LocalLambdaHandler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${modulePath} exports no handler`);
        return mod.handler;
      })),
  };
}
