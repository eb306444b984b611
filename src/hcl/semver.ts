// Bake's semvercmp (buildx bake/hclparser/stdlib.go `semvercmpFunc`): whether a version satisfies a
// constraint, as Masterminds/semver v3.4.0 (the version buildx vendors) decides with `NewVersion`,
// `NewConstraint` and `Check`. The regular expressions are that library's, which mean the same in
// JavaScript (leftmost-first alternation, no Unicode classes).

import { HclFunctionError } from './values';

interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
}

interface Constraint {
  readonly op: string;
  readonly version: Version;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

function fail(message: string): never {
  throw new HclFunctionError(message);
}

const LOOSE_VERSION = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const CONSTRAINT = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const CONSTRAINT_RANGE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');
const FIND_CONSTRAINT = new RegExp(String.raw`(${OPS})\s*(${CV})`, 'g');
const VALID_CONSTRAINT = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);
const UINT64_MAX = (1n << 64n) - 1n;

function segment(digits: string): bigint {
  const value = BigInt(digits);
  if (value > UINT64_MAX) fail(`error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(digits)}: value out of range`);
  return value;
}

/** `validatePrerelease`: identifiers are not empty, and a numeric one has no leading zero. */
function checkPrerelease(pre: string): void {
  for (const part of pre.split('.')) {
    if (part === '') fail('invalid prerelease string');
    if (/^\d+$/.test(part) && part.length > 1 && part[0] === '0') fail('version segment starts with 0');
  }
}

/** `NewVersion` (coercing): `v1`, `1.2`, `1.2.3-rc.1+build`; missing parts are 0. */
function parseVersion(text: string): Version {
  const m = LOOSE_VERSION.exec(text);
  if (!m) return fail('invalid semantic version');
  const pre = m[5] ?? '';
  if (pre !== '') checkPrerelease(pre);
  return { major: segment(m[1]!), minor: m[2] ? segment(m[2].slice(1)) : 0n, patch: m[3] ? segment(m[3].slice(1)) : 0n, pre };
}

function comparePart(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  const aNumeric = /^\d+$/.test(a) && BigInt(a) <= UINT64_MAX;
  const bNumeric = /^\d+$/.test(b) && BigInt(b) <= UINT64_MAX;
  if (aNumeric && bNumeric) return BigInt(a) > BigInt(b) ? 1 : -1;
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  return a > b ? 1 : -1;
}

function comparePrerelease(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = comparePart(as[i] ?? '', bs[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return comparePrerelease(a.pre, b.pre);
}

const isX = (part: string | undefined): boolean => part === 'x' || part === 'X' || part === '*';

/** `parseConstraint`: a wildcard or missing part makes the constraint "dirty" from that part on. */
function parseConstraint(text: string): Constraint {
  const m = CONSTRAINT.exec(text);
  if (!m) return fail(`improper constraint: ${text}`);
  const [major, minor = '', patch = '', pre = ''] = [m[3], m[4], m[5], m[6]];
  let version = m[2]!;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    version = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minor.slice(1)) || minor === '') {
    version = `${major}.0.0${pre}`;
    dirty = minorDirty = true;
  } else if (isX(patch.slice(1)) || patch === '') {
    version = `${major}${minor}.0${pre}`;
    dirty = patchDirty = true;
  }
  return { op: m[1]!, version: parseVersion(version), dirty, minorDirty, patchDirty };
}

/** One constraint's check, for a version whose prerelease (if any) the group allows. */
function satisfies(v: Version, c: Constraint): boolean {
  const con = c.version;
  const tilde = (): boolean => {
    if (compare(v, con) < 0) return false;
    if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
    return v.major === con.major && (v.minor === con.minor || c.minorDirty);
  };
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde() : compare(v, con) === 0;
    case '!=':
      if (c.dirty) {
        if (con.major !== v.major) return true;
        if (con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) return (v.pre !== '' || con.pre !== '') && comparePrerelease(v.pre, con.pre) !== 0;
      }
      return compare(v, con) !== 0;
    case '>':
      if (!c.dirty) return compare(v, con) > 0;
      if (v.major !== con.major) return v.major > con.major;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > con.minor;
      return compare(v, con) > 0;
    case '<':
      return compare(v, con) < 0;
    case '>=':
    case '=>':
      return compare(v, con) >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return compare(v, con) <= 0;
      return !(v.major > con.major || (v.major === con.major && v.minor > con.minor && !c.minorDirty));
    case '~':
    case '~>':
      return tilde();
    default: {
      // ^: within the same major version, or for 0.x within the minor, or for 0.0.x the patch.
      if (compare(v, con) < 0) return false;
      if (con.major > 0n || c.minorDirty) return v.major === con.major;
      if (v.major > 0n) return false;
      if (con.minor > 0n || c.patchDirty) return v.minor === con.minor;
      if (v.minor > 0n) return false;
      return v.patch === con.patch;
    }
  }
}

/** semvercmp(version, constraint): `NewConstraint(constraint).Check(NewVersion(version))`. */
export function semverCompare(versionText: string, constraintText: string): boolean {
  const version = parseVersion(versionText);
  // `rewriteRange`: "1.2 - 1.4" is ">= 1.2, <= 1.4".
  const rewritten = constraintText.replace(CONSTRAINT_RANGE, (_whole, from: string, ...rest: unknown[]) => `>= ${from}, <= ${String(rest[9])} `);
  const groups = rewritten.split('||').map((group) => {
    if (!VALID_CONSTRAINT.test(group)) fail(`improper constraint: ${group}`);
    const found = group.match(FIND_CONSTRAINT) ?? [group];
    return found.map(parseConstraint);
  });
  // A prerelease version matches only a group in which some constraint names a prerelease.
  return groups.some((group) => (version.pre === '' || group.some((c) => c.version.pre !== '')) && group.every((c) => satisfies(version, c)));
}
