/**
 * `POST /auth/refresh` (local issuer): a valid token buys a new one with the user's current
 * role and the same `auth_time`; renewal stops 12 h after the password was given, and for a
 * user who was removed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, SIGNING_KEY_FILE, type SigningKey } from './auth/local-issuer.ts';
import { responseJson, startLocalServices, startTestApi, type LocalServices, type TestApi } from './test-support.ts';

let services: LocalServices;
let api: TestApi;
let signingKey: SigningKey;

beforeAll(async () => {
  services = await startLocalServices();
  api = await startTestApi(services);
  signingKey = JSON.parse(readFileSync(join(services.directory, SIGNING_KEY_FILE), 'utf8')) as SigningKey;
});
afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
});

/** A token of the issuer's key, for `username`, whose password was given `authAgo` seconds ago. */
async function token(username: string, authAgo: number | undefined): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ 'cognito:groups': ['admin'], 'cognito:username': username, token_use: 'id', ...(authAgo === undefined ? {} : { auth_time: now - authAgo }) })
    .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid })
    .setIssuer(api.url)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(username)
    .setIssuedAt()
    .setExpirationTime(now + 600)
    .sign(await importJWK(signingKey.privateJwk, 'ES256'));
}

describe('POST /auth/refresh', () => {
  it('gives a new token with the same auth_time and the user’s current role', async () => {
    const first = decodeJwt(api.tokens.viewer);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await api.call('/auth/refresh', { method: 'POST', token: api.tokens.viewer });
    expect(response.status).toBe(200);
    const body = await responseJson(response);
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, role: 'viewer' });
    const renewed = decodeJwt(body.token);
    expect(renewed).toMatchObject({ sub: 'test-viewer', auth_time: first.auth_time, 'cognito:groups': ['viewer'] });
    expect(renewed.exp!).toBeGreaterThan(first.exp!);
    expect((await api.call('/cameras', { token: body.token })).status).toBe(200);
  });

  it('refuses a sign-in older than 12 h, a token without auth_time, a removed user, and no token', async () => {
    for (const [what, bearer] of [
      ['13 h old', await token('test-admin', 13 * 3600)],
      ['no auth_time', await token('test-admin', undefined)],
      ['removed user', await token('someone-removed', 60)],
    ] as const) {
      const response = await api.call('/auth/refresh', { method: 'POST', token: bearer });
      expect(response.status, what).toBe(401);
      expect((await responseJson(response)).message, what).toMatch(/sign in again/);
    }
    expect((await api.call('/auth/refresh', { method: 'POST', token: await token('test-admin', 11 * 3600) })).status).toBe(200);
    expect((await api.call('/auth/refresh', { method: 'POST' })).status).toBe(401);
  });
});
