/**
 * The gateway as a box runs it (issue 13): the bundle from `npm run gateway:build`, alone in a
 * folder, started by plain `node` with the systemd unit's flags and environment, configured as
 * a box is by default (no `cameraTimeZone`: the cameras keep the box's zone, here TZ=BOX_ZONE, a
 * zone with daylight saving), against the local S3 (s3rver, in this process), its heartbeat going
 * to a CloudWatch stand-in as it goes to CloudWatch on a box that talks to AWS (so the idle
 * gateway holds what sending it takes).
 *
 * - Install size: the bundle's bytes — all a box needs besides node (target ≤ 30 MB).
 * - Start to listening: from spawning node to the FTP server's 220 greeting on its port
 *   (polled every 5 ms); median of ROUNDS starts (target ≤ 1 s).
 * - Idle RSS: the process's VmRSS (/proc/<pid>/status) after IDLE_MS listening, its first
 *   heartbeat sent, nothing to upload; median of the same starts (target ≤ 60 MB). Bare node
 *   (`node -e 'setInterval(()=>{},1e3)'`, same flags) is measured the same way beside it.
 * - Idle RSS after an upload: then a camera (curl) sends one clip; S3 confirms it (sent by the
 *   gateway's S3 sender process, which must still run then); once that process has ended
 *   (`upload.senderIdleSeconds` with nothing to send; checked in /proc), IDLE_MS later, the
 *   gateway's VmRSS again, with its anonymous and file-backed parts (RssAnon, RssFile).
 * - The same, fewer rounds, for cameras in another zone than the box (`cameraTimeZone`
 *   OTHER_ZONE): their times are read through Intl, whose ICU data the process then keeps.
 *
 *   npx tsx bench/gateway-bundle.ts       prints the result as JSON
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../runtime/node20-polyfills.ts';
import { execFileSync, spawn } from 'node:child_process';
import { childProcesses, installGatewayBundle, residentMemory, spawnGatewayBundle, startCloudWatchStandIn, waitForFtpGreeting } from '../gateway/bundle-test-support.ts';
import { readStatus } from '../gateway/status.ts';
import { makeClip, startTestS3, tempDirectory, TEST_PASSWORD, testConfig, unitRuntime, waitFor, writeConfigFile } from '../gateway/test-support.ts';
import { freePort } from '../runtime/local-stack.ts';
import { median } from './stats.ts';

const ROUNDS = 5;
const IDLE_MS = 5_000;
/** The box's zone (TZ), as a box in Europe has it. */
export const BOX_ZONE = 'Europe/Berlin';
/** Cameras set to another zone than the box's. */
export const OTHER_ZONE = 'America/New_York';
const OTHER_ZONE_ROUNDS = 3;

type Parts = { rssMB: number; anonMB: number; fileMB: number };

interface Round {
  startToListeningMs: number;
  idle: Parts;
  afterUpload: Parts;
  /** From S3's confirmation to the sender process gone. */
  senderGoneMs: number;
}

export interface GatewayBundleBenchmarkResult {
  bundleBytes: number;
  boxZone: string;
  startToListeningMs: number;
  idleRssMB: number;
  rounds: Round[];
  /** Medians after one clip went through and the S3 sender ended: VmRSS, RssAnon, RssFile. */
  afterUpload: Parts;
  /** The same parts for the idle gateway before any upload. */
  idleParts: { anonMB: number; fileMB: number };
  senderIdleSeconds: number;
  /** Median time from S3's confirmation to the sender process gone. */
  senderGoneMs: number;
  /** Cameras in another zone (`cameraTimeZone`): medians of fewer starts. */
  otherZone: { cameraTimeZone: string; rounds: number; idleRssMB: number; afterUploadRssMB: number; afterUpload: Parts };
  /** Plain node doing nothing, with the unit's flags and environment: the floor under idle RSS. */
  bareNodeRssMB: number;
  bareNodeParts: { anonMB: number; fileMB: number };
  heartbeatsSent: number;
  nodeCommand: string;
  targets: { bundleMB: number; startToListeningMs: number; idleRssMB: number };
}

const medianParts = (parts: Parts[]): Parts => ({ rssMB: median(parts.map((p) => p.rssMB)), anonMB: median(parts.map((p) => p.anonMB)), fileMB: median(parts.map((p) => p.fileMB)) });

export async function runGatewayBundleBenchmark(): Promise<GatewayBundleBenchmarkResult> {
  const work = tempDirectory('bench-gateway-bundle');
  const s3 = await startTestS3(join(work, 's3'));
  const cloudWatch = await startCloudWatchStandIn();
  const runtime = unitRuntime();
  let starts = 0;
  try {
    const bundle = await installGatewayBundle(work);
    const clip = makeClip(join(work, 'FrontDoor_00_20240315143022.mp4'), 2);
    let senderIdleSeconds = 0;

    /** One start: idle, one clip, the sender gone, idle again. */
    const round = async (name: string, cameraTimeZone?: string): Promise<Round> => {
      const spool = join(work, `spool-${name}`);
      const port = await freePort();
      const config = await testConfig(spool, { ftp: { host: '127.0.0.1', port, passivePortMin: 0, passivePortMax: 0 }, logLevel: 'WARN' });
      // As a box is configured by default: no cameraTimeZone (test configs say UTC).
      delete config.cameraTimeZone;
      if (cameraTimeZone) config.cameraTimeZone = cameraTimeZone;
      senderIdleSeconds = config.upload.senderIdleSeconds;
      const configFile = writeConfigFile(join(work, `gateway-${name}.json`), config);
      const started = performance.now();
      const gateway = spawnGatewayBundle(bundle.file, ['--config', configFile], s3.endpoint, { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint, TZ: BOX_ZONE });
      starts++;
      try {
        await waitForFtpGreeting(port);
        const startToListeningMs = performance.now() - started;
        await new Promise((r) => setTimeout(r, IDLE_MS));
        const pid = gateway.child.pid!;
        const idle = residentMemory(pid);
        if (cloudWatch.heartbeats() < starts) throw new Error(`The bundled gateway sent no heartbeat in start ${starts}: ${gateway.output()}`);
        if (childProcesses(pid).length > 0) throw new Error('The idle gateway runs an S3 sender before anything was sent.');
        execFileSync('curl', ['-sS', '--fail', '-T', clip, '--user', `front-door:${TEST_PASSWORD}`, `ftp://127.0.0.1:${port}/`], { timeout: 30_000 });
        await waitFor('the clip confirmed by S3', () => readStatus(spool).gateway?.totals.uploaded === 1, 30_000, 50);
        const confirmed = performance.now();
        if (childProcesses(pid).length !== 1) throw new Error(`The gateway had ${childProcesses(pid).length} S3 sender processes right after sending (expected 1): ${gateway.output()}`);
        await waitFor('the S3 sender to end', () => childProcesses(pid).length === 0, (senderIdleSeconds + 15) * 1000, 50);
        const senderGoneMs = performance.now() - confirmed;
        await new Promise((r) => setTimeout(r, IDLE_MS));
        return { startToListeningMs, idle, afterUpload: residentMemory(pid), senderGoneMs };
      } finally {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    };

    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(`box-${i}`));
    const other: Round[] = [];
    for (let i = 0; i < OTHER_ZONE_ROUNDS; i++) other.push(await round(`other-${i}`, OTHER_ZONE));

    const bareRss: Parts[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bare = spawn(process.execPath, [...runtime.nodeFlags, '-e', 'setInterval(() => {}, 1000)'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...runtime.environment, TZ: BOX_ZONE },
        stdio: 'ignore',
      });
      await new Promise((r) => setTimeout(r, IDLE_MS));
      bareRss.push(residentMemory(bare.pid!));
      bare.kill('SIGTERM');
      await new Promise((r) => bare.once('exit', r));
    }
    const idle = medianParts(rounds.map((r) => r.idle));
    const bareNode = medianParts(bareRss);
    const otherAfter = medianParts(other.map((r) => r.afterUpload));
    return {
      bundleBytes: bundle.bytes,
      boxZone: BOX_ZONE,
      startToListeningMs: median(rounds.map((r) => r.startToListeningMs)),
      idleRssMB: idle.rssMB,
      rounds,
      afterUpload: medianParts(rounds.map((r) => r.afterUpload)),
      idleParts: { anonMB: idle.anonMB, fileMB: idle.fileMB },
      senderIdleSeconds,
      senderGoneMs: median(rounds.map((r) => r.senderGoneMs)),
      otherZone: { cameraTimeZone: OTHER_ZONE, rounds: other.length, idleRssMB: median(other.map((r) => r.idle.rssMB)), afterUploadRssMB: otherAfter.rssMB, afterUpload: otherAfter },
      bareNodeRssMB: bareNode.rssMB,
      bareNodeParts: { anonMB: bareNode.anonMB, fileMB: bareNode.fileMB },
      heartbeatsSent: cloudWatch.heartbeats(),
      nodeCommand: `${Object.entries({ ...runtime.environment, TZ: BOX_ZONE })
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
