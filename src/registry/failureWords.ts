// Why the registry could not say, in a few words, as a core message: an image's row, a bulk run's summary
// ("2 skipped: registry unreachable (docker.io)"), the command line's report.

import { Messages, message, type Message } from '../model/messages';
import type { RegistryErrorKind } from './errors';

const WORDS: Readonly<Record<RegistryErrorKind, string>> = {
  unauthorized: Messages.failureUnauthorized,
  denied: Messages.failureDenied,
  notFound: Messages.failureNotFound,
  digestMismatch: Messages.failureDigestMismatch,
  tooLarge: Messages.failureTooLarge,
  timeout: Messages.failureTimeout,
  rateLimited: Messages.failureRateLimited,
  serverError: Messages.failureServerError,
  network: Messages.failureNetwork,
  tls: Messages.failureTls,
  redirect: Messages.failureRedirect,
  badResponse: Messages.failureBadResponse,
  credentials: Messages.failureCredentials,
  insecure: Messages.failureInsecure,
  untrusted: Messages.failureUntrusted,
  invalidReference: Messages.failureInvalidReference,
  cancelled: Messages.failureCancelled,
};

export function failureWords(kind: RegistryErrorKind): Message {
  return message(WORDS[kind]);
}
