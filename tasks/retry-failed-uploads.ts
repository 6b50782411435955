/**
 * Retry failed uploads: an upload whose trigger kept failing (EventBridge retried it for up
 * to 24 hours, or the trigger Lambda's own asynchronous retries ran out) waits in the
 * trigger's dead-letter queue, its message body the "Object Created" event itself. On the
 * sweeper's schedule this task reads those messages and runs the trigger again for each —
 * the trigger is idempotent: a clip already started is a duplicate, not a second clip. A
 * message is deleted once its upload is started, found started, or ignored (not under a
 * camera id); one that fails again, or cannot be read, stays for the next run, and the
 * queue's alarm keeps telling operations while any message waits.
 *
 * Environment: `TRIGGER_DEAD_LETTERS_URL`. Input: the schedule's event. Output: `RetryResult`.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { logger, withObservability } from './observability.ts';
import { createHandler as createTrigger, type TriggerResult } from './trigger.ts';
import { lambdaHandler, TaskSettingMissing, type TaskDependencies } from './dependencies.ts';
import type { ObjectCreatedEvent } from '../domain/upload-event.ts';

/** Its variable (`deadLettersUrl` of the task dependencies). */
export const TRIGGER_DEAD_LETTERS_URL = 'TRIGGER_DEAD_LETTERS_URL';

/** One message of the dead-letter queue. */
export interface DeadLetter {
  id: string;
  body: string;
  /** What deletes it (SQS receipt handle). */
  receipt: string;
}

/** The trigger's dead-letter queue, as this task uses it. */
export interface DeadLetters {
  /** Up to `max` messages, hidden from other readers for a while (they come back if not removed). */
  receive(max: number): Promise<DeadLetter[]>;
  remove(letter: DeadLetter): Promise<void>;
}

export interface RetryResult {
  /** Messages read. */
  read: number;
  started: number;
  /** Their clip was already started. */
  duplicates: number;
  /** Not a camera's upload: removed, nothing to start. */
  ignored: number;
  /** Failed again, or unreadable: left in the queue. */
  left: number;
}

/** The dead-letter queue in SQS. Messages stay hidden for `hideSeconds` after being read. */
export function sqsDeadLetters(queueUrl: string, sqs: SQSClient, hideSeconds = 300): DeadLetters {
  return {
    async receive(max) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, max), VisibilityTimeout: hideSeconds, WaitTimeSeconds: 0 }));
      return (Messages ?? []).map((m) => ({ id: m.MessageId ?? '', body: m.Body ?? '', receipt: m.ReceiptHandle ?? '' }));
    },
    async remove(letter) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: letter.receipt }));
    },
  };
}

export const createHandler = (deps: TaskDependencies) => {
  const trigger = createTrigger(deps);
  return (_event?: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<RetryResult> =>
    withObservability(deps.observability, () => {
      const remaining = context?.getRemainingTimeInMillis?.();
      if (!deps.deadLettersUrl) throw new TaskSettingMissing(TRIGGER_DEAD_LETTERS_URL);
      return retryFailedUploads(sqsDeadLetters(deps.deadLettersUrl, deps.sqs), trigger, {
        deadline: remaining === undefined ? undefined : Date.now() + remaining - 20_000,
      });
    });
};

export const handler = lambdaHandler(createHandler);

/**
 * Run `startUpload` (the trigger) for each dead letter, at most `maxMessages` per run and
 * not after `deadline` (epoch ms).
 */
export async function retryFailedUploads(
  deadLetters: DeadLetters,
  startUpload: (event: ObjectCreatedEvent) => Promise<TriggerResult>,
  options: { maxMessages?: number; deadline?: number } = {},
): Promise<RetryResult> {
  const maxMessages = options.maxMessages ?? 100;
  const result: RetryResult = { read: 0, started: 0, duplicates: 0, ignored: 0, left: 0 };
  const seen = new Set<string>();
  while (result.read < maxMessages && (options.deadline === undefined || Date.now() < options.deadline)) {
    const letters = (await deadLetters.receive(maxMessages - result.read)).filter((l) => !seen.has(l.id));
    if (letters.length === 0) break;
    for (const letter of letters) {
      seen.add(letter.id);
      result.read += 1;
      const event = objectCreatedEventIn(letter.body);
      if (!event) {
        logger.error('A message in the trigger dead-letter queue is not an S3 "Object Created" event: left in the queue for you to inspect and delete', {
          messageId: letter.id,
          body: letter.body.slice(0, 500),
        });
        result.left += 1;
        continue;
      }
      const object = { bucket: event.detail?.bucket?.name, key: event.detail?.object?.key };
      try {
        const outcome = await startUpload(event);
        await deadLetters.remove(letter);
        if (outcome.started) result.started += 1;
        else if (outcome.reason === 'duplicate') result.duplicates += 1;
        else result.ignored += 1;
        logger.info('Failed upload retried', { messageId: letter.id, ...object, started: outcome.started, ...('clipId' in outcome ? { clipId: outcome.clipId } : {}) });
      } catch (error) {
        result.left += 1;
        logger.error('Failed upload could not be started again: left in the queue for the next run', { messageId: letter.id, ...object, error: error as Error, errorName: (error as Error)?.name });
      }
    }
  }
  if (result.read > 0) logger.info('Dead-letter retry done', { ...result });
  return result;
}

/** The "Object Created" event a dead letter carries (the body is the event JSON), or undefined. */
export function objectCreatedEventIn(body: string): ObjectCreatedEvent | undefined {
  try {
    const event = JSON.parse(body) as ObjectCreatedEvent;
    if (event && typeof event === 'object' && typeof event.detail?.bucket?.name === 'string' && typeof event.detail?.object?.key === 'string') return event;
  } catch {
    // Not JSON.
  }
  return undefined;
}
