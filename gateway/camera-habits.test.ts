/**
 * Issue 13: the gateway meets real cameras. Sequences rebuilt from camera manuals, replayed with
 * the clients cameras and users use — python ftplib, curl, lftp and a raw control socket — against
 * the real gateway and a local S3 (s3rver):
 * - upload under a temporary name then RNFR/RNTO (Axis, Intellinet, lftp `use-temp-file`): held,
 *   key and capture time fixed from the final name; never renamed: uploaded under its own name;
 * - ALLO, REST 0, SIZE/MDTM/LIST/NLST answered (Dahua), and no reply names a path of the gateway's disk;
 * - `.dav` (a DHAV file ffmpeg's demuxer reads) and raw `.h264` remuxed to MP4 without re-encoding;
 *   without ffmpeg uploaded as they are, with the reason;
 * - test buttons (`test.txt`, `test.jpg`) answered, never uploaded; DELE never reaches S3;
 * - a transfer cut then resumed (REST n + STOR, APPE) or sent again whole is one clip;
 * - backslash paths; FTPS (AUTH TLS) with a self-signed certificate, and `ftp.requireTls`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from './gateway.ts';
import { readJournal } from './journal.ts';
import { RawFtp } from './raw-ftp-client.ts';
import { Spool, spoolPaths } from './spool.ts';
import { createGatewayLogger } from './logger.ts';
import {
  decodedFrameDigests,
  headObject,
  listKeys,
  makeClip,
  makeDav,
  makeRawH264,
  makeStill,
  objectSha256,
  readObject,
  sha256Base64,
  sha256OfFile,
  startTestS3,
  tempDirectory,
  testConfig,
  testS3Client,
  TEST_PASSWORD,
  localGatewayAws,
  waitFor,
  startTestGateway,
} from './test-support.ts';
import type { GatewayAws } from './aws-settings.ts';

const run = promisify(execFile);
let s3: Awaited<ReturnType<typeof startTestS3>>;
let gateway: RunningGateway;
let aws: GatewayAws;
let spool: string;
const media = tempDirectory('habits-media');
/** Every reply and client transcript of this file: none may name the spool folder. */
const transcripts: string[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
  aws = localGatewayAws(s3);
  spool = tempDirectory('habits-spool');
  gateway = await startTestGateway(await testConfig(spool, { ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0, temporaryNameWaitSeconds: 60 } }), { aws });
});

afterAll(async () => {
  await gateway?.stop();
  await s3?.stop();
});

const port = () => gateway.ftp!.port;
const day = () => new Date().toISOString().slice(0, 10).replace(/-/g, '/');

/** A raw control connection whose replies are all recorded. */
async function rawLogin(user = 'front-door', gatewayPort = port()): Promise<RawFtp & { say(command: string): Promise<{ code: number; text: string }> }> {
  const { client, greeting } = await RawFtp.open(gatewayPort);
  transcripts.push(greeting?.text ?? '');
  const say = async (command: string) => {
    const reply = await client.send(command);
    transcripts.push(reply?.text ?? '');
    return reply ?? { code: 0, text: '(closed)' };
  };
  expect((await say(`USER ${user}`)).code).toBe(331);
  expect((await say(`PASS ${TEST_PASSWORD}`)).code).toBe(230);
  return Object.assign(client, { say });
}

/** STOR (or APPE) over a raw connection: PASV, the command, the bytes, the final reply. */
async function rawStore(client: Awaited<ReturnType<typeof rawLogin>>, command: string, body: Buffer): Promise<number> {
  const data = await client.passive();
  const first = await client.say(command);
  if (first.code !== 150) {
    data.destroy();
    return first.code;
  }
  data.end(body);
  const final = await client.next();
  transcripts.push(final?.text ?? '');
  return final?.code ?? 0;
}

/** LIST/NLST over a raw connection: the listing text. */
async function rawList(client: Awaited<ReturnType<typeof rawLogin>>, command: string): Promise<string> {
  const data = await client.passive();
  let text = '';
  data.on('data', (d) => (text += String(d)));
  const ended = new Promise((resolve) => data.on('close', resolve));
  expect((await client.say(command)).code).toBe(150);
  await ended;
  const final = await client.next();
  transcripts.push(final?.text ?? '', text);
  expect(final?.code).toBe(226);
  return text;
}

/** Runs a python3 ftplib script (the FTP client of many NVR/camera tools); returns its printed replies. */
async function ftplib(script: string, gatewayPort = port()): Promise<string[]> {
  const program = `import ftplib, io, sys, json\nftp = ftplib.FTP()\nftp.connect('127.0.0.1', ${gatewayPort}, timeout=20)\nftp.login('front-door', ${JSON.stringify(TEST_PASSWORD)})\nout = []\n${script}\nftp.quit()\nprint(json.dumps(out))\n`;
  const { stdout } = await run('python3', ['-c', program]);
  const replies = JSON.parse(stdout) as string[];
  transcripts.push(...replies);
  return replies;
}

async function curl(args: string[]): Promise<string> {
  const { stderr, stdout } = await run('curl', ['-sS', '-v', '--user', `front-door:${TEST_PASSWORD}`, ...args]);
  transcripts.push(stderr, stdout);
  return stdout;
}

describe('uploads under a temporary name, then RNFR/RNTO', () => {
  it('a held file is journaled and fsynced, not uploaded; its key and capture time come from the final name (raw socket, Axis-style)', async () => {
    const clip = readFileSync(makeClip(join(media, 'axis.mp4')));
    const camera = await rawLogin();
    expect(await rawStore(camera, 'STOR upload_in_progress.tmp', clip)).toBe(226);
    // Held: in the journal (with its bytes on disk), not in S3.
    const held = gateway.spool.held();
    expect(held.map((e) => e.file.cameraPath)).toEqual(['upload_in_progress.tmp']);
    const journaled = readJournal(spoolPaths(spool).journal).records.find((r) => r.op === 'received' && r.file.cameraPath === 'upload_in_progress.tmp');
    expect(journaled && journaled.op === 'received' && journaled.file.heldUntil).toBeTruthy();
    expect(sha256OfFile(join(spool, held[0]!.file.file))).toBe(sha256Base64(clip));
    await gateway.uploader.drained();
    expect((await listKeys(testS3Client(s3.endpoint), 'front-door/')).filter((k) => k.includes('upload_in_progress'))).toEqual([]);

    expect((await camera.say('RNFR upload_in_progress.tmp')).code).toBe(350);
    expect((await camera.say('RNTO 20240315_143022_ACCC8E012345.mp4')).code).toBe(250);
    camera.close();
    await waitFor('the renamed clip in S3', async () => (await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/15/')).includes('front-door/2024/03/15/20240315_143022_ACCC8E012345.mp4'));
    const object = await readObject(testS3Client(s3.endpoint), 'front-door/2024/03/15/20240315_143022_ACCC8E012345.mp4');
    expect(object.body.equals(clip)).toBe(true);
    expect(object.metadata['captured-at']).toBe('2024-03-15T14:30:22.000Z');
    expect(object.contentType).toBe('video/mp4');
    // The rename is in the journal: a restart uploads to the final key.
    expect(readJournal(spoolPaths(spool).journal).records.some((r) => r.op === 'updated' && r.why === 'renamed' && r.update.key === 'front-door/2024/03/15/20240315_143022_ACCC8E012345.mp4')).toBe(
      true,
    );
    expect((await listKeys(testS3Client(s3.endpoint))).filter((k) => k.includes('upload_in_progress'))).toEqual([]);
  });

  it('python ftplib: STOR clip.mp4_ then rename (Intellinet "FTP rename"); lftp with use-temp-file', async () => {
    const clip = makeClip(join(media, 'intellinet.mp4'));
    const replies = await ftplib(`
with open(${JSON.stringify(clip)}, 'rb') as f:
    out.append(ftp.storbinary('STOR MDalarm_20240316_101500.mp4_', f))
out.append(ftp.sendcmd('RNFR MDalarm_20240316_101500.mp4_'))
out.append(ftp.sendcmd('RNTO MDalarm_20240316_101500.mp4'))`);
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['226', '350', '250']);

    const lftpClip = makeClip(join(media, 'Schedule_20240317-080910.mp4'));
    const { stdout, stderr } = await run('lftp', [
      '-c',
      `set xfer:use-temp-file yes; set ftp:passive-mode yes; set net:max-retries 1; open -u front-door,'${TEST_PASSWORD}' ftp://127.0.0.1:${port()}; put ${lftpClip}; ls`,
    ]);
    transcripts.push(stdout, stderr);
    await waitFor('both clips in S3', async () => {
      const keys = await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/');
      return keys.includes('front-door/2024/03/16/MDalarm_20240316_101500.mp4') && keys.includes('front-door/2024/03/17/Schedule_20240317-080910.mp4');
    });
    expect((await objectSha256(testS3Client(s3.endpoint), 'front-door/2024/03/17/Schedule_20240317-080910.mp4')).sha256).toBe(sha256OfFile(lftpClip));
    expect((await listKeys(testS3Client(s3.endpoint))).filter((k) => k.includes('.in.') || k.endsWith('_'))).toEqual([]);
  });

  it('a temporary name never renamed is uploaded under its own name after the configured wait (curl)', async () => {
    const waitSpool = tempDirectory('habits-wait');
    const quick = await startTestGateway(await testConfig(waitSpool, { ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0, temporaryNameWaitSeconds: 1.5 } }), { aws });
    try {
      const still = makeStill(join(media, 'never-renamed.jpg'));
      await run('curl', ['-sS', '--user', `garage:${TEST_PASSWORD}`, '-T', still, `ftp://127.0.0.1:${quick.ftp!.port}/snapshot`]);
      expect(quick.spool.held()).toHaveLength(1);
      expect(await listKeys(testS3Client(s3.endpoint), `garage/${day()}/snapshot`)).toEqual([]);
      await waitFor('the never-renamed file in S3', async () => (await listKeys(testS3Client(s3.endpoint), `garage/${day()}/snapshot`)).length === 1, 20_000);
      expect((await objectSha256(testS3Client(s3.endpoint), `garage/${day()}/snapshot`)).sha256).toBe(sha256OfFile(still));
    } finally {
      await quick.stop();
    }
  });

  it('a rename is journaled: after a restart the held file keeps its final key, and is no longer held', async () => {
    const directory = tempDirectory('habits-replay');
    const logger = createGatewayLogger('SILENT');
    const options = { directory, limitBytes: 1e9, keepLocalHours: 0, timeZone: 'UTC', partSizeBytes: 8 * 1024 * 1024, holdTemporaryMs: 3600_000, logger };
    const first = await Spool.open(options);
    const stream = first.createReceiveStream({ camera: 'porch', segments: ['2024-03-15', 'clip.tmp'], temporary: true });
    stream.end(Buffer.from('clip bytes'));
    await new Promise((resolve) => stream.on('finish', resolve));
    const other = first.createReceiveStream({ camera: 'porch', segments: ['still-held'], temporary: true });
    other.end(Buffer.from('other bytes'));
    await new Promise((resolve) => other.on('finish', resolve));
    expect(first.waiting()).toHaveLength(0);
    await first.rename('porch', '2024-03-15/clip.tmp', { segments: ['2024-03-15', 'FrontDoor_00_20240315143022.mp4'], temporary: false });
    await first.close();
    const second = await Spool.open(options);
    try {
      expect(second.waiting().map((e) => e.file.key)).toEqual(['porch/2024/03/15/2024-03-15_FrontDoor_00_20240315143022.mp4']);
      expect(second.waiting()[0]!.file.capturedAt).toBe('2024-03-15T14:30:22.000Z');
      expect(second.held().map((e) => e.file.cameraPath)).toEqual(['still-held']);
    } finally {
      await second.close();
    }
  });
});

describe('harmless commands are answered', () => {
  it('Dahua: ALLO, REST 0, backslash folders, a .dav clip; then SIZE, MDTM, LIST, NLST of it (raw socket)', async () => {
    const h264 = readFileSync(makeRawH264(join(media, 'dahua.h264'), 20));
    const dav = makeDav(join(media, 'dahua.dav'), h264, { width: 320, height: 240, fps: 10, start: new Date('2024-03-15T14:30:22Z') });
    const body = readFileSync(dav);
    const camera = await rawLogin();
    expect((await camera.say('TYPE I')).code).toBe(200);
    expect((await camera.say('MKD \\AMC0123\\2024-03-15\\001\\dav\\14')).code).toBe(257);
    expect((await camera.say('CWD \\AMC0123\\2024-03-15\\001\\dav\\14')).code).toBe(250);
    expect((await camera.say('PWD')).text).toContain('"/AMC0123/2024-03-15/001/dav/14"');
    expect((await camera.say(`ALLO ${body.length}`)).code).toBe(200);
    expect((await camera.say('REST 0')).code).toBe(350);
    const name = '14.30.22-14.30.24[M][0@0][0].dav';
    expect(await rawStore(camera, `STOR ${name}`, body)).toBe(226);
    expect(await camera.say(`SIZE ${name}`)).toMatchObject({ code: 213, text: `213 ${body.length}` });
    expect((await camera.say(`MDTM ${name}`)).text).toMatch(/^213 \d{14}/);
    expect(await rawList(camera, 'LIST')).toContain(name);
    expect(await rawList(camera, 'NLST')).toContain(name);
    // Still answered once S3 has it and the spool copy is gone (sent in this session).
    await gateway.uploader.drained();
    expect((await camera.say(`SIZE \\AMC0123\\2024-03-15\\001\\dav\\14\\${name}`)).code).toBe(213);
    expect((await camera.say('SIZE no-such-file.mp4')).code).toBe(550);
    expect((await camera.say('CWD \\..\\..\\..\\..\\..\\..\\etc')).code).toBe(550);
    camera.close();

    // Remuxed to MP4 on the gateway: same pictures (no re-encode), key from the Dahua folders.
    const key = 'front-door/2024/03/15/AMC0123_2024-03-15_001_dav_14_14.30.22-14.30.24_M_0_0_0.mp4';
    expect(await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/15/AMC0123')).toEqual([key]);
    const object = await readObject(testS3Client(s3.endpoint), key);
    expect(object.contentType).toBe('video/mp4');
    expect(object.metadata['captured-at']).toBe('2024-03-15T14:30:22.000Z');
    expect(object.metadata['remuxed-from']).toBe('dav');
    writeFileSync(join(media, 'from-s3.mp4'), object.body);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_name', '-of', 'json', join(media, 'from-s3.mp4')], { encoding: 'utf8' }));
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.streams[0].codec_name).toBe('h264');
    expect(decodedFrameDigests(join(media, 'from-s3.mp4'))).toEqual(decodedFrameDigests(join(media, 'dahua.h264')));
  });

  it('raw .h264 and .264 from curl are remuxed to MP4 (stream copy)', async () => {
    const raw = makeRawH264(join(media, 'FrontDoor_00_20240318070809.h264'), 15);
    await curl(['-T', raw, `ftp://127.0.0.1:${port()}/`]);
    const other = makeRawH264(join(media, 'FrontDoor_00_20240318070810.264'), 15);
    await curl(['-T', other, `ftp://127.0.0.1:${port()}/`]);
    await gateway.uploader.drained();
    const keys = await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/18/');
    expect(keys).toEqual(['front-door/2024/03/18/FrontDoor_00_20240318070809.mp4', 'front-door/2024/03/18/FrontDoor_00_20240318070810.mp4']);
    const object = await readObject(testS3Client(s3.endpoint), keys[0]!);
    writeFileSync(join(media, 'h264-from-s3.mp4'), object.body);
    expect(object.metadata['remuxed-from']).toBe('h264');
    expect(decodedFrameDigests(join(media, 'h264-from-s3.mp4'))).toEqual(decodedFrameDigests(raw));
  });

  it('without ffmpeg, a .h264 goes up as it arrived, with the reason (install ffmpeg)', async () => {
    const noFfmpegSpool = tempDirectory('habits-noffmpeg');
    const bare = await startTestGateway(await testConfig(noFfmpegSpool, { ffmpegPath: join(noFfmpegSpool, 'no-ffmpeg-here') }), { aws });
    try {
      const raw = makeRawH264(join(media, 'Garage_00_20240319101112.h264'), 10);
      await run('curl', ['-sS', '--user', `garage:${TEST_PASSWORD}`, '-T', raw, `ftp://127.0.0.1:${bare.ftp!.port}/`]);
      await bare.uploader.drained();
      const head = await headObject(testS3Client(s3.endpoint), 'garage/2024/03/19/Garage_00_20240319101112.h264');
      expect(decodeURIComponent(head.Metadata?.['gateway-remux-failed'] ?? '')).toMatch(/ffmpeg not found.*install ffmpeg on the gateway/);
      expect(decodeURIComponent(head.Metadata?.['gateway-remux-failed'] ?? '')).not.toContain(noFfmpegSpool.slice(0, -1) + '/');
    } finally {
      await bare.stop();
    }
  });
});

describe('test buttons and deletes', () => {
  it('STOR test.txt and a test picture: 226, never uploaded; DELE of them 250; DELE of a sent clip 250 and S3 keeps it (python ftplib)', async () => {
    const still = makeStill(join(media, 'test.jpg'));
    const clip = makeClip(join(media, 'FrontDoor_00_20240320121314.mp4'));
    const replies = await ftplib(`
out.append(ftp.storbinary('STOR test.txt', io.BytesIO(b'camera FTP test')))
out.append(ftp.sendcmd('SIZE test.txt'))
out.append(ftp.delete('test.txt'))
with open(${JSON.stringify(still)}, 'rb') as f:
    out.append(ftp.storbinary('STOR TEST.JPG', f))
out.append(ftp.delete('TEST.JPG'))
with open(${JSON.stringify(clip)}, 'rb') as f:
    out.append(ftp.storbinary('STOR FrontDoor_00_20240320121314.mp4', f))
out.append(ftp.delete('FrontDoor_00_20240320121314.mp4'))
try:
    ftp.delete('never-sent.mp4')
except ftplib.error_perm as e:
    out.append(str(e))`);
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['226', '213', '250', '226', '250', '226', '250', '550']);
    expect(replies[0]).toMatch(/test upload received/);
    await gateway.uploader.drained();
    const keys = await listKeys(testS3Client(s3.endpoint));
    expect(keys.filter((k) => /test/i.test(k))).toEqual([]);
    expect(keys).toContain('front-door/2024/03/20/FrontDoor_00_20240320121314.mp4');
    expect(readJournal(spoolPaths(spool).journal).records.some((r) => r.op === 'received' && /test/i.test(r.file.cameraPath))).toBe(false);
  });

  it('DELE of a file held under a temporary name removes it; nothing reaches S3', async () => {
    const camera = await rawLogin();
    expect(await rawStore(camera, 'STOR abandoned.part', Buffer.from('half a clip'))).toBe(226);
    expect(gateway.spool.held().some((e) => e.file.cameraPath === 'abandoned.part')).toBe(true);
    expect((await camera.say('DELE abandoned.part')).code).toBe(250);
    camera.close();
    expect(gateway.spool.held().some((e) => e.file.cameraPath === 'abandoned.part')).toBe(false);
    expect(readdirSync(join(spool, 'files'))).toEqual(readdirSync(join(spool, 'files')).filter((f) => gateway.spool.held().some((e) => e.file.file.endsWith(f))));
  });
});

describe('resume: one clip, not two', () => {
  it('REST n + STOR (python ftplib) and APPE (curl --append) continue a held transfer', async () => {
    const clip = readFileSync(makeClip(join(media, 'resumed.mp4'), 2));
    const half = Math.floor(clip.length / 2);
    writeFileSync(join(media, 'first-half'), clip.subarray(0, half));
    writeFileSync(join(media, 'whole'), clip);
    const replies = await ftplib(`
with open(${JSON.stringify(join(media, 'first-half'))}, 'rb') as f:
    out.append(ftp.storbinary('STOR FrontDoor_00_20240321010203.mp4.part', f))
out.append(ftp.sendcmd('SIZE FrontDoor_00_20240321010203.mp4.part'))
n = int(out[-1].split()[1])
with open(${JSON.stringify(join(media, 'whole'))}, 'rb') as f:
    f.seek(n)
    out.append(ftp.storbinary('STOR FrontDoor_00_20240321010203.mp4.part', f, rest=n))
out.append(ftp.rename('FrontDoor_00_20240321010203.mp4.part', 'FrontDoor_00_20240321010203.mp4'))`);
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['226', '213', '226', '250']);
    expect(replies[1]).toBe(`213 ${half}`);

    writeFileSync(join(media, 'second-half'), clip.subarray(half));
    await curl(['-T', join(media, 'first-half'), `ftp://127.0.0.1:${port()}/FrontDoor_00_20240321010204.mp4.part`]);
    await curl([
      '--append',
      '-T',
      join(media, 'second-half'),
      `ftp://127.0.0.1:${port()}/FrontDoor_00_20240321010204.mp4.part`,
      '-Q',
      '-RNFR FrontDoor_00_20240321010204.mp4.part',
      '-Q',
      '-RNTO FrontDoor_00_20240321010204.mp4',
    ]);
    await waitFor('both resumed clips', async () => (await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/21/')).length >= 2);
    await gateway.uploader.drained();
    const keys = await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/21/');
    expect(keys).toEqual(['front-door/2024/03/21/FrontDoor_00_20240321010203.mp4', 'front-door/2024/03/21/FrontDoor_00_20240321010204.mp4']);
    for (const key of keys) expect((await objectSha256(testS3Client(s3.endpoint), key)).sha256).toBe(sha256Base64(clip));
  });

  it('REST n for a file the gateway does not hold is refused (554) without anything stored', async () => {
    const camera = await rawLogin();
    expect((await camera.say('REST 1000')).code).toBe(350);
    expect(await rawStore(camera, 'STOR FrontDoor_00_20240322010203.mp4', Buffer.from('rest of a clip'))).toBe(554);
    camera.close();
  });

  it('a file cut off then sent again whole: one key in S3, the complete bytes (raw socket)', async () => {
    const clip = readFileSync(makeClip(join(media, 'cut.mp4'), 2));
    const camera = await rawLogin();
    // The camera's data connection closes cleanly after half the file (power dip): the gateway cannot tell.
    expect(await rawStore(camera, 'STOR FrontDoor_00_20240323010203.mp4', clip.subarray(0, Math.floor(clip.length / 3)))).toBe(226);
    expect(await rawStore(camera, 'STOR FrontDoor_00_20240323010203.mp4', clip)).toBe(226);
    camera.close();
    // Both copies were in the spool before their 226; once it has drained, nothing is held or
    // waiting, so nothing more can reach S3: the listing below is final.
    await gateway.uploader.drained();
    expect(gateway.spool.waiting()).toEqual([]);
    expect(gateway.spool.held()).toEqual([]);
    expect(await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/23/')).toEqual(['front-door/2024/03/23/FrontDoor_00_20240323010203.mp4']);
    expect((await objectSha256(testS3Client(s3.endpoint), 'front-door/2024/03/23/FrontDoor_00_20240323010203.mp4')).sha256).toBe(sha256Base64(clip));
  });

  it('not yet sent: the cut-off copy is dropped from the spool, never uploaded', async () => {
    const directory = tempDirectory('habits-resend');
    const first = await Spool.open({ directory, limitBytes: 1e9, keepLocalHours: 0, timeZone: 'UTC', partSizeBytes: 8 * 1024 * 1024, logger: createGatewayLogger('SILENT') });
    try {
      const whole = Buffer.from('a clip of some length, complete');
      for (const body of [whole.subarray(0, 10), whole]) {
        const stream = first.createReceiveStream({ camera: 'porch', segments: ['clip.mp4'] });
        stream.end(body);
        await new Promise((resolve) => stream.on('finish', resolve));
      }
      expect(first.waiting().map((e) => [e.file.key.split('/').at(-1), e.file.size])).toEqual([['clip.mp4', whole.length]]);
      expect(readdirSync(join(directory, 'files'))).toHaveLength(1);
    } finally {
      await first.close();
    }
  });
});

describe('FTPS and FEAT', () => {
  it('without TLS configured, FEAT does not advertise AUTH TLS; with it, python FTP_TLS and curl --ssl-reqd upload, and ftp.requireTls (TLS on, a self-signed pair) refuses plain logins', async () => {
    const plain = await rawLogin();
    const feat = await plain.say('FEAT');
    expect(feat.code).toBe(211);
    expect(feat.text).not.toContain('AUTH TLS');
    expect(feat.text).toContain('REST STREAM');
    plain.close();

    const tlsSpool = tempDirectory('habits-tls');
    const secure = await startTestGateway(await testConfig(tlsSpool, { ftp: { host: '127.0.0.1', port: 0, passivePortMin: 0, passivePortMax: 0, requireTls: true } }), { aws });
    try {
      // A self-signed pair was made at first start, in the spool folder.
      expect(readdirSync(join(tlsSpool, 'tls')).sort()).toEqual(['cert.pem', 'key.pem']);
      const { client, greeting } = await RawFtp.open(secure.ftp!.port);
      transcripts.push(greeting?.text ?? '');
      const featTls = await client.send('FEAT');
      expect(featTls?.text).toContain('AUTH TLS');
      expect((await client.send('USER front-door'))?.code).toBe(530);
      client.close();

      const clip = makeClip(join(media, 'FrontDoor_00_20240324010203.mp4'));
      const program = `import ftplib, ssl, json
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
ftp = ftplib.FTP_TLS(context=ctx)
ftp.connect('127.0.0.1', ${secure.ftp!.port}, timeout=20)
out = [ftp.auth()]
out.append(ftp.login('front-door', ${JSON.stringify(TEST_PASSWORD)}))
out.append(ftp.prot_p())
with open(${JSON.stringify(clip)}, 'rb') as f:
    out.append(ftp.storbinary('STOR FrontDoor_00_20240324010203.mp4', f))
ftp.quit()
print(json.dumps(out))`;
      const replies = JSON.parse((await run('python3', ['-c', program])).stdout) as string[];
      transcripts.push(...replies);
      expect(replies.map((r) => r.slice(0, 3))).toEqual(['234', '230', '200', '226']);
      const still = makeStill(join(media, 'FrontDoor_00_20240324010204.jpg'));
      const { stderr } = await run('curl', ['-sS', '-v', '--ssl-reqd', '-k', '--user', `front-door:${TEST_PASSWORD}`, '-T', still, `ftp://127.0.0.1:${secure.ftp!.port}/`]);
      transcripts.push(stderr);
      await secure.uploader.drained();
      const keys = await listKeys(testS3Client(s3.endpoint), 'front-door/2024/03/24/');
      expect(keys).toEqual(['front-door/2024/03/24/FrontDoor_00_20240324010203.mp4', 'front-door/2024/03/24/FrontDoor_00_20240324010204.jpg']);
      expect((await objectSha256(testS3Client(s3.endpoint), keys[0]!)).sha256).toBe(sha256OfFile(clip));
    } finally {
      await secure.stop();
    }
  });
});

describe('no reply names a path of the gateway disk', () => {
  it('every reply and transcript of this file is free of the spool folder', () => {
    expect(transcripts.length).toBeGreaterThan(50);
    for (const text of transcripts) {
      expect(text).not.toContain(spool);
      expect(text).not.toMatch(/camflow-habits-(spool|wait|noffmpeg|tls|replay|resend)/);
    }
  });
});
