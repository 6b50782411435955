/**
 * The web app's build (`web/dist`), made when it is missing or stale: its sources are hashed
 * (`web/` without the build, plus the lock file, which pins every library bundled), and the
 * hash of the sources a build came from is kept beside it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = resolve(fileURLToPath(new URL('../web', import.meta.url)));
export const WEB_BUILD = join(WEB_ROOT, 'dist');
const HASH_FILE = '.source-hash';
const SKIPPED = new Set(['dist', 'node_modules', 'test-results']);

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    // Tests do not change what is built.
    else if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) files.push(path);
  }
  return files.sort();
}

/** SHA-256 over every source file's path and bytes. */
export function webSourceHash(root = WEB_ROOT): string {
  const hash = createHash('sha256');
  const lock = join(root, '..', 'package-lock.json');
  for (const file of [...sourceFiles(root), ...(existsSync(lock) ? [lock] : [])]) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function webBuildIsCurrent(root = WEB_ROOT): boolean {
  const hashFile = join(root, 'dist', HASH_FILE);
  return existsSync(join(root, 'dist', 'index.html')) && existsSync(hashFile) && readFileSync(hashFile, 'utf8').trim() === webSourceHash(root);
}

/**
 * Builds the app with Vite unless the build is current. Returns what it did.
 * `print` gets one line before a build starts (it takes a few seconds).
 */
export async function ensureWebBuild(options: { root?: string; print?: (line: string) => void } = {}): Promise<'current' | 'built'> {
  const root = options.root ?? WEB_ROOT;
  if (webBuildIsCurrent(root)) return 'current';
  const hash = webSourceHash(root);
  options.print?.(`Building the web app (web/ changed or was never built)…`);
  const { build } = await import('vite');
  // A production build whatever NODE_ENV says: vitest sets it to `test`, which makes Vite and
  // the React plugin bundle React's development build (three times the size) and its dev JSX.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'vite.config.ts'), root, logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(join(root, 'dist', HASH_FILE), hash + '\n');
  return 'built';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await ensureWebBuild({ print: (line) => console.log(line) });
  console.log(result === 'built' ? `web app built in ${relative(process.cwd(), WEB_BUILD)}` : 'web app build is current');
}
