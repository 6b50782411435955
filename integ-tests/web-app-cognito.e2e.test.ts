/**
 * The web app signing in as it does in AWS — with a Cognito user pool, by SRP — in a real
 * Chromium, against the test user pool (integ-tests/web-app-user-pool.ts: Cognito's JSON
 * protocol and the server's half of SRP, for real) and the local stack's API:
 *
 * - config.json names a user pool: the app loads the Cognito library (and only then), signs in
 *   by USER_SRP_AUTH + PASSWORD_VERIFIER, never calls `POST /auth/login`, and goes back to the
 *   page that asked;
 * - a wrong password is refused by the pool's signature check and said in a sentence;
 * - the ID token is renewed by REFRESH_TOKEN_AUTH before it expires, and the API gets the new one;
 * - a token the API refuses (401) brings the sign-in back, which returns to the same page;
 * - a user the operator created with a temporary password (FORCE_CHANGE_PASSWORD) is asked for
 *   a new one (NEW_PASSWORD_REQUIRED): one the pool's policy refuses is said beside the field,
 *   a good one signs in and returns to the page asked for, and is the password from then on.
 *
 * The page is served with the Content-Security-Policy of runtime/local-web.ts, which admits
 * the pool's endpoint: a CSP violation would fail the sign-in.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, SIGNING_KEY_FILE, type SigningKey } from '../api/auth/local-issuer.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { startLocalWeb, type LocalWeb } from '../runtime/local-web.ts';
import { ensureWebBuild, WEB_BUILD } from '../runtime/web-build.ts';
import { expectAccessible } from './accessibility.ts';
import { startTestUserPool, type TestUserPool } from './web-app-user-pool.ts';
import { chromiumOptions } from './chromium.ts';

const ADMIN = { username: 'maria', password: 'correct horse battery staple' };
/** Created by the operator (admin-create-user): Cognito mailed the temporary password. */
const NEWCOMER = { username: 'joe', temporaryPassword: 'Temp-Pass-1234', newPassword: 'Joe-s-own-Passphrase-2' };
/** Short-lived tokens, so that the renewal happens within the test. */
const TOKEN_SECONDS = 15;

const work = mkdtempSync(join(tmpdir(), 'camflow-web-cognito-'));
let web: LocalWeb;
let stack: LocalStack;
let pool: TestUserPool;
let browser: BrowserContext;
const problems: string[] = [];

beforeAll(async () => {
  await ensureWebBuild();
  // The app's own server first (its port is the origin to admit), then the stack admitting it.
  web = await startLocalWeb({ directory: WEB_BUILD, port: 0, s3Endpoint: () => stack?.endpoints.s3 });
  stack = await startLocalStack({
    dataDirectory: join(work, 'data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    web: { port: web.port, serve: false },
    print: () => undefined,
    sweepEverySeconds: 0,
  });
  const apiUrl = stack.endpoints.api!;
  const signingKey = JSON.parse(readFileSync(join(work, 'data', SIGNING_KEY_FILE), 'utf8')) as SigningKey;
  const privateKey = await importJWK(signingKey.privateJwk, 'ES256');
  pool = await startTestUserPool({
    userPoolId: 'us-east-1_camflowE2e',
    clientId: 'camflowwebclient',
    origin: web.origin,
    tokenSeconds: TOKEN_SECONDS,
    // Signed as the local API expects (its issuer and audience), as Cognito signs for the API in AWS.
    sign: async (claims, seconds) =>
      new SignJWT({ 'cognito:groups': [claims.group], 'cognito:username': claims.username, token_use: claims.tokenUse, client_id: claims.clientId })
        .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: 'JWT' })
        .setIssuer(apiUrl)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(claims.username)
        .setIssuedAt()
        .setExpirationTime(`${seconds}s`)
        .sign(privateKey),
  });
  pool.addUser(ADMIN.username, ADMIN.password, 'admin');
  pool.addUser(NEWCOMER.username, NEWCOMER.temporaryPassword, 'viewer', { temporary: true });
  web.setConfig({ apiUrl, userPoolId: pool.userPoolId, userPoolClientId: pool.clientId, region: 'us-east-1', userPoolEndpoint: pool.endpoint });

  browser = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    ...chromiumOptions(),
    viewport: { width: 1280, height: 800 },
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await pool?.stop();
  await stack?.stop();
  await web?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message} (${page.url()})`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`));
  return page;
}

async function fillSignIn(page: Page, password: string, username = ADMIN.username): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** What the page's sessionStorage is, to these tests (the project's types have no DOM). */
type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };
const storedToken = (page: Page) =>
  page.evaluate(() => (JSON.parse((globalThis as unknown as { sessionStorage: Storage }).sessionStorage.getItem('camflow.session') ?? 'null') as { token?: string } | null)?.token);

describe('signing in with a Cognito user pool (SRP) in Chromium', () => {
  let page: Page;
  /** The bearer token of each API request, in order. */
  const bearers: Array<{ path: string; token: string }> = [];
  const scripts: string[] = [];

  it('refuses a wrong password with a sentence: the pool’s SRP check failed', async () => {
    page = await newPage();
    page.on('response', (r) => r.request().resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    page.on('request', (request) => {
      const url = new URL(request.url());
      const authorization = request.headers().authorization;
      if (url.origin === stack.endpoints.api && authorization) bearers.push({ path: url.pathname, token: authorization.replace(/^Bearer /, '') });
    });
    await page.goto(`${web.origin}/operations`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await fillSignIn(page, 'not the password');
    await page.getByRole('alert').getByText('The user name or password is wrong.').waitFor();
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: NotAuthorizedException']);
  });

  it('signs in by SRP, never through /auth/login, and comes back to the page that asked', async () => {
    pool.calls.length = 0;
    await fillSignIn(page, ADMIN.password);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/operations');
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: ok']);
    await page.getByText(`${ADMIN.username} (admin)`).waitFor();
    expect(bearers.length).toBeGreaterThan(0);
    expect(bearers.some((b) => b.path === '/auth/login')).toBe(false);
    // The Cognito library came in its own script, loaded because config.json names a pool.
    expect(scripts.some((p) => /\/assets\/cognito-.*\.js$/.test(p))).toBe(true);
  });

  it('renews the ID token by REFRESH_TOKEN_AUTH before it expires, and the API gets the new one', async () => {
    const first = await storedToken(page);
    await expect.poll(() => pool.calls.includes('InitiateAuth REFRESH_TOKEN_AUTH: ok'), { timeout: TOKEN_SECONDS * 1000 }).toBe(true);
    await expect.poll(() => storedToken(page)).not.toBe(first);
    const renewed = await storedToken(page);
    // Past the first token's expiry: only the renewed one can still be accepted.
    await page.waitForTimeout(4000);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/alerts' && r.request().method() === 'GET');
    await page.getByRole('link', { name: 'Alerts' }).click();
    expect((await answered).status()).toBe(200);
    expect(bearers.at(-1)!.token).not.toBe(first);
    expect([renewed, await storedToken(page)]).toContain(bearers.at(-1)!.token);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
  });

  it('brings the sign-in back on a 401, and returns to the same page after', async () => {
    // A token the API refuses (its signature broken), as after a key rotation or a revocation.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage;
      const session = JSON.parse(storage.getItem('camflow.session')!) as { token: string };
      storage.setItem('camflow.session', JSON.stringify({ ...session, token: session.token.slice(0, -4) + 'AAAA' }));
    });
    await page.goto(`${web.origin}/operations?status=FAILED`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/operations?status=FAILED');
    await fillSignIn(page, ADMIN.password);
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/operations?status=FAILED');
    await page.close();
  });

  it('asks a user on a temporary password for a new one: refused beside the field when too short, then signs in and returns', async () => {
    const first = await newPage();
    pool.calls.length = 0;
    await first.goto(`${web.origin}/alerts`);
    await first.getByRole('heading', { name: 'Sign in' }).waitFor();
    await fillSignIn(first, NEWCOMER.temporaryPassword, NEWCOMER.username);
    await first.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: ok']);
    const field = first.getByLabel('New password', { exact: true });
    const confirmation = first.getByLabel('Confirm the new password');
    // The pool's rules are shown and tie to the field; the new field has the focus.
    await first.getByText('At least 12 characters, with a lowercase letter, an uppercase letter, a digit and a symbol').waitFor();
    expect(await field.getAttribute('aria-describedby')).toBe('new-password-rules');
    expect(await field.evaluate((input) => input === (input as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    await expectAccessible(first, 'new password');

    // Two different entries: said beside the confirmation, nothing sent.
    await field.fill(NEWCOMER.newPassword);
    await confirmation.fill(NEWCOMER.newPassword + 'x');
    await first.getByRole('button', { name: 'Set the password and sign in' }).click();
    await first.locator('#confirm-password-problem').getByText('The two passwords differ: type the new one again.').waitFor();
    expect(pool.calls).toHaveLength(2);

    // Too short: the pool answers InvalidPasswordException, said in a sentence beside the field.
    await field.fill('Short-1a');
    await confirmation.fill('Short-1a');
    await first.getByRole('button', { name: 'Set the password and sign in' }).click();
    await first.locator('#new-password-problem').getByText('This password is too short: use at least 12 characters.').waitFor();
    expect(pool.calls.at(-1)).toBe('RespondToAuthChallenge NEW_PASSWORD_REQUIRED: InvalidPasswordException');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe('new-password-rules new-password-problem');
    expect(pool.status(NEWCOMER.username)).toBe('FORCE_CHANGE_PASSWORD');
    await expectAccessible(first, 'new password refused');

    // A good one, on the same challenge: signed in, back on the page asked for.
    await field.fill(NEWCOMER.newPassword);
    await confirmation.fill(NEWCOMER.newPassword);
    await first.getByRole('button', { name: 'Set the password and sign in' }).click();
    await first.getByRole('button', { name: 'Sign out' }).waitFor();
    await first.getByRole('heading', { name: 'Alerts' }).waitFor();
    expect(new URL(first.url()).pathname).toBe('/alerts');
    await first.getByText(`${NEWCOMER.username} (viewer)`).waitFor();
    expect(pool.calls.at(-1)).toBe('RespondToAuthChallenge NEW_PASSWORD_REQUIRED: ok');
    expect(pool.status(NEWCOMER.username)).toBe('CONFIRMED');
    await first.close();

    // In a new tab: the new password, by SRP, no challenge any more.
    const later = await newPage();
    pool.calls.length = 0;
    await later.goto(`${web.origin}/operations`);
    await later.getByRole('heading', { name: 'Sign in' }).waitFor();
    await fillSignIn(later, NEWCOMER.newPassword, NEWCOMER.username);
    await later.getByRole('heading', { name: 'Operations' }).waitFor();
    expect(pool.calls).toEqual(['InitiateAuth USER_SRP_AUTH: ok', 'RespondToAuthChallenge PASSWORD_VERIFIER: ok']);
    await later.close();
  });

  it('had no page error, no CSP violation and no failed request', () => {
    // The two expected console errors, the browser reporting refusals the tests asked for:
    // Cognito's 400 (NotAuthorizedException) for the wrong password, the API's 401 for the broken token.
    // (one 401 for each of the page's calls in flight, on the page or already on the sign-in).
    const wrongPassword = (p: string) => /status of 400 .*\/sign-in\?next=%2Foperations\)$/.test(p);
    const brokenToken = (p: string) => /status of 401 .*(\/operations\?status=FAILED|\/sign-in\?next=%2Foperations%3Fstatus%3DFAILED)\)$/.test(p);
    // And the pool's 400 (InvalidPasswordException) for the too-short new password.
    const tooShort = (p: string) => /status of 400 .*\/sign-in\?next=%2Falerts\)$/.test(p);
    expect(problems.filter((p) => !wrongPassword(p) && !brokenToken(p) && !tooShort(p))).toEqual([]);
    expect(problems.filter(wrongPassword)).toHaveLength(1);
    expect(problems.filter(tooShort)).toHaveLength(1);
    expect(problems.filter(brokenToken).length).toBeGreaterThanOrEqual(1);
  });
});
