// Pin diagnostics in the Problems panel, and their quick fixes: pin, pin to a platform, update, unpin, and
// a comment that silences one line. The findings come from the pure core (src/pin/pinDiagnostics.ts); what
// the registry said comes from the resolver, which looks up the images of the files open in editors.

import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { argPinChoices, pulledImage, type BuildFile, type ImageUse } from '../../model/buildFile';
import { IGNORE_COMMENT, PinCodes, pinDiagnostics, type PinCode, type PinDiagnosticOptions } from '../../pin/pinDiagnostics';
import { familiarName, type ImageRef } from '../../reference/imageReference';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { readPinSettings, SECTION } from '../config';
import { Commands } from '../context';
import { localize } from '../localize';
import type { ImageResolver } from '../../workspace/imageResolver';
import { toRange } from '../tree/nodes';
import { targetOf } from './pinCommands';
import type { UseTarget } from './pinner';

export const PIN_SOURCE = 'Image Provenance';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
} as const;

/** Changes (a scan, a burst of lookups) come in bursts: publish once per burst. */
const PUBLISH_DELAY_MS = 300;

/** Publishes pin diagnostics for every indexed file and keeps them current. */
export class PinProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('imageProvenance.pins');
  /** What was published per file, to skip files whose diagnostics did not change. */
  private readonly published = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
  ) {
    const schedule = () => this.schedule();
    const unsubscribe = index.onDidChange(schedule);
    this.subscriptions = [
      { dispose: unsubscribe },
      resolver.onDidChange(schedule),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${SECTION}.pinning`) && schedule()),
      // Open editors are someone looking: their images are looked up, whether the view shows or not.
      vscode.window.onDidChangeVisibleTextEditors(() => this.requestVisible()),
    ];
    this.requestVisible();
    this.publish();
  }

  private requestVisible(): void {
    const refs: ImageRef[] = [];
    for (const editor of vscode.window.visibleTextEditors) {
      for (const use of this.index.get(editor.document.uri.toString())?.uses ?? []) {
        const ref = pulledImage(use);
        if (ref) refs.push(ref);
      }
    }
    this.resolver.request(refs);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.publish(), PUBLISH_DELAY_MS);
  }

  private publish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.requestVisible();
    const units = this.index.platformsByUnit();
    const live = new Set<string>();
    // Settings are per folder (multi-root workspaces): read once per folder, not once per file.
    const byFolder = new Map<string, Pick<PinDiagnosticOptions, 'unpinned' | 'stale' | 'ignored'>>();
    const settingsFor = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
      let options = byFolder.get(folder);
      if (!options) {
        const settings = readPinSettings(uri);
        byFolder.set(folder, (options = { unpinned: settings.unpinnedSeverity, stale: settings.stalePinSeverity, ignored: ignoreMatcher(settings.ignoredImages) }));
      }
      return options;
    };
    for (const file of this.index.files()) {
      live.add(file.path);
      const options: PinDiagnosticOptions = { ...settingsFor(vscode.Uri.parse(file.path)), unitPlatforms: units.get(file.path) };
      const found = pinDiagnostics(file, this.index.text(file.path) ?? '', (ref) => this.resolver.get(ref), options);
      const key = JSON.stringify(found.map((d) => [d.range, d.severity, d.code, d.message]));
      if (this.published.get(file.path) === key) continue;
      this.published.set(file.path, key);
      this.collection.set(
        vscode.Uri.parse(file.path),
        found.map((d) => {
          const diagnostic = new vscode.Diagnostic(toRange(d.range), localize(d.message), SEVERITY[d.severity as keyof typeof SEVERITY]);
          diagnostic.source = PIN_SOURCE;
          diagnostic.code = d.code;
          return diagnostic;
        }),
      );
    }
    for (const path of this.published.keys()) {
      if (live.has(path)) continue;
      this.published.delete(path);
      this.collection.delete(vscode.Uri.parse(path));
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

/** `imageProvenance.pinning.ignoredImages`: patterns over the image's name without tag or digest. */
function ignoreMatcher(patterns: readonly string[]): ((ref: ImageRef) => boolean) | undefined {
  if (!patterns.length) return undefined;
  const matches = picomatch([...patterns], { dot: true });
  return (ref) => matches(familiarName({ ...ref, tag: undefined, digest: undefined }));
}

/** The quick fixes on pin diagnostics. */
export class PinCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly index: BuildFileIndex) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const file = this.index.get(document.uri.toString());
    if (!file) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== PIN_SOURCE) continue;
      const code = String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code) as PinCode;
      const found = useAt(file, diagnostic.range);
      if (!found) continue;
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
      // A comment above `# syntax=` would end the parser directives: that one is silenced by settings only.
      const silence = found.use.kind === 'syntax' ? undefined : silenceEdit(document, file, diagnostic.range.start.line, code);
      if (silence) {
        const action = new vscode.CodeAction(vscode.l10n.t('Ignore this on this line ({0})', code), vscode.CodeActionKind.QuickFix);
        action.edit = silence;
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
    }
    return actions;
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
function silenceEdit(document: vscode.TextDocument, file: BuildFile, line: number, code: PinCode): vscode.WorkspaceEdit | undefined {
  if (file.kind === 'bake-json') return undefined;
  const indent = /^\s*/.exec(document.lineAt(line).text)![0];
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(line, 0), `${indent}# ${IGNORE_COMMENT}=${code}${document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n'}`);
  return edit;
}
