/**
 * Workflow state through `@aws-sdk/client-sfn`: one clip's execution with a per-state
 * timeline (DescribeExecution + GetExecutionHistory), recent executions, and redrive.
 * Step Functions in AWS, the local endpoint on one machine — the same calls.
 */
import { createRoute } from '@hono/zod-openapi';
import { DescribeExecutionCommand, ExecutionDoesNotExist, ExecutionNotRedrivable, InvalidToken, ListExecutionsCommand, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { requireRole } from '../auth/middleware.ts';
import type { ApiApp, ApiContext } from '../context.ts';
import { CursorInvalid } from '../cursor.ts';
import { ApiError, ERROR_CODES, notFound } from '../errors.ts';
import { ClipParams, ExecutionPageSchema, ExecutionParams, ExecutionsQuery, RedriveSchema, WorkflowSchema } from '../schemas.ts';
import { errorResponses, json } from './responses.ts';
import { stateTimeline } from '../workflow-timeline.ts';
import { executionArnFor } from '../../domain/step-functions-arns.ts';
import { CLIP_ID_PATTERN } from '../../domain/clip-identity.ts';
import { clipIdOfExecutionName } from '../../domain/execution-name.ts';
import { getClip } from '../catalog.ts';
import { readExecutionHistory } from '../execution-history.ts';

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

/** The name of a clip's execution, as its catalog item records it; the clip id for a clip without one. */
async function executionNameOfClip(ctx: ApiContext, clipId: string): Promise<string> {
  return (await getClip(ctx.catalog, clipId))?.executionName || clipId;
}

/** Every history event of an execution (a clip's run has a few dozen; a runaway one is cut at 25,000). */
const executionHistory = (ctx: ApiContext, executionArn: string) => readExecutionHistory(ctx.clients.sfn, executionArn, { maxEvents: 25_000 });

export function registerWorkflowRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/clips/{id}/workflow',
      summary: "A clip's workflow: the execution's status and a per-state timeline",
      tags: ['workflow'],
      security: [{ bearer: [] }],
      request: { params: ClipParams },
      responses: { 200: json(WorkflowSchema, 'The execution, state by state'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      // The trigger records the execution's name on the clip (`{camera}-{time}-{digest}`); clips from before were named by clip id.
      const executionArn = executionArnFor(ctx.deps.stateMachineArn, await executionNameOfClip(ctx, id));
      try {
        const [execution, events] = await Promise.all([ctx.clients.sfn.send(new DescribeExecutionCommand({ executionArn })), executionHistory(ctx, executionArn)]);
        return c.json(
          {
            clipId: id,
            executionArn,
            status: String(execution.status),
            startedAt: iso(execution.startDate),
            stoppedAt: iso(execution.stopDate),
            redriveCount: execution.redriveCount,
            error: execution.error,
            cause: execution.cause,
            states: stateTimeline(events),
          },
          200,
        );
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) throw notFound.execution(id);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/executions',
      summary: 'Recent clip workflow executions, newest first',
      tags: ['workflow'],
      security: [{ bearer: [] }],
      request: { query: ExecutionsQuery },
      responses: { 200: json(ExecutionPageSchema, 'One page of executions'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const scope = JSON.stringify([status ?? null]);
      const position = (await ctx.cursors.open('executions', scope, cursor)) as { t?: unknown } | undefined;
      if (position !== undefined && (typeof position?.t !== 'string' || position.t.length === 0 || position.t.length > 1024)) throw new CursorInvalid('executions');
      const nextToken = position?.t as string | undefined;
      let page;
      try {
        page = await ctx.clients.sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: ctx.deps.stateMachineArn,
            ...(status ? { statusFilter: status } : {}),
            maxResults: limit,
            nextToken,
          }),
        );
      } catch (error) {
        // Step Functions' tokens expire after 24 hours: an old cursor is the client's to drop.
        if (error instanceof InvalidToken) {
          throw new ApiError(400, ERROR_CODES.invalidCursor, 'cursor: this executions cursor has expired (Step Functions keeps them 24 hours). Start again without a cursor.', 'cursor');
        }
        throw error;
      }
      return c.json(
        {
          executions: (page.executions ?? []).map((e) => {
            const clipId = clipIdOfExecutionName(String(e.name));
            return {
              name: String(e.name),
              ...(clipId ? { clipId } : {}),
              executionArn: String(e.executionArn),
              status: String(e.status),
              startedAt: iso(e.startDate),
              stoppedAt: iso(e.stopDate),
              redriveCount: e.redriveCount,
            };
          }),
          cursor: await ctx.cursors.seal('executions', scope, page.nextToken ? { t: page.nextToken } : undefined),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/executions/{name}/redrive',
      summary: 'Redrive a failed execution from the state that failed (admin)',
      tags: ['workflow'],
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { params: ExecutionParams },
      responses: { 200: json(RedriveSchema, 'Redriven'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { name: asked } = c.req.valid('param');
      // A clip id names its clip's execution.
      const name = CLIP_ID_PATTERN.test(asked) ? await executionNameOfClip(ctx, asked) : asked;
      const executionArn = executionArnFor(ctx.deps.stateMachineArn, name);
      try {
        const result = await ctx.clients.sfn.send(new RedriveExecutionCommand({ executionArn }));
        ctx.logger.info('execution redriven', { executionName: name, by: c.get('principal').username });
        return c.json({ name, executionArn, redriveDate: iso(result.redriveDate) ?? new Date().toISOString() }, 200);
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) throw notFound.execution(name);
        if (error instanceof ExecutionNotRedrivable) {
          throw new ApiError(409, ERROR_CODES.notRedrivable, `Execution '${name}' cannot be redriven: ${error.message}. Only FAILED, TIMED_OUT or ABORTED executions can.`);
        }
        throw error;
      }
    },
  );
}
