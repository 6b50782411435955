/**
 * Every history event of an execution, page after page, without the states' input and output
 * (a timeline needs neither). Works against Step Functions in AWS and the local endpoint; used
 * by `camflow status`, the demo's progress lines and the API's workflow route.
 */
import { paginateGetExecutionHistory, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

export async function readExecutionHistory(sfn: SFNClient, executionArn: string, options: { maxEvents?: number } = {}): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn, includeExecutionData: false })) {
    events.push(...(page.events ?? []));
    if (events.length >= (options.maxEvents ?? Infinity)) break;
  }
  return events;
}
