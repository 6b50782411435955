/**
 * The first sign-in of a user the operator created in the Cognito user pool
 * (`aws cognito-idp admin-create-user`): Cognito mailed a temporary password and, once it is
 * given, asks for a new one (the NEW_PASSWORD_REQUIRED challenge). Kept out of cognito.ts so
 * the sign-in page can show the rules and the refusals without loading the Cognito library.
 */
import type { Session } from '../session';
import { USER_POOL_PASSWORD_POLICY } from '../../../domain/password-policy.ts';

export { PASSWORD_RULES } from '../../../domain/password-policy.ts';

/** Cognito asked for a new password: `choose` sets it (and signs in) within the 3 minutes the challenge lasts. */
export interface NewPasswordRequired {
  username: string;
  choose(newPassword: string): Promise<Session>;
}

/** Cognito refused the new password (InvalidPasswordException): say it beside the field; the challenge goes on. */
export class NewPasswordRefused extends Error {
  override name = 'NewPasswordRefused';
}

/** Cognito's reason ("Password does not conform to policy: Password not long enough") in a sentence. */
export function refusalSentence(message: string | undefined): string {
  const reason = message ?? '';
  if (/not long enough/i.test(reason)) return `This password is too short: use at least ${USER_POOL_PASSWORD_POLICY.minLength} characters.`;
  if (/uppercase/i.test(reason)) return 'This password needs an uppercase letter.';
  if (/lowercase/i.test(reason)) return 'This password needs a lowercase letter.';
  if (/numeric/i.test(reason)) return 'This password needs a digit.';
  if (/symbol/i.test(reason)) return 'This password needs a symbol, such as ! ? - or _.';
  if (/previous|history/i.test(reason)) return 'This password was used before: choose another one.';
  return `The user pool refused this password${reason ? ` (${reason})` : ''}: choose another one.`;
}
