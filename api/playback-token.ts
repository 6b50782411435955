/**
 * Playback tokens: the API's playlist route is fetched by video players, which send no
 * Authorization header. `GET /clips/{id}` (an authenticated call) hands out playlist URLs
 * carrying `exp` (epoch seconds) and `sig` = HMAC-SHA256(key, clipId + exp) — like a
 * presigned S3 URL, valid for one clip until it expires.
 *
 * The HMAC key is random, created once and kept in the catalog table (item
 * `PLAYBACK_KEY_ITEM`), so every API instance — each Lambda container, the local server —
 * shares it with no extra secret store. Delete the item to revoke every outstanding link.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { CatalogAccess } from './catalog.ts';

export const PLAYBACK_KEY_ITEM = { pk: 'API#PLAYBACK_KEY', sk: 'API' } as const;

export interface PlaybackToken {
  exp: number;
  sig: string;
}

function signature(key: Uint8Array, clipId: string, exp: number): Buffer {
  return createHmac('sha256', key).update(`${clipId}\n${exp}`).digest();
}

export function signPlayback(key: Uint8Array, clipId: string, exp: number): PlaybackToken {
  return { exp, sig: signature(key, clipId, exp).toString('base64url') };
}

/** True when the token was signed for this clip and has not expired at `nowSeconds`. */
export function verifyPlayback(key: Uint8Array, clipId: string, token: { exp?: string; sig?: string }, nowSeconds: number): boolean {
  if (!token.exp || !token.sig || !/^\d{1,12}$/.test(token.exp) || !/^[A-Za-z0-9_-]{43}$/.test(token.sig)) return false;
  const exp = Number(token.exp);
  if (exp <= nowSeconds) return false;
  const expected = signature(key, clipId, exp);
  const given = Buffer.from(token.sig, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The shared key: read from the table, or created there (first writer wins) on first use. */
export function playbackKeyFromCatalog(access: CatalogAccess): () => Promise<Uint8Array> {
  let key: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    const read = async () => {
      const { Item } = await access.client().send(new GetCommand({ TableName: access.tableName, Key: PLAYBACK_KEY_ITEM, ConsistentRead: true }));
      return typeof Item?.key === 'string' ? Buffer.from(Item.key, 'base64') : undefined;
    };
    const existing = await read();
    if (existing) return existing;
    const fresh = randomBytes(32);
    try {
      await access.client().send(
        new PutCommand({
          TableName: access.tableName,
          Item: { ...PLAYBACK_KEY_ITEM, key: fresh.toString('base64'), createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return fresh;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const winner = await read();
      if (!winner) throw error;
      return winner;
    }
  };
  return () => {
    key ??= load().catch((error) => {
      key = undefined;
      throw error;
    });
    return key;
  };
}
