/**
 * `camflow executions [--status FAILED] [--limit N] [--endpoint URL]`: the clip workflow
 * executions the Step Functions endpoint holds (the local one by default), newest first,
 * one line each; failed ones with their error.
 */
import { safePrinter } from '../terminal-text.ts';
import { DescribeExecutionCommand, paginateListExecutions, paginateListStateMachines, type ExecutionListItem, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { ENDPOINT_FLAG, endpointFrom, formatDuration, formatFailure, formatTime, pad, STEP_FUNCTIONS_ENVIRONMENT, stepFunctionsClient, unreachable } from '../step-functions/command-support.ts';
import { linesTo, readCommandLine, usageLine, type CommandSpec } from '../../domain/command-line.ts';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

export const SPEC: CommandSpec = {
  command: 'camflow executions',
  synopsis: '[--status RUNNING|SUCCEEDED|FAILED|TIMED_OUT|ABORTED] [--limit N] [--endpoint URL]',
  summary: 'Lists the clip workflow executions, newest first, one line each; failed ones with their error.',
  flags: {
    status: { type: 'string', value: 'STATUS', help: `only executions in this status: ${STATUSES.join(', ')}`, default: 'all' },
    limit: { type: 'string', value: 'N', help: 'at most N executions', default: '50' },
    endpoint: ENDPOINT_FLAG,
  },
  environment: STEP_FUNCTIONS_ENVIRONMENT,
  notes: 'Exit code: 0 listed, 1 a bad option or the endpoint cannot be read.',
};

export async function run(args: string[], printLine: (line: string) => void = console.log): Promise<number> {
  // Names, causes and arguments come from users and uploads: every line is printed escaped.
  const print = safePrinter(printLine);
  const parsed = readCommandLine<{ status?: string; limit?: string; endpoint?: string }>(SPEC, args, linesTo(print));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const status = values.status?.toUpperCase();
  if (status !== undefined && !STATUSES.includes(status)) {
    print(`--status must be one of ${STATUSES.join(', ')}`);
    print(usageLine(SPEC));
    return 1;
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    print('--limit must be a positive whole number');
    print(usageLine(SPEC));
    return 1;
  }
  const endpoint = endpointFrom(values.endpoint);
  const client = stepFunctionsClient(endpoint);
  try {
    const machines = [];
    for await (const page of paginateListStateMachines({ client }, {})) machines.push(...(page.stateMachines ?? []));
    const rows: Array<ExecutionListItem & { machine: string }> = [];
    for (const machine of machines) {
      const pages = paginateListExecutions({ client, pageSize: Math.min(limit, 1000) }, { stateMachineArn: machine.stateMachineArn, statusFilter: status as ExecutionStatus | undefined });
      for await (const page of pages) {
        rows.push(...(page.executions ?? []).map((execution) => ({ ...execution, machine: machine.name ?? '' })));
        if (rows.length >= limit) break;
      }
    }
    rows.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0));
    const shown = rows.slice(0, limit);
    if (shown.length === 0) {
      print(status ? `No ${status} executions at ${endpoint}.` : `No executions at ${endpoint} yet: upload a clip to start one.`);
      return 0;
    }
    const manyMachines = new Set(shown.map((row) => row.machine)).size > 1;
    const nameWidth = Math.max(12, ...shown.map((row) => (row.name ?? '').length + 2));
    print(`${manyMachines ? pad('STATE MACHINE', 26) : ''}${pad('EXECUTION', nameWidth)}${pad('STATUS', 11)}${pad('STARTED', 21)}${pad('DURATION', 12)}${pad('REDRIVES', 10)}ERROR`);
    for (const row of shown) {
      let failure = '';
      if (row.status === 'FAILED' || row.status === 'ABORTED' || row.status === 'TIMED_OUT') {
        const described = await client.send(new DescribeExecutionCommand({ executionArn: row.executionArn, includedData: 'METADATA_ONLY' }));
        failure = formatFailure(described.error, described.cause, 100);
      }
      const duration = row.startDate ? formatDuration((row.stopDate ?? new Date()).getTime() - row.startDate.getTime()) : '';
      print(
        `${manyMachines ? pad(row.machine, 26) : ''}${pad(row.name ?? '', nameWidth)}${pad(row.status ?? '', 11)}${pad(formatTime(row.startDate), 21)}` +
          `${pad(row.status === 'RUNNING' ? `${duration}…` : duration, 12)}${pad(String(row.redriveCount ?? 0), 10)}${failure}`.trimEnd(),
      );
    }
    print(
      `${shown.length} execution${shown.length === 1 ? '' : 's'}${rows.length > shown.length ? ` (of ${rows.length}+; --limit to see more)` : ''}. \`camflow status <execution>\` shows one state by state.`,
    );
    return 0;
  } catch (error) {
    print(unreachable(error, endpoint) ?? `Listing executions at ${endpoint} failed: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  } finally {
    client.destroy();
  }
}
