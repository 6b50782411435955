/**
 * Evidence that can be neither lost nor erased, inside `camflow up`: the reproductions of
 * issue 8 (a camera reusing one file name, holds bypassed by a delete or an overwrite,
 * a re-upload after delete, keys S3 encodes in its events), each through the real local stack,
 * the REST API (fetch, as the web app calls it), curl and the AWS CLI.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoUserStore } from '../api/auth/users.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { clipIdOfExecutionName } from '../domain/execution-name.ts';
import { awsCli } from './aws-cli.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { h264AacMp4, jpegStill } from './clip-fixtures.ts';
import { allExecutions, clipRecord, requireS3Uri, uploadClip, type UploadedClip } from './local-stack-support.ts';

const run = promisify(execFile);
let stack: LocalStack;
let api: string;
let admin: string;
let still: Buffer;
const work = mkdtempSync(join(tmpdir(), 'camflow-evidence-e2e-'));

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api}${path}`, { ...init, headers: { authorization: `Bearer ${admin}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The same picture with other bytes: a different file under the same name. */
function variant(n: number): Buffer {
  return Buffer.concat([still, Buffer.from(`camflow test variant ${n}`)]);
}

async function putBytes(key: string, body: Buffer): Promise<UploadedClip> {
  const path = join(work, `upload-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, body);
  const [camera, ...rest] = key.split('/');
  return uploadClip(stack, camera!, path, rest.join('/'));
}

const s3api = (...args: string[]) => awsCli('s3api', stack.endpoints.s3, ...args);

async function curlBytes(url: string): Promise<Buffer> {
  const { stdout } = await run('curl', ['-sf', url], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

beforeAll(async () => {
  stack = await startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, print: () => undefined, sweepEverySeconds: 0 });
  api = stack.endpoints.api!;
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: stack.endpoints.dynamodb }));
  await dynamoUserStore(() => db, stack.tableName).add({ username: 'maria', role: 'admin', password: 'correct horse battery staple' });
  const login = await fetch(`${api}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'maria', password: 'correct horse battery staple' }),
  });
  admin = ((await login.json()) as { token: string }).token;
  const media = join(work, 'media');
  mkdirSync(media);
  still = readFileSync((await jpegStill(media)).path);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a camera that reuses one file name', () => {
  let first: UploadedClip;
  let second: UploadedClip;

  beforeAll(async () => {
    first = await putBytes('porch/snap.jpg', variant(1));
    await stack.waitForIdle();
    second = await putBytes('porch/snap.jpg', variant(2));
    await stack.waitForIdle();
  });

  it('makes two clips, each showing its own bytes', async () => {
    expect(first.clipId).not.toBe(second.clipId);
    for (const [clip, n] of [
      [first, 1],
      [second, 2],
    ] as const) {
      const record = await clipRecord(stack, clip.clipId);
      expect(record, clip.clipId).toMatchObject({ status: 'READY', source: { key: 'porch/snap.jpg', versionId: clip.versionId } });
      const detail = await call(`/clips/${clip.clipId}`);
      expect(detail.status).toBe(200);
      // Downloaded with curl from the presigned URLs, as a browser would.
      expect((await curlBytes(detail.body.playback.source)).equals(variant(n))).toBe(true);
      expect((await curlBytes(detail.body.playback.poster)).equals(variant(n))).toBe(true);
    }
  });

  it('cannot erase a held clip by deleting the other one, nor by an overwrite, nor with the AWS CLI', async () => {
    const held = await call(`/clips/${second.clipId}/hold`, { method: 'PUT' });
    expect(held.status).toBe(200);
    // Deleting the first clip removes its own version only.
    expect((await call(`/clips/${first.clipId}`, { method: 'DELETE' })).status).toBe(204);
    await expect(stack.clients.s3.send(new GetObjectCommand({ Bucket: stack.buckets.uploads, Key: 'porch/snap.jpg', VersionId: first.versionId }))).rejects.toMatchObject({ name: 'NoSuchVersion' });
    // An intruder with S3 credentials: overwrite, delete, delete the version.
    await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: 'porch/snap.jpg', Body: 'nothing to see' }));
    await stack.clients.s3.send(new DeleteObjectCommand({ Bucket: stack.buckets.uploads, Key: 'porch/snap.jpg' }));
    const cli = await s3api('delete-object', '--bucket', stack.buckets.uploads, '--key', 'porch/snap.jpg', '--version-id', second.versionId);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/AccessDenied/);
    const legalHold = await s3api('get-object-legal-hold', '--bucket', stack.buckets.uploads, '--key', 'porch/snap.jpg', '--version-id', second.versionId);
    expect(JSON.parse(legalHold.stdout).LegalHold.Status).toBe('ON');
    // The API refuses while held.
    expect((await call(`/clips/${second.clipId}`, { method: 'DELETE' })).status).toBe(409);
    await stack.waitForIdle();
    const detail = await call(`/clips/${second.clipId}`);
    expect((await curlBytes(detail.body.playback.source)).equals(variant(2))).toBe(true);

    // Released, it can go.
    expect((await call(`/clips/${second.clipId}/hold`, { method: 'DELETE' })).status).toBe(200);
    const released = await s3api('get-object-legal-hold', '--bucket', stack.buckets.uploads, '--key', 'porch/snap.jpg', '--version-id', second.versionId);
    expect(JSON.parse(released.stdout).LegalHold.Status).toBe('OFF');
    expect((await call(`/clips/${second.clipId}`, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('a held video clip', () => {
  it('holds its raw upload and every output version: none can be deleted until released', async () => {
    const video = await h264AacMp4(join(work, 'media'), { seconds: 1, size: '320x240', name: 'held.mp4' });
    const clip = await uploadClip(stack, 'garage', video.path);
    await stack.waitForIdle();
    const record = await clipRecord(stack, clip.clipId);
    expect(record?.status).toBe('READY');
    expect((await call(`/clips/${clip.clipId}/hold`, { method: 'PUT' })).status).toBe(200);
    const prefix = requireS3Uri(record!.mp4!).key.replace(/[^/]+$/, '');
    const outputs = JSON.parse((await s3api('list-object-versions', '--bucket', stack.buckets.media, '--prefix', prefix)).stdout).Versions as Array<{ Key: string; VersionId: string }>;
    expect(outputs.length).toBeGreaterThan(3);
    for (const version of [{ bucket: stack.buckets.uploads, Key: clip.key, VersionId: clip.versionId }, ...outputs.map((o) => ({ bucket: stack.buckets.media, ...o }))]) {
      const hold = await s3api('get-object-legal-hold', '--bucket', version.bucket, '--key', version.Key, '--version-id', version.VersionId);
      expect(JSON.parse(hold.stdout).LegalHold.Status, version.Key).toBe('ON');
    }
    const mp4 = outputs.find((o) => o.Key.endsWith('.mp4'))!;
    const refused = await s3api('delete-object', '--bucket', stack.buckets.media, '--key', mp4.Key, '--version-id', mp4.VersionId);
    expect(refused.stderr).toMatch(/AccessDenied/);
    expect((await call(`/clips/${clip.clipId}/hold`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/clips/${clip.clipId}`, { method: 'DELETE' })).status).toBe(204);
    const left = JSON.parse((await s3api('list-object-versions', '--bucket', stack.buckets.media, '--prefix', prefix)).stdout || '{}').Versions ?? [];
    expect(left).toEqual([]);
  });
});

describe('the same bytes uploaded again after their clip was deleted', () => {
  it('get a fresh clip and a fresh execution, which ends READY', async () => {
    const before = await putBytes('shed/again.jpg', variant(4));
    await stack.waitForIdle();
    expect((await call(`/clips/${before.clipId}`, { method: 'DELETE' })).status).toBe(204);
    const after = await putBytes('shed/again.jpg', variant(4));
    await stack.waitForIdle();
    expect(after.clipId).not.toBe(before.clipId);
    expect((await clipRecord(stack, after.clipId))?.status).toBe('READY');
    expect((await allExecutions(stack)).filter((e) => clipIdOfExecutionName(e.name!) === after.clipId && e.status === 'SUCCEEDED')).toHaveLength(1);
  });
});

describe('keys with characters S3 encodes in its events', () => {
  const names = ['front door 1.jpg', 'a+b.jpg', '100%.jpg', 'snap%20copy.jpg', 'café 📷.jpg', 'it’s (1) [x] ~!@$&=,;.jpg'];

  it('each arrive as exactly one clip, READY, under the key as stored', async () => {
    const before = new Set((await allExecutions(stack)).map((e) => e.name));
    const uploads: UploadedClip[] = [];
    for (const [i, name] of names.entries()) uploads.push(await putBytes(`mailbox/${name}`, variant(100 + i)));
    await stack.waitForIdle();
    const started = (await allExecutions(stack)).filter((e) => !before.has(e.name));
    expect(started).toHaveLength(names.length);
    for (const upload of uploads) {
      const record = await clipRecord(stack, upload.clipId);
      expect(record, upload.key).toMatchObject({ status: 'READY', source: { key: upload.key } });
    }
  });
});
