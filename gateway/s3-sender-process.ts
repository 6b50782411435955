/**
 * The S3 sender process: started by the gateway (s3-sender.ts) as `camflow-gateway-s3-sender.mjs
 * --s3-sender` when it has files to send, it sends each one it is given (s3-upload.ts) and
 * answers over its IPC channel. It ends when the gateway disconnects it (nothing left to send
 * for `upload.senderIdleSeconds`, or the gateway stops or died). The gateway process itself thus
 * never runs the S3 SDK or the HTTP upload code, whose pages of node's own code a process keeps
 * once touched (README, "The gateway", Measured).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createGatewayLogger } from './logger.ts';
import { gatewayS3Client, uploadToS3 } from './s3-upload.ts';
import type { FromGateway, ToGateway } from './s3-sender.ts';

/** The process's whole life as a sender (s3-sender-main.ts, bundled or from a checkout). */
export async function runAsS3Sender(): Promise<void> {
  process.exitCode = await runS3SenderProcess();
  // Everything is closed; should a library still hold a timer, do not wait for it.
  setTimeout(() => process.exit(), 1000).unref();
}

export async function runS3SenderProcess(): Promise<number> {
  const send = process.send?.bind(process);
  if (!send) {
    console.error('The S3 sender is started by the gateway itself (over an IPC channel), not by hand.');
    return 2;
  }
  const reply = (message: ToGateway) => {
    if (process.connected) send(message);
  };
  let logger: Logger | undefined;
  let client: ReturnType<typeof gatewayS3Client> | undefined;
  const inFlight = new Map<number, AbortController>();

  const upload = async (message: Extract<FromGateway, { type: 'upload' }>) => {
    const abort = new AbortController();
    inFlight.set(message.id, abort);
    const { key, path } = message.request;
    try {
      if (!client) throw new Error('The S3 sender got a file before its settings.');
      logger?.debug('Sending to S3', { key, file: path, size: message.request.size });
      const confirmation = await uploadToS3(await client, message.request, abort.signal, (bytesSent) => reply({ type: 'progress', id: message.id, bytesSent }));
      reply({ type: 'done', id: message.id, confirmation });
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      logger?.debug('Sending to S3 failed', { key, file: path, error: { name: error.name, message: error.message } });
      reply({ type: 'failed', id: message.id, error: { name: error.name, message: error.message } });
    } finally {
      inFlight.delete(message.id);
    }
  };

  process.on('message', (message: FromGateway) => {
    if (message.type === 'settings') {
      logger = createGatewayLogger(message.logLevel);
      logger.appendPersistentKeys({ component: 's3-sender' });
      client = gatewayS3Client(message.s3);
      logger.debug('S3 sender started', { pid: process.pid });
    } else if (message.type === 'upload') void upload(message);
    else if (message.type === 'abort') inFlight.get(message.id)?.abort();
  });
  // Messages sent before this listener existed would be lost: the gateway waits for this one.
  reply({ type: 'ready' });
  // Disconnected: idle, the gateway stopping, or the gateway gone. Whatever is still being
  // sent is abandoned: it stays in the gateway's spool and is sent again.
  await new Promise<void>((resolve) => process.once('disconnect', resolve));
  for (const abort of inFlight.values()) abort.abort();
  logger?.debug('S3 sender ending', { pid: process.pid, abandoned: inFlight.size });
  (await client?.catch(() => undefined))?.destroy();
  return 0;
}
