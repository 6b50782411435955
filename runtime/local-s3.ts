/**
 * Local S3: s3rver on 127.0.0.1, its files under the data directory, with the camflow
 * buckets created — versioned, with Object Lock legal holds (`s3-versioning.ts`), as the
 * stack's buckets are. ObjectCreated notifications, with the new version id, are surfaced as
 * `onObjectCreated` callbacks (the local stand-in for EventBridge's "Object Created" rule).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
// s3rver ships no types: runtime/untyped-modules.d.ts declares what is used of it.
import S3rver from 's3rver';
import S3rverAccount from 's3rver/lib/models/account.js';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';
import { adoptUnversionedObjects, versioningLayer } from './s3-versioning.ts';

// s3rver verifies SigV4 signatures (and presigned URL expiry) against its own key registry.
S3rverAccount.DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);

export const LOCAL_BUCKETS = { uploads: 'camflow-uploads', media: 'camflow-media' } as const;

/**
 * The buckets' CORS configuration: the web app's origin (and only it) may GET and HEAD, with
 * Range for seeking, as the stack's buckets admit only its `webOrigin`. No origin: no CORS rule
 * at all (scripts and players outside a browser need none).
 */
export function playbackCors(origins: readonly string[]): string | undefined {
  if (origins.length === 0) return undefined;
  const allowed = origins.map((o) => `<AllowedOrigin>${escapeXml(o)}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>Range</AllowedHeader><ExposeHeader>Content-Range</ExposeHeader><ExposeHeader>Content-Length</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * s3rver answers a preflight with `Access-Control-Allow-Origin: *` whatever its rule says; S3
 * names the origin. Once a rule matched (any other preflight is a 403), name it too.
 */
function preflightNamesOrigin() {
  return async (ctx: { method: string; get(name: string): string; response: { get(name: string): string }; set(name: string, value: string): void }, next: () => Promise<void>) => {
    await next();
    const origin = ctx.get('origin');
    if (ctx.method === 'OPTIONS' && origin && ctx.response.get('Access-Control-Allow-Origin') === '*') ctx.set('Access-Control-Allow-Origin', origin);
  };
}

export interface ObjectCreatedNotice {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  /** The S3 version the upload created. */
  versionId: string;
  time: string;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  /** Register a listener for every object created in any bucket. */
  onObjectCreated(listener: (notice: ObjectCreatedNotice) => void): void;
  stop(): Promise<void>;
}

export async function startLocalS3(options: {
  directory: string;
  port?: number;
  buckets?: string[];
  /** Origins a browser may read the buckets from (the web app's); default none. */
  corsOrigins?: readonly string[];
}): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true });
  const buckets = options.buckets ?? Object.values(LOCAL_BUCKETS);
  const cors = playbackCors(options.corsOrigins ?? []);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name, configs: cors ? [cors] : [] })),
    allowMismatchedSignatures: false,
  });
  const versionsDirectory = `${options.directory.replace(/\/+$/, '')}.versions`;
  const layer = versioningLayer({ store: server.store, buckets, versionsDirectory });
  // After s3rver's own middleware (logging, XML encoding, vhost) and before its router.
  const middleware = server.middleware;
  middleware.splice(middleware.length - 1, 0, preflightNamesOrigin(), layer.middleware);
  // s3rver listens with a callback that only hears 'listening': a port in use would hang run()
  // and surface as an unhandled 'error'. Listen here instead, failing with the error.
  server.listen = (port, address) =>
    new Promise((resolveListen, rejectListen) => {
      const http = createHttpServer(server.callback()).on('close', () => server.logger.close());
      http.once('error', rejectListen);
      http.listen(port, address, () => {
        http.off('error', rejectListen);
        resolveListen(http);
      });
    });
  const address = (await server.run()) as AddressInfo;
  // A rule from an earlier start (another web port) must not outlive it.
  if (!cors) for (const bucket of buckets) await server.store.deleteSubresource(bucket, undefined, 'cors');
  // Objects stored before versioning existed get a version each — once: every later write goes
  // through the layer, so the listing is not repeated at every start.
  const adopted = join(versionsDirectory, 'adopted');
  if (!existsSync(adopted)) {
    for (const bucket of buckets) {
      const { objects } = await server.store.listObjects(bucket, { maxKeys: Number.MAX_SAFE_INTEGER });
      await adoptUnversionedObjects(
        layer,
        server.store,
        bucket,
        objects.map((o) => o.key),
      );
    }
    writeFileSync(adopted, `${new Date().toISOString()}\n`);
  }
  const listeners: Array<(n: ObjectCreatedNotice) => void> = [];
  layer.onVersionCreated((created) => {
    for (const l of listeners) l(created);
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    onObjectCreated: (l) => listeners.push(l),
    stop: () => server.close(),
  };
}
