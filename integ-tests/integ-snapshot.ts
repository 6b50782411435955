/**
 * The committed snapshot of the CDK integration test (`integ-tests/integ.camflow.ts.snapshot/`),
 * as integ-runner writes it, pruned to what integ-runner reads to verify it: the manifest,
 * `integ.json`, and per stack (the Camflow stack under test, its assertions) the template, the
 * asset manifest and the metadata file. The staged assets (73 MB of bundles, the web build, the
 * test clip) and the construct tree are left out: integ-runner synthesizes them again each run.
 *
 * `npm run integ:snapshot` rewrites it after a change to the stack (integ-runner
 * `--update-on-failed --dry-run`: synthesized, never deployed), then prunes it: commit it.
 * `npm run integ:verify` is integ-runner's own check (no account needed, about 40 s);
 * `integ-snapshot.test.ts` (in `npm test`) is the fast check of the same templates.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { createIntegApp } from './integ.camflow.ts';

export const SNAPSHOT_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), 'integ.camflow.ts.snapshot');

/** The snapshot files integ-runner needs to report UNCHANGED (without the metadata or asset manifests it cannot load the assembly). */
export function isKept(name: string): boolean {
  return name === 'manifest.json' || name === 'integ.json' || /\.(template|assets|metadata)\.json$/.test(name);
}

/** The templates as they synthesize now (bundling skipped: offline, a few seconds), by file name, normalized. */
export function synthesizeTemplates(): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'camflow-integ-synth-'));
  try {
    const app = new App({ outdir, context: { ...integRunnerFeatureFlags(), 'aws:cdk:bundling-stacks': [] } });
    createIntegApp(app);
    app.synth();
    return templatesIn(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The feature flags integ-runner sets on every test it synthesizes (the flags recommended for a
 * new project when its release was cut), whatever cdk.json says.
 */
function integRunnerFeatureFlags(): Record<string, unknown> {
  const runner = dirname(createRequire(import.meta.url).resolve('@aws-cdk/integ-runner/package.json'));
  return JSON.parse(readFileSync(join(runner, 'lib', 'recommended-feature-flags.json'), 'utf8')) as Record<string, unknown>;
}

/** The committed snapshot's templates, normalized. */
export function readSnapshotTemplates(): Record<string, string> {
  return templatesIn(SNAPSHOT_DIRECTORY);
}

function templatesIn(directory: string): Record<string, string> {
  const templates: Record<string, string> = {};
  for (const name of readdirSync(directory)
    .filter((n) => n.endsWith('.template.json'))
    .sort())
    templates[name] = normalize(readFileSync(join(directory, name), 'utf8'));
  return templates;
}

/**
 * What integ-runner's diff ignores or what depends on how the synth ran: asset hashes (64 hex
 * digits, which change with any source file and with bundling) become `<asset hash>`, the
 * assertions' `salt` (the synth time) `<synth time>`, and whether an asset was bundled is dropped.
 */
export function normalize(text: string): string {
  const json = JSON.parse(text.replace(/\b[0-9a-f]{64}\b/g, '<asset hash>').replace(/"salt":\s*"\d+"/g, '"salt":"<synth time>"'), (key, value: unknown) =>
    key === 'aws:asset:is-bundled' ? undefined : value,
  ) as unknown;
  return `${JSON.stringify(json, null, 1)}\n`;
}

/** integ-runner rewrites the snapshot when it no longer matches (never deploys), then the staged assets are pruned. */
function updateSnapshot(): void {
  // integ.config.json names the test directory, the language and the app command.
  execFileSync('npx', ['integ-runner', '--update-on-failed', '--force', '--dry-run'], { stdio: 'inherit' });
  if (!existsSync(SNAPSHOT_DIRECTORY)) throw new Error(`integ-runner wrote no snapshot in ${SNAPSHOT_DIRECTORY}`);
  const pruned = readdirSync(SNAPSHOT_DIRECTORY).filter((name) => !isKept(name));
  for (const name of pruned) rmSync(join(SNAPSHOT_DIRECTORY, name), { recursive: true, force: true });
  console.log(`${SNAPSHOT_DIRECTORY}: ${readdirSync(SNAPSHOT_DIRECTORY).length} files kept, ${pruned.length} pruned. Commit it.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) updateSnapshot();
