/**
 * Types for the untyped CommonJS packages the local runtime runs on: s3rver (and the internals of
 * it that the versioning layer reuses) and dynalite. Only the members camflow uses are declared,
 * as their sources (s3rver 3.7, dynalite 4.0) define them.
 */

declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  import type FilesystemStore from 's3rver/lib/stores/filesystem.js';

  interface S3rverOptions {
    address?: string;
    /** 0: a port the OS picks. */
    port?: number;
    directory: string;
    silent?: boolean;
    /** Buckets created at `run()`, each with its configuration documents (CORS, website) as XML. */
    configureBuckets?: Array<{ name: string; configs: Array<string | Buffer> }>;
    allowMismatchedSignatures?: boolean;
    resetOnClose?: boolean;
  }

  /** s3rver is a Koa application. */
  class S3rver {
    constructor(options: S3rverOptions);
    readonly store: FilesystemStore;
    /** Koa's middleware stack, run in order; s3rver's router is the last one. Koa's context is not typed here. */
    readonly middleware: Array<(ctx: never, next: () => Promise<void>) => Promise<void>>;
    /** Create the configured buckets and listen; the address of the HTTP server. */
    run(): Promise<AddressInfo | string | null>;
    /** The HTTP server `run()` starts (s3rver's own resolves only on 'listening': a listen error hangs it). */
    listen(port: number | undefined, address: string | undefined, options: object): Promise<import('node:http').Server>;
    /** Koa's request handler. */
    callback(): import('node:http').RequestListener;
    /** Its winston logger (closed with the HTTP server). */
    readonly logger: { close(): void };
    close(): Promise<void>;
  }
  export = S3rver;
}

declare module 's3rver/lib/stores/filesystem.js' {
  /** s3rver's object store: a directory per bucket, files per key and resource. */
  class FilesystemStore {
    constructor(rootDirectory: string);
    /** The file holding one resource of a key (`object`, `object.md5`, `metadata.json`, `tagging.xml`, ...). */
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    /** The stored metadata headers, with the quoted MD5 `etag` and the size; rejects when the object does not exist. */
    getMetadata(bucket: string, key: string): Promise<{ etag: string; 'last-modified': string; 'content-length': number; [header: string]: string | number }>;
    putBucket(bucket: string): Promise<void>;
    listObjects(
      bucket: string,
      options: { delimiter?: string; startAfter?: string; prefix?: string; maxKeys?: number },
    ): Promise<{ objects: Array<{ bucket: string; key: string }>; commonPrefixes: string[]; isTruncated: boolean }>;
    deleteSubresource(bucket: string, key: string | undefined, resourceType: string): Promise<void>;
  }
  export = FilesystemStore;
}

declare module 's3rver/lib/models/account.js' {
  /** The accounts whose access keys s3rver accepts in signatures. */
  class AWSAccount {
    /** The one account s3rver serves. */
    static readonly DUMMY_ACCOUNT: AWSAccount;
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  }
  export = AWSAccount;
}

declare module 's3rver/lib/models/error.js' {
  /** An S3 error: s3rver's error handler answers it with its status and an S3 `<Error>` document. */
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    readonly code: string;
    readonly detail: Record<string, string>;
    readonly status: number;
  }
  export = S3Error;
}

declare module 's3rver/lib/middleware/authentication.js' {
  /** s3rver's signature check (SigV2/SigV4 headers and presigned queries, with expiry), as a Koa middleware; Koa's context is not typed here. */
  function authentication(): (ctx: never, next: () => Promise<void>) => Promise<void>;
  export = authentication;
}

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** The LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }

  /** A DynamoDB-compatible HTTP server, not yet listening. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
