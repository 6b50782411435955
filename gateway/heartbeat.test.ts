/**
 * The heartbeat, the input of the stack's two gateway alarms: the real gateway, files waiting
 * while S3 is unreachable, and a stub in place of CloudWatch's PutMetricData that records what
 * would go on the wire (namespace, metric names, units, dimension) — the "no heartbeat" alarm
 * reads Heartbeat, the "queue stuck" alarm reads QueueLength. Without CloudWatch the heartbeat
 * is recorded locally and `camflow gateway status` shows it; a failing CloudWatch shows as
 * FAILED and the gateway keeps taking files.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'basic-ftp';
import type { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../runtime/local-stack.ts';
import type { RunningGateway } from './gateway.ts';
import { cloudWatchWanted, HEARTBEAT_NAMESPACE, type MetricsSender } from './heartbeat.ts';
import { readStatus } from './status.ts';
import { gatewayAwsFromEnvironment } from './aws-settings.ts';
import { localGatewayAws, makeStill, tempDirectory, testConfig, TEST_PASSWORD, waitFor, startTestGateway } from './test-support.ts';

const running: RunningGateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

/** A PutMetricData stand-in: keeps every request's input; fails while `failing` is set. */
function stubCloudWatch() {
  const sent: Array<PutMetricDataCommand['input']> = [];
  const stub = {
    failing: undefined as Error | undefined,
    sent,
    send: async (command: PutMetricDataCommand) => {
      if (stub.failing) throw stub.failing;
      sent.push(command.input);
      return {};
    },
  };
  return stub satisfies MetricsSender;
}

async function gatewayWithS3Down(overrides: Parameters<typeof testConfig>[1], metricsSender?: MetricsSender) {
  // S3 is a port nobody listens on: files stay in the queue.
  const aws = localGatewayAws({ endpoint: `http://127.0.0.1:${await freePort()}` });
  const spool = tempDirectory('heartbeat-spool');
  const gateway = await startTestGateway(await testConfig(spool, { upload: { retryBaseSeconds: 5, retryMaxSeconds: 5 }, ...overrides }), { aws, ...(metricsSender ? { metricsSender } : {}) });
  running.push(gateway);
  return { gateway, spool };
}

async function sendStill(port: number, name: string) {
  const still = makeStill(join(tempDirectory('heartbeat-media'), 'still.jpg'));
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port, user: 'front-door', password: TEST_PASSWORD });
  await client.uploadFrom(still, name);
  client.close();
}

describe("the heartbeat sent to CloudWatch (the alarms' input)", () => {
  it("every interval: Heartbeat 1, QueueLength, OldestWaitingSeconds, DiskUsedPercent, SpoolUsedPercent, in camflow/gateway with the gateway's name", async () => {
    const cloudWatch = stubCloudWatch();
    const { gateway, spool } = await gatewayWithS3Down({ heartbeat: { name: 'cottage', intervalSeconds: 5, cloudWatch: true }, spoolLimitMB: 1 }, cloudWatch);
    // The first beat goes at start, with an empty queue.
    await waitFor('the first heartbeat', () => cloudWatch.sent.length >= 1, 10_000);
    const first = cloudWatch.sent[0]!;
    expect(first.Namespace).toBe(HEARTBEAT_NAMESPACE);
    const byName = (input: typeof first) => Object.fromEntries(input.MetricData!.map((d) => [d.MetricName, d]));
    expect(Object.keys(byName(first)).sort()).toEqual(['DiskUsedPercent', 'Heartbeat', 'OldestWaitingSeconds', 'QueueLength', 'SpoolUsedPercent']);
    for (const d of first.MetricData!) expect(d.Dimensions).toEqual([{ Name: 'Gateway', Value: 'cottage' }]);
    expect(byName(first)).toMatchObject({
      Heartbeat: { Value: 1, Unit: 'Count' },
      QueueLength: { Value: 0, Unit: 'Count' },
      OldestWaitingSeconds: { Value: 0, Unit: 'Seconds' },
      DiskUsedPercent: { Unit: 'Percent' },
    });
    expect(byName(first).DiskUsedPercent!.Value).toBeGreaterThan(0);

    // Two files wait for an unreachable S3: the next beat counts them and their age.
    await sendStill(gateway.ftp!.port, 'MDAlarm_20240315-143025.jpg');
    await sendStill(gateway.ftp!.port, 'MDAlarm_20240315-143026.jpg');
    const sentBefore = cloudWatch.sent.length;
    await waitFor('a heartbeat with the queue', () => cloudWatch.sent.length > sentBefore && byName(cloudWatch.sent.at(-1)!).QueueLength!.Value === 2, 15_000);
    const later = byName(cloudWatch.sent.at(-1)!);
    expect(later.OldestWaitingSeconds!.Value).toBeGreaterThanOrEqual(0);
    expect(later.SpoolUsedPercent!.Value).toBeGreaterThan(0);

    await waitFor('status to flush', () => readStatus(spool).gateway?.heartbeat?.last?.queueLength === 2, 5_000);
    expect(readStatus(spool).gateway!.heartbeat).toMatchObject({ gatewayName: 'cottage', cloudWatch: true, intervalSeconds: 5, last: { queueLength: 2 } });
  }, 60_000);

  it('a CloudWatch that fails shows as FAILED in the status; the gateway keeps taking files', async () => {
    const cloudWatch = stubCloudWatch();
    cloudWatch.failing = Object.assign(new Error('getaddrinfo ENOTFOUND monitoring.eu-west-1.amazonaws.com'), { name: 'NetworkingError' });
    const { gateway, spool } = await gatewayWithS3Down({ heartbeat: { intervalSeconds: 5, cloudWatch: true } }, cloudWatch);
    await waitFor('the failure in the status', () => readStatus(spool).gateway?.heartbeat?.lastFailure, 10_000);
    await sendStill(gateway.ftp!.port, 'MDAlarm_20240315-143027.jpg');
    expect(readStatus(spool).queueLength).toBe(1);
    const text = execFileSync(process.execPath, ['bin/camflow.js', 'gateway', 'status', '--spool', spool]).toString();
    expect(text).toMatch(/^heartbeat: +FAILED to reach CloudWatch at .*NetworkingError: getaddrinfo ENOTFOUND.*; last sent never$/m);
  }, 60_000);
});

describe('the heartbeat without CloudWatch', () => {
  it('is recorded locally and shown by `camflow gateway status`; nothing is sent', async () => {
    const { spool } = await gatewayWithS3Down({ heartbeat: { intervalSeconds: 5, cloudWatch: 'auto' } });
    await waitFor('a local heartbeat', () => readStatus(spool).gateway?.heartbeat?.last, 10_000);
    expect(readStatus(spool).gateway!.heartbeat).toMatchObject({ gatewayName: 'home', cloudWatch: false, last: { queueLength: 0 } });
    const text = execFileSync(process.execPath, ['bin/camflow.js', 'gateway', 'status', '--spool', spool]).toString();
    expect(text).toMatch(/^heartbeat: +recorded locally at \S+ \(\d+ s ago; CloudWatch off\), every 5 s as 'home': queue 0, oldest waiting 0 s, disk [\d.]+% used$/m);
  }, 60_000);

  it('"auto" sends only to AWS itself or a given CloudWatch endpoint', () => {
    // As the gateway's entry reads them: its AWS settings made from the environment.
    const on = (setting: boolean | 'auto', env: Record<string, string>) => cloudWatchWanted(setting, gatewayAwsFromEnvironment(env));
    expect(on('auto', { AWS_REGION: 'eu-west-1' })).toBe(true);
    expect(on('auto', { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' })).toBe(false);
    expect(on('auto', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569', AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:4566' })).toBe(true);
    expect(on('auto', {})).toBe(false);
    expect(on(false, { AWS_REGION: 'eu-west-1' })).toBe(false);
    expect(on(true, {})).toBe(true);
    // The settings the tests give a local S3 mean the same as a box pointed at it: "auto" is off.
    expect(cloudWatchWanted('auto', localGatewayAws({ endpoint: 'http://127.0.0.1:4569' }))).toBe(false);
  });
});
