// A direct reader for the plain block YAML nearly every Compose file is written in: block mappings and
// sequences, one-line plain and quoted scalars, one-line flow sequences of scalars, `{}`, comments. It
// builds the same tree yamlTree.ts builds from the `yaml` package's CST, node for node and offset for
// offset, at a fraction of the cost: that parser is generator-based and allocates some 400 KB for a
// 1 KB file, which made it most of the time spent indexing a workspace's Compose files.
//
// Anything else gives up (returns undefined) and the file is read through the CST as before: anchors,
// aliases, tags, block and multi-line scalars, escapes, `?` keys, flow mappings with entries, nested
// flow collections, document markers, tabs, carriage returns, control characters, and every shape the
// YAML parser would report as a problem. The unit tests compare both readers on generated documents.

import type { ScalarStyle, YamlProblem, YMap, YNode, YPair, YScalar, YSeq } from './yamlTree';

const LF = 10;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const APOSTROPHE = 39;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const QUESTION = 63;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
/** Deeper than this, the CST path (which reports excessive nesting) takes over. */
const MAX_DEPTH = 100;
/** YAML's limit on an implicit key's length. */
const MAX_KEY = 1024;

/** A scalar node, as both readers make it: a plain empty, `~` or `null` scalar has the value null. */
export function scalarNode(value: string, style: ScalarStyle, start: number, end: number): YScalar {
  return { kind: 'scalar', value: style === 'PLAIN' && NULLS.has(value) ? null : value, style, range: [start, end] };
}

/** Compose rejects a mapping that says the same key twice; `<<` (merge) may repeat. */
export function checkUniqueKey(key: YNode | undefined, keys: Set<string>, problems: YamlProblem[]): void {
  if (key?.kind !== 'scalar' || key.value === null || key.value === '<<') return;
  if (keys.has(key.value)) problems.push({ start: key.range[0], end: key.range[1], message: `Map keys must be unique: "${key.value}" is already used.` });
  keys.add(key.value);
}

/** The tree of `text` when it is plain block YAML (see above); undefined when the CST must read it. */
export function readBlockYaml(text: string): { root: YNode; problems: YamlProblem[] } | undefined {
  if (!plainCharacters(text)) return undefined;
  try {
    return new BlockReader(text).read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/** Thrown from anywhere in the reader when the text leaves the subset it reads; caught above. */
const GIVE_UP = new Error('not plain block YAML');
function giveUp(): never {
  throw GIVE_UP;
}

/** No tabs, carriage returns, control characters, byte order marks or Unicode line separators. */
function plainCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < SPACE ? c !== LF : c >= 0x7f && (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff || c >= 0xfffe)) return false;
  }
  return true;
}

/** A space, a line break or the end of the text (NaN) after an indicator. */
function isBlank(c: number): boolean {
  return c === SPACE || c === LF || Number.isNaN(c);
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === OPEN_BRACE || c === CLOSE_BRACE;
}

class BlockReader {
  /** The first character of the current content line (not blank, not a comment); the text's length at its end. */
  private pos = 0;
  /** The column of `pos`; -1 at the end of the text. */
  private indent = -1;
  /** Where the node just read ends, on its line. */
  private cursor = 0;
  private depth = 0;
  private readonly problems: YamlProblem[] = [];
  /** The columns of the comment lines `nextLine` skipped to reach the current line. */
  private readonly comments: number[] = [];
  /**
   * The comment lines after a collection's last entry, as the CST keeps them: in an entry of their own
   * that moves out of each collection that ends, unless one is at least as deep as it (and it is not in
   * column 0): then it stays, and a mapping has an empty pair at its end. Undefined when there is no such entry.
   */
  private trailing: number[] | undefined;

  constructor(private readonly text: string) {}

  read(): { root: YNode; problems: YamlProblem[] } {
    this.nextLine(-1);
    // Only comments: the CST path says what such a document is.
    if (this.indent < 0) giveUp();
    const root = this.block(this.indent);
    if (this.indent >= 0) giveUp();
    return { root, problems: this.problems };
  }

  // --- lines ---------------------------------------------------------------------------------------

  /** Moves to the first content line after the line break at `lineBreak` (-1: from the start). */
  private nextLine(lineBreak: number): void {
    const text = this.text;
    this.comments.length = 0;
    for (let i = lineBreak; ; ) {
      let j = i + 1;
      while (text.charCodeAt(j) === SPACE) j++;
      if (j >= text.length) break;
      const c = text.charCodeAt(j);
      if (c === HASH || c === LF) {
        if (c === HASH) this.comments.push(j - i - 1);
        i = c === LF ? j : text.indexOf('\n', j);
        if (i < 0) break;
        continue;
      }
      // Document markers (`---`, `...`) are the CST path's.
      if (j === i + 1 && (c === DASH || c === DOT) && text.startsWith(c === DASH ? '---' : '...', j)) giveUp();
      this.pos = j;
      this.indent = j - i - 1;
      return;
    }
    this.pos = text.length;
    this.indent = -1;
  }

  /** After a node that ends at `p`: the rest of the line may only be spaces and a comment. */
  private endLine(p: number): void {
    const text = this.text;
    this.comments.length = 0;
    let q = p;
    while (text.charCodeAt(q) === SPACE) q++;
    if (q >= text.length) {
      this.pos = text.length;
      this.indent = -1;
      return;
    }
    const c = text.charCodeAt(q);
    if (c === HASH && q > p) q = text.indexOf('\n', q);
    else if (c !== LF) giveUp();
    if (q < 0) {
      this.pos = text.length;
      this.indent = -1;
    } else this.nextLine(q);
  }

  private atSequenceItem(): boolean {
    return this.text.charCodeAt(this.pos) === DASH && isBlank(this.text.charCodeAt(this.pos + 1));
  }

  // --- collections ---------------------------------------------------------------------------------

  /** The block collection that starts at `pos`, in column `column`. */
  private block(column: number): YMap | YSeq {
    if (++this.depth > MAX_DEPTH) giveUp();
    const node = this.atSequenceItem() ? this.sequence(column) : this.mapping(column);
    this.depth--;
    return node;
  }

  private mapping(column: number): YMap {
    const text = this.text;
    const start = this.pos;
    const pairs: YPair[] = [];
    const keys = new Set<string>();
    let end = start;
    for (;;) {
      this.trailing = undefined;
      const key = this.key();
      let value: YNode | undefined;
      let p = this.cursor;
      while (text.charCodeAt(p) === SPACE) p++;
      const c = text.charCodeAt(p);
      if (c === LF || Number.isNaN(c) || (c === HASH && p > this.cursor)) {
        // `key:` alone: the value, if any, is the block below (a sequence may stay in the key's column).
        this.endLine(this.cursor);
        if (this.indent > column) value = this.block(this.indent);
        else if (this.indent === column && this.atSequenceItem()) value = this.block(column);
      } else {
        value = this.inline(p, column);
        this.trailing = this.commentsAfter(column);
      }
      checkUniqueKey(key, keys, this.problems);
      pairs.push({ key, value });
      end = Math.max(end, value?.range[1] ?? key.range[1]);
      if (this.indent !== column) break;
      if (this.atSequenceItem()) giveUp();
    }
    if (this.indent > column) giveUp();
    if (this.trailingStays(column)) pairs.push({ key: undefined, value: undefined });
    return { kind: 'map', pairs, range: [start, end] };
  }

  private sequence(column: number): YSeq {
    const text = this.text;
    const start = this.pos;
    const items: YNode[] = [];
    let end = start;
    for (;;) {
      this.trailing = undefined;
      const dash = this.pos;
      let p = dash + 1;
      while (text.charCodeAt(p) === SPACE) p++;
      const c = text.charCodeAt(p);
      // An empty item, or one that starts on the next line.
      if (c === LF || c === HASH || Number.isNaN(c)) giveUp();
      let node: YNode;
      if (this.startsKey(p) || (c === DASH && isBlank(text.charCodeAt(p + 1)))) {
        // `- key: value` and `- - item`: a collection in the item's column, its first line shared.
        this.pos = p;
        node = this.block(column + p - dash);
      } else {
        node = this.inline(p, column);
        this.trailing = this.commentsAfter(column);
      }
      items.push(node);
      end = Math.max(end, node.range[1]);
      if (this.indent !== column || !this.atSequenceItem()) break;
    }
    if (this.indent > column) giveUp();
    // An item without a value is no node: nothing to add.
    this.trailingStays(column);
    return { kind: 'seq', items, range: [start, end] };
  }

  /** After a value on its entry's line: the comment lines below it, but those deeper than `column` before any other, which the value keeps. */
  private commentsAfter(column: number): number[] | undefined {
    const first = this.comments.findIndex((c) => c <= column);
    return first < 0 ? undefined : this.comments.slice(first);
  }

  /** Whether the trailing comment lines stay in the collection at `column` that ends here (see `trailing`). */
  private trailingStays(column: number): boolean {
    if (!this.trailing || column === 0 || !this.trailing.some((c) => c >= column)) return false;
    this.trailing = undefined;
    return true;
  }

  // --- scalars -------------------------------------------------------------------------------------

  /** A key at `pos` and its `:`; `cursor` is left after the colon. */
  private key(): YScalar {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    let key: YScalar;
    let p: number;
    if (c === QUOTE || c === APOSTROPHE) {
      key = this.quoted(start);
      p = this.cursor;
      while (text.charCodeAt(p) === SPACE) p++;
      if (text.charCodeAt(p) !== COLON) giveUp();
    } else {
      if (!this.plainStart(start, false)) giveUp();
      p = start;
      for (;;) {
        const ch = text.charCodeAt(p);
        if (ch === LF || Number.isNaN(ch) || (ch === HASH && text.charCodeAt(p - 1) === SPACE)) giveUp();
        if (ch === COLON && isBlank(text.charCodeAt(p + 1))) break;
        p++;
      }
      let e = p;
      while (text.charCodeAt(e - 1) === SPACE) e--;
      key = scalarNode(text.slice(start, e), 'PLAIN', start, e);
    }
    if (p - start > MAX_KEY || !isBlank(text.charCodeAt(p + 1))) giveUp();
    this.cursor = p + 1;
    return key;
  }

  /** Whether the line from `p` is `key: …` (a mapping's first entry), as opposed to a scalar. */
  private startsKey(p: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(p);
    if (c === QUOTE || c === APOSTROPHE) {
      const close = text.indexOf(String.fromCharCode(c), p + 1);
      if (close < 0) return false;
      let q = close + 1;
      while (text.charCodeAt(q) === SPACE) q++;
      return text.charCodeAt(q) === COLON;
    }
    if (c === OPEN_BRACKET || c === OPEN_BRACE) return false;
    for (let q = p; ; q++) {
      const ch = text.charCodeAt(q);
      if (ch === LF || Number.isNaN(ch) || (ch === HASH && text.charCodeAt(q - 1) === SPACE)) return false;
      if (ch === COLON && isBlank(text.charCodeAt(q + 1))) return true;
    }
  }

  /** A value that starts on its key's (or item's) line at `p`; the next content line may not be deeper than `column`. */
  private inline(p: number, column: number): YScalar | YMap | YSeq {
    const c = this.text.charCodeAt(p);
    const node = c === OPEN_BRACKET || c === OPEN_BRACE ? this.flow(p) : c === QUOTE || c === APOSTROPHE ? this.quoted(p) : this.plain(p, false);
    this.endLine(this.cursor);
    // A deeper line continues a multi-line scalar (or is an error): the CST path's.
    if (this.indent > column) giveUp();
    return node;
  }

  /** Whether a plain scalar may start at `p`: not at an indicator, except `-`, `?`, `:` before a safe character. */
  private plainStart(p: number, flow: boolean): boolean {
    const c = this.text.charCodeAt(p);
    if (c === DASH || c === QUESTION || c === COLON) {
      const next = this.text.charCodeAt(p + 1);
      return !isBlank(next) && !(flow && isFlowIndicator(next));
    }
    // , [ ] { } # & * ! | > ' " % @ `
    return !(isFlowIndicator(c) || c === HASH || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === QUOTE || c === APOSTROPHE || c === 37 || c === 64 || c === 96);
  }

  /** A one-line plain scalar at `p`; in a flow collection it also ends at `,` `[` `]` `{` `}`. */
  private plain(p: number, flow: boolean): YScalar {
    const text = this.text;
    if (!this.plainStart(p, flow)) giveUp();
    let q = p;
    for (;;) {
      const c = text.charCodeAt(q);
      if (c === LF || Number.isNaN(c) || (c === HASH && text.charCodeAt(q - 1) === SPACE) || (flow && isFlowIndicator(c))) break;
      // `a: b: c` (a mapping in a value) and `[a: b]` (a pair in a sequence) are the CST path's.
      if (c === COLON && (isBlank(text.charCodeAt(q + 1)) || (flow && isFlowIndicator(text.charCodeAt(q + 1))))) giveUp();
      q++;
    }
    let e = q;
    while (text.charCodeAt(e - 1) === SPACE) e--;
    this.cursor = e;
    return scalarNode(text.slice(p, e), 'PLAIN', p, e);
  }

  /** A one-line quoted scalar at `p`, without escapes (`''` in single quotes is one quote). */
  private quoted(p: number): YScalar {
    const text = this.text;
    const quote = text.charCodeAt(p);
    let value = '';
    let chunk = p + 1;
    let q = p + 1;
    for (;;) {
      const c = text.charCodeAt(q);
      if (c === LF || Number.isNaN(c) || (c === BACKSLASH && quote === QUOTE)) giveUp();
      if (c === quote) {
        if (quote !== APOSTROPHE || text.charCodeAt(q + 1) !== APOSTROPHE) break;
        value += text.slice(chunk, q + 1);
        q += 2;
        chunk = q;
        continue;
      }
      q++;
    }
    value += text.slice(chunk, q);
    this.cursor = q + 1;
    return scalarNode(value, quote === QUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', p, q + 1);
  }

  /** `{}` or a one-line flow sequence of scalars, at `p`. */
  private flow(p: number): YMap | YSeq {
    const text = this.text;
    let q = p + 1;
    while (text.charCodeAt(q) === SPACE) q++;
    if (text.charCodeAt(p) === OPEN_BRACE) {
      if (text.charCodeAt(q) !== CLOSE_BRACE) giveUp();
      this.cursor = q + 1;
      return { kind: 'map', pairs: [], range: [p, p] };
    }
    const items: YNode[] = [];
    let end = p;
    while (text.charCodeAt(q) !== CLOSE_BRACKET) {
      const c = text.charCodeAt(q);
      const item = c === QUOTE || c === APOSTROPHE ? this.quoted(q) : this.plain(q, true);
      items.push(item);
      end = Math.max(end, item.range[1]);
      q = this.cursor;
      while (text.charCodeAt(q) === SPACE) q++;
      if (text.charCodeAt(q) === COMMA) {
        q++;
        while (text.charCodeAt(q) === SPACE) q++;
      } else if (text.charCodeAt(q) !== CLOSE_BRACKET) giveUp();
    }
    this.cursor = q + 1;
    return { kind: 'seq', items, range: [p, end] };
  }
}
