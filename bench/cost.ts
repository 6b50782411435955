/**
 * The `cost` benchmark group (issue 12): the reference home's monthly bill per render profile,
 * as `camflow cost --profile all --json` prints it (the real command), and upload-to-READY of a
 * 20 s 1080p H.264/AAC clip through the whole local stack under `passthrough` and under
 * `full`, alternating, in one run.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import '../runtime/node20-polyfills.ts';
import { startLocalStack } from '../runtime/local-stack.ts';
import { keys } from '../domain/catalog-table.ts';
import type { Bill } from '../domain/cost-model.ts';
import type { RenderProfile } from '../domain/render-profiles.ts';
import { h264AacMp4 } from '../integ-tests/clip-fixtures.ts';
import { catalogClient } from '../integ-tests/local-stack-support.ts';
import { throughPipeline } from './pipeline.ts';
import { median } from './stats.ts';

const run = promisify(execFile);

export interface CostBenchmarkResult {
  bills: Array<Pick<Bill, 'profile' | 'totalUsd' | 'clipsPerMonth' | 'vendorPlanUsd'> & { mediaConvertUsd: number; storageUsd: number; otherUsd: number; objects: number }>;
  clip: string;
  rounds: Array<{ passthroughSeconds: number; fullSeconds: number }>;
  passthroughSeconds: number;
  fullSeconds: number;
  ratio: number;
}

/** The reference home's bills, from the `camflow cost` command itself. */
async function referenceHomeBills(): Promise<CostBenchmarkResult['bills']> {
  const root = join(import.meta.dirname, '..');
  const { stdout } = await run(process.execPath, [join(root, 'bin/camflow.js'), 'cost', '--profile', 'all', '--json'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const { bills } = JSON.parse(stdout) as { bills: Bill[] };
  return bills.map((bill) => {
    const usd = (service: string) => bill.lines.find((l) => l.service === service)?.usd ?? 0;
    return {
      profile: bill.profile,
      totalUsd: bill.totalUsd,
      clipsPerMonth: bill.clipsPerMonth,
      vendorPlanUsd: bill.vendorPlanUsd,
      mediaConvertUsd: usd('MediaConvert'),
      storageUsd: usd('S3 storage'),
      otherUsd: bill.totalUsd - usd('MediaConvert') - usd('S3 storage'),
      objects: bill.perClip.objects,
    };
  });
}

export async function runCostBenchmark(work: string, roundCount = 3): Promise<CostBenchmarkResult> {
  const bills = await referenceHomeBills();
  const media = join(work, 'cost-media');
  mkdirSync(media, { recursive: true });
  const clip = await h264AacMp4(media, { seconds: 20, size: '1920x1080', name: 'cost-20s-1080p.mp4' });
  const body = readFileSync(clip.path);
  const stack = await startLocalStack({ dataDirectory: join(work, 'cost-data'), ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined, sweepEverySeconds: 0 });
  const db = catalogClient(stack);
  try {
    // Two cameras, one per profile (camera settings, as `PATCH /cameras/{id}/settings` writes them).
    const cameraFor: Record<RenderProfile, string> = { passthrough: 'bench-passthrough', economy: 'bench-economy', full: 'bench-full' };
    for (const profile of ['passthrough', 'full'] as const) {
      await db.send(
        new PutCommand({ TableName: stack.tableName, Item: { ...keys.camera(cameraFor[profile]), camera: cameraFor[profile], displayName: cameraFor[profile], clipCount: 0, renderProfile: profile } }),
      );
    }
    // A first clip warms ffmpeg and the handlers; it is not counted.
    await throughPipeline(stack, body, `${cameraFor.passthrough}/warm-up.mp4`);
    const rounds: CostBenchmarkResult['rounds'] = [];
    for (let round = 1; round <= roundCount; round++) {
      const passthroughSeconds = await throughPipeline(stack, body, `${cameraFor.passthrough}/clip-${round}.mp4`);
      const fullSeconds = await throughPipeline(stack, body, `${cameraFor.full}/clip-${round}.mp4`);
      rounds.push({ passthroughSeconds, fullSeconds });
    }
    const passthroughSeconds = median(rounds.map((r) => r.passthroughSeconds));
    const fullSeconds = median(rounds.map((r) => r.fullSeconds));
    return { bills, clip: '20 s 1080p H.264/AAC', rounds, passthroughSeconds, fullSeconds, ratio: fullSeconds / passthroughSeconds };
  } finally {
    db.destroy();
    await stack.stop();
  }
}
