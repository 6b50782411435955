/**
 * The gateway says it is alive: every `heartbeat.intervalSeconds` (default 60) it reads its
 * queue length, the age of the oldest file waiting for S3 and its disk use, records them in
 * status.json (`camflow gateway status` shows the last heartbeat, sent or failed) and, when
 * CloudWatch is on, sends them as custom metrics (PutMetricData, namespace `camflow/gateway`,
 * dimension `Gateway` = the gateway's name). The stack alarms on them: no `Heartbeat` for
 * 10 minutes (a stolen box, a power or internet cut), or `QueueLength` above 0 for 30 minutes.
 *
 * A failed send is logged and shown in the status; it never stops the gateway.
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { GatewayAws } from './aws-settings.ts';
import type { GatewayStatus } from './status.ts';
import { HEARTBEAT_DIMENSION, HEARTBEAT_METRICS, HEARTBEAT_NAMESPACE } from './heartbeat-metrics.ts';

export { HEARTBEAT_DIMENSION, HEARTBEAT_METRICS, HEARTBEAT_NAMESPACE } from './heartbeat-metrics.ts';

/** What one heartbeat says. */
export interface HeartbeatReading {
  at: string;
  queueLength: number;
  /** Age of the oldest file waiting for S3 (0 when none waits). */
  oldestWaitingSeconds: number;
  /** Of the file system that holds the spool. */
  diskUsedPercent: number;
  /** Of the spool's own limit (`spoolLimitMB`). */
  spoolUsedPercent: number;
}

/** The heartbeat's half of status.json. */
export interface HeartbeatState {
  gatewayName: string;
  intervalSeconds: number;
  /** Whether heartbeats go to CloudWatch (else they are only recorded here). */
  cloudWatch: boolean;
  last?: HeartbeatReading;
  lastSentAt?: string;
  lastFailure?: { at: string; name: string; message: string };
}

/** The metric data of one heartbeat, as PutMetricData takes it. */
export function heartbeatMetricData(reading: HeartbeatReading, gatewayName: string): MetricDatum[] {
  const Dimensions = [{ Name: HEARTBEAT_DIMENSION, Value: gatewayName }];
  const Timestamp = new Date(reading.at);
  return [
    { MetricName: HEARTBEAT_METRICS.heartbeat, Value: 1, Unit: 'Count', Dimensions, Timestamp },
    { MetricName: HEARTBEAT_METRICS.queueLength, Value: reading.queueLength, Unit: 'Count', Dimensions, Timestamp },
    { MetricName: HEARTBEAT_METRICS.oldestWaitingSeconds, Value: reading.oldestWaitingSeconds, Unit: 'Seconds', Dimensions, Timestamp },
    { MetricName: HEARTBEAT_METRICS.diskUsedPercent, Value: reading.diskUsedPercent, Unit: 'Percent', Dimensions, Timestamp },
    { MetricName: HEARTBEAT_METRICS.spoolUsedPercent, Value: reading.spoolUsedPercent, Unit: 'Percent', Dimensions, Timestamp },
  ];
}

/**
 * `heartbeat.cloudWatch`: `true`/`false`, or `auto` (the default): what the gateway's AWS
 * settings say (aws-settings.ts `cloudWatchByDefault`: on when the box talks to AWS itself or a
 * CloudWatch endpoint is given; locally, with s3rver, off).
 */
export function cloudWatchWanted(setting: boolean | 'auto', aws: Pick<GatewayAws, 'cloudWatchByDefault'>): boolean {
  return setting === 'auto' ? aws.cloudWatchByDefault : setting;
}

/** The one call the heartbeat makes (a CloudWatchClient, or a stub in tests). */
export interface MetricsSender {
  send(command: PutMetricDataCommand): Promise<unknown>;
}

/** What the heartbeat reads from the running gateway. */
export interface HeartbeatSources {
  /** Files waiting for S3, with when each was received (ISO 8601). */
  waiting(): Array<{ receivedAt: string }>;
  spool(): { bytesUsed: number; limitBytes: number };
  spoolDirectory: string;
}

export interface HeartbeatOptions {
  gatewayName: string;
  intervalSeconds: number;
  /** Undefined: heartbeats are recorded in status.json only. */
  sender?: MetricsSender;
  sources: HeartbeatSources;
  status: GatewayStatus;
  logger: Logger;
}

export async function readHeartbeat(sources: HeartbeatSources, now = Date.now()): Promise<HeartbeatReading> {
  const waiting = sources.waiting();
  const oldest = waiting.reduce((min, f) => Math.min(min, Date.parse(f.receivedAt)), Number.POSITIVE_INFINITY);
  const spool = sources.spool();
  let diskUsedPercent = 0;
  try {
    const fs = await statfs(sources.spoolDirectory);
    diskUsedPercent = fs.blocks > 0 ? round(100 * (1 - fs.bavail / fs.blocks)) : 0;
  } catch {
    diskUsedPercent = 0;
  }
  return {
    at: new Date(now).toISOString(),
    queueLength: waiting.length,
    oldestWaitingSeconds: Number.isFinite(oldest) ? Math.max(0, Math.round((now - oldest) / 1000)) : 0,
    diskUsedPercent,
    spoolUsedPercent: spool.limitBytes > 0 ? round((100 * spool.bytesUsed) / spool.limitBytes) : 0,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(private readonly options: HeartbeatOptions) {
    options.status.update((s) => (s.heartbeat = { gatewayName: options.gatewayName, intervalSeconds: options.intervalSeconds, cloudWatch: !!options.sender }));
  }

  /** Beats now, then every interval. */
  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** One heartbeat: read, record, send (one at a time; a beat still sending is not doubled). */
  beat(): Promise<void> {
    return (this.beating ??= this.beatOnce().finally(() => (this.beating = undefined)));
  }

  private async beatOnce(): Promise<void> {
    const { sources, sender, status, gatewayName, logger } = this.options;
    const reading = await readHeartbeat(sources);
    status.update((s) => (s.heartbeat = { ...s.heartbeat!, last: reading }));
    if (!sender) return;
    try {
      const { PutMetricDataCommand } = await loadCloudWatchSdk();
      await sender.send(new PutMetricDataCommand({ Namespace: HEARTBEAT_NAMESPACE, MetricData: heartbeatMetricData(reading, gatewayName) }));
      status.update((s) => (s.heartbeat = { ...s.heartbeat!, lastSentAt: reading.at }));
    } catch (error) {
      const e = error as Error;
      status.update((s) => (s.heartbeat = { ...s.heartbeat!, lastFailure: { at: new Date().toISOString(), name: e.name, message: e.message.slice(0, 300) } }));
      logger.warn('Heartbeat not sent to CloudWatch: the operations alarm fires if this lasts 10 minutes. Check the network and that the gateway user may cloudwatch:PutMetricData', {
        error: { name: e.name, message: e.message },
      });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }
}

/** The CloudWatch part of the AWS SDK, loaded only on a gateway that sends heartbeats to CloudWatch. */
const loadCloudWatchSdk = () => import('@aws-sdk/client-cloudwatch');

/** The CloudWatch client for the heartbeat when it is wanted (made at the first beat from `aws.cloudWatch`), else undefined. */
export function heartbeatSender(setting: boolean | 'auto', aws: Pick<GatewayAws, 'cloudWatch' | 'cloudWatchByDefault'>): MetricsSender | undefined {
  if (!cloudWatchWanted(setting, aws)) return undefined;
  let client: CloudWatchClient | undefined;
  return {
    send: async (command) => {
      const { CloudWatchClient } = await loadCloudWatchSdk();
      client ??= new CloudWatchClient({ ...aws.cloudWatch, maxAttempts: 2 });
      return client.send(command);
    },
  };
}
