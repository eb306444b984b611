// The registry tier's harness, checked with plain HTTP requests (undici), independent of the client
// under test: if these fail, the client tests' failures mean nothing.
import * as assert from 'node:assert/strict';
import { Agent, request, type Dispatcher } from 'undici';
import { makeTestCertificates, type TestCertificates } from './harness/certs';
import { sha256Digest } from './harness/digest';
import { startFaultProxy, REDIRECT_SIGNATURE_PARAM, type FaultProxy } from './harness/faultProxy';
import { MediaTypes } from './harness/imageContent';
import { maxConcurrent, startRecordingProxy } from './harness/recordingProxy';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedDockerList, seedImage, seedSingle, type SeededIndex } from './harness/seed';
import { decodeTokenClaims, startTokenServer, type TokenServer } from './harness/tokenServer';

const ALL_MANIFEST_TYPES = [MediaTypes.ociIndex, MediaTypes.ociManifest, MediaTypes.dockerList, MediaTypes.dockerManifest].join(', ');
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function get(url: string, headers: Record<string, string> = {}, options: { method?: 'GET' | 'HEAD'; dispatcher?: Dispatcher } = {}): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const res = await request(url, { method: options.method ?? 'GET', headers, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) });
  const body = Buffer.from(await res.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: res.statusCode, headers: flat, body };
}

describe('registry tier: harness self-test', function () {
  this.timeout(30_000);
  let certs: TestCertificates;
  before(async () => {
    certs = await makeTestCertificates();
  });
  after(async () => {
    await certs?.close();
  });

  describe('plain registry and seeding', () => {
    let registry: RunningRegistry;
    let image: SeededIndex;
    before(async () => {
      registry = await startRegistry();
      image = await seedImage(registry.url, 'demo/app', '1');
    });
    after(async () => {
      await registry?.close();
    });

    it('serves the seeded index under the digest seed computed', async () => {
      assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
      const head = await get(`${registry.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES }, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['docker-content-digest'], image.indexDigest);
      assert.equal(head.headers['content-type'], MediaTypes.ociIndex);
      const got = await get(`${registry.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES });
      assert.deepEqual(got.body, image.indexBytes);
      assert.equal(sha256Digest(got.body), image.indexDigest);
    });

    it('has platform and attestation entries as BuildKit writes them', () => {
      const index = JSON.parse(image.indexBytes.toString()) as { manifests: { digest: string; platform: { os: string }; annotations?: Record<string, string> }[] };
      assert.equal(index.manifests.length, 4);
      assert.deepEqual(Object.keys(image.platformDigests), ['linux/amd64', 'linux/arm64/v8']);
      for (const [platform, digest] of Object.entries(image.platformDigests)) {
        const attestation = index.manifests.find((m) => m.annotations?.['vnd.docker.reference.digest'] === digest);
        assert.equal(attestation?.digest, image.attestationDigests[platform]);
        assert.equal(attestation?.platform.os, 'unknown');
        assert.equal(attestation?.annotations?.['vnd.docker.reference.type'], 'attestation-manifest');
      }
    });

    it('serves every pushed manifest and blob by digest', async () => {
      for (const [digest, m] of Object.entries(image.manifests)) {
        const got = await get(`${registry.url}/v2/demo/app/manifests/${digest}`, { accept: ALL_MANIFEST_TYPES });
        assert.equal(got.status, 200, digest);
        assert.deepEqual(got.body, m.bytes);
      }
      for (const [digest, b] of Object.entries(image.blobs)) {
        const got = await get(`${registry.url}/v2/demo/app/blobs/${digest}`);
        assert.equal(got.status, 200, digest);
        assert.deepEqual(got.body, b.bytes);
      }
      const statement = JSON.parse(image.attestationLayers['linux/amd64']![0]!.bytes.toString()) as { predicateType: string; subject: { digest: { sha256: string } }[] };
      assert.equal(statement.predicateType, 'https://slsa.dev/provenance/v0.2');
      assert.equal(`sha256:${statement.subject[0]!.digest.sha256}`, image.platformDigests['linux/amd64']);
    });

    it('404s an index when Accept lacks the OCI index type (the distribution 2.8 quirk)', async () => {
      const got = await get(`${registry.url}/v2/demo/app/manifests/1`, { accept: MediaTypes.dockerManifest });
      assert.equal(got.status, 404);
    });

    it('gives different content per tag and per salt', async () => {
      const other = await seedImage(registry.url, 'demo/app', '2', { attestations: false });
      const moved = await seedImage(registry.url, 'demo/app', '2', { attestations: false, salt: 'rebuilt' });
      assert.notEqual(other.indexDigest, image.indexDigest);
      assert.notEqual(moved.indexDigest, other.indexDigest);
      const head = await get(`${registry.url}/v2/demo/app/manifests/2`, { accept: ALL_MANIFEST_TYPES }, { method: 'HEAD' });
      assert.equal(head.headers['docker-content-digest'], moved.indexDigest);
    });

    it('seeds a Docker v2 manifest and a Docker manifest list', async () => {
      const single = await seedSingle(registry.url, 'demo/single', 'v1');
      const list = await seedDockerList(registry.url, 'demo/list', 'v1');
      const s = await get(`${registry.url}/v2/demo/single/manifests/v1`, { accept: ALL_MANIFEST_TYPES });
      assert.equal(s.headers['content-type'], MediaTypes.dockerManifest);
      assert.equal(s.headers['docker-content-digest'], single.digest);
      const l = await get(`${registry.url}/v2/demo/list/manifests/v1`, { accept: ALL_MANIFEST_TYPES });
      assert.equal(l.headers['content-type'], MediaTypes.dockerList);
      assert.equal(l.headers['docker-content-digest'], list.indexDigest);
      assert.deepEqual(Object.keys(list.platformDigests), ['linux/amd64', 'linux/arm/v7']);
    });
  });

  describe('failing loudly', () => {
    it('names the package to install when docker-registry is missing', async () => {
      await assert.rejects(startRegistry({ env: { PATH: '/nonexistent' } }), /docker-registry is not installed.*apt-get install docker-registry/s);
    });

    it("shows the registry's own log when it cannot start", async () => {
      await assert.rejects(
        startRegistry({ token: { realm: 'http://127.0.0.1:1/token', service: 's', issuer: 'i', rootCertBundlePath: '/nonexistent/bundle.pem' } }),
        (e: Error) => /exited during startup/.test(e.message) && /bundle\.pem|no such file/i.test(e.message),
      );
    });
  });

  describe('htpasswd', () => {
    let registry: RunningRegistry;
    before(async () => {
      registry = await startRegistry({ htpasswd: { users: { alice: 'alice-secret' } } });
      await seedSingle(registry.url, 'private/app', '1', { auth: { username: 'alice', password: 'alice-secret' } });
    });
    after(async () => {
      await registry?.close();
    });

    it('challenges with Basic and accepts the bcrypt-hashed password', async () => {
      const anonymous = await get(`${registry.url}/v2/private/app/manifests/1`, { accept: ALL_MANIFEST_TYPES });
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers['www-authenticate'] ?? '', /^Basic realm="test-registry"/);
      assert.equal((await get(`${registry.url}/v2/private/app/manifests/1`, { accept: ALL_MANIFEST_TYPES, authorization: basic('alice', 'wrong') })).status, 401);
      assert.equal((await get(`${registry.url}/v2/private/app/manifests/1`, { accept: ALL_MANIFEST_TYPES, authorization: basic('alice', 'alice-secret') })).status, 200);
    });
  });

  describe('token auth', () => {
    let tokens: TokenServer;
    let registry: RunningRegistry;
    let image: SeededIndex;
    before(async () => {
      tokens = await startTokenServer({ issuer: 'test-issuer', service: 'test-registry', signingKeyPem: certs.signingKeyPem, signingCertPem: certs.signingCertPem, users: { bob: 'bob-secret' }, refreshTokens: { 'refresh-bob': 'bob' } });
      registry = await startRegistry({ token: { realm: tokens.realm, service: 'test-registry', issuer: 'test-issuer', rootCertBundlePath: certs.signingCertPath } });
      image = await seedImage(registry.url, 'demo/app', '1', { auth: { username: 'bob', password: 'bob-secret' } });
    });
    after(async () => {
      await registry?.close();
      await tokens?.close();
    });

    it('accepts our ES256 JWTs with an x5c chain checked against the bundle', async () => {
      const challenge = await get(`${registry.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES });
      assert.equal(challenge.status, 401);
      assert.equal(challenge.headers['www-authenticate'], `Bearer realm="${tokens.realm}",service="test-registry",scope="repository:demo/app:pull"`);
      const answer = JSON.parse((await get(`${tokens.realm}?service=test-registry&scope=repository:demo/app:pull`)).body.toString()) as { token: string; access_token: string; expires_in: number };
      assert.equal(answer.token, answer.access_token);
      assert.equal(answer.expires_in, 300);
      const claims = decodeTokenClaims(answer.token);
      assert.equal(claims?.aud, 'test-registry');
      assert.deepEqual(claims?.access, [{ type: 'repository', name: 'demo/app', actions: ['pull'] }]);
      const got = await get(`${registry.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES, authorization: `Bearer ${answer.token}` });
      assert.equal(got.status, 200);
      assert.equal(got.headers['docker-content-digest'], image.indexDigest);
    });

    it('gives anonymous callers pull only, and records who asked', async () => {
      tokens.reset();
      const anon = JSON.parse((await get(`${tokens.realm}?service=test-registry&scope=repository:demo/app:pull,push`)).body.toString()) as { token: string };
      assert.deepEqual(decodeTokenClaims(anon.token)?.access, [{ type: 'repository', name: 'demo/app', actions: ['pull'] }]);
      const push = await request(`${registry.url}/v2/demo/app/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${anon.token}` } });
      await push.body.dump();
      assert.equal(push.statusCode, 401);
      assert.equal((await get(`${tokens.realm}?service=test-registry&scope=repository:demo/app:pull`, { authorization: basic('bob', 'nope') })).status, 401);
      assert.deepEqual(
        tokens.requests.map((r) => [r.user, r.status]),
        [
          [undefined, 200],
          [undefined, 401],
        ],
      );
    });

    it('rewrites the realm in challenges when asked', async () => {
      const front = await startRecordingProxy(registry.url, { rewriteRealm: { from: tokens.realm, to: 'https://auth.example.invalid/token' } });
      try {
        const challenge = await get(`${front.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES });
        assert.match(challenge.headers['www-authenticate'] ?? '', /realm="https:\/\/auth\.example\.invalid\/token"/);
      } finally {
        await front.close();
      }
    });

    it('rejects tokens signed by another key', async () => {
      const other = await makeTestCertificates();
      const rogue = await startTokenServer({ issuer: 'test-issuer', service: 'test-registry', signingKeyPem: other.signingKeyPem, signingCertPem: other.signingCertPem });
      try {
        const answer = JSON.parse((await get(`${rogue.realm}?service=test-registry&scope=repository:demo/app:pull`)).body.toString()) as { token: string };
        const got = await get(`${registry.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES, authorization: `Bearer ${answer.token}` });
        assert.equal(got.status, 401);
      } finally {
        await rogue.close();
        await other.close();
      }
    });

    it('exchanges refresh tokens and passwords on POST', async () => {
      const form = (fields: Record<string, string>): Promise<{ status: number; body: Buffer }> =>
        request(tokens.realm, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() }).then(async (r) => ({ status: r.statusCode, body: Buffer.from(await r.body.arrayBuffer()) }));
      const refreshed = await form({ grant_type: 'refresh_token', refresh_token: 'refresh-bob', service: 'test-registry', scope: 'repository:demo/app:pull', client_id: 'test' });
      assert.equal(refreshed.status, 200);
      assert.equal(decodeTokenClaims((JSON.parse(refreshed.body.toString()) as { access_token: string }).access_token)?.sub, 'bob');
      assert.equal((await form({ grant_type: 'refresh_token', refresh_token: 'bad', service: 'test-registry' })).status, 401);
      const password = await form({ grant_type: 'password', username: 'bob', password: 'bob-secret', service: 'test-registry', access_type: 'offline', client_id: 'test' });
      assert.ok((JSON.parse(password.body.toString()) as { refresh_token?: string }).refresh_token);
    });

    it('serves as upstream of a pull-through mirror that logs in with its own account', async () => {
      const upstream = await startRecordingProxy(registry.url);
      const mirror = await startRegistry({ proxy: { remoteurl: upstream.url, username: 'bob', password: 'bob-secret' } });
      try {
        tokens.reset();
        const got = await get(`${mirror.url}/v2/demo/app/manifests/1`, { accept: ALL_MANIFEST_TYPES });
        assert.equal(got.status, 200, got.body.toString());
        assert.equal(got.headers['docker-content-digest'], image.indexDigest);
        assert.deepEqual(got.body, image.indexBytes);
        const amd64 = image.platformDigests['linux/amd64']!;
        const platform = await get(`${mirror.url}/v2/demo/app/manifests/${amd64}`, { accept: ALL_MANIFEST_TYPES });
        assert.equal(sha256Digest(platform.body), amd64);
        assert.ok(tokens.requests.some((r) => r.user === 'bob'), 'the mirror did not use its credentials');
        assert.ok(upstream.requests.some((r) => r.authorization?.startsWith('Bearer ')));
      } finally {
        await mirror.close();
        await upstream.close();
      }
    });
  });

  describe('TLS', () => {
    let registry: RunningRegistry;
    before(async () => {
      registry = await startRegistry({ tls: { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath } });
      await seedSingle(registry.url, 'demo/tls', '1', { ca: certs.caCertPem });
    });
    after(async () => {
      await registry?.close();
    });

    it('serves HTTPS that only the test CA verifies', async () => {
      assert.match(registry.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      await assert.rejects(get(`${registry.url}/v2/`), (e: Error & { code?: string; cause?: { code?: string } }) => /certificate|self.signed|UNABLE_TO_VERIFY/i.test(`${e.message} ${e.code ?? ''} ${e.cause?.code ?? ''}`));
      const agent = new Agent({ connect: { ca: certs.caCertPem } });
      try {
        assert.equal((await get(`${registry.url}/v2/demo/tls/manifests/1`, { accept: ALL_MANIFEST_TYPES }, { dispatcher: agent })).status, 200);
        assert.equal((await get(`https://localhost:${registry.port}/v2/`, {}, { dispatcher: agent })).status, 200);
      } finally {
        await agent.close();
      }
    });
  });

  describe('fault proxy', () => {
    let registry: RunningRegistry;
    let proxy: FaultProxy;
    let image: SeededIndex;
    const manifestUrl = (): string => `${proxy.url}/v2/demo/app/manifests/1`;
    before(async () => {
      registry = await startRegistry({ htpasswd: { users: { alice: 'pw' } } });
      proxy = await startFaultProxy(registry.url);
      image = await seedImage(proxy.url, 'demo/app', '1', { auth: { username: 'alice', password: 'pw' } });
    });
    afterEach(() => {
      proxy.fault = undefined;
    });
    after(async () => {
      await proxy?.close();
      await registry?.close();
    });
    const auth = { accept: ALL_MANIFEST_TYPES, authorization: basic('alice', 'pw') };

    it('passes through and records Authorization', async () => {
      proxy.reset();
      const got = await get(manifestUrl(), auth);
      assert.equal(got.headers['docker-content-digest'], image.indexDigest);
      assert.deepEqual(
        proxy.requests.map((r) => [r.method, r.path, r.authorization, r.status]),
        [['GET', '/v2/demo/app/manifests/1', basic('alice', 'pw'), 200]],
      );
    });

    it('lets challenges through altering faults', async () => {
      proxy.fault = { kind: 'wrongBody' };
      assert.equal((await get(manifestUrl(), { accept: ALL_MANIFEST_TYPES })).status, 401);
      assert.equal(proxy.injected, 0);
    });

    it('wrongBody: same length, valid JSON, other hash, the real digest header', async () => {
      proxy.fault = { kind: 'wrongBody', path: /\/manifests\// };
      const got = await get(manifestUrl(), auth);
      assert.equal(got.body.length, image.indexBytes.length);
      assert.notEqual(sha256Digest(got.body), image.indexDigest);
      assert.equal(got.headers['docker-content-digest'], image.indexDigest);
      JSON.parse(got.body.toString());
      const layer = image.attestationLayers['linux/amd64']![0]!;
      proxy.fault = { kind: 'wrongBody', path: /\/blobs\// };
      const blob = await get(`${proxy.url}/v2/demo/app/blobs/${layer.digest}`, auth);
      assert.equal(blob.body.length, layer.size);
      assert.notEqual(sha256Digest(blob.body), layer.digest);
      JSON.parse(blob.body.toString());
    });

    it('lyingDigestHeader, dropDigestHeader', async () => {
      proxy.fault = { kind: 'lyingDigestHeader' };
      const lying = await get(manifestUrl(), auth);
      assert.deepEqual(lying.body, image.indexBytes);
      assert.match(lying.headers['docker-content-digest'] ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.notEqual(lying.headers['docker-content-digest'], image.indexDigest);
      proxy.fault = { kind: 'dropDigestHeader', method: 'HEAD' };
      const head = await get(manifestUrl(), auth, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['docker-content-digest'], undefined);
      assert.equal((await get(manifestUrl(), auth)).headers['docker-content-digest'], image.indexDigest, 'GET is not HEAD');
    });

    it('malformedJson and wrongContentType carry a digest header matching the bad bytes', async () => {
      proxy.fault = { kind: 'malformedJson' };
      const bad = await get(manifestUrl(), auth);
      assert.equal(bad.status, 200);
      assert.equal(bad.headers['content-type'], MediaTypes.ociIndex);
      assert.equal(bad.headers['docker-content-digest'], sha256Digest(bad.body));
      assert.throws(() => JSON.parse(bad.body.toString()));
      proxy.fault = { kind: 'wrongContentType' };
      const html = await get(manifestUrl(), auth);
      assert.match(html.headers['content-type'] ?? '', /^text\/html/);
      assert.equal(html.headers['docker-content-digest'], sha256Digest(html.body));
    });

    it('status faults, transient then passing', async () => {
      proxy.fault = { kind: 'status429', retryAfter: 7 };
      const limited = await get(manifestUrl(), auth);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers['retry-after'], '7');
      proxy.fault = { kind: 'status500' };
      assert.equal((await get(manifestUrl(), auth)).status, 500);
      proxy.fault = { kind: 'status503', times: 2 };
      assert.deepEqual([(await get(manifestUrl(), auth)).status, (await get(manifestUrl(), auth)).status, (await get(manifestUrl(), auth)).status], [503, 503, 200]);
    });

    it('connectionReset', async () => {
      proxy.fault = { kind: 'connectionReset' };
      await assert.rejects(get(manifestUrl(), auth), (e: Error & { code?: string; cause?: { code?: string } }) => /ECONNRESET|UND_ERR_SOCKET|other side closed/.test(`${e.code ?? ''} ${e.cause?.code ?? ''} ${e.message}`));
    });

    it('redirectToOtherHost: 307 to another port that serves the real bytes and records Authorization', async () => {
      const layer = image.attestationLayers['linux/amd64']![1]!;
      proxy.fault = { kind: 'redirectToOtherHost', path: /\/blobs\// };
      const redirect = await get(`${proxy.url}/v2/demo/app/blobs/${layer.digest}`, auth);
      assert.equal(redirect.status, 307);
      const location = new URL(redirect.headers['location'] ?? '');
      assert.equal(location.host, proxy.redirectTarget.host);
      assert.notEqual(location.host, proxy.host);
      assert.ok(location.searchParams.get(REDIRECT_SIGNATURE_PARAM));
      const followed = await get(location.toString());
      assert.deepEqual(followed.body, layer.bytes);
      assert.deepEqual(
        proxy.redirectTarget.requests.map((r) => r.authorization),
        [undefined],
      );
    });

    it('redirectLoop: alternates between two URLs', async () => {
      proxy.fault = { kind: 'redirectLoop' };
      const first = await get(manifestUrl(), auth);
      assert.equal(first.status, 307);
      const second = await get(new URL(first.headers['location'] ?? '', proxy.url).toString(), auth);
      const third = await get(new URL(second.headers['location'] ?? '', proxy.url).toString(), auth);
      const loop = (h: string | undefined): string | null => new URL(h ?? '', proxy.url).searchParams.get('loop');
      assert.deepEqual([loop(first.headers['location']), loop(second.headers['location']), loop(third.headers['location'])], ['1', '2', '1']);
    });

    it('slow answers, and counts how many requests overlapped', async () => {
      proxy.reset();
      proxy.fault = { kind: 'slow', delayMs: 100 };
      const started = Date.now();
      const answers = await Promise.all([get(manifestUrl(), auth), get(manifestUrl(), auth), get(manifestUrl(), auth)]);
      assert.ok(Date.now() - started >= 95);
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
      assert.equal(maxConcurrent(proxy.requests), 3);
      assert.equal(maxConcurrent([{ ...proxy.requests[0]!, started: 0, finished: 10 }, { ...proxy.requests[0]!, started: 10, finished: 20 }]), 1);
    });

    it('redirect target faults: other bytes, or a 500', async () => {
      const layer = image.attestationLayers['linux/amd64']![0]!;
      proxy.fault = { kind: 'redirectToOtherHost', targetFault: 'wrongBody' };
      const flippedBytes = await get((await get(`${proxy.url}/v2/demo/app/blobs/${layer.digest}`, auth)).headers['location'] ?? '');
      assert.equal(flippedBytes.status, 200);
      assert.equal(flippedBytes.body.length, layer.size);
      assert.notEqual(sha256Digest(flippedBytes.body), layer.digest);
      proxy.fault = { kind: 'redirectToOtherHost', targetFault: 'status500' };
      assert.equal((await get((await get(`${proxy.url}/v2/demo/app/blobs/${layer.digest}`, auth)).headers['location'] ?? '')).status, 500);
    });

    it('stall (headers and body) and endless and oversized bodies', async () => {
      const agent = new Agent({ headersTimeout: 300, bodyTimeout: 300 });
      try {
        proxy.fault = { kind: 'stall', phase: 'headers' };
        await assert.rejects(get(manifestUrl(), auth, { dispatcher: agent }), (e: Error & { code?: string }) => e.code === 'UND_ERR_HEADERS_TIMEOUT');
        proxy.fault = { kind: 'stall', phase: 'body' };
        await assert.rejects(get(manifestUrl(), auth, { dispatcher: agent }), (e: Error & { code?: string }) => e.code === 'UND_ERR_BODY_TIMEOUT');
      } finally {
        await agent.destroy();
      }
      proxy.fault = { kind: 'oversized', mode: 'contentLength' };
      const huge = await request(manifestUrl(), { headers: auth });
      assert.equal(huge.headers['content-length'], String(2 ** 40));
      huge.body.destroy();
      proxy.fault = { kind: 'oversized', mode: 'padded', bytes: 300_000 };
      const padded = await get(manifestUrl(), auth);
      assert.equal(padded.body.length, 300_000);
      assert.deepEqual(JSON.parse(padded.body.toString()), JSON.parse(image.indexBytes.toString()));
      proxy.fault = { kind: 'endlessBody' };
      const endless = await request(manifestUrl(), { headers: auth });
      let received = 0;
      for await (const chunk of endless.body) {
        received += (chunk as Buffer).length;
        if (received > 5_000_000) break;
      }
      assert.ok(received > 5_000_000);
    });
  });
});
