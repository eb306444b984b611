// Evaluates HCL expressions to values, following the semantics the spec gives each expression type and
// the conversions of cty (the type system HCL and Docker Bake use).
//
// Evaluation never throws: an error yields an `Unknown` plus a diagnostic at the expression, and anything
// computed from an Unknown is Unknown too (keeping the first reason), so one bad or dynamic value does not
// hide the rest of the file.

import type { Expr, HclDiagnostic, Span, TemplatePart } from './ast';
import { convertValue, typeConstraint, type HclType } from './convert';
import { canFunction, convertFunction, tryFunction } from './functions';
import {
  asBool,
  asNumber,
  asString,
  getKey,
  isObject,
  isTuple,
  makeObject,
  numberToString,
  sortedKeys,
  typeName,
  Unknown,
  UnknownSignal,
  valuesEqual,
  type HclFunction,
  type Value,
} from './values';

export { standardFunctions } from './functions';
export { HclFunctionError, Unknown, isUnknown, valueToString } from './values';
export type { HclFunction, Value } from './values';

export interface Scope {
  readonly variables: ReadonlyMap<string, Value>;
  readonly functions: ReadonlyMap<string, HclFunction>;
  readonly parent?: Scope;
}

const NO_FUNCTIONS: ReadonlyMap<string, HclFunction> = new Map();

/** A failure inside evaluation, carried up to the expression that reports it. */
class EvaluationError extends Error {}

function lookupVariable(scope: Scope | undefined, name: string): Value | undefined {
  for (let s = scope; s !== undefined; s = s.parent) {
    const value = s.variables.get(name);
    if (value !== undefined || s.variables.has(name)) return value ?? null;
  }
  return undefined;
}

function lookupFunction(scope: Scope | undefined, name: string): HclFunction | undefined {
  for (let s = scope; s !== undefined; s = s.parent) {
    const fn = s.functions.get(name);
    if (fn !== undefined) return fn;
  }
  return undefined;
}

function childScope(parent: Scope, variables: Map<string, Value>): Scope {
  return { variables, functions: NO_FUNCTIONS, parent };
}

/** The key/value pairs a for-expression or `%{ for }` visits: tuples by index, objects by sorted key. */
function iterationPairs(collection: Value): [Value, Value][] {
  if (isTuple(collection)) return collection.map((value, index) => [index, value]);
  if (isObject(collection)) return sortedKeys(collection).map((key) => [key, collection[key] ?? null]);
  throw new EvaluationError(`Iteration over non-iterable value: a ${typeName(collection)} cannot be iterated`);
}

function arithmetic(op: string, left: Value, right: Value): Value {
  if (op === '==' || op === '!=') {
    const equal = valuesEqual(left, right);
    if (equal instanceof Unknown) return equal;
    return op === '==' ? equal : !equal;
  }
  if (op === '&&' || op === '||') {
    const a = asBool(left, 'left operand');
    const b = asBool(right, 'right operand');
    return op === '&&' ? a && b : a || b;
  }
  const a = asNumber(left, 'left operand');
  const b = asNumber(right, 'right operand');
  let result: number;
  switch (op) {
    case '+':
      result = a + b;
      break;
    case '-':
      result = a - b;
      break;
    case '*':
      result = a * b;
      break;
    case '/':
      if (b === 0) throw new EvaluationError('Division by zero');
      result = a / b;
      break;
    case '%':
      if (b === 0) throw new EvaluationError('Modulo by zero');
      result = a % b;
      break;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    default:
      throw new EvaluationError(`Unsupported operator "${op}"`);
  }
  if (!Number.isFinite(result)) throw new EvaluationError('Arithmetic result is not a finite number');
  return result;
}

/** A binary operator applied to two evaluated operands. */
function applyBinaryOperator(op: string, left: Value, right: Value): Value {
  if (left instanceof Unknown) return left;
  if (right instanceof Unknown) return right;
  return arithmetic(op, left, right);
}

class Evaluator {
  constructor(private readonly diagnostics: HclDiagnostic[] | undefined) {}

  private fail(span: Span, message: string): Unknown {
    this.diagnostics?.push({ span, message });
    return new Unknown(message);
  }

  /** Runs a computation that may throw, turning errors into diagnostics and Unknown signals into values. */
  private attempt(span: Span, compute: () => Value, prefix = ''): Value {
    try {
      return compute();
    } catch (error) {
      if (error instanceof UnknownSignal) return error.unknown;
      const message = error instanceof Error ? error.message : String(error);
      return this.fail(span, prefix + message);
    }
  }

  evaluate(expr: Expr, scope: Scope): Value {
    switch (expr.type) {
      case 'literal':
        return expr.value;
      case 'template':
        return this.template(expr.parts, scope);
      case 'variable': {
        const value = lookupVariable(scope, expr.name);
        if (value === undefined) return this.fail(expr.span, `Unknown variable: there is no variable named "${expr.name}"`);
        return value;
      }
      case 'getattr': {
        const object = this.evaluate(expr.object, scope);
        return this.getAttribute(object, expr.name, expr.span);
      }
      case 'index': {
        const object = this.evaluate(expr.object, scope);
        const key = this.evaluate(expr.key, scope);
        return this.index(object, key, expr.span);
      }
      case 'splat':
        return this.splat(expr, scope);
      case 'call':
        return this.call(expr, scope);
      case 'tuple':
        return expr.items.map((item) => this.evaluate(item, scope));
      case 'object':
        return this.object(expr, scope);
      case 'forTuple':
      case 'forObject':
        return this.forExpression(expr, scope);
      case 'conditional': {
        const cond = this.evaluate(expr.cond, scope);
        if (cond instanceof Unknown) return cond;
        let chosen: boolean;
        try {
          chosen = asBool(cond, 'condition');
        } catch (error) {
          return this.fail(expr.cond.span, `Incorrect condition type: ${error instanceof Error ? error.message : String(error)}`);
        }
        // Only the chosen branch is evaluated, so `length(l) > 0 ? l[0] : ""` does not fail.
        return this.evaluate(chosen ? expr.then : expr.else, scope);
      }
      case 'binary':
        return this.binary(expr, scope);
      case 'unary': {
        const operand = this.evaluate(expr.operand, scope);
        if (operand instanceof Unknown) return operand;
        return this.attempt(expr.span, () => (expr.op === '!' ? !asBool(operand, 'operand') : -asNumber(operand, 'operand')), 'Invalid operand: ');
      }
      case 'paren':
        return this.evaluate(expr.expr, scope);
      case 'invalid':
        // The parser has reported it already.
        return new Unknown('invalid expression');
    }
  }

  private binary(expr: Extract<Expr, { type: 'binary' }>, scope: Scope): Value {
    const left = this.evaluate(expr.left, scope);
    if (expr.op === '&&' || expr.op === '||') {
      // A known left operand that settles the answer short-circuits, as in current HCL.
      const decisive = expr.op === '||';
      if (left === decisive) return decisive;
      const right = this.evaluate(expr.right, scope);
      if (right === decisive) return decisive;
      return this.attempt(expr.span, () => applyBinaryOperator(expr.op, left, right), 'Invalid operand: ');
    }
    const right = this.evaluate(expr.right, scope);
    return this.attempt(expr.span, () => applyBinaryOperator(expr.op, left, right), expr.op === '/' || expr.op === '%' ? '' : 'Invalid operand: ');
  }

  private getAttribute(object: Value, name: string, span: Span): Value {
    if (object instanceof Unknown) return object;
    if (object === null) return this.fail(span, `Attempt to get attribute "${name}" from a null value`);
    if (!isObject(object)) return this.fail(span, `Unsupported attribute: a ${typeName(object)} has no attribute "${name}"`);
    const value = getKey(object, name);
    if (value === undefined) return this.fail(span, `Unsupported attribute: this object does not have an attribute named "${name}"`);
    return value;
  }

  private index(object: Value, key: Value, span: Span): Value {
    if (object instanceof Unknown) return object;
    if (key instanceof Unknown) return key;
    if (object === null) return this.fail(span, 'Attempt to index a null value');
    if (key === null) return this.fail(span, 'Invalid index: the key must not be null');
    if (isTuple(object)) {
      let position: number;
      try {
        position = asNumber(key, 'index');
      } catch {
        return this.fail(span, `Invalid index: a list index must be a number, not ${typeName(key)}`);
      }
      if (!Number.isInteger(position)) return this.fail(span, `Invalid index: a list index must be a whole number, not ${numberToString(position)}`);
      const value = object[position];
      if (position < 0 || value === undefined) {
        return this.fail(span, `Invalid index: index ${position} is out of range for a list of ${object.length} elements`);
      }
      return value;
    }
    if (isObject(object)) {
      let name: string;
      try {
        name = asString(key, 'key');
      } catch {
        return this.fail(span, `Invalid index: an object key must be a string, not ${typeName(key)}`);
      }
      const value = getKey(object, name);
      if (value === undefined) return this.fail(span, `Invalid index: the object does not have an element with the key "${name}"`);
      return value;
    }
    return this.fail(span, `Invalid index: a ${typeName(object)} cannot be indexed`);
  }

  private splat(expr: Extract<Expr, { type: 'splat' }>, scope: Scope): Value {
    const object = this.evaluate(expr.object, scope);
    if (object instanceof Unknown) return object;
    // A splat over a single value treats it as a list of one, and over null as an empty list.
    const elements = object === null ? [] : isTuple(object) ? object : [object];
    const keys = expr.each.map((step) => (step.kind === 'index' ? this.evaluate(step.key, scope) : null));
    return elements.map((element) => {
      let value = element;
      expr.each.forEach((step, i) => {
        value = step.kind === 'attr' ? this.getAttribute(value, step.name, expr.span) : this.index(value, keys[i] ?? null, expr.span);
      });
      return value;
    });
  }

  private object(expr: Extract<Expr, { type: 'object' }>, scope: Scope): Value {
    const entries: [string, Value][] = [];
    for (const item of expr.items) {
      const key = this.evaluate(item.key, scope);
      if (key instanceof Unknown) {
        // Without the key the object's shape is unknown; still evaluate the rest for its diagnostics.
        for (const rest of expr.items) if (rest !== item) this.evaluate(rest.value, scope);
        return key;
      }
      const name = typeof key === 'string' ? key : key === null || typeof key === 'object' ? undefined : String(key);
      if (name === undefined) return this.fail(item.key.span, `Invalid object key: a key must be a string, not ${typeName(key)}`);
      entries.push([name, this.evaluate(item.value, scope)]);
    }
    return makeObject(entries);
  }

  private forExpression(expr: Extract<Expr, { type: 'forTuple' | 'forObject' }>, scope: Scope): Value {
    const collection = this.evaluate(expr.collection, scope);
    if (collection instanceof Unknown) return collection;
    if (collection === null) return this.fail(expr.collection.span, 'Iteration over null value');
    let pairs: [Value, Value][];
    try {
      pairs = iterationPairs(collection);
    } catch (error) {
      return this.fail(expr.collection.span, error instanceof Error ? error.message : String(error));
    }
    const tupleItems: Value[] = [];
    const objectItems = new Map<string, Value>();
    const groups = new Map<string, Value[]>();
    for (const [key, value] of pairs) {
      const variables = new Map<string, Value>();
      if (expr.keyVar !== undefined) variables.set(expr.keyVar, key);
      variables.set(expr.valueVar, value);
      const inner = childScope(scope, variables);
      if (expr.cond !== undefined) {
        const cond = this.evaluate(expr.cond, inner);
        if (cond instanceof Unknown) return cond;
        let include: boolean;
        try {
          include = asBool(cond, 'condition');
        } catch {
          return this.fail(expr.cond.span, `Invalid "for" condition: the condition must be a bool, not ${typeName(cond)}`);
        }
        if (!include) continue;
      }
      if (expr.type === 'forTuple') {
        tupleItems.push(this.evaluate(expr.value, inner));
        continue;
      }
      const keyValue = this.evaluate(expr.key, inner);
      if (keyValue instanceof Unknown) return keyValue;
      if (keyValue === null || typeof keyValue === 'object') {
        return this.fail(expr.key.span, `Invalid object key: a key must be a string, not ${typeName(keyValue)}`);
      }
      const name = typeof keyValue === 'string' ? keyValue : String(keyValue);
      const item = this.evaluate(expr.value, inner);
      if (expr.group) {
        const group = groups.get(name);
        if (group) group.push(item);
        else groups.set(name, [item]);
      } else {
        if (objectItems.has(name)) {
          return this.fail(expr.key.span, `Duplicate object key "${name}": use "..." after the value to group values by key`);
        }
        objectItems.set(name, item);
      }
    }
    if (expr.type === 'forTuple') return tupleItems;
    return makeObject(expr.group ? groups : objectItems);
  }

  private call(expr: Extract<Expr, { type: 'call' }>, scope: Scope): Value {
    const fn = lookupFunction(scope, expr.name);
    if (fn === undefined) return this.fail(expr.span, `Call to unknown function "${expr.name}"`);
    if (fn === tryFunction || fn === canFunction) return this.tryOrCan(expr, scope, fn === canFunction);
    if (fn === convertFunction) return this.convert(expr, scope);

    const args = expr.args.map((arg) => this.evaluate(arg, scope));
    if (expr.expandFinal) {
      const last = args.pop() ?? null;
      if (last instanceof Unknown) return last;
      if (!isTuple(last)) {
        return this.fail(expr.span, `Invalid expanding argument value: the argument after "..." must be a list, not ${typeName(last)}`);
      }
      args.push(...last);
    }
    // Like cty functions, which return unknown for any unknown argument.
    for (const arg of args) if (arg instanceof Unknown) return arg;
    return this.attempt(
      expr.span,
      () => {
        const result = fn(args);
        return result === undefined ? null : result;
      },
      `Call to function "${expr.name}" failed: `,
    );
  }

  /** `try(a, b, …)` returns the first argument that evaluates without errors; `can(a)` whether it does. */
  private tryOrCan(expr: Extract<Expr, { type: 'call' }>, scope: Scope, isCan: boolean): Value {
    if (isCan && expr.args.length !== 1) return this.fail(expr.span, 'Call to function "can" failed: exactly one argument is required');
    for (const arg of expr.args) {
      const local: HclDiagnostic[] = [];
      const value = new Evaluator(local).evaluate(arg, scope);
      if (local.length === 0) return isCan ? (value instanceof Unknown ? value : true) : value;
    }
    if (isCan) return false;
    return this.fail(expr.span, 'Call to function "try" failed: no expression succeeded');
  }

  /** `convert(value, type)`: the type is read from the syntax (typeexpr), not evaluated. */
  private convert(expr: Extract<Expr, { type: 'call' }>, scope: Scope): Value {
    const [valueExpr, typeExpr] = expr.args;
    if (expr.args.length !== 2 || !valueExpr || !typeExpr) return this.fail(expr.span, 'Call to function "convert" failed: exactly two arguments are required');
    let type: HclType;
    try {
      type = typeConstraint(typeExpr);
    } catch (error) {
      return this.fail(typeExpr.span, error instanceof Error ? error.message : String(error));
    }
    const value = this.evaluate(valueExpr, scope);
    return this.attempt(expr.span, () => convertValue(value, type), 'Call to function "convert" failed: ');
  }

  /** A template's string, except that a lone `${ expr }` yields the value itself (spec: unwrapping). */
  private template(parts: readonly TemplatePart[], scope: Scope): Value {
    const only = parts[0];
    if (parts.length === 1 && only?.type === 'interp') return this.evaluate(only.expr, scope);
    const state = { text: '', unknown: undefined as Unknown | undefined };
    this.templateParts(parts, scope, state);
    return state.unknown ?? state.text;
  }

  private templateParts(parts: readonly TemplatePart[], scope: Scope, state: { text: string; unknown: Unknown | undefined }): void {
    for (const part of parts) {
      switch (part.type) {
        case 'text':
          state.text += part.value;
          break;
        case 'interp': {
          const value = this.evaluate(part.expr, scope);
          this.appendValue(value, part.span, state);
          break;
        }
        case 'if': {
          const cond = this.evaluate(part.cond, scope);
          if (cond instanceof Unknown) {
            state.unknown ??= cond;
            break;
          }
          let chosen: boolean;
          try {
            chosen = asBool(cond, 'condition');
          } catch (error) {
            state.unknown ??= this.fail(part.cond.span, `Invalid "if" condition: ${error instanceof Error ? error.message : String(error)}`);
            break;
          }
          this.templateParts(chosen ? part.then : (part.else ?? []), scope, state);
          break;
        }
        case 'for': {
          const collection = this.evaluate(part.collection, scope);
          if (collection instanceof Unknown) {
            state.unknown ??= collection;
            break;
          }
          let pairs: [Value, Value][];
          try {
            if (collection === null) throw new EvaluationError('Iteration over null value');
            pairs = iterationPairs(collection);
          } catch (error) {
            state.unknown ??= this.fail(part.collection.span, error instanceof Error ? error.message : String(error));
            break;
          }
          for (const [key, value] of pairs) {
            const variables = new Map<string, Value>();
            if (part.keyVar !== undefined) variables.set(part.keyVar, key);
            variables.set(part.valueVar, value);
            this.templateParts(part.body, childScope(scope, variables), state);
          }
          break;
        }
      }
    }
  }

  private appendValue(value: Value, span: Span, state: { text: string; unknown: Unknown | undefined }): void {
    if (value instanceof Unknown) {
      state.unknown ??= value;
      return;
    }
    if (value === null) {
      state.unknown ??= this.fail(span, 'Invalid template interpolation value: the expression result is null');
      return;
    }
    if (typeof value === 'object') {
      state.unknown ??= this.fail(span, `Invalid template interpolation value: cannot include a ${typeName(value)} in a string template`);
      return;
    }
    state.text += typeof value === 'number' ? numberToString(value) : String(value);
  }
}

/**
 * Evaluates an expression in a scope. Never throws: errors become Unknown plus a diagnostic with the
 * failing expression's span.
 */
export function evaluate(expr: Expr, scope: Scope, diagnostics?: HclDiagnostic[]): Value {
  try {
    return new Evaluator(diagnostics).evaluate(expr, scope);
  } catch (error) {
    // Only a bug (or a stack overflow on absurdly deep input) gets here; keep the promise not to throw.
    const message = error instanceof Error ? error.message : String(error);
    diagnostics?.push({ span: expr.span, message: `Evaluation failed: ${message}` });
    return new Unknown(message);
  }
}
