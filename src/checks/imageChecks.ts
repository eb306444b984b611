// Checks of one pulled image beyond its pin: where it comes from (an allow-list), and what its attestations
// carry (an SBOM, provenance, provenance mode=max). Pure: the attestations are read elsewhere and passed in.

import picomatch from 'picomatch';
import type { ImageSummary } from '../attest/summary';
import { message, Messages, type Message } from '../model/messages';
import { familiarName, repositoryKey, type ImageRef } from '../reference/imageReference';
import { CheckIds, type CheckId, type CheckLevels, type Level } from './catalog';

/**
 * `imageProvenance.checks.allowedImages`: patterns over the image's name without tag or digest, matched against
 * the familiar name (`node`, `ghcr.io/acme/app`) and the full one (`docker.io/library/node`), so
 * `docker.io/**` allows a registry and `ghcr.io/acme/*` a namespace. No patterns: everything is allowed.
 */
export function allowListMatcher(patterns: readonly string[]): ((ref: ImageRef) => boolean) | undefined {
  const usable = patterns.filter((p) => p.trim() !== '');
  if (!usable.length) return undefined;
  const matches = picomatch([...usable], { dot: true });
  return (ref) => matches(repositoryKey(ref)) || matches(familiarName({ ...ref, tag: undefined, digest: undefined }));
}

/** `imageProvenance.pinning.ignoredImages`: patterns over the familiar name without tag or digest; images to say nothing about. */
export function ignoredImagesMatcher(patterns: readonly string[]): ((ref: ImageRef) => boolean) | undefined {
  if (!patterns.length) return undefined;
  const matches = picomatch([...patterns], { dot: true });
  return (ref) => matches(familiarName({ ...ref, tag: undefined, digest: undefined }));
}

export type ImageFinding = readonly [CheckId, Level, Message];

/** The allow-list's finding for an image, if it is outside. */
export function allowListFinding(ref: ImageRef, allowed: ((ref: ImageRef) => boolean) | undefined, patterns: readonly string[], levels: CheckLevels): ImageFinding[] {
  if (!allowed || allowed(ref)) return [];
  return [[CheckIds.notAllowed, levels[CheckIds.notAllowed], message(Messages.checkNotAllowed, familiarName(ref, { withDigest: false }), patterns.join(', '))]];
}

/**
 * What an image's attestations lack. Only what was read counts: a platform whose read failed, or a read that
 * found nothing but problems, says nothing either way (a registry that cannot be asked is not "no SBOM").
 */
export function attestationFindings(ref: ImageRef, summary: ImageSummary | undefined, levels: CheckLevels): ImageFinding[] {
  if (!summary) return [];
  const read = summary.platforms.filter((p) => p.problems.length === 0 || p.forms.length > 0);
  if (!read.length) return [];
  const name = familiarName(ref, { withDigest: false });
  const found: ImageFinding[] = [];
  if (!read.some((p) => p.sboms.length > 0) && !summary.indexLevel?.sboms) found.push([CheckIds.missingSbom, levels[CheckIds.missingSbom], message(Messages.checkMissingSbom, name)]);
  if (!read.some((p) => p.provenance)) found.push([CheckIds.missingProvenance, levels[CheckIds.missingProvenance], message(Messages.checkMissingProvenance, name)]);
  // moby/buildkit solver/llbsolver/provenance.go: min is what scrubMinRequest leaves (see attest/provenance.ts provenanceMode).
  else if (read.some((p) => p.provenance?.mode === 'min')) found.push([CheckIds.provenanceMin, levels[CheckIds.provenanceMin], message(Messages.checkProvenanceMin, name)]);
  return found;
}
