/**
 * The monthly bill of a home's cameras, by service, from assumptions (pure). MediaConvert's
 * outputs come from the real job builder for the chosen profile; Step Functions transitions
 * from the synthesized workflow (`countTransitions`); prices from domain/prices.ts.
 */
import type { ClipCost, MediaProbe } from './clip-contract.ts';
import { PRICES } from './prices.ts';
import { buildRenderJob, type RenderJob } from './render-job.ts';
import type { RenderProfile } from './render-profiles.ts';
import { DEFAULT_RETENTION_DAYS, MIN_TRANSITION_BYTES, type RetentionDays } from './retention-rules.ts';

export const DAYS_PER_MONTH = 30.4;
export const RESOLUTIONS = { '360p': [640, 360], '720p': [1280, 720], '1080p': [1920, 1080], '4k': [3840, 2160] } as const;
export type Resolution = keyof typeof RESOLUTIONS;

export interface HomeAssumptions {
  cameras: number;
  clipsPerDay: number;
  seconds: number;
  resolution: Resolution;
  /** Source video bit rate, bits/s. */
  sourceBitrate: number;
  frameRate: number;
  retention: 'short' | 'standard' | 'archive';
  alerts: 'email' | 'sms' | 'both' | 'none';
  /** Clips one motion event makes within the cooldown (they share one alert). */
  clipsPerAlert: number;
  /** Share of the day in quiet hours (no alert sent), 0–1. */
  quietShare: number;
  /** Video watched through CloudFront, GB a month. */
  playbackGbPerMonth: number;
  apiCallsPerDay: number;
  retentionDays?: RetentionDays;
}

export const REFERENCE_HOME: HomeAssumptions = {
  cameras: 14,
  clipsPerDay: 50,
  seconds: 20,
  resolution: '1080p',
  sourceBitrate: 4_000_000,
  frameRate: 25,
  retention: 'standard',
  alerts: 'email',
  clipsPerAlert: 3,
  quietShare: 0,
  playbackGbPerMonth: 5,
  apiCallsPerDay: 200,
};

export interface BillLine {
  service: string;
  usd: number;
  /** What was counted, in words and numbers. */
  detail: string;
}

/** What the pipeline really emitted, per clip on average, read from a catalog (`camflow cost --from-catalog`). */
export interface MeasuredClips {
  clips: number;
  normalizedMinutes: number;
  objects: number;
  bytes: number;
  outputMinutes: Record<string, number>;
  /** How many of the clips got each profile. */
  profiles: Record<string, number>;
}

export interface Bill {
  profile: RenderProfile;
  /** Set when the per-clip figures come from a catalog rather than from the model. */
  measured?: MeasuredClips;
  clipsPerMonth: number;
  perClip: { normalizedMinutes: number; objects: number; bytes: number; transitions: number };
  lines: BillLine[];
  totalUsd: number;
  vendorPlanUsd: number;
}

/** Step Functions state transitions of one clip that takes the `kind` branch, retries aside: every state entered, inside Parallel branches too. */
export function countTransitions(asl: Record<string, unknown>, kind: 'video' | 'still'): number {
  const walk = (machine: AslMachine): number => {
    let count = 0;
    let name: string | undefined = machine.StartAt;
    const seen = new Set<string>();
    while (name && !seen.has(name)) {
      seen.add(name);
      const state: AslState = machine.States[name]!;
      count += 1;
      if (state.Type === 'Parallel') for (const branch of state.Branches ?? []) count += walk(branch);
      if (state.Type === 'Choice') {
        const rule: AslChoice | undefined = (state.Choices ?? []).find((c) => JSON.stringify(c).includes(`"${kind}"`));
        name = rule?.Next ?? state.Default;
      } else {
        name = state.End ? undefined : state.Next;
      }
    }
    return count;
  };
  return walk(asl as unknown as AslMachine);
}

/** The parts of a state machine's ASL that decide which states a clip goes through. */
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}
interface AslState {
  Type?: string;
  Branches?: AslMachine[];
  Choices?: AslChoice[];
  Default?: string;
  Next?: string;
  End?: boolean;
}
interface AslChoice {
  Next?: string;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Step Functions transitions of a video clip in the synthesized workflow (a test checks it against `countTransitions`). */
export const VIDEO_CLIP_TRANSITIONS = 11;

type JobOutput = { VideoDescription?: { Height?: number; Width?: number; CodecSettings?: { Codec?: string } } };
type JobGroup = { OutputGroupSettings?: { HlsGroupSettings?: { ImageBasedTrickPlay?: string } }; Outputs: JobOutput[] };

/**
 * MediaConvert's bill for one job: every output by the second, 10 s at the least, times its
 * multiplier (resolution class and frame rate for encodes; passthrough and frame capture at
 * the rates assumed in prices.ts), plus the HLS group's trick-play images. `outputMinutes`
 * says which class each billed minute is in.
 */
export function mediaConvertUsage(settings: Record<string, unknown>, seconds: number, frameRate: number): { outputMinutes: Record<string, number>; normalizedMinutes: number } {
  const billedMinutes = Math.max(PRICES.mediaConvertMinimumSeconds.usd, Math.ceil(seconds)) / 60;
  const fps = frameRate > 30 ? PRICES.mediaConvertMultiplierHighFrameRate.usd : 1;
  const outputMinutes: Record<string, number> = {};
  let normalizedMinutes = 0;
  const bill = (kind: string, multiplier: number) => {
    outputMinutes[kind] = (outputMinutes[kind] ?? 0) + billedMinutes;
    normalizedMinutes += billedMinutes * multiplier;
  };
  for (const group of (settings.OutputGroups as JobGroup[] | undefined) ?? []) {
    for (const output of group.Outputs) {
      const codec = output.VideoDescription?.CodecSettings?.Codec;
      if (codec === 'PASSTHROUGH') bill('passthrough', PRICES.mediaConvertPassthroughMultiplier.usd);
      else if (codec === 'FRAME_CAPTURE') bill('frame capture', PRICES.mediaConvertFrameCaptureMultiplier.usd);
      else {
        const lines = Math.min(output.VideoDescription?.Width ?? 0, output.VideoDescription?.Height ?? 0);
        const [kind, multiplier] =
          lines > 1080 ? ['UHD', PRICES.mediaConvertMultiplierUHD.usd] : lines >= 720 ? ['HD', PRICES.mediaConvertMultiplierHD.usd] : ['SD', PRICES.mediaConvertMultiplierSD.usd];
        bill(kind, multiplier * fps);
      }
    }
    const trickPlay = group.OutputGroupSettings?.HlsGroupSettings?.ImageBasedTrickPlay;
    if (trickPlay && trickPlay !== 'NONE') bill('trick play', PRICES.mediaConvertTrickPlayMultiplier.usd);
  }
  for (const kind of Object.keys(outputMinutes)) outputMinutes[kind] = round(outputMinutes[kind]!, 4);
  return { outputMinutes, normalizedMinutes };
}

/** What one clip leaves in S3, in bytes, object by object: the raw upload first, then every file of its job. */
/** The parts of a render job the estimate reads (a `RenderJob`, or `$.validation.render` as the catalog sees it). */
export type JobForCost = Pick<RenderJob, 'settings' | 'outputs'> & { profile?: { applied: RenderProfile } };

export function clipObjectSizes(job: JobForCost, clip: { seconds: number; sourceBytes: number; sourceBitrate: number }): number[] {
  const passthrough = job.profile?.applied === 'passthrough';
  // Encodes average about half their QVBR ceiling on mostly static camera footage; a passthrough is the source's size.
  const renditionBytes = (bitrate: number | undefined) => ((bitrate && !passthrough ? bitrate * 0.5 : clip.sourceBitrate) * clip.seconds) / 8;
  const sizes = [clip.sourceBytes];
  for (const output of job.outputs) {
    if (output.kind === 'hls')
      sizes.push(2_000, renditionBytes(output.bitrate)); // playlist, single-file .ts
    else if (output.kind === 'mp4') sizes.push(renditionBytes(output.bitrate));
    else if (output.kind === 'hls-master') sizes.push(1_000);
    else if (output.kind === 'poster') sizes.push(80_000);
    else if (output.kind === 'sprite') sizes.push(8_000 * (output.columns ?? 1) * (output.rows ?? 1), 500); // tile image, image playlist
  }
  return sizes;
}

/**
 * The estimated cost of processing one clip, as the catalog records it: MediaConvert, the PUT
 * and tag of every object, the workflow's transitions, its Lambda runs and the first month
 * of S3 Standard storage. `measuredBytes` (what the job reported writing) replaces the estimate.
 */
export function clipCost(job: JobForCost, clip: { seconds: number; frameRate: number; sourceBytes: number; sourceBitrate: number }, transitions: number, measuredBytes?: number): ClipCost {
  const { outputMinutes, normalizedMinutes } = mediaConvertUsage(job.settings, clip.seconds, clip.frameRate);
  const sizes = clipObjectSizes(job, clip);
  const bytes = measuredBytes !== undefined ? clip.sourceBytes + measuredBytes : sizes.reduce((a, b) => a + b, 0);
  const usd =
    normalizedMinutes * PRICES.mediaConvertBasicPerNormalizedMinute.usd +
    sizes.length * 2 * (PRICES.s3PutPer1000.usd / 1000) +
    transitions * (PRICES.stepFunctionsStandardPer1000Transitions.usd / 1000) +
    LAMBDA_GB_SECONDS_PER_CLIP * PRICES.lambdaArmGbSecond.usd +
    LAMBDA_RUNS_PER_CLIP * (PRICES.lambdaPerMillionRequests.usd / 1e6) +
    (bytes / 1e9) * PRICES.s3StandardGbMonth.usd;
  return { outputMinutes, normalizedMinutes: round(normalizedMinutes, 4), objects: sizes.length, bytes: Math.round(bytes), transitions, usd: round(usd, 6) };
}

/** Lambda per clip: Validate clip (1024 MB, ~1.5 s), Decide alert, Catalog clip, Apply retention (~0.3 s at 512 MB each). */
const LAMBDA_GB_SECONDS_PER_CLIP = 1 * 1.5 + 3 * 0.5 * 0.3;
const LAMBDA_RUNS_PER_CLIP = 4;

/** The bill of one profile. `transitionsPerClip` comes from `countTransitions` on the synthesized workflow. */
export function monthlyBill(home: HomeAssumptions, profile: RenderProfile, transitionsPerClip: number, measured?: MeasuredClips): Bill {
  const clipsPerMonth = home.cameras * home.clipsPerDay * DAYS_PER_MONTH;
  const [width, height] = RESOLUTIONS[home.resolution];
  const probe: MediaProbe = {
    container: 'mp4',
    durationSeconds: home.seconds,
    sizeBytes: Math.round((home.sourceBitrate * home.seconds) / 8),
    video: { codec: 'h264', width, height, frameRate: home.frameRate, bitrate: home.sourceBitrate },
    audio: { codec: 'aac' },
  };
  const job = buildRenderJob({ clipId: 'estimate', camera: 'camera', sourceUri: 's3://uploads/camera/clip.mp4', mediaBucket: 'media', capturedAt: '2025-01-01T00:00:00Z', probe, profile });
  const modelled = mediaConvertUsage(job.settings, home.seconds, home.frameRate);

  // Objects and bytes per clip: the raw upload plus every file the job writes — or, from a
  // catalog, what the clips really left (the small files, playlists and images, keep the
  // model's sizes; the rest of the bytes are the large, transitioned objects).
  const sizes = clipObjectSizes(job, { seconds: home.seconds, sourceBytes: probe.sizeBytes, sourceBitrate: home.sourceBitrate });
  const small = sizes.filter((b) => b < MIN_TRANSITION_BYTES);
  const smallBytes = small.reduce((a, b) => a + b, 0);
  const normalizedMinutes = measured ? measured.normalizedMinutes : modelled.normalizedMinutes;
  const objects = measured ? measured.objects : sizes.length;
  const bytes = measured ? measured.bytes : sizes.reduce((a, b) => a + b, 0);
  const largeCount = Math.max(0, objects - small.length);
  const largeBytes = Math.max(0, bytes - smallBytes);

  // S3 storage over the retention schedule, at steady state (every day of the schedule is full).
  const days = home.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const gbPerDay = (home.cameras * home.clipsPerDay * bytes) / 1e9;
  const largeGbPerDay = (home.cameras * home.clipsPerDay * largeBytes) / 1e9;
  // At steady state a class holds every clip of the days it keeps them: GB stored, billed per GB-month.
  const gbMonths = (gbDay: number, daysKept: number) => gbDay * daysKept;
  let storage = 0;
  let transitions = 0;
  let storageDetail = '';
  if (home.retention === 'short') {
    storage = gbMonths(gbPerDay, days.shortExpireDays) * PRICES.s3StandardGbMonth.usd;
    storageDetail = `${days.shortExpireDays} days in S3 Standard`;
  } else if (home.retention === 'standard') {
    const hot = days.standardInstantRetrievalDays;
    const cold = days.standardExpireDays - hot;
    storage =
      gbMonths(gbPerDay, hot) * PRICES.s3StandardGbMonth.usd +
      gbMonths(largeGbPerDay, cold) * PRICES.s3GlacierInstantGbMonth.usd +
      gbMonths(gbPerDay - largeGbPerDay, cold) * PRICES.s3StandardGbMonth.usd;
    transitions = clipsPerMonth * largeCount * (PRICES.s3TransitionGlacierInstantPer1000.usd / 1000);
    storageDetail = `${hot} days S3 Standard, ${cold} days Glacier Instant Retrieval (objects of 128 KB and more)`;
  } else {
    const hot = days.archiveFlexibleRetrievalDays;
    const flexible = days.archiveDeepArchiveDays - hot;
    const deep = days.archiveExpireDays - days.archiveDeepArchiveDays;
    // Glacier classes add 40 KB of metadata per object (32 KB there, 8 KB in Standard): small next to a clip.
    storage =
      gbMonths(gbPerDay, hot) * PRICES.s3StandardGbMonth.usd +
      gbMonths(largeGbPerDay, flexible) * PRICES.s3GlacierFlexibleGbMonth.usd +
      gbMonths(largeGbPerDay, deep) * PRICES.s3DeepArchiveGbMonth.usd +
      gbMonths(gbPerDay - largeGbPerDay, flexible + deep) * PRICES.s3StandardGbMonth.usd;
    transitions = clipsPerMonth * largeCount * ((PRICES.s3TransitionGlacierFlexiblePer1000.usd + PRICES.s3TransitionDeepArchivePer1000.usd) / 1000);
    storageDetail = `${hot} days S3 Standard, ${flexible} Glacier Flexible Retrieval, ${deep} Deep Archive`;
  }
  // PUTs: every object once, plus its retention tag (PutObjectTagging is billed as a PUT-class request).
  const puts = clipsPerMonth * objects * 2 * (PRICES.s3PutPer1000.usd / 1000);
  // Reads: the validation's range reads (about 4) and the render's read of the upload.
  const gets = clipsPerMonth * 5 * (PRICES.s3GetPer1000.usd / 1000);

  const gbSeconds = clipsPerMonth * LAMBDA_GB_SECONDS_PER_CLIP;
  const lambda = gbSeconds * PRICES.lambdaArmGbSecond.usd + clipsPerMonth * LAMBDA_RUNS_PER_CLIP * (PRICES.lambdaPerMillionRequests.usd / 1e6);
  // DynamoDB: ~6 writes (clip item, camera counters, alert claim and record) and ~4 reads a clip; 2 KB an item kept a year.
  const dynamo =
    clipsPerMonth * 6 * (PRICES.dynamoDbPerMillionWrites.usd / 1e6) +
    clipsPerMonth * 4 * (PRICES.dynamoDbPerMillionReads.usd / 1e6) +
    ((clipsPerMonth * 12 * 2_000) / 1e9) * PRICES.dynamoDbGbMonth.usd;

  // Alerts: one per motion event (the cooldown folds the event's clips into one), none in quiet hours.
  const alertsPerMonth = (clipsPerMonth / Math.max(1, home.clipsPerAlert)) * (1 - home.quietShare);
  const sms = home.alerts === 'sms' || home.alerts === 'both' ? alertsPerMonth * PRICES.snsSmsUs.usd : 0;
  const email = home.alerts === 'email' || home.alerts === 'both' ? alertsPerMonth * (PRICES.snsEmailPer100k.usd / 100_000) : 0;

  // Logs: the state machine logs ALL (about 3 events of ~1 KB per transition), each Lambda ~2 KB a run.
  const logGb = (clipsPerMonth * (transitionsPerClip * 3 * 1_000 + 4 * 2_000)) / 1e9;
  const logs = logGb * PRICES.cloudWatchLogsIngestGb.usd + logGb * 3 * PRICES.cloudWatchLogsStoredGbMonth.usd; // kept three months
  // X-Ray: one trace per execution (Lambdas join it).
  const xray = clipsPerMonth * (PRICES.xRayPerMillionTraces.usd / 1e6);
  const api = home.apiCallsPerDay * DAYS_PER_MONTH * (PRICES.apiGatewayRestPerMillion.usd / 1e6);
  const cloudFront = home.playbackGbPerMonth * PRICES.cloudFrontGbOut.usd;

  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines: BillLine[] = [
    {
      service: 'MediaConvert',
      usd: clipsPerMonth * normalizedMinutes * PRICES.mediaConvertBasicPerNormalizedMinute.usd,
      detail: `${round(normalizedMinutes, 3)} normalized min/clip (${Object.entries(measured?.outputMinutes ?? modelled.outputMinutes)
        .map(([kind, m]) => `${kind} ${round(m, 2)} min`)
        .join(
          ', ',
        )}; 10 s minimum per output) × ${n(clipsPerMonth)} clips, Basic tier; each SD output billed per clip adds $${round(clipsPerMonth * (Math.max(PRICES.mediaConvertMinimumSeconds.usd, home.seconds) / 60) * PRICES.mediaConvertBasicPerNormalizedMinute.usd)} a month`,
    },
    { service: 'S3 storage', usd: storage, detail: `${round(bytes / 1e6, 1)} MB/clip; ${storageDetail}; steady state` },
    { service: 'S3 requests', usd: puts + gets + transitions, detail: `${objects} objects/clip: PUT + tag each, ${largeCount} lifecycle transitions/clip` },
    {
      service: 'Step Functions',
      usd: clipsPerMonth * transitionsPerClip * (PRICES.stepFunctionsStandardPer1000Transitions.usd / 1000),
      detail: `${transitionsPerClip} transitions/clip (synthesized workflow, retries aside)`,
    },
    { service: 'Lambda', usd: lambda, detail: `${round(gbSeconds / clipsPerMonth, 2)} GB-s and 4 requests/clip, arm64` },
    { service: 'DynamoDB', usd: dynamo, detail: '6 writes, 4 reads/clip, on demand; 2 KB/clip kept a year' },
    {
      service: 'SNS email',
      usd: email,
      detail: `${n(home.alerts === 'email' || home.alerts === 'both' ? alertsPerMonth : 0)} alerts (1 per ${home.clipsPerAlert} clips: cooldown; ${Math.round(home.quietShare * 100)}% quiet hours)`,
    },
    { service: 'SNS SMS', usd: sms, detail: `${n(sms > 0 ? alertsPerMonth : 0)} SMS to US numbers` },
    { service: 'CloudWatch Logs', usd: logs, detail: `${round(logGb, 2)} GB ingested (state machine logs ALL), kept 3 months` },
    { service: 'X-Ray', usd: xray, detail: '1 trace per clip' },
    { service: 'API Gateway', usd: api, detail: `${home.apiCallsPerDay} calls/day` },
    { service: 'CloudFront', usd: cloudFront, detail: `${home.playbackGbPerMonth} GB watched/month` },
  ];
  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  return {
    profile,
    ...(measured ? { measured } : {}),
    clipsPerMonth,
    perClip: { normalizedMinutes, objects, bytes, transitions: transitionsPerClip },
    lines,
    totalUsd,
    vendorPlanUsd: home.cameras * PRICES.vendorPlanPerCameraMonth.usd,
  };
}
