import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import setup, { tsxCacheName } from './test-run-folder.ts';

const saved = process.env.TMPDIR;
afterEach(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
});

it("gives the run a folder of its own as TMPDIR, linked to tsx's cache, and removes the folder but not the cache", () => {
  const system = mkdtempSync(join(tmpdir(), 'camflow-system-tmp-'));
  try {
    process.env.TMPDIR = system;
    const teardown = setup();
    const folder = process.env.TMPDIR;
    expect(folder).not.toBe(system);
    expect(folder.startsWith(join(system, 'camflow-test-run-'))).toBe(true);

    // tsx, started with this TMPDIR, finds the cache that outlives runs.
    const link = join(folder, tsxCacheName());
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(realpathSync(join(system, tsxCacheName())));
    writeFileSync(join(link, 'compiled-module'), 'kept');
    writeFileSync(join(folder, 'left-by-a-test'), 'removed');

    teardown();
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(system)).toEqual([tsxCacheName()]);
    expect(readFileSync(join(system, tsxCacheName(), 'compiled-module'), 'utf8')).toBe('kept');
  } finally {
    rmSync(system, { recursive: true, force: true });
  }
});
