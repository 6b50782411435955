/**
 * The order test files start in. Vitest starts the files that took longest in the last run on
 * this machine first (its results cache); a fresh clone has no such cache and would start them in
 * order of file size, which can leave the one-minute outage test or a browser test for the end
 * while the other workers sit idle. The files below are the slowest of a full run here (wall
 * time, longest first): they start first whenever the cache knows nothing of them, so a first
 * `npm test` packs the work onto the cores as well as later ones. A missing or renamed file
 * is simply not in the run; the list only orders, it never selects.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const SLOWEST_FILES = [
  'gateway/outage.test.ts', // a 60 s outage, mostly waiting
  'integ-tests/web-app.e2e.test.ts',
  'runtime/mediaconvert/local-mediaconvert.test.ts',
  'workflows/camflow-stack.test.ts',
  'integ-tests/web-app-cognito.e2e.test.ts',
  'integ-tests/clip-workflow.e2e.test.ts',
  'integ-tests/runtime-restart.e2e.test.ts',
  'gateway/ftp-limits.test.ts',
  'integ-tests/capture-time.e2e.test.ts',
  'integ-tests/evidence.e2e.test.ts',
  'runtime/step-functions/aws-cli.test.ts',
  'integ-tests/web-app-user-pool.test.ts',
  'runtime/commands/plan.test.ts',
  'gateway/heartbeat.test.ts',
];

/** Where a file stands in SLOWEST_FILES, or undefined. */
function rank(spec: TestSpecification): number | undefined {
  const path = spec.moduleId.replaceAll('\\', '/');
  const index = SLOWEST_FILES.findIndex((file) => path.endsWith(`/${file}`));
  return index < 0 ? undefined : index;
}

/** A file that asks for an environment of its own (`@vitest-environment happy-dom`): Node is the default. */
function ownEnvironment(spec: TestSpecification): boolean {
  return /@vitest-environment\s/.test(readFileSync(spec.moduleId, 'utf8').slice(0, 2000));
}

export class SlowestFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return inOwnEnvironmentFirst(await this.slowestFirst(files));
  }

  private async slowestFirst(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cache = this.ctx.cache;
    const known = (spec: TestSpecification) => cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`) !== undefined;
    // With the last run's durations for every file, Vitest's own order (longest first) is better informed.
    if (sorted.every(known)) return sorted;
    const listed = sorted.filter((spec) => rank(spec) !== undefined).sort((a, b) => rank(a)! - rank(b)!);
    return [...listed, ...sorted.filter((spec) => rank(spec) === undefined)];
  }
}

/**
 * Files in an environment of their own start first. A worker that keeps its modules between files
 * (isolate: false) cannot change environment: Vitest ends it, runs the file in a new worker, and
 * then starts one more for the Node files after it, which loads every module again. Late in a run
 * that left a worker's files to a cold process at the end (about 20 s of tail); first, it costs
 * one short-lived worker before any module is loaded.
 */
export function inOwnEnvironmentFirst(files: TestSpecification[]): TestSpecification[] {
  const own = files.filter(ownEnvironment);
  return [...own, ...files.filter((spec) => !own.includes(spec))];
}
