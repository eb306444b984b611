// A workspace's build files read from disk into the index, for the command-line tool: the files the editor's
// scan finds (build file names, the extra Dockerfile globs, `.env`), then every file they depend on
// (Dockerfiles that Compose services and Bake targets build, included Compose files), as the editor reads
// them. Paths in the index are `file:` URIs, as in the editor.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { BuildFileIndex } from './buildFileIndex';
import { BuildFileMatcher } from './buildFilePatterns';

export interface DiskWorkspaceOptions {
  /** `imageProvenance.dockerfileGlobs`, relative to `root`. */
  readonly dockerfileGlobs?: readonly string[];
  /** `files.exclude` globs that are on, relative to `root`: neither read nor pinned, as in the editor. */
  readonly exclude?: readonly string[];
  /** `imageProvenance.buildVariables`. */
  readonly variables?: Readonly<Record<string, string>>;
}

/** Folders never scanned: version control and installed packages hold no build files of the workspace's own. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

/** Dependency rounds (a Compose file includes one that builds a Dockerfile…), as the editor's indexer allows. */
const DEPENDENCY_ROUNDS = 5;

/**
 * Indexes the build files under `paths` (folders scanned, files taken as they are named; relative to `root`,
 * the workspace folder whose settings apply). Unreadable files are left out, as the editor leaves them.
 */
export function readDiskWorkspace(root: string, paths: readonly string[], options: DiskWorkspaceOptions = {}): BuildFileIndex {
  const matcher = new BuildFileMatcher(options.dockerfileGlobs ?? []);
  const excluded = options.exclude?.length ? picomatch([...options.exclude], { dot: true }) : () => false;
  // A path is excluded when it or any folder above it matches (`**/node_modules` hides what is inside).
  const isExcluded = (path: string): boolean => {
    const parts = relative(root, path).split(/[\\/]/);
    return parts.some((_, i) => excluded(parts.slice(0, i + 1).join('/')));
  };
  const index = new BuildFileIndex();
  index.setVariables(options.variables ?? {});
  const visit = (path: string, named: boolean): void => {
    if (isExcluded(path)) return;
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (!SKIPPED_FOLDERS.has(entry)) visit(join(path, entry), false);
      return;
    }
    const rel = relative(root, path).replace(/\\/g, '/');
    const uri = pathToFileURL(path).href;
    if (rel.split('/').at(-1) === '.env') {
      const text = readText(path);
      if (text !== undefined) index.setResource(uri, text);
      return;
    }
    // A file named on the command line is a build file even under another name: a Dockerfile, unless its name says otherwise.
    const kind = matcher.kindOf(rel) ?? (named ? 'dockerfile' : undefined);
    const text = kind && readText(path);
    if (kind && text !== undefined) index.set(uri, text, kind);
  };
  for (const path of paths) visit(path, true);
  for (let wanted = index.wanted(), rounds = 0; wanted.length && rounds < DEPENDENCY_ROUNDS; wanted = index.wanted(), rounds++) {
    for (const uri of wanted) index.setResource(uri, uri.startsWith('file:') ? readText(fileURLToPath(uri)) : undefined);
  }
  return index;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
