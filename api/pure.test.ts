/** The API's pure pieces: cursors, playlist rewriting, playback links, password hashes, ids. */
import { describe, expect, it } from 'vitest';
import { createCursors, decodeStartKey, deriveCursorKey, encodeCursor } from './cursor.ts';
import { createLoginLimiter } from './auth/login-limiter.ts';
import { toInstant } from './instants.ts';
import { resolvePlaylistUri, rewriteMasterPlaylist, rewriteMediaPlaylist } from './hls-playlists.ts';
import { signPlayback, verifyPlayback } from './playback-token.ts';
import { hashPassword, verifyPassword } from '../domain/password-hash.ts';
import { mediaPrefixes, parseS3Uri } from './clip-objects.ts';
import { isCameraId, isClipId } from './ids.ts';
import { isPublicRoute } from './app.ts';
import { readyClip } from './test-support.ts';

describe('cursors', () => {
  const shape = { attributes: ['pk', 'sk', 'cameraPk', 'cameraSk'], partition: { name: 'cameraPk', value: 'CAMERA#porch' } } as const;
  const key = { pk: 'CLIP#porch-1', sk: 'CLIP', cameraPk: 'CAMERA#porch', cameraSk: '2025-01-01T00:00:00Z#porch-1' };

  it('round-trips a start key through an opaque base64url string', () => {
    const cursor = encodeCursor(key)!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeStartKey(cursor, shape.attributes, shape.partition)).toEqual(key);
    expect(encodeCursor(undefined)).toBeUndefined();
  });

  it('refuses cursors of another partition, shape or encoding', () => {
    const bad = [
      encodeCursor({ ...key, cameraPk: 'CAMERA#garage' }),
      encodeCursor({ pk: 'USER#admin', sk: 'USER' }),
      encodeCursor({ ...key, extra: 'x' }),
      encodeCursor({ ...key, sk: 1 }),
      encodeCursor([key]),
      'not base64!',
      Buffer.from('{"pk":').toString('base64url'),
      'a'.repeat(3000),
    ];
    for (const cursor of bad) expect(() => decodeStartKey(cursor, shape.attributes, shape.partition), String(cursor)).toThrow(/cursor/);
  });
});

describe('sealed cursors', () => {
  const cursors = createCursors(async () => deriveCursorKey('a server-side secret of some length'));
  const other = createCursors(async () => deriveCursorKey('another server-side secret, other key'));

  it('open what they sealed, for the same list and scope only', async () => {
    const position = { pk: 'CAMERAS', sk: 'CAMERA#porch' };
    const cursor = (await cursors.seal('cameras', '', position))!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await cursors.open('cameras', '', cursor)).toEqual(position);
    expect(await cursors.seal('cameras', '', undefined)).toBeUndefined();
    expect(await cursors.open('cameras', '', undefined)).toBeUndefined();
    await expect(cursors.open('clips', '', cursor)).rejects.toMatchObject({ status: 400, code: 'INVALID_CURSOR', field: 'cursor' });
    await expect(cursors.open('cameras', 'porch', cursor)).rejects.toMatchObject({ status: 400 });
    await expect(other.open('cameras', '', cursor)).rejects.toMatchObject({ status: 400 });
    await expect(cursors.open('cameras', '', encodeCursor(position))).rejects.toMatchObject({ status: 400 });
  });
});

describe('login limits', () => {
  it('slides a window per user name and per address, with the wait until the oldest attempt leaves it', () => {
    const limiter = createLoginLimiter({ perUser: 3, perAddress: 5, windowSeconds: 60 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(limiter.attempt('Maria', '10.0.0.1', t0 + i * 1000).allowed).toBe(true);
    expect(limiter.attempt('maria', '10.0.0.2', t0 + 10_000)).toEqual({ allowed: false, limitedBy: 'user', retryAfterSeconds: 50 });
    expect(limiter.attempt('maria', '10.0.0.2', t0 + 60_001).allowed).toBe(true);
    for (let i = 0; i < 2; i++) expect(limiter.attempt(`guess-${i}`, '10.0.0.1', t0 + 2000).allowed).toBe(true);
    expect(limiter.attempt('someone', '10.0.0.1', t0 + 3000)).toMatchObject({ allowed: false, limitedBy: 'address' });
  });

  it('forgets a user name’s failures when it signs in, and stays bounded in memory', () => {
    const limiter = createLoginLimiter({ perUser: 2, perAddress: 100, windowSeconds: 60, maxTracked: 10 });
    limiter.attempt('joe', 'a', 0);
    const ok = limiter.attempt('joe', 'a', 1);
    if (ok.allowed) ok.succeeded();
    expect(limiter.attempt('joe', 'a', 2).allowed).toBe(true);
    for (let i = 0; i < 1000; i++) limiter.attempt(`name-${i}`, `addr-${i}`, 3);
    expect(limiter.attempt('name-999', 'addr-999', 4).allowed).toBe(true);
  });
});

describe('query times', () => {
  it('are read as instants, in the stored UTC form', () => {
    expect(toInstant('from', '2026-01-01T10:00:00+02:00')).toBe('2026-01-01T08:00:00.000Z');
    expect(toInstant('from', '2026-01-01T10:00:00 02:00')).toBe('2026-01-01T08:00:00.000Z');
    expect(toInstant('from', '2025-12-31T21:00-11:00')).toBe('2026-01-01T08:00:00.000Z');
    expect(toInstant('to', '2026-01-01t08:00:00.123456z')).toBe('2026-01-01T08:00:00.123Z');
    for (const bad of ['2026-02-29T00:00:00Z', '2026-01-01T08:00:00', '2026-01-01', 'now', '2026-01-01T08:00:00+24:00', '1767254400']) {
      expect(() => toInstant('from', bad), bad).toThrow(/from: must be an ISO 8601 date-time/);
    }
  });
});

describe('HLS playlists', () => {
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="audio",URI="index_audio.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080',
    'index_1080p.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
    'index_360p.m3u8',
    '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="index_iframe.m3u8"',
    '',
  ].join('\n');

  it('points every variant of the master back at the playlist route', async () => {
    const out = await rewriteMasterPlaylist(master, (name) => `${name}?exp=1&sig=s`);
    expect(out.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="audio",URI="index_audio.m3u8?exp=1&sig=s"',
      '#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080',
      'index_1080p.m3u8?exp=1&sig=s',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
      'index_360p.m3u8?exp=1&sig=s',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="index_iframe.m3u8?exp=1&sig=s"',
      '',
    ]);
  });

  it('leaves absolute and out-of-directory variant URIs alone', async () => {
    const out = await rewriteMasterPlaylist('#EXTM3U\nhttps://cdn.example/a.m3u8\n../other/b.m3u8\n', (n) => `X${n}`);
    expect(out).toBe('#EXTM3U\nhttps://cdn.example/a.m3u8\n../other/b.m3u8\n');
  });

  it('replaces every segment and init segment of a variant with its signed URL', async () => {
    const variant = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.0,\nindex_360p_00001.ts\n#EXTINF:2.0,\nindex_360p_00002.ts\n#EXT-X-ENDLIST\n';
    const out = await rewriteMediaPlaylist(variant, 'cam/2025/01/01/c1/hls/index_360p.m3u8', 'cam/2025/01/01/c1/hls/', async (key) => `https://s3/${key}?signed`);
    expect(out).toBe(
      '#EXTM3U\n#EXT-X-MAP:URI="https://s3/cam/2025/01/01/c1/hls/init.mp4?signed"\n#EXTINF:2.0,\nhttps://s3/cam/2025/01/01/c1/hls/index_360p_00001.ts?signed\n#EXTINF:2.0,\nhttps://s3/cam/2025/01/01/c1/hls/index_360p_00002.ts?signed\n#EXT-X-ENDLIST\n',
    );
  });

  it('refuses to sign a segment outside the clip', async () => {
    await expect(rewriteMediaPlaylist('#EXTM3U\n../../c2/clip.mp4\n', 'cam/c1/hls/v.m3u8', 'cam/c1/hls/', async (k) => k)).rejects.toThrow(/outside the clip/);
    expect(resolvePlaylistUri('cam/c1/hls/v.m3u8', 'seg%2F..%2F..%2Fx.ts', 'cam/c1/hls/')).toBeUndefined();
    expect(resolvePlaylistUri('cam/c1/hls/v.m3u8', 'sub/a%20b.ts', 'cam/c1/hls/')).toBe('cam/c1/hls/sub/a b.ts');
  });
});

describe('playback links', () => {
  const key = Buffer.alloc(32, 7);
  it('verify for their clip until they expire', () => {
    const token = signPlayback(key, 'porch-1', 2000);
    const given = { exp: String(token.exp), sig: token.sig };
    expect(verifyPlayback(key, 'porch-1', given, 1999)).toBe(true);
    expect(verifyPlayback(key, 'porch-1', given, 2000)).toBe(false);
    expect(verifyPlayback(key, 'porch-2', given, 1000)).toBe(false);
    expect(verifyPlayback(Buffer.alloc(32, 8), 'porch-1', given, 1000)).toBe(false);
    expect(verifyPlayback(key, 'porch-1', { exp: '2001', sig: token.sig }, 1000)).toBe(false);
    expect(verifyPlayback(key, 'porch-1', { exp: '2000' }, 1000)).toBe(false);
    expect(verifyPlayback(key, 'porch-1', { exp: '2e3', sig: token.sig }, 1000)).toBe(false);
  });
});

describe('passwords', () => {
  it('are salted scrypt hashes that verify only the right password', async () => {
    const cheap = { N: 1024, r: 8, p: 1 };
    const a = await hashPassword('correct horse', cheap);
    const b = await hashPassword('correct horse', cheap);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse ', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'plain')).toBe(false);
  });
});

describe('ids, objects and public routes', () => {
  it('accepts clip and camera ids of the workflow, nothing that could reach another key', () => {
    expect(isClipId('front-door-3f9a0c1d2e4b5a69')).toBe(true);
    for (const id of ['', '../x', 'a/b', 'a#b', 'CLIP#x', 'a'.repeat(81), 'a b', 'a:b']) expect(isClipId(id), id).toBe(false);
    expect(isCameraId('front-door')).toBe(true);
    for (const id of ['', 'Front', '-x', 'x-', 'a/b', 'a'.repeat(41), 'x#y']) expect(isCameraId(id), id).toBe(false);
  });

  it("finds a clip's media prefix from its outputs, only in the media bucket", () => {
    const clip = readyClip('porch-1', 'porch', '2025-01-02T03:04:05.000Z');
    expect(mediaPrefixes(clip, 'camflow-media')).toEqual([{ bucket: 'camflow-media', key: 'porch/2025/01/02/porch-1/' }]);
    expect(mediaPrefixes(clip, 'other-bucket')).toEqual([]);
    expect(mediaPrefixes({ ...clip, hlsMaster: 's3://camflow-media/elsewhere/x.m3u8', mp4: undefined, poster: undefined, renditions: [], thumbnails: undefined }, 'camflow-media')).toEqual([]);
    expect(parseS3Uri('s3://b/k/e/y')).toEqual({ bucket: 'b', key: 'k/e/y' });
    expect(parseS3Uri('https://b/k')).toBeUndefined();
  });

  it('needs a token everywhere but health, the document, login, the key set and signed playlists', () => {
    expect(isPublicRoute('GET', '/health')).toBe(true);
    expect(isPublicRoute('GET', '/openapi.json')).toBe(true);
    expect(isPublicRoute('POST', '/auth/login')).toBe(true);
    expect(isPublicRoute('GET', '/.well-known/jwks.json')).toBe(true);
    expect(isPublicRoute('GET', '/clips/a/playback/index.m3u8')).toBe(true);
    expect(isPublicRoute('DELETE', '/clips/a/playback/index.m3u8')).toBe(false);
    expect(isPublicRoute('POST', '/health')).toBe(false);
    expect(isPublicRoute('GET', '/clips/a')).toBe(false);
    expect(isPublicRoute('GET', '/clips/a/playback/x/y')).toBe(false);
  });
});
