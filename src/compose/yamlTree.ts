// A light YAML tree for reading Compose files, built from the `yaml` package's CST (its concrete syntax
// tree: every token with its offset and source). It keeps what the model needs — maps, sequences,
// scalars with their exact value ranges and quoting style, anchors and aliases, merge keys — and skips
// the package's Document layer, which costs as much again as the parse itself. Plain block YAML (most
// Compose files) is read directly by blockYaml.ts into the same tree, without the CST.
//
// Scalars keep their text as written: YAML 1.2's core schema would turn `GO_VERSION: 1.20` into the
// number 1.2, where Compose (like any string-typed reader) sees "1.20".

import type { CST } from 'yaml';
import { checkUniqueKey, readBlockYaml, scalarNode } from './blockYaml';
import { yamlLibrary } from './yamlLibrary';

export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

interface Tagged {
  /** Compose's `!reset` tag: the field is removed, not merged. */
  readonly reset?: boolean;
}

export interface YScalar extends Tagged {
  readonly kind: 'scalar';
  /** The scalar's value; null for an empty or `null`/`~` plain scalar. */
  readonly value: string | null;
  readonly style: ScalarStyle;
  /** Where the scalar is written, quotes included, trailing comments excluded. */
  readonly range: readonly [start: number, end: number];
}

export interface YMap extends Tagged {
  readonly kind: 'map';
  readonly pairs: readonly YPair[];
  readonly range: readonly [start: number, end: number];
}

export interface YPair {
  readonly key: YNode | undefined;
  readonly value: YNode | undefined;
}

export interface YSeq extends Tagged {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
  readonly range: readonly [start: number, end: number];
}

export type YNode = YScalar | YMap | YSeq;

export interface YamlProblem {
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** Deeper nesting than this is reported, not followed: no input can exhaust the stack. */
const MAX_DEPTH = 200;

export function isMap(node: YNode | undefined): node is YMap {
  return node?.kind === 'map';
}

export function isSeq(node: YNode | undefined): node is YSeq {
  return node?.kind === 'seq';
}

export function isScalar(node: YNode | undefined): node is YScalar {
  return node?.kind === 'scalar';
}

/** The first document of `text` (Compose files have one), and the syntax problems found. */
export function parseYaml(text: string): { root: YNode | undefined; problems: YamlProblem[] } {
  // Most Compose files are plain block YAML, read directly; the CST reads the rest (same tree either way).
  return readBlockYaml(text) ?? parseYamlCst(text);
}

/** `parseYaml` through the `yaml` package's CST, whatever the YAML (exported for the tests comparing both). */
export function parseYamlCst(text: string): { root: YNode | undefined; problems: YamlProblem[] } {
  const builder = new Builder();
  let root: YNode | undefined;
  let first = true;
  for (const token of new (yamlLibrary().Parser)().parse(text)) {
    if (token.type === 'document') {
      if (first && token.value) root = builder.node(token.value, token.start);
      first = false;
    } else if (token.type === 'error') {
      builder.problem(token.offset, token.offset + Math.max(1, token.source.length), token.message);
    }
  }
  return { root, problems: builder.problems };
}

class Builder {
  readonly problems: YamlProblem[] = [];
  private readonly anchors = new Map<string, YNode>();
  private depth = 0;

  problem(start: number, end: number, message: string): void {
    this.problems.push({ start, end, message });
  }

  /** A node from its token; `props` are the tokens before it that may hold its anchor. */
  node(token: CST.Token, props: readonly CST.SourceToken[] = []): YNode | undefined {
    if (this.depth >= MAX_DEPTH) {
      if (this.depth === MAX_DEPTH) this.problem(token.offset, token.offset + 1, 'Nested too deeply.');
      return undefined;
    }
    const anchor = anchorIn(props);
    this.depth++;
    try {
      const node = this.build(token);
      if (anchor !== undefined && node) this.anchors.set(anchor, node);
      return tagIn(props) === '!reset' && node ? { ...node, reset: true } : node;
    } finally {
      this.depth--;
    }
  }

  private build(token: CST.Token): YNode | undefined {
    switch (token.type) {
      case 'alias': {
        const target = this.anchors.get(token.source.slice(1));
        if (!target) this.problem(token.offset, token.offset + token.source.length, `Unknown alias ${token.source}`);
        return target;
      }
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        return this.scalar(token);
      case 'block-map':
        return this.map(token.items, token.offset);
      case 'block-seq':
        return this.seq(token.items, token.offset);
      case 'flow-collection': {
        const isMapping = token.start.type === 'flow-map-start';
        const closed = token.end.some((t) => t.type === 'flow-map-end' || t.type === 'flow-seq-end');
        if (!closed) this.problem(token.offset, token.offset + 1, `This flow ${isMapping ? 'mapping' : 'sequence'} is never closed.`);
        for (const t of token.end) if (t.type === 'flow-error-end') this.problem(t.offset, t.offset + 1, 'Unexpected end of a flow collection.');
        return isMapping ? this.map(token.items, token.offset, true) : this.seq(token.items, token.offset, true);
      }
      case 'error':
        this.problem(token.offset, token.offset + Math.max(1, token.source.length), token.message);
        return undefined;
      default:
        return undefined;
    }
  }

  private scalar(token: CST.FlowScalar | CST.BlockScalar): YScalar {
    const resolved = yamlLibrary().CST.resolveAsScalar(token, false, (offset, _code, message) => this.problem(offset, offset + 1, message));
    return scalarNode(resolved.value, (resolved.type ?? 'PLAIN') as ScalarStyle, resolved.range[0], resolved.range[1]);
  }

  private map(items: readonly CST.CollectionItem[], offset: number, flow = false): YMap {
    const pairs: YPair[] = [];
    const keys = new Set<string>();
    let end = offset;
    for (const item of items) {
      // `{ }` holds one item of white space only: no entry. (A block mapping's comment-only item stays a
      // keyless pair; the block reader gives the same.)
      if (flow && !item.key && !item.sep && !item.value) continue;
      // A flow mapping's `{a, b}` entries have a value but no key: the value is the key.
      const keyToken = item.key ?? (item.sep ? null : item.value);
      const key = keyToken ? this.node(keyToken, item.start) : undefined;
      const value = item.sep && item.value ? this.node(item.value, item.sep) : undefined;
      checkUniqueKey(key, keys, this.problems);
      pairs.push({ key, value });
      end = Math.max(end, value?.range[1] ?? key?.range[1] ?? end);
    }
    return { kind: 'map', pairs, range: [offset, end] };
  }

  private seq(items: readonly CST.CollectionItem[], offset: number, flow = false): YSeq {
    const nodes: YNode[] = [];
    let end = offset;
    for (const item of items) {
      // In a flow sequence, `[a: b]` is a one-pair mapping; those are not Compose syntax: keep the key.
      const token = item.value ?? (flow ? item.key : undefined);
      const node = token ? this.node(token, item.start) : undefined;
      if (node) {
        nodes.push(node);
        end = Math.max(end, node.range[1]);
      }
    }
    return { kind: 'seq', items: nodes, range: [offset, end] };
  }
}

function tagIn(props: readonly CST.SourceToken[]): string | undefined {
  let tag: string | undefined;
  for (const t of props) if (t.type === 'tag') tag = t.source;
  return tag;
}

function anchorIn(props: readonly CST.SourceToken[]): string | undefined {
  let anchor: string | undefined;
  for (const t of props) if (t.type === 'anchor') anchor = t.source.slice(1);
  return anchor;
}
