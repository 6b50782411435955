/**
 * Issue 8: a transfer cut short must not leak. Whatever ends an upload early — the control
 * connection reset while the data connection stays open, the data connection reset, a silent
 * data connection, ABOR — the partial file is deleted and its
 * bytes stop counting against the spool; a normal upload still works afterwards. Raw sockets
 * (node:net) against the real gateway and a local S3. (The spool limit mid-stream: spool-limit.test.ts.)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { RawFtp } from './raw-ftp-client.ts';
import { listKeys, startTestS3, tempDirectory, testConfig, testS3Client, TEST_PASSWORD, uploadAsCamera, localGatewayAws, waitFor, writeRandomFile, startTestGateway } from './test-support.ts';

const CHUNK = Buffer.alloc(64 * 1024, 7);

let s3: Awaited<ReturnType<typeof startTestS3>>;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
});

afterAll(async () => {
  for (const g of gateways) await g.stop();
  await s3?.stop();
});

const spoolFiles = (gateway: RunningGateway) => readdirSync(join(gateway.spool.directory, 'files'));

/** Logs in, opens a data connection, sends STOR and the first bytes; returns once they are being received. */
async function startUpload(gateway: RunningGateway, name: string): Promise<{ control: RawFtp; data: Socket }> {
  const { client: control } = await RawFtp.open(gateway.ftp!.port);
  expect((await control.login('front-door', TEST_PASSWORD))?.code).toBe(230);
  const data = await control.passive();
  expect((await control.send(`STOR ${name}`))?.code).toBe(150);
  data.write(CHUNK);
  await waitFor('the first bytes to be received', () => gateway.spool.usage().receivingBytes > 0, 10_000, 10);
  return { control, data };
}

describe('a cut transfer releases its bytes', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    const aws = localGatewayAws(s3);
    // 1 MiB spool: twenty leaked 64 KiB partial files would be past it, and every upload would get 452.
    gateway = await startTestGateway(
      await testConfig(tempDirectory('spool'), { spoolLimitMB: 1, ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0, limits: { dataTimeoutSeconds: 1 } } }),
      { aws },
    );
    gateways.push(gateway);
  });

  it('control connection reset mid-STOR, data connection left open, 20 times: nothing leaks, the next upload works', async () => {
    const dataSockets: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const { control, data } = await startUpload(gateway, `cut-${i}.mp4`);
      dataSockets.push(data);
      control.reset(); // the camera's control connection dies; its data connection stays open
      await control.closed;
    }
    await waitFor('every partial file to be dropped', () => gateway.spool.usage().bytesUsed === 0 && spoolFiles(gateway).length === 0, 10_000);
    expect(gateway.spool.usage()).toMatchObject({ bytesUsed: 0, receivingBytes: 0, refusingUploads: false });
    expect(gateway.spool.waiting()).toEqual([]);
    for (const d of dataSockets) d.destroy();

    const clip = await writeRandomFile(join(tempDirectory('media'), 'after.mp4'), 300_000);
    await uploadAsCamera(gateway, clip, 'after.mp4');
    await gateway.uploader.drained();
    expect((await listKeys(testS3Client(s3.endpoint), 'front-door/')).filter((k) => k.includes('/cut-'))).toEqual([]);
    expect((await listKeys(testS3Client(s3.endpoint), 'front-door/')).some((k) => k.endsWith('/after.mp4'))).toBe(true);
  });

  it.each([
    ['the data connection reset', 426, async (c: { control: RawFtp; data: Socket }) => c.data.resetAndDestroy()],
    ['the data connection silent past dataTimeoutSeconds', 426, async () => undefined],
    ['ABOR', 426, async (c: { control: RawFtp; data: Socket }) => c.control.write('ABOR')],
  ])('%s: the STOR is answered %i, the partial file is gone, its bytes released', async (what, code, cut) => {
    const upload = await startUpload(gateway, `cut-${what.length}.mp4`);
    await cut(upload);
    const reply = await upload.control.next(10_000);
    expect(reply?.code).toBe(code);
    if (what === 'ABOR') expect((await upload.control.next())?.code).toBe(226);
    expect(gateway.spool.usage()).toMatchObject({ bytesUsed: 0, receivingBytes: 0 });
    expect(spoolFiles(gateway)).toEqual([]);
    // The session goes on: the camera can send the file again.
    upload.data.destroy();
    expect((await upload.control.send('NOOP'))?.code).toBe(200);
    upload.control.close();
  });
});
