/**
 * The operator's view in the synthesized template (issue 14): every alarm, what it watches,
 * that it tells the operations topic and says what to do; the dashboard and its output.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CamflowStack } from './camflow-stack.ts';
import { RENDER_PROFILES } from '../domain/render-profiles.ts';

type Resource = { Type: string; Properties: Record<string, any> };
let stack: CamflowStack;
let resources: Record<string, Resource>;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new CamflowStack(app, 'Camflow');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const alarmNamed = (id: string): Record<string, any> => {
  const found = Object.entries(resources).filter(([key, r]) => r.Type === 'AWS::CloudWatch::Alarm' && key.startsWith(`OperationsAlarms${id}`));
  expect(
    found.map(([key]) => key),
    id,
  ).toHaveLength(1);
  return found[0]![1].Properties;
};
const topic = () => ({ Ref: logicalId(stack.operationsTopic) });
/** An alarm description as text, each reference (ARN, domain) written `{ref}`. */
const description = (alarm: Record<string, any>): string =>
  typeof alarm.AlarmDescription === 'string' ? alarm.AlarmDescription : (alarm.AlarmDescription['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : '{ref}')).join('');

describe('alarms to the operations topic', () => {
  const cases: Array<{ id: string; expected: Record<string, unknown> & { MetricName: string }; says: RegExp[] }> = [
    {
      id: 'ClipExecutionsFailed',
      expected: { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' },
      says: [/FAILED/, /camflow executions --status FAILED/, /Operations page/, /redrive/i],
    },
    { id: 'ClipExecutionsTimedOut', expected: { Namespace: 'AWS/States', MetricName: 'ExecutionsTimedOut', Statistic: 'Sum', Threshold: 0 }, says: [/TIMED_OUT/, /redrive/i] },
    { id: 'ClipWorkflowThrottled', expected: { Namespace: 'AWS/States', MetricName: 'ExecutionThrottled', Statistic: 'Sum', Threshold: 0 }, says: [/throttled/, /quota/] },
    { id: 'RenderJobsErrored', expected: { Namespace: 'AWS/MediaConvert', MetricName: 'JobsErroredCount', Statistic: 'Sum', Threshold: 0 }, says: [/MediaConvert job ended in ERROR/, /redrive/i] },
    { id: 'ApiServerErrors', expected: { Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Statistic: 'Average', Threshold: 0.05, EvaluationPeriods: 3 }, says: [/5xx/, /logs/] },
    { id: 'ApiLatencyP99', expected: { Namespace: 'AWS/ApiGateway', MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 3000, EvaluationPeriods: 3 }, says: [/p99 latency/, /X-Ray/] },
  ];
  for (const { id, expected, says } of cases) {
    it(`${id}: watches ${expected.MetricName}, tells the operations topic, and says what it means and what to do`, () => {
      const alarm = alarmNamed(id);
      expect(alarm).toMatchObject({ ...expected, Period: 300, TreatMissingData: 'notBreaching', AlarmActions: [topic()], OKActions: [topic()] });
      for (const phrase of says) expect(description(alarm)).toMatch(phrase);
    });
  }

  it("the clip alarms link to the workflow in the Step Functions console and to the web app's Operations page", () => {
    for (const id of ['ClipExecutionsFailed', 'ClipExecutionsTimedOut', 'RenderJobsErrored']) {
      const parts = alarmNamed(id).AlarmDescription['Fn::Join'][1] as unknown[];
      expect(description(alarmNamed(id))).toMatch(
        /Executions: https:\/\/\{ref\}\.console\.aws\.amazon\.com\/states\/home#\/v2\/statemachines\/view\/\{ref\} Operations page: https:\/\/\{ref\}\/operations/,
      );
      expect(parts).toContainEqual({ Ref: logicalId(stack.stateMachine) });
    }
  });

  it('watches the clip workflow itself, and the Default MediaConvert queue the jobs run in', () => {
    expect(alarmNamed('ClipExecutionsFailed').Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: logicalId(stack.stateMachine) } }]);
    expect(JSON.stringify(alarmNamed('RenderJobsErrored').Dimensions)).toMatch(/"Name":"Queue".*:queues\/Default/);
    expect(alarmNamed('ApiServerErrors').Dimensions).toEqual([{ Name: 'ApiName', Value: expect.anything() }]);
  });

  it('LambdaErrors and LambdaThrottles sum the errors of every camflow function (tasks, trigger, sweeper, API)', () => {
    const functions = [...Object.values(stack.functions), stack.api.handler].map((f) => logicalId(f));
    for (const [id, metricName, threshold, operator] of [
      ['LambdaErrors', 'Errors', 5, 'GreaterThanOrEqualToThreshold'],
      ['LambdaThrottles', 'Throttles', 0, 'GreaterThanThreshold'],
    ] as const) {
      const alarm = alarmNamed(id);
      expect(alarm).toMatchObject({ Threshold: threshold, ComparisonOperator: operator, AlarmActions: [topic()], TreatMissingData: 'notBreaching' });
      const metrics = alarm.Metrics as Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Value: { Ref: string } }> } } }>;
      const expression = metrics.find((m) => m.Expression)!;
      const stats = metrics.filter((m) => m.MetricStat);
      expect(stats.every((m) => m.MetricStat!.Metric.MetricName === metricName)).toBe(true);
      expect(stats.map((m) => m.MetricStat!.Metric.Dimensions[0]!.Value.Ref).sort()).toEqual([...functions].sort());
      expect(expression.Expression!.split(' + ').sort()).toEqual(stats.map((m) => m.Id).sort());
      expect(description(alarm)).toMatch(/dashboard/);
    }
  });

  it('every alarm of the stack tells the operations topic and has a description that says what to do', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(11);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic()]);
      const text = description(alarm.Properties);
      expect(text.length).toBeGreaterThan(80);
      // CloudWatch takes 1024 characters at most: a reference (an ARN, a domain) counts as 120.
      expect(text.replaceAll('{ref}', 'x'.repeat(120)).length).toBeLessThanOrEqual(1024);
    }
  });
});

describe('the operations dashboard', () => {
  const body = (): string => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties.DashboardName).toBe('Camflow-operations');
    // The body is an Fn::Join of strings and references: keep the strings, name the references.
    const parts = dashboards[0]!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  };

  it('is a stack output', () => {
    const dashboardId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard')![0];
    template.hasOutput('OperationsDashboardName', { Value: { Ref: dashboardId } });
  });

  it('shows clips per hour by outcome, upload-to-ready and upload-to-alert percentiles, and MediaConvert minutes by profile', () => {
    const text = body();
    expect(text).toContain('Clips per hour, by outcome');
    for (const outcome of ['ready', 'quarantined', 'failed']) expect(text).toContain(`"Camflow","Clips","Outcome","${outcome}","service","camflow"`);
    for (const metric of ['UploadToReadySeconds', 'UploadToAlertSeconds'])
      for (const p of ['p50', 'p90', 'p99']) expect(text).toMatch(new RegExp(`"Camflow","${metric}","service","camflow",\\{[^}]*"stat":"${p}"`));
    for (const profile of RENDER_PROFILES) expect(text).toContain(`"Camflow","OutputMinutes","Profile","${profile}","service","camflow"`);
  });

  it('shows executions started/succeeded/failed, the dead-letter queue depth, the API and every alarm', () => {
    const text = body();
    for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut']) expect(text).toContain(`"AWS/States","${metric}","StateMachineArn"`);
    expect(text).toContain('"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName"');
    for (const metric of ['Count', '4XXError', '5XXError', 'Latency']) expect(text).toContain(`"AWS/ApiGateway","${metric}","ApiName"`);
    const alarmIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id]) => id);
    expect(text).toContain('"type":"alarm"');
    for (const id of alarmIds) expect(text, id).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
  });
});
