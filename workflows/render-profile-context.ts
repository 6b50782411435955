/**
 * The stack's render settings from CDK context, checked at synth: `defaultRenderProfile`
 * (`passthrough`, `economy` or `full`) and `hlsLadder`. Every profile's job, built for a
 * typical camera clip with those settings, must stay on MediaConvert's Basic tier: a setting
 * that would move it to the Professional tier stops the synth, naming the setting.
 */
import { ENV, type MediaProbe } from '../domain/clip-contract.ts';
import { buildRenderJob } from '../domain/render-job.ts';
import { DEFAULT_RENDER_PROFILE, isRenderProfile, RENDER_PROFILES, type RenderProfile } from '../domain/render-profiles.ts';

/** Clips every profile is checked with: 1080p H.264/AAC, 4K HEVC, and a small MJPEG with G.711. */
const SAMPLE_CLIPS: MediaProbe[] = [
  { container: 'mp4', durationSeconds: 20, sizeBytes: 10_000_000, video: { codec: 'h264', width: 1920, height: 1080, frameRate: 25 }, audio: { codec: 'aac' } },
  { container: 'matroska', durationSeconds: 20, sizeBytes: 10_000_000, video: { codec: 'hevc', width: 3840, height: 2160 } },
  { container: 'avi', durationSeconds: 20, sizeBytes: 10_000_000, video: { codec: 'mjpeg', width: 640, height: 480 }, audio: { codec: 'pcm_mulaw' } },
];

/** Builds every profile's job for the sample clips with `ladder`; throws what the builder throws (ProfessionalTierSetting, a bad ladder). */
export function checkRenderProfiles(ladder?: readonly string[]): void {
  for (const profile of RENDER_PROFILES) {
    for (const probe of SAMPLE_CLIPS) {
      buildRenderJob({
        clipId: 'synth-check',
        camera: 'camera',
        sourceUri: 's3://uploads/camera/clip',
        mediaBucket: 'media',
        capturedAt: '2025-01-01T00:00:00Z',
        probe,
        profile,
        ...(ladder ? { ladder } : {}),
      });
    }
  }
}

/** `DEFAULT_RENDER_PROFILE` for Validate clip, from context `defaultRenderProfile`, after checking every profile. */
export function renderProfileSettingsFrom(context: (key: string) => unknown): Record<string, string> {
  const raw = context('defaultRenderProfile');
  const profile = raw === undefined || raw === null || raw === '' ? DEFAULT_RENDER_PROFILE : String(raw).trim();
  if (!isRenderProfile(profile)) {
    throw new RangeError(`context defaultRenderProfile must be one of ${RENDER_PROFILES.join(', ')} (passthrough keeps the camera's H.264 and costs least), got '${String(raw)}'`);
  }
  const ladderValue = context('hlsLadder');
  const ladder =
    ladderValue === undefined
      ? undefined
      : String(ladderValue)
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean);
  checkRenderProfiles(ladder);
  return { [ENV.defaultRenderProfile]: profile satisfies RenderProfile };
}
