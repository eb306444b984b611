// Which repository keeps an image's attestations apart from it: the `imageProvenance.referrerRepositories`
// setting, as Docker Scout keeps hardened images' attestations (`docker scout attest list
// --referrer-repository`, default registry.scout.docker.com, the image's repository path kept). Pure.
//
// The setting maps a registry host (`dhi.io`) or a host/repository prefix (`docker.io/myorg`) to a registry host
// or host/path prefix; the longest key that matches on whole path segments wins, and the rest of the image's
// repository path after the key is appended: {"docker.io/myorg": "registry.scout.docker.com/myorg"} maps
// docker.io/myorg/app to registry.scout.docker.com/myorg/app.

import { message, Messages, type Message } from '../model/messages';
import { isRegistryHost, isRepositoryPath, registryNameOf, repositoryKey, type ImageRef } from '../reference/imageReference';

/** Docker Scout's referrer repository registry (`docker scout attest list --referrer-repository`'s default). */
export const SCOUT_REFERRER_REGISTRY = 'registry.scout.docker.com';

/**
 * The repository where `ref`'s attestations are also kept, or undefined when no key matches or the matching
 * entry is invalid (validateReferrerRepositories says why, in words for the user).
 */
export function referrerRepositoryFor(ref: ImageRef, map: Readonly<Record<string, string>>): ImageRef | undefined {
  const name = repositoryKey(ref);
  let best: { key: string; value: string } | undefined;
  for (const [rawKey, value] of Object.entries(map)) {
    const key = normalizedName(rawKey);
    if (key === undefined || (name !== key && !name.startsWith(`${key}/`))) continue;
    if (best === undefined || key.length > best.key.length) best = { key, value };
  }
  if (best === undefined) return undefined;
  const target = splitName(best.value.trim());
  if (target === undefined) return undefined;
  const rest = name.slice(best.key.length + 1);
  const repository = [target.path, rest].filter((part) => part !== '').join('/');
  if (repository === '') return undefined;
  return { original: `${target.host}/${repository}`, registry: target.host, repository };
}

/** What is wrong with the setting, each entry in a sentence; empty when every key and value can be used. */
export function validateReferrerRepositories(map: Readonly<Record<string, unknown>>): Message[] {
  const problems: Message[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (normalizedName(key) === undefined) problems.push(message(Messages.referrerRepositoryInvalidKey, key));
    else if (typeof value !== 'string' || splitName(value.trim()) === undefined) problems.push(message(Messages.referrerRepositoryInvalid, String(value), key));
  }
  return problems;
}

/** `host[/path]` in the form ImageRef.registry/repository uses (Docker Hub's alias folded), or undefined. */
function normalizedName(text: string): string | undefined {
  const split = splitName(text.trim().replace(/\/+$/, ''));
  if (split === undefined) return undefined;
  return split.path === '' ? split.host : `${split.host}/${split.path}`;
}

/** `host/path` typed in (`--referrer-repository`): a repository with its registry host, by the same rule as the setting's values. */
export function parseReferrerRepository(text: string): ImageRef | undefined {
  const split = splitName(text.trim().replace(/\/+$/, ''));
  if (split === undefined || split.path === '') return undefined;
  return { original: `${split.host}/${split.path}`, registry: split.host, repository: split.path };
}

/** A registry host, then an optional repository path; the host must look like one (a dot, a port or localhost), as Docker tells them apart. */
function splitName(text: string): { host: string; path: string } | undefined {
  const slash = text.indexOf('/');
  const host = (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : text.slice(slash + 1);
  const looksLikeHost = host.includes('.') || host.includes(':') || host === 'localhost';
  if (!looksLikeHost || !isRegistryHost(host)) return undefined;
  if (path !== '' && !isRepositoryPath(path)) return undefined;
  return { host: registryNameOf(host), path };
}
