/**
 * `camflow gateway`, assembled: the spool (recovered first: anything not confirmed by S3 is
 * uploaded again, to the key it was given when it arrived), the uploader, and one way of
 * receiving — the embedded FTP server, or `--watch DIR` beside another FTP server.
 */
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { GatewayAws } from './aws-settings.ts';
import { MB, type GatewayConfig } from './config.ts';
import { startFolderWatch, type FolderWatch } from './folder-watch.ts';
import { startFtpServer, type RunningFtpServer } from './ftp-server.ts';
import { loadTlsCertificate } from './ftp-tls.ts';
import { createGatewayLogger } from './logger.ts';
import { Spool } from './spool.ts';
import { GatewayStatus } from './status.ts';
import { Uploader } from './uploader.ts';
import type { SenderProgram } from './s3-sender.ts';
import { Heartbeat, heartbeatSender, type MetricsSender } from './heartbeat.ts';
import { cameraZoneOffset } from './time-zone.ts';

export interface StartGatewayOptions {
  /** How to reach S3 and CloudWatch: from the standard AWS variables at the entry (gateway-command.ts), a local S3 in tests. */
  aws: GatewayAws;
  /** Receive from this folder (one subfolder per camera) instead of running the FTP server. */
  watchDirectory?: string;
  logger?: Logger;
  /** Where heartbeats go (tests: a stub); default: CloudWatch when `heartbeat.cloudWatch` says so. */
  metricsSender?: MetricsSender;
  /** What the S3 sender process runs; default: its bundle beside the gateway's, or s3-sender-main.ts under tsx in a checkout. */
  senderProgram?: SenderProgram;
}

export interface RunningGateway {
  /** The FTP server's address (FTP mode). */
  ftp?: { host: string; port: number };
  spool: Spool;
  uploader: Uploader;
  status: GatewayStatus;
  watch?: FolderWatch;
  heartbeat: Heartbeat;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: StartGatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createGatewayLogger(config.logLevel);
  const spool = await Spool.open({
    directory: config.spoolDirectory,
    limitBytes: Math.floor(config.spoolLimitMB * MB),
    keepLocalHours: config.keepLocalHours,
    timeZone: cameraZoneOffset(config.cameraTimeZone),
    partSizeBytes: Math.floor(config.upload.partSizeMB * MB),
    holdTemporaryMs: config.ftp.temporaryNameWaitSeconds * 1000,
    ffmpegPath: config.ffmpegPath,
    logger,
  });
  const status = new GatewayStatus(config.spoolDirectory, {
    mode: options.watchDirectory ? 'watch' : 'ftp',
    ...(options.watchDirectory ? { watchDirectory: options.watchDirectory } : {}),
    spool: spool.usage(),
  });
  status.start();
  const uploader = new Uploader({
    spool,
    bucket: config.bucket,
    concurrency: config.upload.concurrency,
    multipartThresholdBytes: Math.floor(config.upload.multipartThresholdMB * MB),
    partSizeBytes: Math.floor(config.upload.partSizeMB * MB),
    queueSize: config.upload.queueSize,
    retryBaseMs: config.upload.retryBaseSeconds * 1000,
    retryMaxMs: config.upload.retryMaxSeconds * 1000,
    verify: config.upload.verify,
    logger,
    logLevel: config.logLevel,
    status,
    s3: options.aws.s3,
    senderIdleMs: config.upload.senderIdleSeconds * 1000,
    ...(options.senderProgram ? { senderProgram: options.senderProgram } : {}),
  });
  uploader.start();
  spool.on('received', () => status.update((s) => (s.spool = spool.usage())));
  spool.on('full', () => status.update((s) => (s.spool = spool.usage())));

  let ftp: RunningFtpServer | undefined;
  let watch: FolderWatch | undefined;
  try {
    if (options.watchDirectory) {
      watch = startFolderWatch({
        directory: options.watchDirectory,
        cameras: Object.keys(config.cameras),
        allowedExtensions: config.allowedExtensions,
        stableMs: config.watch.stableSeconds * 1000,
        scanMs: config.watch.scanSeconds * 1000,
        spool,
        logger,
      });
    } else {
      ftp = await startFtpServer({
        host: config.ftp.host,
        port: config.ftp.port,
        ...(config.ftp.passiveHost ? { passiveHost: config.ftp.passiveHost } : {}),
        passivePortMin: config.ftp.passivePortMin,
        passivePortMax: config.ftp.passivePortMax,
        cameras: config.cameras,
        allowedExtensions: config.allowedExtensions,
        camerasDirectory: join(config.spoolDirectory, 'cameras'),
        spool,
        logger,
        limits: config.ftp.limits,
        ...(config.ftp.tls.enabled ? { tls: loadTlsCertificate(config.ftp.tls, config.spoolDirectory, logger), requireTls: config.ftp.requireTls } : {}),
      });
      const address = { host: ftp.host, port: ftp.port };
      status.update((s) => (s.ftp = address));
    }
  } catch (error) {
    await uploader.stop();
    status.stop();
    await spool.close();
    throw error;
  }

  // Kept copies expire; the disk-guard numbers stay fresh in the status file.
  const housekeeping = setInterval(() => {
    spool.sweepKeptCopies().catch((error: Error) => logger.error('Removing expired kept copies failed', { error: { name: error.name, message: error.message } }));
    status.update((s) => (s.spool = spool.usage()));
  }, 60_000);
  housekeeping.unref();

  const heartbeat = new Heartbeat({
    gatewayName: config.heartbeat.name,
    intervalSeconds: config.heartbeat.intervalSeconds,
    sender: options.metricsSender ?? heartbeatSender(config.heartbeat.cloudWatch, options.aws),
    sources: { waiting: () => spool.waiting().map((e) => e.file), spool: () => spool.usage(), spoolDirectory: config.spoolDirectory },
    status,
    logger,
  });
  heartbeat.start();

  let stopping: Promise<void> | undefined;
  return {
    ...(ftp ? { ftp: { host: ftp.host, port: ftp.port } } : {}),
    spool,
    uploader,
    status,
    ...(watch ? { watch } : {}),
    heartbeat,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(housekeeping);
        await heartbeat.stop();
        await ftp?.close();
        await watch?.stop();
        await uploader.stop();
        status.update((s) => (s.spool = spool.usage()));
        status.stop();
        await spool.close();
        logger.info('Gateway stopped', { waiting: spool.waiting().length });
      })()),
  };
}
