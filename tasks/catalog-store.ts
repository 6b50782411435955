/**
 * Small helpers over the catalog table (thin AWS calls): read a camera, put an item, write
 * attributes of an item with one UpdateItem. Every call goes through `storageCall`, so throttling and
 * outages surface as `StorageUnavailable` (retried by the workflow).
 */
import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { keys } from '../domain/catalog-table.ts';
import type { CameraRecord } from '../domain/clip-contract.ts';
import type { CatalogAccess } from './dependencies.ts';
import { storageCall } from '../domain/errors.ts';

export type ItemKey = { pk: string; sk: string };

export async function getItem<T>(db: CatalogAccess, key: ItemKey, what: string): Promise<T | undefined> {
  const { Item } = await storageCall(what, () => db.catalog.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true })));
  return Item as T | undefined;
}

export function getCameraRecord(db: CatalogAccess, camera: string): Promise<Partial<CameraRecord> | undefined> {
  return getItem<Partial<CameraRecord>>(db, keys.camera(camera), `Reading camera ${camera}`);
}

/** One PutItem; with a `condition` (e.g. `attribute_not_exists(pk)`), a failed one throws ConditionalCheckFailedException. */
export async function putItem(db: CatalogAccess, item: ItemKey & Record<string, unknown>, what: string, condition?: string): Promise<void> {
  await storageCall(what, () => db.catalog.send(new PutCommand({ TableName: db.tableName, Item: item, ...(condition ? { ConditionExpression: condition } : {}) })));
}

export interface AttributeUpdate {
  /** Attributes to set (undefined values are skipped). */
  set?: Record<string, unknown>;
  /** Attributes to set only if the item has none yet. */
  setIfAbsent?: Record<string, unknown>;
  /** Numbers to add to. */
  add?: Record<string, number>;
  remove?: string[];
  /** A condition using `#names`/`:values` of its own (given in `names`/`values`). */
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The UpdateItem parameters for an `AttributeUpdate` (pure). */
export function updateParameters(update: AttributeUpdate): Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const names: Record<string, string> = { ...update.names };
  const values: Record<string, unknown> = { ...update.values };
  let n = 0;
  const placeholder = (attribute: string, value: unknown) => {
    const i = n++;
    names[`#u${i}`] = attribute;
    values[`:u${i}`] = value;
    return { name: `#u${i}`, value: `:u${i}` };
  };
  const sets: string[] = [];
  for (const [attribute, value] of Object.entries(update.set ?? {})) {
    if (value === undefined) continue;
    const p = placeholder(attribute, value);
    sets.push(`${p.name} = ${p.value}`);
  }
  for (const [attribute, value] of Object.entries(update.setIfAbsent ?? {})) {
    if (value === undefined) continue;
    const p = placeholder(attribute, value);
    sets.push(`${p.name} = if_not_exists(${p.name}, ${p.value})`);
  }
  const adds: string[] = [];
  for (const [attribute, value] of Object.entries(update.add ?? {})) {
    const p = placeholder(attribute, value);
    adds.push(`${p.name} ${p.value}`);
  }
  const removes: string[] = [];
  for (const attribute of update.remove ?? []) {
    const i = n++;
    names[`#u${i}`] = attribute;
    removes.push(`#u${i}`);
  }
  const clauses = [sets.length ? `SET ${sets.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean);
  return {
    UpdateExpression: clauses.join(' '),
    ...(update.condition ? { ConditionExpression: update.condition } : {}),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

/** One UpdateItem; returns the item as it was before (ALL_OLD). A failed condition throws ConditionalCheckFailedException. */
export async function updateItem<T = Record<string, unknown>>(db: CatalogAccess, key: ItemKey, update: AttributeUpdate, what: string): Promise<T | undefined> {
  const { Attributes } = await storageCall(what, () => db.catalog.send(new UpdateCommand({ TableName: db.tableName, Key: key, ...updateParameters(update), ReturnValues: 'ALL_OLD' })));
  return Attributes as T | undefined;
}
