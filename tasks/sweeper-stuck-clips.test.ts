/**
 * Which stuck clips one sweeper run looks at: the PROCESSING clips of the status index, oldest
 * first, at most `maxClips`, read page by page with the SDK's paginator, and whether more are
 * waiting. Against a real local DynamoDB; Step Functions answers every clip "still RUNNING", so
 * the sweeper only counts them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../domain/catalog-table.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { startLocalDynamoDB, type LocalDynamoDB } from '../runtime/local-dynamodb.ts';
import { DEFAULT_SWEEPER_SETTINGS, sweepStuckClips } from './sweeper.ts';

const TABLE = 'camflow-sweeper-limits';
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:camflow-clip-workflow';
const NOW = new Date('2026-12-01T12:00:00Z');

let dynamodb: LocalDynamoDB;
let catalog: DynamoDBDocumentClient;
/** Execution names the sweeper asked about, in order. */
const described: string[] = [];
const runningEverywhere = {
  send: async (command: { input: { executionArn: string } }) => {
    described.push(command.input.executionArn.split(':').at(-1)!);
    return { status: 'RUNNING' };
  },
} as unknown as SFNClient;

beforeAll(async () => {
  dynamodb = await startLocalDynamoDB({ tableName: TABLE });
  catalog = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: dynamodb.endpoint }));
  // Five clips stuck in PROCESSING for hours, written in a shuffled order; one READY clip (not indexed).
  for (const hour of [3, 1, 4, 0, 2]) {
    const clipId = `porch-00000000000000${hour}0`;
    const updatedAt = `2026-12-01T0${hour}:00:00.000Z`;
    await catalog.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...keys.clip(clipId),
          ...keys.clipStatusIndex('PROCESSING', updatedAt, clipId),
          clipId,
          camera: 'porch',
          status: 'PROCESSING',
          uploadedAt: updatedAt,
          updatedAt,
          executionName: `run-${hour}`,
        },
      }),
    );
  }
  await catalog.send(new PutCommand({ TableName: TABLE, Item: { ...keys.clip('porch-ready'), clipId: 'porch-ready', camera: 'porch', status: 'READY', updatedAt: '2026-12-01T00:30:00.000Z' } }));
  // The oldest entry of the index is stale (its clip is READY now): read, skipped, so a run of
  // 2 reads a second page and keeps the 2 oldest of the 3 clips it has then.
  const stale = 'porch-0000000000000099';
  await catalog.send(
    new PutCommand({
      TableName: TABLE,
      Item: { ...keys.clip(stale), ...keys.clipStatusIndex('PROCESSING', '2026-11-30T23:00:00.000Z', stale), clipId: stale, camera: 'porch', status: 'READY', executionName: 'run-stale' },
    }),
  );
});

afterAll(async () => {
  catalog?.destroy();
  await dynamodb?.stop();
});

const sweep = (maxClips: number) => {
  described.length = 0;
  return sweepStuckClips({
    settings: { ...DEFAULT_SWEEPER_SETTINGS, maxClips },
    stateMachineArn: MACHINE,
    tableName: TABLE,
    clients: { catalog, stepFunctions: runningEverywhere, s3: {} as S3Client },
    now: NOW,
  });
};

describe('one sweeper run', () => {
  it('looks at the oldest stuck clips first, at most maxClips, and says more are waiting', async () => {
    expect(await sweep(2)).toMatchObject({ examined: 2, running: 2, more: true, errors: [] });
    expect(described).toEqual(['run-0', 'run-1']);
    expect(await sweep(3)).toMatchObject({ examined: 3, more: true });
    expect(described).toEqual(['run-0', 'run-1', 'run-2']);
  });

  it('looks at every stuck clip when they are fewer than maxClips, and then none are left', async () => {
    expect(await sweep(50)).toMatchObject({ examined: 5, running: 5, more: false, errors: [] });
    expect(described).toEqual(['run-0', 'run-1', 'run-2', 'run-3', 'run-4']);
  });
});
