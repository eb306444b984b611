// The recording proxy plus faults injected on demand: a real registry does not misbehave when asked.
// Set `proxy.fault = {...}` in a test, clear it with `proxy.fault = undefined`. Faults that alter an
// answer (bytes, headers, size, redirects to another host) apply only to the registry's successful
// answers, so auth challenges (401) still pass; faults that replace the answer (statuses, resets, stalls,
// loops) apply to every matching request.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Digest } from './digest';
import { newRecord, startRecordingProxy, type Exchange, type RecordedRequest, type RecordingProxy, type RecordingProxyOptions, type UpstreamResponse } from './recordingProxy';

export type FaultKind =
  /** Flips bytes of the body, keeping its length (and the registry's Docker-Content-Digest). */
  | { kind: 'wrongBody' }
  /** The body intact, Docker-Content-Digest naming other bytes. */
  | { kind: 'lyingDigestHeader' }
  /** No Docker-Content-Digest (as ECR and some proxies). Not an error: the client must hash. */
  | { kind: 'dropDigestHeader' }
  /** 'contentLength': a huge Content-Length, then the real bytes and a stall; 'padded': chunked, the body padded with JSON whitespace to `bytes` (default 8 MiB). */
  | { kind: 'oversized'; mode: 'contentLength' | 'padded'; bytes?: number }
  /** Chunked; the real body followed by whitespace forever, until the client goes away. */
  | { kind: 'endlessBody' }
  /** 'headers': never answer; 'body': headers and half the body, then nothing. */
  | { kind: 'stall'; phase: 'headers' | 'body' }
  /**
   * The headers and all but the body's last `bytes`, then the rest once `release` settles (with each byte's bits
   * flipped when `corrupt`): a blob whose tail is slow, or wrong.
   */
  | { kind: 'holdTail'; bytes: number; release: Promise<void>; corrupt?: boolean }
  /** `retryAfter`: seconds, an HTTP date, or a function giving either when the answer is sent. */
  | { kind: 'status429'; retryAfter?: number | string | (() => number | string) }
  /** 403 with distribution's error body (code DENIED), as a registry refusing this client the repository. */
  | { kind: 'status403' }
  | { kind: 'status500' }
  | { kind: 'status503' }
  /** TCP reset before any answer. */
  | { kind: 'connectionReset' }
  /**
   * 307 to a second server (another port: another host) that serves the real bytes and records whether
   * Authorization arrived; with `targetFault`, the target serves flipped bytes or a 500 instead.
   */
  | { kind: 'redirectToOtherHost'; targetFault?: 'wrongBody' | 'status500' }
  /** 307s between two URLs of the proxy, forever. */
  | { kind: 'redirectLoop' }
  /** Status and headers right, body not JSON, Docker-Content-Digest matching the bad bytes: only parsing catches it. */
  | { kind: 'malformedJson' }
  /** Content-Type (default text/html) and an HTML body, Docker-Content-Digest matching it; `keepBody`: only the Content-Type changes. */
  | { kind: 'wrongContentType'; contentType?: string; keepBody?: boolean }
  /** The real answer, `delayMs` late. */
  | { kind: 'slow'; delayMs: number }
  /**
   * This status at once (401 with a Basic challenge, 307 back to the same path), then its body a byte every
   * 100 ms until the client goes away: never idle long enough for a body timeout, never finished.
   */
  | { kind: 'slowErrorBody'; status: 401 | 404 | 503 | 307 }
  /** The real answer with `bytes` (default 32 KiB) more of response headers. */
  | { kind: 'oversizedHeader'; bytes?: number };

export type Fault = FaultKind & {
  /** Which requests: tested against path and query; default all. */
  path?: RegExp;
  /** Only this method (GET, HEAD, …); default all. */
  method?: string;
  /** Inject this many times, then pass through (transient faults); default always. */
  times?: number;
};

export interface RedirectTarget {
  readonly host: string;
  readonly url: string;
  /** Every request the redirect target received. */
  readonly requests: RecordedRequest[];
}

export interface FaultProxy extends RecordingProxy {
  fault: Fault | undefined;
  /** How many times the current or past faults were injected. */
  readonly injected: number;
  readonly redirectTarget: RedirectTarget;
}

/** A query parameter like a CDN's signature; it must not show up in the client's messages. */
export const REDIRECT_SIGNATURE_PARAM = 'X-Test-Signature';

const REPLACING = new Set<FaultKind['kind']>(['stall', 'holdTail', 'status429', 'status403', 'status500', 'status503', 'connectionReset', 'redirectLoop', 'slow', 'slowErrorBody']);

export async function startFaultProxy(upstreamUrl: string, options: Omit<RecordingProxyOptions, 'intercept'> = {}): Promise<FaultProxy> {
  const target = await startRedirectTarget();
  let injected = 0;
  const state: { fault: Fault | undefined; remaining: number } = { fault: undefined, remaining: Infinity };

  const intercept = async (x: Exchange): Promise<boolean> => {
    const fault = state.fault;
    if (!fault || state.remaining <= 0) return false;
    if (fault.method && fault.method !== x.req.method) return false;
    if (fault.path && !fault.path.test(x.req.url ?? '')) return false;
    const take = (): void => {
      state.remaining--;
      injected++;
      x.record.fault = fault.kind;
    };
    if (REPLACING.has(fault.kind)) {
      take();
      replace(x, fault);
      return true;
    }
    const response = await x.upstream();
    if (response.status < 200 || response.status > 299) {
      x.reply(response);
      return true;
    }
    take();
    alter(x, fault, response, target);
    return true;
  };

  const proxy = await startRecordingProxy(upstreamUrl, { ...options, intercept });
  return {
    ...proxy,
    get fault() {
      return state.fault;
    },
    set fault(f: Fault | undefined) {
      state.fault = f;
      state.remaining = f?.times ?? Infinity;
    },
    get injected() {
      return injected;
    },
    redirectTarget: target,
    close: async () => {
      state.fault = undefined;
      await Promise.all([proxy.close(), target.close()]);
    },
  };
}

function errorBody(code: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ errors: [{ code, message, detail: null }] }));
}

function replace(x: Exchange, fault: Fault): void {
  const { req, res, record } = x;
  switch (fault.kind) {
    case 'status429': {
      const retryAfter = typeof fault.retryAfter === 'function' ? fault.retryAfter() : fault.retryAfter;
      return x.reply({ status: 429, headers: { 'content-type': 'application/json', ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) }, body: errorBody('TOOMANYREQUESTS', 'too many requests') });
    }
    case 'status403':
      return x.reply({ status: 403, headers: { 'content-type': 'application/json' }, body: errorBody('DENIED', 'requested access to the resource is denied') });
    case 'status500':
      return x.reply({ status: 500, headers: { 'content-type': 'application/json' }, body: errorBody('UNKNOWN', 'internal server error') });
    case 'status503':
      return x.reply({ status: 503, headers: { 'content-type': 'application/json' }, body: errorBody('UNAVAILABLE', 'service unavailable') });
    case 'connectionReset':
      // RST, not FIN: what a crashing load balancer does.
      req.socket.resetAndDestroy();
      return;
    case 'stall':
      if (fault.phase === 'headers') return; // The proxy's close() destroys the socket.
      void x.upstream().then((r) => {
        if (res.destroyed) return;
        record.status = r.status;
        res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
        if (req.method !== 'HEAD') res.write(r.body.subarray(0, Math.floor(r.body.length / 2)));
      });
      return;
    case 'holdTail':
      void x.upstream().then(async (r) => {
        if (res.destroyed) return;
        record.status = r.status;
        res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
        if (req.method === 'HEAD') return void res.end();
        const held = Math.max(0, r.body.length - fault.bytes);
        res.write(r.body.subarray(0, held));
        await fault.release;
        if (res.destroyed) return;
        const tail = r.body.subarray(held);
        res.end(fault.corrupt ? flipped(tail) : tail);
      });
      return;
    case 'slow':
      void new Promise((resolve) => setTimeout(resolve, fault.delayMs))
        .then(() => x.upstream())
        .then(
          (r) => !res.destroyed && x.reply(r),
          () => res.destroy(),
        );
      return;
    case 'slowErrorBody': {
      const url = new URL(req.url ?? '/', 'http://proxy.invalid');
      url.searchParams.set('after', 'slowErrorBody');
      const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (fault.status === 401) headers['www-authenticate'] = 'Basic realm="test-registry"';
      if (fault.status === 307) headers['location'] = `${url.pathname}${url.search}`;
      record.status = fault.status;
      res.writeHead(fault.status, headers);
      if (req.method === 'HEAD') return void res.end();
      const timer = setInterval(() => res.write(' '), 100);
      res.once('close', () => clearInterval(timer));
      return;
    }
    case 'redirectLoop': {
      const url = new URL(req.url ?? '/', 'http://proxy.invalid');
      url.searchParams.set('loop', url.searchParams.get('loop') === '1' ? '2' : '1');
      url.searchParams.set(REDIRECT_SIGNATURE_PARAM, randomBytes(12).toString('hex'));
      return x.reply({ status: 307, headers: { location: `${url.pathname}${url.search}` }, body: Buffer.alloc(0) });
    }
    default:
      throw new Error(`fault proxy: ${fault.kind} is not a replacing fault`);
  }
}

function alter(x: Exchange, fault: Fault, response: UpstreamResponse, target: RedirectTargetServer): void {
  const { req, res, record } = x;
  const headers: OutgoingHttpHeaders = { ...response.headers };
  switch (fault.kind) {
    case 'wrongBody':
      return x.reply({ ...response, body: flipped(response.body) });
    case 'lyingDigestHeader':
      return x.reply({ ...response, headers: { ...headers, 'docker-content-digest': sha256Digest(`a lie about ${String(headers['docker-content-digest'])}`) } });
    case 'dropDigestHeader':
      delete headers['docker-content-digest'];
      return x.reply({ ...response, headers });
    case 'malformedJson': {
      const body = Buffer.from('{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{"mediaType": ');
      return x.reply({ status: response.status, headers: { ...headers, 'docker-content-digest': sha256Digest(body) }, body });
    }
    case 'wrongContentType': {
      if (fault.keepBody) return x.reply({ ...response, headers: { ...headers, 'content-type': fault.contentType ?? 'text/html; charset=utf-8' } });
      const body = Buffer.from('<!doctype html><html><head><title>Sign in</title></head><body><p>Please sign in to continue.</p></body></html>\n');
      return x.reply({ status: response.status, headers: { ...headers, 'content-type': fault.contentType ?? 'text/html; charset=utf-8', 'docker-content-digest': sha256Digest(body) }, body });
    }
    case 'redirectToOtherHost': {
      const key = randomBytes(8).toString('hex');
      target.store.set(key, { response, fault: fault.targetFault });
      return x.reply({ status: 307, headers: { location: `${target.url}/cdn/${key}?${REDIRECT_SIGNATURE_PARAM}=${randomBytes(12).toString('hex')}` }, body: Buffer.alloc(0) });
    }
    case 'oversized': {
      delete headers['content-length'];
      record.status = response.status;
      if (fault.mode === 'contentLength') {
        res.writeHead(response.status, { ...headers, 'content-length': String(2 ** 40) });
        if (req.method !== 'HEAD') res.write(response.body);
        return; // Then nothing: the client must refuse on the header alone.
      }
      res.writeHead(response.status, headers);
      if (req.method === 'HEAD') return void res.end();
      const total = fault.bytes ?? 8 * 1024 * 1024;
      res.write(response.body);
      writeWhitespace(res, Math.max(0, total - response.body.length), () => res.end());
      return;
    }
    case 'oversizedHeader':
      return x.reply({ ...response, headers: { ...headers, 'x-padding': 'a'.repeat(fault.bytes ?? 32 * 1024) } });
    case 'endlessBody':
      delete headers['content-length'];
      record.status = response.status;
      res.writeHead(response.status, headers);
      if (req.method === 'HEAD') return void res.end();
      res.write(response.body);
      writeWhitespace(res, Infinity, () => res.end());
      return;
    default:
      throw new Error(`fault proxy: ${fault.kind} does not alter answers`);
  }
}

/** Changes one character inside the last long hex run (a digest) of the body, so JSON stays valid JSON; else flips the last byte. */
export function flipped(body: Buffer): Buffer {
  const out = Buffer.from(body);
  const runs = [...out.toString('latin1').matchAll(/[0-9a-f]{32,}/g)];
  const last = runs[runs.length - 1];
  if (last?.index !== undefined) {
    const i = last.index + 10;
    out[i] = out[i] === 0x61 /* a */ ? 0x62 : 0x61;
  } else if (out.length > 0) {
    out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0x01;
  }
  return out;
}

/** Writes `count` spaces in 64 KiB chunks, respecting back-pressure, stopping when the client goes away. */
function writeWhitespace(res: ServerResponse, count: number, done: () => void): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let left = count;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) done();
  };
  res.once('close', () => (left = 0));
  pump();
}

interface RedirectTargetServer extends RedirectTarget {
  readonly store: Map<string, { response: UpstreamResponse; fault: 'wrongBody' | 'status500' | undefined }>;
  close(): Promise<void>;
}

/** Another host (another port) standing in for a CDN: serves what the proxy stored, records what it received. */
async function startRedirectTarget(): Promise<RedirectTargetServer> {
  const requests: RecordedRequest[] = [];
  const store: RedirectTargetServer['store'] = new Map();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const record = newRecord(req);
    requests.push(record);
    res.once('close', () => (record.finished = Date.now()));
    req.resume();
    const key = /^\/cdn\/([0-9a-f]+)/.exec(req.url ?? '')?.[1];
    const stored = key !== undefined ? store.get(key) : undefined;
    if (!stored) {
      record.status = 404;
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
    record.fault = stored.fault;
    if (stored.fault === 'status500') {
      record.status = 500;
      return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
    }
    // A CDN serves the bytes with their type, without the registry's headers.
    const type = stored.response.headers['content-type'];
    const body = stored.fault === 'wrongBody' ? flipped(stored.response.body) : stored.response.body;
    record.status = 200;
    res.writeHead(200, { 'content-type': type === undefined ? 'application/octet-stream' : String(type), 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
