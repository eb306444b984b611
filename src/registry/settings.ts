// What the user can configure about talking to registries. Plain data: the VS Code edge reads its
// settings (and `http.proxy`, HTTPS_PROXY, NO_PROXY) into this shape; the core never reads the
// environment itself, so tests configure it explicitly.

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
