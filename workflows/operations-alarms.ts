/**
 * The alarms that tell the operations topic something is wrong with camflow in AWS (issue 14).
 * Each description says what the alarm means and what to do first; the README's runbook
 * ("When an alarm fires") says how to find the clips involved and how to redrive them.
 *
 * | alarm | watches | fires when |
 * |---|---|---|
 * | `ClipExecutionsFailed` | Step Functions ExecutionsFailed | any execution FAILED in 5 minutes (quarantined uploads included: they end at the `ClipQuarantined` Fail state) |
 * | `ClipExecutionsTimedOut` | Step Functions ExecutionsTimedOut | any execution TIMED_OUT in 5 minutes |
 * | `ClipWorkflowThrottled` | Step Functions ExecutionThrottled | any throttled transition in 5 minutes |
 * | `RenderJobsErrored` | MediaConvert JobsErroredCount, Default queue | any job ended in ERROR in 5 minutes |
 * | `ApiServerErrors` | API Gateway 5XXError (Average = the share of requests) | over 5 % of requests for 3 × 5 minutes |
 * | `ApiLatencyP99` | API Gateway Latency p99 | over 3 s for 3 × 5 minutes |
 * | `LambdaErrors` | Lambda Errors, summed over camflow's functions | 5 or more in 5 minutes |
 * | `LambdaThrottles` | Lambda Throttles, summed over camflow's functions | any in 5 minutes |
 *
 * The trigger's dead-letter alarm (`TriggerDeadLettersAlarm`) and the gateway's heartbeat
 * alarms live beside what they watch, in the stack.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  /** Where every alarm (and its return to OK) is sent. */
  readonly operationsTopic: sns.ITopic;
  /** The clip workflow. */
  readonly stateMachine: sfn.IStateMachine;
  /** The REST API. */
  readonly restApi: apigateway.IRestApi & { metricServerError(p?: cloudwatch.MetricOptions): cloudwatch.Metric; metricLatency(p?: cloudwatch.MetricOptions): cloudwatch.Metric };
  /** camflow's functions (tasks, trigger, sweeper, API): their errors and throttles. */
  readonly functions: lambda.IFunction[];
  /** Share of API requests answered 5xx that alarms (default 0.05: 5 %). */
  readonly apiServerErrorRate?: number;
  /** API p99 latency that alarms (default 3 s). */
  readonly apiLatencyP99?: Duration;
  /** Lambda errors in 5 minutes that alarm (default 5: single errors are retried by the workflow). */
  readonly lambdaErrors?: number;
  /** The web app's URL: the clip alarms link to its Operations page. */
  readonly webUrl?: string;
}

/** CloudWatch alarm math takes at most 10 metrics: the functions are summed in groups of 10. */
const METRICS_PER_ALARM = 10;
const FIVE_MINUTES = Duration.minutes(5);

export class OperationsAlarms extends Construct {
  /** Every alarm of this construct, by id. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const action = new cloudwatchActions.SnsAction(props.operationsTopic);
    const find = "Find the clips: `camflow executions --status FAILED --endpoint https://states.REGION.amazonaws.com`, the web app's Operations page, or the console (links below).";
    const alarm = (alarmId: string, description: string, props: Omit<cloudwatch.AlarmProps, 'alarmDescription'>) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms[alarmId] = created;
      return created;
    };
    // The clip alarms link to the workflow's executions in the console, and to the web app's Operations page.
    const where =
      ` Executions: https://${stack.region}.console.aws.amazon.com/states/home#/v2/statemachines/view/${props.stateMachine.stateMachineArn}` +
      (props.webUrl ? ` Operations page: ${props.webUrl.replace(/\/+$/, '')}/operations` : '');
    const anyIn5Minutes = { threshold: 0, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 1 } as const;
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };

    alarm(
      'ClipExecutionsFailed',
      'A clip workflow execution FAILED: a clip ended QUARANTINED (not a clip; the operations message says why) or FAILED (a step failed after its retries). ' +
        `${find} The failed step's error says what to fix; then redrive (web app, POST /executions/{name}/redrive, or aws stepfunctions redrive-execution). Quarantined uploads need no redrive.${where}`,
      { metric: props.stateMachine.metricFailed(sum), ...anyIn5Minutes },
    );
    alarm(
      'ClipExecutionsTimedOut',
      'A clip workflow execution TIMED_OUT: a step ran past its timeout (5 min for a Lambda task, 2 h for the render). ' +
        `${find} Check the step's logs (Lambda) or the MediaConvert job; the sweeper redrives timed-out executions up to 3 times, or redrive it yourself once the cause is fixed.${where}`,
      { metric: props.stateMachine.metricTimedOut(sum), ...anyIn5Minutes },
    );
    alarm(
      'ClipWorkflowThrottled',
      'Step Functions throttled the clip workflow (state transitions or StartExecution over the account quota): clips are delayed, and the trigger retries. ' +
        "Check for an upload storm (a camera uploading in a loop) in the dashboard's executions widget; if the load is real, ask for a higher Step Functions quota in Service Quotas.",
      { metric: props.stateMachine.metricThrottled(sum), ...anyIn5Minutes },
    );
    const defaultQueue = stack.formatArn({ service: 'mediaconvert', resource: 'queues', resourceName: 'Default' });
    alarm(
      'RenderJobsErrored',
      "A MediaConvert job ended in ERROR: a clip has no web playback and is FAILED with the job's error (the operations message names it). " +
        `${find} MediaConvert console, Jobs, status Error: the error code. Play the raw upload: if it plays, redrive; if not, the camera wrote a broken file.${where}`,
      { metric: new cloudwatch.Metric({ namespace: 'AWS/MediaConvert', metricName: 'JobsErroredCount', dimensionsMap: { Queue: defaultQueue }, ...sum }), ...anyIn5Minutes },
    );
    const rate = props.apiServerErrorRate ?? 0.05;
    alarm(
      'ApiServerErrors',
      `Over ${rate * 100} % of REST API requests answered 5xx for 15 minutes: the web app and API clients fail. ` +
        "Read the API handler's logs (its log group, level ERROR) for the error; a DynamoDB or S3 outage shows there too. Fix and redeploy, or roll back the last deployment.",
      {
        metric: props.restApi.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.AVERAGE }),
        threshold: rate,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      },
    );
    const latency = props.apiLatencyP99 ?? Duration.seconds(3);
    alarm(
      'ApiLatencyP99',
      `The REST API's p99 latency was over ${latency.toSeconds()} s for 15 minutes: the web app feels stuck. ` +
        "Check the API handler's duration and throttles in the dashboard and its X-Ray traces for the slow call (DynamoDB, S3, Step Functions); raise its memory if it is CPU-bound.",
      {
        metric: props.restApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
        threshold: latency.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      },
    );
    const errors = props.lambdaErrors ?? 5;
    for (const [index, group] of chunks(props.functions, METRICS_PER_ALARM).entries()) {
      const suffix = index === 0 ? '' : String(index + 1);
      const total = (metricOf: (f: lambda.IFunction) => cloudwatch.Metric, label: string) =>
        new cloudwatch.MathExpression({
          expression: group.map((_, i) => `m${i}`).join(' + '),
          usingMetrics: Object.fromEntries(group.map((f, i) => [`m${i}`, metricOf(f)])),
          label,
          period: FIVE_MINUTES,
        });
      alarm(
        `LambdaErrors${suffix}`,
        `camflow's Lambda functions failed ${errors} or more times in 5 minutes. The workflow retries its tasks, so clips may still end READY; a FAILED clip raises ClipExecutionsFailed too. ` +
          "The dashboard's Lambda widget shows which function; read its log group (level ERROR: each error is named and says what to do). " +
          find,
        { metric: total((f) => f.metricErrors(sum), 'Lambda errors'), threshold: errors, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, evaluationPeriods: 1 },
      );
      alarm(
        `LambdaThrottles${suffix}`,
        'A camflow Lambda function was throttled (account concurrency used up): tasks wait and retry, clips are delayed. ' +
          "See which function in the dashboard; look for another workload using the account's concurrency, or ask for a higher Lambda concurrency quota.",
        { metric: total((f) => f.metricThrottles(sum), 'Lambda throttles'), ...anyIn5Minutes },
      );
    }
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
