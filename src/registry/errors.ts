// Typed registry errors. Callers switch on `kind`, never on message text; the message is for
// people: it starts with the image and says the cause in plain words. Neither the message nor
// `details` ever holds a credential, a token, an Authorization header or a URL's query string.

export type RegistryErrorKind =
  | 'unauthorized' // 401 (no or wrong credentials)          fix: sign in
  | 'denied' // 403                                    fix: sign in / check access
  | 'notFound' // 404 for repo, tag or digest
  | 'digestMismatch' // bytes hash ≠ the digest asked for / the Docker-Content-Digest header
  | 'tooLarge' // Content-Length or streamed bytes over the cap
  | 'timeout' // connect / headers / body stalled longer than the timeout
  | 'rateLimited' // 429 still after the allowed waits
  | 'serverError' // 5xx still after retries
  | 'network' // reset, refused, DNS, proxy failure
  | 'tls' // certificate not trusted / hostname mismatch / TLS handshake
  | 'redirect' // redirect loop, too many redirects, bad Location
  | 'badResponse' // malformed JSON, wrong/missing Content-Type, manifest without required fields, unknown media type
  | 'credentials' // credential helper failed / config unreadable (cause from CredentialHelperError, no secret)
  | 'insecure' // would send credentials over plain http to a host not configured insecure
  | 'untrusted' // credentials needed but the workspace is restricted (client built with credentials off)
  | 'invalidReference' // an ImageRef outside the reference grammar: refused before any request
  | 'cancelled';

export interface RegistryErrorDetails {
  status?: number;
  retryAfterMs?: number;
  expected?: string;
  actual?: string;
  /** Redacted: never with credentials or a query string (see redactUrl). */
  url?: string;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly kind: RegistryErrorKind,
    /** The familiar reference text, e.g. `node:22`. */
    readonly image: string,
    readonly host: string,
    message: string,
    readonly details: RegistryErrorDetails = {},
  ) {
    super(message);
  }

  /**
   * True for a RegistryError, of one of `kinds` when given. By shape, not `instanceof`: the client is a bundle
   * of its own, loaded on first use, so its errors are instances of its own copy of this class.
   */
  static is(error: unknown, ...kinds: RegistryErrorKind[]): error is RegistryError {
    if (!(error instanceof Error) || error.name !== 'RegistryError') return false;
    const kind = (error as Partial<RegistryError>).kind;
    return typeof kind === 'string' && (kinds.length === 0 || kinds.includes(kind));
  }
}

/**
 * A URL safe to show: scheme, host and path only. Userinfo may be a password and the query may be
 * a token (presigned CDN URLs for blobs, `?scope=…` on token realms), so both are dropped.
 */
export function redactUrl(url: URL | string): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
