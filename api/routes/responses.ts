/** Shared pieces of route declarations. */
import type { z } from '@hono/zod-openapi';
import { ErrorSchema } from '../schemas.ts';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `field` names the parameter, `message` the reason',
  401: 'Missing, expired or invalid bearer token',
  403: 'Your role does not allow this',
  404: 'No such clip, camera or execution',
  409: 'Conflicts with the current state (e.g. the clip is held)',
  413: 'The request body is larger than the API accepts (16 KiB)',
  429: 'Too many failed sign-ins for this user name or address: wait `Retry-After` seconds',
  502: 'An AWS service the API depends on failed',
};

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export function errorResponses<S extends number>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((s) => [s, json(ErrorSchema, ERROR_DESCRIPTIONS[s] ?? 'Error')])) as Record<S, ReturnType<typeof json<typeof ErrorSchema>>>;
}
