/**
 * The task handlers against the real local services: s3rver (S3) and dynalite (DynamoDB),
 * each handler made by its `createHandler` with clients for them and the stack's settings
 * (the variable names Lambda reads, given here as the handlers' own, never in process.env). Clips are generated
 * with ffmpeg. The trigger's StartExecution needs the local Step Functions endpoint and is
 * covered by the end-to-end tests; here its catalog write and key handling are tested.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../domain/catalog-table.ts';
import { monthClipsAttribute, monthCostAttribute, type AlertRecord, type CameraRecord, type ClipRecord, type TaskEvent, type WorkflowState } from '../domain/clip-contract.ts';
import { startLocalS3, LOCAL_BUCKETS, type LocalS3 } from '../runtime/local-s3.ts';
import { startLocalDynamoDB, type LocalDynamoDB } from '../runtime/local-dynamodb.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import { dependenciesFromEnvironment, documentClient, type TaskDependencies } from './dependencies.ts';
import { makeTestMedia, type TestMedia } from './test-media.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { s3ByteSource } from './byte-source.ts';
import { createHandler as createValidateClip } from './validate-clip.ts';
import { createHandler as createDecideAlert } from './decide-alert.ts';
import { createHandler as createCatalogClip } from './catalog-clip.ts';
import { createHandler as createApplyRetention } from './apply-retention.ts';
import { createHandler as createQuarantineClip } from './quarantine-clip.ts';
import { createHandler as createRecordFailure, MAX_OUTAGE_RESUMES } from './record-failure.ts';
import { catalogProcessing as catalogProcessingIn, createHandler as createTrigger } from './trigger.ts';
import { clipWorkflowInput } from '../domain/upload-event.ts';

const TABLE = 'camflow-tasks-test';
let dir: string;
let s3server: LocalS3;
let dynamodb: LocalDynamoDB;
let media: TestMedia;
let s3: S3Client;
let db: DynamoDBDocumentClient;
let deps: TaskDependencies;
let validateClip: ReturnType<typeof createValidateClip>;
let decideAlert: ReturnType<typeof createDecideAlert>;
let catalogClip: ReturnType<typeof createCatalogClip>;
let applyRetention: ReturnType<typeof createApplyRetention>;
let quarantineClip: ReturnType<typeof createQuarantineClip>;
let recordFailure: ReturnType<typeof createRecordFailure>;
let trigger: ReturnType<typeof createTrigger>;
const catalogProcessing = (...args: Parameters<typeof catalogProcessingIn> extends [unknown, ...infer Rest] ? Rest : never) => catalogProcessingIn(deps, ...args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'camflow-handlers-'));
  [s3server, dynamodb, media] = await Promise.all([startLocalS3({ directory: join(dir, 's3') }), startLocalDynamoDB({ tableName: TABLE }), makeTestMedia(join(dir, '.'))]);
  s3 = new S3Client({ ...localClientConfig(), endpoint: s3server.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: dynamodb.endpoint }));
  // The settings under the names the stack gives its functions; the clients for these services.
  deps = dependenciesFromEnvironment(
    {
      CATALOG_TABLE: TABLE,
      UPLOADS_BUCKET: LOCAL_BUCKETS.uploads,
      MEDIA_BUCKET: LOCAL_BUCKETS.media,
      CLIP_WORKFLOW_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:camflow-clip-workflow',
    },
    // Expected failures (ClipNotFound, ClipOwnedElsewhere…) would fill the output; observability.test.ts checks the lines.
    // Silenced through the handlers' own settings: the shared task logger stays as other test files in this worker expect it.
    { s3, catalog: documentClient(new DynamoDBClient({ ...localClientConfig(), endpoint: dynamodb.endpoint })), observability: { logLevel: 'SILENT' } },
  );
  made(deps);
});

/** The handlers, made with `deps`. */
function made(given: TaskDependencies): void {
  validateClip = createValidateClip(given);
  decideAlert = createDecideAlert(given);
  catalogClip = createCatalogClip(given);
  applyRetention = createApplyRetention(given);
  quarantineClip = createQuarantineClip(given);
  recordFailure = createRecordFailure(given);
  trigger = createTrigger(given);
}

afterAll(async () => {
  s3?.destroy();
  db?.destroy();
  deps?.catalog.destroy();
  await Promise.all([s3server?.stop(), dynamodb?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let uploads = 0;
/** Upload a file under `{camera}/…` and return the workflow input the trigger would start with. */
async function upload(camera: string, file: string, metadata?: Record<string, string>, tags?: Record<string, string>): Promise<WorkflowState> {
  const key = `${camera}/2024/05/01/${++uploads}-${file.split('/').pop()}`;
  const body = readFileSync(file);
  const put = await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key, Body: body, Metadata: metadata }));
  if (tags) {
    const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key, Tagging: { TagSet } }));
  }
  const etag = (put.ETag ?? '').replace(/"/g, '');
  return clipWorkflowInput({ bucket: LOCAL_BUCKETS.uploads, key, versionId: put.VersionId, size: body.length, etag, uploadedAt: '2024-05-01T10:00:05.000Z' });
}

function taskEvent(workflow: WorkflowState, executionName = workflow.clip.clipId): TaskEvent {
  return { workflow, executionName };
}

async function clipItem(clipId: string): Promise<(ClipRecord & Record<string, unknown>) | undefined> {
  return (await db.send(new GetCommand({ TableName: TABLE, Key: keys.clip(clipId) }))).Item as (ClipRecord & Record<string, unknown>) | undefined;
}

async function cameraItem(camera: string): Promise<CameraRecord | undefined> {
  return (await db.send(new GetCommand({ TableName: TABLE, Key: keys.camera(camera) }))).Item as CameraRecord | undefined;
}

async function tagsOf(bucket: string, key: string): Promise<Record<string, string>> {
  const { TagSet } = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
  return Object.fromEntries((TagSet ?? []).map((t) => [t.Key, t.Value]));
}

/** A validated video as the workflow holds it after "Alert and render". */
async function renderedVideo(camera: string): Promise<WorkflowState> {
  const state = await upload(camera, media.h264AacMp4);
  const validation = await validateClip(taskEvent(state));
  return { ...state, validation, outcome: { alert: { send: false, reason: 'cooldown' }, render: { jobId: 'job-1', status: 'COMPLETE', outputGroups: [] } } };
}

describe('s3ByteSource', () => {
  it('reads exact byte ranges of an object in s3rver, with its captured-at metadata', async () => {
    const state = await upload('porch', media.mjpegAviMulaw, { 'captured-at': '2024-05-01T09:59:00Z' });
    const source = await s3ByteSource(s3, state.clip.bucket, state.clip.key);
    const bytes = readFileSync(media.mjpegAviMulaw);
    expect(source.size).toBe(bytes.length);
    expect(source.etag).toBe(state.clip.etag);
    expect(source.capturedAt).toBe('2024-05-01T09:59:00Z');
    expect(Buffer.from(await source.read(100, 1000))).toEqual(bytes.subarray(100, 1100));
    expect(Buffer.from(await source.read(bytes.length - 10, 1000))).toEqual(bytes.subarray(bytes.length - 10));
    expect((await source.read(bytes.length, 10)).length).toBe(0);
  });
});

describe('validate-clip', () => {
  it('classifies an upload in S3 and plans its render, placed on the captured-at day', async () => {
    const state = await upload('porch', media.h264AacMp4, { 'captured-at': '2024-04-30T23:59:00Z' });
    const result = await validateClip(taskEvent(state));
    expect(result).toMatchObject({ kind: 'video', capturedAt: '2024-04-30T23:59:00.000Z', probe: { container: 'mp4', video: { codec: 'h264' }, audio: { codec: 'aac' } } });
    expect(result.mediaPrefix).toBe(`s3://${LOCAL_BUCKETS.media}/porch/2024/04/30/${state.clip.clipId}/`);
    expect(result.render!.outputs.length).toBeGreaterThan(3);
  });

  it.each<[keyof TestMedia, string, string?]>([
    ['truncatedMp4', 'invalid', 'truncated'],
    ['hevcMkvSilent', 'video'],
    ['jpegStill', 'still'],
  ])('%s → %s %s', async (file, kind, reason) => {
    const result = await validateClip(taskEvent(await upload('porch', media[file])));
    expect(result.kind).toBe(kind);
    expect(result.reason).toBe(reason);
  });

  it('applies MAX_CLIP_SECONDS from the environment', async () => {
    const limited = createValidateClip(dependenciesFromEnvironment({ CATALOG_TABLE: TABLE, MEDIA_BUCKET: LOCAL_BUCKETS.media, MAX_CLIP_SECONDS: '1' }, { s3: deps.s3, catalog: deps.catalog }));
    expect(await limited(taskEvent(await upload('porch', media.h264AacMp4)))).toMatchObject({ kind: 'invalid', reason: 'too-long' });
  });

  it('throws ClipNotFound for an object that is gone', async () => {
    const state = clipWorkflowInput({ bucket: LOCAL_BUCKETS.uploads, key: 'porch/never-uploaded.mp4', size: 1, etag: 'x', uploadedAt: '2024-05-01T10:00:00Z' });
    await expect(validateClip(taskEvent(state))).rejects.toMatchObject({ name: 'ClipNotFound', message: expect.stringContaining('porch/never-uploaded.mp4') });
  });
});

describe('catalog-clip', () => {
  it('run twice: one READY item, counted once on its camera', async () => {
    const state = await renderedVideo('garage');
    const first = await catalogClip(taskEvent(state));
    const second = await catalogClip(taskEvent(state));
    expect(first).toEqual({ clipId: state.clip.clipId, status: 'READY', created: true });
    expect(second).toEqual({ clipId: state.clip.clipId, status: 'READY', created: false });
    const item = await clipItem(state.clip.clipId);
    expect(item).toMatchObject({ status: 'READY', kind: 'video', executionName: state.clip.clipId, cameraPk: 'CAMERA#garage', dayPk: `DAY#${state.validation!.capturedAt.slice(0, 10)}` });
    expect(item!.hlsMaster).toMatch(/hls\/index\.m3u8$/);
    expect(item).not.toHaveProperty('statusPk');
    const onTimeline = await db.send(new QueryCommand({ TableName: TABLE, IndexName: 'byCamera', KeyConditionExpression: 'cameraPk = :c', ExpressionAttributeValues: { ':c': 'CAMERA#garage' } }));
    expect(onTimeline.Items!.filter((i) => i.clipId === state.clip.clipId)).toHaveLength(1);
    expect(await cameraItem('garage')).toMatchObject({ camera: 'garage', clipCount: 1, lastClipAt: state.validation!.capturedAt });
    // The clip's estimated cost, added once to the camera's total for this month.
    expect(item!.cost).toMatchObject({ objects: 8, transitions: 11 });
    const camera = (await cameraItem('garage')) as unknown as Record<string, unknown>;
    expect(camera[monthCostAttribute(new Date())]).toBeCloseTo((item!.cost as { usd: number }).usd, 9);
    expect(camera[monthClipsAttribute(new Date())]).toBe(1);
  });

  it('takes over the PROCESSING item the trigger wrote, leaving the status index', async () => {
    const state = await renderedVideo('shed');
    expect(await catalogProcessing(state, state.clip.clipId, '2024-05-01T10:00:06.000Z')).toBe(state.clip.clipId);
    expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'PROCESSING', statusPk: 'STATUS#PROCESSING' });
    await catalogClip(taskEvent(state));
    const item = await clipItem(state.clip.clipId);
    expect(item).toMatchObject({ status: 'READY' });
    expect(item).not.toHaveProperty('statusPk');
    expect(item).not.toHaveProperty('statusSk');
  });

  it('a redrive after a recorded failure makes it READY again without counting it twice', async () => {
    const state = await renderedVideo('carport');
    await catalogClip(taskEvent(state));
    await recordFailure(taskEvent({ ...state, error: { Error: 'States.Timeout', Cause: '{"errorMessage":"took too long"}' } }));
    expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'FAILED', statusPk: 'STATUS#FAILED' });
    await catalogClip(taskEvent(state));
    expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'READY' });
    expect((await clipItem(state.clip.clipId))!.failure).toBeUndefined();
    expect(await cameraItem('carport')).toMatchObject({ clipCount: 1 });
  });

  it('refuses a clip another execution finished (ClipOwnedElsewhere), but takes over one that failed elsewhere', async () => {
    const state = await renderedVideo('gate');
    await catalogClip(taskEvent(state));
    await expect(catalogClip(taskEvent(state, 'gate-rerun-by-hand'))).rejects.toMatchObject({ name: 'ClipOwnedElsewhere' });
    expect(await clipItem(state.clip.clipId)).toMatchObject({ executionName: state.clip.clipId });

    const other = await renderedVideo('gate');
    await recordFailure(taskEvent({ ...other, error: { Error: 'States.Timeout' } }));
    await expect(catalogClip(taskEvent(other, 'gate-second-try'))).resolves.toMatchObject({ status: 'READY', created: true });
    expect(await clipItem(other.clip.clipId)).toMatchObject({ executionName: 'gate-second-try', status: 'READY' });
    expect(await cameraItem('gate')).toMatchObject({ clipCount: 2 });
  });

  it('keeps the later lastClipAt when an older clip is cataloged after a newer one', async () => {
    const newer = await renderedVideo('alley');
    const older = await renderedVideo('alley');
    older.validation = { ...older.validation!, capturedAt: '2024-04-01T08:00:00.000Z' };
    await catalogClip(taskEvent(newer));
    await catalogClip(taskEvent(older));
    expect(await cameraItem('alley')).toMatchObject({ clipCount: 2, lastClipAt: newer.validation!.capturedAt });
  });

  it('catalogs a still as its own poster', async () => {
    const state = await upload('alley', media.jpegStill);
    const validation = await validateClip(taskEvent(state));
    await catalogClip(taskEvent({ ...state, validation }));
    expect(await clipItem(state.clip.clipId)).toMatchObject({ kind: 'still', status: 'READY', poster: `s3://${state.clip.bucket}/${state.clip.key}` });
  });
});

describe('decide-alert', () => {
  async function videoFor(camera: string): Promise<WorkflowState> {
    const state = await upload(camera, media.h264AacMp4);
    return { ...state, validation: await validateClip(taskEvent(state)) };
  }

  it('two clips of one camera at once: one alert, one alert record', async () => {
    const [a, b] = await Promise.all([videoFor('frontdoor'), videoFor('frontdoor')]);
    const decisions = await Promise.all([decideAlert(taskEvent(a)), decideAlert(taskEvent(b))]);
    expect(decisions.filter((d) => d.send)).toHaveLength(1);
    const skipped = decisions.find((d) => !d.send)!;
    expect(skipped).toEqual({ send: false, reason: 'cooldown' });
    const sent = decisions.find((d) => d.send)!;
    expect(sent.subject!.length).toBeLessThanOrEqual(100);
    expect(sent.subject).toMatch(/^Motion: frontdoor at \d\d:\d\d UTC \(2 s\)$/);
    // One SNS message with a form per protocol, to the camera's channels (default: both).
    const forms = JSON.parse(sent.message!) as Record<string, string>;
    expect(forms.email!.split('\n')[0]).toMatch(/^Motion on frontdoor at .*, 2 s clip\.$/);
    expect(forms.default).toBe(forms.email);
    expect(forms.sms).toMatch(/^Motion: frontdoor, \d{1,2} [A-Z][a-z]{2} \d\d:\d\d:\d\d UTC$/);
    expect(JSON.parse(sent.channels!)).toEqual(['email', 'sms']);
    const month = new Date().toISOString().slice(0, 7);
    const records = await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `ALERTS#${month}` } }));
    const frontdoor = (records.Items as AlertRecord[]).filter((r) => r.camera === 'frontdoor');
    expect(frontdoor).toHaveLength(1);
    expect(frontdoor[0]!.subject).toBe(sent.subject);
  });

  it('a retried task for the clip that got the alert gets it again, without a second record', async () => {
    const state = await videoFor('backyard');
    const first = await decideAlert(taskEvent(state));
    const retry = await decideAlert(taskEvent(state));
    expect(first.send).toBe(true);
    expect(retry).toEqual(first);
    const month = new Date().toISOString().slice(0, 7);
    const records = await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `ALERTS#${month}` } }));
    expect((records.Items as AlertRecord[]).filter((r) => r.clipId === state.clip.clipId)).toHaveLength(1);
  });

  it('no alert when the camera has alerts off; every clip alerts with a cooldown of 0', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...keys.camera('doorbell'), camera: 'doorbell', alertsEnabled: false } }));
    expect(await decideAlert(taskEvent(await videoFor('doorbell')))).toEqual({ send: false, reason: 'alerts-off' });
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...keys.camera('pool'), camera: 'pool', cooldownSeconds: 0 } }));
    const first = await decideAlert(taskEvent(await videoFor('pool')));
    const second = await decideAlert(taskEvent(await videoFor('pool')));
    expect([first.send, second.send]).toEqual([true, true]);
  });
});

describe('apply-retention', () => {
  it('tags the raw upload and every output with the camera class, keeping other tags', async () => {
    const state = await upload('driveway', media.h264AacMp4, undefined, { source: 'gateway' });
    const validation = await validateClip(taskEvent(state));
    const { key: prefix } = { key: validation.mediaPrefix!.replace(`s3://${LOCAL_BUCKETS.media}/`, '') };
    const outputs = ['hls/index.m3u8', 'hls/index_180p.m3u8', 'hls/index_180p_00001.ts', 'clip.mp4', 'poster.0000000.jpg', 'thumbnails/thumb.0000000.jpg'];
    for (const name of outputs) await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.media, Key: prefix + name, Body: name }));
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...keys.camera('driveway'), camera: 'driveway', retentionClass: 'archive' } }));
    const workflow = { ...state, validation };
    await catalogClip(taskEvent(workflow));

    const result = await applyRetention(taskEvent(workflow));
    expect(result).toEqual({ retentionClass: 'archive', taggedObjects: 1 + outputs.length });
    expect(await tagsOf(LOCAL_BUCKETS.uploads, state.clip.key)).toEqual({ source: 'gateway', 'retention-class': 'archive' });
    for (const name of outputs) expect(await tagsOf(LOCAL_BUCKETS.media, prefix + name)).toEqual({ 'retention-class': 'archive' });
    expect(await clipItem(state.clip.clipId)).toMatchObject({ retentionClass: 'archive' });
  });

  it('uses DEFAULT_RETENTION_CLASS for a camera without a record, and hold for a held clip', async () => {
    const shortByDefault = createApplyRetention({ ...deps, cameraDefaults: { DEFAULT_RETENTION_CLASS: 'short' } });
    const state = await upload('lane', media.jpegStill);
    const workflow = { ...state, validation: await validateClip(taskEvent(state)) };
    await catalogClip(taskEvent(workflow));
    expect(await shortByDefault(taskEvent(workflow))).toEqual({ retentionClass: 'short', taggedObjects: 1 });
    expect(await tagsOf(LOCAL_BUCKETS.uploads, state.clip.key)).toEqual({ 'retention-class': 'short' });

    await db.send(new PutCommand({ TableName: TABLE, Item: { ...(await clipItem(state.clip.clipId)), held: true } }));
    expect(await shortByDefault(taskEvent(workflow))).toEqual({ retentionClass: 'hold', taggedObjects: 1 });
    expect(await tagsOf(LOCAL_BUCKETS.uploads, state.clip.key)).toEqual({ 'retention-class': 'hold' });
  });
});

describe('quarantine-clip', () => {
  it('records QUARANTINED with the reason, keeps the raw object, and tells operations what to do', async () => {
    const state = await upload('driveway', media.textAsMp4);
    const validation = await validateClip(taskEvent(state));
    expect(validation).toMatchObject({ kind: 'invalid', reason: 'not-media' });
    const notice = await quarantineClip(taskEvent({ ...state, validation }));
    expect(notice.status).toBe('QUARANTINED');
    expect(notice.subject).toBe('Quarantined: driveway upload, not a video or picture');
    expect(notice.message).toContain(`s3://${state.clip.bucket}/${state.clip.key}`);
    expect(notice.message).toContain(validation.detail);
    const item = await clipItem(state.clip.clipId);
    expect(item).toMatchObject({ status: 'QUARANTINED', kind: 'invalid', quarantine: { reason: 'not-media', detail: validation.detail }, statusPk: 'STATUS#QUARANTINED' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: state.clip.bucket, Key: state.clip.key }));
    expect(head.ContentLength).toBe(state.clip.size);
    const listed = await db.send(new QueryCommand({ TableName: TABLE, IndexName: 'byStatus', KeyConditionExpression: 'statusPk = :s', ExpressionAttributeValues: { ':s': 'STATUS#QUARANTINED' } }));
    expect(listed.Items!.some((i) => i.clipId === state.clip.clipId)).toBe(true);
  });
});

describe('record-failure', () => {
  it('after a storage outage, resumes the clip (up to MAX_OUTAGE_RESUMES times), then records FAILED', async () => {
    const state = await upload('porch', media.h264AacMp4);
    expect(await catalogProcessing(state, state.clip.clipId, new Date().toISOString())).toBe(state.clip.clipId);
    const outage = taskEvent({ ...state, error: { Error: 'StorageUnavailable', Cause: '{"errorMessage":"DynamoDB unreachable"}' } });
    for (let resume = 1; resume <= MAX_OUTAGE_RESUMES; resume++) {
      await expect(recordFailure(outage)).resolves.toMatchObject({ resume: true, status: 'PROCESSING' });
      expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'PROCESSING', outageResumes: resume });
    }
    const notice = await recordFailure(outage);
    expect(notice).toMatchObject({ resume: false, status: 'FAILED', subject: expect.stringContaining('StorageUnavailable') });
    expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'FAILED', failure: { error: 'StorageUnavailable' } });
    // Not an outage: recorded at once.
    const other = await upload('porch', media.h264AacMp4);
    await expect(recordFailure(taskEvent({ ...other, error: { Error: 'ClipNotFound' } }))).resolves.toMatchObject({ resume: false, status: 'FAILED' });
  });

  it('records FAILED with the error and the Lambda errorMessage, listed by status', async () => {
    const state = await upload('driveway', media.h264AacMp4);
    const cause = JSON.stringify({ errorType: 'ClipNotFound', errorMessage: 'The upload is gone.', trace: ['at x'] });
    const notice = await recordFailure(taskEvent({ ...state, error: { Error: 'ClipNotFound', Cause: cause } }));
    expect(notice).toMatchObject({ status: 'FAILED', subject: expect.stringContaining('ClipNotFound') });
    expect(notice.message).toContain('Cause: The upload is gone.');
    const item = await clipItem(state.clip.clipId);
    expect(item).toMatchObject({ status: 'FAILED', failure: { error: 'ClipNotFound', cause: 'The upload is gone.' }, statusPk: 'STATUS#FAILED' });
    expect(item!.kind).toBeUndefined();
  });

  it('does not overwrite a clip another execution finished, and still returns the notice', async () => {
    const state = await renderedVideo('yard');
    await catalogClip(taskEvent(state));
    const notice = await recordFailure(taskEvent({ ...state, error: { Error: 'States.Timeout' } }, 'yard-other-run'));
    expect(notice.message).toContain(`READY under execution ${state.clip.clipId}`);
    expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'READY' });
  });
});

describe('trigger (catalog write and keys; StartExecution is covered end to end)', () => {
  it('writes PROCESSING only when the clip has no item yet', async () => {
    const state = await upload('mailbox', media.h264AacMp4);
    expect(await catalogProcessing(state, state.clip.clipId, '2024-05-01T10:00:06.000Z')).toBe(state.clip.clipId);
    expect(await clipItem(state.clip.clipId)).toMatchObject({
      clipId: state.clip.clipId,
      camera: 'mailbox',
      status: 'PROCESSING',
      executionName: state.clip.clipId,
      statusPk: 'STATUS#PROCESSING',
      statusSk: `2024-05-01T10:00:06.000Z#${state.clip.clipId}`,
      cameraPk: 'CAMERA#mailbox',
    });
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...(await clipItem(state.clip.clipId)), status: 'READY' } }));
    // Already cataloged: the name its item records wins over the one proposed.
    expect(await catalogProcessing(state, 'mailbox-20240501T110000Z-0000000000000000', '2024-05-01T11:00:00.000Z')).toBe(state.clip.clipId);
    expect(await clipItem(state.clip.clipId)).toMatchObject({ status: 'READY' });
    await db.send(new DeleteCommand({ TableName: TABLE, Key: keys.clip(state.clip.clipId) }));
  });

  it('ignores a key without a valid camera id: nothing cataloged, nothing started', async () => {
    const key = 'Not A Camera/clip.mp4';
    const result = await trigger({
      'detail-type': 'Object Created',
      time: '2024-05-01T10:00:00Z',
      detail: { bucket: { name: LOCAL_BUCKETS.uploads }, object: { key, size: 5, etag: 'abc' } },
    });
    expect(result).toEqual({ started: false, reason: 'invalid-camera', key });
  });

  it('names the clip after the object version, as the end-to-end helpers compute it', async () => {
    const state = await upload('mailbox', media.jpegStill);
    expect(state.clip.versionId).toBeTruthy();
    expect(state.clip.clipId).toBe(clipIdFor({ bucket: state.clip.bucket, key: state.clip.key, etag: state.clip.etag, versionId: state.clip.versionId }));
  });
});
