/**
 * cdk-nag findings the stack accepts on purpose: each acknowledged on its construct with the
 * reason, and the values a finding's id shows as cdk-nag writes them.
 */
import { Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges cdk-nag findings on a construct (and its children), each with its reason. */
export function acknowledge(scope: IConstruct, findings: Array<{ id: string; reason: string }>): void {
  for (const finding of findings) Validations.of(scope).acknowledge(finding);
}

/** How cdk-nag shows a value in a finding: a pseudo parameter (`<AWS::Region>`) for an unresolved one. */
export function rendered(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? pseudo : value;
}
