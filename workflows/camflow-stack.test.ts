import { existsSync, readFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { CamflowStack } from './camflow-stack.ts';
import { TASK_FUNCTION_IDS, TASK_FUNCTIONS } from './task-functions.ts';
import { CamflowFunction } from './camflow-function.ts';
import { catalogTable } from '../domain/catalog-table.ts';
import { STATE, STATE_MACHINE_NAME } from '../domain/clip-contract.ts';
import { LAMBDA_TASK_RETRY, longestRetryWaitSeconds, RECORD_FAILURE_RETRY } from './clip-workflow.ts';
import { RETENTION_CONTEXT_KEYS } from '../domain/retention-rules.ts';
import { HEARTBEAT_METRICS, HEARTBEAT_NAMESPACE } from '../gateway/heartbeat-metrics.ts';
import { heartbeatMetricData } from '../gateway/heartbeat.ts';

/** The stack synthesized without bundling (fast); `context` as `-c key=value` would give it. */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new CamflowStack(app, 'Camflow');
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, any> };
let stack: CamflowStack;
let template: Template;
let resources: Record<string, Resource>;

const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Every statement of the inline policies attached to a role (by its logical id). */
function statementsOfRole(roleId: string): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }> | undefined)?.some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
function actionsOfFunction(id: keyof typeof TASK_FUNCTIONS): string[] {
  const fn = resources[logicalId(stack.functions[id])]!;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  return statementsOfRole(roleId)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))
    .sort();
}
function lifecycleRules(bucketId: string) {
  return resources[bucketId]!.Properties.LifecycleConfiguration.Rules as Array<Record<string, any>>;
}

beforeAll(() => {
  ({ stack, template } = synth());
  resources = template.toJSON().Resources;
});

describe('CamflowStack: buckets', () => {
  it('has an uploads and a media bucket: public access blocked, encrypted, TLS only, access-logged', () => {
    for (const bucket of [stack.uploadsBucket, stack.mediaBucket]) {
      const props = resources[logicalId(bucket)]!.Properties;
      expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(props.LoggingConfiguration.DestinationBucketName).toBeDefined();
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
    // Every bucket in the stack (the access-log and web app buckets too) blocks public access and refuses plain HTTP.
    expect(ofType('AWS::S3::Bucket')).toHaveLength(4);
    for (const [, bucket] of ofType('AWS::S3::Bucket')) expect(bucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    expect(ofType('AWS::S3::BucketPolicy')).toHaveLength(4);
  });

  it('keeps evidence immutable: both buckets versioned, with Object Lock for legal holds and no default retention', () => {
    for (const bucket of [stack.uploadsBucket, stack.mediaBucket]) {
      const properties = resources[logicalId(bucket)]!.Properties;
      expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(properties.ObjectLockEnabled).toBe(true);
      expect(properties.ObjectLockConfiguration).toBeUndefined();
    }
  });

  it('sends the uploads bucket’s events to EventBridge (and only that bucket’s)', () => {
    expect(resources[logicalId(stack.uploadsBucket)]!.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(resources[logicalId(stack.mediaBucket)]!.Properties.NotificationConfiguration).toBeUndefined();
  });

  it('tiers and expires objects by their retention-class tag, on both buckets; hold never expires', () => {
    for (const bucket of [stack.uploadsBucket, stack.mediaBucket]) {
      const rules = lifecycleRules(logicalId(bucket));
      const byClass = (cls: string) => rules.filter((r) => r.TagFilters?.some((t: { Key: string; Value: string }) => t.Key === 'retention-class' && t.Value === cls));
      expect(byClass('short')).toEqual([
        {
          Id: 'retention-class-short',
          Status: 'Enabled',
          TagFilters: [{ Key: 'retention-class', Value: 'short' }],
          ExpirationInDays: 7,
          NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        },
      ]);
      // Expiry applies to every object of the class; tiering only to objects of 128 KB and more.
      expect(byClass('standard')).toEqual([
        {
          Id: 'retention-class-standard',
          Status: 'Enabled',
          TagFilters: [{ Key: 'retention-class', Value: 'standard' }],
          ExpirationInDays: 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 365 },
        },
        {
          Id: 'retention-class-standard-tiering',
          Status: 'Enabled',
          TagFilters: [{ Key: 'retention-class', Value: 'standard' }],
          ObjectSizeGreaterThan: 131071,
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
          NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
        },
      ]);
      expect(byClass('archive')).toEqual([
        {
          Id: 'retention-class-archive',
          Status: 'Enabled',
          TagFilters: [{ Key: 'retention-class', Value: 'archive' }],
          ExpirationInDays: 7 * 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 7 * 365 },
        },
        {
          Id: 'retention-class-archive-tiering',
          Status: 'Enabled',
          TagFilters: [{ Key: 'retention-class', Value: 'archive' }],
          ObjectSizeGreaterThan: 131071,
          Transitions: [
            { StorageClass: 'GLACIER', TransitionInDays: 30 },
            { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
          ],
          NoncurrentVersionTransitions: [
            { StorageClass: 'GLACIER', TransitionInDays: 30 },
            { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 180 },
          ],
        },
      ]);
      expect(byClass('hold')).toEqual([]);
      // Nothing expires an object by any other means but the class rules (and stale multipart parts, and delete markers with no version left behind them).
      expect(rules.filter((r) => !r.TagFilters).map((r) => Object.keys(r).sort())).toEqual([
        ['AbortIncompleteMultipartUpload', 'Id', 'Status'],
        ['ExpiredObjectDeleteMarker', 'Id', 'Status'],
      ]);
    }
  });

  it('takes every day count from context', () => {
    const overrides = {
      [RETENTION_CONTEXT_KEYS.shortExpireDays]: '3',
      [RETENTION_CONTEXT_KEYS.standardInstantRetrievalDays]: 60,
      [RETENTION_CONTEXT_KEYS.standardExpireDays]: '730',
      [RETENTION_CONTEXT_KEYS.archiveFlexibleRetrievalDays]: '14',
      [RETENTION_CONTEXT_KEYS.archiveDeepArchiveDays]: '120',
      [RETENTION_CONTEXT_KEYS.archiveExpireDays]: '3650',
    };
    const other = synth(overrides);
    const rules = (other.template.toJSON().Resources[other.stack.getLogicalId(other.stack.mediaBucket.node.defaultChild as never)] as Resource).Properties.LifecycleConfiguration.Rules as Array<
      Record<string, any>
    >;
    const rule = (id: string) => rules.find((r) => r.Id === id)!;
    expect(rule('retention-class-short').ExpirationInDays).toBe(3);
    expect(rule('retention-class-standard-tiering').Transitions).toEqual([{ StorageClass: 'GLACIER_IR', TransitionInDays: 60 }]);
    expect(rule('retention-class-standard').ExpirationInDays).toBe(730);
    expect(rule('retention-class-archive-tiering').Transitions).toEqual([
      { StorageClass: 'GLACIER', TransitionInDays: 14 },
      { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 120 },
    ]);
    expect(rule('retention-class-archive').ExpirationInDays).toBe(3650);
  });

  it('refuses day counts that are not whole numbers or that go backwards', () => {
    expect(() => synth({ [RETENTION_CONTEXT_KEYS.shortExpireDays]: 'a week' })).toThrow(/retention\.short\.expireDays must be a whole number/);
    expect(() => synth({ [RETENTION_CONTEXT_KEYS.standardExpireDays]: '20' })).toThrow(/retention\.standard\.expireDays \(20\) must be at least 1 day\(s\) after/);
    expect(() => synth({ [RETENTION_CONTEXT_KEYS.archiveDeepArchiveDays]: '60' })).toThrow(/at least 90 day/);
  });

  it('refuses moving objects to a Glacier class they would leave before its minimum storage duration, saying why', () => {
    expect(() => synth({ [RETENTION_CONTEXT_KEYS.standardExpireDays]: '100' })).toThrow(
      /retention\.standard\.instantRetrievalDays \(30\) and retention\.standard\.expireDays \(100\) leave objects 70 day\(s\) in S3 Glacier Instant Retrieval, but S3 bills at least 90 days there, so the move would cost more than it saves: make retention\.standard\.expireDays at least 120/,
    );
    expect(() => synth({ [RETENTION_CONTEXT_KEYS.archiveExpireDays]: '300' })).toThrow(/leave objects 120 day\(s\) in S3 Glacier Deep Archive, but S3 bills at least 180 days there/);
  });

  it('gives Validate clip the default render profile from context, and refuses an unknown one', () => {
    const env = (s: ReturnType<typeof synth>) => {
      const fns = Object.values(s.template.toJSON().Resources as Record<string, Resource>).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.DEFAULT_RENDER_PROFILE,
      );
      return fns.map((f) => f.Properties.Environment.Variables.DEFAULT_RENDER_PROFILE);
    };
    expect(env(synth({}))).toEqual(['passthrough']);
    expect(env(synth({ defaultRenderProfile: 'full' }))).toEqual(['full']);
    expect(() => synth({ defaultRenderProfile: 'cheap' })).toThrow(/context defaultRenderProfile must be one of passthrough, economy, full/);
  });
});

describe('CamflowStack: catalog table', () => {
  it('is the catalog-table.ts design: pk/sk, the three GSIs, on demand, PITR, TTL on expiresAt', () => {
    const props = resources[logicalId(stack.table)]!.Properties;
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(1);
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect((props.GlobalSecondaryIndexes as Array<Record<string, any>>).map((i) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection.ProjectionType }))).toEqual(
      catalogTable.indexes.map((i) => ({
        name: i.name,
        keys: [
          { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
        ],
        projection: 'ALL',
      })),
    );
    expect(props.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toEqual(['byCamera', 'byDay', 'byStatus']);
  });
});

describe('CamflowStack: topics', () => {
  it('has a motion-alert and an operations topic, encrypted and publishable over TLS only', () => {
    for (const topic of [stack.motionTopic, stack.operationsTopic]) {
      expect(resources[logicalId(topic)]!.Properties.KmsMasterKeyId).toBeDefined();
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: logicalId(topic) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
    expect(ofType('AWS::SNS::Topic')).toHaveLength(2);
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(0);
  });

  it('subscribes alertEmails and alertPhones to motion alerts, and the emails to operations', () => {
    const other = synth({ alertEmails: 'owner@example.com, partner@example.com', alertPhones: '+15555550100' });
    const topicId = (t: { node: { defaultChild?: unknown } }) => other.stack.getLogicalId(t.node.defaultChild as never);
    const subscriptions = Object.values(other.template.toJSON().Resources as Record<string, Resource>)
      .filter((r) => r.Type === 'AWS::SNS::Subscription')
      .map((r) => r.Properties);
    const on = (topic: { node: { defaultChild?: unknown } }) =>
      subscriptions
        .filter((s) => s.TopicArn.Ref === topicId(topic))
        .map((s) => `${s.Protocol}:${s.Endpoint}`)
        .sort();
    expect(on(other.stack.motionTopic)).toEqual(['email:owner@example.com', 'email:partner@example.com', 'sms:+15555550100']);
    expect(on(other.stack.operationsTopic)).toEqual(['email:owner@example.com', 'email:partner@example.com']);
    // One topic for every camera: each motion-alert subscription takes only its channel.
    const policies = subscriptions.filter((s) => s.TopicArn.Ref === topicId(other.stack.motionTopic)).map((s) => [s.Protocol, s.FilterPolicy]);
    expect(policies.sort()).toEqual([
      ['email', { channels: ['email'] }],
      ['email', { channels: ['email'] }],
      ['sms', { channels: ['sms'] }],
    ]);
    expect(subscriptions.filter((s) => s.TopicArn.Ref === topicId(other.stack.operationsTopic)).every((s) => s.FilterPolicy === undefined)).toBe(true);
    const separate = synth({ alertEmails: ['owner@example.com'], operationsEmails: 'ops@example.com' });
    expect(separate.template.findResources('AWS::SNS::Subscription', { Properties: { Endpoint: 'ops@example.com' } })).not.toEqual({});
    expect(Object.keys(separate.template.findResources('AWS::SNS::Subscription'))).toHaveLength(2);
  });
});

describe('CamflowStack: the clip workflow', () => {
  it('is a Standard state machine named camflow-clip-workflow, logging ALL with execution data, traced by X-Ray', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: STATE_MACHINE_NAME,
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.objectLike({ CloudWatchLogsLogGroup: Match.anyValue() })] },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('may run MediaConvert with its role only, and that role reads uploads and writes media', () => {
    const machine = ofType('AWS::StepFunctions::StateMachine')[0]![1];
    const statements = statementsOfRole(machine.Properties.RoleArn['Fn::GetAtt'][0]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [logicalId(stack.mediaConvertRole), 'Arn'] },
        Condition: { StringLike: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      }),
    );
    const role = resources[logicalId(stack.mediaConvertRole)]!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'mediaconvert.amazonaws.com' });
    // The workflow's own role: assumed by Step Functions for this account's state machines only.
    const workflowTrust = resources[machine.Properties.RoleArn['Fn::GetAtt'][0]]!.Properties.AssumeRolePolicyDocument.Statement;
    expect(workflowTrust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'states.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': expect.anything() }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    expect(JSON.stringify(workflowTrust[0].Condition.ArnLike)).toMatch(/:states:.*:stateMachine:\*"/);
    expect(statementsOfRole(logicalId(stack.mediaConvertRole)).map((s) => s.Action)).toEqual(['s3:GetObject', 's3:PutObject']);
  });
});

describe('CamflowStack: Lambdas', () => {
  it('runs every task on Node.js 22, arm64, ESM, traced, with the Powertools service name', () => {
    // CDK's own function that copies the web app into its bucket at deploy (workflows/web-hosting.ts) is not ours.
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
    // The task functions (workflows/task-functions.ts) and the REST API's handler (workflows/api-construct.ts), nothing else.
    expect(functions.map(([id]) => id).sort()).toEqual(
      [...Object.keys(TASK_FUNCTIONS).map((id) => logicalId(stack.functions[id as keyof typeof TASK_FUNCTIONS])), logicalId(stack.api.handler)].sort(),
    );
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Handler, id).toBe('index.handler');
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME, id).toMatch(/^camflow(-api)?$/);
      expect(fn.Properties.LoggingConfig.LogGroup, id).toEqual({ Ref: expect.stringMatching(/Logs/) });
    }
  });

  it('builds every function with the same Lambda defaults (CamflowFunction), each task from its entry in the task list', () => {
    const functions = stack.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
    // Every function but CDK's own web deployment function (a singleton it builds itself).
    expect(functions.filter((f) => f instanceof CamflowFunction)).toEqual([...Object.values(stack.functions), stack.api.handler]);
    expect(functions.filter((f) => !(f instanceof CamflowFunction)).map((f) => f.node.path)).toEqual([expect.stringMatching(/^Camflow\/Custom::CDKBucketDeployment/)]);
    for (const f of [...Object.values(stack.functions), stack.api.handler]) {
      const env = resources[logicalId(f)]!.Properties.Environment.Variables;
      expect([env.POWERTOOLS_LOG_LEVEL, env.NODE_OPTIONS], f.node.path).toEqual(['INFO', '--enable-source-maps']);
    }
    expect(Object.keys(stack.functions)).toEqual(TASK_FUNCTION_IDS);
    for (const id of TASK_FUNCTION_IDS) {
      expect(stack.functions[id].node.id).toBe(id);
      const props = resources[logicalId(stack.functions[id])]!.Properties;
      expect([props.MemorySize, props.Timeout], id).toEqual([TASK_FUNCTIONS[id].memorySize, TASK_FUNCTIONS[id].timeoutSeconds]);
      expect(resources[props.Role['Fn::GetAtt'][0] as string]!.Properties.Description, id).toBe(`camflow ${TASK_FUNCTIONS[id].handlerFile} task`);
    }
  });

  it('tells each task where things are, and the trigger which state machine to start', () => {
    const env = (id: keyof typeof TASK_FUNCTIONS) => resources[logicalId(stack.functions[id])]!.Properties.Environment.Variables;
    for (const id of Object.keys(TASK_FUNCTIONS) as Array<keyof typeof TASK_FUNCTIONS>) {
      expect(env(id).UPLOADS_BUCKET).toEqual({ Ref: logicalId(stack.uploadsBucket) });
      expect(env(id).MEDIA_BUCKET).toEqual({ Ref: logicalId(stack.mediaBucket) });
      expect(env(id).CATALOG_TABLE).toEqual({ Ref: logicalId(stack.table) });
    }
    expect(env('Trigger').CLIP_WORKFLOW_ARN).toEqual({ Ref: logicalId(stack.stateMachine) });
    expect(env('ApplyRetention').DEFAULT_RETENTION_CLASS).toBe('standard');
  });

  it('grants each function only the calls its handler makes', () => {
    expect(actionsOfFunction('ValidateClip')).toEqual(['dynamodb:GetItem', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject']);
    expect(actionsOfFunction('DecideAlert')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actionsOfFunction('CatalogClip')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(actionsOfFunction('ApplyRetention')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      's3:GetObjectTagging',
      's3:GetObjectVersionTagging',
      's3:ListBucket',
      's3:ListBucketVersions',
      's3:PutObjectLegalHold',
      's3:PutObjectTagging',
      's3:PutObjectVersionTagging',
    ]);
    expect(actionsOfFunction('QuarantineClip')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(actionsOfFunction('RecordFailure')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // The event names the object version: the trigger reads nothing from S3.
    expect(actionsOfFunction('Trigger')).toEqual(['dynamodb:PutItem', 'sqs:SendMessage', 'states:StartExecution']);
    // No managed policies: each role has its own inline policy — except API Gateway's
    // account-wide role for pushing access logs, which takes AWS's managed policy.
    const apiGatewayLogging = logicalId(stack.api.restApi.node.findChild('CloudWatchRole'));
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      if (id === apiGatewayLogging) expect(JSON.stringify(role.Properties.ManagedPolicyArns), id).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
      else expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('starts the trigger on every "Object Created" event of the uploads bucket, with retries and a dead-letter queue', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [{ Ref: logicalId(stack.uploadsBucket) }] } } },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack.functions.Trigger), 'Arn'] },
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(stack.functions.Trigger), 'Arn'] },
    });
  });
});

describe('CamflowStack: no clip stuck for ever', () => {
  const queueId = () =>
    ofType('AWS::SQS::Queue')
      .map(([id]) => id)
      .find((id) => id.startsWith('TriggerDeadLetters'))!;
  /** The deployed ASL, with every CloudFormation token replaced by a placeholder string. */
  function deployedDefinition(): { States: Record<string, { Retry?: Array<Record<string, unknown>>; Catch?: unknown[]; Next?: string }> } {
    const definition = ofType('AWS::StepFunctions::StateMachine')[0]![1].Properties.DefinitionString;
    const parts = definition['Fn::Join'][1] as unknown[];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
  }

  it('runs the sweeper and the dead-letter retry on an EventBridge Scheduler schedule, every 10 minutes by default', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules).toHaveLength(2);
    expect(schedules.map((s) => s.Target.Arn['Fn::GetAtt'][0]).sort()).toEqual([logicalId(stack.functions.RetryFailedUploads), logicalId(stack.functions.Sweeper)].sort());
    for (const schedule of schedules) {
      expect(schedule.ScheduleExpression).toBe('rate(10 minutes)');
      expect(schedule.State).toBe('ENABLED');
      expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 });
    }
    const other = synth({ sweepEveryMinutes: 3, sweepMaxRedrives: 5 });
    const otherSchedules = Object.values(other.template.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(otherSchedules.map((s) => s.Properties.ScheduleExpression)).toEqual(['rate(3 minutes)', 'rate(3 minutes)']);
    const sweeperEnv = other.template.toJSON().Resources[other.stack.getLogicalId(other.stack.functions.Sweeper.node.defaultChild as never)].Properties.Environment.Variables;
    expect(sweeperEnv.SWEEP_MAX_REDRIVES).toBe('5');
    expect(sweeperEnv.CLIP_WORKFLOW_ARN).toEqual({ Ref: other.stack.getLogicalId(other.stack.stateMachine.node.defaultChild as never) });
  });

  it('grants the sweeper the status index, the clip items, the workflow’s executions and upload HEADs; the retry only the dead letters and what the trigger does', () => {
    expect(actionsOfFunction('Sweeper')).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      's3:GetObject',
      's3:GetObjectVersion',
      'states:DescribeExecution',
      'states:RedriveExecution',
      'states:StartExecution',
    ]);
    expect(actionsOfFunction('RetryFailedUploads')).toEqual([
      'dynamodb:PutItem',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'states:StartExecution',
    ]);
    const statements = (id: keyof typeof TASK_FUNCTIONS) => statementsOfRole(resources[logicalId(stack.functions[id])]!.Properties.Role['Fn::GetAtt'][0] as string);
    const resourceOf = (id: keyof typeof TASK_FUNCTIONS, action: string) => JSON.stringify(statements(id).find((s) => ([] as string[]).concat(s.Action).includes(action))!.Resource);
    expect(resourceOf('Sweeper', 'dynamodb:Query')).toContain('/index/byStatus');
    expect(resourceOf('Sweeper', 'states:RedriveExecution')).toContain(`:execution:${STATE_MACHINE_NAME}:*`);
    expect(resourceOf('Sweeper', 'states:StartExecution')).toBe(JSON.stringify({ Ref: logicalId(stack.stateMachine) }));
    expect(resourceOf('RetryFailedUploads', 'sqs:ReceiveMessage')).toBe(JSON.stringify({ 'Fn::GetAtt': [queueId(), 'Arn'] }));
    expect(resources[logicalId(stack.functions.RetryFailedUploads)]!.Properties.Environment.Variables.TRIGGER_DEAD_LETTERS_URL).toEqual({ Ref: queueId() });
  });

  it('alarms to the operations topic as soon as a message waits in the trigger’s dead-letter queue, saying what to do', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm')
      .map(([, r]) => r.Properties)
      .filter((a) => JSON.stringify(a.Dimensions ?? []).includes(queueId()));
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack.operationsTopic) }],
    });
    expect(alarm.AlarmDescription).toMatch(/RetryFailedUploads/);
    expect(alarm.AlarmDescription).toMatch(/inspect and delete/);
    // CloudWatch can publish to the operations topic only under a key whose policy lets it.
    const keyId = resources[logicalId(stack.operationsTopic)]!.Properties.KmsMasterKeyId['Fn::GetAtt'][0] as string;
    expect(resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    expect(resources[keyId]!.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
    );
  });

  it('gives Record failure a Retry that outlasts every task’s many times over, and no Catch (so a redrive runs it again)', () => {
    const states = deployedDefinition().States;
    const recordFailure = states[STATE.recordFailure]!;
    expect(recordFailure.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: expect.arrayContaining(['StorageUnavailable']), IntervalSeconds: 10, MaxAttempts: 10, MaxDelaySeconds: 900, BackoffRate: 2 }),
    ]);
    expect(recordFailure.Catch).toBeUndefined();
    expect(recordFailure.Next).toBe(STATE.resumeAfterOutage);
    expect(states[STATE.catalog]!.Retry).toEqual([expect.objectContaining({ IntervalSeconds: 2, MaxAttempts: 6, MaxDelaySeconds: 60 })]);
    expect(longestRetryWaitSeconds(LAMBDA_TASK_RETRY)).toBe(122);
    expect(longestRetryWaitSeconds(RECORD_FAILURE_RETRY)).toBe(3970);
    expect(longestRetryWaitSeconds(RECORD_FAILURE_RETRY)).toBeGreaterThan(20 * longestRetryWaitSeconds(LAMBDA_TASK_RETRY));
  });
});

describe('CamflowStack: the gateway user', () => {
  it('may only put objects (and manage its multipart uploads) in the uploads bucket, has no access key, and is an output', () => {
    const userId = logicalId(stack.gatewayUploader);
    template.resourceCountIs('AWS::IAM::User', 1);
    template.resourceCountIs('AWS::IAM::AccessKey', 0);
    expect(resources[userId]!.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(resources[userId]!.Properties?.Policies).toBeUndefined();
    const policies = ofType('AWS::IAM::Policy').filter(([, p]) => p.Properties.Users?.some((u: { Ref: string }) => u.Ref === userId));
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties.PolicyDocument.Statement as Array<{ Effect: string; Action: string[] | string; Resource: unknown; Condition?: unknown }>;
    expect(statements).toHaveLength(2);
    expect(statements[0]!.Effect).toBe('Allow');
    expect([...statements[0]!.Action].sort()).toEqual(['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject']);
    expect(statements[0]!.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.uploadsBucket), 'Arn'] }, '/*']] });
    // Its heartbeat: PutMetricData, into the gateway namespace only.
    expect(statements[1]).toEqual({ Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': HEARTBEAT_NAMESPACE } } });
    template.hasOutput('GatewayUploaderUserName', { Value: { Ref: userId } });
  });
});

describe('CamflowStack: the gateway falls silent (its heartbeat)', () => {
  const gatewayAlarms = (r: Record<string, Resource>) =>
    Object.values(r)
      .filter((x) => x.Type === 'AWS::CloudWatch::Alarm' && x.Properties.Namespace === HEARTBEAT_NAMESPACE)
      .map((x) => x.Properties);

  it('no heartbeat for 10 minutes alarms the operations topic, and so does silence (missing data breaches)', () => {
    const alarm = gatewayAlarms(resources).find((a) => a.MetricName === HEARTBEAT_METRICS.heartbeat)!;
    expect(alarm).toMatchObject({
      Namespace: 'camflow/gateway',
      Dimensions: [{ Name: 'Gateway', Value: 'home' }],
      Statistic: 'SampleCount',
      Period: 60,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: logicalId(stack.operationsTopic) }],
    });
    expect(alarm.AlarmDescription).toMatch(/camflow gateway status/);
  });

  it('files waiting for 30 minutes (queue length never 0) alarms the operations topic', () => {
    const alarm = gatewayAlarms(resources).find((a) => a.MetricName === HEARTBEAT_METRICS.queueLength)!;
    expect(alarm).toMatchObject({
      Dimensions: [{ Name: 'Gateway', Value: 'home' }],
      Statistic: 'Minimum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack.operationsTopic) }],
    });
    expect(alarm.Period * alarm.EvaluationPeriods).toBe(30 * 60);
    expect(alarm.DatapointsToAlarm).toBe(alarm.EvaluationPeriods);
  });

  it('the alarms read what the gateway sends: the same namespace, metric names and dimension', () => {
    const reading = { at: '2026-12-01T07:00:00.000Z', queueLength: 3, oldestWaitingSeconds: 1900, diskUsedPercent: 41, spoolUsedPercent: 2 };
    const sent = heartbeatMetricData(reading, 'home');
    for (const alarm of gatewayAlarms(resources)) {
      const datum = sent.find((d) => d.MetricName === alarm.MetricName);
      expect(datum, alarm.MetricName).toBeDefined();
      expect(datum!.Dimensions).toEqual(alarm.Dimensions);
    }
  });

  it('context gatewayNames gives each gateway its own pair of alarms', () => {
    const { template: t } = synth({ gatewayNames: 'home,cottage' });
    const alarms = gatewayAlarms(t.toJSON().Resources);
    expect(alarms).toHaveLength(4);
    expect(alarms.map((a) => `${a.MetricName}:${a.Dimensions[0].Value}`).sort()).toEqual(['Heartbeat:cottage', 'Heartbeat:home', 'QueueLength:cottage', 'QueueLength:home']);
  });
});

describe('CamflowStack: the web origin (context webOrigin)', () => {
  it('without it, admits only the web app’s CloudFront origin (no localhost default); with it, CORS and the sign-in client use it', () => {
    expect(JSON.stringify(resources)).not.toContain('localhost');
    const api = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('ApiHandler'))!;
    const distributionOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.web.distribution), 'DomainName'] }]] };
    expect(api[1].Properties.Environment.Variables.CORS_ORIGINS).toEqual(distributionOrigin);
    const media = resources[logicalId(stack.mediaBucket)]!.Properties;
    expect(media.CorsConfiguration.CorsRules).toEqual([expect.objectContaining({ AllowedOrigins: [distributionOrigin], AllowedMethods: ['GET', 'HEAD'] })]);
    const withOrigin = synth({ webOrigin: 'https://cams.example.com' }).template;
    withOrigin.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://cams.example.com/'],
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    withOrigin.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CORS_ORIGINS: 'https://cams.example.com' }) } });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error, and every acknowledgement gives a one-line reason', () => {
    const { app } = createApp(new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const errors = report.violations.filter((v) => v.severity === 'error').map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
    const warnings = report.violations.filter((v) => v.severity === 'warning').map((v) => v.ruleName);
    expect(warnings).toEqual([]);
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string | { reason: string }>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, value] of acknowledgements) {
      const reason = typeof value === 'string' ? value : value.reason;
      expect(reason.length, id).toBeGreaterThan(20);
      expect(reason, id).not.toMatch(/\n/);
    }
  });

  it('runs as a validation plugin of the app, so a finding stops synthesis', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    createApp(app);
    const unacknowledged = new Stack(app, 'Unacknowledged');
    // A bucket without access logs: AwsSolutions-S1.
    new s3.Bucket(unacknowledged, 'Plain', { enforceSSL: true });
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|Validation failed/);
  });
});

describe('synthesis with bundling (esbuild, no Docker)', () => {
  it('bundles every task as ESM for Node.js 22, with mediainfo’s WebAssembly beside the validate-clip bundle', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'camflow-cdk-out-'));
    try {
      const app = new App({ outdir });
      const bundled = new CamflowStack(app, 'Camflow');
      const assembly = app.synth();
      // Folders only (CDK's AWS CLI layer for the web deployment is a .zip).
      const all = readdirSync(assembly.directory, { withFileTypes: true })
        .filter((e) => e.isDirectory() && e.name.startsWith('asset.'))
        .map((e) => e.name);
      // One bundle per task, and the REST API's (the others: the web app's build, its config.json, CDK's deployment function).
      const assets = all.filter((asset) => existsSync(join(assembly.directory, asset, 'index.mjs')));
      expect(assets).toHaveLength(Object.keys(TASK_FUNCTIONS).length + 1);
      // The web app, built at synthesis: the page (no build marker, no assets folder) and its hashed files.
      const page = all.filter((asset) => existsSync(join(assembly.directory, asset, 'index.html')));
      expect(page).toHaveLength(1);
      expect(readdirSync(join(assembly.directory, page[0]!)).sort()).toEqual(['favicon.svg', 'index.html']);
      expect(all.some((asset) => readdirSync(join(assembly.directory, asset)).some((name) => /^index-[\w-]+\.js$/.test(name)))).toBe(true);
      const validateCode = assembly.getStackByName(bundled.stackName).template.Resources[bundled.getLogicalId(bundled.functions.ValidateClip.node.defaultChild as never)].Properties.Code;
      const validateAsset = assets.find((a) => JSON.stringify(validateCode).includes(a.slice('asset.'.length)))!;
      expect(readdirSync(join(assembly.directory, validateAsset)).sort()).toEqual(['MediaInfoModule.wasm', 'index.mjs', 'index.mjs.map']);
      // mediainfo.js's Node build (reads the WASM from disk), not its browser bundle (fetches it over HTTP).
      const sources = (JSON.parse(readFileSync(join(assembly.directory, validateAsset, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;
      expect(sources.some((s) => s.includes('mediainfo.js/dist/esm/'))).toBe(true);
      expect(sources.some((s) => s.includes('mediainfo.js/dist/esm-bundle/'))).toBe(false);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
