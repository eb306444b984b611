// A CodeLens above every image a build file pulls: "Pin digest", "Update pin", a quiet "pinned, current",
// or why it cannot be pinned here. Showing them is someone looking: their images are looked up.

import * as vscode from 'vscode';
import { pulledImage, type ImageUse } from '../../model/buildFile';
import { pinStatus } from '../../pin/pinStatus';
import { shortDigest, type ImageRef } from '../../reference/imageReference';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { readPinSettings, SECTION } from '../config';
import { Commands } from '../context';
import { describeReason } from '../localize';
import type { ImageResolver } from '../registry/imageResolver';
import { toRange } from '../tree/nodes';
import { targetOf } from './pinCommands';
import type { UseTarget } from './pinner';

const REFRESH_DELAY_MS = 100;

export class PinLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
  ) {
    const refresh = () => this.scheduleRefresh();
    const unsubscribe = index.onDidChange(refresh);
    this.subscriptions = [
      { dispose: unsubscribe },
      resolver.onDidChange(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.pinning.codeLens`) && refresh()),
    ];
  }

  /** Lookups finish one by one: ask for the lenses again once per burst. */
  private scheduleRefresh(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire();
    }, REFRESH_DELAY_MS);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!readPinSettings(document.uri).codeLens) return [];
    const file = this.index.get(document.uri.toString());
    if (!file) return [];
    const lenses: vscode.CodeLens[] = [];
    const wanted: ImageRef[] = [];
    const seen = new Set<string>();
    file.uses.forEach((use, i) => {
      const ref = pulledImage(use);
      if (!ref) return;
      // Matrix targets read one line several times: one set of lenses per place.
      const place = `${use.range.start.line}:${use.range.start.character}`;
      if (seen.has(place)) return;
      seen.add(place);
      wanted.push(ref);
      const target = targetOf(file.path, use, i);
      const range = toRange(use.range);
      for (const command of this.commandsFor(use, ref, target)) lenses.push(new vscode.CodeLens(range, command));
    });
    this.resolver.request(wanted);
    return lenses;
  }

  private commandsFor(use: ImageUse, ref: ImageRef, target: UseTarget): vscode.Command[] {
    // Not pinnable here (shared or partial ARG, a value set elsewhere): say why, and offer nothing to click.
    if (!use.pin.pinnable) return ref.digest === undefined ? [note(vscode.l10n.t('$(circle-slash) not pinnable here'), describeReason(use.pin.reason))] : [note(vscode.l10n.t('$(lock) pinned'), describeReason(use.pin.reason))];
    const unpin: vscode.Command = { title: vscode.l10n.t('Unpin'), command: Commands.unpin, arguments: [target], tooltip: vscode.l10n.t('Remove the digest, keep the tag') };
    const status = pinStatus(ref, this.resolver.get(ref));
    switch (status.kind) {
      case 'unpinned':
        return [{ title: vscode.l10n.t('$(pin) Pin digest'), command: Commands.pin, arguments: [target], tooltip: vscode.l10n.t('Look up the digest the tag points to, verify it, and write it here') }];
      case 'current':
        return [note(status.platform ? vscode.l10n.t('$(pass) pinned, current ({0})', status.platform) : vscode.l10n.t('$(pass) pinned, current'), vscode.l10n.t('The tag still points to the pinned digest.')), unpin];
      case 'stale':
        return [{ title: vscode.l10n.t('$(warning) Update pin'), command: Commands.pin, arguments: [target], tooltip: vscode.l10n.t('The tag now points to {0}', status.tagDigest) }, unpin];
      case 'notFound':
        return [{ title: vscode.l10n.t('$(error) pinned digest not found: Update pin'), command: Commands.pin, arguments: [target], tooltip: status.error.message }, unpin];
      case 'mismatch':
        return [{ title: vscode.l10n.t('$(error) pinned content does not verify: Update pin'), command: Commands.pin, arguments: [target], tooltip: status.error.message }, unpin];
      case 'unknown':
        return [note(vscode.l10n.t('$(lock) pinned {0}', shortDigest(ref.digest ?? '')), vscode.l10n.t('Not compared with the tag yet.')), unpin];
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** A lens that only informs: an empty command id makes it plain text. */
function note(title: string, tooltip: string): vscode.Command {
  return { title, command: '', tooltip };
}
