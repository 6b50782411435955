/**
 * `camflow gateway status` (run as the real command, `node bin/camflow.js`) while a gateway
 * runs: queue length, oldest waiting file, last success, last error. Also `hash-password`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'basic-ftp';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { verifyPassword } from '../domain/password-hash.ts';
import type { StatusReport } from './status.ts';
import { startTestS3, tempDirectory, testConfig, TEST_PASSWORD, localGatewayAws, waitFor, writeRandomFile, startTestGateway } from './test-support.ts';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const camflow = (...args: string[]) => run(process.execPath, [join(root, 'bin/camflow.js'), 'gateway', ...args], { cwd: root });

let s3: Awaited<ReturnType<typeof startTestS3>> | undefined;
let gateway: RunningGateway | undefined;

afterAll(async () => {
  await gateway?.stop();
  await s3?.stop();
});

describe('camflow gateway status', () => {
  it('shows the queue, the oldest waiting file, the last error, then the last success', async () => {
    const s3Directory = tempDirectory('s3');
    s3 = await startTestS3(s3Directory);
    const port = s3.port;
    await s3.stop();
    const aws = localGatewayAws({ endpoint: `http://127.0.0.1:${port}` });
    const spool = tempDirectory('spool');
    gateway = await startTestGateway(await testConfig(spool, { upload: { retryBaseSeconds: 0.1, retryMaxSeconds: 0.3 } }), { aws });

    const media = tempDirectory('media');
    const client = new Client(10_000);
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'garage', password: TEST_PASSWORD });
    await client.uploadFrom(await writeRandomFile(join(media, 'a.mp4'), 3000), 'Garage_00_20240315080000.mp4');
    await client.uploadFrom(await writeRandomFile(join(media, 'b.mp4'), 5000), 'Garage_00_20240315080500.mp4');
    client.close();
    await waitFor('a failed upload', () => gateway!.status.state.lastError);
    gateway.status.flush();

    const text = (await camflow('status', '--spool', spool)).stdout;
    expect(text).toMatch(/^gateway: +running \(pid \d+, FTP on 127\.0\.0\.1:\d+/m);
    expect(text).toMatch(/^queue: +2 file\(s\) waiting for S3/m);
    expect(text).toMatch(/^oldest waiting: garage\/2024\/03\/15\/Garage_00_20240315080000\.mp4 \(received /m);
    expect(text).toMatch(/^last success: +-$/m);
    expect(text).toMatch(/^last error: +\S+: .+ \[garage\/2024\/03\/15\/Garage_00_2024031508\d{4}\.mp4\]/m);

    // S3 back: the queue empties and the last success shows.
    s3 = await startTestS3(s3Directory, port);
    await waitFor('the spool to drain', () => gateway!.spool.waiting().length === 0, 60_000);
    gateway.status.flush();
    const report = JSON.parse((await camflow('status', '--spool', spool, '--json')).stdout) as StatusReport;
    expect(report).toMatchObject({ running: true, queueLength: 0, queueBytes: 0 });
    expect(report.oldestWaiting).toBeUndefined();
    expect(report.lastSuccess?.key).toMatch(/^garage\/2024\/03\/15\/Garage_00_2024031508\d{4}\.mp4$/);
    expect(report.gateway?.totals).toMatchObject({ uploaded: 2, uploadedBytes: 8000 });

    // Stopped: status still reads the journal.
    await gateway.stop();
    const stopped = (await camflow('status', '--spool', spool)).stdout;
    expect(stopped).toMatch(/^gateway: +not running$/m);
    expect(stopped).toMatch(/^queue: +0 file\(s\)/m);
    expect(stopped).toMatch(/^last success: +garage\/2024\/03\/15\//m);
  });

  it('hash-password prints a hash of the password read from stdin', async () => {
    const child = execFile(process.execPath, [join(root, 'bin/camflow.js'), 'gateway', 'hash-password'], { cwd: root });
    child.stdin!.end('porch camera 2024\n');
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await new Promise((r) => child.on('exit', r));
    const hash = out.trim();
    expect(await verifyPassword('porch camera 2024', hash)).toBe(true);
  });

  it('explains what it needs', async () => {
    const failed = await camflow('status').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/--config FILE or --spool DIR/);
  });
});
