/**
 * Opaque pagination cursors that a client cannot forge or steer.
 *
 * A cursor is `base64url(version ‖ HMAC-SHA256 ‖ position)`: the position is where the list
 * stops (DynamoDB's LastEvaluatedKey, a Step Functions nextToken, the alerts source's own
 * cursor), the MAC covers the list it was issued for, the query it was issued for (camera,
 * day, status, time range) and the position. The key is server-side (see `deriveCursorKey`):
 * locally derived from the token-signing key, in AWS from the playback link key kept in the
 * catalog table. So a cursor that was changed, made up, or issued for another list or query
 * is refused with a 400 before any query runs — and positions are still checked on the way
 * in (`checkStartKey`), in case the key ever leaks.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ERROR_CODES, ApiError } from './errors.ts';

export type StartKey = Record<string, string>;

/** The lists that hand out cursors; a cursor of one is refused by the others. */
export type CursorList = 'cameras' | 'camera-clips' | 'clips' | 'executions' | 'alerts';

/** Longest cursor accepted, in characters (the query parameter is refused beyond it). */
export const MAX_CURSOR_LENGTH = 2048;

const VERSION = 1;
const MAC_LENGTH = 32;

export class CursorInvalid extends ApiError {
  constructor(list?: string) {
    super(
      400,
      ERROR_CODES.invalidCursor,
      `cursor: not a cursor this API issued for ${list ? `this ${list} list and query` : 'this list'} (changed, made up, or from another list). Start again without a cursor.`,
      'cursor',
    );
    this.name = 'CursorInvalid';
  }
}

/** A 32-byte cursor key derived from a server-side secret (HKDF-SHA256, its own label). */
export function deriveCursorKey(secret: Uint8Array | string): Uint8Array {
  const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (material.length < 16) throw new Error('deriveCursorKey: the secret is too short (at least 16 bytes).');
  return new Uint8Array(hkdfSync('sha256', material, Buffer.alloc(0), 'camflow pagination cursor v1', 32));
}

export interface Cursors {
  /** The cursor for the next page of `list` under `scope` (the query), or undefined at the end. */
  seal(list: CursorList, scope: string, position: unknown): Promise<string | undefined>;
  /** The position a cursor carries; `CursorInvalid` (400) unless this API issued it for this list and scope. */
  open(list: CursorList, scope: string, cursor: string | undefined): Promise<unknown>;
}

function mac(key: Uint8Array, list: string, scope: string, payload: Buffer): Buffer {
  return createHmac('sha256', key).update(`camflow-cursor\n${list}\n${scope}\n`).update(payload).digest();
}

export function createCursors(key: () => Promise<Uint8Array>): Cursors {
  return {
    async seal(list, scope, position) {
      if (position === undefined || position === null) return undefined;
      const payload = Buffer.from(JSON.stringify(position), 'utf8');
      const sealed = Buffer.concat([Buffer.from([VERSION]), mac(await key(), list, scope, payload), payload]).toString('base64url');
      if (sealed.length > MAX_CURSOR_LENGTH) throw new Error(`A ${list} cursor would be ${sealed.length} characters: more than the ${MAX_CURSOR_LENGTH} accepted back.`);
      return sealed;
    },
    async open(list, scope, cursor) {
      if (cursor === undefined || cursor === '') return undefined;
      if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new CursorInvalid(list);
      const bytes = Buffer.from(cursor, 'base64url');
      if (bytes.length <= 1 + MAC_LENGTH || bytes[0] !== VERSION) throw new CursorInvalid(list);
      const given = bytes.subarray(1, 1 + MAC_LENGTH);
      const payload = bytes.subarray(1 + MAC_LENGTH);
      if (!timingSafeEqual(given, mac(await key(), list, scope, payload))) throw new CursorInvalid(list);
      try {
        return JSON.parse(payload.toString('utf8')) as unknown;
      } catch {
        throw new CursorInvalid(list);
      }
    },
  };
}

/**
 * Check a DynamoDB start key belongs to the query: `attributes` are the key attribute names
 * it must carry (table pk/sk plus the index's), `partition` the attribute and value the query
 * is bound to.
 */
export function checkStartKey(value: unknown, attributes: readonly string[], partition: { name: string; value: string }): StartKey | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CursorInvalid();
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== attributes.length) throw new CursorInvalid();
  for (const [name, v] of entries) {
    if (!attributes.includes(name) || typeof v !== 'string' || v.length > 1024) throw new CursorInvalid();
  }
  if ((value as StartKey)[partition.name] !== partition.value) throw new CursorInvalid();
  return value as StartKey;
}

// ---- unsealed positions (a source's own cursor inside a sealed one) ----

export function encodeCursor(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursorValue(cursor: string): unknown {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new CursorInvalid();
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorInvalid();
  }
}

/** An unsealed start key, decoded and checked (see `checkStartKey`). */
export function decodeStartKey(cursor: string | undefined, attributes: readonly string[], partition: { name: string; value: string }): StartKey | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  return checkStartKey(decodeCursorValue(cursor), attributes, partition);
}
