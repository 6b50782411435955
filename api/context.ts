/** The dependencies, resolved once per app: what every route module works with. */
import type { Context } from 'hono';
import { Logger } from '@aws-lambda-powertools/logger';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { lazyApiClients, type ApiClients } from './aws-clients.ts';
import type { CatalogAccess } from './catalog.ts';
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
  logger: Logger;
  /** The API's public base URL (no trailing slash) for links in responses. */
  baseUrl(c: Context): string;
}

export function resolveContext(deps: ApiDependencies): ApiContext {
  const clients = lazyApiClients(deps.clients);
  const catalog: CatalogAccess = { client: () => clients.dynamodb, tableName: deps.tableName };
  return {
    deps,
    clients,
    catalog,
    presignExpirySeconds: deps.presignExpirySeconds ?? DEFAULT_PRESIGN_EXPIRY_SECONDS,
    playbackKey: deps.playbackKey ?? playbackKeyFromCatalog(catalog),
    logger: deps.logger ?? new Logger({ serviceName: 'camflow-api' }),
    baseUrl(c) {
      const configured = typeof deps.publicBaseUrl === 'function' ? deps.publicBaseUrl(c) : deps.publicBaseUrl;
      return (configured ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    },
  };
}
