/**
 * README's figures are BENCHMARKS.md's, and its cost table is what `camflow cost` prints.
 *
 * README quotes a benchmark between `<!-- figures: "Section title" … -->` and `<!-- /figures -->`
 * (one or more quoted BENCHMARKS.md "## " section titles). Every number inside such a block must
 * be written, the same way, in one of the sections it names; the main figures are also checked
 * cell by cell against BENCHMARKS.md's tables. Numbers that are not from a benchmark (a history,
 * a derived figure) stay outside the blocks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTransitions, monthlyBill, REFERENCE_HOME } from '../domain/cost-model.ts';
import { RENDER_PROFILES } from '../domain/render-profiles.ts';
import { clipWorkflowDefinition } from './clip-workflow-definition.ts';
import { formatBills, formatUsd } from './commands/cost.ts';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const benchmarks = readFileSync(join(root, 'BENCHMARKS.md'), 'utf8');

/** BENCHMARKS.md's "## " sections by title, each with its text (title included) and its tables. */
function sections(markdown: string): Map<string, { text: string; tables: Array<Array<Record<string, string>>> }> {
  const found = new Map<string, { text: string; tables: Array<Array<Record<string, string>>> }>();
  for (const part of markdown.split(/^(?=## )/m).slice(1)) {
    const title = part.slice(3, part.indexOf('\n')).trim();
    found.set(title, { text: part, tables: tables(part) });
  }
  return found;
}

const cells = (line: string) =>
  line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim().replace(/\*\*/g, ''));

/** Markdown tables as rows keyed by their header cells. */
function tables(markdown: string): Array<Array<Record<string, string>>> {
  const blocks: string[][] = [];
  let previous = false;
  for (const line of markdown.split('\n')) {
    const inTable = line.startsWith('|');
    if (inTable && !previous) blocks.push([]);
    if (inTable) blocks.at(-1)!.push(line);
    previous = inTable;
  }
  return blocks.map(([header, , ...rows]) => {
    // A header that repeats a name (two "target" columns) gets "target (2)".
    const names = cells(header!).map((name, i, all) => {
      const before = all.slice(0, i).filter((other) => other === name).length;
      return before ? `${name} (${before + 1})` : name;
    });
    return rows.map((row) => Object.fromEntries(cells(row).map((cell, i) => [names[i]!, cell])));
  });
}

/** Every number as written (thousands separators dropped): `10,000` → `10000`, `1.580`, `2.00`. */
const numbers = (text: string): string[] => (text.match(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g) ?? []).map((n) => n.replace(/,/g, ''));

/** README's figure blocks: the sections each names and its text. */
function figureBlocks(markdown: string): Array<{ titles: string[]; text: string }> {
  return [...markdown.matchAll(/<!-- figures:((?:\s*"[^"]+")+)\s*-->([\s\S]*?)<!-- \/figures -->/g)].map((match) => ({
    titles: [...match[1]!.matchAll(/"([^"]+)"/g)].map((title) => title[1]!),
    text: match[2]!,
  }));
}

const bench = sections(benchmarks);
function section(title: string) {
  const found = bench.get(title);
  expect(found, `BENCHMARKS.md has no section "## ${title}"`).toBeDefined();
  return found!;
}
/** The one table of a section whose header has `column`. */
function table(title: string, column: string): Array<Record<string, string>> {
  const found = section(title).tables.find((rows) => rows[0] && column in rows[0]);
  expect(found, `BENCHMARKS.md "## ${title}" has no table with a "${column}" column`).toBeDefined();
  return found!;
}
/** README's table whose first header cell is `first`, by first cell. */
function readmeTable(first: string): Record<string, string[]> {
  const found = tables(readme).find((rows) => rows[0] && Object.keys(rows[0])[0] === first);
  expect(found, `README.md has no table starting with "${first}"`).toBeDefined();
  return Object.fromEntries(
    found!.map((row) => {
      const [label, ...rest] = Object.values(row);
      return [label!, rest];
    }),
  );
}

describe("README's benchmark figures", () => {
  const blocks = figureBlocks(readme);

  it('marks every quoted benchmark, each naming sections BENCHMARKS.md has', () => {
    expect(blocks.map((block) => block.titles).flat()).toEqual(
      expect.arrayContaining([
        'Upload to motion alert (issue 11)',
        'Web app in Chromium (issue 9)',
        'Gateway (issue 4)',
        'Gateway on a small box (issue 13)',
        'Evidence off the premises (issue 13)',
        'REST API (issue 5)',
        'Cost (issue 12)',
      ]),
    );
    expect(readme.split('<!-- figures:').length - 1, 'an unterminated or malformed <!-- figures --> block').toBe(blocks.length);
    for (const title of blocks.flatMap((block) => block.titles)) section(title);
  });

  it('writes every number of a figure block as the sections it quotes write it', () => {
    for (const block of blocks) {
      const written = new Set(block.titles.flatMap((title) => numbers(section(title).text)));
      const strays = numbers(block.text).filter((n) => !written.has(n));
      expect(strays, `README block quoting ${block.titles.join(', ')} has numbers BENCHMARKS.md does not:\n${block.text.trim()}`).toEqual([]);
    }
  });

  it("quotes the gateway's figures cell by cell", () => {
    const gateway = table('Gateway (issue 4)', 'gateway (MB/s)')[0]!;
    const small = table('Gateway on a small box (issue 13)', 'install size (bundle)')[0]!;
    const latency = table('Evidence off the premises (issue 13)', 'p95 (ms)')[0]!;
    const rows = readmeTable('what');
    expect(rows['install size (the two files)']).toEqual([small['install size (bundle)'], small['target']]);
    expect(rows['start to FTP greeting (median of 5)']![0]).toBe(`${small['start to listening (ms)']} ms`);
    expect(rows['idle RSS, heartbeat sent, nothing to upload since start (median of 5)']![0]).toBe(`${small['idle RSS (MB)']} MB`);
    expect(rows['idle RSS once it has uploaded a clip']![0]).toBe(`${small['idle RSS after one upload (MB)']} MB`);
    expect(rows['upload throughput vs a bare SDK loop']).toEqual([`${gateway['gateway (MB/s)']} vs ${gateway['bare SDK (MB/s)']} MB/s, ratio ${gateway['ratio']}`, gateway['target']]);
    expect(rows[`${gateway['large file']} file: peak RSS`]).toEqual([`${gateway['peak RSS (MB)']} MB`, gateway['target (2)']]);
    expect(rows['14 cameras × 5 MiB at once: last byte → S3 confirmed, p95']).toEqual([
      `${latency['p95 (ms)']} ms (p50 ${latency['last byte → S3 confirmed: p50 (ms)']} ms, max ${latency['max (ms)']} ms)`,
      latency['target p95'],
    ]);
  });

  it("quotes the REST API's table row by row", () => {
    const api = table('REST API (issue 5)', 'clips in catalog');
    const rows = readmeTable('clips in catalog');
    expect(Object.keys(rows)).toEqual(api.map((row) => row['clips in catalog']));
    for (const row of api) {
      const [requests, p50, p99, target, bare] = Object.values(row).slice(1);
      expect(rows[row['clips in catalog']!]).toEqual([requests, `${p50} ms`, `${p99} ms`, target, `${bare} ms`]);
    }
  });

  it('quotes the alert latency and the web app figures as measured', () => {
    const alerts = table('Upload to motion alert (issue 11)', 'alerted')[0]!;
    expect(readme).toContain(`p50 ${alerts['uploaded → alert: p50 (s)']} s and p95 ${alerts['p95 (s)']} s from each clip's upload`);
    const [putP50, putP95] = alerts['from the PutObject call: p50 / p95 / max (s)']!.split(' / ');
    expect(readme).toContain(`From the PutObject call it is p50 ${putP50} s, p95 ${putP95} s`);
    expect(readme).toContain(`(target p95 ${alerts['target p95']})`);
    const web = table('Web app in Chromium (issue 9)', 'measure');
    const firstPage = /^([\d.]+ KB) in 1 file/.exec(web[0]!['result']!)?.[1];
    expect(readme).toContain(`the first\npage loads ${firstPage} of JavaScript gzipped in one file`);
    const click = /^(\d+) ms \((\d+) ms\)$/.exec(web[1]!['result']!)!;
    expect(readme).toContain(`p50 ${click[1]} ms over 10 processed clips (max ${click[2]} ms`);
    const later = /hls ([\d.]+ KB).*?Cognito library, ([\d.]+ KB)/.exec(section('Web app in Chromium (issue 9)').text)!;
    expect(readme).toContain(`without hls.js (${later[1]},`);
    expect(readme).toContain(`without the Cognito\nlibrary (${later[2]},`);
  });
});

describe("README's cost section", () => {
  it('quotes the bill camflow cost prints for the reference home, profile by profile, as BENCHMARKS.md has it', async () => {
    const transitions = countTransitions(await clipWorkflowDefinition(), 'video');
    const bills = RENDER_PROFILES.map((profile) => monthlyBill(REFERENCE_HOME, profile, transitions));
    const costTable = /<!-- cost-table -->\n([\s\S]*?)<!-- \/cost-table -->/.exec(readme)?.[1];
    expect(costTable, 'README.md needs the <!-- cost-table --> block').toBeDefined();
    const rows = Object.fromEntries(
      costTable!
        .trim()
        .split('\n')
        .slice(2)
        .map((line) =>
          line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim().replace(/\*\*/g, '')),
        )
        .map(([label, ...values]) => [label!.split(' (')[0]!, values]),
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

    // BENCHMARKS.md's cost section holds the same bill, profile by profile.
    const measured = table('Cost (issue 12)', 'profile');
    expect(measured.map((row) => row['profile'])).toEqual([...RENDER_PROFILES]);
    expect(rows['MediaConvert']).toEqual(measured.map((row) => row['MediaConvert']));
    expect(rows['S3 storage']).toEqual(measured.map((row) => row['S3 storage']));
    expect(rows['everything else']).toEqual(measured.map((row) => row['everything else']));
    expect(rows['total a month']).toEqual(measured.map((row) => row['total a month']));
    expect(rows['objects per clip']).toEqual(measured.map((row) => row['objects / clip']));
    expect(readme).toContain(`≈ ${measured[0]!['vendor plan']} a month`);
  });
});

describe("README's contents", () => {
  /** GitHub's heading anchors: lowercased, punctuation but `-` and `_` dropped, spaces to `-`. */
  const anchor = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
  it('links every entry to a heading of README (or a file of the repository)', () => {
    const contents = /## Contents\n([\s\S]*?)\n## /.exec(readme)?.[1];
    expect(contents, 'README.md needs a "## Contents" section').toBeDefined();
    const anchors = new Set([...readme.matchAll(/^#{2,3} (.+)$/gm)].map((heading) => anchor(heading[1]!)));
    const links = [...contents!.matchAll(/\]\(([^)]+)\)/g)].map((link) => link[1]!);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) {
      if (link.startsWith('#')) expect(anchors, `README's contents link ${link} to no heading`).toContain(link.slice(1));
      else expect(() => readFileSync(join(root, link)), `README's contents link a missing file ${link}`).not.toThrow();
    }
    // Every "## " heading after the contents is listed.
    const listed = new Set(links.filter((link) => link.startsWith('#')).map((link) => link.slice(1)));
    const headings = [...readme.slice(readme.indexOf('## Contents')).matchAll(/^## (.+)$/gm)].map((h) => anchor(h[1]!)).filter((a) => a !== 'contents');
    expect(headings.filter((a) => !listed.has(a))).toEqual([]);
  });
});
