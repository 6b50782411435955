import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CameraIdInvalid } from './errors.ts';
import { clipWorkflowInput, decodeEventKey, encodeEventKey, uploadedObjectFrom, type ObjectCreatedEvent } from './upload-event.ts';
import { clipIdFor } from './clip-identity.ts';

/** The example event of the S3 user guide ("EventBridge event message structure"), with a camera key. */
const event: ObjectCreatedEvent = {
  'detail-type': 'Object Created',
  time: '2021-11-12T00:00:00Z',
  detail: {
    bucket: { name: 'camflow-uploads' },
    object: { key: 'front-door/2021-11-12/000000.mp4', size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '617f08299329d189' },
    reason: 'PutObject',
  },
};

describe('uploadedObjectFrom', () => {
  it('reads bucket, key, size, etag and time', () => {
    expect(uploadedObjectFrom(event)).toEqual({
      bucket: 'camflow-uploads',
      key: 'front-door/2021-11-12/000000.mp4',
      size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184',
      uploadedAt: '2021-11-12T00:00:00.000Z',
    });
  });

  it('refuses an event that names no object', () => {
    expect(() => uploadedObjectFrom({ 'detail-type': 'Object Created', detail: { bucket: { name: 'b' } } })).toThrow(/Object Created/);
  });
});

describe('event keys, decoded once as S3 encodes them', () => {
  it.each([
    ['front-door/clip.mp4', 'front-door/clip.mp4'],
    ['front-door/motion+2024.mp4', 'front-door/motion 2024.mp4'],
    ['front-door/a%2Bb.jpg', 'front-door/a+b.jpg'],
    ['front-door/snap%2520copy.jpg', 'front-door/snap%20copy.jpg'],
    ['front-door/100%25.jpg', 'front-door/100%.jpg'],
    ['front-door/10%3A00.mp4', 'front-door/10:00.mp4'],
    ['front-door/caf%C3%A9+%F0%9F%93%B7.jpg', 'front-door/café 📷.jpg'],
  ])('%s → %s', (eventKey, key) => {
    expect(decodeEventKey(eventKey)).toBe(key);
    expect(encodeEventKey(key)).toBe(eventKey);
  });

  it('refuses a key that is not validly encoded, rather than guessing', () => {
    expect(() => decodeEventKey('front-door/100%.jpg')).toThrow(TypeError);
  });

  it('reads the decoded key and the version from an event', () => {
    const object = uploadedObjectFrom({ ...event, detail: { ...event.detail, object: { key: 'front-door/a%2Bb+c.jpg', size: 1, etag: 'e', 'version-id': 'v1' } } });
    expect(object).toMatchObject({ key: 'front-door/a+b c.jpg', versionId: 'v1' });
  });
});

describe('clipWorkflowInput', () => {
  const object = uploadedObjectFrom(event);

  it('is the execution input: clip id, camera and the object', () => {
    const input = clipWorkflowInput(object);
    expect(input).toEqual({
      clip: {
        clipId: clipIdFor({ bucket: 'camflow-uploads', key: object.key, etag: object.etag }),
        camera: 'front-door',
        bucket: 'camflow-uploads',
        key: object.key,
        size: 5,
        etag: 'b1946ac92492d2347c6235b4d2611184',
        uploadedAt: '2021-11-12T00:00:00.000Z',
      },
    });
  });

  it('is byte-for-byte the same for the same event delivered twice', () => {
    expect(JSON.stringify(clipWorkflowInput({ ...uploadedObjectFrom(structuredClone(event)), key: object.key }))).toBe(JSON.stringify(clipWorkflowInput(object)));
  });

  it('refuses a key without a valid camera id', () => {
    expect(() => clipWorkflowInput({ ...object, key: 'Uploads/clip.mp4' })).toThrow(CameraIdInvalid);
  });
});

describe('any key S3 allows (fast-check)', () => {
  // S3 keys: any UTF-8 up to 1,024 bytes; here under a valid camera folder.
  const keys = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).map((name) => `porch/${name}`);

  it('survives the trip through an event: encoded as S3 encodes it, decoded once, the same key', () => {
    fc.assert(
      fc.property(keys, (key) => {
        const eventKey = encodeEventKey(key);
        // No literal space, and every % starts an escape: nothing left for a second decoding to change.
        expect(eventKey).not.toMatch(/ |%(?![0-9A-F]{2})/);
        expect(decodeEventKey(eventKey)).toBe(key);
        const object = uploadedObjectFrom({ ...event, detail: { ...event.detail, object: { key: eventKey, size: 1, etag: 'e', 'version-id': 'v' } } });
        expect(object.key).toBe(key);
        expect(clipWorkflowInput(object).clip.key).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives two different keys two different clip ids', () => {
    fc.assert(
      fc.property(keys, keys, (a, b) => {
        fc.pre(a !== b);
        const id = (key: string) =>
          clipWorkflowInput(uploadedObjectFrom({ ...event, detail: { ...event.detail, object: { key: encodeEventKey(key), size: 1, etag: 'e', 'version-id': 'v' } } })).clip.clipId;
        expect(id(a)).not.toBe(id(b));
      }),
      { numRuns: 1000 },
    );
  });
});
