/**
 * The clip workflow: one Step Functions execution per uploaded clip.
 *
 *   Validate clip → What was uploaded?
 *     video   → Alert and render (Parallel, each branch catches its own failure:
 *                 Decide alert → Alert due? → Send motion alert | No alert needed
 *                   either task fails → Tell operations: alert not sent → Alert not sent (Pass: the error)
 *               ‖ Render web playback, MediaConvert createJob.sync
 *                   fails → Render failed (Pass: the error))
 *               → Rendered? → Catalog clip → Apply retention → Clip ready
 *                           render failed → Record the render failure → Record failure (below)
 *     still   → Catalog clip → Apply retention → Clip ready
 *     invalid → Quarantine clip → Tell operations: quarantined → Clip quarantined (Fail)
 *   any Task fails (after its retries) → Record failure → Resume after outage?
 *     the failure was only an outage and the catalog answers again → back to the step that failed
 *     otherwise → Tell operations: failed → Clip failed (Fail)
 *   Record failure retries for about an hour (RECORD_FAILURE_RETRY); if the catalog is still
 *   unreachable, the execution fails there and the sweeper (tasks/sweeper.ts) redrives it later.
 *
 * JSONPath only (no JSONata, no Assign/Variables): the local runtime runs this same ASL with
 * aws-local-stepfunctions, which ignores both. Each Lambda task receives `TaskEvent`
 * (`{ workflow: $, executionName }`) and returns the value stored at its ResultPath.
 */
import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ERRORS, STATE } from '../domain/clip-contract.ts';

export interface ClipWorkflowResources {
  validateClip: lambda.IFunction;
  decideAlert: lambda.IFunction;
  catalogClip: lambda.IFunction;
  applyRetention: lambda.IFunction;
  quarantineClip: lambda.IFunction;
  recordFailure: lambda.IFunction;
  motionTopic: sns.ITopic;
  operationsTopic: sns.ITopic;
  /** The role MediaConvert assumes to read the upload and write the renditions. */
  mediaConvertRole: iam.IRole;
}

/** Transient Lambda invocation errors, plus our handlers' own transient storage error. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  ERRORS.storageUnavailable,
];

/**
 * MediaConvert API throttling and 5xx, as a Step Functions MediaConvert task reports them
 * (`MediaConvert.` + the API's exception name). A job that ran and failed is not retried:
 * rendering it again would fail again and cost again.
 */
export const MEDIACONVERT_TRANSIENT_ERRORS = ['MediaConvert.TooManyRequestsException', 'MediaConvert.InternalServerErrorException'];

/** SNS Publish throttling and 5xx (`SNS.` + the API's exception name). */
export const SNS_TRANSIENT_ERRORS = ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException'];

export const LAMBDA_TASK_TIMEOUT = Duration.minutes(5);
export const RENDER_TASK_TIMEOUT = Duration.hours(2);
export const PUBLISH_TASK_TIMEOUT = Duration.minutes(1);

export interface RetryPolicy {
  interval: Duration;
  maxAttempts: number;
  maxDelay: Duration;
}

/** Every Lambda task's Retry of transient errors: at most ~2 minutes of waiting in all. */
export const LAMBDA_TASK_RETRY: RetryPolicy = { interval: Duration.seconds(2), maxAttempts: 6, maxDelay: Duration.seconds(60) };

/**
 * Record failure's Retry: it must outlast the outage that made a task run out of its own
 * retries, so it waits up to ~66 minutes in all (10 s doubling, capped at 15 min, 10 attempts).
 */
export const RECORD_FAILURE_RETRY: RetryPolicy = { interval: Duration.seconds(10), maxAttempts: 10, maxDelay: Duration.minutes(15) };

/** The longest a Retry can wait in all, in seconds (full jitter waits less): Σ min(interval × 2ⁿ, maxDelay). */
export function longestRetryWaitSeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let n = 0; n < policy.maxAttempts; n++) total += Math.min(policy.interval.toSeconds() * 2 ** n, policy.maxDelay.toSeconds());
  return total;
}

/** Error names the workflow ends with. */
export const WORKFLOW_FAILURES = { failed: 'ClipFailed', quarantined: 'ClipQuarantined' } as const;

const backoff = { backoffRate: 2, jitterStrategy: sfn.JitterType.FULL } as const;

function lambdaTask(scope: Construct, id: string, stateName: string, fn: lambda.IFunction, resultPath: string, retry: RetryPolicy = LAMBDA_TASK_RETRY): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    stateName,
    lambdaFunction: fn,
    payloadResponseOnly: true,
    payload: sfn.TaskInput.fromObject({ workflow: sfn.JsonPath.entirePayload, executionName: sfn.JsonPath.executionName }),
    retryOnServiceExceptions: false,
    resultPath,
    taskTimeout: sfn.Timeout.duration(LAMBDA_TASK_TIMEOUT),
  });
  task.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, ...retry, ...backoff });
  return task;
}

/** The motion alert's `channels` message attribute (String.Array): subscriptions' filter policies match it. */
export const CHANNELS_ATTRIBUTE = 'channels';

function publishTask(scope: Construct, id: string, stateName: string, topic: sns.ITopic, noticePath: string, outputPath?: string, perProtocol = false): tasks.SnsPublish {
  const task = new tasks.SnsPublish(scope, id, {
    outputPath,
    stateName,
    topic,
    message: sfn.TaskInput.fromJsonPathAt(`${noticePath}.message`),
    subject: sfn.JsonPath.stringAt(`${noticePath}.subject`),
    // The motion alert: one message with an SMS, an e-mail and a default form (MessageStructure
    // json), delivered only to the protocols its `channels` attribute names.
    ...(perProtocol
      ? {
          messagePerSubscriptionType: true,
          messageAttributes: { [CHANNELS_ATTRIBUTE]: { value: sfn.TaskInput.fromJsonPathAt(`${noticePath}.channels`), dataType: tasks.MessageAttributeDataType.STRING_ARRAY } },
        }
      : {}),
    resultPath: sfn.JsonPath.DISCARD,
    taskTimeout: sfn.Timeout.duration(PUBLISH_TASK_TIMEOUT),
  });
  task.addRetry({ errors: SNS_TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 5, maxDelay: Duration.seconds(60), ...backoff });
  return task;
}

/** Where the alert branch keeps the error it caught (Error, Cause). */
const ALERT_ERROR_PATH = '$.alertError';
/** Where the render branch keeps the error it caught. */
const RENDER_ERROR_PATH = '$.renderError';

/**
 * "Tell operations: alert not sent": the operations topic hears which clip's alert failed and
 * why. Its text is built in the state (intrinsic functions), not by a Lambda, so it is sent
 * even when "Decide alert" failed because Lambda was unavailable. The camera id in the
 * subject is plain ASCII (CAMERA_ID_PATTERN).
 */
function alertFailureNotice(scope: Construct, topic: sns.ITopic): tasks.SnsPublish {
  const task = new tasks.SnsPublish(scope, 'NotifyAlertFailed', {
    stateName: STATE.notifyAlertFailed,
    topic,
    subject: sfn.JsonPath.format('Alert not sent: camera {}', sfn.JsonPath.stringAt('$.clip.camera')),
    message: sfn.TaskInput.fromText(
      sfn.JsonPath.format(
        'The motion alert for clip {} of camera {} was not sent: {}. Cause: {}. The clip is still rendered and cataloged; its catalog item says alert failed with this error. Check the motion alert topic (access policy, KMS key, subscriptions) and the Decide alert logs for this clip id.',
        sfn.JsonPath.stringAt('$.clip.clipId'),
        sfn.JsonPath.stringAt('$.clip.camera'),
        sfn.JsonPath.stringAt(`${ALERT_ERROR_PATH}.Error`),
        sfn.JsonPath.stringAt(`${ALERT_ERROR_PATH}.Cause`),
      ),
    ),
    resultPath: sfn.JsonPath.DISCARD,
    taskTimeout: sfn.Timeout.duration(PUBLISH_TASK_TIMEOUT),
  });
  task.addRetry({ errors: SNS_TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 5, maxDelay: Duration.seconds(60), ...backoff });
  return task;
}

/** Builds the clip workflow's states in `scope` and returns its start. */
export function buildClipWorkflow(scope: Construct, resources: ClipWorkflowResources): sfn.IChainable {
  const states = new Construct(scope, 'ClipWorkflowStates');

  // Failure path: record it (or resume after an outage), tell operations, fail. Record failure
  // has no Catch: if it cannot write even after its long Retry, the execution fails right there,
  // so a redrive (the sweeper's) runs it again. Telling operations goes to the Fail either way.
  const clipFailed = new sfn.Fail(states, 'ClipFailed', {
    stateName: STATE.failed,
    error: WORKFLOW_FAILURES.failed,
    cause: 'A step of the clip workflow failed after its retries; the clip is FAILED in the catalog with the error and cause.',
  });
  const recordFailure = lambdaTask(states, 'RecordFailure', STATE.recordFailure, resources.recordFailure, '$.failure', RECORD_FAILURE_RETRY);
  const notifyFailure = publishTask(states, 'NotifyFailure', STATE.notifyFailure, resources.operationsTopic, '$.failure');
  notifyFailure.addCatch(clipFailed, { resultPath: '$.failureError' });
  const resumeAfterOutage = new sfn.Choice(states, 'ResumeAfterOutage', { stateName: STATE.resumeAfterOutage });
  const failurePath = recordFailure.next(resumeAfterOutage);
  notifyFailure.next(clipFailed);

  // Quarantine path: an upload that is not a clip. The raw object stays where it is.
  const quarantine = lambdaTask(states, 'QuarantineClip', STATE.quarantine, resources.quarantineClip, '$.quarantine');
  const notifyQuarantine = publishTask(states, 'NotifyQuarantine', STATE.notifyQuarantine, resources.operationsTopic, '$.quarantine');
  const quarantined = new sfn.Fail(states, 'ClipQuarantined', {
    stateName: STATE.quarantined,
    error: WORKFLOW_FAILURES.quarantined,
    cause: 'The upload is not a playable clip; it is QUARANTINED in the catalog with the reason, and the raw object is kept.',
  });

  // Branch A: alert (the branch's output is the AlertDecision).
  const decideAlert = lambdaTask(states, 'DecideAlert', STATE.decideAlert, resources.decideAlert, '$.alert');
  // Every end of the branch outputs `$.alert`.
  const sendMotionAlert = publishTask(states, 'SendMotionAlert', STATE.sendMotionAlert, resources.motionTopic, '$.alert', '$.alert', true);
  const noAlert = new sfn.Pass(states, 'NoAlertNeeded', { stateName: STATE.noAlert, outputPath: '$.alert' });
  // An alert that cannot be decided or sent is the branch's own business: operations hear of
  // it, the branch ends with the error as its AlertDecision, and the render goes on.
  const alertFailed = new sfn.Pass(states, 'AlertNotSent', {
    stateName: STATE.alertFailed,
    parameters: { send: false, reason: 'failed', error: sfn.JsonPath.stringAt(`${ALERT_ERROR_PATH}.Error`), cause: sfn.JsonPath.stringAt(`${ALERT_ERROR_PATH}.Cause`) },
  });
  const notifyAlertFailed = alertFailureNotice(states, resources.operationsTopic);
  notifyAlertFailed.addCatch(alertFailed, { resultPath: '$.alertNoticeError' });
  notifyAlertFailed.next(alertFailed);
  for (const task of [decideAlert, sendMotionAlert]) task.addCatch(notifyAlertFailed, { resultPath: ALERT_ERROR_PATH });
  const alertBranch = decideAlert.next(new sfn.Choice(states, 'AlertDue', { stateName: STATE.alertDue }).when(sfn.Condition.booleanEquals('$.alert.send', true), sendMotionAlert).otherwise(noAlert));

  // Branch B: render (the branch's output is { jobId, status, outputGroups }, or
  // { failed: true, error } when the job failed: the alert branch runs on regardless).
  const render = new tasks.MediaConvertCreateJob(states, 'RenderWebPlayback', {
    stateName: STATE.render,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    createJobRequest: {
      Role: resources.mediaConvertRole.roleArn,
      Settings: sfn.JsonPath.objectAt('$.validation.render.settings'),
      UserMetadata: { clipId: sfn.JsonPath.stringAt('$.clip.clipId'), camera: sfn.JsonPath.stringAt('$.clip.camera') },
    },
    resultSelector: {
      jobId: sfn.JsonPath.stringAt('$.Job.Id'),
      status: sfn.JsonPath.stringAt('$.Job.Status'),
      outputGroups: sfn.JsonPath.objectAt('$.Job.OutputGroupDetails'),
      timing: sfn.JsonPath.objectAt('$.Job.Timing'),
    },
    taskTimeout: sfn.Timeout.duration(RENDER_TASK_TIMEOUT),
  });
  render.addRetry({ errors: MEDIACONVERT_TRANSIENT_ERRORS, interval: Duration.seconds(5), maxAttempts: 5, maxDelay: Duration.minutes(2), ...backoff });
  const renderFailed = new sfn.Pass(states, 'RenderFailed', { stateName: STATE.renderFailed, parameters: { failed: true, error: sfn.JsonPath.objectAt(RENDER_ERROR_PATH) } });
  render.addCatch(renderFailed, { resultPath: RENDER_ERROR_PATH });

  const alertAndRender = new sfn.Parallel(states, 'AlertAndRender', {
    stateName: STATE.alertAndRender,
    resultSelector: { alert: sfn.JsonPath.objectAt('$[0]'), render: sfn.JsonPath.objectAt('$[1]') },
    resultPath: '$.outcome',
  })
    .branch(alertBranch)
    .branch(render);

  // Catalog and retention, for videos and stills alike.
  const catalog = lambdaTask(states, 'CatalogClip', STATE.catalog, resources.catalogClip, '$.catalog');
  const retention = lambdaTask(states, 'ApplyRetention', STATE.retention, resources.applyRetention, '$.retention');
  const ready = new sfn.Succeed(states, 'ClipReady', { stateName: STATE.ready });
  const catalogAndRetain = catalog.next(retention).next(ready);
  // A clip whose render failed is FAILED (its alert outcome kept); the error goes where Record failure reads it.
  const notRendered = new sfn.Pass(states, 'RecordRenderFailure', { stateName: STATE.notRendered, inputPath: '$.outcome.render.error', resultPath: '$.error' });
  notRendered.next(failurePath);
  alertAndRender.next(
    new sfn.Choice(states, 'Rendered', { stateName: STATE.rendered })
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.outcome.render.failed'), sfn.Condition.booleanEquals('$.outcome.render.failed', true)), notRendered)
      .otherwise(catalogAndRetain),
  );

  const validate = lambdaTask(states, 'ValidateClip', STATE.validate, resources.validateClip, '$.validation');
  // Any other step that fails (after its retries) goes to the failure path, its error at `$.error`.
  for (const state of [validate, alertAndRender, catalog, retention, quarantine, notifyQuarantine]) state.addCatch(failurePath, { resultPath: '$.error' });
  const whatWasUploaded = new sfn.Choice(states, 'WhatWasUploaded', { stateName: STATE.whatWasUploaded })
    .when(sfn.Condition.stringEquals('$.validation.kind', 'video'), alertAndRender)
    .when(sfn.Condition.stringEquals('$.validation.kind', 'still'), catalogAndRetain)
    .otherwise(quarantine.next(notifyQuarantine).next(quarantined));

  // After an outage, back to the first step whose result is missing (each step's result is kept at its ResultPath).
  const resume = sfn.Condition.booleanEquals('$.failure.resume', true);
  const resumeAt = (path: string) => sfn.Condition.and(resume, sfn.Condition.isPresent(path));
  resumeAfterOutage.when(resumeAt('$.catalog'), retention).when(resumeAt('$.outcome'), catalog).when(resumeAt('$.validation'), whatWasUploaded).when(resume, validate).otherwise(notifyFailure);
  return validate.next(whatWasUploaded);
}
