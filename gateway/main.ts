/**
 * The gateway on its own: the entry point of the bundle (`npm run gateway:build` →
 * `dist/gateway/camflow-gateway.mjs`), run by plain `node` on the gateway box with no
 * checkout, no node_modules and no TypeScript loader. Same commands as `camflow gateway …`:
 *
 *   node camflow-gateway.mjs --config FILE [--watch DIR]
 *   node camflow-gateway.mjs status --config FILE [--json]
 *   node camflow-gateway.mjs hash-password
 *   node camflow-gateway.mjs --version       (the camflow version it was built from)
 *   node camflow-gateway.mjs [status|hash-password] --help
 */
import { basename } from 'node:path';
import { run } from './gateway-command.ts';

// The AWS SDK warns on every client that it will drop Node 20 in 2027; README says it once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await run(process.argv.slice(2), `node ${basename(process.argv[1] ?? 'camflow-gateway.mjs')}`);
