/**
 * The REST API inside `camflow up`: the same Hono app as in Lambda, served on 127.0.0.1 with
 * the runtime as the token issuer, and alerts read from the motion topic's outbox.
 */
import { LOCAL_BUCKETS } from './local-s3.ts';
import type { Outbox, OutboxMessage } from './outbox.ts';
import { localApiDependencies, startApiServer, type ApiServer, type LocalApiOptions } from '../api/local-server.ts';
import type { AlertsSource, AlertView } from '../api/alerts.ts';
import { ApiError, ERROR_CODES } from '../api/errors.ts';

/** The motion topic's construct id, as the resolved ASL names it (see workflows/synthesized-definition.ts). */
export const MOTION_TOPIC = 'MotionAlerts';

/** An alert as the API shows it, from a message the workflow published to the motion topic. */
export function alertFromOutbox(message: OutboxMessage): AlertView {
  const line = (label: string) => new RegExp(`^${label}: (.+)$`, 'm').exec(message.message)?.[1]?.trim();
  const cameraLine = line('Camera');
  const camera = cameraLine ? (/\(([a-z0-9-]+)\)\s*$/.exec(cameraLine)?.[1] ?? cameraLine) : '';
  return { sentAt: message.publishedAt, clipId: line('Clip') ?? '', camera, subject: message.subject ?? '', message: message.message };
}

export function outboxAlertsSource(outbox: Outbox): AlertsSource {
  return async (cursor, limit) => {
    const page = await outbox.list({ topic: MOTION_TOPIC, limit, cursor }).catch((error: Error) => {
      if (error.name === 'InvalidCursor') throw new ApiError(400, ERROR_CODES.invalidCursor, 'cursor: not a cursor from a previous page of GET /alerts', 'cursor');
      throw error;
    });
    return { alerts: page.messages.map(alertFromOutbox), cursor: page.cursor };
  };
}

export async function startLocalApi(options: {
  port: number;
  dataDirectory: string;
  outbox: Outbox;
  stateMachineArn: string;
  tableName: string;
  corsOrigins?: string[];
  presignExpirySeconds?: number;
  /** Clients for this stack's endpoints (never from the process's variables). */
  clients: LocalApiOptions['clients'];
  cameraDefaults?: LocalApiOptions['cameraDefaults'];
  logLevel?: LocalApiOptions['logLevel'];
}): Promise<ApiServer> {
  return startApiServer({
    port: options.port,
    deps: (url) =>
      localApiDependencies({
        url,
        dataDirectory: options.dataDirectory,
        tableName: options.tableName,
        buckets: { ...LOCAL_BUCKETS },
        stateMachineArn: options.stateMachineArn,
        alerts: outboxAlertsSource(options.outbox),
        corsOrigins: options.corsOrigins,
        presignExpirySeconds: options.presignExpirySeconds,
        clients: options.clients,
        cameraDefaults: options.cameraDefaults,
        logLevel: options.logLevel,
      }),
  });
}
