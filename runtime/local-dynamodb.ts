/**
 * Local DynamoDB: dynalite on 127.0.0.1, persisted under the data directory (or in memory),
 * with the catalog table created from the one definition in domain/catalog-table.ts.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
// dynalite ships no types: runtime/untyped-modules.d.ts declares what is used of it.
import dynalite from 'dynalite';
import { createTableInput } from '../domain/catalog-table.ts';
import { localClientConfig } from './local-credentials.ts';

export interface LocalDynamoDB {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startLocalDynamoDB(options: { directory?: string; port?: number; tableName: string }): Promise<LocalDynamoDB> {
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  const server: Server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  await ensureCatalogTable(endpoint, options.tableName);
  return {
    endpoint,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function ensureCatalogTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ ...localClientConfig(), endpoint });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  }
  client.destroy();
}
