// Registry authentication as Docker does it (distribution's registry/client/auth, RFC 7235 challenges):
// the first request goes anonymous; a 401's WWW-Authenticate says Basic or Bearer. Bearer tokens come
// from the realm the registry names (the Docker token spec: GET with service and scope, or an OAuth2
// refresh_token POST for identity tokens) and are kept per host and scope until they expire. Once a
// host has answered with a challenge, later requests to it send credentials (or fetch a token for a
// new scope) up front instead of paying another 401 round trip.

import { untilAborted } from './abort';
import { bearerChallenge, parseWwwAuthenticate } from './authChallenge';
import { CredentialHelperError } from './credentialHelper';
import type { CredentialStore } from './credentials';
import type { Credentials } from './dockerConfig';
import { RegistryError, redactUrl } from './errors';
import { hostSettings, type RegistrySettings } from './settings';
import { headerValues, type Transport, type TransportResponse } from './transport';

/** Where a request goes: the upstream registry or one of its mirrors. */
export interface AuthTarget {
  /** The key for credentials and settings: ImageRef.registry ('docker.io') or the mirror's host. */
  registry: string;
  /** The host requests go to ('registry-1.docker.io', 'mirror.local:5000'). */
  apiHost: string;
  http: boolean;
  insecure: boolean;
  /** The familiar image text, for errors. */
  image: string;
}

/** What to send after a 401, and whether it carries the user's credentials (for the error if it fails too). */
export interface ChallengeAnswer {
  authorization: string;
  withCredentials: boolean;
}

/** The first request's authorization (absent: anonymous), and the call that ends a probe. */
export interface FirstAttempt {
  authorization?: string;
  withCredentials: boolean;
  settle(status?: number): void;
}

type HostScheme = { scheme: 'none' } | { scheme: 'basic' } | { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'registryToken' };

interface Token {
  value: string;
  expiresAt: number;
  /** Fetched with the user's credentials (not anonymously). */
  withCredentials: boolean;
}

/** client_id for the OAuth2 refresh-token grant; Docker sends its own name here. */
const CLIENT_ID = 'image-provenance';
/** The Docker token spec's default when `expires_in` is missing. */
const DEFAULT_TOKEN_SECONDS = 60;
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
/**
 * The longest token sent: Node's default http.maxHeaderSize, 16 KiB for all of a request's headers, which
 * Node servers and proxies enforce (431); a token that long cannot reach them with the rest of a request.
 */
const MAX_TOKEN_LENGTH = 16 * 1024;

export class Authenticator {
  private readonly schemes = new Map<string, HostScheme>();
  private readonly probes = new Map<string, Promise<void>>();
  private readonly tokens = new Map<string, Token>();
  private readonly tokenFlights = new Map<string, Promise<Token>>();
  private readonly credentialCache = new Map<string, Promise<Credentials | undefined>>();

  constructor(
    private readonly transport: Transport,
    private readonly settings: RegistrySettings,
    private readonly store: CredentialStore,
    /** The store is NO_CREDENTIALS (a restricted workspace): a 401 then means 'untrusted'. */
    private readonly untrusted: boolean,
    private readonly now: () => number,
  ) {}

  /**
   * What to send first: a cached token, or what this host asked for before; no authorization =
   * anonymous. The first request to a host is a probe: requests that come while it is out wait for
   * it, so that a burst of requests to a new host costs one 401, not one each. Call `settle` with
   * the status once the first answer (and any challenge) has been handled.
   */
  async authorization(target: AuthTarget, scope: string, signal: AbortSignal | undefined): Promise<FirstAttempt> {
    const host = target.apiHost;
    let known = this.schemes.get(host);
    if (known === undefined) {
      const probe = this.probes.get(host);
      if (probe === undefined) {
        let done: () => void = () => undefined;
        const current = new Promise<void>((resolve) => (done = resolve));
        this.probes.set(host, current);
        const settle = (status?: number): void => {
          // Any answer but 401 says anonymous requests work here (until some repository says otherwise).
          if (status !== undefined && status !== 401 && !this.schemes.has(host)) this.schemes.set(host, { scheme: 'none' });
          if (this.probes.get(host) === current) this.probes.delete(host);
          done();
        };
        return { withCredentials: false, settle };
      }
      await untilAborted(probe, signal, () => new RegistryError('cancelled', target.image, host, `${target.image}: cancelled`));
      known = this.schemes.get(host);
      if (known === undefined) return { withCredentials: false, settle: () => undefined };
    }
    const settled = (authorization: string | undefined, withCredentials: boolean): FirstAttempt =>
      authorization === undefined ? { withCredentials: false, settle: () => undefined } : { authorization, withCredentials, settle: () => undefined };
    if (known.scheme === 'none') return settled(undefined, false);
    const token = this.cachedToken(target, scope);
    if (token !== undefined) return settled(`Bearer ${token.value}`, token.withCredentials);
    const credentials = await this.credentials(target);
    if (known.scheme === 'bearer' && credentials?.kind !== 'registryToken') {
      const fetched = await this.token(target, scope, known, undefined, credentials, signal);
      return settled(`Bearer ${fetched.value}`, fetched.withCredentials);
    }
    const authorization = credentialHeader(credentials);
    return settled(authorization, authorization !== undefined);
  }

  /**
   * Reads a 401 and says what to send next. `sent` is what the failed request carried: when it had
   * a token or credentials, those are forgotten first (a token the server no longer honours, a
   * password changed since), so one fresh attempt is made.
   */
  async answerChallenge(target: AuthTarget, scope: string, response: TransportResponse, sent: string | undefined, signal: AbortSignal | undefined): Promise<ChallengeAnswer> {
    if (sent !== undefined) {
      this.tokens.delete(tokenKey(target, scope));
      this.credentialCache.delete(target.registry);
    }
    const challenges = parseWwwAuthenticate(headerValues(response.headers, 'www-authenticate'));
    const bearer = bearerChallenge(challenges);
    const credentials = await this.credentials(target);

    // A registry token is sent as is, whatever the challenge (Docker: `if authConfig.RegistryToken != ""`).
    if (credentials?.kind === 'registryToken') {
      this.schemes.set(target.apiHost, { scheme: 'registryToken' });
      const authorization = `Bearer ${credentials.token}`;
      if (authorization === sent) throw this.failure(target, 401, true, response);
      return { authorization, withCredentials: true };
    }
    if (bearer !== undefined) {
      const scheme: HostScheme = bearer.service !== undefined ? { scheme: 'bearer', realm: bearer.realm, service: bearer.service } : { scheme: 'bearer', realm: bearer.realm };
      this.schemes.set(target.apiHost, scheme);
      const token = await this.token(target, scope, scheme, bearer.scope, credentials, signal);
      const authorization = `Bearer ${token.value}`;
      const { withCredentials } = token;
      if (authorization === sent) throw this.failure(target, 401, withCredentials, response);
      return { authorization, withCredentials };
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.schemes.set(target.apiHost, { scheme: 'basic' });
      const authorization = credentialHeader(credentials);
      if (authorization === undefined || authorization === sent) throw this.failure(target, 401, authorization !== undefined, response);
      return { authorization, withCredentials: true };
    }
    throw new RegistryError(
      'unauthorized',
      target.image,
      target.apiHost,
      `${target.image}: ${target.apiHost} answered 401 Unauthorized without a Basic or Bearer challenge, so there is no way to sign in to it`,
      { status: 401, url: redactUrl(response.url) },
    );
  }

  /** The error for a 401 or 403 that signing in did not (or could not) fix. */
  failure(target: AuthTarget, status: number, withCredentials: boolean, response?: TransportResponse): RegistryError {
    const host = target.apiHost;
    // Refused without credentials: the user may sign in (docker login) before the next attempt, which
    // must ask the store again rather than reuse its earlier "none".
    if (!withCredentials) this.credentialCache.delete(target.registry);
    const details = response !== undefined ? { status, url: redactUrl(response.url) } : { status };
    const login = target.registry === 'docker.io' ? 'docker login' : `docker login ${target.registry}`;
    if (!withCredentials && this.untrusted) {
      return new RegistryError(
        'untrusted',
        target.image,
        host,
        `${target.image}: ${host} needs credentials, but this workspace is not trusted, so none are used (trust the workspace to use your sign-in)`,
        details,
      );
    }
    if (status === 403) {
      return new RegistryError(
        'denied',
        target.image,
        host,
        withCredentials
          ? `${target.image}: ${host} denied access (403 Forbidden): the signed-in account may not pull this repository`
          : `${target.image}: ${host} denied access (403 Forbidden); sign in (${login}) with an account that may pull this repository`,
        details,
      );
    }
    return new RegistryError(
      'unauthorized',
      target.image,
      host,
      withCredentials
        ? `${target.image}: ${host} rejected the credentials (401 Unauthorized); sign in again (${login})`
        : `${target.image}: ${host} needs credentials (401 Unauthorized); sign in (${login}). Some registries also answer 401 for a repository that does not exist`,
      details,
    );
  }

  /** Forgets tokens, the schemes hosts asked for, and looked-up credentials. */
  clear(): void {
    this.schemes.clear();
    this.probes.clear();
    this.tokens.clear();
    this.tokenFlights.clear();
    this.credentialCache.clear();
  }

  private cachedToken(target: AuthTarget, scope: string): Token | undefined {
    const key = tokenKey(target, scope);
    const token = this.tokens.get(key);
    if (token === undefined) return undefined;
    if (token.expiresAt > this.now()) return token;
    this.tokens.delete(key);
    return undefined;
  }

  /** A token for host and scope: cached, or fetched once however many requests want it at the same time. */
  private async token(
    target: AuthTarget,
    scope: string,
    scheme: HostScheme & { scheme: 'bearer' },
    challengeScope: string | undefined,
    credentials: Credentials | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Token> {
    const key = tokenKey(target, scope);
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached;
    let flight = this.tokenFlights.get(key);
    if (flight === undefined) {
      // Not tied to this caller's signal: other requests may be waiting for the same token.
      flight = this.fetchToken(target, scope, scheme, challengeScope, credentials).then((token) => {
        this.tokens.set(key, token);
        return token;
      });
      const current = flight;
      this.tokenFlights.set(key, flight);
      const forget = (): void => {
        if (this.tokenFlights.get(key) === current) this.tokenFlights.delete(key);
      };
      flight.then(forget, forget);
    }
    return untilAborted(flight, signal, () => new RegistryError('cancelled', target.image, target.apiHost, `${target.image}: cancelled`));
  }

  private async fetchToken(
    target: AuthTarget,
    scope: string,
    scheme: HostScheme & { scheme: 'bearer' },
    challengeScope: string | undefined,
    credentials: Credentials | undefined,
  ): Promise<Token> {
    const fail = (kind: 'badResponse' | 'insecure', text: string): RegistryError => new RegistryError(kind, target.image, target.apiHost, `${target.image}: ${text}`);
    let realm: URL;
    try {
      realm = new URL(scheme.realm);
    } catch {
      throw fail('badResponse', `${target.apiHost} named a token service that is not a URL`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw fail('badResponse', `${target.apiHost} named a token service that is not an http(s) URL`);

    // Scopes merged as go-containerregistry does: ours, plus any other the challenge asked for.
    const scopes = [scope];
    for (const s of (challengeScope ?? '').split(' ')) if (s !== '' && !scopes.includes(s)) scopes.push(s);

    const realmSettings = hostSettings(this.settings, realm.host);
    const sendsSecret = credentials?.kind === 'basic' || credentials?.kind === 'identityToken';
    if (sendsSecret && realm.protocol === 'http:' && !realmSettings.http && !realmSettings.insecure && !target.http && !target.insecure) {
      throw fail(
        'insecure',
        `${target.apiHost} asks for credentials to be sent to its token service ${redactUrl(realm)} over plain HTTP; they were not sent. Configure ${realm.host} (or ${target.registry}) as an HTTP registry if that is intended`,
      );
    }

    const base = {
      url: realm,
      maxBytes: MAX_TOKEN_RESPONSE_BYTES,
      image: target.image,
      host: realm.host,
      what: 'a token',
      purpose: 'token' as const,
      // The registry's own token service: a self-signed registry's usually shares its certificate.
      insecure: realmSettings.insecure ?? target.insecure,
    };
    let response: TransportResponse;
    if (credentials?.kind === 'identityToken') {
      // OAuth2 refresh-token grant, as the Docker CLI does for an identity token.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.token, client_id: CLIENT_ID, scope: scopes.join(' ') });
      if (scheme.service !== undefined) form.set('service', scheme.service);
      response = await this.transport.send({ ...base, method: 'POST', body: form.toString() });
    } else {
      const url = new URL(realm);
      if (scheme.service !== undefined) url.searchParams.set('service', scheme.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (credentials?.kind === 'basic') url.searchParams.set('account', credentials.username);
      const authorization = credentialHeader(credentials);
      response = await this.transport.send(authorization !== undefined ? { ...base, url, method: 'GET', authorization } : { ...base, url, method: 'GET' });
    }

    if (response.status === 401 || response.status === 403) throw this.failure(target, response.status, sendsSecret, response);
    if (response.status !== 200) {
      throw new RegistryError('badResponse', target.image, realm.host, `${target.image}: the token service of ${target.apiHost} answered ${response.status}`, {
        status: response.status,
        url: redactUrl(response.url),
      });
    }
    return this.readToken(response, target, realm, sendsSecret);
  }

  private readToken(response: TransportResponse, target: AuthTarget, realm: URL, withCredentials: boolean): Token {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(response.bytes).toString('utf8'));
    } catch {
      body = undefined;
    }
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const value = typeof record['token'] === 'string' && record['token'] !== '' ? record['token'] : record['access_token'];
    if (typeof value !== 'string' || value === '') {
      throw new RegistryError('badResponse', target.image, realm.host, `${target.image}: the token service of ${target.apiHost} answered without a token`, {
        status: response.status,
        url: redactUrl(response.url),
      });
    }
    const unusable = unsendable(value);
    if (unusable !== undefined) {
      // Never cached: undici would refuse it on every request, reported as the registry being unreachable.
      throw new RegistryError('badResponse', target.image, realm.host, `${target.image}: the token service ${realm.host} of ${target.apiHost} answered a token that cannot be sent in an HTTP header (${unusable}); it was not used`, {
        status: response.status,
        url: redactUrl(response.url),
      });
    }
    const expiresIn = typeof record['expires_in'] === 'number' && record['expires_in'] > 0 ? record['expires_in'] : DEFAULT_TOKEN_SECONDS;
    // Measured from receipt on our clock rather than from `issued_at`: a server clock that is off
    // would otherwise make every token look expired (or valid too long). A margin keeps a token
    // from expiring on its way to the registry.
    const lifetimeMs = expiresIn * 1000;
    return { value, expiresAt: this.now() + lifetimeMs - Math.min(10_000, lifetimeMs / 10), withCredentials };
  }

  /** The store's answer for this host, looked up once until cleared (helpers are processes). */
  private credentials(target: AuthTarget): Promise<Credentials | undefined> {
    let lookup = this.credentialCache.get(target.registry);
    if (lookup === undefined) {
      lookup = this.lookUp(target);
      this.credentialCache.set(target.registry, lookup);
      // A failed lookup is not remembered: the next request asks again.
      lookup.catch(() => this.credentialCache.delete(target.registry));
    }
    return lookup;
  }

  private async lookUp(target: AuthTarget): Promise<Credentials | undefined> {
    try {
      return await this.store.get(target.registry);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      // CredentialHelperError's message names helper and registry, never what the helper printed.
      const why = error instanceof CredentialHelperError ? error.message : `the credentials for ${target.registry} could not be read`;
      throw new RegistryError('credentials', target.image, target.apiHost, `${target.image}: ${why}`);
    }
  }
}

/**
 * Why `token` cannot be sent as `Authorization: Bearer <token>` byte for byte as the token service wrote it,
 * or undefined when it can. A bearer token is a b64token (RFC 6750 §2.1); any visible ASCII (RFC 9110 §5.5
 * VCHAR) is accepted. A line break would end the header (undici refuses it); undici also refuses characters
 * past Latin-1, and would send Latin-1 ones as single bytes where the server meant UTF-8.
 */
function unsendable(token: string): string | undefined {
  if (/[\r\n]/.test(token)) return 'it contains a line break';
  if (/\P{ASCII}/u.test(token)) return 'it contains characters outside ASCII';
  if (/[^\x21-\x7e]/.test(token)) return 'it contains white space or a control character';
  if (token.length > MAX_TOKEN_LENGTH) return `it is ${Math.ceil(token.length / 1024)} KiB long, more than the ${MAX_TOKEN_LENGTH / 1024} KiB a server accepts for all of a request's headers`;
  return undefined;
}

function tokenKey(target: AuthTarget, scope: string): string {
  return `${target.apiHost} ${scope}`;
}

function credentialHeader(credentials: Credentials | undefined): string | undefined {
  if (credentials === undefined) return undefined;
  if (credentials.kind === 'registryToken') return `Bearer ${credentials.token}`;
  if (credentials.kind === 'basic') return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  // An identity token is only good for the token service's refresh-token grant.
  return undefined;
}

/** `repository:<name>:pull`, the scope a pull needs (Docker token spec). */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

