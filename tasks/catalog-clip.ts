/**
 * "Catalog clip": the clip's item becomes READY — a video with its renditions, poster and
 * scrub sprite and estimated cost, or a still that is its own poster — and its camera's
 * counters (clips, this month's estimated cost) move on.
 *
 * Idempotent: one item per clip id; a retried task or a redriven execution (same execution
 * name) rewrites the same item; another execution may take over a clip that is PROCESSING,
 * FAILED or QUARANTINED, but not one it finished (READY) — that is `ClipOwnedElsewhere`.
 * The camera's `clipCount` grows once per clip: the clip item remembers that it was
 * counted (`countedOnCamera`), so a retry after a failed camera update counts it then.
 *
 * Input: `TaskEvent`. Output (`$.catalog`): `CatalogResult`.
 */
import { keys } from '../domain/catalog-table.ts';
import { monthClipsAttribute, monthCostAttribute, type CatalogResult, type TaskEvent } from '../domain/clip-contract.ts';
import { recordFailedAlert } from './alert-failure.ts';
import { clipReady } from './clip-metrics.ts';
import { updateItem } from './catalog-store.ts';
import { readyClipRecord } from '../domain/clip-record.ts';
import { writeClipItem } from './clip-status.ts';
import { ClipOwnedElsewhere, isConditionFailed } from '../domain/errors.ts';
import { logger, runClipTask } from './observability.ts';
import { lambdaHandler, type CatalogAccess, type TaskDependencies } from './dependencies.ts';

/** Set on the clip item once its camera's clipCount includes it. */
export const COUNTED_ON_CAMERA = 'countedOnCamera';

export const createHandler =
  (deps: TaskDependencies) =>
  (event: TaskEvent): Promise<CatalogResult> =>
    runClipTask(deps, 'catalog-clip', event, () => catalogClip(deps, event));

export const handler = lambdaHandler(createHandler);

export async function catalogClip(db: CatalogAccess, event: TaskEvent, now: Date = new Date()): Promise<CatalogResult> {
  const record = readyClipRecord(event.workflow, event.executionName, now.toISOString());
  const outcome = await writeClipItem(db, record, { remove: ['quarantine', 'failure'] });
  if (!outcome.written) throw new ClipOwnedElsewhere(record.clipId, outcome.owner, event.executionName);
  await recordFailedAlert(db, event.workflow, now);
  const created = outcome.previous?.status !== 'READY';
  if (outcome.previous?.[COUNTED_ON_CAMERA] !== true) {
    await countClipOnCamera(db, record.camera, record.capturedAt, record.cost ? { usd: record.cost.usd, at: now } : undefined);
    await updateItem(db, keys.clip(record.clipId), { set: { [COUNTED_ON_CAMERA]: true } }, `Marking clip ${record.clipId} counted`);
  }
  logger.info('Clip cataloged', { status: 'READY', kind: record.kind, created });
  // Counted once per clip: a retry or a redrive of a READY clip counts nothing again.
  if (created) clipReady(event.workflow, record.cost, now);
  return { clipId: record.clipId, status: 'READY', created };
}

/**
 * clipCount + 1, lastClipAt = the later of its value and this clip's time, and the clip's
 * estimated cost added to the camera's total for the month it was processed in (one atomic
 * UpdateItem, no scan); the camera record is created if absent.
 */
export async function countClipOnCamera(db: CatalogAccess, camera: string, capturedAt: string, cost?: { usd: number; at: Date }): Promise<void> {
  const key = keys.camera(camera);
  const monthly = cost ? { [monthCostAttribute(cost.at)]: cost.usd, [monthClipsAttribute(cost.at)]: 1 } : {};
  const base = { setIfAbsent: { camera, displayName: camera }, add: { clipCount: 1, ...monthly } };
  try {
    await updateItem(
      db,
      key,
      {
        ...base,
        set: { lastClipAt: capturedAt },
        condition: 'attribute_not_exists(#lastClipAt) OR #lastClipAt < :capturedAt',
        names: { '#lastClipAt': 'lastClipAt' },
        values: { ':capturedAt': capturedAt },
      },
      `Counting a clip on camera ${camera}`,
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    // A later clip is already the camera's last: count this one without moving lastClipAt.
    await updateItem(db, key, base, `Counting a clip on camera ${camera}`);
  }
}
