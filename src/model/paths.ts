// Path arithmetic on `BuildFile.path` strings, which are plain paths in tests and the CLI and URI strings
// (`file:///w/compose.yaml`, `vscode-remote://host/w/…`) in VS Code. Only the path part is touched.

const URI_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;
const SLASH = 47;

function split(path: string): [prefix: string, rest: string] {
  // A plain path (tests, the CLI) has no scheme: no need for the regular expression.
  if (path.charCodeAt(0) === SLASH) return ['', path];
  const prefix = URI_PREFIX.exec(path)?.[0] ?? '';
  return [prefix, path.slice(prefix.length)];
}

export function dirname(path: string): string {
  const [prefix, rest] = split(path);
  const slash = rest.lastIndexOf('/');
  return prefix + (slash <= 0 ? '/' : rest.slice(0, slash));
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Relative paths that need no normalizing or encoding: `web`, `api/Dockerfile.prod`. */
const PLAIN_RELATIVE = /^(?!\.\.?(?:\/|$))[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)*$/;

/** A dot-file name that needs no encoding either: `.env`. */
const DOT_NAME = /^\.[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/** A rooted path with nothing to normalize: no empty, `.` or `..` segment, no trailing slash. */
function isNormal(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH || path.endsWith('/') || path.includes('//')) return false;
  return !(path.includes('/./') || path.includes('/../') || path.endsWith('/.') || path.endsWith('/..'));
}

/** `rel` resolved against the directory `base`; an absolute `rel` replaces the base's path. */
export function resolvePath(base: string, rel: string): string {
  if (URI_PREFIX.test(rel)) return rel; // already absolute, as a URI
  // The common case, on every build file of the workspace: a plain name below a clean base.
  const plain = PLAIN_RELATIVE.test(rel);
  if (plain && !base.endsWith('/') && !base.includes('/.')) return `${base}/${rel}`;
  const [prefix, baseRest] = split(base);
  // Next most common, with the very result the normalizing below would give: `context: .`, `.env`, a
  // plain name below a folder like `.config`, and (for plain paths) an absolute path, against a base in normal form.
  if (isNormal(baseRest)) {
    if (rel === '.') return base;
    if (plain || DOT_NAME.test(rel)) return `${base}/${rel}`;
    if (!prefix && isNormal(rel)) return rel;
  }
  // URI paths are percent-encoded; the relative paths written in build files are not.
  const encoded = prefix ? rel.split('/').map((s) => encodeURIComponent(decodeURIComponent(safe(s)))).join('/') : rel;
  const joined = encoded.startsWith('/') ? encoded : `${baseRest}/${encoded}`;
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `${prefix}/${out.join('/')}`;
}

function safe(segment: string): string {
  try {
    decodeURIComponent(segment);
    return segment;
  } catch {
    return encodeURIComponent(segment);
  }
}

/** `path` relative to the directory `from`, with `/` separators, when it lies inside it. */
export function relativePath(from: string, path: string): string {
  if (path === from) return '';
  const base = from.endsWith('/') ? from : `${from}/`;
  return path.startsWith(base) ? path.slice(base.length) : path;
}
