/**
 * The API on one machine: the same Hono app, served by @hono/node-server on 127.0.0.1
 * (port 8080 by default), with `camflow up` as the token issuer.
 *
 * The server refuses a body larger than the API accepts (`MAX_BODY_BYTES`) from its
 * Content-Length, before reading any of it: 413, `Connection: close`, and the rest of the
 * upload is discarded as it arrives (never kept) until the client stops or 10 s pass. A client that asked `Expect: 100-continue` (curl does for large
 * bodies) is answered 413 without ever being told to send. Bodies without a length are cut
 * off by the app's body limit while streaming.
 */
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { CATALOG_TABLE_NAME_LOCAL } from '../domain/catalog-table.ts';
import { bodyTooLarge, createApiApp, MAX_BODY_BYTES } from './app.ts';
import { deriveCursorKey } from './cursor.ts';
import { lazyApiClients, type ApiClients } from './aws-clients.ts';
import type { AlertsSource } from './alerts.ts';
import type { ApiDependencies } from './dependencies.ts';
import { createLocalIssuer, LOCAL_AUDIENCE, loadOrCreateSigningKey, SIGNING_KEY_FILE } from './auth/local-issuer.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { dynamoUserStore } from './auth/users.ts';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { CameraDefaults } from '../domain/camera-settings.ts';

export const DEFAULT_API_PORT = 8080;

export interface StartApiServerOptions {
  /** Port on 127.0.0.1; default 8080, 0 for a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** The dependencies, or a function of the server's URL (known once listening: the local issuer's `iss`). */
  deps: ApiDependencies | ((url: string) => ApiDependencies | Promise<ApiDependencies>);
}

export interface ApiServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** True when the request declares a body larger than the API accepts. */
function declaresTooLarge(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return length !== undefined && !request.headers['transfer-encoding'] && !(/^\d{1,15}$/.test(length) && Number(length) <= MAX_BODY_BYTES);
}

/** How long a refused upload may go on being discarded before the connection is dropped. */
const LINGER_MS = 10_000;

/**
 * Answer 413 without keeping the body: the response goes out first, then the connection is
 * half-closed and what the client still sends is discarded as it arrives (a lingering close:
 * dropping the connection with unread bytes would reset it, and a client still sending could
 * lose the 413 before reading it). Memory stays flat; after LINGER_MS the connection is dropped.
 */
function refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify(bodyTooLarge().body());
  const socket = request.socket;
  response.shouldKeepAlive = false;
  socket.write(`HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, () => socket.end());
  request.resume();
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

/** node:http's createServer, with bodies that declare themselves too large refused up front. */
const createLimitedServer = ((serverOptions: object, listener: (req: IncomingMessage, res: ServerResponse) => void) => {
  const server = createServer(serverOptions, (request, response) => (declaresTooLarge(request) ? refuseTooLarge(request, response) : listener(request, response)));
  server.on('checkContinue', (request, response) => {
    if (declaresTooLarge(request)) return refuseTooLarge(request, response);
    response.writeContinue();
    listener(request, response);
  });
  return server;
}) as typeof createServer;

export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  let fetchHandler: ((request: Request, env: unknown) => Response | Promise<Response>) | undefined;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        fetch: (request: Request, env: unknown) => (fetchHandler ? fetchHandler(request, env) : new Response('starting', { status: 503 })),
        port: options.port ?? DEFAULT_API_PORT,
        hostname: host,
        createServer: createLimitedServer,
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  try {
    const deps = typeof options.deps === 'function' ? await options.deps(url) : options.deps;
    const app = createApiApp(deps);
    fetchHandler = (request, env) => app.fetch(request, env);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export interface LocalApiOptions {
  /** The server's URL: `iss` of the tokens it issues. */
  url: string;
  /** The data directory; the signing key is kept at `{dataDirectory}/api-signing-key.json`. */
  dataDirectory: string;
  tableName?: string;
  buckets: { uploads: string; media: string };
  stateMachineArn: string;
  /** Alerts sent (locally: the outbox, see `outboxAlertsSource`). */
  alerts: AlertsSource;
  corsOrigins?: string[];
  presignExpirySeconds?: number;
  tokenLifetimeSeconds?: number;
  clients?: Partial<ApiClients>;
  /** The stack's camera defaults (the tasks' own). */
  cameraDefaults?: CameraDefaults;
  /** The API's Powertools log level (default: POWERTOOLS_LOG_LEVEL, else INFO). */
  logLevel?: LogLevel;
}

/**
 * Dependencies for the local API: the local issuer (users in the catalog table, a signing
 * key under the data directory) and a verifier over its key set — the same `jose`
 * verification as against Cognito in AWS.
 */
export async function localApiDependencies(options: LocalApiOptions): Promise<ApiDependencies> {
  const tableName = options.tableName ?? CATALOG_TABLE_NAME_LOCAL;
  const clients = lazyApiClients(options.clients);
  const signingKey = await loadOrCreateSigningKey(join(options.dataDirectory, SIGNING_KEY_FILE));
  const cursorKey = deriveCursorKey(String(signingKey.privateJwk.d));
  const issuer = createLocalIssuer({
    issuer: options.url,
    signingKey,
    users: dynamoUserStore(() => clients.dynamodb, tableName),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
  });
  return {
    tableName,
    buckets: options.buckets,
    stateMachineArn: options.stateMachineArn,
    clients,
    verifier: createTokenVerifier({ issuer: options.url, audience: LOCAL_AUDIENCE, jwks: issuer.jwks() }),
    localIssuer: issuer,
    // Cursors are signed with a key derived from the token-signing key (never leaves the data directory).
    cursorKey: async () => cursorKey,
    alerts: options.alerts,
    corsOrigins: options.corsOrigins,
    presignExpirySeconds: options.presignExpirySeconds,
    cameraDefaults: options.cameraDefaults,
    ...(options.logLevel ? { logger: new Logger({ serviceName: 'camflow-api', logLevel: options.logLevel }) } : {}),
  };
}
