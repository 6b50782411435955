/**
 * A camera user cannot read, list or write outside its own folder; odd names and disallowed
 * extensions are refused with an FTP error; a wrong password is refused. Real FTP client
 * (basic-ftp) against the embedded server.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { listKeys, startTestS3, tempDirectory, testConfig, testS3Client, TEST_PASSWORD, localGatewayAws, startTestGateway } from './test-support.ts';

let s3: Awaited<ReturnType<typeof startTestS3>>;
let gateway: RunningGateway;
let spool: string;

beforeAll(async () => {
  s3 = await startTestS3();
  const aws = localGatewayAws(s3);
  spool = tempDirectory('spool');
  gateway = await startTestGateway(await testConfig(spool, { ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0, limits: { loginFailureDelaySeconds: 0.01 } } }), { aws });
});

afterAll(async () => {
  await gateway?.stop();
  await s3?.stop();
});

async function login(user = 'front-door', password = TEST_PASSWORD): Promise<Client> {
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port: gateway.ftp!.port, user, password });
  return client;
}

/** A bare control connection: sends each command, collects each final reply line. */
async function rawSession(commands: string[]): Promise<string[]> {
  const socket = connect(gateway.ftp!.port, '127.0.0.1');
  const lines: string[] = [];
  let buffer = '';
  let waiting: (() => void) | undefined;
  socket.on('data', (d) => {
    buffer += d.toString('latin1');
    let i;
    while ((i = buffer.indexOf('\r\n')) !== -1) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (/^\d{3} /.test(line)) {
        lines.push(line);
        waiting?.();
      }
    }
  });
  const next = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (lines.length >= count ? resolve() : (waiting = check));
      check();
    });
  await next(1); // greeting
  for (const [i, command] of commands.entries()) {
    socket.write(Buffer.from(command + '\r\n', 'utf8'));
    await next(i + 2);
  }
  socket.destroy();
  return lines.slice(1);
}

const bytes = () => Readable.from([Buffer.from('not really a clip')]);

async function ftpCode(action: Promise<unknown>): Promise<number> {
  try {
    await action;
  } catch (error) {
    if (error instanceof FTPError) return error.code;
    throw error;
  }
  return 0;
}

describe('login', () => {
  it('refuses a wrong password and an unknown user (530)', async () => {
    expect(await ftpCode(login('front-door', 'wrong password!'))).toBe(530);
    expect(await ftpCode(login('intruder', TEST_PASSWORD))).toBe(530);
    expect(await ftpCode(login('anonymous', 'guest@'))).toBe(530);
  });
});

describe('confinement to the camera folder', () => {
  it.each([
    ['parent folder', '../escape.mp4'],
    ['far above', '../../../../etc/cron.d/x.jpg'],
    ["another camera's folder", '/../garage/x.mp4'],
    ['backslashes leaving the folder (a backslash is a separator)', '..\\..\\x.mp4'],
    ["backslashes into another camera's folder", '\\..\\garage\\x.mp4'],
    ['a network path', '\\\\server\\share\\x.mp4'],
    ['a drive letter', 'C:\\x.mp4'],
    ['right-to-left override', 'clip\u202Egpj.mp4'],
    ['fullwidth solidus', '..\uFF0F..\uFF0Fx.mp4'],
    ['division slash', '..\u2215x.mp4'],
    ['zero-width space', 'cl\u200Bip.mp4'],
  ])('STOR with %s is refused (553)', async (_what, name) => {
    const client = await login();
    expect(await ftpCode(client.uploadFrom(bytes(), name))).toBe(553);
    client.close();
  });

  it('NUL and other control characters are refused (553), sent raw (FTP clients will not send them)', async () => {
    const replies = await rawSession(['USER front-door', `PASS ${TEST_PASSWORD}`, 'STOR clip\u0000.mp4', 'STOR ../\u0000/x.mp4', 'STOR clip\u0007.mp4', 'QUIT']);
    expect(replies.slice(0, 2).map((r) => r.slice(0, 3))).toEqual(['331', '230']);
    expect(replies.slice(2, 5).map((r) => r.slice(0, 3))).toEqual(['553', '553', '553']);
  });

  it('a disallowed extension is refused (553), also hidden behind a double extension', async () => {
    const client = await login();
    // (`.txt` is a camera's test upload and a name without extension a temporary one: camera-habits.test.ts.)
    for (const name of ['shell.php', 'clip.mp4.sh', 'payload.exe', 'clip.mp4.php']) {
      expect(await ftpCode(client.uploadFrom(bytes(), name)), name).toBe(553);
    }
    client.close();
  });

  it('cannot change to, list or make folders outside its own', async () => {
    const client = await login();
    expect(await ftpCode(client.cd('..'))).toBe(550);
    expect(await ftpCode(client.cd('/../garage'))).toBe(550);
    expect(await ftpCode(client.cd('/etc'))).toBe(550); // inside the jail: no such folder
    expect(await ftpCode(client.list('../'))).toBeGreaterThanOrEqual(450);
    expect(await ftpCode(client.send('MKD ../../made-by-camera'))).toBe(550);
    expect(await client.pwd()).toBe('/');
    client.close();
    expect(existsSync(join(spool, 'made-by-camera'))).toBe(false);
    expect(existsSync(join(spool, '..', 'made-by-camera'))).toBe(false);
  });

  it('absolute paths are inside the camera folder: /tmp/x.jpg never touches the host /tmp', async () => {
    const name = `camflow-escape-${process.pid}.jpg`;
    const client = await login();
    await client.uploadFrom(Readable.from([Buffer.from('jpeg-ish')]), `/tmp/${name}`);
    client.close();
    expect(existsSync(`/tmp/${name}`)).toBe(false);
    await gateway.uploader.drained();
    const keys = await listKeys(testS3Client(s3.endpoint), 'front-door/');
    expect(keys.some((k) => k.endsWith(`/tmp_${name}`))).toBe(true);
  });

  it('cannot read files back (502), rename or resume what it never sent (550/554), and sees only its own folder', async () => {
    writeFileSync(join(spool, 'journal-secret.txt'), 'x');
    const client = await login('garage');
    expect(await ftpCode(client.downloadTo(join(tempDirectory('dl'), 'x'), '/journal.jsonl'))).toBe(502);
    expect(await ftpCode(client.rename('a.jpg', 'b.jpg'))).toBe(550);
    expect(await ftpCode(client.rename('../../journal.jsonl', 'b.jpg'))).toBe(553);
    expect(await ftpCode(client.send('SIZE /journal.jsonl'))).toBe(550);
    expect(await ftpCode(client.send('SIZE ../journal.jsonl'))).toBe(550);
    expect((await client.send('REST 100')).code).toBe(350);
    expect(await ftpCode(client.uploadFrom(bytes(), 'never-sent.mp4'))).toBe(554);
    const names = (await client.list('/')).map((f) => f.name);
    expect(names).not.toContain('journal.jsonl');
    expect(names).not.toContain('journal-secret.txt');
    expect(names).not.toContain('front-door');
    client.close();
  });

  it('refused uploads left nothing behind: no object, no spool file', async () => {
    await gateway.uploader.drained();
    const keys = await listKeys(testS3Client(s3.endpoint));
    expect(keys.filter((k) => !k.includes('/tmp_camflow-escape-'))).toEqual([]);
    expect(readdirSync(join(spool, 'files'))).toEqual([]);
  });
});
