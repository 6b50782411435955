/**
 * What flows through one clip's workflow execution: the input the trigger starts it with,
 * what each state adds (at its ResultPath), the state names an operator reads in the
 * console, the names of the errors that Retry/Catch match, and the environment the task
 * handlers read. The CDK stack, the task handlers, the local runtime and the API all use
 * these types; nothing here calls AWS.
 */
import type { CaptureTimeSource } from './capture-time.ts';
import type { ClipStatus } from './catalog-table.ts';

/** State names, as an operator reads them in the Step Functions console. */
export const STATE = {
  validate: 'Validate clip',
  whatWasUploaded: 'What was uploaded?',
  alertAndRender: 'Alert and render',
  decideAlert: 'Decide alert',
  alertDue: 'Alert due?',
  sendMotionAlert: 'Send motion alert',
  noAlert: 'No alert needed',
  notifyAlertFailed: 'Tell operations: alert not sent',
  alertFailed: 'Alert not sent',
  render: 'Render web playback',
  renderFailed: 'Render failed',
  rendered: 'Rendered?',
  notRendered: 'Record the render failure',
  catalog: 'Catalog clip',
  retention: 'Apply retention',
  ready: 'Clip ready',
  quarantine: 'Quarantine clip',
  notifyQuarantine: 'Tell operations: quarantined',
  quarantined: 'Clip quarantined',
  recordFailure: 'Record failure',
  resumeAfterOutage: 'Resume after outage?',
  notifyFailure: 'Tell operations: failed',
  failed: 'Clip failed',
} as const;

export const STATE_MACHINE_NAME = 'camflow-clip-workflow';

/** The service name in the tasks' logs and traces (Powertools `POWERTOOLS_SERVICE_NAME`). */
export const SERVICE_NAME = 'camflow';

/** The execution input, written by the trigger. The execution is named `{camera}-{upload time}-{digest}` (domain/execution-name.ts), recorded on the clip. */
export interface ClipWorkflowInput {
  clip: {
    /** Deterministic: the same object announced twice gives the same id (and the execution recorded for it). */
    clipId: string;
    /** First key segment: lowercase letters, digits and dashes. */
    camera: string;
    bucket: string;
    key: string;
    /** The S3 version of the upload: the clip's own bytes, whatever is written to the key later. */
    versionId?: string;
    size: number;
    etag: string;
    /** When S3 reported the object created (ISO 8601). */
    uploadedAt: string;
  };
}

export type UploadKind = 'video' | 'still' | 'invalid';

/** Why an upload is not a clip. Each reason tells the operator what to do. */
export type InvalidReason =
  | 'empty'
  | 'truncated'
  | 'not-media'
  | 'no-video-track'
  | 'too-long'
  | 'too-large'
  | 'unsupported-codec'
  /** A .dav/.h264 the gateway could not put in MP4 (no ffmpeg on the gateway): MediaConvert cannot read it. */
  | 'not-remuxed';

/**
 * What the probe read from an upload. Codec and container names are ffmpeg's
 * (`h264`, `hevc`, `mjpeg`, `aac`, `pcm_mulaw`; `mp4`, `mov`, `matroska`, `avi`, `jpeg`, `png`).
 */
export interface MediaProbe {
  container: string;
  durationSeconds: number;
  sizeBytes: number;
  video?: { codec: string; width: number; height: number; frameRate?: number; bitrate?: number; rotation?: number };
  audio?: { codec: string; channels?: number; sampleRate?: number };
  image?: { format: string; width: number; height: number };
}

/** One output the render job will write (known before the job runs, from the settings). */
export interface PlannedRendition {
  /** `thumbnails` (numbered JPEGs) is what clips rendered before the sprite had; new jobs write a `sprite`. */
  kind: 'hls-master' | 'hls' | 'mp4' | 'poster' | 'thumbnails' | 'sprite';
  /** s3://bucket/key (for thumbnails: the key prefix of the numbered JPEGs; for the sprite: its one JPEG). */
  uri: string;
  /** For thumbnails and the sprite: the size of one thumbnail. */
  width?: number;
  height?: number;
  bitrate?: number;
  /** Thumbnails and sprite: seconds between two scrub thumbnails (the first is at 0 s). */
  intervalSeconds?: number;
  /** Sprite only: its grid (thumbnails left to right, then top to bottom) and how many cells hold a thumbnail. */
  columns?: number;
  rows?: number;
  count?: number;
  /** Sprite only: s3:// of its index, the HLS image playlist (EXT-X-TILES) beside the video playlists. */
  index?: string;
}

/** The scrub sprite of a clip: thumbnail i (0-based) is cell i of the grid, taken at i × intervalSeconds. */
export interface ScrubSprite {
  /** s3:// of the JPEG. */
  uri: string;
  /** s3:// of the HLS image playlist that indexes it. */
  index?: string;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  intervalSeconds: number;
  count: number;
}

/** What processing one clip is estimated to cost (domain/cost-model.ts `clipCost`, prices of domain/prices.ts). */
export interface ClipCost {
  /** MediaConvert minutes billed, by output kind and resolution class, e.g. `{ "passthrough": 0.67, "SD": 0.33 }`. */
  outputMinutes: Record<string, number>;
  normalizedMinutes: number;
  /** Objects the clip leaves in S3, raw upload included, and their bytes. */
  objects: number;
  bytes: number;
  /** Step Functions state transitions (retries aside). */
  transitions: number;
  /** Processing (MediaConvert, PUTs, transitions, Lambda) plus the first month of storage, USD. */
  usd: number;
}

/** `$.validation`: the output of "Validate clip". */
export interface ValidationResult {
  kind: UploadKind;
  reason?: InvalidReason;
  /** A sentence for the operator: what is wrong and what to do. */
  detail?: string;
  probe?: MediaProbe;
  /** ISO 8601: from the object's `captured-at` metadata, else the camera's timestamp in its file name, else the upload time. */
  capturedAt: string;
  /** Where `capturedAt` came from (domain/capture-time.ts). */
  capturedAtSource?: CaptureTimeSource;
  /** `s3://{media}/{camera}/{yyyy}/{mm}/{dd}/{clipId}/` for videos. */
  mediaPrefix?: string;
  /** For videos: the MediaConvert job `Settings` (from the pure builder) and what it will write. */
  render?: { settings: Record<string, unknown>; outputs: PlannedRendition[]; profile?: RenderProfileChoice };
}

/** Which render profile a clip got (`passthrough`, `economy`, `full`), and why when it is not the camera's. */
export interface RenderProfileChoice {
  requested: 'passthrough' | 'economy' | 'full';
  applied: 'passthrough' | 'economy' | 'full';
  reason?: string;
}

/**
 * Why no motion alert went out for a clip: the camera's alerts are off, it has no channel,
 * the clip fell in its quiet hours or its cooldown, the system was in `home` mode and the
 * camera does not alert when home; `failed`: it was due but could not be decided or published.
 */
export type AlertSkipReason = 'alerts-off' | 'channel-none' | 'quiet-hours' | 'home-mode' | 'cooldown' | 'failed';

/**
 * `$.alert`: the output of "Decide alert", and the alert branch's output. When "Decide alert"
 * or "Send motion alert" fails, "Alert not sent" outputs `{ send: false, reason: 'failed',
 * error, cause }` (the caught error) instead.
 */
export interface AlertDecision {
  send: boolean;
  /** Why not, when `send` is false. */
  reason?: AlertSkipReason;
  subject?: string;
  message?: string;
  /** `reason: 'failed'` only: the caught error's name and cause. */
  error?: string;
  cause?: string;
  /** When `send`: the `channels` message attribute, a JSON array of protocols (`["email","sms"]`). */
  channels?: string;
}

/** The render branch's output when MediaConvert made the renditions. */
export interface RenderResult {
  jobId: string;
  status: string;
  outputGroups: unknown[];
  /** The job's `Timing` (SubmitTime, StartTime, FinishTime): render seconds for the metrics. */
  timing?: { SubmitTime?: string | number; StartTime?: string | number; FinishTime?: string | number };
}

/** The render branch's output when the job failed ("Render failed"): the caught error. */
export interface RenderFailure {
  failed: true;
  error: CaughtError;
}

/** `$.outcome`: the Parallel's results, reshaped by its ResultSelector. */
export interface AlertAndRenderOutcome {
  alert: AlertDecision;
  render: RenderResult | RenderFailure;
}

/** What a clip's catalog item says about its motion alert. */
export interface ClipAlertOutcome {
  status: 'sent' | 'not-sent' | 'failed';
  /** `not-sent`: why (alerts-off, quiet-hours, cooldown…). */
  reason?: string;
  /** `failed`: the error name and what it said. */
  error?: string;
  cause?: string;
}

/** `$.catalog`: the output of "Catalog clip". */
export interface CatalogResult {
  clipId: string;
  status: ClipStatus;
  created: boolean;
}

/** What "Apply retention" returns. */
export interface RetentionResult {
  retentionClass: RetentionClass;
  /** How many objects were tagged: the raw upload plus every output object. */
  taggedObjects: number;
}

/** `$.error` in the catch path (what Step Functions puts there). */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

/**
 * Named errors. Handlers throw errors whose `name` is one of these; the workflow's Retry
 * matches the transient ones, Catch sends the rest to "Record failure".
 */
export const ERRORS = {
  /** Transient: S3 or DynamoDB throttled or unavailable. Retried. */
  storageUnavailable: 'StorageUnavailable',
  /** The raw upload disappeared before it was processed. Not retried. */
  clipNotFound: 'ClipNotFound',
  /** The event does not name a valid camera key. Not retried. */
  cameraIdInvalid: 'CameraIdInvalid',
  /** Catalog write refused because another execution owns the clip. Not retried. */
  clipOwnedElsewhere: 'ClipOwnedElsewhere',
} as const;

/** Environment variables the task handlers read (set by the stack, and by `camflow up`). */
export const ENV = {
  uploadsBucket: 'UPLOADS_BUCKET',
  mediaBucket: 'MEDIA_BUCKET',
  table: 'CATALOG_TABLE',
  stateMachineArn: 'CLIP_WORKFLOW_ARN',
  mediaConvertRoleArn: 'MEDIACONVERT_ROLE_ARN',
  maxClipBytes: 'MAX_CLIP_BYTES',
  maxClipSeconds: 'MAX_CLIP_SECONDS',
  defaultRetentionClass: 'DEFAULT_RETENTION_CLASS',
  defaultCooldownSeconds: 'DEFAULT_ALERT_COOLDOWN_SECONDS',
  /** HLS rungs to render, e.g. `720p,360p` (default all: `1080p,720p,360p`); fewer rungs cost less. */
  hlsLadder: 'HLS_LADDER',
  /** Render profile of cameras that chose none: `passthrough` (default), `economy` or `full`. */
  defaultRenderProfile: 'DEFAULT_RENDER_PROFILE',
  /** The web app's URL (context `webUrl` in AWS, the local app locally): alerts link to its clip pages. */
  webUrl: 'WEB_URL',
  /** `arn:aws:states:{region}:{account}:execution:camflow-clip-workflow:`: operations messages link to the execution in the console. */
  executionArnPrefix: 'CLIP_EXECUTION_ARN_PREFIX',
} as const;

export const RETENTION_CLASSES = ['short', 'standard', 'archive', 'hold'] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];
export const RETENTION_TAG = 'retention-class';

/** Camera ids: the first key segment of an upload. */
export const CAMERA_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** The whole state of an execution as it reaches a Lambda task (`$`). */
export interface WorkflowState extends ClipWorkflowInput {
  validation?: ValidationResult;
  alert?: AlertDecision;
  outcome?: AlertAndRenderOutcome;
  catalog?: CatalogResult;
  error?: CaughtError;
}

/**
 * What every Lambda task of the workflow receives: the whole state plus the execution's
 * name (`{ "workflow.$": "$", "executionName.$": "$$.Execution.Name" }`).
 */
export interface TaskEvent {
  workflow: WorkflowState;
  executionName: string;
}

/** What "Quarantine clip" and "Record failure" return for the operations topic. */
export interface OperationsNotice {
  status: ClipStatus;
  subject: string;
  message: string;
}

/** The catalog item of one clip (base key `keys.clip(clipId)` plus index attributes). */
export interface ClipRecord {
  clipId: string;
  camera: string;
  kind: UploadKind;
  status: ClipStatus;
  capturedAt: string;
  /** Where `capturedAt` came from: the uploader's `metadata`, the camera's `file-name`, or the `upload` time. */
  capturedAtSource?: CaptureTimeSource;
  uploadedAt: string;
  updatedAt: string;
  executionName: string;
  /** The raw upload: `versionId` is the S3 version the clip was made from, which no other clip shares. */
  source: { bucket: string; key: string; versionId?: string; sizeBytes: number; container?: string; videoCodec?: string; audioCodec?: string; width?: number; height?: number };
  durationSeconds?: number;
  /** HLS variants and the MP4, as s3:// URIs. */
  renditions?: PlannedRendition[];
  hlsMaster?: string;
  mp4?: string;
  poster?: string;
  /** Clips rendered before the sprite: numbered JPEGs under `prefix`. Still read, no longer written. */
  thumbnails?: { prefix: string; intervalSeconds: number; count?: number };
  /** The scrub thumbnails as one sprite image and its grid. */
  sprite?: ScrubSprite;
  /** What processing this clip is estimated to cost (absent on clips cataloged before the estimate). */
  cost?: ClipCost;
  /** The render profile the clip got, and why when it is not the camera's. */
  renderProfile?: RenderProfileChoice;
  retentionClass?: RetentionClass;
  /** Evidence hold: every object version of the clip is under an S3 Object Lock legal hold (and tagged retention class `hold`). */
  held?: boolean;
  quarantine?: { reason: InvalidReason; detail: string };
  failure?: { error: string; cause?: string };
  /** The clip's motion alert: sent, not sent (and why), or failed (with the error). Absent until "Alert and render" has run. */
  alert?: ClipAlertOutcome;
}

/** A camera's settings and counters (key `keys.camera(camera)`). */
export interface CameraRecord {
  camera: string;
  displayName: string;
  retentionClass: RetentionClass;
  alertsEnabled: boolean;
  cooldownSeconds: number;
  clipCount: number;
  lastClipAt?: string;
  /** Local times ('HH:MM', in `timeZone`) between which no motion alert is sent; `start > end` spans midnight. */
  quietHours?: { start: string; end: string };
  /** IANA time zone for quiet hours and alert texts (default UTC). */
  timeZone?: string;
  /** What MediaConvert makes of this camera's clips (default: the stack's `defaultRenderProfile`). */
  renderProfile?: 'passthrough' | 'economy' | 'full';
  /** Where its motion alerts go (default `both`): SNS subscription filter policies on the `channels` attribute. */
  alertChannels?: AlertChannels;
  /** Alert while the system is in `home` mode too (outdoor cameras, typically); default false. */
  alertWhenHome?: boolean;
}

/** A camera's alert channels, as set by its owner. */
export const ALERT_CHANNELS = ['email', 'sms', 'both', 'none'] as const;
export type AlertChannels = (typeof ALERT_CHANNELS)[number];

/** The SNS protocols a channel setting reaches (the `channels` message attribute, String.Array). */
export function protocolsOf(channels: AlertChannels): Array<'email' | 'sms'> {
  return channels === 'both' ? ['email', 'sms'] : channels === 'none' ? [] : [channels];
}

/**
 * The camera item's running total of its clips' estimated processing cost for one UTC month
 * (`costUsd:2026-12`), added to atomically by "Catalog clip": `GET /cameras` reads this
 * month's without scanning clips.
 */
export const monthCostAttribute = (when: Date | string) => `costUsd:${new Date(when).toISOString().slice(0, 7)}`;
/** Clips counted in a month's cost (`costClips:2026-12`). */
export const monthClipsAttribute = (when: Date | string) => `costClips:${new Date(when).toISOString().slice(0, 7)}`;

/**
 * What was decided about one clip's motion alert (key `keys.alertDecision(clipId)`), written
 * by "Decide alert" whatever it decided, and marked `failed` by "Catalog clip" or "Record
 * failure" when the publish failed: the answer to "why didn't I get an alert?".
 */
export interface AlertDecisionRecord {
  clipId: string;
  camera: string;
  decidedAt: string;
  capturedAt: string;
  outcome: 'sent' | 'not-sent' | 'failed';
  /** `not-sent`: alerts-off, channel-none, quiet-hours, home-mode, cooldown. */
  reason?: AlertSkipReason;
  /** A sentence for the owner: why, and what to change. */
  explanation: string;
  /** `sent`: the protocols the message went to (SNS subscription filter policies). */
  channels?: Array<'email' | 'sms'>;
  /** The system mode at capture time. */
  mode: 'home' | 'away';
  subject?: string;
  sms?: string;
  /** `failed`: the error. */
  error?: string;
  cause?: string;
}

/** One alert that was sent (key `keys.alertRecord(sentAt, clipId)`). */
export interface AlertRecord {
  sentAt: string;
  clipId: string;
  camera: string;
  subject: string;
  message: string;
}
