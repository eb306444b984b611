// What the user can configure about talking to registries. Plain data: the VS Code edge reads its
// settings (and `http.proxy`, HTTPS_PROXY, NO_PROXY) into this shape, the command-line tool the same
// settings from `.vscode/settings.json`, both through readRegistrySettingValues; the core never reads the
// environment itself, so tests configure it explicitly.

import { message, Messages, type Message } from '../model/messages';

export interface RegistryHostSettings {
  /** TLS without certificate verification (a self-signed registry). */
  insecure?: boolean;
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Pull mirrors tried in order before this registry, as BuildKit's `[registry."docker.io"] mirrors=[…]`: hosts such as "mirror.local:5000". */
  mirrors?: string[];
}

export interface RegistrySettings {
  /** Keyed by registry name as in ImageRef.registry ('docker.io', 'localhost:5000'), or a mirror's host. */
  hosts: Record<string, RegistryHostSettings>;
  /** http(s)://user:pass@host:port; undefined = no proxy. */
  proxy?: string;
  /** NO_PROXY syntax: comma- or space-separated hosts, `.suffix` / `*.suffix`, optional `:port`, `*` for all. */
  noProxy?: string;
  proxyStrictSSL: boolean;
  /** PEM texts added to Node's default roots. */
  caCertificates: string[];
  maxConcurrentPerHost: number;
  /** Per request: connect, headers, and each idle gap in the body. */
  timeoutMs: number;
  maxManifestBytes: number;
  maxBlobBytes: number;
  /** How long a tag → digest answer is reused without asking again. */
  tagTtlMs: number;
  /** Retries after 5xx and connection resets; waits after 429 count too. */
  retries: number;
}

export const DEFAULT_REGISTRY_SETTINGS: RegistrySettings = {
  hosts: {},
  proxyStrictSSL: true,
  caCertificates: [],
  maxConcurrentPerHost: 6,
  timeoutMs: 30_000,
  // distribution's own limit for manifests it accepts on push is 4 MiB.
  maxManifestBytes: 4 * 1024 * 1024,
  maxBlobBytes: 64 * 1024 * 1024,
  tagTtlMs: 60_000,
  retries: 3,
};

/** The settings for `host` (a registry name or a mirror host); an empty object when it has none. */
export function hostSettings(settings: RegistrySettings, host: string): RegistryHostSettings {
  return Object.hasOwn(settings.hosts, host) ? (settings.hosts[host] ?? {}) : {};
}

/**
 * A mirror entry as a host. BuildKit's entries are bare hosts; people also write URLs, so a scheme
 * and trailing slashes are dropped, and `http://` says the mirror is plain HTTP.
 */
export function mirrorHost(entry: string): { host: string; http: boolean } {
  const trimmed = entry.trim();
  const match = /^(https?):\/\//i.exec(trimmed);
  const rest = match ? trimmed.slice(match[0].length) : trimmed;
  const slash = rest.indexOf('/');
  return { host: slash < 0 ? rest : rest.slice(0, slash), http: match?.[1]?.toLowerCase() === 'http' };
}

/** The `imageProvenance.registry.*` settings as written (any JSON: a settings file may hold anything). */
export interface RegistrySettingValues {
  readonly hosts?: unknown;
  /** Paths of PEM files. */
  readonly caCertificates?: unknown;
  readonly maxConcurrentRequests?: unknown;
  readonly timeoutSeconds?: unknown;
}

/**
 * The settings the extension and the command-line tool share, in the client's shape: ill-typed values fall back
 * to the defaults, ill-typed host entries are dropped; a CA file that cannot be read is a problem naming its path
 * (a path is not a secret), and the others still apply.
 */
export function readRegistrySettingValues(
  values: RegistrySettingValues,
  readFile: (path: string) => string,
): { settings: Pick<RegistrySettings, 'hosts' | 'caCertificates' | 'maxConcurrentPerHost' | 'timeoutMs'>; problems: Message[] } {
  const problems: Message[] = [];
  const caCertificates: string[] = [];
  for (const path of Array.isArray(values.caCertificates) ? values.caCertificates : []) {
    if (typeof path !== 'string' || !path) continue;
    try {
      caCertificates.push(readFile(path));
    } catch (error) {
      problems.push(message(Messages.registryCaUnreadable, path, (error as NodeJS.ErrnoException).code ?? String(error)));
    }
  }
  return {
    settings: {
      hosts: registryHostSettings(values.hosts),
      caCertificates,
      maxConcurrentPerHost: positive(values.maxConcurrentRequests, DEFAULT_REGISTRY_SETTINGS.maxConcurrentPerHost),
      timeoutMs: positive(values.timeoutSeconds, DEFAULT_REGISTRY_SETTINGS.timeoutMs / 1000) * 1000,
    },
    problems,
  };
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `{ "docker.io": { "mirrors": ["mirror.local:5000"] }, "mirror.local:5000": { "http": true } }`, ill-typed entries dropped. */
function registryHostSettings(value: unknown): Record<string, RegistryHostSettings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const hosts: Record<string, RegistryHostSettings> = {};
  for (const [host, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { mirrors, http, insecure } = entry as Record<string, unknown>;
    hosts[host] = {
      ...(Array.isArray(mirrors) ? { mirrors: mirrors.filter((m): m is string => typeof m === 'string' && m !== '') } : {}),
      ...(http === true ? { http: true } : {}),
      ...(insecure === true ? { insecure: true } : {}),
    };
  }
  return hosts;
}
