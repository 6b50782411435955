/**
 * Salted scrypt password hashes for the local issuer's users:
 * `scrypt$N$r$p$salt(base64url)$hash(base64url)`. Verification is constant-time.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

/** Shortest password accepted wherever one is set (the Cognito pool asks the same). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest (scrypt cost grows with it; the login body allows 1024). */
export const MAX_PASSWORD_LENGTH = 1024;

export class PasswordTooWeak extends Error {
  override name = 'PasswordTooWeak';
}

/** Throws `PasswordTooWeak`, saying what to do, unless `password` may be set. */
export function checkNewPassword(password: string): void {
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new PasswordTooWeak(
      `The password is too short (${length} character${length === 1 ? '' : 's'}): use at least ${MIN_PASSWORD_LENGTH} — a passphrase of a few words is easy to remember — or leave --password out to have one generated.`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) throw new PasswordTooWeak(`The password is longer than ${MAX_PASSWORD_LENGTH} characters.`);
  if (password.trim().length === 0) throw new PasswordTooWeak('The password must not be only spaces.');
}
const DEFAULT_COST = { N: 16384, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expected);
}

/** A hash of nothing, verified against when a user does not exist (same time as a miss). */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(12).toString('base64url')));
}

/** A password to print when `camflow users add` is given none and has no terminal. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
