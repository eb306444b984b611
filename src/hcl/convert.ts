// Bake's convert(value, type) (buildx registers hcl/ext/typeexpr's ConvertFunc): the second argument is
// a type constraint read from the syntax, not evaluated (`convert("42", number)`,
// `convert(v, list(string))`), and the value is converted as go-cty's convert package does.

import type { Expr } from './ast';
import { asString, HclFunctionError, isObject, isTuple, makeObject, numberToString, parseNumber, typeName, Unknown, UnknownSignal, type Value } from './values';

export type HclType =
  | 'string'
  | 'number'
  | 'bool'
  | 'any'
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: HclType }
  | { readonly kind: 'tuple'; readonly elements: readonly HclType[] }
  | { readonly kind: 'object'; readonly attributes: ReadonlyMap<string, { readonly type: HclType; readonly optional: boolean }> };

function fail(message: string): never {
  throw new HclFunctionError(message);
}

const invalidType = (detail: string): never => fail(`Invalid type specification: ${detail}`);

/** A bare name: `string` in a type, `name` as an object key (which the parser reads as a literal). */
function keyword(expr: Expr): string | undefined {
  return expr.type === 'variable' ? expr.name : undefined;
}

function attributeName(key: Expr): string | undefined {
  return key.type === 'literal' && typeof key.value === 'string' ? key.value : undefined;
}

/** typeexpr.TypeConstraint: a primitive keyword, `any`, or a type constructor call. */
export function typeConstraint(expr: Expr): HclType {
  const word = keyword(expr);
  switch (word) {
    case 'bool':
    case 'string':
    case 'number':
    case 'any':
      return word;
    case 'list':
    case 'map':
    case 'set':
      return invalidType(`The ${word} type constructor requires one argument specifying the element type.`);
    case 'object':
      return invalidType('The object type constructor requires one argument specifying the attribute types and values as a map.');
    case 'tuple':
      return invalidType('The tuple type constructor requires one argument specifying the element types as a list.');
    case undefined:
      break;
    default:
      return invalidType(`The keyword ${JSON.stringify(word)} is not a valid type specification.`);
  }
  if (expr.type !== 'call' || expr.expandFinal) {
    return invalidType('A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).');
  }
  const name = expr.name;
  if (name === 'bool' || name === 'string' || name === 'number') return invalidType(`Primitive type keyword ${JSON.stringify(name)} does not expect arguments.`);
  if (name === 'any') return invalidType(`Type constraint keyword ${JSON.stringify(name)} does not expect arguments.`);
  const [argument] = expr.args;
  if (expr.args.length !== 1 || argument === undefined) {
    if (name === 'object') return invalidType('The object type constructor requires one argument specifying the attribute types and values as a map.');
    if (name === 'tuple') return invalidType('The tuple type constructor requires one argument specifying the element types as a list.');
    return invalidType(`The ${name} type constructor requires one argument specifying the element type.`);
  }
  switch (name) {
    case 'list':
    case 'set':
    case 'map':
      return { kind: name, element: typeConstraint(argument) };
    case 'tuple':
      if (argument.type !== 'tuple') return invalidType('Tuple type constructor requires a list of element types.');
      return { kind: 'tuple', elements: argument.items.map(typeConstraint) };
    case 'object': {
      if (argument.type !== 'object') return invalidType('Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.');
      const attributes = new Map<string, { type: HclType; optional: boolean }>();
      for (const item of argument.items) {
        const attribute = attributeName(item.key);
        if (attribute === undefined) return invalidType('Object constructor map keys must be attribute names.');
        if (attributes.has(attribute)) return invalidType('Object constructor map keys must be unique.');
        const value = item.value;
        if (value.type === 'call' && value.name === 'optional') {
          if (value.args.length !== 1) return invalidType(value.args.length === 0 ? 'Optional attribute modifier requires the attribute type as its argument.' : 'Optional attribute modifier expects only one argument: the attribute type.');
          attributes.set(attribute, { type: typeConstraint(value.args[0]!), optional: true });
        } else {
          attributes.set(attribute, { type: typeConstraint(value), optional: false });
        }
      }
      return { kind: 'object', attributes };
    }
    default:
      return invalidType(`Keyword ${JSON.stringify(name)} is not a valid type constructor.`);
  }
}

function typeLabel(type: HclType): string {
  if (typeof type === 'string') return type;
  if (type.kind === 'tuple') return 'tuple';
  if (type.kind === 'object') return 'object';
  return `${type.kind} of ${typeLabel(type.element)}`;
}

/** cty's primitive conversions, safe (number, bool → string) and unsafe (string → number, bool). */
function toPrimitive(value: Value, type: 'string' | 'number' | 'bool'): Value {
  if (typeof value === type) return value;
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return typeof value === 'number' ? numberToString(value) : String(value);
  if (typeof value === 'string') {
    if (type === 'number') return parseNumber(value) ?? fail('a number is required');
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false') fail(`a bool is required; to convert from string, use lowercase "${lower}"`);
    return fail('a bool is required');
  }
  return fail(`${type} required`);
}

/** Elements of a list, set or map of `any` take one type: mixed primitives become strings, as cty unifies them. */
function unify(values: readonly Value[], what: string): Value[] {
  const kinds = new Set(values.filter((v) => v !== null).map((v) => (isTuple(v) ? 'tuple' : isObject(v) ? 'object' : typeof v)));
  if (kinds.size <= 1) return [...values];
  if ([...kinds].every((k) => k === 'string' || k === 'number' || k === 'boolean')) return values.map((v) => (v === null ? null : asString(v)));
  return fail(`all ${what} must have the same type`);
}

/** convert.Convert: `value` as a value of `type`, or the error cty gives. */
export function convertValue(value: Value, type: HclType): Value {
  if (value instanceof Unknown) throw new UnknownSignal(value);
  if (type === 'any' || value === null) return value;
  if (typeof type === 'string') return toPrimitive(value, type);
  switch (type.kind) {
    case 'list':
    case 'set': {
      if (!isTuple(value)) return fail(`${typeLabel(type)} required`);
      const items = unify(
        value.map((v) => convertValue(v, type.element)),
        `${type.kind} elements`,
      );
      if (type.kind === 'list') return items;
      // A set: no duplicates, in cty's order for primitives (lexical strings, numeric numbers).
      const unique = items.filter((v, i) => items.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) === i);
      if (unique.every((v) => typeof v === 'string')) return (unique as string[]).sort();
      if (unique.every((v) => typeof v === 'number')) return (unique as number[]).sort((a, b) => a - b);
      return unique;
    }
    case 'map': {
      if (!isObject(value)) return fail(`${typeLabel(type)} required`);
      const keys = Object.keys(value);
      const converted = unify(
        keys.map((k) => convertValue(value[k] ?? null, type.element)),
        'map elements',
      );
      return makeObject(keys.map((k, i) => [k, converted[i] ?? null]));
    }
    case 'tuple':
      if (!isTuple(value) || value.length !== type.elements.length) return fail(`tuple required${isTuple(value) ? ` with ${type.elements.length} elements` : ''}`);
      return value.map((v, i) => convertValue(v, type.elements[i]!));
    case 'object': {
      if (!isObject(value)) return fail(`object required, not ${typeName(value)}`);
      const entries: [string, Value][] = [];
      for (const [name, attribute] of type.attributes) {
        const present = Object.prototype.hasOwnProperty.call(value, name);
        if (!present && !attribute.optional) fail(`attribute ${JSON.stringify(name)} is required`);
        entries.push([name, present ? convertValue(value[name] ?? null, attribute.type) : null]);
      }
      return makeObject(entries);
    }
  }
}
