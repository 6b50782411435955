/**
 * The import rule, enforced: imports point one way (README, "Code map").
 *
 *   domain/     pure domain code: imports nothing above it, no AWS client, no CDK, no Powertools
 *   tasks/      the Lambda handlers and the S3/DynamoDB code they run; on domain/
 *   api/        the REST API; on domain/ (and the one S3 helper it shares with the tasks)
 *   gateway/    the on-prem gateway, bundled to run alone; on domain/ only
 *   web/        the web app; on domain/ only
 *   workflows/  infrastructure as code: the state machine, the stack and its constructs;
 *               composes tasks/, api/, gateway/ and web/ — the only place aws-cdk-lib is used
 *   runtime/    the local runtime and the CLI (runtime/commands/): may import anything;
 *               nothing but bin/ and tests imports it
 *
 * Tests (`*.test.ts`, `*test-support.ts`), integ-tests/ and bench/ may import anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_FOLDERS = ['domain', 'tasks', 'api', 'gateway', 'web', 'workflows', 'runtime', 'bin'];

type Layer = 'domain' | 'tasks' | 'api' | 'gateway' | 'web' | 'workflows' | 'runtime' | 'bin';

/** Which layers each layer may import from (itself included). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  domain: ['domain'],
  tasks: ['domain', 'tasks'],
  api: ['domain', 'api'],
  gateway: ['domain', 'gateway'],
  web: ['domain', 'web'],
  workflows: ['domain', 'tasks', 'api', 'gateway', 'web', 'workflows'],
  runtime: ['domain', 'tasks', 'api', 'gateway', 'web', 'workflows', 'runtime'],
  bin: ['runtime'],
};

/** Single files one layer may use from a layer it otherwise may not, and why. */
const SHARED_FILES: Partial<Record<Layer, Record<string, string>>> = {
  api: { 'tasks/clip-versions.ts': "a clip's S3 object versions: holds and deletion go through the same code as the workflow's retention" },
};

/** Packages only some layers may import at run time (type-only imports are erased and allowed). */
const PACKAGE_RULES: Array<{ pattern: RegExp; only: readonly Layer[]; why: string }> = [
  { pattern: /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/, only: ['workflows', 'runtime'], why: 'infrastructure as code lives in workflows/' },
  { pattern: /^@aws-sdk\//, only: ['tasks', 'api', 'gateway', 'workflows', 'runtime'], why: 'domain code and the web app call no AWS client' },
  { pattern: /^@aws-lambda-powertools\//, only: ['tasks', 'api', 'gateway', 'runtime', 'workflows'], why: 'domain code and the web app do not log, trace or count with Powertools' },
];

export interface ImportEdge {
  from: string;
  /** A repository path for a relative import, else the package name. */
  to: string;
  typeOnly: boolean;
  relative?: boolean;
}

function isTestCode(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || /test-support\.ts$/.test(file) || /(^|\/)test-[a-z-]+\.ts$/.test(file);
}

function layerOf(file: string): Layer | undefined {
  const top = file.split('/')[0];
  return SOURCE_FOLDERS.includes(top!) ? (top as Layer) : undefined;
}

/** What breaks the rule in these edges, one sentence each. */
export function violations(edges: ImportEdge[]): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    if (isTestCode(edge.from)) continue;
    const from = layerOf(edge.from);
    if (!from) continue;
    if (edge.relative || layerOf(edge.to)) {
      const to = layerOf(edge.to);
      if ((to && MAY_IMPORT[from].includes(to)) || SHARED_FILES[from]?.[edge.to]) continue;
      found.push(`${edge.from} imports ${edge.to}: ${from}/ may import only ${MAY_IMPORT[from].join(', ')}`);
      continue;
    }
    if (edge.typeOnly) continue;
    for (const rule of PACKAGE_RULES) {
      if (rule.pattern.test(edge.to) && !rule.only.includes(from)) found.push(`${edge.from} imports ${edge.to}: ${rule.why}`);
    }
  }
  return found;
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(join(ROOT, directory), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = `${directory}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(folder);
  return files;
}

/** Every static, re-export and dynamic import of a file, with relative ones resolved to a repository path. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean): void => {
    const relative = specifier.startsWith('.');
    edges.push({ from: file, to: relative ? normalize(join(dirname(file), specifier)) : specifier, typeOnly, relative });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

describe('imports point one way', () => {
  const edges = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(folder)).flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')));

  it('reads the imports of every source file', () => {
    // A parser that found nothing would pass every rule: the domain alone imports itself dozens of times.
    expect(edges.filter((edge) => edge.from.startsWith('domain/') && edge.to.startsWith('domain/')).length).toBeGreaterThan(20);
    expect(edges).toContainEqual({ from: 'workflows/camflow-stack.ts', to: 'workflows/clip-workflow.ts', typeOnly: false, relative: true });
    expect(edges).toContainEqual({ from: 'domain/render-job.ts', to: '@aws-sdk/client-mediaconvert', typeOnly: true, relative: false });
  });

  it('no source file breaks the rule', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('catches an import that points the wrong way', () => {
    const wrong: ImportEdge[] = [
      { from: 'api/routes/workflows.ts', to: 'runtime/step-functions/arns.ts', typeOnly: false },
      { from: 'domain/clip-contract.ts', to: 'tasks/aws-clients.ts', typeOnly: true },
      { from: 'domain/render-job.ts', to: '@aws-sdk/client-mediaconvert', typeOnly: false },
      { from: 'api/app.ts', to: 'aws-cdk-lib/aws-lambda', typeOnly: false },
      { from: 'gateway/spool.ts', to: 'tasks/clip-versions.ts', typeOnly: false },
    ];
    expect(violations(wrong)).toHaveLength(wrong.length);
    expect(violations([{ from: 'domain/render-job.ts', to: '@aws-sdk/client-mediaconvert', typeOnly: true }])).toEqual([]);
    expect(violations([{ from: 'api/clip-objects.ts', to: 'tasks/clip-versions.ts', typeOnly: false }])).toEqual([]);
    expect(violations([{ from: 'api/test-support.ts', to: 'runtime/local-s3.ts', typeOnly: false }])).toEqual([]);
  });
});
