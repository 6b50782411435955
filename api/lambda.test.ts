/** The Lambda entry point: API Gateway proxy events through Hono's adapter, configured from the environment. */
import { beforeAll, expect, it } from 'vitest';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context as LambdaContext } from 'aws-lambda';

const ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  USER_POOL_ID: 'eu-west-1_abc',
  USER_POOL_CLIENT_ID: 'client-1',
  CATALOG_TABLE: 'camflow',
  UPLOADS_BUCKET: 'uploads',
  MEDIA_BUCKET: 'media',
  CLIP_WORKFLOW_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:camflow-clip-workflow',
  CORS_ORIGINS: 'https://cams.example.com',
};

let handler: (event: APIGatewayProxyEvent, context: LambdaContext) => Promise<APIGatewayProxyResult>;
let lambdaModule: typeof import('./lambda.ts');

function event(path: string, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: 'GET',
    headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com', origin: 'https://cams.example.com', ...headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { stage: 'api', domainName: 'abc.execute-api.eu-west-1.amazonaws.com', path: `/api${path}`, httpMethod: 'GET', requestId: 'r1' } as APIGatewayProxyEvent['requestContext'],
    body: null,
    isBase64Encoded: false,
  };
}

beforeAll(async () => {
  lambdaModule = await import('./lambda.ts');
  // The function's environment, given to the handler as Lambda's cold start reads it (process.env untouched).
  handler = lambdaModule.createHandler(lambdaModule.awsApiDependencies(ENVIRONMENT)) as unknown as typeof handler;
});

it('answers health and the OpenAPI document, with CORS for the web origin', async () => {
  const health = await handler(event('/health'), {} as LambdaContext);
  expect(health.statusCode).toBe(200);
  expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  // REST API events carry multiValueHeaders, so the adapter answers in kind.
  expect(health.multiValueHeaders?.['access-control-allow-origin']).toEqual(['https://cams.example.com']);
  const doc = await handler(event('/openapi.json'), {} as LambdaContext);
  expect(JSON.parse(doc.body).openapi).toBe('3.1.0');
});

it('refuses a request without a token, and a token for another pool, with 401', async () => {
  const missing = await handler(event('/cameras'), {} as LambdaContext);
  expect(missing.statusCode).toBe(401);
  expect(JSON.parse(missing.body).code).toBe('UNAUTHENTICATED');
  const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', aud: 'client-1', exp: 9999999999, 'cognito:groups': ['admin'] })).toString(
    'base64url',
  );
  const none = await handler(event('/cameras', { Authorization: `Bearer ${header}.${payload}.` }), {} as LambdaContext);
  expect(none.statusCode).toBe(401);
});

it('verifies against the Cognito pool of its region and links playback through the stage', () => {
  const deps = lambdaModule.awsApiDependencies(ENVIRONMENT);
  expect(deps.buckets).toEqual({ uploads: 'uploads', media: 'media' });
  expect(deps.corsOrigins).toEqual(['https://cams.example.com']);
  const c = { env: { event: event('/clips/x') }, req: { url: 'https://abc.execute-api.eu-west-1.amazonaws.com/clips/x' } };
  expect((deps.publicBaseUrl as (c: unknown) => string)(c)).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/api');
  const custom = lambdaModule.awsApiDependencies({ ...ENVIRONMENT, API_PUBLIC_URL: 'https://api.cams.example.com' });
  expect((custom.publicBaseUrl as (c: unknown) => string)(c)).toBe('https://api.cams.example.com');
});
