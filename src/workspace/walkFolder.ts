// Finds a folder's files on disk with Node's `fs`, skipping excluded folders without reading them. The editor used
// VS Code's `findFiles`, which asks the workbench, which asks the search service, which runs ripgrep over every
// folder (`node_modules` and `vendor` included) and sends the list back: indexing a workspace of 10,000 Dockerfiles
// that way, the extension host sat idle 80 % of the time (a CPU profile in the scale bench), waiting.
// Folders are read several at a time (one at a time, the walk of that workspace waited on each read in turn), and
// only symbolic links are resolved: a folder reached without one has the real path of its parent plus its name.

import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalkOptions {
  /**
   * Whether a folder or file, by its path relative to the root (`/`-separated), is left out. Only paths whose
   * folders are not excluded are asked about.
   */
  readonly excluded: (relativePath: string) => boolean;
  /** Whether a file, by its relative path, is wanted. */
  readonly wanted: (relativePath: string) => boolean;
  /** Hears of each wanted file as soon as it is found. */
  readonly found: (relativePath: string) => void;
  /** Hears of each folder, by its relative path (`''` for the root), just before it is read. */
  readonly entering?: (relativePath: string) => void;
  /** Stops the walk early (the scan was cancelled): no more folders are read. */
  readonly cancelled?: () => boolean;
}

/** Folders read at once: enough to keep the disk and libuv's four threads busy, few enough to leave them to others. */
const READS_AT_ONCE = 16;

/** A folder to read: its relative path, and its real path and those of the folders above it (a chain up to the root). */
interface Folder {
  readonly relative: string;
  readonly real: RealPath;
}

interface RealPath {
  readonly path: string;
  readonly above: RealPath | undefined;
}

/**
 * Finds the wanted files under `root` (`/`-separated relative paths, in no particular order). Symbolic links to
 * folders are followed as VS Code's search (ripgrep `--follow`) follows them, except into a folder that contains the
 * link (a loop); unreadable folders are skipped.
 */
export async function walkFolder(root: string, options: WalkOptions): Promise<void> {
  const { excluded, wanted, found } = options;
  const rootReal = await realpath(root).catch(() => undefined);
  if (rootReal === undefined) return;
  const queue: Folder[] = [{ relative: '', real: { path: rootReal, above: undefined } }];
  const read = async (folder: Folder): Promise<void> => {
    const absolute = folder.relative ? join(root, folder.relative) : root;
    options.entering?.(folder.relative);
    const entries = await readdir(absolute, { withFileTypes: true }).catch(() => []);
    const links: Promise<void>[] = [];
    for (const entry of entries) {
      const path = folder.relative ? `${folder.relative}/${entry.name}` : entry.name;
      if (excluded(path)) continue;
      if (entry.isDirectory()) queue.push({ relative: path, real: { path: join(folder.real.path, entry.name), above: folder.real } });
      else if (entry.isSymbolicLink()) links.push(followLink(join(absolute, entry.name), path, folder.real));
      else if (wanted(path)) found(path);
    }
    await Promise.all(links);
  };
  /** A link to a folder is read as that folder, unless the link is inside it; a link to a file is a file. */
  const followLink = async (absolute: string, path: string, parent: RealPath): Promise<void> => {
    const target = await stat(absolute).catch(() => undefined);
    if (!target) return; // a dangling link
    if (!target.isDirectory()) {
      if (wanted(path)) found(path);
      return;
    }
    const real = await realpath(absolute).catch(() => undefined);
    if (real === undefined) return;
    for (let at: RealPath | undefined = parent; at; at = at.above) if (at.path === real) return;
    queue.push({ relative: path, real: { path: real, above: parent } });
  };
  // A pool of readers: each takes the next folder until none is left and no other reader can add one.
  const running = new Set<Promise<void>>();
  while (!options.cancelled?.()) {
    const next = queue.pop();
    if (next) {
      const reading: Promise<void> = read(next).finally(() => running.delete(reading));
      running.add(reading);
      if (running.size < READS_AT_ONCE) continue;
    }
    if (!running.size) break;
    await Promise.race(running);
  }
  await Promise.all(running);
}
