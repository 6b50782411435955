/**
 * The typed API client: openapi-fetch over the types generated from the API's own
 * `/openapi.json` (api/schema.d.ts; `npm run web:types` regenerates them, and a test fails when
 * they differ from what the API serves). Every request carries the session's token; a 401
 * ends the session, which brings the sign-in back.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Camera = Schemas['Camera'];
export type CameraSettings = Schemas['CameraSettings'];
export type ClipSummary = Schemas['ClipSummary'];
export type Clip = Schemas['Clip'];
export type Workflow = Schemas['Workflow'];
export type Alert = Schemas['Alert'];
export type Execution = Schemas['Execution'];
export type ApiClient = ReturnType<typeof createClient<paths>>;

/** An error the API answered with: its code, sentence and, for a 400, the field. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function createApiClient(options: { baseUrl: string; token: () => string | undefined; onUnauthorized: () => void; fetch?: typeof fetch }): ApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch ?? ((request: Request) => fetch(request)) });
  const auth: Middleware = {
    onRequest({ request, schemaPath }) {
      const token = options.token();
      if (token && schemaPath !== '/auth/login') request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response, schemaPath }) {
      if (response.status === 401 && schemaPath !== '/auth/login') options.onUnauthorized();
      return response;
    },
  };
  client.use(auth);
  return client;
}

/** The data of an openapi-fetch result, or its error thrown as an ApiProblem. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = (result.error ?? {}) as { code?: string; message?: string; field?: string };
    throw new ApiProblem(result.response.status, body.code ?? 'HTTP_' + result.response.status, body.message ?? `The API answered ${result.response.status}.`, body.field);
  }
  return result.data as T;
}
