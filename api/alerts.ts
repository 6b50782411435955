/**
 * Where `GET /alerts` reads the alerts that were sent: in AWS the catalog's alert records
 * (`ALERTS#{yyyy-mm}` partitions, newest first), locally the SNS stand-in's outbox. Both are
 * an `AlertsSource`: one page of alerts, newest first, and a cursor for the next. The route
 * hands clients the source's cursor sealed (api/cursor.ts), so a source only ever gets back a
 * cursor it issued; it still checks it, and never loops on it.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRecord } from '../domain/clip-contract.ts';
import type { CatalogAccess } from './catalog.ts';
import { decodeCursorValue, encodeCursor } from './cursor.ts';
import { ApiError, ERROR_CODES } from './errors.ts';

export type AlertView = AlertRecord;

export type AlertsSource = (cursor: string | undefined, limit: number) => Promise<{ alerts: AlertView[]; cursor?: string }>;

/** Months as a count (year × 12 + month − 1): arithmetic with no calendar surprises. */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
function monthIndex(month: string): number | undefined {
  const match = MONTH.exec(month);
  return match ? Number(match[1]) * 12 + Number(match[2]) - 1 : undefined;
}
function monthName(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function badCursor() {
  return new ApiError(400, ERROR_CODES.invalidCursor, 'cursor: not a cursor this API issued for alerts. Start again without a cursor.', 'cursor');
}

/** Queries one page may make beyond one per month walked (pages inside a busy month). */
const EXTRA_QUERIES_PER_PAGE = 8;

/**
 * Alerts from the catalog: a Query per month partition, newest month first, walking back at
 * most `monthsBack` months from when the listing began — a bounded number of small queries
 * per page, whatever the table holds and whatever the cursor says: a cursor must name a month
 * no later than now and a stop month at most `monthsBack` before it, and a page that reaches
 * the query budget ends early with a cursor where it stopped.
 */
export function catalogAlertsSource(access: CatalogAccess, options: { monthsBack?: number; now?: () => Date } = {}): AlertsSource {
  const monthsBack = options.monthsBack ?? 12;
  const maxQueries = monthsBack + EXTRA_QUERIES_PER_PAGE;
  return async (cursor, limit) => {
    const current = monthIndex((options.now?.() ?? new Date()).toISOString().slice(0, 7))!;
    let month = current;
    let stopAt = current - monthsBack;
    let startKey: Record<string, string> | undefined;
    if (cursor) {
      const value = decodeCursorValue(cursor) as { month?: unknown; sk?: unknown; stopAt?: unknown } | null;
      const m = typeof value?.month === 'string' ? monthIndex(value.month) : undefined;
      const s = typeof value?.stopAt === 'string' ? monthIndex(value.stopAt) : undefined;
      if (m === undefined || s === undefined || m > current + 1 || s >= m || m - s > monthsBack) throw badCursor();
      if (value!.sk !== undefined && (typeof value!.sk !== 'string' || value!.sk.length > 1024)) throw badCursor();
      month = m;
      stopAt = s;
      startKey = typeof value!.sk === 'string' ? { pk: `ALERTS#${monthName(month)}`, sk: value!.sk } : undefined;
    }
    const alerts: AlertView[] = [];
    for (let queries = 0; month > stopAt; queries++) {
      if (queries >= maxQueries) {
        return { alerts, cursor: encodeCursor({ month: monthName(month), ...(startKey ? { sk: startKey.sk } : {}), stopAt: monthName(stopAt) }) };
      }
      const result = await access.client().send(
        new QueryCommand({
          TableName: access.tableName,
          KeyConditionExpression: 'pk = :month',
          ExpressionAttributeValues: { ':month': `ALERTS#${monthName(month)}` },
          ScanIndexForward: false,
          Limit: limit - alerts.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        const record = item as AlertRecord;
        alerts.push({ sentAt: record.sentAt, clipId: record.clipId, camera: record.camera, subject: record.subject, message: record.message });
      }
      if (result.LastEvaluatedKey) {
        startKey = { pk: String(result.LastEvaluatedKey.pk), sk: String(result.LastEvaluatedKey.sk) };
        if (alerts.length >= limit) return { alerts, cursor: encodeCursor({ month: monthName(month), sk: startKey.sk, stopAt: monthName(stopAt) }) };
        continue;
      }
      startKey = undefined;
      month -= 1;
      if (alerts.length >= limit) return { alerts, cursor: month > stopAt ? encodeCursor({ month: monthName(month), stopAt: monthName(stopAt) }) : undefined };
    }
    return { alerts };
  };
}
