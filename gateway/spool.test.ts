/**
 * The spool on its own (no network): what survives a restart, what a crash leaves behind,
 * and that a second gateway cannot share the folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createGatewayLogger } from './logger.ts';
import { GatewayAlreadyRunning, PartDigests, Spool, spoolPaths } from './spool.ts';
import { sha256Base64, tempDirectory } from './test-support.ts';
import { createHash } from 'node:crypto';

const open = (directory: string, extra: Partial<Parameters<typeof Spool.open>[0]> = {}) =>
  Spool.open({ directory, limitBytes: 10 * 1024 * 1024, keepLocalHours: 0, timeZone: 'UTC', partSizeBytes: 5 * 1024 * 1024, logger: createGatewayLogger('SILENT'), ...extra });

async function receive(spool: Spool, name: string, body: Buffer) {
  const stream = spool.createReceiveStream({ camera: 'porch', segments: [name] });
  await pipeline(Readable.from([body]), stream);
  return stream.result;
}

describe('spool', () => {
  it('journals a received file with its digests and key; after a restart it still waits, partial receives are gone', async () => {
    const dir = tempDirectory('spool');
    const spool = await open(dir);
    const body = Buffer.from('a clip');
    const spooled = await receive(spool, 'Porch_00_20240315143022.mp4', body);
    expect(spooled).toMatchObject({
      camera: 'porch',
      key: 'porch/2024/03/15/Porch_00_20240315143022.mp4',
      size: body.length,
      sha256: sha256Base64(body),
      md5: createHash('md5').update(body).digest('hex'),
    });
    await spool.close();

    // A receive cut short by a crash: data on disk, never journaled, never acknowledged.
    writeFileSync(join(dir, 'files', '20240315-143023-deadbeef00.mp4'), 'half a clip');
    const reopened = await open(dir);
    expect(reopened.waiting().map((e) => e.file.key)).toEqual(['porch/2024/03/15/Porch_00_20240315143022.mp4']);
    expect(readdirSync(join(dir, 'files'))).toEqual([spooled !== 'duplicate' && spooled ? spooled.file.replace('files/', '') : '']);
    await reopened.close();
  });

  it('removes a file only once S3 confirmed it; a sweep never touches unconfirmed files', async () => {
    const dir = tempDirectory('spool');
    const spool = await open(dir, { keepLocalHours: 1 });
    const a = await receive(spool, 'a.mp4', Buffer.from('a'));
    const b = await receive(spool, 'b.mp4', Buffer.from('b'));
    if (!a || a === 'duplicate' || !b || b === 'duplicate') throw new Error('not spooled');
    await spool.confirm(a.id, { confirmedBy: 'etag-md5' });
    expect(existsSync(join(dir, a.file))).toBe(true); // kept for keepLocalHours
    expect(await spool.sweepKeptCopies(Date.now() + 2 * 3600_000)).toBe(1);
    expect(existsSync(join(dir, a.file))).toBe(false);
    expect(existsSync(join(dir, b.file))).toBe(true);
    expect(spool.waiting().map((e) => e.file.id)).toEqual([b.id]);
    await spool.close();
  });

  it('refuses a spool folder held by another running gateway, takes over from a dead one', async () => {
    const dir = tempDirectory('spool');
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => other.once('spawn', r));
      writeFileSync(spoolPaths(dir).lock, String(other.pid));
      await expect(open(dir)).rejects.toThrow(GatewayAlreadyRunning);
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((r) => other.once('exit', r));
    const spool = await open(dir); // the holder is gone
    await spool.close();
  });

  it('part digests match S3 part boundaries', () => {
    const parts = new PartDigests(4);
    parts.update(Buffer.from('abcdef'));
    parts.update(Buffer.from('ghij'));
    const sha = (s: string) => createHash('sha256').update(s).digest('base64');
    expect(parts.result()).toEqual({ partSize: 4, sha256: [sha('abcd'), sha('efgh'), sha('ij')] });
    const single = new PartDigests(4);
    single.update(Buffer.from('abc'));
    expect(single.result()).toBeUndefined();
  });

  it('part digests taken with the whole-file hash (first part copied from it, not hashed twice) are the same, whatever the chunks', () => {
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789');
    for (const size of [3, 4, 5, 8, 9, 36]) {
      for (const chunk of [1, 3, 4, 7, 36]) {
        const body = data.subarray(0, size);
        const whole = createHash('sha256');
        const shared = new PartDigests(4, whole);
        const separate = new PartDigests(4);
        for (let at = 0; at < body.length; at += chunk) {
          shared.update(body.subarray(at, at + chunk));
          separate.update(body.subarray(at, at + chunk));
        }
        expect(shared.result(), `${size} bytes in ${chunk}-byte chunks`).toEqual(separate.result());
        expect(whole.digest('base64')).toBe(sha(body));
      }
    }
  });
});
