/**
 * Follows one upload's workflow execution and prints each state as it finishes — what the
 * demo shows. It only reads the Step Functions API (ListExecutions, DescribeExecution,
 * GetExecutionHistory), as the console or the AWS CLI would.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { timelineFromHistory } from './step-functions/state-timeline.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function findExecutionForKey(sfn: SFNClient, stateMachineArn: string, key: string): Promise<string | undefined> {
  const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100 }));
  for (const execution of page.executions ?? []) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
    const input = JSON.parse(described.input ?? '{}') as { clip?: { key?: string } };
    if (input.clip?.key === key) return execution.executionArn;
  }
  return undefined;
}

export async function readHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Prints each state once it has left (or failed), then the execution's end. Returns its status. */
export async function followExecution(
  stack: { clients: { sfn: SFNClient }; stateMachineArn: string },
  options: { key: string; print: (line: string) => void; timeoutMs?: number },
): Promise<string> {
  const { sfn } = stack.clients;
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  let executionArn: string | undefined;
  while (!executionArn && Date.now() < deadline) {
    executionArn = await findExecutionForKey(sfn, stack.stateMachineArn, options.key);
    if (!executionArn) await sleep(200);
  }
  if (!executionArn) {
    options.print(`no execution started for ${options.key}`);
    return 'NOT_STARTED';
  }
  const name = executionArn.split(':').pop();
  options.print(`execution ${name} started`);
  const shown = new Set<string>();
  const started = Date.now();
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const steps = timelineFromHistory(await readHistory(sfn, executionArn));
    for (const step of steps) {
      const id = `${step.name}#${step.entered.toISOString()}`;
      if (shown.has(id) || step.status === 'RUNNING') continue;
      shown.add(id);
      const mark = step.status === 'SUCCEEDED' ? '✓' : '✗';
      const retries = step.retries ? `, ${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : '';
      const error = step.error ? `  ${step.error}${step.cause ? `: ${step.cause}` : ''}` : '';
      options.print(`  ${mark} ${step.name.padEnd(30)} ${formatDuration(step.durationMs)}${retries}${error}`);
    }
    if (described.status !== 'RUNNING') {
      options.print(`execution ${described.status} in ${formatDuration(Date.now() - started)}` + (described.error ? ` — ${described.error}: ${described.cause ?? ''}` : ''));
      return described.status ?? 'UNKNOWN';
    }
    if (Date.now() > deadline) {
      options.print('still running; follow it with `npx camflow status ' + name + '`');
      return 'RUNNING';
    }
    await sleep(250);
  }
}
