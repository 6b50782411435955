/**
 * The API in AWS: the Hono app behind API Gateway (REST API, proxy integration), through
 * Hono's aws-lambda adapter. Everything comes from the function's environment, set by
 * the `CamflowApi` construct.
 */
import { handle } from 'hono/aws-lambda';
import type { Context } from 'hono';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { ENV } from '../domain/clip-contract.ts';
import { createApiApp } from './app.ts';
import { lazyApiClients } from './aws-clients.ts';
import { catalogAlertsSource } from './alerts.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import type { ApiDependencies } from './dependencies.ts';
import { API_ENV } from './environment.ts';
import { cameraDefaultsFrom } from '../domain/camera-settings.ts';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set: the CamflowApi construct sets it.`);
  return value;
}

/** The API's dependencies in AWS, from the Lambda environment. */
export function awsApiDependencies(env: NodeJS.ProcessEnv = process.env): ApiDependencies {
  const region = required(env, 'AWS_REGION');
  const userPoolId = required(env, API_ENV.userPoolId);
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const tracer = new Tracer({ serviceName: 'camflow-api' });
  const clients = lazyApiClients({}, (client) => tracer.captureAWSv3Client(client));
  const tableName = required(env, ENV.table);
  return {
    tableName,
    buckets: { uploads: required(env, ENV.uploadsBucket), media: required(env, ENV.mediaBucket) },
    stateMachineArn: required(env, ENV.stateMachineArn),
    clients,
    verifier: createTokenVerifier({ issuer, audience: required(env, API_ENV.userPoolClientId), jwks: new URL(`${issuer}/.well-known/jwks.json`) }),
    alerts: catalogAlertsSource({ client: () => clients.dynamodb, tableName }),
    corsOrigins: (env[API_ENV.corsOrigins] ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    cameraDefaults: cameraDefaultsFrom(env),
    presignExpirySeconds: env[API_ENV.presignExpirySeconds] ? Number(env[API_ENV.presignExpirySeconds]) : undefined,
    // Behind API Gateway the public URL carries the stage: https://{domain}/{stage}.
    publicBaseUrl: (c: Context) => {
      if (env[API_ENV.publicUrl]) return env[API_ENV.publicUrl]!;
      const event = (c.env as { event?: { requestContext?: { domainName?: string; stage?: string } } } | undefined)?.event;
      const domain = event?.requestContext?.domainName;
      const stage = event?.requestContext?.stage;
      return domain ? `https://${domain}${stage && stage !== '$default' ? `/${stage}` : ''}` : new URL(c.req.url).origin;
    },
  };
}

/** The Lambda handler over `deps`. */
export function createHandler(deps: ApiDependencies): ReturnType<typeof handle> {
  return handle(createApiApp(deps));
}

let fromEnvironment: ReturnType<typeof handle> | undefined;

/** The Lambda entry point: its dependencies are built from the environment once per cold start. */
export const handler: ReturnType<typeof handle> = (event, context) => (fromEnvironment ??= createHandler(awsApiDependencies()))(event, context);
