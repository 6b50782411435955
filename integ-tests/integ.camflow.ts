/**
 * The CDK integration test a real account runs (`@aws-cdk/integ-tests-alpha`, `integ-runner`;
 * see the README, "Integration test against an AWS account"): it deploys the Camflow stack,
 * uploads a real clip (2 s of 320x240 H.264/AAC, made by ffmpeg at synth: nothing binary is
 * committed) and a broken file under camera `integ`, waits for the clip's execution to SUCCEED, checks its catalog
 * item is READY and its renditions (the MP4 and the HLS playlists) are in the media bucket,
 * checks the broken file is QUARANTINED, then integ-runner destroys the stack.
 *
 * Without an account, integ-runner checks it against the committed snapshot
 * (`integ.camflow.ts.snapshot/`, `npm run integ:verify`), and so does
 * `integ-tests/integ-snapshot.test.ts` (in `npm test`) on a faster synth.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { CamflowStack } from '../workflows/camflow-stack.ts';
import { ffmpegGeneratedSync } from './generated-media.ts';

/** The camera the test's uploads belong to (the first key segment). */
export const INTEG_CAMERA = 'integ';

/** A folder holding `integ-clip.mp4`: 2 s of 320x240 H.264 with AAC audio, made by ffmpeg (on PATH). */
export function makeIntegClip(): string {
  const directory = mkdtempSync(join(tmpdir(), 'camflow-integ-clip-'));
  ffmpegGeneratedSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=15',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=22050',
    '-t',
    '2',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '32k',
    '-shortest',
    '-movflags',
    '+faststart',
    join(directory, 'integ-clip.mp4'),
  ]);
  return directory;
}

// No construct creation stacks in the metadata: the committed snapshot's metadata files would hold this machine's paths.
export function createIntegApp(app: App = new App({ stackTraces: false, context: { [DISABLE_CREATION_STACK_TRACES]: true } })): { app: App; stack: CamflowStack; test: IntegTest } {
  const stack = new CamflowStack(app, 'CamflowInteg', { description: 'camflow integration test stack (integ-runner deploys and destroys it)' });
  // The uploads, as the gateway would put them: one real clip, one file that is not a clip.
  const clipFolder = makeIntegClip();
  try {
    new s3deploy.BucketDeployment(stack, 'IntegUploads', {
      destinationBucket: stack.uploadsBucket,
      destinationKeyPrefix: `${INTEG_CAMERA}/`,
      sources: [s3deploy.Source.asset(clipFolder), s3deploy.Source.data('broken.mp4', 'This is not a video: a camera wrote a text file and named it .mp4.\n')],
      prune: false,
      retainOnDelete: true,
    });
  } finally {
    // The asset is hashed and copied into the cloud assembly as it is created: the folder is no longer needed.
    rmSync(clipFolder, { recursive: true, force: true });
  }

  const test = new IntegTest(app, 'CamflowIntegTest', {
    testCases: [stack],
    diffAssets: false,
    cdkCommandOptions: { destroy: { args: { force: true } } },
  });
  const patiently = { totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) };
  const clipsWithStatus = (status: string) =>
    test.assertions.awsApiCall('DynamoDB', 'scan', {
      TableName: stack.table.tableName,
      FilterExpression: '#status = :status AND #camera = :camera',
      ExpressionAttributeNames: { '#status': 'status', '#camera': 'camera' },
      ExpressionAttributeValues: { ':status': { S: status }, ':camera': { S: INTEG_CAMERA } },
      Select: 'COUNT',
    });

  // 1. The clip's execution SUCCEEDED (the broken file's ends FAILED at ClipQuarantined).
  const succeeded = test.assertions
    .awsApiCall('SFN', 'listExecutions', { stateMachineArn: stack.stateMachine.stateMachineArn, statusFilter: 'SUCCEEDED' })
    .expect(ExpectedResult.objectLike({ executions: Match.arrayWith([Match.objectLike({ name: Match.stringLikeRegexp(`^${INTEG_CAMERA}-`), status: 'SUCCEEDED' })]) }))
    .waitForAssertions(patiently);
  // 2. Its catalog item is READY.
  const ready = clipsWithStatus('READY')
    .expect(ExpectedResult.objectLike({ Count: 1 }))
    .waitForAssertions(patiently);
  // 3. Its renditions are in the media bucket: the fast-start MP4 and the HLS playlists.
  const renditions = test.assertions.awsApiCall('S3', 'listObjectsV2', { Bucket: stack.mediaBucket.bucketName, Prefix: `${INTEG_CAMERA}/` }).expect(
    ExpectedResult.objectLike({
      Contents: Match.arrayWith([Match.objectLike({ Key: Match.stringLikeRegexp('/clip\\.mp4$') }), Match.objectLike({ Key: Match.stringLikeRegexp('\\.m3u8$') })]),
    }),
  );
  // 4. The broken file is QUARANTINED.
  const quarantined = clipsWithStatus('QUARANTINED')
    .expect(ExpectedResult.objectLike({ Count: 1 }))
    .waitForAssertions(patiently);
  succeeded.next(ready).next(renditions).next(quarantined);
  return { app, stack, test };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  createIntegApp().app.synth();
}
