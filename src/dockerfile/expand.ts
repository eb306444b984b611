// Variable substitution in Dockerfile words, as BuildKit's shell lexer does it
// (frontend/dockerfile/shell/lex.go): `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
// `${VAR:+word}`, `${VAR+word}`, `${VAR:?message}`, `${VAR?message}`, `${VAR#glob}`, `${VAR##glob}`,
// `${VAR%glob}`, `${VAR%%glob}`, `${VAR/glob/word}`, `${VAR//glob/word}`, nested words, single and
// double quotes and the escape character.
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

const NAME_CHAR = /[A-Za-z0-9_]/;

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
    const pieces = this.word(false);
    return {
      value: joinPieces(pieces),
      pieces,
      unresolved: this.unresolved,
      names: [...this.names],
      problems: this.problems,
    };
  }

  /** Reads a word up to the end, or (nested) up to an unmatched `}`, which it leaves unread. */
  private word(nested: boolean, stopAtSlash = false): Piece[] {
    const out = new PieceList();
    const raw = this.raw;
    while (this.i < raw.length) {
      const c = raw.charCodeAt(this.i);
      if (nested && c === 125 /* } */) break;
      if (stopAtSlash && c === 47 /* / */) break;
      if (c === 39 /* ' */) {
        this.i++;
        while (this.i < raw.length && raw.charCodeAt(this.i) !== 39) out.char(raw[this.i]!, this.i++);
        this.i++;
      } else if (c === 34 /* " */) {
        this.i++;
        while (this.i < raw.length && raw.charCodeAt(this.i) !== 34) {
          const d = raw.charCodeAt(this.i);
          if (d === this.escape && this.i + 1 < raw.length) {
            const next = raw.charCodeAt(this.i + 1);
            // Inside double quotes the escape only escapes `"`, `$` and itself.
            if (next === 34 || next === 36 || next === this.escape) {
              out.char(raw[this.i + 1]!, this.i + 1);
              this.i += 2;
              continue;
            }
          }
          if (d === 36 /* $ */) out.pieces(this.dollar());
          else out.char(raw[this.i]!, this.i++);
        }
        this.i++;
      } else if (c === this.escape) {
        if (this.i + 1 < raw.length) out.char(raw[this.i + 1]!, this.i + 1);
        this.i += 2;
      } else if (c === 36 /* $ */) {
        out.pieces(this.dollar());
      } else {
        out.char(raw[this.i]!, this.i++);
      }
    }
    return out.list;
  }

  /** At a `$`: reads `$NAME` or `${…}` and returns its pieces. */
  private dollar(): Piece[] {
    const raw = this.raw;
    const start = this.i;
    this.i++; // $
    if (raw.charCodeAt(this.i) !== 123 /* { */) {
      const nameStart = this.i;
      while (this.i < raw.length && NAME_CHAR.test(raw[this.i]!)) this.i++;
      if (this.i === nameStart) return [{ kind: 'literal', text: '$', start, end: start + 1 }];
      return this.reference(raw.slice(nameStart, this.i));
    }
    this.i++; // {
    const nameStart = this.i;
    while (this.i < raw.length && NAME_CHAR.test(raw[this.i]!)) this.i++;
    const name = raw.slice(nameStart, this.i);
    if (this.i >= raw.length) {
      this.problem(start, raw.length, Messages.dockerfileUnterminatedVariable, raw.slice(start));
      return [];
    }
    if (name === '') {
      this.skipToBrace();
      this.problem(start, this.i, Messages.dockerfileBadSubstitution, raw.slice(start, this.i));
      return [];
    }
    const op = raw.charCodeAt(this.i);
    if (op === 125 /* } */) {
      this.i++;
      return this.reference(name);
    }

    // ${NAME<modifier>word}
    let modifier = raw[this.i]!;
    this.i++;
    if (modifier === ':') {
      const m = raw[this.i];
      if (m !== '-' && m !== '+' && m !== '?') {
        this.skipToBrace();
        this.problem(start, this.i, Messages.dockerfileBadSubstitution, raw.slice(start, this.i));
        return [];
      }
      modifier += m;
      this.i++;
    } else if ((modifier === '#' || modifier === '%' || modifier === '/') && raw[this.i] === modifier) {
      modifier += modifier;
      this.i++;
    } else if (!'-+?#%/'.includes(modifier)) {
      this.skipToBrace();
      this.problem(start, this.i, Messages.dockerfileBadSubstitution, raw.slice(start, this.i));
      return [];
    }

    const isReplace = modifier[0] === '/';
    const word = this.word(true, isReplace);
    let replacement: Piece[] = [];
    if (isReplace && raw.charCodeAt(this.i) === 47) {
      this.i++;
      replacement = this.word(true);
    }
    if (raw.charCodeAt(this.i) !== 125) {
      this.problem(start, raw.length, Messages.dockerfileUnterminatedVariable, raw.slice(start));
      return [];
    }
    this.i++; // }
    return this.modified(name, modifier, word, replacement, start);
  }

  private skipToBrace(): void {
    const close = this.raw.indexOf('}', this.i);
    this.i = close < 0 ? this.raw.length : close + 1;
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

  private modified(name: string, modifier: string, word: Piece[], replacement: Piece[], start: number): Piece[] {
    this.names.add(name);
    const v = this.lookup(name);
    // A platform variable is always set (and never empty) at build time, but its value is unknown.
    const isSet = v !== undefined && v.state !== 'noValue';
    const isNonEmpty = isSet && (v.state === 'platform' || v.value !== '');
    const own = (): Piece[] => {
      if (v?.state === 'platform') {
        this.note({ name, cause: 'platform' });
        return [];
      }
      return v && v.value !== '' ? [{ kind: 'variable', variable: v }] : [];
    };
    switch (modifier) {
      case ':-':
        return isNonEmpty ? own() : word;
      case '-':
        return isSet ? own() : word;
      case ':+':
        return isNonEmpty ? word : [];
      case '+':
        return isSet ? word : [];
      case ':?':
      case '?': {
        if (modifier === ':?' ? isNonEmpty : isSet) return own();
        const detail = joinPieces(word);
        this.note({ name, cause: 'error', detail });
        this.problems.push({
          start,
          end: this.i,
          message: message(Messages.dockerfileRequiredVariable, name, detail || 'not set'),
        });
        return [];
      }
      default: {
        // Pattern operators need the variable's value.
        if (!isSet) {
          this.note({ name, cause: v === undefined ? 'undeclared' : 'noValue' });
          return [];
        }
        if (v.state === 'platform') {
          this.note({ name, cause: 'platform' });
          return [];
        }
        const text = applyPattern(v.value, modifier, joinPieces(word), joinPieces(replacement));
        return text === '' ? [] : [{ kind: 'computed', text, name }];
      }
    }
  }
}

/** Collects pieces, merging characters that stand next to each other in the raw word. */
class PieceList {
  readonly list: Piece[] = [];

  char(ch: string, at: number): void {
    const last = this.list[this.list.length - 1];
    if (last?.kind === 'literal' && last.end === at) {
      this.list[this.list.length - 1] = { kind: 'literal', text: last.text + ch, start: last.start, end: at + 1 };
    } else {
      this.list.push({ kind: 'literal', text: ch, start: at, end: at + 1 });
    }
  }

  pieces(ps: readonly Piece[]): void {
    for (const p of ps) {
      if (p.kind === 'literal' && p.text.length === p.end - p.start) {
        // Re-add character by character so adjacent literal runs merge.
        for (let k = 0; k < p.text.length; k++) this.char(p.text[k]!, p.start + k);
      } else {
        this.list.push(p);
      }
    }
  }
}

/** Shell pattern operators on a known value. Patterns are globs: `*`, `?`, `[…]`, escapes with `\`. */
function applyPattern(value: string, op: string, pattern: string, replacement: string): string {
  const re = globToRegExpSource(pattern);
  const whole = new RegExp(`^(?:${re})$`, 's');
  switch (op) {
    case '#': // remove the shortest matching prefix
      for (let k = 0; k <= value.length; k++) if (whole.test(value.slice(0, k))) return value.slice(k);
      return value;
    case '##': // the longest prefix
      for (let k = value.length; k >= 0; k--) if (whole.test(value.slice(0, k))) return value.slice(k);
      return value;
    case '%': // the shortest suffix
      for (let k = value.length; k >= 0; k--) if (whole.test(value.slice(k))) return value.slice(0, k);
      return value;
    case '%%': // the longest suffix
      for (let k = 0; k <= value.length; k++) if (whole.test(value.slice(k))) return value.slice(0, k);
      return value;
    case '/':
      return value.replace(new RegExp(re, 's'), () => replacement);
    case '//':
      return re === '' ? value : value.replace(new RegExp(re, 'gs'), () => replacement);
    default:
      return value;
  }
}

function globToRegExpSource(glob: string): string {
  let out = '';
  for (let k = 0; k < glob.length; k++) {
    const c = glob[k]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\' && k + 1 < glob.length) out += escapeRegExp(glob[++k]!);
    else if (c === '[') {
      const close = glob.indexOf(']', k + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(k + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        k = close;
      }
    } else out += escapeRegExp(c);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
