/**
 * Every catalog, playback and retention route of the API, against the real local services
 * (dynalite, s3rver) with real media made by ffmpeg, through the local server and its issuer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../domain/catalog-table.ts';
import { RETENTION_TAG, type AlertRecord, type WorkflowState } from '../domain/clip-contract.ts';
import { LOCAL_BUCKETS } from '../runtime/local-s3.ts';
import {
  cameraRecord,
  clipItem,
  putCatalogItem,
  readyClip,
  startLocalServices,
  startTestApi,
  TEST_TABLE,
  uploadRenderedClip,
  type LocalServices,
  type RenderedClip,
  type TestApi,
  responseJson,
} from './test-support.ts';
import { SIGNING_KEY_FILE } from './auth/local-issuer.ts';

let services: LocalServices;
let api: TestApi;
let rendered: RenderedClip;

const CAMERA = 'front-door';
const PLAYABLE = readyClip('front-door-00000000000000aa', CAMERA, '2025-01-31T18:00:00.000Z');

const json = responseJson;

beforeAll(async () => {
  services = await startLocalServices();
  api = await startTestApi(services, { corsOrigins: ['https://camflow.example'] });
  await putCatalogItem(services, { ...keys.camera(CAMERA), ...cameraRecord(CAMERA, { displayName: 'Front door', clipCount: 4, lastClipAt: '2025-01-31T18:00:00.000Z' }) });
  await putCatalogItem(services, { ...keys.camera('garage'), ...cameraRecord('garage', { retentionClass: 'archive' }) });
  await putCatalogItem(services, clipItem(PLAYABLE));
  // Three more on the front door (one on another day), one failed, one quarantined on the garage.
  for (const [i, at] of ['2025-01-31T09:00:00.000Z', '2025-01-31T12:00:00.000Z', '2025-01-30T23:59:59.000Z'].entries()) {
    await putCatalogItem(services, clipItem(readyClip(`front-door-00000000000000b${i}`, CAMERA, at)));
  }
  await putCatalogItem(
    services,
    clipItem(
      readyClip('garage-00000000000000f1', 'garage', '2025-01-31T10:00:00.000Z', {
        status: 'FAILED',
        failure: { error: 'RenderFailed', cause: 'boom' },
        hlsMaster: undefined,
        mp4: undefined,
        poster: undefined,
        renditions: undefined,
        thumbnails: undefined,
      }),
    ),
  );
  await putCatalogItem(
    services,
    clipItem(
      readyClip('garage-00000000000000q1', 'garage', '2025-01-31T11:00:00.000Z', {
        status: 'QUARANTINED',
        kind: 'invalid',
        quarantine: { reason: 'not-media', detail: 'not a video' },
        hlsMaster: undefined,
        mp4: undefined,
        poster: undefined,
        renditions: undefined,
        thumbnails: undefined,
      }),
    ),
  );
  rendered = await uploadRenderedClip(services, PLAYABLE);
});

afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
});

describe('service routes', () => {
  it('answers /health without a token', async () => {
    const response = await api.call('/health');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document describing every route', async () => {
    const doc = await json(await api.call('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/alerts',
        '/auth/login',
        '/auth/refresh',
        '/cameras',
        '/cameras/{id}/clips',
        '/cameras/{id}/settings',
        '/clips',
        '/clips/{id}',
        '/clips/{id}/alert',
        '/clips/{id}/hold',
        '/clips/{id}/playback/{playlist}',
        '/clips/{id}/workflow',
        '/executions',
        '/executions/{name}/redrive',
        '/health',
        '/mode',
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
    expect(doc.paths['/cameras/{id}/clips'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'from', 'to', 'limit', 'cursor']));
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await api.call('/nope', { token: api.tokens.viewer });
    expect(response.status).toBe(404);
    expect((await json(response)).code).toBe('ROUTE_NOT_FOUND');
  });

  it('allows CORS only from the configured origin', async () => {
    const allowed = await api.call('/cameras', { method: 'OPTIONS', headers: { origin: 'https://camflow.example', 'access-control-request-method': 'GET' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://camflow.example');
    const other = await api.call('/cameras', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('cameras', () => {
  it('lists cameras with display name, last clip time, clip count and settings', async () => {
    const body = await json(await api.call('/cameras', { token: api.tokens.viewer }));
    expect(body.cameras).toEqual([
      {
        id: 'front-door',
        displayName: 'Front door',
        lastClipAt: '2025-01-31T18:00:00.000Z',
        clipCount: 4,
        monthToDate: { month: new Date().toISOString().slice(0, 7), estimatedUsd: 0, clips: 0 },
        settings: {
          displayName: 'Front door',
          retentionClass: 'standard',
          alertsEnabled: true,
          cooldownSeconds: 300,
          timeZone: 'UTC',
          renderProfile: 'passthrough',
          alertChannels: 'both',
          alertWhenHome: false,
        },
      },
      expect.objectContaining({ id: 'garage', clipCount: 0, settings: expect.objectContaining({ retentionClass: 'archive' }) }),
    ]);
  });

  it('pages cameras with an opaque cursor', async () => {
    const first = await json(await api.call('/cameras?limit=1', { token: api.tokens.viewer }));
    expect(first.cameras.map((c: { id: string }) => c.id)).toEqual(['front-door']);
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await json(await api.call(`/cameras?limit=1&cursor=${first.cursor}`, { token: api.tokens.viewer }));
    expect(second.cameras.map((c: { id: string }) => c.id)).toEqual(['garage']);
  });

  it("lists a camera's clips newest first, page by page", async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const body = await json(await api.call(`/cameras/${CAMERA}/clips?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: api.tokens.viewer }));
      ids.push(...body.clips.map((c: { clipId: string }) => c.clipId));
      cursor = body.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(ids).toEqual(['front-door-00000000000000aa', 'front-door-00000000000000b1', 'front-door-00000000000000b0', 'front-door-00000000000000b2']);
    expect(pages).toBe(2);
  });

  it('narrows clips to a time range (inclusive)', async () => {
    const body = await json(await api.call(`/cameras/${CAMERA}/clips?from=2025-01-31T09:00:00.000Z&to=2025-01-31T12:00:00.000Z`, { token: api.tokens.viewer }));
    expect(body.clips.map((c: { clipId: string }) => c.clipId)).toEqual(['front-door-00000000000000b1', 'front-door-00000000000000b0']);
    expect(body.clips[0]).toMatchObject({ camera: CAMERA, status: 'READY', held: false, capturedAt: '2025-01-31T12:00:00.000Z' });
    expect(body.clips[0].cameraPk).toBeUndefined();
  });

  it('answers 404 for a camera that does not exist, 400 for bad parameters', async () => {
    const missing = await api.call('/cameras/back-yard/clips', { token: api.tokens.viewer });
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ code: 'CAMERA_NOT_FOUND' });

    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1000', 'limit'],
      ['limit=abc', 'limit'],
      ['from=yesterday', 'from'],
      ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'from'],
      ['cursor=not-a-cursor', 'cursor'],
    ]) {
      const response = await api.call(`/cameras/${CAMERA}/clips?${query}`, { token: api.tokens.viewer });
      expect(response.status, query).toBe(400);
      const body = await json(response);
      expect(body.code, query).toMatch(/^INVALID_/);
      expect(body.field, query).toBe(field);
      expect(body.message.length).toBeGreaterThan(5);
    }
  });

  it('refuses a cursor crafted to read another partition', async () => {
    const crafted = Buffer.from(JSON.stringify({ pk: 'USER#test-admin', sk: 'USER', cameraPk: 'CAMERA#garage', cameraSk: 'x' })).toString('base64url');
    const response = await api.call(`/cameras/${CAMERA}/clips?cursor=${crafted}`, { token: api.tokens.viewer });
    expect(response.status).toBe(400);
    expect((await json(response)).code).toBe('INVALID_CURSOR');
  });

  it('reads and changes camera settings (admin), creating a camera that has not uploaded yet', async () => {
    expect(await json(await api.call('/cameras/garage/settings', { token: api.tokens.viewer }))).toMatchObject({ retentionClass: 'archive' });
    const put = await api.call('/cameras/garage/settings', {
      method: 'PUT',
      token: api.tokens.admin,
      body: JSON.stringify({
        displayName: 'Garage',
        alertsEnabled: false,
        cooldownSeconds: 60,
        quietHours: { start: '22:00', end: '06:00' },
        timeZone: 'Europe/Paris',
        alertChannels: 'sms',
        alertWhenHome: true,
      }),
    });
    expect(put.status).toBe(200);
    expect(await json(put)).toEqual({
      displayName: 'Garage',
      retentionClass: 'archive',
      alertsEnabled: false,
      cooldownSeconds: 60,
      quietHours: { start: '22:00', end: '06:00' },
      timeZone: 'Europe/Paris',
      renderProfile: 'passthrough',
      alertChannels: 'sms',
      alertWhenHome: true,
    });
    const { Item } = await services.documents.send(new GetCommand({ TableName: TEST_TABLE, Key: keys.camera('garage') }));
    expect(Item).toMatchObject({ camera: 'garage', displayName: 'Garage', alertsEnabled: false, cooldownSeconds: 60, retentionClass: 'archive', clipCount: 0 });

    const cleared = await json(await api.call('/cameras/garage/settings', { method: 'PUT', token: api.tokens.admin, body: JSON.stringify({ quietHours: null }) }));
    expect(cleared.quietHours).toBeUndefined();

    expect((await api.call('/cameras/side-gate/settings', { token: api.tokens.viewer })).status).toBe(404);
    const created = await api.call('/cameras/side-gate/settings', { method: 'PUT', token: api.tokens.admin, body: JSON.stringify({ retentionClass: 'short' }) });
    expect(await json(created)).toMatchObject({ displayName: 'side-gate', retentionClass: 'short', alertsEnabled: true });
    const { Item: gate } = await services.documents.send(new GetCommand({ TableName: TEST_TABLE, Key: keys.camera('side-gate') }));
    expect(gate).toEqual({ ...keys.camera('side-gate'), camera: 'side-gate', clipCount: 0, retentionClass: 'short' });
  });

  it('refuses invalid settings with the field and the reason', async () => {
    for (const [body, field] of [
      [{ cooldownSeconds: -1 }, 'cooldownSeconds'],
      [{ cooldownSeconds: 1.5 }, 'cooldownSeconds'],
      [{ retentionClass: 'hold' }, 'retentionClass'],
      [{ retentionClass: 'forever' }, 'retentionClass'],
      [{ displayName: '' }, 'displayName'],
      [{ alertsEnabled: 'yes' }, 'alertsEnabled'],
      [{ quietHours: { start: '25:00', end: '06:00' } }, 'quietHours.start'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    ] as const) {
      const response = await api.call('/cameras/garage/settings', { method: 'PUT', token: api.tokens.admin, body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).field, JSON.stringify(body)).toBe(field);
    }
    const unknown = await api.call('/cameras/garage/settings', { method: 'PUT', token: api.tokens.admin, body: JSON.stringify({ owner: 'me' }) });
    expect(unknown.status).toBe(400);
    const empty = await api.call('/cameras/garage/settings', { method: 'PUT', token: api.tokens.admin, body: '{}' });
    expect(empty.status).toBe(400);
    const notJson = await api.call('/cameras/garage/settings', { method: 'PUT', token: api.tokens.admin, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).code).toBe('INVALID_REQUEST');
  });
});

describe('clips', () => {
  it("lists a day's clips across cameras, newest first, optionally for one camera", async () => {
    const body = await json(await api.call('/clips?day=2025-01-31', { token: api.tokens.viewer }));
    expect(body.clips.map((c: { clipId: string }) => c.clipId)).toEqual([
      'front-door-00000000000000aa',
      'front-door-00000000000000b1',
      'garage-00000000000000q1',
      'garage-00000000000000f1',
      'front-door-00000000000000b0',
    ]);
    const garage = await json(await api.call('/clips?day=2025-01-31&camera=garage', { token: api.tokens.viewer }));
    expect(garage.clips.map((c: { clipId: string }) => c.clipId)).toEqual(['garage-00000000000000q1', 'garage-00000000000000f1']);
  });

  it('lists the clips in a workflow status', async () => {
    const failed = await json(await api.call('/clips?status=FAILED', { token: api.tokens.viewer }));
    expect(failed.clips.map((c: { clipId: string }) => c.clipId)).toEqual(['garage-00000000000000f1']);
    const quarantined = await json(await api.call('/clips?status=QUARANTINED', { token: api.tokens.viewer }));
    expect(quarantined.clips).toEqual([expect.objectContaining({ clipId: 'garage-00000000000000q1', status: 'QUARANTINED', kind: 'invalid' })]);
    expect((await json(await api.call('/clips?status=PROCESSING', { token: api.tokens.viewer }))).clips).toEqual([]);
  });

  it('needs a day or a status, not both, and checks them', async () => {
    for (const [query, field] of [
      ['', 'day'],
      ['day=2025-01-31&status=FAILED', 'status'],
      ['day=31-01-2025', 'day'],
      ['status=READY', 'status'],
      ['day=2025-01-31&camera=Front_Door', 'camera'],
    ]) {
      const response = await api.call(`/clips?${query}`, { token: api.tokens.viewer });
      expect(response.status, query).toBe(400);
      expect((await json(response)).field, query).toBe(field);
    }
  });

  it('shows one clip with metadata, renditions and playback URLs that play straight from S3', async () => {
    const response = await api.call(`/clips/${PLAYABLE.clipId}`, { token: api.tokens.viewer });
    expect(response.status).toBe(200);
    const clip = await json(response);
    expect(clip).toMatchObject({ clipId: PLAYABLE.clipId, camera: CAMERA, status: 'READY', durationSeconds: 2, held: false, hlsMaster: PLAYABLE.hlsMaster });
    expect(clip.renditions).toHaveLength(5);
    const expiresIn = (Date.parse(clip.playback.expiresAt) - Date.now()) / 1000;
    expect(expiresIn).toBeGreaterThan(800);
    expect(expiresIn).toBeLessThanOrEqual(900);

    const mp4Key = PLAYABLE.mp4!.replace(`s3://${LOCAL_BUCKETS.media}/`, '');
    const mp4 = await fetch(clip.playback.mp4);
    expect(mp4.status).toBe(200);
    expect(Buffer.from(await mp4.arrayBuffer()).equals(rendered.objects.get(mp4Key)!)).toBe(true);
    expect(clip.playback.mp4).toContain('X-Amz-Signature=');

    const poster = await fetch(clip.playback.poster);
    expect(poster.status).toBe(200);
    expect((await poster.arrayBuffer()).byteLength).toBe(rendered.objects.get(mp4Key.replace('clip.mp4', 'poster.jpg'))!.length);

    expect(clip.playback.thumbnails.map((t: { atSeconds: number }) => t.atSeconds)).toEqual([0, 1]);
    expect((await fetch(clip.playback.thumbnails[1].url)).status).toBe(200);
    expect((await fetch(clip.playback.source)).status).toBe(200);

    // The stored master, presigned: its bytes as written.
    expect(await (await fetch(clip.playback.hlsMaster)).text()).toContain('index_180p.m3u8');
  });

  it('plays HLS: master → variant → presigned segments, with no Authorization header', async () => {
    const clip = await json(await api.call(`/clips/${PLAYABLE.clipId}`, { token: api.tokens.viewer }));
    expect(clip.playback.hls).toMatch(new RegExp(`^${api.url}/clips/${PLAYABLE.clipId}/playback/index\\.m3u8\\?exp=\\d+&sig=`));
    const master = await fetch(clip.playback.hls);
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toContain('application/vnd.apple.mpegurl');
    const masterText = await master.text();
    const variantUri = masterText.split('\n').find((l) => l && !l.startsWith('#'))!;
    expect(variantUri).toMatch(/^index_180p\.m3u8\?exp=\d+&sig=/);

    const variant = await fetch(new URL(variantUri, clip.playback.hls));
    expect(variant.status).toBe(200);
    const segments = (await variant.text()).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const prefix = PLAYABLE.hlsMaster!.replace(`s3://${LOCAL_BUCKETS.media}/`, '').replace('index.m3u8', '');
    for (const [i, segment] of segments.entries()) {
      expect(segment).toContain('X-Amz-Signature=');
      const bytes = Buffer.from(await (await fetch(segment)).arrayBuffer());
      expect(bytes.equals(rendered.objects.get(`${prefix}index_180p_${String(i).padStart(5, '0')}.ts`)!)).toBe(true);
    }
  });

  it('refuses a tampered, expired or missing playback link, and a playlist that is not there', async () => {
    const clip = await json(await api.call(`/clips/${PLAYABLE.clipId}`, { token: api.tokens.viewer }));
    const link = new URL(clip.playback.hls);
    const tampered = new URL(link);
    tampered.searchParams.set('exp', String(Number(link.searchParams.get('exp')) + 1000));
    expect((await fetch(tampered)).status).toBe(403);
    const otherClip = new URL(link.href.replace(PLAYABLE.clipId, 'front-door-00000000000000b0'));
    expect((await fetch(otherClip)).status).toBe(403);
    const bare = new URL(link);
    bare.search = '';
    const response = await fetch(bare);
    expect(response.status).toBe(403);
    expect((await json(response)).code).toBe('PLAYBACK_LINK_INVALID');
    const missing = new URL(link.href.replace('index.m3u8', 'index_4k.m3u8'));
    expect((await fetch(missing)).status).toBe(404);
  });

  it('answers 404 for an unknown clip', async () => {
    const response = await api.call('/clips/front-door-ffffffffffffffff', { token: api.tokens.viewer });
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ code: 'CLIP_NOT_FOUND', message: expect.stringContaining('front-door-ffffffffffffffff') });
  });

  it('refuses clip and camera ids crafted to reach another key', async () => {
    const crafted = [
      '/clips/..%2F..%2Fcameras',
      '/clips/a%2Fb',
      '/clips/CAMERAS%23x',
      `/clips/${'a'.repeat(81)}`,
      '/clips/%2e%2e',
      '/clips/x%00y',
      '/cameras/..%2Fgarage/settings',
      '/cameras/Garage/clips',
      `/cameras/${'a'.repeat(41)}/clips`,
      '/cameras/garage%23ALERT_STATE/settings',
      `/clips/${PLAYABLE.clipId}/playback/..%2F..%2Fclip.mp4`,
    ];
    for (const path of crafted) {
      const response = await api.call(path, { token: api.tokens.admin });
      expect([400, 404], path).toContain(response.status);
      const body = await json(response);
      expect(body.code, path).toMatch(/INVALID_REQUEST|ROUTE_NOT_FOUND/);
    }
    const traversal = await api.call('/clips/..%2F..%2Fcameras', { token: api.tokens.admin });
    expect(await json(traversal)).toMatchObject({ code: 'INVALID_REQUEST', field: 'id' });
  });
});

describe('evidence hold and delete', () => {
  const HELD = readyClip('front-door-00000000000000cc', CAMERA, '2025-02-01T08:00:00.000Z');
  let objects: RenderedClip;

  beforeAll(async () => {
    await putCatalogItem(services, clipItem(HELD));
    objects = await uploadRenderedClip(services, HELD);
  });

  async function tagOf(bucket: string, key: string) {
    const { TagSet } = await services.s3Client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return TagSet?.find((t) => t.Key === RETENTION_TAG)?.Value;
  }

  it('holds every object of the clip (admin only), refuses to delete it, and releases it to the camera class', async () => {
    expect((await api.call(`/clips/${HELD.clipId}/hold`, { method: 'PUT', token: api.tokens.viewer })).status).toBe(403);

    const hold = await api.call(`/clips/${HELD.clipId}/hold`, { method: 'PUT', token: api.tokens.admin });
    expect(hold.status).toBe(200);
    expect(await json(hold)).toEqual({ clipId: HELD.clipId, held: true, retentionClass: 'hold', objectsTagged: objects.objects.size });
    for (const key of objects.mediaKeys) expect(await tagOf(LOCAL_BUCKETS.media, key), key).toBe('hold');
    expect(await tagOf(LOCAL_BUCKETS.uploads, objects.rawKey)).toBe('hold');
    expect((await json(await api.call(`/clips/${HELD.clipId}`, { token: api.tokens.viewer }))).held).toBe(true);

    const refused = await api.call(`/clips/${HELD.clipId}`, { method: 'DELETE', token: api.tokens.admin });
    expect(refused.status).toBe(409);
    expect((await json(refused)).code).toBe('CLIP_HELD');
    await services.s3Client.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: objects.rawKey }));

    // The camera's class changes meanwhile: release restores the class it has now.
    await api.call(`/cameras/${CAMERA}/settings`, { method: 'PUT', token: api.tokens.admin, body: JSON.stringify({ retentionClass: 'archive' }) });
    const release = await api.call(`/clips/${HELD.clipId}/hold`, { method: 'DELETE', token: api.tokens.admin });
    expect(await json(release)).toEqual({ clipId: HELD.clipId, held: false, retentionClass: 'archive', objectsTagged: objects.objects.size });
    for (const key of objects.mediaKeys) expect(await tagOf(LOCAL_BUCKETS.media, key), key).toBe('archive');
    expect(await tagOf(LOCAL_BUCKETS.uploads, objects.rawKey)).toBe('archive');
    const { Item } = await services.documents.send(new GetCommand({ TableName: TEST_TABLE, Key: keys.clip(HELD.clipId) }));
    expect(Item).toMatchObject({ held: false, retentionClass: 'archive' });
  });

  it('deletes a clip: outputs, raw upload and catalog item (admin only)', async () => {
    expect((await api.call(`/clips/${HELD.clipId}`, { method: 'DELETE', token: api.tokens.viewer })).status).toBe(403);
    const before = (await json(await api.call('/cameras', { token: api.tokens.viewer }))).cameras.find((c: { id: string }) => c.id === CAMERA).clipCount;

    const response = await api.call(`/clips/${HELD.clipId}`, { method: 'DELETE', token: api.tokens.admin });
    expect(response.status).toBe(204);
    for (const key of objects.mediaKeys) {
      await expect(services.s3Client.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKETS.media, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
    }
    await expect(services.s3Client.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: objects.rawKey }))).rejects.toMatchObject({ name: 'NotFound' });
    expect((await api.call(`/clips/${HELD.clipId}`, { token: api.tokens.viewer })).status).toBe(404);
    const after = (await json(await api.call('/cameras', { token: api.tokens.viewer }))).cameras.find((c: { id: string }) => c.id === CAMERA).clipCount;
    expect(after).toBe(before - 1);
    // The other clips' objects are untouched.
    await services.s3Client.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKETS.media, Key: PLAYABLE.mp4!.replace(`s3://${LOCAL_BUCKETS.media}/`, '') }));

    expect((await api.call(`/clips/${HELD.clipId}`, { method: 'DELETE', token: api.tokens.admin })).status).toBe(404);
    expect((await api.call(`/clips/${HELD.clipId}/hold`, { method: 'PUT', token: api.tokens.admin })).status).toBe(404);
  });

  it('refuses a hold once a delete has begun (no object is deleted from under a hold)', async () => {
    const deleting = readyClip('front-door-00000000000000dd', CAMERA, '2025-02-01T09:00:00.000Z');
    await putCatalogItem(services, { ...clipItem(deleting), deletingSince: '2025-02-01T10:00:00.000Z' });
    const response = await api.call(`/clips/${deleting.clipId}/hold`, { method: 'PUT', token: api.tokens.admin });
    expect(response.status).toBe(409);
    expect((await json(response)).code).toBe('CLIP_BEING_DELETED');
    // The interrupted delete can be finished.
    expect((await api.call(`/clips/${deleting.clipId}`, { method: 'DELETE', token: api.tokens.admin })).status).toBe(204);
  });
});

describe('a clip cataloged by the workflow\'s own "Catalog clip" handler', () => {
  it('is listed on its camera, counted, and plays', async () => {
    const { catalogClip } = await import('../tasks/catalog-clip.ts');
    const catalog = { catalog: services.documents, tableName: TEST_TABLE };
    const planned = readyClip('side-gate-00000000000000dd', 'side-gate', '2025-02-02T07:30:00.000Z');
    const mediaPrefix = planned.hlsMaster!.replace('hls/index.m3u8', '');
    const state: WorkflowState = {
      clip: { clipId: planned.clipId, camera: 'side-gate', bucket: LOCAL_BUCKETS.uploads, key: planned.source.key, size: 1000, etag: 'e', uploadedAt: planned.uploadedAt },
      validation: {
        kind: 'video',
        capturedAt: planned.capturedAt,
        mediaPrefix,
        probe: { container: 'mp4', durationSeconds: 2, sizeBytes: 1000, video: { codec: 'h264', width: 320, height: 180 } },
        render: { settings: {}, outputs: planned.renditions! },
      },
    };
    const result = await catalogClip(catalog, { workflow: state, executionName: planned.clipId });
    expect(result).toMatchObject({ clipId: planned.clipId, status: 'READY' });
    const media = await uploadRenderedClip(services, planned);

    const list = await json(await api.call('/cameras/side-gate/clips', { token: api.tokens.viewer }));
    expect(list.clips).toEqual([expect.objectContaining({ clipId: planned.clipId, status: 'READY', durationSeconds: 2, held: false })]);
    const camera = (await json(await api.call('/cameras', { token: api.tokens.viewer }))).cameras.find((c: { id: string }) => c.id === 'side-gate');
    expect(camera).toMatchObject({ clipCount: 1, lastClipAt: planned.capturedAt });

    const clip = await json(await api.call(`/clips/${planned.clipId}`, { token: api.tokens.viewer }));
    const mp4Key = planned.mp4!.replace(`s3://${LOCAL_BUCKETS.media}/`, '');
    expect(Buffer.from(await (await fetch(clip.playback.mp4)).arrayBuffer()).equals(media.objects.get(mp4Key)!)).toBe(true);
    const master = await (await fetch(clip.playback.hls)).text();
    expect(master).toMatch(/index_180p\.m3u8\?exp=/);
  });
});

describe('alerts', () => {
  it('lists the alerts sent, newest first, across months, page by page', async () => {
    const now = new Date();
    const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 15, 12)).toISOString();
    const sent: AlertRecord[] = [month(0), month(1), month(1).replace('12:00', '13:00'), month(3)].map((sentAt, i) => ({
      sentAt,
      clipId: `front-door-00000000000000a${i}`,
      camera: CAMERA,
      subject: `Motion at Front door ${i}`,
      message: 'Motion detected',
    }));
    for (const alert of sent) await putCatalogItem(services, { ...keys.alertRecord(alert.sentAt, alert.clipId), ...alert });

    const seen: AlertRecord[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const body = await json(await api.call(`/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: api.tokens.viewer }));
      seen.push(...body.alerts);
      cursor = body.cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([sent[0], sent[2], sent[1], sent[3]]);
    expect((await api.call('/alerts?cursor=eyJ4IjoxfQ', { token: api.tokens.viewer })).status).toBe(400);
  });
});

it('keeps the signing key under the data directory', () => {
  const key = JSON.parse(readFileSync(join(services.directory, SIGNING_KEY_FILE), 'utf8'));
  expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  expect(key.publicJwk.d).toBeUndefined();
});
