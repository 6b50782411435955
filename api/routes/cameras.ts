/** Cameras: the list, one camera's clips, and its settings. */
import { createRoute } from '@hono/zod-openapi';
import { getCamera, listCameraClips, listCameras, updateCameraSettings } from '../catalog.ts';
import { notFound, invalid } from '../errors.ts';
import { requireRole } from '../auth/middleware.ts';
import type { ApiApp, ApiContext } from '../context.ts';
import { CameraClipsQuery, CameraPageSchema, CameraParams, CameraSettingsBody, CameraSettingsSchema, ClipPageSchema, PageQuery } from '../schemas.ts';
import { errorResponses, json } from './responses.ts';
import { toInstant } from '../instants.ts';
import { cameraView } from '../views.ts';
import { clipSummariesWithPosters } from './clips.ts';

export function registerCameraRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/cameras',
      summary: 'Cameras, with display name, last clip time, clip count and settings',
      tags: ['cameras'],
      security: [{ bearer: [] }],
      request: { query: PageQuery },
      responses: { 200: json(CameraPageSchema, 'One page of cameras'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listCameras(ctx.catalog, { limit, after: await ctx.cursors.open('cameras', '', cursor) });
      return c.json({ cameras: page.items.map((r) => cameraView(r, ctx.deps.cameraDefaults ?? {})), cursor: await ctx.cursors.seal('cameras', '', page.next) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/cameras/{id}/clips',
      summary: "A camera's clips, newest first",
      tags: ['cameras', 'clips'],
      security: [{ bearer: [] }],
      request: { params: CameraParams, query: CameraClipsQuery },
      responses: { 200: json(ClipPageSchema, 'One page of clips, newest first'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      // Instants, in the stored UTC form: offsets compare right, and the cursor is bound to them.
      const from = query.from === undefined ? undefined : toInstant('from', query.from);
      const to = query.to === undefined ? undefined : toInstant('to', query.to);
      if (from && to && from > to) throw invalid('from', 'must not be after to');
      const scope = JSON.stringify([id, from ?? null, to ?? null]);
      const after = await ctx.cursors.open('camera-clips', scope, query.cursor);
      const page = await listCameraClips(ctx.catalog, id, { from, to, limit: query.limit, after });
      if (page.items.length === 0 && after === undefined && !(await getCamera(ctx.catalog, id))) throw notFound.camera(id);
      return c.json({ clips: await clipSummariesWithPosters(ctx, page.items), cursor: await ctx.cursors.seal('camera-clips', scope, page.next) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/cameras/{id}/settings',
      summary: "A camera's settings",
      tags: ['cameras'],
      security: [{ bearer: [] }],
      request: { params: CameraParams },
      responses: { 200: json(CameraSettingsSchema, 'The settings'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const record = await getCamera(ctx.catalog, id);
      if (!record) throw notFound.camera(id);
      return c.json(cameraView(record, ctx.deps.cameraDefaults ?? {}).settings, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/cameras/{id}/settings',
      summary: "Change a camera's settings (admin)",
      description:
        'Fields left out keep their value (a camera that never chose one follows the stack default). A camera that has not uploaded yet is created. The retention class applies to clips cataloged from now on.',
      tags: ['cameras'],
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { params: CameraParams, body: { content: { 'application/json': { schema: CameraSettingsBody } }, required: true } },
      responses: { 200: json(CameraSettingsSchema, 'The settings now'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const changes = c.req.valid('json');
      const record = await updateCameraSettings(ctx.catalog, id, changes);
      ctx.logger.info('camera settings changed', { camera: id, changes, by: c.get('principal').username });
      return c.json(cameraView(record, ctx.deps.cameraDefaults ?? {}).settings, 200);
    },
  );
}
