/**
 * What `camflow gateway status` shows. The queue (what waits for S3, the oldest file) is
 * replayed from the journal, so it is right even when the gateway is stopped; the running
 * gateway adds what only it knows (uploads in progress, last success, last error, retry
 * state, whether new files are refused) to `status.json`, rewritten atomically every second.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readJournal, replayJournal } from './journal.ts';
import { processAlive, spoolPaths } from './spool.ts';
import type { HeartbeatState } from './heartbeat.ts';

export interface RunningState {
  pid: number;
  startedAt: string;
  updatedAt: string;
  mode: 'ftp' | 'watch';
  ftp?: { host: string; port: number };
  watchDirectory?: string;
  uploading: Array<{ key: string; size: number; bytesSent: number; attempt: number }>;
  lastSuccess?: { key: string; at: string; size: number; confirmedBy: string };
  lastError?: { message: string; name: string; at: string; key?: string };
  retry: { consecutiveFailures: number; nextAttemptAt?: string };
  spool: { bytesUsed: number; limitBytes: number; refusingUploads: boolean; keptFiles: number };
  totals: { uploaded: number; uploadedBytes: number; failures: number };
  /** The last heartbeat: what it said, when it reached CloudWatch, its last failure. */
  heartbeat?: HeartbeatState;
}

/** The running gateway's half of the status, kept in memory and flushed to status.json. */
export class GatewayStatus {
  readonly state: RunningState;
  private timer: NodeJS.Timeout | undefined;
  private dirty = true;

  constructor(
    private readonly spoolDirectory: string,
    init: Pick<RunningState, 'mode' | 'ftp' | 'watchDirectory' | 'spool'>,
  ) {
    const now = new Date().toISOString();
    this.state = { pid: process.pid, startedAt: now, updatedAt: now, uploading: [], retry: { consecutiveFailures: 0 }, totals: { uploaded: 0, uploadedBytes: 0, failures: 0 }, ...init };
  }

  update(change: (state: RunningState) => void): void {
    change(this.state);
    this.dirty = true;
  }

  start(intervalMs = 1000): void {
    this.flush();
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.state.updatedAt = new Date().toISOString();
    const { status } = spoolPaths(this.spoolDirectory);
    try {
      writeFileSync(`${status}.tmp`, JSON.stringify(this.state, null, 2));
      renameSync(`${status}.tmp`, status);
    } catch {
      this.dirty = true;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.state.uploading = [];
    this.dirty = true;
    this.flush();
  }
}

export interface StatusReport {
  spoolDirectory: string;
  running: boolean;
  queueLength: number;
  queueBytes: number;
  oldestWaiting?: { key: string; receivedAt: string; camera: string };
  lastSuccess?: { key: string; at: string };
  lastError?: RunningState['lastError'];
  gateway?: RunningState;
}

/** Reads the status without disturbing a running gateway (read-only: no lock, no rewrite). */
export function readStatus(spoolDirectory: string): StatusReport {
  const paths = spoolPaths(spoolDirectory);
  const entries = [...replayJournal(readJournal(paths.journal).records).values()];
  const waiting = entries.filter((e) => !e.confirmedAt && !e.removedAt).sort((a, b) => a.file.receivedAt.localeCompare(b.file.receivedAt));
  const confirmed = entries.filter((e) => e.confirmedAt).sort((a, b) => b.confirmedAt!.localeCompare(a.confirmedAt!));
  let gateway: RunningState | undefined;
  try {
    gateway = JSON.parse(readFileSync(paths.status, 'utf8')) as RunningState;
  } catch {
    gateway = undefined;
  }
  const running =
    !!gateway &&
    processAlive(gateway.pid) &&
    (() => {
      try {
        return Number(readFileSync(paths.lock, 'utf8').trim()) === gateway.pid;
      } catch {
        return false;
      }
    })();
  const fromJournal = confirmed[0] ? { key: confirmed[0].file.key, at: confirmed[0].confirmedAt! } : undefined;
  const lastSuccess = gateway?.lastSuccess && (!fromJournal || gateway.lastSuccess.at >= fromJournal.at) ? { key: gateway.lastSuccess.key, at: gateway.lastSuccess.at } : fromJournal;
  return {
    spoolDirectory,
    running,
    queueLength: waiting.length,
    queueBytes: waiting.reduce((sum, e) => sum + e.file.size, 0),
    ...(waiting[0] ? { oldestWaiting: { key: waiting[0].file.key, receivedAt: waiting[0].file.receivedAt, camera: waiting[0].file.camera } } : {}),
    ...(lastSuccess ? { lastSuccess } : {}),
    ...(gateway?.lastError ? { lastError: gateway.lastError } : {}),
    ...(gateway ? { gateway } : {}),
  };
}

function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function formatStatus(report: StatusReport, now = Date.now()): string {
  const g = report.gateway;
  const lines = [
    `gateway:        ${report.running && g ? `running (pid ${g.pid}, ${g.mode === 'ftp' && g.ftp ? `FTP on ${g.ftp.host}:${g.ftp.port}` : `watching ${g.watchDirectory}`}, since ${g.startedAt})` : 'not running'}`,
    `spool:          ${report.spoolDirectory}`,
    `queue:          ${report.queueLength} file(s) waiting for S3 (${mib(report.queueBytes)})`,
    `oldest waiting: ${report.oldestWaiting ? `${report.oldestWaiting.key} (received ${report.oldestWaiting.receivedAt}, ${ago(report.oldestWaiting.receivedAt, now)})` : '-'}`,
    `last success:   ${report.lastSuccess ? `${report.lastSuccess.key} at ${report.lastSuccess.at} (${ago(report.lastSuccess.at, now)})` : '-'}`,
    `last error:     ${report.lastError ? `${report.lastError.name}: ${report.lastError.message}${report.lastError.key ? ` [${report.lastError.key}]` : ''} at ${report.lastError.at} (${ago(report.lastError.at, now)})` : '-'}`,
  ];
  if (report.running && g) {
    for (const u of g.uploading) lines.push(`uploading:      ${u.key} ${mib(u.bytesSent)} of ${mib(u.size)} (attempt ${u.attempt})`);
    if (g.retry.consecutiveFailures > 0) lines.push(`retrying:       ${g.retry.consecutiveFailures} failure(s) in a row; next attempt ${g.retry.nextAttemptAt ?? 'soon'}`);
    lines.push(`disk guard:     ${mib(g.spool.bytesUsed)} of ${mib(g.spool.limitBytes)} used${g.spool.refusingUploads ? ' — REFUSING NEW UPLOADS (452)' : ''}; ${g.spool.keptFiles} kept copies`);
    if (g.heartbeat) lines.push(`heartbeat:      ${heartbeatLine(g.heartbeat, now)}`);
  }
  return lines.join('\n');
}

/** `sent to CloudWatch at …`, `recorded locally at …`, or `FAILED at …` with the last one sent. */
export function heartbeatLine(h: HeartbeatState, now = Date.now()): string {
  const every = `every ${h.intervalSeconds} s as '${h.gatewayName}'`;
  if (!h.last) return `none yet (${every})`;
  const reading = `queue ${h.last.queueLength}, oldest waiting ${h.last.oldestWaitingSeconds} s, disk ${h.last.diskUsedPercent}% used`;
  if (!h.cloudWatch) return `recorded locally at ${h.last.at} (${ago(h.last.at, now)}; CloudWatch off), ${every}: ${reading}`;
  const failedLast = h.lastFailure && (!h.lastSentAt || h.lastFailure.at > h.lastSentAt);
  if (failedLast) {
    return `FAILED to reach CloudWatch at ${h.lastFailure!.at} (${ago(h.lastFailure!.at, now)}): ${h.lastFailure!.name}: ${h.lastFailure!.message}; last sent ${h.lastSentAt ? `at ${h.lastSentAt} (${ago(h.lastSentAt, now)})` : 'never'}`;
  }
  return h.lastSentAt ? `sent to CloudWatch at ${h.lastSentAt} (${ago(h.lastSentAt, now)}), ${every}: ${reading}` : `sending to CloudWatch (${every})`;
}
