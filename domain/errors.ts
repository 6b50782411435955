/**
 * The errors the task handlers throw. Each has a stable `name` (from `ERRORS` in the clip
 * contract): the workflow's Retry matches `StorageUnavailable`, its Catch sends everything
 * else to "Record failure", and the operator reads the message, which says what to do.
 */
import { ERRORS } from './clip-contract.ts';

/** Transient: S3 or DynamoDB throttled, failed with a 5xx, or could not be reached. Retried by the workflow. */
export class StorageUnavailable extends Error {
  override readonly name = ERRORS.storageUnavailable;
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      `${what} failed because storage is throttled or unavailable (${describe(options?.cause)}). ` +
        'The workflow retries this step with backoff; if it keeps failing, check the S3/DynamoDB service health and throttling metrics, then redrive the execution.',
      options,
    );
  }
}

/** The raw upload disappeared before it was processed. Not retried. */
export class ClipNotFound extends Error {
  override readonly name = ERRORS.clipNotFound;
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The upload s3://${bucket}/${key} no longer exists (deleted or replaced before it was processed). ` +
        'Nothing to do if it was removed on purpose; otherwise upload the clip again and a new workflow starts.',
      options,
    );
  }
}

/** The object key does not start with a valid camera id. Not retried. */
export class CameraIdInvalid extends Error {
  override readonly name = ERRORS.cameraIdInvalid;
  constructor(
    readonly key: string,
    readonly camera: string,
  ) {
    super(
      `The upload key '${key}' does not start with a valid camera id ('${camera}'): camera ids are 1-40 lowercase letters, digits and dashes, ` +
        "not starting or ending with a dash. Configure the camera or gateway to upload under '{camera-id}/…'.",
    );
  }
}

/** The catalog already holds this clip, written by another execution that finished it. Not retried. */
export class ClipOwnedElsewhere extends Error {
  override readonly name = ERRORS.clipOwnedElsewhere;
  constructor(
    readonly clipId: string,
    readonly owner: string,
    readonly executionName: string,
  ) {
    super(
      `Clip ${clipId} is already cataloged by execution '${owner}', not by '${executionName}'. ` +
        `Leave it if '${owner}' finished it; to process the clip again, delete its catalog item first, then redrive or restart this execution.`,
    );
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionInProgressException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/**
 * Whether an AWS SDK (or network) error is worth retrying: the SDK marks it retryable,
 * the service faulted (5xx), the error is a known throttling/timeout name, or the
 * connection itself failed.
 */
export function isTransientStorageError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; code?: string; $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (e.$retryable) return true;
  if (e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.cause && e.cause !== error) return isTransientStorageError(e.cause);
  return false;
}

/** Whether an S3 error says the object (or bucket) is not there. */
export function isNotFound(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Whether a DynamoDB error is a failed condition (someone else's write won). */
export function isConditionFailed(error: unknown): boolean {
  return !!error && typeof error === 'object' && (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

/**
 * Run one storage call; a transient failure becomes `StorageUnavailable` (so the workflow
 * retries it), anything else is rethrown unchanged for the caller to interpret.
 */
export async function storageCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransientStorageError(error)) throw new StorageUnavailable(what, { cause: error });
    throw error;
  }
}

function describe(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return String(cause ?? 'no detail');
  const e = cause as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` HTTP ${e.$metadata.httpStatusCode}` : '';
  return `${e.name ?? 'Error'}${status}: ${e.message ?? ''}`.trim();
}
