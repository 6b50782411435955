/**
 * What `camflow executions` and `camflow status` share: the Step Functions client they use
 * (the local endpoint by default), and how they print durations, times and errors.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Flag } from '../../domain/command-line.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local-credentials.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8083';

/** The `--endpoint` flag of both commands, and the other variables they read. */
export const ENDPOINT_FLAG: Flag = { type: 'string', value: 'URL', help: 'the Step Functions endpoint', default: `${DEFAULT_ENDPOINT}, the one \`camflow up\` serves`, env: 'AWS_ENDPOINT_URL_SFN' };
export const STEP_FUNCTIONS_ENVIRONMENT = {
  AWS_ENDPOINT_URL: 'as --endpoint, when AWS_ENDPOINT_URL_SFN is not set',
  'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION': `credentials for another endpoint (default: the local stack's, region ${LOCAL_REGION})`,
};

/** `--endpoint`, else `AWS_ENDPOINT_URL_SFN`, else `AWS_ENDPOINT_URL`, else the local default. */
export function endpointFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.AWS_ENDPOINT_URL_SFN ?? env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
}

/** A client for `endpoint`: the environment's credentials if set, else the local ones. */
export function stepFunctionsClient(endpoint: string, env: NodeJS.ProcessEnv = process.env): SFNClient {
  return new SFNClient({
    endpoint,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? LOCAL_REGION,
    ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: { ...LOCAL_CREDENTIALS } }),
    maxAttempts: 2,
  });
}

/** `340 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Local time, to the second: `2025-11-26 13:20:01`. */
export function formatTime(date: Date | undefined): string {
  if (!date) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** An error and its cause in one line; a Lambda cause (`{"errorType","errorMessage"…}`) shows its message. */
export function formatFailure(error: string | undefined, cause: string | undefined, width = 160): string {
  if (!error && !cause) return '';
  let text = cause ?? '';
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message.
  }
  text = text.replace(/\s+/g, ' ').trim();
  const line = error && text ? `${error}: ${text}` : (error ?? text);
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** A sentence for an endpoint that does not answer, or undefined for other errors. */
export function unreachable(error: unknown, endpoint: string): string | undefined {
  const text = `${(error as { code?: string })?.code ?? ''} ${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''}`;
  if (!/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|socket hang up/i.test(text)) return undefined;
  return `Nothing answers at ${endpoint}: start the local stack with \`npx camflow up\`, or point to another endpoint with --endpoint URL (or AWS_ENDPOINT_URL_SFN).`;
}

export function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}
