// Every user-facing string of the edge goes through `vscode.l10n`. The core's messages are templates
// whose English text is the l10n key (see src/model/messages.ts).

import * as vscode from 'vscode';
import type { CompanionRefusal, ImageUse, ImageUseKind, ImageUseState, NotPinnableReason } from '../model/buildFile';
import type { Message } from '../model/messages';
import { companionRefusalMessage, notPinnableMessage } from '../model/pinReasons';
import { withoutDigest } from '../reference/imageReference';
import type { RegistryErrorKind } from '../registry/errors';
import { failureWords } from '../registry/failureWords';

export function localize(m: Message): string {
  return vscode.l10n.t(m.template, ...m.args);
}

/** Why a use cannot be pinned, as one sentence. */
export function describeReason(reason: NotPinnableReason): string {
  return localize(notPinnableMessage(reason, (path) => vscode.workspace.asRelativePath(vscode.Uri.parse(path))));
}

/** Why no companion ARG is offered for a reference partly made of ARGs. */
export function describeCompanionRefusal(refusal: CompanionRefusal): string {
  return localize(companionRefusalMessage(refusal));
}

export function describeState(state: ImageUseState): string {
  switch (state) {
    case 'pinned':
      return vscode.l10n.t('pinned');
    case 'unpinned':
      return vscode.l10n.t('unpinned');
    case 'unresolved':
      return vscode.l10n.t('unresolved variable');
    case 'notPinnable':
      return vscode.l10n.t('not pinnable');
    case 'notBuilt':
      return vscode.l10n.t('not built');
  }
}

/** A build's target stage: its name, or `stage N` for an unnamed last stage. */
export function describeTarget(target: string | number): string {
  return typeof target === 'number' ? vscode.l10n.t('stage {0}', target) : target;
}

/** The instruction an image use appears in, as the user wrote it. */
export function describeKind(kind: ImageUseKind): string {
  switch (kind) {
    case 'from':
      return 'FROM';
    case 'copy-from':
      return 'COPY --from';
    case 'mount-from':
      return 'RUN --mount';
    case 'syntax':
      return '# syntax';
    case 'compose-image':
      return 'image';
    case 'compose-context':
      return 'additional_contexts';
    case 'bake-context':
      return 'contexts';
    case 'bake-arg':
      return 'args';
  }
}

/** What the use refers to, for labels: the resolved reference when known, else the text as written. */
export function displayReference(use: ImageUse): string {
  return use.resolved ?? use.text;
}

/** A row's label: the reference without its digest, which is long (rows show a short one beside it). */
export function rowReference(use: ImageUse): string {
  return withoutDigest(displayReference(use));
}

/** Why the registry could not say, in a few words: for rows and summaries ("registry unreachable"). */
export function describeFailure(kind: RegistryErrorKind): string {
  return localize(failureWords(kind));
}
