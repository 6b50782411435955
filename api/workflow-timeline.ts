/**
 * The per-state timeline of an execution, from its history events. The reading of the
 * history is the local Step Functions engineer's `timelineFromHistory`
 * (runtime/step-functions/state-timeline.ts), shared by `camflow status` and this API.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

export async function stateTimeline(events: HistoryEvent[]): Promise<Array<Record<string, unknown> & { name: string; status: string; retries: number }>> {
  const { timelineFromHistory } = (await import('../runtime/step-functions/state-timeline.ts')) as {
    timelineFromHistory: (events: HistoryEvent[]) => Array<Record<string, unknown> & { name: string; status: string; retries: number }>;
  };
  return timelineFromHistory(events);
}
