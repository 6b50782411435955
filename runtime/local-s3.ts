/**
 * Local S3: s3rver on 127.0.0.1, its files under the data directory, with the camflow
 * buckets created. ObjectCreated notifications are surfaced as `onObjectCreated` callbacks
 * (the local stand-in for EventBridge's "Object Created" rule).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
// s3rver ships no types.
// @ts-expect-error -- untyped CommonJS module
import S3rver from 's3rver';
// @ts-expect-error -- untyped CommonJS module
import S3rverAccount from 's3rver/lib/models/account.js';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';

// s3rver verifies SigV4 signatures (and presigned URL expiry) against its own key registry.
S3rverAccount.DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);

export const LOCAL_BUCKETS = { uploads: 'camflow-uploads', media: 'camflow-media' } as const;

/**
 * Browsers play clips straight from S3 (presigned URLs: the signature, not the origin, is what
 * grants access), so the local buckets let any origin GET and HEAD, with Range for seeking.
 */
const PLAYBACK_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>Range</AllowedHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

export interface ObjectCreatedNotice {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  time: string;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  /** Register a listener for every object created in any bucket. */
  onObjectCreated(listener: (notice: ObjectCreatedNotice) => void): void;
  stop(): Promise<void>;
}

export async function startLocalS3(options: { directory: string; port?: number; buckets?: string[] }): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true });
  const buckets = options.buckets ?? Object.values(LOCAL_BUCKETS);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name, configs: [PLAYBACK_CORS] })),
    // Browsers (the web app, presigned playback) may read from it.
    allowMismatchedSignatures: false,
  });
  const address = (await server.run()) as AddressInfo;
  const listeners: Array<(n: ObjectCreatedNotice) => void> = [];
  server.on('event', (event: { Records: Array<Record<string, any>> }) => {
    for (const record of event.Records) {
      if (!String(record.eventName).startsWith('ObjectCreated')) continue;
      const notice: ObjectCreatedNotice = {
        bucket: record.s3.bucket.name,
        key: decodeURIComponent(String(record.s3.object.key).replace(/\+/g, ' ')),
        size: Number(record.s3.object.size),
        etag: String(record.s3.object.eTag ?? '').replace(/"/g, ''),
        time: record.eventTime,
      };
      for (const l of listeners) l(notice);
    }
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    onObjectCreated: (l) => listeners.push(l),
    stop: () => server.close(),
  };
}
