import { describe, expect, it } from 'vitest';
import type { WorkflowState } from './clip-contract.ts';
import { buildRenderJob } from './render-job.ts';
import { clipAlertOutcome, clipIdentity, durationFromRender, indexAttributes, readyClipRecord } from './clip-record.ts';
import { failureCause, failureNotice, quarantineNotice, SUBJECT_MAX } from './operations-notice.ts';

const clip = { clipId: 'garage-00112233445566ff', camera: 'garage', bucket: 'camflow-uploads', key: 'garage/2024-05-01/clip.mp4', size: 62_425, etag: 'e', uploadedAt: '2024-05-01T10:00:05.000Z' };
const probe = { container: 'mp4', durationSeconds: 2, sizeBytes: 62_425, video: { codec: 'h264', width: 320, height: 180 }, audio: { codec: 'aac', channels: 1 } };
const job = buildRenderJob({ clipId: clip.clipId, camera: 'garage', sourceUri: `s3://${clip.bucket}/${clip.key}`, mediaBucket: 'camflow-media', capturedAt: '2024-05-01T10:00:00.000Z', probe });
const video: WorkflowState = {
  clip,
  validation: { kind: 'video', capturedAt: '2024-05-01T10:00:00.000Z', probe, mediaPrefix: job.mediaPrefix, render: { settings: job.settings, outputs: job.outputs } },
  outcome: { alert: { send: false, reason: 'cooldown' }, render: { jobId: 'j1', status: 'COMPLETE', outputGroups: [] } },
};
const still: WorkflowState = {
  clip: { ...clip, key: 'garage/snap.jpg' },
  validation: { kind: 'still', capturedAt: '2024-05-01T10:00:00.000Z', probe: { container: 'jpeg', durationSeconds: 0, sizeBytes: 7_000, image: { format: 'jpeg', width: 320, height: 180 } } },
};
const NOW = '2024-05-01T10:01:00.000Z';

describe('readyClipRecord', () => {
  it('a video: renditions, HLS master, MP4, poster, sprite and estimated cost from the planned outputs', () => {
    const record = readyClipRecord(video, clip.clipId, NOW);
    expect(record).toMatchObject({
      clipId: clip.clipId,
      camera: 'garage',
      kind: 'video',
      status: 'READY',
      capturedAt: '2024-05-01T10:00:00.000Z',
      uploadedAt: clip.uploadedAt,
      updatedAt: NOW,
      executionName: clip.clipId,
      durationSeconds: 2,
      source: { bucket: clip.bucket, key: clip.key, sizeBytes: 62_425, container: 'mp4', videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 180 },
      hlsMaster: `${job.mediaPrefix}hls/index.m3u8`,
      mp4: `${job.mediaPrefix}clip.mp4`,
      poster: `${job.mediaPrefix}poster.0000000.jpg`,
      // 2 s: one thumbnail (0 s), in a 1 × 2 tile.
      sprite: {
        uri: `${job.mediaPrefix}hls/index_thumbnails_00001.jpg`,
        index: `${job.mediaPrefix}hls/index_thumbnails.m3u8`,
        columns: 1,
        rows: 2,
        tileWidth: 320,
        tileHeight: 180,
        intervalSeconds: 2,
        count: 1,
      },
      // full profile from 180p: HLS + MP4 (SD) + poster + sprite, each billed 10 s at the least.
      cost: { outputMinutes: { SD: 0.3333, 'frame capture': 0.1667, 'trick play': 0.1667 }, normalizedMinutes: 0.6667, objects: 8, transitions: 11 },
    });
    expect(record.thumbnails).toBeUndefined();
    expect(record.cost!.usd).toBeGreaterThan(0.005);
    expect(record.cost!.usd).toBeLessThan(0.006);
    expect(record.renditions!.map((r) => r.kind).sort()).toEqual(['hls', 'mp4']);
    expect(record.quarantine).toBeUndefined();
  });

  it('a still is its own poster, without renditions or duration', () => {
    const record = readyClipRecord(still, 'exec-1', NOW);
    expect(record).toMatchObject({ kind: 'still', status: 'READY', poster: 's3://camflow-uploads/garage/snap.jpg', source: { width: 320, height: 180, container: 'jpeg' } });
    expect(record.renditions).toBeUndefined();
    expect(record.hlsMaster).toBeUndefined();
    expect(record.durationSeconds).toBeUndefined();
  });

  it('takes the duration from the render job when the probe had none', () => {
    const noDuration: WorkflowState = {
      ...video,
      validation: { ...video.validation!, probe: { ...probe, durationSeconds: 0 } },
      outcome: { ...video.outcome!, render: { jobId: 'j', status: 'COMPLETE', outputGroups: [{ OutputDetails: [{ DurationInMs: 2040 }, { DurationInMs: 1980 }] }] } },
    };
    expect(readyClipRecord(noDuration, 'e', NOW).durationSeconds).toBe(2.04);
  });

  it('counts the bytes the job reported writing (the local engine reports them; MediaConvert does not)', () => {
    const measured: WorkflowState = {
      ...video,
      outcome: {
        ...video.outcome!,
        render: { jobId: 'j', status: 'COMPLETE', outputGroups: [{ OutputDetails: [{ DurationInMs: 2000, SizeInBytes: 1_000 }] }, { OutputDetails: [{ SizeInBytes: 500 }] }] },
      },
    };
    expect(readyClipRecord(measured, 'e', NOW).cost!.bytes).toBe(62_425 + 1_500);
    expect(readyClipRecord(video, 'e', NOW).cost!.bytes).toBeGreaterThan(62_425);
  });

  it('refuses an invalid upload', () => {
    expect(() => readyClipRecord({ clip, validation: { kind: 'invalid', reason: 'empty', capturedAt: NOW } }, 'e', NOW)).toThrow(/not a video or still/);
  });
});

describe('the alert outcome on the clip item', () => {
  it('says sent, not sent with the reason, or failed with the error and the message of a Lambda-style cause', () => {
    expect(clipAlertOutcome({ send: true, subject: 's', message: 'm' })).toEqual({ status: 'sent' });
    expect(clipAlertOutcome({ send: false, reason: 'quiet-hours' })).toEqual({ status: 'not-sent', reason: 'quiet-hours' });
    expect(
      clipAlertOutcome({ send: false, reason: 'failed', error: 'StorageUnavailable', cause: JSON.stringify({ errorType: 'StorageUnavailable', errorMessage: 'DynamoDB did not answer' }) }),
    ).toEqual({
      status: 'failed',
      error: 'StorageUnavailable',
      cause: 'DynamoDB did not answer',
    });
  });

  it('is written on READY and FAILED items alike; a failed render keeps its alert and gets no duration from the render', () => {
    expect(readyClipRecord(video, clip.clipId, NOW).alert).toEqual({ status: 'not-sent', reason: 'cooldown' });
    const failedRender: WorkflowState = {
      ...video,
      validation: { ...video.validation!, probe: { ...probe, durationSeconds: 0 } },
      outcome: { alert: { send: true }, render: { failed: true, error: { Error: 'States.TaskFailed', Cause: 'x' } } },
    };
    const item = clipIdentity(failedRender, clip.clipId, 'FAILED', NOW);
    expect(item.alert).toEqual({ status: 'sent' });
    expect(item.durationSeconds).toBeUndefined();
    expect(failureNotice({ ...failedRender, error: { Error: 'States.TaskFailed', Cause: 'x' } }, clip.clipId, { written: true }).message).toContain('Motion alert: sent');
  });
});

describe('clipIdentity before validation', () => {
  it('has no kind and the upload size', () => {
    const item = clipIdentity({ clip }, 'e', 'FAILED', NOW);
    expect(item.kind).toBeUndefined();
    expect(item.source).toEqual({ bucket: clip.bucket, key: clip.key, sizeBytes: clip.size });
    expect(item.capturedAt).toBe(clip.uploadedAt);
  });
});

describe('indexAttributes', () => {
  it.each([
    ['READY', false],
    ['PROCESSING', true],
    ['FAILED', true],
    ['QUARANTINED', true],
  ] as const)('%s: timeline and day, status index %s', (status, indexed) => {
    const attributes = indexAttributes({ camera: 'garage', capturedAt: '2024-05-01T10:00:00.000Z', clipId: clip.clipId, status, updatedAt: NOW });
    expect(attributes).toMatchObject({ cameraPk: 'CAMERA#garage', cameraSk: `2024-05-01T10:00:00.000Z#${clip.clipId}`, dayPk: 'DAY#2024-05-01' });
    expect('statusPk' in attributes).toBe(indexed);
    if (indexed) expect(attributes.statusPk).toBe(`STATUS#${status}`);
  });
});

describe('durationFromRender', () => {
  it.each<[unknown, number | undefined]>([
    [[], undefined],
    [undefined, undefined],
    [[{ OutputDetails: [{ DurationInMs: 12_345 }] }], 12.345],
    [{ OutputGroupDetails: [{ OutputDetails: [{ DurationInMs: 1000 }] }, { OutputDetails: [{ DurationInMs: 3000 }] }] }, 3],
  ])('%j → %s', (groups, seconds) => expect(durationFromRender(groups)).toBe(seconds));
});

describe('operations notices', () => {
  it.each([
    ['a Lambda error', { Error: 'StorageUnavailable', Cause: JSON.stringify({ errorType: 'StorageUnavailable', errorMessage: 'S3 throttled', trace: ['…'] }) }, 'S3 throttled'],
    ['a plain cause', { Error: 'States.Timeout', Cause: 'Task timed out' }, 'Task timed out'],
    ['no cause', { Error: 'States.Runtime' }, undefined],
  ])('failureCause of %s', (_name, error, cause) => {
    expect(failureCause(error)).toBe(cause);
  });

  it('a failure notice names the clip, the object, the cause and what to do', () => {
    const notice = failureNotice({ clip, error: { Error: 'StorageUnavailable', Cause: JSON.stringify({ errorMessage: 'DynamoDB throttled' }) } }, clip.clipId, { written: true });
    expect(notice.status).toBe('FAILED');
    expect(notice.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(notice.subject).toContain('StorageUnavailable');
    expect(notice.message).toContain(`s3://${clip.bucket}/${clip.key}`);
    expect(notice.message).toContain('Cause: DynamoDB throttled');
    expect(notice.message).toMatch(/What to do: .*redrive execution garage-00112233445566ff/);
  });

  it('a quarantine notice gives the reason, the object and says the raw object is kept', () => {
    const notice = quarantineNotice({ clip, validation: { kind: 'invalid', reason: 'truncated', detail: 'The mp4 file is cut short. Check the gateway.', capturedAt: NOW } }, clip.clipId, {
      written: true,
    });
    expect(notice.status).toBe('QUARANTINED');
    expect(notice.subject).toBe('Quarantined: garage upload, cut short');
    expect(notice.message).toContain(`s3://${clip.bucket}/${clip.key}`);
    expect(notice.message).toContain('The mp4 file is cut short. Check the gateway.');
    expect(notice.message).toContain('raw object is kept');
  });
});
