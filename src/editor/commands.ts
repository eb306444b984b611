// Every command the extension contributes, in one table (a test checks it against package.json).

import * as vscode from 'vscode';
import { Commands } from './context';
import type { ImagesTreeProvider } from './tree/imagesTreeProvider';
import { toRange, type TreeNode } from './tree/nodes';
import type { WorkspaceIndexer } from './workspaceIndexer';

export interface CommandDeps {
  readonly tree: ImagesTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly indexer: WorkspaceIndexer;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const table: Record<string, (...args: never[]) => unknown> = {
    [Commands.refresh]: () => deps.indexer.refresh(),
    [Commands.groupByImage]: () => deps.tree.setGroupBy('image'),
    [Commands.groupByFile]: () => deps.tree.setGroupBy('file'),
    [Commands.reveal]: (node?: TreeNode) => reveal(deps, node ?? deps.treeView.selection[0]),
  };
  return vscode.Disposable.from(...Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run)));
}

/** Opens the file and selects exactly the reference's text. */
async function reveal({ tree }: CommandDeps, node: TreeNode | undefined): Promise<void> {
  if (node?.type !== 'use') return;
  const found = tree.resolve(node);
  if (!found) return;
  // An inline Dockerfile has no file of its own: go to the build that writes it.
  const inline = node.via ? tree.buildOf(node.via) : undefined;
  const [path, modelRange] = inline?.inline !== undefined ? [node.via!.owner, inline.range] : [found.file.path, found.use.range];
  const range = toRange(modelRange);
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(path), { selection: range, preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
