/**
 * Finding a clip's execution by its clip id through the Step Functions API alone (no catalog):
 * executions are named `{camera}-{upload time}-{digest}` (domain/execution-name.ts), or by the
 * clip id itself before issue 11, so the clip id is read back from each name. Newest first, as
 * ListExecutions returns them; `camflow status`, the demo's progress lines, tests and benches.
 */
import { paginateListExecutions, type SFNClient } from '@aws-sdk/client-sfn';
import { clipIdOfExecutionName } from '../../domain/execution-name.ts';

/** The ARN of the newest execution of `stateMachineArn` that processes `clipId`, or undefined. */
export async function findClipExecutionArn(sfn: SFNClient, stateMachineArn: string, clipId: string): Promise<string | undefined> {
  for await (const page of paginateListExecutions({ client: sfn, pageSize: 1000 }, { stateMachineArn })) {
    const found = page.executions?.find((e) => e.name && (e.name === clipId || clipIdOfExecutionName(e.name) === clipId));
    if (found?.executionArn) return found.executionArn;
  }
  return undefined;
}
