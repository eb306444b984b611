// The checks' findings in the Problems panel (src/checks: pins, attestations, the allow-list, drift), and the
// quick fixes of the pin findings: pin, pin to a platform, update, unpin; and for every finding a comment that
// silences one line. What the registry said comes from the resolver, which looks up the images of the files
// editors show (and every image while the Images view is visible).
//
// Hints (an unpinned image is one by default) are published for open files only: a workspace of 10,000
// Dockerfiles would otherwise hand VS Code one per image, ~67,000 rows the Problems panel holds in memory for
// nothing (issue 15). Warnings and errors are published for every file. Open means in an editor tab: VS Code keeps
// a closed tab's document for a while, and says so ("no guarantee that [onDidCloseTextDocument] fires when an editor
// tab is closed, use the onDidChangeTabs-event": vscode.d.ts); its hints stayed after the tab closed.

import * as vscode from 'vscode';
import type { ImageSummary } from '../../attest/summary';
import { IncrementalFindings } from '../../checks/incrementalFindings';
import { fileFindings, lookupsFor, type CheckSettings, type RegistryAnswers } from '../../checks/workspaceChecks';
import { argPinChoices, pulledImage, type BuildDefinition, type BuildFile, type ImageUse } from '../../model/buildFile';
import { IGNORE_COMMENT, PinCodes } from '../../pin/pinDiagnostics';
import { canonicalName, familiarName } from '../../reference/imageReference';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { readCheckSettings, SECTION } from '../config';
import { Commands } from '../context';
import { SEVERITY } from '../diagnostics';
import { localize } from '../localize';
import type { ImageResolver } from '../../workspace/imageResolver';
import { toRange } from '../tree/nodes';
import { targetOf } from './pinCommands';
import type { UseTarget } from './pinner';

export const PIN_SOURCE = 'Image Provenance';

/** Lookups finish in bursts: publish once per burst. */
const PUBLISH_DELAY_MS = 300;
/**
 * The index tells once per burst by itself (a scan once it is in, typing once it pauses): its changes publish at
 * once, so a typed line's hints come with its errors.
 */
const INDEX_PUBLISH_DELAY_MS = 0;

/** Publishes the checks' findings for every indexed file and keeps them current. */
export class PinProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('imageProvenance.pins');
  /** Each file's findings, computed again only for the files a change reaches. */
  private readonly findings: IncrementalFindings;
  /**
   * Attestations read for the checks (the hover's quick read, shared with it through the resolver). A failed
   * read is kept as failed until the resolver resets: asking again at each publish would never stop.
   */
  private readonly reads = new Map<string, ImageSummary | 'reading' | 'failed'>();
  private timer: NodeJS.Timeout | undefined;
  /**
   * The platforms units are built for, and the files they come from: computing them parses again every
   * Dockerfile a build builds for several platforms, so they are kept until a change reaches one of those files.
   */
  private platforms: { readonly byUnit: ReturnType<BuildFileIndex['platformsByUnit']>; readonly from: ReadonlySet<string> } | undefined;
  /** When the timer fires (performance.now()). */
  private due = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
  ) {
    this.findings = new IncrementalFindings(index);
    const schedule = () => this.schedule();
    // Files opened or closed in a tab show or drop their hints.
    const tabsChanged = (e: vscode.TabChangeEvent) => {
      const paths = [...e.opened, ...e.closed].flatMap(tabPaths);
      if (!paths.length) return;
      for (const path of paths) this.findings.fileChanged(path);
      schedule();
    };
    this.subscriptions = [
      index.onDidChange((paths) => {
        if (paths.some((path) => this.platforms?.from.has(path) || multiPlatformBuilds(index.get(path)).length)) this.platforms = undefined;
        this.findings.filesChanged(paths);
        this.schedule(INDEX_PUBLISH_DELAY_MS);
      }),
      resolver.onDidChange((images) => {
        // A reset (settings, credentials, cache cleared): what was read is read again.
        if (images === undefined) this.reads.clear();
        this.findings.imagesChanged(images);
        schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(`${SECTION}.pinning`) || e.affectsConfiguration(`${SECTION}.checks`)) && (this.findings.all(), schedule())),
      // Files shown in editors are someone looking: their images are looked up, whether the view shows or not.
      vscode.window.onDidChangeVisibleTextEditors(schedule),
      vscode.window.tabGroups.onDidChangeTabs(tabsChanged),
    ];
    this.publish();
  }

  /** Publishes after `delayMs`, or sooner if a publish is due sooner already. */
  private schedule(delayMs = PUBLISH_DELAY_MS): void {
    const due = performance.now() + delayMs;
    if (this.timer && this.due <= due) return;
    clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => this.publish(), delayMs);
  }

  /** The indexed files of these documents. */
  private filesOf(documents: readonly vscode.TextDocument[]): BuildFile[] {
    return documents.flatMap((doc) => this.index.get(doc.uri.toString()) ?? []);
  }

  /** Starts the lookups the shown files' checks need: their images, then the attestations the checks that are on read. */
  private lookUp(shown: readonly BuildFile[], settingsFor: (path: string) => CheckSettings, answers: RegistryAnswers): void {
    for (const file of shown) {
      const { resolve, read } = lookupsFor(this.index, [file], settingsFor(file.path), answers);
      this.resolver.request(resolve);
      for (const { ref, digest } of read) {
        const key = `${canonicalName(ref)} ${digest}`;
        if (this.reads.has(key)) continue;
        this.reads.set(key, 'reading');
        this.resolver.hoverAttestations(ref, digest, undefined).then(
          (done) => this.reads.set(key, done.summary),
          () => this.reads.set(key, 'failed'),
        ).finally(() => (this.findings.imagesChanged([canonicalName(ref)]), this.schedule()));
      }
    }
  }

  private publish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Settings are per folder (multi-root workspaces): read once per folder, not once per file.
    const byFolder = new Map<string, CheckSettings>();
    const settingsFor = (path: string): CheckSettings => {
      const uri = vscode.Uri.parse(path);
      const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
      let settings = byFolder.get(folder);
      if (!settings) byFolder.set(folder, (settings = readCheckSettings(uri)));
      return settings;
    };
    const answers: RegistryAnswers = {
      resolutionOf: (ref) => this.resolver.get(ref),
      attestationsOf: (ref, digest) => {
        const read = this.reads.get(`${canonicalName(ref)} ${digest}`);
        return typeof read === 'string' ? undefined : read;
      },
    };
    this.lookUp(this.filesOf(vscode.window.visibleTextEditors.map((e) => e.document)), settingsFor, answers);
    const openPaths = new Set(vscode.window.tabGroups.all.flatMap((group) => group.tabs.flatMap(tabPaths)));
    const units = this.unitPlatforms();
    const changed = this.findings.update((file, recorded) => fileFindings(this.index, file, settingsFor(file.path), recorded, units).filter((d) => d.severity !== 'hint' || openPaths.has(file.path)), answers);
    for (const [path, found] of changed) {
      const uri = vscode.Uri.parse(path);
      if (!found) {
        this.collection.delete(uri);
        continue;
      }
      this.collection.set(
        uri,
        found.map((d) => {
          const diagnostic = new vscode.Diagnostic(toRange(d.range), localize(d.message), SEVERITY[d.severity]);
          diagnostic.source = PIN_SOURCE;
          diagnostic.code = d.code;
          return diagnostic;
        }),
      );
    }
  }

  private unitPlatforms(): ReturnType<BuildFileIndex['platformsByUnit']> {
    if (!this.platforms) {
      const from = new Set<string>();
      for (const file of this.index.files()) {
        for (const build of multiPlatformBuilds(file)) {
          from.add(file.path);
          if (build.dockerfile !== undefined) from.add(build.dockerfile);
        }
      }
      this.platforms = { byUnit: this.index.platformsByUnit(), from };
    }
    return this.platforms.byUnit;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

/** The files a tab shows: a text editor's, or both sides of a diff. */
function tabPaths(tab: vscode.Tab): string[] {
  const { input } = tab;
  if (input instanceof vscode.TabInputText) return [input.uri.toString()];
  if (input instanceof vscode.TabInputTextDiff) return [input.original.toString(), input.modified.toString()];
  return [];
}

/** A file's builds that build for several platforms (what `platformsByUnit` reads). */
function multiPlatformBuilds(file: BuildFile | undefined): BuildDefinition[] {
  return (file?.builds ?? []).filter((build) => (build.platforms?.length ?? 0) >= 2);
}

/** The quick fixes on the checks' findings. */
export class PinCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly index: BuildFileIndex) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const file = this.index.get(document.uri.toString());
    if (!file) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== PIN_SOURCE) continue;
      const code = String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
      const found = useAt(file, diagnostic.range);
      // A finding about a build (drift) has no use: it can only be silenced.
      if (found) this.pinFixes(actions, diagnostic, code, file, found);
      // A comment above `# syntax=` would end the parser directives: that one is silenced by settings only.
      const silence = found?.use.kind === 'syntax' ? undefined : silenceEdit(document, file, diagnostic.range.start.line, code);
      if (silence) {
        const action = new vscode.CodeAction(vscode.l10n.t('Ignore this on this line ({0})', code), vscode.CodeActionKind.QuickFix);
        action.edit = silence;
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
    }
    return actions;
  }

  private pinFixes(actions: vscode.CodeAction[], diagnostic: vscode.Diagnostic, code: string, file: BuildFile, found: { use: ImageUse; index: number }): void {
    const target = targetOf(file.path, found.use, found.index);
    const name = displayName(found.use);
    const fix = (title: string, command: string, preferred = false, argForm?: UseTarget['argForm']) => {
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.command = { command, title, arguments: [argForm ? { ...target, argForm } : target] };
      action.diagnostics = [diagnostic];
      action.isPreferred = preferred;
      actions.push(action);
    };
    const choices = argPinChoices(found.use);
    if (choices && code === PinCodes.unpinned) {
      // Each form is a fix of its own: picking one is the explicit choice.
      fix(vscode.l10n.t('Pin {0} with the digest after the reference', name), Commands.pin, false, 'digestAfterExpansion');
      if (choices.companion.offered) fix(vscode.l10n.t('Pin {0} with a companion ARG {1}', name, choices.companion.name), Commands.pin, false, 'companionArg');
    }
    if (found.use.pin.pinnable) {
      switch (code) {
        case PinCodes.unpinned:
          fix(vscode.l10n.t('Pin {0} to its digest', name), Commands.pin, true);
          fix(vscode.l10n.t('Pin {0} to a platform digest…', name), Commands.pinToPlatform);
          break;
        case PinCodes.stale:
          fix(vscode.l10n.t('Update the pin of {0}', name), Commands.pin, true);
          fix(vscode.l10n.t('What changes if {0} is updated?', name), Commands.compareWithTag);
          fix(vscode.l10n.t('Unpin {0}', name), Commands.unpin);
          break;
        case PinCodes.notFound:
        case PinCodes.mismatch:
          fix(vscode.l10n.t('Pin {0} to the digest its tag points to now', name), Commands.pin, true);
          fix(vscode.l10n.t('Unpin {0}', name), Commands.unpin);
          break;
        case PinCodes.platform:
          fix(vscode.l10n.t('Pin {0} to its index digest (every platform)', name), Commands.pinToIndex, true);
          break;
      }
    }
  }
}

function useAt(file: BuildFile, range: vscode.Range): { use: ImageUse; index: number } | undefined {
  const index = file.uses.findIndex((u) => u.range.start.line === range.start.line && u.range.start.character === range.start.character && u.range.end.line === range.end.line && u.range.end.character === range.end.character);
  return index >= 0 ? { use: file.uses[index]!, index } : undefined;
}

function displayName(use: ImageUse): string {
  const ref = pulledImage(use);
  return ref ? familiarName(ref, { withDigest: false }) : use.text;
}

/** A comment line above `line`, indented like it; none in JSON, which has no comments. */
function silenceEdit(document: vscode.TextDocument, file: BuildFile, line: number, code: string): vscode.WorkspaceEdit | undefined {
  if (file.kind === 'bake-json') return undefined;
  const indent = /^\s*/.exec(document.lineAt(line).text)![0];
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(line, 0), `${indent}# ${IGNORE_COMMENT}=${code}${document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n'}`);
  return edit;
}
