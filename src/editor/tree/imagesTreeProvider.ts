// The Images view: build file → stage → image use, or image → uses when grouped by image.

import * as vscode from 'vscode';
import { pulledImage, type BuildDefinition, type BuildFile, type ImageUse } from '../../model/buildFile';
import type { BuildFileIndex, LinkKey } from '../../workspace/buildFileIndex';
import { ContextKeys } from '../context';
import type { ImageResolver, Resolution } from '../registry/imageResolver';
import { detailCount, detailItem, fileItem, imageItem, linkItem, nodeId, notBuiltDecorations, unitItem, useItem, type TreeNode, type UseNode } from './nodes';

export type GroupBy = 'file' | 'image';

const GROUP_BY_KEY = 'imageProvenance.groupBy';
/** Index changes arrive in bursts (a scan, a branch switch): redraw once per burst. */
const REDRAW_DELAY_MS = 50;
/** Up to this many files start expanded; beyond it the tree starts collapsed. */
const EXPAND_FILES_UP_TO = 30;

export class ImagesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private redrawTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly resolutions: vscode.Disposable;
  private readonly decorations = notBuiltDecorations();
  private mode: GroupBy;

  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
    private readonly state: vscode.Memento,
  ) {
    this.mode = state.get<GroupBy>(GROUP_BY_KEY) === 'image' ? 'image' : 'file';
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.mode);
    this.unsubscribe = index.onDidChange(() => this.scheduleRedraw());
    this.resolutions = resolver.onDidChange(() => this.scheduleRedraw());
  }

  get groupBy(): GroupBy {
    return this.mode;
  }

  /** Switches grouping; remembered per workspace. */
  async setGroupBy(mode: GroupBy): Promise<void> {
    this.mode = mode;
    await this.state.update(GROUP_BY_KEY, mode);
    await vscode.commands.executeCommand('setContext', ContextKeys.groupBy, mode);
    this.redraw();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = this.buildItem(node);
    item.id = nodeId(node);
    return item;
  }

  private buildItem(node: TreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'file': {
        const file = this.index.get(node.path);
        return file ? fileItem(file, this.index.diagnostics(file.path).length, this.index.size <= EXPAND_FILES_UP_TO) : new vscode.TreeItem(node.path);
      }
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
    }
  }

  /** What the registry said about a use's image, if it is one a registry can describe. */
  resolutionOf(use: ImageUse): Resolution | undefined {
    const ref = pulledImage(use);
    return ref && this.resolver.get(ref);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      return this.mode === 'file'
        ? this.index.files().map((f) => ({ type: 'file', path: f.path }))
        : this.index.byImage().map((g) => ({ type: 'image', key: g.key }));
    }
    switch (node.type) {
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
        return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    switch (node.type) {
      case 'detail':
        return node.parent;
      case 'file':
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

  private scheduleRedraw(): void {
    this.redrawTimer ??= setTimeout(() => this.redraw(), REDRAW_DELAY_MS);
  }

  private redraw(): void {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = undefined;
    this.changed.fire(undefined);
  }

  dispose(): void {
    clearTimeout(this.redrawTimer);
    this.unsubscribe();
    this.resolutions.dispose();
    this.decorations.dispose();
    this.changed.dispose();
  }
}

const inGroup = (group: number | undefined) => (group !== undefined ? { group } : {});

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
