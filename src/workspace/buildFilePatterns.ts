// Which files are build files, and of which kind. Pure: names and globs only, so the VS Code edge and
// the bench agree.

import picomatch from 'picomatch';
import type { BuildFileKind } from '../model/buildFile';

/** Dockerfile names BuildKit and Podman users write, as globs over the file's base name. */
export const DOCKERFILE_NAMES = ['Dockerfile', 'Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile', 'Containerfile.*'] as const;

/** Compose files: the default names, override files, and per-environment variants (`compose.prod.yaml`). */
export const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'compose.*.yaml', 'compose.*.yml', 'docker-compose.*.yaml', 'docker-compose.*.yml'] as const;

/** Bake files: the default names and their overrides and variants (`docker-bake.override.hcl`). */
export const BAKE_NAMES = ['docker-bake.hcl', 'docker-bake.json', 'docker-bake.*.hcl', 'docker-bake.*.json'] as const;

/** A workspace glob for `findFiles` and file watchers: every build file name. */
export const BUILD_FILE_GLOB = `**/{${[...DOCKERFILE_NAMES, ...COMPOSE_NAMES, ...BAKE_NAMES].join(',')}}`;

/** `Dockerfile.dockerignore`, `app.Dockerfile.dockerignore`: BuildKit's per-Dockerfile ignore files. */
const NOT_A_DOCKERFILE = /\.dockerignore$/i;

/**
 * Whether a base name matches one of `globs`, exactly as picomatch's matcher decides (the glob itself, or its
 * regular expression), without the result object picomatch allocates per call: the index asks this about
 * every path build files depend on.
 */
function nameMatcher(globs: readonly string[]): (name: string) => boolean {
  // Compiled on first use, not while the extension loads (VS Code counts that as activation).
  let compiled: { glob: string; regex: RegExp }[] | undefined;
  return (name) => {
    compiled ??= globs.map((glob) => ({ glob, regex: picomatch.makeRe(glob, { dot: true }) }));
    return name !== '' && compiled.some(({ glob, regex }) => name === glob || regex.test(name));
  };
}

const matchDockerfile = nameMatcher(DOCKERFILE_NAMES);
const matchCompose = nameMatcher(COMPOSE_NAMES);
const matchBake = nameMatcher(BAKE_NAMES);

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
    if (matchCompose(name)) return 'compose';
    if (matchBake(name)) return name.endsWith('.json') ? 'bake-json' : 'bake-hcl';
    if (NOT_A_DOCKERFILE.test(name)) return undefined;
    if (matchDockerfile(name) || this.extra(relativePath.replace(/\\/g, '/'))) return 'dockerfile';
    return undefined;
  }
}

/**
 * `imageProvenance.exclude`'s default (package.json says the same): installed dependencies. Renovate's own
 * `ignorePaths` default is node_modules and bower_components (renovatebot/renovate lib/config/options/index.ts);
 * its `:ignoreModulesAndTests` preset (lib/config/presets/internal/default.preset.ts), which `config:recommended`
 * extends (config.preset.ts), adds vendor, and test and example folders, which stay in here: a Dockerfile there is
 * usually the project's own.
 */
export const DEFAULT_EXCLUDE: readonly string[] = ['**/node_modules/**', '**/vendor/**', '**/bower_components/**'];

// Whether a workspace-relative path is excluded by one of `globs`: the path itself or any folder above it matches
// (`files.exclude` names folders, `**/node_modules`; `imageProvenance.exclude` what is inside them, `**/vendor/**`).
export function pathExcluder(globs: readonly string[]): (relativePath: string) => boolean {
  if (!globs.length) return () => false;
  const matches = globMatcher(globs);
  return (relativePath) => {
    const path = relativePath.replace(/\\/g, '/');
    if (matches(path)) return true;
    for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) if (matches(path.slice(0, slash))) return true;
    return false;
  };
}

/**
 * Whether a `/`-separated relative path itself matches one of `globs`: enough for a walk, which never asks about
 * what is under an excluded folder (checking every folder above each of a large workspace's paths again cost it
 * a sixth of its walk).
 */
export function globMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  return globs.length ? picomatch([...globs], { dot: true }) : () => false;
}

/** Whether the workspace scan reads a file of this name (build files by name, and `.env`). */
export function isScannedName(path: string): boolean {
  const name = baseName(path);
  return name === '.env' || (!NOT_A_DOCKERFILE.test(name) && (matchCompose(name) || matchBake(name) || matchDockerfile(name)));
}
