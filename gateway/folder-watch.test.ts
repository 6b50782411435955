/**
 * `--watch DIR` beside another FTP server: one folder per camera; a file is taken only once
 * its size has been stable for `stableSeconds`, then uploaded and removed from DIR.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { listKeys, readObject, startTestS3, tempDirectory, testConfig, testS3Client, localGatewayAws, waitFor, startTestGateway } from './test-support.ts';

let s3: Awaited<ReturnType<typeof startTestS3>>;
let gateway: RunningGateway;
let watched: string;

beforeAll(async () => {
  s3 = await startTestS3();
  const aws = localGatewayAws(s3);
  watched = tempDirectory('ftp-root');
  for (const folder of ['front-door', 'garage', 'Not A Camera']) mkdirSync(join(watched, folder));
  gateway = await startTestGateway(await testConfig(tempDirectory('spool'), { watch: { stableSeconds: 3, scanSeconds: 0.2 } }), { aws, watchDirectory: watched });
});

afterAll(async () => {
  await gateway?.stop();
  await s3?.stop();
});

describe('--watch DIR', () => {
  it('takes a file only once its size is stable, uploads it whole, and removes it from DIR', async () => {
    const path = join(watched, 'front-door', 'Porch_00_20240315143022.mp4');
    const first = Buffer.alloc(50_000, 1);
    const rest = Buffer.alloc(70_000, 2);
    writeFileSync(path, first); // vsftpd is still writing
    await gateway.watch!.scan();
    await gateway.watch!.scan();
    expect(gateway.spool.waiting()).toHaveLength(0);
    expect(existsSync(path)).toBe(true);
    appendFileSync(path, rest);

    const key = 'front-door/2024/03/15/Porch_00_20240315143022.mp4';
    const s3Client = testS3Client(s3.endpoint);
    await waitFor('the clip in S3', async () => (await listKeys(s3Client)).includes(key), 60_000, 200);
    const object = await readObject(s3Client, key);
    expect(object.body.equals(Buffer.concat([first, rest]))).toBe(true);
    expect(object.metadata['captured-at']).toBe('2024-03-15T14:30:22.000Z');
    await waitFor('the source to be removed', () => !existsSync(path));
  });

  it('uses the file time when the name has none; leaves hidden, refused and unknown-camera files alone', async () => {
    const still = join(watched, 'garage', 'snapshot.jpg');
    writeFileSync(still, 'jpeg');
    utimesSync(still, new Date('2024-02-01T10:00:00Z'), new Date('2024-02-01T10:00:00Z'));
    const hidden = join(watched, 'garage', '.pureftpd-upload.5f3a.mp4');
    const refused = join(watched, 'garage', 'notes.txt');
    const stranger = join(watched, 'Not A Camera', 'clip.mp4');
    for (const p of [hidden, refused, stranger]) writeFileSync(p, 'x');

    const s3Client = testS3Client(s3.endpoint);
    await waitFor('the still in S3', async () => (await listKeys(s3Client, 'garage/')).includes('garage/2024/02/01/snapshot.jpg'), 60_000, 200);
    expect((await readObject(s3Client, 'garage/2024/02/01/snapshot.jpg')).metadata).toMatchObject({ 'captured-at': '2024-02-01T10:00:00.000Z', 'captured-at-source': 'file-mtime' });
    await gateway.watch!.scan();
    for (const p of [hidden, refused, stranger]) expect(existsSync(p), p).toBe(true);
    expect(readFileSync(refused, 'utf8')).toBe('x');
    expect((await listKeys(s3Client)).filter((k) => !k.endsWith('Porch_00_20240315143022.mp4') && !k.endsWith('snapshot.jpg'))).toEqual([]);
  });
});
