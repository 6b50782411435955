/**
 * Opaque pagination cursors: base64url of the JSON of DynamoDB's LastEvaluatedKey (or of a
 * Step Functions nextToken). A cursor is checked on the way back in: it must decode, carry
 * exactly the key attributes of the index being queried, all strings, and stay inside the
 * partition being queried — so a crafted cursor cannot read another partition.
 */
import { ERROR_CODES, ApiError } from './errors.ts';

export type StartKey = Record<string, string>;

export function encodeCursor(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function badCursor(): ApiError {
  return new ApiError(400, ERROR_CODES.invalidCursor, 'cursor: not a cursor this API issued for this list. Start again without a cursor.', 'cursor');
}

export function decodeCursorValue(cursor: string): unknown {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
}

/**
 * Decode a DynamoDB start key and check it belongs to the query: `attributes` are the key
 * attribute names it must carry (table pk/sk plus the index's), `partition` the attribute and
 * value the query is bound to.
 */
export function decodeStartKey(cursor: string | undefined, attributes: readonly string[], partition: { name: string; value: string }): StartKey | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const value = decodeCursorValue(cursor);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badCursor();
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== attributes.length) throw badCursor();
  for (const [name, v] of entries) {
    if (!attributes.includes(name) || typeof v !== 'string' || v.length > 1024) throw badCursor();
  }
  if ((value as StartKey)[partition.name] !== partition.value) throw badCursor();
  return value as StartKey;
}
