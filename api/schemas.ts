/**
 * Request and response schemas, declared once: they validate requests (400 with the field
 * and the reason) and describe the API in the OpenAPI 3.1 document at `/openapi.json`.
 */
import { z } from '@hono/zod-openapi';
import { ALERT_CHANNELS, RETENTION_CLASSES } from '../domain/clip-contract.ts';
import { RENDER_PROFILES } from '../domain/render-profiles.ts';
import { displayNameProblem, timeZoneProblem } from '../domain/camera-settings.ts';
import { scheduleProblem, WEEKDAYS } from '../domain/system-mode.ts';
import { CAMERA_ID_PATTERN, CLIP_ID_PATTERN, EXECUTION_NAME_PATTERN } from './ids.ts';
import { PLAYLIST_NAME_PATTERN } from './hls-playlists.ts';
import { MAX_CURSOR_LENGTH } from './cursor.ts';

export const ErrorSchema = z
  .object({
    code: z.string().openapi({ example: 'CLIP_NOT_FOUND' }),
    message: z.string().openapi({ example: "No clip 'x' in the catalog." }),
    field: z.string().optional().openapi({ example: 'limit' }),
  })
  .openapi('Error');

// ---- parameters ----

export const clipIdSchema = z
  .string()
  .regex(CLIP_ID_PATTERN, 'must be 1-80 letters, digits, - or _')
  .openapi({ param: { name: 'id', in: 'path' }, example: 'front-door-20250101T120000Z-1a2b3c' });
export const cameraIdSchema = z
  .string()
  .regex(CAMERA_ID_PATTERN, 'must be 1-40 lowercase letters, digits or -, not starting or ending with -')
  .openapi({ param: { name: 'id', in: 'path' }, example: 'front-door' });
export const executionNameSchema = z
  .string()
  .regex(EXECUTION_NAME_PATTERN, 'must be 1-80 letters, digits, - or _')
  .openapi({ param: { name: 'name', in: 'path' } });

export const ClipParams = z.object({ id: clipIdSchema });
export const CameraParams = z.object({ id: cameraIdSchema });
export const ExecutionParams = z.object({ name: executionNameSchema });
export const PlaylistParams = z.object({
  id: clipIdSchema,
  playlist: z
    .string()
    .regex(PLAYLIST_NAME_PATTERN, 'must be a playlist file name ending in .m3u8')
    .openapi({ param: { name: 'playlist', in: 'path' }, example: 'index.m3u8' }),
});

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;
const limit = z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(DEFAULT_PAGE).openapi({ example: 50 });
const cursor = z
  .string()
  .max(MAX_CURSOR_LENGTH, 'is longer than any cursor this API issues. Start again without a cursor.')
  .optional()
  .openapi({ description: 'Opaque cursor from the previous page of the same list and query (signed: any change is refused with 400).' });
/** Checked and turned into a UTC instant by the route (`toInstant`), so any offset compares right. */
const isoTime = z
  .string()
  .max(64, 'must be an ISO 8601 date-time, e.g. 2025-01-31T18:00:00Z')
  .openapi({ format: 'date-time', description: 'ISO 8601 date-time with Z or an offset (encode + as %2B); compared as an instant.' });

export const PageQuery = z.object({ limit, cursor });
export const CameraClipsQuery = z.object({
  from: isoTime.optional().openapi({ example: '2025-01-31T00:00:00Z' }),
  to: isoTime.optional().openapi({ example: '2025-01-31T23:59:59Z' }),
  limit,
  cursor,
});
export const CLIP_LIST_STATUSES = ['FAILED', 'QUARANTINED', 'PROCESSING'] as const;
export const ClipsQuery = z.object({
  day: z.iso.date('must be a date YYYY-MM-DD').optional().openapi({ example: '2025-01-31' }),
  status: z.enum(CLIP_LIST_STATUSES).optional(),
  camera: cameraIdSchema.optional().openapi({ param: { name: 'camera', in: 'query' } }),
  limit,
  cursor,
});
export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
export const ExecutionsQuery = z.object({ status: z.enum(EXECUTION_STATUSES).optional(), limit, cursor });
export const PlaylistQuery = z.object({
  exp: z.string().optional().openapi({ description: 'Expiry of the playback link (epoch seconds).' }),
  sig: z.string().optional().openapi({ description: 'Signature of the playback link.' }),
});

// ---- bodies ----

export const LoginBody = z.object({
  username: z.string().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(1024),
});
/** A check from a function that names what is wrong with a value (user text rules: domain/user-text.ts). */
const problemCheck = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const reason = problem(value);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
};
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');
export const CameraSettingsBody = z
  .object({
    displayName: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').superRefine(problemCheck(displayNameProblem)).optional(),
    retentionClass: z.enum(RETENTION_CLASSES.filter((c) => c !== 'hold') as ['short', 'standard', 'archive']).optional(),
    alertsEnabled: z.boolean().optional(),
    cooldownSeconds: z.number().int('must be a whole number').min(0).max(86_400, 'must be at most 86400 (a day)').optional(),
    quietHours: z
      .object({ start: clock, end: clock })
      .nullable()
      .optional()
      .openapi({ description: 'Local times (in timeZone) between which no motion alert is sent; start > end spans midnight; null removes them.' }),
    timeZone: z.string().max(64).superRefine(problemCheck(timeZoneProblem)).optional(),
    renderProfile: z
      .enum(RENDER_PROFILES)
      .optional()
      .openapi({ description: 'What MediaConvert makes of new clips: passthrough (the camera H.264 kept, cheapest), economy (one 720p rendition) or full (the HLS ladder).' }),
    alertChannels: z.enum(ALERT_CHANNELS).optional().openapi({ description: "Where the camera's motion alerts go: email, sms, both (default) or none." }),
    alertWhenHome: z.boolean().optional().openapi({ description: 'Alert in home mode too (outdoor cameras, typically); default false.' }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, {
    message: 'give at least one of displayName, retentionClass, alertsEnabled, cooldownSeconds, quietHours, timeZone, renderProfile, alertChannels, alertWhenHome',
  });

// ---- responses ----

export const LoginResponse = z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number(), role: z.string() }).openapi('Login');

export const CameraSettingsSchema = z
  .object({
    displayName: z.string(),
    retentionClass: z.enum(RETENTION_CLASSES),
    alertsEnabled: z.boolean(),
    cooldownSeconds: z.number(),
    timeZone: z.string(),
    quietHours: z.object({ start: z.string(), end: z.string() }).optional(),
    renderProfile: z.enum(RENDER_PROFILES),
    alertChannels: z.enum(ALERT_CHANNELS),
    alertWhenHome: z.boolean(),
  })
  .openapi('CameraSettings');

// ---- home / away and alert decisions ----

const weekday = z.enum(WEEKDAYS);
export const ModeBody = z
  .object({
    mode: z
      .enum(['home', 'away', 'schedule'])
      .openapi({ description: 'home: only cameras marked alertWhenHome alert; away: every camera alerts; schedule: home during the periods given, away otherwise.' }),
    schedule: z
      .object({
        timeZone: z.string().max(64).openapi({ example: 'Europe/Paris' }),
        home: z
          .array(z.object({ days: z.array(weekday).min(1).max(7), start: clock, end: clock }).strict())
          .min(1)
          .max(50)
          .openapi({ description: 'Periods of home time, local to timeZone; end <= start runs across midnight into the next day (equal: the whole day).' }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.mode === 'schedule' && !body.schedule) ctx.addIssue({ code: 'custom', message: 'schedule: required when mode is schedule', path: ['schedule'] });
    if (body.mode !== 'schedule' && body.schedule) ctx.addIssue({ code: 'custom', message: 'schedule: only with mode schedule', path: ['schedule'] });
    const problem = body.schedule ? scheduleProblem(body.schedule) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['schedule'] });
  });
export const ModeSchema = z
  .object({
    mode: z.enum(['home', 'away', 'schedule']),
    schedule: z.object({ timeZone: z.string(), home: z.array(z.object({ days: z.array(z.string()), start: z.string(), end: z.string() })) }).optional(),
    current: z.enum(['home', 'away']).openapi({ description: 'The mode in force now.' }),
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .openapi('Mode');
export const AlertDecisionSchema = z
  .object({
    clipId: z.string(),
    camera: z.string(),
    capturedAt: z.string(),
    decidedAt: z.string(),
    outcome: z.enum(['sent', 'not-sent', 'failed']),
    reason: z.string().optional().openapi({ description: 'not-sent: alerts-off, channel-none, quiet-hours, home-mode or cooldown.' }),
    explanation: z.string().openapi({ description: 'Why, in a sentence, and what to change.' }),
    channels: z.array(z.string()).optional().openapi({ description: 'sent: the protocols the alert went to (email, sms).' }),
    mode: z.enum(['home', 'away']),
    subject: z.string().optional(),
    sms: z.string().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
  })
  .openapi('AlertDecision');

export const CameraSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    lastClipAt: z.string().optional(),
    clipCount: z.number(),
    monthToDate: z
      .object({
        month: z.string().openapi({ description: 'UTC month, YYYY-MM.' }),
        estimatedUsd: z
          .number()
          .openapi({ description: "Sum of this month's clips' estimated processing cost (MediaConvert, requests, workflow, Lambda, first month of storage), USD, from domain/prices.ts." }),
        clips: z.number().openapi({ description: 'Clips counted in the estimate.' }),
      })
      .openapi('CameraMonthToDate'),
    settings: CameraSettingsSchema,
  })
  .openapi('Camera');

const Rendition = z.object({
  kind: z.enum(['hls-master', 'hls', 'mp4', 'poster', 'thumbnails', 'sprite']),
  uri: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
  bitrate: z.number().optional(),
  intervalSeconds: z.number().optional(),
});

const ScrubSchema = z
  .object({
    spriteUrl: z.string().openapi({ description: 'Presigned URL of the sprite: every scrub thumbnail in one JPEG.' }),
    columns: z.number(),
    rows: z.number(),
    tileWidth: z.number().openapi({ description: 'Width of one thumbnail in the sprite, px.' }),
    tileHeight: z.number(),
    times: z.array(z.number()).openapi({ description: 'Seconds into the clip of thumbnail i (cell i, left to right then top to bottom).' }),
  })
  .openapi('Scrub');

const ClipCostSchema = z
  .object({
    outputMinutes: z.record(z.string(), z.number()).openapi({ description: 'MediaConvert minutes billed by output class (passthrough, SD, HD, UHD, frame capture, trick play).' }),
    normalizedMinutes: z.number(),
    objects: z.number(),
    bytes: z.number(),
    transitions: z.number(),
    usd: z.number(),
  })
  .openapi('ClipCost');

export const ClipSummarySchema = z
  .object({
    clipId: z.string(),
    camera: z.string(),
    kind: z.string(),
    status: z.enum(['PROCESSING', 'READY', 'FAILED', 'QUARANTINED']),
    capturedAt: z.string(),
    uploadedAt: z.string().optional(),
    updatedAt: z.string().optional(),
    durationSeconds: z.number().optional(),
    retentionClass: z.string().optional(),
    held: z.boolean(),
    poster: z.string().optional().openapi({ description: 's3:// URI of the poster (see GET /clips/{id} for a playable URL).' }),
    posterUrl: z.string().optional().openapi({ description: 'In lists: presigned URL of the poster JPEG, expiring like playback links.' }),
  })
  .openapi('ClipSummary');

export const PlaybackSchema = z
  .object({
    expiresAt: z.string(),
    hls: z.string().optional().openapi({ description: 'Master playlist to give a player (hls.js, Safari, VLC): served by the API with presigned segment URLs.' }),
    hlsMaster: z.string().optional().openapi({ description: 'Presigned URL of the master playlist object as stored (relative variant URIs: use `hls` to play).' }),
    mp4: z.string().optional().openapi({ description: 'Presigned URL of the fast-start MP4.' }),
    poster: z.string().optional().openapi({ description: 'Presigned URL of the poster JPEG.' }),
    thumbnails: z
      .array(z.object({ atSeconds: z.number(), url: z.string() }))
      .optional()
      .openapi({ description: 'Clips rendered before the sprite: one URL per thumbnail.' }),
    scrub: ScrubSchema.optional(),
    source: z.string().optional().openapi({ description: 'Presigned URL of the raw upload.' }),
  })
  .openapi('Playback');

export const ClipDetailSchema = ClipSummarySchema.extend({
  executionName: z.string().optional(),
  source: z.object({ bucket: z.string(), key: z.string(), sizeBytes: z.number() }).passthrough(),
  renditions: z.array(Rendition).optional(),
  hlsMaster: z.string().optional(),
  mp4: z.string().optional(),
  thumbnails: z.object({ prefix: z.string(), intervalSeconds: z.number(), count: z.number().optional() }).optional(),
  sprite: z
    .object({ uri: z.string(), index: z.string().optional(), columns: z.number(), rows: z.number(), tileWidth: z.number(), tileHeight: z.number(), intervalSeconds: z.number(), count: z.number() })
    .optional(),
  cost: ClipCostSchema.optional().openapi({ description: 'What processing the clip is estimated to cost (absent on clips cataloged before estimates).' }),
  quarantine: z.object({ reason: z.string(), detail: z.string() }).optional(),
  failure: z.object({ error: z.string(), cause: z.string().optional() }).optional(),
  playback: PlaybackSchema,
}).openapi('Clip');

export const ClipPageSchema = z.object({ clips: z.array(ClipSummarySchema), cursor: z.string().optional() }).openapi('ClipPage');
export const CameraPageSchema = z.object({ cameras: z.array(CameraSchema), cursor: z.string().optional() }).openapi('CameraPage');

export const StateTimelineEntrySchema = z
  .object({
    name: z.string(),
    type: z.string().openapi({ description: 'ASL state type: Task, Choice, Parallel, Pass, Succeed, Fail…' }),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'CAUGHT', 'FAILED', 'ABORTED', 'TIMED_OUT']),
    enteredAt: z.string(),
    leftAt: z.string().optional(),
    durationMs: z.number().optional(),
    retries: z.number().openapi({ description: 'Task attempts after the first.' }),
    error: z.string().optional(),
    cause: z.string().optional(),
    parent: z.string().optional().openapi({ description: 'The Parallel or Map state this state ran inside.' }),
    redriveCount: z.number(),
  })
  .openapi('StateTimelineEntry');

export const WorkflowSchema = z
  .object({
    clipId: z.string(),
    executionArn: z.string(),
    status: z.string(),
    startedAt: z.string().optional(),
    stoppedAt: z.string().optional(),
    redriveCount: z.number().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
    states: z.array(StateTimelineEntrySchema),
  })
  .openapi('Workflow');

export const ExecutionSchema = z
  .object({
    name: z.string(),
    /** The clip the execution processes (from its name: `{camera}-{time}-{digest}`, or the clip id itself). */
    clipId: z.string().optional(),
    executionArn: z.string(),
    status: z.string(),
    startedAt: z.string().optional(),
    stoppedAt: z.string().optional(),
    redriveCount: z.number().optional(),
  })
  .openapi('Execution');
export const ExecutionPageSchema = z.object({ executions: z.array(ExecutionSchema), cursor: z.string().optional() }).openapi('ExecutionPage');
export const RedriveSchema = z.object({ name: z.string(), executionArn: z.string(), redriveDate: z.string() }).openapi('Redrive');

export const HoldSchema = z.object({ clipId: z.string(), held: z.boolean(), retentionClass: z.string(), objectsTagged: z.number() }).openapi('Hold');

export const AlertSchema = z.object({ sentAt: z.string(), clipId: z.string(), camera: z.string(), subject: z.string(), message: z.string() }).openapi('Alert');
export const AlertPageSchema = z.object({ alerts: z.array(AlertSchema), cursor: z.string().optional() }).openapi('AlertPage');
