/**
 * What the API reads from and writes to the catalog table. Every list is a Query on the
 * index that serves it, with a Limit and a start position — never a Scan — so the cost of a
 * page does not grow with the catalog. Positions travel to clients inside sealed cursors
 * (api/cursor.ts); here they are checked again against the partition being queried.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { attributeDefinitions, catalogTable, keys, TTL_ATTRIBUTE, type ClipStatus } from '../domain/catalog-table.ts';
import type { AlertChannels, AlertDecisionRecord, CameraRecord, ClipRecord, RetentionClass } from '../domain/clip-contract.ts';
import type { ModeSetting } from '../domain/system-mode.ts';
import { checkStartKey, type StartKey } from './cursor.ts';

export interface Page<T> {
  items: T[];
  /** Where the next page starts (DynamoDB's LastEvaluatedKey); undefined on the last page. */
  next?: StartKey;
}

/** One page: how many items, and where to start (the `next` of the previous page, from an opened cursor). */
export interface PageRequest {
  limit: number;
  after?: unknown;
}

export interface CatalogAccess {
  client: () => DynamoDBDocumentClient;
  tableName: string;
}

/** Attributes that place an item in the table and its indexes; never shown to callers. */
const KEY_ATTRIBUTES = [...attributeDefinitions().map((a) => a.name), TTL_ATTRIBUTE];

export function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}

async function queryPage<T>(
  access: CatalogAccess,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  page: PageRequest,
  keyShape: { attributes: readonly string[]; partition: { name: string; value: string } },
): Promise<Page<T>> {
  const ExclusiveStartKey = checkStartKey(page.after, keyShape.attributes, keyShape.partition);
  const result = await access.client().send(new QueryCommand({ ...input, TableName: access.tableName, Limit: page.limit, ExclusiveStartKey }));
  return {
    items: (result.Items ?? []).map((item) => withoutKeys<T>(item)),
    ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey as StartKey } : {}),
  };
}

// ---- cameras ----

export function listCameras(access: CatalogAccess, page: PageRequest): Promise<Page<CameraRecord>> {
  return queryPage<CameraRecord>(access, { KeyConditionExpression: 'pk = :cameras', ExpressionAttributeValues: { ':cameras': 'CAMERAS' } }, page, {
    attributes: ['pk', 'sk'],
    partition: { name: 'pk', value: 'CAMERAS' },
  });
}

export async function getCamera(access: CatalogAccess, camera: string): Promise<CameraRecord | undefined> {
  const { Item } = await access.client().send(new GetCommand({ TableName: access.tableName, Key: keys.camera(camera) }));
  return Item ? withoutKeys<CameraRecord>(Item) : undefined;
}

/** The settings an admin may change; `quietHours: null` removes quiet hours. */
export interface CameraSettingsChange {
  displayName?: string;
  retentionClass?: RetentionClass;
  alertsEnabled?: boolean;
  cooldownSeconds?: number;
  quietHours?: { start: string; end: string } | null;
  timeZone?: string;
  renderProfile?: 'passthrough' | 'economy' | 'full';
  alertChannels?: AlertChannels;
  alertWhenHome?: boolean;
}

/**
 * Write the given settings to the camera's record, creating the record (clip count zero)
 * when the camera has not uploaded yet. Fields not given are left as they are — a camera
 * that never chose a value keeps following the stack's defaults. Counters are never touched.
 */
export async function updateCameraSettings(access: CatalogAccess, camera: string, changes: CameraSettingsChange): Promise<CameraRecord> {
  const names: Record<string, string> = { '#camera': 'camera', '#clipCount': 'clipCount' };
  const values: Record<string, unknown> = { ':camera': camera, ':zero': 0 };
  const sets = ['#camera = :camera', '#clipCount = if_not_exists(#clipCount, :zero)'];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    if (value === null) {
      removes.push(`#${field}`);
    } else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  const { Attributes } = await access.client().send(
    new UpdateCommand({
      TableName: access.tableName,
      Key: keys.camera(camera),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return withoutKeys<CameraRecord>(Attributes ?? {});
}

// ---- clips ----

/** What a clip list shows (views.clipSummary): lists read only these attributes, not the renditions. */
const SUMMARY_ATTRIBUTES = ['clipId', 'camera', 'kind', 'status', 'capturedAt', 'uploadedAt', 'updatedAt', 'durationSeconds', 'retentionClass', 'held', 'poster'];
const summaryProjection = {
  ProjectionExpression: SUMMARY_ATTRIBUTES.map((_, i) => `#s${i}`).join(', '),
  names: Object.fromEntries(SUMMARY_ATTRIBUTES.map((a, i) => [`#s${i}`, a])),
  /** The name standing for `camera` (lists of one camera filter on it). */
  camera: `#s${SUMMARY_ATTRIBUTES.indexOf('camera')}`,
};

/**
 * One page of the clips in a partition of a clip index, newest first, reading only the
 * summary attributes. `sortRange` narrows the sort key; `camera` filters a partition that
 * holds every camera's clips.
 */
function queryClipIndex(
  access: CatalogAccess,
  indexName: 'byCamera' | 'byDay' | 'byStatus',
  partition: string,
  options: PageRequest & { camera?: string },
  sortRange: { condition: string; values: Record<string, string> } = { condition: '', values: {} },
): Promise<Page<ClipRecord>> {
  const index = catalogTable.indexes.find((i) => i.name === indexName)!;
  const pk = index.partitionKey.name;
  return queryPage<ClipRecord>(
    access,
    {
      IndexName: indexName,
      KeyConditionExpression: `${pk} = :partition${sortRange.condition}`,
      ProjectionExpression: summaryProjection.ProjectionExpression,
      ExpressionAttributeNames: summaryProjection.names,
      ...(options.camera ? { FilterExpression: `${summaryProjection.camera} = :c` } : {}),
      ExpressionAttributeValues: { ':partition': partition, ...sortRange.values, ...(options.camera ? { ':c': options.camera } : {}) },
      ScanIndexForward: false,
    },
    options,
    { attributes: ['pk', 'sk', pk, index.sortKey.name], partition: { name: pk, value: partition } },
  );
}

/**
 * A camera's clips, newest first, optionally between `from` and `to` (inclusive). Both must be
 * UTC ISO 8601 with milliseconds, as capture times are stored (`toInstant` in api/instants.ts),
 * so that comparing sort keys as strings compares instants.
 */
export function listCameraClips(access: CatalogAccess, camera: string, options: PageRequest & { from?: string; to?: string }): Promise<Page<ClipRecord>> {
  const values: Record<string, string> = {};
  let condition = '';
  // Sort keys are `{capturedAt}#{clipId}`: '#' < any digit, '~' > it, so these bounds are inclusive.
  if (options.from && options.to) {
    condition = ' AND cameraSk BETWEEN :from AND :to';
    values[':from'] = options.from;
    values[':to'] = `${options.to}~`;
  } else if (options.from) {
    condition = ' AND cameraSk >= :from';
    values[':from'] = options.from;
  } else if (options.to) {
    condition = ' AND cameraSk <= :to';
    values[':to'] = `${options.to}~`;
  }
  return queryClipIndex(access, 'byCamera', `CAMERA#${camera}`, options, { condition, values });
}

/** The day's clips across cameras (or one camera), newest first. */
export function listDayClips(access: CatalogAccess, day: string, options: PageRequest & { camera?: string }): Promise<Page<ClipRecord>> {
  return queryClipIndex(access, 'byDay', `DAY#${day}`, options);
}

/** Clips in a workflow status (the sparse `byStatus` index), most recently updated first. */
export function listStatusClips(access: CatalogAccess, status: ClipStatus, options: PageRequest & { camera?: string }): Promise<Page<ClipRecord>> {
  return queryClipIndex(access, 'byStatus', `STATUS#${status}`, options);
}

export async function getClip(access: CatalogAccess, clipId: string): Promise<ClipRecord | undefined> {
  const { Item } = await access.client().send(new GetCommand({ TableName: access.tableName, Key: keys.clip(clipId) }));
  return Item ? withoutKeys<ClipRecord>(Item) : undefined;
}

/** Why a hold or a delete was refused by the clip's current state. */
export class ClipStateConflict extends Error {
  override name = 'ClipStateConflict';
}

/**
 * Record the clip's hold state and retention class. A hold is refused (`ClipStateConflict`)
 * once a delete has begun; `undefined` when the clip is not there.
 */
export async function recordHold(access: CatalogAccess, clipId: string, held: boolean, retentionClass: RetentionClass): Promise<ClipRecord | undefined> {
  try {
    const { Attributes } = await access.client().send(
      new UpdateCommand({
        TableName: access.tableName,
        Key: keys.clip(clipId),
        UpdateExpression: 'SET held = :held, retentionClass = :class, updatedAt = :now',
        ConditionExpression: held ? 'attribute_exists(pk) AND attribute_not_exists(deletingSince)' : 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':held': held, ':class': retentionClass, ':now': new Date().toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? withoutKeys<ClipRecord>(Attributes) : undefined;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if (held && (await getClip(access, clipId))) throw new ClipStateConflict(`Clip '${clipId}' is being deleted; it cannot be held.`);
    return undefined;
  }
}

/**
 * Mark the clip as being deleted, unless it is held (`ClipStateConflict`): from then on no
 * hold is accepted, so no object is deleted from under a hold. `false` when the clip is gone.
 */
export async function beginClipRemoval(access: CatalogAccess, clipId: string): Promise<boolean> {
  try {
    await access.client().send(
      new UpdateCommand({
        TableName: access.tableName,
        Key: keys.clip(clipId),
        UpdateExpression: 'SET deletingSince = if_not_exists(deletingSince, :now)',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(held) OR held = :false)',
        ExpressionAttributeValues: { ':now': new Date().toISOString(), ':false': false },
      }),
    );
    return true;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if ((await getClip(access, clipId))?.held) {
      throw new ClipStateConflict(`Clip '${clipId}' is on evidence hold: release it (DELETE /clips/${clipId}/hold) before deleting it.`);
    }
    return false;
  }
}

/** Remove the clip's catalog item (after its objects) and take it off its camera's count. */
export async function removeClipRecord(access: CatalogAccess, clip: ClipRecord): Promise<void> {
  try {
    await access.client().send(new DeleteCommand({ TableName: access.tableName, Key: keys.clip(clip.clipId), ConditionExpression: 'attribute_exists(pk)' }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return; // already gone
    throw error;
  }
  try {
    await access.client().send(
      new UpdateCommand({
        TableName: access.tableName,
        Key: keys.camera(clip.camera),
        UpdateExpression: 'SET clipCount = clipCount - :one',
        ConditionExpression: 'attribute_exists(pk) AND clipCount > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

// ---- home/away mode and alert decisions ----

/** The household's home/away setting; `undefined` when it was never set. */
export async function getModeSetting(access: CatalogAccess): Promise<ModeSetting | undefined> {
  const { Item } = await access.client().send(new GetCommand({ TableName: access.tableName, Key: keys.systemMode() }));
  return Item ? withoutKeys<ModeSetting>(Item) : undefined;
}

export async function putModeSetting(access: CatalogAccess, setting: ModeSetting): Promise<void> {
  await access.client().send(new PutCommand({ TableName: access.tableName, Item: { ...keys.systemMode(), ...setting } }));
}

/** What "Decide alert" decided for the clip (its expiry attribute left out); `undefined` when nothing was decided. */
export async function getAlertDecision(access: CatalogAccess, clipId: string): Promise<AlertDecisionRecord | undefined> {
  const { Item } = await access.client().send(new GetCommand({ TableName: access.tableName, Key: keys.alertDecision(clipId) }));
  return Item ? withoutKeys<AlertDecisionRecord>(Item) : undefined;
}
