// Pinning in the editor: look the digest up, verify its manifest, and write it into the file as one
// undoable edit, only if the document is still what the plan was made from. Every entry point (CodeLens,
// quick fix, tree, palette) ends here; bulk runs show progress, can be cancelled, and report what they
// skipped and why.

import * as vscode from 'vscode';
import { argPinChoices, pulledImage, type ArgPinChoices, type BuildFile, type ImageUse } from '../../model/buildFile';
import { planArgPin, planPin, planPinAll, planUnpin, settledArgForm, type ArgPinForm, type PinEdit, type PinRefusal, type SkipReason } from '../../pin/planEdits';
import { pinStatus, type PinTarget } from '../../pin/pinStatus';
import { canonicalName, familiarName, parseImageReference, shortDigest, withoutDigest, type ImageRef } from '../../reference/imageReference';
import { RegistryError } from '../../registry/errors';
import type { BuildFileIndex, LinkKey } from '../../workspace/buildFileIndex';
import { readPinSettings } from '../config';
import { Commands } from '../context';
import { describeCompanionRefusal, describeFailure, describeReason } from '../localize';
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

/** Which digest a single pin writes. */
export type DigestChoice =
  /** The tag's digest (an index for multi-platform images); a platform pin stays on its platform. */
  | 'default'
  /** The tag's digest even where a platform pin was (the platform-pin warning's fix). */
  | 'index'
  /** Ask which platform's image. */
  | 'platform';

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

type BulkRun = Omit<BulkResult, 'summary'>;

export type BulkScope = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'workspace' };

/** Lookups in flight at once in a bulk run (the client bounds each host further). */
const LOOKUP_CONCURRENCY = 8;

export class Pinner {
  constructor(
    private readonly index: BuildFileIndex,
    private readonly indexer: WorkspaceIndexer,
    private readonly resolver: ImageResolver,
    private readonly log: vscode.LogOutputChannel,
  ) {}

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
      pinTo = await this.choose(ref, choice, aborter.signal);
      // The platform pick was dismissed: nothing to say.
      if (!pinTo) return { done: false, unchanged: true, message: '' };
      // The one rule: a digest is written only once its manifest's bytes were fetched and hashed.
      await (await this.resolver.registry).manifest(ref, { digest: pinTo.digest, signal: aborter.signal });
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
   * The digest to write for `ref`: its tag's (an index for a multi-platform image), the same platform's
   * image for a platform pin being updated, or the platform the user picks. Looked up again rather than
   * taken from what the view shows (the client keeps a tag's digest for a minute at most).
   */
  private async choose(ref: ImageRef, choice: DigestChoice, signal: AbortSignal): Promise<PinTarget | undefined> {
    const tagOnly: ImageRef = { ...ref, original: withoutDigest(ref.original), digest: undefined };
    if (choice === 'platform') {
      const details = await this.resolver.refresh(tagOnly, signal);
      if (details.kind === 'image') return { digest: details.digest, ...(details.platforms[0] && { platform: details.platforms[0].platform }) };
      // The warning goes on each item, where it is read in full (a placeholder is cut to the input's width).
      const picked = await vscode.window.showQuickPick(
        details.platforms.map((p) => ({ label: p.platform, description: shortDigest(p.digest), detail: vscode.l10n.t('Builds for any other platform would pull this {0} image too.', p.platform), target: p })),
        { title: vscode.l10n.t('Pin {0} to the image of one platform', familiarName(tagOnly)), placeHolder: vscode.l10n.t('Pick a platform') },
      );
      return picked && { digest: picked.target.digest, platform: picked.target.platform };
    }
    if (ref.digest === undefined || choice === 'index') return { digest: (await this.resolver.refresh(tagOnly, signal)).digest };
    let details;
    try {
      details = await this.resolver.refresh(ref, signal);
    } catch (error) {
      // A pin the registry does not have (or serves wrong content for) is fixed by the tag's digest now.
      if (RegistryError.is(error) && (error.kind === 'notFound' || error.kind === 'digestMismatch')) return { digest: (await this.resolver.refresh(tagOnly, signal)).digest };
      throw error;
    }
    const status = pinStatus(ref, { state: 'resolved', details });
    switch (status.kind) {
      case 'stale':
        if (!status.update) throw new Error(vscode.l10n.t('the tag now points to {0}, which has no {1} image', shortDigest(status.tagDigest), status.platform ?? '?'));
        return status.update;
      case 'current':
        return { digest: ref.digest, ...(status.platform !== undefined && { platform: status.platform }) };
      default:
        if (ref.tag === undefined) throw new Error(vscode.l10n.t('it is pinned by digest alone: there is no tag to update it from'));
        throw details.tagError ?? new Error(vscode.l10n.t('the tag could not be looked up'));
    }
  }

  /**
   * Pins every pinnable image of a file or the workspace (`update`: only moves stale pins), one undo step per
   * file, with a cancellable progress notification and a summary.
   */
  async pinAll(scope: BulkScope, mode: 'pin' | 'update'): Promise<BulkResult> {
    await this.indexer.whenIndexed();
    const title = mode === 'update' ? vscode.l10n.t('Updating stale pins') : scope.kind === 'file' ? vscode.l10n.t('Pinning images in {0}', vscode.workspace.asRelativePath(vscode.Uri.parse(scope.path))) : vscode.l10n.t('Pinning images in the workspace');
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => this.runBulk(scope, mode, progress, token));
    return { ...result, summary: this.report(result, mode) };
  }

  private async runBulk(scope: BulkScope, mode: 'pin' | 'update', progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<BulkRun> {
    const files = this.filesIn(scope);
    const inScope = (use: ImageUse, file: BuildFile): boolean => scope.kind === 'workspace' || editPathOf(use, file.path) === scope.path;
    // References partly made of ARGs are pinned only in the form the settings name, if they name one.
    const setting = readPinSettings(scope.kind === 'file' ? vscode.Uri.parse(scope.path) : undefined).argReferences;
    const argForm = mode === 'pin' && setting !== 'ask' ? setting : undefined;
    // What needs a lookup: unpinned images to pin, or pinned ones to check.
    const wanted = new Map<string, ImageRef>();
    for (const file of files) {
      for (const use of file.uses) {
        const ref = pulledImage(use);
        const pinnable = use.pin.pinnable || (argForm !== undefined && argPinChoices(use) !== undefined);
        if (!ref || !pinnable || !inScope(use, file) || isInline(editPathOf(use, file.path))) continue;
        if ((mode === 'update') === (ref.digest !== undefined)) wanted.set(canonicalName(ref), ref);
      }
    }

    const aborter = new AbortController();
    const cancel = token.onCancellationRequested(() => aborter.abort());
    const targets = new Map<string, PinTarget>();
    const failures = new Map<string, { reason: string; cause: string }>();
    try {
      let done = 0;
      const refs = [...wanted.entries()];
      const step = refs.length ? 100 / refs.length : 0;
      await forEachLimited(refs, LOOKUP_CONCURRENCY, async ([key, ref]) => {
        try {
          const target = await this.bulkTarget(ref, mode, aborter.signal);
          if (target) {
            await (await this.resolver.registry).manifest(ref, { digest: target.digest, signal: aborter.signal });
            targets.set(key, target);
          }
        } catch (error) {
          failures.set(key, { reason: errorText(error), cause: RegistryError.is(error) ? `${describeFailure(error.kind)} (${ref.registry})` : vscode.l10n.t('lookup failed') });
        }
        progress.report({ increment: step, message: vscode.l10n.t('Looked up {0} of {1}', ++done, countOf(refs.length, vscode.l10n.t('1 image'), vscode.l10n.t('{0} images', refs.length))) });
      });
    } finally {
      cancel.dispose();
    }
    if (token.isCancellationRequested) return { cancelled: true, changed: [], skipped: [], files: [] };

    // Plan from the index as it is now (edits made during the lookups included): edits carry the text they
    // replace, and a file whose document no longer holds what was indexed is left alone.
    await this.indexer.whenIndexed();
    const plan = planPinAll(this.filesIn(scope).map((file) => ({ ...file, uses: file.uses.filter((use) => inScope(use, file)) })), (use, file) => {
      const ref = pulledImage(use);
      if (!ref || isInline(editPathOf(use, file.path))) return undefined;
      const key = canonicalName(ref);
      if (mode === 'update' && (ref.digest === undefined || failures.has(key))) return undefined;
      // Pin runs leave existing pins alone; update runs leave current ones (no target) as they are.
      if (mode === 'pin' && ref.digest !== undefined) return ref.digest;
      return targets.get(key)?.digest ?? (mode === 'update' ? ref.digest : undefined);
    }, argForm);

    const skipped: BulkResult['skipped'][number][] = [];
    for (const { path, use, reason } of plan.skipped) {
      const ref = pulledImage(use);
      // Update runs only speak of pins; pin runs of what they could not pin (a pin written by hand where
      // no digest could be written is not something that was skipped).
      if (mode === 'update' && ref?.digest === undefined) continue;
      if (reason.kind === 'notPinnable' && ref?.digest !== undefined) continue;
      const inline = reason.kind === 'noDigest' && isInline(editPathOf(use, path));
      const failure = reason.kind === 'noDigest' && ref ? failures.get(canonicalName(ref)) : undefined;
      const [text, cause] = inline
        ? [vscode.l10n.t('in an inline Dockerfile: pin it in the inline text'), vscode.l10n.t('in an inline Dockerfile')]
        : failure
          ? [failure.reason, failure.cause]
          : reason.kind === 'noDigest'
            ? [vscode.l10n.t('not looked up'), vscode.l10n.t('not looked up')]
            : [skipText(reason), skipCause(reason)];
      skipped.push({ path, line: use.range.start.line + 1, image: use.resolved ?? use.text, reason: text, cause });
    }

    const changed: BulkRun['changed'][number][] = [];
    const edited: string[] = [];
    let cancelled = false;
    for (const { path, edits } of plan.files) {
      // Cancelling stops before the next file: the files already edited stay edited, and are reported.
      cancelled ||= token.isCancellationRequested;
      let applied: PinEdit[] = [];
      let why = cancelled ? vscode.l10n.t('cancelled') : vscode.l10n.t('the file changed while the digests were looked up');
      if (!cancelled) {
        try {
          const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(path));
          if (document.getText() === this.index.text(path)) applied = await applyFileEdits(document, edits);
        } catch (error) {
          why = errorText(error);
        }
      }
      if (applied.length) edited.push(path);
      for (const entry of plan.changed.filter((c) => c.edit.path === path)) {
        const image = entry.use.resolved ?? entry.use.text;
        const line = entry.edit.range.start.line + 1;
        if (applied.includes(entry.edit)) changed.push({ path, line, image, digest: digestIn(entry.edit.newText) });
        else skipped.push({ path, line: entry.use.range.start.line + 1, image, reason: why, cause: cancelled ? why : vscode.l10n.t('the file changed meanwhile') });
      }
    }
    return { cancelled, changed: dedupeChanged(changed), skipped, files: edited };
  }

  /** For a bulk run: the tag's digest for an unpinned image, the update for a stale pin; undefined if current. */
  private async bulkTarget(ref: ImageRef, mode: 'pin' | 'update', signal: AbortSignal): Promise<PinTarget | undefined> {
    if (mode === 'pin') return { digest: (await this.resolver.refresh(ref, signal)).digest };
    const details = await this.resolver.refresh(ref, signal);
    const status = pinStatus(ref, { state: 'resolved', details });
    if (status.kind === 'current') return undefined;
    if (status.kind !== 'stale') throw details.tagError ?? new Error(vscode.l10n.t('the tag could not be compared with the pin'));
    if (!status.update) throw new Error(vscode.l10n.t('the tag now points to {0}, which has no {1} image', shortDigest(status.tagDigest), status.platform ?? '?'));
    return status.update;
  }

  /** Build files in scope, with every Dockerfile also as each Compose service or Bake target builds it. */
  private filesIn(scope: BulkScope): BuildFile[] {
    const owners = scope.kind === 'workspace' ? this.index.files() : [this.index.get(scope.path)].filter((f): f is BuildFile => f !== undefined);
    const out: BuildFile[] = [...owners];
    for (const file of owners) {
      (file.builds ?? []).forEach((_, build) => {
        const linked = this.index.linked(file.path, build);
        if (linked) out.push(linked);
      });
    }
    return out;
  }

  /** The summary as a notification (not waited for: the command's result is ready now), the details in the log. */
  private report(result: BulkRun, mode: 'pin' | 'update'): string {
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

/** The file a pin of `use` (read from the file at `path`) edits: where its pin site is written. */
function editPathOf(use: ImageUse, path: string): string {
  return use.pin.pinnable ? (use.pin.file ?? path) : path;
}

/** The path of a use read from `dockerfile_inline` text: its ranges are in that text, not in any document. */
function isInline(path: string): boolean {
  return /#\d+$/.test(path);
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refusalText(reason: PinRefusal): string {
  switch (reason.kind) {
    case 'notPinnable':
      return describeReason(reason.reason);
    case 'invalidDigest':
      return vscode.l10n.t('"{0}" is not a sha256 digest.', reason.digest);
    case 'noReference':
    case 'siteMismatch':
      return vscode.l10n.t('The reference could not be read exactly: nothing was written.');
    case 'noTag':
      return vscode.l10n.t('It is pinned by digest alone: without the digest no tag would say which image is meant.');
    case 'digestArg':
      return vscode.l10n.t('Its digest is the default of ARG {0}: to unpin it, delete the "@" and the {0} reference after it, and the ARG {0} line.', reason.arg);
    case 'noCompanion':
      return describeCompanionRefusal(reason.refusal);
  }
}

function skipText(reason: SkipReason): string {
  switch (reason.kind) {
    case 'noDigest':
      return vscode.l10n.t('not looked up');
    case 'conflict':
      return vscode.l10n.t('its value is used by builds that resolve it to different digests ({0})', reason.digests.map(shortDigest).join(', '));
    case 'overlap':
      return vscode.l10n.t('another pin edits the same text');
    case 'chooseForm':
      return vscode.l10n.t('choose how to pin it (the digest after ${0}, or a companion ARG): use its CodeLens, or set imageProvenance.pinning.argReferences', reason.arg);
    case 'buildOverride':
      return vscode.l10n.t('a build of this Dockerfile sets {0} to another value, which a digest here would override', reason.arg);
    default:
      return refusalText(reason);
  }
}

/** The reason a bulk run skipped an image, in a few words: images skipped for the same reason count together. */
function skipCause(reason: SkipReason): string {
  switch (reason.kind) {
    case 'notPinnable':
      return vscode.l10n.t('not pinnable here');
    case 'conflict':
      return vscode.l10n.t('builds disagree on the digest');
    case 'overlap':
      return vscode.l10n.t('another pin edits the same text');
    case 'chooseForm':
      return vscode.l10n.t('a pin form to choose');
    case 'buildOverride':
      return vscode.l10n.t('a build sets its ARG otherwise');
    default:
      return vscode.l10n.t('could not be written');
  }
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

/** The digest an edit writes (a companion ARG's line holds it as the ARG's default, not after an `@`). */
function digestIn(text: string): string {
  return text.match(/sha256:[0-9a-f]{64}/g)?.at(-1) ?? '';
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

/** A site several routes reach (a Dockerfile on its own and through its builds) is one change. */
function dedupeChanged(changed: BulkResult['changed'][number][]): BulkResult['changed'][number][] {
  const seen = new Set<string>();
  return changed.filter((c) => {
    const key = `${c.path}\n${c.line}\n${c.image}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
