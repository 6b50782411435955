/**
 * The web app inside `camflow up`: the built single-page app (`web/dist`) served on
 * 127.0.0.1 (port 5173 by default), with `/config.json` telling it where the API is, and
 * `index.html` for every other path so that a link to a view can be shared and reloaded.
 * Its origin is the one origin the local API and S3 admit by CORS.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../web/content-security-policy.ts';
import { DEFAULT_WEB_PORT } from './local-defaults.ts';

/** What the app reads at start (`web/src/config.ts`); in AWS the deploy writes the same file. */
export interface WebConfig {
  apiUrl: string;
  /** Cognito user pool, in AWS only: without it the app signs in with `POST /auth/login`. */
  userPoolId?: string;
  userPoolClientId?: string;
  region?: string;
  /** A Cognito-compatible endpoint instead of Cognito's own (tests). */
  userPoolEndpoint?: string;
}

/** Where the app talks to Cognito, when it signs in there: a source for `connect-src`. */
function userPoolOrigin(config: WebConfig): string | undefined {
  if (!config.userPoolId) return undefined;
  if (config.userPoolEndpoint) return new URL(config.userPoolEndpoint).origin;
  return `https://cognito-idp.${config.region ?? config.userPoolId.split('_')[0]}.amazonaws.com`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export class WebBuildMissing extends Error {
  override name = 'WebBuildMissing';
  constructor(directory: string) {
    super(`The web app is not built (no ${join(directory, 'index.html')}): run \`npm run web:build\`, or start with \`npm start\`, which builds it.`);
  }
}

export interface LocalWeb {
  /** e.g. http://127.0.0.1:5173 — the origin CORS admits. */
  origin: string;
  port: number;
  /** Set once the API listens: served as `/config.json`. */
  setConfig(config: WebConfig): void;
  stop(): Promise<void>;
}

/**
 * Serves `directory` (a Vite build). Listens before anything else starts, so that a port of 0
 * gives the actual origin to admit.
 */
export async function startLocalWeb(options: { directory: string; port?: number; host?: string; s3Endpoint?: () => string | undefined }): Promise<LocalWeb> {
  const root = resolve(options.directory);
  if (!existsSync(join(root, 'index.html'))) throw new WebBuildMissing(root);
  const host = options.host ?? '127.0.0.1';
  let config: WebConfig | undefined;

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/config.json') {
      if (!config) {
        response.writeHead(503, { ...headers, 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ message: 'camflow is starting; try again in a second.' }));
        return;
      }
      response.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(config));
      return;
    }
    let path: string;
    try {
      path = normalize(join(root, decodeURIComponent(url.pathname)));
    } catch {
      response.writeHead(400, headers).end();
      return;
    }
    // Files under the build only; anything else (a view's URL) is the app itself.
    const isFile = (path === root || path.startsWith(root + sep)) && existsSync(path) && statSync(path).isFile();
    const file = isFile ? path : join(root, 'index.html');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    const connect = [config?.apiUrl, options.s3Endpoint?.(), config && userPoolOrigin(config)].filter((s): s is string => Boolean(s));
    if (type.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy(connect);
    response.writeHead(200, { ...headers, 'content-type': type, 'cache-control': cache, 'content-length': String(statSync(file).size) });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`camflow up: the web app's port ${options.port} is in use: choose another with --web-port (or CAMFLOW_WEB_PORT), or stop what uses it.`) : error),
    );
    server.listen(options.port ?? DEFAULT_WEB_PORT, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${port}`,
    port,
    setConfig: (next) => {
      config = next;
    },
    stop: () =>
      new Promise<void>((resolveStop) => {
        server.close(() => resolveStop());
        server.closeAllConnections();
      }),
  };
}
