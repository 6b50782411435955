/**
 * Step Functions ARNs and names: the rule AWS applies to state machine and execution names,
 * and reading or forming ARNs from their parts (any region and account).
 */
/** 1–80 characters of letters, digits, `-` and `_` (what AWS requires when logging is on). */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` → name (any region/account is accepted). */
export function parseStateMachineArn(arn: string): string | undefined {
  const match = /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/.exec(arn);
  return match?.[1];
}

/** `arn:aws:states:<region>:<account>:execution:<machine>:<name>` → both names. */
export function parseExecutionArn(arn: string): { stateMachineName: string; executionName: string } | undefined {
  const match = /^arn:aws:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/.exec(arn);
  if (!match) return undefined;
  return { stateMachineName: match[1]!, executionName: match[2]! };
}

/** The execution ARN for a name, given its state machine's ARN. */
export function executionArnFor(machineArn: string, executionName: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
