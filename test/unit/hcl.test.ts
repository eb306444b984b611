import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { Attribute, Block, Body, Expr, HclDiagnostic, Span, TemplatePart } from '../../src/hcl';
import { evaluate, isUnknown, parseHcl, parseHclExpression, standardFunctions, Unknown, valueToString } from '../../src/hcl';
import type { HclFunction, Scope, Value } from '../../src/hcl';

// Expected values below are written by hand from the HCL native syntax specification
// (hashicorp/hcl hclsyntax/spec.md), cty's function documentation and Docker Bake's docs.

// ---- helpers ----

function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

function attribute(body: Body, name: string): Attribute {
  const found = body.items.find((item): item is Attribute => item.kind === 'attribute' && item.name === name);
  assert.ok(found, `attribute ${name}`);
  return found;
}

function blocks(body: Body, type?: string): Block[] {
  return body.items.filter((item): item is Block => item.kind === 'block' && (type === undefined || item.type === type));
}

/** Parses `text` as a file and requires it to be free of diagnostics. */
function parseClean(text: string): Body {
  const { body, diagnostics } = parseHcl(text);
  assert.deepEqual(diagnostics, [], 'no diagnostics');
  return body;
}

/** Parses one expression on its own, requiring no diagnostics. */
function expr(source: string): Expr {
  const { expr: parsed, diagnostics } = parseHclExpression(source);
  assert.deepEqual(diagnostics, [], `no diagnostics for ${source}`);
  return parsed;
}

/** A compact, Lisp-like rendering of an expression tree, so expected shapes can be written by hand. */
function show(e: Expr): string {
  switch (e.type) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'template':
      return `${e.heredoc ? 'heredoc' : 'tmpl'}(${e.parts.map(showPart).join(' ')})`;
    case 'variable':
      return e.name;
    case 'getattr':
      return `(. ${show(e.object)} ${e.name})`;
    case 'index':
      return `([] ${show(e.object)} ${show(e.key)})`;
    case 'splat':
      return `(* ${show(e.object)}${e.each.map((step) => (step.kind === 'attr' ? ` .${step.name}` : ` [${show(step.key)}]`)).join('')})`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')}${e.expandFinal ? '...' : ''})`;
    case 'tuple':
      return `[${e.items.map(show).join(', ')}]`;
    case 'object':
      return `{${e.items.map((item) => `${show(item.key)} = ${show(item.value)}`).join(', ')}}`;
    case 'forTuple':
      return `[for ${e.keyVar ? `${e.keyVar}, ` : ''}${e.valueVar} in ${show(e.collection)}: ${show(e.value)}${e.cond ? ` if ${show(e.cond)}` : ''}]`;
    case 'forObject':
      return `{for ${e.keyVar ? `${e.keyVar}, ` : ''}${e.valueVar} in ${show(e.collection)}: ${show(e.key)} => ${show(e.value)}${e.group ? '...' : ''}${e.cond ? ` if ${show(e.cond)}` : ''}}`;
    case 'conditional':
      return `(? ${show(e.cond)} ${show(e.then)} ${show(e.else)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'paren':
      return `(paren ${show(e.expr)})`;
    case 'invalid':
      return 'INVALID';
  }
}

function showPart(part: TemplatePart): string {
  switch (part.type) {
    case 'text':
      return JSON.stringify(part.value);
    case 'interp':
      return `\${${show(part.expr)}}`;
    case 'if':
      return `%{if ${show(part.cond)}}${part.then.map(showPart).join(' ')}${part.else ? `%{else}${part.else.map(showPart).join(' ')}` : ''}%{endif}`;
    case 'for':
      return `%{for ${part.keyVar ? `${part.keyVar}, ` : ''}${part.valueVar} in ${show(part.collection)}}${part.body.map(showPart).join(' ')}%{endfor}`;
  }
}

function templateParts(e: Expr): readonly TemplatePart[] {
  assert.equal(e.type, 'template');
  return e.type === 'template' ? e.parts : [];
}

function scopeOf(variables: Record<string, Value> = {}, functions: ReadonlyMap<string, HclFunction> = standardFunctions): Scope {
  return { variables: new Map(Object.entries(variables)), functions };
}

/** Evaluates one expression, requiring no diagnostics. */
function run(source: string, variables: Record<string, Value> = {}): Value {
  const diagnostics: HclDiagnostic[] = [];
  const value = evaluate(expr(source), scopeOf(variables), diagnostics);
  assert.deepEqual(diagnostics, [], `no evaluation diagnostics for ${source}`);
  return value;
}

/** Evaluates one expression that must fail: the messages of its diagnostics. */
function failures(source: string, variables: Record<string, Value> = {}): string[] {
  const diagnostics: HclDiagnostic[] = [];
  const value = evaluate(expr(source), scopeOf(variables), diagnostics);
  assert.ok(isUnknown(value), source);
  return diagnostics.map((d) => d.message);
}

/** Every span in a parse result, with what it belongs to. */
function allSpans(body: Body, diagnostics: readonly HclDiagnostic[]): { what: string; span: Span }[] {
  const spans: { what: string; span: Span }[] = diagnostics.map((d) => ({ what: `diagnostic ${d.message}`, span: d.span }));
  const visitExpr = (e: Expr): void => {
    spans.push({ what: e.type, span: e.span });
    switch (e.type) {
      case 'template':
        e.parts.forEach(visitPart);
        break;
      case 'getattr':
        visitExpr(e.object);
        break;
      case 'index':
        visitExpr(e.object);
        visitExpr(e.key);
        break;
      case 'splat':
        visitExpr(e.object);
        for (const step of e.each) if (step.kind === 'index') visitExpr(step.key);
        break;
      case 'call':
        spans.push({ what: 'call name', span: e.nameSpan });
        e.args.forEach(visitExpr);
        break;
      case 'tuple':
        e.items.forEach(visitExpr);
        break;
      case 'object':
        for (const item of e.items) {
          spans.push({ what: 'object item', span: item.span });
          visitExpr(item.key);
          visitExpr(item.value);
        }
        break;
      case 'forTuple':
      case 'forObject':
        visitExpr(e.collection);
        if (e.type === 'forObject') visitExpr(e.key);
        visitExpr(e.value);
        if (e.cond) visitExpr(e.cond);
        break;
      case 'conditional':
        visitExpr(e.cond);
        visitExpr(e.then);
        visitExpr(e.else);
        break;
      case 'binary':
        visitExpr(e.left);
        visitExpr(e.right);
        break;
      case 'unary':
        visitExpr(e.operand);
        break;
      case 'paren':
        visitExpr(e.expr);
        break;
    }
  };
  const visitPart = (part: TemplatePart): void => {
    spans.push({ what: `template ${part.type}`, span: part.span });
    if (part.type === 'interp') visitExpr(part.expr);
    else if (part.type === 'if') {
      visitExpr(part.cond);
      part.then.forEach(visitPart);
      part.else?.forEach(visitPart);
    } else if (part.type === 'for') {
      visitExpr(part.collection);
      part.body.forEach(visitPart);
    }
  };
  const visitBody = (b: Body): void => {
    spans.push({ what: 'body', span: b.span });
    for (const item of b.items) {
      spans.push({ what: item.kind, span: item.span });
      if (item.kind === 'attribute') {
        spans.push({ what: 'attribute name', span: item.nameSpan });
        visitExpr(item.expr);
      } else {
        spans.push({ what: 'block type', span: item.typeSpan });
        for (const label of item.labels) spans.push({ what: 'label', span: label.span });
        visitBody(item.body);
      }
    }
  };
  visitBody(body);
  return spans;
}

const BAKE_FILE = `# docker-bake.hcl for the acme app
variable "TAG" {
  default = "latest"
}
variable "REGISTRY" {
  default = "docker.io/acme"
}
variable "PLATFORMS" {
  default = ["linux/amd64", "linux/arm64"]
}
variable "GO_VERSION" {
  default = "1.22"
}

// Image references for a name and a tag.
function "tag" {
  params = [name, tag]
  result = ["\${REGISTRY}/\${name}:\${tag}"]
}

group "default" {
  targets = ["app", "worker"]
}

target "_common" {
  args = {
    GO_VERSION = GO_VERSION
    BUILDKIT_CONTEXT_KEEP_GIT_DIR = 1
  }
  platforms = PLATFORMS
  labels = {
    "org.opencontainers.image.source" = "https://github.com/acme/app"
  }
}

target "app" {
  inherits = ["_common"]
  context = "."
  dockerfile = "Dockerfile"
  contexts = {
    base = "docker-image://alpine:3.19"
    src  = "../src"
  }
  tags = tag("app", TAG)
  cache-from = ["type=gha"]
  cache-to   = ["type=gha,mode=max"]
}

target "worker" {
  inherits = ["_common", "app"]
  name = "worker-\${sanitize(item.name)}"
  matrix = {
    item = [
      { name = "small", size = 1 },
      { name = "large.x", size = 4 },
    ]
  }
  args = {
    WORKERS = item.size
  }
  dockerfile-inline = <<-EOT
    FROM golang:\${GO_VERSION}-alpine AS build
    RUN echo building \${item.name}
    FROM alpine:3.19
    COPY --from=build /out /usr/bin/
  EOT
  tags = [for p in PLATFORMS: "\${REGISTRY}/worker:\${TAG}-\${replace(p, "/", "-")}"]
  output = ["type=image,push=\${TAG != "latest"}"]
}
`;

// ---- structure ----

describe('hcl parser: structure', () => {
  it('reads attributes and nested blocks with labels, with exact spans', () => {
    const text = [
      'region = "eu-west-1"',
      'target "app" "v2" {',
      '  dockerfile-inline = "FROM scratch"',
      '  nested inner {',
      '    x = 1',
      '  }',
      '}',
      '',
    ].join('\n');
    const body = parseClean(text);
    assert.equal(body.items.length, 2);
    assert.deepEqual(body.span, { start: 0, end: text.length });

    const region = attribute(body, 'region');
    assert.equal(slice(text, region.nameSpan), 'region');
    assert.equal(slice(text, region.span), 'region = "eu-west-1"');
    assert.equal(slice(text, region.expr.span), '"eu-west-1"');

    const [target] = blocks(body, 'target');
    assert.ok(target);
    assert.equal(slice(text, target.typeSpan), 'target');
    assert.deepEqual(
      target.labels.map((label) => [label.value, slice(text, label.span)]),
      [
        ['app', '"app"'],
        ['v2', '"v2"'],
      ],
    );
    assert.ok(slice(text, target.span).startsWith('target "app" "v2" {'));
    assert.ok(slice(text, target.span).endsWith('  }\n}'));
    assert.equal(slice(text, target.body.span)[0], '{');

    const inline = attribute(target.body, 'dockerfile-inline');
    assert.equal(slice(text, inline.span), 'dockerfile-inline = "FROM scratch"');

    const [nested] = blocks(target.body, 'nested');
    assert.ok(nested);
    assert.deepEqual(
      nested.labels.map((label) => [label.value, slice(text, label.span)]),
      [['inner', 'inner']],
    );
    assert.equal(slice(text, nested.span), 'nested inner {\n    x = 1\n  }');
    assert.equal(slice(text, attribute(nested.body, 'x').span), 'x = 1');
  });

  it('allows dashes inside identifiers but not at their start', () => {
    const body = parseClean('cache-from = a-b-1\nx = a - b\n');
    assert.equal(show(attribute(body, 'cache-from').expr), 'a-b-1');
    assert.equal(show(attribute(body, 'x').expr), '(- a b)');
  });

  it('allows one-line blocks and empty blocks', () => {
    const text = 'target "a" { x = 1 }\ngroup "g" {}\ntarget "b" {\n}\n';
    const body = parseClean(text);
    assert.deepEqual(
      blocks(body).map((b) => [b.type, b.labels[0]?.value, b.body.items.length, slice(text, b.span)]),
      [
        ['target', 'a', 1, 'target "a" { x = 1 }'],
        ['group', 'g', 0, 'group "g" {}'],
        ['target', 'b', 0, 'target "b" {\n}'],
      ],
    );
  });

  it('accepts all three kinds of comment', () => {
    const text = ['# hash comment', 'a = 1 // slash comment', '/* block', '   comment */ b = 2', 'c = /* inline */ 3 # trailing', ''].join('\n');
    const body = parseClean(text);
    assert.deepEqual(
      body.items.map((item) => (item.kind === 'attribute' ? [item.name, show(item.expr)] : [])),
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    );
  });

  it('handles CRLF line endings', () => {
    const body = parseClean('a = 1\r\ntarget "x" {\r\n  b = "two"\r\n}\r\n');
    assert.equal(show(attribute(body, 'a').expr), '1');
    assert.equal(show(attribute(blocks(body)[0]!.body, 'b').expr), 'tmpl("two")');
  });
});

// ---- expressions ----

describe('hcl parser: expressions', () => {
  it('reads every literal kind', () => {
    assert.equal(show(expr('1')), '1');
    assert.equal(show(expr('1.5')), '1.5');
    assert.equal(show(expr('1e3')), '1000');
    assert.equal(show(expr('2.5E-1')), '0.25');
    assert.equal(show(expr('true')), 'true');
    assert.equal(show(expr('false')), 'false');
    assert.equal(show(expr('null')), 'null');
    assert.equal(show(expr('"str"')), 'tmpl("str")');
    assert.equal(show(expr('-1')), '(- 1)');
    assert.equal(show(expr('""')), 'tmpl()');
  });

  it('unescapes quoted templates and marks such text as not verbatim', () => {
    const source = String.raw`"a\tb\"c\\d\u00e9\U0001F600\n"`;
    const parts = templateParts(expr(source));
    assert.equal(parts.length, 1);
    const [text] = parts;
    assert.ok(text?.type === 'text');
    assert.equal(text.value, 'a\tb"c\\dé😀\n');
    assert.equal(text.verbatim, false);
    assert.equal(slice(source, text.span), source.slice(1, -1));
  });

  it('keeps plain text verbatim, so its span slices to its value', () => {
    const text = 'image = "docker.io/library/alpine:3.19"\n';
    const parts = templateParts(attribute(parseClean(text), 'image').expr);
    const [part] = parts;
    assert.ok(part?.type === 'text');
    assert.equal(part.verbatim, true);
    assert.equal(part.value, 'docker.io/library/alpine:3.19');
    assert.equal(slice(text, part.span), part.value);
  });

  it('reads $${ and %%{ as literal ${ and %{', () => {
    const parts = templateParts(expr('"$${x} and %%{y} and $ and %"'));
    assert.equal(parts.length, 1);
    const [part] = parts;
    assert.ok(part?.type === 'text');
    assert.equal(part.value, '${x} and %{y} and $ and %');
    assert.equal(part.verbatim, false);
  });

  it('splits templates into text and interpolations with their spans', () => {
    const source = '"a-${name}-b"';
    const parts = templateParts(expr(source));
    assert.equal(parts.map(showPart).join(' '), '"a-" ${name} "-b"');
    assert.deepEqual(
      parts.map((part) => slice(source, part.span)),
      ['a-', '${name}', '-b'],
    );
  });

  it('nests strings and braces inside interpolations', () => {
    const e = expr('"${lookup({a = "}"}, "a")}"');
    assert.equal(show(e), 'tmpl(${lookup({"a" = tmpl("}")}, tmpl("a"))})');
    assert.equal(run('"${lookup({a = "}"}, "a")}"'), '}');
    assert.equal(run('"x${"in${"ner"}"}y"'), 'xinnery');
  });

  it('applies strip markers to the adjacent text only', () => {
    const source = '"a  ${~ x ~}  b"';
    const parts = templateParts(expr(source));
    assert.equal(parts.map(showPart).join(' '), '"a" ${x} "b"');
    for (const part of parts) if (part.type === 'text') assert.equal(slice(source, part.span), part.value);
    // The spec's examples.
    assert.equal(run('"hello ${~ "world" }"'), 'helloworld');
    assert.equal(run('"%{ if true ~} hello %{~ endif }"'), 'hello');
    assert.equal(run('"${"hello" ~}${" world"}"'), 'hello world');
  });

  it('reads template directives', () => {
    assert.equal(show(expr('"%{ if x }yes%{ else }no%{ endif }"')), 'tmpl(%{if x}"yes"%{else}"no"%{endif})');
    assert.equal(show(expr('"%{ for i, v in list }${i}=${v};%{ endfor }"')), 'tmpl(%{for i, v in list}${i} "=" ${v} ";"%{endfor})');
  });

  it('reads heredocs, keeping lines and interpolations', () => {
    const text = 'x = <<EOT\nhello\n  ${name}\nEOT\ny = 2\n';
    const body = parseClean(text);
    const x = attribute(body, 'x').expr;
    assert.equal(show(x), 'heredoc("hello\\n  " ${name} "\\n")');
    assert.equal(slice(text, x.span), '<<EOT\nhello\n  ${name}\nEOT');
    assert.equal(evaluate(x, scopeOf({ name: 'world' })), 'hello\n  world\n');
    assert.equal(show(attribute(body, 'y').expr), '2');
  });

  it('strips the common indentation of <<- heredocs, ignoring blank lines', () => {
    const text = 'y = <<-EOT\n    line one\n      line two\n\n    three\n    EOT\n';
    const y = attribute(parseClean(text), 'y').expr;
    assert.equal(evaluate(y, scopeOf()), 'line one\n  line two\n\nthree\n');
    for (const part of templateParts(y)) {
      assert.ok(part.type === 'text' && part.verbatim);
      assert.equal(slice(text, part.span), part.value);
    }
  });

  it('gives operators the precedence of the spec', () => {
    assert.equal(show(expr('1 + 2 * 3 == 7 && !false')), '(&& (== (+ 1 (* 2 3)) 7) (! false))');
    assert.equal(run('1 + 2 * 3 == 7 && !false'), true);
    assert.equal(show(expr('a || b && c')), '(|| a (&& b c))');
    assert.equal(show(expr('x / y * z')), '(* (/ x y) z)');
    assert.equal(show(expr('a - b - c')), '(- (- a b) c)');
    assert.equal(show(expr('1 < 2 == true')), '(== (< 1 2) true)');
    assert.equal(show(expr('-a.b % 2')), '(% (- (. a b)) 2)');
    assert.equal(show(expr('(1 + 2) * 3')), '(* (paren (+ 1 2)) 3)');
  });

  it('reads conditionals, right-associative', () => {
    assert.equal(show(expr('a ? b : c ? d : e')), '(? a b (? c d e))');
    assert.equal(show(expr('x == "" ? "none" : x')), '(? (== x tmpl()) tmpl("none") x)');
    assert.equal(run('length(l) > 0 ? l[0] : "empty"', { l: [] }), 'empty');
  });

  it('reads for expressions', () => {
    assert.equal(show(expr('[for i, v in list: upper(v) if i > 0]')), '[for i, v in list: upper(v) if (> i 0)]');
    assert.equal(show(expr('{for k, v in map: v => k...}')), '{for k, v in map: v => k...}');
    assert.equal(show(expr('{\n  for s in list:\n  s => length(s)\n}')), '{for s in list: s => length(s)}');
  });

  it('reads objects with bare, quoted and parenthesized keys, separated by commas or newlines', () => {
    assert.equal(show(expr('{ a = 1, "b" = 2, (c) = 3 }')), '{"a" = 1, tmpl("b") = 2, (paren c) = 3}');
    assert.equal(show(expr('{\n  a: 1\n  b = 2,\n\n  c = [\n    3,\n  ]\n}')), '{"a" = 1, "b" = 2, "c" = [3]}');
    assert.equal(show(expr('{}')), '{}');
    assert.equal(show(expr('[\n  1,\n  2,\n]')), '[1, 2]');
  });

  it('reads attribute access, indexes, legacy indexes and both splats', () => {
    assert.equal(show(expr('a.b[0]["c"]')), '([] ([] (. a b) 0) tmpl("c"))');
    assert.equal(show(expr('a.0.b')), '(. ([] a 0) b)');
    assert.equal(show(expr('list.*.name')), '(* list .name)');
    assert.equal(show(expr('list.*.tags[0]')), '([] (* list .tags) 0)');
    assert.equal(show(expr('list[*].tags[0].x')), '(* list .tags [0] .x)');
  });

  it('reads function calls, with ... expanding the last argument', () => {
    assert.equal(show(expr('max(list...)')), 'max(list...)');
    assert.equal(show(expr('concat(["a"], rest...)')), 'concat([tmpl("a")], rest...)');
    assert.equal(show(expr('f(\n  1,\n  2,\n)')), 'f(1, 2)');
    assert.equal(show(expr('timestamp()')), 'timestamp()');
    const e = expr('join(",", x)');
    assert.ok(e.type === 'call');
    assert.deepEqual(e.nameSpan, { start: 0, end: 4 });
  });
});

describe('hcl parser: a realistic docker-bake.hcl', () => {
  it('parses without diagnostics', () => {
    const body = parseClean(BAKE_FILE);
    assert.deepEqual(
      blocks(body).map((b) => `${b.type} ${b.labels.map((l) => l.value).join(' ')}`),
      [
        'variable TAG',
        'variable REGISTRY',
        'variable PLATFORMS',
        'variable GO_VERSION',
        'function tag',
        'group default',
        'target _common',
        'target app',
        'target worker',
      ],
    );
    const worker = blocks(body, 'target')[2]!;
    assert.deepEqual(
      worker.body.items.map((item) => (item.kind === 'attribute' ? item.name : item.type)),
      ['inherits', 'name', 'matrix', 'args', 'dockerfile-inline', 'tags', 'output'],
    );
    const app = blocks(body, 'target')[1]!;
    assert.equal(show(attribute(app.body, 'contexts').expr), '{"base" = tmpl("docker-image://alpine:3.19"), "src" = tmpl("../src")}');
  });

  it('evaluates its targets with variables, a user function and matrix values', () => {
    const body = parseClean(BAKE_FILE);
    const variables: Record<string, Value> = {
      TAG: 'v1.2',
      REGISTRY: 'docker.io/acme',
      PLATFORMS: ['linux/amd64', 'linux/arm64'],
      GO_VERSION: '1.22',
    };
    // Bake turns `function` blocks into functions; here written by hand.
    const functions = new Map(standardFunctions);
    functions.set('tag', (args) => [`${String(variables.REGISTRY)}/${String(args[0])}:${String(args[1])}`]);
    const scope: Scope = { variables: new Map(Object.entries(variables)), functions };
    const matrixScope: Scope = { variables: new Map([['item', { name: 'large.x', size: 4 }]]), functions: new Map(), parent: scope };
    const [, app, worker] = blocks(body, 'target');
    assert.ok(app && worker);
    const diagnostics: HclDiagnostic[] = [];
    assert.deepEqual(evaluate(attribute(app.body, 'tags').expr, scope, diagnostics), ['docker.io/acme/app:v1.2']);
    assert.equal(evaluate(attribute(worker.body, 'name').expr, matrixScope, diagnostics), 'worker-large_x');
    assert.deepEqual(evaluate(attribute(worker.body, 'args').expr, matrixScope, diagnostics), { WORKERS: 4 });
    assert.equal(
      evaluate(attribute(worker.body, 'dockerfile-inline').expr, matrixScope, diagnostics),
      'FROM golang:1.22-alpine AS build\nRUN echo building large.x\nFROM alpine:3.19\nCOPY --from=build /out /usr/bin/\n',
    );
    assert.deepEqual(evaluate(attribute(worker.body, 'tags').expr, scope, diagnostics), [
      'docker.io/acme/worker:v1.2-linux-amd64',
      'docker.io/acme/worker:v1.2-linux-arm64',
    ]);
    assert.deepEqual(evaluate(attribute(worker.body, 'output').expr, scope, diagnostics), ['type=image,push=true']);
    assert.deepEqual(diagnostics, []);
  });
});

// ---- evaluation ----

describe('hcl evaluate', () => {
  it('evaluates templates with variables, converting numbers and bools', () => {
    const variables = { REGISTRY: 'docker.io/acme', TAG: 'latest', N: 3 };
    assert.equal(run('"${REGISTRY}/app:${TAG}"', variables), 'docker.io/acme/app:latest');
    assert.equal(run('"v${1.5}-${true}-${N * 2}"', variables), 'v1.5-true-6');
    assert.equal(run('"%{ if N > 2 }many%{ else }few%{ endif }"', variables), 'many');
    assert.equal(run('"%{ for k, v in {b = 2, a = 1} }${k}${v},%{ endfor }"'), 'a1,b2,');
    // A lone interpolation yields its value unconverted (spec: "Template Interpolation Unwrapping").
    assert.deepEqual(run('"${[1, 2]}"'), [1, 2]);
    assert.equal(run('"${true}"'), true);
    assert.equal(run('"${""}${true}"'), 'true');
  });

  it('evaluates operators with cty conversions', () => {
    assert.equal(run('"2" + 1'), 3);
    assert.equal(run('7 % 3'), 1);
    assert.equal(run('10 / 4'), 2.5);
    assert.equal(run('1 == "1"'), false);
    assert.equal(run('[1, {a = "x"}] == [1, {a = "x"}]'), true);
    assert.equal(run('{a = 1} != {a = 1, b = 2}'), true);
    assert.equal(run('null == null'), true);
    assert.equal(run('"3" < 10'), true);
    assert.equal(run('!(1 > 2) || false'), true);
  });

  it('evaluates for expressions over tuples and objects (in key order)', () => {
    assert.deepEqual(run('[for v in ["a", "b"]: v]'), ['a', 'b']);
    assert.deepEqual(run('[for i, v in ["a", "b"]: i]'), [0, 1]);
    assert.deepEqual(run('{for i, v in ["a", "b"]: v => i}'), { a: 0, b: 1 });
    assert.deepEqual(run('{for i, v in ["a", "a", "b"]: v => i...}'), { a: [0, 1], b: [2] });
    assert.deepEqual(run('[for i, v in ["a", "b", "c"]: v if i < 2]'), ['a', 'b']);
    assert.deepEqual(run('[for k, v in {b = 1, a = 2}: "${k}=${v}"]'), ['a=2', 'b=1']);
  });

  it('evaluates attribute access, indexes and splats', () => {
    const variables = { list: [{ name: 'a', tags: ['x', 'y'] }, { name: 'b', tags: ['z'] }], one: { id: 7 }, none: null };
    assert.deepEqual(run('list.*.name', variables), ['a', 'b']);
    assert.deepEqual(run('list[*].tags[0]', variables), ['x', 'z']);
    assert.deepEqual(run('list.*.tags[0]', variables), ['x', 'y']);
    assert.deepEqual(run('one.*.id', variables), [7]);
    assert.deepEqual(run('none[*]', variables), []);
    assert.equal(run('list[1].name', variables), 'b');
    assert.equal(run('list.0.tags.1', variables), 'y');
    assert.equal(run('one["id"]', variables), 7);
    assert.equal(run('max([3, 9, 4]...)'), 9);
  });

  it('gives the standard functions their cty results', () => {
    const cases: [string, Value][] = [
      ['lower("HeLLo")', 'hello'],
      ['upper("héllo")', 'HÉLLO'],
      ['title("hello world-wide web_x")', 'Hello World-Wide Web_x'],
      [String.raw`trimspace("  \n hi \t ")`, 'hi'],
      ['trimprefix("helloworld", "hello")', 'world'],
      ['trimprefix("helloworld", "x")', 'helloworld'],
      ['trimsuffix("helloworld", "world")', 'hello'],
      ['trim("?!hello?!", "!?")', 'hello'],
      [String.raw`chomp("hello\n\r\n")`, 'hello'],
      ['replace("1 + 2 + 3", "+", "-")', '1 - 2 - 3'],
      // Bake's replace is cty's: plain text, slashes and all (regular expressions are regex_replace's)
      ['replace("hello world", "/w.*d/", "everybody")', 'hello world'],
      ['replace("a/w.*d/b", "/w.*d/", "-")', 'a-b'],
      ['regex_replace("a1b22c", "[0-9]+", "#")', 'a#b#c'],
      ['regex_replace("hello", "(l+)", "<$${1}>")', 'he<ll>o'],
      [String.raw`regex("(\\d+)-(\\d+)", "v12-34")`, ['12', '34']],
      ['sanitize("my.app/v1:2")', 'my_app_v1_2'],
      ['split(",", "a,b,,c")', ['a', 'b', '', 'c']],
      ['join("-", ["a", "b"], ["c"])', 'a-b-c'],
      ['join(", ", [1, true, "x"])', '1, true, x'],
      ['concat(["a"], [], ["b", "c"])', ['a', 'b', 'c']],
      ['contains(["a", "b"], "b")', true],
      ['contains([1, 2], "1")', false],
      ['format("Hello, %s! %d%%", "Ander", 42)', 'Hello, Ander! 42%'],
      ['format("%v|%q|%t|%5s|%-5s|", 1.5, "x", true, "ab", "cd")', '1.5|"x"|true|   ab|cd   |'],
      ['format("%.2f %05d %x %[1]f", 3.14159, 42, 255)', '3.14 00042 ff 3.141590'],
      ['format("%v %v %#v %v", [1, "a"], null, "s", 1000000)', '[1,"a"] null "s" 1e+06'],
      ['formatlist("%s-%s", ["a", "b"], "x")', ['a-x', 'b-x']],
      ['coalesce(null, "", "b")', ''],
      ['coalesce(null, 1, "b")', '1'],
      ['coalescelist([], ["a"], ["b"])', ['a']],
      ['compact(["a", "", null, "b"])', ['a', 'b']],
      ['length([1, 2, 3])', 3],
      ['length({a = 1, b = 2})', 2],
      ['length("héllo")', 5],
      ['element(["a", "b", "c"], 4)', 'b'],
      ['index(["a", "b", "c"], "c")', 2],
      ['keys({b = 1, a = 2})', ['a', 'b']],
      ['values({b = 1, a = 2})', [2, 1]],
      ['lookup({a = "x"}, "a", "d")', 'x'],
      ['lookup({a = "x"}, "b", "d")', 'd'],
      ['merge({a = 1, b = 2}, {b = 3}, null)', { a: 1, b: 3 }],
      ['distinct(["a", "b", "a", "c", "b"])', ['a', 'b', 'c']],
      ['flatten([["a", ["b"]], [], "c"])', ['a', 'b', 'c']],
      ['reverse([1, 2, 3])', [3, 2, 1]],
      ['reverse("abc")', 'cba'],
      ['slice(["a", "b", "c", "d"], 1, 3)', ['b', 'c']],
      ['sort(["b", "a", "10", "9"])', ['10', '9', 'a', 'b']],
      ['substr("hello world", 1, 4)', 'ello'],
      ['substr("hello world", -5, -1)', 'world'],
      ['min(12, 54, 3)', 3],
      ['max(12, 54, 3)', 54],
      ['absolute(-12.4)', 12.4],
      ['ceil(5.1)', 6],
      ['floor(4.9)', 4],
      ['signum(-13)', -1],
      ['add(1, "2")', 3],
      ['subtract(5, 7)', -2],
      ['multiply(3, 4)', 12],
      ['divide(7, 2)', 3.5],
      ['modulo(7, 3)', 1],
      ['equal([1, "a"], [1, "a"])', true],
      ['notequal(1, "1")', true],
      ['and(true, false)', false],
      ['or(true, false)', true],
      ['not(false)', true],
      ['greaterthan(2, 1)', true],
      ['lessthan(2, 1)', false],
      ['greaterthanorequalto(2, 2)', true],
      ['lessthanorequalto(3, 2)', false],
      ['sethaselement(["a", "b"], "b")', true],
      ['setunion(["b", "a"], ["c", "a"])', ['a', 'b', 'c']],
      [String.raw`indent(2, "a\nb\nc")`, 'a\n  b\n  c'],
      ['jsonencode({b = [1, true, null], a = "x<y"})', '{"a":"x\\u003cy","b":[1,true,null]}'],
      [String.raw`jsondecode("{\"a\": [1, 2.5, \"x\"], \"b\": null}")`, { a: [1, 2.5, 'x'], b: null }],
      ['range(3)', [0, 1, 2]],
      ['range(1, 4)', [1, 2, 3]],
      ['range(10, 0, -4)', [10, 6, 2]],
      ['urlencode("a b&c")', 'a+b%26c'],
      ['base64encode("héllo")', 'aMOpbGxv'],
      ['base64decode("aMOpbGxv")', 'héllo'],
      ['can(nope.x)', false],
      ['try(nope.x, "fallback")', 'fallback'],
    ];
    assert.ok(cases.length >= 40);
    for (const [source, expected] of cases) {
      assert.deepEqual(run(source), expected, source);
    }
  });

  it('returns Unknown only for the functions whose value is not static: the clock, randomness, the machine', () => {
    // buildx bake/hclparser/stdlib.go registers these four with results that change from run to run or machine to machine
    for (const source of ['timestamp()', 'uuidv4()', 'bcrypt("secret")', 'homedir()']) {
      const value = run(source);
      assert.ok(isUnknown(value), source);
    }
  });

  it('knows every function buildx registers, and no others', () => {
    // buildx bake/hclparser/stdlib.go `stdlibFunctions`, the whole list
    const buildx = String.raw`absolute add and base64decode base64encode basename bcrypt byteslen bytesslice can ceil chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains convert csvdecode dirname distinct divide element equal flatten floor format formatdate formattimestamp formatlist greaterthan greaterthanorequalto hasindex homedir indent index indexof int join jsondecode jsonencode keys length lessthan lessthanorequalto log lookup lower max md5 merge min modulo multiply negate not notequal or parseint pow range regex_replace regex regexall replace reverse reverselist rsadecrypt sanitize semvercmp sethaselement setintersection setproduct setsubtract setsymmetricdifference setunion sha1 sha256 sha512 signum slice sort split strlen substr subtract timeadd timestamp title trim trimprefix trimspace trimsuffix try unixtimestampparse upper urlencode uuidv4 uuidv5 values zipmap`;
    assert.deepEqual([...standardFunctions.keys()].sort(), buildx.split(' ').sort());
    // Terraform's conversions are not Bake's: `tostring(1)` is an unknown function there
    assert.deepEqual(failures('tostring(1)'), ['Call to unknown function "tostring"']);
  });

  it('computes the hash and UUID functions as go-cty-funcs does', () => {
    // go-cty-funcs crypto/hash.go: the hex digest of the string's UTF-8 bytes. Expected values from
    // `printf '%s' héllo | md5sum` (and sha1sum, sha256sum, sha512sum).
    assert.equal(run('md5("héllo")'), 'be50e8478cf24ff3595bc7307fb91b50');
    assert.equal(run('md5("")'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(run('sha1("héllo")'), '35b5ea45c5e41f78b46a937cc74d41dfea920890');
    assert.equal(run('sha256("héllo")'), '3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179');
    assert.equal(run('sha512("héllo")'), 'a67e831011aa41ebb2a218c8ff727f1c60d62f06e1681678d176a81cd72ee69e7250c4c943cacbab28e42768615a5c41b6b0d42591d2c26a65670b38e97306dc');
    // go-cty-funcs uuid/uuid_v5.go: google/uuid NewSHA1 in the named namespace (dns, url, oid, x500) or one
    // parsed by uuid.Parse (also {…}, urn:uuid:…, 32 hex digits). From Python: uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com").
    assert.equal(run('uuidv5("dns", "www.example.com")'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    assert.equal(run('uuidv5("url", "https://github.com/docker/buildx")'), 'bf64a266-97fd-51a3-bf00-a358e5bbfa2c');
    assert.equal(run('uuidv5("oid", "1.3.6.1")'), '1447fa61-5277-5fef-a9b3-fbc6e44f4af3');
    assert.equal(run('uuidv5("x500", "cn=x")'), 'a951fb6d-5aab-5a72-8e2e-9aa8df8d1f8f');
    // uuid.uuid5(uuid.UUID("6f1a8e5a-7b2c-4d3e-9f00-112233445566"), "héllo")
    for (const namespace of ['6f1a8e5a-7b2c-4d3e-9f00-112233445566', '{6F1A8E5A-7B2C-4D3E-9F00-112233445566}', 'urn:uuid:6f1a8e5a-7b2c-4d3e-9f00-112233445566', '6f1a8e5a7b2c4d3e9f00112233445566']) {
      assert.equal(run(`uuidv5("${namespace}", "héllo")`), '5c908789-5e30-522f-a07d-6aaa487c67c7', namespace);
    }
    // a namespace name is matched exactly ("DNS" is no name), then parsed as a UUID
    assert.deepEqual(failures('uuidv5("DNS", "x")'), ['Call to function "uuidv5" failed: uuidv5() doesn\'t support namespace DNS (invalid UUID length: 3)']);
    assert.deepEqual(failures('uuidv5("6f1a8e5a-7b2c-4d3e-9f00_112233445566", "x")'), ['Call to function "uuidv5" failed: uuidv5() doesn\'t support namespace 6f1a8e5a-7b2c-4d3e-9f00_112233445566 (invalid UUID format)']);
    // base64 as Go's StdEncoding: padding required (go-cty-funcs encoding/base64.go)
    assert.deepEqual(failures('base64decode("aGk")'), ["Call to function \"base64decode\" failed: failed to decode base64 data 'aGk'"]);
    assert.equal(run('base64decode("aGk=")'), 'hi');
  });

  it('decrypts with rsadecrypt as go-cty-funcs does (PKCS #1 key, PKCS #1 v1.5 padding)', () => {
    // Key from `openssl genrsa -traditional 1024`; ciphertext from
    // `printf '%s' 'Hello, Bake! héllo' | openssl pkeyutl -encrypt -inkey key.pem -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0`.
    const key = [
    '-----BEGIN RSA PRIVATE KEY-----',
    'MIICXQIBAAKBgQCyt/1m8qEo/RdgjRg+ns+dVee4dYZHLc5enzbEeMl2MwDZ9eWw',
    'OurApJ5rRzrhnoGB5fkt5OEQ1nMjswM+9owpVtbIdiw482y0Tk9AL18gaENTFA/3',
    'xqS5AEWtiPpW9SjIVQ6Pjcc7emnhl3yyNOeBowZAuJMMlr5jc5+LVPW6XQIDAQAB',
    'AoGBALI21vH5sMt21gDpset/4fg62b8PMr935fplOe/hosPDSG4QzuJVXhKMFY1U',
    'klq5/NrTwQ8K1YQ81MQclngK0ugZQ0J9wo/dLzJHIIrybPLDgMXZm095E1FOTEnb',
    'rM/udzI1tSR4UeAQrMlMqAPXdrdWyeoleRGLmDH1o5n1vsjhAkEA7aGY1jMJJlov',
    'Lk4YqY7ix3AK+eBaEC4rjCih0xTrh+cwn0fUGc3tm7WFX7UO51GN9cIwI1hscYJ4',
    'RB5gL8hVIwJBAMCIl9HX+k7gweVcLuAhQqv/xrrR6UhkpjRJk4+TNLqqGiagfcow',
    '7Xbc31yYySFLj2ewzc3YGlBhMGturkIRan8CQA08DMkROpc6Opp3mwQGgzbcVKAq',
    'EJoKGD7MHIcnCR8ejySv2W4+e9dKOs1jxhq3/hIL6KZvTEreG1if4HeIzsUCQQCW',
    'EiIca7dsgh5Ac/EJvIMmZBD4D6RBTEqMmQkOsVQ5Z1tI3nIOBsMhkhn8KA8mB6p4',
    'zUQtfZNNMeQ26Sek0cRrAkAbiMkswSLF8W1T/tY+WRo+gJ221JtVZpU1/y0Q7VXG',
    'nKIfdRLLlrrOPUvQAD9JaJ+YOsGQ/XXXRjE7setg8hUV',
    '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const ciphertext = 'cDR13ghiO+D/RkTqfO12EWpPiCmQMEc8Crb1b6xoRX3yZXooaH7VQixh9ws6SsPosKYw0rvt5KYPYp4IMXGjASlWRc8OUtTsW2DBgcXqdlevAMwfofpfLD35NvjQJb8ss4O7lo49pOI6WVdb4SOIaMuBnKNXY8/AI6DlMHX8Buc=';
    assert.equal(run('rsadecrypt(c, k)', { c: ciphertext, k: key }), 'Hello, Bake! héllo');
    // the messages of go-cty-funcs crypto/rsa.go and Go's crypto/rsa
    assert.deepEqual(failures('rsadecrypt(c, k)', { c: 'not base64!', k: key }), ['Call to function "rsadecrypt" failed: failed to decode input "not base64!": cipher text must be base64-encoded']);
    assert.deepEqual(failures('rsadecrypt(c, k)', { c: ciphertext, k: 'no key here' }), ['Call to function "rsadecrypt" failed: failed to parse key: no key found']);
    assert.deepEqual(failures('rsadecrypt(c, k)', { c: 'AAAA', k: key }), ['Call to function "rsadecrypt" failed: crypto/rsa: decryption error']);
  });

  it('formats and moves dates as go-cty and buildx do', () => {
    // go-cty stdlib/datetime.go FormatDate's verbs; expected values from Python's strftime on the same instants.
    assert.equal(run('formatdate("YYYY-MM-DD hh:mm:ss ZZZZZ EEEE MMM D H AA", "2018-01-02T23:12:01-08:00")'), '2018-01-02 23:12:01 -08:00 Tuesday Jan 2 11 PM');
    assert.equal(run('formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")'), '02 Jan 2018 23:12 UTC');
    // quoted literals, '' for a quote, and Z for a non-zero offset
    assert.equal(run(`formatdate("h 'o''clock' Z", "2024-02-29T07:05:09.123+05:30")`), "7 o'clock +05:30");
    // TimeAddFunc: Go's ParseDuration, the result in RFC 3339 (whole seconds) at the timestamp's own offset
    assert.equal(run('timeadd("2024-02-28T23:30:00+02:00", "1.5h")'), '2024-02-29T01:00:00+02:00');
    assert.equal(run('timeadd("2024-01-01T00:00:00Z", "-1ns")'), '2023-12-31T23:59:59Z');
    assert.equal(run('timeadd("2017-11-22T00:00:00Z", "1h10m30s")'), '2017-11-22T01:10:30Z');
    // buildx stdlib_test.go TestUnixTimestampParseFunc, "positive timestamp"
    assert.deepEqual(run('unixtimestampparse(1690328596)'), {
      year: 2023, year_day: 206, day: 25, month: 7, month_name: 'July', weekday: 2, weekday_name: 'Tuesday',
      hour: 23, minute: 43, second: 16, rfc3339: '2023-07-25T23:43:16Z', iso_year: 2023, iso_week: 30,
    });
    // 2021-01-01 is a Friday in ISO week 53 of 2020 (Python: date(2021, 1, 1).isocalendar())
    assert.deepEqual([run('unixtimestampparse(1609459200).iso_year'), run('unixtimestampparse(1609459200).iso_week')], [2020, 53]);
    // buildx formattimestamp: "X" gives Unix seconds; a number is a Unix timestamp
    assert.equal(run('formattimestamp("X", "2024-01-01T00:00:00Z")'), '1704067200');
    assert.equal(run('formattimestamp("YYYY-MM-DD", 1690328596)'), '2023-07-25');
    // Go's time package messages
    assert.deepEqual(failures('timeadd("2024-01-01T00:00:00Z", "1d")'), ['Call to function "timeadd" failed: time: unknown unit "d" in duration "1d"']);
    assert.deepEqual(failures('timeadd("2024-01-01T00:00:00Z", "10")'), ['Call to function "timeadd" failed: time: missing unit in duration "10"']);
    assert.deepEqual(failures('formatdate("YYY", "2024-01-01T00:00:00Z")'), ['Call to function "formatdate" failed: invalid date format verb "YYY": year must either be "YY" or "YYYY"']);
    assert.deepEqual(failures('unixtimestampparse(1.5)'), ['Call to function "unixtimestampparse" failed: unix timestamp must be an integer']);
    // go-cty datetime.go parseTimestamp passes on time.Parse's message for a day the month lacks
    assert.deepEqual(failures('formatdate("YYYY", "2023-02-29T00:00:00Z")'), ['Call to function "formatdate" failed: not a valid RFC3339 timestamp: day out of range']);
    assert.equal(run('formatdate("YYYY-MM-DD", "2024-02-29T00:00:00Z")'), '2024-02-29');
  });

  it('computes network addresses as go-cty-funcs and go-cidr do', () => {
    // Expected values from Python's ipaddress on the same networks, and Terraform's documentation for
    // cidrsubnets (the same go-cty-funcs implementation).
    assert.equal(run('cidrhost("10.0.0.0/16", 5)'), '10.0.0.5');
    assert.equal(run('cidrhost("10.12.112.0/20", -1)'), '10.12.127.255');
    assert.equal(run('cidrhost("fd00:fd12:3456:7890::/56", 16)'), 'fd00:fd12:3456:7800::10');
    assert.equal(run('cidrnetmask("172.16.0.0/12")'), '255.240.0.0');
    assert.equal(run('cidrsubnet("10.0.0.0/16", 4, 2)'), '10.0.32.0/20');
    assert.equal(run('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)'), 'fd00:fd12:3456:7800:a200::/72');
    assert.deepEqual(run('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)'), ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']);
    assert.deepEqual(run('cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)'), ['fd00:fd12:3456:7800::/72', 'fd00:fd12:3456:7800:100::/72', 'fd00:fd12:3456:7800:200::/72', 'fd00:fd12:3456:7800:300::/88']);
    assert.deepEqual(failures('cidrhost("10.0.0.0/24", 256)'), ['Call to function "cidrhost" failed: prefix of 24 does not accommodate a host numbered 256']);
    assert.deepEqual(failures('cidrhost("10.0.0.256/24", 1)'), ['Call to function "cidrhost" failed: invalid CIDR expression: invalid CIDR address: 10.0.0.256/24']);
    assert.deepEqual(failures('cidrsubnets("10.0.0.0/30", 1, 1, 1)'), ['Call to function "cidrsubnets" failed: not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31']);
  });

  it('compares versions as Masterminds/semver does for semvercmp', () => {
    // buildx stdlib_test.go TestSemverCmp, and the rules of semver v3's constraints.go
    const cases: [string, string, boolean][] = [
      ['1.2.3', '>= 1.0.0', true],
      ['2.1.0', '< 2.0.0', false],
      ['3.22', '>= 3.20', true],
      // a prerelease matches only where the constraint names one
      ['1.2.3-beta', '>= 1.2.0', false],
      ['1.2.3-beta', '>= 1.2.3-alpha', true],
      ['1.9.0', '^1.2.3', true],
      ['2.0.0', '^1.2.3', false],
      ['0.2.9', '^0.2.3', true],
      ['0.3.0', '^0.2.3', false],
      ['1.2.9', '~1.2.3', true],
      ['1.3.0', '~1.2.3', false],
      ['1.4.5', '1.2 - 1.4.5', true],
      ['1.4.6', '1.2 - 1.4.5', false],
      ['2.0.0', '<1.0.0 || >=2.0.0', true],
      ['1.5.0', '>1.0, <1.4', false],
      ['1.3.7', '1.3.x', true],
      ['v1.3.7', '!=1.3.7', false],
    ];
    for (const [version, constraint, expected] of cases) assert.equal(run(`semvercmp("${version}", "${constraint}")`), expected, `${version} ${constraint}`);
    assert.deepEqual(failures('semvercmp("not-a-version", ">= 1.0.0")'), ['Call to function "semvercmp" failed: invalid semantic version']);
    assert.deepEqual(failures('semvercmp("1.2.3", "")'), ['Call to function "semvercmp" failed: improper constraint: ']);
  });

  it('decodes CSV, converts types, and refuses bytes as Bake does', () => {
    // go-cty stdlib/csv.go over Go's encoding/csv: the header names each row's attributes
    assert.deepEqual(run(String.raw`csvdecode("name,age\nAlice,30\nBob,40")`), [{ name: 'Alice', age: '30' }, { name: 'Bob', age: '40' }]);
    // quoted fields with commas, "" and a line break; CRLF read as LF; an empty line skipped
    assert.deepEqual(run(String.raw`csvdecode("a,b\r\n\"x, \"\"y\"\"\",\"multi\nline\"\n\n")`), [{ a: 'x, "y"', b: 'multi\nline' }]);
    // typeexpr ConvertFunc: the type is read, not evaluated; cty's conversions (string "1" is a bool)
    assert.equal(run('convert("42", number)'), 42);
    assert.deepEqual(run('convert(["a", 1, true], list(string))'), ['a', '1', 'true']);
    assert.deepEqual(run('convert(["b", "a", "b"], set(string))'), ['a', 'b']);
    assert.deepEqual(run('convert({a = 1, b = 2}, object({a = string, c = optional(number)}))'), { a: '1', c: null });
    assert.equal(run('convert("1", bool)'), true);
    // the same conversion wherever a bool is needed (hclsyntax ConditionalExpr, ForExpr)
    assert.equal(run('"1" ? "yes" : "no"'), 'yes');
    assert.deepEqual(run('[for v in ["a", "b"] : v if v == "a" ? "1" : "0"]'), ['a']);
    assert.deepEqual(failures(String.raw`csvdecode("a,b\n1,2,3")`), ['Call to function "csvdecode" failed: CSV parse error on line 2: record on line 2: wrong number of fields']);
    assert.deepEqual(failures('convert("True", bool)'), ['Call to function "convert" failed: a bool is required; to convert from string, use lowercase "true"']);
    assert.deepEqual(failures('convert("x", strin)'), ['Invalid type specification: The keyword "strin" is not a valid type specification.']);
    // cty stdlib/bytes.go: only a bytes value (which no Bake function makes) is accepted
    assert.deepEqual(failures('byteslen("Docker")'), ['Call to function "byteslen" failed: Invalid value for "buf" parameter: bytes required']);
  });

  it('propagates Unknown, keeping the first reason', () => {
    const u = new Unknown('first');
    const v = new Unknown('second');
    const variables = { u, v };
    const reason = (value: Value): string | undefined => (isUnknown(value) ? value.reason : undefined);
    assert.equal(reason(run('"x-${u}"', variables)), 'first');
    assert.equal(reason(run('"${u}${v}"', variables)), 'first');
    assert.equal(reason(run('"${v}-${u}"', variables)), 'second');
    assert.equal(reason(run('u + 1', variables)), 'first');
    assert.equal(reason(run('1 == u', variables)), 'first');
    assert.equal(reason(run('u ? 1 : 2', variables)), 'first');
    assert.equal(reason(run('join(",", ["a", u])', variables)), 'first');
    assert.equal(reason(run('upper(v)', variables)), 'second');
    assert.equal(reason(run('u.name', variables)), 'first');
    assert.ok(isUnknown(run('"built at ${timestamp()}"')));
    // Known structure around an unknown element stays known, as in cty.
    assert.equal(run('length([u, 1])', variables), 2);
    assert.ok(isUnknown((run('[u, 1]', variables) as readonly Value[])[0] ?? null));
    assert.equal(run('false && u', variables), false);
    assert.equal(run('true || u', variables), true);
  });

  it('reports errors as Unknown plus a diagnostic at the failing expression', () => {
    const check = (source: string, message: RegExp, at: string): void => {
      const diagnostics: HclDiagnostic[] = [];
      const value = evaluate(expr(source), scopeOf(), diagnostics);
      assert.ok(isUnknown(value), source);
      assert.equal(diagnostics.length, 1, source);
      assert.match(diagnostics[0]!.message, message);
      assert.equal(slice(source, diagnostics[0]!.span), at);
    };
    check('upper(missing)', /missing/, 'missing');
    check('"a" + nope(1)', /unknown function "nope"/, 'nope(1)');
    check('1 / 0', /zero/, '1 / 0');
    check('element([], 0)', /empty list/, 'element([], 0)');
    check('{a = 1}.b', /"b"/, '{a = 1}.b');
    check('[1, 2][5]', /out of range/, '[1, 2][5]');
    check('"x${[1]}"', /tuple/, '${[1]}');
    check('format("%d", 1.5)', /integer/, 'format("%d", 1.5)');
    check('{for v in ["a", "a"]: v => 1}', /Duplicate object key "a"/, 'v');
  });

  it('converts values to strings as HCL does', () => {
    assert.equal(valueToString('s'), 's');
    assert.equal(valueToString(42), '42');
    assert.equal(valueToString(0.5), '0.5');
    assert.equal(valueToString(1e21), '1000000000000000000000');
    assert.equal(valueToString(1e-7), '0.0000001');
    assert.equal(valueToString(false), 'false');
    assert.equal(valueToString(null), undefined);
    assert.equal(valueToString(['a']), undefined);
    assert.equal(valueToString(new Unknown('x')), undefined);
  });
});

// ---- errors ----

describe('hcl parser: error recovery', () => {
  it('keeps what comes before and after a broken attribute', () => {
    const text = [
      'variable "A" {',
      '  default = "a"',
      '}',
      'target "one" {',
      '  tags = ["x", "y"]',
      '  bad = [1, 2',
      '  context = "."',
      '}',
      'broken = = 3',
      'target "two" {',
      '  dockerfile = "Dockerfile"',
      '}',
      '',
    ].join('\n');
    const { body, diagnostics } = parseHcl(text);
    assert.deepEqual(
      body.items.map((item) => (item.kind === 'attribute' ? item.name : `${item.type} ${item.labels[0]?.value}`)),
      ['variable A', 'target one', 'broken', 'target two'],
    );
    const one = blocks(body, 'target')[0]!;
    assert.deepEqual(
      one.body.items.map((item) => (item.kind === 'attribute' ? `${item.name} = ${show(item.expr)}` : item.type)),
      ['tags = [tmpl("x"), tmpl("y")]', 'bad = [1, 2]', 'context = tmpl(".")'],
    );
    assert.equal(show(attribute(blocks(body, 'target')[1]!.body, 'dockerfile').expr), 'tmpl("Dockerfile")');
    assert.deepEqual(
      diagnostics.map((d) => [d.span.start, slice(text, d.span)]),
      [
        [text.indexOf('[1, 2'), '['],
        [text.indexOf('= = 3') + 2, '='],
      ],
    );
    assert.match(diagnostics[0]!.message, /Unclosed list/);
  });

  it('recovers from an unterminated string and an unterminated interpolation', () => {
    const text = 'a = "abc\nb = "${x\nc = 3\n';
    const { body, diagnostics } = parseHcl(text);
    assert.deepEqual(
      body.items.map((item) => (item.kind === 'attribute' ? `${item.name} = ${show(item.expr)}` : '')),
      ['a = tmpl("abc")', 'b = tmpl(${x})', 'c = 3'],
    );
    assert.equal(diagnostics.length, 2);
    assert.ok(diagnostics.every((d) => /Unterminated template string/.test(d.message)));
  });

  it('skips lines that are not HCL and reports them', () => {
    const text = 'a = 1\n@@@ what\n) oops\ntarget "t" {\n  = 2\n  b = 3\n}\n';
    const { body, diagnostics } = parseHcl(text);
    assert.equal(show(attribute(body, 'a').expr), '1');
    assert.equal(show(attribute(blocks(body)[0]!.body, 'b').expr), '3');
    assert.deepEqual(
      diagnostics.map((d) => slice(text, d.span)),
      ['@', '@', '@', ')', '='],
    );
  });

  it('reports extra text after a standalone expression', () => {
    const { expr: parsed, diagnostics } = parseHclExpression('1 + 2 3');
    assert.equal(show(parsed), '(+ 1 2)');
    assert.deepEqual(
      diagnostics.map((d) => d.span),
      [{ start: 6, end: 7 }],
    );
  });

  it('reports an unclosed block and an unterminated heredoc', () => {
    assert.match(parseHcl('target "a" {\n  x = 1\n').diagnostics[0]?.message ?? '', /Unclosed configuration block/);
    assert.match(parseHcl('x = <<EOT\nhello\n').diagnostics[0]?.message ?? '', /Unterminated heredoc/);
  });
});

// ---- properties ----

function assertSpansWithin(text: string): void {
  const { body, diagnostics } = parseHcl(text);
  for (const { what, span } of allSpans(body, diagnostics)) {
    if (!(span.start >= 0 && span.start <= span.end && span.end <= text.length)) {
      assert.fail(`${what} span ${span.start}-${span.end} is outside 0-${text.length} in ${JSON.stringify(text)}`);
    }
  }
  // Evaluation never throws either.
  const scope = scopeOf({ item: { name: 'n' }, TAG: 'latest' });
  for (const item of body.items) if (item.kind === 'attribute') evaluate(item.expr, scope, []);
}

const HCL_PIECES = [
  '{', '}', '[', ']', '(', ')', '"', '${', '%{', '~', '$${', '\\', '\\u00', '<<EOT\n', '<<-EOT\n', 'EOT', '\n', '\r\n',
  ' ', 'x', 'target', 'for', 'in', 'if', 'endif', 'else', 'endfor', '=', '==', '=>', ':', ',', '.', '*', '...', '?',
  '#', '//', '/*', '*/', '1', '2.5e3', '-', '!', '&&', '||', '<', 'é', '😀', 'a-b',
];

describe('hcl parser: properties', function () {
  this.timeout(60_000);
  it('never throws on arbitrary text, and keeps every span inside it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => assertSpansWithin(text)),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HCL_PIECES), { maxLength: 60 }), (pieces) => assertSpansWithin(pieces.join(''))),
      { numRuns: 2000 },
    );
  });

  it('reports nesting too deep to parse instead of overflowing the stack', () => {
    const deep = [
      `x = ${'('.repeat(5000)}1${')'.repeat(5000)}`,
      `x = ${'['.repeat(5000)}`,
      'a {\n'.repeat(5000),
      `x = ${'-'.repeat(5000)}1`,
      `x = ${'"${'.repeat(2000)}`,
      `x = ${'a ? b : '.repeat(5000)}c`,
    ];
    for (const text of deep) {
      const { diagnostics } = parseHcl(text);
      assert.ok(diagnostics.length > 0);
      assertSpansWithin(text);
    }
  });

  it('never throws on random mutations of a valid bake file', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...HCL_PIECES) }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let text = BAKE_FILE;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
          else if (m.kind === 'insert') text = text.slice(0, at) + m.piece + text.slice(at);
          else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
        }
        assertSpansWithin(text);
      }),
      { numRuns: 2500 },
    );
  });
});
