/**
 * The bundled gateway (gateway/build.ts) run as it runs on a gateway box: the one file
 * copied to a folder of its own, outside the checkout (so no node_modules can be found),
 * started by plain `node` with the systemd unit's node flags and environment. Used by
 * bundle.test.ts and bench/gateway-bundle.ts.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildGatewayBundle, type GatewayBundle } from './build.ts';
import { localAwsEnvironment } from '../runtime/local-credentials.ts';
import { observeProcess, unitRuntime, type GatewayProcess } from './test-support.ts';

/** Builds the bundle into `directory/build`, then installs only that file in `directory/opt`: what a box gets. */
export async function installGatewayBundle(directory: string): Promise<GatewayBundle> {
  const built = await buildGatewayBundle(join(directory, 'build', 'camflow-gateway.mjs'));
  mkdirSync(join(directory, 'opt'), { recursive: true });
  const file = join(directory, 'opt', 'camflow-gateway.mjs');
  copyFileSync(built.file, file);
  return { ...built, file };
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
