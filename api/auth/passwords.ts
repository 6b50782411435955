/**
 * The local issuer's password rules: how long a new password must be, and one generated when
 * none is given. Hashing and checking: domain/password-hash.ts (the one format, also the gateway's).
 */
import { randomBytes } from 'node:crypto';

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

/** A password to print when `camflow users add` is given none and has no terminal. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
