/**
 * Where executions persist: one JSON file per execution (its description and full history)
 * at `<directory>/executions/<state machine>/<execution name>.json`. Every change is
 * written whole to a temporary file that is then renamed over the old one, so a file is
 * always either the previous or the new version, never half written. Writes of one
 * execution are coalesced: at most one in flight, the latest state written after it.
 * Without a directory, nothing is written.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from './execution-history.ts';

interface PendingWrite {
  running: Promise<void>;
  again: boolean;
}

export class ExecutionStore {
  private readonly pending = new Map<string, PendingWrite>();
  private readonly failures: Error[] = [];
  private temporaryCounter = 0;

  constructor(private readonly directory?: string) {}

  private fileOf(record: ExecutionRecord): string {
    return join(this.directory!, 'executions', record.stateMachineName, `${record.name}.json`);
  }

  /** Every stored execution (temporary files of an interrupted write are removed). */
  async load(): Promise<ExecutionRecord[]> {
    if (!this.directory) return [];
    const root = join(this.directory, 'executions');
    const records: ExecutionRecord[] = [];
    let machines: string[];
    try {
      machines = await readdir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    for (const machine of machines) {
      const folder = join(root, machine);
      for (const file of await readdir(folder)) {
        const path = join(folder, file);
        if (file.endsWith('.tmp')) {
          await rm(path, { force: true });
          continue;
        }
        if (!file.endsWith('.json')) continue;
        try {
          const record = JSON.parse(await readFile(path, 'utf8')) as ExecutionRecord;
          if (typeof record.executionArn !== 'string' || !Array.isArray(record.events)) throw new Error('not an execution record');
          records.push(record);
        } catch (error) {
          const aside = `${path}.unreadable-${Date.now()}`;
          await rename(path, aside);
          console.warn(`[local step functions] ${path} could not be read (${(error as Error).message}); moved to ${aside}`);
        }
      }
    }
    return records;
  }

  /** Writes the record soon (coalescing bursts of changes). */
  save(record: ExecutionRecord): void {
    if (!this.directory) return;
    const file = this.fileOf(record);
    const current = this.pending.get(file);
    if (current) {
      current.again = true;
      return;
    }
    const entry: PendingWrite = { again: false, running: Promise.resolve() };
    entry.running = (async () => {
      // Let the events of the same tick accumulate first.
      await new Promise((resolve) => setImmediate(resolve));
      do {
        entry.again = false;
        try {
          await this.writeAtomically(file, JSON.stringify(record));
        } catch (error) {
          this.failures.push(error as Error);
          console.error(`[local step functions] could not write ${file}:`, error);
        }
      } while (entry.again);
      this.pending.delete(file);
    })();
    this.pending.set(file, entry);
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    const temporary = `${file}.${process.pid}.${++this.temporaryCounter}.tmp`;
    try {
      await writeFile(temporary, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(temporary, text);
    }
    await rename(temporary, file);
  }

  /** Resolves when every change so far is on disk; rejects if a write failed. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()].map((entry) => entry.running));
    if (this.failures.length > 0) {
      const failure = this.failures.splice(0)[0]!;
      throw new Error(`Writing an execution under ${this.directory} failed: ${failure.message}`);
    }
  }
}
