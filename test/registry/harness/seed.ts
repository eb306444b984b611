// Pushes images of our own making through a registry's HTTP API (distribution spec "Pushing blobs":
// POST /v2/<name>/blobs/uploads/ then PUT <location>?digest=; "Pushing manifests": PUT
// /v2/<name>/manifests/<tag>), authenticating the way `docker push` does: anonymous first, then Basic
// or a bearer token from the challenge's realm. Returns the digests it computed itself, so tests can
// check the client under test against values that do not come from it.
import { Agent, request, type Dispatcher } from 'undici';
import {
  attestationImage,
  indexOf,
  parsePlatform,
  platformImage,
  formatPlatform,
  referrersIndex,
  referrersTag,
  type AttestationImage,
  type AttestationOptions,
  type Blob,
  type Platform,
  type PlatformImage,
} from './imageContent';

export interface SeedOptions {
  /** Credentials for the registry (Basic) or its token realm. */
  auth?: { username: string; password: string };
  /** PEM of a CA to trust (registries and realms over TLS with a test CA). */
  ca?: string;
  /** Changes the content (and so every digest) without changing repository or tag: a "new build". */
  salt?: string;
}

export interface SeedImageOptions extends SeedOptions {
  /** Default ['linux/amd64', 'linux/arm64/v8']. */
  platforms?: string[];
  /** BuildKit attestation manifests (provenance + SBOM) per platform; default true. */
  attestations?: boolean;
  /** What the attestation manifests hold and where they are kept; default: SLSA v0.2 and SPDX, listed in the index. */
  attestationShape?: AttestationShape;
}

/**
 * What the attestation manifests hold (imageContent.ts AttestationOptions) and where they are kept: `index`,
 * listed in the image index with `vnd.docker.reference.*` annotations, as BuildKit pushes them (either form);
 * `referrer`, only as referrers of their platform manifest, which a registry without the referrers API (this
 * harness's distribution 2.8) holds under the fallback tag `sha256-<hex>` (OCI distribution spec).
 */
export interface AttestationShape extends AttestationOptions {
  storage?: 'index' | 'referrer';
}

export interface SeededContent {
  readonly repository: string;
  readonly tag: string;
  /** What the tag points to. */
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
  /** Every manifest pushed, by digest. */
  readonly manifests: Record<string, Blob>;
  /** Every blob pushed (configs, layers, attestation statements), by digest. */
  readonly blobs: Record<string, Blob>;
}

export interface SeededIndex extends SeededContent {
  readonly indexDigest: string;
  readonly indexBytes: Buffer;
  /** 'linux/amd64' → platform manifest digest. */
  readonly platformDigests: Record<string, string>;
  /** 'linux/amd64' → digest of the attestation manifest that attests it. */
  readonly attestationDigests: Record<string, string>;
  /** 'linux/amd64' → its attestation layers (in-toto statements) with their predicate types. */
  readonly attestationLayers: Record<string, (Blob & { predicateType: string })[]>;
}

export interface SeededSingle extends SeededContent {
  readonly configDigest: string;
  readonly layerDigest: string;
}

/** A BuildKit-style multi-platform image: OCI index, OCI platform manifests, attestation manifests. */
export async function seedImage(registryUrl: string, repository: string, tag: string, options: SeedImageOptions = {}): Promise<SeededIndex> {
  const platforms = (options.platforms ?? ['linux/amd64', 'linux/arm64/v8']).map(parsePlatform);
  const seed = (p: string): string => `${repository}:${tag} ${p} ${options.salt ?? ''}`;
  const images = platforms.map((p) => indexedPlatformImage(repository, tag, p, options.salt));
  const shape = options.attestationShape ?? {};
  const attestations = options.attestations === false ? [] : images.map((image) => attestationImage(seed(`attest ${formatPlatform(image.platform)}`), repository, tag, image, shape));
  const asReferrers = shape.storage === 'referrer';
  const index = indexOf('oci', images, asReferrers ? [] : attestations);
  await push(registryUrl, repository, tag, options, images, attestations, index, asReferrers);
  const byPlatform = <T>(f: (i: number) => T): Record<string, T> => Object.fromEntries(images.map((image, i) => [formatPlatform(image.platform), f(i)]));
  return {
    ...content(repository, tag, index, images, attestations),
    indexDigest: index.digest,
    indexBytes: index.bytes,
    platformDigests: byPlatform((i) => images[i]!.manifest.digest),
    attestationDigests: attestations.length ? byPlatform((i) => attestations[i]!.manifest.digest) : {},
    attestationLayers: attestations.length ? byPlatform((i) => attestations[i]!.layers) : {},
  };
}

/**
 * The digest of a platform manifest seedImage pushes, without pushing anything: its content depends only on
 * repository, tag, platform and salt, not on the attestations. A seeded provenance can name it as a material.
 */
export function platformManifestDigest(repository: string, tag: string, platform: string, salt?: string): string {
  return indexedPlatformImage(repository, tag, parsePlatform(platform), salt).manifest.digest;
}

function indexedPlatformImage(repository: string, tag: string, platform: Platform, salt: string | undefined): PlatformImage {
  return platformImage(`${repository}:${tag} ${formatPlatform(platform)} ${salt ?? ''}`, platform, 'oci');
}

/** One platform image with a Docker v2 schema 2 manifest, as `docker push` of a classic build. */
export async function seedSingle(registryUrl: string, repository: string, tag: string, options: SeedOptions & { platform?: string } = {}): Promise<SeededSingle> {
  const image = platformImage(`${repository}:${tag} single ${options.salt ?? ''}`, parsePlatform(options.platform ?? 'linux/amd64'), 'docker');
  await push(registryUrl, repository, tag, options, [image], [], image.manifest);
  return { ...content(repository, tag, image.manifest, [image], []), configDigest: image.config.digest, layerDigest: image.layer.digest };
}

/** A Docker manifest list (v2) over Docker v2 platform manifests, as `docker manifest push` makes. */
export async function seedDockerList(registryUrl: string, repository: string, tag: string, options: SeedOptions & { platforms?: string[] } = {}): Promise<SeededIndex> {
  const images = (options.platforms ?? ['linux/amd64', 'linux/arm/v7']).map((p) => platformImage(`${repository}:${tag} ${p} list ${options.salt ?? ''}`, parsePlatform(p), 'docker'));
  const list = indexOf('docker', images, []);
  await push(registryUrl, repository, tag, options, images, [], list);
  return {
    ...content(repository, tag, list, images, []),
    indexDigest: list.digest,
    indexBytes: list.bytes,
    platformDigests: Object.fromEntries(images.map((image) => [formatPlatform(image.platform), image.manifest.digest])),
    attestationDigests: {},
    attestationLayers: {},
  };
}

function content(repository: string, tag: string, top: Blob, images: PlatformImage[], attestations: AttestationImage[]): SeededContent {
  const manifests: Record<string, Blob> = { [top.digest]: top };
  const blobs: Record<string, Blob> = {};
  for (const image of images) {
    manifests[image.manifest.digest] = image.manifest;
    blobs[image.config.digest] = image.config;
    blobs[image.layer.digest] = image.layer;
  }
  for (const a of attestations) {
    manifests[a.manifest.digest] = a.manifest;
    blobs[a.config.digest] = a.config;
    for (const l of a.layers) blobs[l.digest] = l;
  }
  return { repository, tag, digest: top.digest, mediaType: top.mediaType, bytes: top.bytes, manifests, blobs };
}

/** With `referrersByTag`, each attestation manifest is also listed under its subject's fallback tag. */
async function push(registryUrl: string, repository: string, tag: string, options: SeedOptions, images: PlatformImage[], attestations: AttestationImage[], top: Blob, referrersByTag = false): Promise<void> {
  const session = new PushSession(registryUrl, repository, options);
  try {
    for (const image of images) {
      await session.pushBlob(image.layer);
      await session.pushBlob(image.config);
      await session.pushManifest(image.manifest.digest, image.manifest);
    }
    for (const a of attestations) {
      for (const l of a.layers) await session.pushBlob(l);
      await session.pushBlob(a.config);
      await session.pushManifest(a.manifest.digest, a.manifest);
      if (referrersByTag) await session.pushManifest(referrersTag(a.subject), referrersIndex([a.manifest]));
    }
    await session.pushManifest(tag, top);
  } finally {
    await session.close();
  }
}

/** One repository's push: keeps the Authorization that worked. */
export class PushSession {
  private authorization: string | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly base: string;

  constructor(
    registryUrl: string,
    private readonly repository: string,
    private readonly options: SeedOptions = {},
  ) {
    this.base = registryUrl.replace(/\/+$/, '');
    this.dispatcher = new Agent({ connect: options.ca ? { ca: options.ca } : {} });
  }

  async pushBlob(b: Blob): Promise<void> {
    const start = await this.send('POST', `${this.base}/v2/${this.repository}/blobs/uploads/`, {}, undefined);
    if (start.statusCode !== 202) throw await this.failure('start a blob upload', start);
    await start.body.dump();
    const location = start.headers['location'];
    if (typeof location !== 'string') throw new Error(`seed: upload for ${this.repository} answered without a Location`);
    const url = new URL(location, `${this.base}/`);
    url.searchParams.set('digest', b.digest);
    const done = await this.send('PUT', url.toString(), { 'content-type': 'application/octet-stream' }, b.bytes);
    if (done.statusCode !== 201) throw await this.failure(`upload blob ${b.digest}`, done);
    await done.body.dump();
  }

  async pushManifest(reference: string, m: Blob): Promise<void> {
    const res = await this.send('PUT', `${this.base}/v2/${this.repository}/manifests/${reference}`, { 'content-type': m.mediaType }, m.bytes);
    if (res.statusCode !== 201) throw await this.failure(`push manifest ${reference}`, res);
    await res.body.dump();
    const echoed = res.headers['docker-content-digest'];
    if (echoed !== undefined && echoed !== m.digest) throw new Error(`seed: registry says manifest ${reference} is ${String(echoed)}, we computed ${m.digest}`);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(method: 'POST' | 'PUT', url: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Dispatcher.ResponseData> {
    for (let attempt = 0; ; attempt++) {
      const res = await request(url, { method, headers: { ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) }, body, dispatcher: this.dispatcher });
      if (res.statusCode !== 401 || attempt > 0) return res;
      const challenge = res.headers['www-authenticate'];
      await res.body.dump();
      this.authorization = await this.authorize(Array.isArray(challenge) ? challenge.join(', ') : (challenge ?? ''));
    }
  }

  /** The Authorization for a challenge: Basic with our credentials, or a bearer token for pull,push from the realm. */
  private async authorize(challenge: string): Promise<string> {
    const basic = this.options.auth ? `Basic ${Buffer.from(`${this.options.auth.username}:${this.options.auth.password}`).toString('base64')}` : undefined;
    if (/^\s*basic\b/i.test(challenge)) {
      if (!basic) throw new Error(`seed: ${this.base} wants Basic credentials; pass options.auth`);
      return basic;
    }
    const param = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`, 'i').exec(challenge)?.[1];
    const realm = param('realm');
    if (!/^\s*bearer\b/i.test(challenge) || !realm) throw new Error(`seed: cannot answer the challenge "${challenge}"`);
    const url = new URL(realm);
    const service = param('service');
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', `repository:${this.repository}:pull,push`);
    const res = await request(url, { headers: basic ? { authorization: basic } : {}, dispatcher: this.dispatcher });
    if (res.statusCode !== 200) throw await this.failure('get a push token', res);
    const body = (await res.body.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error('seed: the token realm answered without a token');
    return `Bearer ${token}`;
  }

  private async failure(what: string, res: Dispatcher.ResponseData): Promise<Error> {
    const text = await res.body.text().catch(() => '');
    return new Error(`seed: could not ${what} in ${this.base}/${this.repository}: HTTP ${res.statusCode} ${text.slice(0, 500)}`);
  }
}
