// Docker's client configuration (`~/.docker/config.json`) and where it says a registry's credentials
// come from, reproducing the Docker CLI. Pure: no I/O, no vscode, no Node built-ins.
//
// Sources (docker/cli):
// - cli/config/configfile/file.go: LoadFromReader, decodeAuth, GetCredentialsStore,
//   getConfiguredCredentialStore, GetAuthConfig
// - cli/config/credentials/file_store.go: fileStore.Get, ConvertToHostname
// - cli/config/credentials/native_store.go: nativeStore.Get
// - cli/command/registry.go: ResolveAuthConfig (the Docker Hub key, errors ignored)
// - cli/config/config.go: Dir, Load

import { DOCKER_HUB_CREDENTIAL_KEY, isDockerHub } from '../reference/imageReference';

/** One `auths` entry as written in the file (the `auth` field still base64). */
export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** The parts of config.json that say where credentials are. */
export interface DockerConfig {
  auths: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth refresh token: sent as `refresh_token` to the registry's token endpoint. */
  | { kind: 'identityToken'; token: string; username?: string }
  /** A bearer token sent to the registry as is. */
  | { kind: 'registryToken'; token: string };

/** Where credentials for `registryHost` come from, in the Docker CLI's order: credHelpers[host], then credsStore, then auths[host]. */
export type CredentialSource =
  | { kind: 'helper'; helper: string; serverUrl: string }
  | { kind: 'inline'; credentials: Credentials }
  | { kind: 'none' };

const AUTH_FIELDS = ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const;

/**
 * Reads config.json as the CLI's LoadFromReader does, but never throws: what the CLI would trip on
 * is reported in `problems` (which never quote values from the file: they may be secrets).
 */
export function parseDockerConfig(text: string): { config: DockerConfig; problems: string[] } {
  const problems: string[] = [];
  const config: DockerConfig = { auths: {}, credHelpers: {} };

  let body = text;
  if (body.startsWith('\uFEFF')) {
    // Go's encoding/json rejects a byte-order mark; we read on, but say so.
    body = body.slice(1);
    problems.push('config.json starts with a byte-order mark, which the Docker CLI cannot read');
  }
  // An empty file is an empty config: the CLI ignores the decoder's io.EOF.
  if (body.trim() === '') return { config, problems };

  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    problems.push(syntaxProblem(body, error));
    return { config, problems };
  }
  if (root === null) return { config, problems }; // Go decodes `null` into a struct as a no-op.
  if (!isObject(root)) {
    problems.push('config.json is not a JSON object');
    return { config, problems };
  }

  const auths = field(root, 'auths');
  if (isObject(auths)) {
    for (const [key, value] of Object.entries(auths)) {
      const entry = parseAuthEntry(key, value, problems);
      if (entry) setOwn(config.auths, key, entry);
    }
  } else if (auths != null) {
    problems.push('"auths" is not an object');
  }

  const credsStore = field(root, 'credsStore');
  if (typeof credsStore === 'string') {
    if (credsStore !== '') config.credsStore = credsStore;
  } else if (credsStore != null) {
    problems.push('"credsStore" is not a string');
  }

  const credHelpers = field(root, 'credHelpers');
  if (isObject(credHelpers)) {
    for (const [key, value] of Object.entries(credHelpers)) {
      // Go decodes `null` into a map's string value as "", which (see credentialSource) is meaningful.
      if (typeof value === 'string' || value === null) setOwn(config.credHelpers, key, value ?? '');
      else problems.push(`credHelpers[${JSON.stringify(key)}] is not a string`);
    }
  } else if (credHelpers != null) {
    problems.push('"credHelpers" is not an object');
  }

  return { config, problems };
}

function parseAuthEntry(key: string, value: unknown, problems: string[]): AuthEntry | undefined {
  const where = `auths[${JSON.stringify(key)}]`;
  if (value === null) return {};
  if (!isObject(value)) {
    problems.push(`${where} is not an object`);
    return undefined;
  }
  const entry: AuthEntry = {};
  for (const name of AUTH_FIELDS) {
    const v = field(value, name);
    if (typeof v === 'string') entry[name] = v;
    else if (v != null) problems.push(`${where}.${name} is not a string`);
  }
  if (entry.auth) {
    const decoded = decodeAuth(entry.auth);
    if (decoded === 'invalidBase64') problems.push(`${where}.auth is not valid base64`);
    else if (decoded === 'noUsername') problems.push(`${where}.auth does not decode to "username:password"`);
  }
  return entry;
}

/**
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (cli/config/config.go: an empty
 * DOCKER_CONFIG counts as unset). A relative DOCKER_CONFIG stays relative, as in the CLI.
 */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const configured = env['DOCKER_CONFIG'];
  const dir = configured !== undefined && configured !== '' ? configured : joinPath(homedir, '.docker');
  return joinPath(dir, 'config.json');
}

/** Joins with the separator `dir` already uses (backslash for a Windows path written with backslashes). */
function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  let end = dir.length;
  while (end > 0 && dir[end - 1] === sep) end--;
  return `${dir.slice(0, end)}${sep}${name}`;
}

/**
 * Where the Docker CLI gets credentials for `registryHost` (a host, with port if any; a URL is
 * reduced to its host first). Mirrors ResolveAuthConfig → GetAuthConfig → GetCredentialsStore:
 *
 * 1. The key is `https://index.docker.io/v1/` for Docker Hub, else the host.
 * 2. The helper is `credHelpers[key]` (exact key, no normalization: for Hub only
 *    `https://index.docker.io/v1/` works), else `credsStore`. A credHelpers entry set to "" wins
 *    over credsStore and means "no helper", so the file's `auths` are used (getConfiguredCredentialStore
 *    returns the "" it found, and GetCredentialsStore only builds a native store for a non-empty name).
 * 3. With a helper, the CLI asks it even if `auths` has an entry: nativeStore.Get overwrites the
 *    entry's username, password and identity token with the helper's answer (empty when "not found").
 *    It keeps the entry's `registrytoken`, though, and a registry token is used before anything else
 *    (moby distribution/registry.go and the CLI's own registry client: `if authConfig.RegistryToken != ""`),
 *    so a registry token in `auths` wins even over a helper.
 * 4. Without a helper, `auths[key]`, else the first entry whose key ConvertToHostname reduces to
 *    `key` (the CLI takes whichever Go's map order gives first; we take file order).
 *
 * Not modelled: when a helper fails (other than "not found"), nativeStore.Get returns the `auths`
 * entry with the error and ResolveAuthConfig drops the error, so the CLI silently falls back to
 * inline credentials; DOCKER_AUTH_CONFIG (newer CLIs); and the platform default store the CLI
 * detects when the file configures no auth at all (credentials.DetectDefaultStore).
 */
export function credentialSource(config: DockerConfig, registryHost: string): CredentialSource {
  const key = credentialKeyFor(registryHost);
  if (key === '') return { kind: 'none' };
  const entry = fileStoreEntry(config.auths, key);
  if (entry?.registrytoken) return { kind: 'inline', credentials: { kind: 'registryToken', token: entry.registrytoken } };
  const helper = Object.hasOwn(config.credHelpers, key) ? (config.credHelpers[key] ?? '') : (config.credsStore ?? '');
  if (helper !== '') return { kind: 'helper', helper, serverUrl: key };
  const credentials = entry && entryCredentials(entry);
  return credentials ? { kind: 'inline', credentials } : { kind: 'none' };
}

/** The key config.json files credentials under, which is also what a helper is given on stdin. */
function credentialKeyFor(registryHost: string): string {
  const host = registryHost.includes('/') ? convertToHostname(registryHost) : registryHost;
  // The CLI only folds `index.docker.io` (registry's normalizeIndexName, whose TODO leaves `registry-1.docker.io`
  // out); the API host is Docker Hub too, as it is the host this extension talks to.
  return isDockerHub(host) ? DOCKER_HUB_CREDENTIAL_KEY : host;
}

/** fileStore.Get: the exact key, else a legacy spelling (`https://host`, `host/v1/`, …) of it. */
function fileStoreEntry(auths: Record<string, AuthEntry>, key: string): AuthEntry | undefined {
  if (Object.hasOwn(auths, key)) return auths[key];
  for (const [stored, entry] of Object.entries(auths)) if (convertToHostname(stored) === key) return entry;
  return undefined;
}

/** What an entry alone grants; a registry token first, then an identity token, then username and password. */
function entryCredentials(entry: AuthEntry): Credentials | undefined {
  if (entry.registrytoken) return { kind: 'registryToken', token: entry.registrytoken };
  let { username, password } = entry;
  // LoadFromReader replaces username and password with the decoded `auth`. When `auth` does not
  // decode, the CLI's load fails part way and leaves the plain fields: use those.
  const decoded = entry.auth ? decodeAuth(entry.auth) : undefined;
  if (typeof decoded === 'object') ({ username, password } = decoded);
  if (entry.identitytoken) return username ? { kind: 'identityToken', token: entry.identitytoken, username } : { kind: 'identityToken', token: entry.identitytoken };
  // distribution's basic and token handlers send credentials only when both parts are non-empty.
  return username && password ? { kind: 'basic', username, password } : undefined;
}

/**
 * configfile.decodeAuth: strict standard base64 (padding required; Go skips CR and LF), split at
 * the first colon, username required, NULs trimmed from the password.
 */
function decodeAuth(auth: string): { username: string; password: string } | 'invalidBase64' | 'noUsername' {
  const compact = auth.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return 'invalidBase64';
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const text = new TextDecoder().decode(bytes);
  const colon = text.indexOf(':');
  if (colon <= 0) return 'noUsername';
  return { username: text.slice(0, colon), password: text.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

/**
 * credentials.ConvertToHostname (the url.Parse version): for `scheme://…` the URL's host and port
 * (IPv6 brackets kept only with a port, as net.JoinHostPort does), else everything before the first
 * `/`. When Go's url.Parse would fail, the CLI falls back to the text before `/` too.
 */
function convertToHostname(maybeUrl: string): string {
  if (maybeUrl.includes('://')) {
    const host = urlHost(maybeUrl);
    if (host !== undefined) return host;
  }
  const slash = maybeUrl.indexOf('/');
  return slash < 0 ? maybeUrl : maybeUrl.slice(0, slash);
}

/** Go's url.Parse + Hostname/Port for the forms config keys take; undefined where Go fails or finds no host. */
function urlHost(url: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!match) return undefined;
  let authority = match[1] ?? '';
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  let host: string;
  let port: string;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    const rest = authority.slice(close + 1);
    if (close < 0 || !/^(?::\d*)?$/.test(rest)) return undefined;
    host = authority.slice(1, close);
    port = rest.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon < 0 ? authority : authority.slice(0, colon);
    port = colon < 0 ? '' : authority.slice(colon + 1);
    if (!/^\d*$/.test(port)) return undefined; // Go: "invalid port"
  }
  if (host === '') return undefined;
  if (port === '') return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A problem for text JSON.parse refused, without quoting it (V8's message does, and it may hold secrets). */
function syntaxProblem(text: string, error: unknown): string {
  const comment = findComment(text);
  if (comment !== undefined) {
    const { line } = lineColumn(text, comment);
    return `config.json has a comment on line ${line}; JSON allows no comments, so the Docker CLI cannot read this file`;
  }
  const position = error instanceof Error ? /\bposition (\d+)/.exec(error.message)?.[1] : undefined;
  if (position === undefined) return 'config.json is not valid JSON';
  const { line, column } = lineColumn(text, Number(position));
  return `config.json is not valid JSON (line ${line}, column ${column})`;
}

/** The offset of the first `//` or `/*` outside a string, if any. */
function findComment(text: string): number | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      return i;
    }
  }
  return undefined;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastNewline = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastNewline };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A struct field as Go's encoding/json finds it: keys match case-insensitively (`Auths`, `CREDSSTORE`),
 * and of several matching keys the last one wins.
 */
function field(object: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  let found: unknown;
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) found = value;
  return found;
}

/** Sets an own property even for keys such as `__proto__`, which plain assignment would not. */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
