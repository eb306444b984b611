// Pinning in the editor: look the digest up, verify its manifest, and write it into the file as one
// undoable edit, only if the document is still what the plan was made from. Every entry point (CodeLens,
// quick fix, tree, palette) ends here; bulk runs show progress, can be cancelled, and report what they
// skipped and why.

import * as vscode from 'vscode';
import { argPinChoices, pulledImage, type ArgPinChoices, type BuildFile, type ImageUse } from '../../model/buildFile';
import { Messages, message } from '../../model/messages';
import { chooseDigest, PinLookupError, type BulkMode, type DigestChoice, type PinLookups } from '../../pin/chooseDigest';
import { applyBulk, editPathOf, filesToPin, isInline, lookUpBulk, planBulk, type BulkRun, type BulkSkip, type FileOutcome, type SkipCause } from '../../pin/pinAll';
import { refusalMessage } from '../../pin/pinMessages';
import { planArgPin, planPin, planUnpin, settledArgForm, type ArgPinForm, type PinEdit, type PinRefusal } from '../../pin/planEdits';
import type { PinTarget } from '../../pin/pinStatus';
import { familiarName, parseImageReference, shortDigest, type ImageRef } from '../../reference/imageReference';
import type { PlatformImage } from '../../registry/imageDetails';
import type { BuildFileIndex, LinkKey } from '../../workspace/buildFileIndex';
import { readPinSettings } from '../config';
import { Commands } from '../context';
import { describeCompanionRefusal, describeReason, localize } from '../localize';
import type { ComparedPin } from '../panel/comparePanel';
import type { ImageResolver } from '../../workspace/imageResolver';
import { toRange } from '../tree/nodes';
import type { WorkspaceIndexer } from '../workspaceIndexer';

/** A use, as the tree, CodeLenses and quick fixes name it: a file, a use index, the build it is seen through. */
export interface UseTarget {
  readonly path: string;
  readonly use: number;
  readonly via?: LinkKey;
  /**
   * The use's text and line when the target was made (a CodeLens, a quick fix): typing since may have
   * moved another image to that index, which must not be pinned instead.
   */
  readonly text?: string;
  readonly line?: number;
  /** For a reference partly made of ARGs: the form the user chose (a quick fix); otherwise the setting, or ask. */
  readonly argForm?: ArgPinForm;
}

export type { DigestChoice } from '../../pin/chooseDigest';

export type PinOutcome =
  | { readonly done: true; readonly digest: string; readonly platform?: string; readonly path: string }
  /** Nothing needed changing (already current; unpinning what is not pinned). */
  | { readonly done: false; readonly unchanged: true; readonly message: string }
  | { readonly done: false; readonly unchanged?: false; readonly message: string };

/** What a bulk run did: for the summary, the details in the log, and the extension tests. */
export interface BulkResult {
  readonly cancelled: boolean;
  readonly changed: readonly { readonly path: string; readonly line: number; readonly image: string; readonly digest: string }[];
  /** `cause` is the reason in a few words, shared by the images skipped for the same thing (for the summary). */
  readonly skipped: readonly { readonly path: string; readonly line: number; readonly image: string; readonly reason: string; readonly cause: string }[];
  /** Files that got an edit (each its own undo step). */
  readonly files: readonly string[];
  /** What the notification said. */
  readonly summary: string;
}

export type BulkScope = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'workspace' };

export class Pinner {
  /** The registry as pinning needs it: lookups through the resolver, whose results the view shows too. */
  private readonly lookups: PinLookups;

  constructor(
    private readonly index: BuildFileIndex,
    private readonly indexer: WorkspaceIndexer,
    resolver: ImageResolver,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.lookups = {
      describe: (ref, signal) => resolver.refresh(ref, signal),
      verify: async (ref, digest, signal) => void (await (await resolver.registry).manifest(ref, { digest, ...(signal && { signal }) })),
    };
  }

  /** The file (as seen through its build, if any) and use a target names, if they still exist. */
  locate(target: UseTarget): { file: BuildFile; use: ImageUse } | undefined {
    const file = target.via ? this.index.linked(target.via.owner, target.via.build) : this.index.get(target.path);
    const use = file?.uses[target.use];
    if (!file || !use) return undefined;
    if ((target.text !== undefined && use.text !== target.text) || (target.line !== undefined && use.range.start.line !== target.line)) return undefined;
    return { file, use };
  }

  /**
   * Pins (or updates the pin of) one use, after verifying the digest's manifest. A reference partly made of
   * ARGs is pinned in the form the target names, else the one the settings name, else the one the user picks.
   */
  async pin(target: UseTarget, choice: DigestChoice = 'default', token?: vscode.CancellationToken): Promise<PinOutcome> {
    await this.indexer.whenIndexed();
    let found = this.locate(target);
    if (!found) return failed(gone());
    let form: ArgPinForm | undefined;
    const partial = found.use.pin.pinnable ? undefined : found.use.pin.reason;
    if (partial?.kind === 'partialArg' && partial.choices) {
      form = target.argForm ?? (await this.askArgForm(found.file, found.use, partial.arg, partial.choices));
      if (!form) return { done: false, unchanged: true, message: '' };
      // Typing while the list was open may have moved things: plan from the file as it is now.
      await this.indexer.whenIndexed();
      found = this.locate(target);
      if (!found) return failed(gone());
    }
    const { file, use } = found;
    const ref = pulledImage(use);
    const choices = argPinChoices(use);
    if (!use.pin.pinnable && !choices) return failed(describeReason(use.pin.reason));
    if (form === 'companionArg' && choices && !choices.companion.offered) return failed(describeCompanionRefusal(choices.companion));
    if (!ref) return failed(refusalText({ kind: 'noReference' }));
    const site = use.pin.pinnable ? use.pin : choices!.afterExpansion;
    const editPath = site.file ?? file.path;
    if (isInline(editPath)) return failed(inlineText());

    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(editPath));
    const version = document.version;
    if (document.getText(toRange(site.range)) !== site.text) return failed(gone());

    const name = familiarName(ref, { withDigest: false });
    const aborter = new AbortController();
    const cancel = token?.onCancellationRequested(() => aborter.abort());
    let pinTo: PinTarget | undefined;
    try {
      pinTo = await chooseDigest(ref, choice, this.lookups, pickPlatform, aborter.signal);
      // The platform pick was dismissed: nothing to say.
      if (!pinTo) return { done: false, unchanged: true, message: '' };
    } catch (error) {
      return failed(vscode.l10n.t('{0} was not pinned: {1}', name, errorText(error)));
    } finally {
      cancel?.dispose();
    }

    // A form chosen for a use that got its pin by hand meanwhile: `planArgPin` pins it where that is written.
    const plan = form ? planArgPin(use, pinTo.digest, file.path, form) : planPin(use, pinTo.digest, file.path);
    if (!plan.ok) return failed(refusalText(plan.reason));
    const edits = 'edits' in plan ? plan.edits : plan.edit ? [plan.edit] : [];
    if (!edits.length) return { done: false, unchanged: true, message: vscode.l10n.t('{0} is already pinned to {1}.', name, shortDigest(pinTo.digest)) };
    if (document.version !== version) return failed(changedText(editPath));
    // A companion ARG's line and its `@${…}` go in together or not at all.
    if ((await applyFileEdits(document, edits, true)).length !== edits.length) return failed(changedText(editPath));
    this.log.info(`Pinned ${name} in ${vscode.workspace.asRelativePath(document.uri)} to ${pinTo.digest}${pinTo.platform ? ` (${pinTo.platform})` : ''}`);
    return { done: true, digest: pinTo.digest, ...(pinTo.platform !== undefined && { platform: pinTo.platform }), path: editPath };
  }

  /** Removes the digest of one use, keeping its tag. No network: nothing new is written. */
  async unpin(target: UseTarget): Promise<PinOutcome> {
    await this.indexer.whenIndexed();
    const found = this.locate(target);
    if (!found) return failed(gone());
    const { file, use } = found;
    const plan = planUnpin(use, file.path);
    if (!plan.ok) return failed(refusalText(plan.reason));
    if (!plan.edit) return { done: false, unchanged: true, message: vscode.l10n.t('{0} is not pinned.', use.text) };
    if (isInline(plan.edit.path)) return failed(inlineText());
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(plan.edit.path));
    if (!(await applyFileEdits(document, [plan.edit])).length) return failed(changedText(plan.edit.path));
    return { done: true, digest: '', path: plan.edit.path };
  }

  /**
   * Where the digest of a reference partly made of ARGs goes: the form the settings name when this use offers
   * it, else the user's pick, each option saying what a `--build-arg` does afterwards. Undefined: dismissed.
   */
  private async askArgForm(file: BuildFile, use: ImageUse, arg: string, choices: ArgPinChoices): Promise<ArgPinForm | undefined> {
    const settled = settledArgForm(readPinSettings(vscode.Uri.parse(file.path)).argReferences, choices);
    if (settled) return settled;
    const { companion } = choices;
    const items: (vscode.QuickPickItem & { form: ArgPinForm })[] = [
      {
        label: vscode.l10n.t('Digest after the reference'),
        description: `${use.text}@sha256:…`,
        detail: vscode.l10n.t('BuildKit pulls by digest and ignores the tag: a --build-arg {0}=… then changes nothing until the digest is updated too. Renovate updates both.', arg),
        form: 'digestAfterExpansion',
      },
      companion.offered
        ? {
            label: vscode.l10n.t('Companion ARG {0}', companion.name),
            description: `ARG ${companion.name}=sha256:…  ${use.text}@\${${companion.name}}`,
            detail: vscode.l10n.t('The digest gets a build argument of its own: a --build-arg {0}=… then changes nothing without a --build-arg {1}=… that matches it. Renovate updates both ARGs.', arg, companion.name),
            form: 'companionArg',
          }
        : { label: vscode.l10n.t('$(circle-slash) Companion ARG (not offered here)'), detail: describeCompanionRefusal(companion), form: 'companionArg' },
    ];
    const name = familiarName(use.reference!, { withDigest: false });
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Pin {0}: where should the digest go?', name), matchOnDetail: true });
    return picked?.form;
  }

  /**
   * Pins every pinnable image of a file or the workspace (`update`: only moves stale pins), one undo step per
   * file, with a cancellable progress notification and a summary.
   */
  async pinAll(scope: BulkScope, mode: 'pin' | 'update'): Promise<BulkResult> {
    await this.indexer.whenIndexed();
    const title = mode === 'update' ? vscode.l10n.t('Updating stale pins') : scope.kind === 'file' ? vscode.l10n.t('Pinning images in {0}', vscode.workspace.asRelativePath(vscode.Uri.parse(scope.path))) : vscode.l10n.t('Pinning images in the workspace');
    const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => this.runBulk(scope, mode, progress, token));
    const result = localized(run);
    return { ...result, summary: this.report(result, mode) };
  }

  private async runBulk(scope: BulkScope, mode: BulkMode, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<BulkRun> {
    const options = {
      mode,
      argSetting: readPinSettings(scope.kind === 'file' ? vscode.Uri.parse(scope.path) : undefined).argReferences,
      ...(scope.kind === 'file' && { inScope: (use: ImageUse, file: BuildFile) => editPathOf(use, file.path) === scope.path }),
    };
    const path = scope.kind === 'file' ? scope.path : undefined;
    const aborter = new AbortController();
    const cancel = token.onCancellationRequested(() => aborter.abort());
    let found;
    try {
      found = await lookUpBulk(filesToPin(this.index, path), this.lookups, options, {
        signal: aborter.signal,
        progress: (done, total) =>
          progress.report({ increment: 100 / total, message: vscode.l10n.t('Looked up {0} of {1}', done, countOf(total, vscode.l10n.t('1 image'), vscode.l10n.t('{0} images', total))) }),
      });
    } finally {
      cancel.dispose();
    }
    if (token.isCancellationRequested) return { cancelled: true, changed: [], skipped: [], files: [] };

    // Plan from the index as it is now (edits made during the lookups included): edits carry the text they
    // replace, and a file whose document no longer holds what was indexed is left alone.
    await this.indexer.whenIndexed();
    const { plan, skipped } = planBulk(filesToPin(this.index, path), found, options, relativePath);
    return applyBulk(plan, skipped, (file, edits) => this.applyToDocument(file, edits), () => token.isCancellationRequested);
  }

  /** One file's edits as one undo step, if its document still holds the text the plan was made from. */
  private async applyToDocument(path: string, edits: readonly PinEdit[]): Promise<FileOutcome> {
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(path));
      return { applied: document.getText() === this.index.text(path) ? await applyFileEdits(document, edits) : [] };
    } catch (error) {
      return { failed: message(Messages.pinRegistryFailure, errorText(error)) };
    }
  }

  /** The summary as a notification (not waited for: the command's result is ready now), the details in the log. */
  private report(result: Omit<BulkResult, 'summary'>, mode: BulkMode): string {
    const lines = [
      ...result.changed.map((c) => `  ${vscode.workspace.asRelativePath(vscode.Uri.parse(c.path))}: ${c.image} → ${c.digest}`),
      ...result.skipped.map((s) => `  ${vscode.workspace.asRelativePath(vscode.Uri.parse(s.path))}:${s.line}: ${s.image} — ${s.reason}`),
    ];
    if (lines.length) this.log.info([mode === 'update' ? 'Update stale pins:' : 'Pin all:', ...lines].join('\n'));
    let text: string;
    if (result.cancelled && !result.changed.length) text = vscode.l10n.t('Cancelled: nothing was changed.');
    else if (!result.changed.length && !result.skipped.length) text = mode === 'update' ? vscode.l10n.t('Every pin is current.') : vscode.l10n.t('Every image that can be pinned is pinned.');
    else {
      const files = countOf(result.files.length, vscode.l10n.t('1 file'), vscode.l10n.t('{0} files', result.files.length));
      const changed =
        mode === 'update'
          ? vscode.l10n.t('Updated {0} in {1}.', countOf(result.changed.length, vscode.l10n.t('1 pin'), vscode.l10n.t('{0} pins', result.changed.length)), files)
          : vscode.l10n.t('Pinned {0} in {1}.', countOf(result.changed.length, vscode.l10n.t('1 image'), vscode.l10n.t('{0} images', result.changed.length)), files);
      text = result.skipped.length ? `${changed} ${vscode.l10n.t('{0} skipped: {1}.', result.skipped.length, skippedCauses(result.skipped))}` : changed;
    }
    const details = vscode.l10n.t('Show Details');
    // What the moved pins bring, compared (the old digest is in the reference the pin replaced).
    const moved = mode === 'update' ? movedPins(result.changed) : [];
    const compare = vscode.l10n.t('What Changed?');
    const items = [...(moved.length ? [compare] : []), ...(lines.length ? [details] : [])];
    const shown = result.skipped.length ? vscode.window.showWarningMessage(text, ...items) : vscode.window.showInformationMessage(text, ...items);
    void shown.then((action) => {
      if (action === details) this.log.show(true);
      if (action === compare) void compareMoved(moved);
    });
    return text;
  }
}

/**
 * Applies one file's edits as one undo step, only those whose range still holds the text they replace
 * (`together`: all of them, or none).
 */
async function applyFileEdits(document: vscode.TextDocument, edits: readonly PinEdit[], together = false): Promise<PinEdit[]> {
  // Checked and handed over in one synchronous step: no other extension code runs in between.
  const current = edits.filter((e) => document.getText(toRange(e.range)) === e.expected);
  if (!current.length || (together && current.length !== edits.length)) return [];
  const edit = new vscode.WorkspaceEdit();
  for (const e of current) edit.replace(document.uri, toRange(e.range), e.newText);
  return (await vscode.workspace.applyEdit(edit)) ? current : [];
}

function failed(message: string): PinOutcome {
  return { done: false, message };
}

function gone(): string {
  return vscode.l10n.t('That image is no longer where it was: the file changed. Try again.');
}

function inlineText(): string {
  return vscode.l10n.t('Images of an inline Dockerfile are not pinned automatically: pin them in the inline text.');
}

function changedText(path: string): string {
  return vscode.l10n.t('{0} changed while the digest was looked up: nothing was written. Try again.', vscode.workspace.asRelativePath(vscode.Uri.parse(path)));
}

/** Registry errors say what happened in English (with hosts and digests); the core's reasons are localized. */
function errorText(error: unknown): string {
  if (error instanceof PinLookupError) return localize(error.reason);
  return error instanceof Error ? error.message : String(error);
}

/** The platform pick: the warning goes on each item, where it is read in full (a placeholder is cut to the input's width). */
async function pickPlatform(image: ImageRef, platforms: readonly PlatformImage[]): Promise<PlatformImage | undefined> {
  const picked = await vscode.window.showQuickPick(
    platforms.map((p) => ({ label: p.platform, description: shortDigest(p.digest), detail: vscode.l10n.t('Builds for any other platform would pull this {0} image too.', p.platform), target: p })),
    { title: vscode.l10n.t('Pin {0} to the image of one platform', familiarName(image)), placeHolder: vscode.l10n.t('Pick a platform') },
  );
  return picked?.target;
}

function refusalText(reason: PinRefusal): string {
  return localize(refusalMessage(reason, relativePath));
}

function relativePath(path: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(path));
}

/** A bulk run's outcome in the user's language. */
function localized(run: BulkRun): Omit<BulkResult, 'summary'> {
  return { ...run, skipped: run.skipped.map((s: BulkSkip) => ({ ...s, reason: localize(s.reason), cause: causeText(s.cause) })) };
}

function causeText(cause: SkipCause): string {
  const words = localize(cause.words);
  return cause.registry === undefined ? words : `${words} (${cause.registry})`;
}

/** "registry unreachable (docker.io)", or the most frequent causes with their counts. */
function skippedCauses(skipped: BulkResult['skipped']): string {
  const counts = new Map<string, number>();
  for (const { cause } of skipped) counts.set(cause, (counts.get(cause) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 1) return ranked[0]![0];
  const shown = ranked.slice(0, 3).map(([cause, n]) => vscode.l10n.t('{0} {1}', n, cause));
  if (ranked.length > 3) shown.push(vscode.l10n.t('{0} for other reasons', ranked.slice(3).reduce((sum, [, n]) => sum + n, 0)));
  return shown.join(', ');
}

/** One message for one thing, another for several: `1 file`, `3 files`. */
function countOf(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** The pins an update moved, once each: image, old digest, new digest. */
function movedPins(changed: BulkResult['changed']): ComparedPin[] {
  const pins = new Map<string, ComparedPin>();
  for (const c of changed) {
    const parsed = parseImageReference(c.image);
    if (!parsed.ok || parsed.ref.digest === undefined) continue;
    const image = familiarName(parsed.ref, { withDigest: false });
    pins.set(`${image} ${parsed.ref.digest} ${c.digest}`, { image, old: parsed.ref.digest, new: c.digest });
  }
  return [...pins.values()];
}

/** Opens the compare panel of the one moved pin, or of the one picked. */
async function compareMoved(moved: readonly ComparedPin[]): Promise<void> {
  const picked =
    moved.length === 1
      ? moved[0]
      : (await vscode.window.showQuickPick(moved.map((pin) => ({ label: pin.image, description: `${shortDigest(pin.old)} → ${shortDigest(pin.new)}`, pin })), { title: vscode.l10n.t('What changed in which image?') }))?.pin;
  if (picked) await vscode.commands.executeCommand(Commands.compareWithTag, picked);
}
