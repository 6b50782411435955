/**
 * The test user pool's server-side SRP against the library the web app signs in with
 * (amazon-cognito-identity-js, as web/src/auth/cognito.ts uses it), in Node: the right
 * password passes the PASSWORD_VERIFIER check, a wrong one fails it there, and the refresh
 * token renews; a user created with a temporary password is asked for a new one
 * (NEW_PASSWORD_REQUIRED), which the pool's policy checks, and signs in with it after. The app itself does the same in Chromium: web-app-cognito.e2e.test.ts.
 */
import { AuthenticationDetails, CognitoRefreshToken, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modPow, padHex, passwordPolicyProblem, startTestUserPool, type TestUserPool } from './web-app-user-pool.ts';

let pool: TestUserPool;
let key: CryptoKey;

interface Tokens {
  token: string;
  expiresAt: number;
  refreshToken: string;
}
const tokensOf = (session: CognitoUserSession): Tokens => ({
  token: session.getIdToken().getJwtToken(),
  expiresAt: session.getIdToken().getExpiration() * 1000,
  refreshToken: session.getRefreshToken().getToken(),
});
const userPool = () => new CognitoUserPool({ UserPoolId: pool.userPoolId, ClientId: pool.clientId, endpoint: pool.endpoint });

function signInWithCognito(username: string, password: string): Promise<Tokens> {
  const user = new CognitoUser({ Username: username, Pool: userPool() });
  return new Promise((resolve, reject) => user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), { onSuccess: (s) => resolve(tokensOf(s)), onFailure: reject }));
}

/** Sign-in with a temporary password: the challenge is answered with each new password in turn, until one is taken. */
function signInWithNewPassword(username: string, temporaryPassword: string, newPasswords: string[]): Promise<{ tokens: Tokens; refusals: unknown[] }> {
  const user = new CognitoUser({ Username: username, Pool: userPool() });
  const refusals: unknown[] = [];
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (s: CognitoUserSession) => resolve({ tokens: tokensOf(s), refusals }),
      onFailure: (error: unknown) => {
        refusals.push(error);
        if (refusals.length < newPasswords.length) user.completeNewPasswordChallenge(newPasswords[refusals.length]!, {}, callbacks);
        else reject(error);
      },
      newPasswordRequired: () => user.completeNewPasswordChallenge(newPasswords[0]!, {}, callbacks),
    };
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: temporaryPassword }), {
      ...callbacks,
      onFailure: reject,
    });
  });
}

function refreshWithCognito(username: string, refreshToken: string): Promise<Tokens> {
  const user = new CognitoUser({ Username: username, Pool: userPool() });
  return new Promise((resolve, reject) =>
    user.refreshSession(new CognitoRefreshToken({ RefreshToken: refreshToken }), (error: unknown, s: CognitoUserSession | null) => (error || !s ? reject(error) : resolve(tokensOf(s)))),
  );
}

beforeAll(async () => {
  ({ privateKey: key } = await generateKeyPair('ES256'));
  pool = await startTestUserPool({
    userPoolId: 'us-east-1_camflowTest',
    clientId: 'webclient123',
    origin: 'http://127.0.0.1:1',
    tokenSeconds: 60,
    sign: (claims, seconds) =>
      new SignJWT({ 'cognito:groups': [claims.group], 'cognito:username': claims.username, token_use: claims.tokenUse, client_id: claims.clientId })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('https://issuer.test')
        .setSubject(claims.username)
        .setIssuedAt()
        .setExpirationTime(`${seconds}s`)
        .sign(key),
  });
  pool.addUser('maria', 'correct horse battery staple', 'admin');
});
afterAll(async () => pool?.stop());

describe('Cognito SRP sign-in against the test pool', () => {
  it('pads hex as Cognito does, and computes modular powers', () => {
    expect(padHex(0x14n)).toBe('14');
    expect(padHex(0xecn)).toBe('00ec');
    expect(padHex(0x1abcn)).toBe('1abc');
    expect(modPow(3n, 200n, 1000003n)).toBe(3n ** 200n % 1000003n);
  });

  it('signs in with the right password: the pool checked the SRP signature', async () => {
    pool.calls.length = 0;
    const session = await signInWithCognito('maria', 'correct horse battery staple');
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: ok']);
    expect(decodeJwt(session.token)).toMatchObject({ token_use: 'id', 'cognito:username': 'maria', 'cognito:groups': ['admin'] });
    expect(session.expiresAt).toBeGreaterThan(Date.now() + 50_000);
    expect(session.refreshToken).toBeTruthy();
  });

  it('refuses a wrong password at the PASSWORD_VERIFIER step', async () => {
    pool.calls.length = 0;
    await expect(signInWithCognito('maria', 'correct horse battery stapler')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: NotAuthorizedException']);
  });

  it('refuses an unknown user', async () => {
    await expect(signInWithCognito('mallory', 'x')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
  });

  it('has the stack pool’s password rules', () => {
    expect(passwordPolicyProblem('Short-1a')).toBe('Password not long enough');
    expect(passwordPolicyProblem('no-uppercase-here-1')).toBe('Password must have uppercase characters');
    expect(passwordPolicyProblem('NO-LOWERCASE-HERE-1')).toBe('Password must have lowercase characters');
    expect(passwordPolicyProblem('No-Digits-Here-At-All')).toBe('Password must have numeric characters');
    expect(passwordPolicyProblem('NoSymbolsHere12')).toBe('Password must have symbol characters');
    expect(passwordPolicyProblem('A-long-Passphrase-1')).toBeUndefined();
  });

  it('asks a user created with a temporary password for a new one, checks it against the policy, then signs in with it by SRP', async () => {
    pool.addUser('joe', 'Temp-Pass-1234', 'viewer', { temporary: true });
    expect(pool.status('joe')).toBe('FORCE_CHANGE_PASSWORD');
    pool.calls.length = 0;
    const { tokens, refusals } = await signInWithNewPassword('joe', 'Temp-Pass-1234', ['Short-1a', 'nouppercase-here-1', 'Joe-s-own-Passphrase-2']);
    expect(refusals).toMatchObject([
      { code: 'InvalidPasswordException', message: 'Password does not conform to policy: Password not long enough' },
      { code: 'InvalidPasswordException', message: 'Password does not conform to policy: Password must have uppercase characters' },
    ]);
    // The same challenge Session answered three times: refusals leave it open.
    expect(pool.calls).toEqual([
      'InitiateAuth USER_SRP_AUTH: ok',
      'RespondToAuthChallenge PASSWORD_VERIFIER: ok',
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED: InvalidPasswordException',
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED: InvalidPasswordException',
      'RespondToAuthChallenge NEW_PASSWORD_REQUIRED: ok',
    ]);
    expect(decodeJwt(tokens.token)).toMatchObject({ token_use: 'id', 'cognito:username': 'joe', 'cognito:groups': ['viewer'] });
    expect(tokens.refreshToken).toBeTruthy();
    expect(pool.status('joe')).toBe('CONFIRMED');

    // From now on: the new password by SRP, without a challenge; the temporary one no longer works.
    pool.calls.length = 0;
    await signInWithCognito('joe', 'Joe-s-own-Passphrase-2');
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: ok']);
    await expect(signInWithCognito('joe', 'Temp-Pass-1234')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
  });

  it('refuses a NEW_PASSWORD_REQUIRED answer without a live challenge Session', async () => {
    pool.addUser('ana', 'Temp-Pass-5678', 'viewer', { temporary: true });
    const user = new CognitoUser({ Username: 'ana', Pool: userPool() });
    const error = await new Promise((resolve) => user.completeNewPasswordChallenge('Ana-s-own-Passphrase-3', {}, { onSuccess: () => resolve(undefined), onFailure: resolve }));
    expect(error).toMatchObject({ code: 'NotAuthorizedException' });
    expect(pool.status('ana')).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('renews the tokens with the refresh token, and refuses a revoked one', async () => {
    const session = await signInWithCognito('maria', 'correct horse battery staple');
    pool.calls.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const renewed = await refreshWithCognito('maria', session.refreshToken);
    expect(pool.calls).toEqual(['InitiateAuth REFRESH_TOKEN_AUTH: ok']);
    expect(renewed.token).not.toBe(session.token);
    expect(renewed.refreshToken).toBe(session.refreshToken);
    expect(renewed.expiresAt).toBeGreaterThan(session.expiresAt);
    await expect(refreshWithCognito('maria', 'revoked')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
  });
});
