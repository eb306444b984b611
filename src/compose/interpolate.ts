// Variable interpolation as the Compose specification defines it (compose-go's template package):
// `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
// `${VAR:+alternative}`, `${VAR+alternative}`, defaults that interpolate in turn, and `$$` for `$`.
// Bake evaluates the same syntax in Compose files read as Bake.

export type Lookup = (name: string) => string | undefined;

export interface Interpolation {
  readonly value: string;
  /** Every variable the text refers to, in order. */
  readonly names: readonly string[];
  /** Variables that were used without a value (`${VAR}` with VAR unset: Compose substitutes ""). */
  readonly unset: readonly string[];
  /** `${VAR:?message}` on an unset VAR, or a malformed `${`: the first such problem. */
  readonly error?: { readonly variable: string; readonly message: string };
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function interpolate(text: string, lookup: Lookup): Interpolation {
  const names: string[] = [];
  const unset: string[] = [];
  let error: Interpolation['error'];
  const value = substitute(text, lookup, names, unset, (e) => (error ??= e));
  return error ? { value, names, unset, error } : { value, names, unset };
}

/** True when the text has something to substitute (a `$` that is not `$$`). */
export function hasVariables(text: string): boolean {
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 2)) {
    if (text[i + 1] !== '$') return true;
  }
  return false;
}

/** Defaults nest (`${A:-${B:-x}}`); beyond this depth the text is an error, not a stack overflow. */
const MAX_NESTING = 32;

function substitute(text: string, lookup: Lookup, names: string[], unset: string[], fail: (e: NonNullable<Interpolation['error']>) => void, depth = 0): string {
  if (depth > MAX_NESTING) {
    fail({ variable: '', message: 'Invalid template: nested too deeply.' });
    return '';
  }
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close < 0) {
        fail({ variable: '', message: `Invalid template: "${text.slice(dollar)}" is never closed.` });
        out += text.slice(dollar);
        break;
      }
      out += braced(text.slice(dollar + 2, close), lookup, names, unset, fail, depth);
      i = close + 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      let end = dollar + 2;
      while (end < text.length && NAME_CHAR.test(text[end]!)) end++;
      const name = text.slice(dollar + 1, end);
      names.push(name);
      const v = lookup(name);
      if (v === undefined) unset.push(name);
      out += v ?? '';
      i = end;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose content starts at `from`, counting nested `${…}`. */
function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(inner: string, lookup: Lookup, names: string[], unset: string[], fail: (e: NonNullable<Interpolation['error']>) => void, depth: number): string {
  let end = 0;
  while (end < inner.length && NAME_CHAR.test(inner[end]!)) end++;
  const name = inner.slice(0, end);
  if (name === '' || !NAME_START.test(name[0]!)) {
    fail({ variable: name, message: `Invalid template: "\${${inner}}".` });
    return '';
  }
  names.push(name);
  const value = lookup(name);
  const rest = inner.slice(end);
  const operator = /^(:?[-?+])/.exec(rest)?.[1];
  if (rest === '') {
    if (value === undefined) unset.push(name);
    return value ?? '';
  }
  if (operator === undefined) {
    fail({ variable: name, message: `Invalid template: "\${${inner}}".` });
    return '';
  }
  const word = rest.slice(operator.length);
  const colon = operator.startsWith(':');
  // With ":" an empty value counts as unset.
  const isSet = value !== undefined && (!colon || value !== '');
  switch (operator.slice(-1)) {
    case '-':
      return isSet ? value! : substitute(word, lookup, names, unset, fail, depth + 1);
    case '+':
      return isSet ? substitute(word, lookup, names, unset, fail, depth + 1) : '';
    default: {
      // '?': required
      if (isSet) return value!;
      const detail = substitute(word, lookup, names, unset, fail, depth + 1);
      fail({ variable: name, message: detail ? `${name}: ${detail}` : `required variable ${name} is missing a value` });
      return '';
    }
  }
}
