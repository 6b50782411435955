import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, parseJournal, readJournal, replayJournal, type JournalRecord, type SpooledFile } from './journal.ts';
import { tempDirectory } from './test-support.ts';

function spooled(id: string, key = `cam/2024/03/15/${id}.mp4`): SpooledFile {
  return {
    id,
    camera: 'cam',
    key,
    file: `files/${id}.mp4`,
    size: 10,
    sha256: 'x',
    md5: 'y',
    contentType: 'video/mp4',
    capturedAt: '2024-03-15T00:00:00.000Z',
    capturedAtSource: 'file-mtime',
    receivedAt: `2024-03-15T00:00:0${id.length % 10}.000Z`,
    cameraPath: `${id}.mp4`,
  };
}

describe('journal', () => {
  it('replays received / confirmed / removed into each file state, idempotently', () => {
    const records: JournalRecord[] = [
      { op: 'received', at: 't1', file: spooled('a') },
      { op: 'received', at: 't2', file: spooled('b') },
      { op: 'confirmed', at: 't3', id: 'a', confirmedBy: 'etag-md5' },
      { op: 'removed', at: 't4', id: 'a', reason: 'confirmed' },
    ];
    const once = replayJournal(records);
    const twice = replayJournal([...records, ...records]);
    expect(twice).toEqual(once);
    expect(once.get('a')).toMatchObject({ confirmedAt: 't3', confirmedBy: 'etag-md5', removedAt: 't4' });
    expect(once.get('b')?.confirmedAt).toBeUndefined();
  });

  it('survives a line torn by a power cut (it was never acknowledged)', () => {
    const good = JSON.stringify({ op: 'received', at: 't1', file: spooled('a') });
    const contents = parseJournal(`${good}\n{"op":"received","at":"t2","fi`);
    expect(contents.records).toHaveLength(1);
    expect(contents.unreadableLines).toBe(1);
  });

  it('appends concurrently with one fsync per batch, every record on disk when its promise resolves', async () => {
    const dir = tempDirectory('journal');
    const path = join(dir, 'journal.jsonl');
    const journal = await Journal.open(path);
    await Promise.all(Array.from({ length: 100 }, (_, i) => journal.append({ op: 'received', at: 't', file: spooled(`f${i}`) })));
    const { records } = readJournal(path);
    expect(records.map((r) => (r as { file: SpooledFile }).file.id).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `f${i}`).sort());
    await journal.close();
  });

  it('rewrites to only what still matters, keeps appends made meanwhile, and leaves no torn tail', async () => {
    const dir = tempDirectory('journal');
    const path = join(dir, 'journal.jsonl');
    writeFileSync(path, JSON.stringify({ op: 'received', at: 't', file: spooled('old') }) + '\n');
    appendFileSync(path, '{"op":"rece'); // torn
    const journal = await Journal.open(path);
    const keep: JournalRecord[] = [{ op: 'received', at: 't', file: spooled('kept') }];
    const rewritten = journal.rewrite(() => keep);
    const appended = journal.append({ op: 'confirmed', at: 't2', id: 'kept', confirmedBy: 'read-back' });
    await Promise.all([rewritten, appended]);
    await journal.append({ op: 'received', at: 't3', file: spooled('later') });
    await journal.close();
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const { records, unreadableLines } = parseJournal(text);
    expect(unreadableLines).toBe(0);
    const state = replayJournal(records);
    expect([...state.keys()].sort()).toEqual(['kept', 'later']);
    expect(state.get('kept')?.confirmedBy).toBe('read-back');
  });
});
