// What the Images view shows about one image: the digest its tag points at now, and the platforms of
// the content a build would pull (the pinned digest if there is one). Pure core over the client.

import { withoutDigest, type ImageRef } from '../reference/imageReference';
import type { RegistryClient, ResolvedDigest } from './client';
import { RegistryError } from './errors';
import { attestationEntries } from '../attest/storage';
import { formatPlatform, platformEntries, type ParsedIndex, type Platform } from './manifest';

export interface PlatformImage {
  /** `linux/arm64/v8` */
  readonly platform: string;
  readonly digest: string;
}

export interface ImageDetails {
  /** Where the tag points now; undefined when the reference is a digest alone, or the tag lookup failed. */
  readonly tagDigest?: string;
  /** Why the tag of a pinned reference could not be looked up (the pinned content is still described). */
  readonly tagError?: RegistryError;
  /** The content described below: the pinned digest when there is one, else the tag's. */
  readonly digest: string;
  readonly mediaType: string;
  /** An index (several platforms) or a single image manifest. */
  readonly kind: 'index' | 'image';
  readonly platforms: readonly PlatformImage[];
  /** BuildKit attestation manifests in the index (SBOM, provenance); never counted as platforms. */
  readonly attestations: number;
  /** The host that answered: the registry, or one of its mirrors. */
  readonly host: string;
  /**
   * For a pin the tag has moved away from: the platforms of what the tag points to now, so a pin to one
   * platform's image can be told apart from a stale one, and updated to the same platform's new image.
   */
  readonly tagPlatforms?: readonly PlatformImage[];
}

/**
 * HEAD for the tag (free on Docker Hub's rate limit), then the manifest by digest, which the content
 * cache keeps for good; a tag whose content is not stored yet is read with one GET instead. A single image's platform comes from its config blob (also cached by digest).
 */
export async function describeImage(client: RegistryClient, ref: ImageRef, signal?: AbortSignal): Promise<ImageDetails> {
  const byTag = ref.tag !== undefined || ref.digest === undefined;
  const tagRef: ImageRef = { ...ref, original: withoutDigest(ref.original), digest: undefined };
  let resolved: ResolvedDigest | undefined;
  let tagError: RegistryError | undefined;
  try {
    // Unpinned, the tag's manifest is read next: one GET when it is not stored yet, instead of HEAD + GET.
    resolved = byTag ? await client.resolve(tagRef, { signal, fetching: ref.digest === undefined }) : undefined;
  } catch (error) {
    // A pin says what is pulled whatever the tag does: describe it even when the tag cannot be looked up.
    if (ref.digest === undefined || !RegistryError.is(error) || error.kind === 'cancelled') throw error;
    tagError = error;
  }
  const digest = ref.digest ?? resolved!.digest;
  // A pin is checked against the registry itself: the content store would still have a digest it lost.
  if (ref.digest !== undefined) await client.confirm(ref, ref.digest, { signal });
  const fetched = await client.manifest(ref, { signal, digest });
  const { manifest } = fetched;
  const tagDigest = resolved?.digest;
  const tagPlatforms = tagDigest !== undefined && tagDigest !== digest ? await movedTagPlatforms(client, tagRef, tagDigest, signal) : undefined;
  const moved = tagPlatforms && { tagPlatforms };
  if (manifest.kind === 'index') {
    return {
      tagDigest,
      ...(tagError && { tagError }),
      ...moved,
      digest,
      mediaType: fetched.mediaType,
      kind: 'index',
      platforms: indexPlatforms(manifest),
      attestations: attestationEntries(manifest).length,
      host: fetched.host,
    };
  }
  const platform = await configPlatform(client, ref, manifest.config.digest, signal);
  return {
    tagDigest,
    ...(tagError && { tagError }),
    ...moved,
    digest,
    mediaType: fetched.mediaType,
    kind: 'image',
    platforms: platform ? [{ platform: formatPlatform(platform), digest }] : [],
    attestations: 0,
    host: fetched.host,
  };
}

function indexPlatforms(index: ParsedIndex): PlatformImage[] {
  return platformEntries(index).map((d) => ({ platform: d.platform ? formatPlatform(d.platform) : '?', digest: d.digest }));
}

/**
 * What a moved tag points to now, for telling a platform pin from a stale one. Undefined when that cannot
 * be read: the pinned content is still described, and its pin is not called broken for it.
 */
async function movedTagPlatforms(client: RegistryClient, ref: ImageRef, digest: string, signal?: AbortSignal): Promise<PlatformImage[] | undefined> {
  try {
    return await platformsOf(client, ref, digest, signal);
  } catch (error) {
    if (RegistryError.is(error, 'cancelled')) throw error;
    return undefined;
  }
}

/** The platforms of an index (its manifests, attestations left out), or of a single image (from its config). */
async function platformsOf(client: RegistryClient, ref: ImageRef, digest: string, signal?: AbortSignal): Promise<PlatformImage[]> {
  const { manifest } = await client.manifest(ref, { signal, digest });
  if (manifest.kind === 'index') return indexPlatforms(manifest);
  const platform = await configPlatform(client, ref, manifest.config.digest, signal);
  return platform ? [{ platform: formatPlatform(platform), digest }] : [];
}

/** The image config's os/architecture/variant; undefined for artifacts whose config is not an image config. */
async function configPlatform(client: RegistryClient, ref: ImageRef, configDigest: string, signal?: AbortSignal): Promise<Platform | undefined> {
  const bytes = await client.blob(ref, configDigest, { signal, maxBytes: 1 << 20 });
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof config !== 'object' || config === null) return undefined;
  const { os, architecture, variant } = config as Record<string, unknown>;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  return { os, architecture, ...(typeof variant === 'string' ? { variant } : {}) };
}
