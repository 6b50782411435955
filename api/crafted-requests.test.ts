/**
 * What a hostile or careless client sends, against the real local API server (dynalite,
 * s3rver, the local Step Functions endpoint), the way a user would send it (curl, fetch):
 * crafted cursors on every list, offsets in `from`/`to`, guessing passwords, a 200 MB body.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../domain/catalog-table.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '../runtime/step-functions/local-step-functions.ts';
import { catalogAlertsSource } from './alerts.ts';
import { cameraRecord, clipItem, putCatalogItem, readyClip, startLocalServices, startTestApi, TEST_TABLE, type LocalServices, type TestApi, responseJson } from './test-support.ts';

const run = promisify(execFile);
const MACHINE = 'camflow-clip-workflow';

let services: LocalServices;
let stepFunctions: LocalStepFunctions;
let api: TestApi;

const json = responseJson;

const month = (back: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 2, 12)).toISOString();
};

beforeAll(async () => {
  stepFunctions = await startLocalStepFunctions({
    port: 0,
    stateMachines: [{ name: MACHINE, definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } } }],
    resolveTask: () => async (input) => input,
  });
  services = await startLocalServices({ stepfunctions: stepFunctions.endpoint });
  api = await startTestApi(services, { stateMachineArn: stepFunctions.stateMachineArn(MACHINE) });
  for (const camera of ['porch', 'garage', 'drive']) await putCatalogItem(services, { ...keys.camera(camera), ...cameraRecord(camera) });
  for (const at of ['2026-01-01T07:59:59.000Z', '2026-01-01T08:00:00.000Z', '2026-01-01T08:00:01.000Z', '2026-01-01T09:00:00.000Z']) {
    const id = `porch-${at.replace(/\D/g, '').slice(0, 14)}00`;
    await putCatalogItem(services, clipItem(readyClip(id, 'porch', at, { status: 'FAILED' })));
  }
  for (let i = 0; i < 3; i++) {
    const sentAt = month(0).replace('12:00', `12:0${i}`);
    const clipId = `porch-00000000000000a${i}`;
    await putCatalogItem(services, { ...keys.alertRecord(sentAt, clipId), sentAt, clipId, camera: 'porch', subject: `Motion ${i}`, message: 'Motion' });
  }
  const sfn = services.sfnClient!;
  for (const name of ['porch-1111111111111111', 'porch-2222222222222222', 'porch-3333333333333333']) {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn(MACHINE), name, input: '{}' }));
  }
  await stepFunctions.waitForIdle();
});

afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
  await stepFunctions?.stop();
});

/** Every list route, with a query that has a second page at limit=1. */
const LISTS = ['/cameras', '/cameras/porch/clips', '/clips?day=2026-01-01', '/clips?status=FAILED', '/executions', '/alerts'];
const withParams = (route: string, params: string) => `${route}${route.includes('?') ? '&' : '?'}${params}`;

async function expectBadCursor(path: string, what: string) {
  const response = await api.call(path, { token: api.tokens.viewer, signal: AbortSignal.timeout(5000) });
  const body = await json(response);
  expect(response.status, `${what}: ${path} → ${JSON.stringify(body)}`).toBe(400);
  expect(body, what).toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
  expect(body.message, what).toMatch(/Start again without a cursor/);
}

describe('cursors', () => {
  it('every list pages with its own signed cursor, and refuses a changed, made-up, foreign or huge one with 400', async () => {
    const issued = new Map<string, string>();
    for (const route of LISTS) {
      const first = await json(await api.call(withParams(route, 'limit=1'), { token: api.tokens.viewer }));
      expect(first.cursor, route).toMatch(/^[A-Za-z0-9_-]+$/);
      const second = await api.call(withParams(route, `limit=1&cursor=${first.cursor}`), { token: api.tokens.viewer });
      expect(second.status, route).toBe(200);
      issued.set(route, first.cursor);
    }
    for (const route of LISTS) {
      const cursor = issued.get(route)!;
      const bytes = Buffer.from(cursor, 'base64url');
      // Change one byte of the position (the end of the cursor), then one byte of the signature.
      for (const at of [bytes.length - 2, 5]) {
        const tampered = Buffer.from(bytes);
        tampered[at] = tampered[at]! ^ 0x01;
        await expectBadCursor(withParams(route, `cursor=${tampered.toString('base64url')}`), `tampered at ${at}`);
      }
      await expectBadCursor(withParams(route, `cursor=${randomBytes(80).toString('base64url')}`), 'random base64');
      await expectBadCursor(withParams(route, `cursor=${'A'.repeat(10_000)}`), 'huge');
      await expectBadCursor(withParams(route, 'cursor=not%20a%20cursor'), 'not base64');
      // A real cursor of another list.
      const foreign = issued.get(LISTS[(LISTS.indexOf(route) + 1) % LISTS.length]!)!;
      await expectBadCursor(withParams(route, `cursor=${foreign}`), 'from another list');
      // The position itself, unsigned (what cursors used to be): a client steering the query.
      const position = bytes.subarray(33);
      await expectBadCursor(withParams(route, `cursor=${position.toString('base64url')}`), 'unsigned position');
    }
  });

  it('binds a cursor to its query: another camera, day, status or time range refuses it', async () => {
    const failed = await json(await api.call('/clips?status=FAILED&limit=1', { token: api.tokens.viewer }));
    await expectBadCursor(`/clips?status=QUARANTINED&cursor=${failed.cursor}`, 'another status');
    await expectBadCursor(`/clips?status=FAILED&camera=garage&cursor=${failed.cursor}`, 'another camera');
    const ranged = await json(await api.call('/cameras/porch/clips?from=2026-01-01T08:00:00Z&limit=1', { token: api.tokens.viewer }));
    await expectBadCursor(`/cameras/porch/clips?cursor=${ranged.cursor}`, 'range dropped');
    await expectBadCursor(`/cameras/garage/clips?from=2026-01-01T08:00:00Z&cursor=${ranged.cursor}`, 'another camera');
    const executions = await json(await api.call('/executions?limit=1', { token: api.tokens.viewer }));
    await expectBadCursor(`/executions?status=FAILED&cursor=${executions.cursor}`, 'another execution status');
  });

  it('executions: a malformed cursor is a 400, not a 502 from Step Functions', async () => {
    const crafted = Buffer.from(JSON.stringify({ t: 'not-a-step-functions-token' })).toString('base64url');
    await expectBadCursor(`/executions?cursor=${crafted}`, 'crafted nextToken');
  });

  it('alerts: a cursor walking back to year 0 is refused at once (it used to loop without end)', async () => {
    const started = Date.now();
    const crafted = Buffer.from(JSON.stringify({ month: '0000-01', stopAt: '0000-00' })).toString('base64url');
    await expectBadCursor(`/alerts?cursor=${crafted}`, 'year 0');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('alerts source: bounded queries whatever its own cursor says', async () => {
    let queries = 0;
    const counting = { client: () => ({ send: (command: unknown) => (queries++, services.documents.send(command as never)) }) as unknown as DynamoDBDocumentClient, tableName: TEST_TABLE };
    const source = catalogAlertsSource(counting, { monthsBack: 12 });
    const inner = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const current = month(0).slice(0, 7);
    for (const value of [
      { month: '0000-01', stopAt: '0000-00' },
      { month: '2999-12', stopAt: '2999-01' },
      { month: current, stopAt: '2000-01' },
      { month: current, stopAt: current },
      { month: '2026-13', stopAt: '2026-01' },
      { month: current, stopAt: '2000-01', sk: 7 },
    ]) {
      await expect(source(inner(value), 50), JSON.stringify(value)).rejects.toMatchObject({ status: 400, code: 'INVALID_CURSOR' });
    }
    expect(queries).toBe(0);
    const page = await source(undefined, 50);
    expect(page.alerts).toHaveLength(3);
    expect(queries).toBeLessThanOrEqual(12);
  });
});

describe('from and to are instants', () => {
  const ids = async (query: string) => {
    const response = await api.call(`/cameras/porch/clips?${query}`, { token: api.tokens.viewer });
    const body = await json(response);
    expect(response.status, `${query}: ${JSON.stringify(body)}`).toBe(200);
    return body.clips.map((c: { capturedAt: string }) => c.capturedAt);
  };

  it('the same instant with any offset selects the same clips', async () => {
    const utc = await ids('from=2026-01-01T08:00:00Z');
    expect(utc).toEqual(['2026-01-01T09:00:00.000Z', '2026-01-01T08:00:01.000Z', '2026-01-01T08:00:00.000Z']);
    expect(await ids(`from=${encodeURIComponent('2026-01-01T10:00:00+02:00')}`)).toEqual(utc);
    expect(await ids('from=2026-01-01T03:00:00-05:00')).toEqual(utc);
    // A literal + arrives as a space (form encoding): still read as the offset typed.
    expect(await ids('from=2026-01-01T10:00:00+02:00')).toEqual(utc);
    const upTo = await ids('to=2026-01-01T08:00:00.000Z');
    expect(upTo).toEqual(['2026-01-01T08:00:00.000Z', '2026-01-01T07:59:59.000Z']);
    expect(await ids(`to=${encodeURIComponent('2026-01-01T09:00:00+01:00')}`)).toEqual(upTo);
    expect(await ids(`from=${encodeURIComponent('2026-01-01T13:30:00+05:30')}&to=${encodeURIComponent('2026-01-01T08:00:00.5Z')}`)).toEqual(['2026-01-01T08:00:00.000Z']);
  });

  it('refuses times it cannot read as instants, naming the field', async () => {
    for (const [query, field] of [
      ['from=yesterday', 'from'],
      ['from=2026-02-30T00:00:00Z', 'from'],
      ['to=2026-01-01T25:00:00Z', 'to'],
      ['to=2026-01-01', 'to'],
      ['from=2026-01-01T08:00:00', 'from'],
      ['from=2026-01-01T10:00:00%2B02:00&to=2026-01-01T07:00:00Z', 'from'],
    ]) {
      const response = await api.call(`/cameras/porch/clips?${query}`, { token: api.tokens.viewer });
      expect(response.status, query).toBe(400);
      expect(await json(response), query).toMatchObject({ code: 'INVALID_REQUEST', field });
    }
  });
});

describe('sign-in and bodies, with curl', () => {
  let limited: TestApi;
  beforeAll(async () => {
    // A server of its own: the login limits are per server.
    limited = await startTestApi(services, { stateMachineArn: stepFunctions.stateMachineArn(MACHINE) });
  });
  afterAll(async () => {
    await limited?.server.stop();
  });

  async function curlLogin(username: string, password: string) {
    const { stdout } = await run('curl', ['-s', '-D', '-', '-X', 'POST', `${limited.url}/auth/login`, '-H', 'content-type: application/json', '-d', JSON.stringify({ username, password })]);
    const [head, body] = stdout.split(/\r?\n\r?\n/, 2) as [string, string];
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    const retryAfter = /^retry-after: *(\S+)/im.exec(head)?.[1];
    return { status, retryAfter, body: JSON.parse(body) };
  }

  it('after 10 bad passwords for a user name, 429 with Retry-After — even for the right password; other users still sign in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await curlLogin('test-viewer', `wrong-password-${i}`)).status);
    const last = await curlLogin('test-viewer', 'wrong-password-11');
    statuses.push(last.status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(last.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(last.body.message).toMatch(/user name: try again in \d+ s/);
    expect(Number(last.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(last.retryAfter)).toBeLessThanOrEqual(300);
    expect((await curlLogin('test-viewer', 'viewer-password')).status).toBe(429);
    expect((await curlLogin('test-admin', 'admin-password')).status).toBe(200);
  });

  it('after 30 failures from one address, whatever the user names, 429', async () => {
    // 10 failures so far from 127.0.0.1 (the successful sign-in does not count).
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await curlLogin(`guess-${i}`, 'some-password')).status);
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
    const refused = await curlLogin('guess-99', 'some-password');
    expect(refused.body.message).toMatch(/address/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  describe('a 200 MB login body', () => {
    let directory: string;
    let file: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), 'camflow-body-'));
      file = join(directory, 'body.json');
      const fd = openSync(file, 'w');
      ftruncateSync(fd, 200 * 1024 * 1024); // sparse: no disk, 200 MB read
      closeSync(fd);
    });
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    async function sendWhileWatchingMemory(args: string[]) {
      const before = process.memoryUsage().rss;
      let peak = before;
      const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const started = Date.now();
      try {
        const { stdout } = await run('curl', ['-s', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST', '-H', 'content-type: application/json', ...args, `${api.url}/auth/login`], {
          maxBuffer: 1024 * 1024,
        }).catch((error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? `\ncurl exit ${error.code}` }));
        const lines = stdout.trim().split('\n');
        return { status: Number(lines.at(-1)), body: lines.slice(0, -1).join('\n'), ms: Date.now() - started, growth: peak - before };
      } finally {
        clearInterval(watch);
      }
    }

    it('is refused with 413 at once from its Content-Length, without buffering it', async () => {
      for (const expect100 of [[], ['-H', 'Expect:']]) {
        const result = await sendWhileWatchingMemory(['-T', file, ...expect100]);
        expect(result.status, JSON.stringify(expect100)).toBe(413);
        expect(JSON.parse(result.body)).toMatchObject({ code: 'BODY_TOO_LARGE' });
        expect(result.ms).toBeLessThan(5000);
        expect(result.growth).toBeLessThan(32 * 1024 * 1024);
      }
    });

    it('is refused with 413 when streamed with no length (chunked), without buffering it', async () => {
      const result = await sendWhileWatchingMemory(['-T', file, '-H', 'Transfer-Encoding: chunked']);
      expect(result.status).toBe(413);
      expect(result.ms).toBeLessThan(5000);
      expect(result.growth).toBeLessThan(32 * 1024 * 1024);
    });

    it('a normal login still works after them, on the same server', async () => {
      const response = await api.call('/auth/login', { method: 'POST', body: JSON.stringify({ username: 'test-admin', password: 'admin-password' }) });
      expect(response.status).toBe(200);
    });
  });
});
