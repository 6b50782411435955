/**
 * Authentication and roles, through the local server and its issuer: login, and every way
 * a token is refused (missing, expired, wrongly signed, `alg: none`, HMAC, wrong issuer or
 * audience), and a viewer on each admin route.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, importJWK, SignJWT, UnsecuredJWT, exportJWK, type JWK } from 'jose';
import { keys } from '../domain/catalog-table.ts';
import { LOCAL_AUDIENCE, SIGNING_KEY_FILE, type SigningKey } from './auth/local-issuer.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { clipItem, putCatalogItem, readyClip, startLocalServices, startTestApi, type LocalServices, type TestApi } from './test-support.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

let services: LocalServices;
let api: TestApi;
let signingKey: SigningKey;

const CLIP = readyClip('porch-00000000000000aa', 'porch', '2025-03-01T10:00:00.000Z');

async function json(response: Response): Promise<any> {
  return JSON.parse(await response.text());
}

/** A token like the issuer's, with some claims or the key changed. */
async function token(options: { groups?: string[]; iss?: string; aud?: string; exp?: number; key?: JWK; kid?: string } = {}): Promise<string> {
  const key = await importJWK(options.key ?? signingKey.privateJwk, 'ES256');
  const jwt = new SignJWT({ 'cognito:groups': options.groups ?? ['admin'], 'cognito:username': 'someone' })
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? signingKey.kid })
    .setIssuer(options.iss ?? api.url)
    .setAudience(options.aud ?? LOCAL_AUDIENCE)
    .setSubject('someone')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600);
  return jwt.sign(key);
}

beforeAll(async () => {
  services = await startLocalServices();
  api = await startTestApi(services);
  signingKey = JSON.parse(readFileSync(join(services.directory, SIGNING_KEY_FILE), 'utf8'));
  await putCatalogItem(services, clipItem(CLIP));
});

afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
});

describe('POST /auth/login', () => {
  it('returns a short-lived ES256 token for a user with the right password', async () => {
    const response = await api.call('/auth/login', { method: 'POST', body: JSON.stringify({ username: 'test-viewer', password: 'viewer-password' }) });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, role: 'viewer' });
    const [header, payload] = body.token
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'ES256', kid: signingKey.kid });
    expect(payload).toMatchObject({ iss: api.url, aud: 'camflow', sub: 'test-viewer', 'cognito:groups': ['viewer'] });
    expect(payload.exp - payload.iat).toBe(3600);
    expect((await api.call('/cameras', { token: body.token })).status).toBe(200);
  });

  it('refuses a wrong password and an unknown user alike, and checks the body', async () => {
    for (const body of [
      { username: 'test-viewer', password: 'wrong' },
      { username: 'nobody', password: 'viewer-password' },
      { username: 'NOT A NAME', password: 'x' },
    ]) {
      const response = await api.call('/auth/login', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(401);
      expect(await json(response)).toMatchObject({ code: 'BAD_CREDENTIALS' });
    }
    const missing = await api.call('/auth/login', { method: 'POST', body: JSON.stringify({ username: 'test-viewer' }) });
    expect(missing.status).toBe(400);
    expect((await json(missing)).field).toBe('password');
  });

  it('keeps users as salted scrypt hashes', async () => {
    const { Item } = await services.documents.send(new GetCommand({ TableName: 'camflow', Key: keys.user('test-admin') }));
    expect(Item).toMatchObject({ username: 'test-admin', role: 'admin' });
    expect(Item!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(Item)).not.toContain('admin-password');
  });

  it('publishes its public key set, which verifies its tokens (as a remote JWKS, like Cognito)', async () => {
    const jwks = await json(await api.call('/.well-known/jwks.json'));
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', kid: signingKey.kid, alg: 'ES256' })]);
    expect(jwks.keys[0].d).toBeUndefined();
    const verify = createTokenVerifier({ issuer: api.url, audience: LOCAL_AUDIENCE, jwks: new URL(`${api.url}/.well-known/jwks.json`) });
    expect(await verify(api.tokens.admin)).toEqual({ username: 'test-admin', roles: ['admin'], authTime: expect.any(Number) });
  });
});

describe('refused tokens', () => {
  async function expect401(authorization: string | undefined, what: string) {
    const response = await fetch(`${api.url}/cameras`, { headers: authorization ? { authorization } : {} });
    expect(response.status, what).toBe(401);
    const body = await json(response);
    expect(body.code, what).toBe('UNAUTHENTICATED');
    expect(body.message.length, what).toBeGreaterThan(10);
  }

  it('401: missing or malformed Authorization', async () => {
    await expect401(undefined, 'missing');
    await expect401('Basic dGVzdDp0ZXN0', 'basic');
    await expect401('Bearer', 'empty bearer');
    await expect401('Bearer not-a-jwt', 'garbage');
  });

  it('401: expired', async () => {
    await expect401(`Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 60 })}`, 'expired');
  });

  it('401: signed by another key (same kid)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    await expect401(`Bearer ${await token({ key: await exportJWK(privateKey) })}`, 'wrong key');
  });

  it('401: alg none, and HS256 keyed with the public key', async () => {
    const unsecured = new UnsecuredJWT({ 'cognito:groups': ['admin'] }).setIssuer(api.url).setAudience(LOCAL_AUDIENCE).setExpirationTime('10m').encode();
    await expect401(`Bearer ${unsecured}`, 'alg none');
    const hmac = await new SignJWT({ 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: signingKey.kid })
      .setIssuer(api.url)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(signingKey.publicJwk)));
    await expect401(`Bearer ${hmac}`, 'HS256');
  });

  it('401: wrong issuer or audience', async () => {
    await expect401(`Bearer ${await token({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' })}`, 'issuer');
    await expect401(`Bearer ${await token({ aud: 'another-app' })}`, 'audience');
  });

  it('403: a valid token in neither group', async () => {
    const response = await api.call('/cameras', { token: await token({ groups: ['guests'] }) });
    expect(response.status).toBe(403);
    expect((await json(response)).code).toBe('FORBIDDEN');
  });

  it('accepts a token made the same way with the right key (the refusals above are not accidental)', async () => {
    expect((await api.call('/cameras', { token: await token() })).status).toBe(200);
  });
});

describe('roles', () => {
  const adminRoutes: Array<[string, string, unknown?]> = [
    ['PUT', '/cameras/porch/settings', { alertsEnabled: false }],
    ['PUT', `/clips/${CLIP.clipId}/hold`],
    ['DELETE', `/clips/${CLIP.clipId}/hold`],
    ['DELETE', `/clips/${CLIP.clipId}`],
    ['POST', `/executions/${CLIP.clipId}/redrive`],
  ];

  it('403 for a viewer on every admin route, before the request is even validated', async () => {
    for (const [method, path, body] of adminRoutes) {
      const response = await api.call(path, { method, token: api.tokens.viewer, body: body ? JSON.stringify(body) : undefined });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await json(response)).code).toBe('FORBIDDEN');
    }
    const invalidBody = await api.call('/cameras/porch/settings', { method: 'PUT', token: api.tokens.viewer, body: JSON.stringify({ cooldownSeconds: -5 }) });
    expect(invalidBody.status).toBe(403);
    expect((await api.call(`/clips/${CLIP.clipId}`, { token: api.tokens.viewer })).status).toBe(200);
  });

  it('401 on every admin route without a token', async () => {
    for (const [method, path] of adminRoutes) {
      expect((await api.call(path, { method })).status, `${method} ${path}`).toBe(401);
    }
  });
});

describe('the verifier', () => {
  it('remembers a verified token only until it expires', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const verify = createTokenVerifier({ issuer: 'https://issuer', audience: 'camflow', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k' }] }, clockToleranceSeconds: 0 });
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await new SignJWT({ 'cognito:groups': ['viewer'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setIssuer('https://issuer')
      .setAudience('camflow')
      .setExpirationTime(exp)
      .sign(privateKey);
    expect(await verify(shortLived)).toEqual({ username: '', roles: ['viewer'] });
    expect(await verify(shortLived)).toEqual({ username: '', roles: ['viewer'] });
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 200));
    await expect(verify(shortLived)).rejects.toMatchObject({ name: 'TokenRejected', message: expect.stringContaining('expired') });
  });

  it('accepts a Cognito access token, whose audience is in client_id', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc';
    const verify = createTokenVerifier({ issuer, audience: 'client-123', jwks: { keys: [jwk] } });
    const access = await new SignJWT({ client_id: 'client-123', 'cognito:groups': ['viewer', 'other'], username: 'ana', token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verify(access)).toEqual({ username: 'ana', roles: ['viewer'] });
    const otherClient = await new SignJWT({ client_id: 'client-999' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setExpirationTime('5m').sign(privateKey);
    await expect(verify(otherClient)).rejects.toMatchObject({ name: 'TokenRejected' });
  });
});
