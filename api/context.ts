/** The dependencies, resolved once per app: what every route module works with. */
import type { Context } from 'hono';
import { Logger } from '@aws-lambda-powertools/logger';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { lazyApiClients, type ApiClients } from './aws-clients.ts';
import type { CatalogAccess } from './catalog.ts';
import { createCursors, deriveCursorKey, type Cursors } from './cursor.ts';
import { createLoginLimiter, type LoginLimiter } from './auth/login-limiter.ts';
import { DEFAULT_PRESIGN_EXPIRY_SECONDS, type ApiDependencies } from './dependencies.ts';
import { playbackKeyFromCatalog } from './playback-token.ts';
import type { Principal } from './auth/roles.ts';

export type ApiEnv = { Variables: { principal: Principal } };
export type ApiApp = OpenAPIHono<ApiEnv>;

export interface ApiContext {
  deps: ApiDependencies;
  clients: ApiClients;
  catalog: CatalogAccess;
  presignExpirySeconds: number;
  playbackKey: () => Promise<Uint8Array>;
  /** Seals and opens the pagination cursors of every list. */
  cursors: Cursors;
  /** Failed-login limits of `POST /auth/login` (local issuer), per user name and per address. */
  loginLimiter: LoginLimiter;
  logger: Logger;
  /** The API's public base URL (no trailing slash) for links in responses. */
  baseUrl(c: Context): string;
}

export function resolveContext(deps: ApiDependencies): ApiContext {
  const clients = lazyApiClients(deps.clients);
  const catalog: CatalogAccess = { client: () => clients.dynamodb, tableName: deps.tableName };
  const playbackKey = deps.playbackKey ?? playbackKeyFromCatalog(catalog);
  let cursorKey: Promise<Uint8Array> | undefined;
  const derivedCursorKey = () =>
    (cursorKey ??= playbackKey()
      .then(deriveCursorKey)
      .catch((error) => {
        cursorKey = undefined;
        throw error;
      }));
  return {
    deps,
    clients,
    catalog,
    presignExpirySeconds: deps.presignExpirySeconds ?? DEFAULT_PRESIGN_EXPIRY_SECONDS,
    playbackKey,
    cursors: createCursors(deps.cursorKey ?? derivedCursorKey),
    loginLimiter: createLoginLimiter(),
    logger: deps.logger ?? new Logger({ serviceName: 'camflow-api' }),
    baseUrl(c) {
      const configured = typeof deps.publicBaseUrl === 'function' ? deps.publicBaseUrl(c) : deps.publicBaseUrl;
      return (configured ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    },
  };
}
