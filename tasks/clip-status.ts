/**
 * Writing a clip's catalog item (thin DynamoDB calls). One item per clip, keyed by clip id.
 * Who may write it: the execution named in it, or anyone while it is not READY — a READY
 * clip belongs to the execution that finished it (see `ClipOwnedElsewhere`).
 */
import { keys, type ClipStatus } from '../domain/catalog-table.ts';
import type { ClipRecord } from '../domain/clip-contract.ts';
import { indexAttributes, STATUS_INDEX_ATTRIBUTES, type ClipItem } from '../domain/clip-record.ts';
import { getItem, updateItem } from './catalog-store.ts';
import { isConditionFailed } from '../domain/errors.ts';
import type { CatalogAccess } from './dependencies.ts';

/** The condition under which an execution may write a clip's item. */
export const MAY_WRITE_CLIP = 'attribute_not_exists(pk) OR #executionName = :executionName OR #status <> :ready';

export type ClipWriteOutcome = { written: true; previous?: Partial<ClipRecord> & Record<string, unknown> } | { written: false; owner: string; ownerStatus: ClipStatus };

/**
 * Set a clip item's attributes (and index attributes), removing the ones named; refused
 * (`written: false`) when the clip is READY under another execution.
 */
export async function writeClipItem(db: CatalogAccess, item: ClipItem, options: { remove?: string[] } = {}): Promise<ClipWriteOutcome> {
  const statusIndexed = keys.clipStatusIndex(item.status, item.updatedAt, item.clipId) !== undefined;
  const remove = [...(options.remove ?? []), ...(statusIndexed ? [] : STATUS_INDEX_ATTRIBUTES)];
  const key = keys.clip(item.clipId);
  try {
    const previous = await updateItem<Partial<ClipRecord> & Record<string, unknown>>(
      db,
      key,
      {
        set: { ...item, ...indexAttributes(item) },
        remove,
        condition: MAY_WRITE_CLIP,
        names: { '#executionName': 'executionName', '#status': 'status' },
        values: { ':executionName': item.executionName, ':ready': 'READY' },
      },
      `Writing clip ${item.clipId} (${item.status})`,
    );
    return { written: true, previous };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const current = await getItem<ClipRecord>(db, key, `Reading clip ${item.clipId}`);
  return { written: false, owner: current?.executionName ?? 'unknown', ownerStatus: current?.status ?? 'READY' };
}
