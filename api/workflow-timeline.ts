/**
 * The per-state timeline of an execution, from its history events, as the API shows it
 * (`StateTimelineEntrySchema`). Reading the history is `timelineFromHistory`
 * (domain/state-timeline.ts), shared with `camflow status`; this only turns
 * its dates into ISO strings.
 */
import type { z } from '@hono/zod-openapi';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { timelineFromHistory } from '../domain/state-timeline.ts';
import type { StateTimelineEntrySchema } from './schemas.ts';

export type StateTimelineEntry = z.infer<typeof StateTimelineEntrySchema>;

export function stateTimeline(events: HistoryEvent[]): StateTimelineEntry[] {
  return timelineFromHistory(events).map(({ entered, left, ...step }) => ({
    ...step,
    enteredAt: entered.toISOString(),
    ...(left ? { leftAt: left.toISOString() } : {}),
  }));
}
