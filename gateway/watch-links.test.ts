/**
 * Issue 8: `--watch` followed symbolic links — a link to a file outside the watched folder got
 * that file uploaded, a link to a folder got its files uploaded and then DELETED. Now links are
 * never followed (files, folders, a camera folder that is a link), nothing outside is read or
 * removed, and ordinary files beside the links still go up.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { listKeys, startTestS3, tempDirectory, testConfig, testS3Client, localGatewayAws, waitFor, startTestGateway } from './test-support.ts';

let s3: Awaited<ReturnType<typeof startTestS3>>;
let gateway: RunningGateway;
let watched: string;
let outside: string;

beforeAll(async () => {
  s3 = await startTestS3();
  const aws = localGatewayAws(s3);
  watched = tempDirectory('ftp-root');
  outside = tempDirectory('outside');
  mkdirSync(join(watched, 'front-door'));
  gateway = await startTestGateway(await testConfig(tempDirectory('spool'), { watch: { stableSeconds: 0.3, scanSeconds: 0.1 } }), { aws, watchDirectory: watched });
});

afterAll(async () => {
  await gateway?.stop();
  await s3?.stop();
});

describe('--watch and symbolic links', () => {
  it('never reads or deletes through a link: to a file, to a folder, as a camera folder', async () => {
    const secret = join(outside, 'secret.mp4');
    writeFileSync(secret, 'outside file');
    const outsideFolder = join(outside, 'folder');
    mkdirSync(outsideFolder);
    writeFileSync(join(outsideFolder, 'clip.mp4'), 'outside folder file');
    const garageTarget = join(outside, 'garage-target');
    mkdirSync(garageTarget);
    writeFileSync(join(garageTarget, 'still.jpg'), 'outside camera folder file');

    symlinkSync(secret, join(watched, 'front-door', 'link-to-file.mp4'));
    symlinkSync(outsideFolder, join(watched, 'front-door', 'link-to-folder'));
    symlinkSync(garageTarget, join(watched, 'garage')); // a whole camera folder that is a link
    const real = join(watched, 'front-door', 'real.mp4');
    writeFileSync(real, 'a real clip');

    const s3Client = testS3Client(s3.endpoint);
    await waitFor('the real clip in S3', async () => (await listKeys(s3Client)).some((k) => k.endsWith('/real.mp4')), 30_000, 100);
    await waitFor('the real clip removed from the folder', () => !existsSync(real));
    // Give the links every chance: several more scans past stableSeconds.
    await new Promise((r) => setTimeout(r, 1000));
    await gateway.watch!.scan();
    await gateway.uploader.drained();

    expect(await listKeys(s3Client)).toEqual([expect.stringMatching(/^front-door\/\d{4}\/\d{2}\/\d{2}\/real\.mp4$/)]);
    expect(readFileSync(secret, 'utf8')).toBe('outside file');
    expect(readFileSync(join(outsideFolder, 'clip.mp4'), 'utf8')).toBe('outside folder file');
    expect(readFileSync(join(garageTarget, 'still.jpg'), 'utf8')).toBe('outside camera folder file');
    // The links themselves are left too (the operator decides).
    expect(existsSync(join(watched, 'front-door', 'link-to-file.mp4'))).toBe(true);
    expect(gateway.spool.waiting()).toEqual([]);
  });

  it('a folder swapped for a link after it was seen: its outside twin is neither uploaded nor deleted', async () => {
    const folder = join(watched, 'front-door', 'day');
    mkdirSync(folder);
    writeFileSync(join(folder, 'swap.mp4'), 'inside');
    await gateway.watch!.scan(); // seen once, not yet stable
    // The folder is replaced by a link to an outside folder holding a file of the same name.
    const twin = join(outside, 'twin');
    mkdirSync(twin);
    writeFileSync(join(twin, 'swap.mp4'), 'inside');
    renameSync(folder, join(outside, 'moved-away'));
    symlinkSync(twin, folder);
    await new Promise((r) => setTimeout(r, 800));
    await gateway.watch!.scan();
    await gateway.watch!.scan();
    await gateway.uploader.drained();
    expect(readFileSync(join(twin, 'swap.mp4'), 'utf8')).toBe('inside');
    expect((await listKeys(testS3Client(s3.endpoint))).filter((k) => k.endsWith('/swap.mp4'))).toEqual([]);
  });
});
