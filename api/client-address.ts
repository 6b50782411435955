/**
 * The address a request came from, as the server saw it — never from a header a client can
 * set (X-Forwarded-For): the socket's peer on the local server, API Gateway's `sourceIp` in
 * Lambda. Used to limit failed sign-ins per address.
 */
import type { Context } from 'hono';

export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; event?: { requestContext?: { identity?: { sourceIp?: string }; http?: { sourceIp?: string } } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.event?.requestContext?.identity?.sourceIp ?? env?.event?.requestContext?.http?.sourceIp ?? 'unknown';
}
