/** The render reads the clip's own version of its upload, against the local (versioned) S3. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3 } from '../runtime/local-s3.ts';
import { renderSourceFor } from './render-source.ts';

let directory: string;
let local: LocalS3;
let s3: S3Client;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'camflow-render-source-'));
  local = await startLocalS3({ directory: join(directory, 's3') });
  s3 = new S3Client({ ...localClientConfig(), endpoint: local.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
});
afterAll(async () => {
  s3?.destroy();
  await local?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const mediaPrefix = `s3://${LOCAL_BUCKETS.media}/porch/2026/12/01/porch-0123456789abcdef/`;

async function upload(key: string, body: string) {
  const put = await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key, Body: body }));
  return { clipId: 'porch-0123456789abcdef', camera: 'porch', bucket: LOCAL_BUCKETS.uploads, key, versionId: put.VersionId!, size: body.length, etag: '', uploadedAt: '' };
}

describe('renderSourceFor', () => {
  it('reads the upload itself while its key still holds the clip’s version', async () => {
    const clip = await upload('porch/alone.mp4', 'the clip');
    expect(await renderSourceFor(s3, clip, mediaPrefix)).toBe(`s3://${LOCAL_BUCKETS.uploads}/porch/alone.mp4`);
  });

  it('copies the clip’s own version under its media prefix when the key was overwritten, or deleted', async () => {
    for (const spoil of ['overwrite', 'delete'] as const) {
      const key = `porch/reused-${spoil}.mp4`;
      const clip = await upload(key, `the first clip (${spoil})`);
      if (spoil === 'overwrite') await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key, Body: 'another clip' }));
      else await s3.send(new DeleteObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key }));
      const source = await renderSourceFor(s3, clip, mediaPrefix);
      expect(source).toBe(`${mediaPrefix}source/reused-${spoil}.mp4`);
      const copy = await s3.send(new GetObjectCommand({ Bucket: LOCAL_BUCKETS.media, Key: source.slice(`s3://${LOCAL_BUCKETS.media}/`.length) }));
      expect(await copy.Body!.transformToString()).toBe(`the first clip (${spoil})`);
    }
  });
});
