// activate() builds the pieces and wires them together under one owner, which disposes whatever was made if a
// later piece fails; everything else lives in src/editor and the core.

import { join } from 'node:path';
import * as vscode from 'vscode';
import { buildOwned, type Owner } from './async/owner';
import type { RegistryClient } from './registry/client';
import { diskContentStore } from './registry/contentStore';
import { chainCredentialStores, dockerCredentialStore, NO_CREDENTIALS } from './registry/credentials';
import { BuildFileIndex } from './workspace/buildFileIndex';
import { ImageResolver } from './workspace/imageResolver';
import { registerCommands } from './editor/commands';
import { IMAGES_VIEW, MANIFEST_SCHEME } from './editor/context';
import { publishDiagnostics } from './editor/diagnostics';
import { AttestationPanels } from './editor/panel/attestationPanel';
import { showLookupProgress } from './editor/registry/lookupProgress';
import { ManifestDocuments } from './editor/registry/registryCommands';
import { readReferrerRepositories, readRegistrySettings, REGISTRY_SETTINGS } from './editor/registry/registrySettings';
import { SecretCredentialStore } from './editor/registry/secretCredentials';
import { PinLenses } from './editor/pin/pinLenses';
import { Pinner } from './editor/pin/pinner';
import { PinCodeActions, PinProblems } from './editor/pin/pinProblems';
import { ImagesTreeProvider } from './editor/tree/imagesTreeProvider';
import type { TreeNode } from './editor/tree/nodes';
import { ImageHover } from './editor/hover/imageHover';
import { WorkspaceIndexer } from './editor/workspaceIndexer';
import { PANEL_VIEW_TYPE } from './panel/protocol';

/** What `activate()` returns: the extension tests read the tree and the index through it. */
export interface ImageProvenanceApi {
  readonly index: BuildFileIndex;
  readonly imagesTree: ImagesTreeProvider;
  readonly imagesView: vscode.TreeView<TreeNode>;
  readonly resolver: ImageResolver;
  readonly panels: AttestationPanels;
  /** Resolves once the workspace scan and pending editor changes are indexed. */
  whenIndexed(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): ImageProvenanceApi {
  // The log is not the owner's: it outlives a failed activation, whose message offers to show it.
  const output = vscode.window.createOutputChannel('Image Provenance', { log: true });
  context.subscriptions.push(output);
  try {
    const { owner, built } = buildOwned((owner) => start(context, output, owner));
    context.subscriptions.push(owner);
    return built;
  } catch (error) {
    // Without this the Images view just stays empty: say why, and where the details are.
    output.error(error instanceof Error ? error : String(error));
    const showLog = vscode.l10n.t('Show Log');
    const cause = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Image Provenance could not start: {0}', cause), showLog).then((choice) => choice === showLog && output.show(true));
    throw error;
  }
}

/** Makes each piece owned by `owner` as soon as it exists. */
function start(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, owner: Owner): ImageProvenanceApi {
  const started = performance.now();
  // The scan finds every build file and `.env` in the workspace but excluded folders: the index need not ask for
  // those it does not have. Outside the workspace folders (`context: ../other`) or excluded ones it must ask.
  const index = new BuildFileIndex({ scanned: (path: string): boolean => indexer.scans(path) });
  const indexer = owner.own(new WorkspaceIndexer(index, output));

  // Registry access: one client at a time, rebuilt when settings, credentials or workspace trust change.
  const contentStore = diskContentStore(join(context.globalStorageUri.fsPath, 'content'));
  const secrets = new SecretCredentialStore(context.secrets, context.globalState);
  // Loaded on first use: the HTTP stack (undici) takes longer to load than activation may take.
  const newClient = async (): Promise<RegistryClient> => {
    const { RegistryClient } = await import('./registry/client.js');
    const { settings, problems } = readRegistrySettings();
    for (const problem of problems) output.warn(problem);
    // A restricted workspace may hold files written to exfiltrate credentials: it gets anonymous access only.
    const credentials = vscode.workspace.isTrusted
      ? chainCredentialStores(secrets, dockerCredentialStore({ onProblem: (problem) => output.warn(problem) }))
      : NO_CREDENTIALS;
    return new RegistryClient({ settings, credentials, cache: contentStore, log: (line) => output.debug(line) });
  };
  const resolver = owner.own(new ImageResolver(index, newClient, output, readReferrerRepositories));
  const reconnect = () => resolver.reset();

  const imagesTree = owner.own(new ImagesTreeProvider(index, resolver, context.workspaceState, () => indexer.whenScanned(), () => indexer.whenFirstFiles()));
  const treeView = owner.own(vscode.window.createTreeView(IMAGES_VIEW, { treeDataProvider: imagesTree, showCollapseAll: true }));
  const pinner = new Pinner(index, indexer, resolver, output);
  const pinLenses = owner.own(new PinLenses(index, resolver, indexer));
  owner.own(new PinProblems(index, resolver));
  const panels = owner.own(new AttestationPanels(context.extensionUri, resolver, output));
  // Every file the index reads may hold images: Dockerfiles under any name, Compose YAML, Bake HCL/JSON.
  const buildFiles: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];
  owner.own(showLookupProgress(resolver, treeView, output));
  owner.own(publishDiagnostics(index));
  owner.own(registerCommands({ index, pinner, tree: imagesTree, treeView, indexer, resolver, panels, secrets, contentStore, log: output, reconnect }));
  owner.own(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panels));
  owner.own(vscode.languages.registerCodeLensProvider(buildFiles, pinLenses));
  owner.own(vscode.languages.registerCodeActionsProvider(buildFiles, new PinCodeActions(index), { providedCodeActionKinds: PinCodeActions.kinds }));
  owner.own(vscode.languages.registerHoverProvider(buildFiles, new ImageHover(index, resolver)));
  owner.own(vscode.workspace.registerTextDocumentContentProvider(MANIFEST_SCHEME, new ManifestDocuments(resolver)));
  owner.on(vscode.workspace.onDidChangeConfiguration, (e) => REGISTRY_SETTINGS.some((s) => e.affectsConfiguration(s)) && reconnect());
  owner.on(vscode.workspace.onDidGrantWorkspaceTrust, reconnect);
  // The view's rows first: the registry work its showing starts waits until they are sent.
  const lookWhileShown = (visible: boolean) => resolver.setActive(visible, visible ? imagesTree.topLevelSent() : undefined);
  lookWhileShown(treeView.visible);
  owner.on(treeView.onDidChangeVisibility, (e) => lookWhileShown(e.visible));
  indexer.start();
  // VS Code's Running Extensions view adds the time to load the bundle, and whatever else ran meanwhile.
  output.info(`Activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { index, imagesTree, imagesView: treeView, resolver, panels, whenIndexed: () => indexer.whenIndexed() };
}

export function deactivate(): void {}
