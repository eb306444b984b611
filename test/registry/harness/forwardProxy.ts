// A forward proxy of our own (what `http.proxy` / HTTPS_PROXY point at): CONNECT tunnels piped to
// net.connect, and plain-HTTP requests with an absolute URI (`GET http://host:port/path`) forwarded.
// It records every tunnel and request (the target host:port and the Proxy-Authorization it got), can
// require Basic proxy credentials (407 otherwise) and can itself be served over TLS (an https:// proxy).
// It never looks inside a tunnel: what the client sends the registry is for a recording proxy behind it.
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxiedRecord {
  /** 'tunnel': a CONNECT; 'request': an absolute-URI request forwarded as is. */
  readonly kind: 'tunnel' | 'request';
  /** host:port asked for (the port filled in for absolute URIs without one). */
  readonly target: string;
  readonly method: string;
  /** The Proxy-Authorization header the proxy received, if any. */
  readonly proxyAuthorization: string | undefined;
  /** What the proxy answered: 200 for an established tunnel, 407, 502 (target unreachable), or the target's status. 0 until known. */
  status: number;
}

export interface ForwardProxyOptions {
  /** Require `Proxy-Authorization: Basic` for these credentials; anything else is answered 407. */
  auth?: { username: string; password: string };
  /** Serve the proxy itself over HTTPS, with this certificate (an `https://` proxy URL). */
  tls?: { certPath: string; keyPath: string };
}

export interface ForwardProxy {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` (`https://` with `tls`), without credentials. */
  readonly url: string;
  /** The URL with `user:password@` (percent-encoded, as a user would write it). */
  urlWith(username: string, password: string): string;
  readonly records: ProxiedRecord[];
  /** Forget the records. */
  reset(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** `host:port` of a CONNECT target (`[::1]:443` kept bracketed), or undefined when it is not one. */
function splitTarget(target: string): { hostname: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d+)$/.exec(target);
  if (!match) return undefined;
  return { hostname: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const records: ProxiedRecord[] = [];
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`, 'utf8').toString('base64')}` : undefined;
  const authorized = (req: IncomingMessage): boolean => expected === undefined || req.headers['proxy-authorization'] === expected;
  const PROXY_AUTHENTICATE = 'Basic realm="test-forward-proxy"';

  // CONNECT host:port → a TCP connection to it, then bytes both ways.
  const onConnect = (req: IncomingMessage, client: Duplex, head: Buffer): void => {
    track(client);
    client.on('error', () => undefined);
    const record: ProxiedRecord = { kind: 'tunnel', target: req.url ?? '', method: 'CONNECT', proxyAuthorization: req.headers['proxy-authorization'], status: 0 };
    records.push(record);
    const answer = (status: number, text: string, extra: string[] = []): void => {
      record.status = status;
      client.end([`HTTP/1.1 ${status} ${text}`, ...extra, 'Content-Length: 0', 'Connection: close', '', ''].join('\r\n'));
    };
    if (!authorized(req)) return answer(407, 'Proxy Authentication Required', [`Proxy-Authenticate: ${PROXY_AUTHENTICATE}`]);
    const target = splitTarget(record.target);
    if (!target) return answer(400, 'Bad Request');
    const upstream: Socket = connect(target.port, target.hostname);
    track(upstream);
    upstream.once('connect', () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (record.status === 0) answer(502, 'Bad Gateway');
      else client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  };

  // GET http://host:port/path → that request, sent on (without the proxy's own headers).
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL | undefined;
    try {
      url = new URL(req.url ?? '');
    } catch {
      url = undefined;
    }
    const target = url === undefined ? (req.url ?? '') : `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port || '80'}`;
    const record: ProxiedRecord = { kind: 'request', target, method: req.method ?? '', proxyAuthorization: req.headers['proxy-authorization'], status: 0 };
    records.push(record);
    const answer = (status: number, text: string, headers: OutgoingHttpHeaders = {}): void => {
      record.status = status;
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
    };
    if (!authorized(req)) return answer(407, 'proxy authentication required\n', { 'proxy-authenticate': PROXY_AUTHENTICATE });
    if (url === undefined || url.protocol !== 'http:') return answer(400, 'this is a proxy: send an absolute http:// URI, or CONNECT\n');
    const out = httpRequest({ hostname: url.hostname, port: url.port || 80, method: req.method, path: `${url.pathname}${url.search}`, headers: withoutHopByHop(req.headers) }, (upstream) => {
      record.status = upstream.statusCode ?? 502;
      res.writeHead(record.status, withoutHopByHop(upstream.headers));
      upstream.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) answer(502, 'proxy: the target could not be reached\n');
      else res.destroy();
    });
    req.pipe(out);
  };

  const server: Server = options.tls ? createHttpsServer({ cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) }, onRequest) : createHttpServer(onRequest);
  server.on('connect', onConnect);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const scheme = options.tls ? 'https' : 'http';
  return {
    host,
    port,
    url: `${scheme}://${host}`,
    urlWith: (username, password) => `${scheme}://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}`,
    records,
    reset: () => void (records.length = 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        // Tunnels left the server's hands at CONNECT: closeAllConnections() does not see them.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
