import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as http from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { RegistryClient, type RegistryClientOptions } from '../../src/registry/client';
import { diskContentStore, memoryContentStore, type ContentStore } from '../../src/registry/contentStore';
import { NO_CREDENTIALS, type CredentialStore, type Credentials } from '../../src/registry/credentials';
import { RegistryError, type RegistryErrorKind } from '../../src/registry/errors';
import { DEFAULT_REGISTRY_SETTINGS, type RegistrySettings } from '../../src/registry/settings';
import { bypassesProxy, parseRetryAfter } from '../../src/registry/transport';

// Unit tier: the client against small node:http servers started here, for the mechanics a real
// registry cannot be made to show (lying headers, stalls, resets, 429s, redirects to other hosts).
// Expected digests are computed here from the bytes the servers send.

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT =
  'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, ' +
  'application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json';

const sha256 = (bytes: Uint8Array | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function indexBytes(note: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 123, platform: { os: 'linux', architecture: 'amd64' } }],
      annotations: { note },
    }),
  );
}

const INDEX = indexBytes('the real one');
const INDEX_DIGEST = sha256(INDEX);
const OTHER = indexBytes('stale content');
const OTHER_DIGEST = sha256(OTHER);
const BLOB = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
const BLOB_DIGEST = sha256(BLOB);

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  /** `127.0.0.1:PORT` */
  host: string;
  seen: Seen[];
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

const servers: http.Server[] = [];
const clients: RegistryClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handle: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      handle(req, res, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Answers a manifest request (HEAD without a body) the way distribution does. */
function sendManifest(req: http.IncomingMessage, res: http.ServerResponse, bytes: Buffer, options: { digest?: string | null; contentType?: string } = {}): void {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? OCI_INDEX, 'content-length': String(bytes.length) };
  const digest = options.digest === undefined ? sha256(bytes) : options.digest;
  if (digest !== null) headers['docker-content-digest'] = digest;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(`bad test reference ${text}`);
  return parsed.ref;
}

function credentialsFor(map: Record<string, Credentials>): CredentialStore {
  return { get: async (host) => map[host] };
}

function makeClient(settings: Partial<RegistrySettings> & { hosts: RegistrySettings['hosts'] }, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  const client = new RegistryClient({
    settings: { ...DEFAULT_REGISTRY_SETTINGS, timeoutMs: 2000, ...settings },
    credentials: credentialsFor({}),
    retryBaseMs: 5,
    ...options,
  });
  clients.push(client);
  return client;
}

/** A client for one plain-HTTP test server. */
function clientFor(server: TestServer, settings: Partial<RegistrySettings> = {}, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  return makeClient({ ...settings, hosts: { [server.host]: { http: true }, ...settings.hosts } }, options);
}

async function failure(promise: Promise<unknown>, kind: RegistryErrorKind): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RegistryError, `expected a RegistryError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected ${kind}, got ${error.kind}: ${error.message}`);
    return error;
  }
  return assert.fail(`expected a '${kind}' RegistryError, but the call succeeded`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('unit: registry client, resolving and verifying', () => {
  it('sends exactly the four manifest types in Accept, OCI index first, on HEAD and GET', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = clientFor(server);
    await client.resolve(ref(`${server.host}/demo/app:1`));
    await client.manifest(ref(`${server.host}/demo/app:2`));
    assert.deepEqual(
      server.seen.map((s) => [s.method, s.path, s.headers['accept']]),
      [
        ['HEAD', '/v2/demo/app/manifests/1', ACCEPT],
        ['GET', '/v2/demo/app/manifests/2', ACCEPT],
      ],
    );
  });

  it('resolves a tag with one HEAD when Docker-Content-Digest is present', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = clientFor(server);
    const resolved = await client.resolve(ref(`${server.host}/demo/app:1`));
    assert.deepEqual(resolved, { digest: INDEX_DIGEST, mediaType: OCI_INDEX, size: INDEX.length, source: 'head', host: server.host });
    assert.equal(client.stats.requests, 1);
  });

  it('falls back to GET and hashes the bytes when HEAD has no Docker-Content-Digest', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX, { digest: null }));
    const client = clientFor(server);
    const resolved = await client.resolve(ref(`${server.host}/demo/app:1`));
    assert.equal(resolved.digest, INDEX_DIGEST);
    assert.equal(resolved.source, 'get');
    assert.deepEqual(
      server.seen.map((s) => s.method),
      ['HEAD', 'GET'],
    );
  });

  it('a digest reference resolves without any request', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = clientFor(server);
    const resolved = await client.resolve(ref(`${server.host}/demo/app:1@${INDEX_DIGEST}`));
    assert.equal(resolved.digest, INDEX_DIGEST);
    assert.equal(resolved.source, 'reference');
    assert.equal(server.seen.length, 0);
  });

  it('a Docker-Content-Digest header that lies is a digestMismatch naming image and both digests, and nothing is cached', async () => {
    // HEAD has no digest, so resolve must GET; the GET's header claims other bytes.
    const server = await serve((req, res) => sendManifest(req, res, INDEX, { digest: req.method === 'HEAD' ? null : OTHER_DIGEST }));
    const cache = memoryContentStore();
    const client = clientFor(server, {}, { cache });
    const image = `${server.host}/demo/app:1`;

    const error = await failure(client.resolve(ref(image)), 'digestMismatch');
    assert.ok(error.message.startsWith(`${image}: `), error.message);
    assert.ok(error.message.includes(INDEX_DIGEST) && error.message.includes(OTHER_DIGEST), error.message);
    assert.equal(error.details.expected, OTHER_DIGEST);
    assert.equal(error.details.actual, INDEX_DIGEST);
    assert.equal(await cache.get(INDEX_DIGEST), undefined);

    // Neither the tag nor the bytes were kept: asking again goes to the registry again.
    const before = server.seen.length;
    await failure(client.resolve(ref(image)), 'digestMismatch');
    assert.equal(server.seen.length, before + 2);
  });

  it('manifest bytes that do not hash to the digest asked for are a digestMismatch, and nothing is cached', async () => {
    const server = await serve((req, res) => sendManifest(req, res, OTHER, { digest: INDEX_DIGEST }));
    const cache = memoryContentStore();
    const client = clientFor(server, {}, { cache });

    const error = await failure(client.manifest(ref(`${server.host}/demo/app:1`), { digest: INDEX_DIGEST }), 'digestMismatch');
    assert.ok(error.message.startsWith(`${server.host}/demo/app:1@${INDEX_DIGEST}: `), error.message);
    assert.equal(error.details.expected, INDEX_DIGEST);
    assert.equal(error.details.actual, OTHER_DIGEST);
    assert.ok(error.message.includes(OTHER_DIGEST));
    assert.equal(await cache.get(INDEX_DIGEST), undefined);
    assert.equal(await cache.get(OTHER_DIGEST), undefined);

    await failure(client.manifest(ref(`${server.host}/demo/app:1`), { digest: INDEX_DIGEST }), 'digestMismatch');
    assert.equal(server.seen.length, 2);
  });

  it('a blob with the wrong bytes is a digestMismatch; the right bytes are cached and served without a request', async () => {
    let good = false;
    const server = await serve((_req, res) => res.end(good ? BLOB : Buffer.from('corrupt')));
    const client = clientFor(server);
    const image = ref(`${server.host}/demo/app:1`);

    const error = await failure(client.blob(image, BLOB_DIGEST), 'digestMismatch');
    assert.equal(error.details.actual, sha256('corrupt'));
    good = true;
    assert.deepEqual(Buffer.from(await client.blob(image, BLOB_DIGEST)), BLOB);
    assert.deepEqual(Buffer.from(await client.blob(image, BLOB_DIGEST)), BLOB);
    assert.deepEqual(
      server.seen.map((s) => s.path),
      [`/v2/demo/app/blobs/${BLOB_DIGEST}`, `/v2/demo/app/blobs/${BLOB_DIGEST}`],
    );
  });

  it('a blob is verified as it streams in: one wrong byte in its last chunk is refused, naming both digests; the right bytes are stored', async () => {
    // The distribution spec ("Pulling blobs"): the client verifies the content against the digest it asked for.
    const body = Buffer.alloc(1 << 20, 'spdx ');
    const digest = sha256(body);
    const corrupt = Buffer.from(body);
    corrupt[corrupt.length - 1] = 0x21;
    let served = corrupt;
    // In many chunks, with and without a Content-Length: the hash must take in every one, in order.
    let declareLength = true;
    const server = await serve((_req, res) => {
      if (declareLength) res.setHeader('content-length', served.length);
      let at = 0;
      const next = () => {
        if (at >= served.length) return res.end();
        res.write(served.subarray(at, (at += 64 * 1024)));
        setImmediate(next);
      };
      next();
    });
    const folder = mkdtempSync(join(tmpdir(), 'streamed-blob-'));
    try {
      const client = clientFor(server, {}, { cache: diskContentStore(folder) });
      const image = ref(`${server.host}/demo/app:1`);
      for (const length of [true, false]) {
        declareLength = length;
        const error = await failure(client.blob(image, digest), 'digestMismatch');
        assert.deepEqual([error.details.expected, error.details.actual], [digest, sha256(corrupt)]);
        assert.ok(error.message.includes(`blob ${digest} from ${server.host} hashes to ${sha256(corrupt)} instead`), error.message);
      }
      served = body;
      assert.ok(Buffer.from(await client.blob(image, digest)).equals(body));
      // Closing waits for the store's write: what it wrote reads back (the disk store hashes on every read).
      await client.close();
      assert.ok(Buffer.from((await diskContentStore(folder).get(digest))!).equals(body));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a fetched manifest is cached by digest: asking again by digest makes no request', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = clientFor(server);
    const first = await client.manifest(ref(`${server.host}/demo/app:1`));
    assert.equal(first.digest, INDEX_DIGEST);
    assert.equal(first.manifest.kind, 'index');
    const again = await client.manifest(ref(`${server.host}/demo/app@${INDEX_DIGEST}`));
    assert.deepEqual(Buffer.from(again.bytes), INDEX);
    assert.equal(again.mediaType, OCI_INDEX);
    assert.equal(server.seen.length, 1);
  });
});

describe('unit: registry client, bad responses', () => {
  it('malformed JSON with a manifest Content-Type is badResponse', async () => {
    const server = await serve((req, res) => sendManifest(req, res, Buffer.from('{"schemaVersion": 2, "manifests": [')));
    const error = await failure(clientFor(server).manifest(ref(`${server.host}/demo/app:1`)), 'badResponse');
    assert.ok(error.message.startsWith(`${server.host}/demo/app:1: `), error.message);
  });

  it('a Content-Type that is not a manifest type (and a body that does not say one) is badResponse naming the type', async () => {
    const server = await serve((req, res) => sendManifest(req, res, Buffer.from('<html>login</html>'), { contentType: 'text/html; charset=utf-8' }));
    const error = await failure(clientFor(server).manifest(ref(`${server.host}/demo/app:1`)), 'badResponse');
    assert.ok(error.message.includes('text/html'), error.message);
  });

  it('a generic Content-Type is accepted when the body says a manifest media type', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX, { contentType: 'application/json' }));
    const fetched = await clientFor(server).manifest(ref(`${server.host}/demo/app:1`));
    assert.equal(fetched.mediaType, OCI_INDEX);
    assert.equal(fetched.digest, INDEX_DIGEST);
  });

  it('404 is notFound', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    const error = await failure(clientFor(server).resolve(ref(`${server.host}/demo/app:nope`)), 'notFound');
    assert.equal(error.details.status, 404);
  });
});

describe('unit: registry client, size caps, timeouts, cancellation', () => {
  it('rejects a body over the cap by Content-Length', async () => {
    const big = Buffer.alloc(5000, 0x20);
    const server = await serve((req, res) => sendManifest(req, res, big));
    const error = await failure(clientFor(server, { maxManifestBytes: 1000 }).manifest(ref(`${server.host}/demo/app:1`)), 'tooLarge');
    assert.ok(error.message.includes('5000'), error.message);
  });

  it('rejects a streamed body (no Content-Length) once it passes the cap', async () => {
    // An endless chunked body: only counting while reading can stop it.
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => res.write(Buffer.alloc(512, 0x61)), 2);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    await failure(clientFor(server).blob(ref(`${server.host}/demo/app:1`), BLOB_DIGEST, { maxBytes: 4096 }), 'tooLarge');
    // Stopped by the cap, not by the 30 s default timeout (a bound a loaded machine cannot break).
    assert.ok(Date.now() - started < 10_000);
  });

  it('times out when the server never answers', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const error = await failure(clientFor(server, { timeoutMs: 150 }).resolve(ref(`${server.host}/demo/app:1`)), 'timeout');
    // The configured timeout, not the 30 s default (a bound a loaded machine cannot break).
    assert.ok(Date.now() - started < 10_000);
    assert.ok(error.message.includes('150 ms'), error.message);
    // A timeout is not retried: retrying would multiply the wait.
    assert.equal(server.seen.length, 1);
  });

  it('times out when the body stalls', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX, 'content-length': String(INDEX.length) });
      res.write(INDEX.subarray(0, 10));
    });
    await failure(clientFor(server, { timeoutMs: 150 }).manifest(ref(`${server.host}/demo/app:1`)), 'timeout');
  });

  it('an aborted signal cancels a request in flight', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    await failure(clientFor(server).resolve(ref(`${server.host}/demo/app:1`), { signal: controller.signal }), 'cancelled');
    // At the abort, not at the 30 s default timeout (a bound a loaded machine cannot break).
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('unit: registry client, retries', () => {
  it('waits as long as Retry-After says (seconds), then succeeds', async () => {
    const server = await serve((req, res) => {
      if (server.seen.length === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
      } else {
        sendManifest(req, res, INDEX);
      }
    });
    const started = Date.now();
    const resolved = await clientFor(server).resolve(ref(`${server.host}/demo/app:1`));
    const waited = Date.now() - started;
    assert.equal(resolved.digest, INDEX_DIGEST);
    assert.equal(server.seen.length, 2);
    // At least the second asked for; and not read as minutes or met with a long backoff (a bound a loaded machine
    // cannot break).
    assert.ok(waited >= 950 && waited < 10_000, `waited ${waited} ms`);
  });

  it('429 without Retry-After backs off and retries; still 429 after the retries is rateLimited', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429);
      res.end();
    });
    const client = clientFor(server, { retries: 2 });
    await failure(client.resolve(ref(`${server.host}/demo/app:1`)), 'rateLimited');
    assert.equal(server.seen.length, 3);
  });

  it('a Retry-After longer than the client will wait fails at once with retryAfterMs', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      res.end();
    });
    const error = await failure(clientFor(server, {}, { maxRetryAfterMs: 5000 }).resolve(ref(`${server.host}/demo/app:1`)), 'rateLimited');
    assert.equal(error.details.retryAfterMs, 120_000);
    assert.equal(server.seen.length, 1);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });

  it('retries a 503 and then succeeds', async () => {
    const server = await serve((req, res) => {
      if (server.seen.length === 1) {
        res.writeHead(503);
        res.end();
      } else {
        sendManifest(req, res, INDEX);
      }
    });
    const client = clientFor(server);
    assert.equal((await client.resolve(ref(`${server.host}/demo/app:1`))).digest, INDEX_DIGEST);
    assert.equal(server.seen.length, 2);
    assert.equal(client.stats.requests, 2);
  });

  it('a 5xx that persists is serverError after the configured retries', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const error = await failure(clientFor(server, { retries: 3 }).resolve(ref(`${server.host}/demo/app:1`)), 'serverError');
    assert.equal(error.details.status, 502);
    assert.equal(server.seen.length, 4);
  });

  it('retries a connection reset and then succeeds', async () => {
    const server = await serve((req, res) => {
      if (server.seen.length === 1) req.socket.destroy();
      else sendManifest(req, res, INDEX);
    });
    assert.equal((await clientFor(server).manifest(ref(`${server.host}/demo/app:1`))).digest, INDEX_DIGEST);
    assert.equal(server.seen.length, 2);
  });

  it('a refused connection is a network error', async () => {
    const server = await serve(() => undefined);
    const host = server.host;
    for (const s of servers.splice(0)) s.close();
    await sleep(10);
    await failure(makeClient({ hosts: { [host]: { http: true } } }).resolve(ref(`${host}/demo/app:1`)), 'network');
  });

  // Issue 15: offline, the Images view's progress ran for minutes: every lookup waited for its own DNS failure
  // (about 20 s each: glibc's resolver, two name servers, two tries of 5 s), six at a time per host.
  it('a host found unreachable fails the requests queued for it at once, each naming its own image; Retry asks again', async () => {
    const server = await serve(() => undefined);
    const host = server.host;
    for (const s of servers.splice(0)) s.close();
    await sleep(10);
    const client = makeClient({ hosts: { [host]: { http: true } }, maxConcurrentPerHost: 2 });
    const errors = await Promise.all(Array.from({ length: 10 }, (_, i) => failure(client.resolve(ref(`${host}/demo/app${i}:1`)), 'network')));
    // One request was sent (the first to a new host is auth.ts's probe, the rest wait for it); after it was
    // refused, the nine others failed without trying.
    assert.equal(client.stats.requests, 1);
    assert.deepEqual(
      errors.map((e) => e.message),
      errors.map((_, i) => `${host}/demo/app${i}:1: ${host} refused the connection (is the registry running, and is the port right?)`),
    );
    client.forgetUnreachable();
    await failure(client.resolve(ref(`${host}/demo/again:1`)), 'network');
    assert.equal(client.stats.requests, 2);
  });

  // Issue 15's second half: a host that accepts connections and never answers (a hung registry, a proxy holding
  // requests). Each lookup queued for it waited out its own timeout, a few at a time per host. The fault servers
  // below are fakes, named as such: plain HTTP servers that read each request and never answer it, or drop it late.
  it('a host that never answers: after the first timeout, the requests queued for it fail at once, naming the host and the cause', async () => {
    const server = await serve(() => undefined);
    const client = clientFor(server, { timeoutMs: 300, maxConcurrentPerHost: 2 });
    const errors = await Promise.all(Array.from({ length: 10 }, (_, i) => failure(client.resolve(ref(`${server.host}/demo/app${i}:1`)), 'timeout')));
    // The first to a new host is auth.ts's probe, the others wait for it: it alone was sent.
    assert.equal(client.stats.requests, 1);
    assert.equal(server.seen.length, 1);
    assert.match(errors[0]!.message, new RegExp(`^${server.host}/demo/app0:1: ${server.host} did not answer within 300 ms for `));
    assert.deepEqual(
      errors.slice(1).map((e) => e.message),
      errors.slice(1).map((_, i) => `${server.host}/demo/app${i + 1}:1: not tried: ${server.host} did not answer an earlier request within 300 ms`),
    );
    // Retry asks again.
    client.forgetUnreachable();
    await failure(client.resolve(ref(`${server.host}/demo/again:1`)), 'timeout');
    assert.equal(server.seen.length, 2);
  });

  it('a host that answered other requests while one waited out its timeout is slow on that one, not down: later requests are sent', async () => {
    const server = await serve((req, res) => !req.url?.includes('/slow/') && sendManifest(req, res, INDEX));
    const client = clientFor(server, { timeoutMs: 300, maxConcurrentPerHost: 2 });
    await client.resolve(ref(`${server.host}/demo/first:1`));
    const slow = failure(client.resolve(ref(`${server.host}/slow/app:1`)), 'timeout');
    for (let i = 0; i < 3; i++) assert.equal((await client.resolve(ref(`${server.host}/demo/app${i}:1`))).digest, INDEX_DIGEST);
    await slow;
    assert.equal((await client.resolve(ref(`${server.host}/demo/after:1`))).digest, INDEX_DIGEST);
  });

  it('a connection held long and then reset is not retried, and fails the requests queued for its host', async () => {
    const server = await serve((req) => setTimeout(() => req.socket.destroy(), 250));
    const client = clientFor(server, { timeoutMs: 400, retries: 2, maxConcurrentPerHost: 1 });
    const errors = await Promise.all(Array.from({ length: 4 }, (_, i) => failure(client.resolve(ref(`${server.host}/demo/app${i}:1`)), 'timeout')));
    // Without the rule: 4 lookups × 3 attempts, each held 250 ms.
    assert.equal(server.seen.length, 1);
    assert.match(errors[0]!.message, new RegExp(`${server.host} closed the connection after \\d+ ms without answering `));
    assert.match(errors[3]!.message, new RegExp(`not tried: ${server.host} closed the connection of an earlier request after \\d+ ms without answering$`));
  });
});

describe('unit: registry client, redirects', () => {
  const USER = 'alice';
  const PASSWORD = 'pa55word-not-for-cdns';
  const BASIC = `Basic ${b64(`${USER}:${PASSWORD}`)}`;

  /** A registry behind Basic auth whose blob answers redirect to `location(path)`. */
  async function redirectingRegistry(location: (path: string) => string | undefined): Promise<TestServer> {
    const server = await serve((_req, res, seen) => {
      if (seen.headers['authorization'] !== BASIC) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
        res.end();
        return;
      }
      const target = location(seen.path);
      if (target !== undefined) {
        res.writeHead(307, { location: target });
        res.end();
        return;
      }
      res.end(BLOB);
    });
    return server;
  }

  it('a redirect to another host (another port) gets no Authorization; a same-host redirect keeps it', async () => {
    const cdn = await serve((_req, res) => res.end(BLOB));
    const registry = await redirectingRegistry((path) => (path.startsWith('/v2/demo/app/blobs/') ? `/storage/${BLOB_DIGEST}` : path.startsWith('/storage/') ? `http://${cdn.host}/cdn/blob?X-Signature=abc` : undefined));
    const client = clientFor(registry, {}, { credentials: credentialsFor({ [registry.host]: { kind: 'basic', username: USER, password: PASSWORD } }) });

    assert.deepEqual(Buffer.from(await client.blob(ref(`${registry.host}/demo/app:1`), BLOB_DIGEST)), BLOB);
    // First the anonymous try, then with Basic, then the same-host hop (still Basic), then the CDN.
    assert.deepEqual(
      registry.seen.map((s) => [s.path, s.headers['authorization']]),
      [
        [`/v2/demo/app/blobs/${BLOB_DIGEST}`, undefined],
        [`/v2/demo/app/blobs/${BLOB_DIGEST}`, BASIC],
        [`/storage/${BLOB_DIGEST}`, BASIC],
      ],
    );
    assert.deepEqual(
      cdn.seen.map((s) => [s.path, s.headers['authorization']]),
      [['/cdn/blob?X-Signature=abc', undefined]],
    );
  });

  it('a redirect loop is a redirect error', async () => {
    const registry = await redirectingRegistry((path) => (path === '/a' ? '/b' : '/a'));
    const client = clientFor(registry, {}, { credentials: credentialsFor({ [registry.host]: { kind: 'basic', username: USER, password: PASSWORD } }) });
    const error = await failure(client.blob(ref(`${registry.host}/demo/app:1`), BLOB_DIGEST), 'redirect');
    assert.ok(error.message.includes('loop'), error.message);
  });

  it('more than five redirects is a redirect error', async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: `/hop/${++n}` });
      res.end();
    });
    const error = await failure(clientFor(server).blob(ref(`${server.host}/demo/app:1`), BLOB_DIGEST), 'redirect');
    assert.ok(error.message.includes('more than 5'), error.message);
    assert.equal(server.seen.length, 6);
  });
});

describe('unit: registry client, authentication', () => {
  const TOKEN = 'token-abc';

  /** A registry that wants `Bearer TOKEN`, with its token service at /token on the same server. */
  async function bearerRegistry(options: { expiresIn?: number; tokenBody?: (seen: Seen) => object } = {}): Promise<TestServer> {
    const server: TestServer = await serve((req, res, seen) => {
      if (seen.path.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(options.tokenBody?.(seen) ?? { token: TOKEN, expires_in: options.expiresIn ?? 300 }));
        return;
      }
      if (seen.headers['authorization'] !== `Bearer ${TOKEN}`) {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${server.host}/token",service="test-registry",scope="repository:demo/app:pull"` });
        res.end();
        return;
      }
      sendManifest(req, res, INDEX);
    });
    return server;
  }

  it('Bearer: gets a token from the realm with service and scope, then reuses it for the repository', async () => {
    const server = await bearerRegistry();
    const client = clientFor(server, {}, { credentials: credentialsFor({ [server.host]: { kind: 'basic', username: 'bob', password: 'secret-pw' } }) });
    await client.resolve(ref(`${server.host}/demo/app:1`));
    await client.resolve(ref(`${server.host}/demo/app:2`));

    const tokenRequests = server.seen.filter((s) => s.path.startsWith('/token'));
    assert.equal(tokenRequests.length, 1);
    assert.equal(client.stats.tokenRequests, 1);
    const query = new URL(tokenRequests[0]?.path ?? '', 'http://x').searchParams;
    assert.equal(query.get('service'), 'test-registry');
    assert.deepEqual(query.getAll('scope'), ['repository:demo/app:pull']);
    assert.equal(tokenRequests[0]?.headers['authorization'], `Basic ${b64('bob:secret-pw')}`);
    // The second tag: straight to the registry with the cached token.
    assert.deepEqual(
      server.seen.map((s) => [s.method, s.path.split('?')[0], s.headers['authorization']]),
      [
        ['HEAD', '/v2/demo/app/manifests/1', undefined],
        ['GET', '/token', `Basic ${b64('bob:secret-pw')}`],
        ['HEAD', '/v2/demo/app/manifests/1', `Bearer ${TOKEN}`],
        ['HEAD', '/v2/demo/app/manifests/2', `Bearer ${TOKEN}`],
      ],
    );
  });

  it('Bearer: a burst of requests to a new host costs one 401 and one token', async () => {
    const server = await bearerRegistry();
    const client = clientFor(server);
    await Promise.all(Array.from({ length: 6 }, (_, i) => client.resolve(ref(`${server.host}/demo/app:${i}`))));
    assert.equal(server.seen.filter((s) => s.path.startsWith('/v2/') && s.headers['authorization'] === undefined).length, 1);
    assert.equal(client.stats.tokenRequests, 1);
    assert.equal(client.stats.requests, 1 + 1 + 6);
  });

  it('Bearer: an expired token is fetched again', async () => {
    let clock = 1_000_000;
    const server = await bearerRegistry({ expiresIn: 120 });
    const client = clientFor(server, {}, { now: () => clock });
    await client.resolve(ref(`${server.host}/demo/app:1`));
    clock += 60_000;
    await client.resolve(ref(`${server.host}/demo/app:2`));
    assert.equal(client.stats.tokenRequests, 1);
    clock += 121_000;
    await client.resolve(ref(`${server.host}/demo/app:3`));
    assert.equal(client.stats.tokenRequests, 2);
  });

  it('Bearer without credentials asks the realm anonymously', async () => {
    const server = await bearerRegistry();
    const client = clientFor(server);
    assert.equal((await client.resolve(ref(`${server.host}/demo/app:1`))).digest, INDEX_DIGEST);
    const token = server.seen.find((s) => s.path.startsWith('/token'));
    assert.ok(token);
    assert.equal(token.headers['authorization'], undefined);
    assert.equal(new URL(token.path, 'http://x').searchParams.get('account'), null);
  });

  it('Bearer with an identity token POSTs a refresh_token grant', async () => {
    const server = await bearerRegistry({ tokenBody: () => ({ access_token: TOKEN, expires_in: 300 }) });
    const client = clientFor(server, {}, { credentials: credentialsFor({ [server.host]: { kind: 'identityToken', token: 'refresh-xyz' } }) });
    await client.resolve(ref(`${server.host}/demo/app:1`));
    const token = server.seen.find((s) => s.path.startsWith('/token'));
    assert.ok(token);
    assert.equal(token.method, 'POST');
    assert.equal(token.headers['authorization'], undefined);
    const form = new URLSearchParams(token.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'refresh-xyz');
    assert.equal(form.get('service'), 'test-registry');
    assert.equal(form.get('scope'), 'repository:demo/app:pull');
    assert.equal(form.get('client_id'), 'image-provenance');
  });

  it('Basic: answers the challenge, then sends Basic up front', async () => {
    const server = await serve((req, res, seen) => {
      if (seen.headers['authorization'] !== `Basic ${b64('carol:pw:with:colons')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
        res.end();
        return;
      }
      sendManifest(req, res, INDEX);
    });
    const client = clientFor(server, {}, { credentials: credentialsFor({ [server.host]: { kind: 'basic', username: 'carol', password: 'pw:with:colons' } }) });
    await client.resolve(ref(`${server.host}/demo/app:1`));
    await client.resolve(ref(`${server.host}/demo/app:2`));
    assert.equal(server.seen.length, 3);
    assert.equal(client.stats.tokenRequests, 0);
  });

  it('Basic without credentials is unauthorized; in an untrusted workspace it is untrusted', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
    const error = await failure(clientFor(server).resolve(ref(`${server.host}/demo/app:1`)), 'unauthorized');
    assert.ok(error.message.includes(`docker login ${server.host}`), error.message);
    await failure(clientFor(server, {}, { credentials: NO_CREDENTIALS }).resolve(ref(`${server.host}/demo/app:1`)), 'untrusted');
    // The extension hands the registry bundle its own copy of NO_CREDENTIALS (each bundle has one): a copy counts.
    await failure(clientFor(server, {}, { credentials: { ...NO_CREDENTIALS } }).resolve(ref(`${server.host}/demo/app:1`)), 'untrusted');
  });

  it('403 is denied', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    await failure(clientFor(server).resolve(ref(`${server.host}/demo/app:1`)), 'denied');
  });

  it('a failing credential helper is a credentials error', async () => {
    const server = await bearerRegistry();
    const store: CredentialStore = {
      get: async () => {
        throw new Error('helper exploded');
      },
    };
    await failure(clientFor(server, {}, { credentials: store }).resolve(ref(`${server.host}/demo/app:1`)), 'credentials');
  });

  // A bearer token is a b64token (RFC 6750 §2.1), all visible ASCII. undici refuses a header value with a line
  // break or a character past Latin-1 (lib/core/util.js isValidHeaderValue) and would send a Latin-1 one as a
  // single byte, not the UTF-8 the token service meant; Node servers refuse more than 16 KiB of headers.
  const unsendableTokens: Array<[what: string, token: string, why: string]> = [
    ['with a line break', `${TOKEN}\r\nX-Injected: 1`, 'it contains a line break'],
    ['with a Latin-1 letter', `${TOKEN}é`, 'it contains characters outside ASCII'],
    ['with a character past Latin-1', `${TOKEN}\u2713`, 'it contains characters outside ASCII'],
    ['with a space', `${TOKEN} x`, 'it contains white space or a control character'],
    ['with a NUL', `${TOKEN}\u0000`, 'it contains white space or a control character'],
    ['of 20 KiB', 'A'.repeat(20 * 1024), "it is 20 KiB long, more than the 16 KiB a server accepts for all of a request's headers"],
  ];
  for (const [what, token, why] of unsendableTokens) {
    it(`Bearer: a token ${what} is the token service's error and is not kept`, async () => {
      let tokensAnswered = 0;
      const server = await bearerRegistry({ tokenBody: () => ({ token: ++tokensAnswered === 1 ? token : TOKEN, expires_in: 300 }) });
      const client = clientFor(server);
      const image = `${server.host}/demo/app:1`;
      const error = await failure(client.resolve(ref(image)), 'badResponse');
      assert.equal(error.message, `${image}: the token service ${server.host} of ${server.host} answered a token that cannot be sent in an HTTP header (${why}); it was not used`);
      assert.equal(error.host, server.host);
      // Asking again asks the token service again.
      assert.equal((await client.resolve(ref(image))).digest, INDEX_DIGEST);
      assert.equal(tokensAnswered, 2);
    });
  }

  it('a token service answering 401 with a body that never ends is given up on, its status kept', async () => {
    const server: TestServer = await serve((_req, res, seen) => {
      if (seen.path.startsWith('/token')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${server.host}/token",service="test-registry"` });
      res.end();
    });
    const error = await failure(clientFor(server, { timeoutMs: 300 }).resolve(ref(`${server.host}/demo/app:1`)), 'unauthorized');
    assert.equal(error.message, `${server.host}/demo/app:1: ${server.host} needs credentials (401 Unauthorized); sign in (docker login ${server.host}). Some registries also answer 401 for a repository that does not exist`);
  });

  it('credentials, tokens and signed URLs never appear in errors or log lines', async () => {
    const PASSWORD = 'hunter2-very-secret';
    const lines: string[] = [];
    const secrets = [PASSWORD, b64(`dave:${PASSWORD}`), 'sig-secret-123', 'refresh-secret-456', TOKEN];
    const errors: RegistryError[] = [];

    // Wrong password: Basic rejected.
    const basic = await serve((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' });
      res.end();
    });
    const basicClient = clientFor(basic, {}, { log: (l) => lines.push(l), credentials: credentialsFor({ [basic.host]: { kind: 'basic', username: 'dave', password: PASSWORD } }) });
    errors.push(await failure(basicClient.resolve(ref(`${basic.host}/demo/app:1`)), 'unauthorized'));

    // A token service that refuses the refresh token.
    const realm = await serve((_req, res, seen) => {
      if (seen.path.startsWith('/token')) res.writeHead(401);
      else res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${realm.host}/token?secret=sig-secret-123",service="s"` });
      res.end();
    });
    const realmClient = clientFor(realm, {}, { log: (l) => lines.push(l), credentials: credentialsFor({ [realm.host]: { kind: 'identityToken', token: 'refresh-secret-456' } }) });
    errors.push(await failure(realmClient.resolve(ref(`${realm.host}/demo/app:1`)), 'unauthorized'));

    // A registry redirecting a blob to a signed URL that fails.
    const signed = await serve((_req, res, seen) => {
      if (seen.path.startsWith('/v2/')) res.writeHead(307, { location: `/signed?X-Amz-Signature=sig-secret-123` });
      else res.writeHead(500);
      res.end();
    });
    const signedClient = clientFor(signed, { retries: 0 }, { log: (l) => lines.push(l) });
    errors.push(await failure(signedClient.blob(ref(`${signed.host}/demo/app:1`), BLOB_DIGEST), 'serverError'));

    assert.ok(lines.length > 0);
    for (const text of [...errors.map((e) => `${e.message} ${JSON.stringify(e.details)} ${e.stack ?? ''}`), ...lines]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `"${secret}" leaked into: ${text}`);
    }
  });
});

describe('unit: registry client, concurrency and caching', () => {
  it('bounds the requests in flight per host', async () => {
    let active = 0;
    let most = 0;
    const server = await serve((req, res) => {
      active++;
      most = Math.max(most, active);
      setTimeout(() => {
        active--;
        sendManifest(req, res, INDEX);
      }, 25);
    });
    const client = clientFor(server, { maxConcurrentPerHost: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.resolve(ref(`${server.host}/demo/app:${i}`))));
    assert.equal(server.seen.length, 8);
    assert.equal(most, 2);
  });

  it('ten concurrent resolves of one reference send one request', async () => {
    const server = await serve((req, res) => setTimeout(() => sendManifest(req, res, INDEX), 20));
    const client = clientFor(server);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.resolve(ref(`${server.host}/demo/app:1`))));
    assert.equal(server.seen.length, 1);
    for (const r of results) assert.equal(r.digest, INDEX_DIGEST);
  });

  it('one caller aborting does not abort the request others share', async () => {
    const server = await serve((req, res) => setTimeout(() => sendManifest(req, res, INDEX), 40));
    const client = clientFor(server);
    const controller = new AbortController();
    const first = client.resolve(ref(`${server.host}/demo/app:1`), { signal: controller.signal });
    const second = client.resolve(ref(`${server.host}/demo/app:1`));
    setTimeout(() => controller.abort(), 10);
    await failure(first, 'cancelled');
    assert.equal((await second).digest, INDEX_DIGEST);
    assert.equal(server.seen.length, 1);
  });

  it('lookups sharing one AbortSignal add one abort listener to it, not one each, and all stop when it aborts', async () => {
    // Node warns past ten listeners on a signal (MaxListenersExceededWarning); the Images view shares one among every lookup.
    let answering = true;
    const server = await serve((req, res) => answering && sendManifest(req, res, INDEX));
    const client = clientFor(server);
    const shared = new AbortController();
    const resolved = Array.from({ length: 20 }, (_, i) => client.resolve(ref(`${server.host}/demo/app:${i}`), { signal: shared.signal }));
    assert.equal(getEventListeners(shared.signal, 'abort').length, 1);
    for (const r of await Promise.all(resolved)) assert.equal(r.digest, INDEX_DIGEST);
    assert.equal(getEventListeners(shared.signal, 'abort').length, 0, 'finished lookups leave a listener behind');

    answering = false;
    const cancelled = Array.from({ length: 20 }, (_, i) => failure(client.resolve(ref(`${server.host}/demo/other:${i}`), { signal: shared.signal }), 'cancelled'));
    assert.equal(getEventListeners(shared.signal, 'abort').length, 1);
    shared.abort();
    assert.equal((await Promise.all(cancelled)).length, 20);
  });

  it('tag TTL: warm resolves make no request; after the TTL one HEAD', async () => {
    let clock = 5_000_000;
    const server = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = clientFor(server, { tagTtlMs: 60_000 }, { now: () => clock });
    const image = ref(`${server.host}/demo/app:1`);
    await client.resolve(image);
    clock += 59_000;
    const warm = await client.resolve(image);
    assert.equal(warm.source, 'cache');
    assert.equal(warm.digest, INDEX_DIGEST);
    assert.equal(server.seen.length, 1);
    clock += 2_000;
    assert.equal((await client.resolve(image)).source, 'head');
    assert.deepEqual(
      server.seen.map((s) => s.method),
      ['HEAD', 'HEAD'],
    );
  });

  it('remembers in the content store which digest a tag named, writing only when it changes', async () => {
    let clock = 5_000_000;
    let current = INDEX;
    const server = await serve((req, res) => sendManifest(req, res, current));
    const store = memoryContentStore();
    const written: string[] = [];
    const counting: ContentStore = { ...store, rememberDigest: async (tag, digest) => (written.push(digest), store.rememberDigest(tag, digest)) };
    const client = clientFor(server, { tagTtlMs: 60_000 }, { now: () => clock, cache: counting });
    const image = ref(`${server.host}/demo/app:1`);
    await client.resolve(image);
    clock += 61_000;
    await client.resolve(image);
    // The tag moved: written again.
    current = OTHER;
    clock += 61_000;
    await client.resolve(image);
    assert.deepEqual(written, [INDEX_DIGEST, OTHER_DIGEST]);
    assert.equal(await store.lastDigest(`${server.host}/demo/app:1`), OTHER_DIGEST);
  });

  it('manifest by tag within the TTL is served from the cache without a request', async () => {
    const server = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = clientFor(server);
    await client.manifest(ref(`${server.host}/demo/app:1`));
    const again = await client.manifest(ref(`${server.host}/demo/app:1`));
    assert.equal(again.digest, INDEX_DIGEST);
    assert.equal(again.host, server.host);
    assert.equal(server.seen.length, 1);
  });
});

describe('unit: registry client, mirrors', () => {
  const UP = { kind: 'basic', username: 'upstream-user', password: 'upstream-pw' } as const;
  const MIRROR = { kind: 'basic', username: 'mirror-user', password: 'mirror-pw' } as const;

  /** Wants Basic with `user`; serves INDEX unless `broken`. */
  function basicServer(user: { username: string; password: string }, broken: () => boolean): Handler {
    return (req, res, seen) => {
      if (seen.headers['authorization'] !== `Basic ${b64(`${user.username}:${user.password}`)}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' });
        res.end();
      } else if (broken()) {
        res.writeHead(404);
        res.end();
      } else {
        sendManifest(req, res, INDEX);
      }
    };
  }

  async function setUp(mirrorBroken: boolean): Promise<{ upstream: TestServer; mirror: TestServer; client: RegistryClient }> {
    const upstream = await serve(basicServer(UP, () => false));
    const mirror = await serve(basicServer(MIRROR, () => mirrorBroken));
    const client = makeClient(
      { hosts: { [upstream.host]: { http: true, mirrors: [mirror.host] }, [mirror.host]: { http: true } } },
      { credentials: credentialsFor({ [upstream.host]: UP, [mirror.host]: MIRROR }) },
    );
    return { upstream, mirror, client };
  }

  const authorizations = (server: TestServer): (string | undefined)[] => server.seen.map((s) => s.headers['authorization']);

  it('a working mirror answers, with its own credentials; the registry is not asked', async () => {
    const { upstream, mirror, client } = await setUp(false);
    const resolved = await client.resolve(ref(`${upstream.host}/demo/app:1`));
    assert.equal(resolved.host, mirror.host);
    assert.equal(upstream.seen.length, 0);
    assert.deepEqual(authorizations(mirror), [undefined, `Basic ${b64('mirror-user:mirror-pw')}`]);
  });

  it('a failing mirror falls back to the registry; each host sees only its own credentials', async () => {
    const { upstream, mirror, client } = await setUp(true);
    const resolved = await client.resolve(ref(`${upstream.host}/demo/app:1`));
    assert.equal(resolved.host, upstream.host);
    assert.equal(resolved.digest, INDEX_DIGEST);
    assert.deepEqual(authorizations(mirror), [undefined, `Basic ${b64('mirror-user:mirror-pw')}`]);
    assert.deepEqual(authorizations(upstream), [undefined, `Basic ${b64('upstream-user:upstream-pw')}`]);
  });

  it('an unreachable mirror falls back too', async () => {
    const upstream = await serve((req, res) => sendManifest(req, res, INDEX));
    const client = makeClient({ hosts: { [upstream.host]: { http: true, mirrors: ['127.0.0.1:1'] }, '127.0.0.1:1': { http: true } } });
    assert.equal((await client.manifest(ref(`${upstream.host}/demo/app:1`))).host, upstream.host);
    assert.deepEqual(client.stats.byHost, { '127.0.0.1:1': 1, [upstream.host]: 1 });
  });
});

describe('unit: registry client, proxy', () => {
  it('tunnels through the configured proxy with its credentials, which the registry never sees', async () => {
    const registry = await serve((req, res) => sendManifest(req, res, INDEX));
    const port = Number(registry.host.split(':')[1]);
    const tunnels: [target: string | undefined, auth: string | undefined][] = [];
    const proxy = http.createServer();
    servers.push(proxy);
    // A CONNECT proxy that resolves every name to the test registry, so `registry.test` needs no DNS.
    proxy.on('connect', (req: http.IncomingMessage, socket: import('node:stream').Duplex) => {
      tunnels.push([req.url, req.headers['proxy-authorization']]);
      const upstream = netConnect(port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;

    const client = makeClient({ proxy: `http://pu:pp@127.0.0.1:${proxyPort}`, hosts: { 'registry.test:5000': { http: true } } });
    const resolved = await client.resolve(ref('registry.test:5000/demo/app:1'));
    assert.equal(resolved.digest, INDEX_DIGEST);
    assert.deepEqual(tunnels, [['registry.test:5000', `Basic ${b64('pu:pp')}`]]);
    assert.equal(registry.seen.length, 1);
    assert.equal(registry.seen[0]?.headers['proxy-authorization'], undefined);
    assert.equal(registry.seen[0]?.headers['host'], 'registry.test:5000');
  });
});

describe('unit: registry client, what goes into a request path', () => {
  // opencontainers/distribution-spec spec.md, "Pulling manifests": `<name>` MUST match
  // [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)* and a tag `<reference>` MUST match
  // [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}; the host is distribution/reference's `domain`. An ImageRef built by hand
  // (not parsed) with anything else is refused before a request is made: `..`, `?`, `#` or a line break in a URL
  // would ask for another resource than the one meant.
  const invalid: Array<[what: string, change: (host: string) => Partial<ImageRef>, said: string]> = [
    ['a tag that climbs out of the repository', () => ({ tag: '../../../other/manifests/1' }), '"../../../other/manifests/1" is not a tag'],
    ['a tag with a query', () => ({ tag: '1?n=2' }), '"1?n=2" is not a tag'],
    ['a tag with a fragment', () => ({ tag: '1#x' }), '"1#x" is not a tag'],
    ['a tag with a line break', () => ({ tag: '1\r\nX: y' }), '"1\\r\\nX: y" is not a tag'],
    ['a tag starting with a dot', () => ({ tag: '.1' }), '".1" is not a tag'],
    ['a tag of 129 characters', () => ({ tag: 'a'.repeat(129) }), `"${'a'.repeat(80)}…" is not a tag`],
    ['a repository with a dot segment', () => ({ repository: 'demo/../admin' }), '"demo/../admin" is not a repository name'],
    ['an upper-case repository', () => ({ repository: 'Demo/App' }), '"Demo/App" is not a repository name'],
    ['an empty path component', () => ({ repository: 'demo//app' }), '"demo//app" is not a repository name'],
    ['a host with a path', (host) => ({ registry: `${host}/x` }), 'is not a registry host name'],
    ['a host with user info', (host) => ({ registry: `user@${host}` }), 'is not a registry host name'],
    ['a digest with a path', () => ({ digest: 'sha256:../../blobs/x' }), '"sha256:../../blobs/x" is not a digest this extension can verify'],
  ];
  for (const [what, change, said] of invalid) {
    it(`refuses ${what} without a request`, async () => {
      const server = await serve((req, res) => sendManifest(req, res, INDEX));
      const image: ImageRef = { original: 'hand-built', registry: server.host, repository: 'demo/app', tag: '1', ...change(server.host) };
      const client = makeClient({ hosts: { [server.host]: { http: true }, [image.registry]: { http: true } } });
      const calls = [client.resolve(image), client.manifest(image), client.confirm(image, INDEX_DIGEST), client.blob(image, BLOB_DIGEST)];
      for (const call of calls) {
        const error = await failure(call, 'invalidReference');
        assert.ok(error.message.startsWith(`${error.image}: `), error.message);
        assert.ok(error.message.includes(said), `${error.message} does not say ${said}`);
        assert.ok(error.message.endsWith('; no request was sent'), error.message);
      }
      assert.equal(server.seen.length, 0);
    });
  }

  const valid: Array<[what: string, tag: string]> = [
    ['a tag of 128 characters', 'a'.repeat(128)],
    ['a tag starting with an underscore', '_1'],
    ['a tag with every separator', 'v1.2-rc_3'],
  ];
  for (const [what, tag] of valid) {
    it(`sends ${what} as written`, async () => {
      const server = await serve((req, res) => sendManifest(req, res, INDEX));
      const client = clientFor(server);
      assert.equal((await client.resolve({ original: 'hand-built', registry: server.host, repository: 'demo/app', tag })).digest, INDEX_DIGEST);
      assert.deepEqual(
        server.seen.map((s) => s.path),
        [`/v2/demo/app/manifests/${tag}`],
      );
    });
  }
});

describe('unit: registry transport, NO_PROXY', () => {
  const cases: [url: string, noProxy: string | undefined, bypass: boolean][] = [
    ['https://ghcr.io/v2/', undefined, false],
    ['https://ghcr.io/v2/', '*', true],
    ['https://ghcr.io/v2/', 'ghcr.io', true],
    ['https://pkg.ghcr.io/v2/', 'ghcr.io', true],
    ['https://notghcr.io/v2/', 'ghcr.io', false],
    ['https://ghcr.io/v2/', '.ghcr.io', false],
    ['https://a.ghcr.io/v2/', '*.ghcr.io', true],
    ['https://ghcr.io/v2/', 'quay.io, ghcr.io:443', true],
    ['https://ghcr.io/v2/', 'ghcr.io:5000', false],
    ['http://10.1.2.3:5000/v2/', '10.0.0.0/8', true],
    ['http://11.1.2.3:5000/v2/', '10.0.0.0/8', false],
    ['http://localhost:5000/v2/', undefined, true],
    ['http://127.0.0.1:5000/v2/', '', true],
    ['http://[::1]:5000/v2/', undefined, true],
  ];
  for (const [url, noProxy, bypass] of cases) {
    it(`${url} with NO_PROXY=${JSON.stringify(noProxy)} ${bypass ? 'goes direct' : 'uses the proxy'}`, () => {
      assert.equal(bypassesProxy(new URL(url), noProxy), bypass);
    });
  }
});

// The OCI distribution spec, "Listing Referrers" (spec.md): GET /v2/<name>/referrers/<digest> answers an image
// index (200, empty when nothing refers), `artifactType` filters and `OCI-Filters-Applied: artifactType` says the
// registry applied it, `Link: <…>; rel="next"` pages; a registry without the API answers 404, and clients then read
// the tag `<alg>-<hex>`. docker-registry 2.8 has no referrers API: these are servers of our own that follow the spec.
describe('unit: registry client, referrers', () => {
  const SUBJECT = `sha256:${'c'.repeat(64)}`;
  const SBOM_TYPE = 'application/spdx+json';
  const SIGSTORE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const referrer = (n: number, artifactType: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${String(n).repeat(64)}`, size: 100 + n, artifactType });
  const list = (...manifests: object[]): Buffer => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));

  it('lists referrers from the API, filtered by the registry when it says so, across its pages', async () => {
    const server = await serve((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      assert.equal(url.pathname, `/v2/demo/app/referrers/${SUBJECT}`);
      if (url.searchParams.get('n') === null) {
        res.writeHead(200, { 'content-type': OCI_INDEX, 'oci-filters-applied': 'artifactType', link: `</v2/demo/app/referrers/${SUBJECT}?artifactType=${encodeURIComponent(SBOM_TYPE)}&n=2>; rel="next"` });
        res.end(list(referrer(1, SBOM_TYPE)));
      } else {
        res.writeHead(200, { 'content-type': OCI_INDEX, 'oci-filters-applied': 'artifactType' });
        res.end(list(referrer(2, SBOM_TYPE)));
      }
    });
    const client = clientFor(server);
    const found = await client.referrers(ref(`${server.host}/demo/app:1`), SUBJECT, { artifactType: SBOM_TYPE });
    assert.deepEqual([found.source, found.host, found.manifests.map((m) => m.digest)], ['api', server.host, [referrer(1, SBOM_TYPE).digest, referrer(2, SBOM_TYPE).digest]]);
    assert.deepEqual(
      server.seen.map((s) => [s.path, s.headers['accept']]),
      [
        [`/v2/demo/app/referrers/${SUBJECT}?artifactType=${encodeURIComponent(SBOM_TYPE)}`, OCI_INDEX],
        [`/v2/demo/app/referrers/${SUBJECT}?artifactType=${encodeURIComponent(SBOM_TYPE)}&n=2`, OCI_INDEX],
      ],
    );
    // Within the tag TTL the list is not asked for again.
    await client.referrers(ref(`${server.host}/demo/app:1`), SUBJECT, { artifactType: SBOM_TYPE });
    assert.equal(server.seen.length, 2);
  });

  it('filters by artifactType itself when the registry did not say it applied the filter', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX });
      res.end(list(referrer(1, SBOM_TYPE), referrer(2, SIGSTORE)));
    });
    const found = await clientFor(server).referrers(ref(`${server.host}/demo/app:1`), SUBJECT, { artifactType: SIGSTORE });
    assert.deepEqual(found.manifests.map((m) => m.artifactType), [SIGSTORE]);
  });

  it('reads the sha256-<hex> tag where the API is missing, and finds none where neither exists', async () => {
    const tagged = list(referrer(3, SIGSTORE));
    const other = `sha256:${'d'.repeat(64)}`;
    const server = await serve((req, res) => {
      if (req.url === `/v2/demo/app/manifests/sha256-${'c'.repeat(64)}`) return sendManifest(req, res, tagged);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    const client = clientFor(server);
    const found = await client.referrers(ref(`${server.host}/demo/app:1`), SUBJECT);
    assert.deepEqual([found.source, found.manifests.map((m) => m.digest)], ['tag', [referrer(3, SIGSTORE).digest]]);
    const none = await client.referrers(ref(`${server.host}/demo/app:1`), other);
    assert.deepEqual([none.source, none.manifests], ['none', []]);
    assert.deepEqual(
      server.seen.map((s) => s.path),
      [`/v2/demo/app/referrers/${SUBJECT}`, `/v2/demo/app/manifests/sha256-${'c'.repeat(64)}`, `/v2/demo/app/referrers/${other}`, `/v2/demo/app/manifests/sha256-${'d'.repeat(64)}`],
    );
  });

  it('refuses a next page elsewhere, which would carry this host\'s credentials, and a list that is not an index', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX, ...(req.url?.includes(SUBJECT) && { link: '<http://attacker.example/v2/demo/app/referrers/x>; rel="next"' }) });
      res.end(req.url?.includes(SUBJECT) ? list(referrer(1, SBOM_TYPE)) : '[]');
    });
    const client = clientFor(server);
    const away = await failure(client.referrers(ref(`${server.host}/demo/app:1`), SUBJECT), 'badResponse');
    assert.equal(away.message, `${server.host}/demo/app:1@${SUBJECT}: ${server.host} sent the next page of the referrers of ${SUBJECT} to another place (http://attacker.example/v2/demo/app/referrers/x)`);
    const other = `sha256:${'e'.repeat(64)}`;
    const broken = await failure(client.referrers(ref(`${server.host}/demo/app:1`), other), 'badResponse');
    assert.match(broken.message, new RegExp(`^${server.host}/demo/app:1@${other}: the referrers of ${other} from ${server.host} is not an image index`));
    assert.equal(server.seen.length, 2);
  });
});
