/**
 * Issue 8: no client can jam the gateway for the cameras. Against the real gateway over
 * loopback, with raw sockets (node:net; 127.0.0.2+ as other client addresses) and basic-ftp:
 * - a connection flood gets 421 past the per-address and overall caps, and a camera still uploads;
 * - wrong logins are slowed, then the address is locked out (421) while another address logs in at once;
 * - a connection that does not log in in time, or sits idle, is closed with 421;
 * - MKD is bounded: a per-camera folder cap (552) and a rate (550).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FtpLimits } from './config.ts';
import type { RunningGateway } from './gateway.ts';
import { RawFtp, type FtpReply } from './raw-ftp-client.ts';
import { listKeys, startTestS3, tempDirectory, testConfig, testS3Client, TEST_PASSWORD, localGatewayAws, startTestGateway } from './test-support.ts';
import type { GatewayAws } from './aws-settings.ts';

let s3: Awaited<ReturnType<typeof startTestS3>>;
const gateways: RunningGateway[] = [];
let aws: GatewayAws;

beforeAll(async () => {
  s3 = await startTestS3();
  aws = localGatewayAws(s3);
});

afterAll(async () => {
  for (const g of gateways) await g.stop();
  await s3?.stop();
});

async function gatewayWith(limits: Partial<FtpLimits>, spool = tempDirectory('spool')): Promise<RunningGateway> {
  const gateway = await startTestGateway(await testConfig(spool, { ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0, limits } }), { aws });
  gateways.push(gateway);
  return gateway;
}

/** A real camera upload (basic-ftp, from 127.0.0.1). */
async function cameraUpload(gateway: RunningGateway, name: string): Promise<void> {
  const client = new Client(10_000);
  try {
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    await client.uploadFrom(Readable.from([Buffer.from(`clip ${name}`)]), name);
  } finally {
    client.close();
  }
}

/** Opens `count` connections from `address`, all at once; each resolves with its first reply and whether the server closed it. */
function flood(port: number, address: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { client, greeting } = await RawFtp.open(port, address);
      const closedByServer = greeting?.code === 421 ? await Promise.race([client.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]) : false;
      return { client, greeting, closedByServer };
    }),
  );
}

describe('connection caps', () => {
  it('a 300-socket flood from one address gets 421 past 16; a camera on another address still uploads; the overall cap holds', async () => {
    const gateway = await gatewayWith({ maxConnections: 40, maxConnectionsPerAddress: 16 });
    const port = gateway.ftp!.port;

    const attack = await flood(port, '127.0.0.2', 300);
    const accepted = attack.filter((c) => c.greeting?.code === 220);
    const refused = attack.filter((c) => c.greeting?.code === 421);
    expect(accepted).toHaveLength(16);
    expect(refused).toHaveLength(284);
    expect(refused[0]!.greeting!.text).toMatch(/too many connections from your address/);
    expect(refused.every((c) => c.closedByServer)).toBe(true);

    // The flood still holds its 16 connections: a camera elsewhere is not jammed.
    await cameraUpload(gateway, 'during-flood.jpg');

    // Overall cap: 16 (attack) + 16 + 8 = 40; the next one, from yet another address, is refused.
    const more = [...(await flood(port, '127.0.0.3', 16)), ...(await flood(port, '127.0.0.4', 8))];
    expect(more.every((c) => c.greeting?.code === 220)).toBe(true);
    const [overflow] = await flood(port, '127.0.0.5', 1);
    expect(overflow!.greeting).toMatchObject({ code: 421 });
    expect(overflow!.greeting!.text).toMatch(/too many connections to the gateway/);

    // The flood ends; its slots come back.
    for (const c of [...attack, ...more]) c.client.close();
    await Promise.all([...attack, ...more].map((c) => c.client.closed));
    await new Promise((r) => setTimeout(r, 200));
    await cameraUpload(gateway, 'after-flood.jpg');
    await gateway.uploader.drained();
    const keys = await listKeys(testS3Client(s3.endpoint), 'front-door/');
    expect(keys.filter((k) => /\/(during|after)-flood\.jpg$/.test(k))).toHaveLength(2);
  });
});

describe('login guessing', () => {
  it('wrong logins are slowed, then the address is locked out (421); another address logs in without delay', async () => {
    const gateway = await gatewayWith({ maxLoginFailures: 5, lockoutMinutes: 15, loginFailureDelaySeconds: 0.5 });
    const port = gateway.ftp!.port;
    const { client } = await RawFtp.open(port, '127.0.0.2');
    const replies: Array<FtpReply | undefined> = [];
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      client.write('USER front-door');
      await client.next();
      replies.push(await client.send(`PASS wrong guess ${i}`));
      took.push(Date.now() - started);
    }
    expect(replies.map((r) => r?.code)).toEqual([530, 530, 530, 530, 530]);
    expect(took[3]).toBeGreaterThanOrEqual(1900); // 4th failure: 4 × 0.5 s
    expect((await client.next())?.code).toBe(421); // locked: told why, then closed
    await client.closed;

    // The locked address is refused at once, even with the right password.
    const again = await RawFtp.open(port, '127.0.0.2');
    expect(again.greeting?.code).toBe(421);
    expect(again.greeting?.text).toMatch(/too many failed logins from 127\.0\.0\.2: locked out for 15 more minute/);
    await again.client.closed;

    // Another address: a correct login is not slowed.
    const camera = await RawFtp.open(port, '127.0.0.1');
    const started = Date.now();
    expect((await camera.client.login('front-door', TEST_PASSWORD))?.code).toBe(230);
    expect(Date.now() - started).toBeLessThan(1500);
    camera.client.close();
  });

  it('parallel guesses from one address do not multiply: at most maxLoginFailures get checked', async () => {
    const gateway = await gatewayWith({ maxLoginFailures: 3, loginFailureDelaySeconds: 0.05 });
    const clients = await Promise.all(Array.from({ length: 10 }, () => RawFtp.open(gateway.ftp!.port, '127.0.0.3')));
    const answers = await Promise.all(clients.map(async ({ client }) => (await client.login('garage', 'a wrong guess'))?.code));
    expect(answers.filter((c) => c === 530)).toHaveLength(3);
    expect(answers.filter((c) => c === 421)).toHaveLength(7);
    for (const { client } of clients) client.close();
  });
});

describe('timeouts', () => {
  it('a connection that does not log in in time is closed (421); so is an idle one after login', async () => {
    const gateway = await gatewayWith({ loginTimeoutSeconds: 1, idleTimeoutSeconds: 2 });
    const silent = await RawFtp.open(gateway.ftp!.port);
    const started = Date.now();
    const reply = await silent.client.next(5000);
    expect(reply?.code).toBe(421);
    expect(reply?.text).toMatch(/no login within 1 s/);
    await silent.client.closed;
    expect(Date.now() - started).toBeLessThan(3000);

    // Sending commands without logging in does not extend the login time.
    const chatty = await RawFtp.open(gateway.ftp!.port);
    expect((await chatty.client.send('NOOP'))?.code).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    expect((await chatty.client.send('NOOP'))?.code).toBe(200);
    expect((await chatty.client.next(5000))?.code).toBe(421);

    const idle = await RawFtp.open(gateway.ftp!.port);
    expect((await idle.client.login('front-door', TEST_PASSWORD))?.code).toBe(230);
    const loggedIn = Date.now();
    const idleReply = await idle.client.next(6000);
    expect(idleReply?.code).toBe(421);
    expect(idleReply?.text).toMatch(/idle for 2 s/);
    expect(Date.now() - loggedIn).toBeGreaterThanOrEqual(1900);
  });
});

describe('timeouts do not cut a live upload', () => {
  it('an upload that lasts longer than idleTimeoutSeconds, bytes flowing, is received whole (226)', async () => {
    const gateway = await gatewayWith({ idleTimeoutSeconds: 1, dataTimeoutSeconds: 1 });
    const { client } = await RawFtp.open(gateway.ftp!.port);
    expect((await client.login('front-door', TEST_PASSWORD))?.code).toBe(230);
    const data = await client.passive();
    expect((await client.send('STOR slow.mp4'))?.code).toBe(150);
    for (let i = 0; i < 10; i++) {
      data.write(Buffer.alloc(1000, i));
      await new Promise((r) => setTimeout(r, 250)); // 2.5 s in all, never 1 s without a byte
    }
    data.end();
    expect((await client.next(5000))?.code).toBe(226);
    expect(gateway.spool.usage().receivingBytes).toBe(0);
    client.close();
  });
});

describe('folders (MKD)', () => {
  const folderCount = (spool: string) => readdirSync(join(spool, 'cameras', 'front-door'), { recursive: true }).length;

  it('a camera can have at most maxFoldersPerCamera folders (552), also after a restart', async () => {
    const spool = tempDirectory('spool');
    let gateway = await gatewayWith({ maxFoldersPerCamera: 50, maxNewFoldersPerMinute: 1000 }, spool);
    const { client } = await RawFtp.open(gateway.ftp!.port);
    await client.login('front-door', TEST_PASSWORD);
    const codes: number[] = [];
    for (let i = 0; i < 60; i++) codes.push((await client.send(`MKD flood-${i}`))!.code);
    expect(codes.filter((c) => c === 257)).toHaveLength(50);
    expect(codes.slice(50)).toEqual(Array(10).fill(552));
    const refusal = await client.send('MKD a/b/c');
    expect(refusal).toMatchObject({ code: 552 });
    expect(refusal!.text).toMatch(/folder limit reached: this camera has 50 folders \(at most 50\)/);
    expect(folderCount(spool)).toBe(50);
    // Existing folders still work.
    expect((await client.send('CWD flood-7'))?.code).toBe(250);
    client.close();

    await gateway.stop();
    gateway = await gatewayWith({ maxFoldersPerCamera: 50, maxNewFoldersPerMinute: 1000 }, spool);
    const after = await RawFtp.open(gateway.ftp!.port);
    await after.client.login('front-door', TEST_PASSWORD);
    expect((await after.client.send('MKD one-more'))?.code).toBe(552);
    expect((await after.client.send('RMD flood-0'))?.code).toBe(250);
    expect((await after.client.send('MKD one-more'))?.code).toBe(257);
    after.client.close();
    expect(folderCount(spool)).toBe(50);
  });

  it('a camera can make at most maxNewFoldersPerMinute new folders a minute (550)', async () => {
    const spool = tempDirectory('spool');
    const gateway = await gatewayWith({ maxFoldersPerCamera: 5000, maxNewFoldersPerMinute: 20 }, spool);
    const { client } = await RawFtp.open(gateway.ftp!.port);
    await client.login('front-door', TEST_PASSWORD);
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await client.send(`MKD fast-${i}`))!.code);
    expect(codes).toEqual([...Array(20).fill(257), ...Array(10).fill(550)]);
    const refusal = await client.send('MKD nested/deeper');
    expect(refusal!.text).toMatch(/too many new folders: at most 20 a minute/);
    // Making a folder that exists is not a new folder.
    expect((await client.send('MKD fast-3'))?.code).toBe(257);
    client.close();
    expect(folderCount(spool)).toBe(20);
  });
});
