/**
 * `npm run bench`: every benchmark in one run on this machine, written to BENCHMARKS.md with
 * the machine it ran on. Claims are ratios measured in the same run (pipeline vs bare ffmpeg,
 * gateway vs bare SDK) or absolute numbers with the machine beside them.
 *
 * `npm run bench -- pipeline api` runs only the named groups (pipeline, orchestration, burst, web,
 * gateway, gateway-bundle, gateway-latency, api, cost, alerts).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import '../runtime/node20-polyfills.ts';
import { burst, newWorkDirectory, orchestrationThroughput, pipelineOverhead, removeWorkDirectory } from './pipeline.ts';

function machine(): string[] {
  const ffmpeg = execFileSync('ffmpeg', ['-hide_banner', '-version']).toString().split('\n')[0];
  return [
    `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${process.version}, ${process.platform}/${process.arch}`,
    `- ${ffmpeg}`,
    `- Date: ${new Date().toISOString()}`,
  ];
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

/**
 * The "## " sections of a BENCHMARKS.md text, in order, keyed by heading. Fresh sections
 * (`measured` given) get a "Measured on" line under their heading; kept ones keep theirs.
 */
function blocksByHeading(text: string, measured: string | undefined): Map<string, string> {
  const blocks = new Map<string, string>();
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (heading === undefined) return;
    const body = lines.join('\n').trim();
    blocks.set(heading, [heading, '', ...(measured ? [`Measured on ${measured}.`, ''] : []), body, ''].join('\n'));
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) {
      flush();
      heading = line;
      lines = [];
    } else if (heading !== undefined) lines.push(line);
  }
  flush();
  return blocks;
}

async function main(): Promise<void> {
  const startLoad = loadavg()[0] ?? 0;
  const wanted = new Set(process.argv.slice(2));
  const want = (name: string) => wanted.size === 0 || wanted.has(name);
  const work = newWorkDirectory();
  const sections: string[] = [];
  const summary: Record<string, unknown> = {};
  try {
    if (want('pipeline')) {
      const r = await pipelineOverhead(work);
      summary.pipeline = r;
      sections.push(
        '## Pipeline overhead (issue 3)',
        '',
        `Upload to SUCCEEDED for a ${r.clip} clip through the whole local stack (trigger, workflow, every task, MediaConvert on ffmpeg with its S3 download and uploads), divided by bare ffmpeg making the same outputs with the same commands from a local file; ${r.rounds.length} alternating rounds in one run, medians.`,
        '',
        '| pipeline (s) | bare ffmpeg (s) | ratio | target | rounds (pipeline / bare, s) |',
        '|---|---|---|---|---|',
        `| ${fmt(r.pipelineSeconds)} | ${fmt(r.bareFfmpegSeconds)} | ${fmt(r.ratio, 3)} | ≤ ${r.target} | ${r.rounds.map((x) => `${fmt(x.pipelineSeconds, 1)} / ${fmt(x.bareFfmpegSeconds, 1)}`).join(', ')} |`,
        '',
      );
      console.log('pipeline', r);
    }
    if (want('orchestration')) {
      const r = await orchestrationThroughput(work);
      summary.orchestration = r;
      sections.push(
        '## Orchestration (issue 3)',
        '',
        'The clip workflow (the synthesized ASL) on the local Step Functions endpoint with every task answering at once, started through the SDK.',
        '',
        '| executions | seconds | executions/s |',
        '|---|---|---|',
        `| ${r.executions} | ${fmt(r.seconds)} | ${fmt(r.executionsPerSecond, 1)} |`,
        '',
      );
      console.log('orchestration', r);
    }
    if (want('burst')) {
      const r = await burst(work);
      summary.burst = r;
      sections.push(
        '## Burst of clips (issue 3)',
        '',
        `${r.clips} clips (6 s 720p H.264/AAC) from ${r.cameras} cameras uploaded at once to \`camflow up\` running as its own process. Peak memory is the runtime process's RSS high-water mark (VmHWM); ffmpeg children are separate processes and not counted.`,
        '',
        '| clips | succeeded | time to drain (s) | peak RSS (MB) | target |',
        '|---|---|---|---|---|',
        `| ${r.clips} | ${r.succeeded} | ${fmt(r.drainSeconds, 1)} | ${fmt(r.peakRssMB, 0)} | < ${r.targetPeakRssMB} MB |`,
        '',
      );
      console.log('burst', r);
    }
    if (want('alerts')) {
      const { alertLatency } = await import('./alerts.ts');
      const r = await alertLatency(work);
      summary.alerts = r;
      sections.push(
        '## Upload to motion alert (issue 11)',
        '',
        `A burst of ${r.clips} clips (6 s 1080p H.264/AAC) from ${r.cameras} cameras uploaded at once to the local stack, every camera rendering the \`full\` ladder with ${r.renderConcurrency} renders at a time, so renders queue (${fmt(r.drainSeconds, 1)} s until the last one finished). Seconds from each clip's upload (the moment S3 stored it: its object-created event, as the trigger sees it in AWS too) to its motion alert published (the outbox's publishedAt); cooldown 0, so every clip alerts. Beside it, from the PutObject call, which adds sending the 20 clips (10 MB each) at once through the local S3, one single-threaded process shared with the whole stack.`,
        '',
        '| clips | alerted | uploaded → alert: p50 (s) | p95 (s) | target p95 | from the PutObject call: p50 / p95 / max (s) | load average |',
        '|---|---|---|---|---|---|---|',
        `| ${r.clips} | ${r.alerted} | ${fmt(r.fromCreatedP50Seconds)} | ${fmt(r.fromCreatedP95Seconds)} | ≤ ${r.targetP95Seconds} s | ${fmt(r.p50Seconds)} / ${fmt(r.p95Seconds)} / ${fmt(r.maxSeconds)} | ${fmt(r.loadAverage, 1)} |`,
        '',
        'Where the time goes (from the execution histories; each stage from the end of the previous one, p50 and p95 taken per stage, so they do not add up exactly):',
        '',
        '| stage | p50 (s) | p95 (s) |',
        '|---|---|---|',
        ...r.stages.map((s) => `| ${s.stage} | ${fmt(s.p50Seconds)} | ${fmt(s.p95Seconds)} |`),
        '',
      );
    }

    if (want('gateway')) {
      const { runGatewayBenchmark } = await import('./gateway.ts');
      const r = await runGatewayBenchmark();
      summary.gateway = r;
      sections.push(
        '## Gateway (issue 4)',
        '',
        'Upload throughput to the local S3 through the gateway vs a bare SDK upload loop of the same files, and the peak RSS of the gateway process and its S3 sender process together while a large file goes through. The gateway is the bundle (`npm run gateway:build`) run by plain node as the systemd unit runs it (issue 13).',
        '',
        '| gateway (MB/s) | bare SDK (MB/s) | ratio | target | large file | peak RSS (MB) | target |',
        '|---|---|---|---|---|---|---|',
        `| ${fmt(r.gatewayMBps, 1)} | ${fmt(r.bareSdkMBps, 1)} | ${fmt(r.throughputRatio, 3)} | ≥ 0.9 | ${fmt(r.largeFileBytes / 2 ** 30, 2)} GiB | ${fmt(r.peakRssMB, 0)} | < 150 MB |`,
        '',
        ...r.notes.map((n: string) => `- ${n}`),
        '',
      );
      console.log('gateway', r);
    }
    if (want('gateway-bundle')) {
      const { runGatewayBundleBenchmark } = await import('./gateway-bundle.ts');
      const r = await runGatewayBundleBenchmark();
      summary.gatewayBundle = r;
      sections.push(
        '## Gateway on a small box (issue 13)',
        '',
        `The gateway as \`npm run gateway:build\` bundles it: two files (the gateway, and the S3 sender it starts when it has files to send), alone in a folder, the gateway started by plain \`node\` as the systemd unit runs it (\`${r.nodeCommand}\`), configured as a box is by default: no \`cameraTimeZone\`, so the cameras keep the box's zone (TZ=${r.boxZone}); medians of ${r.rounds.length} starts. Install size = the two files' bytes (all a box needs besides node). Start to listening = spawning node to the FTP 220 greeting. Idle RSS = VmRSS from /proc after 5 s listening, its first heartbeat sent (to a CloudWatch stand-in, as on a box that talks to AWS: ${r.heartbeatsSent} heartbeats for ${r.rounds.length + r.otherZone.rounds} starts), nothing to upload. After one upload = a camera (curl) sends one 2 s clip, the gateway's S3 sender process sends it (checked running when S3 confirmed it), the sender ends after \`upload.senderIdleSeconds\` (${r.senderIdleSeconds} s; gone from /proc ${fmt(r.senderGoneMs / 1000, 1)} s after the confirmation), then 5 s later the gateway's VmRSS. Bare node = \`node -e 'setInterval(()=>{},1e3)'\` with the same flags and environment, measured the same way.`,
        '',
        '| install size (bundle) | target | start to listening (ms) | target | idle RSS (MB) | target | idle RSS after one upload (MB) | bare node RSS (MB) |',
        '|---|---|---|---|---|---|---|---|',
        `| ${fmt(r.bundleBytes / 2 ** 20, 2)} MiB | ≤ ${r.targets.bundleMB} MB | ${fmt(r.startToListeningMs, 0)} | ≤ ${r.targets.startToListeningMs} | ${fmt(r.idleRssMB, 1)} | ≤ ${r.targets.idleRssMB} | ${fmt(r.afterUpload.rssMB, 1)} | ${fmt(r.bareNodeRssMB, 1)} |`,
        '',
        `Anonymous / file-backed parts of that RSS (RssAnon / RssFile, MB): idle ${fmt(r.idleParts.anonMB, 1)} / ${fmt(r.idleParts.fileMB, 1)}; after one upload ${fmt(r.afterUpload.anonMB, 1)} / ${fmt(r.afterUpload.fileMB, 1)}; bare node ${fmt(r.bareNodeParts.anonMB, 1)} / ${fmt(r.bareNodeParts.fileMB, 1)}. File-backed pages are node's own executable and libraries, clean and shared (the kernel drops and rereads them under pressure), but a process keeps those it has touched: the S3 SDK and the HTTP upload path run in the sender process, which ends, and capture times in the box's own zone are read through Date, not Intl (whose ICU data would stay). After one upload the idle gateway is ${r.afterUpload.rssMB <= r.targets.idleRssMB ? 'within' : '**over**'} the ${r.targets.idleRssMB} MB target.`,
        '',
        `Cameras in another zone than the box (\`cameraTimeZone: "${r.otherZone.cameraTimeZone}"\`, read through Intl; medians of ${r.otherZone.rounds} starts): idle RSS ${fmt(r.otherZone.idleRssMB, 1)} MB, after one upload ${fmt(r.otherZone.afterUploadRssMB, 1)} MB (RssAnon / RssFile ${fmt(r.otherZone.afterUpload.anonMB, 1)} / ${fmt(r.otherZone.afterUpload.fileMB, 1)}): ${fmt(r.otherZone.afterUploadRssMB - r.afterUpload.rssMB, 1)} MB more than with the box's zone.`,
        '',
        `Per start (ms to listening / idle MB / after one upload MB): ${r.rounds.map((x: { startToListeningMs: number; idle: { rssMB: number }; afterUpload: { rssMB: number } }) => `${fmt(x.startToListeningMs, 0)} / ${fmt(x.idle.rssMB, 1)} / ${fmt(x.afterUpload.rssMB, 1)}`).join(', ')}.`,
        '',
      );
      console.log('gateway-bundle', r);
    }
    if (want('gateway-latency')) {
      const { runGatewayLatencyBenchmark } = await import('./gateway-latency.ts');
      const r = await runGatewayLatencyBenchmark();
      summary.gatewayLatency = r;
      sections.push(
        '## Evidence off the premises (issue 13)',
        '',
        `${r.cameras} cameras each send a ${fmt(r.clipBytes / 2 ** 20, 0)} MiB clip at the same moment to the bundled gateway (plain node, the systemd unit's flags, default upload settings: ${r.uploadConcurrency} uploads at a time), loopback, S3 = s3rver; each camera a raw FTP client with its own login; ${r.clips} clips in ${r.clips / r.cameras} bursts. Last byte = the camera's data socket has handed its last byte to the network; confirmation = the gateway's own \`confirmed\` journal line for the clip, written when S3 answered and its checksum/ETag matched. The camera's 226 comes once the clip is fsynced and journaled.`,
        '',
        '| clips | last byte → S3 confirmed: p50 (ms) | p95 (ms) | max (ms) | target p95 | last byte → 226: p50 / p95 (ms) | gateway CPU per burst (ms) | load average before / after |',
        '|---|---|---|---|---|---|---|---|',
        `| ${r.clips} | ${fmt(r.p50Ms, 0)} | ${fmt(r.p95Ms, 0)} | ${fmt(r.maxMs, 0)} | ≤ ${r.targetP95Ms} ms | ${fmt(r.reply226.p50Ms, 0)} / ${fmt(r.reply226.p95Ms, 0)} | ${fmt(r.gatewayCpuMsPerBurst, 0)} | ${fmt(r.loadAverage.before, 1)} / ${fmt(r.loadAverage.after, 1)} |`,
        '',
        ...(r.p95Ms <= r.targetP95Ms
          ? []
          : [
              `The p95 target is not met here. The machine is shared (load average above; it has ${cpus().length} cores): the gateway needs about ${fmt(r.gatewayCpuMsPerBurst, 0)} ms of CPU per burst (${fmt((r.cameras * r.clipBytes) / 2 ** 20, 0)} MiB received, hashed with SHA-256 and MD5, written and fsynced, then sent), s3rver and the 14 clients run beside it, and a clip is confirmed only after it is durable on the gateway (226) and stored by S3.`,
              '',
            ]),
      );
      console.log('gateway-latency', r);
    }
    if (want('web')) {
      const { runWebBenchmark } = await import('./web.ts');
      const r = await runWebBenchmark({ log: (line) => console.error(line) });
      summary.web = r;
      const kb = (bytes: number) => fmt(bytes / 1024, 1);
      sections.push(
        '## Web app in Chromium (issue 9)',
        '',
        "Debian's Chromium (headless, playwright-core) against the local stack as `camflow up` serves it (bench/web.ts).",
        '',
        '| measure | result | target |',
        '|---|---|---|',
        `| JavaScript for the first page (sign-in, then the camera grid), gzipped | ${kb(r.firstPage.gzipBytes)} KB in ${r.firstPage.scripts.length} file(s); hls.js loaded: ${r.firstPage.hlsLoaded ? 'yes' : 'no'}; Cognito library loaded: ${r.firstPage.cognitoLoaded ? 'yes' : 'no'} | ≤ ${r.targets.firstPageKB} KB, no hls.js |`,
        `| click on a clip → first frame, p50 over ${r.clickToFirstFrame.samplesMs.length} processed clips (max) | ${fmt(r.clickToFirstFrame.p50Ms, 0)} ms (${fmt(r.clickToFirstFrame.maxMs, 0)} ms) | ≤ ${r.targets.clickToFirstFrameMs} ms |`,
        `| a camera with ${r.scroll.clips.toLocaleString('en-US')} clips scrolled top to bottom (${r.scroll.pagesLoaded} pages by cursor, ${fmt(r.scroll.seconds, 1)} s): long tasks over 50 ms | ${r.scroll.longTasksOver50Ms} (longest task ${fmt(r.scroll.longestTaskMs, 0)} ms, ${r.scroll.longTasks} long tasks; load average ${fmt(r.scroll.loadAverage, 1)} on ${cpus().length} cores) | 0 |`,
        '',
        `Loaded later, gzipped: ${Object.entries(r.laterChunks)
          .map(([name, bytes]) => `${name.replace(/-[\w-]+\.js$/, '')} ${kb(bytes)} KB`)
          .join(', ')} (the player and hls.js when a clip opens); the Cognito library, ${kb(r.cognitoChunkGzipBytes)} KB, only when config.json names a user pool.`,
        '',
        "Click → first frame: the click on a clip in its camera's list, then on Play as soon as the player shows it (the poster shows until then), to the first frame the video presents after play (requestVideoFrameCallback), in the page's clock. The 10,000 clips are written straight into the local catalog; each shows a real poster; the list is scrolled by the mouse wheel until its oldest clip shows, then left 2 s at rest (rows that appear during a scroll show their poster when the list comes to rest), with a PerformanceObserver for 'longtask' entries. Long tasks are wall-clock: the load average of the machine during the scroll is given beside them.",
        ...(r.scroll.longTasksOver50Ms === 0 && r.clickToFirstFrame.p50Ms <= r.targets.clickToFirstFrameMs && r.firstPage.gzipBytes <= r.targets.firstPageKB * 1024
          ? []
          : [
              '',
              'Not every target is met in this run (the table says which). A run on a machine busy with other work (load average above its core count) stretches every task of the page in wall-clock time; run `npm run bench -- web` on an idle machine before reading much into the long tasks.',
            ]),
        '',
      );
      console.log('web', r);
    }
    if (want('api')) {
      const { runApiBenchmark } = await import('./api.ts');
      const rows = await runApiBenchmark();
      summary.api = rows;
      sections.push(
        '## REST API (issue 5)',
        '',
        '`GET /cameras/{id}/clips?limit=50` at 50 concurrent connections (autocannon, loopback), with the catalog at two sizes across 14 cameras.',
        '',
        '| clips in catalog | requests | p50 (ms) | p99 (ms) | target p99 | same Query straight to the local DynamoDB, no API: p50 / p99 (ms) |',
        '|---|---|---|---|---|---|',
        ...rows.map(
          (r: { clips: number; requests: number; p50Ms: number; p99Ms: number; bareQuery: { p50Ms: number; p99Ms: number } }) =>
            `| ${r.clips.toLocaleString('en-US')} | ${r.requests} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | < 50 ms | ${fmt(r.bareQuery.p50Ms, 1)} / ${fmt(r.bareQuery.p99Ms, 1)} |`,
        ),
        '',
        "The last column is the floor under the API on this machine: dynalite (the local DynamoDB) answering the route's own Query at the same concurrency.",
        ...(rows.every((r: { p99Ms: number }) => r.p99Ms < 50)
          ? []
          : [
              '',
              'The p99 target is not met here. The API answers no slower than the database under it (compare the last column), and not slower with 100 times the clips: every page is one Query with Limit 50 on the camera index. What limits it is dynalite on two shared cores.',
            ]),
        '',
      );
      console.log('api', rows);
    }
    if (want('cost')) {
      const { runCostBenchmark } = await import('./cost.ts');
      const r = await runCostBenchmark(work);
      summary.cost = r;
      const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;
      sections.push(
        '## Cost (issue 12)',
        '',
        `The reference home (14 cameras × 50 clips a day × 20 s, 1080p at 4 Mbit/s, standard retention, email alerts; ${Math.round(r.bills[0]!.clipsPerMonth).toLocaleString('en-US')} clips a month) as \`npx camflow cost --profile all --json\` bills it, at us-east-1 list prices (domain/prices.ts, each with its page and date; the MediaConvert rates it could not read are marked as assumptions there). The issue's goal for passthrough is $20 a month.`,
        '',
        '| profile | MediaConvert | S3 storage | everything else | total a month | objects / clip | vendor plan |',
        '|---|---|---|---|---|---|---|',
        ...r.bills.map((b) => `| ${b.profile} | ${usd(b.mediaConvertUsd)} | ${usd(b.storageUsd)} | ${usd(b.otherUsd)} | **${usd(b.totalUsd)}** | ${b.objects} | ${usd(b.vendorPlanUsd)} |`),
        '',
        `Upload to SUCCEEDED (READY, retention applied) of a ${r.clip} clip through the whole local stack, one camera set to each profile, ${r.rounds.length} alternating rounds after a warm-up clip, medians:`,
        '',
        '| passthrough (s) | full (s) | full / passthrough | rounds (passthrough / full, s) |',
        '|---|---|---|---|',
        `| ${fmt(r.passthroughSeconds)} | ${fmt(r.fullSeconds)} | ${fmt(r.ratio, 1)} | ${r.rounds.map((x) => `${fmt(x.passthroughSeconds, 1)} / ${fmt(x.fullSeconds, 1)}`).join(', ')} |`,
        '',
      );
      console.log('cost', r);
    }
  } finally {
    removeWorkDirectory(work);
  }
  const measured = `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${startLoad.toFixed(1)} when the run began`;
  const fresh = blocksByHeading(sections.join('\n'), measured);
  const kept = existsSync('BENCHMARKS.md') ? blocksByHeading(readFileSync('BENCHMARKS.md', 'utf8'), undefined) : new Map<string, string>();
  for (const [heading, block] of fresh) kept.set(heading, block);
  const document = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (all groups) or `npm run bench -- <group> ...` (only those groups; the other sections stay as they were, each with the date it was measured). Machine of the last run:',
    '',
    ...machine(),
    '',
    ...kept.values(),
  ].join('\n');
  writeFileSync('BENCHMARKS.md', document.trimEnd() + '\n');
  console.log('\n' + [...fresh.values()].join('\n'));
  console.log(JSON.stringify(summary));
}

await main();
