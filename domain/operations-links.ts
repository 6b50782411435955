/**
 * The links an operations message carries (pure): the execution in the Step Functions
 * console, and the clip (its workflow panel) and the Operations page in the web app.
 *
 * The tasks learn where things are from two variables, set by the stack and by `camflow up`:
 * `CLIP_EXECUTION_ARN_PREFIX` (`arn:aws:states:{region}:{account}:execution:camflow-clip-workflow:`;
 * the execution's ARN is the prefix and its name) and `WEB_URL` (the web app). Without one,
 * its links are left out.
 */
import { ENV } from './clip-contract.ts';
import { clipPageUrl } from './alert-policy.ts';

export interface OperationsLinkSettings {
  executionArnPrefix?: string;
  webUrl?: string;
}

export function operationsLinkSettings(env: Record<string, string | undefined>): OperationsLinkSettings {
  return { executionArnPrefix: env[ENV.executionArnPrefix] || undefined, webUrl: env[ENV.webUrl] || undefined };
}

/** The Step Functions console page of one execution (its region read from the ARN). */
export function executionConsoleUrl(executionArn: string): string | undefined {
  const region = /^arn:aws[a-z-]*:states:([a-z0-9-]+):/.exec(executionArn)?.[1];
  if (!region) return undefined;
  const host = executionArn.startsWith('arn:aws-cn:') ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The message lines with the links for this clip and execution. */
export function operationsLinkLines(settings: OperationsLinkSettings, clipId: string, executionName: string): string[] {
  const lines: string[] = [];
  if (settings.executionArnPrefix) {
    const arn = `${settings.executionArnPrefix}${executionName}`;
    const url = executionConsoleUrl(arn);
    if (url) lines.push(`Execution in the Step Functions console: ${url}`);
  }
  if (settings.webUrl) {
    lines.push(`Clip in the web app: ${clipPageUrl(settings.webUrl, clipId)}#workflow-heading`);
    lines.push(`All failed and quarantined clips: ${settings.webUrl.replace(/\/+$/, '')}/operations`);
  }
  return lines;
}
