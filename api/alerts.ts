/**
 * Where `GET /alerts` reads the alerts that were sent: in AWS the catalog's alert records
 * (`ALERTS#{yyyy-mm}` partitions, newest first), locally the SNS stand-in's outbox. Both are
 * an `AlertsSource`: one page of alerts, newest first, and a cursor for the next.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRecord } from '../workflows/clip-contract.ts';
import type { CatalogAccess } from './catalog.ts';
import { decodeCursorValue, encodeCursor } from './cursor.ts';
import { ApiError, ERROR_CODES } from './errors.ts';

export type AlertView = AlertRecord;

export type AlertsSource = (cursor: string | undefined, limit: number) => Promise<{ alerts: AlertView[]; cursor?: string }>;

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 2, 1));
  return d.toISOString().slice(0, 7);
}

function badCursor() {
  return new ApiError(400, ERROR_CODES.invalidCursor, 'cursor: not a cursor this API issued for alerts. Start again without a cursor.', 'cursor');
}

/**
 * Alerts from the catalog: a Query per month partition, newest month first, walking back at
 * most `monthsBack` months per page — a bounded number of small queries, whatever the table holds.
 */
export function catalogAlertsSource(access: CatalogAccess, options: { monthsBack?: number; now?: () => Date } = {}): AlertsSource {
  const monthsBack = options.monthsBack ?? 12;
  return async (cursor, limit) => {
    let month = (options.now?.() ?? new Date()).toISOString().slice(0, 7);
    let startKey: Record<string, string> | undefined;
    let stopAt = previousMonthN(month, monthsBack);
    if (cursor) {
      const value = decodeCursorValue(cursor) as { month?: unknown; sk?: unknown; stopAt?: unknown };
      if (typeof value?.month !== 'string' || !/^\d{4}-\d{2}$/.test(value.month)) throw badCursor();
      if (typeof value.stopAt !== 'string' || !/^\d{4}-\d{2}$/.test(value.stopAt)) throw badCursor();
      if (value.sk !== undefined && typeof value.sk !== 'string') throw badCursor();
      month = value.month;
      stopAt = value.stopAt;
      startKey = typeof value.sk === 'string' ? { pk: `ALERTS#${month}`, sk: value.sk } : undefined;
    }
    const alerts: AlertView[] = [];
    while (month > stopAt) {
      const result = await access.client().send(
        new QueryCommand({
          TableName: access.tableName,
          KeyConditionExpression: 'pk = :month',
          ExpressionAttributeValues: { ':month': `ALERTS#${month}` },
          ScanIndexForward: false,
          Limit: limit - alerts.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        alerts.push({ sentAt: item.sentAt, clipId: item.clipId, camera: item.camera, subject: item.subject, message: item.message });
      }
      if (result.LastEvaluatedKey) {
        if (alerts.length >= limit) return { alerts, cursor: encodeCursor({ month, sk: result.LastEvaluatedKey.sk, stopAt }) };
        startKey = result.LastEvaluatedKey as Record<string, string>;
        continue;
      }
      startKey = undefined;
      month = previousMonth(month);
      if (alerts.length >= limit) return { alerts, cursor: month > stopAt ? encodeCursor({ month, stopAt }) : undefined };
    }
    return { alerts };
  };
}

function previousMonthN(month: string, n: number): string {
  let m = month;
  for (let i = 0; i < n; i++) m = previousMonth(m);
  return m;
}
