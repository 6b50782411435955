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
import { CONSOLE_OUTPUT, readCommandLine, usageError as usageText, type CommandSpec } from '../../domain/command-line.ts';

export const SPEC: CommandSpec = {
  command: 'camflow plan',
  synopsis: '<clip-file> [--camera ID] [--profile passthrough|economy|full]',
  summary:
    'Probes a local clip and prints, as JSON, what the clip workflow would do with it: the clip id, the probe, the validation result and, for a video, the MediaConvert CreateJob request. No AWS account needed.',
  positionals: true,
  flags: {
    camera: { type: 'string', value: 'ID', help: 'the camera the clip comes from (lowercase letters, digits, dashes)', default: 'camera' },
    profile: {
      type: 'string',
      value: 'P',
      help: `the camera's render profile: ${RENDER_PROFILES.join(', ')}; a job that would leave MediaConvert's Basic tier fails, naming the setting`,
      default: `${DEFAULT_RENDER_PROFILE}`,
      env: ENV.defaultRenderProfile,
    },
  },
  environment: {
    [ENV.mediaConvertRoleArn]: 'the stack output MediaConvertRoleArn (default: a placeholder)',
    [ENV.uploadsBucket]: 'the uploads bucket name (default: camflow-uploads)',
    [ENV.mediaBucket]: 'the media bucket name (default: camflow-media)',
    [`${ENV.maxClipBytes}, ${ENV.maxClipSeconds}`]: 'validation limits (default: those of the stack)',
  },
  notes: "Exit code: 0 the workflow would render or catalog it, 1 it would quarantine it, 2 usage error, 3 the job would leave MediaConvert's Basic tier.",
};

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
    createJobRequest: render ? { Role: env[ENV.mediaConvertRoleArn] || PLACEHOLDER_ROLE_ARN, Settings: render.settings, UserMetadata: { clipId, camera: clip.camera } } : null,
  };
}

export async function run(args: string[]): Promise<number> {
  const parsed = readCommandLine<{ camera?: string; profile?: string }>(SPEC, args, CONSOLE_OUTPUT, 2);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values, positionals: files } = parsed;
  const camera = values.camera ?? 'camera';
  if (values.profile !== undefined && !isRenderProfile(values.profile)) return usageError(`--profile must be one of ${RENDER_PROFILES.join(', ')}`);
  const profile: RenderProfile | undefined = values.profile;
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
  console.error(usageText(SPEC, message));
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
