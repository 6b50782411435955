import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATE } from '../domain/clip-contract.ts';
import { LAMBDA_TRANSIENT_ERRORS, MEDIACONVERT_TRANSIENT_ERRORS } from './clip-workflow.ts';
import { synthesizeClipWorkflowDefinition } from './synthesized-definition.ts';
import { taskFunctionNamed } from './task-functions.ts';

type AslValidator = (definition: object) => { isValid: boolean; errors: Array<{ message?: string }>; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Retry?: Array<{ ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; JitterStrategy?: string }>;
  Catch?: Array<{ ErrorEquals: string[]; ResultPath?: string; Next: string }>;
  TimeoutSeconds?: number;
  ResultPath?: string | null;
  OutputPath?: string;
  ResultSelector?: Record<string, string>;
  Parameters?: Record<string, unknown>;
  Branches?: Machine[];
  Choices?: Array<Record<string, unknown>>;
  Default?: string;
  Error?: string;
}
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

let asl: Machine;

/** Every state with where it lives: top level, or the index of its Parallel branch. */
function allStates(machine: Machine, branch: string | undefined = undefined): Array<{ name: string; state: State; parallel?: string }> {
  return Object.entries(machine.States).flatMap(([name, state]) => [{ name, state, ...(branch ? { parallel: branch } : {}) }, ...(state.Branches ?? []).flatMap((b) => allStates(b, name))]);
}
const stateNamed = (name: string) => allStates(asl).find((s) => s.name === name)!.state;

beforeAll(() => {
  asl = synthesizeClipWorkflowDefinition().asl as unknown as Machine;
});

describe('the clip workflow definition (as synthesized)', () => {
  it('names, in every Lambda Task, a function of the task list (workflows/task-functions.ts), exactly', () => {
    const names = allStates(asl).flatMap(({ state }) => (state.Resource?.startsWith('arn:aws:lambda:') ? [state.Resource.split(':function:')[1]!] : []));
    expect(new Set(names)).toEqual(new Set(['ValidateClip', 'DecideAlert', 'CatalogClip', 'ApplyRetention', 'QuarantineClip', 'RecordFailure']));
    for (const name of names) expect(taskFunctionNamed(name).id).toBe(name);
  });

  it('passes asl-validator', () => {
    const result = aslValidator(structuredClone(asl));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is JSONPath only: no JSONata, Assign, Arguments, Output or variables', () => {
    const text = JSON.stringify(asl);
    expect(text).not.toMatch(/"QueryLanguage"|JSONata|"Assign"|"Arguments"|"Output"|\{%/);
    expect(text).not.toMatch(/"\$[a-zA-Z]/); // `$var` references are JSONata/variables
  });

  it('has no unresolved CloudFormation intrinsic left', () => {
    expect(JSON.stringify(asl)).not.toMatch(/Fn::|"Ref"|\$\{Token/);
  });

  it('names its states as an operator reads them (STATE)', () => {
    expect(
      allStates(asl)
        .map((s) => s.name)
        .sort(),
    ).toEqual(Object.values(STATE).sort());
    expect(asl.StartAt).toBe(STATE.validate);
  });

  it('gives every Task a Retry with backoff and full jitter, and a timeout', () => {
    const tasks = allStates(asl).filter((s) => s.state.Type === 'Task');
    expect(tasks.length).toBe(11); // 6 Lambda, 4 SNS publish, 1 MediaConvert
    for (const { name, state } of tasks) {
      expect(state.Retry?.length, name).toBeGreaterThan(0);
      for (const retry of state.Retry!) {
        expect(retry.BackoffRate, name).toBeGreaterThan(1);
        expect(retry.JitterStrategy, name).toBe('FULL');
        expect(retry.ErrorEquals, name).not.toContain('States.ALL');
      }
      expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it('catches every Task: top-level ones go to Record failure, branch ones within their branch; Record failure itself fails the execution', () => {
    const branchCatches: Record<string, { ResultPath: string; Next: string }> = {
      [STATE.decideAlert]: { ResultPath: '$.alertError', Next: STATE.notifyAlertFailed },
      [STATE.sendMotionAlert]: { ResultPath: '$.alertError', Next: STATE.notifyAlertFailed },
      [STATE.notifyAlertFailed]: { ResultPath: '$.alertNoticeError', Next: STATE.alertFailed },
      [STATE.render]: { ResultPath: '$.renderError', Next: STATE.renderFailed },
    };
    for (const { name, state, parallel } of allStates(asl).filter((s) => s.state.Type === 'Task' || s.state.Type === 'Parallel')) {
      if (name === STATE.recordFailure) {
        // Not caught: an execution that cannot record its failure stops right there, and a redrive (the sweeper's) runs it again.
        expect(state.Catch, name).toBeUndefined();
        continue;
      }
      if (parallel) {
        // Each branch catches its own failure, so one branch failing never stops the other.
        expect(state.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ...branchCatches[name] }]);
        // The Parallel still catches what a branch cannot (States.Runtime) for the failure path.
        expect(stateNamed(parallel).Catch, parallel).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.recordFailure }]);
        continue;
      }
      expect(state.Catch, name).toHaveLength(1);
      const [catcher] = state.Catch!;
      expect(catcher!.ErrorEquals).toEqual(['States.ALL']);
      if (name === STATE.notifyFailure) {
        expect(catcher!.Next, name).toBe(STATE.failed);
        expect(catcher!.ResultPath, name).not.toBe('$.error');
      } else {
        expect(catcher!.Next, name).toBe(STATE.recordFailure);
        expect(catcher!.ResultPath, name).toBe('$.error');
      }
    }
  });

  it('invokes each Lambda with the whole state and the execution name, response only, retrying transient errors', () => {
    const lambdaTasks = allStates(asl).filter((s) => s.state.Resource?.startsWith('arn:aws:lambda:'));
    expect(lambdaTasks.map((s) => [s.name, s.state.Resource]).sort()).toEqual(
      [
        [STATE.validate, 'arn:aws:lambda:us-east-1:000000000000:function:ValidateClip'],
        [STATE.decideAlert, 'arn:aws:lambda:us-east-1:000000000000:function:DecideAlert'],
        [STATE.catalog, 'arn:aws:lambda:us-east-1:000000000000:function:CatalogClip'],
        [STATE.retention, 'arn:aws:lambda:us-east-1:000000000000:function:ApplyRetention'],
        [STATE.quarantine, 'arn:aws:lambda:us-east-1:000000000000:function:QuarantineClip'],
        [STATE.recordFailure, 'arn:aws:lambda:us-east-1:000000000000:function:RecordFailure'],
      ].sort(),
    );
    for (const { name, state } of lambdaTasks) {
      expect(state.Parameters, name).toEqual({ 'workflow.$': '$', 'executionName.$': '$$.Execution.Name' });
      expect(state.Retry![0]!.ErrorEquals, name).toEqual(LAMBDA_TRANSIENT_ERRORS);
      expect(state.Retry![0]!.ErrorEquals, name).toContain('StorageUnavailable');
      expect(state.TimeoutSeconds, name).toBe(300);
    }
    expect(Object.fromEntries(lambdaTasks.map((s) => [s.name, s.state.ResultPath]))).toEqual({
      [STATE.validate]: '$.validation',
      [STATE.decideAlert]: '$.alert',
      [STATE.catalog]: '$.catalog',
      [STATE.retention]: '$.retention',
      [STATE.quarantine]: '$.quarantine',
      [STATE.recordFailure]: '$.failure',
    });
  });

  it('routes by what was uploaded: video to Alert and render, still to Catalog clip, anything else to quarantine', () => {
    expect(stateNamed(STATE.validate).Next).toBe(STATE.whatWasUploaded);
    const choice = stateNamed(STATE.whatWasUploaded);
    expect(choice.Choices).toEqual([
      { Variable: '$.validation.kind', StringEquals: 'video', Next: STATE.alertAndRender },
      { Variable: '$.validation.kind', StringEquals: 'still', Next: STATE.catalog },
    ]);
    expect(choice.Default).toBe(STATE.quarantine);
    expect(stateNamed(STATE.quarantine).Next).toBe(STATE.notifyQuarantine);
    expect(stateNamed(STATE.notifyQuarantine).Next).toBe(STATE.quarantined);
    expect(stateNamed(STATE.quarantined)).toMatchObject({ Type: 'Fail', Error: 'ClipQuarantined' });
    expect(stateNamed(STATE.alertAndRender).Next).toBe(STATE.rendered);
    const failed = { Variable: '$.outcome.render.failed' };
    expect(stateNamed(STATE.rendered)).toEqual({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { ...failed, IsPresent: true },
            { ...failed, BooleanEquals: true },
          ],
          Next: STATE.notRendered,
        },
      ],
      Default: STATE.catalog,
    });
    expect(stateNamed(STATE.notRendered)).toEqual({ Type: 'Pass', InputPath: '$.outcome.render.error', ResultPath: '$.error', Next: STATE.recordFailure });
    expect(stateNamed(STATE.catalog).Next).toBe(STATE.retention);
    expect(stateNamed(STATE.retention).Next).toBe(STATE.ready);
    expect(stateNamed(STATE.ready).Type).toBe('Succeed');
    expect(stateNamed(STATE.recordFailure).Next).toBe(STATE.resumeAfterOutage);
    expect(stateNamed(STATE.resumeAfterOutage).Default).toBe(STATE.notifyFailure);
    expect(stateNamed(STATE.notifyFailure).Next).toBe(STATE.failed);
    expect(stateNamed(STATE.failed)).toMatchObject({ Type: 'Fail', Error: 'ClipFailed' });
  });

  it('after an outage, resumes at the first step whose result is missing; otherwise tells operations', () => {
    const resume = { Variable: '$.failure.resume', BooleanEquals: true };
    expect(stateNamed(STATE.resumeAfterOutage)).toEqual({
      Type: 'Choice',
      Choices: [
        { And: [resume, { Variable: '$.catalog', IsPresent: true }], Next: STATE.retention },
        { And: [resume, { Variable: '$.outcome', IsPresent: true }], Next: STATE.catalog },
        { And: [resume, { Variable: '$.validation', IsPresent: true }], Next: STATE.whatWasUploaded },
        { ...resume, Next: STATE.validate },
      ],
      Default: STATE.notifyFailure,
    });
    // Record failure waits far longer for storage than the step that gave up.
    const retryOf = (name: string) => stateNamed(name).Retry![0]! as { MaxAttempts: number; IntervalSeconds: number; MaxDelaySeconds?: number };
    expect(retryOf(STATE.recordFailure)).toMatchObject({ IntervalSeconds: 10, MaxAttempts: 10, MaxDelaySeconds: 900 });
    expect(retryOf(STATE.catalog)).toMatchObject({ IntervalSeconds: 2, MaxAttempts: 6, MaxDelaySeconds: 60 });
  });

  it('alerts and renders in parallel, the outcome shaped as { alert, render }', () => {
    const parallel = stateNamed(STATE.alertAndRender);
    expect(parallel.Type).toBe('Parallel');
    expect(parallel.ResultSelector).toEqual({ 'alert.$': '$[0]', 'render.$': '$[1]' });
    expect(parallel.ResultPath).toBe('$.outcome');
    const [alert, render] = parallel.Branches!;
    expect(alert!.StartAt).toBe(STATE.decideAlert);
    expect(alert!.States[STATE.decideAlert]!.Next).toBe(STATE.alertDue);
    expect(alert!.States[STATE.alertDue]!.Choices).toEqual([{ Variable: '$.alert.send', BooleanEquals: true, Next: STATE.sendMotionAlert }]);
    expect(alert!.States[STATE.alertDue]!.Default).toBe(STATE.noAlert);
    // Both ends of the alert branch output the AlertDecision.
    expect(alert!.States[STATE.noAlert]).toEqual({ Type: 'Pass', OutputPath: '$.alert', End: true });
    const send = alert!.States[STATE.sendMotionAlert]!;
    expect(send).toMatchObject({ Resource: 'arn:aws:states:::sns:publish', ResultPath: null, OutputPath: '$.alert', End: true });
    // One message with a form per protocol, delivered by the subscriptions' filter policies on `channels`.
    expect(send.Parameters).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:MotionAlerts',
      'Message.$': '$.alert.message',
      MessageStructure: 'json',
      MessageAttributes: { channels: { DataType: 'String.Array', 'StringValue.$': '$.alert.channels' } },
      'Subject.$': '$.alert.subject',
    });
    expect(render!.StartAt).toBe(STATE.render);
  });

  it('ends a failed alert branch with the error as its decision, after telling operations', () => {
    const [alert, render] = stateNamed(STATE.alertAndRender).Branches!;
    const notify = alert!.States[STATE.notifyAlertFailed]!;
    expect(notify).toMatchObject({ Resource: 'arn:aws:states:::sns:publish', ResultPath: null, Next: STATE.alertFailed });
    expect(notify.Parameters).toMatchObject({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:Operations', 'Subject.$': "States.Format('Alert not sent: camera {}', $.clip.camera)" });
    expect(String(notify.Parameters!['Message.$'])).toMatch(
      /^States\.Format\('The motion alert for clip \{\} .*', \$\.clip\.clipId, \$\.clip\.camera, \$\.alertError\.Error, \$\.alertError\.Cause\)$/,
    );
    expect(alert!.States[STATE.alertFailed]).toEqual({
      Type: 'Pass',
      Parameters: { send: false, reason: 'failed', 'error.$': '$.alertError.Error', 'cause.$': '$.alertError.Cause' },
      End: true,
    });
    expect(render!.States[STATE.renderFailed]).toEqual({ Type: 'Pass', Parameters: { failed: true, 'error.$': '$.renderError' }, End: true });
  });

  it('renders with MediaConvert createJob.sync from the validated settings, retrying only API throttling and 5xx', () => {
    const render = stateNamed(STATE.render);
    expect(render.Resource).toBe('arn:aws:states:::mediaconvert:createJob.sync');
    expect(render.Parameters).toEqual({
      Role: 'arn:aws:iam::000000000000:role/MediaConvertRole',
      'Settings.$': '$.validation.render.settings',
      UserMetadata: { 'clipId.$': '$.clip.clipId', 'camera.$': '$.clip.camera' },
    });
    expect(render.ResultSelector).toEqual({ 'jobId.$': '$.Job.Id', 'status.$': '$.Job.Status', 'outputGroups.$': '$.Job.OutputGroupDetails', 'timing.$': '$.Job.Timing' });
    expect(render.TimeoutSeconds).toBe(7200);
    expect(render.Retry!.flatMap((r) => r.ErrorEquals)).toEqual(MEDIACONVERT_TRANSIENT_ERRORS);
  });

  it('tells operations what the quarantine and failure tasks wrote', () => {
    expect(stateNamed(STATE.notifyQuarantine).Parameters).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:Operations',
      'Message.$': '$.quarantine.message',
      'Subject.$': '$.quarantine.subject',
    });
    expect(stateNamed(STATE.notifyFailure).Parameters).toEqual({
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:Operations',
      'Message.$': '$.failure.message',
      'Subject.$': '$.failure.subject',
    });
  });

  it('resolves ARNs for the region and account asked for', () => {
    const text = JSON.stringify(synthesizeClipWorkflowDefinition({ region: 'eu-west-1', account: '111122223333' }).asl);
    expect(text).toContain('arn:aws:lambda:eu-west-1:111122223333:function:ValidateClip');
    expect(text).toContain('arn:aws:sns:eu-west-1:111122223333:Operations');
    expect(text).toContain('arn:aws:iam::111122223333:role/MediaConvertRole');
  });
});
