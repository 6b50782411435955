/**
 * Home/away and "why didn't I get an alert?":
 * - `GET /mode`, `PUT /mode` (admin): the household's mode — `home`, `away` or a weekly
 *   schedule — and the mode in force now. In `home` mode only cameras marked `alertWhenHome`
 *   send motion alerts.
 * - `GET /clips/{id}/alert`: what "Decide alert" decided for the clip — sent to which channels,
 *   or not sent and why (alerts off, no channel, quiet hours, home mode, cooldown), or failed
 *   with the error — in AWS and locally alike (the catalog's alert decision item).
 */
import { createRoute } from '@hono/zod-openapi';
import { DEFAULT_MODE_SETTING, modeAt, type ModeSetting } from '../../domain/system-mode.ts';
import { requireRole } from '../auth/middleware.ts';
import { getAlertDecision, getClip, getModeSetting, putModeSetting } from '../catalog.ts';
import type { ApiApp, ApiContext } from '../context.ts';
import { ApiError, ERROR_CODES, notFound } from '../errors.ts';
import { AlertDecisionSchema, ClipParams, ModeBody, ModeSchema } from '../schemas.ts';
import { errorResponses, json } from './responses.ts';

async function readMode(ctx: ApiContext): Promise<ModeSetting> {
  return (await getModeSetting(ctx.catalog)) ?? DEFAULT_MODE_SETTING;
}

function modeView(setting: ModeSetting, now: Date) {
  return { ...setting, current: modeAt(setting, now.toISOString()) };
}

export function registerAlertingRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/mode',
      summary: 'The home/away mode, and the mode in force now',
      tags: ['alerts'],
      security: [{ bearer: [] }],
      responses: { 200: json(ModeSchema, 'The mode'), ...errorResponses(401, 403) },
    }),
    async (c) => c.json(modeView(await readMode(ctx), new Date()), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/mode',
      summary: 'Set the home/away mode or a weekly schedule (admin)',
      description:
        'In home mode only cameras marked alertWhenHome send motion alerts; away, every camera does; a schedule is home during its periods (local to its time zone, across midnight when end <= start) and away otherwise.',
      tags: ['alerts'],
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { body: { content: { 'application/json': { schema: ModeBody } }, required: true } },
      responses: { 200: json(ModeSchema, 'The mode now'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const now = new Date();
      const setting: ModeSetting = { mode: body.mode, ...(body.schedule ? { schedule: body.schedule } : {}), updatedAt: now.toISOString(), updatedBy: c.get('principal').username };
      await putModeSetting(ctx.catalog, setting);
      ctx.logger.info('home/away mode changed', { mode: setting.mode, by: setting.updatedBy });
      return c.json(modeView(setting, now), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/clips/{id}/alert',
      summary: "A clip's motion alert: sent to which channels, or why not",
      tags: ['alerts'],
      security: [{ bearer: [] }],
      request: { params: ClipParams },
      responses: { 200: json(AlertDecisionSchema, 'What was decided, and why'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const decision = await getAlertDecision(ctx.catalog, id);
      if (!decision) {
        if (!(await getClip(ctx.catalog, id))) throw notFound.clip(id);
        // A still (no alert is decided for it), or a video whose workflow has not reached "Decide alert" yet.
        throw new ApiError(
          404,
          ERROR_CODES.alertNotDecided,
          `No alert was decided for clip '${id}': stills do not alert, and a video decides its alert moments after validation (GET /clips/${id}/workflow shows where it is).`,
        );
      }
      return c.json(decision, 200);
    },
  );
}
