// Publishes the model's diagnostics (broken instructions, invalid references…) to the Problems panel.

import * as vscode from 'vscode';
import type { Severity } from '../model/buildFile';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import { localize } from './localize';
import { toRange } from './tree/nodes';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function publishDiagnostics(index: BuildFileIndex): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('imageProvenance');
  const update = (path: string): void => {
    const uri = vscode.Uri.parse(path);
    const diagnostics = index.diagnostics(path);
    if (!diagnostics.length) {
      collection.delete(uri);
      return;
    }
    collection.set(
      uri,
      diagnostics.map((d) => {
        const diagnostic = new vscode.Diagnostic(toRange(d.range), localize(d.message), SEVERITY[d.severity]);
        diagnostic.source = 'Image Provenance';
        diagnostic.code = d.code;
        return diagnostic;
      }),
    );
  };
  for (const file of index.files()) update(file.path);
  const unsubscribe = index.onDidChange((paths) => paths.forEach(update));
  return vscode.Disposable.from({ dispose: unsubscribe }, collection);
}
