// The checks' findings kept per file and computed again only for the files a change can reach (issue 15):
// a file that changed (the index says which), the Dockerfiles its builds build (their platforms come from
// it), and the files whose findings read an image the registry said something new about. Pure: the VS
// Code edge publishes what `update` returns.

import type { BuildFile, Diagnostic } from '../model/buildFile';
import { canonicalName, type ImageRef } from '../reference/imageReference';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import type { Finding, RegistryAnswers } from './workspaceChecks';

/** One file's findings from the registry's answers; its reads of them say which images it depends on. */
export type FindingsOf = (file: BuildFile, answers: RegistryAnswers) => readonly Finding[];

export class IncrementalFindings {
  /** Every file is computed again (the first update, settings changed, the resolver reset). */
  private everything = true;
  private readonly stale = new Set<string>();
  private readonly findings = new Map<string, readonly Finding[]>();
  /** File → the images (canonical names) its findings read, and the Dockerfiles its builds build. */
  private readonly reads = new Map<string, { readonly images: ReadonlySet<string>; readonly builds: readonly string[] }>();
  /** Image → the files whose findings read it. */
  private readonly readers = new Map<string, Set<string>>();

  constructor(private readonly index: BuildFileIndex) {}

  /** The index changed these files: they, and the Dockerfiles they build or built, are computed again. */
  filesChanged(paths: readonly string[]): void {
    if (this.everything) return;
    for (const path of paths) {
      this.stale.add(path);
      for (const dockerfile of this.reads.get(path)?.builds ?? []) this.stale.add(dockerfile);
      for (const build of this.index.get(path)?.builds ?? []) if (build.dockerfile !== undefined) this.stale.add(build.dockerfile);
    }
  }

  /** The registry said something new about these images (canonical names); undefined: about every one. */
  imagesChanged(images: readonly string[] | undefined): void {
    if (images === undefined) this.all();
    if (this.everything) return;
    for (const image of images!) for (const path of this.readers.get(image) ?? []) this.stale.add(path);
  }

  /** One file is computed again (it was opened or closed: its hints show or not). */
  fileChanged(path: string): void {
    if (!this.everything) this.stale.add(path);
  }

  /** Every file is computed again (the settings changed). */
  all(): void {
    this.everything = true;
    this.stale.clear();
  }

  /**
   * Computes the findings of the files that need it. Returns the files whose findings are not what the last
   * update returned for them, with their findings; `undefined` for a file that left the index.
   */
  update(findingsOf: FindingsOf, answers: RegistryAnswers): Map<string, readonly Finding[] | undefined> {
    const changed = new Map<string, readonly Finding[] | undefined>();
    const files = this.everything ? this.index.files() : [...this.stale].flatMap((path) => this.index.get(path) ?? []);
    if (this.everything) {
      for (const path of this.findings.keys()) if (!this.index.has(path)) this.stale.add(path);
    }
    for (const path of this.stale) {
      if (this.index.has(path) || !this.findings.has(path)) continue;
      this.forget(path);
      changed.set(path, undefined);
    }
    this.everything = false;
    this.stale.clear();
    for (const file of files) {
      const images = new Set<string>();
      const read = (ref: ImageRef): void => void images.add(canonicalName(ref));
      const found = findingsOf(file, {
        resolutionOf: (ref) => (read(ref), answers.resolutionOf(ref)),
        attestationsOf: (ref, digest) => (read(ref), answers.attestationsOf(ref, digest)),
      });
      this.remember(file, images);
      const before = this.findings.get(file.path);
      if (before && sameFindings(before, found)) continue;
      this.findings.set(file.path, found);
      changed.set(file.path, found);
    }
    return changed;
  }

  private remember(file: BuildFile, images: ReadonlySet<string>): void {
    this.forgetReads(file.path);
    const builds = (file.builds ?? []).flatMap((b) => (b.dockerfile !== undefined ? [b.dockerfile] : []));
    this.reads.set(file.path, { images, builds });
    for (const image of images) {
      let files = this.readers.get(image);
      if (!files) this.readers.set(image, (files = new Set()));
      files.add(file.path);
    }
  }

  private forget(path: string): void {
    this.findings.delete(path);
    this.forgetReads(path);
  }

  private forgetReads(path: string): void {
    for (const image of this.reads.get(path)?.images ?? []) {
      const files = this.readers.get(image);
      files?.delete(path);
      if (files?.size === 0) this.readers.delete(image);
    }
    this.reads.delete(path);
  }
}

function sameFindings(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a.length === b.length && a.every((d, i) => sameFinding(d, b[i]!));
}

function sameFinding(a: Diagnostic, b: Diagnostic): boolean {
  const r = a.range;
  const s = b.range;
  return (
    a.severity === b.severity &&
    a.code === b.code &&
    r.start.line === s.start.line &&
    r.start.character === s.start.character &&
    r.end.line === s.end.line &&
    r.end.character === s.end.character &&
    a.message.template === b.message.template &&
    a.message.args.length === b.message.args.length &&
    a.message.args.every((arg, i) => arg === b.message.args[i])
  );
}
