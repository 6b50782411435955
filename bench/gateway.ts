/**
 * Gateway benchmark (issue 4), against the local S3 (s3rver, in this process):
 *
 * 1. Upload throughput: the same files go to S3 (a) through the gateway — spooled first (FTP in
 *    while S3 is unreachable), then the gateway is restarted and times itself from its start to
 *    its last S3 confirmation — and (b) through a bare SDK upload loop (PutObject, lib-storage
 *    Upload above the multipart threshold; same concurrency, part size and queue size; no
 *    checksums, no confirmation), in its own process like the gateway. Three alternating
 *    rounds, medians. Ratio = gateway MB/s ÷ bare MB/s (target ≥ 0.9).
 * 2. Peak memory: a large file (2 GiB by default) goes through the gateway — FTP in, multipart
 *    to S3, confirmed — while the RSS of the gateway process and of its S3 sender process is
 *    sampled from outside (/proc/<pid>/status VmRSS every 100 ms, summed, and each one's VmHWM).
 *    Target < 150 MB for the two together.
 *
 * The gateway runs as a box runs it (issue 13): the bundle from `npm run gateway:build`, alone in a
 * folder outside the checkout, started by plain `node` with gateway/camflow-gateway.service's node
 * flags and Environment= (gateway/bundle-test-support.ts).
 *
 *   npx tsx bench/gateway.ts [largeFileBytes]     prints the result as JSON
 */
import { createReadStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../runtime/node20-polyfills.ts';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Client } from 'basic-ftp';
import pLimit from 'p-limit';
import { readJournal } from '../gateway/journal.ts';
import { spoolPaths } from '../gateway/spool.ts';
import { readStatus } from '../gateway/status.ts';
import { childProcesses, gatewayTreeMB, installGatewayBundle, spawnGatewayBundle } from '../gateway/bundle-test-support.ts';
import { gatewayFtpPort, unitRuntime, startTestS3, tempDirectory, testConfig, TEST_PASSWORD, waitFor, writeConfigFile, writeRandomFile, type GatewayProcess } from '../gateway/test-support.ts';
import { localAwsEnvironment } from '../runtime/local-credentials.ts';
import { LOCAL_BUCKETS } from '../runtime/local-s3.ts';
import { freePort } from '../runtime/local-stack.ts';
import { median } from './stats.ts';

const MiB = 1024 * 1024;
const UPLOAD = { concurrency: 2, partSizeMB: 8, queueSize: 2, multipartThresholdMB: 16 };
const ROUNDS = 3;

export interface GatewayBenchmarkResult {
  throughputRatio: number;
  gatewayMBps: number;
  bareSdkMBps: number;
  /** The gateway and its S3 sender process together. */
  peakRssMB: number;
  /** The gateway process alone, and the sender alone. */
  gatewayPeakMB: number;
  senderPeakMB: number;
  largeFileBytes: number;
  notes: string[];
}

function readRss(pid: number): { rssMB: number; hwmMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

async function stopGateway(gateway: GatewayProcess): Promise<void> {
  gateway.child.kill('SIGTERM');
  await gateway.exited;
}

async function ftpUpload(port: number, files: string[]): Promise<void> {
  const client = new Client(600_000);
  await client.access({ host: '127.0.0.1', port, user: 'bench', password: TEST_PASSWORD });
  for (const file of files) await client.uploadFrom(file, file.split('/').at(-1)!);
  client.close();
}

/** The bare loop, in its own process: `tsx bench/gateway.ts --bare-upload DIR`. Prints elapsed ms. */
async function bareUploadLoop(directory: string): Promise<number> {
  const files = readdirSync(directory)
    .sort()
    .map((name) => join(directory, name));
  const started = performance.now();
  const client = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await pLimit(UPLOAD.concurrency).map(files, async (file) => {
    const size = statSync(file).size;
    const Key = `bare/${file.split('/').at(-1)}`;
    if (size <= UPLOAD.multipartThresholdMB * MiB) {
      await client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key, Body: createReadStream(file), ContentLength: size }));
    } else {
      await new Upload({
        client,
        params: { Bucket: LOCAL_BUCKETS.uploads, Key, Body: createReadStream(file, { highWaterMark: MiB }), ContentLength: size },
        partSize: UPLOAD.partSizeMB * MiB,
        queueSize: UPLOAD.queueSize,
      }).done();
    }
  });
  return performance.now() - started;
}

async function runBareLoop(directory: string, endpoint: string): Promise<number> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  // Its own process like the gateway, TypeScript through tsx like the gateway, default node settings.
  const { stdout: out } = await promisify(execFile)(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--bare-upload', directory], {
    env: { ...process.env, ...localAwsEnvironment({ s3: endpoint }) },
  });
  return Number(/elapsedMs=(\d+(?:\.\d+)?)/.exec(out)?.[1]);
}

export async function runGatewayBenchmark(options: { largeFileBytes?: number } = {}): Promise<GatewayBenchmarkResult> {
  const largeFileBytes = options.largeFileBytes ?? 2 * 1024 * MiB;
  const work = tempDirectory('bench-gateway');
  const s3 = await startTestS3(join(work, 's3'));
  const notes: string[] = [];
  // Run the gateway as the systemd unit does (its node flags and environment).
  const runtime = unitRuntime();
  notes.push(
    `Gateway process: the bundle (\`npm run gateway:build\`, the gateway's file and its S3 sender's, in a folder of their own): ${Object.entries(runtime.environment)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}node ${[...runtime.nodeFlags, 'camflow-gateway.mjs'].join(' ')} (as gateway/camflow-gateway.service runs it); S3 = s3rver in the benchmark process.`,
  );
  try {
    const bundle = await installGatewayBundle(join(work, 'bundle'));
    // --- 1. throughput -------------------------------------------------------------------
    const media = join(work, 'media');
    mkdirSync(media);
    const files: string[] = [];
    for (let i = 0; i < 16; i++) files.push(await writeRandomFile(join(media, `Clip_00_202403151400${String(i).padStart(2, '0')}.mp4`), 32 * MiB));
    for (let i = 0; i < 64; i++) files.push(await writeRandomFile(join(media, `Still_00_2024031515${String(Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}.jpg`), 256 * 1024));
    const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);

    // Alternate gateway and bare rounds (the machine is shared: take each one's median).
    const gatewayRuns: number[] = [];
    const bareRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const spool = join(work, `spool-${round}`);
      const configFile = writeConfigFile(join(work, `gateway-${round}.json`), await testConfig(spool, { cameraIds: ['bench'], upload: UPLOAD, spoolLimitMB: 100_000, logLevel: 'WARN' }));
      // Fill the spool while S3 is unreachable...
      const filling = spawnGatewayBundle(bundle.file, ['--config', configFile], `http://127.0.0.1:${await freePort()}`);
      await ftpUpload(await gatewayFtpPort(spool), files);
      await waitFor('all files spooled', () => readStatus(spool).queueLength === files.length, 120_000, 100);
      await stopGateway(filling);
      // ...then let the gateway empty it into S3: from its start to its last confirmation.
      const draining = spawnGatewayBundle(bundle.file, ['--config', configFile], s3.endpoint);
      await waitFor(
        'the spool to drain',
        () => {
          const r = readStatus(spool);
          return r.running && r.queueLength === 0;
        },
        600_000,
        100,
      );
      const startedAt = Date.parse(readStatus(spool).gateway!.startedAt);
      const lastConfirmed = Math.max(
        ...readJournal(spoolPaths(spool).journal)
          .records.filter((r) => r.op === 'confirmed')
          .map((r) => Date.parse(r.at)),
      );
      await stopGateway(draining);
      rmSync(spool, { recursive: true, force: true });
      gatewayRuns.push((lastConfirmed - startedAt) / 1000);
      bareRuns.push((await runBareLoop(media, s3.endpoint)) / 1000);
    }
    const gatewaySeconds = median(gatewayRuns);
    const bareSeconds = median(bareRuns);
    const gatewayMBps = totalBytes / MiB / gatewaySeconds;
    const bareSdkMBps = totalBytes / MiB / bareSeconds;
    notes.push(
      `Throughput set: ${files.length} files, ${(totalBytes / MiB).toFixed(0)} MiB (16 × 32 MiB clips, 64 × 256 KiB stills); concurrency ${UPLOAD.concurrency}, parts ${UPLOAD.partSizeMB} MiB, queueSize ${UPLOAD.queueSize}; ${ROUNDS} alternating rounds, medians.`,
      `Gateway: ${gatewayRuns.map((x) => x.toFixed(2)).join(' / ')} s from start to last S3 confirmation (spool filled beforehand; SHA-256 checksum headers on every request; confirmed by the MD5 ETag s3rver returns, since s3rver returns no checksum). Bare SDK loop (plain tsx; PutObject, lib-storage Upload above ${UPLOAD.multipartThresholdMB} MiB; no checksums, no confirmation): ${bareRuns.map((x) => x.toFixed(2)).join(' / ')} s.`,
    );
    rmSync(media, { recursive: true, force: true });

    // --- 2. peak memory with a large file ----------------------------------------------
    const large = await writeRandomFile(join(work, 'Large_00_20240315160000.mp4'), largeFileBytes);
    const spool2 = join(work, 'spool-large');
    const configFile2 = writeConfigFile(join(work, 'gateway-large.json'), await testConfig(spool2, { cameraIds: ['bench'], upload: UPLOAD, spoolLimitMB: 100_000, logLevel: 'WARN' }));
    const gateway = spawnGatewayBundle(bundle.file, ['--config', configFile2], s3.endpoint);
    const pid = gateway.child.pid!;
    let peakSampledMB = 0;
    // The gateway and its S3 sender process together (the sender runs while there is something to send).
    let peakTreeMB = 0;
    let senderPeakMB = 0;
    const sampler = setInterval(() => {
      const r = readRss(pid);
      if (r) peakSampledMB = Math.max(peakSampledMB, r.rssMB);
      peakTreeMB = Math.max(peakTreeMB, gatewayTreeMB(pid));
      for (const child of childProcesses(pid)) senderPeakMB = Math.max(senderPeakMB, readRss(child)?.hwmMB ?? 0);
    }, 100);
    const largeStarted = performance.now();
    await ftpUpload(await gatewayFtpPort(spool2), [large]);
    await waitFor('the large file to be confirmed', () => readStatus(spool2).queueLength === 0, 1_800_000, 200);
    const largeSeconds = (performance.now() - largeStarted) / 1000;
    clearInterval(sampler);
    const hwm = readRss(pid)?.hwmMB ?? 0;
    await stopGateway(gateway);
    const gatewayPeakMB = Math.max(hwm, peakSampledMB);
    const peakRssMB = Math.max(peakTreeMB, gatewayPeakMB);
    notes.push(
      `Large file: ${(largeFileBytes / MiB).toFixed(0)} MiB FTP in → spool → multipart (${Math.ceil(largeFileBytes / (UPLOAD.partSizeMB * MiB))} parts) → confirmed in ${largeSeconds.toFixed(1)} s; peak RSS of the gateway and its S3 sender process together ${peakRssMB.toFixed(0)} MB (highest sum of their VmRSS sampled every 100 ms); the gateway process alone ${gatewayPeakMB.toFixed(0)} MB (VmHWM ${hwm.toFixed(0)} MB), the sender alone ${senderPeakMB.toFixed(0)} MB (its VmHWM; the two peaks need not fall at the same moment: their sum, ${(gatewayPeakMB + senderPeakMB).toFixed(0)} MB, bounds the joint peak from above); the bundle under plain node.`,
    );
    return { throughputRatio: gatewayMBps / bareSdkMBps, gatewayMBps, bareSdkMBps, peakRssMB, gatewayPeakMB, senderPeakMB, largeFileBytes, notes };
  } finally {
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--bare-upload') {
    const ms = await bareUploadLoop(process.argv[3]!);
    console.log(`elapsedMs=${ms}`);
  } else {
    const largeFileBytes = process.argv[2] ? Number(process.argv[2]) : undefined;
    console.log(JSON.stringify(await runGatewayBenchmark(largeFileBytes ? { largeFileBytes } : {}), null, 2));
  }
}
