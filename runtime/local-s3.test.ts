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

beforeAll(async () => {
  s3 = await startLocalS3({ directory: dir });
  client = new S3Client({ ...localClientConfig(), endpoint: s3.endpoint, forcePathStyle: true });
});
afterAll(async () => {
  client.destroy();
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('lets a web page on another origin fetch a presigned object (CORS preflight and GET)', async () => {
  await client.send(new PutObjectCommand({ Bucket: 'camflow-media', Key: 'porch/poster.jpg', Body: 'jpeg bytes' }));
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'camflow-media', Key: 'porch/poster.jpg' }), { expiresIn: 60 });
  const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' } });
  expect(preflight.status).toBe(200);
  expect(preflight.headers.get('access-control-allow-origin')).toBeTruthy();
  const response = await fetch(url, { headers: { origin: 'http://localhost:5173' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBeTruthy();
  expect(await response.text()).toBe('jpeg bytes');
});
