// The pin commands as the palette, the tree, CodeLenses and quick fixes call them. With no argument they
// act on the image under the cursor (or ask which one), or on the active editor's file.

import * as vscode from 'vscode';
import { argPinChoices, pulledImage, type ImageUse } from '../../model/buildFile';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { Commands } from '../context';
import { displayReference } from '../localize';
import type { BulkResult, DigestChoice, PinOutcome, Pinner, UseTarget } from './pinner';

export function pinCommands(index: BuildFileIndex, pinner: Pinner): Record<string, (...args: never[]) => unknown> {
  const pinWith = (choice: DigestChoice) => async (target?: UseTarget) => {
    const use = isUseTarget(target) ? target : await useFromEditor(index);
    if (!use) return undefined;
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking up the digest…') }, () => pinner.pin(use, choice));
    return show(outcome);
  };
  return {
    [Commands.pin]: pinWith('default'),
    [Commands.pinToPlatform]: pinWith('platform'),
    [Commands.pinToIndex]: pinWith('index'),
    [Commands.unpin]: async (target?: UseTarget) => {
      const use = isUseTarget(target) ? target : await useFromEditor(index, true);
      return use && show(await pinner.unpin(use));
    },
    [Commands.pinAllInFile]: async (arg?: { path?: string } | vscode.Uri): Promise<BulkResult | undefined> => {
      const path = arg instanceof vscode.Uri ? arg.toString() : (arg?.path ?? vscode.window.activeTextEditor?.document.uri.toString());
      if (path === undefined || !index.has(path)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a Dockerfile, Compose file or Bake file to pin its images.'));
        return undefined;
      }
      return pinner.pinAll({ kind: 'file', path }, 'pin');
    },
    [Commands.pinAllInWorkspace]: () => pinner.pinAll({ kind: 'workspace' }, 'pin'),
    [Commands.updateStalePins]: () => pinner.pinAll({ kind: 'workspace' }, 'update'),
  };
}

function isUseTarget(value: unknown): value is UseTarget {
  return typeof value === 'object' && value !== null && typeof (value as UseTarget).path === 'string' && typeof (value as UseTarget).use === 'number';
}

/** The image use under the cursor of the active editor, else the one the user picks from its file. */
async function useFromEditor(index: BuildFileIndex, pinnedOnly = false): Promise<UseTarget | undefined> {
  const editor = vscode.window.activeTextEditor;
  const file = editor && index.get(editor.document.uri.toString());
  if (!editor || !file) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Put the cursor on an image in a Dockerfile, Compose file or Bake file.'));
    return undefined;
  }
  const pinnable = (use: ImageUse) => use.pin.pinnable || (!pinnedOnly && argPinChoices(use) !== undefined);
  const candidates = file.uses.map((use, i) => ({ use, i })).filter(({ use }) => pinnable(use) && pulledImage(use) && (!pinnedOnly || use.reference?.digest));
  const line = editor.selection.active.line;
  const here = candidates.filter(({ use }) => use.range.start.line <= line && line <= use.range.end.line);
  if (here.length === 1) return targetOf(file.path, here[0]!.use, here[0]!.i);
  if (!candidates.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This file has no image that can be pinned here.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    (here.length ? here : candidates).map(({ use, i }) => ({ label: displayReference(use), description: vscode.l10n.t('line {0}', use.range.start.line + 1), i })),
    { title: vscode.l10n.t('Which image?') },
  );
  return picked && targetOf(file.path, file.uses[picked.i]!, picked.i);
}

/** A target that refuses to act on another image if typing moves one to this index meanwhile. */
export function targetOf(path: string, use: ImageUse, index: number): UseTarget {
  return { path, use: index, text: use.text, line: use.range.start.line };
}

function show(outcome: PinOutcome): PinOutcome {
  if (outcome.done) vscode.window.setStatusBarMessage(outcome.digest ? vscode.l10n.t('Pinned to {0}', outcome.digest) : vscode.l10n.t('Unpinned'), 5000);
  else if (outcome.unchanged) {
    if (outcome.message) void vscode.window.showInformationMessage(outcome.message);
  }
  else void vscode.window.showWarningMessage(outcome.message);
  return outcome;
}
