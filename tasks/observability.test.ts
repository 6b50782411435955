import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, tracer, withClipContext } from './observability.ts';

afterEach(() => vi.restoreAllMocks());

/** Log lines the Logger writes (stdout, errors to stderr) while `work` runs, parsed. */
async function linesDuring(work: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
  await work().catch(() => undefined);
  return written
    .flatMap((w) => w.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('withClipContext', () => {
  it('puts clipId, camera and executionName on every line, and removes them afterwards', async () => {
    const lines = await linesDuring(async () => {
      await withClipContext('catalog-clip', { clipId: 'garage-0011', camera: 'garage', executionName: 'garage-0011' }, async () => {
        logger.info('first');
        logger.warn('second');
      });
      logger.info('after');
    });
    const [first, second, after] = lines;
    for (const line of [first, second]) expect(line).toMatchObject({ clipId: 'garage-0011', camera: 'garage', executionName: 'garage-0011', task: 'catalog-clip', service: 'camflow' });
    expect(after).toMatchObject({ message: 'after' });
    expect(after).not.toHaveProperty('clipId');
    expect(logger.getPersistentLogAttributes().clipId).toBeUndefined();
  });

  it('logs a failure with the error name, rethrows it, and still clears the keys', async () => {
    const failure = Object.assign(new Error('gone'), { name: 'ClipNotFound' });
    const lines = await linesDuring(() =>
      withClipContext('validate-clip', { clipId: 'c-1', camera: 'c' }, async () => {
        throw failure;
      }),
    );
    expect(lines.at(-1)).toMatchObject({ level: 'ERROR', message: 'validate-clip failed', errorName: 'ClipNotFound', clipId: 'c-1' });
    await expect(withClipContext('x', { clipId: 'c-1', camera: 'c' }, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(logger.getPersistentLogAttributes().clipId).toBeUndefined();
  });

  it('keeps the keys of each clip on its own lines when clips are handled at once (the local runtime)', async () => {
    const pause = () => new Promise((r) => setTimeout(r, 5));
    const lines = await linesDuring(() =>
      Promise.all(
        ['porch-0001', 'garage-0002', 'yard-0003'].map((clipId) =>
          withClipContext('decide-alert', { clipId, camera: clipId.split('-')[0]!, executionName: clipId }, async () => {
            for (let i = 0; i < 3; i++) {
              await pause();
              logger.info('step', { about: clipId });
            }
          }),
        ),
      ),
    );
    expect(lines).toHaveLength(9);
    for (const line of lines) expect(line.clipId).toBe(line.about);
    for (const line of lines) expect(line.executionName).toBe(line.about);
  });

  it('runs with tracing disabled outside Lambda', async () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    await expect(withClipContext('x', { clipId: 'c-1', camera: 'c' }, async () => 7)).resolves.toBe(7);
  });
});
