/**
 * The bundled gateway (gateway/build.ts) run as it runs on a gateway box: its two files
 * copied to a folder of its own, outside the checkout (so no node_modules can be found),
 * started by plain `node` with the systemd unit's node flags and environment. Used by
 * bundle.test.ts and bench/gateway-bundle.ts.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { buildGatewayBundle, type GatewayBundle } from './build.ts';
import { localAwsEnvironment } from '../runtime/local-credentials.ts';
import { observeProcess, unitRuntime, type GatewayProcess } from './test-support.ts';

/** Builds the bundle into `directory/build`, then installs only its two files in `directory/opt`: what a box gets. */
export async function installGatewayBundle(directory: string): Promise<GatewayBundle> {
  const built = await buildGatewayBundle(join(directory, 'build', 'camflow-gateway.mjs'));
  mkdirSync(join(directory, 'opt'), { recursive: true });
  const file = join(directory, 'opt', basename(built.file));
  const senderFile = join(directory, 'opt', basename(built.senderFile));
  copyFileSync(built.file, file);
  copyFileSync(built.senderFile, senderFile);
  return { ...built, file, senderFile };
}

/** `node <unit flags> bundle args…` in the bundle's folder, with only PATH and the AWS variables for `s3Endpoint`. */
export function spawnGatewayBundle(bundle: string, args: string[], s3Endpoint: string, extraEnvironment: Record<string, string> = {}): GatewayProcess {
  const runtime = unitRuntime();
  const child = spawn(process.execPath, [...runtime.nodeFlags, bundle, ...args], {
    cwd: join(bundle, '..'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...runtime.environment, ...localAwsEnvironment({ s3: s3Endpoint }), ...extraEnvironment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return observeProcess(child);
}

/** Resolves when an FTP server on `port` sends its 220 greeting (polled every 5 ms). */
export async function waitForFtpGreeting(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(String(data).startsWith('220'));
      });
      socket.once('error', () => resolve(false));
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error(`The bundled gateway did not answer on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resident memory of a process, in MB (VmRSS from /proc). */
export function residentMB(pid: number): number {
  return residentMemory(pid).rssMB;
}

/**
 * VmRSS, and its two parts: anonymous memory (the process's own: heaps, stacks) and file pages
 * (node's executable and libraries, clean and shared: the kernel can drop them and read them again).
 */
export function residentMemory(pid: number): { rssMB: number; anonMB: number; fileMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rssMB: mb('VmRSS'), anonMB: mb('RssAnon'), fileMB: mb('RssFile') };
}

/** The gateway's child processes (its S3 sender, while one runs): /proc/<pid>/task/<pid>/children. */
export function childProcesses(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** VmRSS of the gateway and its S3 sender together, MB (0 for a process that is gone). */
export function gatewayTreeMB(pid: number): number {
  const rss = (p: number) => {
    try {
      return residentMB(p);
    } catch {
      return 0;
    }
  };
  return [pid, ...childProcesses(pid)].reduce((sum, p) => sum + rss(p), 0);
}

/**
 * User + system CPU time, ms, of the gateway and its S3 senders (those running, and those ended:
 * the children's time the kernel adds to the parent once it reaped them). /proc/<pid>/stat, 100 ticks a second.
 */
export function gatewayCpuMs(pid: number): number {
  const fields = (p: number) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ').map(Number);
  const own = fields(pid);
  let ticks = own[11]! + own[12]! + own[13]! + own[14]!;
  for (const child of childProcesses(pid)) {
    try {
      const f = fields(child);
      ticks += f[11]! + f[12]!;
    } catch {
      // Ended meanwhile: counted in the parent's children time once reaped.
    }
  }
  return ticks * 10;
}

/**
 * A stand-in for CloudWatch's PutMetricData (AWS JSON 1.0: `200 {}`), so that the bundled
 * gateway sends its heartbeat as it does on a box talking to AWS (AWS_ENDPOINT_URL_CLOUDWATCH
 * points here) and loads what that takes. Counts the heartbeats received.
 */
export async function startCloudWatchStandIn(): Promise<{ endpoint: string; heartbeats(): number; stop(): Promise<void> }> {
  let heartbeats = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (String(request.headers['x-amz-target'] ?? '').endsWith('PutMetricData')) heartbeats++;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heartbeats: () => heartbeats,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
