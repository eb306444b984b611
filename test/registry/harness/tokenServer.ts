// A token server of our own, implementing Docker's token authentication spec
// (distribution docs/spec/auth/token.md, jwt.md and oauth.md) well enough for distribution 2.8.2 to accept
// its tokens: GET <realm>?service=&scope= with optional Basic credentials, and POST <realm> with a form
// (grant_type=password or refresh_token). Tokens are JWTs signed ES256 whose header carries the signing
// certificate in `x5c`; distribution verifies that chain against `auth.token.rootcertbundle`.
// Every request is recorded, so tests can assert who sent which credentials.
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface TokenServerOptions {
  /** `iss`; the registry's `auth.token.issuer` must match. */
  issuer: string;
  /** `aud`; the registry's `auth.token.service` must match. Clients send it as `service=`. */
  service: string;
  signingKeyPem: string;
  signingCertPem: string;
  /** username → password, for Basic on GET and grant_type=password on POST. */
  users?: Record<string, string>;
  /** Identity (refresh) tokens: refresh token → username, for grant_type=refresh_token. */
  refreshTokens?: Record<string, string>;
  /** Whether requests without credentials get (pull-only) tokens; default true. False: 401. */
  anonymous?: boolean;
  /** Which actions a user (undefined: anonymous) gets on a repository; default: all asked for a user, pull for anonymous. */
  grant?: (user: string | undefined, repository: string, asked: string[]) => string[];
  /** Serve HTTPS. */
  tls?: { certPath: string; keyPath: string };
  /** `expires_in` in seconds; default 300. */
  expiresInSeconds?: number;
  /** Path of the realm; default /token. */
  path?: string;
}

export interface TokenRequest {
  readonly method: string;
  readonly path: string;
  /** The query's parameters (`scope` may repeat). */
  readonly query: Record<string, string[]>;
  /** POST form parameters (grant_type, refresh_token, …). */
  readonly form: Record<string, string>;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  /** Who the server took the caller to be (undefined: anonymous or refused). */
  user: string | undefined;
  status: number;
}

export interface IssuedToken {
  readonly user: string | undefined;
  readonly access: AccessEntry[];
  readonly token: string;
}

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** Tokens no HTTP header can carry, as a broken token service might answer them. */
export type UnsendableToken = 'lineBreak' | 'nonLatin1' | 'oversized';

export interface TokenServer {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** The realm to configure in the registry: url + path. */
  readonly realm: string;
  readonly host: string;
  readonly requests: TokenRequest[];
  readonly issued: IssuedToken[];
  /** While set, every token is answered spoiled this way (`issued` keeps the good one). */
  unsendable: UnsendableToken | undefined;
  /** Forget recorded requests and issued tokens. */
  reset(): void;
  close(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const path = options.path ?? '/token';
  const key = createPrivateKey(options.signingKeyPem);
  const x5c = [new X509Certificate(options.signingCertPem).raw.toString('base64')];
  const requests: TokenRequest[] = [];
  const issued: IssuedToken[] = [];
  const state: { unsendable: UnsendableToken | undefined } = { unsendable: undefined };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://token.invalid');
      const query: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
      const form: Record<string, string> = {};
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) form[k] = v;
      const record: TokenRequest = { method: req.method ?? '', path: url.pathname, query, form, authorization: req.headers.authorization, userAgent: req.headers['user-agent'], user: undefined, status: 0 };
      requests.push(record);
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        record.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const refuse = (detail: string): void => reply(401, { errors: [{ code: 'UNAUTHORIZED', message: detail }] }, { 'WWW-Authenticate': `Basic realm="${options.service}"` });

      if (url.pathname !== path) return reply(404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
      if (req.method === 'GET') {
        if ((query['service']?.[0] ?? '') !== options.service) return reply(400, { errors: [{ code: 'INVALID_SERVICE', message: 'unknown service' }] });
        const who = basicUser(req.headers.authorization, options.users ?? {});
        if (who === 'invalid') return refuse('invalid username or password');
        if (who === undefined && options.anonymous === false) return refuse('authentication required');
        record.user = who;
        const scopes = (query['scope'] ?? []).flatMap((s) => s.split(' ')).filter(Boolean);
        const token = issue(who, scopes);
        const now = Math.floor(Date.now() / 1000);
        const body: Record<string, unknown> = { token, access_token: token, expires_in: expiresIn(), issued_at: new Date(now * 1000).toISOString() };
        if (who && query['offline_token']?.[0] === 'true') body['refresh_token'] = newRefreshToken(who);
        return reply(200, body);
      }
      if (req.method === 'POST') {
        if ((form['service'] ?? '') !== options.service) return reply(400, { errors: [{ code: 'INVALID_SERVICE', message: 'unknown service' }] });
        let who: string | undefined;
        if (form['grant_type'] === 'refresh_token') {
          who = form['refresh_token'] !== undefined ? refreshTokens.get(form['refresh_token']) : undefined;
          if (who === undefined) return refuse('invalid refresh token');
        } else if (form['grant_type'] === 'password') {
          const username = form['username'] ?? '';
          if (username === '' || (options.users ?? {})[username] !== form['password']) return refuse('invalid username or password');
          who = username;
        } else {
          return reply(400, { errors: [{ code: 'UNSUPPORTED_GRANT_TYPE', message: 'unsupported grant_type' }] });
        }
        record.user = who;
        const scopes = (form['scope'] ?? '').split(' ').filter(Boolean);
        const body: Record<string, unknown> = { access_token: issue(who, scopes), expires_in: expiresIn(), issued_at: new Date().toISOString(), scope: form['scope'] ?? '' };
        if (form['grant_type'] === 'password' && form['access_type'] === 'offline') body['refresh_token'] = newRefreshToken(who);
        return reply(200, body);
      }
      reply(405, { errors: [{ code: 'UNSUPPORTED', message: 'method not allowed' }] });
    });
  };

  const refreshTokens = new Map(Object.entries(options.refreshTokens ?? {}));
  const newRefreshToken = (user: string): string => {
    const token = randomBytes(16).toString('hex');
    refreshTokens.set(token, user);
    return token;
  };
  const expiresIn = (): number => options.expiresInSeconds ?? 300;
  const issue = (user: string | undefined, scopes: string[]): string => {
    const access = scopes.map(parseScope).filter((a): a is AccessEntry => a !== undefined).map((a) => ({ ...a, actions: granted(user, a) })).filter((a) => a.actions.length > 0);
    const token = signToken(key, x5c, { issuer: options.issuer, service: options.service, subject: user ?? '', access, expiresInSeconds: expiresIn() });
    issued.push({ user, access, token });
    return spoiled(token, state.unsendable);
  };
  const granted = (user: string | undefined, entry: AccessEntry): string[] => {
    if (entry.type !== 'repository') return user ? entry.actions : [];
    if (options.grant) return options.grant(user, entry.name, entry.actions);
    return user ? entry.actions : entry.actions.filter((a) => a === 'pull');
  };

  const server: Server = options.tls ? createHttpsServer({ cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const url = `${options.tls ? 'https' : 'http'}://${host}`;
  return {
    url,
    realm: `${url}${path}`,
    host,
    requests,
    issued,
    get unsendable() {
      return state.unsendable;
    },
    set unsendable(kind: UnsendableToken | undefined) {
      state.unsendable = kind;
    },
    reset: () => {
      requests.length = 0;
      issued.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function spoiled(token: string, kind: UnsendableToken | undefined): string {
  switch (kind) {
    case undefined:
      return token;
    case 'lineBreak':
      return `${token}\r\nX-Injected: 1`;
    case 'nonLatin1':
      return `${token}\u2713`;
    case 'oversized':
      return 'A'.repeat(20 * 1024);
  }
}

/** `repository:demo/app:pull,push` → {type, name, actions}. Names have no ':' (a registry host is not part of them). */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

/** The user named by a Basic header: undefined without one, 'invalid' when it does not match `users`. */
function basicUser(authorization: string | undefined, users: Record<string, string>): string | undefined | 'invalid' {
  const credentials = decodeBasic(authorization);
  if (credentials === undefined) return authorization ? 'invalid' : undefined;
  return Object.hasOwn(users, credentials.username) && users[credentials.username] === credentials.password ? credentials.username : 'invalid';
}

/** Decodes `Basic base64(user:password)`; undefined for anything else. */
export function decodeBasic(authorization: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: AccessEntry[];
}

/** A JWT as distribution 2.8.2 verifies it: ES256 (r‖s, not DER), `x5c` header, `aud` a string. */
export function signToken(key: KeyObject, x5c: string[], claims: { issuer: string; service: string; subject: string; access: AccessEntry[]; expiresInSeconds: number }): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'ES256', x5c };
  const payload: TokenClaims = { iss: claims.issuer, sub: claims.subject, aud: claims.service, exp: now + claims.expiresInSeconds, nbf: now - 1, iat: now, jti: randomBytes(12).toString('hex'), access: claims.access };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}

/** The claims of a token (not verified: for tests asking whom a bearer token was issued to). */
export function decodeTokenClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return undefined;
  }
}
