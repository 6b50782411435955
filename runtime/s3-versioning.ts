/**
 * S3 versioning and Object Lock legal holds for the local S3 (s3rver has neither).
 *
 * A Koa middleware placed in front of s3rver's router. For every bucket it manages it keeps
 * S3's guarantees where camflow relies on them:
 * - every PutObject / CompleteMultipartUpload / CopyObject makes a new version (its id in
 *   `x-amz-version-id`); the version it replaces is kept, readable by `versionId`;
 * - DeleteObject without a version id only adds a delete marker (the bytes stay);
 * - DeleteObject with a version id removes that version — refused (403 AccessDenied) while
 *   the version is under a legal hold, as S3 Object Lock refuses it;
 * - PutObjectLegalHold / GetObjectLegalHold, ListObjectVersions, GetBucketVersioning and
 *   GetObjectLockConfiguration, DeleteObjects with version ids, Get/Head/tagging by version id.
 *
 * The current version of a key is the object s3rver stores under that key; older versions
 * live in a second s3rver store beside the first (`{versionsDirectory}/{bucket}/{versionId}/{key}`),
 * and the version list of every key is an append-only journal per bucket. A request the layer
 * answers is authenticated with s3rver's own authentication middleware first (access key and
 * presigned expiry), then served; writes without any signature are refused, as S3 refuses them.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
// s3rver ships no types: runtime/untyped-modules.d.ts declares what is used of it.
import authentication from 's3rver/lib/middleware/authentication.js';
import S3Error from 's3rver/lib/models/error.js';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';

/** One version of a key, oldest first in a key's list; the last one is the current version. */
export interface ObjectVersion {
  versionId: string;
  etag: string;
  size: number;
  lastModified: string;
  deleteMarker?: boolean;
  legalHold?: boolean;
}

export interface VersionCreated {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
  time: string;
}

type JournalRecord = { op: 'put'; key: string; version: ObjectVersion } | { op: 'remove'; key: string; versionId: string } | { op: 'hold'; key: string; versionId: string; on: boolean };

const RESOURCE_FILES = ['object', 'object.md5', 'metadata.json', 'tagging.xml'] as const;

/** 32 letters and digits, like S3's own ids (never a leading `-`, which a command line would read as an option). */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url').replace(/[-_]/g, '0');
}

/** The versions of every key of one bucket, replayed from and appended to its journal. */
export class VersionJournal {
  private readonly byKey = new Map<string, ObjectVersion[]>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        this.apply(JSON.parse(line) as JournalRecord);
      } catch {
        // A torn last line (crash mid-append) is ignored; every complete line before it counts.
      }
    }
  }

  versions(key: string): ObjectVersion[] {
    return this.byKey.get(key) ?? [];
  }

  current(key: string): ObjectVersion | undefined {
    return this.versions(key).at(-1);
  }

  find(key: string, versionId: string): ObjectVersion | undefined {
    return this.versions(key).find((v) => v.versionId === versionId);
  }

  keys(): string[] {
    return [...this.byKey.keys()].filter((k) => this.versions(k).length > 0).sort();
  }

  record(record: JournalRecord): void {
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    this.apply(record);
  }

  private apply(record: JournalRecord): void {
    const list = this.byKey.get(record.key) ?? [];
    if (record.op === 'put') list.push(record.version);
    else if (record.op === 'remove') {
      const at = list.findIndex((v) => v.versionId === record.versionId);
      if (at >= 0) list.splice(at, 1);
    } else {
      const version = list.find((v) => v.versionId === record.versionId);
      if (version) version.legalHold = record.on;
    }
    if (list.length) this.byKey.set(record.key, list);
    else this.byKey.delete(record.key);
  }
}

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  querystring: string;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string | undefined>;
  state: Record<string, unknown>;
  status: number;
  body: unknown;
  store: unknown;
  req: NodeJS.ReadableStream;
  set(name: string, value: string): void;
  response: { get(name: string): string };
}
type Next = () => Promise<void>;

interface Store {
  getResourcePath(bucket: string, key: string, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<{ etag: string; 'content-length': number }>;
  putBucket(bucket: string): Promise<void>;
}

const xmlUnescape = (text: string) =>
  text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[entity.toLowerCase()]) return named[entity.toLowerCase()]!;
    return String.fromCodePoint(entity[1]?.toLowerCase() === 'x' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10));
  });

function readBody(ctx: KoaContext, limit = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    ctx.req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new S3Error('MaxMessageLengthExceeded', 'Your request was too big.'));
      else chunks.push(chunk);
    });
    ctx.req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    ctx.req.on('error', reject);
  });
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export interface VersioningLayer {
  /** The Koa middleware to run before s3rver's router. */
  middleware: (ctx: KoaContext, next: Next) => Promise<void>;
  onVersionCreated(listener: (created: VersionCreated) => void): void;
  journal(bucket: string): VersionJournal;
}

export function versioningLayer(options: { store: Store; buckets: string[]; versionsDirectory: string }): VersioningLayer {
  const { store } = options;
  const archive: Store = new FilesystemStore(join(options.versionsDirectory, 'objects'));
  const journals = new Map(options.buckets.map((b) => [b, new VersionJournal(join(options.versionsDirectory, `${b}.jsonl`))]));
  for (const bucket of options.buckets) mkdirSync(join(options.versionsDirectory, 'objects', bucket), { recursive: true });
  const listeners: Array<(c: VersionCreated) => void> = [];
  const authenticate = authentication() as (ctx: KoaContext, next: Next) => Promise<void>;

  // One change at a time per key: an overwrite must archive the version it replaces first.
  const locks = new Map<string, Promise<unknown>>();
  const withKeyLock = async <T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> => {
    const id = `${bucket}/${key}`;
    const previous = locks.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    locks.set(id, run);
    try {
      return await run;
    } finally {
      if (locks.get(id) === run) locks.delete(id);
    }
  };

  const archivedKey = (key: string, versionId: string) => `${versionId}/${key}`;

  async function moveResources(from: { store: Store; bucket: string; key: string }, to: { store: Store; bucket: string; key: string }) {
    for (const resource of RESOURCE_FILES) {
      const source = from.store.getResourcePath(from.bucket, from.key, resource);
      const target = to.store.getResourcePath(to.bucket, to.key, resource);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  async function removeResources(target: { store: Store; bucket: string; key: string }) {
    for (const resource of RESOURCE_FILES) {
      try {
        await unlink(target.store.getResourcePath(target.bucket, target.key, resource));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  const live = (bucket: string, key: string) => ({ store, bucket, key });
  const archived = (bucket: string, key: string, versionId: string) => ({ store: archive, bucket, key: archivedKey(key, versionId) });

  /** Keep the current version's bytes before s3rver replaces or removes them. */
  async function archiveCurrent(journal: VersionJournal, bucket: string, key: string) {
    const current = journal.current(key);
    if (current && !current.deleteMarker) await moveResources(live(bucket, key), archived(bucket, key, current.versionId));
    return current;
  }

  async function restoreCurrent(journal: VersionJournal, bucket: string, key: string) {
    const current = journal.current(key);
    if (current && !current.deleteMarker) await moveResources(archived(bucket, key, current.versionId), live(bucket, key));
  }

  /** Delete one version; S3 refuses while it is under a legal hold. */
  async function deleteVersion(journal: VersionJournal, bucket: string, key: string, versionId: string): Promise<ObjectVersion> {
    const version = journal.find(key, versionId);
    if (!version) throw new S3Error('NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId });
    if (version.legalHold) {
      throw new S3Error('AccessDenied', 'Access Denied because object protected by object lock.', { Key: key, VersionId: versionId });
    }
    const wasCurrent = journal.current(key)?.versionId === versionId;
    if (wasCurrent) {
      if (!version.deleteMarker) await removeResources(live(bucket, key));
      journal.record({ op: 'remove', key, versionId });
      await restoreCurrent(journal, bucket, key);
    } else {
      if (!version.deleteMarker) await removeResources(archived(bucket, key, versionId));
      journal.record({ op: 'remove', key, versionId });
    }
    return version;
  }

  async function addDeleteMarker(journal: VersionJournal, bucket: string, key: string): Promise<ObjectVersion> {
    await archiveCurrent(journal, bucket, key);
    const marker: ObjectVersion = { versionId: newVersionId(), etag: '', size: 0, lastModified: new Date().toISOString(), deleteMarker: true };
    journal.record({ op: 'put', key, version: marker });
    return marker;
  }

  function listVersions(bucket: string, journal: VersionJournal, query: KoaContext['query']) {
    const prefix = single(query.prefix) ?? '';
    const maxKeys = Math.max(1, Math.min(1000, Number(single(query['max-keys']) ?? 1000) || 1000));
    const keyMarker = single(query['key-marker']) ?? '';
    const versionMarker = single(query['version-id-marker']) ?? '';
    const entries: Array<{ key: string; version: ObjectVersion; latest: boolean }> = [];
    for (const key of journal.keys()) {
      if (!key.startsWith(prefix) || (keyMarker && key < keyMarker)) continue;
      const versions = [...journal.versions(key)].reverse(); // newest first, as S3 lists them
      let skipping = key === keyMarker;
      if (skipping && !versionMarker) continue;
      for (const [i, version] of versions.entries()) {
        if (skipping) {
          if (version.versionId === versionMarker) skipping = false;
          continue;
        }
        entries.push({ key, version, latest: i === 0 });
      }
    }
    const page = entries.slice(0, maxKeys);
    const truncated = entries.length > maxKeys;
    const last = page.at(-1);
    const Version = page
      .filter((e) => !e.version.deleteMarker)
      .map((e) => ({
        Key: e.key,
        VersionId: e.version.versionId,
        IsLatest: e.latest,
        LastModified: e.version.lastModified,
        ETag: `"${e.version.etag}"`,
        Size: e.version.size,
        StorageClass: 'STANDARD',
      }));
    const DeleteMarker = page.filter((e) => e.version.deleteMarker).map((e) => ({ Key: e.key, VersionId: e.version.versionId, IsLatest: e.latest, LastModified: e.version.lastModified }));
    return {
      ListVersionsResult: {
        Name: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
        MaxKeys: maxKeys,
        IsTruncated: truncated,
        ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.version.versionId } : {}),
        ...(Version.length ? { Version } : {}),
        ...(DeleteMarker.length ? { DeleteMarker } : {}),
      },
    };
  }

  /** Serve the request as s3rver would, but for a given version: authenticated here, then unsigned inside. */
  function rewriteForVersion(ctx: KoaContext, bucket: string, key: string, version: ObjectVersion, isCurrent: boolean) {
    const query = new URLSearchParams(ctx.querystring);
    for (const name of [...query.keys()]) {
      if (name === 'versionId' || name.toLowerCase().startsWith('x-amz-') || name === 'Signature' || name === 'AWSAccessKeyId' || name === 'Expires') query.delete(name);
    }
    delete ctx.headers.authorization;
    ctx.querystring = query.toString();
    if (!isCurrent) {
      ctx.store = archive;
      ctx.path = `/${bucket}/${archivedKey(key, version.versionId).split('/').map(encodeURIComponent).join('/')}`;
    }
  }

  async function checkSignature(ctx: KoaContext, bucket: string, key: string | undefined) {
    const saved = ctx.params;
    ctx.params = { ...(ctx.params ?? {}), bucket, key };
    try {
      await authenticate(ctx, async () => undefined);
    } finally {
      ctx.params = saved;
    }
  }

  const signed = (ctx: KoaContext) => 'authorization' in ctx.headers || 'X-Amz-Algorithm' in ctx.query || 'Signature' in ctx.query;

  async function afterWrite(ctx: KoaContext, journal: VersionJournal, bucket: string, key: string) {
    const meta = await store.getMetadata(bucket, key);
    const version: ObjectVersion = {
      versionId: newVersionId(),
      etag: String(meta.etag).replace(/"/g, ''),
      size: Number(meta['content-length']),
      lastModified: new Date().toISOString(),
    };
    journal.record({ op: 'put', key, version });
    ctx.set('x-amz-version-id', version.versionId);
    const created: VersionCreated = { bucket, key, versionId: version.versionId, etag: version.etag, size: version.size, time: version.lastModified };
    for (const listener of listeners) listener(created);
  }

  const middleware = async (ctx: KoaContext, next: Next) => {
    const segments = ctx.path.split('/').slice(1);
    const bucketName = segments[0] ? decodeURIComponent(segments[0]) : '';
    const journal = journals.get(bucketName);
    if (!journal) return next();
    const bucket = bucketName;
    const rest = segments.slice(1).join('/');
    const key = rest ? decodeURIComponent(rest) : undefined;
    const query = ctx.query;
    const method = ctx.method.toUpperCase();
    const versionId = single(query.versionId);
    const mutation = method === 'PUT' || method === 'POST' || method === 'DELETE';
    if (mutation && !signed(ctx)) throw new S3Error('AccessDenied', 'Access Denied: sign the request (anonymous writes are refused, as in S3).');

    if (!key) {
      if (method === 'GET' && 'versioning' in query) {
        await checkSignature(ctx, bucket, undefined);
        ctx.body = { VersioningConfiguration: { Status: 'Enabled' } };
        return;
      }
      if (method === 'GET' && 'object-lock' in query) {
        await checkSignature(ctx, bucket, undefined);
        ctx.body = { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } };
        return;
      }
      if (method === 'GET' && 'versions' in query) {
        await checkSignature(ctx, bucket, undefined);
        ctx.body = listVersions(bucket, journal, query);
        return;
      }
      if (method === 'POST' && 'delete' in query) {
        await checkSignature(ctx, bucket, undefined);
        const body = await readBody(ctx);
        const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(body);
        const Deleted: Array<Record<string, unknown>> = [];
        const Error: Array<Record<string, unknown>> = [];
        for (const match of body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
          const objectKey = xmlUnescape(/<Key>([\s\S]*?)<\/Key>/.exec(match[1]!)?.[1] ?? '');
          const objectVersion = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(match[1]!)?.[1];
          try {
            if (objectVersion) {
              const removed = await withKeyLock(bucket, objectKey, () => deleteVersion(journal, bucket, objectKey, xmlUnescape(objectVersion)));
              if (!quiet) Deleted.push({ Key: objectKey, VersionId: removed.versionId, ...(removed.deleteMarker ? { DeleteMarker: true } : {}) });
            } else {
              const marker = await withKeyLock(bucket, objectKey, () => addDeleteMarker(journal, bucket, objectKey));
              if (!quiet) Deleted.push({ Key: objectKey, DeleteMarker: true, DeleteMarkerVersionId: marker.versionId });
            }
          } catch (error) {
            const e = error as { code?: string; message: string };
            Error.push({ Key: objectKey, ...(objectVersion ? { VersionId: objectVersion } : {}), Code: e.code ?? 'InternalError', Message: e.message });
          }
        }
        ctx.body = { DeleteResult: { ...(Deleted.length ? { Deleted } : {}), ...(Error.length ? { Error } : {}) } };
        return;
      }
      return next();
    }

    if ('legal-hold' in query) {
      await checkSignature(ctx, bucket, key);
      const version = versionId ? journal.find(key, versionId) : journal.current(key);
      if (!version || version.deleteMarker) {
        throw versionId
          ? new S3Error('NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId })
          : new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
      }
      if (method === 'PUT') {
        const body = await readBody(ctx);
        const status = /<Status>\s*(ON|OFF)\s*<\/Status>/.exec(body)?.[1];
        if (!status) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
        journal.record({ op: 'hold', key, versionId: version.versionId, on: status === 'ON' });
        ctx.set('x-amz-version-id', version.versionId);
        ctx.status = 200;
        ctx.body = '';
        return;
      }
      if (method === 'GET') {
        if (version.legalHold === undefined) throw new S3Error('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration');
        ctx.body = { LegalHold: { Status: version.legalHold ? 'ON' : 'OFF' } };
        return;
      }
      throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }

    if (method === 'DELETE' && !('tagging' in query) && !('uploadId' in query)) {
      await checkSignature(ctx, bucket, key);
      if (versionId) {
        const removed = await withKeyLock(bucket, key, () => deleteVersion(journal, bucket, key, versionId));
        ctx.set('x-amz-version-id', removed.versionId);
        if (removed.deleteMarker) ctx.set('x-amz-delete-marker', 'true');
      } else {
        const marker = await withKeyLock(bucket, key, () => addDeleteMarker(journal, bucket, key));
        ctx.set('x-amz-version-id', marker.versionId);
        ctx.set('x-amz-delete-marker', 'true');
      }
      ctx.status = 204;
      ctx.body = null;
      return;
    }

    const createsVersion = (method === 'PUT' && !('uploadId' in query) && !('tagging' in query) && !('acl' in query)) || (method === 'POST' && 'uploadId' in query);
    if (createsVersion) {
      await withKeyLock(bucket, key, async () => {
        await archiveCurrent(journal, bucket, key);
        try {
          await next();
        } catch (error) {
          await restoreCurrent(journal, bucket, key);
          throw error;
        }
        if (ctx.status >= 300) {
          await restoreCurrent(journal, bucket, key);
          return;
        }
        await afterWrite(ctx, journal, bucket, key);
      });
      return;
    }

    if (versionId) {
      await checkSignature(ctx, bucket, key);
      const version = journal.find(key, versionId);
      if (!version) throw new S3Error('NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId });
      if (version.deleteMarker) {
        ctx.set('x-amz-delete-marker', 'true');
        throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: method, ResourceType: 'DeleteMarker' });
      }
      rewriteForVersion(ctx, bucket, key, version, journal.current(key)?.versionId === versionId);
      await next();
      ctx.set('x-amz-version-id', version.versionId);
      return;
    }

    await next();
    const current = journal.current(key);
    if (current && !current.deleteMarker && (method === 'GET' || method === 'HEAD')) ctx.set('x-amz-version-id', current.versionId);
  };

  return {
    middleware,
    onVersionCreated: (listener) => listeners.push(listener),
    journal: (bucket) => {
      const journal = journals.get(bucket);
      if (!journal) throw new Error(`Bucket ${bucket} is not versioned by the local layer`);
      return journal;
    },
  };
}

/** Objects written before versioning existed get a version each, so every object has one. */
export async function adoptUnversionedObjects(layer: VersioningLayer, store: Store, bucket: string, keys: string[]): Promise<number> {
  const journal = layer.journal(bucket);
  let adopted = 0;
  for (const key of keys) {
    if (journal.current(key)) continue;
    const meta = await store.getMetadata(bucket, key);
    journal.record({ op: 'put', key, version: { versionId: newVersionId(), etag: String(meta.etag).replace(/"/g, ''), size: Number(meta['content-length']), lastModified: new Date().toISOString() } });
    adopted += 1;
  }
  return adopted;
}
