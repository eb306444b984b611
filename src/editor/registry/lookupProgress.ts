// The resolver's lookups as VS Code shows work on a view: a spinner on the Images view (and on its
// activity-bar icon) until they settle, then a badge counting the images whose lookup failed.

import * as vscode from 'vscode';
import type { ImageResolver, LookupBatch } from '../../workspace/imageResolver';
import { IMAGES_VIEW } from '../context';

export function showLookupProgress(resolver: ImageResolver, view: vscode.TreeView<unknown>, log: vscode.LogOutputChannel): vscode.Disposable {
  return resolver.onDidStartLookups((settled) => {
    void vscode.window.withProgress({ location: { viewId: IMAGES_VIEW } }, () => settled);
    void settled.then((batch) => {
      if (batch.failed) log.warn(`${batch.failed} of ${batch.looked} lookups failed${batch.unreachable.length ? `; unreachable: ${batch.unreachable.join(', ')}` : ''}`);
      view.badge = batch.failing ? { value: batch.failing, tooltip: failedText(batch) } : undefined;
    });
  });
}

function failedText(batch: LookupBatch): string {
  const failed = batch.failing === 1 ? vscode.l10n.t('The lookup of 1 image failed.') : vscode.l10n.t('The lookups of {0} images failed.', batch.failing);
  return batch.unreachable.length ? `${failed} ${vscode.l10n.t('Unreachable: {0}.', batch.unreachable.join(', '))}` : failed;
}
