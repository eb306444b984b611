// The workspace's build files, parsed, keyed by path. Pure and synchronous: the VS Code edge feeds it
// text (from disk or from an unsaved editor) and listens for changes.
//
// Files depend on other files: a Compose file on its `.env` and override file, a Compose service or Bake
// target on the Dockerfile it builds. The index keeps the text of every such file it was given, re-parses
// dependents when one changes, and says which files it still needs (`wanted()`), so the edge can read them.

import type { Disposable } from '../async/emitter';
import { argPinChoices, isPulledImage, rangeKey, type BuildDefinition, type BuildFile, type BuildFileKind, type Diagnostic, type ImageUse, type NotPinnable, type Range } from '../model/buildFile';
import { Messages, message } from '../model/messages';
import { parseDockerfile } from '../dockerfile/parseDockerfile';
import { parseBuildFile } from './parseBuildFile';
import { familiarName } from '../reference/imageReference';

export interface UseInFile {
  readonly file: BuildFile;
  readonly use: ImageUse;
  /** Set when `file` is a Dockerfile as built by a Compose service or Bake target. */
  readonly via?: LinkKey;
}

/** A build definition: the Compose or Bake file and which of its builds. */
export interface LinkKey {
  readonly owner: string;
  readonly build: number;
}

/** All uses of one image (by name and tag, pinned or not) across the workspace. */
export interface ImageGroup {
  /** `node:22`, `ghcr.io/o/r:1`; for a use whose variables have no value, the text as written. */
  readonly key: string;
  readonly uses: readonly UseInFile[];
}

const NONE: string[] = [];
const NO_MATCHES: ReadonlyMap<string, NotPinnable> = new Map();

export type IndexListener = (changedPaths: readonly string[]) => void;

export interface IndexOptions {
  /**
   * Paths the workspace scan covers (build file names, `.env`): when such a path is not in the index, it
   * does not exist, so `wanted()` need not ask for it. By default every dependency is asked for.
   */
  readonly scanned?: (path: string) => boolean;
}

export class BuildFileIndex {
  private readonly byPath = new Map<string, BuildFile>();
  private readonly kinds = new Map<string, BuildFileKind>();
  /** The text of every build file and every file one depends on; null when known not to exist. */
  private readonly texts = new Map<string, string | null>();
  /** Path → the build files whose model depends on it (re-parsed when it changes). */
  private readonly dependents = new Map<string, Set<string>>();
  /** Path → the build files that build it as a Dockerfile (their links change when it does). */
  private readonly builders = new Map<string, Set<string>>();
  /** Path → the Compose files that include it (it is a Compose file itself while any does). */
  private readonly includers = new Map<string, Set<string>>();
  /** Build file → what it was registered under in `dependents`, `builders` and `includers`. */
  private readonly registered = new Map<string, { readonly dependencies: readonly string[]; readonly dockerfiles: readonly string[]; readonly includes: readonly string[] }>();
  private readonly listeners = new Set<IndexListener>();
  /** Owner → build → its Dockerfile as that build sees it (undefined: its text is not known). */
  private readonly links = new Map<string, Map<number, BuildFile | undefined>>();
  /** Compose and Bake files with a build that has named contexts: the builds whose contexts can match a reference. */
  private readonly contextOwners = new Set<string>();
  /** Pin sites whose text some build's named context matches (file@range → why), once computed. */
  private contextMatches: ReadonlyMap<string, NotPinnable> | undefined;
  /** Files as the model gives them, with pins at those sites refused; made on first use. */
  private views = new WeakMap<BuildFile, BuildFile>();
  private sortedViews: BuildFile[] | undefined;
  private variables: Readonly<Record<string, string>> = {};
  private sorted: BuildFile[] | undefined;
  private groups: ImageGroup[] | undefined;
  /** Paths changed inside `batch()`, told to listeners when it ends. */
  private pending: Set<string> | undefined;

  constructor(private readonly options: IndexOptions = {}) {}

  /** Parses `text` as the build file at `path`, replacing what was there; files that depend on it follow. */
  set(path: string, text: string, kind: BuildFileKind = 'dockerfile'): BuildFile {
    this.texts.set(path, text);
    this.kinds.set(path, kind);
    const file = this.parse(path);
    const dependents = this.reparseDependents(path);
    this.emit(dependents.length ? [path, ...dependents] : [path]);
    if (this.orphans.size) this.dropOrphans();
    return file;
  }

  private dropOrphans(): void {
    const orphans = [...this.orphans].filter((p) => !this.includers.has(p));
    this.orphans.clear();
    for (const p of orphans) this.delete(p);
  }

  /** Gives the text of a file that build files depend on (`.env`, a linked Dockerfile); undefined: it does not exist. */
  setResource(path: string, text: string | undefined): void {
    // A Compose file another includes is a build file of its own, whatever its name.
    if (text !== undefined && !this.byPath.has(path) && this.includers.has(path)) {
      this.set(path, text, 'compose');
      return;
    }
    // Dependents were parsed seeing "no such file" for a path not given yet: only a change re-parses them.
    if ((this.texts.get(path) ?? null) === (text ?? null)) {
      this.texts.set(path, text ?? null);
      return;
    }
    this.texts.set(path, text ?? null);
    const changed = this.reparseDependents(path);
    if (changed.length) this.emit(changed);
  }

  /** Values for `${VAR}` in Compose and Bake files (they win over `.env`, as the shell's environment does). */
  setVariables(variables: Readonly<Record<string, string>>): void {
    this.variables = variables;
    // Compose files first: a Bake file reuses its project's parsed Compose file.
    const changed = [...this.byPath.values()].filter((f) => f.kind !== 'dockerfile').sort((a, b) => Number(a.kind !== 'compose') - Number(b.kind !== 'compose')).map((f) => f.path);
    for (const path of changed) this.parse(path);
    if (changed.length) this.emit(changed);
  }

  delete(path: string): boolean {
    const had = this.byPath.delete(path);
    this.contextOwners.delete(path);
    this.kinds.delete(path);
    const needed = (this.dependents.get(path)?.size ?? 0) + (this.builders.get(path)?.size ?? 0);
    if (needed) this.texts.set(path, null);
    else this.texts.delete(path);
    if (had) {
      this.forgetDependencies(path);
      this.invalidate([path]);
      this.emit([path, ...this.reparseDependents(path)]);
    }
    return had;
  }

  /** Removes every file, e.g. before a full re-scan. */
  clear(): void {
    const paths = [...this.byPath.keys()];
    this.byPath.clear();
    this.kinds.clear();
    this.texts.clear();
    this.dependents.clear();
    this.builders.clear();
    this.includers.clear();
    this.registered.clear();
    this.contextOwners.clear();
    this.invalidate();
    if (paths.length) this.emit(paths);
  }

  get(path: string): BuildFile | undefined {
    const file = this.byPath.get(path);
    return file && this.view(file);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The text a build file (or a file one reads) was parsed from. */
  text(path: string): string | undefined {
    return this.texts.get(path) ?? undefined;
  }

  get size(): number {
    return this.byPath.size;
  }

  /** Every file, sorted by path. */
  files(): readonly BuildFile[] {
    this.sorted ??= [...this.byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (!this.matchesOfContexts().size) return this.sorted;
    this.sortedViews ??= this.sorted.map((f) => this.view(f));
    return this.sortedViews;
  }

  /** Files that build files depend on and whose text the index has not been given yet. */
  wanted(): string[] {
    const scanned = this.options.scanned ?? (() => false);
    return [...this.dependents.keys(), ...this.builders.keys()].filter((p) => !this.texts.has(p) && !scanned(p));
  }

  /**
   * The Dockerfile of a build definition as that build sees it: its args and named contexts applied.
   * Undefined when the Dockerfile's text is not (yet) known.
   */
  linked(owner: string, build: number): BuildFile | undefined {
    const file = this.linkedAsParsed(owner, build);
    return file && this.view(file);
  }

  private linkedAsParsed(owner: string, build: number): BuildFile | undefined {
    let builds = this.links.get(owner);
    if (builds?.has(build)) return builds.get(build);
    const definition = this.byPath.get(owner)?.builds?.[build];
    let file: BuildFile | undefined;
    if (definition) {
      const text = definition.inline ?? (definition.dockerfile !== undefined ? this.texts.get(definition.dockerfile) : undefined);
      const path = definition.dockerfile ?? `${owner}#${build}`;
      const asBuilt = { ...(definition.target !== undefined ? { target: definition.target } : {}), ...(definition.platforms ? { platforms: definition.platforms } : {}) };
      if (typeof text === 'string') file = parseDockerfile(path, text, { buildArgs: definition.args, contexts: definition.contexts, build: asBuilt, outputs: this.outputsOf(owner, build) });
    }
    if (!builds) this.links.set(owner, (builds = new Map()));
    builds.set(build, file);
    return file;
  }

  /** What the project's other builds tag their outputs with → the service or target that builds it. */
  private outputsOf(owner: string, build: number): Map<string, string> | undefined {
    const file = this.byPath.get(owner)!;
    let outputs: Map<string, string> | undefined;
    file.builds!.forEach((other, i) => {
      const builder = file.units[other.unit]?.name;
      if (i === build || builder === undefined) return;
      for (const tag of other.tags ?? []) (outputs ??= new Map()).set(tag, builder);
    });
    return outputs;
  }

  /**
   * The model's diagnostics for a file, plus those about what its builds point to (a Dockerfile that is
   * missing, a target stage it lacks); each message once per place (a matrix repeats one line's).
   */
  diagnostics(path: string): readonly Diagnostic[] {
    const file = this.byPath.get(path);
    if (!file) return [];
    // Missing: known not to exist, or a name the scan finds that it did not find. A Bake template
    // (only inherited from) builds only when named on the command line: not worth a warning.
    const scanned = this.options.scanned ?? (() => false);
    const found: Diagnostic[] = [];
    (file.builds ?? []).forEach((b, i) => {
      // A Bake template builds only when named on the command line: nothing to warn about until then.
      if (file.units[b.unit]?.template) return;
      if (b.dockerfile !== undefined && (this.texts.get(b.dockerfile) === null || (!this.texts.has(b.dockerfile) && scanned(b.dockerfile)))) found.push(linkMissing(b));
      else if (b.target) {
        // BuildKit finds the target by its lower-case name (dockerfile2llb `resolveTarget`).
        const stages = this.linkedAsParsed(path, i)?.units;
        if (stages && !stages.some((u) => u.name?.toLowerCase() === b.target!.toLowerCase())) found.push(targetMissing(b));
      }
    });
    return distinct(found.length ? [...file.diagnostics, ...found] : file.diagnostics);
  }

  /**
   * Uses grouped by image, sorted by key; stage references, `scratch` and build outputs are left out.
   * A use reached by several routes (its own file, a build, a named context) is listed once per image.
   */
  byImage(): readonly ImageGroup[] {
    this.groups ??= this.groupByImage();
    return this.groups;
  }

  /** One image's group, by its key (`node:22`). */
  imageGroup(key: string): ImageGroup | undefined {
    if (!this.groupsByKey || this.groupsByKeyFor !== this.byImage()) {
      this.groupsByKeyFor = this.byImage();
      this.groupsByKey = new Map(this.groupsByKeyFor.map((g) => [g.key, g]));
    }
    return this.groupsByKey.get(key);
  }

  private groupsByKey: Map<string, ImageGroup> | undefined;
  private groupsByKeyFor: readonly ImageGroup[] | undefined;

  private groupByImage(): ImageGroup[] {
    const groups = new Map<string, UseInFile[]>();
    const seen = new Set<string>();
    const add = (entry: UseInFile): void => {
      const { use, file } = entry;
      // Stages, scratch, build outputs, other builds' results and stages a build skips are not pulled.
      if (!isPulledImage(use)) return;
      const key = use.reference ? familiarName(use.reference, { withDigest: false }) : use.text;
      // The same text to edit is the same use, however it was reached.
      const where = use.pin.pinnable ? `${use.pin.file ?? file.path}@${rangeKey(use.pin.range)}` : `${file.path}@${rangeKey(use.range)}`;
      const id = `${key}\n${where}`;
      if (seen.has(id)) return;
      seen.add(id);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(entry);
    };
    for (const file of this.files()) {
      for (const use of file.uses) add({ file, use });
      (file.builds ?? []).forEach((_, build) => {
        const linked = this.linked(file.path, build);
        for (const use of linked?.uses ?? []) add({ file: linked!, use, via: { owner: file.path, build } });
      });
    }
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, uses]) => ({ key, uses }));
  }

  /**
   * The platforms units are built for, where a build targets several, by file and unit: a Compose service
   * or Bake target, and a Dockerfile stage (the most any build that builds it targets; a stage its
   * target does not need is not built for the build's platforms).
   */
  platformsByUnit(): ReadonlyMap<string, ReadonlyMap<number, readonly string[]>> {
    const units = new Map<string, Map<number, readonly string[]>>();
    const widen = (path: string, unit: number, platforms: readonly string[]): void => {
      let byUnit = units.get(path);
      if (!byUnit) units.set(path, (byUnit = new Map()));
      if ((byUnit.get(unit)?.length ?? 0) < platforms.length) byUnit.set(unit, platforms);
    };
    for (const file of this.files()) {
      (file.builds ?? []).forEach((build, i) => {
        const platforms = build.platforms;
        if (!platforms || platforms.length < 2) return;
        widen(file.path, build.unit, platforms);
        if (build.dockerfile === undefined) return;
        for (const use of this.linked(file.path, i)?.uses ?? []) {
          if (use.unit !== undefined && (use.pin.pinnable || use.pin.reason.kind !== 'notBuilt')) widen(build.dockerfile, use.unit, platforms);
        }
      });
    }
    return units;
  }

  /** Called with the changed paths after every change, until the subscription returned is disposed. */
  onDidChange(listener: IndexListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * Runs `update` (many `set`s: a workspace scan) and tells listeners once, after it (after the promise it returns
   * settles), every path that changed: the tree, the lookups and the diagnostics react once, not per file. Each of
   * them reads the whole index when told, so a scan that told them as it went cost the square of its size.
   */
  batch<T>(update: () => T): T {
    if (this.pending) return update();
    const pending = (this.pending = new Set());
    const release = (): void => {
      this.pending = undefined;
      if (pending.size) this.emit([...pending]);
    };
    let result: T;
    try {
      result = update();
    } catch (error) {
      release();
      throw error;
    }
    if (result instanceof Promise) return result.finally(release) as T;
    release();
    return result;
  }

  // --- internals ---------------------------------------------------------------------------------------

  private parse(path: string): BuildFile {
    const text = this.texts.get(path) ?? '';
    const kind = this.kinds.get(path) ?? 'dockerfile';
    const file = parseBuildFile(path, kind, text, {
      readFile: (p) => this.texts.get(p) ?? undefined,
      variables: this.variables,
      parsedCompose: (p) => this.parsedCompose(p),
    });
    this.store(file);
    return file;
  }

  private store(file: BuildFile): void {
    const path = file.path;
    const replaced = this.byPath.has(path);
    this.byPath.set(path, file);
    if ((file.builds ?? []).some((b) => hasKeys(b.contexts))) this.contextOwners.add(path);
    else this.contextOwners.delete(path);
    this.forgetDependencies(path);
    const includes = file.includes ?? [];
    const registration = { dependencies: [...(file.dependencies ?? []), ...includes], dockerfiles: (file.builds ?? []).flatMap((b) => (b.dockerfile !== undefined ? [b.dockerfile] : [])), includes };
    if (registration.dependencies.length || registration.dockerfiles.length) {
      this.registered.set(path, registration);
      for (const dependency of registration.dependencies) addTo(this.dependents, dependency, path);
      for (const dockerfile of registration.dockerfiles) addTo(this.builders, dockerfile, path);
      for (const include of includes) addTo(this.includers, include, path);
    }
    // A changed file keeps its place in the sorted list: no re-sort on every keystroke.
    if (replaced && this.sorted) this.sorted[indexOfPath(this.sorted, path)] = file;
    else this.sorted = undefined;
    this.groups = undefined;
    this.clearLinks([path]);
  }

  /** A Compose file's model, when the index has it parsed from the text it holds. */
  private parsedCompose(path: string): BuildFile | undefined {
    const file = this.byPath.get(path);
    return file?.kind === 'compose' ? file : undefined;
  }

  /** Re-parses the files whose model reads `path`; returns them and the files whose builds use it. */
  private reparseDependents(path: string): string[] {
    if (!this.dependents.has(path) && !this.builders.has(path)) return NONE;
    const dependents = [...(this.dependents.get(path) ?? [])].filter((p) => p !== path && this.byPath.has(p));
    for (const p of dependents) this.parse(p);
    const builders = [...(this.builders.get(path) ?? [])];
    if (builders.length) this.invalidate(builders);
    return [...new Set([...dependents, ...builders])];
  }

  private forgetDependencies(path: string): void {
    const registration = this.registered.get(path);
    if (!registration) return;
    this.registered.delete(path);
    for (const dependency of registration.dependencies) removeFrom(this.dependents, dependency, path);
    for (const dockerfile of registration.dockerfiles) removeFrom(this.builders, dockerfile, path);
    for (const include of registration.includes) {
      removeFrom(this.includers, include, path);
      // No longer included, and not found by the scan on its own: it leaves the workspace's build files.
      if (!this.includers.has(include) && this.byPath.has(include) && !(this.options.scanned?.(include) ?? false)) this.orphans.add(include);
    }
  }

  /** Included files that lost their last includer during a change; removed once the change is stored. */
  private readonly orphans = new Set<string>();

  /** Whether build files read this file (not a build file itself): its text, or that it is missing, is known. */
  isResource(path: string): boolean {
    return this.texts.has(path) && !this.byPath.has(path);
  }

  /** Whether a Compose file is in the index because another includes it (the scan does not find it). */
  isIncluded(path: string): boolean {
    return this.includers.has(path);
  }

  /** Forgets what is derived from the files: all of it, or the links only of these owners. */
  private invalidate(owners?: readonly string[]): void {
    this.sorted = undefined;
    this.groups = undefined;
    this.clearLinks(owners);
  }

  /**
   * Drops the builds' Dockerfiles of these owners, or all. A link reads only its owner's file and its Dockerfile's
   * text: a change elsewhere keeps it (a keystroke in any file re-parsed every build's Dockerfile: 1,000 builds took
   * 150–200 ms). `Map.clear` allocates a new table even when empty, and this runs for every file the index is given.
   */
  private clearLinks(owners?: readonly string[]): void {
    if (owners) for (const owner of owners) this.links.delete(owner);
    else if (this.links.size) this.links.clear();
    // Views were made against these matches: a file that did not change may still be matched differently.
    if (this.contextMatches?.size) this.views = new WeakMap();
    this.contextMatches = undefined;
    this.sortedViews = undefined;
  }

  /**
   * Pin sites whose text a named context of some build matches. BuildKit looks a context up by the
   * reference as written (dockerui `NamedContext`: normalized, `:latest` dropped, a digest kept), so a
   * digest written there would silently end that build's override: such a site is not pinned.
   */
  private matchesOfContexts(): ReadonlyMap<string, NotPinnable> {
    if (this.contextMatches) return this.contextMatches;
    // Most workspaces have no named contexts: nothing to look for after each change.
    if (!this.contextOwners.size) return (this.contextMatches = NO_MATCHES);
    const matches = new Map<string, NotPinnable>();
    // In path order: where several builds match one site, the same one is named whatever the scan's order.
    for (const owner of [...this.contextOwners].sort()) {
      const file = this.byPath.get(owner)!;
      (file.builds ?? []).forEach((build, i) => {
        const builder = file.units[build.unit]?.name ?? '';
        for (const { context, file: at, range } of this.linkedAsParsed(owner, i)?.matchedContexts ?? []) {
          const key = siteKey(at, range);
          if (!matches.has(key)) matches.set(key, { pinnable: false, reason: { kind: 'contextMatch', owner, builder, context } });
        }
      });
    }
    this.contextMatches = matches;
    return matches;
  }

  /** A file as the model gives it, except that a pin at a site a named context matches is refused. */
  private view(file: BuildFile): BuildFile {
    const matches = this.matchesOfContexts();
    if (!matches.size) return file;
    let view = this.views.get(file);
    if (!view) {
      // A pin edits its site; a reference partly made of ARGs, if the user picks a form, its own text.
      const refused = (use: ImageUse) => (use.pin.pinnable ? matches.get(siteKey(use.pin.file ?? file.path, use.pin.range)) : argPinChoices(use) && matches.get(siteKey(file.path, use.range)));
      view = file.uses.some((u) => refused(u)) ? { ...file, uses: file.uses.map((u) => { const pin = refused(u); return pin ? { ...u, pin } : u; }) } : file;
      this.views.set(file, view);
    }
    return view;
  }

  private emit(paths: readonly string[]): void {
    if (this.pending) for (const path of paths) this.pending.add(path);
    else for (const listener of this.listeners) listener(paths);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function linkMissing(build: BuildDefinition): Diagnostic {
  return { range: build.range, severity: 'warning', code: 'dockerfile-not-found', message: message(Messages.buildDockerfileNotFound, build.dockerfile ?? '') };
}

function targetMissing(build: BuildDefinition): Diagnostic {
  return { range: build.range, severity: 'error', code: 'target-not-found', message: message(Messages.buildTargetNotFound, build.target ?? '', build.dockerfile ?? 'dockerfile_inline') };
}

/** Each diagnostic once: the same message at the same place says nothing more the second time. */
function distinct(diagnostics: readonly Diagnostic[]): readonly Diagnostic[] {
  const seen = new Set<string>();
  const out = diagnostics.filter((d) => {
    const key = `${rangeKey(d.range)}\n${d.severity}\n${d.code}\n${d.message.template}\n${d.message.args.join('\n')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return out.length === diagnostics.length ? diagnostics : out;
}

function hasKeys(record: Readonly<Record<string, unknown>>): boolean {
  for (const _ in record) return true;
  return false;
}

function siteKey(path: string, range: Range): string {
  return `${path}@${rangeKey(range)}`;
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
