/**
 * What a clip id and a camera id may look like in a URL. Ids become DynamoDB keys and S3
 * prefixes, so anything outside these patterns (`../`, an encoded `/`, over-long) is refused
 * before it reaches a key builder.
 */
import { CAMERA_ID_PATTERN } from '../domain/clip-contract.ts';

/**
 * Clip ids (and execution names, `{camera}-{time}-{digest}`; clips from before issue 11 had
 * executions named by clip id): letters, digits, `-` and `_`, at most 80 characters.
 */
export const CLIP_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/** Execution names the API will address (the same alphabet as clip ids). */
export const EXECUTION_NAME_PATTERN = CLIP_ID_PATTERN;

export { CAMERA_ID_PATTERN };

export const isClipId = (value: string) => CLIP_ID_PATTERN.test(value);
export const isCameraId = (value: string) => CAMERA_ID_PATTERN.test(value);
