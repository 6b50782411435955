/**
 * The S3 sender process (s3-sender.ts): started when a camera begins a file, gone after
 * `upload.senderIdleSeconds` with nothing to send, and killed (SIGKILL) in the middle of a
 * multipart upload without losing the file: the uploader sends it again and S3 has it whole, once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway.ts';
import { readJournal } from './journal.ts';
import { S3SettingsNotSendable, sendableS3Settings } from './s3-sender.ts';
import { processAlive, spoolPaths } from './spool.ts';
import { readStatus } from './status.ts';
import {
  listKeys,
  localGatewayAws,
  makeClip,
  objectSha256,
  sha256OfFile,
  startS3Proxy,
  startTestS3,
  tempDirectory,
  testConfig,
  testS3Client,
  TEST_PASSWORD,
  uploadAsCamera,
  waitFor,
  writeRandomFile,
  type S3Proxy,
} from './test-support.ts';

const MB = 1024 * 1024;
let s3: Awaited<ReturnType<typeof startTestS3>>;
let proxy: S3Proxy;
let holdPart3 = true;
let part3Seen: () => void;
const part3 = new Promise<void>((resolve) => (part3Seen = resolve));
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3Proxy(s3.port, (request) => {
    if (holdPart3 && request.method === 'PUT' && /[?&]partNumber=3(&|$)/.test(request.url)) {
      holdPart3 = false;
      part3Seen();
      return new Promise<void>(() => undefined); // never forwarded: the sender dies waiting
    }
  });
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await proxy?.stop();
  await s3?.stop();
});

describe('the S3 sender process', () => {
  it('killed (SIGKILL) in the middle of a multipart upload: the file stays in the spool, is sent again by a new sender, and arrives whole and once', async () => {
    const dir = tempDirectory('sender-kill');
    const spool = join(dir, 'spool');
    const config = await testConfig(spool, { upload: { multipartThresholdMB: 5, partSizeMB: 5, queueSize: 1, concurrency: 1, retryBaseSeconds: 0.2, retryMaxSeconds: 1 } });
    const gateway = await startGateway(config, { aws: localGatewayAws(proxy) });
    gateways.push(gateway);
    const clip = await writeRandomFile(join(dir, 'Driveway_00_20240315143022.mp4'), 20 * MB);
    const key = 'front-door/2024/03/15/Driveway_00_20240315143022.mp4';
    const created: string[] = [];
    s3.onObjectCreated((n) => created.push(n.key));

    await uploadAsCamera(gateway, clip, 'Driveway_00_20240315143022.mp4');
    await part3;
    const first = gateway.uploader.sender.pid!;
    expect(first).not.toBe(process.pid);
    process.kill(first, 'SIGKILL');
    await waitFor('the killed sender to be gone', () => !processAlive(first), 10_000);

    await gateway.uploader.drained();
    const client = testS3Client(s3.endpoint);
    expect(await listKeys(client, 'front-door/')).toEqual([key]);
    expect(await objectSha256(client, key)).toEqual({ sha256: sha256OfFile(clip), size: 20 * MB });
    expect(created.filter((k) => k === key)).toEqual([key]);
    expect(readJournal(spoolPaths(spool).journal).records.filter((r) => r.op === 'confirmed')).toHaveLength(1);
    gateway.status.flush();
    const report = readStatus(spool);
    expect(report.lastError).toMatchObject({ name: 'S3SenderEnded', key });
    expect(report.lastError?.message).toContain('signal SIGKILL');
    expect(report.queueLength).toBe(0);
    // A second sender process took it again.
    expect(gateway.uploader.sender.started).toBe(2);
    expect(gateway.uploader.sender.pid).not.toBe(first);
  });

  it('starts when a camera begins a file, ends after senderIdleSeconds with nothing to send, and comes again for the next file', async () => {
    const dir = tempDirectory('sender-idle');
    const spool = join(dir, 'spool');
    const config = await testConfig(spool, { upload: { senderIdleSeconds: 0.5 } });
    const gateway = await startGateway(config, { aws: localGatewayAws(s3) });
    gateways.push(gateway);
    const sender = gateway.uploader.sender;
    expect(sender.pid).toBeUndefined();

    // The camera's STOR is still open (half the clip sent) and the sender already runs.
    const clip = makeClip(join(dir, 'FrontDoor_00_20240315143022.mp4'), 2);
    const ftp = new Client(10_000);
    await ftp.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    const body = new PassThrough();
    const uploading = ftp.uploadFrom(body, 'FrontDoor_00_20240315143022.mp4');
    const bytes = readFileSync(clip);
    body.write(bytes.subarray(0, bytes.length >> 1));
    const warmed = await waitFor('the sender to start during the transfer', () => sender.pid, 10_000, 10);
    expect(gateway.spool.waiting()).toHaveLength(0);
    body.end(bytes.subarray(bytes.length >> 1));
    await uploading;
    ftp.close();
    await gateway.uploader.drained();
    // The sender that started during the transfer sent it.
    expect(sender.pid).toBe(warmed);
    expect(sender.started).toBe(1);

    // Nothing more to send: the sender process ends.
    await waitFor('the idle sender to end', () => sender.pid === undefined && !processAlive(warmed), 10_000);
    expect(sender.started).toBe(1);

    // The next file gets a new one.
    await uploadAsCamera(gateway, clip, 'FrontDoor_00_20240315150000.mp4');
    await gateway.uploader.drained();
    expect(sender.started).toBe(2);
    expect(await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/15/FrontDoor_00_2024031515')).toEqual(['front-door/2024/03/15/FrontDoor_00_20240315150000.mp4']);
    await gateway.stop();
    expect(sender.pid).toBeUndefined();
  });

  it('gets its S3 settings as plain data: keys, never a credentials function', () => {
    expect(sendableS3Settings({ endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })).toEqual({
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    expect(sendableS3Settings({})).toEqual({});
    expect(() => sendableS3Settings({ credentials: () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' }) })).toThrow(S3SettingsNotSendable);
  });
});
