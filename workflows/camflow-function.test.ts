/**
 * CamflowFunction on its own, in a bare stack. That every function of the camflow stack is one
 * (same runtime, architecture, tracing, logging, environment defaults and bundling): camflow-stack.test.ts.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CamflowFunction, PROJECT_ROOT } from './camflow-function.ts';

type Resource = { Type: string; Properties: Record<string, any> };

describe('CamflowFunction', () => {
  it('puts its log group and role beside it as `{id}Logs` and `{id}Role`, and acknowledges what its defaults raise', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
    const fn = new CamflowFunction(stack, 'Probe', {
      entry: `${PROJECT_ROOT}/tasks/trigger.ts`,
      serviceName: 'camflow-test',
      roleDescription: 'camflow test function',
      memorySize: 128,
      timeout: Duration.seconds(10),
      environment: { TABLE: 'clips' },
    });
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
    const logicalId = (id: string) => stack.getLogicalId(stack.node.findChild(id).node.defaultChild as never);
    const props = template.Resources[stack.getLogicalId(fn.node.defaultChild as never)]!.Properties;
    expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId('ProbeLogs') } });
    expect(props.Role).toEqual({ 'Fn::GetAtt': [logicalId('ProbeRole'), 'Arn'] });
    expect(template.Resources[logicalId('ProbeLogs')]!.Properties.RetentionInDays).toBe(90);
    expect(template.Resources[logicalId('ProbeRole')]!.Properties.Description).toBe('camflow test function');
    expect(props.MemorySize).toBe(128);
    expect(props.Timeout).toBe(10);
    // The defaults first, then the function's own.
    expect(Object.entries(props.Environment.Variables)).toEqual([
      ['POWERTOOLS_SERVICE_NAME', 'camflow-test'],
      ['POWERTOOLS_LOG_LEVEL', 'INFO'],
      ['NODE_OPTIONS', '--enable-source-maps'],
      ['TABLE', 'clips'],
    ]);
    const acknowledged = (path: string) =>
      stack.node
        .findChild(path)
        .node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')
        .flatMap((m) => Object.keys(m.data as object));
    expect(acknowledged('Probe')).toContain('Annotation::AwsSolutions-L1');
    expect(acknowledged('ProbeRole')).toContain('Annotation::AwsSolutions-IAM5[Resource::*]');
  });
});
