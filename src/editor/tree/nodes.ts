// The Images tree's nodes: small, stable descriptions of what a row shows. Rows are built from the
// index when VS Code asks for them, so a node never holds stale parse results.

import * as vscode from 'vscode';
import { argPinChoices, imageUseState, pulledImage, type BuildDefinition, type BuildFile, type ImageUse, type NotPinnableReason, type Range } from '../../model/buildFile';
import type { LinkKey } from '../../workspace/buildFileIndex';
import { shortDigest } from '../../reference/imageReference';
import { pinStatus } from '../../pin/pinStatus';
import type { RegistryError, RegistryErrorKind } from '../../registry/errors';
import { describeFailure, describeKind, describeReason, describeState, describeTarget, rowReference } from '../localize';
import { Commands } from '../context';
import type { Resolution } from '../../workspace/imageResolver';

/**
 * `via` marks a node inside a Dockerfile as a Compose service or Bake target builds it (its args and
 * named contexts applied); without it, the Dockerfile as it reads on its own.
 */
export type TreeNode =
  /** A folder of a large workspace's build files (see workspace/folderTree): `path` is the URI of its row's last folder. */
  | { readonly type: 'folder'; readonly path: string }
  | { readonly type: 'file'; readonly path: string }
  /** `group` is set for a Bake target listed under a group (it is listed at the file's level too). */
  | { readonly type: 'unit'; readonly path: string; readonly unit: number; readonly via?: LinkKey; readonly group?: number }
  /** The Dockerfile a service or target builds. */
  | { readonly type: 'link'; readonly owner: string; readonly build: number; readonly group?: number }
  | { readonly type: 'image'; readonly key: string }
  /** `image` is set when the use is listed under an image (grouped by image), not under its file. */
  | { readonly type: 'use'; readonly path: string; readonly use: number; readonly image?: string; readonly via?: LinkKey; readonly group?: number }
  /** What the registry says about a use's image: one row per platform, or why it could not say. */
  | { readonly type: 'detail'; readonly parent: UseNode; readonly row: number }
  /** What a platform's attestations say: one row each (see attestationRows), read when the platform is expanded. */
  | { readonly type: 'attestation'; readonly parent: DetailNode; readonly row: number };

export type UseNode = Extract<TreeNode, { type: 'use' }>;
export type DetailNode = Extract<TreeNode, { type: 'detail' }>;
export type AttestationNode = Extract<TreeNode, { type: 'attestation' }>;

const viaId = (via: LinkKey | undefined): string => (via ? `:via:${via.build}:${via.owner}` : '');
/** Rows under a Bake group repeat rows listed at the file's level: the group keeps their ids apart. */
const groupId = (group: number | undefined): string => (group !== undefined ? `:group:${group}` : '');

export function nodeId(node: TreeNode): string {
  switch (node.type) {
    case 'folder':
      return `folder:${node.path}`;
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
    case 'attestation':
      return `${nodeId(node.parent)}:attestation:${node.row}`;
  }
}

export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/**
 * A file's row. A large workspace sends ten thousand of these to VS Code at each switch back to files: the tooltip
 * is asked for on hover (`fileTooltip`), and the row's Uri is one no path was read from (a Uri keeps its file-system
 * path and its string once read, and sends both with the row). In the flat list the row says its folder; under its
 * folder's row, as in the Explorer, its name is enough.
 */
export function fileItem(file: BuildFile, problems: number, expanded: boolean, underFolder: boolean): vscode.TreeItem {
  const relative = relativePath(file);
  const slash = relative.lastIndexOf('/');
  const item = new vscode.TreeItem(vscode.Uri.parse(file.path), expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.description = slash > 0 && !underFolder ? relative.slice(0, slash) : '';
  item.contextValue = 'buildFile';
  if (problems) item.description += (item.description ? ' · ' : '') + (problems === 1 ? vscode.l10n.t('1 problem') : vscode.l10n.t('{0} problems', problems));
  return item;
}

export function fileTooltip(file: BuildFile, problems: number): string {
  const relative = relativePath(file);
  return problems ? `${relative}\n${vscode.l10n.t('See the Problems panel for what is wrong in this file.')}` : relative;
}

/** A folder's row: how many build files it holds, and their problems. */
export function folderItem(path: string, label: string, count: number, problems: number): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  const uri = vscode.Uri.parse(path);
  // The file icon theme's folder icon, as the Explorer draws it.
  item.resourceUri = uri;
  item.iconPath = vscode.ThemeIcon.Folder;
  item.description = count === 1 ? vscode.l10n.t('1 build file') : vscode.l10n.t('{0} build files', count);
  if (problems) item.description += ' · ' + (problems === 1 ? vscode.l10n.t('1 problem') : vscode.l10n.t('{0} problems', problems));
  item.tooltip = vscode.workspace.asRelativePath(uri);
  item.contextValue = 'buildFolder';
  return item;
}

const relativePath = (file: BuildFile): string => vscode.workspace.asRelativePath(vscode.Uri.parse(file.path));

const UNIT_ICONS = { stage: 'layers', service: 'server-process', target: 'target', group: 'folder-library' } as const;

/** Rows of what a build does not build: their label is drawn greyed (see `notBuiltDecorations`). */
export const NOT_BUILT_SCHEME = 'image-provenance-not-built';

/** Greys the label of rows marked with `NOT_BUILT_SCHEME`; a tree item's label takes its colour from a file decoration. */
export function notBuiltDecorations(): vscode.Disposable {
  const grey = new vscode.FileDecoration(undefined, undefined, new vscode.ThemeColor('disabledForeground'));
  return vscode.window.registerFileDecorationProvider({ provideFileDecoration: (uri) => (uri.scheme === NOT_BUILT_SCHEME ? grey : undefined) });
}

function markNotBuilt(item: vscode.TreeItem, label: string): void {
  item.resourceUri = vscode.Uri.from({ scheme: NOT_BUILT_SCHEME, path: `/${label}` });
}

export function unitItem(file: BuildFile, unitIndex: number): vscode.TreeItem {
  const unit = file.units[unitIndex];
  const kind = unit?.kind ?? 'stage';
  const label = unit?.name ?? vscode.l10n.t('stage {0}', unit?.index ?? unitIndex);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  if (kind === 'stage') {
    if (unit?.name !== undefined) item.description = vscode.l10n.t('stage {0}', unit.index);
    // A stage's first use is its FROM: as a build sees the file, it says whether the build builds the stage.
    const pin = file.uses.find((u) => u.unit === unitIndex)?.pin;
    if (pin && !pin.pinnable && pin.reason.kind === 'notBuilt') {
      const note = vscode.l10n.t('not built for target {0}', describeTarget(pin.reason.target));
      item.description = item.description ? `${String(item.description)} · ${note}` : note;
      item.tooltip = describeReason(pin.reason);
      markNotBuilt(item, label);
    }
  } else {
    item.description = { service: vscode.l10n.t('service'), target: vscode.l10n.t('target'), group: vscode.l10n.t('group') }[kind];
    if (unit?.profiles) item.description += ' · ' + vscode.l10n.t('profiles: {0}', unit.profiles.join(', '));
  }
  item.iconPath = new vscode.ThemeIcon(UNIT_ICONS[kind], item.resourceUri ? new vscode.ThemeColor('disabledForeground') : undefined);
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

/** Collapsed: a workspace's images can have tens of thousands of uses, and VS Code draws every expanded row. */
export function imageItem(key: string, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(key, vscode.TreeItemCollapsibleState.Collapsed);
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
  notBuilt: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
} as const;

/** What the registry says against a pin outranks the use's own state: it is what needs doing. */
const PIN_PROBLEM_ICONS = {
  stale: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  brokenPin: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
} as const;

/** A failed lookup, by what helps: credentials, the network settings, workspace trust. */
const FAILURE_ICONS = {
  signIn: new vscode.ThemeIcon('key', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  networkSettings: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  trust: new vscode.ThemeIcon('shield', new vscode.ThemeColor('problemsWarningIcon.foreground')),
} as const;

type PinProblem = keyof typeof PIN_PROBLEM_ICONS;

/** A use's row: its reference, where it is used, and its state with the reason in the tooltip. */
export function useItem(node: UseNode, file: BuildFile, use: ImageUse, resolution: Resolution | undefined): vscode.TreeItem {
  const state = imageUseState(use);
  const underImage = node.image !== undefined;
  const unit = use.unit !== undefined ? file.units[use.unit] : undefined;
  const stage = unit ? (unit.name ?? vscode.l10n.t('stage {0}', unit.index)) : undefined;
  const label = underImage ? vscode.workspace.asRelativePath(vscode.Uri.parse(file.path)) : rowReference(use);
  // Images a registry can describe open onto their platforms.
  const item = new vscode.TreeItem(label, pulledImage(use) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);

  const problem = pinProblem(use, resolution);
  // A pin the registry does not serve says so itself; any other failed lookup shows on the row, unexpanded.
  const failure = resolution?.state === 'failed' && problem !== 'brokenPin' ? resolution.error : undefined;
  // The failure before the state: a narrow sidebar cuts the description's end, and the failure is what to act on.
  const parts = [underImage ? stage : undefined, describeKind(use.kind), failure && describeFailure(failure.kind), shortState(use, problem)].filter((p): p is string => !!p);
  item.description = parts.join(' · ');
  item.iconPath = problem ? PIN_PROBLEM_ICONS[problem] : failure ? FAILURE_ICONS[fixOf(failure.kind)] : STATE_ICONS[state];
  if (state === 'notBuilt') markNotBuilt(item, label);
  item.tooltip = [tooltip(use, stage), ...registryLines(resolution)].join('\n');
  item.accessibilityInformation = { label: `${label}, ${item.description}` };
  // No arguments: VS Code hands an extension a handle for a command with arguments, and drops the handle when the
  // row is redrawn (a lookup finishing), so a click at that moment did nothing ("Actual command not found"). Without
  // them the command is sent as it is, and reveals the row the click selected.
  item.command = { command: Commands.reveal, title: vscode.l10n.t('Go to Reference') };
  // Tokens for `viewItem =~ /\btoken\b/` menus (pin, update, unpin, and what helps a failed lookup).
  // A reference partly made of ARGs is pinned in a form the user picks: the inline action asks which.
  const pinnable = use.pin.pinnable || argPinChoices(use) ? 'pinnable' : 'notPinnable';
  const tokens = ['imageUse', `kind-${use.kind}`, state, pinnable, resolution?.state === 'resolved' ? 'resolved' : '', problem ?? '', failure ? problemTokens(failure.kind) : ''];
  item.contextValue = tokens.filter(Boolean).join(' ');
  return item;
}

/** `stale` for a pin the tag has moved away from, `brokenPin` for one the registry cannot serve as pinned. */
function pinProblem(use: ImageUse, resolution: Resolution | undefined): PinProblem | undefined {
  const ref = pulledImage(use);
  const status = ref && pinStatus(ref, resolution);
  return status?.kind === 'stale' ? 'stale' : status?.kind === 'notFound' || status?.kind === 'mismatch' ? 'brokenPin' : undefined;
}

function registryLines(resolution: Resolution | undefined): string[] {
  if (resolution?.state === 'failed') return [vscode.l10n.t('The registry could not be asked: {0}', resolution.error.message), fixHint(resolution.error)];
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
  // Expanding it reads the platform's attestations.
  const item = new vscode.TreeItem(platform.platform, vscode.TreeItemCollapsibleState.Collapsed);
  item.description = shortDigest(platform.digest);
  item.tooltip = [platform.platform, platform.digest, details.kind === 'index' ? vscode.l10n.t('In the index {0}', details.digest) : ''].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon('vm');
  item.contextValue = 'platformImage';
  return item;
}

/**
 * What helps a failed lookup: credentials only for 401, 403 and credential problems; workspace trust where
 * credentials are off; otherwise the network settings (a proxy, a mirror, a certificate), and a retry.
 */
function fixOf(kind: RegistryErrorKind): keyof typeof FAILURE_ICONS {
  switch (kind) {
    case 'unauthorized':
    case 'denied':
    case 'credentials':
      return 'signIn';
    case 'untrusted':
      return 'trust';
    default:
      return 'networkSettings';
  }
}

/** `registryProblem` (retry), the failure's kind, and the fix the row's menu offers. */
function problemTokens(kind: RegistryErrorKind): string {
  return `registryProblem problem-${kind} ${fixOf(kind)}`;
}

function fixHint(error: RegistryError): string {
  switch (fixOf(error.kind)) {
    case 'signIn':
      return vscode.l10n.t('Add credentials for {0} from this row\'s menu; the image is then looked up again.', error.host);
    case 'trust':
      return vscode.l10n.t('Trust this workspace to use your registry credentials.');
    case 'networkSettings':
      return vscode.l10n.t('Retry from this row, or check the proxy (http.proxy) and registry settings from its menu.');
  }
}

function problemItem(node: DetailNode, error: RegistryError): vscode.TreeItem {
  const fix = fixOf(error.kind);
  const item = new vscode.TreeItem(describeFailure(error.kind));
  item.description = error.host;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  // A click runs the fix when it is certain (sign in, trust, a certificate setting); otherwise it retries.
  const [action, command]: [string, vscode.Command] =
    fix === 'signIn'
      ? // No arguments, as a use row's command (see useItem): the command reads the host off the row the click selected.
        [vscode.l10n.t('Click to add credentials for {0}.', error.host), { command: Commands.addCredentials, title: vscode.l10n.t('Add Registry Credentials') }]
      : fix === 'trust'
        ? [vscode.l10n.t('Click to manage workspace trust.'), { command: 'workbench.trust.manage', title: vscode.l10n.t('Manage Workspace Trust') }]
        : error.kind === 'tls' || error.kind === 'insecure'
          ? [vscode.l10n.t('Click to open the network and registry settings.'), { command: Commands.openNetworkSettings, title: vscode.l10n.t('Open Network Settings') }]
          : [vscode.l10n.t('Click to try again.'), { command: Commands.retry, title: vscode.l10n.t('Retry') }];
  item.tooltip = `${error.message}\n\n${action}`;
  item.command = command;
  item.contextValue = problemTokens(error.kind);
  return item;
}

function shortState(use: ImageUse, problem: PinProblem | undefined): string {
  const state = imageUseState(use);
  if (state === 'pinned' && use.reference?.digest) {
    const digest = shortDigest(use.reference.digest);
    return problem === 'stale' ? vscode.l10n.t('stale pin {0}', digest) : problem === 'brokenPin' ? vscode.l10n.t('pin not served {0}', digest) : vscode.l10n.t('pinned {0}', digest);
  }
  if (use.pin.pinnable) return describeState(state);
  return shortReason(use.pin.reason);
}

function shortReason(reason: NotPinnableReason): string {
  switch (reason.kind) {
    case 'scratch':
      return vscode.l10n.t('empty image');
    case 'stage':
      return reason.byPlatform ? vscode.l10n.t('build stage per platform') : vscode.l10n.t('build stage');
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
    case 'notBuilt':
      return vscode.l10n.t('not built for target {0}', describeTarget(reason.target));
    case 'localBuild':
      return vscode.l10n.t('built by {0}', reason.builder);
    case 'contextMatch':
      return vscode.l10n.t('replaced by a context of {0} ({1})', reason.builder, vscode.workspace.asRelativePath(vscode.Uri.parse(reason.owner)));
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
