/**
 * The camflow REST API: one Hono app, served by Lambda behind API Gateway in AWS
 * (api/lambda.ts) and by a Node server on 127.0.0.1 locally (api/local-server.ts).
 * Schemas are declared once (api/schemas.ts) and give validation and `/openapi.json`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { authenticate } from './auth/middleware.ts';
import { resolveContext, type ApiEnv } from './context.ts';
import type { ApiDependencies } from './dependencies.ts';
import { ApiError, ERROR_CODES } from './errors.ts';
import { registerAlertingRoutes } from './routes/alerting.ts';
import { registerCameraRoutes } from './routes/cameras.ts';
import { registerClipRoutes } from './routes/clips.ts';
import { registerPlaybackRoutes } from './routes/playback.ts';
import { registerServiceRoutes } from './routes/service.ts';
import { registerWorkflowRoutes } from './routes/workflows.ts';

export type { ApiDependencies } from './dependencies.ts';

/** Routes that need no bearer token. The playlist route checks its own signed link. */
export function isPublicRoute(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD' && !(method === 'POST' && path === '/auth/login')) return false;
  return path === '/health' || path === '/openapi.json' || path === '/auth/login' || path === '/.well-known/jwks.json' || /^\/clips\/[^/]+\/playback\/[^/]+$/.test(path);
}

/** Largest request body any route accepts (login, camera settings): refused with 413 before it is read. */
export const MAX_BODY_BYTES = 16 * 1024;

export function bodyTooLarge(): ApiError {
  return new ApiError(413, ERROR_CODES.bodyTooLarge, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB: the API's JSON bodies are small; send only the fields the route takes.`);
}

function validationError(error: ZodError): ApiError {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  const reason = issue?.message ?? 'is invalid';
  return new ApiError(400, field === 'cursor' ? ERROR_CODES.invalidCursor : ERROR_CODES.invalidRequest, field ? `${field}: ${reason}` : reason, field);
}

export function createApiApp(deps: ApiDependencies): OpenAPIHono<ApiEnv> {
  const ctx = resolveContext(deps);
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    if (c.res.status >= 500) ctx.logger.error('request failed', { method: c.req.method, path: c.req.path, status: c.res.status });
    else ctx.logger.debug('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  app.use(
    '*',
    cors({
      origin: deps.corsOrigins ?? [],
      allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    }),
  );
  // Bodies are limited before anything reads them: by Content-Length at once, else while streaming.
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw bodyTooLarge();
      },
    }),
  );
  app.use('*', authenticate(deps.verifier, isPublicRoute));
  // `curl -d '{…}'` labels its body form-urlencoded: the login body is JSON whatever the label.
  app.use('/auth/login', async (c, next) => {
    if (c.req.method === 'POST' && !/application\/json/i.test(c.req.header('content-type') ?? '')) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('content-type', 'application/json');
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  });

  registerServiceRoutes(app, ctx);
  registerCameraRoutes(app, ctx);
  registerClipRoutes(app, ctx);
  registerPlaybackRoutes(app, ctx);
  registerWorkflowRoutes(app, ctx);
  registerAlertingRoutes(app, ctx);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Cognito ID token in AWS; a token from POST /auth/login locally. Roles from the `cognito:groups` claim (admin, viewer).',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'camflow',
      version: '1.0.0',
      description: 'Cameras, clips, playback and the live state of every clip workflow.',
    },
  });

  app.notFound((c) => c.json({ code: ERROR_CODES.routeNotFound, message: `No route ${c.req.method} ${c.req.path}. See /openapi.json.` }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status, error.headers);
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 415 || status === 400 ? ERROR_CODES.invalidRequest : status === 401 ? ERROR_CODES.unauthenticated : ERROR_CODES.internal;
      return c.json({ code, message: error.message || 'The request could not be read: send JSON with Content-Type: application/json.' }, status >= 500 ? 500 : status);
    }
    if (error instanceof SyntaxError) {
      return c.json({ code: ERROR_CODES.invalidRequest, message: 'The body is not valid JSON.' }, 400);
    }
    const name = (error as { name?: string }).name ?? 'Error';
    // An AWS SDK error (it carries $metadata): the service failed or could not be reached.
    const fault = (error as { $fault?: string }).$fault ?? ((error as { $metadata?: unknown }).$metadata ? 'server' : undefined);
    ctx.logger.error('unhandled error', { error, path: c.req.path });
    if (fault) {
      return c.json({ code: ERROR_CODES.upstreamUnavailable, message: `An AWS service failed (${name}); try again shortly.` }, 502);
    }
    return c.json({ code: ERROR_CODES.internal, message: 'Something went wrong on our side; the error is logged.' }, 500);
  });
  return app;
}
