/**
 * Motion alerts as a household meets them (issue 11), on the real local stack through the
 * REST API, the outbox and a real SMTP server:
 * - one SNS message per alert with a form per protocol (SMS: camera name, local time, link to
 *   the web app's clip page; e-mail: also duration, clip id and links);
 * - per-camera channels (email, sms, both, none) applied as subscription filter policies on
 *   the `channels` attribute: mail only for cameras whose channels include email;
 * - home/away: in home mode only cameras marked "alert when home" alert; a schedule across
 *   midnight in a time zone; set through the API;
 * - "why didn't I get an alert?": GET /clips/{id}/alert for each reason.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailCatcher, type CaughtMail, type MailCatcher } from './mail-catcher.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoUserStore } from '../api/auth/users.ts';
import { freePort, startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import type { OutboxMessage } from '../runtime/outbox.ts';
import { h264AacMp4 } from './clip-fixtures.ts';
import { catalogClient, uploadClip } from './local-stack-support.ts';

let stack: LocalStack;
let work: string;
let api: string;
let admin: string;
let viewer: string;
let clipFile: string;
let webUrl: string;
let smtp: MailCatcher | undefined;
let mails: CaughtMail[] = [];

async function call(path: string, token: string | undefined, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function login(username: string, password: string): Promise<string> {
  return (await call('/auth/login', undefined, { method: 'POST', body: { username, password } })).body.token;
}

/** Uploads one clip per camera, waits for the workflows, and returns each clip id by camera. */
async function uploadFor(cameras: string[], tag: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const camera of cameras) ids[camera] = (await uploadClip(stack, camera, clipFile, `${tag}.mp4`)).clipId;
  await stack.waitForIdle();
  return ids;
}

const motionMessageFor = async (clipId: string): Promise<OutboxMessage | undefined> =>
  (await stack.outbox.list({ topic: 'MotionAlerts', limit: 200 })).messages.find((m) => m.message.includes(clipId));
const mailsAbout = (clipId: string) => mails.filter((m) => m.raw.includes(clipId));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'camflow-alert-channels-'));
  smtp = await startMailCatcher();
  mails = smtp.mails;
  const webPort = await freePort();
  webUrl = `http://127.0.0.1:${webPort}`;
  stack = await startLocalStack({
    dataDirectory: join(work, 'data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    print: () => undefined,
    sweepEverySeconds: 0,
    smtpUrl: smtp.url,
    // The app's origin (served by Vite in development): alerts link to its clip pages.
    web: { serve: false, port: webPort },
    environment: { DEFAULT_ALERT_COOLDOWN_SECONDS: '0', CAMFLOW_ALERT_EMAILS: 'family@home.test' },
  });
  api = stack.endpoints.api!;
  const db = catalogClient(stack);
  const users = dynamoUserStore(() => db, stack.tableName);
  await users.add({ username: 'maria', role: 'admin', password: 'correct horse battery' });
  await users.add({ username: 'joe', role: 'viewer', password: 'staple tray paper' });
  db.destroy();
  admin = await login('maria', 'correct horse battery');
  viewer = await login('joe', 'staple tray paper');
  const media = join(work, 'media');
  mkdirSync(media);
  clipFile = (await h264AacMp4(media, { seconds: 3, size: '640x360' })).path;
  const settings: Record<string, Record<string, unknown>> = {
    frontdoor: { displayName: 'Front door', alertChannels: 'email', timeZone: 'Europe/Paris' },
    garage: { displayName: 'Garage', alertChannels: 'sms', timeZone: 'America/New_York' },
    porch: { alertChannels: 'none' },
    yard: { displayName: 'Yard', alertChannels: 'both', alertWhenHome: true },
    drive: { cooldownSeconds: 3600 },
    shed: { alertsEnabled: false },
  };
  for (const [camera, body] of Object.entries(settings)) {
    const put = await call(`/cameras/${camera}/settings`, admin, { method: 'PUT', body });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('channels and the message per protocol (mode away)', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = await uploadFor(['frontdoor', 'garage', 'porch', 'yard', 'shed'], 'away');
  }, 240_000);

  it('publishes one message with an SMS, an e-mail and a default form', async () => {
    const message = (await motionMessageFor(ids.frontdoor!))!;
    expect(message.messageStructure).toBe('json');
    expect(Object.keys(message.perProtocol!).sort()).toEqual(['default', 'email', 'sms']);
    const link = `${webUrl}/clips/${ids.frontdoor}`;
    // SMS: display name, local time in the camera's zone (Paris: CET/CEST), the link; short.
    expect(message.perProtocol!.sms).toMatch(
      new RegExp(`^Motion: Front door, \\d{1,2} [A-Z][a-z]{2} \\d{2}:\\d{2}:\\d{2} (CET|CEST|GMT\\+1|GMT\\+2) ${link.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}$`),
    );
    expect(message.perProtocol!.sms!.length).toBeLessThanOrEqual(160 + link.length);
    // E-mail: duration, clip id, links to the clip page and its poster.
    expect(message.perProtocol!.email).toContain('Duration: 3 s');
    expect(message.perProtocol!.email).toContain(`Clip: ${ids.frontdoor}`);
    expect(message.perProtocol!.email).toContain(`Watch: ${link}`);
    expect(message.perProtocol!.email).toContain(`Poster: ${link}#poster`);
    expect(message.subject).toMatch(/^Motion: Front door at \d{2}:\d{2} \(3 s\)$/);
  });

  it('delivers by the camera channels: email only, SMS only, both, none', async () => {
    expect((await motionMessageFor(ids.frontdoor!))!.deliveredTo).toEqual(['email']);
    expect((await motionMessageFor(ids.garage!))!.deliveredTo).toEqual(['sms']);
    expect((await motionMessageFor(ids.yard!))!.deliveredTo).toEqual(['email', 'sms']);
    expect(await motionMessageFor(ids.porch!)).toBeUndefined();
    // The SMS form of the New York camera reads New York time.
    expect((await motionMessageFor(ids.garage!))!.perProtocol!.sms).toMatch(/^Motion: Garage, .* (EST|EDT|GMT-5|GMT-4) http/);
  });

  it('mails only the alerts whose channels include email', () => {
    expect(mailsAbout(ids.frontdoor!).map((m) => m.to)).toEqual([['family@home.test']]);
    expect(mailsAbout(ids.yard!)).toHaveLength(1);
    expect(mailsAbout(ids.garage!)).toHaveLength(0);
    expect(mailsAbout(ids.porch!)).toHaveLength(0);
  });

  it('answers "why didn\'t I get an alert?" for each clip', async () => {
    expect((await call(`/clips/${ids.frontdoor}/alert`, viewer)).body).toMatchObject({ outcome: 'sent', channels: ['email'], mode: 'away' });
    const porch = await call(`/clips/${ids.porch}/alert`, viewer);
    expect(porch.body).toMatchObject({ outcome: 'not-sent', reason: 'channel-none' });
    expect(porch.body.explanation).toMatch(/choose email, SMS or both/);
    expect((await call(`/clips/${ids.shed}/alert`, viewer)).body).toMatchObject({ outcome: 'not-sent', reason: 'alerts-off' });
    expect((await call('/clips/nosuch-0000000000000000/alert', viewer)).status).toBe(404);
  });
});

describe('home and away', () => {
  it('home: only cameras marked "alert when home" alert; the others say why not', async () => {
    expect((await call('/mode', viewer, { method: 'PUT', body: { mode: 'home' } })).status).toBe(403);
    const put = await call('/mode', admin, { method: 'PUT', body: { mode: 'home' } });
    expect(put.body).toMatchObject({ mode: 'home', current: 'home', updatedBy: 'maria' });
    expect((await call('/mode', viewer)).body).toMatchObject({ mode: 'home', current: 'home' });
    const ids = await uploadFor(['frontdoor', 'yard'], 'home');
    expect(await motionMessageFor(ids.yard!)).toBeDefined();
    expect(await motionMessageFor(ids.frontdoor!)).toBeUndefined();
    const why = (await call(`/clips/${ids.frontdoor}/alert`, viewer)).body;
    expect(why).toMatchObject({ outcome: 'not-sent', reason: 'home-mode', mode: 'home' });
    expect(why.explanation).toMatch(/alert when home/);
  });

  it('a schedule across midnight, in its time zone: home inside it, away outside', async () => {
    // The local hour in Kiritimati (UTC+14) now; a period from 2 h before to 2 h after it crosses midnight whenever now is near it.
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Pacific/Kiritimati', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    const at = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    const inside = await call('/mode', admin, { method: 'PUT', body: { mode: 'schedule', schedule: { timeZone: 'Pacific/Kiritimati', home: [{ days, start: at(hour - 2), end: at(hour + 2) }] } } });
    expect(inside.status, JSON.stringify(inside.body)).toBe(200);
    expect(inside.body.current).toBe('home');
    const outside = await call('/mode', admin, { method: 'PUT', body: { mode: 'schedule', schedule: { timeZone: 'Pacific/Kiritimati', home: [{ days, start: at(hour + 3), end: at(hour - 3) }] } } });
    expect(outside.body.current).toBe('away');
    const ids = await uploadFor(['frontdoor'], 'scheduled-away');
    expect((await call(`/clips/${ids.frontdoor}/alert`, viewer)).body).toMatchObject({ outcome: 'sent', mode: 'away' });
  });

  it('refuses a schedule that is not one, saying what is wrong', async () => {
    const bad = await call('/mode', admin, { method: 'PUT', body: { mode: 'schedule', schedule: { timeZone: 'Mars/Olympus', home: [{ days: ['mon'], start: '22:00', end: '06:00' }] } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/timeZone/);
    expect((await call('/mode', admin, { method: 'PUT', body: { mode: 'schedule' } })).status).toBe(400);
    await call('/mode', admin, { method: 'PUT', body: { mode: 'away' } });
  });

  it('cooldown: the second clip within it says so', async () => {
    const first = await uploadFor(['drive'], 'first');
    const second = await uploadFor(['drive'], 'second');
    expect((await call(`/clips/${first.drive}/alert`, viewer)).body).toMatchObject({ outcome: 'sent' });
    const why = (await call(`/clips/${second.drive}/alert`, viewer)).body;
    expect(why).toMatchObject({ outcome: 'not-sent', reason: 'cooldown' });
    expect(why.explanation).toMatch(/cooldown of 3600 s/);
  });
});
