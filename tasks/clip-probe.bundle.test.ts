/**
 * The probe as it runs in Lambda: bundled by esbuild into one ESM file (Node.js 22, the
 * `node` export condition so mediainfo.js's Node build is used), placed outside the
 * project so no node_modules can be found, with MediaInfoModule.wasm copied beside it.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ffmpegGenerated } from '../integ-tests/generated-media.ts';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'camflow-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled probe', () => {
  it('loads MediaInfoModule.wasm from beside the bundle and probes a clip', async () => {
    const tasks = resolve(import.meta.dirname);
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { fileByteSource } from ${JSON.stringify(join(tasks, 'byte-source.ts'))};`,
        `import { probeClip, mediaInfoWasmPath } from ${JSON.stringify(join(tasks, 'clip-probe.ts'))};`,
        'export async function probe(path: string) { return { wasm: mediaInfoWasmPath(), probe: await probeClip(await fileByteSource(path)) }; }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    await build({
      entryPoints: [entry],
      outfile: join(out, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      conditions: ['node'],
      minify: true,
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    copyFileSync(createRequire(import.meta.url).resolve('mediainfo.js/MediaInfoModule.wasm'), join(out, 'MediaInfoModule.wasm'));
    const clip = join(dir, 'clip.mp4');
    await ffmpegGenerated('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);

    const bundled = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as { probe: (path: string) => Promise<{ wasm: string; probe: unknown }> };
    const { wasm, probe } = await bundled.probe(clip);
    expect(wasm).toBe(join(out, 'MediaInfoModule.wasm'));
    expect(probe).toMatchObject({ container: 'mp4', video: { codec: 'h264', width: 320, height: 180 } });
  });
});
