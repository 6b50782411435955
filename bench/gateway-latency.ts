/**
 * Evidence off the premises fast (issue 13): 14 cameras each send a 5 MiB clip at the same
 * moment to the bundled gateway (gateway/build.ts; one file, plain `node`, the systemd unit's
 * flags and environment, its default upload settings), on loopback, S3 = s3rver in this process.
 *
 * Each camera is a raw FTP client on its own control connection and its own login (USER/PASS as
 * that camera, TYPE I, PASV, STOR). All 14 log in and open their data connections first, then
 * all STOR at once.
 *
 * - Last byte: the moment the camera's data socket has handed its last byte to the network
 *   (`finish` after `end(clip)`), on this process's clock (Date.now()). The camera's `226`
 *   comes after: the gateway answers it once the clip is fsynced and journaled.
 * - Confirmation: the time on the gateway's own `confirmed` journal line for that clip, written
 *   the moment S3 answered the upload and its checksum/ETag was checked (journal.ts). Same machine,
 *   same clock.
 *
 * ROUNDS bursts (a new clip name per round), each once the previous one is confirmed; p50, p95
 * and max over all clips (target: p95 ≤ 1 s).
 *
 *   npx tsx bench/gateway-latency.ts       prints the result as JSON
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../runtime/node20-polyfills.ts';
import { gatewayCpuMs, installGatewayBundle, spawnGatewayBundle, startCloudWatchStandIn, waitForFtpGreeting } from '../gateway/bundle-test-support.ts';
import { readJournal } from '../gateway/journal.ts';
import { RawFtp } from '../gateway/raw-ftp-client.ts';
import { spoolPaths } from '../gateway/spool.ts';
import { startTestS3, tempDirectory, TEST_PASSWORD, testConfig, waitFor, writeConfigFile } from '../gateway/test-support.ts';
import { freePort } from '../runtime/local-stack.ts';
import { percentile } from './stats.ts';

const CAMERAS = 14;
const CLIP_BYTES = 5 * 1024 * 1024;
const ROUNDS = 5;

export interface GatewayLatencyResult {
  cameras: number;
  clipBytes: number;
  clips: number;
  /** Last byte → confirmed, ms. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Last byte → the camera's 226, ms (p50 / p95). */
  reply226: { p50Ms: number; p95Ms: number };
  uploadConcurrency: number;
  /** CPU time the gateway and its S3 sender process used per burst (user + system), ms: the work of receiving and sending 14 clips. */
  gatewayCpuMsPerBurst: number;
  /** 1-minute load average of the machine before and after (it is shared: other work competes for its cores). */
  loadAverage: { before: number; after: number };
  targetP95Ms: number;
}

/** One camera: logged in, data connection open, ready to STOR. */
async function readyCamera(port: number, camera: string) {
  const { client, greeting } = await RawFtp.open(port);
  if (greeting?.code !== 220) throw new Error(`${camera}: no greeting (${greeting?.text})`);
  const login = await client.login(camera, TEST_PASSWORD);
  if (login?.code !== 230) throw new Error(`${camera}: login refused (${login?.text})`);
  if ((await client.send('TYPE I'))?.code !== 200) throw new Error(`${camera}: TYPE I refused`);
  const data = await client.passive();
  return { client, data };
}

/** STOR `name` with `clip` on a ready camera: when its last byte left, when its 226 came. */
async function store(camera: Awaited<ReturnType<typeof readyCamera>>, name: string, clip: Buffer): Promise<{ lastByteAt: number; replyAt: number }> {
  const first = await camera.client.send(`STOR ${name}`);
  if (first?.code !== 150 && first?.code !== 125) throw new Error(`STOR ${name}: ${first?.text}`);
  const lastByteAt = await new Promise<number>((resolve) => camera.data.end(clip, () => resolve(Date.now())));
  const final = await camera.client.next(60_000);
  if (final?.code !== 226) throw new Error(`STOR ${name}: ${final?.text}`);
  const replyAt = Date.now();
  await camera.client.send('QUIT').catch(() => undefined);
  camera.client.close();
  return { lastByteAt, replyAt };
}

/** `uploadConcurrency`: instead of the config's default (to compare; the BENCHMARKS.md run uses the default). */
export async function runGatewayLatencyBenchmark(options: { uploadConcurrency?: number } = {}): Promise<GatewayLatencyResult> {
  const work = tempDirectory('bench-gateway-latency');
  const s3 = await startTestS3(join(work, 's3'));
  const cloudWatch = await startCloudWatchStandIn();
  const cameras = Array.from({ length: CAMERAS }, (_, i) => `camera-${String(i + 1).padStart(2, '0')}`);
  const spool = join(work, 'spool');
  const port = await freePort();
  const config = await testConfig(spool, {
    ...(options.uploadConcurrency ? { upload: { concurrency: options.uploadConcurrency } } : {}),
    cameraIds: cameras,
    ftp: { host: '127.0.0.1', port, passivePortMin: 0, passivePortMax: 0 },
    logLevel: 'WARN',
  });
  const configFile = writeConfigFile(join(work, 'gateway.json'), config);
  const bundle = await installGatewayBundle(work);
  const gateway = spawnGatewayBundle(bundle.file, ['--config', configFile], s3.endpoint, { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint });
  const loadBefore = loadavg()[0]!;
  const toConfirmed: number[] = [];
  const to226: number[] = [];
  let burstCpuMs = 0;
  try {
    await waitForFtpGreeting(port);
    for (let round = 0; round < ROUNDS; round++) {
      const clips = cameras.map(() => randomBytes(CLIP_BYTES));
      const ready = await Promise.all(cameras.map((camera) => readyCamera(port, camera)));
      const cpuBefore = gatewayCpuMs(gateway.child.pid!);
      const names = cameras.map((_, i) => `Clip_${String(i).padStart(2, '0')}_2024031514${String(round).padStart(2, '0')}00.mp4`);
      const sent = await Promise.all(ready.map((camera, i) => store(camera, names[i]!, clips[i]!)));
      // The gateway's own word: each clip's `confirmed` journal line.
      const confirmedAt = await waitFor(
        'every clip of the round confirmed by S3',
        () => {
          const { records } = readJournal(spoolPaths(spool).journal);
          const keyOf = new Map(records.flatMap((r) => (r.op === 'received' ? [[r.file.id, r.file] as const] : [])));
          const at = new Map<string, number>();
          for (const r of records) {
            if (r.op !== 'confirmed') continue;
            const file = keyOf.get(r.id);
            if (file && file.cameraPath === names[cameras.indexOf(file.camera)]) at.set(file.camera, Date.parse(r.at));
          }
          return at.size === cameras.length ? at : undefined;
        },
        120_000,
        20,
      );
      burstCpuMs += gatewayCpuMs(gateway.child.pid!) - cpuBefore;
      cameras.forEach((camera, i) => {
        toConfirmed.push(confirmedAt.get(camera)! - sent[i]!.lastByteAt);
        to226.push(sent[i]!.replyAt - sent[i]!.lastByteAt);
      });
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${gateway.output()}`);
  } finally {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
    await cloudWatch.stop();
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
  toConfirmed.sort((a, b) => a - b);
  to226.sort((a, b) => a - b);
  return {
    cameras: CAMERAS,
    clipBytes: CLIP_BYTES,
    clips: toConfirmed.length,
    p50Ms: percentile(toConfirmed, 50),
    p95Ms: percentile(toConfirmed, 95),
    maxMs: Math.max(...toConfirmed),
    reply226: { p50Ms: percentile(to226, 50), p95Ms: percentile(to226, 95) },
    uploadConcurrency: config.upload.concurrency,
    gatewayCpuMsPerBurst: burstCpuMs / ROUNDS,
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
    targetP95Ms: 1000,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runGatewayLatencyBenchmark(), null, 2));
}
