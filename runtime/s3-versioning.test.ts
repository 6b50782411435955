/**
 * The local S3 keeps S3's evidence guarantees: versions and Object Lock legal holds. Checked
 * with the AWS SDK, the AWS CLI (`aws s3api … --endpoint-url`) and curl, as users would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from '../integ-tests/aws-cli.ts';
import { localClientConfig } from './local-credentials.ts';
import { startLocalS3, type LocalS3, type ObjectCreatedNotice } from './local-s3.ts';

const run = promisify(execFile);
const BUCKET = 'camflow-uploads';
let directory: string;
let local: LocalS3;
let s3: S3Client;
const created: ObjectCreatedNotice[] = [];

function client(endpoint: string) {
  return new S3Client({ ...localClientConfig(), endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

async function start() {
  local = await startLocalS3({ directory: join(directory, 's3') });
  local.onObjectCreated((n) => created.push(n));
  s3 = client(local.endpoint);
}

async function text(key: string, versionId?: string) {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }));
  return object.Body!.transformToString();
}

async function put(key: string, body: string) {
  const result = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return result.VersionId!;
}

const s3api = (...args: string[]) => awsCli('s3api', local.endpoint, ...args);

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'camflow-s3-versions-'));
  await start();
});
afterAll(async () => {
  s3?.destroy();
  await local?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('versions', () => {
  it('keeps both files a camera wrote to the same key, each readable by its version', async () => {
    const first = await put('porch/snap.jpg', 'first picture');
    const second = await put('porch/snap.jpg', 'second picture');
    expect(first).not.toBe(second);
    expect(await text('porch/snap.jpg')).toBe('second picture');
    expect(await text('porch/snap.jpg', first)).toBe('first picture');
    expect(await text('porch/snap.jpg', second)).toBe('second picture');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'porch/snap.jpg', VersionId: first }));
    expect(head.ContentLength).toBe('first picture'.length);
    // Range reads of an older version (what Validate clip does).
    const range = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'porch/snap.jpg', VersionId: first, Range: 'bytes=0-4' }));
    expect(await range.Body!.transformToString()).toBe('first');
    // Every upload is announced with its own version.
    expect(created.filter((n) => n.key === 'porch/snap.jpg').map((n) => n.versionId)).toEqual([first, second]);
  });

  it('lists versions newest first, through the SDK and the AWS CLI', async () => {
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'porch/' }));
    expect(listed.Versions?.map((v) => [v.Key, v.IsLatest])).toEqual([
      ['porch/snap.jpg', true],
      ['porch/snap.jpg', false],
    ]);
    const cli = await s3api('list-object-versions', '--bucket', BUCKET, '--prefix', 'porch/');
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).Versions).toHaveLength(2);
    const versioning = await s3api('get-bucket-versioning', '--bucket', BUCKET);
    expect(JSON.parse(versioning.stdout).Status).toBe('Enabled');
    const lock = await s3api('get-object-lock-configuration', '--bucket', BUCKET);
    expect(JSON.parse(lock.stdout).ObjectLockConfiguration.ObjectLockEnabled).toBe('Enabled');
  });

  it('pages ListObjectVersions with key and version markers', async () => {
    for (let i = 0; i < 5; i++) await put(`paged/clip-${i % 2}.mp4`, `bytes ${i}`);
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'paged/', MaxKeys: 2, KeyMarker, VersionIdMarker }));
      seen.push(...(page.Versions ?? []).map((v) => v.VersionId!));
      [KeyMarker, VersionIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [undefined, undefined];
      pages += 1;
    } while (KeyMarker);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
  });

  it('a delete without a version only hides the object: the bytes stay', async () => {
    const version = await put('porch/gone.mp4', 'motion');
    const removed = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'porch/gone.mp4' }));
    expect(removed.DeleteMarker).toBe(true);
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'porch/gone.mp4' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(await text('porch/gone.mp4', version)).toBe('motion');
  });

  it('deleting the current version makes the previous one current again', async () => {
    const older = await put('porch/undo.jpg', 'older');
    const newer = await put('porch/undo.jpg', 'newer');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'porch/undo.jpg', VersionId: newer }));
    expect(await text('porch/undo.jpg')).toBe('older');
    await expect(text('porch/undo.jpg', newer)).rejects.toMatchObject({ name: 'NoSuchVersion' });
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'porch/undo.jpg' }))).VersionId).toBe(older);
  });

  it('tags one version without touching the others', async () => {
    const a = await put('porch/tags.jpg', 'a');
    const b = await put('porch/tags.jpg', 'b');
    await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'porch/tags.jpg', VersionId: a, Tagging: { TagSet: [{ Key: 'retention-class', Value: 'hold' }] } }));
    const tagsA = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'porch/tags.jpg', VersionId: a }));
    const tagsB = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'porch/tags.jpg', VersionId: b }));
    expect(tagsA.TagSet).toEqual([{ Key: 'retention-class', Value: 'hold' }]);
    expect(tagsB.TagSet ?? []).toEqual([]);
  });

  it('versions a multipart upload like any other', async () => {
    const before = await put('porch/big.mp4', 'small');
    const body = Buffer.alloc(6 * 1024 * 1024, 7);
    const upload = new Upload({ client: s3, params: { Bucket: BUCKET, Key: 'porch/big.mp4', Body: body }, partSize: 5 * 1024 * 1024 });
    const done = await upload.done();
    expect(done.VersionId).toBeTruthy();
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'porch/big.mp4' }))).ContentLength).toBe(body.length);
    expect(await text('porch/big.mp4', before)).toBe('small');
  });
});

describe('legal hold', () => {
  it('refuses to delete a held version, whoever asks, until the hold is released', async () => {
    const held = await put('door/evidence.mp4', 'the burglar');
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: BUCKET, Key: 'door/evidence.mp4', VersionId: held, LegalHold: { Status: 'ON' } }));
    expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: BUCKET, Key: 'door/evidence.mp4', VersionId: held }))).LegalHold?.Status).toBe('ON');

    // The SDK, by version.
    await expect(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'door/evidence.mp4', VersionId: held }))).rejects.toMatchObject({ name: 'AccessDenied' });
    // A batch delete.
    const batch = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'door/evidence.mp4', VersionId: held }] } }));
    expect(batch.Errors?.[0]).toMatchObject({ Key: 'door/evidence.mp4', Code: 'AccessDenied' });
    // The AWS CLI.
    const cli = await s3api('delete-object', '--bucket', BUCKET, '--key', 'door/evidence.mp4', '--version-id', held);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/AccessDenied/);
    // An overwrite and a plain delete hide it but cannot remove it.
    await put('door/evidence.mp4', 'overwritten by an intruder');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'door/evidence.mp4' }));
    expect(await text('door/evidence.mp4', held)).toBe('the burglar');

    await s3.send(new PutObjectLegalHoldCommand({ Bucket: BUCKET, Key: 'door/evidence.mp4', VersionId: held, LegalHold: { Status: 'OFF' } }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'door/evidence.mp4', VersionId: held }));
    await expect(text('door/evidence.mp4', held)).rejects.toMatchObject({ name: 'NoSuchVersion' });
  });

  it('refuses unsigned writes and deletes, as S3 does (curl)', async () => {
    const version = await put('door/unsigned.mp4', 'kept');
    for (const args of [
      ['-X', 'DELETE', `${local.endpoint}/${BUCKET}/door/unsigned.mp4?versionId=${version}`],
      ['-X', 'DELETE', `${local.endpoint}/${BUCKET}/door/unsigned.mp4`],
      ['-X', 'PUT', '--data-binary', 'replaced', `${local.endpoint}/${BUCKET}/door/unsigned.mp4`],
    ]) {
      const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args]);
      expect(stdout, args.join(' ')).toBe('403');
    }
    expect(await text('door/unsigned.mp4')).toBe('kept');
  });

  it('keeps the archive of older versions out of reach of clients', async () => {
    const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'DELETE', `${local.endpoint}/${BUCKET}..versions/x`]);
    expect(stdout).not.toBe('204');
  });

  it('survives a restart: versions and holds are persisted', async () => {
    const held = await put('door/restart.mp4', 'before restart');
    await put('door/restart.mp4', 'after');
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: BUCKET, Key: 'door/restart.mp4', VersionId: held, LegalHold: { Status: 'ON' } }));
    s3.destroy();
    await local.stop();
    await start();
    expect(await text('door/restart.mp4', held)).toBe('before restart');
    await expect(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'door/restart.mp4', VersionId: held }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
