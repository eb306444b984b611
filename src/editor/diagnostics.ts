// Publishes the model's diagnostics (broken instructions, invalid references…) to the Problems panel.

import * as vscode from 'vscode';
import { debounce } from '../async/debounce';
import type { Severity } from '../model/buildFile';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import { localize } from './localize';
import { toRange } from './tree/nodes';

/** The model's severities as VS Code's: one map for every diagnostic the extension publishes. */
export const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Errors that text being typed has on its way (`FROM `, `FROM node:`, `${`): hints until typing pauses. */
const WHILE_TYPING = new Set(['invalid-reference', 'from-without-image', 'bad-substitution']);
/** How long typing pauses before such an error on the lines being typed shows as one. */
const SETTLE_MS = 1000;

export function publishDiagnostics(index: BuildFileIndex): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('imageProvenance');
  /** Per document: the lines typed on since typing last paused. */
  const typing = new Map<string, Set<number>>();
  const update = (path: string): void => {
    const uri = vscode.Uri.parse(path);
    const diagnostics = index.diagnostics(path);
    if (!diagnostics.length) {
      collection.delete(uri);
      return;
    }
    const typed = typing.get(path);
    collection.set(
      uri,
      diagnostics.map((d) => {
        const beingTyped = typed !== undefined && WHILE_TYPING.has(d.code) && [...typed].some((line) => d.range.start.line <= line && line <= d.range.end.line);
        const diagnostic = new vscode.Diagnostic(toRange(d.range), localize(d.message), beingTyped ? vscode.DiagnosticSeverity.Hint : SEVERITY[d.severity]);
        diagnostic.source = 'Image Provenance';
        diagnostic.code = d.code;
        return diagnostic;
      }),
    );
  };
  /** Typing paused, or the cursor left the lines typed on: their errors show as errors. */
  const settle = (path: string): void => {
    settleSoon.cancel(path);
    if (!typing.delete(path)) return;
    if (index.has(path)) update(path);
  };
  const settleSoon = debounce(settle, SETTLE_MS);
  const typed = (e: vscode.TextDocumentChangeEvent): void => {
    if (!e.contentChanges.length) return;
    const path = e.document.uri.toString();
    const lines = typing.get(path) ?? new Set<number>();
    for (const change of e.contentChanges) {
      const added = change.text.split('\n').length - 1;
      for (let line = change.range.start.line; line <= change.range.start.line + added; line++) lines.add(line);
    }
    typing.set(path, lines);
    settleSoon(path);
  };
  const moved = (e: vscode.TextEditorSelectionChangeEvent): void => {
    const lines = typing.get(e.textEditor.document.uri.toString());
    if (lines && !e.selections.some((s) => lines.has(s.active.line))) settle(e.textEditor.document.uri.toString());
  };

  for (const file of index.files()) update(file.path);
  return vscode.Disposable.from(
    index.onDidChange((paths) => paths.forEach(update)),
    vscode.workspace.onDidChangeTextDocument(typed),
    vscode.window.onDidChangeTextEditorSelection(moved),
    settleSoon,
    collection,
  );
}
