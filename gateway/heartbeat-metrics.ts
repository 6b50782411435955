/**
 * The gateway heartbeat's CloudWatch names, shared by the gateway (heartbeat.ts, which sends
 * them) and the stack (its IAM condition and alarms). No SDK here: the stack imports it.
 */

/** The namespace the gateway's IAM user may publish to (the stack's condition), and nothing else. */
export const HEARTBEAT_NAMESPACE = 'camflow/gateway';
/** One dimension: the gateway's name (config `heartbeat.name`, stack context `gatewayNames`). */
export const HEARTBEAT_DIMENSION = 'Gateway';
/** The name a gateway has when its config does not give one (and the stack's default). */
export const DEFAULT_GATEWAY_NAME = 'home';
export const HEARTBEAT_METRICS = {
  heartbeat: 'Heartbeat',
  queueLength: 'QueueLength',
  oldestWaitingSeconds: 'OldestWaitingSeconds',
  diskUsedPercent: 'DiskUsedPercent',
  spoolUsedPercent: 'SpoolUsedPercent',
} as const;
