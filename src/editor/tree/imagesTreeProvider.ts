// The Images view: build file → stage → image use, or image → uses when grouped by image.

import * as vscode from 'vscode';
import type { BuildFile, ImageUse } from '../../model/buildFile';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { ContextKeys } from '../context';
import { fileItem, imageItem, nodeId, unitItem, useItem, type TreeNode, type UseNode } from './nodes';

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
  private mode: GroupBy;

  constructor(
    private readonly index: BuildFileIndex,
    private readonly state: vscode.Memento,
  ) {
    this.mode = state.get<GroupBy>(GROUP_BY_KEY) === 'image' ? 'image' : 'file';
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.mode);
    this.unsubscribe = index.onDidChange(() => this.scheduleRedraw());
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
        return file ? fileItem(file, this.index.size <= EXPAND_FILES_UP_TO) : new vscode.TreeItem(node.path);
      }
      case 'unit': {
        const file = this.index.get(node.path);
        return file ? unitItem(file, node.unit) : new vscode.TreeItem('');
      }
      case 'image':
        return imageItem(node.key, this.index.byImage().find((g) => g.key === node.key)?.uses.length ?? 0);
      case 'use': {
        const found = this.resolve(node);
        return found ? useItem(node, found.file, found.use) : new vscode.TreeItem('');
      }
    }
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
        if (!file) return [];
        // File-level uses (`# syntax=`) first, then the stages in order.
        const fileLevel = usesOf(file, undefined).map((i): TreeNode => ({ type: 'use', path: file.path, use: i }));
        const units = file.units.map((_, i): TreeNode => ({ type: 'unit', path: file.path, unit: i }));
        return [...fileLevel, ...units];
      }
      case 'unit': {
        const file = this.index.get(node.path);
        return file ? usesOf(file, node.unit).map((i) => ({ type: 'use', path: file.path, use: i })) : [];
      }
      case 'image': {
        const group = this.index.byImage().find((g) => g.key === node.key);
        return (group?.uses ?? []).map(({ file, use }) => ({ type: 'use', path: file.path, use: file.uses.indexOf(use), image: node.key }));
      }
      case 'use':
        return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    switch (node.type) {
      case 'file':
      case 'image':
        return undefined;
      case 'unit':
        return { type: 'file', path: node.path };
      case 'use': {
        if (node.image !== undefined) return { type: 'image', key: node.image };
        const unit = this.resolve(node)?.use.unit;
        return unit === undefined ? { type: 'file', path: node.path } : { type: 'unit', path: node.path, unit };
      }
    }
  }

  /** The file and use a node stands for, if they still exist. */
  resolve(node: UseNode): { file: BuildFile; use: ImageUse } | undefined {
    const file = this.index.get(node.path);
    const use = file?.uses[node.use];
    return file && use ? { file, use } : undefined;
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
    this.changed.dispose();
  }
}

function usesOf(file: BuildFile, unit: number | undefined): number[] {
  const out: number[] = [];
  file.uses.forEach((use, i) => {
    if (use.unit === unit) out.push(i);
  });
  return out;
}
