// The settings of `.vscode/settings.json` that `check` and `scan` share with the extension, read as the extension
// reads them (src/editor/config.ts): which files are build files, the values of `${VAR}`, the checks' severities and
// lists (how registries are reached is settings.ts' cliRegistrySettings, shared by every command). A setting that cannot be
// used is a configuration problem (exit 2): a CI check must not pass because a typo turned a check off.

import { join } from 'node:path';
import { checkLevels, type CheckLevels } from '../checks/catalog';
import { DEFAULT_EXCLUDE } from '../workspace/buildFilePatterns';
import { readWorkspaceSettings, WORKSPACE_SETTINGS } from './settings';

export interface WorkspaceSettings {
  readonly levels: CheckLevels;
  readonly allowedImages: readonly string[];
  readonly ignoredImages: readonly string[];
  readonly dockerfileGlobs: readonly string[];
  readonly buildVariables: Readonly<Record<string, string>>;
  /** `files.exclude` globs that are on, over VS Code's defaults, and `imageProvenance.exclude` (default: installed dependencies). */
  readonly filesExclude: readonly string[];
  /** Every setting of the file by its full name, for the readers the other commands share (registries, referrer repositories). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** VS Code's default `files.exclude` (an object setting: a workspace's entries merge over these). */
const DEFAULT_FILES_EXCLUDE: Readonly<Record<string, boolean>> = { '**/.git': true, '**/.svn': true, '**/.hg': true, '**/CVS': true, '**/.DS_Store': true, '**/Thumbs.db': true };

export function readCheckSettings(cwd: string): { settings: WorkspaceSettings; problems: string[] } {
  const file = join(cwd, WORKSPACE_SETTINGS);
  const problems: string[] = [];
  const values = readWorkspaceSettings(cwd);
  const problem = (key: string, expected: string) => problems.push(`${key} in ${file} is not ${expected}`);
  const strings = (key: string): string[] => {
    const value = values[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      problem(key, 'a list of strings');
      return [];
    }
    return value as string[];
  };
  const object = (key: string): Record<string, unknown> => {
    const value = values[key];
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem(key, 'an object');
      return {};
    }
    return value as Record<string, unknown>;
  };

  const severity = checkLevels(object(SETTINGS.severity), { unpinned: values[SETTINGS.unpinned], stalePin: values[SETTINGS.stalePin] });
  problems.push(...severity.problems.map((p) => `${SETTINGS.severity} in ${file}: ${p}`));
  const variables = object(SETTINGS.buildVariables);
  const exclude = { ...DEFAULT_FILES_EXCLUDE, ...object(SETTINGS.filesExclude) };
  return {
    settings: {
      levels: severity.levels,
      allowedImages: strings(SETTINGS.allowedImages),
      ignoredImages: strings(SETTINGS.ignoredImages),
      dockerfileGlobs: strings(SETTINGS.dockerfileGlobs),
      buildVariables: Object.fromEntries(Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === 'string')),
      // A `when` clause counts as on, as the extension reads it (config.ts filesExclude).
      filesExclude: [
        ...Object.entries(exclude).filter(([, on]) => on === true || (typeof on === 'object' && on !== null)).map(([glob]) => glob),
        ...(values[SETTINGS.exclude] === undefined ? DEFAULT_EXCLUDE : strings(SETTINGS.exclude)),
      ],
      values,
    },
    problems,
  };
}

export const SETTINGS = {
  severity: 'imageProvenance.checks.severity',
  allowedImages: 'imageProvenance.checks.allowedImages',
  unpinned: 'imageProvenance.pinning.unpinnedSeverity',
  stalePin: 'imageProvenance.pinning.stalePinSeverity',
  ignoredImages: 'imageProvenance.pinning.ignoredImages',
  dockerfileGlobs: 'imageProvenance.dockerfileGlobs',
  buildVariables: 'imageProvenance.buildVariables',
  filesExclude: 'files.exclude',
  exclude: 'imageProvenance.exclude',
} as const;
