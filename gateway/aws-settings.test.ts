/**
 * The gateway's AWS settings are an object given to startGateway, not the process's
 * environment: two gateways in one process, each with its own S3, each upload lands in its own
 * bucket (read with the AWS CLI), and process.env is the same afterwards.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsCliJson } from '../integ-tests/aws-cli.ts';
import { LOCAL_BUCKETS } from '../runtime/local-s3.ts';
import type { RunningGateway } from './gateway.ts';
import { localGatewayAws, makeStill, startTestS3, tempDirectory, testConfig, uploadAsCamera, waitFor, startTestGateway } from './test-support.ts';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** The keys in the uploads bucket of `endpoint`, as the AWS CLI lists them. */
async function keysAt(endpoint: string): Promise<string[]> {
  const listed = (await awsCliJson('s3api', endpoint, 'list-objects-v2', '--bucket', LOCAL_BUCKETS.uploads)) as { Contents?: Array<{ Key: string }> };
  return (listed.Contents ?? []).map((o) => o.Key).sort();
}

describe('the gateway takes its AWS settings as an object', () => {
  it('two gateways in one process upload to their own S3; process.env is left as it was', async () => {
    const environmentBefore = { ...process.env };
    const media = tempDirectory('aws-settings-media');
    const gateways: Array<{ endpoint: string; gateway: RunningGateway }> = [];
    for (const name of ['cottage', 'barn']) {
      const s3 = await startTestS3();
      stops.push(() => s3.stop());
      const gateway = await startTestGateway(await testConfig(tempDirectory(`aws-settings-${name}`), { heartbeat: { name, intervalSeconds: 60, cloudWatch: 'auto' } }), { aws: localGatewayAws(s3) });
      stops.push(() => gateway.stop());
      gateways.push({ endpoint: s3.endpoint, gateway });
    }
    const [cottage, barn] = gateways as [(typeof gateways)[0], (typeof gateways)[0]];
    await uploadAsCamera(cottage.gateway, makeStill(join(media, 'cottage.jpg')), 'MDAlarm_20240315-143025.jpg');
    await uploadAsCamera(barn.gateway, makeStill(join(media, 'barn.jpg')), 'MDAlarm_20240315-143026.jpg');
    for (const { endpoint } of gateways) await waitFor(`an object at ${endpoint}`, async () => (await keysAt(endpoint)).length > 0, 30_000, 250);
    await Promise.all(gateways.map(({ gateway }) => gateway.uploader.drained()));

    expect(await keysAt(cottage.endpoint)).toEqual(['front-door/2024/03/15/MDAlarm_20240315-143025.jpg']);
    expect(await keysAt(barn.endpoint)).toEqual(['front-door/2024/03/15/MDAlarm_20240315-143026.jpg']);
    expect(process.env).toEqual(environmentBefore);
  }, 60_000);
});
