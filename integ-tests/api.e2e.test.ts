/**
 * The REST API inside `camflow up`, on clips that the clip workflow really processed: login
 * with the local issuer, every route, playback straight from the local S3, workflow state
 * from the local Step Functions endpoint, redrive, hold, delete.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoUserStore } from '../api/auth/users.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { brokenUploads, h264AacMp4, topLevelBoxes } from './clip-fixtures.ts';
import { objectExists, requireS3Uri, uploadClip, type UploadedClip } from './local-stack-support.ts';

let stack: LocalStack;
let api: string;
let admin: string;
let viewer: string;
let video: UploadedClip;
let second: UploadedClip;
let broken: UploadedClip;
const work = mkdtempSync(join(tmpdir(), 'camflow-api-e2e-'));

async function login(username: string, password: string): Promise<string> {
  const response = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function call(path: string, token: string | undefined, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, print: () => undefined });
  api = stack.endpoints.api!;
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: stack.endpoints.dynamodb }));
  const users = dynamoUserStore(() => db, stack.tableName);
  await users.add({ username: 'maria', role: 'admin', password: 'correct horse battery' });
  await users.add({ username: 'joe', role: 'viewer', password: 'staple tray paper' });
  admin = await login('maria', 'correct horse battery');
  viewer = await login('joe', 'staple tray paper');
  const media = join(work, 'media');
  mkdirSync(media);
  video = await uploadClip(stack, 'frontdoor', (await h264AacMp4(media, { seconds: 3, size: '1280x720', name: 'one.mp4' })).path);
  second = await uploadClip(stack, 'frontdoor', (await h264AacMp4(media, { seconds: 2, size: '640x360', name: 'two.mp4' })).path);
  const truncated = (await brokenUploads(media)).find((b) => b.reason === 'truncated')!;
  broken = await uploadClip(stack, 'garage', truncated.path, truncated.fileName);
  await stack.waitForIdle();
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('reading cameras and clips', () => {
  it('lists cameras with their clip counts, and a camera’s clips newest first in pages', async () => {
    const cameras = await call('/cameras', viewer);
    expect(cameras.status).toBe(200);
    const frontdoor = cameras.body.cameras.find((c: { id: string }) => c.id === 'frontdoor');
    expect(frontdoor).toMatchObject({ clipCount: 2 });

    const first = await call('/cameras/frontdoor/clips?limit=1', viewer);
    expect(first.status).toBe(200);
    expect(first.body.clips).toHaveLength(1);
    expect(first.body.cursor).toBeTruthy();
    const next = await call(`/cameras/frontdoor/clips?limit=1&cursor=${encodeURIComponent(first.body.cursor)}`, viewer);
    expect(next.body.clips).toHaveLength(1);
    const ids = [first.body.clips[0].clipId, next.body.clips[0].clipId];
    expect(new Set(ids)).toEqual(new Set([video.clipId, second.clipId]));
    expect(first.body.clips[0].capturedAt >= next.body.clips[0].capturedAt).toBe(true);
  });

  it('lists the day’s clips across cameras, and the quarantined ones by status', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const today = await call(`/clips?day=${day}`, viewer);
    expect(today.status).toBe(200);
    expect(today.body.clips.map((c: { clipId: string }) => c.clipId)).toEqual(expect.arrayContaining([video.clipId, second.clipId, broken.clipId]));
    const quarantined = await call('/clips?status=QUARANTINED', viewer);
    expect(quarantined.body.clips.map((c: { clipId: string }) => c.clipId)).toEqual([broken.clipId]);
  });

  it('gives a clip with playback URLs that play straight from S3: MP4, poster, and HLS through signed playlists', async () => {
    const clip = await call(`/clips/${video.clipId}`, viewer);
    expect(clip.status).toBe(200);
    expect(clip.body).toMatchObject({ clipId: video.clipId, status: 'READY', kind: 'video' });
    const mp4 = new Uint8Array(await (await fetch(clip.body.playback.mp4)).arrayBuffer());
    expect(topLevelBoxes(mp4).indexOf('moov')).toBeLessThan(topLevelBoxes(mp4).indexOf('mdat'));
    const poster = await fetch(clip.body.playback.poster);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');

    // A player: master → a variant → its first segment, with no Authorization header.
    const master = await (await fetch(clip.body.playback.hls)).text();
    const variantUrl = new URL(
      master.split('\n').find((l) => l && !l.startsWith('#'))!,
      clip.body.playback.hls,
    ).href;
    const variant = await (await fetch(variantUrl)).text();
    const segmentUrl = new URL(
      variant.split('\n').find((l) => l && !l.startsWith('#'))!,
      variantUrl,
    ).href;
    const segment = await fetch(segmentUrl);
    expect(segment.status).toBe(200);
    expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('shows the clip’s workflow state by state, and recent executions', async () => {
    const workflow = await call(`/clips/${video.clipId}/workflow`, viewer);
    expect(workflow.status).toBe(200);
    expect(workflow.body.status).toBe('SUCCEEDED');
    const names = workflow.body.states.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Validate clip', 'Render web playback', 'Catalog clip', 'Apply retention']));
    for (const state of workflow.body.states) expect(state.durationMs).toBeGreaterThanOrEqual(0);
    const failed = await call('/executions?status=FAILED', viewer);
    // Executions are named {camera}-{upload time}-{digest}; each says which clip it processes.
    expect(failed.body.executions.map((e: { clipId: string }) => e.clipId)).toEqual([broken.clipId]);
    expect(failed.body.executions[0].name).toMatch(new RegExp(`^garage-\\d{8}T\\d{6}Z-${broken.clipId.slice('garage-'.length)}$`));
  });

  it('lists the motion alerts that were sent: one for the two frontdoor clips (the cooldown held the other)', async () => {
    const alerts = await call('/alerts', viewer);
    expect(alerts.status).toBe(200);
    // Both frontdoor clips are decided at once; whichever claims the cooldown first alerts.
    const frontdoor = alerts.body.alerts.filter((a: { camera: string }) => a.camera === 'frontdoor');
    expect(frontdoor).toHaveLength(1);
    expect([video.clipId, second.clipId]).toContain(frontdoor[0].clipId);
  });
});

describe('what only an admin may do', () => {
  it('refuses a viewer, and a request without a token', async () => {
    expect((await call(`/clips/${video.clipId}/hold`, viewer, { method: 'PUT' })).status).toBe(403);
    expect((await call(`/executions/${broken.clipId}/redrive`, viewer, { method: 'POST' })).status).toBe(403);
    expect((await call('/cameras', undefined)).status).toBe(401);
  });

  it('changes a camera’s settings', async () => {
    const put = await call('/cameras/frontdoor/settings', admin, { method: 'PUT', body: JSON.stringify({ displayName: 'Front door', retentionClass: 'archive', cooldownSeconds: 60 }) });
    expect(put.status).toBe(200);
    expect((await call('/cameras/frontdoor/settings', viewer)).body).toMatchObject({ displayName: 'Front door', retentionClass: 'archive', cooldownSeconds: 60 });
    expect((await call('/cameras/frontdoor/settings', admin, { method: 'PUT', body: JSON.stringify({ retentionClass: 'forever' }) })).status).toBe(400);
  });

  it('holds a clip as evidence (every object tagged hold), refuses to delete it while held, then deletes it', async () => {
    const hold = await call(`/clips/${second.clipId}/hold`, admin, { method: 'PUT' });
    expect(hold.status).toBe(200);
    expect(hold.body.objectsTagged).toBeGreaterThan(3);
    const detail = await call(`/clips/${second.clipId}`, admin);
    const { bucket, key } = requireS3Uri(detail.body.mp4);
    const tags = await stack.clients.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    expect(tags.TagSet).toContainEqual({ Key: 'retention-class', Value: 'hold' });
    expect((await call(`/clips/${second.clipId}`, admin, { method: 'DELETE' })).status).toBe(409);

    expect((await call(`/clips/${second.clipId}/hold`, admin, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/clips/${second.clipId}`, admin, { method: 'DELETE' })).status).toBeLessThan(300);
    expect((await call(`/clips/${second.clipId}`, viewer)).status).toBe(404);
    expect(await objectExists(stack.clients.s3, stack.buckets.uploads, second.key)).toBe(false);
    expect(await objectExists(stack.clients.s3, bucket, key)).toBe(false);
  });

  it('redrives a failed execution', async () => {
    const redrive = await call(`/executions/${broken.clipId}/redrive`, admin, { method: 'POST' });
    expect(redrive.status).toBe(200);
    await stack.waitForIdle();
    const workflow = await call(`/clips/${broken.clipId}/workflow`, viewer);
    expect(workflow.body.redriveCount).toBe(1);
    // The upload is still truncated: redriven, it is quarantined again, and its raw upload stays.
    expect(workflow.body.error).toBe('ClipQuarantined');
    expect(await objectExists(stack.clients.s3, stack.buckets.uploads, broken.key)).toBe(true);
  });
});
