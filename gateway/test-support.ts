/**
 * Helpers for the gateway's tests and benchmark: a real local S3 (s3rver), a gateway config
 * in a temp folder, media made with ffmpeg, and S3 reads. No fakes: everything talks to the
 * real servers over the network.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { inject } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_BUCKETS, startLocalS3, type LocalS3 } from '../runtime/local-s3.ts';
import { localAwsEnvironment, localClientConfig, localS3ClientConfig } from '../runtime/local-credentials.ts';
import { ffmpegGeneratedSync } from '../integ-tests/generated-media.ts';
import { cloudWatchByDefault, type GatewayAws } from './aws-settings.ts';
import { parseGatewayConfig, type GatewayConfig, type GatewayConfigInput } from './config.ts';
import { hashCameraPassword } from './password.ts';
import { readStatus } from './status.ts';
import { startGateway, type RunningGateway, type StartGatewayOptions } from './gateway.ts';

export const TEST_PASSWORD = 'correct horse battery';

export function tempDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `camflow-${prefix}-`));
}

/**
 * The gateway's AWS settings for a local S3 (startGateway's `aws`): the local endpoint,
 * region and credentials, and "auto" for the heartbeat's CloudWatch decided as on a box whose
 * standard AWS variables point at that S3 (so off). process.env is left alone: each gateway of a
 * test has its own S3.
 */
export function localGatewayAws(s3: { endpoint: string }): GatewayAws {
  return {
    // As on a box with AWS_ENDPOINT_URL_S3 set: no path-style setting (the SDK uses path style for an IP address).
    s3: { ...localClientConfig(), endpoint: s3.endpoint },
    cloudWatch: localClientConfig(),
    cloudWatchByDefault: cloudWatchByDefault(localAwsEnvironment({ s3: s3.endpoint })),
  };
}

/**
 * `startGateway` whose S3 senders run the sender bundled once for the test run
 * (integ-tests/gateway-sender-bundle.ts), as on a gateway box, rather than under tsx.
 */
export function startTestGateway(config: GatewayConfig, options: StartGatewayOptions): Promise<RunningGateway> {
  return startGateway(config, { senderProgram: { entry: inject('gatewaySenderBundle'), execArgv: [] }, ...options });
}

export async function startTestS3(directory = tempDirectory('s3'), port = 0): Promise<LocalS3 & { directory: string }> {
  const s3 = await startLocalS3({ directory, port });
  return Object.assign(s3, { directory });
}

let passwordHash: string | undefined;
export async function testConfig(spoolDirectory: string, overrides: Partial<GatewayConfigInput> & { cameraIds?: string[] } = {}): Promise<GatewayConfig> {
  passwordHash ??= await hashCameraPassword(TEST_PASSWORD);
  const { cameraIds = ['front-door', 'garage'], ...rest } = overrides;
  const input: GatewayConfigInput = {
    spoolDirectory,
    bucket: LOCAL_BUCKETS.uploads,
    cameras: Object.fromEntries(cameraIds.map((id) => [id, { passwordHash: passwordHash! }])),
    ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0 },
    cameraTimeZone: 'UTC',
    logLevel: 'SILENT',
    ...rest,
  };
  return parseGatewayConfig(JSON.stringify(input), spoolDirectory);
}

/** Writes a config file (for the gateway run as a child process). */
export function writeConfigFile(path: string, config: GatewayConfig): string {
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** ffmpeg quiet, for clips made from generated sources only: kept between runs (integ-tests/generated-media.ts). */
const generated = (...args: string[]) => ffmpegGeneratedSync('ffmpeg', ['-v', 'error', '-y', ...args]);

/** A tiny clip (320x180, H.264) made with ffmpeg. */
export function makeClip(path: string, seconds = 1): string {
  generated('-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=10:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path);
  return path;
}

/** A still (JPEG) made with ffmpeg. */
export function makeStill(path: string): string {
  generated('-f', 'lavfi', '-i', 'testsrc2=size=320x180', '-frames:v', '1', path);
  return path;
}

export function sha256Base64(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}

export function sha256OfFile(path: string): string {
  return sha256Base64(readFileSync(path));
}

let client: S3Client | undefined;
/** A test's own S3 client (path-style against the local endpoint). */
export function testS3Client(endpoint: string): S3Client {
  client?.destroy();
  client = new S3Client(localS3ClientConfig(endpoint));
  return client;
}

export async function listKeys(s3: S3Client, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: LOCAL_BUCKETS.uploads, Prefix: prefix })) {
    for (const o of page.Contents ?? []) keys.push(o.Key!);
  }
  return keys.sort();
}

export async function readObject(s3: S3Client, key: string): Promise<{ body: Buffer; metadata: Record<string, string>; contentType?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key }));
  const chunks: Buffer[] = [];
  for await (const chunk of object.Body as Readable) chunks.push(chunk as Buffer);
  return { body: Buffer.concat(chunks), metadata: object.Metadata ?? {}, ...(object.ContentType ? { contentType: object.ContentType } : {}) };
}

/** SHA-256 (base64) of an object, streamed. */
export async function objectSha256(s3: S3Client, key: string): Promise<{ sha256: string; size: number }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.Body as Readable) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('base64'), size };
}

export async function headObject(s3: S3Client, key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key }));
}

export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface S3Proxy {
  endpoint: string;
  port: number;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of the local S3 that records every request the gateway makes (to
 * check the checksum headers it sends) and lets a test act when one arrives (to kill the
 * gateway in the middle of a multipart upload). Bodies stream through untouched; SigV4 still
 * verifies because the Host header is passed on as sent.
 */
export async function startS3Proxy(targetPort: number, onRequest?: (request: RecordedRequest) => void | Promise<void>): Promise<S3Proxy> {
  const http = await import('node:http');
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const recorded = { method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } };
    requests.push(recorded);
    void Promise.resolve(onRequest?.(recorded)).then(() => forward(req, res));
  });
  const forward = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface GatewayProcess {
  child: import('node:child_process').ChildProcess;
  /** stdout + stderr so far (JSON log lines). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const repositoryRoot = new URL('..', import.meta.url).pathname;

/** Runs `node bin/camflow.js gateway …` as its own process, S3 variables pointing at `s3Endpoint`. */
export async function spawnGateway(args: string[], s3Endpoint: string, runtime: { nodeFlags?: string[]; environment?: Record<string, string> } = {}): Promise<GatewayProcess> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [...(runtime.nodeFlags ?? []), join(repositoryRoot, 'bin/camflow.js'), 'gateway', ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, ...runtime.environment, ...localAwsEnvironment({ s3: s3Endpoint }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return observeProcess(child);
}

/** A spawned gateway's output so far and its exit, for tests. */
export function observeProcess(child: import('node:child_process').ChildProcess): GatewayProcess {
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** One upload as a camera makes it (basic-ftp: login as `front-door`, STOR, quit). */
export async function uploadAsCamera(gateway: { ftp?: { port: number } }, path: string, name: string): Promise<void> {
  const { Client } = await import('basic-ftp');
  const client = new Client(10_000);
  try {
    await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user: 'front-door', password: TEST_PASSWORD });
    await client.uploadFrom(path, name);
  } finally {
    client.close();
  }
}

/** The FTP port of the gateway using `spool`, once it is running and listening (from its status file). */
export function gatewayFtpPort(spool: string): Promise<number> {
  return waitFor(
    'the gateway to listen',
    () => {
      const report = readStatus(spool);
      return report.running && report.gateway?.ftp?.port ? report.gateway.ftp.port : undefined;
    },
    60_000,
    100,
  );
}

/** A file of `bytes` random bytes, written in 1 MiB blocks. */
export async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const { randomBytes } = await import('node:crypto');
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < bytes;) {
      const block = randomBytes(Math.min(1024 * 1024, bytes - written));
      await handle.write(block);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
  return path;
}

/** How the shipped systemd unit runs the gateway: the node flags of its ExecStart, its Environment= settings. */
export function unitRuntime(): { nodeFlags: string[]; environment: Record<string, string> } {
  const unit = readFileSync(new URL('./camflow-gateway.service', import.meta.url), 'utf8');
  const exec = /^ExecStart=.*?\bnode((?:\s+--\S+)*)\s+\S*camflow(?:-gateway\.mjs|\.js)\b/m.exec(unit);
  const environment: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/gm)) environment[m[1]!] = m[2]!;
  return { nodeFlags: exec?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [], environment };
}

/** A raw H.264 stream (Annex B, access unit delimiters on), as cameras write `.h264`/`.264`. */
export function makeRawH264(path: string, frames = 20, size = '320x240'): string {
  ffmpegGeneratedSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=10`,
    '-frames:v',
    String(frames),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '10',
    '-x264-params',
    'aud=1',
    '-f',
    'h264',
    path,
  ]);
  return path;
}

/**
 * A Dahua `.dav` (DHAV) recording made from a raw H.264 stream: each access unit in a DHAV
 * frame — 24-byte header ("DHAV", 0xFD key / 0xFC other frame, frame number, frame length,
 * packed date, millisecond counter), the 0x80 (size) and 0x81 (codec H.264, frame rate)
 * extensions on key frames, the payload, and the "dhav" + length trailer — the layout
 * ffmpeg's dhav demuxer reads. Returns the path.
 */
export function makeDav(path: string, h264: Buffer, options: { width: number; height: number; fps: number; start: Date }): string {
  const units: Buffer[] = [];
  const aud = Buffer.from([0, 0, 0, 1, 9]);
  let at = h264.indexOf(aud);
  while (at !== -1) {
    const next = h264.indexOf(aud, at + aud.length);
    units.push(h264.subarray(at, next === -1 ? h264.length : next));
    at = next;
  }
  const isKey = (unit: Buffer) => {
    for (let i = 0; i + 4 < unit.length; i++) if (unit[i] === 0 && unit[i + 1] === 0 && unit[i + 2] === 1 && (unit[i + 3]! & 0x1f) === 5) return true;
    return false;
  };
  const chunks: Buffer[] = [];
  units.forEach((payload, n) => {
    const key = isKey(payload);
    const ext = key ? Buffer.from([0x80, 0, options.width / 8, options.height / 8, 0x81, 0, 0x08, options.fps]) : Buffer.alloc(0);
    const length = 24 + ext.length + payload.length + 8;
    const t = new Date(options.start.getTime() + Math.floor((n * 1000) / options.fps));
    const date =
      (t.getUTCSeconds() & 0x3f) |
      ((t.getUTCMinutes() & 0x3f) << 6) |
      ((t.getUTCHours() & 0x1f) << 12) |
      ((t.getUTCDate() & 0x1f) << 17) |
      (((t.getUTCMonth() + 1) & 0x0f) << 22) |
      (((t.getUTCFullYear() - 2000) & 0x3f) << 26);
    const header = Buffer.alloc(24);
    header.write('DHAV', 0, 'latin1');
    header[4] = key ? 0xfd : 0xfc;
    header.writeUInt32LE(n, 8);
    header.writeUInt32LE(length, 12);
    header.writeUInt32LE(date >>> 0, 16);
    header.writeUInt16LE(Math.floor((n * 1000) / options.fps) % 65536, 20);
    header[22] = ext.length;
    const trailer = Buffer.alloc(8);
    trailer.write('dhav', 0, 'latin1');
    trailer.writeUInt32LE(length, 4);
    chunks.push(header, ext, payload, trailer);
  });
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

/** MD5 of each decoded frame (ffmpeg framemd5): equal lists mean the same pictures, not re-encoded. */
export function decodedFrameDigests(path: string, format?: string): string[] {
  const out = execFileSync('ffmpeg', ['-v', 'error', ...(format ? ['-f', format] : []), '-i', path, '-map', '0:v:0', '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}
