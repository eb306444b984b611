// Which digest a pin writes, and the proof that it is right: the tag's digest now (an index for a
// multi-platform image), the same platform's new image for a platform pin being updated, or the platform
// someone picks; then the manifest's bytes fetched and hashed against it. The editor and the command line
// pass in how to look an image up and how to ask for a platform; neither writes a digest this did not verify.

import { Messages, formatMessage, message, type Message } from '../model/messages';
import { withoutDigest, shortDigest, type ImageRef } from '../reference/imageReference';
import { RegistryError } from '../registry/errors';
import type { ImageDetails, PlatformImage } from '../registry/imageDetails';
import { pinStatus, samePlatform, type PinTarget } from './pinStatus';

/** The registry, as pinning needs it. */
export interface PinLookups {
  /** What the registry says about the image now: looked up again, never taken from what a view shows. */
  describe(ref: ImageRef, signal?: AbortSignal): Promise<ImageDetails>;
  /** Fetches the manifest `digest` names and hashes its bytes; throws when they do not match or it is not there. */
  verify(ref: ImageRef, digest: string, signal?: AbortSignal): Promise<void>;
}

/** Asks which platform's image to pin; undefined: dismissed. */
export type PickPlatform = (image: ImageRef, platforms: readonly PlatformImage[]) => Promise<PlatformImage | undefined>;

/** Which digest a single pin writes. */
export type DigestChoice =
  /** The tag's digest (an index for multi-platform images); a platform pin stays on its platform. */
  | 'default'
  /** The tag's digest even where a platform pin was (the platform-pin warning's fix). */
  | 'index'
  /** Ask which platform's image. */
  | 'platform';

/** A pin the registry gave no digest for: the reason as a core message. */
export class PinLookupError extends Error {
  constructor(readonly reason: Message) {
    super(formatMessage(reason));
  }
}

/**
 * The verified digest to write for `ref` (the reference as the file has it), or undefined when the platform
 * pick was dismissed. Throws the registry's error, or a PinLookupError saying why no digest fits.
 */
export async function chooseDigest(ref: ImageRef, choice: DigestChoice, lookups: PinLookups, pickPlatform: PickPlatform, signal?: AbortSignal): Promise<PinTarget | undefined> {
  const target = await choose(ref, choice, lookups, pickPlatform, signal);
  // The one rule: a digest is written only once its manifest's bytes were fetched and hashed.
  if (target) await lookups.verify(ref, target.digest, signal);
  return target;
}

async function choose(ref: ImageRef, choice: DigestChoice, lookups: PinLookups, pickPlatform: PickPlatform, signal?: AbortSignal): Promise<PinTarget | undefined> {
  const tagOnly = tagOf(ref);
  if (choice === 'platform') {
    const details = await lookups.describe(tagOnly, signal);
    if (details.kind === 'image') return { digest: details.digest, ...(details.platforms[0] && { platform: details.platforms[0].platform }) };
    const picked = await pickPlatform(tagOnly, details.platforms);
    return picked && { digest: picked.digest, platform: picked.platform };
  }
  if (ref.digest === undefined || choice === 'index') return { digest: (await lookups.describe(tagOnly, signal)).digest };
  let details;
  try {
    details = await lookups.describe(ref, signal);
  } catch (error) {
    // A pin the registry does not have (or serves wrong content for) is fixed by the tag's digest now.
    if (RegistryError.is(error) && (error.kind === 'notFound' || error.kind === 'digestMismatch')) return { digest: (await lookups.describe(tagOnly, signal)).digest };
    throw error;
  }
  const status = pinStatus(ref, { state: 'resolved', details });
  switch (status.kind) {
    case 'stale':
      if (!status.update) throw new PinLookupError(message(Messages.pinTagLacksPlatform, shortDigest(status.tagDigest), status.platform ?? '?'));
      return status.update;
    case 'current':
      return { digest: ref.digest, ...(status.platform !== undefined && { platform: status.platform }) };
    default:
      if (ref.tag === undefined) throw new PinLookupError(message(Messages.pinDigestOnly));
      throw details.tagError ?? new PinLookupError(message(Messages.pinTagNotLookedUp));
  }
}

/**
 * For a bulk run, verified: the tag's digest for an unpinned image (`pin`), the update for a stale pin
 * (`update`); undefined when the pin is current.
 */
export async function bulkDigest(ref: ImageRef, mode: BulkMode, lookups: PinLookups, signal?: AbortSignal, platform?: string): Promise<PinTarget | undefined> {
  const target = await bulkChoice(ref, mode, lookups, signal, platform);
  if (target) await lookups.verify(ref, target.digest, signal);
  return target;
}

async function bulkChoice(ref: ImageRef, mode: BulkMode, lookups: PinLookups, signal?: AbortSignal, platform?: string): Promise<PinTarget | undefined> {
  const details = await lookups.describe(ref, signal);
  if (mode === 'pin') return platform === undefined ? { digest: details.digest } : platformImage(details, platform);
  const status = pinStatus(ref, { state: 'resolved', details });
  if (status.kind === 'current') return undefined;
  if (status.kind !== 'stale') throw details.tagError ?? new PinLookupError(message(Messages.pinTagNotCompared));
  if (!status.update) throw new PinLookupError(message(Messages.pinTagLacksPlatform, shortDigest(status.tagDigest), status.platform ?? '?'));
  return status.update;
}

/**
 * One platform's image of an index (`linux/arm64` matches `linux/arm64/v8`, as containerd's defaults have it);
 * a single-platform image is what every platform pulls.
 */
function platformImage(details: ImageDetails, platform: string): PinTarget {
  if (details.kind === 'image') return { digest: details.digest, ...(details.platforms[0] && { platform: details.platforms[0].platform }) };
  const image = details.platforms.find((p) => samePlatform(p.platform, platform));
  if (!image) throw new PinLookupError(message(Messages.pinNoSuchPlatform, platform, details.platforms.map((p) => p.platform).join(', ')));
  return { digest: image.digest, platform: image.platform };
}

/** `pin`: every unpinned image (Pin All); `update`: only pins the tag has moved away from (Update Stale Pins). */
export type BulkMode = 'pin' | 'update';

function tagOf(ref: ImageRef): ImageRef {
  return { ...ref, original: withoutDigest(ref.original), digest: undefined };
}
