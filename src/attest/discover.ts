// Finding every attestation and signature an image carries, in every form it can be stored, per platform, each
// manifest once however many ways it was found. Pure logic over a source of manifests (the registry client
// through `clientSource`, or a test's): no vscode.
//
// Sources:
// - BuildKit docs/attestations/attestation-storage.md: attestation manifests in the index, and the OCI-artifact
//   form (`artifactType` application/vnd.docker.attestation.manifest.v1+json, `subject` the image), also a referrer
// - OCI distribution spec, "Listing Referrers" and its fallback tag `<alg>-<hex>` (RegistryClient.referrers)
// - Sigstore bundles (`application/vnd.dev.sigstore.bundle.v0.3+json`): `actions/attest` attaches them to the image,
//   signed BuildKit builds to the attestation manifest. One layer, the bundle JSON, with the bundle's media type
//   (sigstore/sigstore-js packages/oci/src/image.ts, buildManifest); the manifest's annotations say what it holds
// - a separate referrer repository: Docker Scout keeps hardened images' attestations in one
//   (`docker scout attest list --referrer-repository`, default registry.scout.docker.com, same repository path)
// - cosign's tags before the referrers API: `sha256-<hex>.att` (attestations), `.sig` (signatures), `.sbom`

import type { ImageRef } from '../reference/imageReference';
import type { RegistryClient, Referrers } from '../registry/client';
import { RegistryError } from '../registry/errors';
import { formatPlatform, platformEntries, type Descriptor, type ParsedIndex, type ParsedManifest } from '../registry/manifest';
import { IN_TOTO, SIGSTORE_BUNDLE_PREFIX } from './statement';
import { ATTESTATION_MANIFEST_TYPE, attestationEntries, attestedDigest } from './storage';

/** The layer annotations that name a statement's predicate type: BuildKit's, and cosign's (`cosign attest`). */
const PREDICATE_TYPE_ANNOTATIONS = [IN_TOTO.predicateTypeAnnotation, 'predicateType'] as const;

/** Where an attestation or signature manifest was found. */
export type StorageForm =
  /** Listed in the image index next to the image it attests (BuildKit's form; annotations link the two). */
  | 'index'
  /** A referrer of the image: the referrers API or its fallback tag. */
  | 'referrer'
  /** cosign's tag `sha256-<hex>.att`, `.sig` or `.sbom`. */
  | 'cosignTag'
  /** A referrer of the image kept in a separate referrer repository (Docker Scout's, for hardened images). */
  | 'referrerRepository';

export interface AttestationLayer {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** From the layer's `in-toto.io/predicate-type` annotation, or a Sigstore bundle's `dev.sigstore.bundle.predicateType`. */
  readonly predicateType?: string;
}

export interface FoundManifest {
  readonly digest: string;
  readonly forms: StorageForm[];
  /** `attestation`: in-toto statements (BuildKit, cosign `.att`, Sigstore bundles of one); `signature`: signed, never verified here. */
  readonly kind: 'attestation' | 'signature' | 'sbom';
  readonly artifactType?: string;
  /** A Sigstore bundle (`actions/attest`, `cosign attest --new-bundle-format`): signed, its statement read all the same. */
  readonly sigstoreBundle?: true;
  readonly layers: AttestationLayer[];
  /** Signatures found as referrers of this manifest (signed BuildKit attestations). */
  readonly signatures: FoundManifest[];
}

export interface PlatformAttestations {
  /** `linux/arm64/v8`; for a single-platform image, what its index would have said is unknown: `''`. */
  readonly platform: string;
  readonly digest: string;
  readonly found: FoundManifest[];
  /** Attestation manifests the index lists that the registry does not have (404): a copy left them out. */
  readonly missing: string[];
  /** What could not be asked or read, each naming the image and the cause; what was found stands. */
  readonly problems: string[];
}

/** What discovery reads: the registry client for one repository, or a test's stand-in. */
export interface AttestationSource {
  manifest(digest: string, signal?: AbortSignal): Promise<ParsedManifest>;
  referrers(digest: string, signal?: AbortSignal): Promise<Referrers>;
  /** A manifest by tag; undefined when the tag does not exist. */
  tagged(tag: string, signal?: AbortSignal): Promise<{ digest: string; manifest: ParsedManifest } | undefined>;
  /**
   * A layer by digest, verified, refused beyond maxBytes: only the layers a reader needs are fetched. `onChunk`
   * may see its bytes as they arrive, unverified (RegistryClient.blob).
   */
  blob(digest: string, options: { maxBytes: number; signal?: AbortSignal; onChunk?: (chunk: Uint8Array, offset: number) => void }): Promise<Uint8Array>;
  /** The same access (client, credentials per host) to another repository: a referrer repository. */
  forRepository?(ref: ImageRef): AttestationSource;
}

export interface DiscoveryOptions {
  /**
   * The hover's read: the attestation manifests the index lists, and the referrers of a platform only when the
   * index lists none for it; no cosign tags, no signatures of attestation manifests, no signature manifest read.
   */
  quick?: boolean;
  /** A separate referrer repository: its referrers of each digest are read too, and what it lists is fetched from it. */
  referrerSource?: AttestationSource;
  signal?: AbortSignal;
}

/** At most this many manifests per platform are read: a registry that lists thousands is not followed. */
export const MAX_FOUND_PER_PLATFORM = 32;

const COSIGN_SUFFIXES = [
  ['att', 'attestation'],
  ['sig', 'signature'],
  ['sbom', 'sbom'],
] as const;

/**
 * Annotations `actions/attest` (actions/toolkit packages/attest/src/attest.ts) and cosign put on the manifest of
 * a Sigstore bundle, copied into its referrer descriptor: what the bundle holds (`dsse-envelope`: an attestation;
 * `message-signature`: an image signature) and the statement's predicate type.
 */
export const SIGSTORE_BUNDLE_ANNOTATIONS = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
} as const;

/** cosign 3's `cosign sign` bundles: a message signature of the image, no statement. */
const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/**
 * Every attestation and signature of an image, per platform. `top` is what the reference points to: an index
 * (each platform entry is looked at; `unknown/unknown` entries are attestations, never platforms) or a single
 * image manifest. What the source answers is asked for together (bound the source to limit it, boundedSource);
 * a failure other than cancellation becomes a problem.
 */
export async function discoverAttestations(source: AttestationSource, top: { digest: string; manifest: ParsedManifest }, options: DiscoveryOptions = {}): Promise<PlatformAttestations[]> {
  const platforms = top.manifest.kind === 'index' ? indexPlatforms(top.manifest) : [{ platform: '', digest: top.digest, fromIndex: [] }];
  return Promise.all(platforms.map((p) => discoverPlatform(source, p.platform, p.digest, p.fromIndex, options)));
}

/**
 * What is attached to an index itself rather than to a platform (a referrer of the index, cosign's tags for its
 * digest): `cosign attach sbom` and `docker scout attestation add` on a multi-platform tag put it there.
 */
export function discoverIndexLevel(source: AttestationSource, digest: string, options: DiscoveryOptions = {}): Promise<PlatformAttestations> {
  return discoverPlatform(source, '', digest, [], { ...options, quick: false });
}

/** Each platform of an index with the attestation entries that name it, wherever they sit in the index. */
function indexPlatforms(index: ParsedIndex): { platform: string; digest: string; fromIndex: Descriptor[] }[] {
  const attestations = attestationEntries(index);
  return platformEntries(index).map((entry) => ({
    platform: entry.platform ? formatPlatform(entry.platform) : '',
    digest: entry.digest,
    fromIndex: attestations.filter((a) => attestedDigest(a) === entry.digest),
  }));
}

interface Noted {
  forms: Set<StorageForm>;
  kind: FoundManifest['kind'];
  artifactType?: string;
  annotations?: Record<string, string>;
  /** Where it is read from: the image's repository, or the referrer repository when only that lists it. */
  source: AttestationSource;
}

async function discoverPlatform(source: AttestationSource, platform: string, digest: string, fromIndex: Descriptor[], options: DiscoveryOptions): Promise<PlatformAttestations> {
  const { quick = false, referrerSource, signal } = options;
  const problems: string[] = [];
  const failures: unknown[] = [];
  const missing: string[] = [];
  const found = new Map<string, Noted>();
  let overflow = false;
  const note = (d: Descriptor, form: StorageForm, kind: FoundManifest['kind'], from: AttestationSource) => {
    const entry = found.get(d.digest);
    if (entry) entry.forms.add(form);
    else if (found.size < MAX_FOUND_PER_PLATFORM) {
      found.set(d.digest, { forms: new Set([form]), kind, ...(d.artifactType !== undefined && { artifactType: d.artifactType }), ...(d.annotations && { annotations: d.annotations }), source: from });
    } else if (!overflow) {
      overflow = true;
      problems.push(`more than ${MAX_FOUND_PER_PLATFORM} attestation and signature manifests refer to ${digest}; the rest were not read`);
    }
  };
  const attempt = async <T>(what: Promise<T>): Promise<T | undefined> => {
    try {
      return await what;
    } catch (error) {
      if (signal?.aborted || RegistryError.is(error, 'cancelled')) throw error;
      failures.push(error);
      return undefined;
    }
  };

  // Asked together, noted in one fixed order (so what is kept under the bound does not depend on timing).
  const askReferrers = !quick || fromIndex.length === 0;
  const [referrers, kept, cosignTags] = await Promise.all([
    askReferrers ? attempt(source.referrers(digest, signal)) : undefined,
    referrerSource ? attempt(referrerSource.referrers(digest, signal)) : undefined,
    quick ? [] : Promise.all(COSIGN_SUFFIXES.map(([suffix]) => attempt(source.tagged(`${digest.replace(':', '-')}.${suffix}`, signal)))),
  ]);
  for (const entry of fromIndex) note(entry, 'index', 'attestation', source);
  for (const r of referrers?.manifests ?? []) note(r, 'referrer', kindOf(r), source);
  for (const r of kept?.manifests ?? []) note(r, 'referrerRepository', kindOf(r), referrerSource!);
  COSIGN_SUFFIXES.forEach(([, kind], i) => {
    const tagged = cosignTags[i];
    if (tagged) note({ mediaType: '', digest: tagged.digest, size: 0 }, 'cosignTag', kind, source);
  });

  const read = await Promise.all(
    [...found].map(async ([d, entry]): Promise<FoundManifest | undefined> => {
      // The hover reads statements only: a signature's manifest has nothing it shows.
      if (quick && entry.kind === 'signature') return { digest: d, forms: [...entry.forms], kind: entry.kind, ...(entry.artifactType !== undefined && { artifactType: entry.artifactType }), layers: [], signatures: [] };
      // Signed BuildKit builds attach the signature to the attestation manifest.
      const [manifest, signed] = await Promise.all([
        attempt(
          entry.source.manifest(d, signal).catch((error: unknown) => {
            if (entry.forms.has('index') && RegistryError.is(error, 'notFound')) missing.push(d);
            throw error;
          }),
        ),
        !quick && entry.kind === 'attestation' ? attempt(entry.source.referrers(d, signal)) : undefined,
      ]);
      if (manifest === undefined) return undefined;
      // A referrer is a manifest whose `subject` is the image (OCI distribution spec, "Listing Referrers"): a list, or
      // a referrer repository, naming one about something else is not believed.
      if ([...entry.forms].every((form) => form === 'referrer' || form === 'referrerRepository') && manifest.subject?.digest !== digest) {
        problems.push(`${d} is listed as a referrer of ${digest}, but its subject is ${manifest.subject?.digest ?? 'missing'}; it was not read`);
        return undefined;
      }
      const artifactType = entry.artifactType ?? manifest.artifactType;
      const bundle = artifactType?.startsWith(SIGSTORE_BUNDLE_PREFIX) === true ? bundleFacts({ ...manifest.annotations, ...entry.annotations }) : undefined;
      // A bundle that does not say its predicate type, even in its manifest, cannot be read: a signature only.
      const kind = bundle ? (bundle.predicateType === undefined ? 'signature' : bundle.kind) : entry.kind;
      const layers = manifest.kind === 'image' ? manifest.layers.map((l) => layerOf(l, bundle?.predicateType)) : [];
      const signatures: FoundManifest[] = [];
      for (const s of signed?.manifests ?? []) {
        if (kindOf(s) === 'signature' || s.artifactType?.startsWith(SIGSTORE_BUNDLE_PREFIX) === true) {
          signatures.push({ digest: s.digest, forms: ['referrer'], kind: 'signature', ...(s.artifactType !== undefined && { artifactType: s.artifactType }), layers: [], signatures: [] });
        }
      }
      return { digest: d, forms: [...entry.forms], kind, ...(artifactType !== undefined && { artifactType }), ...(bundle && { sigstoreBundle: true as const }), layers, signatures };
    }),
  );
  return { platform, digest, found: read.filter((m): m is FoundManifest => m !== undefined), missing, problems: [...foldFailures(failures), ...problems] };
}

/**
 * Registry failures as problems, those with one cause told once with what was asked: a registry that cannot be
 * reached (a mirror's upstream, offline) fails the same way for every cosign tag and the referrers tag asked.
 */
function foldFailures(failures: readonly unknown[]): string[] {
  const asked = new Map<string, string[]>();
  for (const failure of failures) {
    const text = failure instanceof Error ? failure.message : String(failure);
    const image = RegistryError.is(failure) && text.startsWith(`${failure.image}: `) ? failure.image : undefined;
    const cause = image === undefined ? text : text.slice(image.length + 2);
    const images = asked.get(cause) ?? [];
    if (image !== undefined) images.push(image);
    asked.set(cause, images);
  }
  return [...asked].map(([cause, images]) => (images.length === 0 ? cause : images.length === 1 ? `${images[0]}: ${cause}` : `${cause} (asked for ${images.join(', ')})`));
}

/**
 * What a referrer is, by its artifactType: BuildKit's attestation manifests, Sigstore bundles (an attestation
 * unless its annotations say it is a message signature), cosign's signatures, SBOM documents, anything else.
 */
function kindOf(descriptor: Descriptor): FoundManifest['kind'] {
  const { artifactType } = descriptor;
  if (artifactType === ATTESTATION_MANIFEST_TYPE) return 'attestation';
  if (artifactType?.startsWith(SIGSTORE_BUNDLE_PREFIX) === true) return bundleFacts(descriptor.annotations ?? {}).kind;
  if (artifactType?.startsWith('application/vnd.dev.cosign') === true) return 'signature';
  if (artifactType !== undefined && /spdx|cyclonedx/i.test(artifactType)) return 'sbom';
  return 'attestation';
}

/**
 * A Sigstore bundle's manifest annotations (sigstore/cosign specs/BUNDLE_SPEC.md; actions/toolkit
 * packages/attest/src/attest.ts): `message-signature` or cosign's sign predicate is a signature; anything else
 * (`dsse-envelope`, or nothing said, as cosign's fallback tag drops them from the descriptor, sigstore/cosign#4641)
 * may hold a statement, and its manifest is read to see.
 */
function bundleFacts(annotations: Record<string, string>): { kind: 'attestation' | 'signature'; predicateType?: string } {
  const predicateType = annotations[SIGSTORE_BUNDLE_ANNOTATIONS.predicateType];
  const signature = annotations[SIGSTORE_BUNDLE_ANNOTATIONS.content] === 'message-signature' || predicateType === COSIGN_SIGN_PREDICATE_TYPE;
  return { kind: signature ? 'signature' : 'attestation', ...(predicateType !== undefined && { predicateType }) };
}

/** A layer and its predicate type; a Sigstore bundle's single layer (the bundle JSON) takes the manifest's. */
function layerOf(layer: Descriptor, bundlePredicateType: string | undefined): AttestationLayer {
  const annotated = PREDICATE_TYPE_ANNOTATIONS.map((key) => layer.annotations?.[key]).find((value) => value !== undefined);
  const predicateType = annotated ?? (layer.mediaType.startsWith(SIGSTORE_BUNDLE_PREFIX) ? bundlePredicateType : undefined);
  return { digest: layer.digest, size: layer.size, mediaType: layer.mediaType, ...(predicateType !== undefined && { predicateType }) };
}

/** The registry client as a source for one repository: manifests by digest (verified), referrers, tags, layers. */
export function clientSource(client: Pick<RegistryClient, 'manifest' | 'referrers' | 'blob'>, ref: ImageRef): AttestationSource {
  const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
  return {
    // The client picks the host, mirrors and credentials by each ref's registry: none cross to another host.
    forRepository: (other) => clientSource(client, other),
    manifest: async (digest, signal) => (await client.manifest(ref, { digest, ...withSignal(signal) })).manifest,
    referrers: (digest, signal) => client.referrers(ref, digest, withSignal(signal)),
    blob: (digest, { maxBytes, signal, onChunk }) => client.blob(ref, digest, { maxBytes, ...withSignal(signal), ...(onChunk && { onChunk }) }),
    tagged: async (tag, signal) => {
      try {
        const fetched = await client.manifest({ ...ref, tag, digest: undefined }, withSignal(signal));
        return { digest: fetched.digest, manifest: fetched.manifest };
      } catch (error) {
        if (RegistryError.is(error, 'notFound')) return undefined;
        throw error;
      }
    },
  };
}
