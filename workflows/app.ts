/**
 * The CDK app (cdk.json: `npx tsx workflows/app.ts`): one CamflowStack, checked by cdk-nag's
 * AwsSolutions rules. Every suppression sits next to the resource it concerns, with its reason.
 */
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { CamflowStack } from './camflow-stack.ts';
import { checkWithCdkNag } from './nag.ts';

export function createApp(app: App = new App()): { app: App; stack: CamflowStack } {
  const stack = new CamflowStack(app, 'Camflow', {
    description: 'camflow: security-camera clips validated, rendered for the web, alerted, cataloged and retained',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  checkWithCdkNag(app);
  return { app, stack };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  createApp().app.synth();
}
