// Finding every attestation and signature an image carries, in every form it can be stored, per platform, each
// manifest once however many ways it was found. Pure logic over a source of manifests (the registry client
// through `clientSource`, or a test's): no vscode.
//
// Sources:
// - BuildKit docs/attestations/attestation-storage.md: attestation manifests in the index, and the OCI-artifact
//   form (`artifactType` application/vnd.docker.attestation.manifest.v1+json, `subject` the image), also a referrer
// - OCI distribution spec, "Listing Referrers" and its fallback tag `<alg>-<hex>` (RegistryClient.referrers)
// - Sigstore bundles (`application/vnd.dev.sigstore.bundle.v0.3+json`): `actions/attest` attaches them to the image,
//   signed BuildKit builds to the attestation manifest
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
  | 'cosignTag';

export interface AttestationLayer {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** From the layer's `in-toto.io/predicate-type` annotation, when it has one. */
  readonly predicateType?: string;
}

export interface FoundManifest {
  readonly digest: string;
  readonly forms: StorageForm[];
  /** `attestation`: in-toto statements (BuildKit, cosign `.att`); `signature`: signed, never verified here. */
  readonly kind: 'attestation' | 'signature' | 'sbom';
  readonly artifactType?: string;
  readonly layers: AttestationLayer[];
  /** Signatures found as referrers of this manifest (signed BuildKit attestations). */
  readonly signatures: FoundManifest[];
}

export interface PlatformAttestations {
  /** `linux/arm64/v8`; for a single-platform image, what its index would have said is unknown: `''`. */
  readonly platform: string;
  readonly digest: string;
  readonly found: FoundManifest[];
  /** What could not be asked or read, each naming the image and the cause; what was found stands. */
  readonly problems: string[];
}

/** What discovery reads: the registry client for one repository, or a test's stand-in. */
export interface AttestationSource {
  manifest(digest: string, signal?: AbortSignal): Promise<ParsedManifest>;
  referrers(digest: string, signal?: AbortSignal): Promise<Referrers>;
  /** A manifest by tag; undefined when the tag does not exist. */
  tagged(tag: string, signal?: AbortSignal): Promise<{ digest: string; manifest: ParsedManifest } | undefined>;
  /** A layer by digest, verified, refused beyond maxBytes: only the layers a reader needs are fetched. */
  blob(digest: string, options: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>;
}

/** At most this many manifests per platform are read: a registry that lists thousands is not followed. */
export const MAX_FOUND_PER_PLATFORM = 32;

const COSIGN_SUFFIXES = [
  ['att', 'attestation'],
  ['sig', 'signature'],
  ['sbom', 'sbom'],
] as const;

/**
 * Every attestation and signature of an image, per platform. `top` is what the reference points to: an index
 * (each platform entry is looked at; `unknown/unknown` entries are attestations, never platforms) or a single
 * image manifest. Platforms are read one after another; a failure other than cancellation becomes a problem.
 */
export async function discoverAttestations(source: AttestationSource, top: { digest: string; manifest: ParsedManifest }, signal?: AbortSignal): Promise<PlatformAttestations[]> {
  const platforms = top.manifest.kind === 'index' ? indexPlatforms(top.manifest) : [{ platform: '', digest: top.digest, fromIndex: [] }];
  const result: PlatformAttestations[] = [];
  for (const p of platforms) result.push(await discoverPlatform(source, p.platform, p.digest, p.fromIndex, signal));
  return result;
}

/**
 * What is attached to an index itself rather than to a platform (a referrer of the index, cosign's tags for its
 * digest): `cosign attach sbom` and `docker scout attestation add` on a multi-platform tag put it there.
 */
export function discoverIndexLevel(source: AttestationSource, digest: string, signal?: AbortSignal): Promise<PlatformAttestations> {
  return discoverPlatform(source, '', digest, [], signal);
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

async function discoverPlatform(source: AttestationSource, platform: string, digest: string, fromIndex: Descriptor[], signal?: AbortSignal): Promise<PlatformAttestations> {
  const problems: string[] = [];
  const found = new Map<string, { forms: Set<StorageForm>; kind: FoundManifest['kind']; artifactType?: string }>();
  let overflow = false;
  const note = (d: string, form: StorageForm, kind: FoundManifest['kind'], artifactType?: string) => {
    const entry = found.get(d);
    if (entry) entry.forms.add(form);
    else if (found.size < MAX_FOUND_PER_PLATFORM) found.set(d, { forms: new Set([form]), kind, ...(artifactType !== undefined && { artifactType }) });
    else if (!overflow) {
      overflow = true;
      problems.push(`more than ${MAX_FOUND_PER_PLATFORM} attestation and signature manifests refer to ${digest}; the rest were not read`);
    }
  };
  const attempt = async <T>(what: Promise<T>): Promise<T | undefined> => {
    try {
      return await what;
    } catch (error) {
      if (signal?.aborted || RegistryError.is(error, 'cancelled')) throw error;
      problems.push(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  for (const entry of fromIndex) note(entry.digest, 'index', 'attestation', entry.artifactType);
  const referrers = await attempt(source.referrers(digest, signal));
  for (const r of referrers?.manifests ?? []) note(r.digest, 'referrer', kindOf(r.artifactType), r.artifactType);
  for (const [suffix, kind] of COSIGN_SUFFIXES) {
    const tagged = await attempt(source.tagged(`${digest.replace(':', '-')}.${suffix}`, signal));
    if (tagged) note(tagged.digest, 'cosignTag', kind);
  }

  const manifests: FoundManifest[] = [];
  for (const [d, entry] of found) {
    const manifest = await attempt(source.manifest(d, signal));
    if (manifest === undefined) continue;
    const layers = manifest.kind === 'image' ? manifest.layers.map(layerOf) : [];
    const artifactType = entry.artifactType ?? manifest.artifactType;
    // Signed BuildKit builds attach the signature to the attestation manifest.
    const signatures: FoundManifest[] = [];
    if (entry.kind === 'attestation') {
      const signed = await attempt(source.referrers(d, signal));
      for (const s of signed?.manifests ?? []) {
        if (kindOf(s.artifactType) === 'signature') signatures.push({ digest: s.digest, forms: ['referrer'], kind: 'signature', ...(s.artifactType !== undefined && { artifactType: s.artifactType }), layers: [], signatures: [] });
      }
    }
    manifests.push({ digest: d, forms: [...entry.forms], kind: entry.kind, ...(artifactType !== undefined && { artifactType }), layers, signatures });
  }
  return { platform, digest, found: manifests, problems };
}

/** What a referrer is, by its artifactType: BuildKit's attestation manifests, Sigstore bundles, anything else. */
function kindOf(artifactType: string | undefined): FoundManifest['kind'] {
  if (artifactType === ATTESTATION_MANIFEST_TYPE) return 'attestation';
  if (artifactType?.startsWith(SIGSTORE_BUNDLE_PREFIX) === true || artifactType?.startsWith('application/vnd.dev.cosign') === true) return 'signature';
  if (artifactType !== undefined && /spdx|cyclonedx/i.test(artifactType)) return 'sbom';
  return 'attestation';
}

function layerOf(layer: Descriptor): AttestationLayer {
  const predicateType = PREDICATE_TYPE_ANNOTATIONS.map((key) => layer.annotations?.[key]).find((value) => value !== undefined);
  return { digest: layer.digest, size: layer.size, mediaType: layer.mediaType, ...(predicateType !== undefined && { predicateType }) };
}

/** The registry client as a source for one repository: manifests by digest (verified), referrers, tags, layers. */
export function clientSource(client: Pick<RegistryClient, 'manifest' | 'referrers' | 'blob'>, ref: ImageRef): AttestationSource {
  const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
  return {
    manifest: async (digest, signal) => (await client.manifest(ref, { digest, ...withSignal(signal) })).manifest,
    referrers: (digest, signal) => client.referrers(ref, digest, withSignal(signal)),
    blob: (digest, { maxBytes, signal }) => client.blob(ref, digest, { maxBytes, ...withSignal(signal) }),
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
