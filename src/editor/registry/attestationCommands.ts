// The attestation commands: Show Attestations for Image… (the image's attestation panel) and Copy Provenance / SBOM
// as JSON (the decoded in-toto statement, the SBOM document).

import * as vscode from 'vscode';
import type { PlatformSummary } from '../../attest/summary';
import { pulledImage } from '../../model/buildFile';
import { PANEL_TABS, type PanelTab } from '../../panel/protocol';
import { familiarName, parseImageReference, shortDigest, type ImageRef } from '../../reference/imageReference';
import { RegistryError } from '../../registry/errors';
import type { PlatformImage } from '../../registry/imageDetails';
import { localize } from '../localize';
import type { AttestationPanels } from '../panel/attestationPanel';
import { toRange, type TreeNode } from '../tree/nodes';
import type { ImageCommandDeps } from './registryCommands';

/**
 * From a tree row or a hover link (its image, as text), or from the palette (any reference, typed in): the image's
 * panel opens at once and says what it reads while the tag is resolved (closing it cancels that), then reads the
 * rest. Resolves once the panel knows its digest.
 */
export async function showAttestations(deps: ImageCommandDeps & { readonly panels: AttestationPanels }, arg: TreeNode | string | undefined, options?: unknown): Promise<void> {
  const ref = typeof arg === 'string' ? parsed(arg) : arg ? imageOfRow(deps, arg) : await askForImage(deps);
  if (!ref) return;
  const { platform, tab } = showOptions(options);
  if (ref.digest !== undefined) {
    openAttestationReport(deps.panels, ref, ref.digest, { ...(platform !== undefined && { platform }), ...(tab !== undefined && { tab }) });
    return;
  }
  await deps.panels.showResolving(ref, async (signal) => (await (await deps.resolver.registry).resolve(ref, { signal })).digest, platform, tab);
}

/** Where a panel opens: on a tab, with a platform (by its digest) chosen. A hover's SBOM line asks for both. */
export interface ShowAttestationsOptions {
  readonly tab?: PanelTab;
  readonly platform?: string;
}

/** The options a command argument names, each only if it is one (a command URI can be written by anyone). */
function showOptions(value: unknown): ShowAttestationsOptions {
  if (typeof value !== 'object' || value === null) return {};
  const { tab, platform } = value as Record<string, unknown>;
  return {
    ...(PANEL_TABS.includes(tab as PanelTab) && { tab: tab as PanelTab }),
    ...(typeof platform === 'string' && /^sha256:[0-9a-f]{64}$/.test(platform) && { platform }),
  };
}

/** Where the attestations of an image show: its panel. */
export function openAttestationReport(panels: AttestationPanels, ref: ImageRef, digest: string, options: ShowAttestationsOptions = {}): void {
  panels.show(ref, digest, options.platform, options.tab);
}

type Copied = 'provenance' | 'sbom';

/**
 * Copies one platform's provenance statement, or an SBOM document (the row's, else the final image's), as
 * indented JSON. From the palette it asks for an image of the workspace and, when it has several, a platform.
 */
export async function copyAttestation(deps: ImageCommandDeps, what: Copied, node: TreeNode | undefined): Promise<string | undefined> {
  const target = node?.type === 'attestation' ? rowTarget(deps, node) : await pickPlatform(deps);
  if (!target) return undefined;
  const image = familiarName(target.ref);
  const where = target.platform ? `${image} (${target.platform.platform})` : image;
  let platform: PlatformSummary | undefined;
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the attestations of {0}…', where), cancellable: true },
      async (_progress, token) => {
        const aborter = new AbortController();
        const cancel = token.onCancellationRequested(() => aborter.abort());
        try {
          return await deps.resolver.statements(target.ref, target.digest, target.platform, aborter.signal);
        } finally {
          cancel.dispose();
        }
      },
    );
    platform = summary.platforms[0];
  } catch (error) {
    if (!RegistryError.is(error, 'cancelled')) void vscode.window.showWarningMessage(vscode.l10n.t('The attestations of {0} could not be read: {1}', where, errorText(error)));
    return undefined;
  }
  const content = platform && (what === 'provenance' ? platform.statements?.provenance : sbomDocument(platform, target.sbom));
  if (content === undefined) {
    void vscode.window.showInformationMessage(what === 'provenance' ? vscode.l10n.t('{0} has no provenance attestation.', where) : vscode.l10n.t('{0} has no SBOM.', where));
    return undefined;
  }
  const text = `${JSON.stringify(content, null, 2)}\n`;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(what === 'provenance' ? vscode.l10n.t('Copied the provenance of {0}', where) : vscode.l10n.t('Copied the SBOM of {0}', where), 3000);
  return text;
}

/** The SBOM document itself (the statement's predicate): the row's (by its layer digest), else the first that describes the final image. */
function sbomDocument(p: PlatformSummary, layer: string | undefined): unknown {
  const chosen = layer !== undefined ? p.sboms.findIndex((d) => d.digest === layer) : Math.max(0, p.sboms.findIndex((d) => d.scope.kind === 'image'));
  const statement = p.statements?.sboms[chosen];
  return typeof statement === 'object' && statement !== null ? (statement as { predicate?: unknown }).predicate : undefined;
}

interface PlatformTarget {
  readonly ref: ImageRef;
  readonly digest: string;
  readonly platform?: PlatformImage;
  /** The SBOM row's document, by the digest of the layer it was read from (the same in every read). */
  readonly sbom?: string;
}

function rowTarget(deps: ImageCommandDeps, node: Extract<TreeNode, { type: 'attestation' }>): PlatformTarget | undefined {
  const target = deps.tree.platformOf(node.parent);
  const row = deps.tree.attestationRowOf(node);
  return target && { ...target, ...(row?.kind === 'sbom' && { sbom: row.document.digest }) };
}

/** An image of the workspace (the one under the cursor first), looked up if need be, and one of its platforms. */
async function pickPlatform(deps: ImageCommandDeps): Promise<PlatformTarget | undefined> {
  const refs = new Map<string, ImageRef>();
  const here = imageAtCursor(deps);
  if (here) refs.set(familiarName(here), here);
  for (const group of deps.index.byImage()) {
    for (const { use } of group.uses) {
      const ref = pulledImage(use);
      if (ref && !refs.has(familiarName(ref))) refs.set(familiarName(ref), ref);
    }
  }
  if (!refs.size) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No image in this workspace can be read from a registry.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick([...refs.keys()], { title: vscode.l10n.t('Which image?') });
  const ref = picked !== undefined ? refs.get(picked) : undefined;
  if (!ref) return undefined;
  const known = deps.resolver.get(ref);
  let details;
  try {
    details = known?.state === 'resolved' ? known.details : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking up {0}…', picked!) }, () => deps.resolver.refresh(ref));
  } catch (error) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be looked up: {1}', picked!, errorText(error)));
    return undefined;
  }
  const { platforms } = details;
  const platform = platforms.length > 1 ? (await vscode.window.showQuickPick(platforms.map((p) => ({ label: p.platform, description: shortDigest(p.digest), platform: p })), { title: vscode.l10n.t('Which platform?') }))?.platform : platforms[0];
  if (platforms.length > 1 && platform === undefined) return undefined;
  return { ref, digest: details.digest, ...(platform !== undefined && { platform }) };
}

/** The palette asks for any reference, offering the image under the cursor. */
async function askForImage(deps: ImageCommandDeps): Promise<ImageRef | undefined> {
  const here = imageAtCursor(deps);
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Show Attestations for Image'),
    prompt: vscode.l10n.t('An image reference: name, tag or digest (alpine:3.21, ghcr.io/org/app@sha256:…)'),
    value: here ? familiarName(here) : '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const result = parseImageReference(value.trim());
      return result.ok ? undefined : localize(result.error.message);
    },
  });
  return text === undefined ? undefined : parsed(text);
}

function parsed(text: string): ImageRef | undefined {
  const result = parseImageReference(text.trim());
  if (result.ok) return result.ref;
  void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is not an image reference: {1}', text, localize(result.error.message)));
  return undefined;
}

/** A use row's image, or that of the use a platform or attestation row is under. */
function imageOfRow(deps: ImageCommandDeps, node: TreeNode): ImageRef | undefined {
  const useNode = node.type === 'use' ? node : node.type === 'detail' ? node.parent : node.type === 'attestation' ? node.parent.parent : undefined;
  const use = useNode && deps.tree.resolve(useNode)?.use;
  return use && pulledImage(use);
}

function imageAtCursor(deps: ImageCommandDeps): ImageRef | undefined {
  const editor = vscode.window.activeTextEditor;
  const file = editor && deps.index.get(editor.document.uri.toString());
  const use = file?.uses.find((u) => toRange(u.range).contains(editor!.selection.active));
  return use && pulledImage(use);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
