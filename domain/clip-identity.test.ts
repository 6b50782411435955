import { describe, expect, it } from 'vitest';
import { CAMERA_ID_PATTERN, ERRORS } from './clip-contract.ts';
import { cameraFromKey, CLIP_ID_PATTERN, clipIdFor } from './clip-identity.ts';
import { CameraIdInvalid } from './errors.ts';

/** What Step Functions accepts as an execution name. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('cameraFromKey', () => {
  it.each([
    ['front-door/2024/05/01/clip.mp4', 'front-door'],
    ['garage/clip.mp4', 'garage'],
    ['cam1/a/b/c.jpg', 'cam1'],
    ['a/x.mp4', 'a'],
    [`${'c'.repeat(40)}/x.mp4`, 'c'.repeat(40)],
  ])('%s → %s', (key, camera) => {
    expect(cameraFromKey(key)).toBe(camera);
    expect(CAMERA_ID_PATTERN.test(camera)).toBe(true);
  });

  it.each([
    ['Front-Door/clip.mp4', 'uppercase'],
    ['front_door/clip.mp4', 'underscore'],
    ['-front/clip.mp4', 'leading dash'],
    ['front-/clip.mp4', 'trailing dash'],
    ['clip.mp4', 'no folder'],
    ['/clip.mp4', 'empty first segment'],
    [`${'c'.repeat(41)}/x.mp4`, '41 characters'],
    ['front door/clip.mp4', 'space'],
    ['caméra/clip.mp4', 'non-ASCII'],
  ])('refuses %s (%s) with CameraIdInvalid', (key) => {
    let thrown: unknown;
    try {
      cameraFromKey(key);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CameraIdInvalid);
    expect((thrown as Error).name).toBe(ERRORS.cameraIdInvalid);
    expect((thrown as Error).message).toContain(key);
    expect((thrown as Error).message).toMatch(/Configure the camera or gateway/);
  });
});

describe('clipIdFor', () => {
  const object = { bucket: 'camflow-uploads', key: 'front-door/2024/05/01/100000.mp4', etag: '9b2cf535f27731c974343645a3985328' };

  // Pinned: the expected ids are literals (sha256 of the identity lines computed outside this code,
  // `printf 'camflow-uploads\nfront-door/2024/05/01/100000.mp4\n9b2cf…' | sha256sum`). Duplicate
  // detection across deploys relies on the same upload always getting the same id: a changed
  // hash, field order, separator or digest length must fail here.
  it('is pinned: a known upload always gets the same clip id', () => {
    expect(clipIdFor(object)).toBe('front-door-6160e4fbc1bfcdd5');
    expect(clipIdFor({ ...object, etag: `"${object.etag.toUpperCase()}"` })).toBe('front-door-6160e4fbc1bfcdd5');
    expect(clipIdFor({ ...object, versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo' })).toBe('front-door-cad1aa501054f126');
  });

  it('starts with the camera, then 16 hex characters', () => {
    const id = clipIdFor(object);
    expect(id.startsWith('front-door-')).toBe(true);
    expect(id).toMatch(CLIP_ID_PATTERN);
    expect(id).toHaveLength('front-door-'.length + 16);
  });

  it('is the same for the same object announced twice (quotes and case of the ETag do not matter)', () => {
    expect(clipIdFor({ ...object })).toBe(clipIdFor(object));
    expect(clipIdFor({ ...object, etag: `"${object.etag.toUpperCase()}"` })).toBe(clipIdFor(object));
  });

  it.each([
    ['another key', { key: 'front-door/2024/05/01/100001.mp4' }],
    ['another bucket', { bucket: 'other-uploads' }],
    ['new content under the same key', { etag: 'd41d8cd98f00b204e9800998ecf8427e' }],
    ['a multipart ETag', { etag: '9b2cf535f27731c974343645a3985328-3' }],
  ])('differs for %s', (_name, change) => {
    expect(clipIdFor({ ...object, ...change })).not.toBe(clipIdFor(object));
  });

  it('is a valid execution name even for the longest camera id', () => {
    const id = clipIdFor({ ...object, key: `${'z'.repeat(40)}/clip.mp4` });
    expect(id).toMatch(EXECUTION_NAME);
    expect(id.length).toBeLessThanOrEqual(80);
  });

  it('refuses a key without a camera', () => {
    expect(() => clipIdFor({ ...object, key: 'clip.mp4' })).toThrow(CameraIdInvalid);
  });
});
