import { describe, expect, it } from 'vitest';
import { ERRORS } from './clip-contract.ts';
import { CameraIdInvalid, ClipNotFound, ClipOwnedElsewhere, isConditionFailed, isNotFound, isTransientStorageError, StorageUnavailable, storageCall } from './errors.ts';

/** An error shaped as the AWS SDK v3 throws them. */
function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('isTransientStorageError', () => {
  it.each<[string, unknown, boolean]>([
    ['SDK marks it retryable', sdkError('Whatever', { $retryable: { throttling: true } }), true],
    ['server fault', sdkError('InternalError', { $fault: 'server' }), true],
    ['HTTP 503', sdkError('Unknown', { $metadata: { httpStatusCode: 503 } }), true],
    ['HTTP 429', sdkError('Unknown', { $metadata: { httpStatusCode: 429 } }), true],
    ['DynamoDB throughput exceeded', sdkError('ProvisionedThroughputExceededException', { $fault: 'client' }), true],
    ['S3 SlowDown', sdkError('SlowDown'), true],
    ['DynamoDB ThrottlingException', sdkError('ThrottlingException'), true],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), true],
    ['socket reset inside a wrapper', new Error('request failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), true],
    ['timeout', sdkError('TimeoutError'), true],
    ['missing key', sdkError('NoSuchKey', { $fault: 'client', $metadata: { httpStatusCode: 404 } }), false],
    ['access denied', sdkError('AccessDenied', { $fault: 'client', $metadata: { httpStatusCode: 403 } }), false],
    ['failed condition', sdkError('ConditionalCheckFailedException', { $fault: 'client', $metadata: { httpStatusCode: 400 } }), false],
    ['a plain bug', new TypeError('x is undefined'), false],
    ['not an error', 'oops', false],
  ])('%s → %s', (_name, error, transient) => {
    expect(isTransientStorageError(error)).toBe(transient);
  });
});

describe('storageCall', () => {
  it('turns a transient failure into StorageUnavailable that says what failed and what to do', async () => {
    const failing = storageCall('Reading camera garage', async () => {
      throw sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } });
    });
    await expect(failing).rejects.toBeInstanceOf(StorageUnavailable);
    await failing.catch((error: Error) => {
      expect(error.name).toBe(ERRORS.storageUnavailable);
      expect(error.message).toMatch(/^Reading camera garage failed because storage is throttled or unavailable \(ThrottlingException HTTP 400/);
      expect(error.message).toMatch(/retries this step/);
      expect((error as Error & { cause: unknown }).cause).toMatchObject({ name: 'ThrottlingException' });
    });
  });

  it('rethrows anything else unchanged', async () => {
    const original = sdkError('AccessDenied', { $metadata: { httpStatusCode: 403 } });
    await expect(storageCall('x', async () => Promise.reject(original))).rejects.toBe(original);
  });

  it('returns the value of a call that works', async () => {
    await expect(storageCall('x', async () => 42)).resolves.toBe(42);
  });
});

describe('typed errors', () => {
  it.each([
    [new ClipNotFound('b', 'cam/k.mp4'), ERRORS.clipNotFound, /s3:\/\/b\/cam\/k\.mp4 no longer exists.*upload the clip again/],
    [new CameraIdInvalid('Cam/k.mp4', 'Cam'), ERRORS.cameraIdInvalid, /'Cam\/k\.mp4'.*Configure the camera/],
    [new ClipOwnedElsewhere('c-1', 'c-1', 'c-1-rerun'), ERRORS.clipOwnedElsewhere, /cataloged by execution 'c-1', not by 'c-1-rerun'.*delete its catalog item/],
    [new StorageUnavailable('Tagging', { cause: sdkError('SlowDown') }), ERRORS.storageUnavailable, /Tagging failed.*SlowDown/],
  ])('%s has a stable name and says what to do', (error, name, message) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).toMatch(message);
  });

  it('recognizes not-found and failed conditions', () => {
    expect(isNotFound(sdkError('NoSuchKey'))).toBe(true);
    expect(isNotFound(sdkError('NotFound'))).toBe(true);
    expect(isNotFound(sdkError('Unknown', { $metadata: { httpStatusCode: 404 } }))).toBe(true);
    expect(isNotFound(sdkError('AccessDenied'))).toBe(false);
    expect(isConditionFailed(sdkError('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionFailed(sdkError('ValidationException'))).toBe(false);
  });
});
