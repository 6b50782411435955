/**
 * A bare FTP client on node:net, for tests that must do what FTP libraries will not: reset the
 * control connection in the middle of a STOR, keep a data connection open and silent, connect
 * from another loopback address (127.0.0.2), open hundreds of connections.
 */
import { connect, type Socket } from 'node:net';

export interface FtpReply {
  code: number;
  text: string;
}

export class RawFtp {
  private buffer = '';
  private lines: string[] = [];
  private readonly replies: FtpReply[] = [];
  private readonly waiters: Array<(reply: FtpReply | undefined) => void> = [];
  /** Settles when the server (or we) closed the control connection. */
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (data) => this.take(data.toString('utf8')));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w(undefined);
        resolve();
      }),
    );
  }

  /** Connects (optionally from `localAddress`, e.g. 127.0.0.2) and reads the greeting. */
  static async open(port: number, localAddress = '127.0.0.1'): Promise<{ client: RawFtp; greeting: FtpReply | undefined }> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const client = new RawFtp(socket);
    return { client, greeting: await client.next() };
  }

  private take(text: string): void {
    this.buffer += text;
    let i;
    while ((i = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.lines.push(line);
      const final = /^(\d{3}) (.*)$/.exec(line);
      if (!final) continue;
      const reply = { code: Number(final[1]), text: this.lines.join('\n') };
      this.lines = [];
      const waiter = this.waiters.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    }
  }

  /** The next reply (undefined once the connection is closed). */
  next(timeoutMs = 15_000): Promise<FtpReply | undefined> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no FTP reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  /** Sends a command and returns its reply. */
  async send(command: string, timeoutMs?: number): Promise<FtpReply | undefined> {
    this.write(command);
    return this.next(timeoutMs);
  }

  write(command: string): void {
    if (!this.socket.destroyed) this.socket.write(`${command}\r\n`);
  }

  async login(user: string, password: string): Promise<FtpReply | undefined> {
    const userReply = await this.send(`USER ${user}`);
    if (userReply?.code !== 331) return userReply;
    return this.send(`PASS ${password}`);
  }

  /** PASV, then opens the data connection (from the same local address as the control one). */
  async passive(): Promise<Socket> {
    const reply = await this.send('PASV');
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply?.text ?? '');
    if (!m) throw new Error(`PASV failed: ${reply?.text}`);
    const port = Number(m[5]) * 256 + Number(m[6]);
    const data = connect({ port, host: '127.0.0.1', localAddress: this.socket.localAddress! });
    data.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      data.once('connect', resolve);
      data.once('error', reject);
    });
    return data;
  }

  /** Closes with a TCP reset (what a camera losing power or network looks like to the server). */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  close(): void {
    this.socket.destroy();
  }
}
