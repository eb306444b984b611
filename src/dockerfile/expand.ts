// Variable substitution in Dockerfile words, as BuildKit's shell lexer does it
// (frontend/dockerfile/shell/lex.go): `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
// `${VAR:+word}`, `${VAR+word}`, `${VAR:?message}`, `${VAR?message}`, `${VAR#pattern}`,
// `${VAR##pattern}`, `${VAR%pattern}`, `${VAR%%pattern}`, `${VAR/pattern/word}`, `${VAR//pattern/word}`,
// nested words, single and double quotes and the escape character. Where BuildKit fails the build, a
// problem says why.
//
// Besides the value, it records where each part of the value came from (`pieces`): literal text
// at known positions, or a variable. That tells a pin where to write: into the reference itself,
// into the default of the ARG it comes from, or nowhere.

import type { Site } from '../model/buildFile';
import { Messages, message } from '../model/messages';
import type { Message } from '../model/messages';

export type VariableState =
  /** Has a value known from the file or an override. */
  | 'value'
  /** An ARG declared without a default and not overridden: unset at build time. */
  | 'noValue'
  /** Set by the builder from the build's platforms (`TARGETARCH`…): unknown in the file. */
  | 'platform';

/** Where a variable's value is written literally in this file (an ARG default or ENV value). */
export interface DefinitionSite {
  /** Offsets in the original text. */
  readonly start: number;
  readonly end: number;
  /** Identifies the declaration, so that several images fed by one ARG can be counted. */
  readonly id: number;
}

export interface Variable {
  readonly name: string;
  readonly state: VariableState;
  readonly value: string;
  readonly origin: 'arg' | 'env' | 'override' | 'platform';
  readonly site?: DefinitionSite;
  /** For an override: where its value is written in the Compose or Bake file that passes it. */
  readonly external?: Site;
  /** For an override with a site: identifies it, so that several images fed by it can be counted. */
  readonly externalId?: number;
}

export type Piece =
  /** Text written in the word; `start`/`end` index the raw word, contiguous characters only. */
  | { readonly kind: 'literal'; readonly text: string; readonly start: number; readonly end: number }
  /** The whole value of a variable. */
  | { readonly kind: 'variable'; readonly variable: Variable }
  /** Text computed from a variable (pattern removal, replacement). */
  | { readonly kind: 'computed'; readonly text: string; readonly name: string };

export interface Unresolved {
  readonly name: string;
  readonly cause: 'noValue' | 'undeclared' | 'platform' | 'error';
  /** For `${X:?message}`. */
  readonly detail?: string;
}

export interface ExpansionProblem {
  readonly start: number;
  readonly end: number;
  readonly message: Message;
}

export interface Expansion {
  /** The value; parts that could not be resolved are empty. */
  readonly value: string;
  readonly pieces: readonly Piece[];
  /** The first variable without a known value, if any. */
  readonly unresolved?: Unresolved;
  /** Every variable name the word refers to. */
  readonly names: readonly string[];
  readonly problems: readonly ExpansionProblem[];
}

export type Lookup = (name: string) => Variable | undefined;

export function expandWord(raw: string, lookup: Lookup, escape: string): Expansion {
  // Most words are plain text, with nothing to substitute, unquote or unescape: the word is its value.
  if (!SPECIAL.test(raw)) return { value: raw, pieces: raw === '' ? [] : [{ kind: 'literal', text: raw, start: 0, end: raw.length }], unresolved: undefined, names: NONE, problems: NONE };
  return new Expander(raw, lookup, escape.charCodeAt(0)).run();
}

/** What makes a word more than its text: `$`, quotes, and either escape character. */
const SPECIAL = /[$"'\\`]/;
const NONE: readonly never[] = [];

/**
 * A name after `$` (BuildKit's processName): digits only when it starts with one (`$1x` is `$1` then
 * `x`), one special parameter (`$@`, `$$`…), or letters, digits and `_` (Unicode letters too).
 */
const NAME = /\p{Nd}+|[@*#?$!-]|[\p{L}\p{Nd}_]+/uy;

const QUOTE = 39; // '
const DOUBLE_QUOTE = 34; // "
const DOLLAR = 36; // $
const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }
const SLASH = 47; // /

function pieceText(p: Piece): string {
  return p.kind === 'variable' ? p.variable.value : p.text;
}

function joinPieces(pieces: readonly Piece[]): string {
  let s = '';
  for (const p of pieces) s += pieceText(p);
  return s;
}

class Expander {
  private i = 0;
  private unresolved: Unresolved | undefined;
  private readonly names = new Set<string>();
  private readonly problems: ExpansionProblem[] = [];

  constructor(
    private readonly raw: string,
    private readonly lookup: Lookup,
    private readonly escape: number,
  ) {}

  run(): Expansion {
    const pieces = this.word(undefined, false);
    return {
      value: joinPieces(pieces),
      pieces,
      unresolved: this.unresolved,
      names: [...this.names],
      problems: this.problems,
    };
  }

  /**
   * Reads a word up to the end, or inside `${…}` up to `stop` (`}`, or the `/` after a replacement's
   * pattern), which it leaves unread (BuildKit's processStopOn). With `rawEscapes` the escape characters
   * stay in the text, as BuildKit keeps them for the patterns of `#`, `%` and `/`.
   */
  private word(stop: number | undefined, rawEscapes: boolean): Piece[] {
    const out = new PieceList();
    const raw = this.raw;
    while (this.i < raw.length) {
      const c = raw.charCodeAt(this.i);
      if (c === stop) break;
      if (c === QUOTE) {
        // Everything up to the next ' is literal, escapes included.
        const open = this.i++;
        while (this.i < raw.length && raw.charCodeAt(this.i) !== QUOTE) out.char(raw[this.i]!, this.i++);
        if (this.i === raw.length) this.problem(open, raw.length, Messages.dockerfileUnterminatedQuote, raw.slice(open));
        this.i++;
      } else if (c === DOUBLE_QUOTE) {
        this.doubleQuoted(out, rawEscapes);
      } else if (c === this.escape) {
        if (rawEscapes) out.char(raw[this.i]!, this.i);
        if (this.i + 1 < raw.length) out.char(raw[this.i + 1]!, this.i + 1);
        this.i += 2;
      } else if (c === DOLLAR) {
        out.pieces(this.dollar());
      } else {
        out.char(raw[this.i]!, this.i++);
      }
    }
    return out.list;
  }

  /** At a `"`: up to the closing one, `$` expanded; the escape only escapes `"`, `$` and itself. */
  private doubleQuoted(out: PieceList, rawEscapes: boolean): void {
    const raw = this.raw;
    const open = this.i++;
    while (this.i < raw.length && raw.charCodeAt(this.i) !== DOUBLE_QUOTE) {
      const d = raw.charCodeAt(this.i);
      if (d === DOLLAR) {
        out.pieces(this.dollar());
        continue;
      }
      if (d === this.escape) {
        // At the very end `next` is NaN: the escape stays, in a quote BuildKit refuses as unterminated.
        const next = raw.charCodeAt(this.i + 1);
        if (rawEscapes) out.char(raw[this.i]!, this.i);
        if (next === DOUBLE_QUOTE || next === DOLLAR || next === this.escape) {
          out.char(raw[this.i + 1]!, this.i + 1);
          this.i += 2;
          continue;
        }
      }
      out.char(raw[this.i]!, this.i++);
    }
    if (this.i === raw.length) this.problem(open, raw.length, Messages.dockerfileUnterminatedQuote, raw.slice(open));
    this.i++;
  }

  private name(): string {
    NAME.lastIndex = this.i;
    const name = NAME.exec(this.raw)?.[0] ?? '';
    this.i += name.length;
    return name;
  }

  /** At a `$`: reads `$NAME` or `${…}` and returns its pieces (BuildKit's processDollar). */
  private dollar(): Piece[] {
    const raw = this.raw;
    const start = this.i;
    this.i++; // $
    if (raw.charCodeAt(this.i) !== OPEN_BRACE) {
      const name = this.name();
      return name === '' ? [{ kind: 'literal', text: '$', start, end: start + 1 }] : this.reference(name);
    }
    this.i++; // {
    const name = this.name();
    if (this.i >= raw.length) return this.unterminated(start);
    if (name === '') return this.badSubstitution(start);
    let modifier = raw[this.i++]!;
    if (modifier === '}') return this.reference(name);

    // ${NAME<modifier>word}
    if (modifier === ':') {
      // `:` makes an empty value count as unset; BuildKit has it only before `-`, `+` and `?`.
      const m = raw[this.i];
      if (m !== '-' && m !== '+' && m !== '?') return this.badSubstitution(start);
      modifier += m;
      this.i++;
    } else if (!'-+?#%/'.includes(modifier)) {
      return this.badSubstitution(start);
    }
    if (modifier === '/') {
      const all = raw.charCodeAt(this.i) === SLASH;
      if (all) this.i++;
      // The pattern ends at the next `/` only, `}` included (BuildKit: "missing '/' in ${}").
      const pattern = this.word(SLASH, true);
      if (this.i >= raw.length) return this.badSubstitution(start);
      this.i++; // /
      const replacement = this.word(CLOSE_BRACE, true);
      if (this.i >= raw.length) return this.unterminated(start);
      this.i++; // }
      return this.replaced(name, joinPieces(pattern), joinPieces(replacement), all, start);
    }
    const isPattern = modifier === '#' || modifier === '%';
    // What the word says is noted only if the word is used: `${SET:-$UNSET}` is known.
    const before = this.unresolved;
    const word = this.word(CLOSE_BRACE, isPattern);
    if (this.i >= raw.length) return this.unterminated(start);
    this.i++; // }
    if (isPattern) return this.trimmed(name, modifier, joinPieces(word), start);
    return this.defaulted(name, modifier, word, before, start);
  }

  private unterminated(start: number): Piece[] {
    this.problem(start, this.raw.length, Messages.dockerfileUnterminatedVariable, this.raw.slice(start));
    return [];
  }

  private badSubstitution(start: number): Piece[] {
    const close = this.raw.indexOf('}', this.i);
    this.i = close < 0 ? this.raw.length : close + 1;
    this.problem(start, this.i, Messages.dockerfileBadSubstitution, this.raw.slice(start, this.i));
    return [];
  }

  /** A pattern BuildKit refuses, in a `${…}` read up to its end. */
  private invalidPattern(start: number): Piece[] {
    this.problem(start, this.i, Messages.dockerfileBadSubstitution, this.raw.slice(start, this.i));
    return [];
  }

  private problem(start: number, end: number, template: string, text: string): void {
    this.problems.push({ start, end, message: message(template, text) });
  }

  private note(unresolved: Unresolved): void {
    this.unresolved ??= unresolved;
  }

  /** `$NAME` or `${NAME}`. */
  private reference(name: string): Piece[] {
    this.names.add(name);
    const v = this.lookup(name);
    if (v === undefined) {
      this.note({ name, cause: 'undeclared' });
      return [];
    }
    if (v.state !== 'value') {
      this.note({ name, cause: v.state });
      return [];
    }
    return v.value === '' ? [] : [{ kind: 'variable', variable: v }];
  }

  /** `${NAME-word}`, `${NAME+word}`, `${NAME?message}` and their `:` forms. */
  private defaulted(name: string, modifier: string, word: Piece[], before: Unresolved | undefined, start: number): Piece[] {
    this.names.add(name);
    const v = this.lookup(name);
    const colon = modifier[0] === ':';
    if (v?.state === 'platform' && colon) {
      // Set at build time, but whether it is empty is unknown too (TARGETVARIANT often is).
      this.unresolved = before;
      this.note({ name, cause: 'platform' });
      return [];
    }
    const set = v !== undefined && v.state !== 'noValue';
    const useWord = !set || (colon && v.value === '');
    const own = (): Piece[] => {
      this.unresolved = before;
      return this.reference(name);
    };
    switch (modifier[modifier.length - 1]) {
      case '-':
        return useWord ? word : own();
      case '+':
        if (useWord) this.unresolved = before;
        return useWord ? [] : word;
      default: {
        // `?`: the word is the message of the error.
        if (!useWord) return own();
        const detail = joinPieces(word);
        this.unresolved = before;
        this.note({ name, cause: 'error', detail });
        this.problems.push({ start, end: this.i, message: message(Messages.dockerfileRequiredVariable, name, detail || 'not set') });
        return [];
      }
    }
  }

  /** The variable's value, or why it is unknown; pattern operators need it. */
  private known(name: string): string | undefined {
    this.names.add(name);
    const v = this.lookup(name);
    if (v?.state === 'value') return v.value;
    this.note({ name, cause: v === undefined ? 'undeclared' : v.state });
    return undefined;
  }

  /** `${NAME#pattern}`, `##`, `%`, `%%`: the shortest (longest when doubled) matching prefix or suffix removed. */
  private trimmed(name: string, modifier: string, word: string, start: number): Piece[] {
    // BuildKit reads `##` as `#` and a pattern starting with `#`, after expanding it.
    const greedy = word[0] === modifier;
    const pattern = greedy ? word.slice(1) : word;
    const suffix = modifier === '%';
    const re = shellPattern(suffix ? reversePattern(pattern) : pattern, greedy, true);
    if (!re) return this.invalidPattern(start);
    const value = this.known(name);
    if (value === undefined) return [];
    const text = suffix ? reverse(trimPrefix(re, reverse(value))) : trimPrefix(re, value);
    return text === '' ? [] : [{ kind: 'computed', text, name }];
  }

  /** `${NAME/pattern/replacement}`: the first (with `//`, every) match of the pattern replaced. */
  private replaced(name: string, pattern: string, replacement: string, all: boolean, start: number): Piece[] {
    const re = shellPattern(pattern, true, false);
    if (!re) return this.invalidPattern(start);
    const value = this.known(name);
    if (value === undefined) return [];
    const text = value.replace(all ? new RegExp(re.source, 'gu') : re, () => replacement);
    return text === '' ? [] : [{ kind: 'computed', text, name }];
  }
}

/** Collects pieces, merging literal runs that stand next to each other in the raw word. */
class PieceList {
  readonly list: Piece[] = [];

  char(ch: string, at: number): void {
    this.add({ kind: 'literal', text: ch, start: at, end: at + 1 });
  }

  pieces(ps: readonly Piece[]): void {
    for (const p of ps) this.add(p);
  }

  private add(p: Piece): void {
    const last = this.list[this.list.length - 1];
    if (p.kind === 'literal' && last?.kind === 'literal' && last.end === p.start) {
      this.list[this.list.length - 1] = { kind: 'literal', text: last.text + p.text, start: last.start, end: p.end };
    } else {
      this.list.push(p);
    }
  }
}

/**
 * BuildKit's convertShellPatternToRegex: `*` (shortest, or longest when greedy) and `?` are wildcards,
 * `\` escapes `*`, `?` and itself and is dropped before `}` and `/`; there are no bracket expressions.
 * Undefined for any other escape, which BuildKit refuses ("invalid escape").
 */
function shellPattern(pattern: string, greedy: boolean, anchored: boolean): RegExp | undefined {
  const chars = [...pattern];
  let source = anchored ? '^' : '';
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    // Go's `.` does not match a newline.
    if (c === '*') source += greedy ? '[^\\n]*' : '[^\\n]*?';
    else if (c === '?') source += '[^\\n]';
    else if (c !== '\\') source += '[]{}.+()|^$'.includes(c) ? `\\${c}` : c;
    else {
      const next = chars[k + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') return undefined;
      source += `\\${next}`;
      k++;
    }
  }
  return new RegExp(source, 'u');
}

function trimPrefix(re: RegExp, value: string): string {
  const match = re.exec(value);
  return match ? value.slice(match[0].length) : value;
}

/** Reverses a value by characters (code points), to trim a suffix as a prefix. */
function reverse(value: string): string {
  return [...value].reverse().join('');
}

/** Reverses a pattern keeping each escape before the character it escapes (`a\*c` → `c\*a`). */
function reversePattern(pattern: string): string {
  return Array.from(pattern.matchAll(/\\?[^]/gu), (m) => m[0])
    .reverse()
    .join('');
}
