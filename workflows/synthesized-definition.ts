/**
 * The clip workflow's ASL exactly as the CDK stack deploys it, for the local runtime (which
 * runs the same definition with aws-local-stepfunctions) and for tests.
 *
 * The stack is synthesized in memory with bundling skipped, and the state machine's
 * DefinitionString (an `Fn::Join` of strings and ARN intrinsics) is resolved to plain
 * strings with placeholder ARNs named after the constructs:
 * - Lambda `Fn::GetAtt [fn, Arn]` → `arn:aws:lambda:{region}:{account}:function:{construct id}`
 *   (ValidateClip, DecideAlert, CatalogClip, ApplyRetention, QuarantineClip, RecordFailure)
 * - SNS topic `Ref` → `arn:aws:sns:{region}:{account}:{construct id}` (MotionAlerts, Operations)
 * - IAM role `Fn::GetAtt [role, Arn]` → `arn:aws:iam::{account}:role/{construct id}` (MediaConvertRole)
 * - `AWS::Partition` → aws, `AWS::Region` → region, `AWS::AccountId` → account, `AWS::URLSuffix` → amazonaws.com
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { CamflowStack } from './camflow-stack.ts';

export interface SynthesizeOptions {
  /** Default us-east-1. */
  region?: string;
  /** Default 000000000000. */
  account?: string;
}

export interface SynthesizedClipWorkflow {
  /** The state machine definition, every ARN a plain string. */
  asl: Record<string, unknown>;
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** How the resolver names resources: logical id → construct id (`ValidateClip`, `MotionAlerts`…). */
type ConstructIds = ReadonlyMap<string, string>;

/** logical id → the id of the construct that owns the resource (the L2, not its `Resource` child). */
export function constructIdsOf(stack: Stack): Map<string, string> {
  const ids = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (!CfnElement.isCfnElement(construct)) continue;
    const own = construct.node.id;
    const owner = (own === 'Resource' || own === 'Default') && construct.node.scope ? construct.node.scope.node.id : own;
    ids.set(stack.getLogicalId(construct), owner);
  }
  return ids;
}

export function synthesizeClipWorkflowDefinition(options: SynthesizeOptions = {}): SynthesizedClipWorkflow {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '000000000000';
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CamflowStack(app, 'Camflow');
  const template = app.synth().getStackByName(stack.stackName).template as Template;
  const machines = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine in the camflow stack, found ${machines.length}`);
  const definition = machines[0]![1].Properties?.DefinitionString;
  const text = resolveIntrinsic(definition, template, { region, account, constructIds: constructIdsOf(stack) });
  if (typeof text !== 'string') throw new Error('the state machine DefinitionString did not resolve to a string');
  return { asl: JSON.parse(text) as Record<string, unknown> };
}

/** Resolves the intrinsics a DefinitionString holds to placeholder strings (see the module doc). */
function resolveIntrinsic(value: unknown, template: Template, where: Where): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsic(v, template, where));
  if (value === null || typeof value !== 'object') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  const [fn, arg] = entries[0]!;
  switch (fn) {
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsic(p, template, where))).join(separator);
    }
    case 'Ref':
      return resolveRef(arg as string, template, where);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = (Array.isArray(arg) ? arg : String(arg).split('.')) as [string, string];
      return resolveGetAtt(logicalId, attribute, template, where);
    }
    default:
      throw new Error(`the clip workflow definition uses ${fn}, which synthesizeClipWorkflowDefinition does not resolve`);
  }
}

interface Where {
  region: string;
  account: string;
  constructIds: ConstructIds;
}

function constructIdOf(logicalId: string, constructIds: ConstructIds): string {
  const id = constructIds.get(logicalId);
  if (!id) throw new Error(`no construct for resource ${logicalId}`);
  return id;
}

function resolveRef(name: string, template: Template, { region, account, constructIds }: Where): string {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return region;
    case 'AWS::AccountId':
      return account;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
  }
  const resource = template.Resources[name];
  if (resource?.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${region}:${account}:${constructIdOf(name, constructIds)}`;
  throw new Error(`cannot resolve Ref ${name} (${resource?.Type ?? 'unknown'}) in the clip workflow definition`);
}

function resolveGetAtt(logicalId: string, attribute: string, template: Template, { region, account, constructIds }: Where): string {
  const resource = template.Resources[logicalId];
  if (attribute === 'Arn' && resource?.Type === 'AWS::Lambda::Function') return `arn:aws:lambda:${region}:${account}:function:${constructIdOf(logicalId, constructIds)}`;
  if (attribute === 'Arn' && resource?.Type === 'AWS::IAM::Role') return `arn:aws:iam::${account}:role/${constructIdOf(logicalId, constructIds)}`;
  if (attribute === 'TopicArn' && resource?.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${region}:${account}:${constructIdOf(logicalId, constructIds)}`;
  throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${resource?.Type ?? 'unknown'}) in the clip workflow definition`);
}
