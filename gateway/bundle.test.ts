/**
 * The gateway as installed on a box: built into one file by `npm run gateway:build`'s code,
 * copied alone to a folder outside the checkout, started by plain `node` with the systemd
 * unit's flags. A camera (curl) uploads a clip over FTP; it arrives in the local S3 with the
 * gateway's metadata, and `status` from the same bundle reports it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../runtime/local-stack.ts';
import { OPTIONAL_EXTERNALS, type GatewayBundle } from './build.ts';
import { RawFtp } from './raw-ftp-client.ts';
import { readStatus } from './status.ts';
import { childProcesses, installGatewayBundle, spawnGatewayBundle, startCloudWatchStandIn, waitForFtpGreeting } from './bundle-test-support.ts';
import { processAlive } from './spool.ts';
import { makeClip, startTestS3, tempDirectory, testConfig, TEST_PASSWORD, unitRuntime, waitFor, writeConfigFile, type GatewayProcess } from './test-support.ts';

let work: string;
let s3: Awaited<ReturnType<typeof startTestS3>>;
let bundle: GatewayBundle;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  work = tempDirectory('gateway-bundle');
  s3 = await startTestS3(join(work, 's3'));
  bundle = await installGatewayBundle(work);
}, 120_000);

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  await s3?.stop();
});

describe('the bundled gateway', () => {
  it('is one file under 30 MB that loads nothing from outside but node built-ins and an optional add-on it can do without', () => {
    const outside = bundle.externalImports.filter((name) => !name.startsWith('node:') && !builtinModules.includes(name));
    expect(outside).toEqual(OPTIONAL_EXTERNALS);
    expect(bundle.bytes).toBeLessThan(30 * 1024 * 1024);
    expect(readFileSync(bundle.file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('answers --version (baked in at build time), --help, and names an unknown flag, exit 2', () => {
    const node = (...args: string[]) => spawnSync(process.execPath, [bundle.file, ...args], { cwd: join(bundle.file, '..'), encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(node('--version')).toMatchObject({ status: 0, stdout: `camflow-gateway ${version}\n` });
    const help = node('status', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: node camflow-gateway\.mjs status \(--config FILE \| --spool DIR\) \[--json\]$/m);
    expect(help.stdout).toMatch(/^ {2}--config FILE .*env CAMFLOW_GATEWAY_CONFIG/m);
    const wrong = node('--confg', '/etc/camflow/gateway.jsonc');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown option --confg (did you mean --config?)');
  });

  it('started by plain node outside the checkout, takes a clip from curl over FTP, puts it in S3 and sends its heartbeat to CloudWatch', async () => {
    const spool = join(work, 'spool');
    const port = await freePort();
    const config = await testConfig(spool, { ftp: { host: '127.0.0.1', port, passivePortMin: 0, passivePortMax: 0 }, logLevel: 'INFO' });
    const configFile = writeConfigFile(join(work, 'gateway.json'), config);
    const created: string[] = [];
    s3.onObjectCreated((notice) => created.push(notice.key));
    // The S3 and CloudWatch parts of the SDK are loaded on first use: both must work from the bundle.
    const cloudWatch = await startCloudWatchStandIn();
    gateway = spawnGatewayBundle(bundle.file, ['--config', configFile], s3.endpoint, { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint });
    await waitForFtpGreeting(port).catch((error: Error) => {
      throw new Error(`${error.message}\n${gateway!.output()}`);
    });

    const clip = makeClip(join(work, 'FrontDoor_00_20240315143022.mp4'), 1);
    execFileSync('curl', ['-sS', '--fail', '-T', clip, '--user', `front-door:${TEST_PASSWORD}`, `ftp://127.0.0.1:${port}/`], { timeout: 30_000 });
    const key = 'front-door/2024/03/15/FrontDoor_00_20240315143022.mp4';
    await waitFor('the clip in S3', () => created.includes(key), 30_000, 50);
    // It went up from the S3 sender process: the sender's bundle beside the gateway's, with the gateway's node flags.
    const senders = childProcesses(gateway.child.pid!);
    expect(senders).toHaveLength(1);
    const senderCommand = readFileSync(`/proc/${senders[0]}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(senderCommand).toEqual([process.execPath, ...unitRuntime().nodeFlags, bundle.senderFile, '--s3-sender']);

    const status = JSON.parse(
      execFileSync(process.execPath, [bundle.file, 'status', '--config', configFile, '--json'], { cwd: join(bundle.file, '..'), env: { PATH: process.env.PATH ?? '' } }).toString(),
    );
    expect(status).toMatchObject({ running: true, queueLength: 0 });
    await waitFor('status to count the upload', () => readStatus(spool).gateway?.totals.uploaded === 1, 10_000, 50);
    await waitFor('a heartbeat at CloudWatch', () => cloudWatch.heartbeats() >= 1, 10_000, 50);
    expect(readStatus(spool).gateway?.heartbeat).toMatchObject({ cloudWatch: true, lastSentAt: expect.any(String) });
    await cloudWatch.stop();

    // A camera sends its next command the moment it reads 226: it is answered, never "503 a
    // transfer is in progress" (the gateway in its own process, as cameras meet it).
    const { client } = await RawFtp.open(port);
    expect((await client.login('garage', TEST_PASSWORD))?.code).toBe(230);
    expect((await client.send('TYPE I'))?.code).toBe(200);
    for (let i = 0; i < 60; i++) {
      // passive() sends PASV at once after the previous 226 and fails on any other reply.
      const data = await client.passive();
      expect((await client.send(`STOR burst_${i}.jpg`))?.code).toBe(150);
      data.end(Buffer.from(`still ${i}`));
      expect((await client.next())?.code).toBe(226);
    }
    expect((await client.send('NOOP'))?.code).toBe(200);
    client.close();

    // The stills just sent keep a sender running; it ends with the gateway.
    const sender = childProcesses(gateway.child.pid!)[0];
    expect(sender).toBeDefined();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toMatchObject({ code: 0 });
    await waitFor('the S3 sender to end with the gateway', () => !processAlive(sender!), 10_000, 50);
    expect(gateway.output()).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|Dynamic require/);
  }, 120_000);
});
