/**
 * The task list is the one place the task functions are named, and a name is looked up exactly,
 * with an error that says what to do. (That the stack builds exactly these functions with these
 * settings: camflow-stack.test.ts; that the workflow's Task states name only these: clip-workflow.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASK_FUNCTION_IDS, TASK_FUNCTIONS, taskFunctionNamed, UnknownTaskFunction } from './task-functions.ts';

const root = join(import.meta.dirname, '..');

describe('the task list', () => {
  it('names a handler module under tasks/ for every function', () => {
    expect(TASK_FUNCTION_IDS).toEqual(['ValidateClip', 'DecideAlert', 'CatalogClip', 'ApplyRetention', 'QuarantineClip', 'RecordFailure', 'Trigger', 'Sweeper', 'RetryFailedUploads']);
    for (const id of TASK_FUNCTION_IDS) expect(existsSync(join(root, 'tasks', `${TASK_FUNCTIONS[id].handlerFile}.ts`)), id).toBe(true);
  });

  it('imports nothing, so the local runtime can read it without loading the CDK', () => {
    const source = readFileSync(join(import.meta.dirname, 'task-functions.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
  });

  it('finds a function by its exact name', () => {
    expect(taskFunctionNamed('ValidateClip')).toEqual({ id: 'ValidateClip', ...TASK_FUNCTIONS.ValidateClip });
    expect(taskFunctionNamed('RetryFailedUploads').handlerFile).toBe('retry-failed-uploads');
  });

  it('refuses any other name, saying which exist and where to add one', () => {
    // A near miss (the old lookup's lowercase names), a deployed function's physical name, a module name, an Object member.
    for (const name of ['trigger', 'Camflow-ValidateClipC4390FED-AbC123', 'validate-clip', 'constructor', 'toString', '']) {
      expect(() => taskFunctionNamed(name), name).toThrow(UnknownTaskFunction);
    }
    expect(() => taskFunctionNamed('trigger')).toThrow(
      "No task function named 'trigger' (names are exact: did you mean 'Trigger'?). The task functions are ValidateClip, DecideAlert, CatalogClip, ApplyRetention, " +
        'QuarantineClip, RecordFailure, Trigger, Sweeper, RetryFailedUploads (workflows/task-functions.ts). A Task state must name one of them',
    );
    expect(() => taskFunctionNamed('Resize')).toThrow(/^No task function named 'Resize'\. .*add its entry to workflows\/task-functions\.ts and its handler module under tasks\/\.$/);
  });
});
