/**
 * Presigned URLs and playback links expire: an API configured with a 1-second lifetime
 * hands out URLs that play at once and are refused (by s3rver, which checks SigV4 expiry,
 * and by the playlist route) a little later.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clipItem, putCatalogItem, readyClip, startLocalServices, startTestApi, uploadRenderedClip, type LocalServices, type TestApi } from './test-support.ts';

let services: LocalServices;
let api: TestApi;
const CLIP = readyClip('yard-00000000000000aa', 'yard', '2025-04-01T10:00:00.000Z');

beforeAll(async () => {
  services = await startLocalServices();
  api = await startTestApi(services, { presignExpirySeconds: 2 });
  await putCatalogItem(services, clipItem(CLIP));
  await uploadRenderedClip(services, CLIP);
});

afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
});

it('plays while the URLs are fresh and refuses them once expired', async () => {
  const clip = JSON.parse(await (await api.call(`/clips/${CLIP.clipId}`, { token: api.tokens.viewer })).text());
  expect(clip.playback.mp4).toContain('X-Amz-Expires=2');
  const fresh = await fetch(clip.playback.mp4);
  expect(fresh.status).toBe(200);
  expect((await fresh.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  expect((await fetch(clip.playback.hls)).status).toBe(200);

  // Wait until both lifetimes are over (whole seconds in the signatures, so 2 s + margin).
  await sleep(Math.max(0, Date.parse(clip.playback.expiresAt) - Date.now()) + 1500);

  const expired = await fetch(clip.playback.mp4);
  expect(expired.status).toBe(403);
  expect(await expired.text()).toContain('expired');
  const link = await fetch(clip.playback.hls);
  expect(link.status).toBe(403);
  expect(JSON.parse(await link.text()).code).toBe('PLAYBACK_LINK_INVALID');
});
