// Syntax tree of the HCL native syntax (hashicorp/hcl hclsyntax/spec.md), as read by parser.ts.
// Every node carries the UTF-16 offsets of the source it came from, so callers can point at it.

export interface Span {
  readonly start: number;
  readonly end: number;
} // UTF-16 offsets into the source

export interface Body {
  readonly items: readonly (Attribute | Block)[];
  readonly span: Span;
}

export interface Attribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly nameSpan: Span;
  readonly expr: Expr;
  readonly span: Span;
}

export interface Block {
  readonly kind: 'block';
  readonly type: string;
  readonly typeSpan: Span;
  /** A quoted label's span includes its quotes. */
  readonly labels: readonly { readonly value: string; readonly span: Span }[];
  readonly body: Body;
  readonly span: Span;
}

export type TemplatePart =
  | {
      readonly type: 'text';
      readonly value: string;
      /** the raw source of this text */
      readonly span: Span;
      /** true when value === the raw source text (no escapes), so offsets map 1:1 */
      readonly verbatim: boolean;
    }
  | { readonly type: 'interp'; readonly expr: Expr; readonly span: Span }
  | {
      readonly type: 'if';
      readonly cond: Expr;
      readonly then: readonly TemplatePart[];
      readonly else?: readonly TemplatePart[];
      readonly span: Span;
    }
  | {
      readonly type: 'for';
      readonly keyVar?: string;
      readonly valueVar: string;
      readonly collection: Expr;
      readonly body: readonly TemplatePart[];
      readonly span: Span;
    };

export type Expr =
  | { readonly type: 'literal'; readonly value: string | number | boolean | null; readonly span: Span }
  | { readonly type: 'template'; readonly parts: readonly TemplatePart[]; readonly heredoc: boolean; readonly span: Span }
  | { readonly type: 'variable'; readonly name: string; readonly span: Span }
  | { readonly type: 'getattr'; readonly object: Expr; readonly name: string; readonly span: Span }
  | { readonly type: 'index'; readonly object: Expr; readonly key: Expr; readonly span: Span }
  | {
      readonly type: 'splat';
      readonly object: Expr;
      readonly each: readonly ({ kind: 'attr'; name: string } | { kind: 'index'; key: Expr })[];
      readonly span: Span;
    }
  | {
      readonly type: 'call';
      readonly name: string;
      readonly nameSpan: Span;
      readonly args: readonly Expr[];
      readonly expandFinal: boolean;
      readonly span: Span;
    }
  | { readonly type: 'tuple'; readonly items: readonly Expr[]; readonly span: Span }
  | {
      readonly type: 'object';
      readonly items: readonly { readonly key: Expr; readonly value: Expr; readonly span: Span }[];
      readonly span: Span;
    }
  | {
      readonly type: 'forTuple';
      readonly keyVar?: string;
      readonly valueVar: string;
      readonly collection: Expr;
      readonly value: Expr;
      readonly cond?: Expr;
      readonly span: Span;
    }
  | {
      readonly type: 'forObject';
      readonly keyVar?: string;
      readonly valueVar: string;
      readonly collection: Expr;
      readonly key: Expr;
      readonly value: Expr;
      readonly group: boolean;
      readonly cond?: Expr;
      readonly span: Span;
    }
  | { readonly type: 'conditional'; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly span: Span }
  | { readonly type: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly type: 'unary'; readonly op: '!' | '-'; readonly operand: Expr; readonly span: Span }
  | { readonly type: 'paren'; readonly expr: Expr; readonly span: Span }
  | { readonly type: 'invalid'; readonly span: Span }; // what could not be parsed

export interface HclDiagnostic {
  readonly span: Span;
  readonly message: string;
}
