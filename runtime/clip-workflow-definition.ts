/**
 * The clip workflow's ASL for the local runtime: synthesized from the CDK stack (the same
 * definition AWS gets) in a child process, and cached by the hash of everything that shapes
 * it — the stack's sources and the aws-cdk-lib version — so a restart does not synthesize
 * again, and the runtime process never holds the CDK libraries in memory.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';

const execFileAsync = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Hash of the stack's sources (workflows/: the stack and its constructs; domain/: the contract they are built from) and the CDK version. */
export function definitionSourceHash(): string {
  const hash = createHash('sha256');
  const files = ['workflows', 'domain']
    .flatMap((folder) =>
      readdirSync(join(root, folder))
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
        .map((name) => join(root, folder, name)),
    )
    .sort();
  for (const file of files) hash.update(file.slice(root.length)).update('\0').update(readFileSync(file)).update('\0');
  const require = createRequire(import.meta.url);
  hash.update((JSON.parse(readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')) as { version: string }).version);
  return hash.digest('hex').slice(0, 20);
}

export async function clipWorkflowDefinition(options: { cacheDirectory?: string } = {}): Promise<Record<string, unknown>> {
  const cacheDirectory = options.cacheDirectory ?? join(root, 'node_modules', '.cache', 'camflow');
  const file = join(cacheDirectory, `clip-workflow-${definitionSourceHash()}.asl.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // Not synthesized for these sources yet.
  }
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', join(root, 'workflows', 'print-clip-workflow-definition.ts')], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    // Only the state machine's ASL is read: CDK's CloudFormation validation of the whole template is for `cdk synth`.
    env: { ...process.env, CDK_VALIDATION: 'false' },
  });
  const asl = JSON.parse(stdout) as Record<string, unknown>;
  try {
    mkdirSync(cacheDirectory, { recursive: true });
    // Test files run in worker threads of one process: the pid alone does not tell two writers apart.
    const temporary = `${file}.${process.pid}.${threadId}.${randomUUID()}.tmp`;
    writeFileSync(temporary, stdout);
    renameSync(temporary, file);
  } catch {
    // A read-only install still works; it synthesizes at every start.
  }
  return asl;
}
