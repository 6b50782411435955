/**
 * The catalog item of a clip, built from the workflow state (pure). "Catalog clip" writes
 * the READY item; "Quarantine clip" and "Record failure" write the same identity fields with
 * their status. Index attributes place the clip on its camera's timeline and its day; only
 * PROCESSING, FAILED and QUARANTINED clips carry the sparse status index.
 */
import { keys, type ClipStatus } from './catalog-table.ts';
import type { AlertDecision, ClipAlertOutcome, ClipRecord, RenderFailure, RenderResult, UploadKind, WorkflowState } from './clip-contract.ts';
import { clipCost, VIDEO_CLIP_TRANSITIONS } from './cost-model.ts';
import { MAX_THUMBNAILS } from './render-job.ts';
import { failureCause } from './operations-notice.ts';

/** Attributes of the item that are not part of `ClipRecord`: keys and index attributes. */
export const STATUS_INDEX_ATTRIBUTES = ['statusPk', 'statusSk'] as const;

/** A clip item before validation has said what it is (PROCESSING, or FAILED early): `kind` may be unknown. */
export type ClipItem = Omit<ClipRecord, 'kind'> & { kind?: UploadKind };

/** What every catalog item of a clip says, whatever its status. */
export function clipIdentity(state: WorkflowState, executionName: string, status: ClipStatus, now: string): ClipItem {
  const { clip, validation } = state;
  const probe = validation?.probe;
  const source: ClipRecord['source'] = { bucket: clip.bucket, key: clip.key, ...(clip.versionId ? { versionId: clip.versionId } : {}), sizeBytes: probe?.sizeBytes ?? clip.size };
  if (probe) {
    source.container = probe.container;
    if (probe.video) Object.assign(source, { videoCodec: probe.video.codec, width: probe.video.width, height: probe.video.height });
    else if (probe.image) Object.assign(source, { width: probe.image.width, height: probe.image.height });
    if (probe.audio) source.audioCodec = probe.audio.codec;
  }
  const record: ClipItem = {
    clipId: clip.clipId,
    camera: clip.camera,
    ...(validation ? { kind: validation.kind } : {}),
    status,
    capturedAt: validation?.capturedAt ?? clip.uploadedAt,
    capturedAtSource: validation?.capturedAtSource ?? 'upload',
    uploadedAt: clip.uploadedAt,
    updatedAt: now,
    executionName,
    source,
  };
  if (probe?.video && probe.durationSeconds > 0) record.durationSeconds = probe.durationSeconds;
  const alert = state.outcome?.alert ? clipAlertOutcome(state.outcome.alert) : undefined;
  if (alert) record.alert = alert;
  return record;
}

/** What the clip's item says about its motion alert, from the alert branch's output. */
export function clipAlertOutcome(decision: AlertDecision): ClipAlertOutcome {
  if (decision.send) return { status: 'sent' };
  if (decision.reason === 'failed') {
    const cause = failureCause({ Error: decision.error ?? 'Unknown', Cause: decision.cause });
    return { status: 'failed', error: decision.error ?? 'Unknown', ...(cause ? { cause } : {}) };
  }
  return { status: 'not-sent', ...(decision.reason ? { reason: decision.reason } : {}) };
}

/** The render branch's output when the render succeeded; undefined when it failed or did not run. */
export function renderResult(render: RenderResult | RenderFailure | undefined): RenderResult | undefined {
  return render && !('failed' in render) ? render : undefined;
}

/** The READY item: a video with its renditions, poster and thumbnails, or a still that is its own poster. */
export function readyClipRecord(state: WorkflowState, executionName: string, now: string): ClipRecord {
  const { clip, validation } = state;
  const record: ClipRecord = { ...clipIdentity(state, executionName, 'READY', now), kind: validation?.kind ?? 'invalid' };
  if (validation?.kind === 'still') {
    record.poster = `s3://${clip.bucket}/${clip.key}`;
    return record;
  }
  if (validation?.kind !== 'video') {
    throw new TypeError(`Clip ${clip.clipId} is '${validation?.kind ?? 'not validated'}', not a video or still: only those are cataloged READY.`);
  }
  const render = renderResult(state.outcome?.render);
  const rendered = render ? durationFromRender(render.outputGroups) : undefined;
  if (!record.durationSeconds && rendered) record.durationSeconds = rendered;
  const outputs = validation.render?.outputs ?? [];
  record.renditions = outputs.filter((o) => o.kind === 'hls' || o.kind === 'mp4');
  const uri = (kind: string) => outputs.find((o) => o.kind === kind)?.uri;
  const hlsMaster = uri('hls-master');
  const mp4 = uri('mp4');
  const poster = uri('poster');
  if (hlsMaster) record.hlsMaster = hlsMaster;
  if (mp4) record.mp4 = mp4;
  if (poster) record.poster = poster;
  if (validation.render?.profile) record.renderProfile = validation.render.profile;
  const sprite = outputs.find((o) => o.kind === 'sprite');
  if (sprite?.columns && sprite.rows && sprite.width && sprite.height) {
    record.sprite = {
      uri: sprite.uri,
      ...(sprite.index ? { index: sprite.index } : {}),
      columns: sprite.columns,
      rows: sprite.rows,
      tileWidth: sprite.width,
      tileHeight: sprite.height,
      intervalSeconds: sprite.intervalSeconds ?? 2,
      count: sprite.count ?? sprite.columns * sprite.rows,
    };
  }
  const probe = validation.probe;
  if (validation.render && probe?.video) {
    const seconds = record.durationSeconds ?? probe.durationSeconds;
    const measured = render ? bytesFromRender(render.outputGroups) : undefined;
    record.cost = clipCost(
      validation.render,
      { seconds, frameRate: probe.video.frameRate ?? 30, sourceBytes: probe.sizeBytes, sourceBitrate: probe.video.bitrate ?? (seconds > 0 ? (probe.sizeBytes * 8) / seconds : 0) },
      VIDEO_CLIP_TRANSITIONS,
      measured,
    );
  }
  const thumbnails = outputs.find((o) => o.kind === 'thumbnails');
  if (thumbnails) {
    const intervalSeconds = thumbnails.intervalSeconds ?? 2;
    record.thumbnails = { prefix: thumbnails.uri, intervalSeconds };
    if (record.durationSeconds) record.thumbnails.count = Math.min(MAX_THUMBNAILS, Math.floor(record.durationSeconds / intervalSeconds) + 1);
  }
  return record;
}

/** The item's index attributes for a record: timeline and day, plus the status index when the status is indexed. */
export function indexAttributes(record: Pick<ClipRecord, 'camera' | 'capturedAt' | 'clipId' | 'status' | 'updatedAt'>): Record<string, string> {
  return { ...keys.clipIndexes(record.camera, record.capturedAt, record.clipId), ...(keys.clipStatusIndex(record.status, record.updatedAt, record.clipId) ?? {}) };
}

/** Bytes the job reported writing (the local engine's SizeInBytes per output), or undefined when it reports none (MediaConvert). */
export function bytesFromRender(outputGroups: unknown): number | undefined {
  let total: number | undefined;
  for (const group of Array.isArray(outputGroups) ? outputGroups : []) {
    for (const detail of ((group as { OutputDetails?: unknown[] })?.OutputDetails ?? []) as Array<{ SizeInBytes?: unknown }>) {
      if (typeof detail?.SizeInBytes === 'number') total = (total ?? 0) + detail.SizeInBytes;
    }
  }
  return total;
}

/**
 * The longest output duration in a MediaConvert job result (`OutputGroupDetails[].
 * OutputDetails[].DurationInMs`, wherever the ResultSelector put it), in seconds.
 */
export function durationFromRender(outputGroups: unknown): number | undefined {
  let longest = 0;
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (k === 'DurationInMs' && typeof v === 'number' && v > longest) longest = v;
      else visit(v, depth + 1);
    }
  };
  visit(outputGroups, 0);
  return longest > 0 ? Math.round(longest) / 1000 : undefined;
}
