// Recursive-descent parser for the HCL native syntax (hashicorp/hcl hclsyntax/spec.md), in the manner
// of hclsyntax's own hand-written parser: structure (bodies, attributes, blocks), expressions with the
// spec's operator precedence, and templates with interpolations, directives, strip markers and heredocs.
//
// It never throws. On an error it records a diagnostic, skips to a point where parsing can resume (the
// next line at the same nesting level, or the closing bracket), and goes on, so a half-written file still
// yields everything that could be read.

import type { Attribute, Block, Body, Expr, HclDiagnostic, Span, TemplatePart } from './ast';
import { isSpaceCode, lexHcl, type Token } from './lexer';

/** Binding strength of the binary operators; higher binds tighter (spec: "Operations"). */
const BINARY_PRECEDENCE = new Map<string, number>([
  ['||', 1],
  ['&&', 2],
  ['==', 3],
  ['!=', 3],
  ['<', 4],
  ['>', 4],
  ['<=', 4],
  ['>=', 4],
  ['+', 5],
  ['-', 5],
  ['*', 6],
  ['/', 6],
  ['%', 6],
]);

/** Deeper nesting than this is reported instead of parsed, so no input can overflow the call stack. */
const MAX_NESTING = 256;

const OPENERS = new Set(['{', '[', '(']);
const CLOSERS = new Set(['}', ']', ')']);

/** A template's pieces before directives are nested, which is where strip markers and `<<-` apply. */
type FlatTemplateItem =
  | { kind: 'lit'; value: string; start: number; end: number; verbatim: boolean }
  | { kind: 'interp'; expr: Expr; span: Span; stripBefore: boolean; stripAfter: boolean }
  | { kind: 'if'; cond: Expr; span: Span; stripBefore: boolean; stripAfter: boolean }
  | {
      kind: 'for';
      keyVar: string | undefined;
      valueVar: string;
      collection: Expr;
      span: Span;
      stripBefore: boolean;
      stripAfter: boolean;
    }
  | { kind: 'else' | 'endif' | 'endfor'; span: Span; stripBefore: boolean; stripAfter: boolean };

function isTemplateOpener(token: Token): boolean {
  return token.kind === 'oquote' || token.kind === 'oheredoc' || token.kind === 'interp' || token.kind === 'control';
}

function isTemplateCloser(token: Token): boolean {
  return token.kind === 'cquote' || token.kind === 'cheredoc' || token.kind === 'seqEnd';
}

function isOpener(token: Token): boolean {
  return (token.kind === 'punct' && OPENERS.has(token.value)) || isTemplateOpener(token);
}

function isCloser(token: Token): boolean {
  return (token.kind === 'punct' && CLOSERS.has(token.value)) || isTemplateCloser(token);
}

class Parser {
  private pos = 0;
  /** Whether newline tokens end things here; inside (), [] and template sequences they are whitespace. */
  private newlinesSignificant = true;
  /** End offset of the last token consumed, for the end of spans. */
  private lastEnd = 0;
  private lastErrorAt = -1;
  private nesting = 0;
  private reportedTooDeep = false;
  readonly diagnostics: HclDiagnostic[];

  constructor(
    private readonly tokens: readonly Token[],
    lexDiagnostics: HclDiagnostic[],
  ) {
    this.diagnostics = lexDiagnostics;
  }

  // ---- token access ----

  private peek(): Token {
    const tokens = this.tokens;
    if (!this.newlinesSignificant) {
      while (tokens[this.pos]?.kind === 'newline') this.pos++;
    }
    return tokens[this.pos] ?? tokens[tokens.length - 1]!;
  }

  /** The token `offset` places after the next one, counting newline tokens. */
  private peekAfter(offset: number): Token {
    this.peek();
    return this.tokens[this.pos + offset] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') {
      this.pos++;
      if (token.kind !== 'newline') this.lastEnd = token.end;
    }
    return token;
  }

  private isPunct(token: Token, value: string): boolean {
    return token.kind === 'punct' && token.value === value;
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.kind === 'ident' && token.value === word;
  }

  private withNewlines<T>(significant: boolean, parse: () => T): T {
    const saved = this.newlinesSignificant;
    this.newlinesSignificant = significant;
    try {
      return parse();
    } finally {
      this.newlinesSignificant = saved;
    }
  }

  /** Records a diagnostic, once per place; the lexer has already reported invalid characters. */
  private error(at: Token | Span, message: string): void {
    if ('kind' in at && at.kind === 'invalid') return;
    if (at.start === this.lastErrorAt) return;
    this.lastErrorAt = at.start;
    this.diagnostics.push({ span: { start: at.start, end: at.end }, message });
  }

  private expectPunct(value: string, message: string): boolean {
    const token = this.peek();
    if (this.isPunct(token, value)) {
      this.next();
      return true;
    }
    this.error(token, message);
    return false;
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'eof':
        return 'end of file';
      case 'newline':
        return 'newline';
      case 'oquote':
      case 'oheredoc':
        return 'a string';
      default:
        return `"${token.value}"`;
    }
  }

  // ---- recovery ----

  /**
   * Skips to just after the next newline at this nesting level, or to a `}` that closes the enclosing block
   * (or the end of the template around us).
   */
  private skipToLineEnd(): void {
    let depth = 0;
    for (;;) {
      const token = this.tokens[this.pos];
      if (token === undefined || token.kind === 'eof') return;
      if (depth === 0) {
        if (token.kind === 'newline') {
          this.pos++;
          return;
        }
        if (this.isPunct(token, '}') || isTemplateCloser(token)) return;
      }
      if (isOpener(token)) depth++;
      else if (isCloser(token) && depth > 0) depth--;
      this.pos++;
      if (token.kind !== 'newline') this.lastEnd = token.end;
    }
  }

  /**
   * Inside a bracketed list whose contents went wrong: skips to its `closer` and consumes it. Stops early,
   * consuming nothing more, at a `}` of an enclosing block or at a line that looks like the next attribute
   * or block, so an unclosed `[` or `(` does not swallow the rest of the file.
   */
  private skipToCloser(closer: string): void {
    while (this.tokens[this.pos - 1]?.kind === 'newline') this.pos--;
    let depth = 0;
    for (;;) {
      const token = this.tokens[this.pos];
      if (token === undefined || token.kind === 'eof') return;
      if (depth === 0) {
        if (this.isPunct(token, closer)) {
          this.pos++;
          this.lastEnd = token.end;
          return;
        }
        if (this.isPunct(token, '}') || isTemplateCloser(token)) return;
        if (token.kind === 'newline' && this.startsStatement(this.pos + 1)) return;
      }
      if (isOpener(token)) depth++;
      else if (isCloser(token) && depth > 0) depth--;
      this.pos++;
      if (token.kind !== 'newline') this.lastEnd = token.end;
    }
  }

  /** Whether the tokens at `index` read like the start of an attribute (`name =`) or block (`name "label" {`). */
  private startsStatement(index: number): boolean {
    while (this.tokens[index]?.kind === 'newline') index++;
    const first = this.tokens[index];
    const second = this.tokens[index + 1];
    if (first?.kind !== 'ident' || second === undefined) return false;
    return this.isPunct(second, '=') || this.isPunct(second, '{') || second.kind === 'oquote';
  }

  /**
   * Reports a bracketed list that went wrong at `token` and skips past it. When the list was simply left
   * open (the next line starts an attribute or block, or a block's `}` follows), the diagnostic points at
   * the opening bracket.
   */
  private listError(open: Token, token: Token, closer: string, what: string): void {
    if (this.leftOpenAt(token, closer)) this.error(open, `Unclosed ${what}: missing "${closer}"`);
    else this.error(token, `Missing "," or "${closer}" in the ${what}, found ${this.describe(token)}`);
    this.skipToCloser(closer);
  }

  /** Skips the rest of a block's content, up to (not including) its `}`. */
  private skipBlockContent(): void {
    let depth = 0;
    for (;;) {
      const token = this.tokens[this.pos];
      if (token === undefined || token.kind === 'eof') return;
      if (this.isPunct(token, '}') && depth === 0) return;
      if (isOpener(token)) depth++;
      else if (isCloser(token) && depth > 0) depth--;
      this.pos++;
      if (token.kind !== 'newline') this.lastEnd = token.end;
    }
  }

  /** Whether `token` (the current one) shows that a list closed by `closer` was left open before it. */
  private leftOpenAt(token: Token, closer: string): boolean {
    return (
      token.kind === 'eof' ||
      isTemplateCloser(token) ||
      (this.isPunct(token, '}') && closer !== '}') ||
      (this.tokens[this.pos - 1]?.kind === 'newline' && this.startsStatement(this.pos))
    );
  }

  /** Inside a template sequence that went wrong: skips past its `}`, or to the end of the template. */
  private skipToSequenceEnd(): void {
    let depth = 0;
    for (;;) {
      const token = this.tokens[this.pos];
      if (token === undefined || token.kind === 'eof') return;
      if (depth === 0) {
        if (token.kind === 'seqEnd') {
          this.pos++;
          this.lastEnd = token.end;
          return;
        }
        if (token.kind === 'cquote' || token.kind === 'cheredoc') return;
      }
      if (isTemplateOpener(token)) depth++;
      else if (isTemplateCloser(token) && depth > 0) depth--;
      this.pos++;
      if (token.kind !== 'newline') this.lastEnd = token.end;
    }
  }

  // ---- structure ----

  parseConfig(textLength: number): Body {
    const items = this.parseBodyItems(undefined);
    return { items, span: { start: 0, end: textLength } };
  }

  /** Attributes and blocks up to the `}` closing `openBrace` (not consumed), or to the end of the file. */
  private parseBodyItems(openBrace: Token | undefined): (Attribute | Block)[] {
    const items: (Attribute | Block)[] = [];
    const attributeNames = new Set<string>();
    for (;;) {
      this.newlinesSignificant = true;
      const token = this.peek();
      if (token.kind === 'newline') {
        this.next();
        continue;
      }
      if (token.kind === 'eof') {
        if (openBrace !== undefined) this.error(openBrace, 'Unclosed configuration block: missing "}"');
        return items;
      }
      if (this.isPunct(token, '}')) {
        if (openBrace !== undefined) return items;
        this.error(token, 'Unexpected "}": no block is open here');
        this.next();
        continue;
      }
      if (token.kind !== 'ident') {
        this.error(token, `Argument or block definition required, found ${this.describe(token)}`);
        const before = this.pos;
        this.skipToLineEnd();
        if (this.pos === before) this.next();
        continue;
      }
      const item = this.parseBodyItem(openBrace !== undefined);
      if (item === undefined) continue;
      if (item.kind === 'attribute') {
        if (attributeNames.has(item.name)) this.error(item.nameSpan, `Attribute redefined: "${item.name}" was already set in this body`);
        attributeNames.add(item.name);
      }
      items.push(item);
    }
  }

  private parseBodyItem(inBlock: boolean): Attribute | Block | undefined {
    const nameToken = this.next();
    const nameSpan = { start: nameToken.start, end: nameToken.end };
    const after = this.peek();

    if (this.isPunct(after, '=')) {
      this.next();
      const expr = this.parseExpression();
      const attribute: Attribute = {
        kind: 'attribute',
        name: nameToken.value,
        nameSpan,
        expr,
        span: { start: nameToken.start, end: Math.max(expr.span.end, nameToken.end) },
      };
      this.finishItem(inBlock, 'argument');
      return attribute;
    }

    const labels: { value: string; span: Span }[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'ident') {
        this.next();
        labels.push({ value: token.value, span: { start: token.start, end: token.end } });
      } else if (token.kind === 'oquote') {
        labels.push(this.parseLabel());
      } else {
        break;
      }
    }
    const openBrace = this.peek();
    if (!this.isPunct(openBrace, '{')) {
      this.error(
        openBrace,
        labels.length === 0
          ? `Argument or block definition required: use "=" to set an argument, or "{" to open a block (found ${this.describe(openBrace)})`
          : `Invalid block definition: expected "{" after the block labels, found ${this.describe(openBrace)}`,
      );
      this.skipToLineEnd();
      return undefined;
    }
    this.next();
    let items: (Attribute | Block)[] = [];
    if (this.nesting >= MAX_NESTING) {
      this.tooDeep();
      this.skipBlockContent();
    } else {
      this.nesting++;
      items = this.parseBodyItems(openBrace);
      this.nesting--;
    }
    const closeBrace = this.peek();
    if (this.isPunct(closeBrace, '}')) this.next();
    const block: Block = {
      kind: 'block',
      type: nameToken.value,
      typeSpan: nameSpan,
      labels,
      body: { items, span: { start: openBrace.start, end: this.lastEnd } },
      span: { start: nameToken.start, end: this.lastEnd },
    };
    this.finishItem(inBlock, 'block');
    return block;
  }

  /** An attribute or block ends at a newline, the end of the file, or the `}` of a one-line block. */
  private finishItem(inBlock: boolean, what: 'argument' | 'block'): void {
    this.newlinesSignificant = true;
    const token = this.peek();
    if (token.kind === 'newline') {
      this.next();
      return;
    }
    if (token.kind === 'eof' || (this.isPunct(token, '}') && inBlock)) return;
    this.error(token, `Missing newline after ${what} definition, found ${this.describe(token)}`);
    this.skipToLineEnd();
  }

  private parseLabel(): { value: string; span: Span } {
    const template = this.parseTemplate();
    let value = '';
    for (const part of template.type === 'template' ? template.parts : []) {
      if (part.type === 'text') value += part.value;
      else this.error(part.span, 'Invalid block label: template sequences are not allowed in labels');
    }
    return { value, span: template.span };
  }

  // ---- expressions ----

  /** An expression that must make up the whole input (newlines around it are fine). */
  parseStandaloneExpression(): Expr {
    this.newlinesSignificant = false;
    const expr = this.parseExpression();
    const rest = this.peek();
    if (rest.kind !== 'eof') this.error(rest, `Extra characters after the expression: ${this.describe(rest)}`);
    return expr;
  }

  parseExpression(): Expr {
    if (this.nesting >= MAX_NESTING) return this.tooDeep();
    this.nesting++;
    try {
      return this.parseConditional();
    } finally {
      this.nesting--;
    }
  }

  /** Past MAX_NESTING: report once and give up on this part, leaving the tokens to the callers' recovery. */
  private tooDeep(): Expr {
    const token = this.peek();
    if (!this.reportedTooDeep) {
      this.reportedTooDeep = true;
      this.diagnostics.push({ span: { start: token.start, end: token.end }, message: `Nesting too deep: more than ${MAX_NESTING} levels` });
    }
    return { type: 'invalid', span: { start: token.start, end: token.start } };
  }

  private parseConditional(): Expr {
    const cond = this.parseBinary(1);
    if (!this.isPunct(this.peek(), '?')) return cond;
    this.next();
    const then = this.parseExpression();
    let otherwise: Expr;
    if (this.expectPunct(':', 'Missing ":" in conditional expression')) {
      otherwise = this.parseExpression();
    } else {
      otherwise = { type: 'invalid', span: { start: this.lastEnd, end: this.lastEnd } };
    }
    return { type: 'conditional', cond, then, else: otherwise, span: { start: cond.span.start, end: this.lastEnd } };
  }

  /** Precedence climbing; operators of one level associate to the left. */
  private parseBinary(minPrecedence: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct') return left;
      const precedence = BINARY_PRECEDENCE.get(token.value);
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const right = this.parseBinary(precedence + 1);
      left = { type: 'binary', op: token.value, left, right, span: { start: left.span.start, end: this.lastEnd } };
    }
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && (token.value === '-' || token.value === '!')) {
      if (this.nesting >= MAX_NESTING) return this.tooDeep();
      this.next();
      this.nesting++;
      const operand = this.parseUnary();
      this.nesting--;
      return { type: 'unary', op: token.value, operand, span: { start: token.start, end: this.lastEnd } };
    }
    return this.parsePostfix(this.parseTerm());
  }

  private parseTerm(): Expr {
    const token = this.peek();
    const span = { start: token.start, end: token.end };
    switch (token.kind) {
      case 'number':
        this.next();
        return { type: 'literal', value: Number(token.value), span };
      case 'ident':
        this.next();
        if (token.value === 'true' || token.value === 'false') return { type: 'literal', value: token.value === 'true', span };
        if (token.value === 'null') return { type: 'literal', value: null, span };
        if (this.isPunct(this.peek(), '(')) return this.parseCall(token);
        return { type: 'variable', name: token.value, span };
      case 'oquote':
      case 'oheredoc':
        return this.parseTemplate();
      case 'punct':
        if (token.value === '(') return this.parseParen();
        if (token.value === '[') return this.parseTuple();
        if (token.value === '{') return this.parseObject();
        break;
    }
    this.error(token, `Invalid expression: expected a value, found ${this.describe(token)}`);
    return { type: 'invalid', span };
  }

  private parseParen(): Expr {
    const open = this.next();
    return this.withNewlines(false, () => {
      const expr = this.parseExpression();
      if (!this.isPunct(this.peek(), ')')) {
        this.listError(open, this.peek(), ')', 'parenthesized expression');
      } else {
        this.next();
      }
      return { type: 'paren', expr, span: { start: open.start, end: this.lastEnd } };
    });
  }

  private parseCall(nameToken: Token): Expr {
    const open = this.next();
    return this.withNewlines(false, () => {
      const args: Expr[] = [];
      let expandFinal = false;
      for (;;) {
        const token = this.peek();
        if (this.isPunct(token, ')')) {
          this.next();
          break;
        }
        if (this.leftOpenAt(token, ')')) {
          this.listError(open, token, ')', `arguments of ${nameToken.value}()`);
          break;
        }
        args.push(this.parseExpression());
        const after = this.peek();
        if (this.isPunct(after, '...')) {
          this.next();
          expandFinal = true;
          if (this.isPunct(this.peek(), ')')) this.next();
          else this.listError(open, this.peek(), ')', `arguments of ${nameToken.value}() (the one expanded with "..." must be last)`);
          break;
        }
        if (this.isPunct(after, ',')) {
          this.next();
          continue;
        }
        if (this.isPunct(after, ')')) continue;
        this.listError(open, after, ')', `arguments of ${nameToken.value}()`);
        break;
      }
      return {
        type: 'call',
        name: nameToken.value,
        nameSpan: { start: nameToken.start, end: nameToken.end },
        args,
        expandFinal,
        span: { start: nameToken.start, end: this.lastEnd },
      };
    });
  }

  private parseTuple(): Expr {
    const open = this.next();
    return this.withNewlines(false, (): Expr => {
      if (this.isKeyword(this.peek(), 'for')) return this.parseFor(open, false);
      const items: Expr[] = [];
      for (;;) {
        const token = this.peek();
        if (this.isPunct(token, ']')) {
          this.next();
          break;
        }
        if (this.leftOpenAt(token, ']')) {
          this.listError(open, token, ']', 'list');
          break;
        }
        items.push(this.parseExpression());
        const after = this.peek();
        if (this.isPunct(after, ',')) {
          this.next();
          continue;
        }
        if (this.isPunct(after, ']')) continue;
        this.listError(open, after, ']', 'list');
        break;
      }
      return { type: 'tuple', items, span: { start: open.start, end: this.lastEnd } };
    });
  }

  private parseObject(): Expr {
    const open = this.next();
    // Newlines separate the items of an object, so they stay significant between items.
    return this.withNewlines(true, (): Expr => {
      while (this.peek().kind === 'newline') this.next();
      if (this.isKeyword(this.peek(), 'for')) return this.withNewlines(false, () => this.parseFor(open, true));
      const items: { key: Expr; value: Expr; span: Span }[] = [];
      for (;;) {
        const token = this.peek();
        if (token.kind === 'newline') {
          this.next();
          continue;
        }
        if (this.isPunct(token, '}')) {
          this.next();
          break;
        }
        if (token.kind === 'eof' || isTemplateCloser(token)) {
          this.error(open, 'Unclosed object: missing "}"');
          break;
        }
        const following = this.peekAfter(1);
        if (token.kind === 'ident' && (following.kind === 'oquote' || this.isPunct(following, '{'))) {
          // `name "label" {` is a block, not an object item: this object was left open.
          this.error(open, 'Unclosed object: missing "}"');
          while (this.tokens[this.pos - 1]?.kind === 'newline') this.pos--;
          break;
        }
        let key: Expr;
        if (token.kind === 'ident' && (this.isPunct(following, '=') || this.isPunct(following, ':'))) {
          // A bare name is the key itself, not a variable reference (spec: "Collection Values").
          this.next();
          key = { type: 'literal', value: token.value, span: { start: token.start, end: token.end } };
        } else {
          key = this.parseExpression();
        }
        const separator = this.peek();
        if (!this.isPunct(separator, '=') && !this.isPunct(separator, ':')) {
          this.error(separator, `Missing "=" or ":" after the object key, found ${this.describe(separator)}`);
          this.skipToLineEnd();
          continue;
        }
        this.next();
        const value = this.parseExpression();
        items.push({ key, value, span: { start: key.span.start, end: this.lastEnd } });
        let after = this.peek();
        if (after.kind === 'newline') {
          this.next();
          while (this.peek().kind === 'newline') this.next();
          after = this.peek();
          if (this.isPunct(after, ',')) this.next();
          continue;
        }
        if (this.isPunct(after, ',')) {
          this.next();
          continue;
        }
        if (this.isPunct(after, '}')) continue;
        this.error(after, `Missing "," or newline between object items, found ${this.describe(after)}`);
        this.skipToLineEnd();
      }
      return { type: 'object', items, span: { start: open.start, end: this.lastEnd } };
    });
  }

  /** `[for k, v in coll: value if cond]` or `{for k, v in coll: key => value... if cond}`, after the opener. */
  private parseFor(open: Token, isObject: boolean): Expr {
    const closer = isObject ? '}' : ']';
    const fail = (message: string): Expr => {
      this.error(this.peek(), message);
      this.skipToCloser(closer);
      return { type: 'invalid', span: { start: open.start, end: this.lastEnd } };
    };
    this.next(); // for
    const first = this.peek();
    if (first.kind !== 'ident') return fail('Invalid "for" expression: expected a variable name after "for"');
    this.next();
    let keyVar: string | undefined;
    let valueVar = first.value;
    if (this.isPunct(this.peek(), ',')) {
      this.next();
      const second = this.peek();
      if (second.kind !== 'ident') return fail('Invalid "for" expression: expected a variable name after ","');
      this.next();
      keyVar = first.value;
      valueVar = second.value;
    }
    if (!this.isKeyword(this.peek(), 'in')) return fail('Invalid "for" expression: expected "in" after the variable names');
    this.next();
    const collection = this.parseExpression();
    if (!this.isPunct(this.peek(), ':')) return fail('Invalid "for" expression: expected ":" after the collection');
    this.next();
    let key: Expr | undefined;
    if (isObject) {
      key = this.parseExpression();
      if (!this.isPunct(this.peek(), '=>')) return fail('Invalid "for" expression: expected "=>" after the key expression');
      this.next();
    }
    const value = this.parseExpression();
    let group = false;
    if (isObject && this.isPunct(this.peek(), '...')) {
      this.next();
      group = true;
    }
    let cond: Expr | undefined;
    if (this.isKeyword(this.peek(), 'if')) {
      this.next();
      cond = this.parseExpression();
    }
    if (!this.isPunct(this.peek(), closer)) return fail(`Invalid "for" expression: expected "${closer}" at its end`);
    this.next();
    const span = { start: open.start, end: this.lastEnd };
    const vars = keyVar === undefined ? { valueVar } : { keyVar, valueVar };
    const condition = cond === undefined ? {} : { cond };
    if (key !== undefined) return { type: 'forObject', ...vars, collection, key, value, group, ...condition, span };
    return { type: 'forTuple', ...vars, collection, value, ...condition, span };
  }

  /** `.name`, `[key]`, legacy `.0`, and the splats `.*` and `[*]`. */
  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const token = this.peek();
      if (this.isPunct(token, '.')) {
        const after = this.peekAfter(1);
        if (after.kind === 'ident') {
          this.next();
          this.next();
          expr = { type: 'getattr', object: expr, name: after.value, span: { start: expr.span.start, end: after.end } };
          continue;
        }
        if (after.kind === 'number') {
          this.next();
          this.next();
          expr = this.legacyIndex(expr, after);
          continue;
        }
        if (this.isPunct(after, '*')) {
          this.next();
          this.next();
          const each: { kind: 'attr'; name: string }[] = [];
          // An attribute-only splat takes only `.name`s; a following `[i]` applies to its result.
          while (this.isPunct(this.peek(), '.') && this.peekAfter(1).kind === 'ident') {
            this.next();
            each.push({ kind: 'attr', name: this.next().value });
          }
          expr = { type: 'splat', object: expr, each, span: { start: expr.span.start, end: this.lastEnd } };
          continue;
        }
        this.next();
        this.error(after, `Invalid attribute access: expected a name after ".", found ${this.describe(after)}`);
        return expr;
      }
      if (this.isPunct(token, '[')) {
        if (this.isPunct(this.peekAfter(1), '*') && this.isPunct(this.peekAfter(2), ']')) {
          this.next();
          this.next();
          this.next();
          expr = this.parseFullSplat(expr);
          continue;
        }
        expr = this.parseIndex(expr);
        continue;
      }
      return expr;
    }
  }

  private legacyIndex(expr: Expr, numberToken: Token): Expr {
    const span = { start: expr.span.start, end: numberToken.end };
    if (!/^\d+$/.test(numberToken.value)) {
      this.error(numberToken, `Invalid legacy index "${numberToken.value}": chained indexes like .0.1 are not allowed`);
      return { type: 'invalid', span };
    }
    const key: Expr = { type: 'literal', value: Number(numberToken.value), span: { start: numberToken.start, end: numberToken.end } };
    return { type: 'index', object: expr, key, span };
  }

  private parseIndex(expr: Expr): Expr {
    const open = this.next();
    const key = this.withNewlines(false, () => {
      const inner = this.parseExpression();
      if (this.isPunct(this.peek(), ']')) this.next();
      else this.listError(open, this.peek(), ']', 'index');
      return inner;
    });
    return { type: 'index', object: expr, key, span: { start: expr.span.start, end: this.lastEnd } };
  }

  /** After `[*]`: any mix of `.name`, `.0` and `[key]` applies to each element. */
  private parseFullSplat(object: Expr): Expr {
    const each: ({ kind: 'attr'; name: string } | { kind: 'index'; key: Expr })[] = [];
    for (;;) {
      const token = this.peek();
      if (this.isPunct(token, '.')) {
        const after = this.peekAfter(1);
        if (after.kind === 'ident') {
          this.next();
          this.next();
          each.push({ kind: 'attr', name: after.value });
          continue;
        }
        if (after.kind === 'number' && /^\d+$/.test(after.value)) {
          this.next();
          this.next();
          each.push({ kind: 'index', key: { type: 'literal', value: Number(after.value), span: { start: after.start, end: after.end } } });
          continue;
        }
        break;
      }
      if (this.isPunct(token, '[') && !this.isPunct(this.peekAfter(1), '*')) {
        const indexed = this.parseIndex({ type: 'invalid', span: { start: token.start, end: token.start } });
        if (indexed.type === 'index') each.push({ kind: 'index', key: indexed.key });
        continue;
      }
      break;
    }
    return { type: 'splat', object, each, span: { start: object.span.start, end: this.lastEnd } };
  }

  // ---- templates ----

  /** A quoted template or heredoc, from its opening token to its closing one. */
  private parseTemplate(): Expr {
    const open = this.next();
    // Most strings are plain text: take them without the general machinery below.
    const first = this.tokens[this.pos];
    if (open.kind === 'oquote' && first !== undefined) {
      if (first.kind === 'cquote') {
        this.pos++;
        this.lastEnd = first.end;
        return { type: 'template', parts: [], heredoc: false, span: { start: open.start, end: first.end } };
      }
      const close = this.tokens[this.pos + 1];
      if (first.kind === 'lit' && close?.kind === 'cquote') {
        this.pos += 2;
        this.lastEnd = close.end;
        const parts: TemplatePart[] =
          first.value === '' ? [] : [{ type: 'text', value: first.value, span: { start: first.start, end: first.end }, verbatim: first.verbatim }];
        return { type: 'template', parts, heredoc: false, span: { start: open.start, end: close.end } };
      }
    }
    const heredoc = open.kind === 'oheredoc';
    const closer = heredoc ? 'cheredoc' : 'cquote';
    const flat: FlatTemplateItem[] = [];
    this.withNewlines(false, () => {
      for (;;) {
        const token = this.tokens[this.pos];
        if (token === undefined || token.kind === 'eof') return;
        if (token.kind === closer) {
          this.pos++;
          this.lastEnd = token.end;
          return;
        }
        if (token.kind === 'lit') {
          this.pos++;
          this.lastEnd = token.end;
          flat.push({ kind: 'lit', value: token.value, start: token.start, end: token.end, verbatim: token.verbatim });
        } else if (token.kind === 'interp') {
          flat.push(this.parseInterpolation());
        } else if (token.kind === 'control') {
          const directive = this.parseDirective();
          if (directive !== undefined) flat.push(directive);
        } else {
          // Cannot happen with the lexer's output; stop rather than loop.
          this.error(token, `Unexpected ${this.describe(token)} in template`);
          return;
        }
      }
    });
    if (heredoc && open.flag) trimHeredocIndentation(flat);
    applyStripMarkers(flat);
    const builder = new TemplateBuilder(flat, (span, message) => this.error(span, message));
    const parts = builder.build(undefined);
    return { type: 'template', parts, heredoc, span: { start: open.start, end: this.lastEnd } };
  }

  private parseInterpolation(): FlatTemplateItem {
    const open = this.next();
    const expr = this.parseExpression();
    const stripAfter = this.closeSequence('interpolation');
    return { kind: 'interp', expr, span: { start: open.start, end: this.lastEnd }, stripBefore: open.flag, stripAfter };
  }

  /** Consumes the `}` of a template sequence, returning whether it had a strip marker. */
  private closeSequence(what: string): boolean {
    const token = this.peek();
    if (token.kind === 'seqEnd') {
      this.next();
      return token.flag;
    }
    this.error(token, `Extra characters after ${what}: expected "}", found ${this.describe(token)}`);
    this.skipToSequenceEnd();
    return false;
  }

  private parseDirective(): FlatTemplateItem | undefined {
    const open = this.next();
    const keyword = this.peek();
    const stripBefore = open.flag;
    const span = (): Span => ({ start: open.start, end: this.lastEnd });
    if (keyword.kind !== 'ident') {
      this.error(keyword, 'Invalid template directive: expected "if", "else", "endif", "for" or "endfor"');
      this.skipToSequenceEnd();
      return undefined;
    }
    this.next();
    switch (keyword.value) {
      case 'if': {
        const cond = this.parseExpression();
        const stripAfter = this.closeSequence('the "if" condition');
        return { kind: 'if', cond, span: span(), stripBefore, stripAfter };
      }
      case 'else':
      case 'endif':
      case 'endfor': {
        const stripAfter = this.closeSequence(`"${keyword.value}"`);
        return { kind: keyword.value, span: span(), stripBefore, stripAfter };
      }
      case 'for': {
        const first = this.peek();
        if (first.kind !== 'ident') break;
        this.next();
        let keyVar: string | undefined;
        let valueVar = first.value;
        if (this.isPunct(this.peek(), ',')) {
          this.next();
          const second = this.peek();
          if (second.kind !== 'ident') break;
          this.next();
          keyVar = first.value;
          valueVar = second.value;
        }
        if (!this.isKeyword(this.peek(), 'in')) break;
        this.next();
        const collection = this.parseExpression();
        const stripAfter = this.closeSequence('the "for" collection');
        return { kind: 'for', keyVar, valueVar, collection, span: span(), stripBefore, stripAfter };
      }
      default:
        this.error(keyword, `Invalid template directive "${keyword.value}": expected "if", "else", "endif", "for" or "endfor"`);
        this.skipToSequenceEnd();
        return undefined;
    }
    this.error(this.peek(), 'Invalid "for" directive: expected %{ for name in collection } or %{ for key, value in collection }');
    this.skipToSequenceEnd();
    return undefined;
  }
}

/**
 * `<<-` heredocs: remove the smallest indentation of the line-leading literals from all of them. As in
 * hclsyntax, a line of only spaces is ignored for the count (and left alone), and a line starting with an
 * interpolation counts as indentation 0.
 */
function trimHeredocIndentation(flat: FlatTemplateItem[]): void {
  let minimum = Number.MAX_SAFE_INTEGER;
  let atLineStart = true;
  const lineStarts: Extract<FlatTemplateItem, { kind: 'lit' }>[] = [];
  for (const item of flat) {
    if (atLineStart) {
      atLineStart = false;
      if (item.kind === 'lit') {
        let spaces = 0;
        while (spaces < item.value.length && isSpaceCode(item.value.charCodeAt(spaces))) spaces++;
        const blank = spaces === item.value.length && item.value.endsWith('\n');
        if (!blank) {
          minimum = Math.min(minimum, spaces);
          lineStarts.push(item);
        }
      } else {
        minimum = 0;
      }
    }
    if (item.kind === 'lit' && item.value.endsWith('\n')) atLineStart = true;
  }
  if (minimum === 0 || minimum === Number.MAX_SAFE_INTEGER) return;
  for (const item of lineStarts) {
    const remove = Math.min(minimum, item.value.length);
    item.value = item.value.slice(remove);
    item.start += remove;
  }
}

/** `${~` trims white space at the end of the literal before it, `~}` at the start of the literal after. */
function applyStripMarkers(flat: FlatTemplateItem[]): void {
  for (let i = 0; i < flat.length; i++) {
    const item = flat[i]!;
    if (item.kind === 'lit') continue;
    const before = flat[i - 1];
    if (item.stripBefore && before?.kind === 'lit') {
      let end = before.value.length;
      while (end > 0 && isSpaceCode(before.value.charCodeAt(end - 1))) end--;
      if (before.verbatim) before.end -= before.value.length - end;
      before.value = before.value.slice(0, end);
    }
    const after = flat[i + 1];
    if (item.stripAfter && after?.kind === 'lit') {
      let start = 0;
      while (start < after.value.length && isSpaceCode(after.value.charCodeAt(start))) start++;
      if (after.verbatim) after.start += start;
      after.value = after.value.slice(start);
    }
  }
}

/** Nests the flat template items by their `if`/`else`/`endif` and `for`/`endfor` directives. */
class TemplateBuilder {
  private index = 0;

  constructor(
    private readonly flat: readonly FlatTemplateItem[],
    private readonly report: (span: Span, message: string) => void,
  ) {}

  /** Parts up to (not including) a directive of kind `stop`, or to the end. */
  build(stop: ReadonlySet<string> | undefined): TemplatePart[] {
    const parts: TemplatePart[] = [];
    while (this.index < this.flat.length) {
      const item = this.flat[this.index]!;
      switch (item.kind) {
        case 'lit':
          this.index++;
          pushText(parts, item);
          break;
        case 'interp':
          this.index++;
          parts.push({ type: 'interp', expr: item.expr, span: item.span });
          break;
        case 'if':
          this.index++;
          parts.push(this.buildIf(item));
          break;
        case 'for':
          this.index++;
          parts.push(this.buildFor(item));
          break;
        default:
          if (stop?.has(item.kind)) return parts;
          this.report(item.span, `Unexpected "${item.kind}" directive: no matching "${item.kind === 'endfor' ? 'for' : 'if'}"`);
          this.index++;
      }
    }
    return parts;
  }

  private buildIf(item: Extract<FlatTemplateItem, { kind: 'if' }>): TemplatePart {
    const then = this.build(new Set(['else', 'endif', 'endfor']));
    let otherwise: TemplatePart[] | undefined;
    if (this.flat[this.index]?.kind === 'else') {
      this.index++;
      otherwise = this.build(new Set(['endif', 'endfor', 'else']));
    }
    const end = this.closeDirective(item.span, 'endif', 'if');
    return otherwise === undefined
      ? { type: 'if', cond: item.cond, then, span: { start: item.span.start, end } }
      : { type: 'if', cond: item.cond, then, else: otherwise, span: { start: item.span.start, end } };
  }

  private buildFor(item: Extract<FlatTemplateItem, { kind: 'for' }>): TemplatePart {
    const body = this.build(new Set(['endfor', 'endif', 'else']));
    const end = this.closeDirective(item.span, 'endfor', 'for');
    const vars = item.keyVar === undefined ? { valueVar: item.valueVar } : { keyVar: item.keyVar, valueVar: item.valueVar };
    return { type: 'for', ...vars, collection: item.collection, body, span: { start: item.span.start, end } };
  }

  /** Consumes the expected closing directive and returns the end of the construct. */
  private closeDirective(openSpan: Span, closing: 'endif' | 'endfor', opening: string): number {
    const next = this.flat[this.index];
    if (next !== undefined && next.kind === closing) {
      this.index++;
      return next.span.end;
    }
    this.report(openSpan, `Unterminated "${opening}" directive: missing %{ ${closing} }`);
    const previous = this.flat[this.index - 1];
    if (previous === undefined) return openSpan.end;
    return previous.kind === 'lit' ? previous.end : previous.span.end;
  }
}

/** Adds a literal, joining it to a directly preceding literal so runs of text stay one part. */
function pushText(parts: TemplatePart[], item: Extract<FlatTemplateItem, { kind: 'lit' }>): void {
  if (item.value === '') return;
  const previous = parts[parts.length - 1];
  if (previous?.type === 'text' && previous.span.end === item.start) {
    parts[parts.length - 1] = {
      type: 'text',
      value: previous.value + item.value,
      span: { start: previous.span.start, end: item.end },
      verbatim: previous.verbatim && item.verbatim,
    };
    return;
  }
  parts.push({ type: 'text', value: item.value, span: { start: item.start, end: item.end }, verbatim: item.verbatim });
}

/**
 * Parses an HCL native-syntax file. Never throws: syntax errors become diagnostics, and the returned body
 * holds every attribute and block that could be read.
 */
export function parseHcl(text: string): { body: Body; diagnostics: HclDiagnostic[] } {
  const { tokens, diagnostics } = lexHcl(text);
  const parser = new Parser(tokens, diagnostics);
  const body = parser.parseConfig(text.length);
  parser.diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { body, diagnostics: parser.diagnostics };
}

/** Parses a standalone expression (e.g. a value given on a command line). Never throws. */
export function parseHclExpression(text: string): { expr: Expr; diagnostics: HclDiagnostic[] } {
  const { tokens, diagnostics } = lexHcl(text);
  const parser = new Parser(tokens, diagnostics);
  const expr = parser.parseStandaloneExpression();
  parser.diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { expr, diagnostics: parser.diagnostics };
}
