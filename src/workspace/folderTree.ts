// A large workspace's build files as a folder tree, as the Explorer shows them: VS Code sends and splices every
// row of a tree's top level at once (ten thousand file rows took seconds), so the top level lists folders.

/** A folder row: its subfolders' rows, then the build files directly in it. */
export interface FolderRow {
  /** The folder's name, or a chain of folders holding nothing but the next one: "a/b/c" (`explorer.compactFolders`). */
  readonly label: string;
  /** The row it is listed under (its key), if it is not at the top level. */
  readonly parent: string | undefined;
  readonly folders: string[];
  readonly files: string[];
  /** Build files anywhere below it, and their problems. */
  count: number;
  problems: number;
}

export interface FolderTree {
  /** The top level: folder keys and file paths, folders first. */
  readonly top: readonly { readonly type: 'folder' | 'file'; readonly path: string }[];
  /** Folder rows by key: the URI of the last folder of the row's chain. */
  readonly folders: ReadonlyMap<string, FolderRow>;
  /** The folder row each file is listed under, for those not at the top level. */
  readonly parentOf: ReadonlyMap<string, string>;
}

export interface WorkspaceRoot {
  readonly uri: string;
  readonly name: string;
}

interface Directory {
  readonly folders: Map<string, Directory>;
  readonly files: string[];
  count: number;
  problems: number;
}

const directory = (): Directory => ({ folders: new Map(), files: [], count: 0, problems: 0 });

function segmentName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Builds the rows of `paths` (URIs, sorted) under the workspace folders `roots`: with several folders, one top-level
 * row each, as the Explorer shows a multi-root workspace; with one, its contents. Files outside every folder are
 * listed under their own folders from the file system's root.
 */
export function folderTree(paths: readonly string[], roots: readonly WorkspaceRoot[], problemsOf: (path: string) => number): FolderTree {
  const bases = new Map<string, Directory>();
  for (const path of paths) {
    const root = roots.reduce<WorkspaceRoot | undefined>((best, r) => (path.startsWith(r.uri + '/') && r.uri.length > (best?.uri.length ?? -1) ? r : best), undefined);
    // Outside every workspace folder: from the scheme and authority, "file://" of "file:///home/…".
    const base = root?.uri ?? /^[^:/]+:\/\/[^/]*/.exec(path)?.[0] ?? '';
    const problems = problemsOf(path);
    let dir = bases.get(base) ?? directory();
    bases.set(base, dir);
    const segments = path.slice(base.length + 1).split('/');
    segments.pop();
    for (const segment of [undefined, ...segments]) {
      if (segment !== undefined) {
        const next = dir.folders.get(segment) ?? directory();
        dir.folders.set(segment, next);
        dir = next;
      }
      dir.count++;
      dir.problems += problems;
    }
    dir.files.push(path);
  }

  const folders = new Map<string, FolderRow>();
  const parentOf = new Map<string, string>();
  /** Adds the row of `dir` (at `uri`, named `label`) and those below it; returns its key. */
  const add = (dir: Directory, uri: string, label: string, parent: string | undefined, compact: boolean): string => {
    while (compact && dir.files.length === 0 && dir.folders.size === 1) {
      const [name, only] = [...dir.folders][0]!;
      [dir, uri, label] = [only, `${uri}/${name}`, `${label}/${segmentName(name)}`];
    }
    const row: FolderRow = { label, parent, folders: [], files: dir.files, count: dir.count, problems: dir.problems };
    folders.set(uri, row);
    for (const file of dir.files) parentOf.set(file, uri);
    row.folders.push(...children(dir, uri, uri));
    return uri;
  };
  const children = (dir: Directory, uri: string, parent: string | undefined): string[] =>
    [...dir.folders]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, sub]) => add(sub, `${uri}/${name}`, segmentName(name), parent, true));

  const top: { type: 'folder' | 'file'; path: string }[] = [];
  const topFiles: string[] = [];
  // Workspace folders in the workspace's order, then what lies outside them.
  const order = [...roots.map((r) => r.uri).filter((uri) => bases.has(uri)), ...[...bases.keys()].filter((uri) => !roots.some((r) => r.uri === uri))];
  for (const base of order) {
    const dir = bases.get(base)!;
    const root = roots.find((r) => r.uri === base);
    if (root && roots.length > 1) {
      top.push({ type: 'folder', path: add(dir, base, root.name, undefined, false) });
      continue;
    }
    top.push(...children(dir, base, undefined).map((path) => ({ type: 'folder' as const, path })));
    topFiles.push(...dir.files);
  }
  top.push(...topFiles.map((path) => ({ type: 'file' as const, path })));
  return { top, folders, parentOf };
}
