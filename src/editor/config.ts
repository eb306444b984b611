// The extension's settings, read in one place.

import * as vscode from 'vscode';

export const SECTION = 'imageProvenance';

export interface Settings {
  /** Extra globs (workspace-relative) for files to read as Dockerfiles. */
  readonly dockerfileGlobs: readonly string[];
  /** Values for `${VAR}` in Compose and Bake files, as the shell's environment would give them. */
  readonly buildVariables: Readonly<Record<string, string>>;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const variables = config.get<Record<string, unknown>>('buildVariables', {});
  return {
    dockerfileGlobs: config.get<string[]>('dockerfileGlobs', []).filter((g) => typeof g === 'string'),
    buildVariables: Object.fromEntries(Object.entries(variables).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
  };
}

/** The `files.exclude` globs that are on (a `when` clause counts as on: we cannot evaluate it cheaply). */
export function filesExclude(scope?: vscode.ConfigurationScope): string[] {
  const excludes = vscode.workspace.getConfiguration('files', scope).get<Record<string, unknown>>('exclude', {});
  return Object.entries(excludes)
    .filter(([, on]) => on === true || (typeof on === 'object' && on !== null))
    .map(([glob]) => glob);
}
