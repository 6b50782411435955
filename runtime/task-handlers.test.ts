/**
 * How the local runtime finds the handler a Task state names: by the function's exact name in
 * the task list (workflows/task-functions.ts), from an ARN of the resolved ASL or a bare name.
 */
import { describe, expect, it } from 'vitest';
import { dependenciesFromEnvironment } from '../tasks/dependencies.ts';
import { TASK_FUNCTION_IDS, UnknownTaskFunction } from '../workflows/task-functions.ts';
import { lambdaHandlerFor } from './task-handlers.ts';

// Made lazily: no client or setting is touched by building a handler.
const deps = dependenciesFromEnvironment({});

describe('lambdaHandlerFor', () => {
  it('builds the handler of every task function, named by its ARN in the resolved ASL or by its bare name', async () => {
    for (const id of TASK_FUNCTION_IDS) {
      const byArn = lambdaHandlerFor(`arn:aws:lambda:us-east-1:000000000000:function:${id}`, deps);
      expect(byArn.functionName).toBe(id);
      expect(typeof (await byArn.load()), id).toBe('function');
      expect(lambdaHandlerFor(id, deps).functionName).toBe(id);
    }
  });

  it('loads a module once per lookup', async () => {
    const trigger = lambdaHandlerFor('Trigger', deps);
    expect(await trigger.load()).toBe(await trigger.load());
  });

  it('refuses a name that is not exactly a task function’s, saying which are and where to add one', () => {
    // The old lookup matched these by a lowercase substring; a deployed function's physical name is not the construct id either.
    for (const name of ['trigger', 'arn:aws:lambda:us-east-1:000000000000:function:Camflow-ValidateClipC4390FED-AbC123', 'arn:aws:lambda:us-east-1:000000000000:function:Resize']) {
      expect(() => lambdaHandlerFor(name, deps), name).toThrow(UnknownTaskFunction);
    }
    expect(() => lambdaHandlerFor('arn:aws:lambda:us-east-1:000000000000:function:Resize', deps)).toThrow(
      /^No task function named 'Resize'\. The task functions are ValidateClip, .* \(workflows\/task-functions\.ts\)\..*add its entry to workflows\/task-functions\.ts/,
    );
  });
});
