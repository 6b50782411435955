/**
 * cdk-nag findings the stack accepts on purpose: each acknowledged on its construct with the
 * reason, and the values a finding's id shows as cdk-nag writes them.
 */
import { Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Runs cdk-nag's AwsSolutions checks when the app synthesizes: a finding not acknowledged (error
 * or warning) fails the synth, naming the rule and the construct. As a validation of the app's
 * construct tree, not a `Validations.addPlugins` plugin: aws-cdk-lib 2.257.0 (pinned for
 * integ-runner, see the README) gives a plugin only the template paths, and cdk-nag 3 needs the
 * construct tree (its plugin then reports a failure that `cdk synth` does not even print).
 */
export function checkWithCdkNag(app: IConstruct): void {
  const checks = new AwsSolutionsChecks(app, { verbose: true });
  app.node.addValidation({
    validate: () => checks.validateScope(app).violations.map((v) => `cdk-nag ${v.ruleName} (${v.severity}) on ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`),
  });
}

/**
 * Acknowledges cdk-nag findings on a construct (and its children), each with its reason: recorded
 * in the construct metadata cdk-nag reads (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`), as
 * `Validations.acknowledge` records them. Not through that method: aws-cdk-lib 2.257.0 (pinned for
 * integ-runner, see the README) rejects an id with more than one `::`, and a finding on a resource
 * ARN has several (`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:…]`).
 */
export function acknowledge(scope: IConstruct, findings: Array<{ id: string; reason: string }>): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, Object.fromEntries(findings.map((f) => [`Annotation::${f.id}`, f.reason])));
}

/** How cdk-nag shows a value in a finding: a pseudo parameter (`<AWS::Region>`) for an unresolved one. */
export function rendered(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? pseudo : value;
}
