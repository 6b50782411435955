/**
 * "Validate clip": read the upload's size and media info over S3 range reads (mediainfo.js,
 * no native binary), classify it (video, still, or invalid with a reason) and, for a video,
 * plan its MediaConvert job. Limits from env `MAX_CLIP_BYTES` (default 2 GiB) and
 * `MAX_CLIP_SECONDS` (default 30 min); HLS rungs from `HLS_LADDER` (default all). A missing
 * object is `ClipNotFound`.
 *
 * Input: `TaskEvent`. Output (`$.validation`): `ValidationResult`.
 */
import { ENV, type TaskEvent, type ValidationResult } from '../workflows/clip-contract.ts';
import { requiredEnv } from './aws-clients.ts';
import { s3ByteSource } from './byte-source.ts';
import { logger, runClipTask } from './observability.ts';
import { validateUpload, validationSettingsFromEnv } from './validation.ts';

export const handler = (event: TaskEvent): Promise<ValidationResult> => runClipTask('validate-clip', event, () => validateClip(event));

export async function validateClip(event: TaskEvent): Promise<ValidationResult> {
  const { clip } = event.workflow;
  const source = await s3ByteSource(clip.bucket, clip.key, clip.versionId);
  const result = await validateUpload(source, { ...clip, size: source.size }, { mediaBucket: requiredEnv(ENV.mediaBucket), ...validationSettingsFromEnv(), capturedAt: source.capturedAt });
  logger.info('Clip validated', { kind: result.kind, reason: result.reason, container: result.probe?.container, video: result.probe?.video, durationSeconds: result.probe?.durationSeconds });
  return result;
}
