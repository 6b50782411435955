import { describe, expect, it } from 'vitest';
import { describeTaskResource, isLambdaResource, taskErrorFrom, TaskFailure } from './task-resource.ts';

class StorageUnavailable extends Error {
  constructor() {
    super('DynamoDB throttled the write; it is retried');
    this.name = 'StorageUnavailable';
  }
}

describe('task resources as AWS history shows them', () => {
  it('splits service integrations after arn:aws:states:::', () => {
    expect(describeTaskResource('arn:aws:states:::mediaconvert:createJob.sync')).toEqual({
      kind: 'service',
      arn: 'arn:aws:states:::mediaconvert:createJob.sync',
      resourceType: 'mediaconvert',
      resource: 'createJob.sync',
    });
    expect(describeTaskResource('arn:aws:states:::sns:publish')).toMatchObject({ resourceType: 'sns', resource: 'publish' });
    expect(describeTaskResource('arn:aws:states:::lambda:invoke')).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
    expect(describeTaskResource('arn:aws:states:::aws-sdk:s3:putObjectTagging')).toMatchObject({ resourceType: 'aws-sdk:s3', resource: 'putObjectTagging' });
  });

  it('treats a Lambda function ARN as a Lambda function task', () => {
    const resource = describeTaskResource('arn:aws:lambda:us-east-1:000000000000:function:camflow-ValidateClip');
    expect(resource).toEqual({ kind: 'lambda-function', arn: 'arn:aws:lambda:us-east-1:000000000000:function:camflow-ValidateClip' });
    expect(isLambdaResource(resource)).toBe(true);
    expect(isLambdaResource(describeTaskResource('arn:aws:states:::lambda:invoke'))).toBe(true);
    expect(isLambdaResource(describeTaskResource('arn:aws:states:::sns:publish'))).toBe(false);
  });
});

describe('task failures as AWS reports them', () => {
  it('names the error after the thrown error and gives a Lambda-shaped cause for Lambda tasks', () => {
    const info = taskErrorFrom(new StorageUnavailable(), describeTaskResource('arn:aws:lambda:us-east-1:000000000000:function:catalog'));
    expect(info.error).toBe('StorageUnavailable');
    const cause = JSON.parse(info.cause);
    expect(cause.errorType).toBe('StorageUnavailable');
    expect(cause.errorMessage).toBe('DynamoDB throttled the write; it is retried');
    expect(cause.trace[0]).toBe('StorageUnavailable: DynamoDB throttled the write; it is retried');
  });

  it('uses the message as the cause for service integrations', () => {
    expect(taskErrorFrom(new StorageUnavailable(), describeTaskResource('arn:aws:states:::mediaconvert:createJob.sync'))).toEqual({
      error: 'StorageUnavailable',
      cause: 'DynamoDB throttled the write; it is retried',
    });
  });

  it('copes with things thrown that are not errors', () => {
    expect(taskErrorFrom('just a string', describeTaskResource('arn:aws:states:::sns:publish'))).toEqual({ error: 'Error', cause: 'just a string' });
    expect(JSON.parse(taskErrorFrom(undefined, describeTaskResource('arn:aws:lambda:us-east-1:1:function:x')).cause)).toEqual({
      errorType: 'Error',
      errorMessage: 'undefined',
      trace: [],
    });
  });

  it('hands the engine an Error named as the state error with the cause as message', () => {
    const failure = new TaskFailure({ error: 'ClipNotFound', cause: 'gone' });
    expect(failure.name).toBe('ClipNotFound');
    expect(failure.message).toBe('gone');
    expect(failure.cause).toBeUndefined();
  });
});
