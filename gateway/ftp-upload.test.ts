/**
 * Cameras upload clips and stills over FTP (basic-ftp, and curl's FTP client); each file
 * arrives in the real local S3 (s3rver) under `{camera}/{yyyy}/{mm}/{dd}/{file}` with its
 * content type, `captured-at` metadata and the same bytes, after a request that carried its
 * SHA-256 checksum.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { readJournal } from './journal.ts';
import { spoolPaths } from './spool.ts';
import {
  listKeys,
  makeClip,
  makeStill,
  objectSha256,
  readObject,
  sha256OfFile,
  startS3Proxy,
  startTestS3,
  tempDirectory,
  testConfig,
  testS3Client,
  TEST_PASSWORD,
  localGatewayAws,
  type S3Proxy,
  startTestGateway,
} from './test-support.ts';

const run = promisify(execFile);

let s3: Awaited<ReturnType<typeof startTestS3>>;
let proxy: S3Proxy;
let gateway: RunningGateway;
let media: string;
let spool: string;

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3Proxy(s3.port);
  const aws = localGatewayAws(proxy);
  spool = tempDirectory('spool');
  gateway = await startTestGateway(await testConfig(spool), { aws });
  media = tempDirectory('media');
});

afterAll(async () => {
  await gateway?.stop();
  await proxy?.stop();
  await s3?.stop();
});

async function ftpClient(user = 'front-door'): Promise<Client> {
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user, password: TEST_PASSWORD });
  return client;
}

function curlUpload(file: string, url: string, ...extra: string[]) {
  return run('curl', ['-sS', '--fail', '--user', `garage:${TEST_PASSWORD}`, ...extra, '-T', file, `ftp://127.0.0.1:${gateway.ftp!.port}${url}`]);
}

describe('FTP uploads reach S3', () => {
  it('clips and stills from basic-ftp and curl arrive with key, content type, captured-at and the same bytes', async () => {
    const clip = makeClip(join(media, 'FrontDoor_00_20240315143022.mp4'));
    const still = makeStill(join(media, '192.168.1.64_01_20240315143023123_MOTION_DETECTION.jpg'));
    const dahuaStill = makeStill(join(media, 'dahua.jpg'));
    const foscamClip = makeClip(join(media, 'MDalarm_20240316_101500.mkv').replace('.mkv', '.mp4'));
    const foscamMkv = join(media, 'MDalarm_20240316_101500.mkv');
    copyFileSync(foscamClip, foscamMkv);
    const noNameStill = makeStill(join(media, 'snapshot.jpg'));

    const client = await ftpClient('front-door');
    await client.uploadFrom(clip, 'FrontDoor_00_20240315143022.mp4');
    await client.uploadFrom(still, '192.168.1.64_01_20240315143023123_MOTION_DETECTION.jpg');
    // Dahua/Amcrest make dated folders and put the time in them.
    await client.ensureDir('/AMC0123/2024-03-15/001/jpg/14/30');
    await client.uploadFrom(dahuaStill, '22[M][0@0][0].jpg');
    client.close();

    await curlUpload(foscamMkv, '/');
    await curlUpload(noNameStill, '/stills/snapshot.jpg', '--ftp-create-dirs');

    await gateway.uploader.drained();
    const s3Client = testS3Client(s3.endpoint);
    const noNameDay = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const expected = [
      { key: 'front-door/2024/03/15/FrontDoor_00_20240315143022.mp4', file: clip, type: 'video/mp4', capturedAt: '2024-03-15T14:30:22.000Z', source: 'reolink' },
      { key: 'front-door/2024/03/15/192.168.1.64_01_20240315143023123_MOTION_DETECTION.jpg', file: still, type: 'image/jpeg', capturedAt: '2024-03-15T14:30:23.123Z', source: 'hikvision' },
      { key: 'front-door/2024/03/15/AMC0123_2024-03-15_001_jpg_14_30_22_M_0_0_0.jpg', file: dahuaStill, type: 'image/jpeg', capturedAt: '2024-03-15T14:30:22.000Z', source: 'dahua' },
      { key: 'garage/2024/03/16/MDalarm_20240316_101500.mkv', file: foscamMkv, type: 'video/x-matroska', capturedAt: '2024-03-16T10:15:00.000Z', source: 'foscam' },
      { key: `garage/${noNameDay}/stills_snapshot.jpg`, file: noNameStill, type: 'image/jpeg', source: 'file-mtime' },
    ];
    expect(await listKeys(s3Client)).toEqual(expected.map((e) => e.key).sort());
    for (const e of expected) {
      const object = await readObject(s3Client, e.key);
      expect(object.body.equals(readFileSync(e.file)), e.key).toBe(true);
      expect(object.contentType).toBe(e.type);
      expect(object.metadata['captured-at-source']).toBe(e.source);
      if (e.capturedAt) expect(object.metadata['captured-at']).toBe(e.capturedAt);
      else expect(Date.now() - Date.parse(object.metadata['captured-at']!)).toBeLessThan(10 * 60_000);
      expect(object.metadata.camera).toBe(e.key.split('/')[0]);
    }

    // Each PUT carried the SHA-256 of the bytes the camera sent (S3 verifies it; s3rver ignores it).
    for (const e of expected) {
      const put = proxy.requests.find((r) => r.method === 'PUT' && decodeURIComponent(r.url.split('?')[0]!) === `/camflow-uploads/${e.key}`);
      expect(put?.headers['x-amz-checksum-sha256'], e.key).toBe(sha256OfFile(e.file));
    }
    // The journal says how S3 confirmed each one: s3rver returns no checksum, so by its MD5 ETag.
    const confirmations = readJournal(spoolPaths(spool).journal).records.filter((r) => r.op === 'confirmed');
    expect(confirmations).toHaveLength(expected.length);
    for (const c of confirmations) expect(c.op === 'confirmed' && c.confirmedBy).toBe('etag-md5');
    // Nothing left in the spool once confirmed (keepLocalHours 0).
    expect(gateway.spool.usage()).toMatchObject({ bytesUsed: 0, keptFiles: 0 });
  });

  it('a file sent twice is stored once; a different file under a used name gets a suffix', async () => {
    const first = makeStill(join(media, 'image.jpg'));
    const client = await ftpClient('garage');
    await client.uploadFrom(first, 'image.jpg');
    await client.uploadFrom(first, 'image.jpg'); // same bytes: a camera retrying after a lost 226
    // A different picture (not the first one with bytes added: that is the same file resent whole, see camera-habits.test.ts).
    writeFileSync(join(media, 'image2.jpg'), Buffer.concat([Buffer.from('different'), readFileSync(first)]));
    await client.uploadFrom(join(media, 'image2.jpg'), 'image.jpg'); // same name, new picture
    client.close();
    await gateway.uploader.drained();
    const s3Client = testS3Client(s3.endpoint);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const keys = (await listKeys(s3Client, 'garage/')).filter((k) => k.includes('/image'));
    expect(keys).toEqual([`garage/${day}/image-2.jpg`, `garage/${day}/image.jpg`]);
    expect((await objectSha256(s3Client, `garage/${day}/image.jpg`)).sha256).toBe(sha256OfFile(first));
    expect((await objectSha256(s3Client, `garage/${day}/image-2.jpg`)).sha256).toBe(sha256OfFile(join(media, 'image2.jpg')));
  });
});
