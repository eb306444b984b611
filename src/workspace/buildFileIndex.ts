// The workspace's build files, parsed, keyed by path. Pure and synchronous: the VS Code edge feeds it
// text (from disk or from an unsaved editor) and listens for changes.

import type { BuildFile, BuildFileKind, ImageUse } from '../model/buildFile';
import { parseDockerfile } from '../dockerfile/parseDockerfile';
import { familiarName } from '../reference/imageReference';

export interface UseInFile {
  readonly file: BuildFile;
  readonly use: ImageUse;
}

/** All uses of one image (by name and tag, pinned or not) across the workspace. */
export interface ImageGroup {
  /** `node:22`, `ghcr.io/o/r:1`; for a use whose variables have no value, the text as written. */
  readonly key: string;
  readonly uses: readonly UseInFile[];
}

export type IndexListener = (changedPaths: readonly string[]) => void;

export class BuildFileIndex {
  private readonly byPath = new Map<string, BuildFile>();
  private readonly listeners = new Set<IndexListener>();
  private sorted: BuildFile[] | undefined;
  private groups: ImageGroup[] | undefined;

  /** Parses `text` as the build file at `path`, replacing what was there. */
  set(path: string, text: string, kind: BuildFileKind = 'dockerfile'): BuildFile {
    const file = parse(path, text, kind);
    const replaced = this.byPath.has(path);
    this.byPath.set(path, file);
    // A changed file keeps its place in the sorted list: no re-sort on every keystroke.
    if (replaced && this.sorted) this.sorted[indexOfPath(this.sorted, path)] = file;
    else this.sorted = undefined;
    this.groups = undefined;
    this.emit([path]);
    return file;
  }

  delete(path: string): boolean {
    const had = this.byPath.delete(path);
    if (had) {
      this.invalidate();
      this.emit([path]);
    }
    return had;
  }

  /** Removes every file, e.g. before a full re-scan. */
  clear(): void {
    const paths = [...this.byPath.keys()];
    this.byPath.clear();
    this.invalidate();
    if (paths.length) this.emit(paths);
  }

  get(path: string): BuildFile | undefined {
    return this.byPath.get(path);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  get size(): number {
    return this.byPath.size;
  }

  /** Every file, sorted by path. */
  files(): readonly BuildFile[] {
    this.sorted ??= [...this.byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.sorted;
  }

  /** Uses grouped by image, sorted by key; stage references and `scratch` are not images and are left out. */
  byImage(): readonly ImageGroup[] {
    this.groups ??= this.groupByImage();
    return this.groups;
  }

  private groupByImage(): ImageGroup[] {
    const groups = new Map<string, UseInFile[]>();
    for (const file of this.files()) {
      for (const use of file.uses) {
        if (!use.pin.pinnable && (use.pin.reason.kind === 'stage' || use.pin.reason.kind === 'scratch')) continue;
        const key = use.reference ? familiarName(use.reference, { withDigest: false }) : use.text;
        let list = groups.get(key);
        if (!list) groups.set(key, (list = []));
        list.push({ file, use });
      }
    }
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, uses]) => ({ key, uses }));
  }

  /** Called with the changed paths after every change; returns a function that unsubscribes. */
  onDidChange(listener: IndexListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private invalidate(): void {
    this.sorted = undefined;
    this.groups = undefined;
  }

  private emit(paths: readonly string[]): void {
    for (const listener of this.listeners) listener(paths);
  }
}

/** Binary search in files sorted by path; the path must be present. */
function indexOfPath(files: readonly BuildFile[], path: string): number {
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (files[mid]!.path < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function parse(path: string, text: string, kind: BuildFileKind): BuildFile {
  switch (kind) {
    case 'dockerfile':
      return parseDockerfile(path, text);
    case 'compose':
    case 'bake-hcl':
    case 'bake-json':
      // Compose and Bake arrive with their own parsers; until then such a file is known but empty.
      return { path, kind, units: [], uses: [], diagnostics: [] };
  }
}
