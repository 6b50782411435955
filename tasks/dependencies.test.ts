/** The tasks' dependencies as Lambda builds them from the function's environment (no AWS call). */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { dependenciesFromEnvironment, TaskSettingMissing } from './dependencies.ts';

const FUNCTION_ENVIRONMENT = {
  CATALOG_TABLE: 'camflow-catalog',
  UPLOADS_BUCKET: 'uploads-bucket',
  MEDIA_BUCKET: 'media-bucket',
  CLIP_WORKFLOW_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:camflow-clip-workflow',
  MAX_CLIP_SECONDS: '90',
  HLS_LADDER: '720p, 360p',
  DEFAULT_RETENTION_CLASS: 'archive',
  WEB_URL: 'https://cams.example.com',
  SWEEP_MAX_REDRIVES: '5',
  UNRELATED: 'ignored',
};

describe('dependenciesFromEnvironment', () => {
  it('reads the variables the stack sets, under their names', () => {
    const deps = dependenciesFromEnvironment(FUNCTION_ENVIRONMENT);
    expect(deps.tableName).toBe('camflow-catalog');
    expect(deps.uploadsBucket).toBe('uploads-bucket');
    expect(deps.mediaBucket).toBe('media-bucket');
    expect(deps.stateMachineArn).toBe(FUNCTION_ENVIRONMENT.CLIP_WORKFLOW_ARN);
    expect(deps.validation).toEqual({ maxBytes: 2 * 1024 ** 3, maxSeconds: 90, ladder: ['720p', '360p'] });
    expect(deps.cameraDefaults).toEqual({ DEFAULT_RETENTION_CLASS: 'archive' });
    expect(deps.links).toEqual({ webUrl: 'https://cams.example.com', executionArnPrefix: undefined });
    expect(deps.sweeper).toMatchObject({ maxRedrives: 5, graceSeconds: 900 });
    expect(deps.deadLettersUrl).toBeUndefined();
  });

  it('names the variable when a task needs a setting its function was not given, and not before', () => {
    const deps = dependenciesFromEnvironment({ CATALOG_TABLE: 'camflow' });
    expect(deps.tableName).toBe('camflow');
    expect(() => deps.mediaBucket).toThrow(TaskSettingMissing);
    expect(() => deps.stateMachineArn).toThrow(/Environment variable CLIP_WORKFLOW_ARN is not set/);
    // A wrong sweeper setting is the sweeper's error, when it runs.
    expect(() => dependenciesFromEnvironment({ SWEEP_MAX_CLIPS: 'many' }).sweeper).toThrow(expect.objectContaining({ name: 'SweeperSettingInvalid' }));
  });

  it('makes each client once, at first use, unless one is given; a given one can be replaced', () => {
    const deps = dependenciesFromEnvironment({ AWS_REGION: 'eu-west-1' });
    expect(deps.s3).toBe(deps.s3);
    expect(deps.catalog).toBe(deps.catalog);
    const s3 = new S3Client({ region: 'eu-west-1' });
    const given = dependenciesFromEnvironment({}, { s3, observability: { logLevel: 'WARN' } });
    expect(given.s3).toBe(s3);
    expect(given.observability).toEqual({ logLevel: 'WARN' });
    const other = new S3Client({ region: 'eu-west-1' });
    given.s3 = other;
    expect(given.s3).toBe(other);
    for (const client of [deps.s3, deps.catalog, s3, other]) client.destroy();
  });
});
