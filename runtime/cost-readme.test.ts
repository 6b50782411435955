/** README's cost table says what `camflow cost --profile all` prints for the reference home. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTransitions, monthlyBill, REFERENCE_HOME } from '../domain/cost-model.ts';
import { RENDER_PROFILES } from '../domain/render-profiles.ts';
import { clipWorkflowDefinition } from './clip-workflow-definition.ts';
import { formatBills, formatUsd } from './commands/cost.ts';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe("README's cost section", () => {
  it('quotes the bill camflow cost prints for the reference home, profile by profile', async () => {
    const transitions = countTransitions(await clipWorkflowDefinition(), 'video');
    const bills = RENDER_PROFILES.map((profile) => monthlyBill(REFERENCE_HOME, profile, transitions));
    const table = /<!-- cost-table -->\n([\s\S]*?)<!-- \/cost-table -->/.exec(readme)?.[1];
    expect(table, 'README.md needs the <!-- cost-table --> block').toBeDefined();
    const rows = Object.fromEntries(
      table!
        .trim()
        .split('\n')
        .slice(2)
        .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/\*\*/g, '')))
        .map(([label, ...cells]) => [label!.split(' (')[0]!, cells]),
    );
    expect(Object.keys(rows)).toEqual(['MediaConvert', 'S3 storage', 'everything else', 'total a month', 'objects per clip']);
    const line = (bill: (typeof bills)[number], service: string) => bill.lines.find((l) => l.service === service)!.usd;
    expect(rows['MediaConvert']).toEqual(bills.map((b) => formatUsd(line(b, 'MediaConvert'))));
    expect(rows['S3 storage']).toEqual(bills.map((b) => formatUsd(line(b, 'S3 storage'))));
    expect(rows['everything else']).toEqual(bills.map((b) => formatUsd(b.totalUsd - line(b, 'MediaConvert') - line(b, 'S3 storage'))));
    expect(rows['total a month']).toEqual(bills.map((b) => formatUsd(b.totalUsd)));
    expect(rows['objects per clip']).toEqual(bills.map((b) => String(b.perClip.objects)));
    // The prose quotes the same passthrough total, the transitions and the largest line's share.
    const passthrough = bills[0]!;
    expect(readme).toContain(`costs ≈ ${formatUsd(passthrough.totalUsd)}, and MediaConvert is ${Math.round((line(passthrough, 'MediaConvert') / passthrough.totalUsd) * 100)} % of it`);
    expect(readme).toContain(`(${transitions} for a video clip)`);
    expect(formatBills(REFERENCE_HOME, bills)).toContain(`passthrough: ${formatUsd(passthrough.totalUsd)} a month`);
  });
});
