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
import { Tracer } from '@aws-lambda-powertools/tracer';

export interface ApiClients {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
}

export const tracer = new Tracer({ serviceName: 'camflow-api' });

function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Clients created lazily (on first property access) and memoized; `overrides` win. */
export function lazyApiClients(overrides: Partial<ApiClients> = {}): ApiClients {
  const dynamodb = memo(() =>
    overrides.dynamodb ??
    DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } }),
  );
  const s3 = memo(() => overrides.s3 ?? tracer.captureAWSv3Client(new S3Client({})));
  const sfn = memo(() => overrides.sfn ?? tracer.captureAWSv3Client(new SFNClient({})));
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
