// Registry settings from VS Code's configuration and the environment, in the core's shape.

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { validateReferrerRepositories } from '../../attest/referrerRepository';
import { DEFAULT_REGISTRY_SETTINGS, readRegistrySettingValues, type RegistrySettings } from '../../registry/settings';
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
  const { settings: shared, problems: unreadable } = readRegistrySettingValues(
    { hosts: config.get('hosts'), caCertificates: config.get('caCertificates'), maxConcurrentRequests: config.get('maxConcurrentRequests'), timeoutSeconds: config.get('timeoutSeconds') },
    (path) => readFileSync(path, 'utf8'),
  );
  const problems = unreadable.map(localize);

  const proxy = stringSetting(http.get('proxy')) ?? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  const noProxy = [...(http.get<unknown[]>('noProxy', []) ?? []).filter((h): h is string => typeof h === 'string'), env.NO_PROXY ?? env.no_proxy ?? '']
    .filter(Boolean)
    .join(',');

  const settings: RegistrySettings = {
    ...DEFAULT_REGISTRY_SETTINGS,
    ...shared,
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
    proxyStrictSSL: http.get<boolean>('proxyStrictSSL', true) !== false,
  };
  const referrerRepositories = vscode.workspace.getConfiguration(SECTION).get<unknown>('referrerRepositories', {});
  if (typeof referrerRepositories === 'object' && referrerRepositories !== null) problems.push(...validateReferrerRepositories(referrerRepositories as Record<string, unknown>).map(localize));
  return { settings, problems };
}

function stringSetting(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
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
