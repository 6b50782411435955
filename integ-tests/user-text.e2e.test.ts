/**
 * Camera names are data, not control — on the whole local stack. A display name holding a
 * line break and a terminal colour escape, written straight into the catalog table (as data
 * from before validation, or an operator's put-item, would be), reaches a clip's motion
 * alert: the execution still SUCCEEDS, the alert is in the outbox with a subject SNS accepts,
 * and nothing printed drives the terminal. The API refuses such a name with 400.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoUserStore } from '../api/auth/users.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';
import { run as status } from '../runtime/commands/status.ts';
import { isTerminalSafe } from '../runtime/terminal-text.ts';
import { isValidSnsSubject } from '../domain/sns-text.ts';
import { keys } from '../domain/catalog-table.ts';
import { h264AacMp4 } from './clip-fixtures.ts';
import { catalogClient, describeClipExecution, uploadClip, type UploadedClip } from './local-stack-support.ts';

const STORED_NAME = 'Front\ndoor \u001b[31mALARM\u001b[0m';
const CAMERA = 'frontdoor';

let stack: LocalStack;
let api: string;
let admin: string;
let clip: UploadedClip;
const printed: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'camflow-user-text-e2e-'));

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api}${path}`, { ...init, headers: { authorization: `Bearer ${admin}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  stack = await startLocalStack({
    dataDirectory: join(work, 'data'),
    ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 },
    print: (line) => printed.push(line),
  });
  api = stack.endpoints.api!;
  const db = catalogClient(stack);
  await dynamoUserStore(() => db, stack.tableName).add({ username: 'maria', role: 'admin', password: 'correct horse battery' });
  // Old data: the name went in before the API validated names.
  await db.send(
    new PutCommand({
      TableName: stack.tableName,
      Item: { ...keys.camera(CAMERA), camera: CAMERA, displayName: STORED_NAME, retentionClass: 'standard', alertsEnabled: true, cooldownSeconds: 0, clipCount: 0 },
    }),
  );
  db.destroy();
  const login = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'maria', password: 'correct horse battery' }) });
  admin = ((await login.json()) as { token: string }).token;

  const media = join(work, 'media');
  mkdirSync(media);
  clip = await uploadClip(stack, CAMERA, (await h264AacMp4(media, { seconds: 2, size: '640x360', name: 'motion.mp4' })).path);
  await stack.waitForIdle();
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a stored camera name with a line break and an escape sequence', () => {
  it('the clip’s execution SUCCEEDS and its motion alert is sent with a valid SNS subject', async () => {
    const execution = await describeClipExecution(stack, clip.clipId);
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');

    const { messages } = await stack.outbox.list({ topic: 'MotionAlerts' });
    const alert = messages.find((m) => m.message.includes(clip.clipId));
    expect(alert, JSON.stringify(messages)).toBeDefined();
    expect(isValidSnsSubject(alert!.subject)).toBe(true);
    expect(alert!.subject).toMatch(/^Motion: Front door ALARM at \d\d:\d\d UTC \(2 s\)$/);
    expect(alert!.message.split('\n')[0]).toMatch(/^Motion on Front door ALARM at /);
    expect(alert!.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('the alert history shows the same clean subject', async () => {
    const alerts = await call('/alerts');
    expect(alerts.status).toBe(200);
    const sent = alerts.body.alerts.find((a: { clipId: string }) => a.clipId === clip.clipId);
    expect(isValidSnsSubject(sent.subject)).toBe(true);
  });

  it('the API shows the camera by its cleaned name', async () => {
    const settings = await call(`/cameras/${CAMERA}/settings`);
    expect(settings.status).toBe(200);
    expect(settings.body.displayName).toBe('Front door ALARM');
    const cameras = await call('/cameras');
    expect(cameras.body.cameras.find((c: { id: string }) => c.id === CAMERA)).toMatchObject({ displayName: 'Front door ALARM' });
  });

  it('nothing printed by the stack or by `camflow status` carries a raw control character', async () => {
    expect(printed.some((line) => line.startsWith('[alert] Motion: Front door ALARM'))).toBe(true);
    for (const line of printed) expect(isTerminalSafe(line), JSON.stringify(line)).toBe(true);
    const lines: string[] = [];
    expect(await status([clip.clipId, '--endpoint', stack.endpoints.stepFunctions], (line) => lines.push(line))).toBe(0);
    for (const line of lines) expect(isTerminalSafe(line), JSON.stringify(line)).toBe(true);
  });
});

describe('the API refuses names that are not one line of plain text', () => {
  it.each([
    ['Front\ndoor', /displayName: must be one line of plain text/],
    ['\u001b[31mRed', /displayName: must be one line of plain text/],
    ['\u202eroodtnorF', /displayName: must not contain bidirectional text controls/],
  ])('%j → 400 with the field and the reason', async (displayName, reason) => {
    const put = await call(`/cameras/${CAMERA}/settings`, { method: 'PUT', body: JSON.stringify({ displayName }) });
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ code: 'INVALID_REQUEST', field: 'displayName' });
    expect(put.body.message).toMatch(reason);
  });

  it('refuses a time zone with a control character, and accepts a clean name', async () => {
    const zone = await call(`/cameras/${CAMERA}/settings`, { method: 'PUT', body: JSON.stringify({ timeZone: 'Europe/Paris\u0000' }) });
    expect(zone.status).toBe(400);
    expect(zone.body.field).toBe('timeZone');
    const clean = await call(`/cameras/${CAMERA}/settings`, { method: 'PUT', body: JSON.stringify({ displayName: '  Front door  ' }) });
    expect(clean.status).toBe(200);
    expect(clean.body.displayName).toBe('Front door');
  });
});
