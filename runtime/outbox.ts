/**
 * SNS on this machine: what the workflow publishes (`arn:aws:states:::sns:publish`) lands in
 * an outbox — JSON lines under the data directory, kept across restarts, listed newest first
 * by the API — is printed as one line, and is mailed through SMTP when an SMTP server is
 * configured, as an SNS email subscription would deliver it.
 *
 * Who gets mail (the local stand-in for the stack's email subscriptions):
 * - topics whose name contains "operations" (the Operations topic): `emails.operations`, else
 *   `CAMFLOW_OPERATIONS_EMAILS`, else the alert recipients;
 * - every other topic (MotionAlerts): `emails.alerts`, else `CAMFLOW_ALERT_EMAILS`.
 * Both variables are comma-separated plain addresses (`name@example.com`); an address with
 * spaces, control characters or no domain stops the outbox at start (OutboxEmailInvalid).
 * The SMTP server is `smtpUrl`
 * (`CAMFLOW_SMTP_URL`, e.g. `smtp://user:pass@127.0.0.1:1025`), the sender `from`
 * (`CAMFLOW_SMTP_FROM`, default `camflow <camflow@localhost>`).
 *
 * A message is in the outbox once `publish` resolves; mail is best-effort, as SNS delivers
 * email after Publish has returned: a failed delivery is printed, not thrown.
 *
 * Like SNS, a message published with MessageStructure `json` carries one form per protocol
 * (`default`, `email`, `sms`): the outbox keeps the e-mail form as `message` and every form in
 * `perProtocol`, and mails the e-mail form. Motion alerts go only where the subscriptions'
 * filter policies let them (domain/alert-channels.ts): `deliveredTo` lists the protocols
 * whose subscriptions take the message, and mail is sent only when `email` is one of them.
 * SMS is not sent from this machine; `deliveredTo` says when a phone would have had it.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { ALERT_FILTER_POLICIES, matchesFilterPolicy, type MessageAttributes } from '../domain/alert-channels.ts';
import { isValidSnsSubject, snsSubject } from '../domain/sns-text.ts';
import { cutAt, emailAddressProblem } from '../domain/user-text.ts';
import { safePrinter, terminalText } from './terminal-text.ts';

export interface OutboxOptions {
  /** Where the outbox file (`outbox.jsonl`) lives; default `.camflow/outbox`. */
  directory?: string;
  /** SMTP server URL; default `CAMFLOW_SMTP_URL`. No URL: nothing is mailed. */
  smtpUrl?: string;
  /** Sender address; default `CAMFLOW_SMTP_FROM` or `camflow <camflow@localhost>`. */
  from?: string;
  /** Recipients; defaults from `CAMFLOW_ALERT_EMAILS` and `CAMFLOW_OPERATIONS_EMAILS`. */
  emails?: { alerts?: string[]; operations?: string[] };
  /** Where the one-line summary of each message goes; default stdout. */
  print?: (line: string) => void;
  /**
   * The variables the defaults above come from (`CAMFLOW_SMTP_URL`, `CAMFLOW_SMTP_FROM`,
   * `CAMFLOW_ALERT_EMAILS`, `CAMFLOW_OPERATIONS_EMAILS`): `camflow up` passes its own
   * environment's; default none.
   */
  environment?: Record<string, string | undefined>;
}

/** SNS Publish's request, as the Task state passes it. */
export interface PublishRequest {
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageAttributes?: Record<string, unknown>;
  [other: string]: unknown;
}

/** One published message, as kept in the outbox. */
export interface OutboxMessage {
  messageId: string;
  /** 1, 2, 3… in publishing order; cursors count on it. */
  position: number;
  topicArn: string;
  /** The topic's name: the ARN's last part (`MotionAlerts`). */
  topic: string;
  subject?: string;
  message: string;
  messageAttributes?: Record<string, unknown>;
  /** `json` when published with one form per protocol (`perProtocol`). */
  messageStructure?: 'json';
  perProtocol?: Record<string, string>;
  /** Motion alerts: the protocols whose subscriptions' filter policies take the message. */
  deliveredTo?: Array<'email' | 'sms'>;
  /** FIFO topics only, as SNS. */
  sequenceNumber?: string;
  /** ISO 8601. */
  publishedAt: string;
}

export interface Outbox {
  publish(request: PublishRequest): Promise<{ MessageId: string; SequenceNumber?: string }>;
  /** Newest first; `topic` is a topic name or ARN; `cursor` continues where the previous page stopped. */
  list(options?: { topic?: string; limit?: number; cursor?: string }): Promise<{ messages: OutboxMessage[]; cursor?: string }>;
  close(): Promise<void>;
}

/** SNS's own errors, named as Step Functions reports them (`SNS.` + exception). */
export class OutboxRequestInvalid extends Error {
  override readonly name = 'SNS.InvalidParameterException';
}

/** A recipient address (CAMFLOW_ALERT_EMAILS, CAMFLOW_OPERATIONS_EMAILS, `emails`) that is not a plain address. */
export class OutboxEmailInvalid extends Error {
  override readonly name = 'OutboxEmailInvalid';
}

export class OutboxCursorInvalid extends Error {
  override readonly name = 'InvalidCursor';
  constructor() {
    super('cursor: not a cursor this outbox issued. List again without a cursor.');
  }
}

const OUTBOX_FILE = 'outbox.jsonl';
const MESSAGE_MAX = 256 * 1024; // SNS: messages are at most 256 KB.

const addresses = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

export function topicNameOf(topicArn: string): string {
  return topicArn.slice(topicArn.lastIndexOf(':') + 1);
}

const isOperationsTopic = (topic: string) => /operations/i.test(topic);

/**
 * The one line printed per message: `[alert] Motion: Front door at 13:02 (12 s) — Someone at the door`.
 * Control characters (a camera name's ESC sequence, say) are shown escaped, as `\x1b`.
 */
export function summaryLine(message: Pick<OutboxMessage, 'topic' | 'subject' | 'message'>): string {
  const label = isOperationsTopic(message.topic) ? 'ops' : 'alert';
  const lines = message.message
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const head = message.subject ?? lines.shift() ?? '';
  const detail = lines[0];
  const text = detail ? `${head} — ${detail}` : head;
  return terminalText(`[${label}] ${text.length > 200 ? `${cutAt(text, 199)}…` : text}`);
}

/** Checks recipient addresses; a bad one is refused at start, naming where it came from. */
function checkedAddresses(list: string[], source: string): string[] {
  for (const address of list) {
    const problem = emailAddressProblem(address);
    if (problem) throw new OutboxEmailInvalid(`${source}: ${terminalText(JSON.stringify(address))} ${problem}. Fix the address list (comma-separated plain addresses) and start again.`);
  }
  return list;
}

/** The forms of a MessageStructure `json` message, refused as SNS refuses them. */
function messageForms(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new OutboxRequestInvalid('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as Record<string, unknown>).default !== 'string') {
    throw new OutboxRequestInvalid('Invalid parameter: Message Structure - No default entry in JSON message body');
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ before: position })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { before?: unknown };
    if (typeof value.before === 'number' && Number.isInteger(value.before) && value.before > 0) return value.before;
  } catch {
    // fall through
  }
  throw new OutboxCursorInvalid();
}

export function createOutbox(options: OutboxOptions = {}): Outbox {
  const directory = options.directory ?? join('.camflow', 'outbox');
  const file = join(directory, OUTBOX_FILE);
  const env = options.environment ?? {};
  const smtpUrl = options.smtpUrl ?? env.CAMFLOW_SMTP_URL;
  const from = options.from ?? env.CAMFLOW_SMTP_FROM ?? 'camflow <camflow@localhost>';
  const alertEmails = options.emails?.alerts ? checkedAddresses(options.emails.alerts, 'emails.alerts') : checkedAddresses(addresses(env.CAMFLOW_ALERT_EMAILS), 'CAMFLOW_ALERT_EMAILS');
  const envOperations = checkedAddresses(addresses(env.CAMFLOW_OPERATIONS_EMAILS), 'CAMFLOW_OPERATIONS_EMAILS');
  const operationsEmails = options.emails?.operations ? checkedAddresses(options.emails.operations, 'emails.operations') : envOperations.length > 0 ? envOperations : alertEmails;
  // What is printed can quote a camera name, an object key or a server's error: escaped.
  const print = safePrinter(options.print ?? ((line: string) => process.stdout.write(`${line}\n`)));

  // Every message read so far, oldest first, and how far into the file that is. Another
  // outbox on the same directory (a restart, a second process) appends; reads pick it up.
  const messages: OutboxMessage[] = [];
  let readBytes = 0;
  let pending = '';
  let queue: Promise<unknown> = Promise.resolve();
  let transport: Transporter | undefined;

  /** Runs `work` after every earlier publish/list step: one writer at a time. */
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  }

  async function catchUp(): Promise<void> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (size <= readBytes) return;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - readBytes);
      await handle.read(buffer, 0, buffer.length, readBytes);
      readBytes = size;
      const text = pending + buffer.toString('utf8');
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          messages.push(JSON.parse(line) as OutboxMessage);
        } catch {
          print(`[outbox] skipped a damaged line in ${file}`);
        }
      }
    } finally {
      await handle.close();
    }
  }

  async function mail(message: OutboxMessage): Promise<void> {
    if (!smtpUrl) return;
    if (message.deliveredTo && !message.deliveredTo.includes('email')) return;
    const to = isOperationsTopic(message.topic) ? operationsEmails : alertEmails;
    if (to.length === 0) {
      print(`[outbox] not mailed: CAMFLOW_SMTP_URL is set but no recipients — set CAMFLOW_ALERT_EMAILS${isOperationsTopic(message.topic) ? ' or CAMFLOW_OPERATIONS_EMAILS' : ''}`);
      return;
    }
    try {
      if (!transport) {
        const nodemailer = await import('nodemailer');
        transport = nodemailer.createTransport(smtpUrl);
      }
      await transport.sendMail({
        from,
        to,
        subject: message.subject ?? snsSubject(message.message.split('\n')[0] ?? ''),
        text: message.message,
        headers: { 'X-Camflow-Topic': message.topicArn, 'X-Camflow-Message-Id': message.messageId },
      });
    } catch (error) {
      print(`[outbox] mail to ${to.join(', ')} failed: ${(error as Error).message}. Check CAMFLOW_SMTP_URL; the message is in the outbox.`);
    }
  }

  return {
    async publish(request) {
      if (typeof request?.TopicArn !== 'string' || !/^arn:[^:]+:sns:[^:]*:[^:]*:[\w.-]+$/.test(request.TopicArn)) {
        throw new OutboxRequestInvalid(`Invalid parameter: TopicArn ${JSON.stringify(request?.TopicArn)} is not an SNS topic ARN (arn:aws:sns:region:account:name).`);
      }
      if (typeof request.Message !== 'string' || request.Message.length === 0) {
        throw new OutboxRequestInvalid('Invalid parameter: Message must be a non-empty string.');
      }
      if (Buffer.byteLength(request.Message) > MESSAGE_MAX) throw new OutboxRequestInvalid('Invalid parameter: Message too long (SNS allows 256 KB).');
      if (request.Subject !== undefined && !isValidSnsSubject(request.Subject)) {
        throw new OutboxRequestInvalid(
          `Invalid parameter: Subject ${terminalText(JSON.stringify(String(request.Subject)).slice(0, 120))} must be ASCII text that begins with a letter, number or punctuation mark, with no line breaks or control characters, less than 100 characters long.`,
        );
      }
      const perProtocol = request.MessageStructure === 'json' ? messageForms(request.Message) : undefined;
      const message = await serialized(async () => {
        await mkdir(directory, { recursive: true });
        await catchUp();
        const topic = topicNameOf(request.TopicArn);
        const attributes = request.MessageAttributes as MessageAttributes | undefined;
        const deliveredTo = isOperationsTopic(topic) ? undefined : (['email', 'sms'] as const).filter((protocol) => matchesFilterPolicy(ALERT_FILTER_POLICIES[protocol], attributes));
        const position = (messages[messages.length - 1]?.position ?? 0) + 1;
        const record: OutboxMessage = {
          messageId: randomUUID(),
          position,
          topicArn: request.TopicArn,
          topic,
          ...(request.Subject !== undefined ? { subject: request.Subject } : {}),
          message: perProtocol ? (perProtocol.email ?? perProtocol.default!) : request.Message,
          ...(perProtocol ? { messageStructure: 'json' as const, perProtocol } : {}),
          ...(request.MessageAttributes !== undefined ? { messageAttributes: request.MessageAttributes } : {}),
          // A message without a `channels` attribute (published by hand) reaches every subscription, as SNS does for subscriptions without a policy.
          ...(deliveredTo && attributes?.channels ? { deliveredTo: [...deliveredTo] } : {}),
          ...(topic.endsWith('.fifo') ? { sequenceNumber: String(position).padStart(20, '0') } : {}),
          publishedAt: new Date().toISOString(),
        };
        await appendFile(file, `${JSON.stringify(record)}\n`);
        await catchUp();
        return record;
      });
      print(summaryLine(message));
      await mail(message);
      return { MessageId: message.messageId, ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}) };
    },

    async list(listOptions = {}) {
      const limit = Math.min(Math.max(1, Math.floor(listOptions.limit ?? 50)), 1000);
      const before = listOptions.cursor ? decodeCursor(listOptions.cursor) : Number.POSITIVE_INFINITY;
      const topic = listOptions.topic;
      return serialized(async () => {
        await catchUp();
        const page: OutboxMessage[] = [];
        let more = false;
        for (let i = messages.length - 1; i >= 0; i--) {
          const message = messages[i]!;
          if (message.position >= before) continue;
          if (topic && message.topic !== topic && message.topicArn !== topic) continue;
          if (page.length === limit) {
            more = true;
            break;
          }
          page.push(message);
        }
        return { messages: page, ...(more ? { cursor: encodeCursor(page[page.length - 1]!.position) } : {}) };
      });
    },

    async close() {
      await queue;
      transport?.close();
      transport = undefined;
    },
  };
}
