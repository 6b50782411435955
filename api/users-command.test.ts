/** `camflow users add` against dynalite, then a login with what it wrote. */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startLocalServices, startTestApi, type LocalServices, type TestApi } from './test-support.ts';
import { run } from './users-command.ts';

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

async function login(username: string, password: string) {
  return api.call('/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) });
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  return { out, err, restore: () => (log.mockRestore(), error.mockRestore()) };
}

it('adds a user with the given password and role, who can then sign in', async () => {
  const io = captured();
  const code = await run(['add', 'maria', '--role', 'admin', '--password', 's3cret-pass']);
  io.restore();
  expect(code).toBe(0);
  expect(io.out.join('\n')).toContain("User 'maria' (admin) created in table 'camflow'");
  const response = await login('maria', 's3cret-pass');
  expect(response.status).toBe(200);
  expect(JSON.parse(await response.text()).role).toBe('admin');
});

it('generates and prints a password when given none and there is no terminal', async () => {
  const io = captured();
  const code = await run(['add', 'joe', '--role', 'viewer']);
  io.restore();
  expect(code).toBe(0);
  const password = /Password: (\S+)/.exec(io.out.join('\n'))?.[1];
  expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
  expect((await login('joe', password!)).status).toBe(200);
});

it('refuses an existing user unless --replace, a bad role and a bad name', async () => {
  const io = captured();
  expect(await run(['add', 'maria', '--role', 'viewer', '--password', 'x'])).toBe(1);
  expect(await run(['add', 'maria', '--role', 'viewer', '--password', 'new-pass', '--replace'])).toBe(0);
  expect(await run(['add', 'ann', '--role', 'owner', '--password', 'x'])).toBe(2);
  expect(await run(['add', 'Ann Smith', '--role', 'viewer', '--password', 'x'])).toBe(2);
  expect(await run(['remove', 'ann'])).toBe(2);
  io.restore();
  expect(io.err.join('\n')).toMatch(/already exists[\s\S]*--role must be admin or viewer[\s\S]*not a valid user name/);
  expect((await login('maria', 'new-pass')).status).toBe(200);
  expect(JSON.parse(await (await login('maria', 'new-pass')).text()).role).toBe('viewer');
});
