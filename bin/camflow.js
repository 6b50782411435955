#!/usr/bin/env node
// The `camflow` command: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../runtime/node20-polyfills.ts');
const { main } = await import('../runtime/cli.ts');
process.exitCode = await main(process.argv.slice(2));
