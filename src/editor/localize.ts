// Every user-facing string of the edge goes through `vscode.l10n`. The core's messages are templates
// whose English text is the l10n key (see src/model/messages.ts).

import * as vscode from 'vscode';
import type { CompanionRefusal, ImageUse, ImageUseKind, ImageUseState, NotPinnableReason } from '../model/buildFile';
import type { Message } from '../model/messages';

export function localize(m: Message): string {
  return vscode.l10n.t(m.template, ...m.args);
}

/** Why a use cannot be pinned, as one sentence. */
export function describeReason(reason: NotPinnableReason): string {
  switch (reason.kind) {
    case 'scratch':
      return vscode.l10n.t('scratch is the empty image: there is nothing to pull or pin.');
    case 'stage':
      return vscode.l10n.t('Refers to the build stage "{0}" of this file, not to an image.', reason.stage);
    case 'unresolved':
      switch (reason.cause) {
        case 'noValue':
          return vscode.l10n.t('${0} is declared without a default and no build argument sets it.', reason.variable);
        case 'undeclared':
          return vscode.l10n.t('${0} is not declared with ARG.', reason.variable);
        case 'globalOnly':
          return vscode.l10n.t('${0} is a global ARG: a stage must declare it again (ARG {0}) to use it.', reason.variable);
        case 'platform':
          return vscode.l10n.t('${0} is set by the builder for each target platform.', reason.variable);
        case 'error':
          return vscode.l10n.t('${0} is required and has no value.', reason.variable);
      }
      break;
    case 'invalid':
      return localize(reason.error.message);
    case 'sharedArg':
      return vscode.l10n.t('Comes from ARG {0}, which {1} images use: pinning it here would change them all.', reason.arg, reason.users);
    case 'partialArg':
      return reason.choices
        ? vscode.l10n.t('Only part of the reference comes from ARG {0}: the digest can go after the reference, or into a companion ARG. Which one is your choice.', reason.arg)
        : vscode.l10n.t('Only part of the reference comes from ARG {0}: no single place holds the whole reference.', reason.arg);
    case 'overridden':
      return vscode.l10n.t('ARG {0} is set by a build argument outside this file.', reason.arg);
    case 'buildOutput':
      return vscode.l10n.t('Names the image this service builds, not one it pulls.');
    case 'namedContext':
      return reason.source === 'build'
        ? vscode.l10n.t('The named build context "{0}" is the output of {1}, built first.', reason.name, reason.value)
        : vscode.l10n.t('The named build context "{0}" is local files ({1}), not an image.', reason.name, reason.value);
    case 'interpolated':
      return reason.variable
        ? vscode.l10n.t('Written with ${0}, whose value comes from the environment or .env: pin it where that value is set.', reason.variable)
        : vscode.l10n.t('Not written as one plain string here (escapes or a computed value): there is no text to add a digest to.');
  }
  return '';
}

/** Why no companion ARG is offered for a reference partly made of ARGs. */
export function describeCompanionRefusal(refusal: CompanionRefusal): string {
  switch (refusal.kind) {
    case 'sharedArg':
      return vscode.l10n.t('ARG {0} also feeds {1} other images: one version ARG cannot be paired with one image’s digest. Put the digest after the reference instead.', refusal.arg, refusal.users - 1);
    case 'noArg':
      return vscode.l10n.t('No ARG value is part of this reference: there is no version ARG to pair a digest ARG with. Put the digest after the reference instead.');
  }
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
  }
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
