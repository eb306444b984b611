// Keeps the translations complete in both directions:
//  - package.json's `%key%` placeholders  <->  package.nls.json  <->  package.nls.zh-cn.json
//  - strings passed to `l10n.t(...)` in src/ and the templates in `Messages` (src/model/messages.ts)
//    <->  l10n/bundle.l10n.zh-cn.json
// Paths are relative to the repository root (the tests run from there).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = process.cwd();
const PACKAGE_JSON = 'package.json';
const NLS = 'package.nls.json';
const NLS_ZH_CN = 'package.nls.zh-cn.json';
const BUNDLE_ZH_CN = 'l10n/bundle.l10n.zh-cn.json';
const SRC = 'src';
const MESSAGES = 'src/model/messages.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

function readText(rel: string): string {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) {
    assert.fail(`${rel} does not exist (looked for ${file}; run the tests from the repository root)`);
  }
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

function readJson(rel: string): unknown {
  const text = readText(rel);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    assert.fail(`${rel} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A translation file: an object whose values are strings, or `{ message, comment }` objects. */
function readStringMap(rel: string): Map<string, string> {
  const json = readJson(rel);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    assert.fail(`${rel} must contain a JSON object`);
  }
  const map = new Map<string, string>();
  const bad: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string') {
      map.set(key, value);
    } else if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { message?: unknown }).message === 'string'
    ) {
      map.set(key, (value as { message: string }).message);
    } else {
      bad.push(key);
    }
  }
  assertNone(bad.map(quote), `${rel}: values must be strings (or { "message": string }):`);
  return map;
}

function quote(key: string): string {
  return JSON.stringify(key);
}

/** Fails with `heading` followed by one line per problem, if there are any. */
function assertNone(problems: readonly string[], heading: string): void {
  if (problems.length > 0) assert.fail(`${heading}\n  ${problems.join('\n  ')}`);
}

function difference<T>(a: Iterable<T>, b: { has(x: T): boolean }): T[] {
  return [...a].filter((x) => !b.has(x));
}

function placeholders(s: string): string[] {
  return [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
}

function emptyKeys(map: Map<string, string>): string[] {
  return [...map].filter(([, v]) => v.trim() === '').map(([k]) => k);
}

// ---------------------------------------------------------------------------------------------
// package.json

/** Every `%key%` placeholder among package.json's string values (VS Code replaces whole values only). */
function packageJsonKeys(): Set<string> {
  const keys = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const m = /^%([^%\s]+)%$/.exec(value);
      if (m) keys.add(m[1]!);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  visit(readJson(PACKAGE_JSON));
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Source strings

function tsFiles(rel: string): string[] {
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) assert.fail(`${rel}/ does not exist (looked for ${dir})`);
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...tsFiles(child));
    } else if (entry.isFile() && entry.name.endsWith('.ts')) {
      out.push(child);
    }
  }
  return out.sort();
}

function parse(rel: string): ts.SourceFile {
  return ts.createSourceFile(rel, readText(rel), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function where(sf: ts.SourceFile, node: ts.Node): string {
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${sf.fileName}:${line + 1}`;
}

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** First-argument string literals of `l10n.t(...)` / `vscode.l10n.t(...)` calls, with their location. */
function l10nCallStrings(sf: ts.SourceFile, into: Map<string, string>): void {
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf).replace(/\s+/g, '');
      if (callee === 'l10n.t' || callee.endsWith('.l10n.t')) {
        const text = stringValue(node.arguments[0]);
        if (text !== undefined && !into.has(text)) into.set(text, where(sf, node));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** String values of `export const Messages = { ... }` (possibly `as const` / `satisfies ...`). */
function messageTemplates(into: Map<string, string>): number {
  const sf = parse(MESSAGES);
  let found: ts.ObjectLiteralExpression | undefined;
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || decl.name.text !== 'Messages' || !decl.initializer) continue;
      let init: ts.Expression = decl.initializer;
      while (
        ts.isAsExpression(init) ||
        ts.isSatisfiesExpression(init) ||
        ts.isParenthesizedExpression(init) ||
        ts.isTypeAssertionExpression(init)
      ) {
        init = init.expression;
      }
      if (ts.isObjectLiteralExpression(init)) found = init;
    }
  }
  if (!found) assert.fail(`${MESSAGES}: could not find \`export const Messages = { ... }\``);
  let count = 0;
  for (const prop of found.properties) {
    if (!ts.isPropertyAssignment(prop)) continue;
    const text = stringValue(prop.initializer);
    if (text === undefined) continue;
    count++;
    if (!into.has(text)) into.set(text, where(sf, prop));
  }
  return count;
}

let sourceCache: { strings: Map<string, string>; messageCount: number } | undefined;

/** Every English string the extension translates at run time → where it was first seen. */
function sourceStrings(): { strings: Map<string, string>; messageCount: number } {
  if (!sourceCache) {
    const strings = new Map<string, string>();
    const messageCount = messageTemplates(strings);
    for (const file of tsFiles(SRC)) l10nCallStrings(parse(file), strings);
    sourceCache = { strings, messageCount };
  }
  return sourceCache;
}

// ---------------------------------------------------------------------------------------------

describe('localization', () => {
  describe(`package.json strings (${NLS}, ${NLS_ZH_CN})`, () => {
    it(`${NLS} and ${NLS_ZH_CN} have the same keys`, () => {
      const en = readStringMap(NLS);
      const zh = readStringMap(NLS_ZH_CN);
      assertNone(
        [
          ...difference(en.keys(), zh).map((k) => `${quote(k)}: missing from ${NLS_ZH_CN}`),
          ...difference(zh.keys(), en).map((k) => `${quote(k)}: in ${NLS_ZH_CN} but not in ${NLS}`),
        ],
        `${NLS} and ${NLS_ZH_CN} have different keys:`,
      );
    });

    it('no empty values', () => {
      const problems = [NLS, NLS_ZH_CN].flatMap((file) =>
        emptyKeys(readStringMap(file)).map((k) => `${quote(k)}: empty in ${file}`),
      );
      assertNone(problems, 'package.nls files have empty values:');
    });

    it(`every %key% in ${PACKAGE_JSON} is defined in ${NLS}`, () => {
      const nls = readStringMap(NLS);
      assertNone(difference(packageJsonKeys(), nls).map(quote), `${PACKAGE_JSON} uses keys that ${NLS} does not define:`);
    });

    it(`every key in ${NLS} is used in ${PACKAGE_JSON}`, () => {
      const used = packageJsonKeys();
      assertNone(difference(readStringMap(NLS).keys(), used).map(quote), `${NLS} has keys that ${PACKAGE_JSON} does not use:`);
    });
  });

  describe(`runtime strings (${BUNDLE_ZH_CN})`, () => {
    it(`finds the Messages templates in ${MESSAGES}`, () => {
      assert.ok(sourceStrings().messageCount > 0, `${MESSAGES}: \`Messages\` has no string-literal templates`);
    });

    it('every string has a non-empty translation', () => {
      const bundle = readStringMap(BUNDLE_ZH_CN);
      const problems = [...sourceStrings().strings].flatMap(([key, at]) => {
        const translation = bundle.get(key);
        if (translation === undefined) return [`${quote(key)} (${at}): no translation`];
        if (translation.trim() === '') return [`${quote(key)} (${at}): empty translation`];
        return [];
      });
      assertNone(problems, `${BUNDLE_ZH_CN} is missing translations:`);
    });

    it('has no keys that are no longer used', () => {
      assertNone(
        difference(readStringMap(BUNDLE_ZH_CN).keys(), sourceStrings().strings).map(quote),
        `${BUNDLE_ZH_CN} has keys that are neither passed to l10n.t nor in Messages:`,
      );
    });

    it('each translation uses the same {n} placeholders as its source', () => {
      const bundle = readStringMap(BUNDLE_ZH_CN);
      const mismatched: string[] = [];
      for (const [key, translation] of bundle) {
        if (!sourceStrings().strings.has(key)) continue;
        const want = placeholders(key);
        const got = placeholders(translation);
        if (want.join() !== got.join()) {
          mismatched.push(`${quote(key)}: source has [${want.join(', ')}], translation has [${got.join(', ')}]`);
        }
      }
      assertNone(mismatched, `${BUNDLE_ZH_CN} placeholders differ from the source:`);
    });
  });
});
