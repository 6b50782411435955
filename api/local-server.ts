/**
 * The API on one machine: the same Hono app, served by @hono/node-server on 127.0.0.1
 * (port 8080 by default), with `camflow up` as the token issuer.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { CATALOG_TABLE_NAME_LOCAL } from '../workflows/catalog-table.ts';
import { createApiApp } from './app.ts';
import { lazyApiClients, type ApiClients } from './aws-clients.ts';
import type { AlertsSource } from './alerts.ts';
import type { ApiDependencies } from './dependencies.ts';
import { createLocalIssuer, LOCAL_AUDIENCE, loadOrCreateSigningKey, SIGNING_KEY_FILE } from './auth/local-issuer.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { dynamoUserStore } from './auth/users.ts';

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

export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  let fetchHandler: ((request: Request) => Response | Promise<Response>) | undefined;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        fetch: (request: Request) => (fetchHandler ? fetchHandler(request) : new Response('starting', { status: 503 })),
        port: options.port ?? DEFAULT_API_PORT,
        hostname: host,
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  try {
    const deps = typeof options.deps === 'function' ? await options.deps(url) : options.deps;
    fetchHandler = createApiApp(deps).fetch;
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
    alerts: options.alerts,
    corsOrigins: options.corsOrigins,
    presignExpirySeconds: options.presignExpirySeconds,
  };
}
