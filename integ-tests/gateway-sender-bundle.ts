/**
 * Vitest's global setup: the gateway's S3 sender bundled once for the run (esbuild, under a
 * second), into the run's temporary folder (test-run-folder.ts, set up before this one). The
 * gateway tests start their senders from it (gateway/test-support.ts, `startTestGateway`): the
 * same program a gateway box runs. From a checkout a sender otherwise runs s3-sender-main.ts
 * under tsx, whose loader hooks every module the S3 SDK loads: about 0.6 s of CPU per sender
 * against 0.05 s for the bundle, and the tests start some thirty. gateway/s3-sender.test.ts
 * keeps the checkout's way (tsx), and gateway/bundle.test.ts the box's whole bundle.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { TestProject } from 'vitest/node';
import { buildSenderBundle } from '../gateway/build.ts';
import { SENDER_BUNDLE_NAME } from '../gateway/s3-sender.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The S3 sender's bundle for this run. */
    gatewaySenderBundle: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('gatewaySenderBundle', await buildSenderBundle(join(tmpdir(), 'gateway-sender', SENDER_BUNDLE_NAME)));
}
