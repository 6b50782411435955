/** `camflow users add` against dynalite, then a login with what it wrote. */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startLocalServices, startTestApi, type LocalServices, type TestApi } from '../../api/test-support.ts';
import { run } from './users.ts';
import { dynamoUserStore } from '../../api/auth/users.ts';
import { PasswordTooWeak } from '../../api/auth/passwords.ts';

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
  const code = await run(['add', 'maria', '--role', 'admin', '--password', 's3cret-passphrase'], services.env);
  io.restore();
  expect(code).toBe(0);
  expect(io.out.join('\n')).toContain("User 'maria' (admin) created in table 'camflow'");
  const response = await login('maria', 's3cret-passphrase');
  expect(response.status).toBe(200);
  expect(JSON.parse(await response.text()).role).toBe('admin');
});

it('generates and prints a password when given none and there is no terminal', async () => {
  const io = captured();
  const code = await run(['add', 'joe', '--role', 'viewer'], services.env);
  io.restore();
  expect(code).toBe(0);
  const password = /Password: (\S+)/.exec(io.out.join('\n'))?.[1];
  expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
  expect((await login('joe', password!)).status).toBe(200);
});

it('refuses an existing user unless --replace, a bad role and a bad name', async () => {
  const io = captured();
  expect(await run(['add', 'maria', '--role', 'viewer', '--password', 'another-passphrase'], services.env)).toBe(1);
  expect(await run(['add', 'maria', '--role', 'viewer', '--password', 'new-passphrase', '--replace'], services.env)).toBe(0);
  expect(await run(['add', 'ann', '--role', 'owner', '--password', 'x'], services.env)).toBe(2);
  expect(await run(['add', 'Ann Smith', '--role', 'viewer', '--password', 'x'], services.env)).toBe(2);
  expect(await run(['remove', 'ann'], services.env)).toBe(2);
  io.restore();
  expect(io.err.join('\n')).toMatch(/already exists[\s\S]*--role must be admin or viewer[\s\S]*not a valid user name/);
  expect((await login('maria', 'new-passphrase')).status).toBe(200);
  expect(JSON.parse(await (await login('maria', 'new-passphrase')).text()).role).toBe('viewer');
});

it('refuses a password shorter than 12 characters, saying so, and writes nothing', async () => {
  const io = captured();
  expect(await run(['add', 'kim', '--role', 'viewer', '--password', 'a'], services.env)).toBe(2);
  expect(await run(['add', 'kim', '--role', 'viewer', '--password', 'elevenchars'], services.env)).toBe(2);
  expect(await run(['add', 'maria', '--role', 'admin', '--password', 'short', '--replace'], services.env)).toBe(2);
  io.restore();
  expect(io.err[0]).toMatch(/password is too short \(1 character\): use at least 12/);
  expect(io.err[1]).toMatch(/password is too short \(11 characters\): use at least 12/);
  expect((await login('kim', 'a')).status).toBe(401);
  // maria keeps her role and password.
  expect(JSON.parse(await (await login('maria', 'new-passphrase')).text()).role).toBe('viewer');
});

it('the user store itself refuses a short password, whoever calls it', async () => {
  const store = dynamoUserStore(() => services.documents, 'camflow');
  await expect(store.add({ username: 'lee', role: 'viewer', password: 'abc' })).rejects.toBeInstanceOf(PasswordTooWeak);
  expect(await store.find('lee')).toBeUndefined();
});

it('`camflow users add --password a`, as typed in a shell, exits non-zero and says why', async () => {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, ['bin/camflow.js', 'users', 'add', 'kim', '--role', 'viewer', '--password', 'a'], {
    env: { ...process.env, ...services.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/camflow users: The password is too short \(1 character\): use at least 12/);
  expect((await login('kim', 'a')).status).toBe(401);
});
