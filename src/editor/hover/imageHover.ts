// A hover on every image a build file pulls: where its tag points now and whether the pin here is current,
// its platforms, and the actions the CodeLens offers. It reads what the resolver already knows (a hover never
// waits for the network) and asks for the image when it knows nothing yet. Registry text reaches the hover
// as text only, never as Markdown; the only links are this extension's own commands.

import * as vscode from 'vscode';
import { pulledImage, type ImageUse } from '../../model/buildFile';
import { pinStatus } from '../../pin/pinStatus';
import { familiarName, shortDigest, type ImageRef } from '../../reference/imageReference';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { Commands } from '../context';
import { describeReason } from '../localize';
import type { ImageResolver } from '../registry/imageResolver';
import { targetOf } from '../pin/pinCommands';
import type { UseTarget } from '../pin/pinner';
import { toRange } from '../tree/nodes';

/** The commands a hover may run: nothing else is trusted in its Markdown. */
const HOVER_COMMANDS = [Commands.pin];

export class ImageHover implements vscode.HoverProvider {
  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const file = this.index.get(document.uri.toString());
    const at = file?.uses.findIndex((use) => toRange(use.range).contains(position)) ?? -1;
    const use = file?.uses[at];
    if (!file || !use) return undefined;
    const ref = pulledImage(use);
    const text = new vscode.MarkdownString(undefined, true);
    text.isTrusted = { enabledCommands: HOVER_COMMANDS };
    text.appendMarkdown('**').appendText(ref ? familiarName(ref) : use.text).appendMarkdown('**\n\n');
    if (!ref) {
      // A stage, scratch, a local build's output, an unresolved variable: what the row and the lens say.
      if (!use.pin.pinnable) text.appendText(describeReason(use.pin.reason));
      return new vscode.Hover(text, toRange(use.range));
    }
    this.describeRegistry(text, ref, targetOf(file.path, use, at), use);
    return new vscode.Hover(text, toRange(use.range));
  }

  private describeRegistry(text: vscode.MarkdownString, ref: ImageRef, target: UseTarget, use: ImageUse): void {
    const resolution = this.resolver.get(ref);
    if (resolution === undefined) {
      this.resolver.request([ref]);
      text.appendText(vscode.l10n.t('Looking up the registry…'));
      return;
    }
    if (resolution.state === 'pending') {
      text.appendText(vscode.l10n.t('Looking up the registry…'));
      return;
    }
    if (resolution.state === 'failed') {
      text.appendText(vscode.l10n.t('The registry could not be asked: {0}', resolution.error.message));
      return;
    }
    const { details } = resolution;
    const lines: string[] = [];
    if (details.tagDigest !== undefined) lines.push(vscode.l10n.t('The tag points to {0}', details.tagDigest));
    const status = pinStatus(ref, resolution);
    switch (status.kind) {
      case 'current':
        lines.push(status.platform ? vscode.l10n.t('Pinned here to the same content ({0}): current.', status.platform) : vscode.l10n.t('Pinned here to the same content: current.'));
        break;
      case 'stale':
        lines.push(vscode.l10n.t('Pinned here to {0}: stale, the tag has moved.', shortDigest(ref.digest ?? '')));
        break;
      case 'unknown':
        lines.push(vscode.l10n.t('Pinned here to {0}; not compared with the tag yet.', shortDigest(ref.digest ?? '')));
        break;
      default:
        break;
    }
    if (details.platforms.length) lines.push(vscode.l10n.t('Platforms: {0}', details.platforms.map((p) => p.platform).join(', ')));
    lines.push(vscode.l10n.t('Answered by {0}', details.host));
    text.appendText(lines.join('\n\n'));

    const actions: string[] = [];
    // A link's title is its tooltip: without one, VS Code shows the command URI.
    const link = (title: string, tooltip: string, command: string, args: unknown[]) =>
      `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))} "${tooltip.replace(/["\\]/g, '')}")`;
    if (use.pin.pinnable && status.kind === 'unpinned') {
      actions.push(link(vscode.l10n.t('Pin digest'), vscode.l10n.t('Look up the digest the tag points to, verify it, and write it here'), Commands.pin, [target]));
    }
    if (use.pin.pinnable && (status.kind === 'stale' || status.kind === 'notFound' || status.kind === 'mismatch')) {
      actions.push(link(vscode.l10n.t('Update pin'), vscode.l10n.t('Look up the digest the tag points to, verify it, and write it here'), Commands.pin, [target]));
    }
    if (actions.length) text.appendMarkdown(`\n\n${actions.join(' · ')}`);
  }
}
