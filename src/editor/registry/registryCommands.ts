// The registry commands: copy a digest, show a manifest, add or remove credentials, clear the cache.

import * as vscode from 'vscode';
import { pulledImage } from '../../model/buildFile';
import { familiarName, parseImageReference, type ImageRef } from '../../reference/imageReference';
import { RegistryError } from '../../registry/errors';
import { MANIFEST_SCHEME } from '../context';
import type { ImagesTreeProvider } from '../tree/imagesTreeProvider';
import type { TreeNode } from '../tree/nodes';
import type { ImageResolver } from './imageResolver';
import type { SecretCredentialStore } from './secretCredentials';

/** The image and digest a tree row stands for: a use's (pinned, else current) digest, or a platform's. */
export function digestOf(tree: ImagesTreeProvider, node: TreeNode | undefined): { ref: ImageRef; digest: string } | undefined {
  const useNode = node?.type === 'use' ? node : node?.type === 'detail' ? node.parent : undefined;
  const found = useNode && tree.resolve(useNode);
  const ref = found && pulledImage(found.use);
  const resolution = found && tree.resolutionOf(found.use);
  if (!ref || resolution?.state !== 'resolved') return undefined;
  const { details } = resolution;
  if (node?.type === 'detail') {
    const platform = details.platforms[node.row];
    if (platform) return { ref, digest: platform.digest };
  }
  return { ref, digest: ref.digest ?? details.tagDigest ?? details.digest };
}

export async function copyDigest(tree: ImagesTreeProvider, node: TreeNode | undefined): Promise<void> {
  const target = digestOf(tree, node);
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select a resolved image or platform in the Images view to copy its digest.'));
    return;
  }
  await vscode.env.clipboard.writeText(target.digest);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', target.digest), 3000);
}

/** `image-provenance-manifest:/node:22.json?<query>`: the name is for the tab, the query for the content. */
export function manifestUri(ref: ImageRef, digest: string): vscode.Uri {
  const name = familiarName(ref, { withDigest: false }).replace(/[/:]/g, '_');
  return vscode.Uri.from({ scheme: MANIFEST_SCHEME, path: `/${name}@${digest.slice(0, 19)}.json`, query: new URLSearchParams({ ref: familiarName(ref), digest }).toString() });
}

export async function showManifest(tree: ImagesTreeProvider, node: TreeNode | undefined): Promise<void> {
  const target = digestOf(tree, node);
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select a resolved image or platform in the Images view to show its manifest.'));
    return;
  }
  const document = await vscode.workspace.openTextDocument(manifestUri(target.ref, target.digest));
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
    value: host === 'registry-1.docker.io' ? 'docker.io' : (host ?? ''),
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
