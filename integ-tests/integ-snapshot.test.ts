/**
 * The CDK integration test's committed snapshot (written by integ-runner) matches what
 * synthesizes today, without an AWS account and in seconds: integ-runner's own check
 * (`npm run integ:verify`) bundles every asset and takes about 40 s. The deployed run is
 * `integ.camflow.ts`, see the README.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEG_CAMERA } from './integ.camflow.ts';
import { normalize, readSnapshotTemplates, SNAPSHOT_DIRECTORY, synthesizeTemplates } from './integ-snapshot.ts';

describe('the CDK integration test (integ.camflow.ts)', () => {
  const committed = readSnapshotTemplates();
  const fresh = synthesizeTemplates();

  it('has a committed snapshot whose templates match what synthesizes today (else: npm run integ:snapshot, and commit it)', () => {
    expect(Object.keys(committed)).toEqual(['CamflowInteg.template.json', 'CamflowIntegTestDefaultTestDeployAssertD199A0E5.template.json']);
    expect(Object.keys(fresh)).toEqual(Object.keys(committed));
    for (const [name, text] of Object.entries(fresh)) expect(committed[name], `${name} differs from the snapshot: run npm run integ:snapshot and commit it`).toBe(text);
  });

  it('deploys the stack with the uploads, and asserts SUCCEEDED, READY, renditions and QUARANTINED in that order', () => {
    const stackTemplate = JSON.parse(fresh['CamflowInteg.template.json']!) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const uploads = Object.values(stackTemplate.Resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment' && r.Properties.DestinationBucketKeyPrefix === `${INTEG_CAMERA}/`);
    expect(uploads).toHaveLength(1);
    // The real clip and the broken file: two sources, kept on delete (the bucket outlives the stack).
    expect(uploads[0]!.Properties).toMatchObject({ SourceObjectKeys: ['<asset hash>.zip', '<asset hash>.zip'], Prune: false, RetainOnDelete: true });
    const assertions = JSON.parse(fresh['CamflowIntegTestDefaultTestDeployAssertD199A0E5.template.json']!) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
    };
    const calls = Object.entries(assertions.Resources).filter(([, r]) => r.Type.startsWith('Custom::DeployAssert@SdkCall'));
    const callOf = (needle: string) => {
      const found = calls.filter(([, r]) => JSON.stringify(r.Properties).includes(needle));
      expect(
        found.map(([id]) => id),
        needle,
      ).toHaveLength(1);
      return found[0]!;
    };
    const [succeeded, ready, renditions, quarantined] = ['SUCCEEDED', 'READY', 'listObjectsV2', 'QUARANTINED'].map(callOf);
    // Each waits for the one before it (IAssertion.next).
    expect(ready![1].DependsOn).toContain(succeeded![0]);
    expect(renditions![1].DependsOn).toContain(ready![0]);
    expect(quarantined![1].DependsOn).toContain(renditions![0]);
    const integ = JSON.parse(readFileSync(join(SNAPSHOT_DIRECTORY, 'integ.json'), 'utf8')) as { testCases: Record<string, { stacks: string[] }> };
    expect(Object.values(integ.testCases)[0]!.stacks).toEqual(['CamflowInteg']);
  });

  it('compares asset hashes as placeholders, so a source change alone does not break the snapshot', () => {
    expect(normalize(`{"S3Key":"${'ab'.repeat(32)}.zip","Metadata":{"aws:asset:is-bundled":true}}`)).toBe('{\n "S3Key": "<asset hash>.zip",\n "Metadata": {}\n}\n');
  });
});
