// Every check over the workspace's build files: the one place the Problems panel and `image-provenance check`
// get their findings from, so both list the same problems. Pure: what the registry said (resolutions,
// attestations read) is passed in as lookups; `needs` says what to look up first.

import type { ImageSummary } from '../attest/summary';
import { pulledImage, type BuildFile, type Diagnostic } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { isSilenced, pinDiagnostics } from '../pin/pinDiagnostics';
import type { Resolution } from '../pin/pinStatus';
import { canonicalName, type ImageRef } from '../reference/imageReference';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import { CheckIds, CHECKS, type CheckLevels } from './catalog';
import { driftFindings, publishedImages } from './drift';
import { allowListFinding, allowListMatcher, attestationFindings } from './imageChecks';

export interface CheckSettings {
  readonly levels: CheckLevels;
  /** Images to say nothing about (`imageProvenance.pinning.ignoredImages`). */
  readonly ignored?: (ref: ImageRef) => boolean;
  /** `imageProvenance.checks.allowedImages`; empty: no allow-list. */
  readonly allowedImages: readonly string[];
}

export interface RegistryAnswers {
  readonly resolutionOf: (ref: ImageRef) => Resolution | undefined;
  /** The attestations read of `digest` (what `ref` pointed to), if they were read. */
  readonly attestationsOf: (ref: ImageRef, digest: string) => ImageSummary | undefined;
}

/** A finding about a build file: a check's, with the use it is about (index into `BuildFile.uses`) when it is one. */
export interface Finding extends Diagnostic {
  readonly use?: number;
}

/**
 * What one file's checks say, in source order. `unitPlatforms` is the index's platformsByUnit(), computed once
 * for a run over many files (it walks every build).
 */
export function fileFindings(index: BuildFileIndex, file: BuildFile, settings: CheckSettings, answers: RegistryAnswers, unitPlatforms = index.platformsByUnit()): Finding[] {
  const { levels } = settings;
  const text = index.text(file.path) ?? '';
  const found: Finding[] = pinDiagnostics(file, text, answers.resolutionOf, {
    unpinned: levels[CheckIds.unpinned],
    stale: levels[CheckIds.stalePin],
    notFound: levels[CheckIds.pinNotFound],
    mismatch: levels[CheckIds.pinMismatch],
    platform: levels[CheckIds.platformPin],
    ...(settings.ignored && { ignored: settings.ignored }),
    unitPlatforms: unitPlatforms.get(file.path),
  }).map(({ range, severity, message, code, use }) => ({ range, severity, message, code, use }));

  let lines: LineIndex | undefined;
  const seen = new Set<string>();
  const add = (finding: Finding): void => {
    const key = `${finding.range.start.line}:${finding.range.start.character}:${finding.code}:${finding.message.args.join('\n')}`;
    lines ??= new LineIndex(text);
    if (seen.has(key) || isSilenced(text, lines, finding.range.start.line, finding.code, file.kind)) return;
    seen.add(key);
    found.push(finding);
  };

  const allowed = allowListMatcher(settings.allowedImages);
  const attestationsOn = CHECKS.some((c) => c.readsAttestations && c.id !== CheckIds.drift && levels[c.id] !== 'off');
  file.uses.forEach((use, i) => {
    const ref = pulledImage(use);
    if (!ref || settings.ignored?.(ref)) return;
    const summary = attestationsOn ? attestationsOfUse(ref, answers) : undefined;
    for (const [code, severity, message] of [...allowListFinding(ref, allowed, settings.allowedImages, levels), ...attestationFindings(ref, summary, levels)]) {
      if (severity !== 'off') add({ range: use.range, severity, message, code, use: i });
    }
  });

  if (levels[CheckIds.drift] !== 'off') {
    for (const d of driftFindings(file, (build) => index.linked(file.path, build), answers.resolutionOf, answers.attestationsOf)) {
      add({ range: file.builds![d.build]!.range, severity: levels[CheckIds.drift] as Finding['severity'], message: d.message, code: CheckIds.drift });
    }
  }
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function attestationsOfUse(ref: ImageRef, answers: RegistryAnswers): ImageSummary | undefined {
  const resolution = answers.resolutionOf(ref);
  return resolution?.state === 'resolved' ? answers.attestationsOf(ref, resolution.details.digest) : undefined;
}

/** What the checks of these files need looked up: images to resolve, then (once resolved) attestations to read. */
export interface Lookups {
  readonly resolve: ImageRef[];
  readonly read: { readonly ref: ImageRef; readonly digest: string }[];
}

export function lookupsFor(index: BuildFileIndex, files: Iterable<BuildFile>, settings: CheckSettings, answers: Pick<RegistryAnswers, 'resolutionOf'>): Lookups {
  const { levels } = settings;
  const imagesRead = CHECKS.some((c) => c.readsAttestations && c.id !== CheckIds.drift && levels[c.id] !== 'off');
  const drift = levels[CheckIds.drift] !== 'off';
  const resolve = new Map<string, ImageRef>();
  const read = new Map<string, { ref: ImageRef; digest: string }>();
  const wantRead = (ref: ImageRef): void => {
    const resolution = answers.resolutionOf(ref);
    if (resolution?.state === 'resolved') read.set(`${canonicalName(ref)} ${resolution.details.digest}`, { ref, digest: resolution.details.digest });
  };
  for (const file of files) {
    for (const use of file.uses) {
      const ref = pulledImage(use);
      if (!ref || settings.ignored?.(ref)) continue;
      resolve.set(canonicalName(ref), ref);
      if (imagesRead) wantRead(ref);
    }
    if (!drift) continue;
    (file.builds ?? []).forEach((_, build) => {
      // Only builds whose Dockerfile pins a base can drift: the others cost no lookup.
      const bases = (index.linked(file.path, build)?.uses ?? []).map(pulledImage).filter((ref): ref is ImageRef => ref?.digest !== undefined);
      if (!bases.length) return;
      // A pinned index's platform images are known from its resolution: a build may record either.
      for (const base of bases) resolve.set(canonicalName(base), base);
      for (const image of publishedImages(file, build)) {
        resolve.set(canonicalName(image), image);
        wantRead(image);
      }
    });
  }
  return { resolve: [...resolve.values()], read: [...read.values()] };
}
