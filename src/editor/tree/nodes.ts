// The Images tree's nodes: small, stable descriptions of what a row shows. Rows are built from the
// index when VS Code asks for them, so a node never holds stale parse results.

import * as vscode from 'vscode';
import { argPinChoices, imageUseState, pulledImage, type BuildDefinition, type BuildFile, type ImageUse, type NotPinnableReason, type Range } from '../../model/buildFile';
import type { LinkKey } from '../../workspace/buildFileIndex';
import { shortDigest } from '../../reference/imageReference';
import { pinStatus } from '../../pin/pinStatus';
import type { RegistryErrorKind } from '../../registry/errors';
import { describeKind, describeReason, describeState, displayReference } from '../localize';
import { Commands } from '../context';
import type { Resolution } from '../registry/imageResolver';

/**
 * `via` marks a node inside a Dockerfile as a Compose service or Bake target builds it (its args and
 * named contexts applied); without it, the Dockerfile as it reads on its own.
 */
export type TreeNode =
  | { readonly type: 'file'; readonly path: string }
  /** `group` is set for a Bake target listed under a group (it is listed at the file's level too). */
  | { readonly type: 'unit'; readonly path: string; readonly unit: number; readonly via?: LinkKey; readonly group?: number }
  /** The Dockerfile a service or target builds. */
  | { readonly type: 'link'; readonly owner: string; readonly build: number; readonly group?: number }
  | { readonly type: 'image'; readonly key: string }
  /** `image` is set when the use is listed under an image (grouped by image), not under its file. */
  | { readonly type: 'use'; readonly path: string; readonly use: number; readonly image?: string; readonly via?: LinkKey; readonly group?: number }
  /** What the registry says about a use's image: one row per platform, or why it could not say. */
  | { readonly type: 'detail'; readonly parent: UseNode; readonly row: number };

export type UseNode = Extract<TreeNode, { type: 'use' }>;
export type DetailNode = Extract<TreeNode, { type: 'detail' }>;

const viaId = (via: LinkKey | undefined): string => (via ? `:via:${via.build}:${via.owner}` : '');
/** Rows under a Bake group repeat rows listed at the file's level: the group keeps their ids apart. */
const groupId = (group: number | undefined): string => (group !== undefined ? `:group:${group}` : '');

export function nodeId(node: TreeNode): string {
  switch (node.type) {
    case 'file':
      return `file:${node.path}`;
    case 'unit':
      return `unit:${node.unit}:${node.path}${viaId(node.via)}${groupId(node.group)}`;
    case 'link':
      return `link:${node.build}:${node.owner}${groupId(node.group)}`;
    case 'image':
      return `image:${node.key}`;
    case 'use':
      return `use:${node.use}:${node.path}${viaId(node.via)}${groupId(node.group)}` + (node.image !== undefined ? `:in:${node.image}` : '');
    case 'detail':
      return `${nodeId(node.parent)}:detail:${node.row}`;
  }
}

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export function fileItem(file: BuildFile, problems: number, expanded: boolean): vscode.TreeItem {
  const uri = vscode.Uri.parse(file.path);
  const relative = vscode.workspace.asRelativePath(uri);
  const slash = relative.lastIndexOf('/');
  const item = new vscode.TreeItem(uri, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.description = slash > 0 ? relative.slice(0, slash) : '';
  item.tooltip = relative;
  item.contextValue = 'buildFile';
  if (problems) {
    item.description += (item.description ? ' · ' : '') + (problems === 1 ? vscode.l10n.t('1 problem') : vscode.l10n.t('{0} problems', problems));
    item.tooltip += '\n' + vscode.l10n.t('See the Problems panel for what is wrong in this file.');
  }
  return item;
}

const UNIT_ICONS = { stage: 'layers', service: 'server-process', target: 'target', group: 'folder-library' } as const;

export function unitItem(file: BuildFile, unitIndex: number): vscode.TreeItem {
  const unit = file.units[unitIndex];
  const kind = unit?.kind ?? 'stage';
  const label = unit?.name ?? vscode.l10n.t('stage {0}', unit?.index ?? unitIndex);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  if (kind === 'stage') {
    if (unit?.name !== undefined) item.description = vscode.l10n.t('stage {0}', unit.index);
  } else {
    item.description = { service: vscode.l10n.t('service'), target: vscode.l10n.t('target'), group: vscode.l10n.t('group') }[kind];
    if (unit?.profiles) item.description += ' · ' + vscode.l10n.t('profiles: {0}', unit.profiles.join(', '));
  }
  item.iconPath = new vscode.ThemeIcon(UNIT_ICONS[kind]);
  item.contextValue = kind;
  return item;
}

/** The Dockerfile a service or target builds, or why it is missing. */
export function linkItem(build: BuildDefinition, linked: BuildFile | undefined): vscode.TreeItem {
  const uri = build.dockerfile !== undefined ? vscode.Uri.parse(build.dockerfile) : undefined;
  const label = uri ? vscode.workspace.asRelativePath(uri) : vscode.l10n.t('inline Dockerfile');
  const item = new vscode.TreeItem(label, linked ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  if (uri) item.resourceUri = uri;
  const details = [build.target !== undefined ? vscode.l10n.t('target {0}', build.target) : undefined, linked ? undefined : vscode.l10n.t('not found')];
  item.description = details.filter((d): d is string => d !== undefined).join(' · ');
  if (!linked) item.iconPath = new vscode.ThemeIcon('warning');
  item.tooltip = [label, ...Object.entries(build.args).map(([k, v]) => `--build-arg ${k}=${v.value}`)].join('\n');
  item.contextValue = 'buildLink';
  return item;
}

export function imageItem(key: string, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(key, vscode.TreeItemCollapsibleState.Expanded);
  item.description = count === 1 ? vscode.l10n.t('1 use') : vscode.l10n.t('{0} uses', count);
  item.iconPath = new vscode.ThemeIcon('package');
  item.contextValue = 'image';
  return item;
}

const STATE_ICONS = {
  pinned: new vscode.ThemeIcon('lock', new vscode.ThemeColor('charts.green')),
  unpinned: new vscode.ThemeIcon('unlock', new vscode.ThemeColor('charts.yellow')),
  unresolved: new vscode.ThemeIcon('question'),
  notPinnable: new vscode.ThemeIcon('circle-slash'),
} as const;

/** A use's row: its reference, where it is used, and its state with the reason in the tooltip. */
export function useItem(node: UseNode, file: BuildFile, use: ImageUse, resolution: Resolution | undefined): vscode.TreeItem {
  const state = imageUseState(use);
  const underImage = node.image !== undefined;
  const unit = use.unit !== undefined ? file.units[use.unit] : undefined;
  const stage = unit ? (unit.name ?? vscode.l10n.t('stage {0}', unit.index)) : undefined;
  const label = underImage ? vscode.workspace.asRelativePath(vscode.Uri.parse(file.path)) : displayReference(use);
  // Images a registry can describe open onto their platforms.
  const item = new vscode.TreeItem(label, pulledImage(use) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);

  const token = pinToken(use, resolution);
  const pinNote = token === 'stale' ? vscode.l10n.t('stale pin') : token === 'brokenPin' ? vscode.l10n.t('pin not served') : undefined;
  const parts = [underImage ? stage : undefined, describeKind(use.kind), shortState(use), pinNote].filter((p): p is string => !!p);
  item.description = parts.join(' · ');
  item.iconPath = STATE_ICONS[state];
  item.tooltip = [tooltip(use, stage), ...registryLines(resolution)].join('\n');
  item.accessibilityInformation = { label: `${label}, ${item.description}` };
  item.command = { command: Commands.reveal, title: vscode.l10n.t('Go to Reference'), arguments: [node] };
  // Tokens for `viewItem =~ /\btoken\b/` menus of later features (pin, update, unpin).
  // A reference partly made of ARGs is pinned in a form the user picks: the inline action asks which.
  item.contextValue = ['imageUse', `kind-${use.kind}`, state, use.pin.pinnable || argPinChoices(use) ? 'pinnable' : 'notPinnable', resolution?.state === 'resolved' ? 'resolved' : '', token].join(' ').trim();
  return item;
}

/** `stale` for a pin the tag has moved away from, `brokenPin` for one the registry cannot serve as pinned. */
function pinToken(use: ImageUse, resolution: Resolution | undefined): string {
  const ref = pulledImage(use);
  const status = ref && pinStatus(ref, resolution);
  return status?.kind === 'stale' ? 'stale' : status?.kind === 'notFound' || status?.kind === 'mismatch' ? 'brokenPin' : '';
}

function registryLines(resolution: Resolution | undefined): string[] {
  if (resolution?.state !== 'resolved') return [];
  const { details } = resolution;
  const lines: string[] = [];
  if (details.tagDigest !== undefined) lines.push(vscode.l10n.t('The tag points to {0}', details.tagDigest));
  if (details.tagError !== undefined) lines.push(vscode.l10n.t('The tag could not be looked up: {0}', details.tagError.message));
  if (details.tagDigest !== details.digest) lines.push(vscode.l10n.t('The pinned digest is {0}', details.digest));
  if (details.host) lines.push(vscode.l10n.t('Answered by {0}', details.host));
  return lines;
}

/** The rows under a use: its platforms, or one row saying what is under way or what failed. */
export function detailCount(resolution: Resolution | undefined): number {
  if (resolution?.state !== 'resolved') return 1;
  return Math.max(1, resolution.details.platforms.length);
}

export function detailItem(node: DetailNode, resolution: Resolution | undefined): vscode.TreeItem {
  if (!resolution || resolution.state === 'pending') {
    const item = new vscode.TreeItem(vscode.l10n.t('Resolving…'));
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    return item;
  }
  if (resolution.state === 'failed') return problemItem(node, resolution.error);
  const { details } = resolution;
  const platform = details.platforms[node.row];
  if (!platform) {
    const item = new vscode.TreeItem(vscode.l10n.t('no platforms'));
    item.description = shortDigest(details.digest);
    item.tooltip = vscode.l10n.t('{0} lists no platform images.', details.digest);
    return item;
  }
  const item = new vscode.TreeItem(platform.platform);
  item.description = shortDigest(platform.digest);
  item.tooltip = [platform.platform, platform.digest, details.kind === 'index' ? vscode.l10n.t('In the index {0}', details.digest) : ''].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('vm');
  item.contextValue = 'platformImage';
  return item;
}

/** Which fix each failure offers when its row is clicked. */
const FIXES: Partial<Record<RegistryErrorKind, 'signIn' | 'settings' | 'trust'>> = {
  unauthorized: 'signIn',
  denied: 'signIn',
  credentials: 'signIn',
  tls: 'settings',
  insecure: 'settings',
  untrusted: 'trust',
};

function problemItem(node: DetailNode, error: { kind: RegistryErrorKind; message: string; host: string }): vscode.TreeItem {
  const fix = FIXES[error.kind];
  const item = new vscode.TreeItem(shortProblem(error.kind));
  item.description = error.host;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  const [action, command]: [string, vscode.Command] =
    fix === 'signIn'
      ? [vscode.l10n.t('Click to add credentials for {0}.', error.host), { command: Commands.addCredentials, title: vscode.l10n.t('Add Registry Credentials'), arguments: [error.host] }]
      : fix === 'settings'
        ? [vscode.l10n.t('Click to open the registry settings.'), { command: 'workbench.action.openSettings', title: vscode.l10n.t('Open Settings'), arguments: ['imageProvenance.registry'] }]
        : fix === 'trust'
          ? [vscode.l10n.t('Click to manage workspace trust.'), { command: 'workbench.trust.manage', title: vscode.l10n.t('Manage Workspace Trust') }]
          : [vscode.l10n.t('Click to try again.'), { command: Commands.retry, title: vscode.l10n.t('Retry'), arguments: [node.parent] }];
  item.tooltip = `${error.message}\n\n${action}`;
  item.command = command;
  item.contextValue = `registryProblem problem-${error.kind}`;
  return item;
}

function shortProblem(kind: RegistryErrorKind): string {
  switch (kind) {
    case 'unauthorized':
      return vscode.l10n.t('Sign-in required');
    case 'denied':
      return vscode.l10n.t('Access denied');
    case 'notFound':
      return vscode.l10n.t('Not found in the registry');
    case 'digestMismatch':
      return vscode.l10n.t('Content does not match its digest');
    case 'tooLarge':
      return vscode.l10n.t('Response too large');
    case 'timeout':
      return vscode.l10n.t('Registry timed out');
    case 'rateLimited':
      return vscode.l10n.t('Rate limited by the registry');
    case 'serverError':
      return vscode.l10n.t('Registry error');
    case 'network':
      return vscode.l10n.t('Registry unreachable');
    case 'tls':
      return vscode.l10n.t('Certificate not trusted');
    case 'redirect':
      return vscode.l10n.t('Too many redirects');
    case 'badResponse':
      return vscode.l10n.t('Unexpected registry response');
    case 'credentials':
      return vscode.l10n.t('Credential helper failed');
    case 'insecure':
      return vscode.l10n.t('Refused to send credentials over HTTP');
    case 'untrusted':
      return vscode.l10n.t('Credentials off in restricted mode');
    case 'invalidReference':
      return vscode.l10n.t('Not a valid image reference');
    case 'cancelled':
      return vscode.l10n.t('Cancelled');
  }
}

function shortState(use: ImageUse): string {
  const state = imageUseState(use);
  if (state === 'pinned' && use.reference?.digest) return vscode.l10n.t('pinned {0}', shortDigest(use.reference.digest));
  if (use.pin.pinnable) return describeState(state);
  return shortReason(use.pin.reason);
}

function shortReason(reason: NotPinnableReason): string {
  switch (reason.kind) {
    case 'scratch':
      return vscode.l10n.t('empty image');
    case 'stage':
      return vscode.l10n.t('build stage');
    case 'unresolved':
      switch (reason.cause) {
        case 'noValue':
          return vscode.l10n.t('${0} has no value', reason.variable);
        case 'undeclared':
          return vscode.l10n.t('${0} is not declared', reason.variable);
        case 'globalOnly':
          return vscode.l10n.t('${0} not redeclared in this stage', reason.variable);
        case 'platform':
          return vscode.l10n.t('${0} is set per platform', reason.variable);
        case 'error':
          return vscode.l10n.t('${0} is required', reason.variable);
      }
      break;
    case 'invalid':
      return vscode.l10n.t('invalid reference');
    case 'sharedArg':
      return vscode.l10n.t('shared ARG {0}', reason.arg);
    case 'partialArg':
      return vscode.l10n.t('partly from ARG {0}', reason.arg);
    case 'overridden':
      return vscode.l10n.t('set by build argument {0}', reason.arg);
    case 'buildOutput':
      return vscode.l10n.t('build output');
    case 'namedContext':
      return reason.source === 'build' ? vscode.l10n.t('built by {0}', reason.value) : vscode.l10n.t('local context');
    case 'interpolated':
      return reason.variable ? vscode.l10n.t('from ${0}', reason.variable) : vscode.l10n.t('computed value');
  }
  return '';
}

/** Plain text, never Markdown: the text comes from files the user may not have written. */
function tooltip(use: ImageUse, stage: string | undefined): string {
  const lines = [`${describeKind(use.kind)} ${use.text}`];
  if (use.resolved !== undefined && use.resolved !== use.text) lines.push(vscode.l10n.t('Resolves to: {0}', use.resolved));
  if (stage !== undefined) lines.push(vscode.l10n.t('Stage: {0}', stage));
  if (use.platform !== undefined) lines.push(vscode.l10n.t('Platform: {0}', use.platform));
  const state = imageUseState(use);
  if (state === 'pinned' && use.reference?.digest) lines.push(vscode.l10n.t('Pinned to {0}', use.reference.digest));
  else if (state === 'unpinned') lines.push(vscode.l10n.t('Not pinned: the tag can move to different content.'));
  if (use.context !== undefined) lines.push(vscode.l10n.t('Replaced by the named build context "{0}".', use.context));
  if (!use.pin.pinnable) lines.push(describeReason(use.pin.reason));
  else if (use.pin.file !== undefined) lines.push(vscode.l10n.t('A pin goes into {0}, where the value is written.', vscode.workspace.asRelativePath(vscode.Uri.parse(use.pin.file))));
  else if (use.pin.viaArg !== undefined) lines.push(vscode.l10n.t('A pin goes into the default of ARG {0}.', use.pin.viaArg));
  return lines.join('\n');
}
