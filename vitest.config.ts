import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowestFilesFirst } from './integ-tests/test-order.ts';

export default defineConfig({
  test: {
    include: ['{workflows,tasks,api,gateway,runtime,integ-tests,domain}/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // Tests that run ffmpeg or a whole local stack need more than the default 5 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['runtime/node20-polyfills.ts'],
    // A temporary folder for the run (TMPDIR), removed at its end: integ-tests/test-run-folder.ts;
    // then the gateway's S3 sender bundled into it for the gateway tests: integ-tests/gateway-sender-bundle.ts.
    globalSetup: ['integ-tests/test-run-folder.ts', 'integ-tests/gateway-sender-bundle.ts'],
    // Transformed modules cached on disk (node_modules/.experimental-vitest-cache): a later run does not transform them again.
    experimental: { fsModuleCache: true },
    sequence: { sequencer: SlowestFilesFirst },
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Most files wait on I/O (local servers, child processes, timers, a one-minute S3 outage): two
    // workers per core. On 2 cores, 3 workers took 146 s, 4 took 127–140 s, 6 took 125–129 s on a quiet
    // host but 155–160 s on a busy one. (A clip that did not play in 30 s on a busy host was the
    // player's renewal race, since fixed, not a starved Chromium.)
    maxWorkers: Math.max(2, availableParallelism() * 2),
    // Child processes that each run many test files, one after another, keeping their module
    // graphs (isolate: false): nothing configures the code through process.env (handlers, the
    // local stack and the API take their clients and settings as objects), so files can share
    // a process. Processes rather than worker threads: the tests start ~700 child processes
    // (ffmpeg, ffprobe, curl, the AWS CLI), and fork() of one process holding every worker's
    // heap cost 23 s of CPU in ChildProcess.spawn alone; a process per worker costs a third.
    // One pool for every file: a file in a pool of its own waited for the others to end, then
    // ran alone on one core (the whole stack's synth, 8 s at the end of every run).
    pool: 'forks',
    isolate: false,
  },
});
