import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Files that need a process of their own: CDK's bundling hands the process's stdout to esbuild, which a worker thread's is not. */
const OWN_PROCESS = ['workflows/camflow-stack.test.ts'];

export default defineConfig({
  test: {
    // Tests that run ffmpeg or a whole local stack need more than the default 5 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['runtime/node20-polyfills.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Most files wait on I/O (local servers, child processes, timers): twice as many workers as cores.
    maxWorkers: Math.max(2, availableParallelism() * 2),
    projects: [
      {
        extends: true,
        test: {
          name: 'threads',
          include: ['{workflows,tasks,api,gateway,runtime,integ-tests,domain}/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
          exclude: OWN_PROCESS,
          // One process: test files run in worker threads (each file its own module graph and its
          // own copy of process.env). Nothing configures the code through process.env (handlers, the
          // local stack and the API take their clients and settings as objects), so files share it.
          pool: 'threads',
          isolate: false,
          // CDK's built-in CloudFormation validation (a WebAssembly rule engine, a second or more per
          // synth) runs on the whole stack in the 'forks' project; the template tests here need only the template.
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CDK_VALIDATION: 'false' },
        },
      },
      { extends: true, test: { name: 'forks', include: OWN_PROCESS, pool: 'forks' } },
    ],
  },
});
