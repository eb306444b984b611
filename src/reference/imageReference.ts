// Image references: the grammar of distribution/reference plus Docker's normalization (ParseNormalizedNamed).
// Pure: no I/O, no vscode. The original text is kept so that edits round-trip byte for byte.

import { message, Messages, type Message } from '../model/messages';

export interface ImageRef {
  /** The text as written (after variable substitution), e.g. `node:22` or `ghcr.io/o/r@sha256:…`. */
  readonly original: string;
  /** Registry name as Docker normalizes it: `docker.io` for Docker Hub (also for `index.docker.io`). */
  readonly registry: string;
  /** Repository path, with `library/` added for one-segment Docker Hub names. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type ReferenceErrorReason =
  | 'empty'
  | 'whitespace'
  | 'uppercase'
  | 'invalidName'
  | 'invalidRegistry'
  | 'invalidTag'
  | 'invalidDigest'
  | 'unsupportedDigest'
  | 'nameTooLong';

export interface ReferenceError {
  readonly reason: ReferenceErrorReason;
  readonly message: Message;
}

export type ParsedReference =
  | { readonly ok: true; readonly ref: ImageRef }
  | { readonly ok: false; readonly error: ReferenceError };

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_LEGACY = 'index.docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
/**
 * Hosts that are Docker Hub. A reference only folds `index.docker.io` into `docker.io` (distribution/reference
 * normalize.go, splitDockerDomain); credentials and settings also take the API host, the one requests go to.
 */
const DOCKER_HUB_HOSTS: ReadonlySet<string> = new Set([DOCKER_HUB, DOCKER_HUB_LEGACY, DOCKER_HUB_API]);
/** The key Docker's CLI uses for Docker Hub in `~/.docker/config.json`. */
export const DOCKER_HUB_CREDENTIAL_KEY = 'https://index.docker.io/v1/';
const NAME_TOTAL_LENGTH_MAX = 255;

// distribution/reference/regexp.go, term by term.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const WHITESPACE = /\s/;
const HEX64 = /^[a-f0-9]{64}$/;
/** Algorithms go-digest can verify, with their lowercase hex length. */
const DIGEST_ALGORITHMS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

function fail(reason: ReferenceErrorReason, msg: Message): ParsedReference {
  return { ok: false, error: { reason, message: msg } };
}

/** Parses a reference as `docker pull` would, normalizing Docker Hub names. Never throws. */
export function parseImageReference(text: string): ParsedReference {
  if (text === '') return fail('empty', message(Messages.referenceEmpty));
  if (WHITESPACE.test(text)) return fail('whitespace', message(Messages.referenceWhitespace));

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestError = checkDigest(digest);
    if (digestError === 'invalidDigest') return fail(digestError, message(Messages.referenceInvalidDigest, digest));
    if (digestError) return fail(digestError, message(Messages.referenceUnsupportedDigest, digest.slice(0, digest.indexOf(':'))));
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail('invalidTag', message(Messages.referenceInvalidTag, tag));
  }

  const name = rest;

  // splitDockerDomain: the first segment is a registry only if it looks like a host.
  const slash = name.indexOf('/');
  let registry = DOCKER_HUB;
  let path = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      if (!DOMAIN.test(first)) return fail('invalidRegistry', message(Messages.referenceInvalidRegistry, first));
      registry = first === DOCKER_HUB_LEGACY ? DOCKER_HUB : first;
      path = name.slice(slash + 1);
    }
  }

  // ParseNormalizedNamed: any uppercase letter in the repository is this error, whatever else is wrong.
  if (path.toLowerCase() !== path) return fail('uppercase', message(Messages.referenceUppercase, path));
  const components = path.split('/');
  if (!components.every((c) => PATH_COMPONENT.test(c))) return fail('invalidName', message(Messages.referenceInvalidName, path));
  // Docker refuses a reference that is 64 hex digits and nothing else: it would be mistaken for an image ID.
  if (HEX64.test(text)) return fail('invalidName', message(Messages.referenceInvalidName, path));
  const repository = registry === DOCKER_HUB && components.length === 1 ? `library/${path}` : path;
  // distribution/reference v0.6 (BuildKit's): the limit is on the repository path, the registry not counted.
  if (repository.length > NAME_TOTAL_LENGTH_MAX) return fail('nameTooLong', message(Messages.referenceNameTooLong));

  // Each shape written out whole: an object given properties after it is made needs a second block of memory.
  const ref: ImageRef =
    tag === undefined
      ? digest === undefined
        ? { original: text, registry, repository }
        : { original: text, registry, repository, digest }
      : digest === undefined
        ? { original: text, registry, repository, tag }
        : { original: text, registry, repository, tag, digest };
  return { ok: true, ref };
}

function checkDigest(digest: string): ReferenceErrorReason | undefined {
  if (!DIGEST.test(digest)) return 'invalidDigest';
  const colon = digest.indexOf(':');
  const length = DIGEST_ALGORITHMS.get(digest.slice(0, colon));
  if (length === undefined) return 'unsupportedDigest';
  const hex = digest.slice(colon + 1);
  return hex.length === length && /^[a-f0-9]+$/.test(hex) ? undefined : 'invalidDigest';
}

/** True for a well-formed digest of an algorithm we can verify (`sha256:<64 hex>`, sha384, sha512). */
export function isDigest(text: string): boolean {
  return checkDigest(text) === undefined;
}

/** A tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. */
export function isTag(text: string): boolean {
  return TAG.test(text);
}

/** A repository path (`library/node`): lowercase components joined by `/`. */
export function isRepositoryPath(text: string): boolean {
  return text.split('/').every((component) => PATH_COMPONENT.test(component));
}

/** A registry host name or address, with an optional port (`ghcr.io`, `localhost:5000`, `[::1]:5000`). */
export function isRegistryHost(text: string): boolean {
  return DOMAIN.test(text);
}

/** The tag a pull uses: the written tag, else `latest` unless the reference is pinned by digest only. */
export function effectiveTag(ref: ImageRef): string | undefined {
  return ref.tag ?? (ref.digest ? undefined : 'latest');
}

/** `registry/repository`: one key per repository, whatever the spelling (`node`, `docker.io/library/node`). */
export function repositoryKey(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Fully qualified: `docker.io/library/node:22@sha256:…`. */
export function canonicalName(ref: ImageRef): string {
  return repositoryKey(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** The short form Docker prints: `node:22`, `user/app`, `ghcr.io/o/r:1`. */
export function familiarName(ref: ImageRef, { withDigest = true } = {}): string {
  let name = repositoryKey(ref);
  if (ref.registry === DOCKER_HUB) {
    name = ref.repository.startsWith('library/') && ref.repository.split('/').length === 2 ? ref.repository.slice(8) : ref.repository;
  }
  if (ref.tag !== undefined) name += `:${ref.tag}`;
  if (withDigest && ref.digest !== undefined) name += `@${ref.digest}`;
  return name;
}

/** Whether a registry name or host is Docker Hub's, under any of its names. */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_HOSTS.has(registry);
}

/** The registry name for a host, as image names spell it: `docker.io` for any of Docker Hub's hosts. */
export function registryNameOf(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB : host;
}

/** The host that serves the registry API: Docker Hub's is `registry-1.docker.io`. */
export function registryApiHost(ref: ImageRef): string {
  return isDockerHub(ref.registry) ? DOCKER_HUB_API : ref.registry;
}

/** The key under which Docker's config stores this registry's credentials. */
export function credentialKey(ref: ImageRef): string {
  return isDockerHub(ref.registry) ? DOCKER_HUB_CREDENTIAL_KEY : ref.registry;
}

/** The original text without its digest (the tag and spelling kept): the form an unpin writes. */
export function withoutDigest(original: string): string {
  const at = original.indexOf('@');
  return at < 0 ? original : original.slice(0, at);
}

/** The original text pinned to `digest`, tag and spelling kept, an existing digest replaced. */
export function withDigest(original: string, digest: string): string {
  return `${withoutDigest(original)}@${digest}`;
}

/** The first 12 hex digits, as `docker images` shows them. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}
