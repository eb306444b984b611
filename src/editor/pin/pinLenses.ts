// A CodeLens above every image a build file pulls: "Pin digest", "Update pin", a quiet "pinned, current",
// or why it cannot be pinned here (`imageProvenance.pinning.codeLens`: `actionable` keeps only the lenses
// that offer something to do now). Showing them is someone looking: their images are looked up.

import * as vscode from 'vscode';
import { debounce } from '../../async/debounce';
import { argPinChoices, pulledImage, type ImageUse } from '../../model/buildFile';
import { pinStatus } from '../../pin/pinStatus';
import { settledArgForm } from '../../pin/planEdits';
import { canonicalName, shortDigest, type ImageRef } from '../../reference/imageReference';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { readPinSettings, SECTION, type PinSettings } from '../config';
import { Commands } from '../context';
import { describeReason } from '../localize';
import type { ImageResolver } from '../../workspace/imageResolver';
import type { WorkspaceIndexer } from '../workspaceIndexer';
import { toRange } from '../tree/nodes';
import { targetOf } from './pinCommands';
import type { UseTarget } from './pinner';

const REFRESH_DELAY_MS = 100;

export class PinLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Lookups finish one by one: ask for the lenses again once per burst. */
  private readonly refreshSoon = debounce(() => this.changed.fire(), REFRESH_DELAY_MS, { restart: false });
  /** The version of each document its lenses were last given for. */
  private readonly provided = new Map<string, number>();
  /**
   * The pinned images (canonical names) each document's lenses were last given for: only a pin's lens says what the
   * registry answered ("current", "Update pin"). A lookup of an unpinned image changes no lens; asking VS Code for
   * the lenses again then would restart its wait after typing (codelensController.ts: a provider's change event
   * reschedules the request) and show the lenses of the text just typed later.
   */
  private readonly pinnedShown = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
    private readonly indexer: Pick<WorkspaceIndexer, 'settle'>,
  ) {
    const refresh = () => this.refreshSoon();
    this.subscriptions = [
      index.onDidChange((paths) => paths.some((path) => this.showsOutdated(path)) && refresh()),
      resolver.onDidChange((images) => (images === undefined || images.some((image) => this.showsPinned(image))) && refresh()),
      vscode.workspace.onDidCloseTextDocument((doc) => (this.provided.delete(doc.uri.toString()), this.pinnedShown.delete(doc.uri.toString()))),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(`${SECTION}.pinning.codeLens`) || e.affectsConfiguration(`${SECTION}.pinning.argReferences`)) && refresh()),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const settings = readPinSettings(document.uri);
    if (settings.codeLens === 'off') return [];
    const path = document.uri.toString();
    // Asked after an edit: the lenses are of the text as typed, not as the index read it before the typing pause.
    this.indexer.settle(path);
    this.provided.set(path, document.version);
    const pinned = new Set<string>();
    this.pinnedShown.set(path, pinned);
    const file = this.index.get(path);
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
      if (ref.digest !== undefined) pinned.add(canonicalName(ref));
      const target = targetOf(file.path, use, i);
      const range = toRange(use.range);
      for (const command of this.commandsFor(use, ref, target, settings)) lenses.push(new vscode.CodeLens(range, command));
    });
    this.resolver.request(wanted);
    return lenses;
  }

  private showsPinned(image: string): boolean {
    for (const pinned of this.pinnedShown.values()) if (pinned.has(image)) return true;
    return false;
  }

  /**
   * Whether the index changed a file whose lenses were given for the text its editor still holds. VS Code asks
   * again after every edit by itself: asking on top of that would restart its wait and show the lenses later.
   */
  private showsOutdated(path: string): boolean {
    const version = this.provided.get(path);
    return version !== undefined && vscode.workspace.textDocuments.some((doc) => doc.version === version && doc.uri.toString() === path);
  }

  private commandsFor(use: ImageUse, ref: ImageRef, target: UseTarget, settings: PinSettings): vscode.Command[] {
    // Notes only inform; `actionable` leaves them out (and the Unpin beside a pin that needs nothing).
    const quiet = settings.codeLens === 'actionable';
    if (!use.pin.pinnable) {
      const choices = argPinChoices(use);
      if (choices && ref.digest === undefined) {
        // Where the digest goes changes what a --build-arg does: the user picks, unless a setting did.
        const ask = settledArgForm(settings.argReferences, choices) === undefined;
        return [{ title: ask ? vscode.l10n.t('$(pin) Pin digest…') : vscode.l10n.t('$(pin) Pin digest'), command: Commands.pin, arguments: [target], tooltip: describeReason(use.pin.reason) }];
      }
      // Not pinnable here (shared ARG, a value set elsewhere): say why, and offer nothing to click.
      if (quiet) return [];
      return ref.digest === undefined ? [note(vscode.l10n.t('$(circle-slash) not pinnable here'), describeReason(use.pin.reason))] : [note(vscode.l10n.t('$(lock) pinned'), describeReason(use.pin.reason))];
    }
    // A companion ARG's digest is not removed by an edit of ours (`planUnpin`): no Unpin to offer.
    const unpin: vscode.Command[] = use.pin.digestOnly ? [] : [{ title: vscode.l10n.t('Unpin'), command: Commands.unpin, arguments: [target], tooltip: vscode.l10n.t('Remove the digest, keep the tag') }];
    const status = pinStatus(ref, this.resolver.get(ref));
    switch (status.kind) {
      case 'unpinned':
        return [{ title: vscode.l10n.t('$(pin) Pin digest'), command: Commands.pin, arguments: [target], tooltip: vscode.l10n.t('Look up the digest the tag points to, verify it, and write it here') }];
      case 'current':
        if (quiet) return [];
        return [note(status.platform ? vscode.l10n.t('$(pass) pinned, current ({0})', status.platform) : vscode.l10n.t('$(pass) pinned, current'), vscode.l10n.t('The tag still points to the pinned digest.')), ...unpin];
      case 'stale':
        return [
          { title: vscode.l10n.t('$(warning) Update pin'), command: Commands.pin, arguments: [target], tooltip: vscode.l10n.t('The tag now points to {0}', status.tagDigest) },
          { title: vscode.l10n.t('$(diff) What changes?'), command: Commands.compareWithTag, arguments: [target], tooltip: vscode.l10n.t('Compare the packages and the build of the pinned image with what the tag points to now') },
          ...unpin,
        ];
      case 'notFound':
        return [{ title: vscode.l10n.t('$(error) pinned digest not found: Update pin'), command: Commands.pin, arguments: [target], tooltip: status.error.message }, ...unpin];
      case 'mismatch':
        return [{ title: vscode.l10n.t('$(error) pinned content does not verify: Update pin'), command: Commands.pin, arguments: [target], tooltip: status.error.message }, ...unpin];
      case 'unknown':
        if (quiet) return [];
        return [note(vscode.l10n.t('$(lock) pinned {0}', shortDigest(ref.digest ?? '')), vscode.l10n.t('Not compared with the tag yet.')), ...unpin];
    }
  }

  dispose(): void {
    this.refreshSoon.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** A lens that only informs: an empty command id makes it plain text. */
function note(title: string, tooltip: string): vscode.Command {
  return { title, command: '', tooltip };
}
