/** Ports the local stack chooses itself may be taken before its servers listen: it starts again; a port the caller named is never replaced. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, lostChosenPort, startLocalStack } from './local-stack.ts';

const inUse = (port: number) => Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`), { code: 'EADDRINUSE', port });

describe('a chosen port taken meanwhile', () => {
  it('is recognised only for EADDRINUSE on a port the stack chose', async () => {
    // Port numbers only compared, never bound: one the OS called free, and the next one up.
    const chosen = await freePort();
    expect(lostChosenPort(inUse(chosen), new Set([chosen]))).toBe(true);
    expect(lostChosenPort(inUse(chosen), new Set([chosen + 1]))).toBe(false);
    expect(lostChosenPort(Object.assign(new Error('denied'), { code: 'EACCES', port: chosen }), new Set([chosen]))).toBe(false);
    expect(lostChosenPort(undefined, new Set([chosen]))).toBe(false);
  });
});

describe('a port the caller named', () => {
  let holder: Server;
  let port: number;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'camflow-ports-'));
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('is not replaced when it is in use: the error names it', async () => {
    await expect(
      startLocalStack({ dataDirectory: join(work, 'data'), ports: { s3: port, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined, sweepEverySeconds: 0 }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE', port });
  });
});
