/**
 * The web app in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
 * browser is downloaded), served by the local stack as `camflow up` serves it, on clips the
 * workflow really processed: sign in, cameras, a clip playing by HLS and MP4 with its scrub
 * preview, an admin's hold, a viewer's limits (in the page and at the API), settings that
 * survive a reload, Operations with a failed clip and redrive, a phone-sized screen — with
 * axe-core on every page, and no console error nor failed request anywhere.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoUserStore } from '../api/auth/users.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { ensureWebBuild, WEB_BUILD } from '../runtime/web-build.ts';
import { expectAccessible } from './accessibility.ts';
import { h264AacMp4 } from './clip-fixtures.ts';
import { uploadClip, type UploadedClip } from './local-stack-support.ts';
import { chromiumOptions } from './chromium.ts';

/** What the tests read of page elements (the project's types have no DOM). */
type VideoElement = { currentTime: number; currentSrc: string; readyState: number; addEventListener(type: string, listener: () => void, options?: { once: boolean }): void };
type ImageElement = { complete: boolean; naturalWidth: number };
const ADMIN = { username: 'maria', password: 'correct horse battery staple' };
const VIEWER = { username: 'joe', password: 'a long viewer passphrase' };

const work = mkdtempSync(join(tmpdir(), 'camflow-web-e2e-'));
let stack: LocalStack;
let web: string;
let browser: BrowserContext;
let video: UploadedClip;
let broken: UploadedClip;
/** Everything that went wrong in any page: console errors, page errors, failed requests. */
const problems: string[] = [];

beforeAll(async () => {
  await ensureWebBuild();
  stack = await startLocalStack({
    dataDirectory: join(work, 'data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    web: { port: 0 },
    print: () => undefined,
    sweepEverySeconds: 0,
  });
  web = stack.endpoints.web!;
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: stack.endpoints.dynamodb }));
  await dynamoUserStore(() => db, stack.tableName).add({ ...ADMIN, role: 'admin' });
  await dynamoUserStore(() => db, stack.tableName).add({ ...VIEWER, role: 'viewer' });
  db.destroy();
  const media = join(work, 'media');
  mkdirSync(media);
  const clip = await h264AacMp4(media, { seconds: 5, size: '1280x720', name: 'front.mp4' });
  video = await uploadClip(stack, 'frontdoor', clip.path);
  writeFileSync(join(media, 'notes.mp4'), 'This is a text file that a camera misnamed.\n'.repeat(50));
  broken = await uploadClip(stack, 'frontdoor', join(media, 'notes.mp4'));
  await stack.waitForIdle();

  browser = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    ...chromiumOptions(),
    viewport: { width: 1280, height: 800 },
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A new tab (its own sessionStorage: signed out), watched for errors. */
async function newPage(viewport?: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message} (${page.url()})`));
  page.on('requestfailed', (request) => {
    // A player dropping a request it no longer needs (a format switch, a seek) is not a failure, nor
    // a poster still loading when its list goes away (a click on a clip, a route change): Chromium
    // cancels it (ERR_ABORTED). A poster that cannot be read fails otherwise (an HTTP status, a refused connection).
    if (request.failure()?.errorText === 'net::ERR_ABORTED' && ['media', 'xhr', 'fetch', 'image'].includes(request.resourceType())) return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return page;
}

async function signIn(page: Page, who: { username: string; password: string }, path = '/'): Promise<void> {
  await page.goto(`${web}${path}`);
  await page.getByLabel('User name').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The player has its source (hls.js loaded and attached): leaving now aborts nothing. */
async function playerReady(page: Page): Promise<void> {
  await expect.poll(() => page.locator('video').evaluate((v: VideoElement) => v.currentSrc), { timeout: 15_000 }).not.toBe('');
}

async function videoTime(page: Page): Promise<number> {
  return page.locator('video').evaluate((v: VideoElement) => v.currentTime);
}

async function apiCall(path: string, who: { username: string; password: string }, init: RequestInit = {}): Promise<Response> {
  const login = await fetch(`${stack.endpoints.api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  const { token } = (await login.json()) as { token: string };
  return fetch(`${stack.endpoints.api}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
}

describe('the web app in Chromium', () => {
  let page: Page;
  /** Paths of the scripts the first tab loaded, in order. */
  const scripts: string[] = [];
  const gzipped = (path: string) => gzipSync(readFileSync(join(WEB_BUILD, path))).length;

  it('signs in, and comes back to the page that was asked for', async () => {
    page = await newPage();
    page.on('response', (r) => r.request().resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await page.goto(`${web}/alerts`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/alerts');
    await expectAccessible(page, 'sign in');
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/alerts');
    await page.getByRole('link', { name: 'Open the clip' }).first().waitFor();
    await expectAccessible(page, 'alerts');
  });

  it('loads at most 150 KB of JavaScript (gzipped) for the first pages, and hls.js only with a player', async () => {
    const firstPages = [...scripts];
    expect(firstPages.length).toBeGreaterThan(0);
    expect(firstPages.some((p) => /hls/i.test(p))).toBe(false);
    // Signed in with POST /auth/login: the Cognito library is never loaded.
    expect(firstPages.some((p) => /cognito/i.test(p))).toBe(false);
    const total = firstPages.reduce((sum, p) => sum + gzipped(p), 0);
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });

  it('shows the cameras: poster, last clip, today’s clips and the failed-clip warning', async () => {
    await page.getByRole('link', { name: 'Cameras' }).click();
    const card = page.locator('.camera-card', { hasText: 'frontdoor' });
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('Today: 2 clips');
    await card.getByText('Last clip quarantined').waitFor();
    await expect
      .poll(() =>
        card
          .locator('img')
          .evaluate((img: ImageElement) => img.complete && img.naturalWidth > 0)
          .catch(() => false),
      )
      .toBe(true);
    await expectAccessible(page, 'cameras');
  });

  it('lists the camera’s clips by day, and opens one', async () => {
    await page.locator('.camera-card', { hasText: 'frontdoor' }).click();
    await page.getByRole('region', { name: 'Clips' }).waitFor();
    await page.locator('.clip-row').first().waitFor();
    expect(await page.locator('.clip-row').count()).toBe(2);
    expect(await page.locator('.day-heading').count()).toBeGreaterThanOrEqual(1);
    // The processed clip's poster, from the list's own summary (no call per clip).
    const poster = page.locator(`.clip-row a[href="/clips/${video.clipId}"] img.clip-poster`);
    await expect.poll(() => poster.evaluate((img: ImageElement) => img.complete && img.naturalWidth > 0).catch(() => false)).toBe(true);
    await expectAccessible(page, 'camera clips');
    await page.selectOption('#status-filter', 'QUARANTINED');
    await expect.poll(() => page.locator('.clip-row').count()).toBe(1);
    await page.locator('.clip-row', { hasText: 'quarantined' }).waitFor();
    await page.selectOption('#status-filter', '');
    await page.goto(`${web}/clips/${video.clipId}`);
    await page.locator('video').waitFor();
  });

  it('plays the clip by HLS past 1.5 s, then the MP4', async () => {
    expect(await page.locator('#format').inputValue()).toBe('hls');
    await expect.poll(() => scripts.some((p) => /\/assets\/hls-.*\.js$/.test(p))).toBe(true);
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => videoTime(page), { timeout: 30_000 }).toBeGreaterThan(1.5);
    // hls.js through Media Source Extensions (Chromium's own HLS is not what plays it).
    expect(await page.locator('video').evaluate((v: VideoElement) => v.currentSrc)).toMatch(/^blob:/);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.selectOption('#format', 'mp4');
    await expect.poll(() => page.locator('video').evaluate((v: VideoElement) => v.currentSrc)).toContain('clip.mp4');
    // The MP4 goes on from where HLS was paused; then from the start, to see it play.
    await expect.poll(() => page.locator('video').evaluate((v: VideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
    expect(await videoTime(page)).toBeGreaterThan(1.5);
    // Back to the start, as a user dragging the seek bar would, and Play once the seek is done.
    await page.locator('video').evaluate(
      (v: VideoElement) =>
        new Promise<void>((resolve) => {
          v.addEventListener('seeked', () => resolve(), { once: true });
          v.currentTime = 0;
        }),
    );
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => videoTime(page), { timeout: 30_000 }).toBeGreaterThan(1.5);
    await page.getByRole('button', { name: 'Pause' }).click();

    // The keyboard: ← goes back 5 s, space plays and pauses.
    await page.getByRole('group', { name: /Clip player/ }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => videoTime(page)).toBeLessThan(0.5);
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.keyboard.press(' ');
    await page.getByRole('button', { name: 'Play' }).waitFor();
  });

  it('shows a preview from the sprite while hovering the seek bar', async () => {
    const bar = page.getByRole('slider', { name: 'Position' });
    const box = (await bar.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    // One cell of the clip's sprite, shown through CSS background position; the sprite loads.
    const preview = page.getByTestId('scrub-preview').getByRole('img');
    await preview.waitFor();
    expect(Number(await preview.getAttribute('data-cell'))).toBeGreaterThan(0);
    const spriteLoads = async (element: unknown) => {
      const dom = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundImage: string }; Image: new () => { src: string; decode(): Promise<void>; naturalWidth: number } };
      const image = new dom.Image();
      image.src = dom.getComputedStyle(element).backgroundImage.replace(/^url\("?|"?\)$/g, '');
      await image.decode();
      return image.naturalWidth > 0;
    };
    await expect.poll(() => preview.evaluate(spriteLoads).catch(() => false)).toBe(true);
    // README's picture is refreshed on request only (CAMFLOW_UPDATE_SCREENSHOTS=1); a test run leaves the checkout as it was.
    const screenshot = process.env.CAMFLOW_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', 'docs', 'clip-page.png') : join(work, 'clip-page.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    await page.mouse.move(0, 0);
    await expectAccessible(page, 'clip');
  });

  it('lets an admin hold the clip and release it', async () => {
    await page.getByRole('button', { name: 'Hold as evidence' }).click();
    await page.getByRole('button', { name: 'Release hold' }).waitFor();
    expect(((await (await apiCall(`/clips/${video.clipId}`, ADMIN)).json()) as { held: boolean }).held).toBe(true);
    await page.getByRole('button', { name: 'Release hold' }).click();
    await page.getByRole('button', { name: 'Hold as evidence' }).waitFor();
    expect(((await (await apiCall(`/clips/${video.clipId}`, ADMIN)).json()) as { held: boolean }).held).toBe(false);
    // The workflow panel, state by state.
    await page.locator('.timeline .state', { hasText: 'Render web playback' }).waitFor();
  });

  it('keeps saved settings after a reload', async () => {
    await page.goto(`${web}/cameras/frontdoor/settings`);
    await page.getByLabel('Display name').fill('Front gate');
    await page.getByLabel('Cooldown between alerts (seconds)').fill('120');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('Display name').inputValue()).toBe('Front gate');
    expect(await page.getByLabel('Cooldown between alerts (seconds)').inputValue()).toBe('120');
    await expectAccessible(page, 'settings');
  });

  it('shows the failed clip in Operations with its error, and offers redrive', async () => {
    await page.getByRole('link', { name: 'Operations' }).click();
    const item = page.locator('.ops-item', { hasText: 'quarantined' });
    await item.waitFor();
    await item.getByText('not-media').waitFor();
    await item.getByRole('button', { name: `Redrive ${broken.clipId}` }).waitFor();
    // Recent executions under every status, each linking to its clip and its workflow panel.
    for (const heading of [/Running executions \(0\)/, /Failed executions \(1\)/, /Timed-out executions \(0\)/, /Aborted executions \(0\)/, /Succeeded executions \(1\)/]) {
      await page.getByRole('heading', { name: heading }).waitFor();
    }
    const succeeded = page.getByRole('region', { name: /Succeeded executions/ }).locator('.ops-execution');
    expect(await succeeded.getByRole('link').first().getAttribute('href')).toBe(`/clips/${video.clipId}`);
    await expectAccessible(page, 'operations');
    await page.close();
  });

  it('redrives a really failed execution from Operations, and it runs again', async () => {
    page = await newPage();
    await signIn(page, ADMIN, '/operations');
    const failed = page.getByRole('region', { name: /Failed executions/ }).locator('.ops-execution');
    await failed.first().waitFor();
    const before = (await (await apiCall('/executions?status=FAILED', ADMIN)).json()) as { executions: Array<{ clipId?: string; redriveCount?: number }> };
    expect(before.executions.find((e) => e.clipId === broken.clipId)?.redriveCount ?? 0).toBe(0);
    await failed.getByRole('button', { name: `Redrive execution ${broken.clipId}` }).click();
    await failed
      .getByRole('button', { name: `Redrive execution ${broken.clipId}` })
      .getByText('Redriven')
      .waitFor();
    // The execution ran again (Step Functions counts the redrive) and, the upload still not being a clip, failed again.
    await expect
      .poll(
        async () => {
          const { executions } = (await (await apiCall('/executions?status=FAILED', ADMIN)).json()) as { executions: Array<{ clipId?: string; redriveCount?: number }> };
          return executions.find((e) => e.clipId === broken.clipId)?.redriveCount;
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await page.reload();
    await page
      .getByRole('region', { name: /Failed executions/ })
      .getByText('redriven 1×')
      .waitFor();
    // Its workflow link opens the clip on its panel, which shows the run.
    await page.getByRole('link', { name: new RegExp(`Workflow of .*${broken.clipId.split('-').pop()}`) }).click();
    await page.getByRole('heading', { name: 'Workflow' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/clips/${broken.clipId}`);
    await page.locator('.timeline .state').first().waitFor();
    await page.close();
  });

  it('shows a viewer no admin control, and the API refuses them too', async () => {
    const viewer = await newPage();
    await signIn(viewer, VIEWER, `/clips/${video.clipId}`);
    await viewer.locator('video').waitFor();
    await viewer.locator('.timeline .state').first().waitFor();
    await playerReady(viewer);
    for (const name of ['Hold as evidence', 'Release hold', 'Delete clip']) expect(await viewer.getByRole('button', { name }).count(), name).toBe(0);
    await viewer.goto(`${web}/operations`);
    await viewer.locator('.ops-item', { hasText: 'quarantined' }).waitFor();
    expect(await viewer.getByRole('button', { name: /Redrive/ }).count()).toBe(0);
    await viewer.goto(`${web}/cameras/frontdoor/settings`);
    await viewer.getByText('Only an admin can change these settings.').waitFor();
    expect(await viewer.getByLabel('Display name').isDisabled()).toBe(true);
    expect((await apiCall(`/clips/${video.clipId}/hold`, VIEWER, { method: 'PUT' })).status).toBe(403);
    expect((await apiCall(`/executions/${broken.clipId}/redrive`, VIEWER, { method: 'POST' })).status).toBe(403);
    await viewer.close();
  });

  it('works on a phone-sized screen (375 px) in dark mode: sign in, cameras, a clip', async () => {
    const phone = await newPage({ width: 375, height: 740 });
    // The phone is in dark mode: the app follows it, and stays readable (axe checks contrast).
    await phone.emulateMedia({ colorScheme: 'dark' });
    await signIn(phone, ADMIN);
    expect(
      await phone.evaluate(
        () =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } }).getComputedStyle(
            (globalThis as unknown as { document: { body: unknown } }).document.body,
          ).backgroundColor,
      ),
    ).toBe('rgb(13, 17, 23)');
    await phone.locator('.camera-card').first().waitFor();
    const overflow = () =>
      phone.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectAccessible(phone, 'cameras on a phone');
    await phone.goto(`${web}/clips/${video.clipId}`);
    await phone.getByRole('button', { name: 'Play' }).waitFor();
    await phone.getByRole('button', { name: 'Full screen' }).waitFor();
    await playerReady(phone);
    await expectAccessible(phone, 'clip on a phone, dark');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await phone.close();
  });

  it('is the one origin the API and S3 admit by CORS', async () => {
    const preflight = (url: string, origin: string, method = 'GET') =>
      fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'range' } });
    const api = `${stack.endpoints.api}/auth/login`;
    expect((await preflight(api, web, 'POST')).headers.get('access-control-allow-origin')).toBe(web);
    const otherPort = web.replace(/:(\d+)$/, (_m, port: string) => `:${Number(port) + 1}`);
    for (const origin of [otherPort, 'http://localhost:5173', 'https://evil.example']) {
      expect((await preflight(api, origin, 'POST')).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    const clip = (await (await apiCall(`/clips/${video.clipId}`, ADMIN)).json()) as { playback: { mp4: string } };
    expect((await preflight(clip.playback.mp4, web)).headers.get('access-control-allow-origin')).toBe(web);
    const foreign = await preflight(clip.playback.mp4, otherPort);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(clip.playback.mp4, { headers: { origin: web } })).headers.get('access-control-allow-origin')).toBe(web);
  });

  it('had no console error and no failed request on any page', () => {
    expect(problems).toEqual([]);
  });
});

describe('playback links that expire while watching', () => {
  const LINK_SECONDS = 6;
  let short: LocalStack;
  let clipId: string;

  beforeAll(async () => {
    short = await startLocalStack({
      dataDirectory: join(work, 'short-links'),
      ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
      web: { port: 0 },
      presignExpirySeconds: LINK_SECONDS,
      print: () => undefined,
      sweepEverySeconds: 0,
    });
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: short.endpoints.dynamodb }));
    await dynamoUserStore(() => db, short.tableName).add({ ...ADMIN, role: 'admin' });
    db.destroy();
    const clip = await h264AacMp4(join(work, 'media'), { seconds: 5, size: '640x360', name: 'short.mp4' });
    clipId = (await uploadClip(short, 'porch', clip.path)).clipId;
    await short.waitForIdle();
  }, 120_000);
  afterAll(async () => short?.stop());

  it('renews them and goes on from the same position, with no error on screen', async () => {
    const page = await newPage();
    const clipReads: string[] = [];
    const refused: string[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === `/clips/${clipId}` && r.request().method() === 'GET') clipReads.push(r.url());
    });
    // The expired MP4 link is refused by S3 (a 403, which Chromium's opaque-response blocking
    // turns into a failed request for a <video>): that one failure is the point of the test.
    const mine = problems.length;
    page.on('response', (r) => r.status() === 403 && refused.push(r.url()));
    page.on('requestfailed', (r) => r.failure()?.errorText === 'net::ERR_BLOCKED_BY_ORB' && refused.push(r.url()));
    // Play pressed when the links are about to expire renews them first, while the first source
    // is still loading (a slow host, a slow network): its playlist held until the renewal is asked
    // for, the renewal held until that first source has loaded its metadata. The first source must
    // not take the play meant for the renewed one (it did: swapped out paused, the video stayed at 0 s).
    let renewalAsked: () => void = () => undefined;
    const renewal = new Promise<void>((resolve) => (renewalAsked = resolve));
    let playlists = 0;
    await page.route('**/playback/**', async (route) => {
      if (++playlists === 1) await renewal;
      await route.continue();
    });
    let signedReads = 0;
    await page.route(`${short.endpoints.api}/clips/${clipId}`, async (route) => {
      if (route.request().method() === 'GET' && route.request().headers().authorization && ++signedReads === 2) {
        renewalAsked();
        // Not an assertion: on a host slow enough for the first source to fail, the renewal goes on after 15 s.
        const until = Date.now() + 15_000;
        while (Date.now() < until && (await page.locator('video').evaluate((v: VideoElement) => v.readyState)) < 1) await new Promise((r) => setTimeout(r, 100));
      }
      await route.continue();
    });
    const firstRead = page.waitForResponse((r) => r.url().startsWith(`${short.endpoints.api}/clips/${clipId}`) && r.ok());
    await page.goto(`${short.endpoints.web}/clips/${clipId}`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const { playback } = (await (await firstRead).json()) as { playback: { expiresAt: string } };
    await page.getByRole('button', { name: 'Play' }).waitFor();
    await page.waitForTimeout(Math.max(0, Date.parse(playback.expiresAt) - 4800 - Date.now()));
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => signedReads).toBe(2);
    await expect.poll(() => videoTime(page), { timeout: 30_000 }).toBeGreaterThan(1.5);
    await page.unrouteAll();
    await page.getByRole('button', { name: 'Pause' }).click();
    const pausedAt = await videoTime(page);
    const reads = clipReads.length;

    // A long pause: the links expire. Play asks for the clip again and resumes where it was.
    await page.waitForTimeout((LINK_SECONDS + 1) * 1000);
    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => clipReads.length).toBeGreaterThan(reads);
    await expect.poll(() => videoTime(page), { timeout: 30_000 }).toBeGreaterThan(pausedAt + 0.5);
    expect(await videoTime(page)).toBeGreaterThanOrEqual(pausedAt);
    await page.getByRole('button', { name: 'Pause' }).click();

    // Switching to the MP4 after its link expired: S3 refuses it, the app renews and goes on.
    await page.waitForTimeout((LINK_SECONDS + 1) * 1000);
    const before = clipReads.length;
    const position = await videoTime(page);
    await page.selectOption('#format', 'mp4');
    await expect.poll(() => refused.some((u) => u.includes('clip.mp4')), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => clipReads.length, { timeout: 15_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.locator('video').evaluate((v: VideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(Math.abs((await videoTime(page)) - position)).toBeLessThan(0.5);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByText('cannot be played').count()).toBe(0);
    // Only the expected refusals of expired links, nothing else.
    const expired = (p: string) => p.includes('/clip.mp4?') && (p.startsWith('HTTP 403') || p.endsWith('net::ERR_BLOCKED_BY_ORB'));
    const others = problems.slice(mine).filter((p) => !expired(p));
    expect(others).toEqual([]);
    problems.splice(mine);
    await page.close();
  });
});
