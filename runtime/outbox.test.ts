import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox, OutboxCursorInvalid, OutboxEmailInvalid, OutboxRequestInvalid, summaryLine } from './outbox.ts';
import { isTerminalSafe } from './terminal-text.ts';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../integ-tests/mail-catcher.ts';

const MOTION = 'arn:aws:sns:us-east-1:000000000000:MotionAlerts';
const OPERATIONS = 'arn:aws:sns:us-east-1:000000000000:Operations';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'camflow-outbox-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('outbox', () => {
  it('keeps every message across restarts and lists them newest first, a page at a time', async () => {
    const directory = join(scratch, 'restart');
    const first = createOutbox({ directory, print: () => undefined });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      ids.push((await first.publish({ TopicArn: i % 2 ? MOTION : OPERATIONS, Subject: `Subject ${i}`, Message: `Message ${i}` })).MessageId);
    }
    await first.close();

    // A new outbox on the same directory: what camflow sees after a restart.
    const second = createOutbox({ directory, print: () => undefined });
    const page1 = await second.list({ limit: 2 });
    expect(page1.messages.map((m) => m.subject)).toEqual(['Subject 5', 'Subject 4']);
    expect(page1.messages.map((m) => m.messageId)).toEqual([ids[4], ids[3]]);
    const page2 = await second.list({ limit: 2, cursor: page1.cursor! });
    expect(page2.messages.map((m) => m.subject)).toEqual(['Subject 3', 'Subject 2']);
    const page3 = await second.list({ limit: 2, cursor: page2.cursor! });
    expect(page3.messages.map((m) => m.subject)).toEqual(['Subject 1']);
    expect(page3.cursor).toBeUndefined();

    // It keeps numbering where the first stopped.
    await second.publish({ TopicArn: MOTION, Message: 'Message 6' });
    const all = await second.list();
    expect(all.messages.map((m) => m.position)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(all.messages[0]).toMatchObject({ topic: 'MotionAlerts', topicArn: MOTION, message: 'Message 6' });
    expect(Date.parse(all.messages[0]!.publishedAt)).not.toBeNaN();

    // By topic, by name or by ARN.
    expect((await second.list({ topic: 'Operations' })).messages.map((m) => m.subject)).toEqual(['Subject 4', 'Subject 2']);
    expect((await second.list({ topic: MOTION, limit: 1 })).messages.map((m) => m.message)).toEqual(['Message 6']);
    const lines = (await readFile(join(directory, 'outbox.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(6);
    await second.close();
  });

  it('refuses a cursor it did not issue', async () => {
    const outbox = createOutbox({ directory: join(scratch, 'cursor'), print: () => undefined });
    await expect(outbox.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(OutboxCursorInvalid);
  });

  it('prints one line per message', async () => {
    const printed: string[] = [];
    const outbox = createOutbox({ directory: join(scratch, 'print'), print: (line) => printed.push(line) });
    await outbox.publish({ TopicArn: MOTION, Subject: 'Motion: Front door at 13:02 (12 s)', Message: 'Someone is at the front door.\n\nWatch: http://127.0.0.1:8080/clips/abc' });
    await outbox.publish({ TopicArn: OPERATIONS, Subject: 'Quarantined: garage upload, empty file', Message: 'The upload garage/x.mp4 is empty.\nRe-send it from the camera.' });
    await outbox.publish({ TopicArn: MOTION, Message: 'No subject here\nsecond line' });
    expect(printed).toEqual([
      '[alert] Motion: Front door at 13:02 (12 s) — Someone is at the front door.',
      '[ops] Quarantined: garage upload, empty file — The upload garage/x.mp4 is empty.',
      '[alert] No subject here — second line',
    ]);
    expect(summaryLine({ topic: 'MotionAlerts', message: 'x'.repeat(300) })).toHaveLength('[alert] '.length + 200);
  });

  it('answers like SNS: a MessageId, a SequenceNumber only for FIFO topics, and SNS’s error for a bad request', async () => {
    const outbox = createOutbox({ directory: join(scratch, 'sns'), print: () => undefined });
    const standard = await outbox.publish({ TopicArn: MOTION, Message: 'm' });
    expect(standard.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(standard.SequenceNumber).toBeUndefined();
    const fifo = await outbox.publish({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:Orders.fifo', Message: 'm' });
    expect(fifo.SequenceNumber).toBe('00000000000000000002');
    await expect(outbox.publish({ TopicArn: 'not-an-arn', Message: 'm' })).rejects.toBeInstanceOf(OutboxRequestInvalid);
    await expect(outbox.publish({ TopicArn: MOTION, Message: '' })).rejects.toThrow(/Message must be a non-empty string/);
    const error = (await outbox.publish({ TopicArn: MOTION, Message: 'm', Subject: 'x'.repeat(101) }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('SNS.InvalidParameterException');
    expect((await outbox.list()).messages).toHaveLength(2);
  });
});

describe('outbox and text that is not plain', () => {
  it('refuses a subject SNS refuses: a line break, a control character, non-ASCII, a leading space, 100 characters', async () => {
    const outbox = createOutbox({ directory: join(scratch, 'subjects'), print: () => undefined });
    for (const Subject of ['Motion: Front\ndoor', 'Motion: \u001b[31mRed', 'Motion: Café', ' Motion', 'x'.repeat(100), '']) {
      const error = (await outbox.publish({ TopicArn: MOTION, Message: 'm', Subject }).catch((e: unknown) => e)) as Error;
      expect(error, JSON.stringify(Subject)).toBeInstanceOf(OutboxRequestInvalid);
      expect(error.name).toBe('SNS.InvalidParameterException');
      expect(error.message).toMatch(/Subject .* must be ASCII text that begins with a letter, number or punctuation mark/);
      expect(isTerminalSafe(error.message)).toBe(true);
    }
    expect((await outbox.list()).messages).toHaveLength(0);
  });

  it('prints control characters of a message escaped, never raw', async () => {
    const printed: string[] = [];
    const outbox = createOutbox({ directory: join(scratch, 'escapes'), print: (line) => printed.push(line) });
    await outbox.publish({ TopicArn: MOTION, Subject: 'Motion: Front door', Message: 'Motion on \u001b[31mFront\u001b[0m \u202edoor\u0007.' });
    expect(printed).toEqual(['[alert] Motion: Front door — Motion on \\x1b[31mFront\\x1b[0m \\u202edoor\\x07.']);
    expect(isTerminalSafe(summaryLine({ topic: 'Operations', message: '\u009b2J\u001b]0;title\u0007 \u2066x' }))).toBe(true);
  });

  it('refuses recipient addresses that are not plain addresses, naming where they came from', () => {
    expect(() => createOutbox({ directory: join(scratch, 'bad-mail'), emails: { alerts: ['owner@home.test\r\nBcc: all@evil.test'] }, print: () => undefined })).toThrow(OutboxEmailInvalid);
    const environment = { CAMFLOW_OPERATIONS_EMAILS: 'ops@home.test, not an address' };
    expect(() => createOutbox({ directory: join(scratch, 'bad-mail'), print: () => undefined, environment })).toThrow(/CAMFLOW_OPERATIONS_EMAILS: "not an address" must be a plain e-mail address/);
  });
});

describe('outbox mail through SMTP', () => {
  let catcher: MailCatcher;
  let received: CaughtMail[];
  let smtpUrl: string;

  beforeAll(async () => {
    catcher = await startMailCatcher();
    received = catcher.mails;
    smtpUrl = catcher.url;
  });
  afterAll(() => catcher.close());

  it('mails motion alerts to the alert recipients and operations notices to the operations recipients', async () => {
    const outbox = createOutbox({
      directory: join(scratch, 'smtp'),
      smtpUrl,
      from: 'camflow <camflow@home.test>',
      emails: { alerts: ['owner@home.test', 'partner@home.test'], operations: ['ops@home.test'] },
      print: () => undefined,
    });
    const { MessageId } = await outbox.publish({ TopicArn: MOTION, Subject: 'Motion: Front door at 13:02 (12 s)', Message: 'Someone is at the front door.' });
    await outbox.publish({ TopicArn: OPERATIONS, Subject: 'Failed: garage clip abc (States.TaskFailed)', Message: 'Redrive it.' });
    await outbox.close();

    expect(received).toHaveLength(2);
    expect(received[0]!.from).toBe('camflow@home.test');
    expect(received[0]!.to).toEqual(['owner@home.test', 'partner@home.test']);
    expect(received[0]!.raw).toContain('Subject: Motion: Front door at 13:02 (12 s)');
    expect(received[0]!.raw).toContain('Someone is at the front door.');
    expect(received[0]!.raw).toContain(`X-Camflow-Message-ID: ${MessageId}`);
    expect(received[1]!.to).toEqual(['ops@home.test']);
    expect(received[1]!.raw).toContain('Redrive it.');
  });

  it('takes recipients from CAMFLOW_ALERT_EMAILS, and keeps the message when mail fails', async () => {
    const environment = { CAMFLOW_ALERT_EMAILS: 'env-owner@home.test, env-second@home.test' };
    {
      const before = received.length;
      const outbox = createOutbox({ directory: join(scratch, 'smtp-env'), smtpUrl, print: () => undefined, environment });
      await outbox.publish({ TopicArn: MOTION, Message: 'From the environment' });
      expect(received.slice(before).map((m) => m.to)).toEqual([['env-owner@home.test', 'env-second@home.test']]);
      // Operations fall back to the alert recipients when CAMFLOW_OPERATIONS_EMAILS is unset.
      await outbox.publish({ TopicArn: OPERATIONS, Message: 'Ops via alerts' });
      expect(received[received.length - 1]!.to).toEqual(['env-owner@home.test', 'env-second@home.test']);
      await outbox.close();

      const printed: string[] = [];
      const broken = createOutbox({ directory: join(scratch, 'smtp-broken'), smtpUrl: 'smtp://127.0.0.1:1', print: (l) => printed.push(l), environment });
      await broken.publish({ TopicArn: MOTION, Subject: 'Still kept', Message: 'body' });
      expect((await broken.list()).messages.map((m) => m.subject)).toEqual(['Still kept']);
      expect(printed[1]).toMatch(/^\[outbox\] mail to env-owner@home.test, env-second@home.test failed: .*Check CAMFLOW_SMTP_URL/);
      await broken.close();
    }
  });
});
