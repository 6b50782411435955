/**
 * The sweeper: no clip stays PROCESSING for ever. It runs on a schedule (EventBridge Scheduler
 * in AWS, a timer in `camflow up`), reads the oldest PROCESSING clips from the status index
 * and, for each one older than the grace period whose execution is not RUNNING:
 *
 * - no execution (the trigger cataloged the clip, then could not start it): start it, named
 *   as the catalog item says, with the input rebuilt from the item and the upload itself;
 * - FAILED, TIMED_OUT or ABORTED, redrivable, redriven fewer than `maxRedrives` times:
 *   redrive it (it continues from the step that failed, e.g. Record failure after an outage);
 * - anything else — redrives used up, not redrivable, ended at the workflow's own Fail state,
 *   SUCCEEDED without cataloging, upload gone or replaced, uploaded more than
 *   `giveUpAfterDays` ago: the clip becomes FAILED with an error naming the reason and a cause
 *   that says what to do (the API lists it under `status=FAILED`).
 *
 * Bounded work per run (`maxClips`, and the Lambda's remaining time). Logs one line per clip
 * acted on (clipId, executionName) and a summary. Input: any (the schedule's event).
 * Output: `SweepResult`.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, RedriveExecutionCommand, StartExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../domain/catalog-table.ts';
import type { ClipRecord } from '../domain/clip-contract.ts';
import { lambdaHandler, type TaskDependencies } from './dependencies.ts';
import { updateParameters } from './catalog-store.ts';
import { isConditionFailed, isNotFound, storageCall } from '../domain/errors.ts';
import { logger, withClipContext, withObservability } from './observability.ts';
import { clipWorkflowInput } from '../domain/upload-event.ts';

/** Environment variables of the sweeper (all optional). */
export const SWEEPER_ENV = {
  graceSeconds: 'SWEEP_GRACE_SECONDS',
  maxRedrives: 'SWEEP_MAX_REDRIVES',
  giveUpAfterDays: 'SWEEP_GIVE_UP_DAYS',
  maxClips: 'SWEEP_MAX_CLIPS',
} as const;

export interface SweeperSettings {
  /** A clip must have been PROCESSING this long before the sweeper looks at it (default 900: the trigger's own retries come first). */
  graceSeconds: number;
  /** Redrives of one execution before the clip is marked FAILED (default 3). */
  maxRedrives: number;
  /** Clips uploaded longer ago than this are marked FAILED instead of retried (default 7; redrives are possible for 14 days). */
  giveUpAfterDays: number;
  /** Clips looked at per run, oldest first (default 50). */
  maxClips: number;
}

export const DEFAULT_SWEEPER_SETTINGS: SweeperSettings = { graceSeconds: 900, maxRedrives: 3, giveUpAfterDays: 7, maxClips: 50 };

/** Why the sweeper marked a clip FAILED: the `failure.error` it records. */
export type StuckReason = 'RedrivesExhausted' | 'NotRedrivable' | 'WorkflowEnded' | 'CatalogNotUpdated' | 'UploadMissing' | 'UploadReplaced' | 'GaveUp';

export interface SweepResult {
  examined: number;
  /** Left alone: their execution is running. */
  running: number;
  restarted: string[];
  redriven: string[];
  failed: Array<{ clipId: string; reason: StuckReason }>;
  /** Clips the sweeper could not handle this time (tried again next run). */
  errors: Array<{ clipId: string; error: string }>;
  /** More stuck clips are waiting than this run looked at. */
  more: boolean;
}

export interface SweeperClients {
  catalog: DynamoDBDocumentClient;
  stepFunctions: SFNClient;
  s3: S3Client;
}

/** A sweeper setting that is not a number in range. */
export class SweeperSettingInvalid extends Error {
  override readonly name = 'SweeperSettingInvalid';
  constructor(variable: string, value: string, rule: string) {
    super(`${variable} is '${value}', but it must be ${rule}. Fix the variable (the stack sets it from CDK context) or remove it to use the default.`);
  }
}

/** Some stuck clips could not be handled in this run; they stay PROCESSING and the next run tries again. */
export class SweepIncomplete extends Error {
  override readonly name = 'SweepIncomplete';
  constructor(readonly result: SweepResult) {
    super(
      `The sweeper could not handle ${result.errors.length} stuck clip(s) (${result.errors
        .map((e) => `${e.clipId}: ${e.error}`)
        .join('; ')
        .slice(0, 600)}). ` + 'They stay PROCESSING and the next run tries again; if this repeats, check DynamoDB, S3 and Step Functions health and the sweeper’s permissions.',
    );
  }
}

/** The workflow's own Fail states (WORKFLOW_FAILURES in workflows/clip-workflow.ts): redriving one only fails again. */
const WORKFLOW_FAIL_ERRORS = new Set(['ClipFailed', 'ClipQuarantined']);
const REDRIVABLE_STATUSES = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export function sweeperSettingsFromEnv(env: Record<string, string | undefined>): SweeperSettings {
  const read = (variable: string, fallback: number, min: number, max: number, integer: boolean): number => {
    const text = env[variable];
    if (text === undefined || text.trim() === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new SweeperSettingInvalid(variable, text.slice(0, 40), `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    }
    return value;
  };
  return {
    graceSeconds: read(SWEEPER_ENV.graceSeconds, DEFAULT_SWEEPER_SETTINGS.graceSeconds, 0, 7 * 86400, false),
    maxRedrives: read(SWEEPER_ENV.maxRedrives, DEFAULT_SWEEPER_SETTINGS.maxRedrives, 0, 100, true),
    giveUpAfterDays: read(SWEEPER_ENV.giveUpAfterDays, DEFAULT_SWEEPER_SETTINGS.giveUpAfterDays, 0, 14, false),
    maxClips: read(SWEEPER_ENV.maxClips, DEFAULT_SWEEPER_SETTINGS.maxClips, 1, 1000, true),
  };
}

export const createHandler =
  (deps: TaskDependencies) =>
  (_event?: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<SweepResult> =>
    withObservability(deps.observability, async () => {
      const remaining = context?.getRemainingTimeInMillis?.();
      const result = await sweepStuckClips({
        settings: deps.sweeper,
        stateMachineArn: deps.stateMachineArn,
        tableName: deps.tableName,
        clients: { catalog: deps.catalog, stepFunctions: deps.stepFunctions, s3: deps.s3 },
        // Stop taking new clips with 20 s to spare.
        deadline: remaining === undefined ? undefined : Date.now() + remaining - 20_000,
      });
      if (result.errors.length > 0) throw new SweepIncomplete(result);
      return result;
    });

export const handler = lambdaHandler(createHandler);

export interface SweepOptions {
  settings: SweeperSettings;
  stateMachineArn: string;
  tableName: string;
  clients: SweeperClients;
  now?: Date;
  /** Epoch ms after which no further clip is taken. */
  deadline?: number;
}

type StuckClip = Pick<ClipRecord, 'clipId' | 'camera' | 'uploadedAt' | 'updatedAt' | 'executionName' | 'source'> & { status: string };

export async function sweepStuckClips(options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const result: SweepResult = { examined: 0, running: 0, restarted: [], redriven: [], failed: [], errors: [], more: false };
  const { clips, more } = await stuckClips(options, new Date(now.getTime() - options.settings.graceSeconds * 1000));
  result.more = more;
  for (const clip of clips) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      result.more = true;
      break;
    }
    result.examined += 1;
    const executionName = clip.executionName || clip.clipId;
    await withClipContext('sweeper', { clipId: clip.clipId, camera: clip.camera, executionName }, async () => {
      try {
        const outcome = await sweepClip(clip, executionName, options, now);
        if (outcome.kind === 'running') result.running += 1;
        else if (outcome.kind === 'restarted') result.restarted.push(clip.clipId);
        else if (outcome.kind === 'redriven') result.redriven.push(clip.clipId);
        else if (outcome.kind === 'failed') result.failed.push({ clipId: clip.clipId, reason: outcome.reason });
      } catch (error) {
        const e = error as Error;
        logger.error('Could not handle a stuck clip; the next run tries again', { error: e, errorName: e?.name });
        result.errors.push({ clipId: clip.clipId, error: `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}` });
      }
    });
  }
  const summary = {
    examined: result.examined,
    running: result.running,
    restarted: result.restarted.length,
    redriven: result.redriven.length,
    failed: result.failed.length,
    errors: result.errors.length,
    more: result.more,
  };
  if (result.examined > 0) logger.info('Sweep done', summary);
  else logger.debug('Sweep done: no clip stuck in PROCESSING', summary);
  return result;
}

/** PROCESSING clips last written before `before`, oldest first, at most `maxClips`. */
async function stuckClips(options: SweepOptions, before: Date): Promise<{ clips: StuckClip[]; more: boolean }> {
  const max = options.settings.maxClips;
  return storageCall('Listing clips stuck in PROCESSING', async () => {
    const clips: StuckClip[] = [];
    const pages = paginateQuery(
      { client: options.clients.catalog, pageSize: max },
      {
        TableName: options.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: 'statusPk = :processing AND statusSk < :before',
        ExpressionAttributeValues: { ':processing': 'STATUS#PROCESSING', ':before': before.toISOString() },
        ScanIndexForward: true,
      },
    );
    for await (const page of pages) {
      clips.push(...((page.Items ?? []) as StuckClip[]).filter((item) => item.status === 'PROCESSING'));
      if (clips.length >= max) return { clips: clips.slice(0, max), more: clips.length > max || page.LastEvaluatedKey !== undefined };
    }
    return { clips, more: false };
  });
}

type ClipOutcome = { kind: 'running' | 'restarted' | 'redriven' | 'left' } | { kind: 'failed'; reason: StuckReason };

async function sweepClip(clip: StuckClip, executionName: string, options: SweepOptions, now: Date): Promise<ClipOutcome> {
  const executionArn = `${options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  let execution: DescribeExecutionCommandOutput | undefined;
  try {
    execution = await options.clients.stepFunctions.send(new DescribeExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }));
  } catch (error) {
    if ((error as Error)?.name !== 'ExecutionDoesNotExist') throw error;
  }
  if (execution?.status === 'RUNNING' || execution?.status === 'PENDING_REDRIVE') return { kind: 'running' };

  const fail = (reason: StuckReason, cause: string) => markFailed(clip, reason, cause, options, now);
  const ageDays = (now.getTime() - Date.parse(clip.uploadedAt)) / 86_400_000;
  if (ageDays > options.settings.giveUpAfterDays) {
    return fail(
      'GaveUp',
      `The clip was uploaded ${Math.floor(ageDays)} days ago and its workflow never finished (execution ${executionName}: ${execution?.status ?? 'never started'}). ` +
        'The sweeper stopped retrying it; upload the clip again to process it, or redrive the execution by hand within 14 days of its end.',
    );
  }
  if (!execution) return restart(clip, executionName, options, fail);

  const status = execution.status ?? 'UNKNOWN';
  const what = `${status}${execution.error ? ` with ${execution.error}` : ''}${execution.cause ? `: ${execution.cause.slice(0, 300)}` : ''}`;
  if (status === 'SUCCEEDED') {
    return fail('CatalogNotUpdated', `Execution ${executionName} SUCCEEDED but the catalog still said PROCESSING. Check the execution's Catalog clip step; upload the clip again to process it anew.`);
  }
  if (execution.error && WORKFLOW_FAIL_ERRORS.has(execution.error)) {
    return fail(
      'WorkflowEnded',
      `Execution ${executionName} ended ${what}, but the catalog still said PROCESSING. Read the execution's history (camflow status ${clip.clipId}) for the step that failed.`,
    );
  }
  if (!REDRIVABLE_STATUSES.has(status) || execution.redriveStatus !== 'REDRIVABLE') {
    return fail('NotRedrivable', `Execution ${executionName} ended ${what} and cannot be redriven (${execution.redriveStatusReason ?? 'no reason given'}). Upload the clip again to process it.`);
  }
  const redrives = execution.redriveCount ?? 0;
  if (redrives >= options.settings.maxRedrives) {
    return fail(
      'RedrivesExhausted',
      `Execution ${executionName} was redriven ${redrives} time(s) and still ended ${what}. Fix the cause (the task's logs, search for clipId ${clip.clipId}), then redrive it (POST /executions/${executionName}/redrive).`,
    );
  }
  try {
    await options.clients.stepFunctions.send(new RedriveExecutionCommand({ executionArn, clientToken: `sweeper-${redrives + 1}-${executionName}`.slice(0, 64) }));
  } catch (error) {
    if ((error as Error)?.name !== 'ExecutionNotRedrivable') throw error;
    return fail('NotRedrivable', `Execution ${executionName} ended ${what} and Step Functions refused to redrive it: ${(error as Error).message}. Upload the clip again to process it.`);
  }
  logger.warn('Stuck clip: execution redriven', { status, error: execution.error, redrive: redrives + 1, maxRedrives: options.settings.maxRedrives });
  return { kind: 'redriven' };
}

/** Start the execution the trigger never started: same name, the input the trigger would have given. */
async function restart(clip: StuckClip, executionName: string, options: SweepOptions, fail: (reason: StuckReason, cause: string) => Promise<ClipOutcome>): Promise<ClipOutcome> {
  const { bucket, key, versionId } = clip.source;
  const upload = `s3://${bucket}/${key}${versionId ? ` (version ${versionId})` : ''}`;
  let head;
  try {
    head = await storageCall(`Looking up the upload ${upload}`, () => options.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) })));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return fail('UploadMissing', `The upload ${upload} no longer exists and its workflow never started. Nothing to do if it was removed on purpose; otherwise upload the clip again.`);
  }
  // The input the trigger gave (or would have given): the same object version, the same clip id.
  const input = clipWorkflowInput({
    bucket,
    key,
    ...(head.VersionId && head.VersionId !== 'null' ? { versionId: head.VersionId } : {}),
    size: head.ContentLength ?? clip.source.sizeBytes,
    etag: (head.ETag ?? '').replace(/"/g, ''),
    uploadedAt: clip.uploadedAt,
  });
  if (input.clip.clipId !== clip.clipId) {
    return fail('UploadReplaced', `The upload ${upload} was replaced by another file (clip ${input.clip.clipId}) before this clip's workflow started; the new file is its own clip.`);
  }
  try {
    await options.clients.stepFunctions.send(new StartExecutionCommand({ stateMachineArn: options.stateMachineArn, name: executionName, input: JSON.stringify(input) }));
  } catch (error) {
    // Started meanwhile (the trigger's own retry, or the dead-letter retry).
    if ((error as Error)?.name === 'ExecutionAlreadyExists') return { kind: 'running' };
    throw error;
  }
  logger.warn('Stuck clip: its workflow had never started; started it now');
  return { kind: 'restarted' };
}

/** PROCESSING → FAILED with the reason, unless someone else changed the clip meanwhile. */
async function markFailed(clip: StuckClip, reason: StuckReason, cause: string, options: SweepOptions, now: Date): Promise<ClipOutcome> {
  const updatedAt = now.toISOString();
  try {
    await storageCall(`Marking stuck clip ${clip.clipId} FAILED`, () =>
      options.clients.catalog.send(
        new UpdateCommand({
          TableName: options.tableName,
          Key: keys.clip(clip.clipId),
          ...updateParameters({
            set: { status: 'FAILED', updatedAt, failure: { error: reason, cause }, ...keys.clipStatusIndex('FAILED', updatedAt, clip.clipId) },
            condition: '#status = :processing',
            names: { '#status': 'status' },
            values: { ':processing': 'PROCESSING' },
          }),
        }),
      ),
    );
  } catch (error) {
    if (isConditionFailed(error)) return { kind: 'left' };
    throw error;
  }
  logger.error('Stuck clip marked FAILED', { reason, cause });
  return { kind: 'failed', reason };
}
