/**
 * The gateway is killed (SIGKILL: no cleanup at all) in the middle of a multipart upload of a
 * 40 MB clip, then started again: the clip arrives whole (same SHA-256), once, under the key
 * it was given when it arrived.
 *
 * The gateway runs as its own process (`node bin/camflow.js gateway --config …`). Its S3
 * traffic goes through a recording proxy in front of s3rver that holds part 3 back, so the
 * kill lands after parts 1 and 2 are stored and before the upload could complete.
 */
import { join } from 'node:path';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.ts';
import { readJournal } from './journal.ts';
import { spoolPaths } from './spool.ts';
import { readStatus } from './status.ts';
import {
  gatewayFtpPort,
  listKeys,
  objectSha256,
  sha256OfFile,
  spawnGateway,
  startS3Proxy,
  startTestS3,
  tempDirectory,
  testConfig,
  testS3Client,
  TEST_PASSWORD,
  waitFor,
  writeConfigFile,
  writeRandomFile,
  type GatewayProcess,
  type S3Proxy,
} from './test-support.ts';

const MB = 1024 * 1024;
let s3: Awaited<ReturnType<typeof startTestS3>>;
let proxy: S3Proxy;
let running: GatewayProcess | undefined;
let holdPart3 = true;
let part3Seen: () => void;
const part3 = new Promise<void>((resolve) => (part3Seen = resolve));

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startS3Proxy(s3.port, (request) => {
    if (holdPart3 && request.method === 'PUT' && /[?&]partNumber=3(&|$)/.test(request.url)) {
      part3Seen();
      return new Promise<void>(() => undefined); // never forwarded: the gateway dies waiting
    }
  });
});

afterAll(async () => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  await proxy?.stop();
  await s3?.stop();
});

describe('crash in the middle of a multipart upload', () => {
  it('after SIGKILL and a restart, the 40 MB clip arrives whole and once', async () => {
    const dir = tempDirectory('crash');
    const spool = join(dir, 'spool');
    const configFile = writeConfigFile(
      join(dir, 'gateway.json'),
      await testConfig(spool, { upload: { multipartThresholdMB: 5, partSizeMB: 5, queueSize: 1, concurrency: 1, retryBaseSeconds: 0.2, retryMaxSeconds: 1 } }),
    );
    expect(loadGatewayConfig(configFile).upload.partSizeMB).toBe(5);
    const clip = await writeRandomFile(join(dir, 'Driveway_00_20240315143022.mp4'), 40 * MB);
    const key = 'front-door/2024/03/15/Driveway_00_20240315143022.mp4';
    const created: string[] = [];
    s3.onObjectCreated((n) => created.push(n.key));

    running = await spawnGateway(['--config', configFile], proxy.endpoint);
    const client = new Client(30_000);
    await client.access({ host: '127.0.0.1', port: await gatewayFtpPort(spool), user: 'front-door', password: TEST_PASSWORD });
    await client.uploadFrom(clip, 'Driveway_00_20240315143022.mp4'); // 226: spooled and journaled
    client.close();
    await part3;
    running.child.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');

    // Killed mid-upload: a multipart upload was started, parts 1 and 2 went up, it never completed.
    const path = (r: { url: string }) => decodeURIComponent(r.url.split('?')[0]!);
    const mine = proxy.requests.filter((r) => path(r) === `/camflow-uploads/${key}`);
    expect(mine.filter((r) => r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.url))).toHaveLength(1);
    expect(mine.filter((r) => r.method === 'PUT').map((r) => /partNumber=(\d+)/.exec(r.url)?.[1])).toEqual(['1', '2', '3']);
    expect(mine.some((r) => r.method === 'POST' && /uploadId=/.test(r.url))).toBe(false);
    expect(await listKeys(testS3Client(s3.endpoint))).toEqual([]);
    expect(readStatus(spool)).toMatchObject({ running: false, queueLength: 1, oldestWaiting: { key } });

    // Started again: the journal says the clip is not confirmed, so it goes up again, to the same key.
    holdPart3 = false;
    running = await spawnGateway(['--config', configFile], proxy.endpoint);
    await waitFor('the clip to be confirmed', () => readStatus(spool).queueLength === 0, 120_000, 100);
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);

    const s3Client = testS3Client(s3.endpoint);
    expect(await listKeys(s3Client)).toEqual([key]);
    expect(await objectSha256(s3Client, key)).toEqual({ sha256: sha256OfFile(clip), size: 40 * MB });
    expect(created).toEqual([key]); // completed once
    const confirmed = readJournal(spoolPaths(spool).journal).records.filter((r) => r.op === 'confirmed');
    expect(confirmed).toHaveLength(1);
    // Part 3 of the second attempt carried its SHA-256 like the others.
    expect(mine.length).toBeGreaterThan(0);
    const parts = proxy.requests.filter((r) => path(r) === `/camflow-uploads/${key}` && r.method === 'PUT');
    expect(parts.every((r) => typeof r.headers['x-amz-checksum-sha256'] === 'string')).toBe(true);
    expect(parts.length).toBe(3 + 8);
  });
});
