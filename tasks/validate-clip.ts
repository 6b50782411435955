/**
 * "Validate clip": read the upload's size and media info over S3 range reads (mediainfo.js,
 * no native binary), classify it (video, still, or invalid with a reason) and, for a video,
 * plan its MediaConvert job. Limits from env `MAX_CLIP_BYTES` (default 2 GiB) and
 * `MAX_CLIP_SECONDS` (default 30 min); HLS rungs from `HLS_LADDER` (default all). A missing
 * object is `ClipNotFound`.
 *
 * Input: `TaskEvent`. Output (`$.validation`): `ValidationResult`.
 */
import type { TaskEvent, ValidationResult } from '../domain/clip-contract.ts';
import { cameraSettings } from '../domain/camera-settings.ts';
import { getCameraRecord } from './catalog-store.ts';
import { storageCall } from '../domain/errors.ts';
import { renderSourceFor } from './render-source.ts';
import { GATEWAY_REMUX_FAILED_METADATA, s3ByteSource } from './byte-source.ts';
import { logger, runClipTask } from './observability.ts';
import { validateUpload } from './validation.ts';
import { lambdaHandler, type TaskDependencies } from './dependencies.ts';

export const createHandler =
  (deps: TaskDependencies) =>
  (event: TaskEvent): Promise<ValidationResult> =>
    runClipTask(deps, 'validate-clip', event, () => validateClip(deps, event));

export const handler = lambdaHandler(createHandler);

export async function validateClip(deps: Pick<TaskDependencies, 's3' | 'catalog' | 'tableName' | 'mediaBucket' | 'validation' | 'cameraDefaults'>, event: TaskEvent): Promise<ValidationResult> {
  const { clip } = event.workflow;
  const source = await s3ByteSource(deps.s3, clip.bucket, clip.key, clip.versionId);
  // The camera's render profile (its settings, else DEFAULT_RENDER_PROFILE, else passthrough).
  // Its time zone reads a timestamp in the file name of a clip uploaded without `captured-at`.
  const { renderProfile, timeZone } = cameraSettings(clip.camera, await getCameraRecord(deps, clip.camera), deps.cameraDefaults);
  const result = await validateUpload(
    source,
    { ...clip, size: source.size },
    { mediaBucket: deps.mediaBucket, ...deps.validation, capturedAt: source.capturedAt, timeZone, gatewayRemuxFailed: source.metadata[GATEWAY_REMUX_FAILED_METADATA], profile: renderProfile },
  );
  if (result.render && result.mediaPrefix) {
    // The render reads the clip's own version, even when the key was overwritten since.
    const input = await storageCall(`Pinning the render source of clip ${clip.clipId}`, () => renderSourceFor(deps.s3, clip, result.mediaPrefix!));
    const inputs = result.render.settings.Inputs as Array<{ FileInput: string }>;
    if (input !== inputs[0]!.FileInput) {
      logger.warn('The upload was overwritten since this clip: rendering a copy of its own version', { renderSource: input });
      inputs[0]!.FileInput = input;
    }
  }
  logger.info('Clip validated', {
    kind: result.kind,
    capturedAt: result.capturedAt,
    capturedAtSource: result.capturedAtSource,
    renderProfile: result.render?.profile,
    reason: result.reason,
    container: result.probe?.container,
    video: result.probe?.video,
    durationSeconds: result.probe?.durationSeconds,
  });
  return result;
}
