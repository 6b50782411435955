/**
 * The gateway as a box runs it (issue 13): the bundle from `npm run gateway:build`, alone in a
 * folder, started by plain `node` with the systemd unit's flags and environment, against the
 * local S3 (s3rver, in this process).
 *
 * - Install size: the bundle's bytes — all a box needs besides node (target ≤ 30 MB).
 * - Start to listening: from spawning node to the FTP server's 220 greeting on its port
 *   (polled every 5 ms); median of ROUNDS starts (target ≤ 1 s).
 * - Idle RSS: the process's VmRSS after IDLE_MS listening with nothing to do, median of the
 *   same starts (target ≤ 60 MB).
 *
 *   npx tsx bench/gateway-bundle.ts       prints the result as JSON
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../runtime/node20-polyfills.ts';
import { installGatewayBundle, residentMB, spawnGatewayBundle, waitForFtpGreeting } from '../gateway/bundle-support.ts';
import { startTestS3, tempDirectory, testConfig, writeConfigFile } from '../gateway/test-support.ts';
import { freePort } from '../runtime/local-stack.ts';

const ROUNDS = 5;
const IDLE_MS = 5_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface GatewayBundleBenchmarkResult {
  bundleBytes: number;
  startToListeningMs: number;
  idleRssMB: number;
  rounds: Array<{ startToListeningMs: number; idleRssMB: number }>;
  targets: { bundleMB: number; startToListeningMs: number; idleRssMB: number };
}

export async function runGatewayBundleBenchmark(): Promise<GatewayBundleBenchmarkResult> {
  const work = tempDirectory('bench-gateway-bundle');
  const s3 = await startTestS3(join(work, 's3'));
  try {
    const bundle = await installGatewayBundle(work);
    const rounds: GatewayBundleBenchmarkResult['rounds'] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const spool = join(work, `spool-${round}`);
      const port = await freePort();
      const configFile = writeConfigFile(join(work, `gateway-${round}.json`), await testConfig(spool, { ftp: { host: '127.0.0.1', port, passivePortMin: 0, passivePortMax: 0 }, logLevel: 'WARN' }));
      const started = performance.now();
      const gateway = spawnGatewayBundle(bundle.file, ['--config', configFile], s3.endpoint);
      try {
        await waitForFtpGreeting(port);
        const startToListeningMs = performance.now() - started;
        await new Promise((r) => setTimeout(r, IDLE_MS));
        rounds.push({ startToListeningMs, idleRssMB: residentMB(gateway.child.pid!) });
      } finally {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    }
    return {
      bundleBytes: bundle.bytes,
      startToListeningMs: median(rounds.map((r) => r.startToListeningMs)),
      idleRssMB: median(rounds.map((r) => r.idleRssMB)),
      rounds,
      targets: { bundleMB: 30, startToListeningMs: 1000, idleRssMB: 60 },
    };
  } finally {
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runGatewayBundleBenchmark(), null, 2));
}
