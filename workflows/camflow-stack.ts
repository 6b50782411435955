/**
 * camflow in AWS: the uploads and media buckets, the catalog table, the alert and operations
 * topics, the task Lambdas, the clip workflow state machine, the EventBridge trigger, and the
 * gateway's upload-only IAM user.
 *
 * Context (all optional; `-c key=value` or cdk.json):
 * - `alertEmails`, `alertPhones`: comma-separated; subscribed to the motion-alert topic, each with
 *   a filter policy on the `channels` attribute (email / sms), so a camera's channels choose who hears it.
 * - `webUrl`: the web app's URL, for the links in alerts (default: `webOrigin`).
 * - `operationsEmails`: comma-separated; subscribed to the operations topic (default: alertEmails).
 * - retention day counts: see RETENTION_CONTEXT_KEYS in retention-rules.ts.
 * - `defaultRetentionClass`, `alertCooldownSeconds`, `maxClipBytes`, `maxClipSeconds`,
 *   `hlsLadder` (e.g. `720p,360p`): task settings.
 * - `gatewayNames`: comma-separated gateway names (each gateway's `heartbeat.name`; default
 *   `home`): each gets the "no heartbeat" and "queue stuck" alarms.
 * - `sweepEveryMinutes` (default 10): how often the sweeper and the dead-letter retry run;
 *   `sweepGraceSeconds`, `sweepMaxRedrives`, `sweepGiveUpDays`: the sweeper's settings.
 */
import { join } from 'node:path';
import { ArnFormat, type CfnElement, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct, IConstruct } from 'constructs';
import { catalogTable } from '../domain/catalog-table.ts';
import { ALERT_FILTER_POLICIES } from '../domain/alert-channels.ts';
import { ENV, RETENTION_CLASSES, RETENTION_TAG, SERVICE_NAME, STATE_MACHINE_NAME } from '../domain/clip-contract.ts';
import { buildClipWorkflow } from './clip-workflow.ts';
import { CamflowFunction, PROJECT_ROOT } from './camflow-function.ts';
import { TASK_FUNCTIONS, type TaskFunctionId } from './task-functions.ts';
import { TRIGGER_DEAD_LETTERS_URL } from '../tasks/retry-failed-uploads.ts';
import { SWEEPER_ENV } from '../tasks/sweeper.ts';
import { CamflowApi } from './api-construct.ts';
import { CamflowWebHosting } from './web-hosting.ts';
import { MIN_TRANSITION_BYTES, retentionDaysFrom, retentionRules } from '../domain/retention-rules.ts';
import { renderProfileSettingsFrom } from './render-profile-context.ts';
import { DEFAULT_GATEWAY_NAME, HEARTBEAT_DIMENSION, HEARTBEAT_METRICS, HEARTBEAT_NAMESPACE } from '../gateway/heartbeat-metrics.ts';
import { OperationsAlarms } from './operations-alarms.ts';
import { OperationsDashboard } from './operations-dashboard.ts';
import { acknowledge, rendered } from './nag.ts';

/** Splits a context value given as `a,b` (CLI) or `["a","b"]` (cdk.json). */
export function contextList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
}

export class CamflowStack extends Stack {
  readonly uploadsBucket: s3.Bucket;
  readonly mediaBucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly motionTopic: sns.Topic;
  readonly operationsTopic: sns.Topic;
  readonly stateMachine: sfn.StateMachine;
  readonly mediaConvertRole: iam.Role;
  readonly gatewayUploader: iam.User;
  /** The REST API: API Gateway + Lambda + the Cognito user pool (groups admin, viewer). */
  readonly api: CamflowApi;
  /** The web app: private bucket, CloudFront, config.json from the stack's outputs. */
  readonly web: CamflowWebHosting;
  /** The task functions (workflows/task-functions.ts), by id. */
  readonly functions: Record<TaskFunctionId, CamflowFunction>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Access logs are delivered under a bucket policy, not the legacy log-delivery ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const context = (key: string) => this.node.tryGetContext(key) as unknown;

    // --- Storage -------------------------------------------------------------------------
    // Every bucket: no public access, encrypted, TLS only, no ACLs.
    const privateBucket = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    } satisfies s3.BucketProps;
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...privateBucket,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    acknowledge(accessLogs, [{ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket of the other two; logging it into itself would loop.' }]);

    const days = retentionDaysFrom(context);
    const lifecycleRules: s3.LifecycleRule[] = [
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ...retentionRules(days).flatMap((rule): s3.LifecycleRule[] => [
        {
          id: `retention-class-${rule.retentionClass}`,
          tagFilters: { [RETENTION_TAG]: rule.retentionClass },
          ...(rule.expireAfterDays === undefined ? {} : { expiration: Duration.days(rule.expireAfterDays) }),
          // A clip's version made noncurrent (an overwrite of its key, a delete marker) keeps its class's schedule.
          ...(rule.expireAfterDays === undefined ? {} : { noncurrentVersionExpiration: Duration.days(rule.expireAfterDays) }),
        },
        // Tiering in a rule of its own: objects under 128 KB (posters, playlists) are never moved.
        ...(rule.transitions.length === 0
          ? []
          : [
              {
                id: `retention-class-${rule.retentionClass}-tiering`,
                tagFilters: { [RETENTION_TAG]: rule.retentionClass },
                objectSizeGreaterThan: MIN_TRANSITION_BYTES - 1,
                transitions: rule.transitions.map((t) => ({ storageClass: storageClassOf(t.storageClass), transitionAfter: Duration.days(t.afterDays) })),
                noncurrentVersionTransitions: rule.transitions.map((t) => ({ storageClass: storageClassOf(t.storageClass), transitionAfter: Duration.days(t.afterDays) })),
              },
            ]),
      ]),
      { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
    ];
    const bucketProps = (logPrefix: string): s3.BucketProps => ({
      ...privateBucket,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: logPrefix,
      lifecycleRules,
      // Evidence: every upload and output is a version of its own (an overwrite never replaces
      // it), and Object Lock lets a clip's versions be put under legal hold, which no delete,
      // lifecycle rule or credential can remove. No default retention: only holds lock.
      versioned: true,
      objectLockEnabled: true,
    });
    this.uploadsBucket = new s3.Bucket(this, 'Uploads', bucketProps('uploads/'));
    // EventBridge notifications, set natively on the bucket (what `eventBridgeEnabled: true`
    // does through a custom-resource Lambda; this needs none).
    (this.uploadsBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    this.mediaBucket = new s3.Bucket(this, 'Media', bucketProps('media/'));
    const uploadsObjects = this.uploadsBucket.arnForObjects('*');
    const mediaObjects = this.mediaBucket.arnForObjects('*');

    this.table = new dynamodb.Table(this, 'Catalog', {
      partitionKey: { name: catalogTable.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: catalogTable.sortKey.name, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: catalogTable.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });
    for (const index of catalogTable.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey.type) },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // --- Notifications -------------------------------------------------------------------
    const snsKey = kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns');
    this.motionTopic = new sns.Topic(this, 'MotionAlerts', { displayName: 'camflow motion alerts', enforceSSL: true, masterKey: snsKey });
    // Operations: a key of our own, because CloudWatch alarms cannot publish to a topic under alias/aws/sns.
    const operationsKey = new kms.Key(this, 'OperationsTopicKey', { description: 'camflow operations topic: workflow notices and CloudWatch alarms', enableKeyRotation: true });
    operationsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.operationsTopic = new sns.Topic(this, 'Operations', { displayName: 'camflow operations', enforceSSL: true, masterKey: operationsKey });
    const alertEmails = contextList(context('alertEmails'));
    // One topic for every camera: each subscription takes only the alerts whose `channels`
    // attribute names its protocol (a camera's alert channels: email, sms, both or none).
    const filterPolicy = (protocol: keyof typeof ALERT_FILTER_POLICIES) =>
      Object.fromEntries(Object.entries<readonly string[]>(ALERT_FILTER_POLICIES[protocol]).map(([name, allowlist]) => [name, sns.SubscriptionFilter.stringFilter({ allowlist: [...allowlist] })]));
    for (const email of alertEmails) this.motionTopic.addSubscription(new subscriptions.EmailSubscription(email, { filterPolicy: filterPolicy('email') }));
    for (const phone of contextList(context('alertPhones'))) this.motionTopic.addSubscription(new subscriptions.SmsSubscription(phone, { filterPolicy: filterPolicy('sms') }));
    const operationsEmails = context('operationsEmails') === undefined ? alertEmails : contextList(context('operationsEmails'));
    for (const email of operationsEmails) this.operationsTopic.addSubscription(new subscriptions.EmailSubscription(email));

    // --- MediaConvert --------------------------------------------------------------------
    this.mediaConvertRole = new iam.Role(this, 'MediaConvertRole', {
      assumedBy: new iam.ServicePrincipal('mediaconvert.amazonaws.com'),
      description: 'Assumed by MediaConvert to read camflow uploads and write renditions',
    });
    // Reads the upload — or, when its key was overwritten since, the clip's own copy under `…/{clipId}/source/`.
    const renderSourceCopies = this.mediaBucket.arnForObjects('*/source/*');
    this.mediaConvertRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [uploadsObjects, renderSourceCopies] }));
    this.mediaConvertRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [mediaObjects] }));
    acknowledge(this.mediaConvertRole, [
      { id: this.objectsFinding(this.uploadsBucket), reason: 'MediaConvert reads any upload: keys are per clip, not known at deploy time.' },
      { id: this.objectsFinding(this.mediaBucket, '*/source/*'), reason: 'MediaConvert reads a clip’s render-source copy under any clip prefix: keys are per clip.' },
      { id: this.objectsFinding(this.mediaBucket), reason: 'MediaConvert writes renditions under per-clip keys, not known at deploy time.' },
    ]);

    // --- Task functions ------------------------------------------------------------------
    const defaultRetentionClass = String(context('defaultRetentionClass') ?? 'standard');
    if (!(RETENTION_CLASSES as readonly string[]).includes(defaultRetentionClass)) {
      throw new RangeError(`context defaultRetentionClass must be one of ${RETENTION_CLASSES.join(', ')}, got '${defaultRetentionClass}'`);
    }
    const optional = (name: string, key: string): Record<string, string> => {
      const value = context(key);
      return value === undefined ? {} : { [name]: String(value) };
    };
    const storage = {
      [ENV.uploadsBucket]: this.uploadsBucket.bucketName,
      [ENV.mediaBucket]: this.mediaBucket.bucketName,
      [ENV.table]: this.table.tableName,
    };
    const fn = (id: TaskFunctionId, options: TaskFunctionOptions = {}) => this.taskFunction(id, options);

    const validateClip = fn('ValidateClip', {
      environment: {
        ...storage,
        ...optional(ENV.maxClipBytes, 'maxClipBytes'),
        ...optional(ENV.maxClipSeconds, 'maxClipSeconds'),
        ...optional(ENV.hlsLadder, 'hlsLadder'),
        // Checked here: an unknown profile, or a job that would leave MediaConvert's Basic tier, stops the synth.
        ...renderProfileSettingsFrom(context),
      },
      // mediainfo.js loads its WebAssembly from beside the bundle.
      afterBundling: ['cp "{inputDir}/node_modules/mediainfo.js/dist/MediaInfoModule.wasm" "{outputDir}/MediaInfoModule.wasm"'],
    });
    // Alerts link to the web app's clip pages: context `webUrl` (else `webOrigin`); without either, no links.
    const webUrl = context('webUrl') ?? context('webOrigin');
    const decideAlert = fn('DecideAlert', { environment: { ...storage, ...optional(ENV.defaultCooldownSeconds, 'alertCooldownSeconds'), ...(webUrl ? { [ENV.webUrl]: String(webUrl) } : {}) } });
    const catalogClip = fn('CatalogClip', { environment: storage });
    const applyRetention = fn('ApplyRetention', { environment: { ...storage, [ENV.defaultRetentionClass]: defaultRetentionClass } });
    // Operations messages link to the execution in the console and to the clip in the web app.
    const operationsLinks = {
      [ENV.executionArnPrefix]: `arn:${this.partition}:states:${this.region}:${this.account}:execution:${STATE_MACHINE_NAME}:`,
      ...(webUrl ? { [ENV.webUrl]: String(webUrl) } : {}),
    };
    const quarantineClip = fn('QuarantineClip', { environment: { ...storage, ...operationsLinks } });
    const recordFailure = fn('RecordFailure', { environment: { ...storage, ...operationsLinks } });

    // Least privilege, per function: exactly the calls its handler makes.
    const allow = (f: lambda.IFunction, actions: string[], resources: string[]) => f.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    /** GetObject (HeadObject, ranged reads) on any upload; ListBucket makes a missing key a 404 (ClipNotFound), not a 403. */
    const readUploads = (f: lambda.IFunction, reason: string) => {
      allow(f, ['s3:GetObject', 's3:GetObjectVersion'], [uploadsObjects]);
      allow(f, ['s3:ListBucket'], [this.uploadsBucket.bucketArn]);
      acknowledge(f.role!, [{ id: this.objectsFinding(this.uploadsBucket), reason }]);
    };
    readUploads(validateClip, 'Reads any upload: keys are per clip, not known at deploy time.');
    // Copies the clip's own version for the render when its key was overwritten (tasks/render-source.ts).
    allow(validateClip, ['s3:PutObject'], [renderSourceCopies]);
    acknowledge(validateClip.role!, [{ id: this.objectsFinding(this.mediaBucket, '*/source/*'), reason: 'Writes the render-source copy under any clip prefix: keys are per clip.' }]);
    // The clip item: conditional UpdateItem, GetItem when the condition fails.
    for (const f of [catalogClip, quarantineClip, recordFailure]) allow(f, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [this.table.tableArn]);
    // Camera settings and alert state (GetItem), cooldown claim (conditional UpdateItem), alert record (PutItem).
    allow(decideAlert, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], [this.table.tableArn]);
    // The camera's render profile (GetItem of its settings).
    allow(validateClip, ['dynamodb:GetItem'], [this.table.tableArn]);
    // Lists the clip's renditions, reads and writes object tags; reads the clip and camera, records the class.
    // Tags (and, for a held clip, legal holds) are set on the clip's own versions.
    allow(applyRetention, ['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging', 's3:PutObjectLegalHold'], [uploadsObjects, mediaObjects]);
    allow(applyRetention, ['s3:ListBucket', 's3:ListBucketVersions'], [this.uploadsBucket.bucketArn, this.mediaBucket.bucketArn]);
    allow(applyRetention, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [this.table.tableArn]);
    acknowledge(applyRetention.role!, [
      { id: this.objectsFinding(this.uploadsBucket), reason: 'Tags any upload: keys are per clip, not known at deploy time.' },
      { id: this.objectsFinding(this.mediaBucket), reason: 'Tags any rendition: keys are per clip, not known at deploy time.' },
    ]);

    // --- The clip workflow ---------------------------------------------------------------
    const workflowLogs = new logs.LogGroup(this, 'ClipWorkflowLogs', {
      logGroupName: `/aws/vendedlogs/states/${STATE_MACHINE_NAME}`,
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.stateMachine = new sfn.StateMachine(this, 'ClipWorkflow', {
      stateMachineName: STATE_MACHINE_NAME,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildClipWorkflow(this, {
          validateClip,
          decideAlert,
          catalogClip,
          applyRetention,
          quarantineClip,
          recordFailure,
          motionTopic: this.motionTopic,
          operationsTopic: this.operationsTopic,
          mediaConvertRole: this.mediaConvertRole,
        }),
      ),
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // Only this account's state machines may assume the workflow's role (confused deputy): the
    // condition newer aws-cdk-lib (2.276) writes itself; 2.257.0, pinned for integ-runner (see the README), does not.
    (this.stateMachine.role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Condition', {
      ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'states', resource: 'stateMachine', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      StringEquals: { 'aws:SourceAccount': this.account },
    });
    // Publishing to the operations topic encrypts with its key.
    operationsKey.grant(this.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledge(this.stateMachine, [
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'MediaConvert CreateJob/GetJob/CancelJob, X-Ray and log delivery have no resource-level scope.' },
      ...[validateClip, decideAlert, catalogClip, applyRetention, quarantineClip, recordFailure].map((f) => ({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(f)}.Arn>:*]`,
        reason: 'CDK grants InvokeFunction on the function and its versions/aliases (ARN:*); the workflow calls only these functions.',
      })),
    ]);

    // --- Trigger: every object created in the uploads bucket starts one execution --------
    const triggerDeadLetters = new sqs.Queue(this, 'TriggerDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(triggerDeadLetters, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the trigger (function and rule target).' }]);
    const trigger = fn('Trigger', {
      deadLetterQueue: triggerDeadLetters,
      environment: { ...storage, [ENV.stateMachineArn]: this.stateMachine.stateMachineArn },
    });
    allow(trigger, ['states:StartExecution'], [this.stateMachine.stateMachineArn]);
    allow(trigger, ['dynamodb:PutItem'], [this.table.tableArn]);
    // HeadObject tells an URL-encoded event key from a literal one.
    new events.Rule(this, 'UploadCreated', {
      description: 'An object was created in the camflow uploads bucket: start its clip workflow',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [this.uploadsBucket.bucketName] } } },
      targets: [new targets.LambdaFunction(trigger, { deadLetterQueue: triggerDeadLetters, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });

    // --- No clip stuck for ever: the sweeper, the dead-letter retry, the alarm ------------
    const sweepEveryMinutes = Number(context('sweepEveryMinutes') ?? 10);
    if (!Number.isInteger(sweepEveryMinutes) || sweepEveryMinutes < 1 || sweepEveryMinutes > 1440) {
      throw new RangeError(`context sweepEveryMinutes must be a whole number of minutes from 1 to 1440, got '${String(context('sweepEveryMinutes'))}'`);
    }
    const sweepEvery = Duration.minutes(sweepEveryMinutes);
    const workflowExecutions = this.formatArn({ service: 'states', resource: 'execution', resourceName: `${STATE_MACHINE_NAME}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const sweeper = fn('Sweeper', {
      environment: {
        ...storage,
        [ENV.stateMachineArn]: this.stateMachine.stateMachineArn,
        ...optional(SWEEPER_ENV.graceSeconds, 'sweepGraceSeconds'),
        ...optional(SWEEPER_ENV.maxRedrives, 'sweepMaxRedrives'),
        ...optional(SWEEPER_ENV.giveUpAfterDays, 'sweepGiveUpDays'),
      },
    });
    // PROCESSING clips from the status index; FAILED with a reason (conditional UpdateItem).
    allow(sweeper, ['dynamodb:Query'], [`${this.table.tableArn}/index/byStatus`]);
    allow(sweeper, ['dynamodb:UpdateItem'], [this.table.tableArn]);
    // Executions of the clip workflow: describe, redrive; start one the trigger never started.
    allow(sweeper, ['states:DescribeExecution', 'states:RedriveExecution'], [workflowExecutions]);
    allow(sweeper, ['states:StartExecution'], [this.stateMachine.stateMachineArn]);
    // HeadObject of a never-started clip's upload version: its ETag rebuilds the execution input.
    allow(sweeper, ['s3:GetObject', 's3:GetObjectVersion'], [uploadsObjects]);
    acknowledge(sweeper.role!, [
      { id: this.objectsFinding(this.uploadsBucket), reason: 'HeadObject on the upload of a never-started clip: keys are per clip, not known at deploy time.' },
      // As cdk-nag prints it: the region and account themselves when the stack's env resolves them (`cdk synth` with a default region).
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${rendered(this.region, '<AWS::Region>')}:${rendered(this.account, '<AWS::AccountId>')}:execution:${STATE_MACHINE_NAME}:*]`,
        reason: 'Describes and redrives executions of the clip workflow only; execution names are clip ids, not known at deploy time.',
      },
    ]);
    const retryFailedUploads = fn('RetryFailedUploads', {
      environment: { ...storage, [ENV.stateMachineArn]: this.stateMachine.stateMachineArn, [TRIGGER_DEAD_LETTERS_URL]: triggerDeadLetters.queueUrl },
    });
    // Reads and deletes the dead letters; runs the trigger's code, so it may do what the trigger does.
    allow(retryFailedUploads, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], [triggerDeadLetters.queueArn]);
    allow(retryFailedUploads, ['states:StartExecution'], [this.stateMachine.stateMachineArn]);
    allow(retryFailedUploads, ['dynamodb:PutItem'], [this.table.tableArn]);
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'EventBridge Scheduler: invokes the camflow sweeper and the dead-letter retry',
    });
    for (const [id, target] of [
      ['Sweep', sweeper],
      ['RetryFailedUploads', retryFailedUploads],
    ] as const) {
      new scheduler.Schedule(this, `${id}Schedule`, {
        description: id === 'Sweep' ? 'camflow: restart, redrive or fail clips stuck in PROCESSING' : 'camflow: run the trigger again for uploads in its dead-letter queue',
        schedule: scheduler.ScheduleExpression.rate(sweepEvery),
        // A missed run is simply the next one.
        target: new schedulerTargets.LambdaInvoke(target, { role: scheduleRole, retryAttempts: 0, maxEventAge: Duration.minutes(5) }),
      });
    }
    acknowledge(
      scheduleRole,
      [sweeper, retryFailedUploads].map((f) => ({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(f)}.Arn>:*]`,
        reason: 'CDK grants InvokeFunction on the function and its versions/aliases (ARN:*); the schedules invoke only these two functions.',
      })),
    );
    new cloudwatch.Alarm(this, 'TriggerDeadLettersAlarm', {
      alarmDescription:
        'Uploads are waiting in the trigger dead-letter queue: their clip workflow could not be started (trigger errors for 24 hours). ' +
        `The RetryFailedUploads function runs the trigger again for them every ${sweepEvery.toMinutes()} minutes; if this alarm stays on, read that function's and the Trigger's logs ` +
        '(search for the object key), fix the cause, and the next run starts them. A message that is not an S3 event is never removed by it: inspect and delete it in the SQS console.',
      metric: triggerDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new cloudwatchActions.SnsAction(this.operationsTopic));

    this.functions = {
      ValidateClip: validateClip,
      DecideAlert: decideAlert,
      CatalogClip: catalogClip,
      ApplyRetention: applyRetention,
      QuarantineClip: quarantineClip,
      RecordFailure: recordFailure,
      Trigger: trigger,
      Sweeper: sweeper,
      RetryFailedUploads: retryFailedUploads,
    };

    // --- The gateway's credentials: put objects into uploads, nothing else ---------------
    this.gatewayUploader = new iam.User(this, 'GatewayUploader');
    this.gatewayUploader.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [uploadsObjects] }));
    // ...and its heartbeat: custom metrics in the gateway namespace only.
    this.gatewayUploader.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': HEARTBEAT_NAMESPACE } } }),
    );
    acknowledge(this.gatewayUploader, [
      { id: this.objectsFinding(this.uploadsBucket), reason: 'The gateway uploads clips under any camera key of the uploads bucket (put only: no read, list or delete).' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: `cloudwatch:PutMetricData has no resource-level scope; a condition limits it to the ${HEARTBEAT_NAMESPACE} namespace.` },
    ]);

    // --- The gateway falls silent: alarms on its heartbeat, per gateway (context gatewayNames)
    const gatewayNames = context('gatewayNames') === undefined ? [DEFAULT_GATEWAY_NAME] : contextList(context('gatewayNames'));
    for (const name of gatewayNames) {
      const metric = (metricName: string, statistic: string, period: Duration) =>
        new cloudwatch.Metric({ namespace: HEARTBEAT_NAMESPACE, metricName, dimensionsMap: { [HEARTBEAT_DIMENSION]: name }, statistic, period });
      const suffix = name.replace(/[^A-Za-z0-9]/g, '');
      new cloudwatch.Alarm(this, `GatewayHeartbeatMissing${suffix}`, {
        alarmDescription:
          `No heartbeat from the camflow gateway '${name}' for 10 minutes: the box is off, stolen, or cut from the internet, and camera clips are not leaving the premises. ` +
          'Check its power and network; on the box, `camflow gateway status` shows the last heartbeat and why sending it failed.',
        metric: metric(HEARTBEAT_METRICS.heartbeat, cloudwatch.Stats.SAMPLE_COUNT, Duration.minutes(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 10,
        datapointsToAlarm: 10,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }).addAlarmAction(new cloudwatchActions.SnsAction(this.operationsTopic));
      new cloudwatch.Alarm(this, `GatewayQueueStuck${suffix}`, {
        alarmDescription:
          `The camflow gateway '${name}' has had files waiting for S3 for 30 minutes: it is alive but cannot upload. ` +
          'On the box, `camflow gateway status` shows the last error (credentials, network, S3); files are kept in its spool until they go.',
        metric: metric(HEARTBEAT_METRICS.queueLength, cloudwatch.Stats.MINIMUM, Duration.minutes(5)),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 6,
        datapointsToAlarm: 6,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new cloudwatchActions.SnsAction(this.operationsTopic));
    }

    // --- Outputs -------------------------------------------------------------------------
    new CfnOutput(this, 'UploadsBucketName', { value: this.uploadsBucket.bucketName, description: 'Where the gateway uploads clips ({camera}/…)' });
    new CfnOutput(this, 'MediaBucketName', { value: this.mediaBucket.bucketName, description: 'Renditions, posters and thumbnails' });
    new CfnOutput(this, 'CatalogTableName', { value: this.table.tableName });
    new CfnOutput(this, 'ClipWorkflowArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'MotionAlertsTopicArn', { value: this.motionTopic.topicArn });
    new CfnOutput(this, 'OperationsTopicArn', { value: this.operationsTopic.topicArn });
    new CfnOutput(this, 'MediaConvertRoleArn', { value: this.mediaConvertRole.roleArn });
    new CfnOutput(this, 'GatewayUploaderUserName', {
      value: this.gatewayUploader.userName,
      description: 'IAM user for the on-prem gateway (PutObject on uploads only); create its access key yourself',
    });

    // The web app (private bucket + CloudFront). Its origin is the only one CORS lets call the
    // API and fetch media: the distribution's, or context `webOrigin` for a custom domain.
    this.web = new CamflowWebHosting(this, 'Web', { accessLogs });
    const webOrigin = context('webOrigin') === undefined ? this.web.origin : String(context('webOrigin'));
    this.api = new CamflowApi(this, 'Api', {
      table: this.table,
      uploadsBucket: this.uploadsBucket,
      mediaBucket: this.mediaBucket,
      stateMachine: this.stateMachine,
      webOrigin,
    });
    this.web.deploy(this.api);

    // --- The operator's view (issue 14): alarms to the operations topic, one dashboard -----
    // Placed last so the dashboard's alarm grid holds every alarm of the stack.
    new OperationsAlarms(this, 'OperationsAlarms', {
      operationsTopic: this.operationsTopic,
      stateMachine: this.stateMachine,
      restApi: this.api.restApi,
      functions: [...Object.values(this.functions), this.api.handler],
      webUrl: String(context('webUrl') ?? webOrigin),
    });
    const dashboard = new OperationsDashboard(this, 'OperationsDashboard', {
      stateMachine: this.stateMachine,
      restApi: this.api.restApi,
      triggerDeadLetters,
      functions: [...Object.values(this.functions), this.api.handler],
      alarms: this.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm),
    });
    new CfnOutput(this, 'OperationsDashboardName', { value: dashboard.dashboard.dashboardName, description: 'The CloudWatch dashboard of clips, executions, renders, alarms and the API' });
  }

  private logicalIdOf(construct: IConstruct): string {
    return this.getLogicalId(construct.node.defaultChild as CfnElement);
  }

  /** The cdk-nag finding for a grant on every object of a bucket (`arn…/*`). */
  private objectsFinding(bucket: s3.IBucket, objects = '*'): string {
    return `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(bucket)}.Arn>/${objects}]`;
  }

  /** A task function of workflows/task-functions.ts: its handler, memory and timeout from there, the rest camflow's Lambda defaults (CamflowFunction). */
  private taskFunction(id: TaskFunctionId, options: TaskFunctionOptions): CamflowFunction {
    const task = TASK_FUNCTIONS[id];
    return new CamflowFunction(this, id, {
      entry: join(PROJECT_ROOT, 'tasks', `${task.handlerFile}.ts`),
      serviceName: SERVICE_NAME,
      roleDescription: `camflow ${task.handlerFile} task`,
      memorySize: task.memorySize,
      timeout: Duration.seconds(task.timeoutSeconds),
      ...options,
    });
  }
}

interface TaskFunctionOptions {
  environment?: Record<string, string>;
  /** Shell commands run after esbuild; `{inputDir}` is the project root, `{outputDir}` the bundle's folder. */
  afterBundling?: string[];
  /** Where failed asynchronous invocations go (the trigger's). */
  deadLetterQueue?: sqs.IQueue;
}

function storageClassOf(name: string): s3.StorageClass {
  switch (name) {
    case 'GLACIER_IR':
      return s3.StorageClass.GLACIER_INSTANT_RETRIEVAL;
    case 'GLACIER':
      return s3.StorageClass.GLACIER;
    case 'DEEP_ARCHIVE':
      return s3.StorageClass.DEEP_ARCHIVE;
    default:
      throw new RangeError(`unknown storage class ${name}`);
  }
}

function attributeType(type: 'S' | 'N'): dynamodb.AttributeType {
  return type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;
}
