// The build files of a folder on disk, into the same index the extension fills: found by the same names and
// globs (workspace/buildFilePatterns.ts), `files.exclude` honored, `.env` files first, then every file the build
// files read (linked Dockerfiles, included Compose files), as the extension's indexer does. Keys are file URIs,
// as the extension's are, so the model resolves relative paths the same way.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BuildFileIndex } from '../workspace/buildFileIndex';
import { BuildFileMatcher, isScannedName, pathExcluder } from '../workspace/buildFilePatterns';
import type { BuildFileKind } from '../model/buildFile';
import { UsageError } from './command';
import type { WorkspaceSettings } from './workspaceSettings';

export interface FolderOptions {
  /** The workspace folder: globs and exclusions are relative to it. */
  readonly root: string;
  /** Folders or files to read (default: the root). */
  readonly paths: readonly string[];
  readonly dockerfileGlobs: readonly string[];
  readonly exclude: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  /** Paths the reading covered: a build file of such a path that is not in the index does not exist. */
  readonly scanned: (path: string) => boolean;
  /** Told of a file or folder named in `paths` that is left out: a run over it must not look clean without a word. */
  readonly warn?: (text: string) => void;
}

export async function indexFolder(options: FolderOptions): Promise<BuildFileIndex> {
  const matcher = new BuildFileMatcher(options.dockerfileGlobs);
  const excluded = pathExcluder(options.exclude);
  const relativeOf = (path: string) => relative(options.root, path).split(sep).join('/');
  const buildFiles = new Map<string, BuildFileKind>();
  const envFiles: string[] = [];
  const visit = async (path: string, named: boolean): Promise<void> => {
    const rel = relativeOf(path);
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      if (named) throw new UsageError(`${path} does not exist`);
      return;
    }
    if (rel !== '' && excluded(rel)) {
      if (named) options.warn?.(`${rel} is left out: files.exclude or imageProvenance.exclude names it`);
      return;
    }
    if (info.isDirectory()) {
      const entries = await readdir(path);
      for (const entry of entries.sort()) await visit(join(path, entry), false);
      return;
    }
    if (entry(path) === '.env') envFiles.push(path);
    const kind = matcher.kindOf(rel);
    if (kind) buildFiles.set(path, kind);
    else if (named) options.warn?.(`${rel} is left out: its name is not a Dockerfile's, a Compose file's or a Bake file's (imageProvenance.dockerfileGlobs adds names)`);
  };
  for (const path of options.paths.length ? options.paths : [options.root]) await visit(resolve(options.root, path), true);

  const index = new BuildFileIndex({ scanned: options.scanned });
  index.setVariables(options.variables);
  for (const path of envFiles) index.setResource(uri(path), await readText(path));
  for (const [path, kind] of buildFiles) {
    const text = await readText(path);
    if (text !== undefined) index.set(uri(path), text, kind);
  }
  for (let wanted = index.wanted(), rounds = 0; wanted.length && rounds < 5; wanted = index.wanted(), rounds++) {
    for (const key of wanted) index.setResource(key, key.startsWith('file:') ? await readText(fileURLToPath(key)) : undefined);
  }
  return index;
}

/** The build files under `paths` of the workspace folder `root` (all of it when none), as its settings say to find them. */
export function indexWorkspace(root: string, paths: readonly string[], settings: WorkspaceSettings, warn?: (text: string) => void): Promise<BuildFileIndex> {
  return indexFolder({
    root,
    paths,
    dockerfileGlobs: settings.dockerfileGlobs,
    exclude: settings.filesExclude,
    variables: settings.buildVariables,
    scanned: wholeFolderScanned(root, paths, settings.filesExclude),
    ...(warn && { warn }),
  });
}

/**
 * `scanned` for a run over the whole folder (no paths named): a build file it lacks does not exist, as the extension's
 * scan decides, unless it is excluded (a Compose or Bake file may build a Dockerfile under vendor/: it is read then).
 */
function wholeFolderScanned(root: string, paths: readonly string[], exclude: readonly string[]): (path: string) => boolean {
  const prefix = `${uri(root)}/`;
  const excluded = pathExcluder(exclude);
  return (path) => paths.length === 0 && isScannedName(path) && path.startsWith(prefix) && !excluded(relative(root, fileURLToPath(path)).split(sep).join('/'));
}

export function uri(path: string): string {
  return pathToFileURL(path).toString();
}

function entry(path: string): string {
  return path.slice(path.lastIndexOf(sep) + 1);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
