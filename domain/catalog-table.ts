/**
 * The catalog table: one DynamoDB table for clips, cameras, alert state, alert records and
 * (locally) API users. This file is the single source of truth for its key schema and
 * indexes: the CDK stack builds its `Table` from it, the local runtime creates the same
 * table in dynalite from it, and every reader/writer builds keys with the functions below.
 *
 * Access patterns and how they are served:
 * | pattern                                    | where                                              |
 * |--------------------------------------------|----------------------------------------------------|
 * | a clip by id                               | base table: pk `CLIP#{clipId}`, sk `CLIP`          |
 * | clips of one camera by time, newest first  | GSI `byCamera`: `CAMERA#{camera}` / `{capturedAt}#{clipId}` (ScanIndexForward false) |
 * | clips of one day across cameras            | GSI `byDay`: `DAY#{yyyy-mm-dd}` / `{capturedAt}#{clipId}` |
 * | clips in a workflow status                 | GSI `byStatus` (sparse): `STATUS#{status}` / `{updatedAt}#{clipId}`; only PROCESSING, FAILED and QUARANTINED clips carry it |
 * | all cameras (a household has a dozen)      | base table: pk `CAMERAS`, sk `CAMERA#{camera}`     |
 * | a camera's alert state (cooldown)          | base table: pk `CAMERA#{camera}`, sk `ALERT_STATE` |
 * | alerts sent, newest first                  | base table: pk `ALERTS#{yyyy-mm}`, sk `{sentAt}#{clipId}` |
 * | an API user (local issuer)                 | base table: pk `USER#{name}`, sk `USER`            |
 *
 * dynalite has no TransactWriteItems and no TTL: writers use single conditional writes, and
 * `expiresAt` (epoch seconds) is honoured by DynamoDB in AWS only.
 */

export const CATALOG_TABLE_NAME_LOCAL = 'camflow';

/** Attribute that DynamoDB's TTL reads (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export const catalogTable = {
  partitionKey: { name: 'pk', type: 'S' } as KeyAttribute,
  sortKey: { name: 'sk', type: 'S' } as KeyAttribute,
  indexes: [
    { name: 'byCamera', partitionKey: { name: 'cameraPk', type: 'S' }, sortKey: { name: 'cameraSk', type: 'S' } },
    { name: 'byDay', partitionKey: { name: 'dayPk', type: 'S' }, sortKey: { name: 'daySk', type: 'S' } },
    { name: 'byStatus', partitionKey: { name: 'statusPk', type: 'S' }, sortKey: { name: 'statusSk', type: 'S' } },
  ] as IndexDefinition[],
  ttlAttribute: TTL_ATTRIBUTE,
} as const;

/** Workflow statuses a clip can have in the catalog. */
export type ClipStatus = 'PROCESSING' | 'READY' | 'FAILED' | 'QUARANTINED';

/** Statuses that are listed by the sparse `byStatus` index. */
export const STATUSES_INDEXED: readonly ClipStatus[] = ['PROCESSING', 'FAILED', 'QUARANTINED'];

export const keys = {
  clip: (clipId: string) => ({ pk: `CLIP#${clipId}`, sk: 'CLIP' }),
  /** Index attributes placing a clip on its camera's timeline and on its day. */
  clipIndexes: (camera: string, capturedAt: string, clipId: string) => ({
    cameraPk: `CAMERA#${camera}`,
    cameraSk: `${capturedAt}#${clipId}`,
    dayPk: `DAY#${capturedAt.slice(0, 10)}`,
    daySk: `${capturedAt}#${clipId}`,
  }),
  /** The sparse status index attributes, or `undefined` for statuses that are not indexed. */
  clipStatusIndex: (status: ClipStatus, updatedAt: string, clipId: string) => (STATUSES_INDEXED.includes(status) ? { statusPk: `STATUS#${status}`, statusSk: `${updatedAt}#${clipId}` } : undefined),
  camera: (camera: string) => ({ pk: 'CAMERAS', sk: `CAMERA#${camera}` }),
  alertState: (camera: string) => ({ pk: `CAMERA#${camera}`, sk: 'ALERT_STATE' }),
  alertRecord: (sentAt: string, clipId: string) => ({ pk: `ALERTS#${sentAt.slice(0, 7)}`, sk: `${sentAt}#${clipId}` }),
  /** What was decided about a clip's motion alert, sent or not and why (tasks/decide-alert.ts). */
  alertDecision: (clipId: string) => ({ pk: `CLIP#${clipId}`, sk: 'ALERT' }),
  /** The household's home/away mode (domain/system-mode.ts). */
  systemMode: () => ({ pk: 'SETTINGS', sk: 'MODE' }),
  user: (name: string) => ({ pk: `USER#${name}`, sk: 'USER' }),
};

/** Attribute definitions (for CreateTable and for the CDK table). */
export function attributeDefinitions(): KeyAttribute[] {
  const all = [catalogTable.partitionKey, catalogTable.sortKey, ...catalogTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return all.filter((a, i) => all.findIndex((b) => b.name === a.name) === i);
}

/** The CreateTable request for this table (used by the local runtime against dynalite). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeDefinitions().map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: catalogTable.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: catalogTable.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: catalogTable.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
