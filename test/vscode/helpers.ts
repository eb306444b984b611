import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageProvenanceApi } from '../../src/extension';
import type { TreeNode } from '../../src/editor/tree/nodes';

export const EXTENSION_ID = 'image-provenance.image-provenance';

export async function api(): Promise<ImageProvenanceApi> {
  const extension = vscode.extensions.getExtension<ImageProvenanceApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  const exported = await extension.activate();
  await exported.whenIndexed();
  return exported;
}

export function workspaceUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** A row as the user sees it: label and description (a file row's label is its file name). */
export interface Row {
  readonly label: string;
  readonly description: string;
  readonly node: TreeNode;
  readonly item: vscode.TreeItem;
}

export async function rows(a: ImageProvenanceApi, parent?: TreeNode): Promise<Row[]> {
  const children = await a.imagesTree.getChildren(parent);
  return children.map((node) => {
    const item = a.imagesTree.getTreeItem(node) as vscode.TreeItem;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? (item.resourceUri ? item.resourceUri.path.split('/').pop()! : ''));
    return { label, description: typeof item.description === 'string' ? item.description : '', node, item };
  });
}

export function row(list: readonly Row[], label: string): Row {
  const found = list.find((r) => r.label === label);
  assert.ok(found, `no row "${label}" among ${JSON.stringify(list.map((r) => r.label))}`);
  return found;
}

/** Polls until `check` holds: file watchers and editor debounces are asynchronous. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
