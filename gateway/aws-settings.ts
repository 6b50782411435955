/**
 * How the gateway reaches AWS: the S3 client's settings (uploads), the CloudWatch client's
 * (heartbeat), and what the heartbeat's `cloudWatch: "auto"` means on this box. Made once, at
 * the gateway's entry (gateway-command.ts), from the standard AWS variables; tests make their
 * own for a local S3 (test-support.ts `localGatewayAws`). Nothing in the gateway writes
 * process.env and no gateway code below the entry reads it, so several gateways, each with its own S3,
 * can run in one process (aws-settings.test.ts).
 *
 * Only types come from the SDK here: the clients themselves are loaded when first used.
 */
import type { CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

/** Where and as whom a client connects; a setting left out is found by the SDK's standard chain. */
export type AwsConnection<Config extends S3ClientConfig | CloudWatchClientConfig> = Pick<Config, 'endpoint' | 'region' | 'credentials'>;

export interface GatewayAws {
  /** The uploads' S3 client (the gateway adds its own checksum, retry and timeout settings). */
  s3: AwsConnection<S3ClientConfig>;
  /** The heartbeat's CloudWatch client (used only when `heartbeat.cloudWatch` is on). */
  cloudWatch: AwsConnection<CloudWatchClientConfig>;
  /** `heartbeat.cloudWatch: "auto"`: whether heartbeats go to CloudWatch (cloudWatchByDefault). */
  cloudWatchByDefault: boolean;
}

/**
 * `heartbeat.cloudWatch: "auto"`: on when the box talks to AWS itself — a region is set and S3
 * is not another endpoint (AWS_ENDPOINT_URL_S3) — or when a CloudWatch endpoint is given
 * (AWS_ENDPOINT_URL_CLOUDWATCH). Locally (s3rver) it is off.
 */
export function cloudWatchByDefault(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.AWS_ENDPOINT_URL_CLOUDWATCH) return true;
  return !!(env.AWS_REGION || env.AWS_DEFAULT_REGION) && !env.AWS_ENDPOINT_URL_S3 && !env.AWS_ENDPOINT_URL;
}

/**
 * The gateway's AWS settings on a box: the standard AWS variables (AWS_ENDPOINT_URL_S3,
 * AWS_REGION, credentials, a profile or a role) decide, read by the SDK's own chain when each
 * client is made, exactly as before; `env` decides what "auto" means for the heartbeat.
 */
export function gatewayAwsFromEnvironment(env: Readonly<Record<string, string | undefined>>): GatewayAws {
  return { s3: {}, cloudWatch: {}, cloudWatchByDefault: cloudWatchByDefault(env) };
}
