// Registry settings from VS Code's configuration and the environment, in the core's shape.

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { validateReferrerRepositories } from '../../attest/referrerRepository';
import { DEFAULT_REGISTRY_SETTINGS, type RegistryHostSettings, type RegistrySettings } from '../../registry/settings';
import { SECTION } from '../config';
import { localize } from '../localize';

/** Every setting that changes how registries are reached: a change rebuilds the client. */
export const REGISTRY_SETTINGS = [`${SECTION}.registry`, `${SECTION}.referrerRepositories`, 'http.proxy', 'http.proxyStrictSSL', 'http.noProxy'];

/**
 * Reads the settings; `problems` says which CA files could not be read (by path: a path is not a secret) and
 * which referrer repository entries cannot be used.
 * The proxy URL may hold a password, so it is never put in a problem or a log line.
 */
export function readRegistrySettings(env: NodeJS.ProcessEnv = process.env): { settings: RegistrySettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(`${SECTION}.registry`);
  const http = vscode.workspace.getConfiguration('http');
  const problems: string[] = [];

  const caCertificates: string[] = [];
  for (const path of config.get<unknown[]>('caCertificates', [])) {
    if (typeof path !== 'string' || !path) continue;
    try {
      caCertificates.push(readFileSync(path, 'utf8'));
    } catch (error) {
      problems.push(vscode.l10n.t('Cannot read the CA certificate file {0}: {1}', path, (error as NodeJS.ErrnoException).code ?? String(error)));
    }
  }

  const proxy = stringSetting(http.get('proxy')) ?? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const noProxy = [...(http.get<unknown[]>('noProxy', []) ?? []).filter((h): h is string => typeof h === 'string'), env.NO_PROXY ?? env.no_proxy ?? '']
    .filter(Boolean)
    .join(',');

  const settings: RegistrySettings = {
    ...DEFAULT_REGISTRY_SETTINGS,
    hosts: hostSettings(config.get<unknown>('hosts', {})),
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
    proxyStrictSSL: http.get<boolean>('proxyStrictSSL', true) !== false,
    caCertificates,
    maxConcurrentPerHost: positive(config.get('maxConcurrentRequests'), DEFAULT_REGISTRY_SETTINGS.maxConcurrentPerHost),
    timeoutMs: positive(config.get('timeoutSeconds'), DEFAULT_REGISTRY_SETTINGS.timeoutMs / 1000) * 1000,
  };
  const referrerRepositories = vscode.workspace.getConfiguration(SECTION).get<unknown>('referrerRepositories', {});
  if (typeof referrerRepositories === 'object' && referrerRepositories !== null) problems.push(...validateReferrerRepositories(referrerRepositories as Record<string, unknown>).map(localize));
  return { settings, problems };
}

function stringSetting(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `{ "docker.io": { "mirrors": ["mirror.local:5000"] }, "mirror.local:5000": { "http": true } }`, ill-typed entries dropped. */
function hostSettings(value: unknown): Record<string, RegistryHostSettings> {
  if (typeof value !== 'object' || value === null) return {};
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

/**
 * `imageProvenance.referrerRepositories`: `{ "dhi.io": "registry.scout.docker.com" }`, ill-typed entries dropped.
 * A restricted workspace's own value is not read (package.json lists it in `restrictedConfigurations`): it
 * could send the lookups of an image's attestations to a registry of its choosing.
 */
export function readReferrerRepositories(): Record<string, string> {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('referrerRepositories', {});
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
}
