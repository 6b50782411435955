/**
 * What the pipeline really emitted, read from a running stack's catalog: the cost estimate
 * "Catalog clip" recorded on each READY video clip (objects, bytes, MediaConvert minutes by
 * output class), averaged per clip for `camflow cost --from-catalog`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ClipCost } from '../domain/clip-contract.ts';
import type { MeasuredClips } from '../domain/cost-model.ts';
import { LOCAL_DYNAMODB_ENDPOINT, localClientConfig } from './local-credentials.ts';

export const DEFAULT_DYNAMODB_ENDPOINT = LOCAL_DYNAMODB_ENDPOINT;

/** The per-clip averages of the clips that carry a cost estimate, or undefined when none does. Pure. */
export function averageClipCosts(clips: Array<{ cost?: ClipCost; renderProfile?: { applied?: string } }>): MeasuredClips | undefined {
  const costed = clips.filter((c): c is typeof c & { cost: ClipCost } => typeof c.cost?.normalizedMinutes === 'number');
  if (costed.length === 0) return undefined;
  const mean = (pick: (c: ClipCost) => number) => costed.reduce((sum, c) => sum + pick(c.cost), 0) / costed.length;
  const outputMinutes: Record<string, number> = {};
  const profiles: Record<string, number> = {};
  for (const clip of costed) {
    for (const [kind, minutes] of Object.entries(clip.cost.outputMinutes ?? {})) outputMinutes[kind] = (outputMinutes[kind] ?? 0) + minutes / costed.length;
    const profile = clip.renderProfile?.applied ?? 'unknown';
    profiles[profile] = (profiles[profile] ?? 0) + 1;
  }
  return { clips: costed.length, normalizedMinutes: mean((c) => c.normalizedMinutes), objects: mean((c) => c.objects), bytes: mean((c) => c.bytes), outputMinutes, profiles };
}

/** Scans the catalog table at `endpoint` for the clips' cost estimates (a CLI read, not a request path). */
export async function readCatalogCosts(endpoint: string, table: string, env: NodeJS.ProcessEnv = process.env): Promise<MeasuredClips | undefined> {
  const credentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? {} : localClientConfig();
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: env.AWS_REGION ?? 'us-east-1', ...credentials, endpoint }));
  const clips: Array<{ cost?: ClipCost; renderProfile?: { applied?: string } }> = [];
  try {
    const pages = paginateScan(
      { client },
      {
        TableName: table,
        FilterExpression: 'attribute_exists(#cost) AND #status = :ready',
        ExpressionAttributeNames: { '#cost': 'cost', '#status': 'status' },
        ExpressionAttributeValues: { ':ready': 'READY' },
        ProjectionExpression: '#cost, renderProfile',
      },
    );
    for await (const page of pages) clips.push(...((page.Items ?? []) as typeof clips));
  } finally {
    client.destroy();
  }
  return averageClipCosts(clips);
}
