/**
 * `camflow plan <clip-file> [--camera ID]`: what the clip workflow would do with a clip,
 * without AWS. Probes the local file with the same code as "Validate clip", and prints as
 * JSON the clip (id, camera, key), the probe, the validation result and, for a video, the
 * exact MediaConvert CreateJob request "Render web playback" would send.
 *
 * Exit code: 0 when the workflow would render (video) or catalog (still) the upload, 1 when
 * it would quarantine it, 2 on a usage error.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileByteSource } from '../../tasks/byte-source.ts';
import { clipIdFor } from '../../domain/clip-identity.ts';
import { validateUpload, validationSettingsFromEnv } from '../../tasks/validation.ts';
import { CAMERA_ID_PATTERN, ENV, type ClipWorkflowInput, type ValidationResult } from '../../domain/clip-contract.ts';
import { DEFAULT_RENDER_PROFILE, isRenderProfile, ProfessionalTierSetting, RENDER_PROFILES, type RenderProfile } from '../../domain/render-profiles.ts';

export const USAGE = `usage: camflow plan <clip-file> [--camera ID] [--profile passthrough|economy|full]

Probes a local clip and prints, as JSON, what the clip workflow would do with it: the clip id,
the probe, the validation result and, for a video, the MediaConvert CreateJob request.

  --camera ID   the camera the clip comes from (lowercase letters, digits, dashes; default: camera)
  --profile P   the camera's render profile (default: ${ENV.defaultRenderProfile}, else passthrough);
                a job that would leave MediaConvert's Basic tier fails, naming the setting

Environment: ${ENV.mediaConvertRoleArn} (the stack output MediaConvertRoleArn; else a placeholder),
${ENV.uploadsBucket}, ${ENV.mediaBucket} (bucket names; default camflow-uploads, camflow-media),
${ENV.maxClipBytes}, ${ENV.maxClipSeconds} (validation limits).
Exit code: 0 the workflow would render or catalog it, 1 it would quarantine it, 2 usage error,
3 the job would leave MediaConvert's Basic tier.`;

/** Stands in for the MediaConvert role when MEDIACONVERT_ROLE_ARN is not set. */
export const PLACEHOLDER_ROLE_ARN = 'arn:aws:iam::000000000000:role/PLACEHOLDER-set-MEDIACONVERT_ROLE_ARN-to-the-stack-output-MediaConvertRoleArn';

export interface CreateJobRequest {
  Role: string;
  Settings: Record<string, unknown>;
  UserMetadata: { clipId: string; camera: string };
}

export interface ClipPlan {
  file: string;
  clipId: string;
  clip: ClipWorkflowInput['clip'];
  probe: ValidationResult['probe'] | null;
  /** The validation result (its probe is `probe` above; the render settings are in `createJobRequest`). */
  validation: Omit<ValidationResult, 'render' | 'probe'> & { plannedOutputs?: NonNullable<ValidationResult['render']>['outputs']; renderProfile?: NonNullable<ValidationResult['render']>['profile'] };
  /** What happens next in the workflow. */
  next: 'render' | 'catalog-still' | 'quarantine';
  createJobRequest: CreateJobRequest | null;
}

interface PlanOptions {
  camera: string;
  profile?: RenderProfile;
  env?: Record<string, string | undefined>;
}

/** The plan for one local file (no output). */
export async function planClip(path: string, options: PlanOptions): Promise<ClipPlan> {
  const env = options.env ?? process.env;
  const file = resolve(path);
  const { mtime } = await stat(file);
  const bucket = env[ENV.uploadsBucket] || 'camflow-uploads';
  const mediaBucket = env[ENV.mediaBucket] || 'camflow-media';
  const key = `${options.camera}/${basename(file)}`;
  // A single-part PutObject's ETag is the MD5 of the bytes: the id the trigger would derive.
  const etag = await md5Of(file);
  const source = await fileByteSource(file);
  const clipId = clipIdFor({ bucket, key, etag });
  const clip: ClipWorkflowInput['clip'] = { clipId, camera: options.camera, bucket, key, size: source.size, etag, uploadedAt: mtime.toISOString() };
  const envProfile = env[ENV.defaultRenderProfile];
  const profile = options.profile ?? (isRenderProfile(envProfile) ? envProfile : DEFAULT_RENDER_PROFILE);
  const result = await validateUpload(source, clip, { mediaBucket, ...validationSettingsFromEnv(env), profile });
  const { render, probe: _probe, ...validation } = result;
  const next = result.kind === 'video' ? 'render' : result.kind === 'still' ? 'catalog-still' : 'quarantine';
  return {
    file,
    clipId,
    clip,
    probe: result.probe ?? null,
    validation: render ? { ...validation, plannedOutputs: render.outputs, ...(render.profile ? { renderProfile: render.profile } : {}) } : validation,
    next,
    createJobRequest: render
      ? { Role: env[ENV.mediaConvertRoleArn] || PLACEHOLDER_ROLE_ARN, Settings: render.settings, UserMetadata: { clipId, camera: clip.camera } }
      : null,
  };
}

export async function run(args: string[]): Promise<number> {
  let camera = 'camera';
  let profile: RenderProfile | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return 0;
    }
    if (arg === '--camera' || arg.startsWith('--camera=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!value) return usageError('--camera needs a camera id');
      camera = value;
    } else if (arg === '--profile' || arg.startsWith('--profile=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!isRenderProfile(value)) return usageError(`--profile must be one of ${RENDER_PROFILES.join(', ')}`);
      profile = value;
    } else if (arg.startsWith('-')) {
      return usageError(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 1) return usageError(files.length === 0 ? 'name one clip file' : 'name one clip file only');
  if (!CAMERA_ID_PATTERN.test(camera)) return usageError(`'${camera}' is not a camera id: use lowercase letters, digits and dashes (e.g. front-door)`);
  try {
    await stat(files[0]!);
  } catch {
    return usageError(`cannot read ${files[0]}`);
  }
  let plan: ClipPlan;
  try {
    plan = await planClip(files[0]!, { camera, ...(profile ? { profile } : {}) });
  } catch (error) {
    if (!(error instanceof ProfessionalTierSetting)) throw error;
    console.error(`camflow plan: ${error.message}`);
    return 3;
  }
  console.log(JSON.stringify(plan, null, 2));
  return plan.next === 'quarantine' ? 1 : 0;
}

function usageError(message: string): number {
  console.error(`camflow plan: ${message}\n\n${USAGE}`);
  return 2;
}

function md5Of(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}
