// Values of the HCL information model as plain JavaScript data, with the conversions cty applies
// implicitly (number ↔ string, "true"/"false" ↔ bool) and cty's equality.
//
// Tuples, lists and sets are all arrays; objects and maps are plain objects. `Unknown` stands for a value
// that cannot be known statically, the way cty's unknown values do.

/** A value that cannot be known statically (unset variable, timestamp(), an error). */
export class Unknown {
  constructor(readonly reason: string) {}
}

export type Value = string | number | boolean | null | Unknown | readonly Value[] | { readonly [key: string]: Value };

export type HclFunction = (args: readonly Value[]) => Value;

export type ObjectValue = { readonly [key: string]: Value };

/** Thrown by functions (standard or the caller's) to report a bad argument; becomes a diagnostic. */
export class HclFunctionError extends Error {}

/** Thrown by the conversions below on meeting an Unknown, so a function's result becomes that Unknown. */
export class UnknownSignal {
  constructor(readonly unknown: Unknown) {}
}

export function isUnknown(v: Value): v is Unknown {
  return v instanceof Unknown;
}

export function isTuple(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

export function isObject(v: Value): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (isUnknown(v)) return 'unknown value';
  if (isTuple(v)) return 'tuple';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

const hasOwn = Object.prototype.hasOwnProperty;

export function hasKey(object: ObjectValue, key: string): boolean {
  return hasOwn.call(object, key);
}

export function getKey(object: ObjectValue, key: string): Value | undefined {
  return hasOwn.call(object, key) ? object[key] : undefined;
}

/** Builds an object; `__proto__` becomes an ordinary key instead of changing the prototype. */
export function makeObject(entries: Iterable<readonly [string, Value]>): ObjectValue {
  const object: Record<string, Value> = {};
  for (const [key, value] of entries) {
    if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  }
  return object;
}

/** cty iterates objects in lexical order of their keys. */
export function sortedKeys(object: ObjectValue): string[] {
  return Object.keys(object).sort(compareStrings);
}

/** Orders strings by code point, as Go compares UTF-8 strings byte by byte. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/**
 * A number as cty converts it to a string: the shortest decimal that round-trips, never in exponent form
 * (`1e21` → "1000000000000000000000", `1e-7` → "0.0000001").
 */
export function numberToString(n: number): string {
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const integerPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const digits = integerPart + (dot < 0 ? '' : mantissa.slice(dot + 1));
  const point = integerPart.length + exponent;
  let result: string;
  if (point <= 0) result = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) result = digits + '0'.repeat(point - digits.length);
  else result = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${result}` : result;
}

/** Strings as-is, numbers and bools converted as HCL does, else undefined. */
export function valueToString(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? numberToString(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

const NUMBER_SYNTAX = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A string holding a decimal number, as cty accepts when converting a string to a number. */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER_SYNTAX.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

// ---- conversions that throw, for use inside functions and operators ----

function unknownCheck(v: Value): void {
  if (v instanceof Unknown) throw new UnknownSignal(v);
}

export function asString(v: Value, what = 'value'): string {
  unknownCheck(v);
  const text = valueToString(v);
  if (text === undefined) throw new HclFunctionError(`${what} must be a string, not ${typeName(v)}`);
  return text;
}

export function asNumber(v: Value, what = 'value'): number {
  unknownCheck(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseNumber(v);
    if (n !== undefined) return n;
    throw new HclFunctionError(`${what} must be a number, and ${JSON.stringify(v)} is not a number`);
  }
  throw new HclFunctionError(`${what} must be a number, not ${typeName(v)}`);
}

export function asInteger(v: Value, what = 'value'): number {
  const n = asNumber(v, what);
  if (!Number.isInteger(n)) throw new HclFunctionError(`${what} must be a whole number, not ${numberToString(n)}`);
  return n;
}

export function asBool(v: Value, what = 'value'): boolean {
  unknownCheck(v);
  if (typeof v === 'boolean') return v;
  // cty's string → bool conversion (convert/conversion_primitive.go) takes "1" and "0" too.
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new HclFunctionError(`${what} must be a bool, not ${typeName(v)}`);
}

export function asTuple(v: Value, what = 'value'): readonly Value[] {
  unknownCheck(v);
  if (isTuple(v)) return v;
  throw new HclFunctionError(`${what} must be a list, not ${typeName(v)}`);
}

export function asObject(v: Value, what = 'value'): ObjectValue {
  unknownCheck(v);
  if (isObject(v)) return v;
  throw new HclFunctionError(`${what} must be an object or map, not ${typeName(v)}`);
}

/** Whether a value, or anything inside it, is unknown; returns the first Unknown found. */
export function findUnknown(v: Value): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (isTuple(v)) {
    for (const item of v) {
      const found = findUnknown(item);
      if (found) return found;
    }
  } else if (isObject(v)) {
    for (const key in v) {
      const found = findUnknown(v[key] ?? null);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * cty equality: values of different types are unequal (no conversion), collections compare deeply, and an
 * unknown part makes the answer unknown unless some other part already settles it as false.
 */
export function valuesEqual(a: Value, b: Value): boolean | Unknown {
  if (a instanceof Unknown) return a;
  if (b instanceof Unknown) return b;
  if (a === null || b === null) return a === b;
  if (isTuple(a) || isTuple(b)) {
    if (!isTuple(a) || !isTuple(b) || a.length !== b.length) return false;
    let unknown: Unknown | undefined;
    for (let i = 0; i < a.length; i++) {
      const equal = valuesEqual(a[i] ?? null, b[i] ?? null);
      if (equal === false) return false;
      if (equal instanceof Unknown) unknown ??= equal;
    }
    return unknown ?? true;
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    let unknown: Unknown | undefined;
    for (const key of keys) {
      if (!hasKey(b, key)) return false;
      const equal = valuesEqual(a[key] ?? null, b[key] ?? null);
      if (equal === false) return false;
      if (equal instanceof Unknown) unknown ??= equal;
    }
    return unknown ?? true;
  }
  return a === b;
}
