import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayConfigInvalid, parseGatewayConfig, parseJsonWithComments } from './config.ts';
import { isPasswordHash, verifyPassword } from '../domain/password-hash.ts';
import { hashCameraPassword } from './password.ts';

describe('config file', () => {
  it('strips comments and trailing commas, but not inside strings', () => {
    const text = `{
      // a comment
      "a": "http://x//y", /* block */ "b": "/* not a comment */",
      "c": [1, 2,],
      "d": "a,}",
    }`;
    expect(parseJsonWithComments(text)).toEqual({ a: 'http://x//y', b: '/* not a comment */', c: [1, 2], d: 'a,}' });
  });

  it('a syntax error says its line and column and what to write there', () => {
    const missingComma = '{\n  // the spool\n  "spoolDirectory": "/var/spool"\n  "cameras": {}\n}';
    const error = (() => {
      try {
        parseGatewayConfig(missingComma, '/');
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('parsed a config with a missing comma');
    })();
    expect(error).toBeInstanceOf(GatewayConfigInvalid);
    expect(error.message).toContain('The gateway config is not valid JSON');
    expect(error.message).toContain('line 4, column 3: a comma is missing');
    expect(error.message).toMatch(/gateway\.example\.jsonc/);
    expect(() => parseGatewayConfig("{ 'spoolDirectory': 's' }", '/')).toThrow(/line 1, column 3: .*double quotes/);
    expect(() => parseGatewayConfig('{\n  "spoolDirectory": "s", /* never closed\n}', '/')).toThrow(/line 2, column 26: a \/\* comment is never closed/);
    expect(() => parseGatewayConfig('{ "ffmpegPath": "C:\\tools\\ffmpeg.exe", "spoolDirectory": "C:\\spool\\x" }', '/')).toThrow(/backslash/);
    expect(() => parseGatewayConfig('', '/')).toThrow(/line 1, column 1: a value is expected/);
  });

  it('the shipped example parses once its placeholder hashes are replaced', async () => {
    const hash = await hashCameraPassword('front door secret');
    const text = readFileSync(new URL('./gateway.example.jsonc', import.meta.url), 'utf8').replace(/scrypt\$16384\$8\$1\$REPLACE_WITH_SALT\$REPLACE_WITH_HASH=/g, hash);
    const config = parseGatewayConfig(text, '/etc/camflow');
    expect(Object.keys(config.cameras)).toEqual(['front-door', 'garage']);
    expect(config.allowedExtensions).toEqual(['mp4', 'mkv', 'avi', 'mov', 'jpg', 'jpeg', 'dav', 'h264', '264']);
    expect(config.ftp).toMatchObject({ port: 2121, passivePortMin: 30000, passivePortMax: 30100, temporaryNameWaitSeconds: 600, tls: { enabled: false, require: false } });
    expect(config.ftp.requireTls).toBe(false);
    expect(config.ffmpegPath).toBe('ffmpeg');
    expect(config.spoolDirectory).toBe('/var/lib/camflow-gateway');
  });

  it('refuses the placeholders, bad camera ids and unknown settings with a readable message', () => {
    const example = readFileSync(new URL('./gateway.example.jsonc', import.meta.url), 'utf8');
    expect(() => parseGatewayConfig(example, '/')).toThrow(/hash-password/);
    expect(() => parseGatewayConfig(JSON.stringify({ spoolDirectory: 's', cameras: { 'Front Door': { passwordHash: 'x' } } }), '/')).toThrow(GatewayConfigInvalid);
    expect(() => parseGatewayConfig(JSON.stringify({ spoolDirectory: 's', cameras: {}, spoolLimitGB: 3 }), '/')).toThrow(/spoolLimitGB/);
    expect(() => parseGatewayConfig(JSON.stringify({ spoolDirectory: 's', cameras: {}, ftp: { tls: { enabled: true, certFile: 'c.pem' } } }), '/')).toThrow(/both certFile and keyFile/);
    expect(() => parseGatewayConfig(JSON.stringify({ spoolDirectory: 's', cameras: {}, ftp: { tls: { require: true } } }), '/')).toThrow(/require needs ftp.tls.enabled/);
    expect(() => parseGatewayConfig(JSON.stringify({ spoolDirectory: 's', cameras: {}, ftp: { requireTls: false, tls: { enabled: true, require: true } } }), '/')).toThrow(/keep only ftp.requireTls/);
  });

  it('ftp.requireTls turns FTPS on and refuses plain logins; its first name ftp.tls.require is still read', () => {
    const parse = (ftp: object) => parseGatewayConfig(JSON.stringify({ spoolDirectory: 's', cameras: {}, ftp }), '/').ftp;
    expect(parse({ requireTls: true })).toMatchObject({ requireTls: true, tls: { enabled: true, require: true } });
    expect(parse({ requireTls: true, tls: { certFile: 'c.pem', keyFile: 'k.pem' } })).toMatchObject({ requireTls: true, tls: { enabled: true, certFile: '/c.pem', keyFile: '/k.pem' } });
    expect(parse({ tls: { enabled: true, require: true } })).toMatchObject({ requireTls: true, tls: { enabled: true, require: true } });
    expect(parse({ tls: { enabled: true } })).toMatchObject({ requireTls: false, tls: { enabled: true, require: false } });
    expect(parse({})).toMatchObject({ requireTls: false, tls: { enabled: false, require: false } });
    // What the gateway writes back out (tests, status) parses to the same thing.
    const once = parseGatewayConfig(JSON.stringify({ spoolDirectory: '/s', cameras: {}, ftp: { requireTls: true } }), '/');
    expect(parseGatewayConfig(JSON.stringify(once), '/')).toEqual(once);
  });

  it('fills defaults and resolves the spool folder from the config file folder', () => {
    const config = parseGatewayConfig(JSON.stringify({ spoolDirectory: 'spool', cameras: {} }), '/home/pi');
    expect(config.spoolDirectory).toBe('/home/pi/spool');
    expect(config.upload).toMatchObject({ concurrency: 2, partSizeMB: 8, verify: 'auto' });
    expect(config.keepLocalHours).toBe(0);
    expect(config.ftp.limits).toEqual({
      maxConnections: 64,
      maxConnectionsPerAddress: 16,
      maxLoginFailures: 5,
      lockoutMinutes: 15,
      loginFailureDelaySeconds: 1,
      loginTimeoutSeconds: 30,
      idleTimeoutSeconds: 600,
      dataTimeoutSeconds: 60,
      maxFoldersPerCamera: 5000,
      maxNewFoldersPerMinute: 60,
    });
  });
});

describe('camera passwords', () => {
  it('are stored as salted scrypt hashes and verified', async () => {
    const a = await hashCameraPassword('correct horse battery');
    const b = await hashCameraPassword('correct horse battery');
    expect(isPasswordHash(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'plain-text')).toBe(false);
  });

  it('refuses short passwords', async () => {
    await expect(hashCameraPassword('short')).rejects.toThrow(/8 characters/);
  });
});
