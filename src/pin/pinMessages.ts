// Why a pin was refused, and why a bulk run left an image as it was, as core messages: the editor localizes
// them, the command line prints them in English.

import { Messages, message, type Message } from '../model/messages';
import { companionRefusalMessage, notPinnableMessage } from '../model/pinReasons';
import { shortDigest } from '../reference/imageReference';
import type { PinRefusal, SkipReason } from './planEdits';

export function refusalMessage(reason: PinRefusal, relative?: (path: string) => string): Message {
  switch (reason.kind) {
    case 'notPinnable':
      return notPinnableMessage(reason.reason, relative);
    case 'invalidDigest':
      return message(Messages.pinRefusalInvalidDigest, reason.digest);
    case 'noReference':
    case 'siteMismatch':
      return message(Messages.pinRefusalNotExact);
    case 'noTag':
      return message(Messages.pinRefusalNoTag);
    case 'digestArg':
      return message(Messages.pinRefusalDigestArg, reason.arg);
    case 'noCompanion':
      return companionRefusalMessage(reason.refusal);
  }
}

/** Why a bulk run skipped an image, as one phrase. */
export function skipMessage(reason: SkipReason, relative?: (path: string) => string): Message {
  switch (reason.kind) {
    case 'noDigest':
      return message(Messages.pinSkipNotLookedUp);
    case 'conflict':
      return message(Messages.pinSkipConflict, reason.digests.map(shortDigest).join(', '));
    case 'overlap':
      return message(Messages.pinSkipOverlap);
    case 'chooseForm':
      return message(Messages.pinSkipChooseForm, reason.arg);
    case 'buildOverride':
      return message(Messages.pinSkipBuildOverride, reason.arg);
    default:
      return refusalMessage(reason, relative);
  }
}

/** The reason a bulk run skipped an image, in a few words: images skipped for the same reason count together. */
export function skipCauseMessage(reason: SkipReason): Message {
  switch (reason.kind) {
    case 'noDigest':
      return message(Messages.pinSkipNotLookedUp);
    case 'notPinnable':
      return message(Messages.pinCauseNotPinnable);
    case 'conflict':
      return message(Messages.pinCauseConflict);
    case 'overlap':
      return message(Messages.pinSkipOverlap);
    case 'chooseForm':
      return message(Messages.pinCauseChooseForm);
    case 'buildOverride':
      return message(Messages.pinCauseBuildOverride);
    default:
      return message(Messages.pinCauseNotWritten);
  }
}
