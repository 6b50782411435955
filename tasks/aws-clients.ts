/**
 * The AWS SDK clients the tasks use, created at first use and then reused (one per Lambda
 * container). No endpoint, region or credentials here: the SDK's standard variables
 * (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SFN`, `AWS_REGION`,
 * …) decide, so the same code talks to AWS in Lambda and to the local endpoints on one
 * machine. Each client is instrumented by the Tracer (a no-op outside Lambda).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ENV } from '../workflows/clip-contract.ts';
import { tracer } from './observability.ts';

let s3: S3Client | undefined;
let documents: DynamoDBDocumentClient | undefined;
let sfn: SFNClient | undefined;

export function s3Client(): S3Client {
  s3 ??= tracer.captureAWSv3Client(new S3Client({}));
  return s3;
}

/** DynamoDB with plain JavaScript values (undefined attributes are left out). */
export function catalogClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documents;
}

export function stepFunctionsClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

/** A required environment variable, with an error that names it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set: the stack (or 'camflow up') sets it for every task; set it before calling this handler.`);
  return value;
}

/** The catalog table's name (env `CATALOG_TABLE`). */
export function catalogTableName(): string {
  return requiredEnv(ENV.table);
}
