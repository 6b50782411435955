/**
 * The ASL the local runtime runs is the ASL the CDK app deploys, state for state: the
 * definition the local Step Functions endpoint describes is compared with the
 * DefinitionString of the synthesized template (the app of cdk.json, cdk-nag included),
 * where each ARN intrinsic must correspond to the same resource.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../workflows/app.ts';
import { constructIdsOf } from '../workflows/synthesized-definition.ts';
import { startLocalStack, type LocalStack } from '../runtime/local-stack.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let stack: LocalStack;
const work = mkdtempSync(join(tmpdir(), 'camflow-asl-'));

beforeAll(async () => {
  stack = await startLocalStack({ dataDirectory: work, ports: { s3: 0, dynamodb: 0, stepFunctions: 0, api: 0 }, api: false, print: () => undefined });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The template's definition with every intrinsic replaced by a marker, and what each marker stands for. */
function templateDefinition(): { asl: Json; intrinsics: Array<{ logicalId?: string; constructId?: string; ref?: string }> } {
  const { app, stack: cdkStack } = createApp(new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const template = app.synth().getStackByName(cdkStack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  expect(machines).toHaveLength(1);
  const definition = machines[0]!.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string;
  const constructIds = constructIdsOf(cdkStack);
  const intrinsics: Array<{ logicalId?: string; constructId?: string; ref?: string }> = [];
  const parts = typeof definition === 'string' ? [definition] : definition['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const [fn, arg] = Object.entries(part as Record<string, unknown>)[0]!;
      const logicalId = fn === 'Ref' ? String(arg) : fn === 'Fn::GetAtt' ? String((arg as string[])[0]) : undefined;
      intrinsics.push({ logicalId, constructId: logicalId ? constructIds.get(logicalId) : undefined, ref: fn === 'Ref' ? String(arg) : undefined });
      return `@@INTRINSIC${intrinsics.length - 1}@@`;
    })
    .join('');
  return { asl: JSON.parse(text) as Json, intrinsics };
}

/** Walks both trees; every difference is reported with its path. */
function differences(local: Json, deployed: Json, intrinsics: ReturnType<typeof templateDefinition>['intrinsics'], path = '$'): string[] {
  if (typeof deployed === 'string' && deployed.includes('@@INTRINSIC')) {
    if (typeof local !== 'string') return [`${path}: expected a string, got ${JSON.stringify(local)}`];
    // Each marker must be a resource the local ARN names (its construct id) or a pseudo parameter.
    let pattern = deployed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = pattern.replace(/@@INTRINSIC(\d+)@@/g, (_, index: string) => {
      const intrinsic = intrinsics[Number(index)]!;
      if (intrinsic.ref === 'AWS::Partition') return 'aws';
      if (intrinsic.ref === 'AWS::Region') return '[a-z0-9-]+';
      if (intrinsic.ref === 'AWS::AccountId') return '\\d{12}';
      if (intrinsic.ref === 'AWS::URLSuffix') return 'amazonaws\\.com';
      if (!intrinsic.constructId) return '(?!)';
      return `arn:aws:[a-z0-9-]+:[a-z0-9-]*:\\d{12}:(?:function:|role/)?${intrinsic.constructId}`;
    });
    return new RegExp(`^${pattern}$`).test(local) ? [] : [`${path}: ${JSON.stringify(local)} does not name ${deployed}`];
  }
  if (Array.isArray(deployed)) {
    if (!Array.isArray(local) || local.length !== deployed.length) return [`${path}: arrays differ in length`];
    return deployed.flatMap((d, i) => differences(local[i]!, d, intrinsics, `${path}[${i}]`));
  }
  if (deployed && typeof deployed === 'object') {
    if (!local || typeof local !== 'object' || Array.isArray(local)) return [`${path}: expected an object`];
    const keys = new Set([...Object.keys(deployed), ...Object.keys(local)]);
    return [...keys].flatMap((key) =>
      !(key in local) ? [`${path}.${key}: missing locally`] : !(key in deployed) ? [`${path}.${key}: only local`] : differences(local[key]!, deployed[key]!, intrinsics, `${path}.${key}`),
    );
  }
  return local === deployed ? [] : [`${path}: local ${JSON.stringify(local)} ≠ deployed ${JSON.stringify(deployed)}`];
}

it('the local endpoint runs the synthesized ASL, state for state', async () => {
  const described = await stack.clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.stateMachineArn }));
  const local = JSON.parse(described.definition!) as Json;
  const deployed = templateDefinition();
  const states = (asl: Json) => Object.keys((asl as { States: Record<string, Json> }).States).sort();
  expect(states(local)).toEqual(states(deployed.asl));
  expect(states(local).length).toBeGreaterThan(10);
  expect(differences(local, deployed.asl, deployed.intrinsics)).toEqual([]);
  // The comparison is not vacuous: a changed retry count or a Lambda pointed elsewhere is caught.
  const altered = JSON.parse(described.definition!) as { States: Record<string, { Type: string; Resource?: string; Retry?: Array<{ MaxAttempts?: number }> }> };
  const task = Object.values(altered.States).find((s) => s.Type === 'Task' && s.Resource?.includes(':function:') && s.Retry?.length)!;
  task.Retry![0]!.MaxAttempts = (task.Retry![0]!.MaxAttempts ?? 3) + 1;
  task.Resource = task.Resource!.replace(/function:.*/, 'function:SomethingElse');
  expect(differences(altered as unknown as Json, deployed.asl, deployed.intrinsics)).toHaveLength(2);
  // The markers were really exercised: Lambda tasks, topics and the MediaConvert role.
  expect(deployed.intrinsics.length).toBeGreaterThan(5);
});
