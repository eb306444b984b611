// The Images view: build file → stage → image use, or image → uses when grouped by image.

import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { debounce } from '../../async/debounce';
import { pulledImage, type BuildDefinition, type BuildFile, type ImageUse } from '../../model/buildFile';
import { canonicalName, type ImageRef } from '../../reference/imageReference';
import type { BuildFileIndex, LinkKey } from '../../workspace/buildFileIndex';
import type { PlatformImage } from '../../registry/imageDetails';
import { ContextKeys } from '../context';
import type { ImageResolver, Resolution } from '../../workspace/imageResolver';
import { attestationItem, attestationRows, type AttestationRow } from './attestationRows';
import { folderTree, type FolderTree } from '../../workspace/folderTree';
import { detailCount, detailItem, fileItem, folderItem, fileTooltip, imageItem, linkItem, nodeId, notBuiltDecorations, unitItem, useItem, type AttestationNode, type DetailNode, type TreeNode, type UseNode } from './nodes';

export type GroupBy = 'file' | 'image';

const GROUP_BY_KEY = 'imageProvenance.groupBy';
/** Index changes arrive in bursts (a scan, a branch switch): redraw once per burst. */
const REDRAW_DELAY_MS = 50;
/** Up to this many files start expanded; beyond it the tree starts collapsed. */
const EXPAND_FILES_UP_TO = 30;
/**
 * Grouped by file, up to this many build files are listed flat; beyond it, by folder. VS Code hands a tree's whole
 * top level to the workbench at once: 10,000 file rows took 1–3 s to show, where 500 take a few tens of ms, and a
 * list of 500 is still one a user scrolls through.
 */
export const FLAT_FILES_UP_TO = 500;
/**
 * How long the first rows wait for the workspace scan before showing the files read so far (once there are some): a
 * small workspace is drawn once. One that has more files read than start expanded shows them at once.
 */
const FIRST_ROWS_WAIT_MS = 500;
/**
 * VS Code sends a reply from a timer of its own (`ProtocolWriter._writeSoon` in src/vs/base/parts/ipc/common/ipc.net.ts,
 * a `setTimeout` of 0): a timer of ours due later runs after the rows are on their way.
 */
const ROWS_SENT_MS = 20;
/** How long `topLevelSent` waits for VS Code to ask for the top level: it keeps the rows of a view shown before. */
const TOP_LEVEL_ASKED_WITHIN_MS = 1_000;
/** The folder rows are built again once the index has been quiet this long: a view shown later finds them ready. */
const FOLDER_ROWS_IDLE_MS = 1_000;

/**
 * Redraws only what changed. Redrawing a row makes VS Code drop the rows under it (and their click
 * commands) before it asks for them again: a whole-tree redraw while VS Code is still filling in expanded
 * rows leaves them empty ("No tree item with id … found") and makes a click land on a command that is gone.
 * So the tree is first drawn once the workspace scan is done, a redraw names the rows whose content changed
 * (the very node objects VS Code was given: it matches them by identity), and the whole tree is redrawn only
 * when its top level changes.
 */
export class ImagesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly redrawSoon = debounce(() => void this.redraw(), REDRAW_DELAY_MS, { restart: false });
  /** Building the folder rows of ten thousand files took a tenth of a second: done while nobody waits for them. */
  private readonly folderRowsWhenIdle = debounce(() => this.byFolder && this.folders(), FOLDER_ROWS_IDLE_MS);
  private readonly indexChanges: vscode.Disposable;
  private readonly resolutions: vscode.Disposable;
  private readonly decorations = notBuiltDecorations();
  private mode: GroupBy;
  /** Every node handed to VS Code, by id, until the next whole-tree redraw. */
  private readonly nodes = new Map<string, TreeNode>();
  /** The top level as last handed out (file paths or image names, in order); undefined until VS Code first asks. */
  private shownRoot: readonly string[] | undefined;
  /** What changed since the last redraw: build files, images whose lookup changed, or everything. */
  private changedPaths = new Set<string>();
  private changedImages = new Set<string>();
  private changedAll = false;
  /**
   * What each file showed when VS Code last asked: its own row, or (once expanded) every row under it too.
   * A file whose rows show the same as then is not redrawn (typing that moves no image).
   */
  private readonly drawn = new Map<string, { readonly rows: 'file' | 'all'; readonly digest: string }>();
  /** The files each image's rows were listed from, when they were last handed out. */
  private readonly imageSources = new Map<string, Set<string>>();
  /** The top level was handed out while the scan was still running: it is drawn again, whole, when the scan ends. */
  private partial = false;
  /** Platform rows whose attestations are being read: each is redrawn once, when its read is done. */
  private readonly reading = new Set<DetailNode>();
  /**
   * File rows as last built, by path, kept while their file and problem count stay the same: a switch back to
   * grouping by file asks for every one of a large workspace's ten thousand again.
   */
  private readonly fileRows = new Map<string, { readonly file: BuildFile; readonly problems: number; readonly expanded: boolean; readonly underFolder: boolean; readonly item: vscode.TreeItem }>();
  /** Grouped by file, beyond this many build files the top level lists folders (lowered by the tests). */
  flatFilesUpTo = FLAT_FILES_UP_TO;
  /**
   * The folder rows of the files as they are now: built when first asked for, again when files come or go; an edit
   * only moves the problem counts (`followProblems`).
   */
  private folderRows: FolderTree | undefined;
  /** Each file's problem count as the folder rows hold it. */
  private folderProblems = new Map<string, number>();
  /** The problem count each folder row showed when VS Code last asked for it. */
  private readonly drawnFolders = new Map<string, number>();
  /** Who waits for the next top level to be handed to VS Code (`topLevelSent`). */
  private readonly topLevelWaiters: (() => void)[] = [];

  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
    private readonly state: vscode.Memento,
    /** Resolves once the workspace scan is done: the tree is not drawn half-read. */
    private readonly scanned: () => Promise<void>,
    /** Resolves once the scan has indexed its first files (or is done): a large workspace's first rows. */
    private readonly firstFiles: () => Promise<void>,
  ) {
    this.mode = state.get<GroupBy>(GROUP_BY_KEY) === 'image' ? 'image' : 'file';
    // The menus read an unset key as grouping by file: only the other grouping costs a call at activation.
    if (this.mode === 'image') void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.mode);
    this.indexChanges = index.onDidChange((paths) => {
      this.followProblems(paths);
      for (const path of paths) {
        this.changedPaths.add(path);
        if (!index.has(path)) this.fileRows.delete(path);
      }
      this.redrawSoon();
      this.folderRowsWhenIdle();
    });
    this.resolutions = resolver.onDidChange((keys) => {
      if (keys) for (const key of keys) this.changedImages.add(key);
      else this.changedAll = true;
      this.redrawSoon();
    });
  }

  get groupBy(): GroupBy {
    return this.mode;
  }

  /** Switches grouping; remembered per workspace. */
  async setGroupBy(mode: GroupBy): Promise<void> {
    this.mode = mode;
    await this.state.update(GROUP_BY_KEY, mode);
    await vscode.commands.executeCommand('setContext', ContextKeys.groupBy, mode);
    this.changedAll = true;
    await this.redraw();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.type === 'folder') return this.folderRow(node.path);
    if (node.type === 'file') this.drawn.set(node.path, { rows: 'file', digest: this.shownDigest(node.path, 'file') });
    const item = node.type === 'file' ? this.fileRow(node.path) : this.buildItem(node);
    // Files drawn while a scan is under way get ids of their own: VS Code keeps a row's first collapsed state by
    // its id, and these start collapsed (their children are not asked for before the redraw that ends the scan).
    item.id = this.partial && node.type === 'file' ? `partial:${nodeId(node)}` : nodeId(node);
    return item;
  }

  private folderRow(path: string): vscode.TreeItem {
    const folder = this.folders().folders.get(path);
    this.drawnFolders.set(path, folder?.problems ?? 0);
    const item = folder ? folderItem(path, folder.label, folder.count, folder.problems) : new vscode.TreeItem('');
    item.id = nodeId({ type: 'folder', path });
    return item;
  }

  /** Whether the top level lists folders: grouped by file, in a workspace with many build files. */
  private get byFolder(): boolean {
    return this.mode === 'file' && this.index.size > this.flatFilesUpTo;
  }

  private folders(): FolderTree {
    if (this.folderRows) return this.folderRows;
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
    const problems = new Map<string, number>();
    const problemsOf = (path: string): number => {
      const count = this.index.diagnostics(path).length;
      problems.set(path, count);
      return count;
    };
    this.folderRows = folderTree(this.index.files().map((f) => f.path), roots, problemsOf);
    this.folderProblems = problems;
    return this.folderRows;
  }

  /**
   * Keeps the folder rows when the index changed files it already listed: the counts of problems of the folders
   * above each follow its own. Rebuilding the rows of ten thousand files after each typing pause took the extension
   * host a tenth of a second, in the way of the CodeLenses VS Code asks for then. A file that came or went (or a
   * `.env`) builds them again.
   */
  private followProblems(paths: readonly string[]): void {
    const rows = this.folderRows;
    if (!rows || !paths.every((path) => this.folderProblems.has(path) && this.index.has(path))) {
      this.folderRows = undefined;
      return;
    }
    for (const path of paths) {
      const change = this.index.diagnostics(path).length - this.folderProblems.get(path)!;
      if (change === 0) continue;
      this.folderProblems.set(path, this.folderProblems.get(path)! + change);
      for (let key = rows.parentOf.get(path); key !== undefined; key = rows.folders.get(key)?.parent) rows.folders.get(key)!.problems += change;
    }
  }

  private fileRow(path: string): vscode.TreeItem {
    const file = this.index.get(path);
    if (!file) return new vscode.TreeItem(path);
    const problems = this.index.diagnostics(path).length;
    // A scan still running may be a large workspace's: nothing expanded until its size is known.
    const expanded = !this.partial && this.index.size <= EXPAND_FILES_UP_TO;
    const underFolder = this.byFolder;
    const kept = this.fileRows.get(path);
    if (kept?.file === file && kept.problems === problems && kept.expanded === expanded && kept.underFolder === underFolder) return kept.item;
    const item = fileItem(file, problems, expanded, underFolder);
    this.fileRows.set(path, { file, problems, expanded, underFolder, item });
    return item;
  }

  /** What a row says on hover, where it is not sent with the row (a file's, one of thousands). */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (item.tooltip !== undefined) return item;
    const file = node.type === 'file' ? this.index.get(node.path) : undefined;
    // Other rows without one say their label, as VS Code has them say when a view resolves nothing.
    item.tooltip = file ? fileTooltip(file, this.index.diagnostics(file.path).length) : typeof item.label === 'string' ? item.label : item.label?.label;
    return item;
  }

  private buildItem(node: Exclude<TreeNode, { type: 'file' | 'folder' }>): vscode.TreeItem {
    switch (node.type) {
      case 'unit': {
        const file = this.fileOf(node);
        return file ? unitItem(file, node.unit) : new vscode.TreeItem('');
      }
      case 'link': {
        const build = this.index.get(node.owner)?.builds?.[node.build];
        return build ? linkItem(build, this.index.linked(node.owner, node.build)) : new vscode.TreeItem('');
      }
      case 'image':
        return imageItem(node.key, this.index.imageGroup(node.key)?.uses.length ?? 0);
      case 'use': {
        const found = this.resolve(node);
        return found ? useItem(node, found.file, found.use, this.resolutionOf(found.use)) : new vscode.TreeItem('');
      }
      case 'detail': {
        const found = this.resolve(node.parent);
        return detailItem(node, found && this.resolutionOf(found.use));
      }
      case 'attestation': {
        const row = this.attestationRowsOf(node.parent)[node.row];
        return row ? attestationItem(row) : new vscode.TreeItem('');
      }
    }
  }

  /** The image, content and platform a platform row stands for, once the registry has described it. */
  platformOf(node: DetailNode): { ref: ImageRef; digest: string; platform: PlatformImage } | undefined {
    const use = this.resolve(node.parent)?.use;
    const ref = use && pulledImage(use);
    const resolution = use && this.resolutionOf(use);
    const platform = resolution?.state === 'resolved' ? resolution.details.platforms[node.row] : undefined;
    return ref && platform && resolution?.state === 'resolved' ? { ref, digest: resolution.details.digest, platform } : undefined;
  }

  /** What an attestation row stands for (Copy SBOM copies the row's own document). */
  attestationRowOf(node: AttestationNode): AttestationRow | undefined {
    return this.attestationRowsOf(node.parent)[node.row];
  }

  /**
   * A platform's attestation rows; the complete read of that platform starts the first time they are asked
   * for, and the platform row is redrawn when it is done (a row says it is reading until then).
   */
  private attestationRowsOf(node: DetailNode): AttestationRow[] {
    const target = this.platformOf(node);
    if (!target) return [];
    const state = this.resolver.platformAttestations(target.ref, target.digest, target.platform);
    if (state.state === 'reading' && !this.reading.has(node)) {
      this.reading.add(node);
      void state.done.then(() => {
        this.reading.delete(node);
        // The very node VS Code holds, unless a whole-tree redraw has replaced it since.
        if (this.nodes.get(nodeId(node)) === node) this.changed.fire([node]);
      });
    }
    return attestationRows(state, target.platform.platform);
  }

  /** What the registry said about a use's image, if it is one a registry can describe. */
  resolutionOf(use: ImageUse): Resolution | undefined {
    const ref = pulledImage(use);
    return ref && this.resolver.get(ref);
  }

  /**
   * Resolves once VS Code has been handed the top level it asks for next and has sent it on to the workbench, or
   * when it has not asked within a second (it keeps the rows of a view shown before): work started then does not
   * hold up the rows of a view just shown.
   */
  topLevelSent(): Promise<void> {
    return new Promise((resolve) => {
      const asked = setTimeout(sent, TOP_LEVEL_ASKED_WITHIN_MS);
      const waiters = this.topLevelWaiters;
      function sent() {
        clearTimeout(asked);
        const at = waiters.indexOf(sent);
        if (at >= 0) waiters.splice(at, 1);
        resolve();
      }
      waiters.push(sent);
    });
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      // A small workspace is read by then and drawn once; a large one shows the files read so far at once.
      const scanned = this.scanned().then(() => true);
      const asked = performance.now();
      const firstRows = this.firstFiles().then(async () => {
        // More files read than start expanded: the tree starts collapsed whatever the scan finds next.
        if (this.index.size > EXPAND_FILES_UP_TO) return false;
        await new Promise((resolve) => setTimeout(resolve, FIRST_ROWS_WAIT_MS - (performance.now() - asked)));
        return false;
      });
      this.partial = !(await Promise.race([scanned, firstRows]));
      if (this.partial) void scanned.then(() => this.redrawSoon());
      this.shownRoot = this.rootKeys();
      const root = this.byFolder
        ? this.folders().top.map((entry) => this.handOut({ type: entry.type, path: entry.path }))
        : this.shownRoot.map((key) => this.handOut(this.mode === 'file' ? { type: 'file', path: key } : { type: 'image', key }));
      // Whatever changed before is in what VS Code now asks for.
      this.changedAll = false;
      this.changedPaths.clear();
      this.changedImages.clear();
      const waiters = this.topLevelWaiters.splice(0);
      if (waiters.length) setTimeout(() => waiters.forEach((sent) => sent()), ROWS_SENT_MS);
      return root;
    }
    const children = this.childrenOf(node).map((n) => this.handOut(n));
    if (node.type === 'file') this.drawn.set(node.path, { rows: 'all', digest: this.shownDigest(node.path, 'all') });
    if (node.type === 'image') this.imageSources.set(node.key, new Set(children.flatMap((c) => (c.type === 'use' ? [c.path, ...(c.via ? [c.via.owner] : [])] : []))));
    return children;
  }

  /** What the top level lists (or, by folder, what its folders hold): every file's path, or every image's name. */
  private rootKeys(): string[] {
    return this.mode === 'file' ? this.index.files().map((f) => f.path) : this.index.byImage().map((g) => g.key);
  }

  /** The node VS Code already holds for this id, if any: a later redraw must name that very object. */
  private handOut(node: TreeNode): TreeNode {
    const id = nodeId(node);
    const known = this.nodes.get(id);
    if (known) return known;
    this.nodes.set(id, node);
    return node;
  }

  private childrenOf(node: TreeNode): TreeNode[] {
    switch (node.type) {
      case 'folder': {
        const folder = this.folders().folders.get(node.path);
        if (!folder) return [];
        return [...folder.folders.map((path): TreeNode => ({ type: 'folder', path })), ...folder.files.map((path): TreeNode => ({ type: 'file', path }))];
      }
      case 'file': {
        const file = this.index.get(node.path);
        return file ? fileChildren(file) : [];
      }
      case 'unit': {
        const file = this.fileOf(node);
        if (!file) return [];
        // A Bake group lists its targets.
        const members = file.units[node.unit]?.members;
        if (members) return members.map((unit) => ({ type: 'unit', path: file.path, unit, group: node.unit }));
        const extra = { ...(node.via ? { via: node.via } : {}), ...(node.group !== undefined ? { group: node.group } : {}) };
        const uses = usesOf(file, node.unit).map((i): TreeNode => ({ type: 'use', path: file.path, use: i, ...extra }));
        // A service or target that builds shows the Dockerfile it builds, as it builds it.
        const links = node.via ? [] : (file.builds ?? []).flatMap((b, i): TreeNode[] => (b.unit === node.unit ? [{ type: 'link', owner: file.path, build: i, ...extra }] : []));
        return [...uses, ...links];
      }
      case 'link': {
        const linked = this.index.linked(node.owner, node.build);
        return linked ? fileChildren(linked, { owner: node.owner, build: node.build }, node.group) : [];
      }
      case 'image': {
        const group = this.index.imageGroup(node.key);
        return (group?.uses ?? []).map(({ file, use, via }) => ({ type: 'use', path: file.path, use: file.uses.indexOf(use), image: node.key, ...(via ? { via } : {}) }));
      }
      case 'use': {
        const found = this.resolve(node);
        const count = found && pulledImage(found.use) ? detailCount(this.resolutionOf(found.use)) : 0;
        return Array.from({ length: count }, (_, row) => ({ type: 'detail', parent: node, row }));
      }
      case 'detail':
        return this.attestationRowsOf(node).map((_, row) => ({ type: 'attestation', parent: node, row }));
      case 'attestation':
        return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    switch (node.type) {
      case 'detail':
      case 'attestation':
        return node.parent;
      case 'folder':
      case 'file': {
        if (!this.byFolder) return undefined;
        const folders = this.folders();
        const parent = node.type === 'file' ? folders.parentOf.get(node.path) : folders.folders.get(node.path)?.parent;
        return parent === undefined ? undefined : this.handOut({ type: 'folder', path: parent });
      }
      case 'image':
        return undefined;
      case 'link': {
        const unit = this.index.get(node.owner)?.builds?.[node.build]?.unit ?? 0;
        return { type: 'unit', path: node.owner, unit, ...inGroup(node.group) };
      }
      case 'unit':
        if (node.via) return { type: 'link', ...node.via, ...inGroup(node.group) };
        return node.group !== undefined ? { type: 'unit', path: node.path, unit: node.group } : { type: 'file', path: node.path };
      case 'use': {
        if (node.image !== undefined) return { type: 'image', key: node.image };
        const unit = this.resolve(node)?.use.unit;
        if (unit !== undefined) return { type: 'unit', path: node.path, unit, ...(node.via ? { via: node.via } : {}), ...inGroup(node.group) };
        return node.via ? { type: 'link', ...node.via, ...inGroup(node.group) } : { type: 'file', path: node.path };
      }
    }
  }

  /** The file and use a node stands for, if they still exist. */
  resolve(node: UseNode): { file: BuildFile; use: ImageUse } | undefined {
    const file = this.fileOf(node);
    const use = file?.uses[node.use];
    return file && use ? { file, use } : undefined;
  }

  buildOf(link: LinkKey): BuildDefinition | undefined {
    return this.index.get(link.owner)?.builds?.[link.build];
  }

  /** A node's file: the Dockerfile as its build sees it, when the node is reached through a build. */
  private fileOf(node: { path: string; via?: LinkKey }): BuildFile | undefined {
    return node.via ? this.index.linked(node.via.owner, node.via.build) : this.index.get(node.path);
  }

  /** Redraws what changed since the last redraw, once a running scan is done (one redraw for the whole scan). */
  private async redraw(): Promise<void> {
    this.redrawSoon.cancel();
    await this.scanned();
    // Nothing is drawn yet: VS Code asks for everything when it draws.
    if (this.shownRoot === undefined) return;
    const [all, paths, images] = [this.changedAll, this.changedPaths, this.changedImages];
    this.changedAll = false;
    this.changedPaths = new Set();
    this.changedImages = new Set();
    // Compared as they are: building ten thousand ids for it cost a typing pause in a large workspace most of its time.
    if (all || this.partial || !sameKeys(this.rootKeys(), this.shownRoot)) {
      this.partial = false;
      this.nodes.clear();
      this.drawn.clear();
      this.drawnFolders.clear();
      this.imageSources.clear();
      this.shownRoot = undefined;
      this.changed.fire(undefined);
      return;
    }
    const redraw = new Set<TreeNode>();
    for (const node of this.nodes.values()) {
      if (node.type === 'file' && paths.has(node.path) && this.rowsChanged(node.path)) redraw.add(node);
      else if (node.type === 'folder' && paths.size && this.drawnFolders.has(node.path) && this.folders().folders.get(node.path)?.problems !== this.drawnFolders.get(node.path)) redraw.add(node);
      else if (node.type === 'image' && this.imageTouched(node.key, paths)) redraw.add(node);
      else if (node.type === 'use' && images.size && this.imageOf(node, images)) redraw.add(node);
    }
    if (redraw.size) this.changed.fire([...redraw]);
  }

  /** Whether a file shows something else than when VS Code last asked for it. */
  private rowsChanged(path: string): boolean {
    const drawn = this.drawn.get(path);
    return !drawn || this.shownDigest(path, drawn.rows) !== drawn.digest;
  }

  /**
   * A digest of what a file's row shows (its problem count), or of every row under it too: its units, uses
   * and builds, and its builds' Dockerfiles as they build them. Positions are left out: no row shows them
   * (a click looks the use up when it happens).
   */
  private shownDigest(path: string, rows: 'file' | 'all'): string {
    const file = this.index.get(path);
    if (!file) return '';
    const problems = this.index.diagnostics(path).length;
    // A file's own row, one of thousands at the top level: its count is its digest, not worth hashing.
    if (rows === 'file') return String(problems);
    const shown = [problems, file.units, file.uses, file.builds, (file.builds ?? []).map((_, b) => this.index.linked(path, b)?.uses)];
    return createHash('sha1')
      .update(JSON.stringify(shown, (key, value: unknown) => (key === 'range' ? undefined : value)))
      .digest('base64');
  }

  /** Whether an image's rows list a changed file, now or when last drawn. */
  private imageTouched(key: string, paths: ReadonlySet<string>): boolean {
    const before = this.imageSources.get(key);
    if (before && [...before].some((p) => paths.has(p))) return true;
    return (this.index.imageGroup(key)?.uses ?? []).some(({ file, via }) => paths.has(file.path) || (via !== undefined && paths.has(via.owner)));
  }

  private imageOf(node: UseNode, keys: ReadonlySet<string>): boolean {
    const use = this.resolve(node)?.use;
    const ref = use && pulledImage(use);
    return ref !== undefined && keys.has(canonicalName(ref));
  }

  dispose(): void {
    this.redrawSoon.dispose();
    this.folderRowsWhenIdle.dispose();
    this.indexChanges.dispose();
    this.resolutions.dispose();
    this.decorations.dispose();
    this.changed.dispose();
  }
}

const inGroup = (group: number | undefined) => (group !== undefined ? { group } : {});

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/** A file's rows: file-level uses (`# syntax=`) first, then its units in order. */
function fileChildren(file: BuildFile, via?: LinkKey, group?: number): TreeNode[] {
  const extra = { ...(via ? { via } : {}), ...inGroup(group) };
  const fileLevel = usesOf(file, undefined).map((i): TreeNode => ({ type: 'use', path: file.path, use: i, ...extra }));
  const units = file.units.map((_, i): TreeNode => ({ type: 'unit', path: file.path, unit: i, ...extra }));
  return [...fileLevel, ...units];
}

function usesOf(file: BuildFile, unit: number | undefined): number[] {
  const out: number[] = [];
  file.uses.forEach((use, i) => {
    if (use.unit === unit) out.push(i);
  });
  return out;
}
