// A reverse proxy of our own in front of a registry: the client talks to the proxy's host as if it were
// the registry. It records each request (method, path, Authorization, User-Agent) so tests can assert
// which credentials reached which host, and lets an interceptor answer instead (the fault proxy).
// Bodies are buffered: test images are tiny, and faults need whole bodies.
import { Agent as HttpAgent, createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly host: string | undefined;
  /** Every header as received (lower-cased names), e.g. to check that no Proxy-Authorization got this far. */
  readonly headers: IncomingHttpHeaders;
  /** Status the client was answered with (0: none, e.g. a reset or a stall). */
  status: number;
  /** The fault injected into this request's answer, if any. */
  fault: string | undefined;
  /** Date.now() when the request arrived and when its answer was complete (or the client went away). */
  readonly started: number;
  finished: number | undefined;
}

export interface UpstreamResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: RecordedRequest;
  /** The request's body. */
  readonly body: Buffer;
  /** Sends the request to the upstream registry and buffers its answer. */
  upstream(): Promise<UpstreamResponse>;
  /** Answers the client with `response` (Content-Length fixed up; realm rewritten). */
  reply(response: UpstreamResponse): void;
}

/** Answers a request itself (true) or lets it pass to the upstream (false). */
export type Interceptor = (exchange: Exchange) => Promise<boolean> | boolean;

export interface RecordingProxyOptions {
  /** Serve HTTPS. */
  tls?: { certPath: string; keyPath: string };
  /** CA (PEM) to trust when the upstream is HTTPS. */
  upstreamCa?: string;
  /** Rewrite `from` to `to` in WWW-Authenticate, so clients reach a token server the registry names differently. */
  rewriteRealm?: { from: string; to: string };
  intercept?: Interceptor;
  /** The address to listen on; default 127.0.0.1. */
  address?: string;
}

export interface RecordingProxy {
  /** `127.0.0.1:PORT` (or `ADDRESS:PORT`): use it as the registry's name. */
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly upstreamUrl: string;
  readonly requests: RecordedRequest[];
  /** Forget the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length']);

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export function newRecord(req: IncomingMessage): RecordedRequest {
  return { method: req.method ?? '', path: req.url ?? '/', authorization: req.headers.authorization, userAgent: req.headers['user-agent'], host: req.headers.host, headers: { ...req.headers }, status: 0, fault: undefined, started: Date.now(), finished: undefined };
}

/** The most requests that were being answered at the same time. */
export function maxConcurrent(requests: readonly RecordedRequest[]): number {
  const events = requests.flatMap((r) => [
    [r.started, 1],
    [r.finished ?? Infinity, -1],
  ]);
  // Ends before starts at the same millisecond: a request answered then is not overlapping the next.
  events.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0));
  let now = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, (now += delta ?? 0));
  return most;
}

export async function startRecordingProxy(upstreamUrl: string, options: RecordingProxyOptions = {}): Promise<RecordingProxy> {
  const upstream = new URL(upstreamUrl);
  const secure = upstream.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, ...(options.upstreamCa ? { ca: options.upstreamCa } : {}) }) : new HttpAgent({ keepAlive: true });
  const requests: RecordedRequest[] = [];

  const forward = (req: IncomingMessage, body: Buffer): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) => {
      const headers = withoutHopByHop(req.headers);
      if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(req.method ?? '')) headers['content-length'] = String(body.length);
      const send = secure ? httpsRequest : httpRequest;
      const out = send({ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: { ...withoutHopByHop(res.headers), ...(req.method === 'HEAD' && res.headers['content-length'] ? { 'content-length': res.headers['content-length'] } : {}) }, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const reply = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, response: UpstreamResponse): void => {
    const headers: OutgoingHttpHeaders = { ...response.headers };
    const challenge = headers['www-authenticate'];
    if (options.rewriteRealm && challenge !== undefined) {
      const { from, to } = options.rewriteRealm;
      headers['www-authenticate'] = Array.isArray(challenge) ? challenge.map((c) => c.split(from).join(to)) : String(challenge).split(from).join(to);
    }
    if (req.method !== 'HEAD') headers['content-length'] = String(response.body.length);
    record.status = response.status;
    res.writeHead(response.status, headers);
    res.end(req.method === 'HEAD' ? undefined : response.body);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const record = newRecord(req);
    requests.push(record);
    res.once('close', () => (record.finished = Date.now()));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const exchange: Exchange = { req, res, record, body, upstream: () => forward(req, body), reply: (response) => reply(req, res, record, response) };
      void (async () => {
        try {
          if (options.intercept && (await options.intercept(exchange))) return;
          reply(req, res, record, await forward(req, body));
        } catch (error) {
          if (res.headersSent || res.destroyed) return;
          reply(req, res, record, { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`proxy: upstream failed: ${(error as Error).message}`) });
        }
      })();
    });
  };

  const server: Server = options.tls ? createHttpsServer({ cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.address ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const address = options.address ?? '127.0.0.1';
  const host = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    host,
    port,
    url: `${options.tls ? 'https' : 'http'}://${host}`,
    upstreamUrl,
    requests,
    reset: () => void (requests.length = 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
