// Registry tier: the client's proxy settings (settings.proxy, noProxy, proxyStrictSSL) against real
// registries and a forward proxy of our own that records every tunnel.
//
// Reaching the registry: like Go's httpproxy (so Docker) and VS Code, the client never proxies loopback
// hosts — `bypassesProxy` in transport.ts exempts `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 by
// name, without resolving anything. A registry on 127.0.0.1 can therefore never show that traffic goes
// through the proxy. A host name that resolves to 127.0.0.1 without looking like it (an /etc/hosts alias
// such as the machine's own name) would be proxied, but whether one exists, and whether it maps to
// 127.0.0.1 rather than Debian's 127.0.1.1, depends on the machine. So the registries here listen on
// this machine's own non-loopback IPv4 address (os.networkInterfaces()): a real address the client
// would reach directly, which the proxy setting must send through the proxy instead, and which NO_PROXY
// can exempt. The test server certificate gets that IP as a subjectAltName. A machine with no
// non-loopback interface cannot run these tests, and they say so instead of passing vacuously; the
// loopback rule itself is tested with a registry front on 127.0.0.1.
import * as assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Agent, ProxyAgent, request } from 'undici';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import type { RegistryHostSettings, RegistrySettings } from '../../src/registry/settings';
import { makeTestCertificates, type TestCertificates } from './harness/certs';
import { startForwardProxy, type ForwardProxy } from './harness/forwardProxy';
import { startRecordingProxy, type RecordingProxy } from './harness/recordingProxy';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';
import { assertNoSecrets, assertRegistryError, base64, newClient, ref, registryError, settings } from './fixtures';

const PROXY_USER = 'proxy-user';
// Characters that must be percent-encoded in a URL's userinfo: the client has to decode them.
const PROXY_PASSWORD = 'pr0xy:P@ss/w0rd%';
const WRONG_PASSWORD = 'not-the-Pr0xy-pa55';
const SECRETS = [PROXY_PASSWORD, encodeURIComponent(PROXY_PASSWORD), base64(`${PROXY_USER}:${PROXY_PASSWORD}`), WRONG_PASSWORD, base64(`${PROXY_USER}:${WRONG_PASSWORD}`)];
const proxyBasic = (user: string, password: string): string => `Basic ${base64(`${user}:${password}`)}`;

/** The first IPv4 address of a non-loopback interface (link-local excluded), if the machine has one. */
function nonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
  }
  return undefined;
}

/** A port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('registry tier: proxy settings (a forward proxy of our own)', function () {
  let address: string;
  let certs: TestCertificates;
  let plain: RunningRegistry;
  let secure: RunningRegistry;
  let app: SeededIndex;
  let secureApp: SeededIndex;
  let proxy: ForwardProxy;
  let authProxy: ForwardProxy;
  let tlsProxy: ForwardProxy;
  /** In front of `plain`, on the same non-loopback address: sees what reaches the registry through a tunnel. */
  let front: RecordingProxy;
  /** In front of `plain`, on 127.0.0.1. */
  let loopbackFront: RecordingProxy;

  before(async () => {
    const found = nonLoopbackAddress();
    if (found === undefined) {
      throw new Error('the proxy tests need a non-loopback IPv4 interface: the client never proxies loopback registries (bypassesProxy), so a registry on 127.0.0.1 cannot show that traffic goes through the proxy');
    }
    address = found;
    certs = await makeTestCertificates({ serverAltNames: [`IP:${address}`] });
    const tls = { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath };
    [plain, secure, proxy, authProxy, tlsProxy] = await Promise.all([
      startRegistry({ address }),
      startRegistry({ address, tls }),
      startForwardProxy(),
      startForwardProxy({ auth: { username: PROXY_USER, password: PROXY_PASSWORD } }),
      startForwardProxy({ tls }),
    ]);
    [app, secureApp, front, loopbackFront] = await Promise.all([
      seedImage(plain.url, 'demo/app', '1'),
      seedImage(secure.url, 'demo/app', '1', { ca: certs.caCertPem }),
      startRecordingProxy(plain.url, { address }),
      startRecordingProxy(plain.url),
    ]);
  });
  after(async () => {
    await Promise.all([plain?.close(), secure?.close(), proxy?.close(), authProxy?.close(), tlsProxy?.close(), front?.close(), loopbackFront?.close()]);
    await certs?.close();
  });
  beforeEach(() => {
    for (const p of [proxy, authProxy, tlsProxy]) p.reset();
    for (const f of [front, loopbackFront]) f.reset();
  });

  const client = (overrides: Partial<RegistrySettings>, hosts?: Record<string, RegistryHostSettings>) =>
    newClient({
      settings: settings(hosts ?? { [plain.host]: { http: true }, [front.host]: { http: true }, [loopbackFront.host]: { http: true } }, { retries: 0, timeoutMs: 5000, ...overrides }),
      credentials: NO_CREDENTIALS,
      retryBaseMs: 5,
    });
  const targets = (p: ForwardProxy): string[] => [...new Set(p.records.map((r) => r.target))];
  // By name (the certificate has DNS:localhost): with an IP literal, undici sets the TLS server name to
  // the IP and Node warns (DEP0123). Only the registry's host decides whether to proxy, not the proxy's.
  const tlsProxyUrl = (): string => `https://localhost:${tlsProxy.port}`;

  it('the registries are on a non-loopback address, reachable without a proxy', async () => {
    assert.ok(!plain.host.startsWith('127.') && plain.host.startsWith(`${address}:`), plain.host);
    const c = client({});
    assert.equal((await c.resolve(ref(`${plain.host}/demo/app:1`))).digest, app.indexDigest);
    await c.close();
  });

  it('sends a plain-HTTP registry through the proxy (a CONNECT tunnel to its host:port)', async () => {
    const c = client({ proxy: proxy.url });
    const r = ref(`${plain.host}/demo/app:1`);
    const resolved = await c.resolve(r);
    assert.deepEqual([resolved.digest, resolved.host], [app.indexDigest, plain.host]);
    const amd64 = app.platformDigests['linux/amd64']!;
    assert.equal((await c.manifest(r, { digest: amd64 })).digest, amd64);
    assert.deepEqual(targets(proxy), [plain.host]);
    assert.ok(proxy.records.every((t) => t.kind === 'tunnel' && t.status === 200 && t.proxyAuthorization === undefined));
    await c.close();
  });

  it('sends an HTTPS registry through the proxy, verifying the registry (not the proxy) with the test CA', async () => {
    const c = client({ proxy: proxy.url, caCertificates: [certs.caCertPem] }, {});
    const r = ref(`${secure.host}/demo/app:1`);
    assert.equal((await c.resolve(r)).digest, secureApp.indexDigest);
    assert.deepEqual(targets(proxy), [secure.host]);
    await c.close();
  });

  it('never proxies loopback registries (127.0.0.1, localhost), as Go and Docker', async () => {
    const c = client({ proxy: proxy.url }, { [loopbackFront.host]: { http: true }, [`localhost:${loopbackFront.port}`]: { http: true } });
    assert.equal((await c.resolve(ref(`${loopbackFront.host}/demo/app:1`))).digest, app.indexDigest);
    assert.equal((await c.resolve(ref(`localhost:${loopbackFront.port}/demo/app:1`))).digest, app.indexDigest);
    assert.deepEqual(proxy.records, []);
    assert.equal(loopbackFront.requests.length, 2, 'the registry was reached directly');
    await c.close();
  });

  const noProxyEntries: [string, () => string][] = [
    ['ADDRESS:PORT', () => plain.host],
    ['ADDRESS', () => address],
    ['ADDRESS/32', () => `${address}/32`],
    ['example.invalid, ADDRESS:PORT', () => `example.invalid, ${plain.host}`],
    ['*', () => '*'],
  ];
  for (const [label, entry] of noProxyEntries) {
    it(`bypasses the proxy for a registry listed in noProxy (${label})`, async () => {
      const c = client({ proxy: proxy.url, noProxy: entry() });
      assert.equal((await c.resolve(ref(`${plain.host}/demo/app:1`))).digest, app.indexDigest);
      assert.deepEqual(proxy.records, []);
      await c.close();
    });
  }

  it('still proxies a registry that noProxy does not list (another host, another port)', async () => {
    const c = client({ proxy: proxy.url, noProxy: `example.invalid,.example.com,${address}:1,10.255.255.0/24` });
    assert.equal((await c.resolve(ref(`${plain.host}/demo/app:1`))).digest, app.indexDigest);
    assert.deepEqual(targets(proxy), [plain.host]);
    await c.close();
  });

  it('sends the credentials of the proxy URL to the proxy only, and shows them nowhere', async () => {
    const c = client({ proxy: authProxy.urlWith(PROXY_USER, PROXY_PASSWORD) });
    const r = ref(`${front.host}/demo/app:1`);
    assert.equal((await c.resolve(r)).digest, app.indexDigest);
    assert.equal((await c.manifest(r)).digest, app.indexDigest);
    assert.ok(authProxy.records.length > 0);
    for (const t of authProxy.records) {
      assert.deepEqual([t.target, t.status], [front.host, 200]);
      assert.equal(t.proxyAuthorization, proxyBasic(PROXY_USER, PROXY_PASSWORD), 'Proxy-Authorization for the decoded user and password');
    }
    // What came out of the tunnel: no Proxy-Authorization, no trace of the password in any header.
    assert.ok(front.requests.length >= 2);
    for (const req of front.requests) {
      assert.equal(req.headers['proxy-authorization'], undefined);
      assert.equal(req.authorization, undefined);
      assertNoSecrets([JSON.stringify(req.headers)], SECRETS);
    }
    // An error through that proxy shows no credentials either.
    const missing = ref(`${front.host}/demo/app:nope`);
    assertRegistryError(await registryError(c.resolve(missing)), 'notFound', missing, /not found/i, SECRETS, c.logLines);
    assertNoSecrets(c.logLines, SECRETS);
    await c.close();
  });

  it("a proxy asking for credentials (407) that were not given → 'network', naming the proxy's demand", async () => {
    const c = client({ proxy: authProxy.url });
    const r = ref(`${plain.host}/demo/app:1`);
    const error = await registryError(c.resolve(r));
    assertRegistryError(error, 'network', r, /proxy.*(407|authentication)/i, SECRETS, c.logLines);
    assert.deepEqual(
      authProxy.records.map((t) => [t.status, t.proxyAuthorization]),
      [[407, undefined]],
      'one refused tunnel, not retried',
    );
    await c.close();
  });

  it("a wrong proxy password (407) → 'network', the password not shown", async () => {
    const c = client({ proxy: authProxy.urlWith(PROXY_USER, WRONG_PASSWORD) });
    const r = ref(`${plain.host}/demo/app:1`);
    const error = await registryError(c.resolve(r));
    assertRegistryError(error, 'network', r, /proxy.*(407|authentication)/i, SECRETS, c.logLines);
    assertNoSecrets([String(error.stack)], SECRETS);
    assert.equal(authProxy.records[0]?.proxyAuthorization, proxyBasic(PROXY_USER, WRONG_PASSWORD));
    await c.close();
  });

  it("a proxy that is down → 'network' naming the image and the proxy, credentials not shown", async () => {
    const port = await closedPort();
    const c = client({ proxy: `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${port}` });
    const r = ref(`${plain.host}/demo/app:1`);
    const error = await registryError(c.resolve(r));
    assertRegistryError(error, 'network', r, /the proxy .*refused the connection/, SECRETS, c.logLines);
    assert.ok(error.message.includes(`127.0.0.1:${port}`), `the proxy's address is named: ${error.message}`);
    assert.doesNotMatch(error.message, /is the registry running/);
    await c.close();
  });

  it("a proxy that cannot reach the registry (502 to CONNECT) → 'network' naming the registry", async () => {
    const port = await closedPort();
    const host = `${address}:${port}`;
    const c = client({ proxy: proxy.url }, { [host]: { http: true } });
    const r = ref(`${host}/demo/app:1`);
    assertRegistryError(await registryError(c.resolve(r)), 'network', r, new RegExp(`proxy.*${host.replace(/\./g, '\\.')}.*502`), SECRETS, c.logLines);
    assert.deepEqual(
      proxy.records.map((t) => [t.target, t.status]),
      [[host, 502]],
    );
    await c.close();
  });

  it("a proxy setting that is not a URL → 'network', saying so", async () => {
    const c = client({ proxy: 'proxy.example.com:3128 with typo' });
    const r = ref(`${plain.host}/demo/app:1`);
    assertRegistryError(await registryError(c.resolve(r)), 'network', r, /proxy setting/i, SECRETS, c.logLines);
    await c.close();
  });

  // What transport.ts promises for proxyStrictSSL (read from VS Code's http.proxyStrictSSL, which VS Code
  // describes as verifying the proxy server's certificate): it governs the TLS connection to an https://
  // proxy and nothing else; a registry's certificate is checked end to end through the tunnel either way.
  describe('proxyStrictSSL and an https:// proxy whose certificate is not trusted', () => {
    it("proxyStrictSSL true (the default) → 'tls', about the proxy", async () => {
      const c = client({ proxy: tlsProxyUrl() });
      const r = ref(`${plain.host}/demo/app:1`);
      assertRegistryError(await registryError(c.resolve(r)), 'tls', r, /TLS connection to the proxy localhost:\d+ failed.*proxyStrictSSL/, SECRETS, c.logLines);
      assert.deepEqual(tlsProxy.records, [], 'no tunnel over an unverified connection');
      await c.close();
    });

    it('proxyStrictSSL false → the proxy is used without verifying it', async () => {
      const c = client({ proxy: tlsProxyUrl(), proxyStrictSSL: false });
      assert.equal((await c.resolve(ref(`${plain.host}/demo/app:1`))).digest, app.indexDigest);
      assert.deepEqual(targets(tlsProxy), [plain.host]);
      await c.close();
    });

    it('the test CA in caCertificates verifies the proxy too, with proxyStrictSSL true', async () => {
      const c = client({ proxy: tlsProxyUrl(), caCertificates: [certs.caCertPem] });
      assert.equal((await c.resolve(ref(`${plain.host}/demo/app:1`))).digest, app.indexDigest);
      assert.deepEqual(targets(tlsProxy), [plain.host]);
      await c.close();
    });

    it("proxyStrictSSL false does not stop verifying an HTTPS registry's certificate behind the proxy → 'tls'", async () => {
      for (const [p, url] of [[proxy, proxy.url], [tlsProxy, tlsProxyUrl()]] as const) {
        const c = client({ proxy: url, proxyStrictSSL: false }, {});
        const r = ref(`${secure.host}/demo/app:1`);
        const error = await registryError(c.resolve(r));
        assertRegistryError(error, 'tls', r, /certificate.*not trusted/i, SECRETS, c.logLines);
        assert.ok(error.message.includes(secure.host), error.message);
        assert.deepEqual(targets(p), [secure.host], 'it went through the proxy');
        await c.close();
      }
    });
  });

  describe('the forward proxy itself (harness)', () => {
    it('forwards an absolute-URI plain-HTTP request and records it', async () => {
      const dispatcher = new ProxyAgent({ uri: proxy.url, proxyTunnel: false });
      try {
        const res = await request(`${plain.url}/v2/`, { dispatcher });
        await res.body.dump();
        assert.equal(res.statusCode, 200);
        assert.deepEqual(
          proxy.records.map((t) => [t.kind, t.method, t.target, t.status]),
          [['request', 'GET', plain.host, 200]],
        );
      } finally {
        await dispatcher.close();
      }
    });

    it('answers 407 with Proxy-Authenticate to an absolute-URI request without credentials, and does not forward it', async () => {
      const dispatcher = new Agent();
      try {
        const res = await request(`${authProxy.url}`, { dispatcher, path: `${plain.url}/v2/`, method: 'GET' } as Parameters<typeof request>[1]);
        await res.body.dump();
        assert.equal(res.statusCode, 407);
        assert.match(String(res.headers['proxy-authenticate']), /^Basic /);
        assert.deepEqual(
          authProxy.records.map((t) => [t.kind, t.status]),
          [['request', 407]],
        );
      } finally {
        await dispatcher.close();
      }
    });
  });
});
