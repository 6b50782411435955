/**
 * `npm run gateway:build [-- OUTFILE]`: the gateway bundled by esbuild into one ES module
 * (default `dist/gateway/camflow-gateway.mjs`) that plain `node` (20+) runs on a box with
 * nothing else installed — ftp-srv, zod and the CloudWatch client are inside it — and beside it
 * its S3 sender (`camflow-gateway-s3-sender.mjs`: the S3 SDK and the upload path), which the
 * gateway starts when it has files to send (s3-sender.ts). The two files are all a box needs.
 *
 * Left out: `dtrace-provider` (a native add-on) and `source-map-support`, optional modules of
 * ftp-srv's logger (bunyan) that it loads in a try/catch; without them bunyan simply publishes
 * no DTrace probes and prints no source-mapped traces. The banner
 * gives the bundle a real `require` so that such optional loads fail the way the package expects.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { SENDER_BUNDLE_NAME } from './s3-sender.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_BUNDLE = resolve(repositoryRoot, 'dist/gateway/camflow-gateway.mjs');

/** Optional native modules a bundled package loads in a try/catch: not bundled, not needed. */
export const OPTIONAL_EXTERNALS = ['dtrace-provider', 'source-map-support'];

export interface GatewayBundle {
  /** The gateway's bundle (what node runs). */
  file: string;
  /** The S3 sender's bundle, beside it. */
  senderFile: string;
  /** Both files: the install size. */
  bytes: number;
  /** What the bundles still load from outside themselves at run time (node built-ins, OPTIONAL_EXTERNALS). */
  externalImports: string[];
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(resolve(repositoryRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  external: OPTIONAL_EXTERNALS,
  // jsonc-parser's `main` is a UMD wrapper whose require() calls esbuild cannot follow: take its ES module build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __camflowCreateRequire } from 'node:module'; const require = __camflowCreateRequire(import.meta.url);" },
};

function buildSender(outfile: string) {
  return build({ ...BUNDLE_OPTIONS, entryPoints: [resolve(repositoryRoot, 'gateway/s3-sender-main.ts')], outfile });
}

/** The S3 sender's bundle alone (the tests start it instead of s3-sender-main.ts under tsx: integ-tests/gateway-sender-bundle.ts). */
export async function buildSenderBundle(outfile: string): Promise<string> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await buildSender(outfile);
  if (result.errors.length > 0) throw new Error(`The S3 sender bundle did not build: ${result.errors.map((e) => e.text).join('; ')}`);
  return outfile;
}

export async function buildGatewayBundle(outfile = DEFAULT_BUNDLE): Promise<GatewayBundle> {
  mkdirSync(dirname(outfile), { recursive: true });
  const senderFile = join(dirname(outfile), SENDER_BUNDLE_NAME);
  const results = await Promise.all([
    // `--version` of the bundle: the version of the checkout it was built from.
    build({ ...BUNDLE_OPTIONS, entryPoints: [resolve(repositoryRoot, 'gateway/main.ts')], outfile, define: { CAMFLOW_GATEWAY_VERSION: JSON.stringify(packageVersion()) } }),
    buildSender(senderFile),
  ]);
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) throw new Error(`The gateway bundle did not build: ${errors.map((e) => e.text).join('; ')}`);
  const externalImports = results.flatMap((r) => Object.values(r.metafile!.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path)));
  return { file: outfile, senderFile, bytes: statSync(outfile).size + statSync(senderFile).size, externalImports: [...new Set(externalImports)].sort() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bundle = await buildGatewayBundle(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_BUNDLE);
  console.log(`${bundle.file} and ${bundle.senderFile}: ${(bundle.bytes / 2 ** 20).toFixed(2)} MiB — copy both to the gateway box and run the first with node (see README, "The gateway").`);
}
