/**
 * S3 goes away while cameras keep uploading: 50 files arrive during the outage (every one
 * acknowledged, kept in the spool), S3 comes back on the same port and data folder, and all
 * 50 arrive — each once, under its own key, byte for byte.
 *
 * The outage lasts a minute, as the issue says (GATEWAY_TEST_OUTAGE_SECONDS shortens it
 * while working on the gateway). Failures back off exponentially up to retryMaxSeconds (1 s
 * here, 60 s by default) and retry until S3 answers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { readStatus } from './status.ts';
import { listKeys, makeStill, objectSha256, sha256Base64, startTestS3, tempDirectory, testConfig, testS3Client, TEST_PASSWORD, localGatewayAws, waitFor, startTestGateway } from './test-support.ts';

const OUTAGE_SECONDS = Number(process.env.GATEWAY_TEST_OUTAGE_SECONDS ?? 60);
const FILES = 50;

let s3: Awaited<ReturnType<typeof startTestS3>> | undefined;
let gateway: RunningGateway;
let spool: string;

beforeAll(async () => {
  s3 = await startTestS3();
  const aws = localGatewayAws(s3);
  spool = tempDirectory('spool');
  gateway = await startTestGateway(await testConfig(spool, { upload: { concurrency: 4, retryBaseSeconds: 0.1, retryMaxSeconds: 1 } }), { aws });
});

afterAll(async () => {
  await gateway?.stop();
  await s3?.stop();
});

describe('S3 outage', () => {
  it(`${FILES} files uploaded during a ${OUTAGE_SECONDS}s outage all arrive after it, once each`, async () => {
    const { port, directory } = s3!;
    await s3!.stop();
    s3 = undefined;
    const outageStarted = Date.now();

    const media = tempDirectory('media');
    const still = readFileSync(makeStill(join(media, 'still.jpg')));
    const expected = new Map<string, string>();
    const client = new Client(10_000);
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    for (let i = 0; i < FILES; i++) {
      const name = `Porch_00_20240315${String(10 + Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00.jpg`;
      const body = Buffer.concat([still, Buffer.from(`#${i}`)]);
      writeFileSync(join(media, name), body);
      await client.uploadFrom(join(media, name), name); // resolves on "226": the gateway has it on disk
      expected.set(`front-door/2024/03/15/${name}`, sha256Base64(body));
    }
    client.close();

    // While S3 is away: everything waits in the spool, the failures are reported.
    const during = await waitFor('a failed attempt', () => {
      const report = readStatus(spool);
      return report.queueLength === FILES && report.lastError ? report : undefined;
    });
    expect(during.oldestWaiting?.key).toBe('front-door/2024/03/15/Porch_00_20240315100000.jpg');

    const remaining = OUTAGE_SECONDS * 1000 - (Date.now() - outageStarted);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    expect(gateway.spool.waiting()).toHaveLength(FILES);

    // S3 back on the same port and data folder.
    s3 = await startTestS3(directory, port);
    const created = new Map<string, number>();
    s3.onObjectCreated((n) => created.set(n.key, (created.get(n.key) ?? 0) + 1));

    await waitFor('the spool to drain', () => gateway.spool.waiting().length === 0, 120_000);
    const client2 = testS3Client(s3.endpoint);
    expect(await listKeys(client2)).toEqual([...expected.keys()].sort());
    for (const [key, sha256] of expected) expect((await objectSha256(client2, key)).sha256, key).toBe(sha256);
    // Once each: no object was written twice (each would start a workflow).
    expect([...created.values()].every((n) => n === 1)).toBe(true);
    expect(created.size).toBe(FILES);
    const after = readStatus(spool);
    expect(after.queueLength).toBe(0);
    expect(gateway.status.state.totals.failures).toBeGreaterThan(0);
  });
});
