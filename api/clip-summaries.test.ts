/**
 * Clip lists carry each clip's poster as a presigned URL (`posterUrl`), so a list shows its
 * posters without a call per clip; a clip with no poster has none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipItem, putCatalogItem, readyClip, responseJson, startLocalServices, startTestApi, type LocalServices, type TestApi } from './test-support.ts';

let services: LocalServices;
let api: TestApi;

beforeAll(async () => {
  services = await startLocalServices();
  api = await startTestApi(services, { presignExpirySeconds: 300 });
  await putCatalogItem(services, clipItem(readyClip('porch-00000000000000a1', 'porch', '2025-03-01T10:00:00.000Z')));
  await putCatalogItem(services, clipItem(readyClip('porch-00000000000000a2', 'porch', '2025-03-01T11:00:00.000Z', { status: 'FAILED', poster: undefined })));
});
afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
});

describe('posters in clip lists', () => {
  it('GET /cameras/{id}/clips and GET /clips give each clip with a poster its presigned URL', async () => {
    const { clips } = await responseJson(await api.call('/cameras/porch/clips', { token: api.tokens.viewer }));
    const ready = clips.find((c: { clipId: string }) => c.clipId === 'porch-00000000000000a1');
    const url = new URL(ready.posterUrl);
    expect(url.pathname).toMatch(/\/porch\/2025\/03\/01\/porch-00000000000000a1\/poster\.jpg$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(clips.find((c: { clipId: string }) => c.clipId === 'porch-00000000000000a2').posterUrl).toBeUndefined();
    const failed = await responseJson(await api.call('/clips?status=FAILED', { token: api.tokens.viewer }));
    expect(failed.clips.map((c: { clipId: string; posterUrl?: string }) => [c.clipId, c.posterUrl])).toEqual([['porch-00000000000000a2', undefined]]);
  });
});
