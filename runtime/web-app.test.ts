/**
 * The web app's plumbing: its API types equal what the API serves (no drift; the app is
 * typechecked against them by `npm run typecheck`),
 * `camflow up` serves its build (SPA fallback, config.json, CSP) and rebuilds it only when its
 * sources changed, and the web port follows --web-port / CAMFLOW_WEB_PORT.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { apiTypesSource, committedApiTypes, localApiDocument } from './web-api-types.ts';
import { startLocalWeb, WebBuildMissing } from './local-web.ts';
import { webBuildIsCurrent, webSourceHash } from './web-build.ts';
import { parseUpArguments } from './commands/up.ts';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'camflow-web-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the typed client', () => {
  it('web/src/api/schema.d.ts is what openapi-typescript makes of the API’s /openapi.json (run `npm run web:types` after changing the API)', async () => {
    const document = (await localApiDocument()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/auth/login', '/cameras', '/clips/{id}', '/clips/{id}/workflow']));
    expect(committedApiTypes()).toBe(await apiTypesSource(document));
  });

  // That the app typechecks against these types is `tsc --noEmit -p web`, part of `npm run typecheck`
  // (and of `npm run lint` in CI): a compile-time check, not repeated here by spawning the compiler.
});

describe('serving the built app', () => {
  it('serves files, index.html for any view (with a CSP), config.json once the API is known, and nothing outside the build', async () => {
    const dist = join(work, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>camflow</title>');
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
    writeFileSync(join(work, 'secret.txt'), 'not for the web');
    const web = await startLocalWeb({ directory: dist, port: 0, s3Endpoint: () => 'http://127.0.0.1:4569' });
    try {
      expect(web.origin).toBe(`http://127.0.0.1:${web.port}`);
      expect((await fetch(`${web.origin}/config.json`)).status).toBe(503);
      web.setConfig({ apiUrl: 'http://127.0.0.1:8080' });
      expect(await (await fetch(`${web.origin}/config.json`)).json()).toEqual({ apiUrl: 'http://127.0.0.1:8080' });

      const view = await fetch(`${web.origin}/clips/porch-1?x=1`);
      expect(view.status).toBe(200);
      expect(await view.text()).toContain('<title>camflow</title>');
      const csp = view.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self' http://127.0.0.1:8080 http://127.0.0.1:4569");
      expect(view.headers.get('x-content-type-options')).toBe('nosniff');

      const asset = await fetch(`${web.origin}/assets/app-1.js`);
      expect(asset.headers.get('content-type')).toContain('text/javascript');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      // A raw socket path, as curl --path-as-is sends it: never a file outside the build.
      const { stdout } = await run('curl', ['-s', '--path-as-is', `${web.origin}/../secret.txt`]);
      expect(stdout).not.toContain('not for the web');
      const encoded = await run('curl', ['-s', '--path-as-is', `${web.origin}/%2e%2e/secret.txt`]);
      expect(encoded.stdout).not.toContain('not for the web');
      expect((await fetch(`${web.origin}/`, { method: 'POST' })).status).toBe(405);
    } finally {
      await web.stop();
    }
  });

  it('refuses to start without a build, saying how to make one', async () => {
    await expect(startLocalWeb({ directory: join(work, 'nothing'), port: 0 })).rejects.toThrow(WebBuildMissing);
  });

  it('rebuilds only when a source changed (tests and the build itself do not count)', () => {
    const root = join(work, 'web');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'main.tsx'), 'one');
    const first = webSourceHash(root);
    writeFileSync(join(root, 'src', 'main.test.tsx'), 'a test');
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', 'index.html'), 'built');
    writeFileSync(join(root, 'dist', '.source-hash'), first);
    expect(webSourceHash(root)).toBe(first);
    expect(webBuildIsCurrent(root)).toBe(true);
    writeFileSync(join(root, 'src', 'main.tsx'), 'two');
    expect(webSourceHash(root)).not.toBe(first);
    expect(webBuildIsCurrent(root)).toBe(false);
  });
});

describe('camflow up: the web port', () => {
  it('is 5173 unless --web-port or CAMFLOW_WEB_PORT say otherwise; --no-web leaves it to the dev server', () => {
    expect(parseUpArguments([], {}).serveWeb).toBe(true);
    expect(parseUpArguments([], {}).webPort).toBeUndefined();
    expect(parseUpArguments([], { CAMFLOW_WEB_PORT: '5200' }).webPort).toBe(5200);
    expect(parseUpArguments(['--web-port', '0'], { CAMFLOW_WEB_PORT: '5200' }).webPort).toBe(0);
    expect(parseUpArguments(['--no-web'], {}).serveWeb).toBe(false);
    expect(() => parseUpArguments(['--web-port', 'x'], {})).toThrow('--web-port must be a port number');
  });
});
