/**
 * The CamflowApi construct, synthesized in a small stack of its own (bundling skipped):
 * Cognito, the function, the REST API with its authorizer, throttling, access logs and CORS,
 * and least-privilege IAM — and no unacknowledged cdk-nag AwsSolutions finding.
 */
import { describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { catalogTable } from '../domain/catalog-table.ts';
import { CamflowApi, checkWebOrigin, WebOriginInvalid } from './api-construct.ts';
import { checkWithCdkNag } from './nag.ts';

function synth(options: { nag?: boolean; webOrigin?: string | null } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'ApiTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const table = new dynamodb.Table(stack, 'Catalog', {
    partitionKey: { name: catalogTable.partitionKey.name, type: dynamodb.AttributeType.STRING },
    sortKey: { name: catalogTable.sortKey.name, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const bucket = (id: string) => new s3.Bucket(stack, id, { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, encryption: s3.BucketEncryption.S3_MANAGED });
  const uploadsBucket = bucket('Uploads');
  const mediaBucket = bucket('Media');
  for (const b of [uploadsBucket, mediaBucket]) Validations.of(b).acknowledge({ id: 'AwsSolutions-S1', reason: 'test stack' });
  const stateMachine = new sfn.StateMachine(stack, 'Workflow', { stateMachineName: 'camflow-clip-workflow', definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')) });
  Validations.of(stateMachine).acknowledge({ id: 'AwsSolutions-SF1', reason: 'test stack' });
  Validations.of(stateMachine).acknowledge({ id: 'AwsSolutions-SF2', reason: 'test stack' });
  const webOrigin = options.webOrigin === null ? undefined : (options.webOrigin ?? 'https://cams.example.com');
  const api = new CamflowApi(stack, 'Api', { table, uploadsBucket, mediaBucket, stateMachine, webOrigin });
  if (options.nag) checkWithCdkNag(app);
  return { app, stack, api, template: Template.fromStack(stack) };
}

function policyStatements(template: Template): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ApiHandlerRole') }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement);
}

describe('CamflowApi', () => {
  const { template } = synth();

  it('creates a Cognito user pool with admin and viewer groups and a public app client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'viewer' });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']) });
  });

  it('lets the app client sign in only as the web app does: SRP and refresh, the code flow back to the web origin', () => {
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient')) as Array<{ Properties: Record<string, unknown> }>;
    expect(clients).toHaveLength(1);
    const client = clients[0]!.Properties;
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.CallbackURLs).toEqual(['https://cams.example.com/']);
    expect(client.LogoutURLs).toEqual(['https://cams.example.com/']);
    const text = JSON.stringify(client);
    expect(text).not.toContain('implicit');
    expect(text).not.toContain('USER_PASSWORD_AUTH');
    expect(text).not.toMatch(/\/\/example\.com|localhost/);
  });

  it('runs api/lambda.ts on Node.js 22, arm64, traced, with its configuration in the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          CATALOG_TABLE: { Ref: Match.stringLikeRegexp('Catalog') },
          UPLOADS_BUCKET: { Ref: Match.stringLikeRegexp('Uploads') },
          MEDIA_BUCKET: { Ref: Match.stringLikeRegexp('Media') },
          CLIP_WORKFLOW_ARN: { Ref: Match.stringLikeRegexp('Workflow') },
          USER_POOL_ID: { Ref: Match.stringLikeRegexp('ApiUsers') },
          USER_POOL_CLIENT_ID: { Ref: Match.stringLikeRegexp('ApiUsersWebApp') },
          CORS_ORIGINS: 'https://cams.example.com',
          PRESIGN_EXPIRY_SECONDS: '900',
        }),
      },
    });
  });

  it('puts a REST API in front: proxy integration, Cognito authorizer, open only where it must be', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{ Properties: Record<string, any> }>;
    const byPath = new Map<string, string[]>();
    const resources = template.findResources('AWS::ApiGateway::Resource') as Record<string, { Properties: { PathPart: string; ParentId: any } }>;
    const pathOf = (ref: any): string => {
      if (!ref?.Ref) return '';
      const r = resources[ref.Ref];
      return r ? `${pathOf(r.Properties.ParentId)}/${r.Properties.PathPart}` : '';
    };
    for (const m of methods) {
      const path = pathOf(m.Properties.ResourceId) || '/';
      byPath.set(`${m.Properties.HttpMethod} ${path}`, [m.Properties.AuthorizationType]);
      if (m.Properties.HttpMethod !== 'OPTIONS') {
        expect(m.Properties.Integration.Type, path).toBe('AWS_PROXY');
      }
    }
    const open = [...byPath]
      .filter(([key, [auth]]) => auth === 'NONE' && !key.startsWith('OPTIONS'))
      .map(([key]) => key)
      .sort();
    expect(open).toEqual(['GET /clips/{id}/playback/{playlist}', 'GET /health', 'GET /openapi.json']);
    for (const key of ['ANY /{proxy+}', 'ANY /clips', 'ANY /clips/{id}', 'ANY /clips/{id}/{proxy+}']) {
      expect(byPath.get(key), key).toEqual(['COGNITO_USER_POOLS']);
    }
  });

  it('throttles, writes access logs, traces, and allows CORS from the web origin only', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'api',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      Integration: Match.objectLike({
        IntegrationResponses: [Match.objectLike({ ResponseParameters: Match.objectLike({ 'method.response.header.Access-Control-Allow-Origin': "'https://cams.example.com'" }) })],
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://cams.example.com'", 'gatewayresponse.header.Vary': "'Origin'" },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://cams.example.com'], AllowedMethods: ['GET', 'HEAD'] })] },
    });
  });

  it('grants the function exactly the calls the API makes', () => {
    const statements = policyStatements(template);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect([...new Set(actions)]).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:GetObject',
        's3:GetObjectLegalHold',
        's3:GetObjectTagging',
        's3:GetObjectVersion',
        's3:GetObjectVersionTagging',
        's3:ListBucket',
        's3:ListBucketVersions',
        's3:PutObjectLegalHold',
        's3:PutObjectTagging',
        's3:PutObjectVersionTagging',
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        'states:ListExecutions',
        'states:RedriveExecution',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    for (const s of statements) {
      const list = Array.isArray(s.Action) ? s.Action : [s.Action];
      expect(
        list.some((a) => a.endsWith('*')),
        JSON.stringify(s.Action),
      ).toBe(false);
      if (!list.every((a) => a.startsWith('xray:'))) expect(s.Resource, JSON.stringify(s.Action)).not.toBe('*');
    }
    const put = statements.find((s) => s.Action === 'dynamodb:PutItem')!;
    expect(put.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['API#PLAYBACK_KEY'] } });
    const writes = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('dynamodb:DeleteItem'))!;
    expect(writes.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLIP#*', 'CAMERAS'] } });
    const redrive = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('states:RedriveExecution'))!;
    expect(JSON.stringify(redrive.Resource)).toContain(':execution:camflow-clip-workflow:*');
  });

  it('outputs the API URL, the user pool and its client', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining([expect.stringMatching(/^ApiApiUrl/), expect.stringMatching(/^ApiUserPoolId/), expect.stringMatching(/^ApiUserPoolClientId/)]));
  });

  it('accepts only an HTTPS origin as the web origin (HTTP on localhost for development)', () => {
    expect(checkWebOrigin('https://cams.example.com')).toBe('https://cams.example.com');
    expect(checkWebOrigin('https://cams.example.com/')).toBe('https://cams.example.com');
    expect(checkWebOrigin('http://localhost:5173')).toBe('http://localhost:5173');
    for (const bad of ['http://cams.example.com', 'https://cams.example.com/app', 'https://*.example.com', '*', 'cams.example.com', 'https://user@cams.example.com', 'https://cams.example.com?x=1']) {
      expect(() => checkWebOrigin(bad), bad).toThrow(WebOriginInvalid);
    }
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement reasoned', () => {
    const { app } = synth({ nag: true });
    let failure: unknown;
    try {
      app.synth();
    } catch (error) {
      failure = error;
    }
    expect(failure === undefined ? '' : String((failure as Error).message)).toBe('');
  });
});

describe('CamflowApi without a web origin', () => {
  const { template } = synth({ webOrigin: null });

  it('allows no browser origin at all: no CORS on the API, its errors or the media bucket, and no OAuth on the app client', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CORS_ORIGINS: '' }) } });
    expect(Object.keys(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }))).toEqual([]);
    for (const response of Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as Array<{ Properties: { ResponseParameters?: object } }>) {
      expect(JSON.stringify(response.Properties.ResponseParameters ?? {})).not.toContain('Access-Control-Allow-Origin');
    }
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket')) as Array<{ Properties: Record<string, unknown> }>) {
      expect(bucket.Properties.CorsConfiguration).toBeUndefined();
    }
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: false,
      AllowedOAuthFlows: Match.absent(),
      CallbackURLs: Match.absent(),
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('localhost');
  });
});
