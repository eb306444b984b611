import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ImageProvenanceApi } from '../../src/extension';
import type { TreeNode } from '../../src/editor/tree/nodes';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import type { SeededRegistry } from '../host/testRegistry';
import { startFaultProxy, type Fault, type FaultProxy } from '../registry/harness/faultProxy';

export const EXTENSION_ID = 'image-provenance.image-provenance';

/** How long a test waits for what the registry answers. */
export const SLOW = 15_000;

/** Nothing listens on port 1: connections are refused at once (ECONNREFUSED). */
export const REFUSED = '127.0.0.1:1';

export function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.ref;
}

/**
 * What a click on a row runs: its command, which without arguments acts on the row the click selected (here given
 * as the argument: selecting a row would show the view, and the UI tests click rows for real).
 */
export async function click(target: Row): Promise<void> {
  const command = target.item.command;
  assert.ok(command, `${target.label} has no command`);
  await vscode.commands.executeCommand(command.command, ...(command.arguments ?? [target.node]));
}

/** What the test registry holds (test/host/runVscodeTests.ts seeds it and names the file). */
export function seeded(): SeededRegistry {
  const file = process.env.IMAGE_PROVENANCE_TEST_REGISTRY;
  assert.ok(file, 'IMAGE_PROVENANCE_TEST_REGISTRY is not set: run the extension tests through test/host/runVscodeTests.ts, which starts the registry');
  return JSON.parse(readFileSync(file, 'utf8')) as SeededRegistry;
}

/** `sha256:` and the first 12 hex digits, as rows show digests. */
export const short = (digest: string): string => digest.slice(7, 19);

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

/** Writes a file to disk and waits until the index has read it. */
export async function createIndexed(a: ImageProvenanceApi, uri: vscode.Uri, text: string): Promise<vscode.Uri> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await eventually(() => a.index.text(uri.toString()) === text, `${vscode.workspace.asRelativePath(uri)} to be indexed`, 15_000);
  return uri;
}

/** Deletes files as the Explorer does (through VS Code's working copies), and waits until the index lets go. */
export async function deleteIndexed(a: ImageProvenanceApi, uris: readonly vscode.Uri[]): Promise<void> {
  const deletion = new vscode.WorkspaceEdit();
  for (const uri of uris) deletion.deleteFile(uri, { ignoreIfNotExists: true });
  if (uris.length) assert.ok(await vscode.workspace.applyEdit(deletion));
  await eventually(() => uris.every((uri) => !a.index.has(uri.toString())), 'the files to leave the index', 15_000);
}

/**
 * The commands a tree row's context menu and inline buttons offer: package.json's `view/item/context`
 * entries whose `when` holds for the row (`view == …`, `viewItem == …`, `viewItem =~ /…/`, joined by &&).
 */
export function menuCommands(extensionPath: string, contextValue: string): string[] {
  const manifest = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
  const holds = (clause: string): boolean => {
    const view = /^view == (\S+)$/.exec(clause);
    if (view) return view[1] === 'imageProvenance.images';
    const equals = /^viewItem == (\S+)$/.exec(clause);
    if (equals) return equals[1] === contextValue;
    const regex = /^viewItem =~ \/(.*)\/$/.exec(clause);
    if (regex) return new RegExp(regex[1]!).test(contextValue);
    throw new Error(`menuCommands cannot read the clause "${clause}"`);
  };
  const offered = manifest.contributes.menus['view/item/context']!.filter((m) => (m.when ?? '').split('&&').every((c) => holds(c.trim())));
  return [...new Set(offered.map((m) => m.command))].sort();
}

/**
 * Runs `body` with a mirror in front of the test registry (a fault proxy, named as such) that never answers the
 * requests whose path matches `stalled`, until it is closed: then the client falls back to the next mirror, the
 * registry itself. Requests may wait 120 s: a loaded machine can take many seconds to start a webview's page, and
 * a stalled request that timed out meanwhile would be read from the registry before the test looks.
 */
export async function withStallingMirror(stalled: RegExp, body: (mirror: FaultProxy) => Promise<void>): Promise<void> {
  await withFaultyMirror({ kind: 'stall', phase: 'headers', path: stalled }, { fallback: true }, body);
}

/**
 * Runs `body` with a mirror in front of the test registry (a fault proxy, named as such) that injects `fault`.
 * With `fallback`, the test registry is the next mirror, which a request the fault failed goes on to; without,
 * what the fault gives is the mirrors' last word (Docker Hub itself, asked last, does not have the test images).
 * Requests may wait 120 s, as in withStallingMirror.
 */
export async function withFaultyMirror(fault: Fault, options: { fallback: boolean }, body: (mirror: FaultProxy) => Promise<void>): Promise<void> {
  const mirror = await startFaultProxy(`http://${seeded().host}`);
  mirror.fault = fault;
  const config = vscode.workspace.getConfiguration('imageProvenance.registry');
  const hosts = config.inspect('hosts')?.workspaceValue;
  const timeout = config.inspect('timeoutSeconds')?.workspaceValue;
  try {
    await config.update('timeoutSeconds', 120, vscode.ConfigurationTarget.Workspace);
    const mirrors = options.fallback ? [mirror.host, seeded().host] : [mirror.host];
    await config.update('hosts', { 'docker.io': { mirrors }, [mirror.host]: { http: true }, [seeded().host]: { http: true } }, vscode.ConfigurationTarget.Workspace);
    await body(mirror);
  } finally {
    await mirror.close();
    await config.update('hosts', hosts, vscode.ConfigurationTarget.Workspace);
    await config.update('timeoutSeconds', timeout, vscode.ConfigurationTarget.Workspace);
  }
}
