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
import { ENV } from '../domain/clip-contract.ts';
import { tracer } from './observability.ts';

/**
 * One client per configuration: reused while the standard variables it was made from stay
 * the same (always, in Lambda), made anew when they change (a local stack restarted on other
 * ports in the same process, as the end-to-end tests do).
 */
function reusedWhileConfigured<T extends { destroy(): void }>(variables: string[], make: () => T): () => T {
  let client: T | undefined;
  let madeFor: string | undefined;
  return () => {
    const configuration = variables.map((name) => process.env[name] ?? '').join('\n');
    if (!client || configuration !== madeFor) {
      client?.destroy();
      client = make();
      madeFor = configuration;
    }
    return client;
  };
}

const COMMON = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

export const s3Client: () => S3Client = reusedWhileConfigured([...COMMON, 'AWS_ENDPOINT_URL_S3'], () => tracer.captureAWSv3Client(new S3Client({})));

/** DynamoDB with plain JavaScript values (undefined attributes are left out). */
export const catalogClient: () => DynamoDBDocumentClient = reusedWhileConfigured([...COMMON, 'AWS_ENDPOINT_URL_DYNAMODB'], () =>
  DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }),
);

export const stepFunctionsClient: () => SFNClient = reusedWhileConfigured([...COMMON, 'AWS_ENDPOINT_URL_SFN'], () => tracer.captureAWSv3Client(new SFNClient({})));

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
