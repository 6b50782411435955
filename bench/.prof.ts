import '../runtime/node20-polyfills.ts';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteItems, clipItem, readyClip, startLocalServices, startTestApi } from '../api/test-support.ts';
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const s = await startLocalServices();
const api = await startTestApi(s);
const items = Array.from({ length: 1000 }, (_, n) => clipItem(readyClip(`camera-01-${n.toString(16).padStart(16, '0')}`, 'camera-01', new Date(1.7e12 + n * 60000).toISOString())));
let t = performance.now();
await batchWriteItems(items, 16);
console.log('load 1000', performance.now() - t);
for (let i = 0; i < 5; i++) {
  t = performance.now();
  await s.documents.send(new QueryCommand({ TableName: 'camflow', IndexName: 'byCamera', KeyConditionExpression: 'cameraPk = :c', ExpressionAttributeValues: { ':c': 'CAMERA#camera-01' }, ScanIndexForward: false, Limit: 50 }));
  const q = performance.now() - t;
  t = performance.now();
  const r = await api.call('/cameras/camera-01/clips?limit=50', { token: api.tokens.viewer });
  await r.text();
  console.log('query', q.toFixed(1), 'api', (performance.now() - t).toFixed(1));
}
await api.server.stop(); await s.stop();
