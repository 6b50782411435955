/**
 * The Step Functions wire protocol (AWS JSON 1.0) over HTTP: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>` and a JSON body; the reply is JSON with dates
 * as epoch seconds. Errors are HTTP 400 with `{"__type": "com.amazonaws.swf.service.v2.model#<Code>",
 * "message": …}`, which `@aws-sdk/client-sfn` and the AWS CLI turn into the named exception.
 * Signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ServiceError } from './service-error.ts';
import type { StepFunctionsService } from './step-functions-service.ts';

const TARGET_PREFIX = 'AWSStepFunctions.';
const ERROR_NAMESPACE = 'com.amazonaws.swf.service.v2.model#';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

type Operation = (service: StepFunctionsService, request: Record<string, unknown>) => unknown;

const OPERATIONS: Record<string, Operation> = {
  StartExecution: (service, request) => service.startExecution(request),
  DescribeExecution: (service, request) => service.describeExecution(request),
  ListExecutions: (service, request) => service.listExecutions(request),
  GetExecutionHistory: (service, request) => service.getExecutionHistory(request),
  StopExecution: (service, request) => service.stopExecution(request),
  RedriveExecution: (service, request) => service.redriveExecution(request),
  DescribeStateMachine: (service, request) => service.describeStateMachine(request),
  ListStateMachines: (service, request) => service.listStateMachines(request),
};

/** The operations this endpoint serves. */
export const SUPPORTED_OPERATIONS = Object.keys(OPERATIONS);

/** JSON text of a reply: `Date` values become epoch seconds (with fractions), as AWS sends them. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, current: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : current;
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ServiceError('ValidationException', `Request body larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string, requestId: string, errorCode?: string): void {
  response.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    ...(errorCode ? { 'x-amzn-ErrorType': errorCode } : {}),
  });
  response.end(body);
}

function sendError(response: ServerResponse, error: ServiceError, requestId: string): void {
  send(response, error.httpStatus, JSON.stringify({ __type: `${ERROR_NAMESPACE}${error.code}`, message: error.message }), requestId, error.code);
}

async function handle(service: StepFunctionsService, ready: Promise<unknown>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    await ready;
    if (request.method !== 'POST') {
      throw new ServiceError('UnknownOperationException', `Step Functions takes POST requests with an X-Amz-Target header, not ${request.method}`);
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? OPERATIONS[target.slice(TARGET_PREFIX.length)] : undefined;
    const body = await readBody(request);
    if (!operation) {
      throw new ServiceError('UnknownOperationException', `Operation '${target}' is not supported by the local endpoint (supported: ${SUPPORTED_OPERATIONS.join(', ')})`);
    }
    let parsed: unknown;
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw new ServiceError('SerializationException', 'The request body is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ServiceError('SerializationException', 'The request body must be a JSON object');
    const result = operation(service, parsed as Record<string, unknown>);
    send(response, 200, toWireJson(result ?? {}), requestId);
  } catch (error) {
    if (error instanceof ServiceError) return sendError(response, error, requestId);
    console.error('[local step functions] internal error:', error);
    sendError(response, new ServiceError('InternalFailure', (error as Error)?.message ?? String(error), 500), requestId);
  }
}

/** Serves `service` on 127.0.0.1:`port` (0 = a free port); requests wait for `ready`. */
export async function serveJsonProtocol(service: StepFunctionsService, port: number, ready: Promise<unknown> = Promise.resolve()): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    void handle(service, ready, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The Step Functions endpoint has no TCP address');
  return { server, port: address.port };
}
