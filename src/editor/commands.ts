// Every command the extension contributes, in one table (a test checks it against package.json).

import * as vscode from 'vscode';
import type { ContentStore } from '../registry/contentStore';
import { Commands } from './context';
import type { AttestationPanels } from './panel/attestationPanel';
import { compareWithTag, type ComparedPin } from './panel/comparePanel';
import type { ImageResolver } from '../workspace/imageResolver';
import { copyAttestation, showAttestations } from './registry/attestationCommands';
import { addCredentials, copyDigest, copyPinnedReference, removeCredentials, showManifest } from './registry/registryCommands';
import type { SecretCredentialStore } from './registry/secretCredentials';
import { verifyImageContentCommand } from './registry/verifyCommand';
import type { ImagesTreeProvider } from './tree/imagesTreeProvider';
import { toRange, type TreeNode } from './tree/nodes';
import type { WorkspaceIndexer } from './workspaceIndexer';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import { pulledImage } from '../model/buildFile';
import { pinCommands } from './pin/pinCommands';
import type { Pinner, UseTarget } from './pin/pinner';

export interface CommandDeps {
  readonly index: BuildFileIndex;
  readonly pinner: Pinner;
  readonly tree: ImagesTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly indexer: WorkspaceIndexer;
  readonly resolver: ImageResolver;
  readonly panels: AttestationPanels;
  readonly secrets: SecretCredentialStore;
  readonly contentStore: ContentStore;
  readonly log: vscode.LogOutputChannel;
  /** Starts resolving again with a client built from the current settings and credentials. */
  readonly reconnect: () => void;
}

/** The settings a failed lookup may need: the proxy, and the registries' mirrors, certificates and timeout. */
const NETWORK_SETTINGS = ['http.proxy', 'http.proxyStrictSSL', 'http.noProxy', 'imageProvenance.registry.hosts', 'imageProvenance.registry.caCertificates', 'imageProvenance.registry.timeoutSeconds'];

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const table: Record<string, (...args: never[]) => unknown> = {
    [Commands.refresh]: async () => {
      deps.reconnect();
      await deps.indexer.refresh();
    },
    [Commands.groupByImage]: () => deps.tree.setGroupBy('image'),
    [Commands.groupByFile]: () => deps.tree.setGroupBy('file'),
    [Commands.reveal]: (node?: TreeNode) => reveal(deps, node ?? deps.treeView.selection[0]),
    [Commands.revealInView]: (uri?: vscode.Uri) => revealInView(deps, uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri),
    [Commands.copyDigest]: (node?: TreeNode) => copyDigest(deps, node),
    [Commands.copyPinnedReference]: (node?: TreeNode) => copyPinnedReference(deps, node),
    [Commands.showManifest]: (node?: TreeNode) => showManifest(deps, node),
    [Commands.showAttestations]: (arg?: TreeNode | string, options?: unknown) => showAttestations(deps, arg, options),
    [Commands.copyProvenance]: (node?: TreeNode) => copyAttestation(deps, 'provenance', node),
    [Commands.copySbom]: (node?: TreeNode) => copyAttestation(deps, 'sbom', node),
    // A failure row's click sends no host (see nodes.ts, problemItem): the host comes from the row it selected.
    [Commands.addCredentials]: async (arg?: string | TreeNode) =>
      (await addCredentials(deps.secrets, typeof arg === 'string' ? arg : failedHost(deps, arg ?? deps.treeView.selection[0]))) && deps.reconnect(),
    [Commands.removeCredentials]: async () => (await removeCredentials(deps.secrets)) && deps.reconnect(),
    [Commands.clearCache]: async () => {
      await deps.contentStore.clear();
      deps.resolver.forgetReads();
      deps.reconnect();
    },
    [Commands.retry]: () => deps.resolver.retry(),
    [Commands.openNetworkSettings]: () => vscode.commands.executeCommand('workbench.action.openSettings', `@id:${NETWORK_SETTINGS.join(',')}`),
    [Commands.showLog]: () => deps.log.show(true),
    ...pinCommands(deps.index, deps.pinner),
    [Commands.compareWithTag]: (arg?: UseTarget | ComparedPin) => compareWithTag(deps, arg),
    [Commands.verifyImageContent]: (node?: TreeNode) => verifyImageContentCommand(deps, node),
  };
  return vscode.Disposable.from(...Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run)));
}

/** The registry host whose lookup failed, for a use row or its failure row: what a sign-in is for. */
function failedHost({ tree, resolver }: CommandDeps, node: TreeNode | undefined): string | undefined {
  const use = node?.type === 'detail' ? node.parent : node?.type === 'use' ? node : undefined;
  const found = use && tree.resolve(use);
  const ref = found && pulledImage(found.use);
  const resolution = ref ? resolver.get(ref) : undefined;
  return resolution?.state === 'failed' ? resolution.error.host : undefined;
}

/**
 * Selects a build file's row in the Images view, the folders above it expanded, as the Explorer's Reveal does. Files
 * have rows when the view is grouped by file: it is, after this.
 */
async function revealInView({ index, tree, treeView }: CommandDeps, uri: vscode.Uri | undefined): Promise<void> {
  const path = uri?.toString();
  if (!uri || !path || !index.has(path)) {
    if (uri) void vscode.window.showInformationMessage(vscode.l10n.t('{0} is not a build file the Images view lists.', vscode.workspace.asRelativePath(uri)));
    return;
  }
  if (tree.groupBy !== 'file') await tree.setGroupBy('file');
  await treeView.reveal({ type: 'file', path }, { select: true, focus: true });
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
