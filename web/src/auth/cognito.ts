/**
 * Sign-in with the stack's Cognito user pool, by SRP (the password never leaves the browser):
 * amazon-cognito-identity-js, the smallest well-kept library that does Cognito's SRP (27.6 KB
 * gzipped, against 42.6 KB for Amplify v6's auth and 46.7 KB for cognito-srp-helper). This
 * module is loaded only when config.json names a user pool, so the first page never pays for it.
 *
 * The library's own token cache is a memory store here: the app keeps its session itself
 * (session.ts), so nothing of Cognito's lands in localStorage.
 */
import { AuthenticationDetails, CognitoRefreshToken, CognitoUser, CognitoUserPool, type CognitoUserSession, type ICognitoStorage } from 'amazon-cognito-identity-js';
import type { AppConfig } from '../config';
import { roleOf, type Session } from '../session';
import { NewPasswordRefused, refusalSentence, type NewPasswordRequired } from './new-password';

export class CognitoSignInFailed extends Error {
  override name = 'CognitoSignInFailed';
  /** Cognito said no (wrong password, refresh token revoked or expired): not worth asking again. */
  readonly refused: boolean;
  constructor(message: string, cause?: unknown) {
    super(message);
    const code = (cause as { code?: string } | undefined)?.code;
    this.refused = code === undefined || code === 'NotAuthorizedException' || code === 'UserNotFoundException';
  }
}

function memoryStorage(): ICognitoStorage {
  const items = new Map<string, string>();
  return {
    setItem: (key, value) => void items.set(key, value),
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  };
}

function userPool(config: AppConfig): CognitoUserPool {
  if (!config.userPoolId || !config.userPoolClientId) throw new CognitoSignInFailed('config.json names no user pool and app client: redeploy the stack.');
  return new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.userPoolClientId,
    endpoint: config.userPoolEndpoint,
    Storage: memoryStorage(),
  });
}

function sessionOf(username: string, result: CognitoUserSession): Session {
  const idToken = result.getIdToken();
  const token = idToken.getJwtToken();
  const name = String(idToken.decodePayload()['cognito:username'] ?? username);
  return { token, username: name, role: roleOf(token), expiresAt: idToken.getExpiration() * 1000, refreshToken: result.getRefreshToken().getToken(), via: 'cognito' };
}

/** What Cognito's refusals mean for the person signing in. */
function sentence(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === 'NotAuthorizedException' || code === 'UserNotFoundException') return 'The user name or password is wrong.';
  if (code === 'PasswordResetRequiredException') return 'Your password must be reset: ask the operator for a new one.';
  if (code === 'UserNotConfirmedException') return 'This account is not confirmed yet: ask the operator to confirm it.';
  if (code === 'TooManyRequestsException' || code === 'LimitExceededException') return 'Too many attempts: wait a minute and try again.';
  return message ? `Sign-in failed: ${message}` : 'Sign-in failed: try again.';
}

const SECOND_FACTOR = 'This account asks for a second factor, which the app does not support yet.';

/**
 * SRP sign-in (USER_SRP_AUTH, then the PASSWORD_VERIFIER challenge): a session, or — for a user
 * still on the temporary password Cognito mailed — the NEW_PASSWORD_REQUIRED challenge to answer.
 */
export function signInWithCognito(config: AppConfig, username: string, password: string): Promise<{ session: Session } | { newPasswordRequired: NewPasswordRequired }> {
  const user = new CognitoUser({ Username: username, Pool: userPool(config) });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (result) => resolve({ session: sessionOf(username, result) }),
      onFailure: (error) => reject(new CognitoSignInFailed(sentence(error), error)),
      newPasswordRequired: () => resolve({ newPasswordRequired: { username, choose: (newPassword) => chooseNewPassword(user, username, newPassword) } }),
      mfaRequired: () => reject(new CognitoSignInFailed(SECOND_FACTOR)),
      totpRequired: () => reject(new CognitoSignInFailed(SECOND_FACTOR)),
    });
  });
}

/**
 * The answer to NEW_PASSWORD_REQUIRED (RespondToAuthChallenge with NEW_PASSWORD and the
 * challenge's Session, which the CognitoUser keeps): the user's password from now on, and a
 * session. A refused password (InvalidPasswordException) leaves the challenge open for another.
 */
function chooseNewPassword(user: CognitoUser, username: string, newPassword: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    user.completeNewPasswordChallenge(
      newPassword,
      {},
      {
        onSuccess: (result) => resolve(sessionOf(username, result)),
        onFailure: (error: { code?: string; message?: string } | undefined) => {
          if (error?.code === 'InvalidPasswordException') reject(new NewPasswordRefused(refusalSentence(error.message)));
          else if (error?.code === 'NotAuthorizedException')
            reject(new CognitoSignInFailed('This sign-in is no longer valid (Cognito gives a few minutes to choose a new password): sign in again with the temporary password.', error));
          else reject(new CognitoSignInFailed(sentence(error), error));
        },
        mfaRequired: () => reject(new CognitoSignInFailed(SECOND_FACTOR)),
        totpRequired: () => reject(new CognitoSignInFailed(SECOND_FACTOR)),
      },
    );
  });
}

/** New tokens from the refresh token (REFRESH_TOKEN_AUTH), before the ID token expires. */
export function refreshWithCognito(config: AppConfig, session: Session): Promise<Session> {
  if (!session.refreshToken) return Promise.reject(new CognitoSignInFailed('No refresh token: sign in again.'));
  const user = new CognitoUser({ Username: session.username, Pool: userPool(config) });
  return new Promise((resolve, reject) => {
    user.refreshSession(new CognitoRefreshToken({ RefreshToken: session.refreshToken! }), (error: unknown, result: CognitoUserSession | null) => {
      if (error || !result) reject(new CognitoSignInFailed(sentence(error), error));
      else resolve({ ...sessionOf(session.username, result), refreshToken: result.getRefreshToken().getToken() || session.refreshToken });
    });
  });
}
