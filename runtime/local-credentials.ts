/**
 * The fixed credentials and region of the local stack. They are printed by `camflow up`
 * and are what any AWS SDK or the AWS CLI uses against the local endpoints.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'camflow', secretAccessKey: 'camflowlocal' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** Where `camflow up` serves DynamoDB by default: the endpoint the CLI commands use when none is given. */
export const LOCAL_DYNAMODB_ENDPOINT = 'http://127.0.0.1:8000';

/** SDK client configuration for the local stack (add `endpoint` per service). */
export function localClientConfig() {
  return { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}

/**
 * S3 client configuration for a local S3 endpoint (s3rver): path-style addressing, and no
 * default trailing checksums (s3rver stores streamed bodies corrupt with them).
 */
export function localS3ClientConfig(endpoint: string) {
  return { ...localClientConfig(), endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const;
}

/**
 * The standard AWS SDK variables that point every client at the local endpoints. Handlers
 * read their endpoints from these and nothing else (no `if (local)` branches).
 */
export function localAwsEnvironment(endpoints: { s3?: string; dynamodb?: string; stepfunctions?: string; sns?: string; mediaconvert?: string }): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    // s3rver stores streamed bodies corrupt when the SDK adds its default trailing checksums.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
  if (endpoints.s3) env.AWS_ENDPOINT_URL_S3 = endpoints.s3;
  if (endpoints.dynamodb) env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  if (endpoints.stepfunctions) env.AWS_ENDPOINT_URL_SFN = endpoints.stepfunctions;
  if (endpoints.sns) env.AWS_ENDPOINT_URL_SNS = endpoints.sns;
  if (endpoints.mediaconvert) env.AWS_ENDPOINT_URL_MEDIACONVERT = endpoints.mediaconvert;
  return env;
}
