// Registry tier: a real registry serving HTTPS with a certificate from a test CA (openssl-made).
import * as assert from 'node:assert/strict';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import type { RegistryHostSettings } from '../../src/registry/settings';
import { makeTestCertificates, type TestCertificates } from './harness/certs';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, seedSingle, type SeededIndex } from './harness/seed';
import { assertRegistryError, newClient, ref, registryError, settings } from './fixtures';

describe('registry tier: TLS with a test CA', function () {
  let certs: TestCertificates;
  let registry: RunningRegistry;
  let plain: RunningRegistry;
  let app: SeededIndex;

  before(async () => {
    certs = await makeTestCertificates();
    [registry, plain] = await Promise.all([startRegistry({ tls: { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath } }), startRegistry()]);
    app = await seedImage(registry.url, 'demo/app', '1', { ca: certs.caCertPem });
    await seedSingle(plain.url, 'demo/app', '1');
  });
  after(async () => {
    await Promise.all([registry?.close(), plain?.close()]);
    await certs?.close();
  });

  const client = (hosts: Record<string, RegistryHostSettings>, caCertificates: string[] = []) => newClient({ settings: settings(hosts, { caCertificates, retries: 0 }), credentials: NO_CREDENTIALS });

  it("answers 'tls' when the CA is not trusted", async () => {
    const c = client({});
    const r = ref(`${registry.host}/demo/app:1`);
    assertRegistryError(await registryError(c.resolve(r)), 'tls', r, /certificate|TLS/i);
    assertRegistryError(await registryError(c.manifest(r)), 'tls', r, /certificate|TLS/i);
    await c.close();
  });

  it('verifies the registry with settings.caCertificates', async () => {
    const c = client({}, [certs.caCertPem]);
    const r = ref(`${registry.host}/demo/app:1`);
    assert.equal((await c.resolve(r)).digest, app.indexDigest);
    assert.equal((await c.manifest(r, { digest: app.platformDigests['linux/amd64']! })).digest, app.platformDigests['linux/amd64']);
    await c.close();
  });

  it('checks the host name: localhost is in the certificate, so it works too', async () => {
    const c = client({}, [certs.caCertPem]);
    assert.equal((await c.resolve(ref(`localhost:${registry.port}/demo/app:1`))).digest, app.indexDigest);
    await c.close();
  });

  it('skips verification for hosts configured insecure', async () => {
    const c = client({ [registry.host]: { insecure: true } });
    assert.equal((await c.resolve(ref(`${registry.host}/demo/app:1`))).digest, app.indexDigest);
    await c.close();
  });

  it('does not let an insecure host make other hosts insecure', async () => {
    const c = client({ [`localhost:${registry.port}`]: { insecure: true } });
    const r = ref(`${registry.host}/demo/app:1`);
    assert.equal((await c.resolve(ref(`localhost:${registry.port}/demo/app:1`))).digest, app.indexDigest);
    assertRegistryError(await registryError(c.resolve(r)), 'tls', r, /certificate|TLS/i);
    await c.close();
  });

  it("answers 'tls' for a plain-HTTP registry not configured as HTTP, with the hint", async () => {
    const c = client({});
    const r = ref(`${plain.host}/demo/app:1`);
    assertRegistryError(await registryError(c.resolve(r)), 'tls', r, /HTTP/);
    await c.close();
  });
});
