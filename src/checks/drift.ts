// Drift: an image this workspace builds and publishes (Compose `image:` with `build:`, Bake `tags`) whose
// published provenance says it was built from another base digest than the one the workspace pins now.
//
// What "built from base digest X" means: BuildKit records every image a build pulls as a material
// (solver/llbsolver/provenance/predicate.go slsaMaterials, v0.2 `materials` and v1
// `buildDefinition.resolvedDependencies` alike): the purl `pkg:docker/<familiar name>@<tag>?platform=…` and
// the digest the pull was pinned to (source/containerimage/identifier.go ImageIdentifier.Capture: the
// resolved digest of the reference, an index when the tag names one). attest/provenance.ts reads both into
// Material.image. The frontend (`# syntax`) and the SBOM scanner are materials too, but not bases.

import type { ImageSummary } from '../attest/summary';
import type { Material } from '../attest/provenance';
import { pulledImage, type BuildFile } from '../model/buildFile';
import { message, Messages, type Message } from '../model/messages';
import type { Resolution } from '../pin/pinStatus';
import { familiarName, parseImageReference, shortDigest, type ImageRef } from '../reference/imageReference';

export interface DriftFinding {
  /** The build (index into the owner's `builds`) that publishes the image. */
  readonly build: number;
  readonly message: Message;
}

/** The images a build publishes, as references (tags that do not parse are left out). */
export function publishedImages(file: BuildFile, build: number): ImageRef[] {
  return (file.builds?.[build]?.tags ?? []).flatMap((tag) => {
    const parsed = parseImageReference(tag);
    return parsed.ok ? [parsed.ref] : [];
  });
}

/**
 * For each build of `owner` that publishes images, each pinned base of its Dockerfile (as that build sees it:
 * `linked`) whose digest differs from what the published image's provenance recorded for that base.
 */
export function driftFindings(
  owner: BuildFile,
  linked: (build: number) => BuildFile | undefined,
  resolutionOf: (ref: ImageRef) => Resolution | undefined,
  attestationsOf: (ref: ImageRef, digest: string) => ImageSummary | undefined,
): DriftFinding[] {
  const found: DriftFinding[] = [];
  (owner.builds ?? []).forEach((_, build) => {
    const published = publishedImages(owner, build);
    const dockerfile = published.length ? linked(build) : undefined;
    if (!dockerfile) return;
    const pins = dockerfile.uses.map(pulledImage).filter((ref): ref is ImageRef => ref?.digest !== undefined);
    if (!pins.length) return;
    for (const image of published) {
      const resolution = resolutionOf(image);
      if (resolution?.state !== 'resolved') continue;
      const summary = attestationsOf(image, resolution.details.digest);
      const bases = (summary?.platforms ?? []).flatMap((p) => p.provenance?.materials ?? []).filter(isBase);
      const reported = new Set<string>();
      for (const pin of pins) {
        const used = basesOf(bases, pin);
        const pinResolution = resolutionOf(pin);
        const accepted = pinnedDigests(pin, pinResolution);
        const other = used.find((m) => !accepted.has(m.image.digest));
        // A platform digest can be told from another base only once the pinned index's platforms are known.
        if (other && pinResolution?.state !== 'resolved') continue;
        const key = `${familiarName(image)} ${familiarName(pin)}`;
        if (!other || reported.has(key)) continue;
        reported.add(key);
        found.push({ build, message: message(Messages.checkDrift, familiarName(image), baseName(other), `sha256:${shortDigest(other.image.digest)}…`, pin.digest!) });
      }
    }
  });
  return found;
}

type BaseMaterial = Material & { readonly image: { readonly name: string; readonly tag?: string; readonly digest: string } };

function isBase(m: Material): m is BaseMaterial {
  return m.kind === 'image' && m.role === undefined && m.image?.digest !== undefined;
}

/** The materials that are this pin's image: same name, and the same tag when one was recorded with that tag. */
function basesOf(bases: readonly BaseMaterial[], pin: ImageRef): BaseMaterial[] {
  const name = familiarName({ ...pin, tag: undefined, digest: undefined });
  const named = bases.filter((m) => m.image.name === name);
  const sameTag = named.filter((m) => pin.tag !== undefined && m.image.tag === pin.tag);
  return sameTag.length ? sameTag : named;
}

/** The pinned digest, and when it names an index, each platform's image in it (a build records one or the other). */
function pinnedDigests(pin: ImageRef, resolution: Resolution | undefined): Set<string> {
  const digests = new Set([pin.digest!]);
  if (resolution?.state === 'resolved' && resolution.details.digest === pin.digest) for (const p of resolution.details.platforms) digests.add(p.digest);
  return digests;
}

function baseName(m: BaseMaterial): string {
  return m.image.tag !== undefined ? `${m.image.name}:${m.image.tag}` : m.image.name;
}
