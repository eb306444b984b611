// activate() builds the pieces and wires them together; everything else lives in src/editor and the core.

import * as vscode from 'vscode';
import { BuildFileIndex } from './workspace/buildFileIndex';
import { isScannedName } from './workspace/buildFilePatterns';
import { registerCommands } from './editor/commands';
import { IMAGES_VIEW } from './editor/context';
import { publishDiagnostics } from './editor/diagnostics';
import { ImagesTreeProvider } from './editor/tree/imagesTreeProvider';
import { WorkspaceIndexer } from './editor/workspaceIndexer';

/** What `activate()` returns: the extension tests read the tree and the index through it. */
export interface ImageProvenanceApi {
  readonly index: BuildFileIndex;
  readonly imagesTree: ImagesTreeProvider;
  /** Resolves once the workspace scan and pending editor changes are indexed. */
  whenIndexed(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): ImageProvenanceApi {
  // The scan finds every build file and `.env` in the workspace: the index need not ask for those it does
  // not have. Outside the workspace folders (`context: ../other`) it must ask.
  const scanned = (path: string): boolean => isScannedName(path) && vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(path)) !== undefined;
  const index = new BuildFileIndex({ scanned });
  const indexer = new WorkspaceIndexer(index);
  const imagesTree = new ImagesTreeProvider(index, context.workspaceState);
  const treeView = vscode.window.createTreeView(IMAGES_VIEW, { treeDataProvider: imagesTree, showCollapseAll: true });
  context.subscriptions.push(
    indexer,
    imagesTree,
    treeView,
    publishDiagnostics(index),
    registerCommands({ tree: imagesTree, treeView, indexer }),
  );
  indexer.start();
  return { index, imagesTree, whenIndexed: () => indexer.whenIndexed() };
}

export function deactivate(): void {}
