/**
 * The per-state timeline of an execution, from its history events, as the API shows it.
 * Reading the history is `timelineFromHistory` (runtime/step-functions/state-timeline.ts),
 * shared with `camflow status`; this only turns its dates into ISO strings.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { timelineFromHistory } from '../runtime/step-functions/state-timeline.ts';

export interface StateTimelineEntry {
  name: string;
  type: string;
  status: string;
  enteredAt: string;
  leftAt?: string;
  durationMs?: number;
  retries: number;
  error?: string;
  cause?: string;
  parent?: string;
  redriveCount: number;
}

export function stateTimeline(events: HistoryEvent[]): StateTimelineEntry[] {
  return timelineFromHistory(events).map((step) => ({
    name: step.name,
    type: step.type,
    status: step.status,
    enteredAt: step.entered.toISOString(),
    ...(step.left ? { leftAt: step.left.toISOString() } : {}),
    ...(step.durationMs !== undefined ? { durationMs: step.durationMs } : {}),
    retries: step.retries,
    ...(step.error !== undefined ? { error: step.error } : {}),
    ...(step.cause !== undefined ? { cause: step.cause } : {}),
    ...(step.parent ? { parent: step.parent } : {}),
    redriveCount: step.redriveCount,
  }));
}
