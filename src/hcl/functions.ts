// The functions Docker Bake offers, exactly the list buildx registers (bake/hclparser/stdlib.go: go-cty's
// stdlib, go-cty-funcs, and a few of Bake's own), reimplemented with their semantics. Only the four whose
// result depends on the clock, randomness or the machine return Unknown: their value is not static.
//
// Arguments reach a function already evaluated and with no top-level Unknown (the evaluator returns that
// Unknown instead of calling). Unknowns nested in lists surface through the as*() conversions, which throw
// an UnknownSignal that the evaluator turns back into the Unknown.

import { cidrHost, cidrNetmask, cidrSubnet, cidrSubnets } from './cidr';
import { decodeBase64, hexHash, rsaDecrypt, uuidv5 } from './crypto';
import { csvDecode } from './csv';
import { formatDate, formatTimestamp, timeAdd, unixTimestampParse } from './datetime';
import { isSpaceCode } from './lexer';
import { semverCompare } from './semver';
import {
  asBool,
  asInteger,
  asNumber,
  asObject,
  asString,
  asTuple,
  compareStrings,
  findUnknown,
  getKey,
  hasKey,
  HclFunctionError,
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

function fail(message: string): never {
  throw new HclFunctionError(message);
}

function arity(args: readonly Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(`expected ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

function arg(args: readonly Value[], index: number): Value {
  return args[index] ?? null;
}

function notNull(v: Value, what: string): Value {
  if (v === null) fail(`${what} must not be null`);
  return v;
}

function unknownResult(reason: string): HclFunction {
  return () => new Unknown(reason);
}

// ---- text ----

let segmenter: Intl.Segmenter | null | undefined;

/** User-perceived characters (grapheme clusters), which cty counts for length, substr and format widths. */
function graphemes(text: string): string[] {
  if (/^[\x00-\x7f]*$/.test(text) && !text.includes('\r\n')) return text.split('');
  if (segmenter === undefined) segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter() : null;
  if (segmenter === null) return Array.from(text);
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

function trimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpaceCode(text.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Go's strings.Title: upper-cases each letter that follows a separator. */
function title(text: string): string {
  let result = '';
  let previousIsSeparator = true;
  for (const char of text) {
    result += previousIsSeparator ? char.toUpperCase() : char;
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) previousIsSeparator = !/[A-Za-z0-9_]/.test(char);
    else previousIsSeparator = !/[\p{L}\p{Nd}]/u.test(char) && isSpaceCode(code);
  }
  return result;
}

/** Go's url.QueryEscape. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function base64Encode(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64Decode(text: string): string {
  const bytes = decodeBase64(text);
  if (!bytes) return fail(`failed to decode base64 data '${text}'`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('the result of decoding the provided string is not valid UTF-8');
  }
}

/** Go's path.Clean, for dirname. */
function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
    } else {
      parts.push(part);
    }
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

function basename(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  return cleanPath(path.slice(0, path.lastIndexOf('/') + 1));
}

// ---- regular expressions (Go RE2 syntax, run as JavaScript RegExp) ----

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const regexCache = new Map<string, RegExp>();

/** Translates the RE2 features JavaScript spells differently: (?flags), (?P<name>), \z, \A, [[:alpha:]], \pL. */
function compileRegex(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return new RegExp(cached);
  let source = pattern;
  let flags = 'g';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    for (const flag of leading[1] ?? '') {
      if (flag === 'U') fail('invalid regular expression: the U (ungreedy) flag is not supported');
      if (!flags.includes(flag)) flags += flag;
    }
    source = source.slice(leading[0].length);
  }
  let translated = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'z') translated += '$(?![\\s\\S])';
      else if (next === 'A') translated += '^(?<![\\s\\S])';
      else if ((next === 'p' || next === 'P') && /[A-Za-z]/.test(source[i + 2] ?? '')) {
        translated += `\\${next}{${source[i + 2]}}`;
        i++;
      } else translated += c + next;
      i++;
    } else if (c === '(' && source.startsWith('(?P<', i)) {
      translated += '(?<';
      i += 3;
    } else if (c === '[' && source[i + 1] === ':') {
      const close = source.indexOf(':]', i + 2);
      const name = close < 0 ? undefined : source.slice(i + 2, close);
      const replacement = name === undefined ? undefined : POSIX_CLASSES[name];
      if (replacement === undefined) translated += c;
      else {
        translated += replacement;
        i = close + 1;
      }
    } else {
      translated += c;
    }
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(translated, `${flags}u`);
  } catch {
    try {
      compiled = new RegExp(translated, flags);
    } catch (error) {
      return fail(`invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (regexCache.size > 200) regexCache.clear();
  regexCache.set(pattern, compiled);
  return new RegExp(compiled);
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; a name is the longest run of word characters. */
function expandReplacement(template: string, match: RegExpMatchArray): string {
  let result = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      result += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      result += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (/^\w+$/.test(inner)) {
        name = inner;
        end = close;
      }
    } else {
      const word = /^\w+/.exec(template.slice(i + 1));
      if (word) {
        name = word[0];
        end = i + word[0].length;
      }
    }
    if (name === undefined) {
      result += '$';
      continue;
    }
    const group = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    result += group ?? '';
    i = end;
  }
  return result;
}

function regexReplace(text: string, pattern: string, replacement: string): string {
  const regex = compileRegex(pattern);
  let result = '';
  let last = 0;
  for (const match of text.matchAll(regex)) {
    const index = match.index ?? 0;
    result += text.slice(last, index) + expandReplacement(replacement, match);
    last = index + match[0].length;
  }
  return result + text.slice(last);
}

/** The value `regex` and `regexall` give for one match: the text, a tuple of groups, or an object of named groups. */
function matchResult(match: RegExpMatchArray): Value {
  const groupCount = match.length - 1;
  if (groupCount === 0) return match[0];
  const names = match.groups ? Object.keys(match.groups) : [];
  if (names.length === 0) return match.slice(1).map((group) => group ?? null);
  if (names.length !== groupCount) fail('invalid regular expression: cannot mix named and unnamed capture groups');
  return makeObject(names.map((name) => [name, match.groups?.[name] ?? null]));
}

// ---- numbers as Go's fmt prints them ----

function goExponent(n: number, precision: number | undefined, upper: boolean): string {
  const text = precision === undefined ? n.toExponential() : n.toExponential(precision);
  const [mantissa = '', exponent = '0'] = text.split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[-+]/, '').padStart(2, '0');
  return `${mantissa}${upper ? 'E' : 'e'}${sign}${digits}`;
}

/**
 * Go's %g on a big.Float: the shortest digits (or `precision` significant ones, trailing zeros dropped), in
 * exponent form when the exponent is below -4 or at least the precision (6 for the shortest form).
 */
function goGeneral(n: number, precision: number | undefined, upper: boolean): string {
  if (n === 0) return '0';
  const magnitude = Math.abs(n);
  const shortest = precision === undefined;
  const significant = Math.max(precision ?? 1, 1);
  const exponential = shortest ? magnitude.toExponential() : magnitude.toExponential(significant - 1);
  const [mantissa = '', exponentText = '0'] = exponential.split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '').replace(/(?<=.)0+$/, '');
  let exponentLimit = shortest ? 6 : significant;
  if (!shortest && exponentLimit > digits.length && digits.length >= exponent + 1) exponentLimit = digits.length;
  let text: string;
  if (exponent < -4 || exponent >= exponentLimit) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    text = `${digits[0]}${fraction}${upper ? 'E' : 'e'}${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  } else if (exponent < 0) {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  } else if (digits.length > exponent + 1) {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    text = digits + '0'.repeat(exponent + 1 - digits.length);
  }
  return n < 0 ? `-${text}` : text;
}

interface FormatVerb {
  raw: string;
  offset: number;
  verb: string;
  plus: boolean;
  minus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width: number | undefined;
  precision: number | undefined;
}

/** Widths and indents beyond this are refused rather than built: they only come from mistakes. */
const MAX_PADDING = 100_000;

function padWidth(verb: FormatVerb, text: string, numeric: boolean): string {
  if (verb.width === undefined) return text;
  if (verb.width > MAX_PADDING) fail(`the width in "${verb.raw}" is too large`);
  const length = graphemes(text).length;
  if (length >= verb.width) return text;
  const padding = verb.width - length;
  if (verb.minus) return text + ' '.repeat(padding);
  if (verb.zero) {
    // Go puts the zeros of a number after its sign.
    const signLength = numeric && /^[-+ ]/.test(text) ? 1 : 0;
    return text.slice(0, signLength) + '0'.repeat(padding) + text.slice(signLength);
  }
  return ' '.repeat(padding) + text;
}

function formatNumber(verb: FormatVerb, n: number): string {
  let body: string;
  const magnitude = Math.abs(n);
  switch (verb.verb) {
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X': {
      if (!Number.isInteger(n)) fail(`unsupported value for "${verb.raw}" at ${verb.offset}: an integer is required`);
      const base = verb.verb === 'b' ? 2 : verb.verb === 'd' ? 10 : verb.verb === 'o' ? 8 : 16;
      let digits = BigInt(magnitude).toString(base);
      if (verb.verb === 'X') digits = digits.toUpperCase();
      if (verb.precision !== undefined) digits = digits.padStart(verb.precision, '0');
      const prefix = verb.sharp ? ({ b: '0b', o: '0', x: '0x', X: '0X' } as Record<string, string>)[verb.verb] ?? '' : '';
      body = prefix + digits;
      break;
    }
    case 'e':
    case 'E':
      body = goExponent(magnitude, verb.precision ?? 6, verb.verb === 'E');
      break;
    case 'f':
      body = magnitude.toFixed(Math.min(verb.precision ?? 6, 100));
      break;
    default:
      body = goGeneral(magnitude, verb.precision, verb.verb === 'G');
  }
  const sign = n < 0 || Object.is(n, -0) ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
  return padWidth(verb, sign + body, true);
}

function formatValue(verb: FormatVerb, value: Value): string {
  if (verb.verb !== 'v' && value === null) fail(`unsupported value for "${verb.raw}" at ${verb.offset}: null value cannot be formatted`);
  switch (verb.verb) {
    case 'v':
      if (!verb.sharp && typeof value === 'string') return padWidth(verb, value, false);
      if (!verb.sharp && typeof value === 'number') return padWidth(verb, goGeneral(value, undefined, false), false);
      return padWidth(verb, jsonEncode(value), false);
    case 't':
      return padWidth(verb, String(asBool(value, `value for "${verb.raw}"`)), false);
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X':
    case 'e':
    case 'E':
    case 'f':
    case 'g':
    case 'G':
      return formatNumber(verb, asNumber(value, `value for "${verb.raw}"`));
    case 's':
    case 'q': {
      let text = asString(value, `value for "${verb.raw}"`);
      if (verb.precision !== undefined && verb.precision > 0) text = graphemes(text).slice(0, verb.precision).join('');
      return padWidth(verb, verb.verb === 'q' ? jsonString(text) : text, false);
    }
    default:
      return fail(`unsupported format verb "${verb.verb}" in "${verb.raw}" at offset ${verb.offset}`);
  }
}

/** cty's format(): printf-like verbs %v %#v %t %b %d %o %x %X %e %E %f %g %G %s %q %%, flags, width, precision, [n]. */
function format(spec: string, args: readonly Value[]): string {
  let result = '';
  let nextArg = 0;
  let highestUsed = 0;
  let i = 0;
  while (i < spec.length) {
    const percent = spec.indexOf('%', i);
    if (percent < 0) {
      result += spec.slice(i);
      break;
    }
    result += spec.slice(i, percent);
    i = percent + 1;
    if (spec[i] === '%') {
      result += '%';
      i++;
      continue;
    }
    const verb: FormatVerb = {
      raw: '',
      offset: percent,
      verb: '',
      plus: false,
      minus: false,
      space: false,
      zero: false,
      sharp: false,
      width: undefined,
      precision: undefined,
    };
    for (; i < spec.length; i++) {
      const flag = spec[i];
      if (flag === '+') verb.plus = true;
      else if (flag === '-') verb.minus = true;
      else if (flag === ' ') verb.space = true;
      else if (flag === '0') verb.zero = true;
      else if (flag === '#') verb.sharp = true;
      else break;
    }
    const index = /^\[([1-9]\d*)\]/.exec(spec.slice(i));
    if (index) {
      nextArg = Number(index[1]) - 1;
      i += index[0].length;
    }
    const width = /^[1-9]\d*/.exec(spec.slice(i));
    if (width) {
      verb.width = Number(width[0]);
      i += width[0].length;
    }
    if (spec[i] === '.') {
      const precision = /^\d*/.exec(spec.slice(i + 1))?.[0] ?? '';
      verb.precision = precision === '' ? 0 : Number(precision);
      i += 1 + precision.length;
    }
    const letter = spec[i];
    if (letter === undefined || !/[A-Za-z]/.test(letter)) {
      fail(letter === undefined ? `invalid format string starting at offset ${percent}` : `unrecognized format character "${letter}" at offset ${i}`);
    }
    i++;
    verb.verb = letter;
    verb.raw = spec.slice(percent, i);
    if (nextArg >= args.length) {
      fail(`not enough arguments for "${verb.raw}" at ${percent}: need index ${nextArg + 1} but have ${args.length} total`);
    }
    result += formatValue(verb, args[nextArg] ?? null);
    nextArg++;
    highestUsed = Math.max(highestUsed, nextArg);
  }
  if (highestUsed < args.length) {
    fail(highestUsed === 0 ? 'too many arguments; no verbs in format string' : `too many arguments; only ${highestUsed} used by format string`);
  }
  return result;
}

function formatList(args: readonly Value[]): Value {
  const spec = asString(arg(args, 0), 'format');
  const values = args.slice(1);
  let length = -1;
  values.forEach((value, i) => {
    if (!isTuple(value)) return;
    if (length >= 0 && value.length !== length) fail(`argument ${i + 2} has length ${value.length}, which is inconsistent with the other lists of length ${length}`);
    length = value.length;
  });
  if (length < 0) return [format(spec, values)];
  const results: Value[] = [];
  for (let row = 0; row < length; row++) {
    const rowArgs = values.map((value) => (isTuple(value) ? (value[row] ?? null) : value));
    const unknown = rowArgs.map(findUnknown).find((u) => u !== undefined);
    results.push(unknown ?? format(spec, rowArgs));
  }
  return results;
}

// ---- JSON ----

/** A JSON string as Go's encoder writes it (which escapes <, > and & too). */
function jsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function jsonEncode(value: Value): string {
  if (value instanceof Unknown) throw new UnknownSignal(value);
  if (value === null) return 'null';
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return String(value);
  if (isTuple(value)) return `[${value.map(jsonEncode).join(',')}]`;
  return `{${sortedKeys(value)
    .map((key) => `${jsonString(key)}:${jsonEncode(value[key] ?? null)}`)
    .join(',')}}`;
}

function fromJson(parsed: unknown): Value {
  if (parsed === null || typeof parsed === 'string' || typeof parsed === 'number' || typeof parsed === 'boolean') return parsed;
  if (Array.isArray(parsed)) return parsed.map(fromJson);
  if (typeof parsed === 'object') return makeObject(Object.entries(parsed).map(([key, v]) => [key, fromJson(v)]));
  return null;
}

// ---- collections ----

function distinct(values: readonly Value[]): Value[] {
  const result: Value[] = [];
  for (const value of values) {
    let seen = false;
    for (const existing of result) {
      const equal = valuesEqual(existing, value);
      if (equal instanceof Unknown) throw new UnknownSignal(equal);
      if (equal) {
        seen = true;
        break;
      }
    }
    if (!seen) result.push(value);
  }
  return result;
}

function contains(values: readonly Value[], wanted: Value): boolean {
  let unknown: Unknown | undefined;
  for (const value of values) {
    const equal = valuesEqual(value, wanted);
    if (equal === true) return true;
    if (equal instanceof Unknown) unknown ??= equal;
  }
  if (unknown) throw new UnknownSignal(unknown);
  return false;
}

/**
 * Mixed strings, numbers and bools unify to strings, as cty does for the elements of a list, set or map
 * (a number and a bool have no common type).
 */
function unifyPrimitives(values: readonly Value[], what: string): Value[] {
  const kinds = new Set(values.filter((v) => v !== null).map((v) => (typeof v === 'object' ? 'collection' : typeof v)));
  if (kinds.size <= 1 || kinds.has('collection')) return [...values];
  if (!kinds.has('string')) fail(`${what} must all have the same type`);
  return values.map((v) => (v === null ? null : asString(v)));
}

/** A cty set: distinct elements, strings in lexical and numbers in numeric order. */
function toSet(values: readonly Value[]): Value[] {
  for (const value of values) {
    const unknown = findUnknown(value);
    if (unknown) throw new UnknownSignal(unknown);
  }
  const elements = distinct(unifyPrimitives(values, 'set elements'));
  if (elements.every((v) => typeof v === 'string')) return (elements as string[]).sort(compareStrings);
  if (elements.every((v) => typeof v === 'number')) return (elements as number[]).sort((a, b) => a - b);
  if (elements.every((v) => typeof v === 'boolean')) return elements.sort((a, b) => Number(a) - Number(b));
  return elements;
}

function flatten(values: readonly Value[], into: Value[]): Value[] {
  for (const value of values) {
    if (value instanceof Unknown) throw new UnknownSignal(value);
    if (isTuple(value)) flatten(value, into);
    else into.push(value);
  }
  return into;
}

function lengthOf(value: Value): number {
  if (isTuple(value)) return value.length;
  if (isObject(value)) return Object.keys(value).length;
  if (typeof value === 'string') return graphemes(value).length;
  return fail(`argument must be a list, a map or a string, not ${typeName(value)}`);
}

function range(args: readonly Value[]): Value {
  arity(args, 1, 3);
  const numbers = args.map((a, i) => asNumber(a, `argument ${i + 1}`));
  let [start = 0, end = 0, step = 1] = numbers;
  if (numbers.length === 1) {
    end = start;
    start = 0;
    step = end < 0 ? -1 : 1;
  } else if (numbers.length === 2) {
    step = end < start ? -1 : 1;
  }
  if (step === 0) fail('step must not be zero');
  if (step < 0 && end > start) fail('end must be less than start when step is negative');
  if (step > 0 && end < start) fail('end must be greater than start when step is positive');
  const values: number[] = [];
  for (let n = start; step > 0 ? n < end : n > end; n += step) {
    if (values.length >= 1024) fail('more than 1024 values were generated; either decrease the difference between start and end or use a smaller step');
    values.push(n);
  }
  return values;
}

function parseInteger(text: string, base: number): number {
  if (!Number.isInteger(base) || base < 2 || base > 62) fail('base must be a whole number between 2 and 62 inclusive');
  const digitsAlphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let body = text;
  let sign = 1;
  if (body.startsWith('-') || body.startsWith('+')) {
    sign = body.startsWith('-') ? -1 : 1;
    body = body.slice(1);
  }
  if (body === '') fail(`cannot parse ${JSON.stringify(text)} as a base ${base} integer`);
  let result = 0;
  for (const char of body) {
    // Up to base 36 letters are case-insensitive, as in Go's big.Int.SetString.
    let digit = digitsAlphabet.indexOf(base <= 36 ? char.toLowerCase() : char);
    if (base <= 36 && digit >= 36) digit = -1;
    if (digit < 0 || digit >= base) fail(`cannot parse ${JSON.stringify(text)} as a base ${base} integer`);
    result = result * base + digit;
  }
  return sign * result;
}

function compareNumbers(op: (a: number, b: number) => boolean): HclFunction {
  return (args) => {
    arity(args, 2);
    return op(asNumber(arg(args, 0), 'a'), asNumber(arg(args, 1), 'b'));
  };
}

function numeric(op: (n: number) => number): HclFunction {
  return (args) => {
    arity(args, 1);
    return op(asNumber(arg(args, 0), 'num'));
  };
}

function finite(n: number): number {
  if (!Number.isFinite(n)) fail('the result is not a finite number');
  return n;
}

function stringFunction(op: (text: string) => string): HclFunction {
  return (args) => {
    arity(args, 1);
    return op(asString(notNull(arg(args, 0), 'str'), 'str'));
  };
}

// ---- the table ----

function indexOf(args: readonly Value[]): Value {
  arity(args, 2);
  const list = asTuple(arg(args, 0), 'list');
  for (const [i, item] of list.entries()) {
    const equal = valuesEqual(item, arg(args, 1));
    if (equal instanceof Unknown) return equal;
    if (equal) return i;
  }
  return fail('item not found');
}

/** Placeholders: the evaluator handles try() and can() itself, since they must see errors of their arguments. */
export const tryFunction: HclFunction = (args) => arg(args, 0);
export const canFunction: HclFunction = () => true;
/** Placeholder: the evaluator handles convert() itself, since its second argument is a type, not a value. */
export const convertFunction: HclFunction = (args) => arg(args, 0);

const functions: Record<string, HclFunction> = {
  // strings
  lower: stringFunction((s) => s.toLowerCase()),
  upper: stringFunction((s) => s.toUpperCase()),
  title: stringFunction(title),
  trimspace: stringFunction(trimSpace),
  chomp: stringFunction((s) => s.replace(/(?:\r\n?|\n)*$/, '')),
  strlen: (args) => {
    arity(args, 1);
    return graphemes(asString(notNull(arg(args, 0), 'str'), 'str')).length;
  },
  trimprefix: (args) => {
    arity(args, 2);
    const [text, prefix] = [asString(arg(args, 0), 'str'), asString(arg(args, 1), 'prefix')];
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  },
  trimsuffix: (args) => {
    arity(args, 2);
    const [text, suffix] = [asString(arg(args, 0), 'str'), asString(arg(args, 1), 'suffix')];
    return suffix !== '' && text.endsWith(suffix) ? text.slice(0, text.length - suffix.length) : text;
  },
  trim: (args) => {
    arity(args, 2);
    const chars = Array.from(asString(arg(args, 0), 'str'));
    const cutset = new Set(Array.from(asString(arg(args, 1), 'cutset')));
    let start = 0;
    let end = chars.length;
    while (start < end && cutset.has(chars[start] ?? '')) start++;
    while (end > start && cutset.has(chars[end - 1] ?? '')) end--;
    return chars.slice(start, end).join('');
  },
  replace: (args) => {
    arity(args, 3);
    const text = asString(arg(args, 0), 'str');
    const search = asString(arg(args, 1), 'substr');
    const replacement = asString(arg(args, 2), 'replace');
    // cty's replace, which Bake registers, is plain text only (Terraform's adds `/regex/`; Bake has regex_replace).
    if (search === '') return replacement + Array.from(text, (c) => c + replacement).join('');
    return text.split(search).join(replacement);
  },
  regex_replace: (args) => {
    arity(args, 3);
    return regexReplace(asString(arg(args, 0), 'str'), asString(arg(args, 1), 'pattern'), asString(arg(args, 2), 'replace'));
  },
  regex: (args) => {
    arity(args, 2);
    const regex = compileRegex(asString(arg(args, 0), 'pattern'));
    regex.lastIndex = 0;
    const match = regex.exec(asString(arg(args, 1), 'string'));
    if (match === null) return fail('pattern did not match any part of the given string');
    return matchResult(match);
  },
  regexall: (args) => {
    arity(args, 2);
    const regex = compileRegex(asString(arg(args, 0), 'pattern'));
    return Array.from(asString(arg(args, 1), 'string').matchAll(regex), matchResult);
  },
  split: (args) => {
    arity(args, 2);
    const separator = asString(arg(args, 0), 'separator');
    const text = asString(arg(args, 1), 'str');
    return separator === '' ? Array.from(text) : text.split(separator);
  },
  join: (args) => {
    arity(args, 2, Infinity);
    const separator = asString(arg(args, 0), 'separator');
    const items: string[] = [];
    args.slice(1).forEach((list, i) => {
      for (const item of asTuple(notNull(list, `list ${i + 1}`), `list ${i + 1}`)) {
        if (item === null) fail(`element ${items.length} is null; cannot concatenate null values`);
        items.push(asString(item, `element ${items.length}`));
      }
    });
    return items.join(separator);
  },
  format: (args) => {
    arity(args, 1, Infinity);
    for (const value of args) {
      const unknown = findUnknown(value);
      if (unknown) return unknown;
    }
    return format(asString(arg(args, 0), 'format'), args.slice(1));
  },
  formatlist: (args) => {
    arity(args, 1, Infinity);
    return formatList(args);
  },
  indent: (args) => {
    arity(args, 2);
    const spaces = asInteger(arg(args, 0), 'spaces');
    if (spaces > MAX_PADDING) fail('spaces is too large');
    return asString(arg(args, 1), 'str').replaceAll('\n', `\n${' '.repeat(Math.max(0, spaces))}`);
  },
  substr: (args) => {
    arity(args, 3);
    const chars = graphemes(asString(arg(args, 0), 'str'));
    let offset = asInteger(arg(args, 1), 'offset');
    const length = asInteger(arg(args, 2), 'length');
    if (offset < 0) offset = Math.max(0, offset + chars.length);
    if (offset >= chars.length || length === 0) return '';
    return (length < 0 ? chars.slice(offset) : chars.slice(offset, offset + length)).join('');
  },
  sanitize: stringFunction((s) => s.replace(/[^A-Za-z0-9_-]/gu, '_')),
  urlencode: stringFunction(queryEscape),
  md5: stringFunction((s) => hexHash('md5', s)),
  sha1: stringFunction((s) => hexHash('sha1', s)),
  sha256: stringFunction((s) => hexHash('sha256', s)),
  sha512: stringFunction((s) => hexHash('sha512', s)),
  uuidv5: (args) => {
    arity(args, 2);
    return uuidv5(asString(notNull(arg(args, 0), 'namespace'), 'namespace'), asString(notNull(arg(args, 1), 'name'), 'name'));
  },
  rsadecrypt: (args) => {
    arity(args, 2);
    return rsaDecrypt(asString(notNull(arg(args, 0), 'ciphertext'), 'ciphertext'), asString(notNull(arg(args, 1), 'privatekey'), 'privatekey'));
  },
  base64encode: stringFunction(base64Encode),
  base64decode: stringFunction(base64Decode),
  basename: stringFunction(basename),
  dirname: stringFunction(dirname),

  // collections
  concat: (args) => {
    arity(args, 1, Infinity);
    return args.flatMap((list, i) => asTuple(notNull(list, `argument ${i + 1}`), `argument ${i + 1}`));
  },
  contains: (args) => {
    arity(args, 2);
    return contains(asTuple(arg(args, 0), 'list'), arg(args, 1));
  },
  coalesce: (args) => {
    arity(args, 1, Infinity);
    const present = args.filter((v) => v !== null);
    if (present.length === 0) fail('no non-null arguments');
    return unifyPrimitives(present, 'arguments')[0] ?? null;
  },
  coalescelist: (args) => {
    arity(args, 1, Infinity);
    for (const [i, list] of args.entries()) {
      if (list === null) continue;
      if (asTuple(list, `argument ${i + 1}`).length > 0) return list;
    }
    return fail('no non-null arguments');
  },
  compact: (args) => {
    arity(args, 1);
    const result: string[] = [];
    for (const item of asTuple(arg(args, 0), 'list')) {
      if (item === null) continue;
      const text = asString(item, 'element');
      if (text !== '') result.push(text);
    }
    return result;
  },
  length: (args) => {
    arity(args, 1);
    return lengthOf(notNull(arg(args, 0), 'argument'));
  },
  element: (args) => {
    arity(args, 2);
    const list = asTuple(arg(args, 0), 'list');
    const index = asInteger(arg(args, 1), 'index');
    if (list.length === 0) fail('cannot use element function with an empty list');
    if (index < 0) fail('cannot use element function with a negative index');
    return list[index % list.length] ?? null;
  },
  index: indexOf,
  indexof: indexOf,
  keys: (args) => {
    arity(args, 1);
    return sortedKeys(asObject(arg(args, 0), 'inputMap'));
  },
  values: (args) => {
    arity(args, 1);
    const object = asObject(arg(args, 0), 'inputMap');
    return sortedKeys(object).map((key) => object[key] ?? null);
  },
  lookup: (args) => {
    arity(args, 2, 3);
    const object = asObject(arg(args, 0), 'inputMap');
    const key = asString(arg(args, 1), 'key');
    const value = getKey(object, key);
    if (value !== undefined) return value;
    if (args.length === 3) return arg(args, 2);
    return fail(`the given key "${key}" does not exist in the map`);
  },
  merge: (args) => {
    const entries: [string, Value][] = [];
    args.forEach((value, i) => {
      if (value === null) return;
      const object = asObject(value, `argument ${i + 1}`);
      for (const key of Object.keys(object)) entries.push([key, object[key] ?? null]);
    });
    return makeObject(entries);
  },
  distinct: (args) => {
    arity(args, 1);
    return distinct(asTuple(arg(args, 0), 'list'));
  },
  flatten: (args) => {
    arity(args, 1);
    return flatten(asTuple(arg(args, 0), 'list'), []);
  },
  reverse: (args) => {
    arity(args, 1);
    const value = notNull(arg(args, 0), 'argument');
    // Bake's reverse() is cty's string reverse; lists are reversed too, as reverselist() does.
    if (isTuple(value)) return [...value].reverse();
    return graphemes(asString(value, 'str')).reverse().join('');
  },
  reverselist: (args) => {
    arity(args, 1);
    return [...asTuple(arg(args, 0), 'list')].reverse();
  },
  slice: (args) => {
    arity(args, 3);
    const list = asTuple(arg(args, 0), 'list');
    const start = asInteger(arg(args, 1), 'start_index');
    const end = asInteger(arg(args, 2), 'end_index');
    if (start < 0) fail('from index must be greater than or equal to 0');
    if (end > list.length) fail('to index must be less than or equal to the length of the input collection');
    if (start > end) fail('from index must be less than or equal to index');
    return list.slice(start, end);
  },
  sort: (args) => {
    arity(args, 1);
    return asTuple(arg(args, 0), 'list')
      .map((item) => asString(notNull(item, 'element'), 'element'))
      .sort(compareStrings);
  },
  hasindex: (args) => {
    arity(args, 2);
    const collection = notNull(arg(args, 0), 'collection');
    const key = arg(args, 1);
    if (isTuple(collection)) {
      const index = asNumber(key, 'key');
      return Number.isInteger(index) && index >= 0 && index < collection.length;
    }
    return hasKey(asObject(collection, 'collection'), asString(key, 'key'));
  },
  zipmap: (args) => {
    arity(args, 2);
    const keys = asTuple(arg(args, 0), 'keys');
    const values = asTuple(arg(args, 1), 'values');
    if (keys.length !== values.length) fail(`number of keys (${keys.length}) does not match number of values (${values.length})`);
    return makeObject(keys.map((key, i) => [asString(notNull(key, 'key'), 'key'), values[i] ?? null]));
  },
  chunklist: (args) => {
    arity(args, 2);
    const list = asTuple(arg(args, 0), 'list');
    const size = asInteger(arg(args, 1), 'size');
    if (size < 0) fail('the size argument must be positive');
    if (size === 0) return [list];
    const chunks: Value[] = [];
    for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
    return chunks;
  },
  range,

  // sets
  sethaselement: (args) => {
    arity(args, 2);
    return contains(asTuple(arg(args, 0), 'set'), arg(args, 1));
  },
  setunion: (args) => {
    arity(args, 1, Infinity);
    return toSet(args.flatMap((set, i) => asTuple(set, `set ${i + 1}`)));
  },
  setintersection: (args) => {
    arity(args, 1, Infinity);
    const sets = args.map((set, i) => toSet(asTuple(set, `set ${i + 1}`)));
    return toSet((sets[0] ?? []).filter((item) => sets.every((set) => contains(set, item))));
  },
  setsubtract: (args) => {
    arity(args, 2);
    const b = toSet(asTuple(arg(args, 1), 'b'));
    return toSet(asTuple(arg(args, 0), 'a').filter((item) => !contains(b, item)));
  },
  setsymmetricdifference: (args) => {
    arity(args, 1, Infinity);
    let result: Value[] = [];
    args.forEach((set, i) => {
      const next = toSet(asTuple(set, `set ${i + 1}`));
      result = [...result.filter((item) => !contains(next, item)), ...next.filter((item) => !contains(result, item))];
    });
    return toSet(result);
  },
  setproduct: (args) => {
    arity(args, 1, Infinity);
    let product: Value[][] = [[]];
    args.forEach((set, i) => {
      const items = asTuple(set, `set ${i + 1}`);
      if (product.length * items.length > 100_000) fail('the product has too many elements');
      product = product.flatMap((prefix) => items.map((item) => [...prefix, item]));
    });
    return product;
  },

  // numbers
  min: (args) => {
    if (args.length === 0) fail('must pass at least one number');
    return Math.min(...args.map((a) => asNumber(a, 'number')));
  },
  max: (args) => {
    if (args.length === 0) fail('must pass at least one number');
    return Math.max(...args.map((a) => asNumber(a, 'number')));
  },
  absolute: numeric(Math.abs),
  ceil: numeric(Math.ceil),
  floor: numeric(Math.floor),
  signum: numeric((n) => (n > 0 ? 1 : n < 0 ? -1 : 0)),
  negate: numeric((n) => -n),
  int: numeric(Math.trunc),
  pow: (args) => {
    arity(args, 2);
    return finite(asNumber(arg(args, 0), 'num') ** asNumber(arg(args, 1), 'power'));
  },
  log: (args) => {
    arity(args, 2);
    return finite(Math.log(asNumber(arg(args, 0), 'num')) / Math.log(asNumber(arg(args, 1), 'base')));
  },
  parseint: (args) => {
    arity(args, 2);
    return parseInteger(asString(arg(args, 0), 'number'), asNumber(arg(args, 1), 'base'));
  },
  add: (args) => {
    arity(args, 2);
    return finite(asNumber(arg(args, 0), 'a') + asNumber(arg(args, 1), 'b'));
  },
  subtract: (args) => {
    arity(args, 2);
    return finite(asNumber(arg(args, 0), 'a') - asNumber(arg(args, 1), 'b'));
  },
  multiply: (args) => {
    arity(args, 2);
    return finite(asNumber(arg(args, 0), 'a') * asNumber(arg(args, 1), 'b'));
  },
  divide: (args) => {
    arity(args, 2);
    const divisor = asNumber(arg(args, 1), 'b');
    if (divisor === 0) fail('divide by zero');
    return finite(asNumber(arg(args, 0), 'a') / divisor);
  },
  modulo: (args) => {
    arity(args, 2);
    const divisor = asNumber(arg(args, 1), 'b');
    if (divisor === 0) fail('modulo by zero');
    return finite(asNumber(arg(args, 0), 'a') % divisor);
  },

  // comparison and logic
  equal: (args) => {
    arity(args, 2);
    return valuesEqual(arg(args, 0), arg(args, 1));
  },
  notequal: (args) => {
    arity(args, 2);
    const equal = valuesEqual(arg(args, 0), arg(args, 1));
    return equal instanceof Unknown ? equal : !equal;
  },
  and: (args) => {
    arity(args, 2);
    return asBool(arg(args, 0), 'a') && asBool(arg(args, 1), 'b');
  },
  or: (args) => {
    arity(args, 2);
    return asBool(arg(args, 0), 'a') || asBool(arg(args, 1), 'b');
  },
  not: (args) => {
    arity(args, 1);
    return !asBool(arg(args, 0), 'val');
  },
  greaterthan: compareNumbers((a, b) => a > b),
  lessthan: compareNumbers((a, b) => a < b),
  greaterthanorequalto: compareNumbers((a, b) => a >= b),
  lessthanorequalto: compareNumbers((a, b) => a <= b),

  // encoding and conversion
  jsonencode: (args) => {
    arity(args, 1);
    return jsonEncode(arg(args, 0));
  },
  jsondecode: (args) => {
    arity(args, 1);
    try {
      return fromJson(JSON.parse(asString(arg(args, 0), 'str')));
    } catch (error) {
      if (error instanceof SyntaxError) return fail(`invalid JSON: ${error.message}`);
      throw error;
    }
  },
  csvdecode: (args) => {
    arity(args, 1);
    return csvDecode(asString(notNull(arg(args, 0), 'str'), 'str'));
  },
  convert: convertFunction,
  try: tryFunction,
  can: canFunction,

  // dates and times given to them
  formatdate: (args) => {
    arity(args, 2);
    return formatDate(asString(notNull(arg(args, 0), 'format'), 'format'), asString(notNull(arg(args, 1), 'time'), 'time'));
  },
  formattimestamp: (args) => {
    arity(args, 2);
    return formatTimestamp(asString(notNull(arg(args, 0), 'format'), 'format'), arg(args, 1));
  },
  timeadd: (args) => {
    arity(args, 2);
    return timeAdd(asString(notNull(arg(args, 0), 'timestamp'), 'timestamp'), asString(notNull(arg(args, 1), 'duration'), 'duration'));
  },
  unixtimestampparse: (args) => {
    arity(args, 1);
    return unixTimestampParse(asNumber(notNull(arg(args, 0), 'unix_timestamp'), 'unix_timestamp'));
  },

  // networks
  cidrhost: (args) => {
    arity(args, 2);
    return cidrHost(asString(notNull(arg(args, 0), 'prefix'), 'prefix'), asInteger(notNull(arg(args, 1), 'hostnum'), 'hostnum'));
  },
  cidrnetmask: stringFunction(cidrNetmask),
  cidrsubnet: (args) => {
    arity(args, 3);
    return cidrSubnet(asString(notNull(arg(args, 0), 'prefix'), 'prefix'), asInteger(notNull(arg(args, 1), 'newbits'), 'newbits'), asInteger(notNull(arg(args, 2), 'netnum'), 'netnum'));
  },
  cidrsubnets: (args) => {
    arity(args, 1, Infinity);
    return cidrSubnets(
      asString(notNull(arg(args, 0), 'prefix'), 'prefix'),
      args.slice(1).map((n, i) => asInteger(notNull(n, `newbits ${i + 1}`), `newbits ${i + 1}`)),
    );
  },

  semvercmp: (args) => {
    arity(args, 2);
    return semverCompare(asString(notNull(arg(args, 0), 'version'), 'version'), asString(notNull(arg(args, 1), 'constraint'), 'constraint'));
  },

  // No Bake function makes a bytes value (a cty capsule), so these can only refuse what they are given.
  byteslen: (args) => {
    arity(args, 1);
    return fail('Invalid value for "buf" parameter: bytes required');
  },
  bytesslice: (args) => {
    arity(args, 3);
    return fail('Invalid value for "buf" parameter: bytes required');
  },

  // Not static: the clock, randomness, the machine.
  timestamp: unknownResult('timestamp() returns the current time'),
  uuidv4: unknownResult('uuidv4() returns a random value'),
  bcrypt: unknownResult('bcrypt() returns a salted, random value'),
  homedir: unknownResult('homedir() depends on the machine'),
};

/** The functions available in Docker Bake files, by name. */
export const standardFunctions: ReadonlyMap<string, HclFunction> = new Map(Object.entries(functions));
