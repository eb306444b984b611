// Watches the folders that appear in a workspace folder after it was read, with Node's `fs.watch`. On Linux, VS Code's
// recursive watcher (@parcel/watcher's inotify backend, `InotifyBackend::handleSubscription`) adds a watch for a new
// folder without reading it, so folders made inside it before that watch existed — `mkdir -p`, a git checkout, a tree
// moved in — are never watched while it runs (parcel-bundler/watcher#97, microsoft/vscode#142694): files written,
// changed or deleted there are never reported. An extension cannot ask VS Code for more watches inside the workspace
// (microsoft/vscode extHostFileSystemEventService.ts: a recursive request there shares the workspace's watcher, a
// flat one reports only what `files.watcherExclude` leaves out). So a new folder is walked here, each folder watched
// before it is read, as inotify(7) advises ("scan the contents of the subdirectory immediately after adding the
// watch"): what is already there is found by the walk, what comes later by the watch.

import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { debounce } from '../async/debounce';
import { walkFolder } from './walkFolder';

export interface NewFolderWatcherOptions {
  /** Whether a path relative to the root (`/`-separated) is left out, itself or by a folder above it. */
  readonly excluded: (relativePath: string) => boolean;
  /** Whether a file, by its relative path, is one to report. */
  readonly wanted: (relativePath: string) => boolean;
  /** A wanted file was found, written or changed. */
  readonly changed: (relativePath: string) => void;
  /** A file or folder is gone (what was under a folder went with it). */
  readonly deleted: (relativePath: string) => void;
  /**
   * Folders a burst's walks read but could not watch (`MAX_WATCHED_FOLDERS` reached, or the system's inotify watches
   * used up): what happens in them later goes unseen until a Refresh reads them again. Told once per burst.
   */
  readonly unwatched?: (count: number) => void;
}

/** Paths heard of are looked at together this long after the first of a burst: one walk per burst, not per event. */
const SETTLE_MS = 150;
/**
 * Folders watched at most: each costs an inotify watch, which VS Code's own watcher needs too (Linux's default limit
 * was 8192 until kernel 5.11; fs.watch's `recursive` adds one per folder as well, so it lifts nothing). Beyond it,
 * changes in a new folder wait for a Refresh, as VS Code's watcher left them, and `unwatched` says how many.
 */
export const MAX_WATCHED_FOLDERS = 4096;

export class NewFolderWatcher {
  private readonly watches = new Map<string, FSWatcher>();
  private heard = new Set<string>();
  /** Folders the current burst's walks could not watch. */
  private unwatchedInBurst = 0;
  private readonly settled = debounce(() => void this.lookAtHeard(), SETTLE_MS, { restart: false });
  private disposed = false;

  constructor(
    private readonly root: string,
    private options: NewFolderWatcherOptions,
  ) {}

  /** New rules (the settings changed): the watches stay, so nothing that happens meanwhile goes unheard. */
  setOptions(options: NewFolderWatcherOptions): void {
    this.options = options;
  }

  /** Something was created at `relativePath` (VS Code's watcher says so): if it is a folder, it is walked and watched. */
  created(relativePath: string): void {
    if (this.options.excluded(relativePath)) return;
    this.heard.add(relativePath);
    this.settled();
  }

  /** Something at `relativePath` was deleted: the watches at and under it end. */
  deleted(relativePath: string): void {
    for (const [path, watcher] of this.watches) {
      if (path === relativePath || path.startsWith(`${relativePath}/`)) {
        watcher.close();
        this.watches.delete(path);
      }
    }
  }

  /** The folders watched here (not by VS Code). */
  get watching(): number {
    return this.watches.size;
  }

  dispose(): void {
    this.disposed = true;
    this.settled.dispose();
    for (const watcher of this.watches.values()) watcher.close();
    this.watches.clear();
  }

  /** Looks at each path heard of once: a folder is walked, a file reported, a missing path reported deleted. */
  private async lookAtHeard(): Promise<void> {
    const paths = this.heard;
    this.heard = new Set();
    // What is under a folder heard of too is found by that folder's walk, unless it is gone.
    const isUnderAnother = (path: string) => {
      for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) if (paths.has(path.slice(0, slash))) return true;
      return false;
    };
    await Promise.all([...paths].map((path) => this.lookAt(path, isUnderAnother(path))));
    const unwatched = this.unwatchedInBurst;
    this.unwatchedInBurst = 0;
    if (unwatched > 0 && !this.disposed) this.options.unwatched?.(unwatched);
  }

  private async lookAt(relativePath: string, walkedAnyway: boolean): Promise<void> {
    const found = await stat(join(this.root, relativePath)).catch(() => undefined);
    if (this.disposed) return;
    if (!found) {
      // Only a folder watched here or a wanted file is worth telling: each is a pass over the index.
      const told = this.watches.has(relativePath) || this.options.wanted(relativePath);
      this.deleted(relativePath);
      if (told) this.options.deleted(relativePath);
    } else if (walkedAnyway) {
      return;
    } else if (found.isDirectory()) {
      const under = (path: string) => (path ? `${relativePath}/${path}` : relativePath);
      await walkFolder(join(this.root, relativePath), {
        excluded: (path) => this.options.excluded(under(path)),
        wanted: (path) => this.options.wanted(under(path)),
        found: (path) => this.options.changed(under(path)),
        entering: (path) => this.watch(under(path)),
        cancelled: () => this.disposed,
      });
    } else if (this.options.wanted(relativePath)) {
      this.options.changed(relativePath);
    }
  }

  private watch(relativePath: string): void {
    if (this.watches.has(relativePath)) return;
    if (this.watches.size >= MAX_WATCHED_FOLDERS) {
      this.unwatchedInBurst++;
      return;
    }
    try {
      // Not persistent: the watches never keep a process alive (the command-line tool, a test).
      const watcher = watch(join(this.root, relativePath), { persistent: false }, (_event, name) => {
        if (name) this.created(`${relativePath}/${name}`); // "rename" for created and deleted alike: looked at
      });
      watcher.on('error', () => this.deleted(relativePath));
      this.watches.set(relativePath, watcher);
    } catch (error) {
      // Gone already (its deletion is heard), or no inotify watch left: VS Code's watcher is all there is.
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') this.unwatchedInBurst++;
    }
  }
}
