// Parses `WWW-Authenticate` header values (RFC 9110 §11.6.1, formerly RFC 7235 §4.1) as OCI
// registries send them, to find where to get a bearer token. Pure: no `vscode`, no I/O.
//
//   WWW-Authenticate = #challenge
//   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param       = token BWS "=" BWS ( token / quoted-string )
//   token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// Challenges and their params share the comma as separator, so after each comma we look ahead: a
// token followed by `=` continues the params; a token followed by whitespace and then something
// other than `=`, or by a comma or the end, starts a new challenge. Like real clients (Go's
// distribution `challenge` package, Docker) we are lenient where registries are sloppy: any
// whitespace, empty list elements, unquoted values with `/` or `:` (read up to the next comma),
// duplicate params (first wins); anything we cannot make sense of is skipped, never thrown.

export interface Challenge {
  /** Lower-cased scheme: 'bearer', 'basic', … */
  readonly scheme: string;
  /** Parameter names lower-cased; values unquoted and unescaped. */
  readonly params: Readonly<Record<string, string>>;
  /** For schemes that carry a token68 instead of parameters. */
  readonly token68?: string;
}

/** Every challenge in one or more header values (several headers may be sent). Never throws; malformed parts are skipped. */
export function parseWwwAuthenticate(values: string | readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  const list: readonly unknown[] = typeof values === 'string' ? [values] : Array.isArray(values) ? values : [];
  for (const value of list) {
    // Callers pass raw header data, possibly from untyped JS; "never throws" covers that too.
    if (typeof value === 'string') parseValue(value, out);
  }
  return out;
}

/** The Bearer challenge's realm, service and scope (scope may hold several space-separated scopes), if there is one with a realm. */
export function bearerChallenge(
  challenges: readonly Challenge[],
): { realm: string; service?: string; scope?: string } | undefined {
  for (const challenge of challenges) {
    if (challenge.scheme.toLowerCase() !== 'bearer') continue;
    const realm = own(challenge.params, 'realm');
    // An empty realm gives no URL to ask for a token; a later Bearer challenge might.
    if (!realm) continue;
    const result: { realm: string; service?: string; scope?: string } = { realm };
    const service = own(challenge.params, 'service');
    if (service !== undefined) result.service = service;
    const scope = own(challenge.params, 'scope');
    if (scope !== undefined) result.scope = scope;
    return result;
  }
  return undefined;
}

function own(params: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(params, name) ? params[name] : undefined;
}

// Sticky, so they match exactly at `lastIndex`; neither can backtrack badly.
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;

function matchAt(re: RegExp, s: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(s)?.[0];
}

// OWS is SP / HTAB; CR and LF are accepted too, for values that kept an obsolete line fold.
function isWs(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charAt(i))) i++;
  return i;
}

function skipWsAndCommas(s: string, i: number): number {
  while (i < s.length && (s.charAt(i) === ',' || isWs(s.charAt(i)))) i++;
  return i;
}

/** Reads the quoted-string whose opening quote is at `i`; undefined if it never closes. */
function readQuoted(s: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charAt(j);
    if (c === '"') return { value, end: j + 1 };
    if (c === '\\') {
      // quoted-pair: the backslash escapes any one character.
      j++;
      if (j >= s.length) return undefined;
      value += s.charAt(j);
    } else {
      value += c;
    }
  }
  return undefined;
}

/** Index of the next list-separating comma at or after `i` (commas inside quotes don't count), or the end. */
function skipElement(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === ',') return i;
    if (c === '"') {
      const quoted = readQuoted(s, i);
      if (quoted === undefined) return s.length;
      i = quoted.end;
    } else {
      i++;
    }
  }
  return i;
}

/** Whether the list element at `i` starts a new challenge rather than continuing the current one's params. */
function startsChallenge(s: string, i: number): boolean {
  const token = matchAt(TOKEN, s, i);
  if (token === undefined) return false;
  const end = i + token.length;
  if (end >= s.length || s.charAt(end) === ',') return true;
  if (!isWs(s.charAt(end))) return false;
  // `scheme param=…` starts a challenge; `name = value` (BWS before `=`) is a param.
  return s.charAt(skipWs(s, end)) !== '=';
}

function parseValue(s: string, out: Challenge[]): void {
  let i = 0;
  for (;;) {
    i = skipWsAndCommas(s, i);
    if (i >= s.length) return;
    const scheme = matchAt(TOKEN, s, i);
    if (scheme === undefined) {
      i = skipElement(s, i);
      continue;
    }
    const afterName = i + scheme.length;
    const next = skipWs(s, afterName);
    if (next >= s.length || s.charAt(next) === ',') {
      // A bare scheme, such as `Negotiate` or `NTLM`.
      out.push({ scheme: scheme.toLowerCase(), params: {} });
      i = next;
      continue;
    }
    if (next === afterName) {
      // No space after the "scheme" (`realm="x"` with no scheme, `Basic"x"`): not a challenge.
      i = skipElement(s, i);
      continue;
    }
    i = next;
    const token68 = matchAt(TOKEN68, s, i);
    if (token68 !== undefined) {
      const end = skipWs(s, i + token68.length);
      // Only a token68 if it is the whole element; `realm="x"` also begins with `realm=`.
      if (end >= s.length || s.charAt(end) === ',') {
        out.push({ scheme: scheme.toLowerCase(), params: {}, token68 });
        i = end;
        continue;
      }
    }
    const params = new Map<string, string>();
    i = parseParams(s, i, params);
    // fromEntries defines own data properties, so a param named `__proto__` stays a param.
    out.push({ scheme: scheme.toLowerCase(), params: Object.fromEntries(params) });
  }
}

/** Reads auth-params from `i`; returns where the next challenge (or the end) begins. */
function parseParams(s: string, i: number, params: Map<string, string>): number {
  for (;;) {
    let j: number;
    const name = matchAt(TOKEN, s, i);
    const eq = name === undefined ? i : skipWs(s, i + name.length);
    if (name !== undefined && s.charAt(eq) === '=') {
      j = skipWs(s, eq + 1);
      if (s.charAt(j) === '"') {
        const quoted = readQuoted(s, j);
        // Unterminated: the rest of the value is inside the quote, so nothing more can be read.
        if (quoted === undefined) return s.length;
        j = skipWs(s, quoted.end);
        if (j >= s.length || s.charAt(j) === ',') setFirst(params, name, quoted.value);
        else j = skipElement(s, j); // junk after the closing quote: drop the param
      } else {
        // token, or (leniently) anything up to the next comma, e.g. `scope=repository:a/b:pull`.
        const comma = s.indexOf(',', j);
        const end = comma < 0 ? s.length : comma;
        let last = end;
        while (last > j && isWs(s.charAt(last - 1))) last--;
        if (last > j) setFirst(params, name, s.slice(j, last));
        j = end;
      }
    } else {
      j = skipElement(s, i);
    }
    // `j` is at a comma or the end.
    const k = skipWsAndCommas(s, j);
    if (k >= s.length || startsChallenge(s, k)) return k;
    i = k;
  }
}

function setFirst(params: Map<string, string>, name: string, value: string): void {
  const key = name.toLowerCase();
  if (!params.has(key)) params.set(key, value);
}
