/**
 * The one price table `camflow cost` uses: us-east-1 list prices, on demand, in USD, without
 * free tiers. Each price names the page it comes from and the day it was read. `assumption`
 * marks a figure the page did not state in what we could read, and says what we assumed.
 * Check the pages before relying on a figure; change it here and every bill follows.
 */
export interface Price {
  usd: number;
  per: string;
  source: string;
  read: string;
  assumption?: string;
}

const READ = '2026-12-01';
const page = (path: string) => `https://aws.amazon.com/${path}`;

export const PRICES = {
  mediaConvertBasicPerNormalizedMinute: { usd: 0.0075, per: 'normalized output minute, Basic tier, first volume tier', source: page('mediaconvert/pricing/'), read: READ },
  /** Normalized-minute multipliers (Basic tier, AVC, single pass, up to 30 fps). */
  mediaConvertMultiplierSD: { usd: 1, per: 'multiplier, output below 720 lines', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMultiplierHD: { usd: 2, per: 'multiplier, 720 to 1080 lines', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMultiplierUHD: { usd: 4, per: 'multiplier, above 1080 lines', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMultiplierHighFrameRate: { usd: 2, per: 'multiplier, above 30 up to 60 fps', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMinimumSeconds: { usd: 10, per: 'seconds billed at the least per output', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertPassthroughMultiplier: {
    usd: 1,
    per: 'multiplier, video passthrough output',
    source: page('mediaconvert/pricing/'),
    read: READ,
    assumption: 'no passthrough rate was legible in what we read; billed here as an SD output (multiplier 1)',
  },
  mediaConvertFrameCaptureMultiplier: {
    usd: 1,
    per: 'multiplier, frame capture output (poster, thumbnails), for the clip duration',
    source: page('mediaconvert/pricing/'),
    read: READ,
    assumption: 'billed here as an SD output lasting the whole clip (an upper bound)',
  },
  s3StandardGbMonth: { usd: 0.023, per: 'GB-month, S3 Standard (first 50 TB)', source: page('s3/pricing/'), read: READ },
  s3GlacierInstantGbMonth: { usd: 0.004, per: 'GB-month, S3 Glacier Instant Retrieval', source: page('s3/pricing/'), read: READ },
  s3GlacierFlexibleGbMonth: { usd: 0.0036, per: 'GB-month, S3 Glacier Flexible Retrieval', source: page('s3/pricing/'), read: READ },
  s3DeepArchiveGbMonth: { usd: 0.00099, per: 'GB-month, S3 Glacier Deep Archive', source: page('s3/pricing/'), read: READ },
  s3PutPer1000: { usd: 0.005, per: '1,000 PUT/COPY/POST/LIST requests, S3 Standard', source: page('s3/pricing/'), read: READ },
  s3GetPer1000: { usd: 0.0004, per: '1,000 GET requests, S3 Standard', source: page('s3/pricing/'), read: READ },
  s3TransitionGlacierInstantPer1000: { usd: 0.02, per: '1,000 lifecycle transitions into Glacier Instant Retrieval', source: page('s3/pricing/'), read: READ },
  s3TransitionGlacierFlexiblePer1000: { usd: 0.03, per: '1,000 lifecycle transitions into Glacier Flexible Retrieval', source: page('s3/pricing/'), read: READ },
  s3TransitionDeepArchivePer1000: { usd: 0.05, per: '1,000 lifecycle transitions into Glacier Deep Archive', source: page('s3/pricing/'), read: READ },
  stepFunctionsStandardPer1000Transitions: { usd: 0.025, per: '1,000 state transitions, Standard workflows', source: page('step-functions/pricing/'), read: READ },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'GB-second, arm64', source: page('lambda/pricing/'), read: READ },
  lambdaPerMillionRequests: { usd: 0.2, per: 'million requests', source: page('lambda/pricing/'), read: READ },
  dynamoDbPerMillionWrites: { usd: 0.625, per: 'million write request units, on demand', source: page('dynamodb/pricing/on-demand/'), read: READ },
  dynamoDbPerMillionReads: { usd: 0.125, per: 'million read request units, on demand', source: page('dynamodb/pricing/on-demand/'), read: READ },
  dynamoDbGbMonth: { usd: 0.25, per: 'GB-month, table storage', source: page('dynamodb/pricing/on-demand/'), read: READ },
  snsEmailPer100k: { usd: 2, per: '100,000 email notifications', source: page('sns/pricing/'), read: READ },
  snsSmsUs: {
    usd: 0.00883,
    per: 'SMS to a US number (base price plus carrier fee; other countries differ)',
    source: page('end-user-messaging/pricing/'),
    read: READ,
    assumption: 'US base price $0.00581 plus a carrier fee of about $0.00302; carrier fees vary by carrier',
  },
  cloudWatchLogsIngestGb: { usd: 0.5, per: 'GB ingested, CloudWatch Logs standard', source: page('cloudwatch/pricing/'), read: READ },
  cloudWatchLogsStoredGbMonth: { usd: 0.03, per: 'GB-month stored (compressed)', source: page('cloudwatch/pricing/'), read: READ },
  xRayPerMillionTraces: { usd: 5, per: 'million traces recorded', source: page('xray/pricing/'), read: READ },
  apiGatewayRestPerMillion: { usd: 3.5, per: 'million REST API calls (first 333 million)', source: page('api-gateway/pricing/'), read: READ },
  cloudFrontGbOut: { usd: 0.085, per: 'GB out to viewers, North America (after the always-free 1 TB)', source: page('cloudfront/pricing/'), read: READ, assumption: 'counted from the first GB: the free 1 TB a month is left out' },
  /** The subscription camflow replaced (DESIGN.md): $2,250 a year for 14 cameras. */
  vendorPlanPerCameraMonth: {
    usd: 2250 / 12 / 14,
    per: 'camera-month of the vendor cloud plan the original 14-camera setup paid ($2,250 a year for 14 cameras)',
    source: 'DESIGN.md (the original project: "$2,250/year for 14 cameras at the time")',
    read: READ,
    assumption: 'the vendor and plan are not named in the project; its price is scaled per camera',
  },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;
