// `.env` files as Compose reads them (compose-go's dotenv): `KEY=value`, `export KEY=value`, comments,
// single quotes literal, double quotes with escapes, unquoted values trimmed and cut at ` #`, and
// `${VAR}` interpolation (from earlier keys and the given environment) outside single quotes.

import { interpolate, type Lookup } from './interpolate';

export interface EnvFileProblem {
  readonly line: number;
  readonly message: string;
}

export function parseEnvFile(text: string, environment: Lookup = () => undefined): { values: Map<string, string>; problems: EnvFileProblem[] } {
  const values = new Map<string, string>();
  const problems: EnvFileProblem[] = [];
  const lookup: Lookup = (name) => environment(name) ?? values.get(name);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.trimStart();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.search(/[=:]/);
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      problems.push({ line: n, message: `Invalid variable name "${key}".` });
      continue;
    }
    if (eq < 0) continue; // `KEY` alone: taken from the environment by Compose; nothing to record here
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // Quoted values may span lines.
      let body = rest.slice(1);
      let close = findClosingQuote(body, quote);
      while (close < 0 && n + 1 < lines.length) {
        body += '\n' + lines[++n]!;
        close = findClosingQuote(body, quote);
      }
      if (close < 0) {
        problems.push({ line: n, message: `Unterminated quoted value for ${key}.` });
        close = body.length;
      }
      const raw = body.slice(0, close);
      values.set(key, quote === "'" ? raw : interpolate(unescapeDouble(raw), lookup).value);
      continue;
    }
    const comment = rest.search(/\s#/);
    if (comment >= 0) rest = rest.slice(0, comment);
    values.set(key, interpolate(rest.trim(), lookup).value);
  }
  return { values, problems };
}

function findClosingQuote(s: string, quote: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && quote === '"') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\([\\"nrt$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? (c === '$' ? '$$' : c));
}
