// The registry client: tag → digest, manifests and blobs over the OCI distribution API
// (distribution-spec "Pulling manifests" / "Pulling blobs"), with everything fetched verified
// against its digest before it is used or cached. Mirrors follow BuildKit: tried in order, each
// with its own credentials and settings, falling back to the next and finally the registry.

import { createHash } from 'node:crypto';
import { effectiveTag, familiarName, isDigest, isRegistryHost, isRepositoryPath, isTag, registryApiHost, type ImageRef } from '../reference/imageReference';
import { untilAborted } from './abort';
import { Authenticator, pullScope, type AuthTarget, type ChallengeAnswer } from './auth';
import { memoryContentStore, type ContentStore, type PutOptions } from './contentStore';
import type { CredentialStore } from './credentials';
import { RegistryError, redactUrl } from './errors';
import { MANIFEST_MEDIA_TYPES, MEDIA_TYPES, ManifestFormatError, parseManifest, sha256Digest, verifyDigest, type Descriptor, type ParsedManifest } from './manifest';
import { hostSettings, mirrorHost, type RegistrySettings } from './settings';
import { Transport, header, type TransportRequest, type TransportResponse } from './transport';

export interface ResolvedDigest {
  digest: string;
  /** '' when the reference already had a digest and its manifest is not cached (no request is made). */
  mediaType: string;
  size?: number;
  source: 'head' | 'get' | 'cache' | 'reference' /* ref already had a digest */;
  /** Which host answered (mirror or upstream). */
  host: string;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
  manifest: ParsedManifest;
  /** Which host answered; for bytes from the content store, the host that served them this session, else the registry's. */
  host: string;
}

/** What names a manifest as its `subject`: the OCI distribution spec's referrers. */
export interface Referrers {
  /** The referring manifests' descriptors (artifactType, annotations), as the registry lists them. */
  manifests: Descriptor[];
  /**
   * `api`: the referrers API answered. `tag`: the registry lacks the API (404) and the spec's fallback tag
   * `sha256-<hex>` holds the list. `none`: neither exists, so nothing refers to the digest there.
   */
  source: 'api' | 'tag' | 'none';
  host: string;
}

export interface RequestStats {
  requests: number;
  tokenRequests: number;
  byHost: Record<string, number>;
}

export interface RegistryClientOptions {
  settings: RegistrySettings;
  credentials: CredentialStore;
  /** Default memoryContentStore(). */
  cache?: ContentStore;
  /** For TTLs (tags, tokens). */
  now?: () => number;
  /** Request lines for the output channel: method, host, path, status, ms. Never headers or tokens. */
  log?: (line: string) => void;
  /** First retry backoff (doubled per retry, jittered); default 200 ms. Tests make it small. */
  retryBaseMs?: number;
  /** The longest Retry-After worth waiting for; longer fails at once as 'rateLimited'. Default 60 s. */
  maxRetryAfterMs?: number;
}

const ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

/** Pages of one referrers list followed at most: a registry that keeps sending "next" is refused. */
const MAX_REFERRER_PAGES = 20;

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the answered URL. */
function nextPage(link: string | undefined, base: URL): URL | undefined {
  const match = link && /<([^>]*)>\s*;[^,]*\brel="?next"?/i.exec(link);
  if (!match) return undefined;
  try {
    return new URL(match[1]!, base);
  } catch {
    return undefined;
  }
}

/** One place a pull can be served from. */
interface Target extends AuthTarget {
  base: string;
  mirror: boolean;
}

interface TagEntry {
  resolved: ResolvedDigest;
  expiresAt: number;
}

export class RegistryClient {
  /** Counts every HTTP request sent: registry and token realm, retries and redirect hops included. */
  readonly stats: RequestStats = { requests: 0, tokenRequests: 0, byHost: {} };

  private readonly settings: RegistrySettings;
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private readonly cache: ContentStore;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly tags = new Map<string, TagEntry>();
  /** What the content store says each tag last named, as far as this client read or wrote it: written on a change only. */
  private readonly lastDigests = new Map<string, string>();
  private readonly referrerLists = new Map<string, { referrers: Referrers; expiresAt: number }>();
  /** Which host served a digest this session, so cache hits can still say where content came from. */
  private readonly servedBy = new Map<string, string>();
  /** Verified blobs not yet written to the content store: served from here meanwhile. */
  private readonly storing = new Map<string, Uint8Array>();
  private readonly writes = new Set<Promise<void>>();
  private readonly flights = new Flights();
  /** Each blob being fetched: what a call that joins the fetch needs to see its bytes arrive (see blob). */
  private readonly arriving = new Map<string, ArrivingBlob>();

  constructor(options: RegistryClientOptions) {
    this.settings = options.settings;
    this.cache = options.cache ?? memoryContentStore();
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.transport = new Transport(options.settings, {
      log: options.log,
      retryBaseMs: options.retryBaseMs,
      maxRetryAfterMs: options.maxRetryAfterMs,
      onRequest: (host, purpose) => {
        this.stats.requests++;
        if (purpose === 'token') this.stats.tokenRequests++;
        this.stats.byHost[host] = (this.stats.byHost[host] ?? 0) + 1;
      },
    });
    this.auth = new Authenticator(this.transport, options.settings, options.credentials, options.credentials.restricted === true, this.now);
  }

  /**
   * Tag → digest: HEAD the manifest with all four types in Accept; when Docker-Content-Digest is
   * missing, GET and hash. Cached in memory for tagTtlMs. A ref with a digest resolves to it
   * without a request (source 'reference'). With `fetching` (the caller reads the manifest next), a tag
   * whose last digest the content store does not hold is read with one GET, which stores the manifest,
   * instead of a HEAD and then a GET.
   */
  async resolve(ref: ImageRef, options: { signal?: AbortSignal; fetching?: boolean } = {}): Promise<ResolvedDigest> {
    const image = familiarName(ref);
    const { signal, fetching = false } = options;
    if (signal?.aborted) throw cancelled(image, registryApiHost(ref));
    refuseInvalid(ref, image);
    if (ref.digest !== undefined) {
      const cached = await this.fromCache(ref.digest);
      return { digest: ref.digest, mediaType: cached?.mediaType ?? '', source: 'reference', host: this.servedBy.get(ref.digest) ?? registryApiHost(ref) };
    }
    const tag = effectiveTag(ref) ?? 'latest';
    const key = tagKey(ref, tag);
    const hit = this.freshTag(key);
    if (hit !== undefined) return { ...hit, source: 'cache' };
    return this.flights.run(
      `resolve ${key}`,
      signal,
      () => cancelled(image, registryApiHost(ref)),
      (shared) => this.viaHosts(ref, image, shared, (target) => this.resolveOn(target, ref, tag, key, fetching, shared)),
    );
  }

  /** GET a manifest by tag or digest; bytes hashed and checked against the digest asked for (or the header's); cached by digest. */
  async manifest(ref: ImageRef, options: { signal?: AbortSignal; digest?: string } = {}): Promise<FetchedManifest> {
    const { signal } = options;
    const digest = options.digest ?? ref.digest;
    const image = familiarName(options.digest !== undefined ? { ...ref, digest: options.digest } : ref);
    if (signal?.aborted) throw cancelled(image, registryApiHost(ref));
    refuseInvalid(ref, image);
    if (digest !== undefined) return this.manifestByDigest(ref, digest, image, signal);

    const tag = effectiveTag(ref) ?? 'latest';
    const key = tagKey(ref, tag);
    // Within the tag's TTL the tag still means this digest, whose bytes may be cached for good.
    const hit = this.freshTag(key);
    if (hit !== undefined) return this.manifestByDigest(ref, hit.digest, image, signal);
    return this.flights.run(
      `manifest ${key}`,
      signal,
      () => cancelled(image, registryApiHost(ref)),
      (shared) =>
        this.viaHosts(ref, image, shared, async (target) => {
          const fetched = await this.getManifest(target, ref, tag, undefined, shared);
          this.rememberTag(key, { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.length, source: 'get', host: fetched.host });
          return fetched;
        }),
    );
  }

  /**
   * Asks the registry (or a mirror) whether it serves `digest` in ref's repository now: one HEAD, never the
   * content store, which keeps what was once fetched from anywhere. A pin's digest may have been
   * garbage-collected, or copied from another registry. Throws `notFound` when no host has it.
   */
  async confirm(ref: ImageRef, digest: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const image = familiarName({ ...ref, digest });
    const { signal } = options;
    if (signal?.aborted) throw cancelled(image, registryApiHost(ref));
    refuseInvalid(ref, image);
    refuseDigest(ref, image, digest);
    await this.flights.run(
      `confirm ${ref.registry}/${ref.repository}@${digest}`,
      signal,
      () => cancelled(image, registryApiHost(ref)),
      (shared) =>
        this.viaHosts(ref, image, shared, async (target) => {
          const response = await this.registryRequest(target, ref, 'HEAD', `manifests/${digest}`, { accept: ACCEPT, maxBytes: 0, what: 'the manifest', signal: shared });
          // 405: a proxy that does not allow HEAD; the GET that follows (by digest, verified) says the rest.
          if (response.status !== 200 && response.status !== 405) throw this.statusError(target, response, 'the manifest');
        }),
    );
  }

  /**
   * GET a blob by digest in ref's repository; size-capped; verified; cached. `onChunk` sees the bytes as they
   * arrive, unverified (TransportRequest.onChunk), whether this call fetches them or joins a fetch under way in its
   * first JOINABLE_BYTES (handed the chunks before it first); a call that joins later, or finds the blob cached, gets
   * only the verified whole.
   */
  async blob(ref: ImageRef, digest: string, options: { signal?: AbortSignal; maxBytes?: number; onChunk?: (chunk: Uint8Array, offset: number) => void } = {}): Promise<Uint8Array> {
    const image = familiarName(ref);
    const { signal } = options;
    if (signal?.aborted) throw cancelled(image, registryApiHost(ref));
    refuseInvalid(ref, image);
    refuseDigest(ref, image, digest);
    const cached = await this.cacheGet(digest);
    if (cached !== undefined) return cached;
    const maxBytes = options.maxBytes ?? this.settings.maxBlobBytes;
    const key = `blob ${ref.registry}/${ref.repository}@${digest} ${maxBytes}`;
    const { onChunk } = options;
    // Joining a fetch under way: its bytes so far first, then the rest as they come.
    const joined = onChunk && this.arriving.get(key);
    if (joined && joined.chunks) {
      for (const [chunk, offset] of joined.chunks) onChunk(chunk, offset);
      joined.watchers.add(onChunk);
    }
    const fetched = this.flights.run(key, signal, () => cancelled(image, registryApiHost(ref)), (shared) => {
      const arriving: ArrivingBlob = { chunks: [], watchers: new Set(onChunk ? [onChunk] : []) };
      this.arriving.set(key, arriving);
      const seen = (chunk: Uint8Array, offset: number) => {
        // A retry, or the next host, starts from the first byte again.
        if (offset === 0) arriving.chunks = [];
        if (arriving.chunks && offset + chunk.length <= JOINABLE_BYTES) arriving.chunks.push([chunk, offset]);
        else arriving.chunks = undefined;
        for (const watcher of arriving.watchers) watcher(chunk, offset);
      };
      return this.viaHosts(ref, image, shared, async (target) => {
        const what = `blob ${digest}`;
        // Hashed as it streams in: verified the moment its last byte is.
        const hashAlgorithm = digest.slice(0, digest.indexOf(':'));
        const response = await this.registryRequest(target, ref, 'GET', `blobs/${digest}`, { maxBytes, what, signal: shared, hashAlgorithm, onChunk: seen });
        if (response.status !== 200) throw this.statusError(target, response, what);
        const { bytes } = response;
        const actual = response.digest ?? hashLike(digest, bytes);
        if (actual !== digest) {
          throw mismatch(target, response, `${image}: blob ${digest} from ${target.apiHost} hashes to ${actual} instead (a mirror or cache serving corrupt content, or a proxy that rewrites responses)`, digest, actual);
        }
        this.storeLater(digest, bytes, target.apiHost);
        return bytes;
      }).finally(() => {
        if (this.arriving.get(key) === arriving) this.arriving.delete(key);
      });
    });
    if (joined && joined.chunks) {
      const leave = () => joined.watchers.delete(onChunk);
      fetched.then(leave, leave);
    }
    return fetched;
  }

  /**
   * GET a blob by digest and hand its body to `consume` as it arrives, never keeping or caching it: for checking
   * content too large to hold (`image-provenance verify`). The bytes are not verified here; that is the
   * consumer's to do. Mirrors first, as for every pull: the host that answered (and, when it redirected, where
   * the bytes came from) is returned so a mismatch can be put on the host that served it.
   */
  async streamBlob(ref: ImageRef, digest: string, consume: (body: AsyncIterable<Uint8Array>) => Promise<void>, options: { signal?: AbortSignal } = {}): Promise<{ host: string; servedFrom: string; mirror: boolean }> {
    const image = familiarName(ref);
    const signal = options.signal ?? new AbortController().signal;
    if (signal.aborted) throw cancelled(image, registryApiHost(ref));
    refuseInvalid(ref, image);
    refuseDigest(ref, image, digest);
    return this.viaHosts(ref, image, signal, async (target) => {
      const what = `blob ${digest}`;
      const response = await this.registryRequest(target, ref, 'GET', `blobs/${digest}`, { maxBytes: 0, what, signal, consumeBody: consume });
      if (response.status !== 200) throw this.statusError(target, response, what);
      return { host: target.apiHost, servedFrom: response.url.host, mirror: target.mirror };
    });
  }

  /**
   * The manifests whose `subject` is `digest` in ref's repository (OCI distribution spec, "Listing Referrers"):
   * `GET /v2/<name>/referrers/<digest>`, filtered by `artifactType` (by the registry when it says so in
   * `OCI-Filters-Applied`, else here), following `Link: rel="next"` pages on the same origin; where the registry
   * has no such API (404), the fallback tag `sha256-<hex>`. The list itself has no digest to verify: each manifest
   * in it is fetched by digest and verified as usual. Cached in memory for the tag TTL.
   */
  async referrers(ref: ImageRef, digest: string, options: { signal?: AbortSignal; artifactType?: string } = {}): Promise<Referrers> {
    const image = familiarName({ ...ref, digest });
    const { signal, artifactType } = options;
    if (signal?.aborted) throw cancelled(image, registryApiHost(ref));
    refuseInvalid(ref, image);
    refuseDigest(ref, image, digest);
    const key = `${ref.registry}/${ref.repository}@${digest} ${artifactType ?? ''}`;
    const hit = this.referrerLists.get(key);
    if (hit !== undefined && hit.expiresAt > this.now()) return hit.referrers;
    const referrers = await this.flights.run(
      `referrers ${key}`,
      signal,
      () => cancelled(image, registryApiHost(ref)),
      (shared) =>
        this.viaHosts(ref, image, shared, async (target) => {
          const found = await this.referrersOn(target, ref, digest, artifactType, shared);
          // A mirror without the list may only lack the API: the registry itself is asked next.
          if (found.source === 'none' && target.mirror) throw new RegistryError('notFound', image, target.apiHost, `${image}: ${target.apiHost} lists no referrers`);
          return found;
        }),
    );
    this.referrerLists.set(key, { referrers, expiresAt: this.now() + this.settings.tagTtlMs });
    return referrers;
  }

  /** Drops the tag TTL cache and tokens (the Clear cache command also clears the ContentStore). */
  clearMemory(): void {
    this.tags.clear();
    this.referrerLists.clear();
    this.auth.clear();
  }

  /** Asks hosts found unreachable again on the next request (the user retries: the network may be back). */
  forgetUnreachable(): void {
    this.transport.forgetUnreachable();
  }

  /** Closes undici's connection pools, once the blobs being stored are written. */
  async close(): Promise<void> {
    await Promise.all(this.writes);
    await this.transport.close();
  }

  private async referrersOn(target: Target, ref: ImageRef, digest: string, artifactType: string | undefined, signal: AbortSignal): Promise<Referrers> {
    const what = `the referrers of ${digest}`;
    const query = artifactType !== undefined ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const manifests: Descriptor[] = [];
    let rest = `referrers/${digest}${query}`;
    for (let page = 0; page < MAX_REFERRER_PAGES; page++) {
      const response = await this.registryRequest(target, ref, 'GET', rest, { accept: MEDIA_TYPES.ociIndex, maxBytes: this.settings.maxManifestBytes, what, signal });
      if (response.status === 404 && page === 0) return this.referrersByTag(target, ref, digest, artifactType, signal);
      if (response.status !== 200) throw this.statusError(target, response, what);
      const list = this.referrerIndex(target, response.bytes, what);
      const filtered = header(response.headers, 'oci-filters-applied')?.split(',').some((f) => f.trim() === 'artifactType') === true;
      manifests.push(...(artifactType === undefined || filtered ? list : list.filter((m) => m.artifactType === artifactType)));
      const next = nextPage(header(response.headers, 'link'), response.url);
      if (next === undefined) return { manifests, source: 'api', host: target.apiHost };
      // Only a page of the same repository on the same origin: the next request carries this host's credentials.
      const prefix = `/v2/${ref.repository}/referrers/`;
      if (next.origin !== response.url.origin || !next.pathname.startsWith(prefix)) {
        throw new RegistryError('badResponse', target.image, target.apiHost, `${target.image}: ${target.apiHost} sent the next page of ${what} to another place (${redactUrl(next)})`);
      }
      rest = `${next.pathname.slice(`/v2/${ref.repository}/`.length)}${next.search}`;
    }
    throw new RegistryError('tooLarge', target.image, target.apiHost, `${target.image}: ${what} on ${target.apiHost} run over ${MAX_REFERRER_PAGES} pages`);
  }

  /** The spec's fallback for registries without the referrers API: an index tagged `sha256-<hex>`. */
  private async referrersByTag(target: Target, ref: ImageRef, digest: string, artifactType: string | undefined, signal: AbortSignal): Promise<Referrers> {
    const tag = digest.replace(':', '-');
    try {
      const fetched = await this.getManifest(target, ref, tag, undefined, signal);
      if (fetched.manifest.kind !== 'index') {
        throw new RegistryError('badResponse', target.image, target.apiHost, `${target.image}: the referrers tag ${tag} on ${target.apiHost} is an image manifest, not an index`);
      }
      const list = fetched.manifest.manifests;
      return { manifests: artifactType === undefined ? list : list.filter((m) => m.artifactType === artifactType), source: 'tag', host: target.apiHost };
    } catch (error) {
      if (RegistryError.is(error, 'notFound')) return { manifests: [], source: 'none', host: target.apiHost };
      throw error;
    }
  }

  private referrerIndex(target: Target, bytes: Uint8Array, what: string): Descriptor[] {
    try {
      const parsed = parseManifest(bytes, MEDIA_TYPES.ociIndex);
      if (parsed.kind === 'index') return parsed.manifests;
    } catch (error) {
      if (!(error instanceof ManifestFormatError)) throw error;
      throw new RegistryError('badResponse', target.image, target.apiHost, `${target.image}: ${what} from ${target.apiHost} is not an image index: ${error.message}`);
    }
    throw new RegistryError('badResponse', target.image, target.apiHost, `${target.image}: ${what} from ${target.apiHost} is not an image index`);
  }

  private async resolveOn(target: Target, ref: ImageRef, tag: string, key: string, fetching: boolean, signal: AbortSignal): Promise<ResolvedDigest> {
    // A HEAD pays off when its answer is likely stored already (and it is free on Docker Hub's rate limit, where
    // a GET by tag or by digest counts one pull either way): the content the tag named last time.
    const response = fetching && !(await this.holdsLastDigest(key)) ? undefined : await this.registryRequest(target, ref, 'HEAD', `manifests/${tag}`, { accept: ACCEPT, maxBytes: 0, what: 'the manifest', signal });
    if (response?.status === 200) {
      const digest = header(response.headers, 'docker-content-digest')?.trim();
      const mediaType = mediaTypeOf(header(response.headers, 'content-type'));
      // The header is enough to resolve (and HEAD is free on Docker Hub's rate limit); without it,
      // or with a type that is not a manifest's, only the bytes can say.
      if (digest !== undefined && isDigest(digest) && mediaType !== undefined && MANIFEST_MEDIA_TYPES.includes(mediaType)) {
        const resolved: ResolvedDigest = { digest, mediaType, source: 'head', host: target.apiHost };
        const size = Number(header(response.headers, 'content-length'));
        if (Number.isSafeInteger(size) && size > 0) resolved.size = size;
        this.rememberTag(key, resolved);
        return resolved;
      }
    } else if (response !== undefined && response.status !== 405) {
      // 405: some proxies do not allow HEAD; GET says the same.
      throw this.statusError(target, response, 'the manifest');
    }
    const fetched = await this.getManifest(target, ref, tag, undefined, signal);
    const resolved: ResolvedDigest = { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.length, source: 'get', host: fetched.host };
    this.rememberTag(key, resolved);
    return resolved;
  }

  private async manifestByDigest(ref: ImageRef, digest: string, image: string, signal: AbortSignal | undefined): Promise<FetchedManifest> {
    refuseDigest(ref, image, digest);
    const cached = await this.fromCache(digest);
    if (cached !== undefined) return { ...cached, host: this.servedBy.get(digest) ?? registryApiHost(ref) };
    try {
      return await this.flights.run(
        `manifest ${ref.registry}/${ref.repository}@${digest}`,
        signal,
        () => cancelled(image, registryApiHost(ref)),
        (shared) => this.viaHosts(ref, image, shared, (target) => this.getManifest(target, ref, digest, digest, shared)),
      );
    } catch (error) {
      // The digest may have come from the tag cache (a HEAD through a stale mirror or a lying proxy, or a tag
      // that moved and whose old manifest was deleted): the next lookup, and Retry, must ask for the tag
      // again rather than repeat this failure until the entry expires.
      if (!RegistryError.is(error, 'cancelled')) this.forgetTagsPointingTo(ref, digest);
      throw error;
    }
  }

  /** A manifest from the content store, parsed; undefined when absent or unreadable. */
  private async fromCache(digest: string): Promise<Omit<FetchedManifest, 'host'> | undefined> {
    const bytes = await this.cacheGet(digest);
    if (bytes === undefined) return undefined;
    try {
      // No Content-Type for stored bytes: parseManifest reads the type from the body (or its shape).
      const manifest = parseManifest(bytes, undefined);
      return { digest, mediaType: manifest.mediaType, bytes, manifest };
    } catch {
      // A blob stored under this digest, not a manifest: not what was asked for.
      return undefined;
    }
  }

  /** GET a manifest by tag or digest from one host, check type and digest, store it. */
  private async getManifest(target: Target, ref: ImageRef, reference: string, expected: string | undefined, signal: AbortSignal): Promise<FetchedManifest> {
    const what = 'the manifest';
    const response = await this.registryRequest(target, ref, 'GET', `manifests/${reference}`, { accept: ACCEPT, maxBytes: this.settings.maxManifestBytes, what, signal });
    if (response.status !== 200) throw this.statusError(target, response, what);
    const { bytes } = response;
    const mediaType = this.manifestMediaType(target, response);

    let digest: string;
    if (expected !== undefined) {
      if (!verifyDigest(bytes, expected)) {
        const actual = hashLike(expected, bytes);
        throw mismatch(
          target,
          response,
          `${target.image}: the manifest bytes from ${target.apiHost} hash to ${actual}, not ${expected} that was asked for (a mirror serving stale content, or a proxy that rewrites responses)`,
          expected,
          actual,
        );
      }
      digest = expected;
    } else {
      digest = sha256Digest(bytes);
      // go-containerregistry distrusts this header ("so many registries implement this
      // incorrectly"); a header that disagrees with the bytes is reported, never pinned.
      const claimed = header(response.headers, 'docker-content-digest')?.trim();
      if (claimed !== undefined && isDigest(claimed) && !verifyDigest(bytes, claimed)) {
        const actual = hashLike(claimed, bytes);
        throw mismatch(
          target,
          response,
          `${target.image}: the registry's manifest bytes hash to ${actual}, not ${claimed} it claimed (a mirror serving stale content, or a proxy that rewrites responses)`,
          claimed,
          actual,
        );
      }
    }

    let manifest: ParsedManifest;
    try {
      manifest = parseManifest(bytes, mediaType);
    } catch (error) {
      if (!(error instanceof ManifestFormatError)) throw error;
      throw new RegistryError('badResponse', target.image, target.apiHost, `${target.image}: ${target.apiHost} served a manifest that cannot be read: ${error.message}`, {
        status: response.status,
        url: redactUrl(response.url),
      });
    }
    await this.cachePut(digest, bytes, target.apiHost);
    return { digest, mediaType: manifest.mediaType, bytes, manifest, host: target.apiHost };
  }

  /**
   * The Content-Type when it is one of the four; else the body's `mediaType` when that is (old
   * distribution versions answer `application/json` for some manifests); else 'badResponse'.
   */
  private manifestMediaType(target: Target, response: TransportResponse): string {
    const declared = mediaTypeOf(header(response.headers, 'content-type'));
    if (declared !== undefined && MANIFEST_MEDIA_TYPES.includes(declared)) return declared;
    let bodyType: unknown;
    try {
      const body: unknown = JSON.parse(Buffer.from(response.bytes).toString('utf8'));
      bodyType = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['mediaType'] : undefined;
    } catch {
      bodyType = undefined;
    }
    if (typeof bodyType === 'string' && MANIFEST_MEDIA_TYPES.includes(bodyType)) return bodyType;
    const shown = declared === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(declared.slice(0, 100))}`;
    throw new RegistryError(
      'badResponse',
      target.image,
      target.apiHost,
      `${target.image}: ${target.apiHost} answered with ${shown}, which is not an image manifest or index (expected one of ${MANIFEST_MEDIA_TYPES.join(', ')})`,
      { status: response.status, url: redactUrl(response.url) },
    );
  }

  /** A request to `/v2/<repository>/<rest>` on one host, signing in when the host asks. */
  private async registryRequest(
    target: Target,
    ref: ImageRef,
    method: 'GET' | 'HEAD',
    rest: string,
    options: { accept?: string; maxBytes: number; what: string; signal: AbortSignal; consumeBody?: TransportRequest['consumeBody']; hashAlgorithm?: string; onChunk?: TransportRequest['onChunk'] },
  ): Promise<TransportResponse> {
    const url = new URL(`/v2/${ref.repository}/${rest}`, target.base);
    const scope = pullScope(ref.repository);
    const send = (authorization: string | undefined): Promise<TransportResponse> =>
      this.transport.send({
        method,
        url,
        ...(options.accept !== undefined && { headers: { accept: options.accept } }),
        ...(authorization !== undefined && { authorization }),
        insecure: target.insecure,
        maxBytes: options.maxBytes,
        ...(options.consumeBody !== undefined && { consumeBody: options.consumeBody }),
        ...(options.hashAlgorithm !== undefined && { hashAlgorithm: options.hashAlgorithm }),
        ...(options.onChunk !== undefined && { onChunk: options.onChunk }),
        signal: options.signal,
        image: target.image,
        host: target.apiHost,
        what: options.what,
        purpose: 'registry',
      });
    const first = await this.auth.authorization(target, scope, options.signal);
    let response: TransportResponse | undefined;
    let answer: ChallengeAnswer;
    try {
      response = await send(first.authorization);
      // Only the registry's own 401/403 is about its credentials: one from a host it redirected to (a blob
      // CDN) must never name a token service the registry's credentials would then be sent to.
      if ((response.status === 401 || response.status === 403) && response.url.origin !== url.origin) throw this.foreignRefusal(target, response, options.what);
      if (response.status !== 401) {
        if (response.status === 403) throw this.auth.failure(target, 403, first.withCredentials, response);
        return response;
      }
      answer = await this.auth.answerChallenge(target, scope, response, first.authorization, options.signal);
    } finally {
      first.settle(response?.status);
    }
    const again = await send(answer.authorization);
    if ((again.status === 401 || again.status === 403) && again.url.origin !== url.origin) throw this.foreignRefusal(target, again, options.what);
    if (again.status === 401 || again.status === 403) throw this.auth.failure(target, again.status, answer.withCredentials, again);
    return again;
  }

  private foreignRefusal(target: Target, response: TransportResponse, what: string): RegistryError {
    return new RegistryError(
      'badResponse',
      target.image,
      response.url.host,
      `${target.image}: ${target.apiHost} redirected ${what} to ${response.url.host}, which refused it (${response.status}); the registry's credentials are not sent there (an expired download link, or a misconfigured storage backend)`,
      { status: response.status, url: redactUrl(response.url) },
    );
  }

  /** The error for a status other than 200 (redirects, 5xx and 429 were handled by the transport). */
  private statusError(target: Target, response: TransportResponse, what: string): RegistryError {
    const { status } = response;
    if (status === 401 || status === 403) return this.auth.failure(target, status, false, response);
    const details = { status, url: redactUrl(response.url) };
    if (status === 404) {
      return new RegistryError('notFound', target.image, target.apiHost, `${target.image}: ${what} was not found on ${target.apiHost} (404): the repository, tag or digest does not exist there`, details);
    }
    return new RegistryError('badResponse', target.image, target.apiHost, `${target.image}: ${target.apiHost} answered ${status} for ${what}`, details);
  }

  /** Mirrors in order, then the registry; a mirror's failure (of any kind but cancellation) moves on to the next. */
  private async viaHosts<T>(ref: ImageRef, image: string, signal: AbortSignal, attempt: (target: Target) => Promise<T>): Promise<T> {
    const targets = this.targets(ref, image);
    const mirrorFailures: string[] = [];
    for (let i = 0; ; i++) {
      const target = targets[i] as Target;
      try {
        return await attempt(target);
      } catch (error) {
        if (signal.aborted || RegistryError.is(error, 'cancelled')) throw error;
        const kind = RegistryError.is(error) ? error.kind : 'error';
        if (i === targets.length - 1) {
          // The registry's own failure decides; what the mirrors said explains why it was asked at all.
          if (!mirrorFailures.length || !RegistryError.is(error)) throw error;
          throw new RegistryError(error.kind, error.image, error.host, `${error.message} (mirrors tried first: ${mirrorFailures.join(', ')})`, error.details);
        }
        mirrorFailures.push(`${target.apiHost} ${kind}`);
        this.log(`mirror ${target.apiHost} failed for ${image} (${kind}); trying ${targets[i + 1]?.apiHost ?? 'the registry'}`);
      }
    }
  }

  private targets(ref: ImageRef, image: string): Target[] {
    const upstream = hostSettings(this.settings, ref.registry);
    const apiHost = registryApiHost(ref);
    const targets: Target[] = [];
    for (const entry of upstream.mirrors ?? []) {
      const { host, http } = mirrorHost(entry);
      if (host === '' || host === ref.registry || host === apiHost || targets.some((t) => t.apiHost === host)) continue;
      // A mirror is its own host: its own settings and, via `registry`, its own credentials.
      const own = hostSettings(this.settings, host);
      const plain = http || own.http === true;
      targets.push({ registry: host, apiHost: host, http: plain, insecure: own.insecure === true, image, base: `${plain ? 'http' : 'https'}://${host}`, mirror: true });
    }
    const plain = upstream.http === true;
    targets.push({ registry: ref.registry, apiHost, http: plain, insecure: upstream.insecure === true, image, base: `${plain ? 'http' : 'https'}://${apiHost}`, mirror: false });
    return targets;
  }

  private freshTag(key: string): ResolvedDigest | undefined {
    const entry = this.tags.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.resolved;
    this.tags.delete(key);
    return undefined;
  }

  private rememberTag(key: string, resolved: ResolvedDigest): void {
    if (this.settings.tagTtlMs > 0) this.tags.set(key, { resolved, expiresAt: this.now() + this.settings.tagTtlMs });
    if (this.lastDigests.get(key) === resolved.digest) return;
    this.lastDigests.set(key, resolved.digest);
    this.cache.rememberDigest(key, resolved.digest).catch(() => undefined);
  }

  /** Whether the content store holds what the tag named when last asked (in this session or an earlier one). */
  private async holdsLastDigest(key: string): Promise<boolean> {
    const digest = this.lastDigests.get(key) ?? (await this.cache.lastDigest(key).catch(() => undefined));
    if (digest !== undefined) this.lastDigests.set(key, digest);
    return digest !== undefined && (await this.cacheGet(digest)) !== undefined;
  }

  private forgetTagsPointingTo(ref: ImageRef, digest: string): void {
    const repository = tagKey(ref, '');
    for (const [key, entry] of this.tags) if (key.startsWith(repository) && entry.resolved.digest === digest) this.tags.delete(key);
  }

  private async cacheGet(digest: string): Promise<Uint8Array | undefined> {
    // A copy, as a content store gives: what one caller does to its bytes is not what the digest names.
    const storing = this.storing.get(digest);
    if (storing) return new Uint8Array(storing);
    try {
      return await this.cache.get(digest);
    } catch {
      // A cache that cannot answer is a miss.
      return undefined;
    }
  }

  /**
   * A verified blob goes to the content store once its caller has it (writing a 75 MB SBOM takes a while, which the
   * panel waited for), and is served from memory until then. It was hashed as it came: the store need not again.
   */
  private storeLater(digest: string, bytes: Uint8Array, host: string): void {
    this.servedBy.set(digest, host);
    this.storing.set(digest, bytes);
    const write: Promise<void> = new Promise((next) => setTimeout(next, 0))
      .then(() => this.cachePut(digest, bytes, host, { verified: true }))
      .finally(() => {
        if (this.storing.get(digest) === bytes) this.storing.delete(digest);
        this.writes.delete(write);
      });
    this.writes.add(write);
  }

  /** Only verified bytes get here; a store that fails to write costs a refetch later, not this request. */
  private async cachePut(digest: string, bytes: Uint8Array, host: string, options?: PutOptions): Promise<void> {
    this.servedBy.set(digest, host);
    try {
      await this.cache.put(digest, bytes, options);
    } catch {
      this.log(`could not store ${digest} in the cache`);
    }
  }
}

function tagKey(ref: ImageRef, tag: string): string {
  return `${ref.registry}/${ref.repository}:${tag}`;
}

/**
 * Throws 'invalidReference' unless every part of `ref` that goes into a URL is in the reference grammar.
 * Whoever built the ImageRef may not have parsed it, and `..`, `/`, `?` or `#` in a tag or name would ask
 * for another URL than the one meant. The grammars are the distribution spec's ("Pulling manifests":
 * `<name>` and a tag `<reference>`), the host distribution/reference's `domain`, the digest one we can verify.
 */
/** A digest asked for apart from the reference (a pin, a layer, a subject) must be one that can be verified. */
function refuseDigest(ref: ImageRef, image: string, digest: string): void {
  if (!isDigest(digest)) throw new RegistryError('badResponse', image, registryApiHost(ref), `${image}: ${JSON.stringify(digest.slice(0, 80))} is not a digest this extension can verify`);
}

function refuseInvalid(ref: ImageRef, image: string): void {
  const refuse = (what: string): never => {
    throw new RegistryError('invalidReference', image, registryApiHost(ref), `${image}: ${what}; no request was sent`);
  };
  const shown = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (!isRegistryHost(ref.registry)) refuse(`${shown(ref.registry)} is not a registry host name`);
  if (!isRepositoryPath(ref.repository)) {
    refuse(`${shown(ref.repository)} is not a repository name (lowercase letters and digits, separated by '.', '_', '__' or dashes, in components joined by '/')`);
  }
  if (ref.tag !== undefined && !isTag(ref.tag)) refuse(`${shown(ref.tag)} is not a tag (up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-')`);
  if (ref.digest !== undefined && !isDigest(ref.digest)) refuse(`${shown(ref.digest)} is not a digest this extension can verify`);
}

/** The media type of a Content-Type value: parameters dropped, lower case. */
function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? undefined : type;
}

/** The hash of `bytes` with the algorithm of `digest` (sha256, sha384, sha512). */
function hashLike(digest: string, bytes: Uint8Array): string {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function mismatch(target: Target, response: TransportResponse, message: string, expected: string, actual: string): RegistryError {
  return new RegistryError('digestMismatch', target.image, target.apiHost, message, { status: response.status, url: redactUrl(response.url), expected, actual });
}

function cancelled(image: string, host: string): RegistryError {
  return new RegistryError('cancelled', image, host, `${image}: cancelled`);
}

/**
 * A blob on its way, for calls that join its fetch (RegistryClient.blob): the `onChunk` of each, and the chunks so
 * far while they are its first JOINABLE_BYTES (the transport's own buffers, not copies; it also copies them into
 * the whole, so they are kept only that far). A call that joins later gets the verified whole only.
 */
interface ArrivingBlob {
  chunks: [chunk: Uint8Array, offset: number][] | undefined;
  readonly watchers: Set<(chunk: Uint8Array, offset: number) => void>;
}

/** How far into a blob a call can join its fetch and still see its bytes arrive: an SBOM's first packages are in. */
const JOINABLE_BYTES = 4 * 1024 * 1024;

/**
 * One in-flight request per key. Callers share it; one caller aborting stops only its own wait,
 * and the shared request is aborted only when every caller has aborted.
 */
class Flights {
  private readonly flights = new Map<string, { promise: Promise<unknown>; controller: AbortController; waiters: number }>();

  run<T>(key: string, signal: AbortSignal | undefined, onCancel: () => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(onCancel());
    let flight = this.flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const created = { promise: work(controller.signal) as Promise<unknown>, controller, waiters: 0 };
      this.flights.set(key, created);
      const forget = (): void => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      };
      created.promise.then(forget, forget);
      flight = created;
    }
    const current = flight;
    current.waiters++;
    const shared = current.promise as Promise<T>;
    if (signal === undefined) return shared;
    // This caller stops waiting; the last one to leave stops the request.
    return untilAborted(shared, signal, () => {
      current.waiters--;
      if (current.waiters === 0) {
        if (this.flights.get(key) === current) this.flights.delete(key);
        current.controller.abort();
      }
      return onCancel();
    });
  }
}
