// The definitions of a Bake project, read from its files (HCL, HCL-JSON, and Compose files read as Bake)
// in Bake's lookup order, before evaluation: variable, function, target and group blocks, with the file
// each came from. HCL-JSON is turned into the same syntax tree as HCL, so one evaluator serves both.

import type { Node } from 'yaml';
import type { Attribute, Block, Body, Expr, HclDiagnostic, Span } from '../hcl/ast';
import { parseHcl, parseHclExpression } from '../hcl/parser';
import { yamlLibrary } from '../compose/yamlLibrary';
import { LineIndex } from '../model/lineIndex';
import { basename, dirname, resolvePath } from '../model/paths';

/** Bake's default files, in the order it merges them (buildx `defaultFilenames`). */
export const BAKE_LOOKUP = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
  'docker-bake.json',
  'docker-bake.hcl',
  'docker-bake.override.json',
  'docker-bake.override.hcl',
] as const;

export interface ProjectFile {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly kind: 'hcl' | 'json' | 'compose';
  readonly body: Body;
  readonly diagnostics: readonly HclDiagnostic[];
}

/** The files of the project `path` belongs to: Bake's default set in its folder, or the file alone. */
export function projectFiles(path: string, text: string, readFile: (path: string) => string | undefined): { files: ProjectFile[]; consulted: string[] } {
  const name = basename(path);
  const consulted: string[] = [];
  if (!(BAKE_LOOKUP as readonly string[]).includes(name)) return { files: [loadFile(path, text)], consulted };
  const files: ProjectFile[] = [];
  const dir = dirname(path);
  for (const candidate of BAKE_LOOKUP) {
    if (candidate === name) {
      files.push(loadFile(path, text));
      continue;
    }
    const candidatePath = resolvePath(dir, candidate);
    consulted.push(candidatePath);
    const other = readFile(candidatePath);
    if (other !== undefined) files.push(loadFile(candidatePath, other));
  }
  return { files, consulted };
}

function loadFile(path: string, text: string): ProjectFile {
  // Line starts are computed when a range is first asked for (Compose files here never are).
  let lines: LineIndex | undefined;
  const file = (kind: ProjectFile['kind'], body: Body, diagnostics: readonly HclDiagnostic[]): ProjectFile => ({
    path,
    text,
    kind,
    body,
    diagnostics,
    get lines() {
      return (lines ??= new LineIndex(text));
    },
  });
  if (/\.ya?ml$/.test(path)) return file('compose', { items: [], span: { start: 0, end: 0 } }, []);
  if (path.endsWith('.json')) {
    const { body, diagnostics } = jsonToBody(text);
    return file('json', body, diagnostics);
  }
  const { body, diagnostics } = parseHcl(text);
  return file('hcl', body, diagnostics);
}

/**
 * Bake's JSON form (`{"variable": {"TAG": {"default": "1"}}, "target": {"app": {…}}}`) as HCL blocks.
 * Strings may hold `${…}` templates, as in HCL: each string's JSON source is parsed as an HCL template
 * at its own offset, so spans stay those of the file.
 */
export function jsonToBody(text: string): { body: Body; diagnostics: HclDiagnostic[] } {
  const { isMap, isScalar, parseDocument } = yamlLibrary();
  const doc = parseDocument(text, { prettyErrors: false });
  const diagnostics: HclDiagnostic[] = doc.errors.map((e) => ({ span: { start: e.pos[0], end: e.pos[1] }, message: e.message.split('\n')[0] ?? e.message }));
  const items: Block[] = [];
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      const type = String(pair.key.value);
      for (const entry of pair.value.items) {
        if (!isScalar(entry.key) || !isMap(entry.value)) continue;
        const labelSpan = span(entry.key as Node);
        const attributes: Attribute[] = entry.value.items.flatMap((attr): Attribute[] => {
          if (!isScalar(attr.key) || !attr.value) return [];
          const nameSpan = span(attr.key as Node);
          const expr = jsonExpr(text, attr.value as Node, diagnostics);
          return [{ kind: 'attribute', name: String(attr.key.value), nameSpan, expr, span: { start: nameSpan.start, end: expr.span.end } }];
        });
        const blockSpan = { start: labelSpan.start, end: span(entry.value as Node).end };
        items.push({
          kind: 'block',
          type,
          typeSpan: span(pair.key as Node),
          labels: [{ value: String(entry.key.value), span: labelSpan }],
          body: { items: attributes, span: span(entry.value as Node) },
          span: blockSpan,
        });
      }
    }
  }
  return { body: { items, span: { start: 0, end: text.length } }, diagnostics };
}

function span(node: Node): Span {
  const [start, end] = node.range ?? [0, 0];
  return { start, end };
}

function jsonExpr(text: string, node: Node, diagnostics: HclDiagnostic[]): Expr {
  const { isMap, isScalar, isSeq } = yamlLibrary();
  const s = span(node);
  if (isScalar(node)) {
    if (typeof node.value === 'string') {
      // A JSON string is (nearly) an HCL quoted template: parse its source, then move the spans to
      // where it stands in the file.
      const parsed = parseHclExpression(text.slice(s.start, s.end));
      diagnostics.push(...parsed.diagnostics.map((d) => ({ ...d, span: { start: d.span.start + s.start, end: d.span.end + s.start } })));
      return shiftSpans(parsed.expr, s.start);
    }
    const value = node.value;
    return { type: 'literal', value: typeof value === 'number' || typeof value === 'boolean' ? value : null, span: s };
  }
  if (isSeq(node)) return { type: 'tuple', items: node.items.map((item) => jsonExpr(text, item as Node, diagnostics)), span: s };
  if (isMap(node)) {
    return {
      type: 'object',
      items: node.items.flatMap((pair) => {
        if (!isScalar(pair.key) || !pair.value) return [];
        const keySpan = span(pair.key as Node);
        const value = jsonExpr(text, pair.value as Node, diagnostics);
        return [{ key: { type: 'literal' as const, value: String(pair.key.value), span: keySpan }, value, span: { start: keySpan.start, end: value.span.end } }];
      }),
      span: s,
    };
  }
  return { type: 'invalid', span: s };
}

/** A copy of a syntax tree with every span moved by `offset` (trees are plain data: JSON carries them). */
function shiftSpans<T>(tree: T, offset: number): T {
  return JSON.parse(JSON.stringify(tree), (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const span = value as { start?: unknown; end?: unknown };
      if (typeof span.start === 'number' && typeof span.end === 'number' && Object.keys(value).length === 2) return { start: span.start + offset, end: span.end + offset };
    }
    return value;
  }) as T;
}
