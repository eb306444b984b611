// The command-line tool's registry settings: the workspace's `.vscode/settings.json` for the settings the tool
// shares with the extension (registry hosts and mirrors, CA certificates, timeout, referrer repositories), a
// proxy from the environment as the extension reads it, and registries on loopback addresses reached over plain
// HTTP, as Docker does (the environment is passed in).
//
// moby api/swagger.yaml, RegistryServiceConfig.InsecureRegistryCIDRs: "By default, local registries (::1/128
// and 127.0.0.0/8) are configured as insecure"; `localhost` resolves there.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { validateReferrerRepositories } from '../attest/referrerRepository';
import { formatMessage } from '../model/messages';
import { DEFAULT_REGISTRY_SETTINGS, mirrorHost, readRegistrySettingValues, type RegistrySettings } from '../registry/settings';
import { ConfigurationError } from './command';

/**
 * Settings for reaching `registries` (the image's, and a referrer repository's when it has one): the workspace's
 * `imageProvenance.registry.*` as the extension reads them (readWorkspaceSettings), the proxy from the
 * environment, and loopback registries and mirrors over plain HTTP.
 */
export function cliRegistrySettings(
  registries: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  workspace: Readonly<Record<string, unknown>> = {},
  warn: (text: string) => void = () => undefined,
): RegistrySettings {
  const proxy = env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy'];
  const noProxy = env['NO_PROXY'] ?? env['no_proxy'];
  const { settings, problems } = readRegistrySettingValues(
    {
      hosts: workspace[`${REGISTRY_SECTION}.hosts`],
      caCertificates: workspace[`${REGISTRY_SECTION}.caCertificates`],
      maxConcurrentRequests: workspace[`${REGISTRY_SECTION}.maxConcurrentRequests`],
      timeoutSeconds: workspace[`${REGISTRY_SECTION}.timeoutSeconds`],
    },
    (path) => readFileSync(path, 'utf8'),
  );
  for (const problem of problems) warn(formatMessage(problem));
  const mirrors = Object.values(settings.hosts).flatMap((h) => (h.mirrors ?? []).map((m) => mirrorHost(m).host));
  const loopback = [...registries, ...Object.keys(settings.hosts), ...mirrors].filter(isLoopbackRegistry);
  return {
    ...DEFAULT_REGISTRY_SETTINGS,
    ...settings,
    hosts: { ...settings.hosts, ...Object.fromEntries(loopback.map((host) => [host, { ...settings.hosts[host], http: true }])) },
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

const REGISTRY_SECTION = 'imageProvenance.registry';

/** `localhost:5000`, `127.0.0.1:5000`, `[::1]:5000` (a registry name as in ImageRef.registry). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}

/** `.vscode/settings.json` of the folder the tool runs in: the extension's settings, for the ones the tool shares. */
export const WORKSPACE_SETTINGS = join('.vscode', 'settings.json');

/**
 * The settings in `.vscode/settings.json` of `cwd`, by their full names; `{}` when there is no such file. A file
 * that cannot be read as JSON with comments is a configuration error (exit 2) for every command: going on
 * without it would skip its mirrors, credentials' hosts and checks without a word.
 */
export function readWorkspaceSettings(cwd: string): Record<string, unknown> {
  const file = join(cwd, WORKSPACE_SETTINGS);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const settings = parseJsonc(text);
  if (settings === undefined) throw new ConfigurationError(`${file} is not valid JSON with comments (an object of settings, as VS Code writes it)`);
  return settings;
}

/**
 * `imageProvenance.referrerRepositories` of the workspace settings, as the extension reads it; `{}` when absent.
 * What cannot be used is a warning, never a failure.
 */
export function workspaceReferrerRepositories(workspace: Readonly<Record<string, unknown>>, warn: (text: string) => void): Record<string, string> {
  const value = workspace[REFERRER_REPOSITORIES_SETTING];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warn(`${REFERRER_REPOSITORIES_SETTING} in ${WORKSPACE_SETTINGS} is not an object of registry → referrer repository`);
    return {};
  }
  for (const problem of validateReferrerRepositories(value as Record<string, unknown>)) warn(formatMessage(problem));
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export const REFERRER_REPOSITORIES_SETTING = 'imageProvenance.referrerRepositories';

/**
 * VS Code's settings.json is JSON with comments and trailing commas (its jsonc-parser): both are dropped outside
 * strings, then the text is read as JSON. A byte order mark is dropped too: VS Code's workbench decodes the file
 * with a TextDecoder, which drops it (vs/base/common/buffer.ts VSBuffer.toString). Undefined when not an object.
 */
export function parseJsonc(text: string): Record<string, unknown> | undefined {
  const withoutComments = outsideStrings(text.replace(/^\uFEFF/, ''), (rest) => {
    const end = rest.startsWith('//') ? rest.indexOf('\n') : rest.startsWith('/*') ? rest.indexOf('*/') + 2 : undefined;
    if (end === undefined) return undefined;
    return { skip: end <= 1 ? rest.length : end, put: ' ' };
  });
  const json = outsideStrings(withoutComments, (rest) => (/^,\s*[}\]]/.test(rest) ? { skip: 1, put: '' } : undefined));
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `text` with `edit` applied wherever it matches outside JSON strings (escapes inside strings respected). */
function outsideStrings(text: string, edit: (rest: string) => { skip: number; put: string } | undefined): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const change = edit(text.slice(i));
    if (change) {
      out += change.put;
      i += change.skip;
    } else out += text[i++];
  }
  return out;
}
