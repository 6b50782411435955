/**
 * Retention classes as S3 lifecycle rules. "Apply retention" tags every object of a clip
 * (raw upload and renditions) with `retention-class = <class>`; these rules, one per class
 * and bucket, do the tiering and expiry. Day counts come from CDK context (`-c key=days`).
 */
import type { RetentionClass } from './clip-contract.ts';

export interface RetentionDays {
  /** `short`: expire after this many days. */
  shortExpireDays: number;
  /** `standard`: S3 Glacier Instant Retrieval after this many days… */
  standardInstantRetrievalDays: number;
  /** …and expire after this many. */
  standardExpireDays: number;
  /** `archive`: S3 Glacier Flexible Retrieval after this many days… */
  archiveFlexibleRetrievalDays: number;
  /** …S3 Glacier Deep Archive after this many… */
  archiveDeepArchiveDays: number;
  /** …and expire after this many. */
  archiveExpireDays: number;
}

/** Defaults, as the issue states them. `hold` has no rule: it never expires. */
export const DEFAULT_RETENTION_DAYS: RetentionDays = {
  shortExpireDays: 7,
  standardInstantRetrievalDays: 30,
  standardExpireDays: 365,
  archiveFlexibleRetrievalDays: 30,
  archiveDeepArchiveDays: 180,
  archiveExpireDays: 7 * 365,
};

/** The CDK context key of each day count (`npx cdk deploy -c retention.standard.expireDays=730`). */
export const RETENTION_CONTEXT_KEYS: Record<keyof RetentionDays, string> = {
  shortExpireDays: 'retention.short.expireDays',
  standardInstantRetrievalDays: 'retention.standard.instantRetrievalDays',
  standardExpireDays: 'retention.standard.expireDays',
  archiveFlexibleRetrievalDays: 'retention.archive.flexibleRetrievalDays',
  archiveDeepArchiveDays: 'retention.archive.deepArchiveDays',
  archiveExpireDays: 'retention.archive.expireDays',
};

export type StorageClassName = 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';

/**
 * Days S3 bills an object in a class at the least, even when it is deleted or moved sooner
 * (https://aws.amazon.com/s3/pricing/, storage classes; read 2026-12-01).
 */
export const MINIMUM_STORAGE_DAYS: Record<StorageClassName, number> = { GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 };

/**
 * Objects smaller than this are never transitioned: Glacier Instant Retrieval bills at least
 * 128 KB per object, Flexible Retrieval and Deep Archive add 40 KB of metadata per object, and
 * each transition is a billed request — a poster or a playlist would cost more moved than kept.
 */
export const MIN_TRANSITION_BYTES = 128 * 1024;

const CLASS_NAMES: Record<StorageClassName, string> = { GLACIER_IR: 'Glacier Instant Retrieval', GLACIER: 'Glacier Flexible Retrieval', DEEP_ARCHIVE: 'Glacier Deep Archive' };

export interface RetentionRule {
  retentionClass: RetentionClass;
  transitions: Array<{ storageClass: StorageClassName; afterDays: number }>;
  expireAfterDays?: number;
}

/** Reads the day counts from context (numbers or numeric strings), checking they make sense. */
export function retentionDaysFrom(tryGetContext: (key: string) => unknown): RetentionDays {
  const days = { ...DEFAULT_RETENTION_DAYS };
  for (const [field, key] of Object.entries(RETENTION_CONTEXT_KEYS) as Array<[keyof RetentionDays, string]>) {
    const raw = tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') continue;
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`context ${key} must be a whole number of days (1 or more), got '${String(raw)}'`);
    }
    days[field] = value;
  }
  const order = (earlier: keyof RetentionDays, later: keyof RetentionDays, gap = 1) => {
    if (days[later] < days[earlier] + gap) {
      throw new RangeError(`context ${RETENTION_CONTEXT_KEYS[later]} (${days[later]}) must be at least ${gap} day(s) after ${RETENTION_CONTEXT_KEYS[earlier]} (${days[earlier]})`);
    }
  };
  order('standardInstantRetrievalDays', 'standardExpireDays');
  // S3 keeps an object at least 90 days in Glacier Flexible Retrieval before Deep Archive.
  order('archiveFlexibleRetrievalDays', 'archiveDeepArchiveDays', 90);
  order('archiveDeepArchiveDays', 'archiveExpireDays');
  // Never move objects to a class whose minimum storage duration outlasts what is left before they expire.
  const staysLongEnough = (storageClass: StorageClassName, enter: keyof RetentionDays, leave: keyof RetentionDays) => {
    const left = days[leave] - days[enter];
    const minimum = MINIMUM_STORAGE_DAYS[storageClass];
    if (left < minimum) {
      throw new RangeError(
        `context ${RETENTION_CONTEXT_KEYS[enter]} (${days[enter]}) and ${RETENTION_CONTEXT_KEYS[leave]} (${days[leave]}) leave objects ${left} day(s) in S3 ${CLASS_NAMES[storageClass]}, ` +
          `but S3 bills at least ${minimum} days there, so the move would cost more than it saves: make ${RETENTION_CONTEXT_KEYS[leave]} at least ${days[enter] + minimum}, or move them later.`,
      );
    }
  };
  staysLongEnough('GLACIER_IR', 'standardInstantRetrievalDays', 'standardExpireDays');
  staysLongEnough('GLACIER', 'archiveFlexibleRetrievalDays', 'archiveDeepArchiveDays');
  staysLongEnough('DEEP_ARCHIVE', 'archiveDeepArchiveDays', 'archiveExpireDays');
  return days;
}

/** One lifecycle rule per class (none for `hold`). */
export function retentionRules(days: RetentionDays): RetentionRule[] {
  return [
    { retentionClass: 'short', transitions: [], expireAfterDays: days.shortExpireDays },
    {
      retentionClass: 'standard',
      transitions: [{ storageClass: 'GLACIER_IR', afterDays: days.standardInstantRetrievalDays }],
      expireAfterDays: days.standardExpireDays,
    },
    {
      retentionClass: 'archive',
      transitions: [
        { storageClass: 'GLACIER', afterDays: days.archiveFlexibleRetrievalDays },
        { storageClass: 'DEEP_ARCHIVE', afterDays: days.archiveDeepArchiveDays },
      ],
      expireAfterDays: days.archiveExpireDays,
    },
  ];
}
