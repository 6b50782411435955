/**
 * Follows one clip's workflow execution and prints each state as it finishes — what the
 * demo shows. It only reads the Step Functions API (DescribeExecution, GetExecutionHistory),
 * as the console or the AWS CLI would.
 */
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { findClipExecutionArn } from './step-functions/clip-execution.ts';
import { timelineFromHistory } from '../domain/state-timeline.ts';
import { readExecutionHistory } from '../api/execution-history.ts';
import { formatDuration } from './step-functions/command-support.ts';
import { safePrinter } from './terminal-text.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Prints each state once it has left (or failed), then the execution's end. Returns its
 * status. Errors and causes can quote user text: every line is printed escaped.
 */
export async function followExecution(
  stack: { clients: { sfn: SFNClient }; stateMachineArn: string },
  options: { clipId: string; print: (line: string) => void; timeoutMs?: number },
): Promise<string> {
  const { sfn } = stack.clients;
  const print = safePrinter(options.print);
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  // The trigger starts the clip's execution (`{camera}-{time}-{digest}`) moments after the upload.
  const name = options.clipId;
  let executionArn = '';
  const describe = async () => {
    executionArn ||= (await findClipExecutionArn(sfn, stack.stateMachineArn, options.clipId)) ?? '';
    if (!executionArn) return undefined;
    return sfn.send(new DescribeExecutionCommand({ executionArn })).catch((error: Error) => {
      if (error.name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    });
  };
  while (!(await describe())) {
    if (Date.now() > deadline) {
      print(`no execution started for clip ${name}`);
      return 'NOT_STARTED';
    }
    await sleep(200);
  }
  print(`execution ${executionArn.slice(executionArn.lastIndexOf(':') + 1)} started`);
  const shown = new Set<string>();
  const started = Date.now();
  for (;;) {
    const described = (await describe())!;
    const steps = timelineFromHistory(await readExecutionHistory(sfn, executionArn));
    for (const step of steps) {
      const id = `${step.name}#${step.entered.toISOString()}`;
      if (shown.has(id) || step.status === 'RUNNING') continue;
      shown.add(id);
      const mark = step.status === 'SUCCEEDED' ? '✓' : '✗';
      const retries = step.retries ? `, ${step.retries} retr${step.retries === 1 ? 'y' : 'ies'}` : '';
      const error = step.error ? `  ${step.error}${step.cause ? `: ${step.cause}` : ''}` : '';
      print(`  ${mark} ${step.name.padEnd(30)} ${formatDuration(step.durationMs)}${retries}${error}`);
    }
    if (described.status !== 'RUNNING') {
      print(`execution ${described.status} in ${formatDuration(Date.now() - started)}` + (described.error ? ` — ${described.error}: ${described.cause ?? ''}` : ''));
      return described.status ?? 'UNKNOWN';
    }
    if (Date.now() > deadline) {
      print('still running; follow it with `npx camflow status ' + name + '`');
      return 'RUNNING';
    }
    await sleep(250);
  }
}
