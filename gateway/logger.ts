/**
 * The gateway's one logger: Powertools Logger writing JSON lines to stdout (journald keeps
 * them under systemd). The embedded FTP server (ftp-srv) expects a bunyan logger; it gets an
 * adapter that writes through the same logger, so every line has the same shape.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type GatewayLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export function createGatewayLogger(level: GatewayLogLevel = 'INFO'): Logger {
  return new Logger({ serviceName: 'camflow-gateway', logLevel: level });
}

type BunyanArgs = unknown[];

/** What ftp-srv calls on its `log` option (a subset of bunyan). */
export interface BunyanLike {
  child(fields: Record<string, unknown>): BunyanLike;
  trace(...args: BunyanArgs): void;
  debug(...args: BunyanArgs): void;
  info(...args: BunyanArgs): void;
  warn(...args: BunyanArgs): void;
  error(...args: BunyanArgs): void;
  fatal(...args: BunyanArgs): void;
}

/** bunyan call shapes: (obj, msg, ...), (err, msg), (msg, ...) → one Powertools call. */
function toPowertools(args: BunyanArgs, fields: Record<string, unknown>): [string, Record<string, unknown>] {
  const extra: Record<string, unknown> = { component: 'ftp', ...fields };
  const rest = [...args];
  const first = rest[0];
  if (first instanceof Error) {
    extra.error = { name: first.name, message: first.message };
    rest.shift();
  } else if (first && typeof first === 'object') {
    Object.assign(extra, first);
    rest.shift();
  }
  const message = rest.filter((a) => typeof a === 'string' || typeof a === 'number').join(' ') || 'ftp';
  for (const a of rest) if (a && typeof a === 'object' && !(a instanceof Error)) Object.assign(extra, a);
  return [message, extra];
}

/**
 * ftp-srv's chatter: its routine info lines (listening, connections) are logged at DEBUG,
 * its errors (a client that dropped a transfer, a refused path) at WARN — they concern one
 * camera, not the gateway.
 */
export function bunyanAdapter(logger: Logger, fields: Record<string, unknown> = {}): BunyanLike {
  const at =
    (level: 'debug' | 'warn') =>
    (...args: BunyanArgs) => {
      const [message, extra] = toPowertools(args, fields);
      logger[level](message, extra);
    };
  return {
    child: (more) => bunyanAdapter(logger, { ...fields, ...pickSafe(more) }),
    trace: () => undefined,
    debug: at('debug'),
    info: at('debug'),
    warn: at('warn'),
    error: at('warn'),
    fatal: at('warn'),
  };
}

function pickSafe(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' || typeof v === 'number') out[k === 'id' ? 'connection' : k] = v;
  return out;
}
