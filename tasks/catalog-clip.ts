/**
 * "Catalog clip": the clip's item becomes READY — a video with its renditions, poster and
 * thumbnails, or a still that is its own poster — and its camera's counters move on.
 *
 * Idempotent: one item per clip id; a retried task or a redriven execution (same execution
 * name) rewrites the same item; another execution may take over a clip that is PROCESSING,
 * FAILED or QUARANTINED, but not one it finished (READY) — that is `ClipOwnedElsewhere`.
 * The camera's `clipCount` grows once per clip: the clip item remembers that it was
 * counted (`countedOnCamera`), so a retry after a failed camera update counts it then.
 *
 * Input: `TaskEvent`. Output (`$.catalog`): `CatalogResult`.
 */
import { keys } from '../workflows/catalog-table.ts';
import type { CatalogResult, TaskEvent } from '../workflows/clip-contract.ts';
import { updateItem } from './catalog-store.ts';
import { readyClipRecord } from './clip-record.ts';
import { writeClipItem } from './clip-status.ts';
import { ClipOwnedElsewhere, isConditionFailed } from './errors.ts';
import { logger, runClipTask } from './observability.ts';

/** Set on the clip item once its camera's clipCount includes it. */
export const COUNTED_ON_CAMERA = 'countedOnCamera';

export const handler = (event: TaskEvent): Promise<CatalogResult> => runClipTask('catalog-clip', event, () => catalogClip(event));

export async function catalogClip(event: TaskEvent, now: Date = new Date()): Promise<CatalogResult> {
  const record = readyClipRecord(event.workflow, event.executionName, now.toISOString());
  const outcome = await writeClipItem(record, { remove: ['quarantine', 'failure'] });
  if (!outcome.written) throw new ClipOwnedElsewhere(record.clipId, outcome.owner, event.executionName);
  const created = outcome.previous?.status !== 'READY';
  if (outcome.previous?.[COUNTED_ON_CAMERA] !== true) {
    await countClipOnCamera(record.camera, record.capturedAt);
    await updateItem(keys.clip(record.clipId), { set: { [COUNTED_ON_CAMERA]: true } }, `Marking clip ${record.clipId} counted`);
  }
  logger.info('Clip cataloged', { status: 'READY', kind: record.kind, created });
  return { clipId: record.clipId, status: 'READY', created };
}

/** clipCount + 1, lastClipAt = the later of its value and this clip's time; the camera record is created if absent. */
export async function countClipOnCamera(camera: string, capturedAt: string): Promise<void> {
  const key = keys.camera(camera);
  const base = { setIfAbsent: { camera, displayName: camera }, add: { clipCount: 1 } };
  try {
    await updateItem(
      key,
      { ...base, set: { lastClipAt: capturedAt }, condition: 'attribute_not_exists(#lastClipAt) OR #lastClipAt < :capturedAt', names: { '#lastClipAt': 'lastClipAt' }, values: { ':capturedAt': capturedAt } },
      `Counting a clip on camera ${camera}`,
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    // A later clip is already the camera's last: count this one without moving lastClipAt.
    await updateItem(key, base, `Counting a clip on camera ${camera}`);
  }
}
