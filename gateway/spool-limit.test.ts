/**
 * The spool limit holds while a file streams in (issue 8: one 100 MB upload filled a 30 MB
 * spool): the upload that crosses it is cut with 452 and its partial file dropped, files already
 * received stay, and a file that fits is accepted next. S3 is unreachable throughout (nothing
 * listens on its port), so received files wait in the spool. Raw sockets and basic-ftp.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../runtime/local-stack.ts';
import type { RunningGateway } from './gateway.ts';
import { RawFtp } from './raw-ftp-client.ts';
import { tempDirectory, testConfig, TEST_PASSWORD, uploadAsCamera, localGatewayAws, waitFor, writeRandomFile, startTestGateway } from './test-support.ts';
import type { GatewayAws } from './aws-settings.ts';

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);
const gateways: RunningGateway[] = [];
let aws: GatewayAws;

beforeAll(async () => {
  aws = localGatewayAws({ endpoint: `http://127.0.0.1:${await freePort()}` }); // S3 away: files wait in the spool
});

afterAll(async () => {
  for (const g of gateways) await g.stop();
});

const spoolFiles = (gateway: RunningGateway) => readdirSync(join(gateway.spool.directory, 'files'));

describe('the spool limit holds while a file streams in', () => {
  it('an upload that crosses the limit is cut with 452; files already received stay; the next small one is accepted', async () => {
    const gateway = await startTestGateway(await testConfig(tempDirectory('spool'), { spoolLimitMB: 1, upload: { retryBaseSeconds: 30, retryMaxSeconds: 60 } }), { aws });
    gateways.push(gateway);
    const media = tempDirectory('media');
    await uploadAsCamera(gateway, await writeRandomFile(join(media, 'first.mp4'), 300_000), 'first.mp4');
    expect(gateway.spool.usage().bytesUsed).toBe(300_000);

    const { client: control } = await RawFtp.open(gateway.ftp!.port);
    await control.login('front-door', TEST_PASSWORD);
    const data = await control.passive();
    expect((await control.send('STOR big.mp4'))?.code).toBe(150);
    // 8 MiB offered; the spool has room for ~0.7 MiB of it.
    for (let sent = 0; sent < 8 * MiB && !data.destroyed; sent += CHUNK.length) {
      if (!data.write(CHUNK)) await new Promise((r) => setTimeout(r, 5));
    }
    const reply = await control.next();
    expect(reply?.code).toBe(452);
    expect(reply?.text).toMatch(/spool full/);
    data.destroy();

    await waitFor('the partial file to be dropped', () => spoolFiles(gateway).length === 1 && gateway.spool.usage().receivingBytes === 0, 10_000);
    expect(gateway.spool.usage()).toMatchObject({ bytesUsed: 300_000, receivingBytes: 0 });
    expect(gateway.spool.waiting().map((e) => e.file.cameraPath)).toEqual(['first.mp4']);

    // A file that fits is accepted on the same connection and on a new one.
    expect((await control.send('NOOP'))?.code).toBe(200);
    control.close();
    await uploadAsCamera(gateway, await writeRandomFile(join(media, 'second.mp4'), 300_000), 'second.mp4');
    expect(gateway.spool.waiting().map((e) => e.file.cameraPath)).toEqual(['first.mp4', 'second.mp4']);
    expect(gateway.spool.usage().bytesUsed).toBe(600_000);
    expect(spoolFiles(gateway)).toHaveLength(2);
  });
});
