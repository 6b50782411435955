/**
 * The gateway as a box runs it (issue 13): the bundle from `npm run gateway:build`, alone in a
 * folder, started by plain `node` with the systemd unit's flags and environment, against the
 * local S3 (s3rver, in this process), its heartbeat going to a CloudWatch stand-in as it goes to
 * CloudWatch on a box that talks to AWS (so the idle gateway holds what sending it takes).
 *
 * - Install size: the bundle's bytes — all a box needs besides node (target ≤ 30 MB).
 * - Start to listening: from spawning node to the FTP server's 220 greeting on its port
 *   (polled every 5 ms); median of ROUNDS starts (target ≤ 1 s).
 * - Idle RSS: the process's VmRSS (/proc/<pid>/status) after IDLE_MS listening, its first
 *   heartbeat sent, nothing to upload; median of the same starts (target ≤ 60 MB). Bare node
 *   (`node -e 'setInterval(()=>{},1e3)'`, same flags) is measured the same way beside it.
 * - Idle RSS after an upload: then a camera (curl) sends one clip; once S3 confirmed it, IDLE_MS
 *   later, VmRSS again, with its anonymous and file-backed parts (RssAnon, RssFile): the S3 part
 *   of the SDK is loaded at the first upload, and uploading touches more of node's own code.
 *
 *   npx tsx bench/gateway-bundle.ts       prints the result as JSON
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../runtime/node20-polyfills.ts';
import { execFileSync, spawn } from 'node:child_process';
import { installGatewayBundle, residentMemory, spawnGatewayBundle, startCloudWatchStandIn, waitForFtpGreeting } from '../gateway/bundle-test-support.ts';
import { readStatus } from '../gateway/status.ts';
import { makeClip, startTestS3, tempDirectory, TEST_PASSWORD, testConfig, unitRuntime, waitFor, writeConfigFile } from '../gateway/test-support.ts';
import { freePort } from '../runtime/local-stack.ts';
import { median } from './stats.ts';

const ROUNDS = 5;
const IDLE_MS = 5_000;

export interface GatewayBundleBenchmarkResult {
  bundleBytes: number;
  startToListeningMs: number;
  idleRssMB: number;
  rounds: Array<{ startToListeningMs: number; idleRssMB: number; afterUpload: { rssMB: number; anonMB: number; fileMB: number } }>;
  /** Medians after one clip went through: VmRSS, RssAnon, RssFile. */
  afterUpload: { rssMB: number; anonMB: number; fileMB: number };
  /** The same parts for the idle gateway before any upload. */
  idleParts: { anonMB: number; fileMB: number };
  /** Plain node doing nothing, with the unit's flags and environment: the floor under idle RSS. */
  bareNodeRssMB: number;
  bareNodeParts: { anonMB: number; fileMB: number };
  heartbeatsSent: number;
  nodeCommand: string;
  targets: { bundleMB: number; startToListeningMs: number; idleRssMB: number };
}

export async function runGatewayBundleBenchmark(): Promise<GatewayBundleBenchmarkResult> {
  const work = tempDirectory('bench-gateway-bundle');
  const s3 = await startTestS3(join(work, 's3'));
  const cloudWatch = await startCloudWatchStandIn();
  const runtime = unitRuntime();
  try {
    const bundle = await installGatewayBundle(work);
    const rounds: GatewayBundleBenchmarkResult['rounds'] = [];
    const idleParts: Array<{ anonMB: number; fileMB: number }> = [];
    const clip = makeClip(join(work, 'FrontDoor_00_20240315143022.mp4'), 2);
    for (let round = 0; round < ROUNDS; round++) {
      const spool = join(work, `spool-${round}`);
      const port = await freePort();
      const configFile = writeConfigFile(join(work, `gateway-${round}.json`), await testConfig(spool, { ftp: { host: '127.0.0.1', port, passivePortMin: 0, passivePortMax: 0 }, logLevel: 'WARN' }));
      const started = performance.now();
      const gateway = spawnGatewayBundle(bundle.file, ['--config', configFile], s3.endpoint, { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint });
      try {
        await waitForFtpGreeting(port);
        const startToListeningMs = performance.now() - started;
        await new Promise((r) => setTimeout(r, IDLE_MS));
        const idle = residentMemory(gateway.child.pid!);
        idleParts.push(idle);
        if (cloudWatch.heartbeats() < round + 1) throw new Error(`The bundled gateway sent no heartbeat in round ${round + 1}: ${gateway.output()}`);
        execFileSync('curl', ['-sS', '--fail', '-T', clip, '--user', `front-door:${TEST_PASSWORD}`, `ftp://127.0.0.1:${port}/`], { timeout: 30_000 });
        await waitFor('the clip confirmed by S3', () => readStatus(spool).gateway?.totals.uploaded === 1, 30_000, 50);
        await new Promise((r) => setTimeout(r, IDLE_MS));
        rounds.push({ startToListeningMs, idleRssMB: idle.rssMB, afterUpload: residentMemory(gateway.child.pid!) });
      } finally {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    }
    const bareRss: Array<{ rssMB: number; anonMB: number; fileMB: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bare = spawn(process.execPath, [...runtime.nodeFlags, '-e', 'setInterval(() => {}, 1000)'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...runtime.environment },
        stdio: 'ignore',
      });
      await new Promise((r) => setTimeout(r, IDLE_MS));
      bareRss.push(residentMemory(bare.pid!));
      bare.kill('SIGTERM');
      await new Promise((r) => bare.once('exit', r));
    }
    return {
      bundleBytes: bundle.bytes,
      startToListeningMs: median(rounds.map((r) => r.startToListeningMs)),
      idleRssMB: median(rounds.map((r) => r.idleRssMB)),
      rounds,
      afterUpload: {
        rssMB: median(rounds.map((r) => r.afterUpload.rssMB)),
        anonMB: median(rounds.map((r) => r.afterUpload.anonMB)),
        fileMB: median(rounds.map((r) => r.afterUpload.fileMB)),
      },
      idleParts: { anonMB: median(idleParts.map((p) => p.anonMB)), fileMB: median(idleParts.map((p) => p.fileMB)) },
      bareNodeRssMB: median(bareRss.map((b) => b.rssMB)),
      bareNodeParts: { anonMB: median(bareRss.map((b) => b.anonMB)), fileMB: median(bareRss.map((b) => b.fileMB)) },
      heartbeatsSent: cloudWatch.heartbeats(),
      nodeCommand: `${Object.entries(runtime.environment)
        .map(([k, v]) => `${k}=${v} `)
        .join('')}node ${runtime.nodeFlags.join(' ')} camflow-gateway.mjs`,
      targets: { bundleMB: 30, startToListeningMs: 1000, idleRssMB: 60 },
    };
  } finally {
    await cloudWatch.stop();
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runGatewayBundleBenchmark(), null, 2));
}
