/**
 * Web app benchmark, in Debian's Chromium (playwright-core) against the local stack as
 * `camflow up` serves it:
 *
 * 1. JavaScript loaded for the first page (sign-in, then the camera grid), gzipped, and
 *    whether hls.js or the Cognito library came with it (they must not);
 * 2. from a click on a clip in a camera's list to the first video frame, over 10 clips the
 *    workflow really processed: the click on the clip, then on Play as soon as the player shows
 *    it (the player shows the poster until then), to the first frame the video presents after
 *    play (requestVideoFrameCallback), all in the page's own clock;
 * 3. a camera with 10,000 clips (seeded straight into the local catalog, each showing a real
 *    poster): its list scrolled by
 *    the mouse wheel from top to bottom, pages loading by cursor as it goes, then 2 s at rest
 *    (the posters of rows that appeared while scrolling load then), every long task recorded
 *    (PerformanceObserver 'longtask').
 *
 * `npx tsx bench/web.ts` prints JSON; `npm run bench -- web` writes the section.
 */
import '../runtime/node20-polyfills.ts';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { batchWriteItems, cameraRecord, clipItem, readyClip } from '../api/test-support.ts';
import { dynamoUserStore } from '../api/auth/users.ts';
import { h264AacMp4 } from '../integ-tests/clip-fixtures.ts';
import { catalogClient, clipRecord, uploadClip } from '../integ-tests/local-stack-support.ts';
import { startLocalStack } from '../runtime/local-stack.ts';
import { ensureWebBuild, WEB_BUILD } from '../runtime/web-build.ts';
import { keys } from '../domain/catalog-table.ts';
import { median } from './stats.ts';
import { chromiumOptions } from '../integ-tests/chromium.ts';

const ADMIN = { username: 'bench', password: 'a long benchmark passphrase' };
const PLAYED_CLIPS = 10;
const SCROLLED_CLIPS = 10_000;

export interface WebBenchmarkResult {
  firstPage: { scripts: Array<{ path: string; gzipBytes: number }>; gzipBytes: number; hlsLoaded: boolean; cognitoLoaded: boolean };
  /** gzipped sizes of the chunks loaded later: the player and hls.js. */
  laterChunks: Record<string, number>;
  /** gzipped size of the Cognito library's chunk (web/dist), loaded only when config.json names a user pool. */
  cognitoChunkGzipBytes: number;
  clickToFirstFrame: { samplesMs: number[]; p50Ms: number; maxMs: number };
  scroll: {
    clips: number;
    pagesLoaded: number;
    seconds: number;
    /** The machine's 1-minute load average at the end of the scroll (long tasks are wall-clock). */ loadAverage: number;
    longTasks: number;
    longestTaskMs: number;
    longTasksOver50Ms: number;
  };
  targets: { firstPageKB: number; clickToFirstFrameMs: number; longTaskMs: number };
}

const gzipped = (path: string) => gzipSync(readFileSync(join(WEB_BUILD, path)), { level: 9 }).length;

/** What the page gives these scripts (the project's types have no DOM). */
type Bench = { t0?: number; t1?: number };
interface PageVideo {
  __watched?: boolean;
  addEventListener(type: 'play', listener: () => void): void;
  requestVideoFrameCallback(callback: (now: number) => void): number;
}
interface PageDocument {
  addEventListener(type: 'click', listener: (e: { target: { closest(s: string): unknown } }) => void, capture: boolean): void;
  querySelector(selector: 'video'): PageVideo | null;
}
type PageWindow = {
  __bench: Bench;
  document: PageDocument;
  performance: { now(): number };
  PerformanceObserver: new (callback: (list: { getEntries(): Array<{ duration: number }> }) => void) => { observe(options: { type: string }): void };
  __longTasks: number[];
  MutationObserver: new (callback: () => void) => { observe(target: PageDocument, options: { subtree: boolean; childList: boolean }): void };
};

async function signIn(page: Page, web: string): Promise<void> {
  await page.goto(`${web}/`);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Marks the click on a clip row, and the first frame presented after play. */
function watchClickToFrame(): void {
  const w = globalThis as unknown as PageWindow;
  w.__bench = {};
  w.document.addEventListener(
    'click',
    (e: { target: { closest(s: string): unknown } }) => {
      if (e.target.closest('.clip-row') && w.__bench.t0 === undefined) w.__bench.t0 = w.performance.now();
    },
    true,
  );
  new w.MutationObserver(() => {
    const video = w.document.querySelector('video');
    if (!video || video.__watched) return;
    video.__watched = true;
    video.addEventListener('play', () => video.requestVideoFrameCallback((now: number) => (w.__bench.t1 ??= now)));
  }).observe(w.document, { subtree: true, childList: true });
}

export async function runWebBenchmark(options: { log?: (line: string) => void } = {}): Promise<WebBenchmarkResult> {
  const log = options.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'camflow-bench-web-'));
  await ensureWebBuild();
  const stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, web: { port: 0 }, print: () => undefined, sweepEverySeconds: 0 });
  const browser = await chromium.launch({
    ...chromiumOptions(['--autoplay-policy=no-user-gesture-required']),
  });
  try {
    const web = stack.endpoints.web!;
    const db = catalogClient(stack);
    await dynamoUserStore(() => db, stack.tableName).add({ ...ADMIN, role: 'admin' });
    db.destroy();

    log(`processing ${PLAYED_CLIPS} clips through the workflow…`);
    const media = join(work, 'media');
    mkdirSync(media);
    const fixture = await h264AacMp4(media, { seconds: 4, size: '1280x720', name: 'porch.mp4' });
    const played: string[] = [];
    for (let i = 0; i < PLAYED_CLIPS; i++) played.push((await uploadClip(stack, 'porch', fixture.path, `porch-${String(i).padStart(2, '0')}.mp4`)).clipId);
    await stack.waitForIdle();
    // The seeded clips show a real poster (one of the processed clips'), as a camera's list would.
    const poster = (await clipRecord(stack, played[0]!))?.poster;

    log(`seeding ${SCROLLED_CLIPS} clips for camera 'busy'…`);
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    const items: Array<Record<string, unknown>> = [{ ...keys.camera('busy'), ...cameraRecord('busy') }];
    for (let i = 0; i < SCROLLED_CLIPS; i++) {
      const capturedAt = new Date(start + i * 7 * 60_000).toISOString();
      items.push(clipItem(readyClip(`busy-${String(i).padStart(6, '0')}`, 'busy', capturedAt, { poster })));
    }
    await batchWriteItems(items, 8);

    // 1. The first page's JavaScript.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('response', (r) => r.request().resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await signIn(page, web);
    await page.locator('.camera-card').first().waitFor();
    await page.waitForLoadState('networkidle');
    const firstPage = [...new Set(scripts)].map((path) => ({ path, gzipBytes: gzipped(path) }));

    // 2. Click on a clip → first frame, ten clips.
    const samples: number[] = [];
    for (let i = 0; i < PLAYED_CLIPS; i++) {
      await page.goto(`${web}/cameras/porch`);
      await page.locator('.clip-row').nth(i).waitFor();
      await page.evaluate(watchClickToFrame);
      await page.locator('.clip-row').nth(i).click();
      await page.getByRole('button', { name: 'Play' }).click();
      await page.waitForFunction(() => (globalThis as unknown as PageWindow).__bench.t1 !== undefined, undefined, { timeout: 30_000 });
      const { t0, t1 } = await page.evaluate(() => (globalThis as unknown as PageWindow).__bench);
      samples.push(t1! - t0!);
      log(`clip ${i + 1}: ${(t1! - t0!).toFixed(0)} ms`);
    }
    const later = [...new Set(scripts)].filter((p) => !firstPage.some((f) => f.path === p));
    const laterChunks = Object.fromEntries(later.map((p) => [p.replace(/^\/assets\//, ''), gzipped(p)]));

    // 3. Scrolling 10,000 clips.
    await page.goto(`${web}/cameras/busy`);
    await page.locator('.clip-row').first().waitFor();
    await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      w.__longTasks = [];
      new w.PerformanceObserver((list: { getEntries(): Array<{ duration: number }> }) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    const list = page.getByRole('region', { name: 'Clips' });
    const box = (await list.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    let pages = 0;
    page.on('response', (r) => new URL(r.url()).pathname === '/cameras/busy/clips' && pages++);
    const began = Date.now();
    // The oldest clip is the last row: reaching it means every page was loaded and shown.
    const lastRow = () => list.locator('a[href="/clips/busy-000000"]').count();
    while (Date.now() - began < 240_000) {
      await page.mouse.wheel(0, 1600);
      await page.waitForTimeout(16);
      if ((await lastRow()) > 0) break;
    }
    const seconds = (Date.now() - began) / 1000;
    // At rest at the bottom: the last rows' posters load (long tasks counted too).
    await page.waitForTimeout(2000);
    const loadAverageAfterScroll = loadavg()[0]!;
    const longTasks = await page.evaluate(() => (globalThis as unknown as PageWindow).__longTasks);
    const hitEnd = (await lastRow()) > 0;
    if (!hitEnd) throw new Error(`Scrolling did not reach the oldest of the ${SCROLLED_CLIPS} clips in 240 s.`);
    await context.close();

    return {
      firstPage: {
        scripts: firstPage,
        gzipBytes: firstPage.reduce((sum, s) => sum + s.gzipBytes, 0),
        hlsLoaded: firstPage.some((s) => /hls/i.test(s.path)),
        cognitoLoaded: firstPage.some((s) => /cognito/i.test(s.path)),
      },
      laterChunks,
      cognitoChunkGzipBytes: readdirSync(join(WEB_BUILD, 'assets'))
        .filter((name) => /^cognito-.*\.js$/.test(name))
        .reduce((sum, name) => sum + gzipped(`assets/${name}`), 0),
      clickToFirstFrame: { samplesMs: samples.map((s) => Math.round(s)), p50Ms: median(samples), maxMs: Math.max(...samples) },
      scroll: {
        clips: SCROLLED_CLIPS,
        pagesLoaded: pages,
        loadAverage: loadAverageAfterScroll,
        seconds,
        longTasks: longTasks.length,
        longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
        longTasksOver50Ms: longTasks.filter((d) => d > 50).length,
      },
      targets: { firstPageKB: 150, clickToFirstFrameMs: 1000, longTaskMs: 50 },
    };
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runWebBenchmark({ log: (line) => console.error(line) }), null, 2));
}
