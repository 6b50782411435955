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
  /*
   * MediaConvert, read 2026-12-01 from stored copies of the pricing page (English and German
   * editions) and the user guide. What the page says: on demand, you pay per minute of each
   * output, duration counted in 1-second increments with a 10-second minimum per output;
   * normalized minutes apply multipliers for resolution, frame rate and quality; the Basic tier
   * covers AVC single-pass (speed-optimized or balanced), VP8/VP9; volume discounts apply per
   * region and month above thresholds we could not read (a home stays in the first tier).
   * The multiplier table itself was not legible in the copies we read: the SD:HD:UHD = 1:2:4
   * and ×2 above 30 fps below match the per-minute rates a 2021 summary of the same page lists
   * (https://gist.github.com/0xdeepmehta/2c2f548b19e29ed71e30492c1587770b: >30 fps SD $0.015,
   * HD $0.03, 4K $0.06, i.e. twice $0.0075 / $0.015 / $0.03).
   */
  mediaConvertBasicPerNormalizedMinute: { usd: 0.0075, per: 'normalized output minute, Basic tier, first volume tier', source: page('mediaconvert/pricing/'), read: READ },
  /** Normalized-minute multipliers (Basic tier, AVC, single pass, up to 30 fps). */
  mediaConvertMultiplierSD: {
    usd: 1,
    per: 'multiplier, output below 720 lines',
    source: page('mediaconvert/pricing/'),
    read: READ,
    assumption: 'multiplier table not legible in our copy; 1:2:4 from the 2021 per-minute rates (see prices.ts)',
  },
  mediaConvertMultiplierHD: { usd: 2, per: 'multiplier, 720 to 1080 lines', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMultiplierUHD: { usd: 4, per: 'multiplier, above 1080 lines', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMultiplierHighFrameRate: { usd: 2, per: 'multiplier, above 30 up to 60 fps', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertMinimumSeconds: { usd: 10, per: 'seconds billed at the least per output (then by the second)', source: page('mediaconvert/pricing/'), read: READ },
  mediaConvertPassthroughMultiplier: {
    usd: 1,
    per: 'multiplier, video passthrough output',
    source: page('mediaconvert/pricing/'),
    read: READ,
    assumption: 'the page bills every output by its duration and names no passthrough rate in what we could read; billed here as an SD output (multiplier 1)',
  },
  mediaConvertFrameCaptureMultiplier: {
    usd: 1,
    per: 'multiplier, frame capture output (poster), for the clip duration',
    source: 'https://docs.aws.amazon.com/mediaconvert/latest/ug/file-group-with-frame-capture-output.html',
    read: READ,
    assumption: 'MediaConvert reports a frame capture output lasting the whole input (durationInMs of the clip): billed here as an SD output of that duration',
  },
  mediaConvertTrickPlayMultiplier: {
    usd: 1,
    per: "multiplier, the HLS group's image-based trick play (the scrub sprite), for the clip duration",
    source: page('mediaconvert/pricing/'),
    read: READ,
    assumption: 'no trick-play rate in what we could read; billed here like one more SD output (an upper bound)',
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
  cloudFrontGbOut: {
    usd: 0.085,
    per: 'GB out to viewers, North America (after the always-free 1 TB)',
    source: page('cloudfront/pricing/'),
    read: READ,
    assumption: 'counted from the first GB: the free 1 TB a month is left out',
  },
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
