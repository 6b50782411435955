/**
 * The test user pool's server-side SRP against the library the web app signs in with
 * (amazon-cognito-identity-js, as web/src/auth/cognito.ts uses it), in Node: the right
 * password passes the PASSWORD_VERIFIER check, a wrong one fails it there, and the refresh
 * token renews. The app itself does the same in Chromium: web-app-cognito.e2e.test.ts.
 */
import { AuthenticationDetails, CognitoRefreshToken, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { decodeJwt, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modPow, padHex, startTestUserPool, type TestUserPool } from './web-app-user-pool.ts';

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
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), { onSuccess: (s) => resolve(tokensOf(s)), onFailure: reject }),
  );
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
