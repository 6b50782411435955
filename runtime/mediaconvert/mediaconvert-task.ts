/**
 * The Task that names MediaConvert, run by the local engine as Step Functions runs it: the
 * integration pattern in the Task's `Resource` decides how long the state waits.
 * - `arn:aws:states:::mediaconvert:createJob.sync` (Run a Job): the state waits for the job
 *   and fails with it (`States.TaskFailed`, the job as the cause);
 * - `arn:aws:states:::mediaconvert:createJob` (Request Response): the state ends as soon as
 *   the job is created, with CreateJob's answer (`{ Job }`, Status SUBMITTED); the render goes
 *   on, and a render that fails later no longer fails the execution.
 * Settings the engine refuses fail the state either way (CreateJob itself refuses them).
 */
import { integrationPatternOf, serviceActionOf } from '../step-functions/task-resource.ts';
import type { TaskRunner } from '../step-functions/step-functions-service.ts';
import type { CreateJobRequest, LocalMediaConvert } from './local-mediaconvert.ts';

/** Not a MediaConvert action or pattern the local engine runs: says which, and what it runs. */
export class UnsupportedMediaConvertTask extends Error {
  override readonly name = 'UnsupportedMediaConvertTask';
  constructor(resource: string, stateName: string) {
    super(
      `State "${stateName}" uses ${resource}; the local MediaConvert runs only mediaconvert:createJob (Request Response) and mediaconvert:createJob.sync (Run a Job). Change the Task's Resource to one of them.`,
    );
  }
}

export function isMediaConvertTask(resource: string): boolean {
  return serviceActionOf(resource)?.startsWith('mediaconvert:') ?? false;
}

/** The runner for a MediaConvert Task; `beforeJob` lets the local stack inject faults. */
export function mediaConvertTask(engine: LocalMediaConvert, resource: string, stateName: string, beforeJob: (input: unknown) => void = () => undefined): TaskRunner {
  const pattern = integrationPatternOf(resource);
  if (serviceActionOf(resource) !== 'mediaconvert:createJob' || pattern === 'wait-for-task-token') throw new UnsupportedMediaConvertTask(resource, stateName);
  return async (input) => {
    beforeJob(input);
    const request = input as CreateJobRequest;
    return pattern === 'run-job' ? engine.runJob(request) : engine.createJob(request);
  };
}
