/**
 * For the API's tests and benchmark: the real local services (dynalite, s3rver) on free
 * ports, the standard SDK variables pointing at them, the API served on a free port with a
 * local issuer, and an admin and a viewer with tokens. Not used in production.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ffmpegGeneratedSync } from '../integ-tests/generated-media.ts';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { startLocalDynamoDB, type LocalDynamoDB } from '../runtime/local-dynamodb.ts';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3 } from '../runtime/local-s3.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, localAwsEnvironment, localClientConfig, localS3ClientConfig } from '../runtime/local-credentials.ts';
import { keys } from '../domain/catalog-table.ts';
import { STATE_MACHINE_NAME, type CameraRecord, type ClipRecord } from '../domain/clip-contract.ts';
import type { AlertsSource } from './alerts.ts';
import { catalogAlertsSource } from './alerts.ts';
import { dynamoUserStore } from './auth/users.ts';
import type { ApiDependencies } from './dependencies.ts';
import { localApiDependencies, startApiServer, type ApiServer } from './local-server.ts';

export const TEST_TABLE = 'camflow';

/** A response's JSON body; a body that is not JSON fails the test with the status and the text. */
export async function responseJson(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${response.status}): ${text}`);
  }
}
export const TEST_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;

export interface LocalServices {
  directory: string;
  dynamodb: LocalDynamoDB;
  s3: LocalS3;
  /** The standard variables for these services: for a child process (a CLI) only, never written to process.env. */
  env: Record<string, string>;
  documents: DynamoDBDocumentClient;
  s3Client: S3Client;
  /** Step Functions at the endpoint given, if any. */
  sfnClient?: SFNClient;
  stop(): Promise<void>;
}

export async function startLocalServices(extraEndpoints: { stepfunctions?: string } = {}, options: { dynamodb?: LocalDynamoDB } = {}): Promise<LocalServices> {
  const directory = mkdtempSync(join(tmpdir(), 'camflow-api-'));
  const dynamodb = options.dynamodb ?? (await startLocalDynamoDB({ tableName: TEST_TABLE }));
  const s3 = await startLocalS3({ directory: join(directory, 's3') });
  const env = localAwsEnvironment({ s3: s3.endpoint, dynamodb: dynamodb.endpoint, ...extraEndpoints });
  const config = localClientConfig();
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, endpoint: dynamodb.endpoint }), { marshallOptions: { removeUndefinedValues: true } });
  const s3Client = new S3Client(localS3ClientConfig(s3.endpoint));
  const sfnClient = extraEndpoints.stepfunctions ? new SFNClient({ ...config, endpoint: extraEndpoints.stepfunctions }) : undefined;
  return {
    directory,
    dynamodb,
    s3,
    env,
    documents,
    s3Client,
    sfnClient,
    async stop() {
      documents.destroy();
      s3Client.destroy();
      sfnClient?.destroy();
      await s3.stop();
      await dynamodb.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface TestApi {
  server: ApiServer;
  url: string;
  deps: ApiDependencies;
  tokens: { admin: string; viewer: string };
  /** fetch relative to the API, with the given token. */
  call(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
}

export async function startTestApi(
  services: LocalServices,
  options: { presignExpirySeconds?: number; alerts?: AlertsSource; corsOrigins?: string[]; stateMachineArn?: string } = {},
): Promise<TestApi> {
  let deps!: ApiDependencies;
  const server = await startApiServer({
    port: 0,
    deps: async (url) => {
      deps = await localApiDependencies({
        url,
        dataDirectory: services.directory,
        tableName: TEST_TABLE,
        buckets: { ...LOCAL_BUCKETS },
        stateMachineArn: options.stateMachineArn ?? TEST_STATE_MACHINE_ARN,
        alerts: options.alerts ?? catalogAlertsSource({ client: () => services.documents, tableName: TEST_TABLE }),
        corsOrigins: options.corsOrigins,
        presignExpirySeconds: options.presignExpirySeconds,
        clients: { dynamodb: services.documents, s3: services.s3Client, ...(services.sfnClient ? { sfn: services.sfnClient } : {}) },
      });
      return deps;
    },
  });
  const users = dynamoUserStore(() => services.documents, TEST_TABLE);
  const tokens = { admin: '', viewer: '' };
  for (const role of ['admin', 'viewer'] as const) {
    await users.add({ username: `test-${role}`, role, password: `${role}-password`, replace: true });
    const login = await deps.localIssuer!.login(`test-${role}`, `${role}-password`);
    tokens[role] = login!.token;
  }
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, { ...init, headers });
  };
  return { server, url: server.url, deps, tokens, call };
}

// ---- catalog fixtures ----

export function cameraRecord(camera: string, overrides: Partial<CameraRecord> = {}): CameraRecord {
  return { camera, displayName: camera.replace(/-/g, ' '), retentionClass: 'standard', alertsEnabled: true, cooldownSeconds: 300, clipCount: 0, ...overrides };
}

/** A catalog item for a clip, with its index attributes, built with the shared key functions. */
export function clipItem(record: ClipRecord): Record<string, unknown> {
  return {
    ...keys.clip(record.clipId),
    ...keys.clipIndexes(record.camera, record.capturedAt, record.clipId),
    ...(keys.clipStatusIndex(record.status, record.updatedAt, record.clipId) ?? {}),
    ...record,
  };
}

export function readyClip(clipId: string, camera: string, capturedAt: string, overrides: Partial<ClipRecord> = {}): ClipRecord {
  const day = capturedAt.slice(0, 10).replace(/-/g, '/');
  const prefix = `s3://${LOCAL_BUCKETS.media}/${camera}/${day}/${clipId}/`;
  return {
    clipId,
    camera,
    kind: 'video',
    status: 'READY',
    capturedAt,
    uploadedAt: capturedAt,
    updatedAt: capturedAt,
    executionName: clipId,
    source: { bucket: LOCAL_BUCKETS.uploads, key: `${camera}/${clipId}.mp4`, sizeBytes: 1000, container: 'mp4', videoCodec: 'h264', width: 320, height: 180 },
    durationSeconds: 2,
    renditions: [
      { kind: 'hls-master', uri: `${prefix}hls/index.m3u8` },
      { kind: 'hls', uri: `${prefix}hls/index_180p.m3u8`, width: 320, height: 180, bitrate: 300_000 },
      { kind: 'mp4', uri: `${prefix}clip.mp4`, width: 320, height: 180 },
      { kind: 'poster', uri: `${prefix}poster.jpg` },
      { kind: 'thumbnails', uri: `${prefix}thumbnails/`, intervalSeconds: 1 },
    ],
    hlsMaster: `${prefix}hls/index.m3u8`,
    mp4: `${prefix}clip.mp4`,
    poster: `${prefix}poster.jpg`,
    thumbnails: { prefix: `${prefix}thumbnails/`, intervalSeconds: 1 },
    retentionClass: 'standard',
    ...overrides,
  };
}

export async function putCatalogItem(services: LocalServices, item: Record<string, unknown>): Promise<void> {
  await services.documents.send(new PutCommand({ TableName: TEST_TABLE, Item: item }));
}

/** Write many items quickly: BatchWriteItem, 25 per request, `parallel` requests at a time. */
export async function batchWriteItems(items: Array<Record<string, unknown>>, parallel = 16): Promise<void> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await pLimit(parallel).map(batches, async (batch) => {
    let requests = batch.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; requests.length; attempt++) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [TEST_TABLE]: requests } }));
      requests = (result.UnprocessedItems?.[TEST_TABLE] ?? []) as typeof requests;
      if (requests.length && attempt > 20) throw new Error('BatchWriteItem kept returning unprocessed items');
    }
  });
  client.destroy();
}

// ---- media fixtures (generated with ffmpeg) ----

export interface RenderedClip {
  /** key → bytes of every object written to the media bucket, and the raw upload. */
  objects: Map<string, Buffer>;
  mediaKeys: string[];
  rawKey: string;
}

/**
 * Make a tiny real clip with ffmpeg (320x180, 2 s): an HLS variant with its segments, a
 * master naming it, an MP4, a poster, two thumbnails and the raw upload — and upload them
 * where the clip record says.
 */
export async function uploadRenderedClip(services: LocalServices, clip: ClipRecord): Promise<RenderedClip> {
  const work = mkdtempSync(join(tmpdir(), 'camflow-clip-'));
  try {
    const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd: work });
    // Made from generated sources only, so kept between runs (integ-tests/generated-media.ts).
    const generated = (...args: string[]) => ffmpegGeneratedSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd: work });
    generated('-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', 'clip.mp4');
    ffmpeg('-i', 'clip.mp4', '-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', '-hls_segment_filename', 'index_180p_%05d.ts', 'index_180p.m3u8');
    ffmpeg('-i', 'clip.mp4', '-frames:v', '1', 'poster.jpg');
    ffmpeg('-i', 'clip.mp4', '-vf', 'fps=1', '-frames:v', '2', 'thumb.%07d.jpg');
    const master = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180,CODECS="avc1.64000d"\nindex_180p.m3u8\n';
    const prefix = clip.hlsMaster!.replace(`s3://${LOCAL_BUCKETS.media}/`, '').replace(/hls\/index\.m3u8$/, '');
    const objects = new Map<string, Buffer>();
    objects.set(`${prefix}hls/index.m3u8`, Buffer.from(master));
    for (const file of readdirSync(work)) {
      if (file.startsWith('index_180p')) objects.set(`${prefix}hls/${file}`, readFileSync(join(work, file)));
      if (file.startsWith('thumb.')) objects.set(`${prefix}thumbnails/${file}`, readFileSync(join(work, file)));
    }
    objects.set(`${prefix}clip.mp4`, readFileSync(join(work, 'clip.mp4')));
    objects.set(`${prefix}poster.jpg`, readFileSync(join(work, 'poster.jpg')));
    const mediaKeys = [...objects.keys()];
    for (const [key, body] of objects) {
      await services.s3Client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.media, Key: key, Body: body }));
    }
    const raw = readFileSync(join(work, 'clip.mp4'));
    await services.s3Client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: clip.source.key, Body: raw }));
    objects.set(clip.source.key, raw);
    return { objects, mediaKeys, rawKey: clip.source.key };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
