/**
 * What the operations topic says when a clip is quarantined or fails (pure): the subject
 * names the camera and the problem, the message names the object and says what to do.
 */
import type { CaughtError, OperationsNotice, ValidationResult, WorkflowState } from './clip-contract.ts';
import { ERRORS } from './clip-contract.ts';
import { operationsLinkLines, type OperationsLinkSettings } from './operations-links.ts';
import { SNS_SUBJECT_MAX, snsSubject } from './sns-text.ts';
import { multiLineText, oneLineText } from './user-text.ts';

/** SNS: a subject is less than 100 characters (see sns-text.ts). */
export const SUBJECT_MAX = SNS_SUBJECT_MAX;
/** Longest cause kept in the catalog and in the message. */
export const CAUSE_MAX = 2000;

const REASON_TEXT: Record<NonNullable<ValidationResult['reason']>, string> = {
  empty: 'empty file',
  truncated: 'cut short',
  'not-media': 'not a video or picture',
  'no-video-track': 'no video track',
  'too-long': 'too long',
  'too-large': 'too large',
  'unsupported-codec': 'unsupported codec',
  'not-remuxed': 'not remuxed by the gateway',
};

export function quarantineNotice(state: WorkflowState, executionName: string, recorded: { written: boolean; owner?: string }, links: OperationsLinkSettings = {}): OperationsNotice {
  const { clip, validation } = state;
  const reason = validation?.reason ?? 'not-media';
  const object = `s3://${clip.bucket}/${oneLineText(clip.key)}`;
  const lines = [
    `An upload from camera ${clip.camera} was quarantined: ${REASON_TEXT[reason]} (${reason}).`,
    '',
    `Object: ${object} (${clip.size} bytes, uploaded ${clip.uploadedAt})`,
    `What is wrong and what to do: ${validation?.detail ?? 'see the execution.'}`,
    'The raw object is kept where it is: delete it when you no longer need it, or upload a good copy under a new name and a new workflow starts.',
    `Clip: ${clip.clipId}`,
    `Execution: ${executionName}`,
    ...operationsLinkLines(links, clip.clipId, executionName),
  ];
  if (!recorded.written) lines.push(`Not recorded in the catalog: the clip is READY under execution ${recorded.owner}.`);
  return { status: 'QUARANTINED', subject: snsSubject(`Quarantined: ${clip.camera} upload, ${REASON_TEXT[reason]}`), message: multiLineText(lines.join('\n')) };
}

/** The message of a caught error: `errorMessage` of a Lambda-style Cause, else the Cause itself. */
export function failureCause(error: CaughtError | undefined): string | undefined {
  const cause = error?.Cause;
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; ErrorMessage?: unknown; message?: unknown };
    const message = parsed.errorMessage ?? parsed.ErrorMessage ?? parsed.message;
    if (typeof message === 'string' && message) text = message;
  } catch {
    // Not JSON: a plain text cause.
  }
  return text.length > CAUSE_MAX ? `${text.slice(0, CAUSE_MAX - 1)}…` : text;
}

/** What to do about a failure, by error name. */
export function failureAdvice(errorName: string, clipId: string, executionName: string): string {
  const redrive = `redrive execution ${executionName} (camflow status ${clipId} shows where it stopped)`;
  switch (errorName) {
    case ERRORS.storageUnavailable:
      return `S3 or DynamoDB stayed unavailable through every retry. Check service health and throttling, then ${redrive}.`;
    case ERRORS.clipNotFound:
      return 'The upload is gone; upload the clip again if it was not removed on purpose (a new workflow starts).';
    case ERRORS.clipOwnedElsewhere:
      return 'Another execution already finished this clip; nothing to do unless you want it processed again (then delete its catalog item and redrive).';
    case ERRORS.cameraIdInvalid:
      return "Upload under '{camera-id}/…' with a valid camera id.";
    case 'States.Timeout':
    case 'States.HeartbeatTimeout':
      return `A step took too long. Check the render job or the task's logs, then ${redrive}.`;
    default:
      if (errorName.startsWith('MediaConvert') || /mediaconvert/i.test(errorName)) return `The render job failed: check the job's error in MediaConvert, then ${redrive}.`;
      return `Read the cause above and the task's logs (search for clipId ${clipId}), fix it, then ${redrive}.`;
  }
}

export function failureNotice(state: WorkflowState, executionName: string, recorded: { written: boolean; owner?: string }, links: OperationsLinkSettings = {}): OperationsNotice {
  const { clip } = state;
  const errorName = state.error?.Error ?? 'Unknown';
  const cause = failureCause(state.error);
  const lines = [
    `Clip ${clip.clipId} from camera ${clip.camera} failed: ${errorName}.`,
    '',
    `Object: s3://${clip.bucket}/${oneLineText(clip.key)} (${clip.size} bytes, uploaded ${clip.uploadedAt})`,
    `Cause: ${cause ?? 'none given'}`,
    `What to do: ${failureAdvice(errorName, clip.clipId, executionName)}`,
    `Execution: ${executionName}`,
    ...operationsLinkLines(links, clip.clipId, executionName),
  ];
  const alert = state.outcome?.alert;
  if (alert) lines.push(`Motion alert: ${alert.send ? 'sent' : alert.reason === 'failed' ? `not sent, it failed too (${alert.error ?? 'Unknown'})` : `not sent (${alert.reason ?? 'not due'})`}`);
  if (!recorded.written) lines.push(`Not recorded in the catalog: the clip is READY under execution ${recorded.owner}.`);
  return { status: 'FAILED', subject: snsSubject(`Failed: ${clip.camera} clip ${clip.clipId} (${errorName})`), message: multiLineText(lines.join('\n')) };
}
