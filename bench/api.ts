/**
 * API benchmark: `GET /cameras/{id}/clips?limit=50` at 50 connections (autocannon, ~10 s) with
 * a catalog of 1,000 and of 100,000 clips across 14 cameras in dynalite. A page is a Query on
 * the `byCamera` index with Limit 50, so latency should not grow with the catalog.
 *
 * `npx tsx bench/api.ts [--clips 1000,100000] [--seconds 10]` prints JSON; `npm run bench` calls
 * `runApiBenchmark()`. The load generator runs in a child process so it does not share the
 * API's event loop.
 */
import '../runtime/node20-polyfills.ts';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { keys } from '../domain/catalog-table.ts';
import { batchWriteItems, cameraRecord, clipItem, putCatalogItem, readyClip, startLocalServices, startTestApi, TEST_TABLE } from '../api/test-support.ts';
import { ensureCatalogTable, type LocalDynamoDB } from '../runtime/local-dynamodb.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';

export interface ApiBenchmarkResult {
  clips: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  /** How long writing the clips added for this size took (BatchWriteItem, 25 per request, 16 in parallel). */
  loadMs: number;
  /**
   * The floor under the API: the route's own DynamoDB Query (byCamera, Limit 50, newest first)
   * sent straight to the local DynamoDB at the same concurrency, with no API in front.
   */
  bareQuery: { p50Ms: number; p99Ms: number; requests: number };
}

const CAMERAS = Array.from({ length: 14 }, (_, i) => `camera-${String(i + 1).padStart(2, '0')}`);
const START = Date.parse('2024-01-01T00:00:00.000Z');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Where a package is, for the scripts the child processes run. */
const resolvePackage = createRequire(import.meta.url).resolve;

/** Clip number `n` of the catalog: cameras in turn, one clip a minute, full records like the workflow writes. */
function clip(n: number): Record<string, unknown> {
  const camera = CAMERAS[n % CAMERAS.length]!;
  const capturedAt = new Date(START + n * 60_000).toISOString();
  const clipId = `${camera}-${n.toString(16).padStart(16, '0')}`;
  return clipItem(readyClip(clipId, camera, capturedAt));
}

async function load(from: number, to: number): Promise<number> {
  const started = performance.now();
  const chunk = 5000;
  for (let i = from; i < to; i += chunk) {
    const items = [];
    for (let n = i; n < Math.min(to, i + chunk); n++) items.push(clip(n));
    await batchWriteItems(items, 16);
  }
  return performance.now() - started;
}

interface CannonSummary {
  latency: { p50: number; p99: number };
  requests: { total: number; average: number };
  non2xx: number;
  errors: number;
}

/**
 * dynalite in a process of its own (as DynamoDB is a service of its own in AWS), so the API,
 * the database and the load generator each get a core's worth of scheduling.
 */
async function startDynaliteProcess(): Promise<LocalDynamoDB> {
  const script = `
    const server = require(${JSON.stringify(resolvePackage('dynalite'))})({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    process.on('SIGTERM', () => process.exit(0));
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await ensureCatalogTable(endpoint, TEST_TABLE);
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** Run `script` in a child Node process; what it writes to stdout is JSON, the result. */
function runScript<T>(what: string, script: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${what} exited with ${code}`))));
  });
}

/** The route's Query sent straight to DynamoDB by the SDK at `CONNECTIONS` at once, in a child process. */
function bareQueryLoad(endpoint: string, seconds: number): Promise<{ p50Ms: number; p99Ms: number; requests: number }> {
  return runScript(
    'bare query load',
    `
    const { DynamoDBClient } = require(${JSON.stringify(resolvePackage('@aws-sdk/client-dynamodb'))});
    const { DynamoDBDocumentClient, QueryCommand } = require(${JSON.stringify(resolvePackage('@aws-sdk/lib-dynamodb'))});
    const db = DynamoDBDocumentClient.from(new DynamoDBClient(${JSON.stringify({ ...localClientConfig(), endpoint })}));
    const cameras = ${JSON.stringify(CAMERAS)};
    const latencies = [];
    const end = Date.now() + ${seconds * 1000};
    Promise.all(Array.from({ length: ${CONNECTIONS} }, async (_, worker) => {
      for (let i = worker; Date.now() < end; i++) {
        const started = performance.now();
        await db.send(new QueryCommand({ TableName: ${JSON.stringify(TEST_TABLE)}, IndexName: 'byCamera', KeyConditionExpression: 'cameraPk = :c',
          ExpressionAttributeValues: { ':c': 'CAMERA#' + cameras[i % cameras.length] }, ScanIndexForward: false, Limit: 50 }));
        latencies.push(performance.now() - started);
      }
    })).then(() => {
      latencies.sort((a, b) => a - b);
      const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
      process.stdout.write(JSON.stringify({ p50Ms: at(0.5), p99Ms: at(0.99), requests: latencies.length }));
      db.destroy();
    });`,
  );
}

/** autocannon in a child process, cycling through the cameras. */
function autocannon(url: string, token: string, seconds: number): Promise<CannonSummary> {
  return runScript(
    'autocannon',
    `
    const autocannon = require(${JSON.stringify(resolvePackage('autocannon'))});
    const cameras = ${JSON.stringify(CAMERAS)};
    autocannon({
      url: ${JSON.stringify(url)},
      connections: ${CONNECTIONS},
      duration: ${seconds},
      headers: { authorization: ${JSON.stringify(`Bearer ${token}`)} },
      requests: cameras.map((c) => ({ method: 'GET', path: '/cameras/' + c + '/clips?limit=50' })),
    }, (error, result) => {
      if (error) { console.error(error); process.exit(1); }
      process.stdout.write(JSON.stringify({ latency: result.latency, requests: result.requests, non2xx: result.non2xx, errors: result.errors }));
    });`,
  );
}

export async function runApiBenchmark(options: { clips?: number[]; seconds?: number; log?: (line: string) => void } = {}): Promise<ApiBenchmarkResult[]> {
  const sizes = [...(options.clips ?? [1_000, 100_000])].sort((a, b) => a - b);
  const seconds = options.seconds ?? 10;
  const log = options.log ?? ((line: string) => console.error(line));
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const services = await startLocalServices({}, { dynamodb: await startDynaliteProcess() });
  const api = await startTestApi(services);
  const results: ApiBenchmarkResult[] = [];
  try {
    for (const camera of CAMERAS) await putCatalogItem(services, { ...keys.camera(camera), ...cameraRecord(camera) });
    let loaded = 0;
    for (const size of sizes) {
      const loadMs = await load(loaded, size);
      log(`catalog: ${size} clips (${size - loaded} written in ${Math.round(loadMs)} ms)`);
      loaded = size;
      // Check a page before loading the server: 50 clips of one camera, newest first.
      const page = JSON.parse(await (await api.call(`/cameras/${CAMERAS[0]}/clips?limit=50`, { token: api.tokens.viewer })).text()) as { clips: unknown[] };
      if (page.clips.length !== Math.min(50, Math.ceil(size / CAMERAS.length))) throw new Error(`unexpected page: ${page.clips.length} clips`);
      const summary = await autocannon(api.url, api.tokens.viewer, seconds);
      const bareQuery = await bareQueryLoad(services.dynamodb.endpoint, seconds);
      if (summary.non2xx || summary.errors) throw new Error(`${summary.non2xx} non-2xx responses, ${summary.errors} errors`);
      const result: ApiBenchmarkResult = {
        clips: size,
        p50Ms: summary.latency.p50,
        p99Ms: summary.latency.p99,
        requests: summary.requests.total,
        requestsPerSecond: summary.requests.average,
        loadMs: Math.round(loadMs),
        bareQuery,
      };
      log(
        `GET /cameras/{id}/clips?limit=50 with ${size} clips: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.requests} requests; the same Query straight to DynamoDB: p50 ${Math.round(bareQuery.p50Ms)} ms, p99 ${Math.round(bareQuery.p99Ms)} ms`,
      );
      results.push(result);
    }
  } finally {
    // Let requests autocannon left in flight finish before the services go.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await api.server.stop();
    await services.stop();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { clips: { type: 'string' }, seconds: { type: 'string' } } });
  const results = await runApiBenchmark({
    clips: values.clips ? values.clips.split(',').map(Number) : undefined,
    seconds: values.seconds ? Number(values.seconds) : undefined,
  });
  console.log(JSON.stringify(results, null, 2));
}
