// Finds a folder's files on disk with Node's `fs`, skipping excluded folders without reading them. The editor used
// VS Code's `findFiles`, which asks the workbench, which asks the search service, which runs ripgrep over every
// folder (`node_modules` and `vendor` included) and sends the list back: indexing a workspace of 10,000 Dockerfiles
// that way, the extension host sat idle 80 % of the time (a CPU profile in the scale bench), waiting.

import { opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalkOptions {
  /** Whether a folder or file, by its path relative to the root (`/`-separated), is left out. */
  readonly excluded: (relativePath: string) => boolean;
  /** Whether a file, by its relative path, is wanted. */
  readonly wanted: (relativePath: string) => boolean;
  /** Stops the walk early (the scan was cancelled): what was found so far is returned. */
  readonly cancelled?: () => boolean;
}

/**
 * The wanted files under `root`, as `/`-separated relative paths. Symbolic links to folders are followed as
 * VS Code's search does (`search.followSymlinks`), except into a folder that contains them (a loop); unreadable
 * folders are skipped.
 */
export async function walkFolder(root: string, options: WalkOptions): Promise<string[]> {
  const found: string[] = [];
  // Each folder to read with the real paths of the folders above it.
  const folders: { relative: string; above: readonly string[] }[] = [{ relative: '', above: [] }];
  for (let next = folders.pop(); next !== undefined && !options.cancelled?.(); next = folders.pop()) {
    const { relative, above } = next;
    const absolute = relative ? join(root, relative) : root;
    const real = await realpath(absolute).catch(() => undefined);
    if (real === undefined || above.includes(real)) continue;
    const entries = await opendir(absolute).catch(() => undefined);
    if (!entries) continue;
    const inside = [...above, real];
    for await (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (options.excluded(path)) continue;
      const folder = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(join(absolute, entry.name)).then((s) => s.isDirectory(), () => false)));
      if (folder) folders.push({ relative: path, above: inside });
      else if (options.wanted(path)) found.push(path);
    }
  }
  return found;
}
