/**
 * Helpers for end-to-end tests against a running local stack: upload a clip, find its
 * clip id and execution, read its catalog item and its outputs — all through the AWS SDK
 * against the local endpoints, as any client of camflow would.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, paginateListExecutions, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { keys } from '../domain/catalog-table.ts';
import type { ClipRecord } from '../domain/clip-contract.ts';
import { clipIdFor } from '../domain/clip-identity.ts';
import { localClientConfig } from '../runtime/local-credentials.ts';
import type { LocalStack } from '../runtime/local-stack.ts';
import { executionArnFor } from '../domain/step-functions-arns.ts';
import { findClipExecutionArn } from '../runtime/step-functions/clip-execution.ts';
import { parseS3Uri, type S3ObjectLocation } from '../domain/s3-uri.ts';

export interface UploadedClip {
  key: string;
  clipId: string;
  etag: string;
  versionId: string;
}

export async function uploadClip(stack: LocalStack, camera: string, path: string, fileName = basename(path)): Promise<UploadedClip> {
  const key = `${camera}/${fileName}`;
  const put = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: key, Body: readFileSync(path) }));
  const etag = (put.ETag ?? '').replace(/"/g, '');
  const versionId = put.VersionId ?? '';
  return { key, etag, versionId, clipId: clipIdFor({ bucket: stack.buckets.uploads, key, etag, versionId }) };
}

export function catalogClient(stack: LocalStack): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(), endpoint: stack.endpoints.dynamodb }));
}

export async function clipRecord(stack: LocalStack, clipId: string): Promise<ClipRecord | undefined> {
  const db = catalogClient(stack);
  const { Item } = await db.send(new GetCommand({ TableName: stack.tableName, Key: keys.clip(clipId) }));
  db.destroy();
  return Item as ClipRecord | undefined;
}

/** The ARN of the clip's execution (named `{camera}-{time}-{digest}`), or the one it would have when there is none. */
export async function clipExecutionArn(stack: LocalStack, clipId: string): Promise<string> {
  return (await findClipExecutionArn(stack.clients.sfn, stack.stateMachineArn, clipId)) ?? executionArnFor(stack.stateMachineArn, clipId);
}

export async function describeClipExecution(stack: LocalStack, clipId: string): Promise<DescribeExecutionCommandOutput> {
  return stack.clients.sfn.send(new DescribeExecutionCommand({ executionArn: await clipExecutionArn(stack, clipId) }));
}

/** Every execution of the clip workflow (all pages). */
export async function allExecutions(stack: LocalStack) {
  const executions = [];
  for await (const page of paginateListExecutions({ client: stack.clients.sfn, pageSize: 100 }, { stateMachineArn: stack.stateMachineArn })) {
    executions.push(...(page.executions ?? []));
  }
  return executions;
}

/** `s3://bucket/key` → { bucket, key }. */
export function requireS3Uri(uri: string): S3ObjectLocation {
  const location = parseS3Uri(uri);
  if (!location) throw new Error(`not an s3:// URI: ${uri}`);
  return location;
}

export async function readObject(s3: S3Client, uri: string): Promise<Uint8Array> {
  const { bucket, key } = requireS3Uri(uri);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToByteArray();
}

export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}
