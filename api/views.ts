/** How catalog records are shown to callers (pure). */
import { monthClipsAttribute, monthCostAttribute, type CameraRecord, type ClipRecord } from '../domain/clip-contract.ts';
import { cameraSettings, type CameraDefaults } from '../domain/camera-settings.ts';

/**
 * A camera as the API shows it. Its settings are the effective ones — the record's values,
 * else the stack's defaults — computed by the same function the workflow's tasks use.
 */
export function cameraView(record: Partial<CameraRecord> & { camera: string }, env: CameraDefaults, now: Date = new Date()) {
  const effective = cameraSettings(record.camera, record, env);
  const settings = {
    displayName: effective.displayName,
    retentionClass: effective.retentionClass,
    alertsEnabled: effective.alertsEnabled,
    cooldownSeconds: effective.cooldownSeconds,
    timeZone: effective.timeZone,
    renderProfile: effective.renderProfile,
    alertChannels: effective.alertChannels,
    alertWhenHome: effective.alertWhenHome,
    ...(effective.quietHours ? { quietHours: effective.quietHours } : {}),
  };
  return {
    id: record.camera,
    displayName: effective.displayName,
    ...(record.lastClipAt ? { lastClipAt: record.lastClipAt } : {}),
    clipCount: Number(record.clipCount ?? 0),
    monthToDate: {
      month: now.toISOString().slice(0, 7),
      estimatedUsd: Math.round(Number((record as Record<string, unknown>)[monthCostAttribute(now)] ?? 0) * 1e4) / 1e4,
      clips: Number((record as Record<string, unknown>)[monthClipsAttribute(now)] ?? 0),
    },
    settings,
  };
}

export function clipSummary(record: ClipRecord) {
  return {
    clipId: record.clipId,
    camera: record.camera,
    kind: record.kind,
    status: record.status,
    capturedAt: record.capturedAt,
    uploadedAt: record.uploadedAt,
    updatedAt: record.updatedAt,
    durationSeconds: record.durationSeconds,
    retentionClass: record.retentionClass,
    held: record.held === true,
    poster: record.poster,
  };
}
