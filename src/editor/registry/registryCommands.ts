// The registry commands: copy a digest, show a manifest, add or remove credentials, clear the cache.

import * as vscode from 'vscode';
import { pulledImage, type ImageUse } from '../../model/buildFile';
import { effectiveTag, familiarName, parseImageReference, registryNameOf, type ImageRef } from '../../reference/imageReference';
import { RegistryError } from '../../registry/errors';
import type { ImageDetails } from '../../registry/imageDetails';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { MANIFEST_SCHEME } from '../context';
import { useFromEditor } from '../pin/pinCommands';
import type { ImagesTreeProvider } from '../tree/imagesTreeProvider';
import type { TreeNode } from '../tree/nodes';
import type { ImageResolver } from '../../workspace/imageResolver';
import type { SecretCredentialStore } from './secretCredentials';

/** What the image commands need to find their image: a tree row's, or the one under the cursor. */
export interface ImageCommandDeps {
  readonly index: BuildFileIndex;
  readonly tree: ImagesTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly resolver: ImageResolver;
}

/** An image as the registry describes it; `platform` when a platform row was chosen. */
export interface ImageTarget {
  readonly ref: ImageRef;
  readonly details: ImageDetails;
  readonly platform?: string;
}

/**
 * The image a command acts on: the row it was run on; from the palette, the image under the cursor (as
 * Pin finds it), else the row selected in the Images view. Looked up first if the view has not yet.
 */
export async function imageTarget(deps: ImageCommandDeps, node: TreeNode | undefined, none: string): Promise<ImageTarget | undefined> {
  const editor = vscode.window.activeTextEditor;
  const row = node ?? (editor && deps.index.has(editor.document.uri.toString()) ? undefined : deps.treeView.selection[0]);
  let use: ImageUse | undefined;
  if (row) {
    const platformNode = row.type === 'attestation' ? row.parent : row;
    const useNode = platformNode.type === 'use' ? platformNode : platformNode.type === 'detail' ? platformNode.parent : undefined;
    use = useNode && deps.tree.resolve(useNode)?.use;
  } else {
    const target = await useFromEditor(deps.index, (u) => pulledImage(u) !== undefined, vscode.l10n.t('This file has no image a registry could describe.'));
    if (!target) return undefined;
    use = deps.index.get(target.path)?.uses[target.use];
  }
  const ref = use && pulledImage(use);
  if (!use || !ref) {
    void vscode.window.showInformationMessage(none);
    return undefined;
  }
  const known = deps.tree.resolutionOf(use);
  let details: ImageDetails;
  if (known?.state === 'resolved') details = known.details;
  else {
    try {
      details = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking up {0}…', familiarName(ref)) }, () => deps.resolver.refresh(ref));
    } catch (error) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be looked up: {1}', familiarName(ref), error instanceof Error ? error.message : String(error)));
      return undefined;
    }
  }
  const platformRow = row?.type === 'attestation' ? row.parent : row;
  const platform = platformRow?.type === 'detail' ? details.platforms[platformRow.row] : undefined;
  return { ref, details, ...(platform && { platform: platform.platform }) };
}

/** The digest a target stands for: a platform row's, the pinned one, else the tag's. */
function digestOf({ ref, details, platform }: ImageTarget): string {
  const image = platform !== undefined ? details.platforms.find((p) => p.platform === platform) : undefined;
  return image?.digest ?? ref.digest ?? details.tagDigest ?? details.digest;
}

export async function copyDigest(deps: ImageCommandDeps, node: TreeNode | undefined): Promise<string | undefined> {
  const target = await imageTarget(deps, node, vscode.l10n.t('Select a resolved image or platform in the Images view, or put the cursor on an image, to copy its digest.'));
  if (!target) return undefined;
  return copy(digestOf(target));
}

/**
 * `name:tag@sha256:…` with the digest the tag points to now: the form a pin writes (the tag `latest` when
 * none is written, as a pull uses it), for pasting where the extension does not edit.
 */
export async function copyPinnedReference(deps: ImageCommandDeps, node: TreeNode | undefined): Promise<string | undefined> {
  const target = await imageTarget(deps, node, vscode.l10n.t('Select a resolved image in the Images view, or put the cursor on an image, to copy its pinned reference.'));
  if (!target) return undefined;
  const { ref, details } = target;
  const tag = effectiveTag(ref);
  const digest = tag === undefined ? ref.digest : details.tagDigest;
  if (digest === undefined) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be looked up: {1}', familiarName(ref, { withDigest: false }), details.tagError?.message ?? vscode.l10n.t('the tag could not be looked up')));
    return undefined;
  }
  return copy(`${familiarName({ ...ref, tag, digest: undefined })}@${digest}`);
}

async function copy(text: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', text), 3000);
  return text;
}

/** `image-provenance-manifest:/node:22.json?<query>`: the name is for the tab, the query for the content. */
export function manifestUri(ref: ImageRef, digest: string): vscode.Uri {
  const name = familiarName(ref, { withDigest: false }).replace(/[/:]/g, '_');
  return vscode.Uri.from({ scheme: MANIFEST_SCHEME, path: `/${name}@${digest.slice(0, 19)}.json`, query: new URLSearchParams({ ref: familiarName(ref), digest }).toString() });
}

export async function showManifest(deps: ImageCommandDeps, node: TreeNode | undefined): Promise<void> {
  const target = await imageTarget(deps, node, vscode.l10n.t('Select a resolved image or platform in the Images view, or put the cursor on an image, to show its manifest.'));
  if (!target) return;
  const document = await vscode.workspace.openTextDocument(manifestUri(target.ref, digestOf(target)));
  await vscode.window.showTextDocument(document, { preview: true });
}

/** Serves manifest documents: read-only (content providers' documents cannot be saved), verified bytes, indented. */
export class ManifestDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly resolver: ImageResolver) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const parsed = parseImageReference(query.get('ref') ?? '');
    const digest = query.get('digest') ?? '';
    if (!parsed.ok) return JSON.stringify({ error: vscode.l10n.t('Not an image reference') });
    const aborter = new AbortController();
    const cancel = token.onCancellationRequested(() => aborter.abort());
    try {
      const { bytes } = await (await this.resolver.registry).manifest(parsed.ref, { digest, signal: aborter.signal });
      return JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 2) + '\n';
    } catch (error) {
      // Shown in the document itself; a registry error never holds credentials.
      return JSON.stringify({ error: RegistryError.is(error) ? error.message : String(error) }, null, 2) + '\n';
    } finally {
      cancel.dispose();
    }
  }
}

/** Asks for a registry, user name and password, and keeps them in VS Code's secret storage. */
export async function addCredentials(secrets: SecretCredentialStore, host: string | undefined): Promise<boolean> {
  const registry = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Registry Credentials (1/3)'),
    prompt: vscode.l10n.t('Registry host, as in image names (docker.io, ghcr.io, registry.example.com:5000)'),
    value: host !== undefined ? registryNameOf(host) : '',
    ignoreFocusOut: true,
    validateInput: (value) => (/^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9a-fA-F:]+\](:[0-9]+)?$/.test(value.trim()) ? undefined : vscode.l10n.t('A host name, with a port if needed')),
  });
  if (!registry) return false;
  const username = await vscode.window.showInputBox({ title: vscode.l10n.t('Add Registry Credentials (2/3)'), prompt: vscode.l10n.t('User name for {0}', registry), ignoreFocusOut: true });
  if (!username) return false;
  const password = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Registry Credentials (3/3)'),
    prompt: vscode.l10n.t('Password or access token for {0} on {1}', username, registry),
    password: true,
    ignoreFocusOut: true,
  });
  if (!password) return false;
  await secrets.set(registry.trim(), username, password);
  void vscode.window.showInformationMessage(vscode.l10n.t('Credentials for {0} are stored in VS Code\'s secret storage.', registry.trim()));
  return true;
}

export async function removeCredentials(secrets: SecretCredentialStore): Promise<boolean> {
  const hosts = secrets.hosts();
  if (!hosts.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No registry credentials are stored in VS Code. Credentials from Docker\'s config are managed with docker login and logout.'));
    return false;
  }
  const host = await vscode.window.showQuickPick(hosts, { title: vscode.l10n.t('Remove Registry Credentials') });
  if (!host) return false;
  await secrets.delete(host);
  return true;
}
