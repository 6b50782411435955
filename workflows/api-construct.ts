/**
 * `CamflowApi`: the REST API in AWS — a Cognito user pool (groups `admin` and `viewer`, an
 * app client), the API function (api/lambda.ts, Node.js 22 on arm64) with least-privilege
 * IAM, and an API Gateway REST API in front (proxy integration, Cognito authorizer,
 * throttling, access logs, CORS limited to the web app's origin — none when no origin is given).
 *
 * ```ts
 * new CamflowApi(this, 'Api', {
 *   table: this.table, uploadsBucket: this.uploadsBucket, mediaBucket: this.mediaBucket,
 *   stateMachine: this.stateMachine, webOrigin: 'https://cams.example.com', // optional: no CORS without it
 * });
 * ```
 */
import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { ENV, STATE_MACHINE_NAME, type RetentionClass } from '../domain/clip-contract.ts';
import { acknowledge, rendered } from './nag.ts';
import { CamflowFunction, PROJECT_ROOT } from './camflow-function.ts';
import { API_ENV } from '../api/environment.ts';
import { PLAYBACK_KEY_ITEM } from '../api/playback-token.ts';
import { DEFAULT_PRESIGN_EXPIRY_SECONDS } from '../api/dependencies.ts';
import { USER_POOL_PASSWORD_POLICY } from '../domain/password-policy.ts';

export interface CamflowApiProps {
  /** The catalog table (clips, cameras, alert records). The API reads it and changes clips and camera settings. */
  readonly table: dynamodb.ITable;
  /** The uploads bucket: raw clips (presigned for download, tagged on hold, deleted with the clip). */
  readonly uploadsBucket: s3.IBucket;
  /**
   * The media bucket: renditions, posters, thumbnails (presigned for playback, tagged, deleted).
   * When it is a `Bucket` of this app, a CORS rule letting `webOrigin` GET is added to it, so
   * hls.js in the web app can fetch presigned segments.
   */
  readonly mediaBucket: s3.IBucket;
  /** The clip workflow: the API describes its executions, reads their history, lists and redrives them. */
  readonly stateMachine: sfn.IStateMachine;
  /** The clip workflow's name, for the execution ARNs the API may touch. Default `camflow-clip-workflow` (STATE_MACHINE_NAME). */
  readonly stateMachineName?: string;
  /**
   * The web app's origin (`https://cams.example.com`, context `webOrigin`): the only origin CORS
   * allows, and where Cognito may send users back after sign-in and sign-out. HTTPS, except
   * `http://localhost` / `http://127.0.0.1` for development. Default: none — no CORS origin
   * (same-origin and non-browser clients only) and no hosted-UI OAuth on the app client.
   */
  readonly webOrigin?: string;
  /** Lifetime of presigned URLs and playback links. Default 15 minutes. */
  readonly presignExpiry?: Duration;
  /** Steady-state requests per second across the API (stage throttling). Default 50. */
  readonly throttleRateLimit?: number;
  /** Burst of requests the stage accepts above the rate. Default 100. */
  readonly throttleBurstLimit?: number;
  /** Retention of the function's logs and the access logs. Default three months. */
  readonly logRetention?: logs.RetentionDays;
  /** Retention class restored when a hold is released on a camera with no class of its own. Default: the tasks' default ('standard'). */
  readonly defaultRetentionClass?: RetentionClass;
  /** Memory of the API function in MB. Default 512. */
  readonly memorySize?: number;
  /** What happens to the user pool when the stack is deleted. Default RETAIN (users are not recreated). */
  readonly userPoolRemovalPolicy?: RemovalPolicy;
  /** The stage name (part of the URL). Default 'api'. */
  readonly stageName?: string;
}

export class CamflowApi extends Construct {
  /** The REST API. */
  readonly restApi: apigateway.RestApi;
  /** Who may sign in: groups `admin` and `viewer`. */
  readonly userPool: cognito.UserPool;
  /** The app client the web app (and scripts) sign in with; no secret. */
  readonly userPoolClient: cognito.UserPoolClient;
  /** The function serving every route. */
  readonly handler: CamflowFunction;
  /** `https://{id}.execute-api.{region}.amazonaws.com/{stage}` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CamflowApiProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    // --- Who may sign in ---------------------------------------------------------------
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      passwordPolicy: { ...USER_POOL_PASSWORD_POLICY },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.userPoolRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.userPool.addGroup('Admins', { groupName: 'admin', description: 'Change settings, hold, delete, redrive; everything viewers do' });
    this.userPool.addGroup('Viewers', { groupName: 'viewer', description: 'Cameras, clips, playback, workflow state, alerts (read only)' });
    const webOrigin = props.webOrigin === undefined ? undefined : checkWebOrigin(props.webOrigin);
    // The web app signs in with SRP (the password never leaves the browser) and refreshes its
    // tokens; no USER_PASSWORD_AUTH. Hosted UI, if ever used: the authorization-code flow only,
    // back to the web origin — never the implicit flow, never a placeholder URL. No web origin:
    // no OAuth at all.
    this.userPoolClient = this.userPool.addClient('WebApp', {
      generateSecret: false,
      authFlows: { userSrp: true },
      ...(webOrigin
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: [`${webOrigin}/`],
              logoutUrls: [`${webOrigin}/`],
            },
          }
        : { disableOAuth: true }),
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // --- The function ------------------------------------------------------------------
    // camflow's Lambda defaults (workflows/camflow-function.ts); its log group `HandlerLogs` and role `HandlerRole` beside it.
    this.handler = new CamflowFunction(this, 'Handler', {
      entry: join(PROJECT_ROOT, 'api', 'lambda.ts'),
      serviceName: 'camflow-api',
      roleDescription: 'camflow REST API',
      memorySize: props.memorySize ?? 512,
      timeout: Duration.seconds(29),
      logRetention,
      environment: {
        [ENV.table]: props.table.tableName,
        [ENV.uploadsBucket]: props.uploadsBucket.bucketName,
        [ENV.mediaBucket]: props.mediaBucket.bucketName,
        [ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
        ...(props.defaultRetentionClass ? { [ENV.defaultRetentionClass]: props.defaultRetentionClass } : {}),
        [API_ENV.userPoolId]: this.userPool.userPoolId,
        [API_ENV.userPoolClientId]: this.userPoolClient.userPoolClientId,
        [API_ENV.corsOrigins]: webOrigin ?? '',
        [API_ENV.presignExpirySeconds]: String((props.presignExpiry ?? Duration.seconds(DEFAULT_PRESIGN_EXPIRY_SECONDS)).toSeconds()),
      },
    });
    this.grantLeastPrivilege(this.handler.role!, props);

    // --- The REST API ------------------------------------------------------------------
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logRetention });
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [this.userPool] });
    const integration = new apigateway.LambdaIntegration(this.handler, { proxy: true });
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      description: 'camflow: cameras, clips, playback and workflow state',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? 'api',
        throttlingRateLimit: props.throttleRateLimit ?? 50,
        throttlingBurstLimit: props.throttleBurstLimit ?? 100,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs for errors only (access logs record every request).
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
      },
      ...(webOrigin
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: [webOrigin],
              allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
              allowHeaders: ['Authorization', 'Content-Type'],
              maxAge: Duration.minutes(10),
            },
          }
        : {}),
      defaultIntegration: integration,
      defaultMethodOptions: { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO },
    });
    const open = { authorizationType: apigateway.AuthorizationType.NONE };

    // Everything goes to the one function; the Cognito authorizer guards all but these:
    // health, the OpenAPI document, and the playlist route (players send no header; its links are signed).
    this.restApi.root.addProxy({ anyMethod: true });
    this.restApi.root.addResource('health').addMethod('GET', integration, open);
    this.restApi.root.addResource('openapi.json').addMethod('GET', integration, open);
    const clips = this.restApi.root.addResource('clips');
    clips.addMethod('ANY');
    const clip = clips.addResource('{id}');
    clip.addMethod('ANY');
    clip.addProxy({ anyMethod: true });
    clip.addResource('playback').addResource('{playlist}').addMethod('GET', integration, open);

    // Errors API Gateway answers itself: the API's JSON shape, and CORS so the web app can read them.
    const cors: Record<string, string> = webOrigin ? { 'Access-Control-Allow-Origin': `'${webOrigin}'`, Vary: "'Origin'" } : {};
    const gatewayError = (type: apigateway.ResponseType, code: string, message: string) =>
      this.restApi.addGatewayResponse(`${code}Response`, {
        type,
        responseHeaders: cors,
        templates: { 'application/json': JSON.stringify({ code, message }) },
      });
    gatewayError(apigateway.ResponseType.UNAUTHORIZED, 'UNAUTHENTICATED', 'Send a valid Cognito ID token: Authorization: Bearer <token>.');
    gatewayError(apigateway.ResponseType.ACCESS_DENIED, 'FORBIDDEN', 'This token is not allowed here.');
    gatewayError(apigateway.ResponseType.THROTTLED, 'THROTTLED', 'Too many requests: slow down and retry.');
    gatewayError(apigateway.ResponseType.DEFAULT_4XX, 'INVALID_REQUEST', '$context.error.message');
    gatewayError(apigateway.ResponseType.DEFAULT_5XX, 'UPSTREAM_UNAVAILABLE', 'The API is unavailable; try again shortly.');

    if (webOrigin && props.mediaBucket instanceof s3.Bucket) {
      props.mediaBucket.addCorsRule({ allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD], allowedOrigins: [webOrigin], allowedHeaders: ['Range'], maxAge: 600 });
    }

    this.url = this.restApi.url;
    new CfnOutput(this, 'ApiUrl', { value: this.restApi.url, description: 'camflow REST API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool (groups admin, viewer)' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId, description: 'App client to sign in with' });

    acknowledge(this, [
      { id: 'AwsSolutions-COG2', reason: 'MFA is optional (TOTP): a household decides per user; the pool has no self sign-up.' },
      { id: 'AwsSolutions-COG3', reason: 'Cognito threat protection (Plus tier) costs more than the whole household stack.' },
      { id: 'AwsSolutions-COG8', reason: 'The Plus feature plan costs more than the whole household stack; there is no self sign-up.' },
      { id: 'AwsSolutions-APIG2', reason: 'Requests are validated by the API function against its OpenAPI schemas (400 with the field), the same code as locally.' },
      { id: 'AwsSolutions-APIG3', reason: 'WAF costs more than the household stack; API Gateway throttling and Cognito guard the API.' },
      { id: 'AwsSolutions-APIG4', reason: 'The unauthenticated methods are health, the OpenAPI document, CORS preflight and the playlist route, whose links are HMAC-signed and expire.' },
      { id: 'AwsSolutions-COG4', reason: 'The unauthenticated methods are health, the OpenAPI document, CORS preflight and the playlist route, whose links are HMAC-signed and expire.' },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-level API Gateway logging role uses the AWS managed policy made for it.',
      },
    ]);
  }

  /** Exactly the calls the API makes. */
  private grantLeastPrivilege(role: iam.IRole, props: CamflowApiProps): void {
    const stack = Stack.of(this);
    const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) => role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources, conditions }));
    const table = props.table.tableArn;
    const indexes = `${props.table.tableArn}/index/*`;
    // Lists are Queries on the table and its indexes; a clip, a camera, a user, the playback key: GetItem.
    allow(['dynamodb:GetItem', 'dynamodb:Query'], [table, indexes]);
    // Hold and settings (UpdateItem on clips and cameras), delete (DeleteItem on clips), the camera's count.
    allow(['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLIP#*', 'CAMERAS'] } });
    // The playback link key is created once, by the first API instance that needs it.
    allow(['dynamodb:PutItem'], [table], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [PLAYBACK_KEY_ITEM.pk] } });

    for (const bucket of [props.uploadsBucket, props.mediaBucket]) {
      // The clip's own versions: presigned reads, retention tags, legal holds, deletes (S3 refuses held ones).
      allow(
        [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
          's3:PutObjectLegalHold',
          's3:GetObjectLegalHold',
          's3:DeleteObject',
          's3:DeleteObjectVersion',
        ],
        [bucket.arnForObjects('*')],
      );
      allow(['s3:ListBucket', 's3:ListBucketVersions'], [bucket.bucketArn]);
      bucket.encryptionKey?.grantDecrypt(role);
    }

    const machineName = props.stateMachineName ?? STATE_MACHINE_NAME;
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    allow(['states:ListExecutions'], [props.stateMachine.stateMachineArn]);
    allow(['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'], [executions]);

    const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as never);
    acknowledge(role, [
      { id: `AwsSolutions-IAM5[Resource::<${logicalId(props.table)}.Arn>/index/*]`, reason: 'Queries the catalog indexes byCamera, byDay and byStatus.' },
      ...[props.uploadsBucket, props.mediaBucket].map((b) => ({
        id: `AwsSolutions-IAM5[Resource::<${logicalId(b)}.Arn>/*]`,
        reason: 'Presigns, tags and deletes the objects of any clip: keys are per clip, not known at deploy time.',
      })),
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${rendered(stack.region, '<AWS::Region>')}:${rendered(stack.account, '<AWS::AccountId>')}:execution:${machineName}:*]`,
        reason: 'Executions of the clip workflow, one per clip, named at run time.',
      },
    ]);
  }
}

/** The web origin is not an origin the API can trust (wrong scheme, a path, a wildcard…). */
export class WebOriginInvalid extends Error {
  override name = 'WebOriginInvalid';
}

/**
 * `webOrigin` as an origin (`scheme://host[:port]`, no trailing slash): HTTPS, or plain HTTP
 * on localhost for development. Throws `WebOriginInvalid` saying what to give instead.
 */
export function checkWebOrigin(value: string): string {
  const fix = 'Give the web app origin, e.g. -c webOrigin=https://cams.example.com (no path, no wildcard).';
  // A token is the origin of this app's own CloudFront distribution (`https://${domain}`), made by the stack.
  if (Token.isUnresolved(value)) {
    if (!value.startsWith('https://')) throw new WebOriginInvalid(`webOrigin must be a literal origin, or https:// and a distribution's domain. ${fix}`);
    return value;
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new WebOriginInvalid(`webOrigin '${value}' is not a URL. ${fix}`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new WebOriginInvalid(`webOrigin '${value}' must use https (http only for localhost). ${fix}`);
  }
  if (url.hostname.includes('*') || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '') || value.trim().replace(/\/$/, '') !== url.origin) {
    throw new WebOriginInvalid(`webOrigin '${value}' must be an origin only. ${fix}`);
  }
  return url.origin;
}
