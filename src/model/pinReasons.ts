// Why a use cannot be pinned, and why no companion ARG is offered, as core messages: the tree, the hover,
// the CodeLenses and pinning in the editor localize them, the command line prints them in English.

import type { CompanionRefusal, NotPinnableReason } from './buildFile';
import { Messages, message, type Message } from './messages';

/**
 * Why a use cannot be pinned, as one sentence. `relative` names a build file as the user knows it (the
 * editor: relative to the workspace folder).
 */
export function notPinnableMessage(reason: NotPinnableReason, relative: (path: string) => string = (path) => path): Message {
  switch (reason.kind) {
    case 'scratch':
      return message(Messages.reasonScratch);
    case 'stage':
      return reason.byPlatform ? message(Messages.reasonStageByPlatform, reason.byPlatform.join(', ')) : message(Messages.reasonStage, reason.stage);
    case 'unresolved':
      switch (reason.cause) {
        case 'noValue':
          return message(Messages.reasonNoValue, reason.variable);
        case 'undeclared':
          return message(Messages.reasonUndeclared, reason.variable);
        case 'globalOnly':
          return message(Messages.reasonGlobalOnly, reason.variable);
        case 'platform':
          return message(Messages.reasonPlatformArg, reason.variable);
        case 'error':
          return message(Messages.reasonRequired, reason.variable);
      }
      break;
    case 'invalid':
      return reason.error.message;
    case 'sharedArg':
      return message(Messages.reasonSharedArg, reason.arg, reason.users);
    case 'partialArg':
      return message(reason.choices ? Messages.reasonPartialArgChoice : Messages.reasonPartialArg, reason.arg);
    case 'overridden':
      return message(Messages.reasonOverridden, reason.arg);
    case 'buildOutput':
      return message(Messages.reasonBuildOutput);
    case 'namedContext':
      return message(reason.source === 'build' ? Messages.reasonContextBuild : Messages.reasonContextLocal, reason.name, reason.value);
    case 'interpolated':
      return reason.variable ? message(Messages.reasonInterpolatedVariable, reason.variable) : message(Messages.reasonInterpolated);
    case 'notBuilt':
      // A target without a name is the last stage, by its number.
      return typeof reason.target === 'number' ? message(Messages.reasonNotBuiltStage, reason.target) : message(Messages.reasonNotBuilt, reason.target);
    case 'localBuild':
      return message(Messages.reasonLocalBuild, reason.builder);
    case 'contextMatch':
      return message(Messages.reasonContextMatch, reason.builder, relative(reason.owner), reason.context);
  }
  return message(Messages.reasonInterpolated);
}

/** Why no companion ARG is offered for a reference partly made of ARGs. */
export function companionRefusalMessage(refusal: CompanionRefusal): Message {
  switch (refusal.kind) {
    case 'sharedArg':
      return message(Messages.companionSharedArg, refusal.arg, refusal.users - 1);
    case 'noArg':
      return message(Messages.companionNoArg);
  }
}
