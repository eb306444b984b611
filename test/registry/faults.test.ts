// Registry tier: a real registry (Basic auth) behind our fault-injecting proxy. One test per fault:
// the client fails with the specific RegistryError kind, its message starts with the image and says the
// cause, no credential shows anywhere, no redirect target ever receives Authorization, and nothing wrong
// was cached: once the fault is cleared, the same call sends a request again and gets the right digest.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RegistryClient } from '../../src/registry/client';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import type { RegistryError, RegistryErrorKind } from '../../src/registry/errors';
import type { ImageRef } from '../../src/reference/imageReference';
import { sha256Digest } from './harness/digest';
import { MediaTypes } from './harness/imageContent';
import { maxConcurrent } from './harness/recordingProxy';
import { REDIRECT_SIGNATURE_PARAM, startFaultProxy, type Fault, type FaultProxy } from './harness/faultProxy';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';
import { assertRegistryError, base64, basicHeader, DockerConfigDir, newClient, ref, registryError, settings } from './fixtures';

const USER = 'alice';
const PASSWORD = 'fault-tier-S3cret-Pa55';
const SECRETS = [PASSWORD, base64(`${USER}:${PASSWORD}`), REDIRECT_SIGNATURE_PARAM];
const TIMEOUT_MS = 500;
const RETRIES = 1;
const CAP = 256 * 1024;

type Call = 'resolve' | 'manifestByTag' | 'manifestByDigest' | 'blob';

interface FaultCase {
  name: string;
  fault: Fault;
  call: Call;
  kind: RegistryErrorKind;
  cause: RegExp;
  /** How many times the fault must have been injected (e.g. 1 + retries for retried faults). */
  injected?: number;
  /** More checks on the error. */
  check?: (error: RegistryError) => void;
  /**
   * The host answered nothing while the request waited: the client asks it nothing more (each request would wait as
   * long again) until the user retries (`forgetUnreachable`), as for a host found unreachable.
   */
  untilRetry?: true;
}

describe('registry tier: faults between the client and a real registry', function () {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let app: SeededIndex;
  let config: DockerConfigDir;

  let many: SeededIndex[];
  before(async () => {
    registry = await startRegistry({ htpasswd: { users: { [USER]: PASSWORD } } });
    proxy = await startFaultProxy(registry.url);
    const auth = { username: USER, password: PASSWORD };
    app = await seedImage(registry.url, 'demo/app', '1', { auth });
    many = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => seedImage(registry.url, 'demo/many', `t${i}`, { auth, attestations: false, platforms: ['linux/amd64'] })));
    config = await DockerConfigDir.create();
  });
  after(async () => {
    await proxy?.close();
    await registry?.close();
    await config?.close();
  });
  beforeEach(async () => {
    proxy.fault = undefined;
    proxy.reset();
    await config.write({ auths: { [proxy.host]: { auth: base64(`${USER}:${PASSWORD}`) } } });
  });
  afterEach(() => {
    proxy.fault = undefined;
    for (const r of proxy.redirectTarget.requests) assert.equal(r.authorization, undefined, `the redirect target received Authorization for ${r.path}`);
  });

  const client = (): RegistryClient & { logLines: string[] } =>
    newClient({
      settings: settings({ [proxy.host]: { http: true } }, { timeoutMs: TIMEOUT_MS, retries: RETRIES, maxManifestBytes: CAP, maxBlobBytes: CAP }),
      credentials: config.store(),
      retryBaseMs: 10,
      maxRetryAfterMs: 2000,
    });
  const tagRef = (): ImageRef => ref(`${proxy.host}/demo/app:1`);
  const amd64 = (): string => app.platformDigests['linux/amd64']!;
  const layer = () => app.attestationLayers['linux/amd64']![0]!;

  const calls: Record<Call, { run: (c: RegistryClient) => Promise<string>; expected: () => string; image: () => ImageRef }> = {
    resolve: { run: (c) => c.resolve(tagRef()).then((r) => r.digest), expected: () => app.indexDigest, image: tagRef },
    manifestByTag: { run: (c) => c.manifest(tagRef()).then((m) => m.digest), expected: () => app.indexDigest, image: tagRef },
    manifestByDigest: { run: (c) => c.manifest(tagRef(), { digest: amd64() }).then((m) => m.digest), expected: amd64, image: () => ({ ...tagRef(), digest: amd64() }) },
    blob: { run: (c) => c.blob(tagRef(), layer().digest).then((b) => sha256Digest(b)), expected: () => layer().digest, image: tagRef },
  };

  const manifests = /\/manifests\//;
  const blobs = /\/blobs\//;
  const cases: FaultCase[] = [
    {
      name: 'wrongBody on a manifest by tag',
      fault: { kind: 'wrongBody', path: manifests, method: 'GET' },
      call: 'manifestByTag',
      kind: 'digestMismatch',
      cause: /hash/,
      check: (e) => {
        assert.equal(e.details.expected, app.indexDigest);
        assert.notEqual(e.details.actual, app.indexDigest);
        assert.ok(e.message.includes(app.indexDigest) && e.message.includes(e.details.actual ?? '?'), 'both digests named');
      },
    },
    {
      name: 'wrongBody on a manifest by digest',
      fault: { kind: 'wrongBody', path: manifests },
      call: 'manifestByDigest',
      kind: 'digestMismatch',
      cause: /hash/,
      check: (e) => assert.equal(e.details.expected, amd64()),
    },
    { name: 'wrongBody on a blob', fault: { kind: 'wrongBody', path: blobs }, call: 'blob', kind: 'digestMismatch', cause: /hash/, check: (e) => assert.ok(e.message.includes(layer().digest)) },
    {
      name: 'lyingDigestHeader on GET by tag',
      fault: { kind: 'lyingDigestHeader', path: manifests, method: 'GET' },
      call: 'manifestByTag',
      kind: 'digestMismatch',
      cause: /claimed|hash/,
      check: (e) => {
        assert.equal(e.details.actual, app.indexDigest);
        assert.notEqual(e.details.expected, app.indexDigest);
      },
    },
    { name: 'malformedJson (digest header matching the bad bytes)', fault: { kind: 'malformedJson', path: manifests }, call: 'manifestByTag', kind: 'badResponse', cause: /JSON|cannot be read|malformed/i },
    { name: 'wrongContentType: an HTML page', fault: { kind: 'wrongContentType', path: manifests }, call: 'manifestByTag', kind: 'badResponse', cause: /text\/html/ },
    { name: 'oversized: huge Content-Length on a manifest', fault: { kind: 'oversized', mode: 'contentLength', path: manifests, method: 'GET' }, call: 'manifestByTag', kind: 'tooLarge', cause: /larger|limit/i },
    { name: 'oversized: huge Content-Length on a blob', fault: { kind: 'oversized', mode: 'contentLength', path: blobs }, call: 'blob', kind: 'tooLarge', cause: /larger|limit/i },
    { name: 'oversized: chunked body padded past the cap', fault: { kind: 'oversized', mode: 'padded', bytes: 4 * CAP, path: manifests }, call: 'manifestByDigest', kind: 'tooLarge', cause: /larger|limit/i },
    { name: 'endlessBody on a blob', fault: { kind: 'endlessBody', path: blobs }, call: 'blob', kind: 'tooLarge', cause: /larger|limit/i },
    { name: 'endlessBody on a manifest', fault: { kind: 'endlessBody', path: manifests }, call: 'manifestByTag', kind: 'tooLarge', cause: /larger|limit/i },
    { name: 'stall before the headers', fault: { kind: 'stall', phase: 'headers', path: manifests }, call: 'resolve', kind: 'timeout', cause: /within|time/i, untilRetry: true },
    { name: 'stall in the middle of the body', fault: { kind: 'stall', phase: 'body', path: manifests, method: 'GET' }, call: 'manifestByTag', kind: 'timeout', cause: /stopped|time/i },
    {
      name: 'status429 with a Retry-After too long to wait',
      fault: { kind: 'status429', retryAfter: 3600, path: manifests },
      call: 'resolve',
      kind: 'rateLimited',
      cause: /429|rate/i,
      injected: 1,
      check: (e) => assert.equal(e.details.retryAfterMs, 3_600_000),
    },
    {
      name: 'status429 with an HTTP-date Retry-After too far ahead',
      fault: { kind: 'status429', retryAfter: () => new Date(Date.now() + 3_600_000).toUTCString(), path: manifests },
      call: 'resolve',
      kind: 'rateLimited',
      cause: /429.*wait 36\d\d s/,
      injected: 1,
      // An HTTP date has whole seconds: up to 1 s less than asked.
      check: (e) => assert.ok(e.details.retryAfterMs !== undefined && e.details.retryAfterMs > 3_598_000 && e.details.retryAfterMs <= 3_600_000, `retryAfterMs ${e.details.retryAfterMs}`),
    },
    {
      name: 'status403 with a registry error body, to an anonymous request',
      fault: { kind: 'status403', path: manifests },
      call: 'resolve',
      kind: 'denied',
      cause: /denied access \(403 Forbidden\); sign in \(docker login 127\.0\.0\.1:\d+\)/,
      injected: 1,
      check: (e) => assert.equal(e.details.status, 403),
    },
    { name: 'status429 on every try', fault: { kind: 'status429', retryAfter: 0, path: manifests }, call: 'resolve', kind: 'rateLimited', cause: /429|rate/i, injected: 1 + RETRIES },
    { name: 'status500 on every try', fault: { kind: 'status500', path: manifests }, call: 'manifestByTag', kind: 'serverError', cause: /500/, injected: 1 + RETRIES },
    { name: 'status503 on every try', fault: { kind: 'status503', path: blobs }, call: 'blob', kind: 'serverError', cause: /503/, injected: 1 + RETRIES },
    { name: 'connectionReset on every try', fault: { kind: 'connectionReset', path: manifests }, call: 'resolve', kind: 'network', cause: /reset|closed/i, injected: 1 + RETRIES },
    // A body that explains a status is read under the same timeout and rate floor as a 2xx body; the status stands.
    {
      name: 'slowErrorBody: a 404 whose body never ends',
      fault: { kind: 'slowErrorBody', status: 404, path: manifests, method: 'GET' },
      call: 'manifestByTag',
      kind: 'notFound',
      cause: /the manifest was not found on 127\.0\.0\.1:\d+ \(404\)/,
      injected: 1,
    },
    {
      name: 'slowErrorBody: a 503 whose body never ends, on every try',
      fault: { kind: 'slowErrorBody', status: 503, path: blobs },
      call: 'blob',
      kind: 'serverError',
      cause: /127\.0\.0\.1:\d+ answered 503 for blob sha256:[0-9a-f]{64} after 1 retry/,
      injected: 1 + RETRIES,
    },
    {
      name: 'oversizedHeader: 32 KiB of response headers',
      fault: { kind: 'oversizedHeader', path: manifests },
      call: 'resolve',
      kind: 'tooLarge',
      cause: /127\.0\.0\.1:\d+ answered the manifest with response headers larger than the 16 KiB limit/,
      injected: 1,
    },
    { name: 'redirectLoop on a blob', fault: { kind: 'redirectLoop', path: blobs }, call: 'blob', kind: 'redirect', cause: /redirect/i },
    { name: 'redirectLoop on a manifest', fault: { kind: 'redirectLoop', path: manifests }, call: 'resolve', kind: 'redirect', cause: /redirect/i },
  ];

  for (const t of cases) {
    it(`${t.name} → '${t.kind}', then recovers`, async () => {
      const { run, expected, image } = calls[t.call];
      const c = client();
      proxy.fault = t.fault;
      const error = await registryError(run(c));
      assertRegistryError(error, t.kind, image(), t.cause, SECRETS, c.logLines);
      assert.ok(proxy.injected > 0);
      assert.equal(error.host, proxy.host);
      if (t.injected !== undefined) assert.equal(proxy.requests.filter((r) => r.fault !== undefined).length, t.injected, 'times the fault was met');
      t.check?.(error);

      proxy.fault = undefined;
      if (t.untilRetry) {
        const sent = c.stats.requests;
        assertRegistryError(await registryError(run(c)), t.kind, image(), new RegExp(`not tried: .* did not answer an earlier request within ${TIMEOUT_MS} ms`), SECRETS, c.logLines);
        assert.equal(c.stats.requests, sent, 'a request was sent to a host that answered nothing');
        c.forgetUnreachable();
      }
      const before = c.stats.requests;
      assert.equal(await run(c), expected());
      assert.ok(c.stats.requests > before, 'the retry after the fault was answered from a cache');
      await c.close();
    });
  }

  it('dropDigestHeader on HEAD: resolve falls back to GET and hashes', async () => {
    const c = client();
    proxy.fault = { kind: 'dropDigestHeader', method: 'HEAD' };
    const resolved = await c.resolve(tagRef());
    assert.deepEqual([resolved.digest, resolved.source], [app.indexDigest, 'get']);
    assert.ok(proxy.requests.some((r) => r.method === 'GET' && manifests.test(r.path)));
    await c.close();
  });

  it('slowErrorBody: a 401 whose body never ends still gets its challenge answered', async () => {
    const c = client();
    proxy.fault = { kind: 'slowErrorBody', status: 401, path: manifests, method: 'GET', times: 1 };
    assert.equal((await c.manifest(tagRef())).digest, app.indexDigest);
    const [challenged, signedIn] = proxy.requests;
    assert.deepEqual([challenged?.fault, challenged?.authorization], ['slowErrorBody', undefined]);
    assert.equal(signedIn?.authorization, basicHeader(USER, PASSWORD));
    await c.close();
  });

  it('slowErrorBody: a redirect whose body never ends is still followed', async () => {
    const c = client();
    await c.resolve(tagRef()); // signed in: the redirect is followed with credentials
    proxy.reset();
    proxy.fault = { kind: 'slowErrorBody', status: 307, path: blobs, times: 1 };
    assert.equal(sha256Digest(await c.blob(tagRef(), layer().digest)), layer().digest);
    const path = `/v2/demo/app/blobs/${layer().digest}`;
    assert.deepEqual(
      proxy.requests.map((r) => [r.path, r.status]),
      [
        [path, 307],
        [`${path}?after=slowErrorBody`, 200],
      ],
    );
    await c.close();
  });

  it('six 404s whose bodies never end do not hold the host: a lookup queued behind them completes', async () => {
    const c = client(); // six requests in flight per host, the default
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest, 'signed in, so that no request waits for another to learn how');
    proxy.fault = { kind: 'slowErrorBody', status: 404, path: /\/manifests\/missing-/ };
    const missing = [1, 2, 3, 4, 5, 6].map((i) => ref(`${proxy.host}/demo/app:missing-${i}`));
    const failures = missing.map((r) => registryError(c.manifest(r)));
    assert.equal((await c.manifest(tagRef())).digest, app.indexDigest);
    for (const [i, failure] of (await Promise.all(failures)).entries()) assertRegistryError(failure, 'notFound', missing[i]!, /\(404\)/, SECRETS, c.logLines);
    assert.equal(proxy.requests.filter((r) => r.fault === 'slowErrorBody').length, 6);
    await c.close();
  });

  it('a manifest that cannot be fetched by the digest a HEAD named: the tag is asked for again, not taken from the cache', async () => {
    const c = client();
    // A HEAD's digest cannot be checked (no body); a proxy or stale mirror may name content that is not there.
    proxy.fault = { kind: 'lyingDigestHeader', path: manifests, method: 'HEAD' };
    const lie = (await c.resolve(tagRef())).digest;
    assert.notEqual(lie, app.indexDigest);
    proxy.fault = undefined;
    assertRegistryError(await registryError(c.manifest(tagRef(), { digest: lie })), 'notFound', { ...tagRef(), digest: lie }, /\(404\)/, SECRETS, c.logLines);
    // What Retry does (describeImage): the tag again, then its manifest.
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    assert.equal((await c.manifest(tagRef())).digest, app.indexDigest);
    await c.close();
  });

  it('a manifest by tag that fails by the cached digest is fetched by the tag next time', async () => {
    const c = client();
    proxy.fault = { kind: 'lyingDigestHeader', path: manifests, method: 'HEAD' };
    const lie = (await c.resolve(tagRef())).digest;
    proxy.fault = undefined;
    // Within the tag's TTL the cached digest is used: the registry has no such manifest.
    assertRegistryError(await registryError(c.manifest(tagRef())), 'notFound', tagRef(), /\(404\)/, SECRETS, c.logLines);
    assert.ok(proxy.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/manifests/${lie}`)));
    proxy.reset();
    assert.equal((await c.manifest(tagRef())).digest, app.indexDigest);
    assert.deepEqual(
      proxy.requests.map((r) => [r.method, r.path]),
      [['GET', '/v2/demo/app/manifests/1']],
    );
    await c.close();
  });

  it('status503 once: retried, then fine', async () => {
    const c = client();
    proxy.fault = { kind: 'status503', path: manifests, times: 1 };
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    assert.equal(proxy.requests.filter((r) => r.fault === 'status503').length, 1);
    await c.close();
  });

  it('connectionReset once: retried, then fine', async () => {
    const c = client();
    proxy.fault = { kind: 'connectionReset', path: blobs, times: 1 };
    assert.equal(sha256Digest(await c.blob(tagRef(), layer().digest)), layer().digest);
    await c.close();
  });

  it('status429 once with Retry-After: 1 waits a second, then fine', async () => {
    const c = client();
    proxy.fault = { kind: 'status429', retryAfter: 1, path: manifests, times: 1 };
    const started = Date.now();
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    assert.ok(Date.now() - started >= 900, `did not wait for Retry-After (${Date.now() - started} ms)`);
    await c.close();
  });

  it('status429 once with Retry-After as an HTTP date waits until that date, then fine', async () => {
    const c = client();
    // A whole second (what an HTTP date can say) at least 500 ms ahead: far longer than any backoff here.
    const until = Math.ceil((Date.now() + 500) / 1000) * 1000;
    proxy.fault = { kind: 'status429', retryAfter: new Date(until).toUTCString(), path: manifests, times: 1 };
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    const [limited, retried] = proxy.requests;
    assert.equal(limited?.fault, 'status429');
    assert.ok(retried !== undefined && retried.started >= until - 20, `retried ${until - (retried?.started ?? 0)} ms before the date`);
    await c.close();
  });

  it('status429 with an HTTP date already past retries at once', async () => {
    const c = client();
    proxy.fault = { kind: 'status429', retryAfter: new Date(Date.now() - 60_000).toUTCString(), path: manifests, times: 1 };
    const started = Date.now();
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    assert.ok(Date.now() - started < 400, `waited ${Date.now() - started} ms`);
    assert.equal(proxy.requests.filter((r) => r.fault === 'status429').length, 1);
    await c.close();
  });

  it("status403 to a signed-in request → 'denied', saying the account may not pull", async () => {
    const c = client();
    // The first pull learns that the registry wants Basic: later requests carry the credentials at once.
    assert.equal((await c.resolve(ref(`${proxy.host}/demo/many:t1`))).digest, many[0]!.indexDigest);
    proxy.fault = { kind: 'status403', path: manifests };
    const error = await registryError(c.resolve(tagRef()));
    assertRegistryError(error, 'denied', tagRef(), /denied access \(403 Forbidden\).*signed-in account may not pull/, SECRETS, c.logLines);
    assert.equal(proxy.requests.find((r) => r.fault === 'status403')?.authorization, basicHeader(USER, PASSWORD));
    proxy.fault = undefined;
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    await c.close();
  });

  it("status403 in a restricted workspace (NO_CREDENTIALS) → 'untrusted'", async () => {
    const c = newClient({ settings: settings({ [proxy.host]: { http: true } }, { retries: RETRIES }), credentials: NO_CREDENTIALS, retryBaseMs: 10 });
    proxy.fault = { kind: 'status403', path: manifests };
    assertRegistryError(await registryError(c.resolve(tagRef())), 'untrusted', tagRef(), /not trusted/, SECRETS, c.logLines);
    await c.close();
  });

  it('redirectToOtherHost (a blob on a CDN): bytes verified, Authorization not forwarded', async () => {
    const c = client();
    proxy.fault = { kind: 'redirectToOtherHost', path: blobs };
    assert.equal(sha256Digest(await c.blob(tagRef(), layer().digest)), layer().digest);
    assert.equal(proxy.redirectTarget.requests.length, 1);
    assert.ok(
      proxy.requests.some((r) => r.fault === 'redirectToOtherHost' && r.authorization === basicHeader(USER, PASSWORD)),
      'the registry itself got the credentials',
    );
    await c.close();
  });

  it('redirectToOtherHost (a manifest by digest): verified, Authorization not forwarded', async () => {
    const c = client();
    proxy.fault = { kind: 'redirectToOtherHost', path: manifests, method: 'GET' };
    const fetched = await c.manifest(tagRef(), { digest: amd64() });
    assert.equal(fetched.digest, amd64());
    assert.deepEqual(Buffer.from(fetched.bytes), app.manifests[amd64()]!.bytes);
    assert.ok(proxy.redirectTarget.requests.length >= 1);
    await c.close();
  });

  it("a stalled request is 'cancelled' as soon as its signal aborts", async () => {
    const c = client();
    proxy.fault = { kind: 'stall', phase: 'headers', path: manifests };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await registryError(c.resolve(tagRef(), { signal: controller.signal }));
    assertRegistryError(error, 'cancelled', tagRef(), /cancel/i, SECRETS, c.logLines);
    assert.ok(Date.now() - started < TIMEOUT_MS, 'waited for the timeout instead');
    proxy.fault = undefined;
    assert.equal((await c.resolve(tagRef())).digest, app.indexDigest);
    await c.close();
  });

  it('slow: a caller that aborts does not abort the request it shares with another', async () => {
    const c = client();
    proxy.fault = { kind: 'slow', delayMs: 200, path: manifests };
    const controller = new AbortController();
    const first = c.resolve(tagRef(), { signal: controller.signal });
    const second = c.resolve(tagRef());
    setTimeout(() => controller.abort(), 50);
    assertRegistryError(await registryError(first), 'cancelled', tagRef(), /cancel/i, SECRETS, c.logLines);
    assert.equal((await second).digest, app.indexDigest);
    assert.equal(proxy.requests.filter((r) => r.method === 'HEAD' && r.authorization !== undefined).length, 1, 'one signed-in HEAD for both callers');
    await c.close();
  });

  it('slow: when every caller aborts, the shared request is aborted too', async () => {
    const c = client();
    proxy.fault = { kind: 'slow', delayMs: 400, path: manifests };
    const controller = new AbortController();
    const pending = c.resolve(tagRef(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assertRegistryError(await registryError(pending), 'cancelled', tagRef(), /cancel/i, SECRETS, c.logLines);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [request] = proxy.requests;
    assert.ok(request?.finished !== undefined && request.finished - request.started < 300, 'the request was left running');
    await c.close();
  });

  it('bounds concurrent requests per host by maxConcurrentPerHost', async () => {
    const c = newClient({ settings: settings({ [proxy.host]: { http: true } }, { maxConcurrentPerHost: 2 }), credentials: config.store() });
    proxy.fault = { kind: 'slow', delayMs: 60, path: manifests };
    const resolved = await Promise.all(many.map((m) => c.resolve(ref(`${proxy.host}/demo/many:${m.tag}`))));
    assert.deepEqual(
      resolved.map((r) => r.digest),
      many.map((m) => m.indexDigest),
    );
    assert.equal(maxConcurrent(proxy.requests), 2);
    await c.close();
  });

  it('accepts a generic Content-Type when the body names a manifest media type', async () => {
    const c = client();
    proxy.fault = { kind: 'wrongContentType', contentType: 'application/json', keepBody: true, path: manifests, method: 'GET' };
    const fetched = await c.manifest(tagRef());
    assert.deepEqual([fetched.digest, fetched.mediaType], [app.indexDigest, MediaTypes.ociIndex]);
    await c.close();
  });

  it("redirectToOtherHost serving other bytes → 'digestMismatch', the signed URL not shown", async () => {
    const c = client();
    proxy.fault = { kind: 'redirectToOtherHost', targetFault: 'wrongBody', path: blobs };
    const error = await registryError(c.blob(tagRef(), layer().digest));
    assertRegistryError(error, 'digestMismatch', tagRef(), /hash/, SECRETS, c.logLines);
    assert.ok(proxy.redirectTarget.requests.length > 0);
    proxy.fault = undefined;
    assert.equal(sha256Digest(await c.blob(tagRef(), layer().digest)), layer().digest);
    await c.close();
  });

  it("redirectToOtherHost answering 500 → 'serverError', the signed URL not shown", async () => {
    const c = client();
    proxy.fault = { kind: 'redirectToOtherHost', targetFault: 'status500', path: blobs };
    const error = await registryError(c.blob(tagRef(), layer().digest));
    assertRegistryError(error, 'serverError', tagRef(), /500/, SECRETS, c.logLines);
    proxy.fault = undefined;
    assert.equal(sha256Digest(await c.blob(tagRef(), layer().digest)), layer().digest);
    await c.close();
  });

  it("a refused connection is 'network', naming the host", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const host = `127.0.0.1:${closed}`;
    const c = newClient({ settings: settings({ [host]: { http: true } }, { timeoutMs: TIMEOUT_MS, retries: RETRIES }), credentials: config.store(), retryBaseMs: 10 });
    const r = ref(`${host}/demo/app:1`);
    const error = await registryError(c.resolve(r));
    assertRegistryError(error, 'network', r, /refused/i, SECRETS, c.logLines);
    assert.ok(error.message.includes(host));
    await c.close();
  });
});
