/**
 * `npm run gateway:build [-- OUTFILE]`: the gateway bundled by esbuild into one ES module
 * (default `dist/gateway/camflow-gateway.mjs`) that plain `node` (20+) runs on a box with
 * nothing else installed — the AWS SDK, ftp-srv and zod are inside it.
 *
 * Left out: `dtrace-provider` (a native add-on) and `source-map-support`, optional modules of
 * ftp-srv's logger (bunyan) that it loads in a try/catch; without them bunyan simply publishes
 * no DTrace probes and prints no source-mapped traces. The banner
 * gives the bundle a real `require` so that such optional loads fail the way the package expects.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_BUNDLE = resolve(repositoryRoot, 'dist/gateway/camflow-gateway.mjs');

/** Optional native modules a bundled package loads in a try/catch: not bundled, not needed. */
export const OPTIONAL_EXTERNALS = ['dtrace-provider', 'source-map-support'];

export interface GatewayBundle {
  file: string;
  bytes: number;
  /** What the bundle still loads from outside itself at run time (node built-ins, OPTIONAL_EXTERNALS). */
  externalImports: string[];
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(resolve(repositoryRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function buildGatewayBundle(outfile = DEFAULT_BUNDLE): Promise<GatewayBundle> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [resolve(repositoryRoot, 'gateway/main.ts')],
    outfile,
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
    // `--version` of the bundle: the version of the checkout it was built from.
    define: { CAMFLOW_GATEWAY_VERSION: JSON.stringify(packageVersion()) },
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __camflowCreateRequire } from 'node:module'; const require = __camflowCreateRequire(import.meta.url);" },
  });
  if (result.errors.length > 0) throw new Error(`The gateway bundle did not build: ${result.errors.map((e) => e.text).join('; ')}`);
  const externalImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));
  return { file: outfile, bytes: statSync(outfile).size, externalImports: [...new Set(externalImports)].sort() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bundle = await buildGatewayBundle(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_BUNDLE);
  console.log(`${bundle.file}: ${(bundle.bytes / 2 ** 20).toFixed(2)} MiB — copy it to the gateway box and run it with node (see README, "The gateway").`);
}
