/**
 * The one password-hash format of camflow: the local issuer's API users and the gateway's
 * cameras. Salted scrypt, written as `scrypt$N$r$p$salt$hash` (salt and hash base64url, no
 * padding) of the password NFKC-normalized, so that the same word typed on two keyboards is
 * the same password.
 *
 * Read as well: the gateway's earlier format, the same shape with salt and hash in padded
 * base64 (`+`, `/`, `=`) of the password as typed (not normalized) — camera passwords in an
 * existing gateway config keep working. Verification is constant-time; a malformed hash never
 * matches; `UNKNOWN_USER_HASH` costs as much to check as a real one.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };

/** Stored hashes are trusted, but a typo must not ask for gigabytes: N up to 2^20, r up to 32, p up to 16. */
function isReasonableCost({ N, r, p }: ScryptCost): boolean {
  return Number.isInteger(N) && N > 1 && N <= 2 ** 20 && (N & (N - 1)) === 0 && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16;
}

function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; twice that leaves room.
  return new Promise((resolve, reject) => scryptCallback(password, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** The hash to store for `password` (the current format). */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password.normalize('NFKC'), salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const CURRENT = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/;
/** The gateway's earlier format: padded base64 (a 16-byte salt and a 32-byte key always end in `=`). */
const GATEWAY_BASE64 = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
  /** Whether the password was NFKC-normalized before hashing (not in the gateway's earlier format). */
  normalized: boolean;
}

function parseHash(stored: string): ParsedHash | undefined {
  const current = CURRENT.test(stored);
  if (!current && !GATEWAY_BASE64.test(stored)) return undefined;
  const [, n, r, p, salt, key] = stored.split('$') as [string, string, string, string, string, string];
  const encoding = current ? 'base64url' : 'base64';
  const parsed = { cost: { N: Number(n), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, encoding), key: Buffer.from(key, encoding), normalized: current };
  if (!isReasonableCost(parsed.cost) || parsed.key.length !== KEY_LENGTH || parsed.salt.length === 0) return undefined;
  return parsed;
}

/** Whether `value` is a password hash this module can verify (either format). */
export function isPasswordHash(value: string): boolean {
  return parseHash(value) !== undefined;
}

/** Whether `password` matches `stored` (either format); constant-time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(parsed.normalized ? password.normalize('NFKC') : password, parsed.salt, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

/** Checked instead when the user name is unknown, so that a wrong name costs as much as a wrong password; matches nothing. */
export const UNKNOWN_USER_HASH = [
  'scrypt',
  DEFAULT_SCRYPT_COST.N,
  DEFAULT_SCRYPT_COST.r,
  DEFAULT_SCRYPT_COST.p,
  Buffer.alloc(SALT_LENGTH).toString('base64url'),
  Buffer.alloc(KEY_LENGTH).toString('base64url'),
].join('$');
