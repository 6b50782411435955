/**
 * The disk guard, with a tiny spool limit (60 000 bytes, files of 20 000 bytes):
 * - S3 unreachable: received files are kept (never deleted), and once the spool is past its
 *   limit new uploads are refused with FTP 452 (basic-ftp and curl); when S3 is back the spool
 *   drains and uploads are accepted again;
 * - with keepLocalHours, confirmed copies are kept, and the oldest goes first to make room.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, FTPError } from 'basic-ftp';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../runtime/local-stack.ts';
import type { RunningGateway } from './gateway.ts';
import { readJournal } from './journal.ts';
import { spoolPaths } from './spool.ts';
import { listKeys, startTestS3, tempDirectory, testConfig, testS3Client, TEST_PASSWORD, localGatewayAws, waitFor, writeRandomFile, startTestGateway } from './test-support.ts';

const run = promisify(execFile);
const LIMIT_MB = 60_000 / (1024 * 1024);
const FILE_BYTES = 20_000;

let s3: Awaited<ReturnType<typeof startTestS3>> | undefined;
const gateways: RunningGateway[] = [];

afterAll(async () => {
  for (const g of gateways) await g.stop();
  await s3?.stop();
});

async function upload(gateway: RunningGateway, file: string, name: string): Promise<number> {
  const client = new Client(10_000);
  try {
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    await client.uploadFrom(file, name);
    return 226;
  } catch (error) {
    if (error instanceof FTPError) return error.code;
    throw error;
  } finally {
    client.close();
  }
}

describe('disk guard', () => {
  it('keeps every unuploaded file and refuses new ones with 452 while S3 is away', async () => {
    const s3Port = await freePort(); // nothing listens here yet: S3 is "down"
    const aws = localGatewayAws({ endpoint: `http://127.0.0.1:${s3Port}` });
    const spool = tempDirectory('spool');
    const gateway = await startTestGateway(await testConfig(spool, { spoolLimitMB: LIMIT_MB, upload: { retryBaseSeconds: 0.1, retryMaxSeconds: 0.5 } }), { aws });
    gateways.push(gateway);
    const media = tempDirectory('media');
    const files = await Promise.all([1, 2, 3, 4, 5].map((i) => writeRandomFile(join(media, `clip${i}.mp4`), FILE_BYTES)));

    expect(await upload(gateway, files[0]!, 'clip1.mp4')).toBe(226);
    expect(await upload(gateway, files[1]!, 'clip2.mp4')).toBe(226);
    expect(await upload(gateway, files[2]!, 'clip3.mp4')).toBe(226); // reaches the limit exactly: accepted, now full
    expect(await upload(gateway, files[3]!, 'clip4.mp4')).toBe(452);
    // curl sees the same refusal (exit code 25: upload refused by the server).
    const curl = await run('curl', ['-sS', '--user', `front-door:${TEST_PASSWORD}`, '-T', files[4]!, `ftp://127.0.0.1:${gateway.ftp!.port}/clip5.mp4`]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(curl.code).toBe(25);
    expect(curl.stderr).toMatch(/452/);

    // Nothing waiting was deleted; the refused files never entered the spool.
    await waitFor('a failed upload attempt', () => gateway.status.state.totals.failures > 0);
    expect(gateway.spool.waiting().map((e) => e.file.cameraPath)).toEqual(['clip1.mp4', 'clip2.mp4', 'clip3.mp4']);
    expect(readdirSync(join(spool, 'files'))).toHaveLength(3);
    expect(gateway.spool.usage()).toMatchObject({ bytesUsed: 3 * FILE_BYTES, refusingUploads: true });

    // S3 comes back: the spool drains, and new uploads are accepted again.
    s3 = await startTestS3(tempDirectory('s3'), s3Port);
    await waitFor('the spool to drain', () => gateway.spool.waiting().length === 0, 60_000);
    expect(await upload(gateway, files[3]!, 'clip4.mp4')).toBe(226);
    await waitFor('clip4 to be confirmed', () => gateway.spool.waiting().length === 0, 60_000);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    expect(await listKeys(testS3Client(s3.endpoint), 'front-door/')).toEqual(['clip1.mp4', 'clip2.mp4', 'clip3.mp4', 'clip4.mp4'].map((n) => `front-door/${day}/${n}`));
    expect(gateway.spool.usage().refusingUploads).toBe(false);
    await gateway.stop();
  });

  it('with keepLocalHours, the oldest kept copy goes first to make room', async () => {
    s3 ??= await startTestS3();
    const aws = localGatewayAws(s3);
    const spool = tempDirectory('spool');
    const gateway = await startTestGateway(await testConfig(spool, { spoolLimitMB: LIMIT_MB, keepLocalHours: 24 }), { aws });
    gateways.push(gateway);
    const media = tempDirectory('media');
    for (const i of [1, 2, 3]) {
      expect(await upload(gateway, await writeRandomFile(join(media, `kept${i}.mp4`), FILE_BYTES), `kept${i}.mp4`)).toBe(226);
      await waitFor(`kept${i} to be confirmed`, () => gateway.spool.waiting().length === 0);
    }
    const entries = () =>
      readJournal(spoolPaths(spool).journal)
        .records.filter((r) => r.op === 'received')
        .map((r) => (r.op === 'received' ? r.file : undefined)!);
    const [first, second, third] = entries();
    expect(gateway.spool.usage()).toMatchObject({ keptFiles: 3, bytesUsed: 3 * FILE_BYTES });

    expect(await upload(gateway, await writeRandomFile(join(media, 'kept4.mp4'), FILE_BYTES), 'kept4.mp4')).toBe(226);
    expect(existsSync(join(spool, first!.file))).toBe(false);
    expect(existsSync(join(spool, second!.file))).toBe(true);
    expect(existsSync(join(spool, third!.file))).toBe(true);
    const removed = readJournal(spoolPaths(spool).journal).records.filter((r) => r.op === 'removed');
    expect(removed).toEqual([expect.objectContaining({ id: first!.id, reason: 'disk-guard' })]);
    await gateway.stop();
  });
});
