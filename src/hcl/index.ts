// HCL native syntax (as in docker-bake.hcl): parser, syntax tree and expression evaluator. Pure: no
// `vscode`, no I/O, no dependencies (Node's crypto for the hash functions).

export type { Attribute, Block, Body, Expr, HclDiagnostic, Span, TemplatePart } from './ast';
export { parseHcl, parseHclExpression } from './parser';
export { evaluate, standardFunctions, HclFunctionError, Unknown, isUnknown, valueToString } from './evaluate';
export type { HclFunction, Scope, Value } from './evaluate';
