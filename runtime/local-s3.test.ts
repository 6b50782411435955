import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localClientConfig } from './local-credentials.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';

const dir = mkdtempSync(join(tmpdir(), 'camflow-local-s3-'));
let s3: LocalS3;
let client: S3Client;
const WEB_ORIGIN = 'http://127.0.0.1:5173';

beforeAll(async () => {
  s3 = await startLocalS3({ directory: dir, corsOrigins: [WEB_ORIGIN] });
  client = new S3Client({ ...localClientConfig(), endpoint: s3.endpoint, forcePathStyle: true });
});
afterAll(async () => {
  client.destroy();
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('lets the web app’s origin, and only it, fetch a presigned object (CORS preflight and GET), as S3 would', async () => {
  await client.send(new PutObjectCommand({ Bucket: 'camflow-media', Key: 'porch/poster.jpg', Body: 'jpeg bytes' }));
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'camflow-media', Key: 'porch/poster.jpg' }), { expiresIn: 60 });
  const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: WEB_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' } });
  expect(preflight.status).toBe(200);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
  const response = await fetch(url, { headers: { origin: WEB_ORIGIN } });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
  expect(await response.text()).toBe('jpeg bytes');

  // Another origin (another port of the same host included) gets no CORS grant at all.
  for (const origin of ['http://127.0.0.1:5174', 'https://evil.example']) {
    const refused = await fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(url, { headers: { origin } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  }
});

it('admits the new origin only, after a restart on another web port; none when started without one', async () => {
  await s3.stop();
  s3 = await startLocalS3({ directory: dir, corsOrigins: ['http://127.0.0.1:5200'] });
  client.destroy();
  client = new S3Client({ ...localClientConfig(), endpoint: s3.endpoint, forcePathStyle: true });
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'camflow-media', Key: 'porch/poster.jpg' }), { expiresIn: 60 });
  const moved = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5200', 'access-control-request-method': 'GET' } });
  expect(moved.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5200');
  const old = await fetch(url, { method: 'OPTIONS', headers: { origin: WEB_ORIGIN, 'access-control-request-method': 'GET' } });
  expect(old.headers.get('access-control-allow-origin')).toBeNull();

  await s3.stop();
  s3 = await startLocalS3({ directory: dir });
  client.destroy();
  client = new S3Client({ ...localClientConfig(), endpoint: s3.endpoint, forcePathStyle: true });
  const plain = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'camflow-media', Key: 'porch/poster.jpg' }), { expiresIn: 60 });
  const none = await fetch(plain, { headers: { origin: 'http://127.0.0.1:5200' } });
  expect(none.status).toBe(200);
  expect(none.headers.get('access-control-allow-origin')).toBeNull();
});
