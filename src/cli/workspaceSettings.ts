// The settings of `.vscode/settings.json` that `check` and `scan` share with the extension, read as the extension
// reads them (src/editor/config.ts, src/editor/registry/registrySettings.ts): which files are build files, the
// values of `${VAR}`, the checks' severities and lists, and how registries are reached. A setting that cannot be
// used is a configuration problem (exit 2): a CI check must not pass because a typo turned a check off.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLevels, type CheckLevels } from '../checks/catalog';
import type { RegistryHostSettings } from '../registry/settings';
import { parseJsonc, WORKSPACE_SETTINGS } from './settings';

export interface WorkspaceSettings {
  readonly levels: CheckLevels;
  readonly allowedImages: readonly string[];
  readonly ignoredImages: readonly string[];
  readonly dockerfileGlobs: readonly string[];
  readonly buildVariables: Readonly<Record<string, string>>;
  /** `files.exclude` globs that are on, over VS Code's defaults. */
  readonly filesExclude: readonly string[];
  readonly registryHosts: Readonly<Record<string, RegistryHostSettings>>;
  readonly timeoutMs?: number;
}

/** VS Code's default `files.exclude` (an object setting: a workspace's entries merge over these). */
const DEFAULT_FILES_EXCLUDE: Readonly<Record<string, boolean>> = { '**/.git': true, '**/.svn': true, '**/.hg': true, '**/CVS': true, '**/.DS_Store': true, '**/Thumbs.db': true };

export function readWorkspaceSettings(cwd: string): { settings: WorkspaceSettings; problems: string[] } {
  const file = join(cwd, WORKSPACE_SETTINGS);
  const problems: string[] = [];
  let values: Record<string, unknown> = {};
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const parsed = parseJsonc(text);
    if (parsed === undefined) problems.push(`${file} is not valid JSON with comments`);
    else values = parsed;
  }
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
  const timeout = values[SETTINGS.timeoutSeconds];
  return {
    settings: {
      levels: severity.levels,
      allowedImages: strings(SETTINGS.allowedImages),
      ignoredImages: strings(SETTINGS.ignoredImages),
      dockerfileGlobs: strings(SETTINGS.dockerfileGlobs),
      buildVariables: Object.fromEntries(Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === 'string')),
      // A `when` clause counts as on, as the extension reads it (config.ts filesExclude).
      filesExclude: Object.entries(exclude).filter(([, on]) => on === true || (typeof on === 'object' && on !== null)).map(([glob]) => glob),
      registryHosts: registryHosts(object(SETTINGS.registryHosts)),
      ...(typeof timeout === 'number' && timeout > 0 && { timeoutMs: timeout * 1000 }),
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
  registryHosts: 'imageProvenance.registry.hosts',
  timeoutSeconds: 'imageProvenance.registry.timeoutSeconds',
} as const;

/** `{ "docker.io": { "mirrors": ["mirror.local:5000"] }, "mirror.local:5000": { "http": true } }`, ill-typed entries dropped as the extension drops them. */
function registryHosts(value: Record<string, unknown>): Record<string, RegistryHostSettings> {
  const hosts: Record<string, RegistryHostSettings> = {};
  for (const [host, entry] of Object.entries(value)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { mirrors, http, insecure } = entry as Record<string, unknown>;
    hosts[host] = {
      ...(Array.isArray(mirrors) ? { mirrors: mirrors.filter((m): m is string => typeof m === 'string' && m !== '') } : {}),
      ...(http === true ? { http: true } : {}),
      ...(insecure === true ? { insecure: true } : {}),
    };
  }
  return hosts;
}
