// The extension's settings, read in one place.

import * as vscode from 'vscode';
import { checkLevels, LEVELS, type Level } from '../checks/catalog';
import { ignoredImagesMatcher } from '../checks/imageChecks';
import type { CheckSettings } from '../checks/workspaceChecks';
import type { ArgPinForm } from '../pin/planEdits';

export const SECTION = 'imageProvenance';

export interface Settings {
  /** Extra globs (workspace-relative) for files to read as Dockerfiles. */
  readonly dockerfileGlobs: readonly string[];
  /** Globs (workspace-relative) of files and folders not to scan, besides `files.exclude`. */
  readonly exclude: readonly string[];
  /** Values for `${VAR}` in Compose and Bake files, as the shell's environment would give them. */
  readonly buildVariables: Readonly<Record<string, string>>;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const variables = config.get<Record<string, unknown>>('buildVariables', {});
  return {
    dockerfileGlobs: config.get<string[]>('dockerfileGlobs', []).filter((g) => typeof g === 'string'),
    exclude: config.get<string[]>('exclude', []).filter((g) => typeof g === 'string' && g.trim() !== ''),
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

/** How pins are reported: `imageProvenance.pinning.*`. */
export interface PinSettings {
  readonly unpinnedSeverity: Level;
  readonly stalePinSeverity: Level;
  /** Image names (without tag or digest; `*` matches within a path segment, `**` across) to say nothing about. */
  readonly ignoredImages: readonly string[];
  /** Which CodeLenses show: all, only those that offer something to do now, or none. */
  readonly codeLens: CodeLensMode;
  /** How a reference partly made of ARGs (`node:${VERSION}`) is pinned: asked each time, or always one way. */
  readonly argReferences: ArgPinForm | 'ask';
}

export type CodeLensMode = 'all' | 'actionable' | 'off';

export function readPinSettings(scope?: vscode.ConfigurationScope): PinSettings {
  const config = vscode.workspace.getConfiguration(`${SECTION}.pinning`, scope);
  const level = (key: string, fallback: Level): Level => {
    const value = config.get<string>(key);
    return LEVELS.includes(value as Level) ? (value as Level) : fallback;
  };
  return {
    unpinnedSeverity: level('unpinnedSeverity', 'hint'),
    stalePinSeverity: level('stalePinSeverity', 'warning'),
    ignoredImages: config.get<unknown[]>('ignoredImages', []).filter((p): p is string => typeof p === 'string'),
    codeLens: codeLensMode(config.get<unknown>('codeLens')),
    argReferences: oneOf(config.get<unknown>('argReferences'), ['digestAfterExpansion', 'companionArg'] as const) ?? 'ask',
  };
}

/** The setting was a boolean before it had modes: `true` is every lens, `false` none. */
function codeLensMode(value: unknown): CodeLensMode {
  if (value === false) return 'off';
  return oneOf(value, ['actionable', 'off'] as const) ?? 'all';
}

function oneOf<T extends string>(value: unknown, values: readonly T[]): T | undefined {
  return values.find((v) => v === value);
}

/**
 * What the checks report, and how loudly: `imageProvenance.checks.severity` over the catalogue's defaults (the
 * pinning severities where it says nothing), the allow-list, and the images to say nothing about.
 */
export function readCheckSettings(scope?: vscode.ConfigurationScope): CheckSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const pins = readPinSettings(scope);
  const severity = config.get<unknown>('checks.severity', {});
  const { levels } = checkLevels(typeof severity === 'object' && severity !== null ? (severity as Record<string, unknown>) : {}, { unpinned: pins.unpinnedSeverity, stalePin: pins.stalePinSeverity });
  const ignored = ignoredImagesMatcher(pins.ignoredImages);
  return { levels, allowedImages: config.get<unknown[]>('checks.allowedImages', []).filter((p): p is string => typeof p === 'string'), ...(ignored && { ignored }) };
}
