/**
 * What FTP clients may hold or do, so one misbehaving client (or a guesser on the network)
 * cannot jam the gateway for the cameras: connections overall and per address, failed logins
 * per address (slowed, then locked out), folders per camera (a cap and a rate).
 * Plain bookkeeping: the FTP server (ftp-server.ts) asks and answers.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FtpLimits } from './config.ts';

/** FTP reply 552: "Requested file action aborted. Exceeded storage allocation." */
export class FolderLimitReached extends Error {
  override name = 'FolderLimitReached';
  readonly ftpCode = 552;
}

/** FTP reply 550 for a camera making folders faster than `maxNewFoldersPerMinute`. */
export class FoldersTooFast extends Error {
  override name = 'FoldersTooFast';
  readonly ftpCode = 550;
}

/** `::ffff:192.168.1.20` and `192.168.1.20` are one client. */
export function clientAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Open control connections, overall and per client address. */
export class ConnectionSlots {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: Pick<FtpLimits, 'maxConnections' | 'maxConnectionsPerAddress'>) {}

  /** Takes a slot for a new connection (call `release` once it closes), or says why there is none. */
  take(address: string): { release: () => void } | { refused: string } {
    if (this.total >= this.limits.maxConnections) {
      return { refused: `too many connections to the gateway (${this.limits.maxConnections} open); try again later` };
    }
    const mine = this.perAddress.get(address) ?? 0;
    if (mine >= this.limits.maxConnectionsPerAddress) {
      return { refused: `too many connections from your address (${this.limits.maxConnectionsPerAddress} open); close some and try again` };
    }
    this.total++;
    this.perAddress.set(address, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.perAddress.set(address, left);
        else this.perAddress.delete(address);
      },
    };
  }

  get open(): number {
    return this.total;
  }
}

interface Failures {
  count: number;
  lastAt: number;
  lockedUntil?: number;
}

/** Addresses remembered at most (an address flood cannot grow memory without bound). */
const MAX_REMEMBERED_ADDRESSES = 10_000;

/**
 * Wrong logins per client address: each failure is answered after a pause that grows with the
 * failures so far; at `maxLoginFailures` the address is locked out for `lockoutMinutes` (its
 * connections get 421 at once, no password is checked). A correct login clears the count. Login
 * attempts from one address are checked one at a time, so parallel connections do not multiply
 * the guesses.
 */
export class LoginGuard {
  private readonly failures = new Map<string, Failures>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly limits: Pick<FtpLimits, 'maxLoginFailures' | 'lockoutMinutes' | 'loginFailureDelaySeconds'>,
    private readonly now: () => number = Date.now,
  ) {}

  private get lockoutMs(): number {
    return this.limits.lockoutMinutes * 60_000;
  }

  /** Milliseconds the address stays locked out (0: not locked). */
  lockedFor(address: string): number {
    const entry = this.failures.get(address);
    if (!entry?.lockedUntil) return 0;
    const left = entry.lockedUntil - this.now();
    if (left > 0) return left;
    this.failures.delete(address);
    return 0;
  }

  /** The text a locked-out client reads. */
  lockedMessage(address: string): string {
    const minutes = Math.max(1, Math.ceil(this.lockedFor(address) / 60_000));
    return `too many failed logins from ${address}: locked out for ${minutes} more minute(s); check the camera's FTP user name and password`;
  }

  /** Records a wrong login; returns how long to wait before answering. */
  failed(address: string): number {
    const now = this.now();
    let entry = this.failures.get(address);
    // Failures older than a lockout period are forgotten.
    if (!entry || now - entry.lastAt > this.lockoutMs) entry = { count: 0, lastAt: now };
    entry.count++;
    entry.lastAt = now;
    if (entry.count >= this.limits.maxLoginFailures) entry.lockedUntil = now + this.lockoutMs;
    this.failures.delete(address);
    this.failures.set(address, entry); // most recent last
    this.forgetOldest();
    return entry.lockedUntil ? 0 : this.limits.loginFailureDelaySeconds * 1000 * entry.count;
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  /** Runs one login check for an address after the previous one from that address has finished. */
  inTurn<T>(address: string, check: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(address) ?? Promise.resolve();
    const mine = previous.then(check, check);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(address, settled);
    void settled.then(() => {
      if (this.queues.get(address) === settled) this.queues.delete(address);
    });
    return mine;
  }

  private forgetOldest(): void {
    while (this.failures.size > MAX_REMEMBERED_ADDRESSES) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }
}

/** Counts folders below `folder`, stopping once past `stopAfter`. Links are not followed. */
async function countFolders(folder: string, stopAfter: number): Promise<number> {
  let count = 0;
  const pending = [folder];
  while (pending.length && count <= stopAfter) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      count++;
      pending.push(join(current, entry.name));
    }
  }
  return count;
}

/**
 * Folders a camera makes (MKD): at most `maxFoldersPerCamera` in its folder, at most
 * `maxNewFoldersPerMinute` new ones a minute. Counts are kept in memory, read from disk the first
 * time and again before a refusal (so they never drift into a wrong refusal).
 */
export class FolderQuota {
  private readonly counts = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly limits: Pick<FtpLimits, 'maxFoldersPerCamera' | 'maxNewFoldersPerMinute'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws FolderLimitReached or FoldersTooFast if `camera` may not make `adding` folders now. */
  async check(camera: string, cameraFolder: string, adding: number): Promise<void> {
    if (adding <= 0) return;
    const since = this.now() - 60_000;
    const recent = (this.recent.get(camera) ?? []).filter((t) => t > since);
    this.recent.set(camera, recent);
    if (recent.length + adding > this.limits.maxNewFoldersPerMinute) {
      throw new FoldersTooFast(`too many new folders: at most ${this.limits.maxNewFoldersPerMinute} a minute per camera; try again in a minute`);
    }
    const max = this.limits.maxFoldersPerCamera;
    let count = this.counts.get(camera);
    if (count === undefined || count + adding > max) count = await countFolders(cameraFolder, max);
    this.counts.set(camera, count);
    if (count + adding > max) {
      throw new FolderLimitReached(`folder limit reached: this camera has ${count} folders (at most ${max}); remove old empty folders or raise ftp.limits.maxFoldersPerCamera`);
    }
  }

  added(camera: string, folders: number): void {
    if (folders <= 0) return;
    this.counts.set(camera, (this.counts.get(camera) ?? 0) + folders);
    const recent = this.recent.get(camera) ?? [];
    for (let i = 0; i < folders; i++) recent.push(this.now());
    this.recent.set(camera, recent);
  }

  removed(camera: string): void {
    const count = this.counts.get(camera);
    if (count !== undefined) this.counts.set(camera, Math.max(0, count - 1));
  }
}
