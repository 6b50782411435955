/**
 * Every history event of an execution, page after page, without the states' input and output
 * (a timeline needs neither). Works against Step Functions in AWS and the local endpoint; used
 * by `camflow status`, the demo's progress lines and the API's workflow route.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

export async function readExecutionHistory(sfn: SFNClient, executionArn: string, options: { maxEvents?: number } = {}): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken && events.length < (options.maxEvents ?? Infinity));
  return events;
}
