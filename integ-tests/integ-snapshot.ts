/**
 * The committed snapshot of the CDK integration test (`integ-tests/integ.camflow.ts.snapshot/`,
 * where integ-runner keeps it): the templates of the stack under test and of its assertions,
 * `integ.json` and the manifest. Synthesized without bundling (offline, fast); asset hashes —
 * which change with any source file — are compared as `<asset hash>`, as integ-runner's
 * snapshot diff ignores them; so is the assertions' `salt` (the synth time).
 *
 * `npm run integ:snapshot` rewrites it after a change to the stack (then commit it);
 * `integ-snapshot.test.ts` (in `npm test`) fails when it no longer matches what synthesizes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { createIntegApp } from './integ.camflow.ts';

export const SNAPSHOT_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), 'integ.camflow.ts.snapshot');
const KEPT = (name: string) => name.endsWith('.template.json') || name === 'integ.json' || name === 'manifest.json';

/** The snapshot files as they synthesize now, by file name, asset hashes normalized. */
export function synthesizeSnapshot(): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'camflow-integ-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    createIntegApp(app);
    app.synth();
    const files: Record<string, string> = {};
    for (const name of readdirSync(outdir).filter(KEPT).sort()) files[name] = normalize(name, readFileSync(join(outdir, name), 'utf8'));
    return files;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Asset hashes (64 hex digits) become `<asset hash>`; the manifest loses its per-run tracking fields. */
export function normalize(name: string, text: string): string {
  // The assertions' `salt` is the synth time (it makes every deploy run them again).
  const json = JSON.parse(text.replace(/\b[0-9a-f]{64}\b/g, '<asset hash>').replace(/"salt":\s*"\d+"/g, '"salt":"<synth time>"')) as Record<string, unknown>;
  if (name === 'manifest.json') {
    const artifacts = json.artifacts as Record<string, Record<string, unknown>>;
    // The Tree and the feature-flag report describe the synth run, not what is deployed.
    for (const id of Object.keys(artifacts)) if (artifacts[id]!.type !== 'aws:cloudformation:stack') delete artifacts[id];
    for (const artifact of Object.values(artifacts)) delete artifact.metadata;
  }
  return `${JSON.stringify(json, null, 1)}\n`;
}

export function readSnapshot(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(SNAPSHOT_DIRECTORY).filter(KEPT).sort()) files[name] = readFileSync(join(SNAPSHOT_DIRECTORY, name), 'utf8');
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(SNAPSHOT_DIRECTORY, { recursive: true, force: true });
  mkdirSync(SNAPSHOT_DIRECTORY, { recursive: true });
  const files = synthesizeSnapshot();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(SNAPSHOT_DIRECTORY, name), text);
  console.log(`Wrote ${Object.keys(files).length} files to ${SNAPSHOT_DIRECTORY}: commit them.`);
}
