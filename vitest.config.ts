import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{workflows,tasks,api,gateway,runtime,integ-tests}/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // Tests that run ffmpeg or a whole local stack need more than the default 5 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['runtime/node20-polyfills.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Two cores: keep end-to-end files from fighting over ffmpeg.
    maxWorkers: 2,
  },
});
