// Which files are build files. Pure: names and globs only, so the VS Code edge and the bench agree.

import picomatch from 'picomatch';
import type { BuildFileKind } from '../model/buildFile';

/** Dockerfile names BuildKit and Podman users write, as globs over the file's base name. */
export const DOCKERFILE_NAMES = ['Dockerfile', 'Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile', 'Containerfile.*'] as const;

/** A workspace glob for `findFiles` and file watchers. */
export const DOCKERFILE_GLOB = `**/{${DOCKERFILE_NAMES.join(',')}}`;

/** `Dockerfile.dockerignore`, `app.Dockerfile.dockerignore`: BuildKit's per-Dockerfile ignore files. */
const NOT_A_DOCKERFILE = /\.dockerignore$/i;

const matchName = picomatch(DOCKERFILE_NAMES as unknown as string[], { dot: true });

export function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(slash + 1);
}

/**
 * Classifies a file by its path: a Dockerfile by name, or by one of the user's extra globs (matched
 * against the workspace-relative path, as VS Code's own glob settings are). Undefined when not a build file.
 */
export class BuildFileMatcher {
  private readonly extra: (path: string) => boolean;

  constructor(extraGlobs: readonly string[] = []) {
    const globs = extraGlobs.filter((g) => g.trim() !== '');
    this.extra = globs.length ? picomatch(globs, { dot: true }) : () => false;
  }

  kindOf(relativePath: string): BuildFileKind | undefined {
    const name = baseName(relativePath);
    if (NOT_A_DOCKERFILE.test(name)) return undefined;
    if (matchName(name) || this.extra(relativePath.replace(/\\/g, '/'))) return 'dockerfile';
    return undefined;
  }
}
