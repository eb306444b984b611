// Tokenizer for the HCL native syntax (hclsyntax/spec.md, "Lexical Elements" and "Templates").
//
// Like hclsyntax's scanner, this produces one flat token stream for expressions and templates: a quoted
// string becomes `oquote lit* cquote`, a heredoc `oheredoc lit* cheredoc`, and inside either of them
// `${ … }` / `%{ … }` become `interp`/`control` … `seqEnd` around ordinary expression tokens. Because an
// interpolation can contain braces and further strings, the lexer keeps a stack of modes.
//
// Offsets are UTF-16 code unit offsets (JavaScript string indices), and the lexer works on char codes.

import type { HclDiagnostic } from './ast';

export type TokenKind =
  | 'ident'
  | 'number'
  | 'punct'
  | 'newline'
  | 'oquote'
  | 'cquote'
  | 'oheredoc'
  | 'cheredoc'
  | 'lit'
  | 'interp'
  | 'control'
  | 'seqEnd'
  | 'invalid'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** ident: the name; number: its source; punct: the operator; lit: the text after escapes; oheredoc: the marker. */
  readonly value: string;
  /** lit: the value is exactly the source text, so offsets map 1:1. */
  readonly verbatim: boolean;
  /** interp/control: opened with a strip marker (`${~`); seqEnd: closed with one (`~}`); oheredoc: `<<-`. */
  readonly flag: boolean;
}

interface ExprMode {
  readonly kind: 'expr';
  /** This frame is the inside of `${ … }` or `%{ … }`, so an unmatched `}` ends it. */
  readonly interp: boolean;
  /** Offset of the opening quote when this interpolation sits in a quoted template, else -1. */
  readonly quoteStart: number;
  braces: number;
  brackets: number;
}
interface QuotedMode {
  readonly kind: 'quoted';
  readonly start: number;
}
interface HeredocMode {
  readonly kind: 'heredoc';
  readonly start: number;
  readonly marker: string;
  lineStart: boolean;
}
type Mode = ExprMode | QuotedMode | HeredocMode;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const PERCENT = 37;
const AMP = 38;
const STAR = 42;
const DASH = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const EQUALS = 61;
const LT = 60;
const GT = 62;
const BACKSLASH = 92;
const UNDERSCORE = 95;
const OPEN_BRACE = 123;
const PIPE = 124;
const CLOSE_BRACE = 125;
const TILDE = 126;

const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;

/** Unicode white space, as Go's unicode.IsSpace (used by HCL for strip markers, `<<-` and trimspace). */
export function isSpaceCode(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function hexValue(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Length in code units of the identifier-start character at `pos`, or 0 when there is none. */
function identStartLength(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  if (isAsciiLetter(c) || c === UNDERSCORE) return 1;
  if (c < 0x80 || Number.isNaN(c)) return 0;
  const cp = text.codePointAt(pos) ?? 0;
  return ID_START.test(String.fromCodePoint(cp)) ? (cp > 0xffff ? 2 : 1) : 0;
}

function identContinueLength(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  if (isAsciiLetter(c) || isDigit(c) || c === UNDERSCORE || c === DASH) return 1;
  if (c < 0x80 || Number.isNaN(c)) return 0;
  const cp = text.codePointAt(pos) ?? 0;
  return ID_CONTINUE.test(String.fromCodePoint(cp)) ? (cp > 0xffff ? 2 : 1) : 0;
}

const SINGLE_CHAR_PUNCT = new Map<number, string>([
  [43, '+'],
  [DASH, '-'],
  [STAR, '*'],
  [SLASH, '/'],
  [PERCENT, '%'],
  [58, ':'],
  [44, ','],
  [63, '?'],
  [40, '('],
  [41, ')'],
  [91, '['],
  [93, ']'],
]);

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  readonly diagnostics: HclDiagnostic[] = [];
  private readonly modes: Mode[] = [{ kind: 'expr', interp: false, quoteStart: -1, braces: 0, brackets: 0 }];

  constructor(private readonly text: string) {}

  run(): Token[] {
    const length = this.text.length;
    // The spec rejects a byte order mark; editors on Windows add one, so it is skipped as whitespace.
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    for (;;) {
      const mode = this.modes[this.modes.length - 1];
      if (mode === undefined) break;
      if (this.pos >= length) {
        if (this.modes.length === 1) break;
        this.closeAtEnd(mode);
        continue;
      }
      if (mode.kind === 'expr') this.lexExpr(mode);
      else if (mode.kind === 'quoted') this.lexQuoted();
      else this.lexHeredoc(mode);
    }
    this.push('eof', length, length, '');
    return this.tokens;
  }

  private push(kind: TokenKind, start: number, end: number, value: string, verbatim = true, flag = false): void {
    this.tokens.push({ kind, start, end, value, verbatim, flag });
  }

  private error(start: number, end: number, message: string): void {
    this.diagnostics.push({ span: { start, end }, message });
  }

  /** At the end of the text, close whatever template or interpolation is still open. */
  private closeAtEnd(mode: Mode): void {
    const end = this.text.length;
    this.modes.pop();
    if (mode.kind === 'expr') {
      // Only quoted templates report the missing `}` here; the diagnostic comes with the quote below.
      if (mode.quoteStart < 0) this.error(end, end, 'Unterminated template sequence: expected "}"');
      this.push('seqEnd', end, end, '}');
    } else if (mode.kind === 'quoted') {
      this.error(mode.start, end, 'Unterminated template string');
      this.push('cquote', end, end, '"');
    } else {
      this.error(mode.start, end, `Unterminated heredoc: missing closing marker "${mode.marker}"`);
      this.push('cheredoc', end, end, mode.marker);
    }
  }

  private lexExpr(mode: ExprMode): void {
    const text = this.text;
    let pos = this.pos;
    let c = text.charCodeAt(pos);
    // Spaces, tabs, carriage returns that are not part of CRLF, and /* */ comments are whitespace.
    for (;;) {
      if (c === SPACE || c === TAB || (c === CR && text.charCodeAt(pos + 1) !== LF)) {
        c = text.charCodeAt(++pos);
      } else if (c === SLASH && text.charCodeAt(pos + 1) === STAR) {
        const close = text.indexOf('*/', pos + 2);
        if (close < 0) {
          this.error(pos, text.length, 'Unterminated comment: missing "*/"');
          pos = text.length;
        } else {
          pos = close + 2;
        }
        c = text.charCodeAt(pos);
      } else if (c === HASH || (c === SLASH && text.charCodeAt(pos + 1) === SLASH)) {
        // A line comment ends before its newline, which then ends the attribute like any other.
        while (pos < text.length && c !== LF && !(c === CR && text.charCodeAt(pos + 1) === LF)) c = text.charCodeAt(++pos);
      } else {
        break;
      }
    }
    this.pos = pos;
    if (pos >= text.length) return;

    const start = pos;
    if (c === LF || c === CR) {
      if (mode.interp && mode.quoteStart >= 0 && mode.braces === 0 && mode.brackets === 0) {
        // A quoted template cannot span lines, so a newline here almost always means the string or its
        // `${` was left open (often while typing). Closing both keeps the rest of the file readable.
        this.error(mode.quoteStart, pos, 'Unterminated template string');
        this.modes.pop();
        this.modes.pop();
        this.push('seqEnd', pos, pos, '}');
        this.push('cquote', pos, pos, '"');
        return;
      }
      const end = c === CR ? pos + 2 : pos + 1;
      this.push('newline', start, end, '\n');
      this.pos = end;
      return;
    }

    const identLength = identStartLength(text, pos);
    if (identLength > 0) {
      pos += identLength;
      for (;;) {
        const next = text.charCodeAt(pos);
        if (isAsciiLetter(next) || isDigit(next) || next === UNDERSCORE || next === DASH) pos++;
        else if (next < 0x80 || Number.isNaN(next)) break;
        else {
          const n = identContinueLength(text, pos);
          if (n === 0) break;
          pos += n;
        }
      }
      this.push('ident', start, pos, text.slice(start, pos));
      this.pos = pos;
      return;
    }
    if (isDigit(c)) {
      this.lexNumber();
      return;
    }

    switch (c) {
      case QUOTE:
        this.push('oquote', pos, pos + 1, '"');
        this.modes.push({ kind: 'quoted', start: pos });
        this.pos = pos + 1;
        return;
      case OPEN_BRACE:
        mode.braces++;
        this.punct(start, 1, '{');
        return;
      case CLOSE_BRACE:
        if (mode.interp && mode.braces === 0) {
          this.modes.pop();
          this.push('seqEnd', start, start + 1, '}');
          this.pos = start + 1;
          return;
        }
        if (mode.braces > 0) mode.braces--;
        this.punct(start, 1, '}');
        return;
      case TILDE:
        if (mode.interp && mode.braces === 0 && text.charCodeAt(pos + 1) === CLOSE_BRACE) {
          this.modes.pop();
          this.push('seqEnd', start, start + 2, '}', true, true);
          this.pos = start + 2;
          return;
        }
        break;
      case 40: // (
      case 91: // [
        mode.brackets++;
        break;
      case 41: // )
      case 93: // ]
        if (mode.brackets > 0) mode.brackets--;
        break;
      case EQUALS: {
        const next = text.charCodeAt(pos + 1);
        if (next === EQUALS) this.punct(start, 2, '==');
        else if (next === GT) this.punct(start, 2, '=>');
        else this.punct(start, 1, '=');
        return;
      }
      case BANG:
        if (text.charCodeAt(pos + 1) === EQUALS) this.punct(start, 2, '!=');
        else this.punct(start, 1, '!');
        return;
      case LT:
        if (text.charCodeAt(pos + 1) === LT && this.lexHeredocStart()) return;
        if (text.charCodeAt(pos + 1) === EQUALS) this.punct(start, 2, '<=');
        else this.punct(start, 1, '<');
        return;
      case GT:
        if (text.charCodeAt(pos + 1) === EQUALS) this.punct(start, 2, '>=');
        else this.punct(start, 1, '>');
        return;
      case AMP:
        if (text.charCodeAt(pos + 1) === AMP) {
          this.punct(start, 2, '&&');
          return;
        }
        break;
      case PIPE:
        if (text.charCodeAt(pos + 1) === PIPE) {
          this.punct(start, 2, '||');
          return;
        }
        break;
      case DOT:
        if (text.charCodeAt(pos + 1) === DOT && text.charCodeAt(pos + 2) === DOT) this.punct(start, 3, '...');
        else this.punct(start, 1, '.');
        return;
    }
    const single = SINGLE_CHAR_PUNCT.get(c);
    if (single !== undefined) {
      this.punct(start, 1, single);
      return;
    }
    // Anything else is not HCL: report it once, as one token, and carry on.
    const width = c >= 0xd800 && c <= 0xdbff && pos + 1 < text.length ? 2 : 1;
    const char = text.slice(start, start + width);
    this.error(start, start + width, `Invalid character ${JSON.stringify(char)}`);
    this.push('invalid', start, start + width, char);
    this.pos = start + width;
  }

  private punct(start: number, width: number, op: string): void {
    this.push('punct', start, start + width, op);
    this.pos = start + width;
  }

  private lexNumber(): void {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    while (isDigit(text.charCodeAt(pos))) pos++;
    if (text.charCodeAt(pos) === DOT && isDigit(text.charCodeAt(pos + 1))) {
      pos += 2;
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    const e = text.charCodeAt(pos);
    if (e === 69 || e === 101) {
      let exp = pos + 1;
      const sign = text.charCodeAt(exp);
      if (sign === 43 || sign === DASH) exp++;
      if (isDigit(text.charCodeAt(exp))) {
        pos = exp;
        while (isDigit(text.charCodeAt(pos))) pos++;
      }
    }
    this.push('number', start, pos, text.slice(start, pos));
    this.pos = pos;
  }

  /** `<<EOT` or `<<-EOT` followed by a newline; returns false (consuming nothing) when this is not one. */
  private lexHeredocStart(): boolean {
    const text = this.text;
    const start = this.pos;
    let pos = start + 2;
    const indented = text.charCodeAt(pos) === DASH;
    if (indented) pos++;
    const markerStart = pos;
    const first = identStartLength(text, pos);
    if (first === 0) return false;
    pos += first;
    for (let n = identContinueLength(text, pos); n > 0; n = identContinueLength(text, pos)) pos += n;
    const markerEnd = pos;
    if (text.charCodeAt(pos) === CR) pos++;
    if (text.charCodeAt(pos) !== LF) {
      this.error(start, markerEnd, 'Invalid heredoc: the marker must be followed directly by a newline');
      return false;
    }
    const marker = text.slice(markerStart, markerEnd);
    this.push('oheredoc', start, markerEnd, marker, true, indented);
    this.modes.push({ kind: 'heredoc', start, marker, lineStart: true });
    this.pos = pos + 1;
    return true;
  }

  /** `${` or `%{` at the current position, with an optional `~` strip marker. */
  private openSequence(kind: 'interp' | 'control', quoteStart: number): void {
    const start = this.pos;
    let end = start + 2;
    const strip = this.text.charCodeAt(end) === TILDE;
    if (strip) end++;
    this.push(kind, start, end, kind === 'interp' ? '${' : '%{', true, strip);
    this.modes.push({ kind: 'expr', interp: true, quoteStart, braces: 0, brackets: 0 });
    this.pos = end;
  }

  private lexQuoted(): void {
    const text = this.text;
    const mode = this.modes[this.modes.length - 1] as QuotedMode;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c === QUOTE) {
      this.modes.pop();
      this.push('cquote', start, start + 1, '"');
      this.pos = start + 1;
      return;
    }
    if (c === LF || (c === CR && text.charCodeAt(start + 1) === LF)) {
      // Quoted templates are single-line: end the string here and leave the newline to end the attribute.
      this.error(mode.start, start, 'Unterminated template string');
      this.modes.pop();
      this.push('cquote', start, start, '"');
      return;
    }
    if ((c === DOLLAR || c === PERCENT) && text.charCodeAt(start + 1) === OPEN_BRACE) {
      this.openSequence(c === DOLLAR ? 'interp' : 'control', mode.start);
      return;
    }

    let value = '';
    let verbatim = true;
    let chunk = start;
    let pos = start;
    while (pos < text.length) {
      const ch = text.charCodeAt(pos);
      if (ch === QUOTE || ch === LF || (ch === CR && text.charCodeAt(pos + 1) === LF)) break;
      if (ch === DOLLAR || ch === PERCENT) {
        const next = text.charCodeAt(pos + 1);
        if (next === OPEN_BRACE) break;
        if (next === ch && text.charCodeAt(pos + 2) === OPEN_BRACE) {
          // `$${` and `%%{` stand for a literal `${` and `%{`.
          value += text.slice(chunk, pos + 1) + '{';
          pos += 3;
          chunk = pos;
          verbatim = false;
          continue;
        }
      } else if (ch === BACKSLASH) {
        value += text.slice(chunk, pos);
        pos = this.lexEscape(pos, (decoded) => (value += decoded));
        chunk = pos;
        verbatim = false;
        continue;
      }
      pos++;
    }
    value += text.slice(chunk, pos);
    this.push('lit', start, pos, value, verbatim);
    this.pos = pos;
  }

  /** Decodes the escape sequence at `pos` (a backslash) and returns the offset after it. */
  private lexEscape(pos: number, emit: (decoded: string) => void): number {
    const text = this.text;
    const selector = text.charCodeAt(pos + 1);
    switch (selector) {
      case 110: // n
        emit('\n');
        return pos + 2;
      case 114: // r
        emit('\r');
        return pos + 2;
      case 116: // t
        emit('\t');
        return pos + 2;
      case QUOTE:
        emit('"');
        return pos + 2;
      case BACKSLASH:
        emit('\\');
        return pos + 2;
      case 117: // u
      case 85: {
        // U
        const digits = selector === 117 ? 4 : 8;
        let codePoint = 0;
        for (let i = 0; i < digits; i++) {
          const digit = hexValue(text.charCodeAt(pos + 2 + i));
          if (digit < 0) {
            this.error(pos, pos + 2 + i, `Invalid escape sequence: \\${String.fromCharCode(selector)} needs ${digits} hexadecimal digits`);
            emit(text.slice(pos, pos + 2 + i));
            return pos + 2 + i;
          }
          codePoint = codePoint * 16 + digit;
        }
        const end = pos + 2 + digits;
        if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
          this.error(pos, end, 'Invalid escape sequence: not a Unicode scalar value');
          emit('\ufffd');
        } else {
          emit(String.fromCodePoint(codePoint));
        }
        return end;
      }
      default: {
        if (Number.isNaN(selector) || selector === LF || selector === CR) {
          this.error(pos, pos + 1, 'Invalid escape sequence: a backslash must be followed by an escape character');
          emit('\\');
          return pos + 1;
        }
        const width = selector >= 0xd800 && selector <= 0xdbff ? 2 : 1;
        const char = text.slice(pos + 1, pos + 1 + width);
        this.error(pos, pos + 1 + width, `Invalid escape sequence: "\\${char}" is not a valid escape`);
        emit(char);
        return pos + 1 + width;
      }
    }
  }

  private lexHeredoc(mode: HeredocMode): void {
    const text = this.text;
    let pos = this.pos;
    if (mode.lineStart) {
      // The closing marker is a line holding only the marker, optionally surrounded by spaces.
      let lineEnd = text.indexOf('\n', pos);
      if (lineEnd < 0) lineEnd = text.length;
      let a = pos;
      let b = lineEnd;
      while (a < b && (text.charCodeAt(a) === SPACE || text.charCodeAt(a) === TAB)) a++;
      while (b > a && (text.charCodeAt(b - 1) === SPACE || text.charCodeAt(b - 1) === TAB || text.charCodeAt(b - 1) === CR)) b--;
      if (b - a === mode.marker.length && text.startsWith(mode.marker, a)) {
        this.modes.pop();
        this.push('cheredoc', a, b, mode.marker);
        this.pos = b;
        return;
      }
    }
    const c = text.charCodeAt(pos);
    if ((c === DOLLAR || c === PERCENT) && text.charCodeAt(pos + 1) === OPEN_BRACE) {
      mode.lineStart = false;
      this.openSequence(c === DOLLAR ? 'interp' : 'control', -1);
      return;
    }
    // One literal token per line (with its newline), as hclsyntax does, so `<<-` can trim each line.
    const start = pos;
    let value = '';
    let verbatim = true;
    let chunk = start;
    let lineEnded = false;
    while (pos < text.length) {
      const ch = text.charCodeAt(pos);
      if (ch === LF) {
        pos++;
        lineEnded = true;
        break;
      }
      if (ch === DOLLAR || ch === PERCENT) {
        const next = text.charCodeAt(pos + 1);
        if (next === OPEN_BRACE) break;
        if (next === ch && text.charCodeAt(pos + 2) === OPEN_BRACE) {
          value += text.slice(chunk, pos + 1) + '{';
          pos += 3;
          chunk = pos;
          verbatim = false;
          continue;
        }
      }
      pos++;
    }
    value += text.slice(chunk, pos);
    mode.lineStart = lineEnded;
    this.push('lit', start, pos, value, verbatim);
    this.pos = pos;
  }
}

/** Splits HCL source into tokens. Never throws; problems become diagnostics and `invalid` tokens. */
export function lexHcl(text: string): { tokens: Token[]; diagnostics: HclDiagnostic[] } {
  const lexer = new Lexer(text);
  const tokens = lexer.run();
  return { tokens, diagnostics: lexer.diagnostics };
}
