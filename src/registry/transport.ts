// HTTP for the registry client: one undici dispatcher per (proxy, TLS verification) choice, a
// per-host bound on concurrent requests, timeouts, size-capped bodies, redirects followed here
// (not by undici) so Authorization never leaves the origin it belongs to, and retries for 5xx,
// resets and 429. Every response body is read or destroyed before the host's slot is given back:
// undici keeps a connection busy until its body is consumed.

import { createHash, type Hash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import * as tls from 'node:tls';
import { Agent, Pool, ProxyAgent, request, type Dispatcher } from 'undici';
import { RegistryError, redactUrl, type RegistryErrorKind } from './errors';
import { hostSettings, type RegistrySettings } from './settings';

export type RequestPurpose = 'registry' | 'token';

export interface TransportRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  /** For POST (the token endpoint's form). */
  body?: string;
  /** Sent only to `url`'s origin (scheme, host and port); dropped on redirects that leave it. */
  authorization?: string;
  /** TLS without verification for `url`'s origin; other origins reached by redirect use their own host settings. */
  insecure?: boolean;
  /** Cap for a 2xx body; more is 'tooLarge'. */
  maxBytes: number;
  /**
   * Reads a 2xx body itself instead of it being kept (`bytes` is then empty, and `maxBytes` is the reader's to
   * enforce): a layer streamed through a hash. Called again, from the start, for each retried attempt.
   */
  consumeBody?: (body: AsyncIterable<Uint8Array>) => Promise<void>;
  /**
   * A 2xx body is hashed with this algorithm (`sha256`, …) as it arrives, into TransportResponse.digest: a blob is
   * verified with no second pass over its bytes once they are all in.
   */
  hashAlgorithm?: string;
  /**
   * Sees a 2xx body's chunks as they arrive, each with its offset in the body (0 again for a retried attempt),
   * before the body is whole, let alone verified: for a preview that says it is one.
   */
  onChunk?: (chunk: Uint8Array, offset: number) => void;
  signal?: AbortSignal | undefined;
  /** For errors: the familiar image text, the registry (or mirror) host, and what was asked for ("the manifest"). */
  image: string;
  host: string;
  what: string;
  purpose: RequestPurpose;
}

export interface TransportResponse {
  status: number;
  /** Lower-cased names, as undici gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The whole body of a 2xx response; at most the first ERROR_BODY_BYTES of any other. Empty for HEAD. */
  bytes: Uint8Array;
  /** `<algorithm>:<hex>` of a 2xx body's bytes, when TransportRequest.hashAlgorithm asked for it. */
  digest?: string;
  /** Where the response came from, after redirects. */
  url: URL;
}

export interface TransportOptions {
  log?: ((line: string) => void) | undefined;
  /** Called for every request sent: each redirect hop and each retry. */
  onRequest?: ((host: string, purpose: RequestPurpose) => void) | undefined;
  /** First backoff step; doubled per retry and jittered. Default 200 ms. */
  retryBaseMs?: number | undefined;
  /** The longest `Retry-After` worth waiting for; longer fails at once as 'rateLimited'. Default 60 s. */
  maxRetryAfterMs?: number | undefined;
}

const MAX_REDIRECTS = 5;
/** All of a response's headers; undici's default too (Node's http.maxHeaderSize), fixed here so that errors can name it. */
const MAX_RESPONSE_HEADER_BYTES = 16 * 1024;
/** Below this average rate, a body still arriving after the timeout is given up on. */
const MIN_BYTES_PER_SECOND = 1024;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Enough of an error body for a registry's error JSON; the rest is not read. */
const ERROR_BODY_BYTES = 16 * 1024;
const DEFAULT_RETRY_BASE_MS = 200;
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const USER_AGENT = 'image-provenance';

/** The first value of a response header. */
export function header(headers: TransportResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a header (several `WWW-Authenticate` headers may be sent). */
export function headerValues(headers: TransportResponse['headers'], name: string): string[] {
  const value = headers[name.toLowerCase()];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Connection failures that say a host cannot be reached at all (offline, its name does not resolve, nothing
 * listens, no route, no answer to the connect): the next request to it would only wait as long again.
 */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** A connection closed under a request: retried, unless it was closed late (`answerlessClose`). */
const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * A host that took requests and answered none: one waited out the timeout, or its connection was closed after a
 * long wait. The requests queued behind it fail with this at once, each waiting as long again otherwise.
 */
class HostNotAnswering extends Error {
  constructor(host: string, what: string) {
    super(`${host} ${what}`);
  }
}

/** A connection closed without an answer after the request had waited `waitedMs`: not a stale keep-alive socket. */
class ClosedWithoutAnswer extends Error {
  constructor(readonly waitedMs: number) {
    super(`closed without an answer after ${waitedMs} ms`);
  }
}

export class Transport {
  private readonly dispatchers = new Map<string, Dispatcher>();
  /**
   * Hosts found unreachable, with the failure that said so. Offline, each lookup waited for its own DNS
   * failure (some 20 s with two name servers), a few at a time per host: the Images view's progress ran for
   * many minutes. The requests queued behind the first failure fail with it at once instead, until
   * `forgetUnreachable` (Retry). A host that accepts connections and never answers is one too (a
   * `HostNotAnswering`): each lookup queued for it waited out its own timeout, six at a time.
   */
  private readonly unreachable = new Map<string, unknown>();
  /** When each host last answered: one that answered others while a request waited is slow on that one, not down. */
  private readonly answeredAt = new Map<string, number>();
  private readonly semaphores = new Map<string, Semaphore>();
  private readonly secureContext: tls.SecureContext | undefined;
  private readonly retryBaseMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    private readonly settings: RegistrySettings,
    private readonly options: TransportOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.secureContext = this.buildSecureContext();
  }

  /**
   * Sends `req`, following redirects and retrying 5xx, resets and 429. Resolves with any other
   * status (401, 404, …) for the caller to judge; rejects with a RegistryError.
   */
  async send(req: TransportRequest): Promise<TransportResponse> {
    const retries = Math.max(0, Math.floor(this.settings.retries));
    for (let attempt = 0; ; attempt++) {
      let response: TransportResponse;
      try {
        response = await this.follow(req);
      } catch (error) {
        const { failure, retry } = this.classify(error, req);
        if (!retry || attempt >= retries) throw failure;
        await this.wait(this.backoff(attempt), req);
        continue;
      }
      if (response.status === 429) {
        const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'));
        if ((retryAfterMs !== undefined && retryAfterMs > this.maxRetryAfterMs) || attempt >= retries) {
          throw rateLimited(req, response, retryAfterMs);
        }
        await this.wait(retryAfterMs ?? this.backoff(attempt), req);
        continue;
      }
      if (isRetryableServerError(response.status)) {
        if (attempt >= retries) {
          throw new RegistryError(
            'serverError',
            req.image,
            response.url.host,
            `${req.image}: ${response.url.host} answered ${response.status} for ${req.what}${retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : ''} (a problem on the registry or a proxy in between; try again later)`,
            { status: response.status, url: redactUrl(response.url) },
          );
        }
        await this.wait(this.backoff(attempt), req);
        continue;
      }
      return response;
    }
  }

  /** Asks unreachable hosts again (the user retries: the network may be back). */
  forgetUnreachable(): void {
    this.unreachable.clear();
    this.answeredAt.clear();
  }

  /**
   * A connection closed before any answer, after the request waited at least half the timeout. A stale
   * keep-alive socket fails as soon as it is written to, and that is the reset worth retrying (Go's
   * net/http retries a request only when a reused connection broke: transport.go, `shouldRetryRequest`);
   * a host that holds a request that long and then drops it would hold the retry as long again.
   */
  private answerlessClose(code: string, waitedMs: number): boolean {
    return RESET_CODES.has(code) && waitedMs * 2 >= this.settings.timeoutMs;
  }

  async close(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((d) => d.close().catch(() => undefined)));
  }

  /** One attempt: the request and its redirects, body read. */
  private async follow(req: TransportRequest): Promise<TransportResponse> {
    const origin = req.url.origin;
    let url = req.url;
    let method: TransportRequest['method'] = req.method;
    let body = req.body;
    const seen = new Set<string>();
    for (let hop = 0; ; hop++) {
      seen.add(`${method} ${url.href}`);
      const sameOrigin = url.origin === origin;
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
      // go-containerregistry does the same: registries redirect blobs to CDNs and object stores,
      // which must not see the registry's credentials.
      if (sameOrigin && req.authorization !== undefined) headers['authorization'] = req.authorization;
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const insecure = sameOrigin ? req.insecure === true : hostSettings(this.settings, url.host).insecure === true;

      const release = await this.slot(url.host).acquire(req.signal);
      try {
        if (this.unreachable.has(url.host)) throw this.unreachable.get(url.host);
        const started = Date.now();
        this.options.onRequest?.(url.host, req.purpose);
        let response: Dispatcher.ResponseData;
        try {
          response = await request(url, {
            method,
            headers,
            body: body ?? null,
            signal: req.signal ?? null,
            dispatcher: this.dispatcher(url, insecure),
            headersTimeout: this.settings.timeoutMs,
            bodyTimeout: this.settings.timeoutMs,
          });
        } catch (error) {
          const waited = Date.now() - started;
          const code = errorCode(error) ?? '';
          this.log(`${method} ${url.host} ${url.pathname} failed after ${waited} ms (${code || 'error'})`);
          if (req.signal?.aborted) throw error;
          if (UNREACHABLE_CODES.has(code)) this.unreachable.set(url.host, error);
          const silent = (this.answeredAt.get(url.host) ?? -Infinity) < started;
          if (code === 'UND_ERR_HEADERS_TIMEOUT') {
            if (silent) this.unreachable.set(url.host, new HostNotAnswering(url.host, `did not answer an earlier request within ${this.settings.timeoutMs} ms`));
          } else if (this.answerlessClose(code, waited) && !isProxyFailure(error)) {
            if (silent) this.unreachable.set(url.host, new HostNotAnswering(url.host, `closed the connection of an earlier request after ${waited} ms without answering`));
            throw new ClosedWithoutAnswer(waited);
          }
          throw error;
        }
        // It answered: requests queued for it are worth sending, whatever an earlier one met.
        this.answeredAt.set(url.host, Date.now());
        if (this.unreachable.size) this.unreachable.delete(url.host);
        const status = response.statusCode;
        this.log(`${method} ${url.host} ${url.pathname} ${status} ${Date.now() - started} ms`);

        if (REDIRECT_STATUSES.has(status)) {
          const location = header(response.headers, 'location');
          await this.readStatusBody(response, method, url);
          const next = redirectTarget(location, url);
          const fail = (why: string): RegistryError =>
            new RegistryError('redirect', req.image, url.host, `${req.image}: ${url.host} ${why} for ${req.what}`, { status, url: redactUrl(url) });
          if (next === undefined) throw fail(location === undefined ? 'redirected without a Location' : 'redirected to an unusable Location');
          if (hop >= MAX_REDIRECTS) throw fail(`redirected more than ${MAX_REDIRECTS} times`);
          // RFC 9110 §15.4: 303 always becomes GET; clients also turn POST into GET on 301/302.
          if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
            if (method !== 'HEAD') method = 'GET';
            body = undefined;
          }
          if (seen.has(`${method} ${next.href}`)) throw fail('redirected in a loop');
          // HTTPS to plain HTTP would let anyone on the network choose what comes back (a digest header
          // that becomes a pin); a body may hold a refresh token, which must not follow to another origin.
          const refuse = (why: string): RegistryError =>
            new RegistryError('redirect', req.image, url.host, `${req.image}: ${url.host} redirected ${req.what} to ${next.host} ${why}; not followed`, { status, url: redactUrl(url) });
          if (url.protocol === 'https:' && next.protocol === 'http:') throw refuse('over plain HTTP');
          if (body !== undefined && next.origin !== origin) throw refuse('with credentials in the request');
          url = next;
          continue;
        }

        let bytes: Uint8Array;
        let digest: string | undefined;
        if (method === 'HEAD') {
          await this.readStatusBody(response, method, url);
          bytes = new Uint8Array(0);
        } else if (status >= 200 && status < 300 && req.consumeBody !== undefined) {
          try {
            await req.consumeBody(response.body as AsyncIterable<Uint8Array>);
          } finally {
            destroyBody(response.body);
          }
          bytes = new Uint8Array(0);
        } else if (status >= 200 && status < 300) {
          ({ bytes, digest } = await readCapped(response, req, url, this.settings.timeoutMs));
        } else {
          bytes = await this.readStatusBody(response, method, url);
        }
        return { status, headers: response.headers, bytes, ...(digest !== undefined && { digest }), url };
      } finally {
        release();
      }
    }
  }

  /**
   * The first ERROR_BODY_BYTES of a body that only explains a status (an error, a redirect; a HEAD's is empty), read under
   * the same timeout and rate floor as a 2xx body: a registry trickling a 404 page would otherwise hold
   * the connection, and the host's slot, for as long as it likes. The status stands however the body ends.
   */
  private async readStatusBody(response: Dispatcher.ResponseData, method: string, url: URL): Promise<Uint8Array> {
    const read = await readBounded(response.body, ERROR_BODY_BYTES, this.settings.timeoutMs);
    if (read.ended === 'tooSlow') this.log(`${method} ${url.host} ${url.pathname}: the ${response.statusCode} answer's body arrived too slowly; not read further`);
    return read.bytes;
  }

  private slot(host: string): Semaphore {
    let semaphore = this.semaphores.get(host);
    if (semaphore === undefined) {
      semaphore = new Semaphore(Math.max(1, Math.floor(this.settings.maxConcurrentPerHost)));
      this.semaphores.set(host, semaphore);
    }
    return semaphore;
  }

  private dispatcher(url: URL, insecure: boolean): Dispatcher {
    const proxy = this.settings.proxy !== undefined && this.settings.proxy !== '' && !bypassesProxy(url, this.settings.noProxy) ? this.settings.proxy : undefined;
    const key = `${proxy === undefined ? 'direct' : 'proxy'}:${insecure ? 'insecure' : 'verified'}`;
    let dispatcher = this.dispatchers.get(key);
    if (dispatcher !== undefined) return dispatcher;
    const targetTls: tls.ConnectionOptions = { rejectUnauthorized: !insecure };
    if (this.secureContext !== undefined) targetTls.secureContext = this.secureContext;
    const common = { headersTimeout: this.settings.timeoutMs, bodyTimeout: this.settings.timeoutMs, maxHeaderSize: MAX_RESPONSE_HEADER_BYTES };
    if (proxy === undefined) {
      // HTTP/2 where the registry offers it (ALPN; https only): undici closes an HTTP/1.1 connection after
      // every HEAD unless the server says keep-alive, which Go servers do not, so each tag lookup would
      // otherwise pay a TLS handshake.
      dispatcher = new Agent({ ...common, allowH2: true, connect: { ...targetTls, timeout: this.settings.timeoutMs } });
    } else {
      const proxyTls: tls.ConnectionOptions & { timeout: number } = { rejectUnauthorized: this.settings.proxyStrictSSL, timeout: this.settings.timeoutMs };
      if (this.secureContext !== undefined) proxyTls.secureContext = this.secureContext;
      try {
        // ProxyAgent turns `user:pass@` in the URL into Proxy-Authorization itself. Its connections
        // to the proxy are marked, so that a proxy that is down or untrusted is not reported as the registry.
        dispatcher = new ProxyAgent({
          ...common,
          uri: proxy,
          requestTls: { ...targetTls, timeout: this.settings.timeoutMs },
          proxyTls,
          clientFactory: (origin, options) => new Pool(origin, markingProxyFailures(options as Pool.Options)),
        });
      } catch {
        throw new ProxySettingError();
      }
    }
    this.dispatchers.set(key, dispatcher);
    return dispatcher;
  }

  /**
   * Node's roots plus the configured certificates, built once: passing `ca` on each connection
   * would parse every root certificate per TLS handshake. A PEM that does not parse is skipped
   * (and logged) so that one bad entry does not break every registry.
   */
  private buildSecureContext(): tls.SecureContext | undefined {
    const extra = this.settings.caCertificates.filter((pem, i) => {
      try {
        tls.createSecureContext({ ca: pem });
        return true;
      } catch {
        this.log(`CA certificate #${i + 1} in the settings is not a valid PEM certificate; ignored`);
        return false;
      }
    });
    if (extra.length === 0) return undefined;
    return tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
  }

  private backoff(attempt: number): number {
    // 200, 400, 800 ms… ±20 %, so that clients that failed together do not retry together.
    return Math.round(this.retryBaseMs * 2 ** attempt * (0.8 + 0.4 * Math.random()));
  }

  private async wait(ms: number, req: TransportRequest): Promise<void> {
    try {
      await sleep(ms, req.signal);
    } catch {
      throw cancelled(req);
    }
  }

  private classify(error: unknown, req: TransportRequest): { failure: RegistryError; retry: boolean } {
    if (req.signal?.aborted) return { failure: cancelled(req), retry: false };
    if (error instanceof RegistryError) return { failure: error, retry: false };
    const host = req.url.host;
    const fail = (kind: RegistryErrorKind, text: string): RegistryError => new RegistryError(kind, req.image, host, `${req.image}: ${text}`, { url: redactUrl(req.url) });
    if (error instanceof ProxySettingError) return { failure: fail('network', 'the proxy setting is not a valid proxy URL'), retry: false };
    if (error instanceof HostNotAnswering) return { failure: fail('timeout', `not tried: ${error.message}`), retry: false };
    if (error instanceof ClosedWithoutAnswer) return { failure: fail('timeout', `${host} closed the connection after ${error.waitedMs} ms without answering ${req.what}`), retry: false };
    const code = errorCode(error) ?? '';
    const message = error instanceof Error ? error.message : '';
    if (isProxyFailure(error)) return this.classifyProxyFailure(error, code, req, fail);
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return { failure: fail('timeout', `could not connect to ${host} within ${this.settings.timeoutMs} ms`), retry: false };
      case 'UND_ERR_HEADERS_TIMEOUT':
        return { failure: fail('timeout', `${host} did not answer within ${this.settings.timeoutMs} ms for ${req.what}`), retry: false };
      case 'UND_ERR_BODY_TIMEOUT':
        return { failure: fail('timeout', `${host} stopped sending ${req.what} for more than ${this.settings.timeoutMs} ms`), retry: false };
      case 'ETIMEDOUT':
        return { failure: fail('timeout', `the connection to ${host} timed out`), retry: false };
      case 'UND_ERR_HEADERS_OVERFLOW':
        return { failure: fail('tooLarge', `${host} answered ${req.what} with response headers larger than the ${formatBytes(MAX_RESPONSE_HEADER_BYTES)} limit (a misconfigured registry, or a proxy in between)`), retry: false };
      case 'ECONNRESET':
      case 'EPIPE':
      case 'ECONNABORTED':
      case 'UND_ERR_SOCKET':
      case 'UND_ERR_CLOSED':
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
        return { failure: fail('network', `the connection to ${host} was closed before ${req.what} arrived (connection reset)`), retry: true };
      case 'ECONNREFUSED':
        return { failure: fail('network', `${host} refused the connection (is the registry running, and is the port right?)`), retry: false };
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return { failure: fail('network', `the host name of ${host} could not be resolved (DNS)`), retry: false };
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return { failure: fail('network', `${host} is unreachable from this network`), retry: false };
      case 'UND_ERR_PRX_TLS':
        return { failure: fail('tls', `the TLS connection to the proxy failed (check the proxy's certificate, or turn off strict proxy SSL)`), retry: false };
      case 'UND_ERR_ABORTED': {
        // Not our signal (checked above): undici reports a refused proxy tunnel this way, as
        // "Proxy response (407) !== 200 when HTTP Tunneling".
        const status = /\((\d{3})\)/.exec(message)?.[1];
        if (status === '407') break;
        return { failure: fail('network', `the proxy refused to connect to ${host}${status !== undefined ? ` (${status})` : ''}`), retry: false };
      }
    }
    if (/Proxy Authentication Required|Proxy response \(407\)/.test(message)) {
      return { failure: fail('network', `the proxy asks for authentication (407) to reach ${host}; check the user and password in the proxy setting`), retry: false };
    }
    if (isTlsCode(code)) return { failure: fail('tls', tlsText(code, host)), retry: false };
    return { failure: fail('network', `could not reach ${host}${code ? ` (${code})` : ''}`), retry: false };
  }

  /** The connection to the proxy itself failed: the message names the proxy (host and port only, never its credentials). */
  private classifyProxyFailure(
    error: unknown,
    code: string,
    req: TransportRequest,
    fail: (kind: RegistryErrorKind, text: string) => RegistryError,
  ): { failure: RegistryError; retry: boolean } {
    let proxy = 'the proxy';
    try {
      proxy = `the proxy ${new URL(this.settings.proxy ?? '').host}`;
    } catch {
      // Not a URL: the ProxyAgent would not have been made.
    }
    switch (code) {
      case 'ECONNREFUSED':
        return { failure: fail('network', `${proxy} refused the connection (is the proxy running, and is the proxy setting right?)`), retry: false };
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return { failure: fail('network', `the host name of ${proxy} could not be resolved (DNS); check the proxy setting`), retry: false };
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return { failure: fail('network', `${proxy} is unreachable from this network`), retry: false };
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return { failure: fail('timeout', `could not connect to ${proxy} within ${this.settings.timeoutMs} ms`), retry: false };
      case 'ECONNRESET':
      case 'EPIPE':
      case 'ECONNABORTED':
      case 'UND_ERR_SOCKET':
      case 'UND_ERR_CLOSED':
        return { failure: fail('network', `the connection to ${proxy} was closed before ${req.what} arrived (connection reset)`), retry: true };
    }
    // A SecureProxyConnectionError (UND_ERR_PRX_TLS) wraps the TLS error that says what was wrong.
    const tlsCode = code === 'UND_ERR_PRX_TLS' ? (errorCode((error as { cause?: unknown }).cause) ?? code) : code;
    if (code === 'UND_ERR_PRX_TLS' || isTlsCode(tlsCode)) {
      return {
        failure: fail('tls', `the TLS connection to ${proxy} failed (${tlsCode}); add the proxy's CA certificate to the settings, or turn off strict proxy SSL (http.proxyStrictSSL)`),
        retry: false,
      };
    }
    return { failure: fail('network', `could not reach ${proxy}${code ? ` (${code})` : ''}`), retry: false };
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

class ProxySettingError extends Error {}

/** Errors of connections to the proxy itself (refused, DNS, its certificate), as opposed to the registry's through the tunnel. */
const proxyFailures = new WeakSet<object>();

/** The proxy client's options with its connector marking the errors it reports. */
function markingProxyFailures(options: Pool.Options): Pool.Options {
  const connect = options.connect;
  if (typeof connect !== 'function') return options;
  return {
    ...options,
    connect: (opts, callback) =>
      connect(opts, (...args) => {
        if (args[0] !== null) proxyFailures.add(args[0]);
        callback(...args);
      }),
  };
}

/** Whether the error, or one it wraps, came from connecting to the proxy. */
function isProxyFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = (e as Error & { cause?: unknown }).cause, depth++) {
    if (proxyFailures.has(e)) return true;
  }
  return false;
}

function cancelled(req: TransportRequest): RegistryError {
  return new RegistryError('cancelled', req.image, req.url.host, `${req.image}: cancelled`, { url: redactUrl(req.url) });
}

function rateLimited(req: TransportRequest, response: TransportResponse, retryAfterMs: number | undefined): RegistryError {
  const host = response.url.host;
  const wait = retryAfterMs === undefined ? '' : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`;
  const details: { status: number; url: string; retryAfterMs?: number } = { status: 429, url: redactUrl(response.url) };
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  return new RegistryError(
    'rateLimited',
    req.image,
    host,
    `${req.image}: ${host} is limiting the rate of requests (429 Too Many Requests)${wait}. Signed-in pulls usually get a higher limit.`,
    details,
  );
}

/** 5xx worth another try; 501 and 505 say the server never will. */
function isRetryableServerError(status: number): boolean {
  return status >= 500 && status < 600 && status !== 501 && status !== 505;
}

/** `Retry-After` (RFC 9110 §10.2.3) as milliseconds: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function redirectTarget(location: string | undefined, base: URL): URL | undefined {
  if (location === undefined || location.trim() === '') return undefined;
  try {
    const next = new URL(location, base);
    return next.protocol === 'http:' || next.protocol === 'https:' ? next : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A 2xx body, rejecting past the cap (by Content-Length before reading, else while streaming) and when
 * it arrives too slowly (see readBounded).
 */
async function readCapped(response: Dispatcher.ResponseData, req: TransportRequest, url: URL, timeoutMs: number): Promise<{ bytes: Uint8Array; digest?: string }> {
  const tooLarge = (size: string): RegistryError =>
    new RegistryError('tooLarge', req.image, url.host, `${req.image}: ${req.what} from ${url.host} is larger than the ${formatBytes(req.maxBytes)} limit (${size})`, {
      url: redactUrl(url),
    });
  const declared = header(response.headers, 'content-length');
  const length = declared !== undefined && /^\d+$/.test(declared.trim()) ? Number(declared) : undefined;
  if (length !== undefined && length > req.maxBytes) {
    destroyBody(response.body);
    throw tooLarge(`Content-Length ${length} bytes`);
  }
  const hash = req.hashAlgorithm !== undefined ? createHash(req.hashAlgorithm) : undefined;
  const read = await readBounded(response.body, req.maxBytes, timeoutMs, length, hash, req.onChunk);
  switch (read.ended) {
    case 'complete':
      return { bytes: read.bytes, ...(hash && { digest: `${req.hashAlgorithm}:${hash.digest('hex')}` }) };
    case 'overLimit':
      throw tooLarge(`more than ${req.maxBytes} bytes sent`);
    case 'tooSlow':
      throw new RegistryError(
        'timeout',
        req.image,
        url.host,
        `${req.image}: ${req.what} from ${url.host} arrived too slowly (${read.bytes.length} bytes in ${(read.elapsedMs / 1000).toFixed(0)} s); a stalled connection or an overloaded registry`,
        { url: redactUrl(url) },
      );
    case 'failed':
      throw read.error;
  }
}

type BodyRead =
  | { ended: 'complete' | 'overLimit' | 'tooSlow'; bytes: Uint8Array; elapsedMs: number }
  | { ended: 'failed'; bytes: Uint8Array; elapsedMs: number; error: unknown };

/**
 * Up to `limit` bytes of a body ('overLimit' when more came). Once `timeoutMs` has passed, a body arriving
 * slower than MIN_BYTES_PER_SECOND on average is given up on ('tooSlow'): undici's body timeout only
 * measures the gaps between chunks, so a body trickled a byte at a time would otherwise never end (a body
 * that stops altogether is undici's to report). The stream is closed when this returns, which is what
 * frees undici's connection.
 */
async function readBounded(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  timeoutMs: number,
  expected?: number,
  hash?: Hash,
  onChunk?: TransportRequest['onChunk'],
): Promise<BodyRead> {
  const collected = new BodyBytes(expected);
  let ended: 'complete' | 'overLimit' | 'tooSlow' = 'complete';
  const started = Date.now();
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (collected.size + chunk.length > limit) {
        collected.append(chunk.subarray(0, limit - collected.size));
        ended = 'overLimit';
        break;
      }
      onChunk?.(chunk, collected.size);
      collected.append(chunk);
      // While the next chunk is on its way.
      hash?.update(chunk);
      const elapsedMs = Date.now() - started;
      if (elapsedMs > timeoutMs && collected.size < (elapsedMs / 1000) * MIN_BYTES_PER_SECOND) {
        ended = 'tooSlow';
        break;
      }
    }
  } catch (error) {
    return { ended: 'failed', bytes: collected.bytes(), elapsedMs: Date.now() - started, error };
  } finally {
    destroyBody(body);
  }
  return { ended, bytes: collected.bytes(), elapsedMs: Date.now() - started };
}

/**
 * A body's bytes as they arrive. With the Content-Length known, each chunk is copied once, into one buffer of that
 * size, while the next is on its way (a 75 MB SBOM otherwise waited for a copy of every chunk at the end); a body
 * longer than it said falls back to collecting chunks.
 */
class BodyBytes {
  size = 0;
  private buffer: Uint8Array | undefined;
  private readonly chunks: Uint8Array[] = [];

  constructor(expected: number | undefined) {
    if (expected !== undefined && expected > 0) this.buffer = new Uint8Array(expected);
  }

  append(chunk: Uint8Array): void {
    if (this.buffer && this.size + chunk.length <= this.buffer.length) this.buffer.set(chunk, this.size);
    else {
      if (this.buffer) this.chunks.push(this.buffer.subarray(0, this.size));
      this.buffer = undefined;
      this.chunks.push(chunk);
    }
    this.size += chunk.length;
  }

  bytes(): Uint8Array {
    if (this.buffer) return this.size === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.size);
    return new Uint8Array(Buffer.concat(this.chunks, this.size));
  }
}

/**
 * Closes a body we stop reading. undici then emits an AbortError on it, which with no listener
 * would be an uncaught exception; the connection is discarded either way.
 */
function destroyBody(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** The error's code, or its cause's (undici wraps some Node errors). */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = (e as Error & { cause?: unknown }).cause, depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code === 'EPROTO' ||
    code.includes('CERT') ||
    code.startsWith('UNABLE_TO_') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN'
  );
}

function tlsText(code: string, host: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the TLS certificate of ${host} is for another host name (${code})`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the TLS certificate of ${host} is not valid now (${code})`;
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
    return `the TLS handshake with ${host} failed (${code}); if the registry speaks plain HTTP, configure it as an HTTP registry`;
  }
  return `the TLS certificate of ${host} is not trusted (${code}); add its CA certificate to the settings, or configure the registry as insecure`;
}

/**
 * Whether NO_PROXY exempts `url`, as Go's httpproxy (and so Docker) reads it: `*` is everything;
 * `example.com` is that host and its subdomains, `.example.com` and `*.example.com` only subdomains;
 * an optional `:port` must match; IP addresses and CIDR ranges match IPs. Like Go, loopback
 * hosts (localhost, 127.0.0.0/8, ::1) never go through a proxy.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host.endsWith('.localhost') || isLoopback(host)) return true;
  if (noProxy === undefined) return false;
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    let entryPort: string | undefined;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      entry = withPort[1] ?? '';
      entryPort = withPort[2];
    }
    entry = entry.replace(/^\[(.*)\]$/, '$1');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || (isIP(host) === 0 && host.endsWith(`.${entry}`))) {
      return true;
    }
  }
  return false;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const family = isIP(host);
  const [network = '', bits = ''] = cidr.split('/');
  const networkFamily = isIP(network);
  if (family === 0 || networkFamily !== family || !/^\d+$/.test(bits)) return false;
  try {
    const list = new BlockList();
    list.addSubnet(network, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}

/** A counting semaphore whose waiters can give up (their signal aborts). */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new Error('aborted');
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new Error('aborted'));
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    // The releasing holder handed its slot over: `active` is unchanged.
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active--;
    };
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    // Not unref'd: the wait is part of a request someone awaits.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
