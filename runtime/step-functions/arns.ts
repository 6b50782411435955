/**
 * State machine and execution ARNs of the local Step Functions endpoint (its region and account).
 */
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-credentials.ts';

const PREFIX = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;

export function stateMachineArn(stateMachineName: string): string {
  return `${PREFIX}:stateMachine:${stateMachineName}`;
}

export function executionArn(stateMachineName: string, executionName: string): string {
  return `${PREFIX}:execution:${stateMachineName}:${executionName}`;
}
