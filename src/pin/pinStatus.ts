// Where a use's pin stands against its registry: not pinned, current, stale (and what to update it to),
// or broken (the pinned digest is not served, or its content does not hash to it). Pure: it reads what
// the resolver found (`describeImage`), so the CodeLens, the diagnostics, the tree and "Update stale pins"
// all say the same thing.

import type { ImageRef } from '../reference/imageReference';
import type { RegistryError } from '../registry/errors';
import type { ImageDetails, PlatformImage } from '../registry/imageDetails';

/** What the registry said about an image, as far as it got. */
export type Resolution =
  | { readonly state: 'pending' }
  | { readonly state: 'resolved'; readonly details: ImageDetails }
  | { readonly state: 'failed'; readonly error: RegistryError };

/** A digest to write, and the platform whose image it is when it is not the tag's whole content. */
export interface PinTarget {
  readonly digest: string;
  readonly platform?: string;
}

export type PinStatus =
  /** No digest; `target` is what the tag points to now, when that is known. */
  | { readonly kind: 'unpinned'; readonly target?: PinTarget }
  /** The pinned digest is what the tag points to, or one platform's image of it (`platform`). */
  | { readonly kind: 'current'; readonly platform?: string }
  /**
   * The tag points elsewhere now. `update` is the new pin: the tag's digest, or for a pin to one
   * platform's image, the same platform's new image; absent when the tag no longer has that platform.
   */
  | { readonly kind: 'stale'; readonly tagDigest: string; readonly update?: PinTarget; readonly platform?: string }
  /** The registry has no manifest with the pinned digest. */
  | { readonly kind: 'notFound'; readonly error: RegistryError }
  /** What is served for the pinned digest does not hash to it. */
  | { readonly kind: 'mismatch'; readonly error: RegistryError }
  /** Not looked up (yet), the lookup failed, or a digest-only reference: no tag to compare with. */
  | { readonly kind: 'unknown' };

/** The status of `ref` (the image a use pulls) given what the resolver found for it. */
export function pinStatus(ref: ImageRef, resolution: Resolution | undefined): PinStatus {
  const pinned = ref.digest;
  if (resolution?.state === 'failed') {
    if (pinned !== undefined && resolution.error.kind === 'notFound') return { kind: 'notFound', error: resolution.error };
    if (pinned !== undefined && resolution.error.kind === 'digestMismatch') return { kind: 'mismatch', error: resolution.error };
    return pinned === undefined ? { kind: 'unpinned' } : { kind: 'unknown' };
  }
  const details = resolution?.state === 'resolved' ? resolution.details : undefined;
  if (pinned === undefined) return details ? { kind: 'unpinned', target: { digest: details.digest } } : { kind: 'unpinned' };
  const tagDigest = details?.tagDigest;
  if (!details || tagDigest === undefined) return { kind: 'unknown' };
  if (tagDigest === pinned) return { kind: 'current' };
  const now = details.tagPlatforms ?? [];
  const same = now.find((p) => p.digest === pinned);
  if (same) return { kind: 'current', platform: same.platform };
  const platform = pinnedPlatform(details);
  const update = updateTarget(tagDigest, now, platform);
  return { kind: 'stale', tagDigest, ...(update && { update }), ...(platform !== undefined && { platform }) };
}

/**
 * The platform of a pin to a single image (`undefined` for an index pin, or an image whose config names
 * no platform): an update keeps it on the same platform.
 */
function pinnedPlatform(details: ImageDetails): string | undefined {
  return details.kind === 'image' ? details.platforms[0]?.platform : undefined;
}

function updateTarget(tagDigest: string, now: readonly PlatformImage[], platform: string | undefined): PinTarget | undefined {
  if (platform === undefined) return { digest: tagDigest };
  // The tag names one image now (its only platform is itself): the update, if it is for the same platform.
  const single = now.length === 1 && now[0]!.digest === tagDigest;
  const match = now.find((p) => samePlatform(p.platform, platform));
  if (single) return match && { digest: tagDigest };
  return match && { digest: match.digest, platform: match.platform };
}

/**
 * `linux/arm64` and `linux/arm64/v8` are one platform, as are `linux/arm` and `linux/arm/v7`: the
 * variant defaults containerd applies when an index or config leaves it out.
 */
export function samePlatform(a: string, b: string): boolean {
  return normalizePlatform(a) === normalizePlatform(b);
}

function normalizePlatform(platform: string): string {
  const [os = '', arch = '', variant] = platform.toLowerCase().split('/');
  const defaults: Record<string, string> = { arm64: 'v8', arm: 'v7', amd64: 'v1' };
  return `${os}/${arch}/${variant ?? defaults[arch] ?? ''}`;
}
