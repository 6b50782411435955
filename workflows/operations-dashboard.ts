/**
 * One CloudWatch dashboard for the person who runs camflow (issue 14): clips per hour by
 * outcome, upload-to-ready and upload-to-alert percentiles, executions started / succeeded /
 * failed, MediaConvert minutes, the alarms' states, the trigger's dead-letter queue depth, and
 * the API's requests, errors and latency. Its name is the stack output `OperationsDashboardName`.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../tasks/clip-metrics.ts';
import { SERVICE_NAME } from '../domain/clip-contract.ts';
import { RENDER_PROFILES } from '../domain/render-profiles.ts';

export interface OperationsDashboardProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly restApi: apigateway.RestApi;
  readonly triggerDeadLetters: sqs.IQueue;
  readonly functions: lambda.IFunction[];
  /** Shown as one status grid. */
  readonly alarms: cloudwatch.IAlarm[];
}

const HOUR = Duration.hours(1);
const FIVE_MINUTES = Duration.minutes(5);

/** A camflow metric (namespace `Camflow`, dimension `service` plus `dimensions`). */
export function camflowMetric(metricName: string, dimensions: Record<string, string>, options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME, ...dimensions }, ...options });
}

export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const sumPerHour = { statistic: cloudwatch.Stats.SUM, period: HOUR };
    const percentiles = (metricName: string, label: string) => ['p50', 'p90', 'p99'].map((statistic) => camflowMetric(metricName, {}, { statistic, period: HOUR, label: `${label} ${statistic}` }));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.days(1),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 })],
        [
          new cloudwatch.GraphWidget({
            title: 'Clips per hour, by outcome',
            left: ['ready', 'quarantined', 'failed'].map((outcome) => camflowMetric('Clips', { Outcome: outcome }, { ...sumPerHour, label: outcome })),
            stacked: true,
            width: 8,
          }),
          new cloudwatch.GraphWidget({ title: 'Upload to ready (seconds)', left: percentiles('UploadToReadySeconds', 'ready'), width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Upload to alert (seconds)', left: percentiles('UploadToAlertSeconds', 'alert'), width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Clip workflow executions',
            left: [
              props.stateMachine.metricStarted({ ...sumPerHour, label: 'started' }),
              props.stateMachine.metricSucceeded({ ...sumPerHour, label: 'succeeded' }),
              props.stateMachine.metricFailed({ ...sumPerHour, label: 'failed' }),
              props.stateMachine.metricTimedOut({ ...sumPerHour, label: 'timed out' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'MediaConvert output minutes per hour, by render profile',
            left: RENDER_PROFILES.map((profile) => camflowMetric('OutputMinutes', { Profile: profile }, { ...sumPerHour, label: profile })),
            stacked: true,
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Trigger dead-letter queue (uploads whose workflow did not start)',
            left: [props.triggerDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: FIVE_MINUTES, label: 'messages waiting' })],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [props.restApi.metricCount({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, label: 'requests' })],
            right: [
              props.restApi.metricClientError({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, label: '4xx' }),
              props.restApi.metricServerError({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, label: '5xx' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (ms)',
            left: ['p50', 'p99'].map((statistic) => props.restApi.metricLatency({ statistic, period: FIVE_MINUTES, label: statistic })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Motion alerts per hour',
            left: [camflowMetric('AlertsSent', {}, { ...sumPerHour, label: 'sent' }), camflowMetric('AlertsSuppressed', {}, { ...sumPerHour, label: 'not sent' })],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda errors, by function',
            left: props.functions.map((f) => f.metricErrors({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda throttles, by function',
            left: props.functions.map((f) => f.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES })),
            width: 12,
          }),
        ],
      ],
    });
  }
}
