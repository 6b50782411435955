/** `curl -d '{…}' …/auth/login` sends no JSON content type: the login still reads the body as JSON. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLocalServices, startTestApi, type LocalServices, type TestApi } from './test-support.ts';

let services: LocalServices;
let api: TestApi;

beforeAll(async () => {
  services = await startLocalServices();
  api = await startTestApi(services);
});

afterAll(async () => {
  await api?.server.stop();
  await services?.stop();
});

it('signs in with curl -d, as the README shows', async () => {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-X', 'POST', `${api.url}/auth/login`, '-d', '{"username":"test-admin","password":"admin-password"}']);
  const body = JSON.parse(stdout);
  expect(body.tokenType).toBe('Bearer');
  expect((await api.call('/cameras', { token: body.token })).status).toBe(200);
});
