/**
 * The bundled gateway (gateway/build.ts) run as it runs on a gateway box: the one file
 * copied to a folder of its own, outside the checkout (so no node_modules can be found),
 * started by plain `node` with the systemd unit's node flags and environment. Used by
 * bundle.test.ts and bench/gateway-bundle.ts.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
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
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}
