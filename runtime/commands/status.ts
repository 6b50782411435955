/**
 * `camflow status <clip-id> [--endpoint URL]`: one clip's workflow execution (named after
 * the clip id), a line per state with its status, duration, retries and error.
 */
import { safePrinter, terminalText } from '../terminal-text.ts';
import { DescribeExecutionCommand, ListStateMachinesCommand, type DescribeExecutionCommandOutput, type HistoryEvent } from '@aws-sdk/client-sfn';
import { executionArnFor, isValidName } from '../../domain/step-functions-arns.ts';
import { findClipExecutionArn } from '../step-functions/clip-execution.ts';
import { readExecutionHistory } from '../../api/execution-history.ts';
import { ENDPOINT_FLAG, endpointFrom, formatDuration, formatFailure, formatTime, pad, STEP_FUNCTIONS_ENVIRONMENT, stepFunctionsClient, unreachable } from '../step-functions/command-support.ts';
import { timelineFromHistory, type StateStep } from '../../domain/state-timeline.ts';
import { linesTo, readCommandLine, usageLine, type CommandSpec } from '../../domain/command-line.ts';

export const SPEC: CommandSpec = {
  command: 'camflow status',
  synopsis: '<clip-id> [--endpoint URL]',
  summary: "One clip's workflow execution, a line per state with its status, duration, retries and error. <clip-id> is the clip id or the execution name (`camflow executions` lists them).",
  positionals: true,
  flags: { endpoint: ENDPOINT_FLAG },
  environment: STEP_FUNCTIONS_ENVIRONMENT,
  notes: 'Exit code: 0 shown, 1 no such execution, a bad argument or the endpoint cannot be read.',
};

/** The lines `camflow status` prints for an execution and its history, control characters escaped. */
export function statusReport(execution: Pick<DescribeExecutionCommandOutput, 'name' | 'status' | 'startDate' | 'stopDate' | 'error' | 'cause' | 'redriveCount'>, events: HistoryEvent[]): string[] {
  const steps = timelineFromHistory(events);
  const took = execution.startDate ? formatDuration((execution.stopDate ?? new Date()).getTime() - execution.startDate.getTime()) : '';
  const redriven = execution.redriveCount ? `, redriven ${execution.redriveCount}×` : '';
  const lines = [`${execution.name}  ${execution.status}  started ${formatTime(execution.startDate)}, ${execution.status === 'RUNNING' ? 'running for' : 'took'} ${took}${redriven}`];
  const failure = formatFailure(execution.error, execution.cause);
  if (failure) lines.push(`  ${failure}`);
  const depth = (step: StateStep): number => {
    let level = 0;
    let parent = step.parent;
    while (parent && level < 10) {
      level++;
      parent = steps.find((candidate) => candidate.name === parent)?.parent;
    }
    return level;
  };
  const nameWidth = Math.max(24, ...steps.map((step) => step.name.length + 2 * depth(step) + 4));
  let redrive = 0;
  for (const step of steps) {
    if (step.redriveCount !== redrive) {
      redrive = step.redriveCount;
      lines.push(`  -- redrive ${redrive} --`);
    }
    const name = `${'  '.repeat(depth(step) + 1)}${step.name}`;
    const duration = step.status === 'RUNNING' ? `${formatDuration(Date.now() - step.entered.getTime())}…` : formatDuration(step.durationMs);
    const retries = step.retries > 0 ? `retries ${step.retries}` : '';
    const why = formatFailure(step.error, step.cause);
    lines.push(`${pad(name, nameWidth)}${pad(step.status, 11)}${duration.padStart(10)}  ${pad(retries, 11)}${why}`.trimEnd());
  }
  if (steps.length === 0) lines.push('  (no state entered yet)');
  return lines.map(terminalText);
}

export async function run(args: string[], printLine: (line: string) => void = console.log): Promise<number> {
  // Names, causes and arguments come from users and uploads: every line is printed escaped.
  const print = safePrinter(printLine);
  const parsed = readCommandLine<{ endpoint?: string }>(SPEC, args, linesTo(print));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values, positionals } = parsed;
  const clipId = positionals[0];
  if (!clipId || positionals.length > 1) {
    print(usageLine(SPEC));
    return 1;
  }
  if (!isValidName(clipId)) {
    print(`"${clipId}" is not a clip id (letters, digits, "-" and "_"; \`camflow executions\` lists them).`);
    return 1;
  }
  const endpoint = endpointFrom(values.endpoint);
  const client = stepFunctionsClient(endpoint);
  try {
    const machines = (await client.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
    for (const machine of machines) {
      // Executions are named `{camera}-{time}-{digest}`: accept that name, or find the clip's.
      const executionArn = (await findClipExecutionArn(client, machine.stateMachineArn!, clipId)) ?? executionArnFor(machine.stateMachineArn!, clipId);
      let execution: DescribeExecutionCommandOutput;
      try {
        execution = await client.send(new DescribeExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }));
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') continue;
        throw error;
      }
      const events = await readExecutionHistory(client, executionArn);
      for (const line of statusReport(execution, events)) print(line);
      return 0;
    }
    print(`No workflow execution for clip "${clipId}" at ${endpoint} (\`camflow executions\` lists them).`);
    return 1;
  } catch (error) {
    print(unreachable(error, endpoint) ?? `Reading clip "${clipId}" at ${endpoint} failed: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  } finally {
    client.destroy();
  }
}
