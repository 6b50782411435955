/**
 * Signing in and renewing, in both homes: against the stack's Cognito user pool (SRP) when
 * config.json names one — its library loaded only then — and with `POST /auth/login` and
 * `POST /auth/refresh` of the local API otherwise.
 */
import { must, type ApiClient } from '../api/client';
import type { AppConfig } from '../config';
import { roleOf, type Session } from '../session';
import type { NewPasswordRequired } from './new-password';

const usesCognito = (config: AppConfig) => Boolean(config.userPoolId);

function localSession(username: string, result: { token: string; role: string; expiresIn: number }): Session {
  return { token: result.token, username, role: roleOf(result.token, result.role), expiresAt: Date.now() + result.expiresIn * 1000, via: 'local' };
}

/** Signed in, or (Cognito, first sign-in with the temporary password) asked for a new password first. */
export type SignInOutcome = { session: Session } | { newPasswordRequired: NewPasswordRequired };

export async function signInAs(config: AppConfig, api: ApiClient, username: string, password: string): Promise<SignInOutcome> {
  if (usesCognito(config)) return (await import('./cognito')).signInWithCognito(config, username, password);
  return { session: localSession(username, must(await api.POST('/auth/login', { body: { username, password } }))) };
}

/** New tokens for a session that has not expired yet. */
export async function renewSession(config: AppConfig, api: ApiClient, session: Session): Promise<Session> {
  if (session.via === 'cognito') return (await import('./cognito')).refreshWithCognito(config, session);
  return localSession(session.username, must(await api.POST('/auth/refresh', {})));
}
