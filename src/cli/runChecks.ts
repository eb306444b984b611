// What `check` (and the test that compares it with the Problems panel) runs: the workspace indexed from disk,
// its images looked up as the extension looks them up (describeImage, the hover's quick attestation read), and
// the core's checks over the answers. Each image is asked once; the client bounds requests per host.

import { referrerRepositoryFor } from '../attest/referrerRepository';
import type { ImageSummary } from '../attest/summary';
import { summarizeImage } from '../attest/summary';
import { fileFindings, lookupsFor, type CheckSettings, type Finding } from '../checks/workspaceChecks';
import { ignoredImagesMatcher } from '../checks/imageChecks';
import { pulledImage, type BuildFile } from '../model/buildFile';
import type { Resolution } from '../pin/pinStatus';
import { canonicalName, familiarName, type ImageRef } from '../reference/imageReference';
import type { RegistryClient } from '../registry/client';
import { RegistryError } from '../registry/errors';
import { describeImage } from '../registry/imageDetails';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import type { WorkspaceSettings } from './workspaceSettings';

export interface FileFindings {
  readonly file: BuildFile;
  /** The model's diagnostics (what the extension publishes from the index), then the checks'. */
  readonly findings: readonly Finding[];
}

export interface CheckRun {
  readonly files: FileFindings[];
  /**
   * Lookups of images the build files pull that failed for another reason than what a check reports (unreachable,
   * unauthorized…): the checks of those images were not made, so the run cannot say the workspace is clean.
   */
  readonly failures: RegistryError[];
  /**
   * Lookups of images the workspace publishes (for drift) that failed: an image not pushed yet, or not readable
   * from here, is no reason to fail a check; drift says nothing of it.
   */
  readonly publishedFailures: RegistryError[];
}

export function checkSettings(settings: WorkspaceSettings): CheckSettings {
  const ignored = ignoredImagesMatcher(settings.ignoredImages);
  return { levels: settings.levels, allowedImages: settings.allowedImages, ...(ignored && { ignored }) };
}

export async function runChecks(index: BuildFileIndex, settings: CheckSettings, client: RegistryClient, referrerRepositories: Readonly<Record<string, string>>, progress: (text: string) => void): Promise<CheckRun> {
  const resolutions = new Map<string, Resolution>();
  const reads = new Map<string, ImageSummary>();
  const resolutionOf = (ref: ImageRef) => resolutions.get(canonicalName(ref));
  const attestationsOf = (ref: ImageRef, digest: string) => reads.get(`${canonicalName(ref)} ${digest}`);
  const files = index.files();
  const pulled = new Set(files.flatMap((file) => file.uses.map(pulledImage).filter((ref) => ref !== undefined).map(canonicalName)));
  const failures: RegistryError[] = [];
  const publishedFailures: RegistryError[] = [];
  const failed = (ref: ImageRef, failure: RegistryError) => (pulled.has(canonicalName(ref)) ? failures : publishedFailures).push(failure);

  // Images first; then what the answers call for (attestations of resolved digests, bases of published images).
  for (let round = 0; round < 3; round++) {
    const { resolve, read } = lookupsFor(index, files, settings, { resolutionOf });
    const toResolve = resolve.filter((ref) => !resolutions.has(canonicalName(ref)));
    const toRead = read.filter(({ ref, digest }) => !reads.has(`${canonicalName(ref)} ${digest}`));
    if (!toResolve.length && !toRead.length) break;
    let done = 0;
    const tick = () => progress(`Looking up ${toResolve.length + toRead.length} images and attestations… ${++done}`);
    await Promise.all([
      ...toResolve.map(async (ref) => {
        try {
          resolutions.set(canonicalName(ref), { state: 'resolved', details: await describeImage(client, ref) });
        } catch (error) {
          const failure = asRegistryError(error, ref);
          resolutions.set(canonicalName(ref), { state: 'failed', error: failure });
          if (failure.kind !== 'notFound' && failure.kind !== 'digestMismatch') failed(ref, failure);
        }
        tick();
      }),
      ...toRead.map(async ({ ref, digest }) => {
        const referrerRepository = referrerRepositoryFor(ref, referrerRepositories);
        try {
          // The hover's read, as the extension's checks use it: one platform, the index's attestations first.
          reads.set(`${canonicalName(ref)} ${digest}`, await summarizeImage(client, ref, digest, { quick: true, ...(referrerRepository && { referrerRepository }) }));
        } catch (error) {
          failed(ref, asRegistryError(error, ref));
        }
        tick();
      }),
    ]);
  }
  const answers = { resolutionOf, attestationsOf };
  const units = index.platformsByUnit();
  return {
    files: files.map((file) => ({ file, findings: [...index.diagnostics(file.path), ...fileFindings(index, file, settings, answers, units)].sort(byPosition) })),
    failures,
    publishedFailures,
  };
}

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function asRegistryError(error: unknown, ref: ImageRef): RegistryError {
  if (RegistryError.is(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new RegistryError('badResponse', familiarName(ref), ref.registry, `${familiarName(ref)}: ${text}`);
}
