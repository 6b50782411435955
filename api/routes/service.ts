/** Health, the local issuer's login and key set, and alerts. */
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, ERROR_CODES } from '../errors.ts';
import type { ApiApp, ApiContext } from '../context.ts';
import { clientAddress } from '../client-address.ts';
import { AlertPageSchema, LoginBody, LoginResponse, PageQuery } from '../schemas.ts';
import { errorResponses, json } from './responses.ts';
import { CursorInvalid } from '../cursor.ts';

export function registerServiceRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      summary: 'Liveness (no authentication)',
      tags: ['service'],
      responses: { 200: json(z.object({ status: z.literal('ok') }).openapi('Health'), 'The API is up') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  const issuer = ctx.deps.localIssuer;
  if (issuer) {
    app.openapi(
      createRoute({
        method: 'post',
        path: '/auth/login',
        summary: 'Sign in (local issuer only; in AWS sign in with Cognito)',
        description:
          'Checks the user name and password against the users created by `camflow users add` and returns a short-lived ES256 token. After 10 failed attempts for a user name (or 30 from an address) in 5 minutes, sign-in is refused with 429 and `Retry-After`.',
        tags: ['auth'],
        request: { body: { content: { 'application/json': { schema: LoginBody } }, required: true } },
        responses: { 200: json(LoginResponse, 'A bearer token'), ...errorResponses(400, 401, 413, 429) },
      }),
      async (c) => {
        const { username, password } = c.req.valid('json');
        const attempt = ctx.loginLimiter.attempt(username, clientAddress(c));
        if (!attempt.allowed) {
          ctx.logger.warn('login rate-limited', { username, limitedBy: attempt.limitedBy });
          throw new ApiError(
            429,
            ERROR_CODES.tooManyAttempts,
            `Too many failed sign-ins for this ${attempt.limitedBy === 'user' ? 'user name' : 'address'}: try again in ${attempt.retryAfterSeconds} s.`,
            undefined,
            { 'Retry-After': String(attempt.retryAfterSeconds) },
          );
        }
        const result = await issuer.login(username, password);
        if (!result) {
          ctx.logger.warn('login refused', { username });
          throw new ApiError(401, ERROR_CODES.badCredentials, 'Wrong user name or password. Create users with `npx camflow users add NAME --role admin|viewer`.');
        }
        attempt.succeeded();
        return c.json(result, 200);
      },
    );
    app.openapi(
      createRoute({
        method: 'post',
        path: '/auth/refresh',
        summary: 'A new token before this one expires (local issuer only; in AWS Cognito refreshes)',
        description: 'Send a valid token as the bearer: the answer is a new one, with the user’s current role. Renewal stops 12 h after the password was given: then sign in again.',
        tags: ['auth'],
        security: [{ bearer: [] }],
        responses: { 200: json(LoginResponse, 'A new bearer token'), ...errorResponses(401) },
      }),
      async (c) => {
        const result = await issuer.renew(c.get('principal'));
        if (!result) throw new ApiError(401, ERROR_CODES.unauthenticated, 'This sign-in can no longer be renewed (12 h passed, or the user was removed): sign in again.');
        return c.json(result, 200);
      },
    );
    app.get('/.well-known/jwks.json', (c) => c.json(issuer.jwks(), 200, { 'cache-control': 'public, max-age=300' }));
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/alerts',
      summary: 'Alerts sent, newest first',
      tags: ['alerts'],
      security: [{ bearer: [] }],
      request: { query: PageQuery },
      responses: { 200: json(AlertPageSchema, 'One page of alerts'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      // The source's own cursor travels sealed: a client cannot hand the source one it made up.
      const position = await ctx.cursors.open('alerts', '', cursor);
      if (position !== undefined && typeof position !== 'string') throw new CursorInvalid('alerts');
      const page = await ctx.deps.alerts(position, limit);
      return c.json({ alerts: page.alerts, cursor: await ctx.cursors.seal('alerts', '', page.cursor) }, 200);
    },
  );
}
