// The extension's settings, read in one place.

import * as vscode from 'vscode';

export const SECTION = 'imageProvenance';

export interface Settings {
  /** Extra globs (workspace-relative) for files to read as Dockerfiles. */
  readonly dockerfileGlobs: readonly string[];
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return { dockerfileGlobs: config.get<string[]>('dockerfileGlobs', []).filter((g) => typeof g === 'string') };
}

/** The `files.exclude` globs that are on (a `when` clause counts as on: we cannot evaluate it cheaply). */
export function filesExclude(scope?: vscode.ConfigurationScope): string[] {
  const excludes = vscode.workspace.getConfiguration('files', scope).get<Record<string, unknown>>('exclude', {});
  return Object.entries(excludes)
    .filter(([, on]) => on === true || (typeof on === 'object' && on !== null))
    .map(([glob]) => glob);
}
