import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createOutbox } from './outbox.ts';
import { alertFromOutbox, outboxAlertsSource } from './local-api.ts';

const dir = mkdtempSync(join(tmpdir(), 'camflow-local-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('shows the motion topic’s messages as alerts, newest first, paged; a bad cursor is a 400', async () => {
  const outbox = createOutbox({ directory: dir, print: () => undefined });
  const motion = 'arn:aws:sns:us-east-1:000000000000:MotionAlerts';
  for (const [i, camera] of ['porch', 'garage', 'yard'].entries()) {
    await outbox.publish({
      TopicArn: motion,
      Subject: `Motion: ${camera}`,
      Message: `Motion on ${camera}.\n\nCamera: The ${camera} (${camera})\nClip: ${camera}-000${i}`,
    });
  }
  await outbox.publish({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:Operations', Subject: 'Clip failed', Message: 'Clip: x-1' });
  const source = outboxAlertsSource(outbox);
  const first = await source(undefined, 2);
  expect(first.alerts.map((a) => [a.camera, a.clipId])).toEqual([
    ['yard', 'yard-0002'],
    ['garage', 'garage-0001'],
  ]);
  const second = await source(first.cursor, 2);
  expect(second.alerts.map((a) => a.clipId)).toEqual(['porch-0000']);
  expect(second.cursor).toBeUndefined();
  await expect(source('not-a-cursor', 2)).rejects.toMatchObject({ status: 400, code: 'INVALID_CURSOR', field: 'cursor' });
  const [message] = (await outbox.list({ topic: 'MotionAlerts', limit: 1 })).messages;
  expect(alertFromOutbox(message!)).toMatchObject({ camera: 'yard', clipId: 'yard-0002', subject: 'Motion: yard' });
  await outbox.close();
});
