/**
 * The SDK clients the API calls, built with no endpoint configuration so the standard
 * variables (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SFN`, region,
 * credentials) decide where they go — Lambda's environment in AWS, the local endpoints on
 * one machine. Each is created at first use and then reused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

export interface ApiClients {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
}

/** Wraps a client for tracing (in Lambda: the Powertools Tracer's `captureAWSv3Client`). */
export type ClientInstrumentation = <T>(client: T) => T;

function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * Clients created lazily (on first property access) and memoized; `overrides` win.
 * `instrument` wraps each new client: api/lambda.ts passes the Powertools Tracer. The local
 * server passes nothing — importing the X-Ray SDK installs a process-wide async hook that
 * costs on every promise and traces nothing outside Lambda.
 */
export function lazyApiClients(overrides: Partial<ApiClients> = {}, instrument: ClientInstrumentation = (client) => client): ApiClients {
  const dynamodb = memo(() => overrides.dynamodb ?? DynamoDBDocumentClient.from(instrument(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } }));
  const s3 = memo(() => overrides.s3 ?? instrument(new S3Client({})));
  const sfn = memo(() => overrides.sfn ?? instrument(new SFNClient({})));
  return {
    get dynamodb() {
      return dynamodb();
    },
    get s3() {
      return s3();
    },
    get sfn() {
      return sfn();
    },
  };
}
