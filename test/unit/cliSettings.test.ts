import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRegistrySettings, isLoopbackRegistry } from '../../src/cli/settings';

// moby api/swagger.yaml, RegistryServiceConfig.InsecureRegistryCIDRs: "By default, local registries (::1/128 and
// 127.0.0.0/8) are configured as insecure"; `localhost` resolves into them. Docker reaches those over plain HTTP.
describe('command-line registry settings (unit)', () => {
  it('reaches loopback registries over plain HTTP, and only those', () => {
    const table: [string, boolean][] = [
      ['localhost:5000', true],
      ['localhost', true],
      ['127.0.0.1:5000', true],
      ['127.1.2.3', true],
      ['[::1]:5000', true],
      ['128.0.0.1:5000', false],
      ['localhost.example.com', false],
      ['10.0.0.1:5000', false],
      ['docker.io', false],
      ['ghcr.io', false],
    ];
    assert.deepEqual(table.map(([registry]) => [registry, isLoopbackRegistry(registry)]), table);
    assert.deepEqual(cliRegistrySettings(['localhost:5000'], {}).hosts, { 'localhost:5000': { http: true } });
    assert.deepEqual(cliRegistrySettings(['ghcr.io'], {}).hosts, {});
    // A referrer repository on another loopback registry is reached the same way.
    assert.deepEqual(cliRegistrySettings(['ghcr.io', '127.0.0.1:5001'], {}).hosts, { '127.0.0.1:5001': { http: true } });
  });

  it('takes the proxy from the environment, as the extension does', () => {
    const settings = cliRegistrySettings(['ghcr.io'], { HTTPS_PROXY: 'http://proxy.local:3128', NO_PROXY: '.corp' });
    assert.deepEqual([settings.proxy, settings.noProxy], ['http://proxy.local:3128', '.corp']);
  });

  // The extension's settings (package.json contributes imageProvenance.registry.*), read from .vscode/settings.json
  // by the same core function the extension uses (readRegistrySettingValues).
  it('reads the registry hosts, mirrors, CA certificates and timeout of the workspace settings as the extension does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-settings-'));
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, 'PEM TEXT');
      const warnings: string[] = [];
      const settings = cliRegistrySettings(
        ['docker.io'],
        {},
        {
          'imageProvenance.registry.hosts': { 'docker.io': { mirrors: ['http://localhost:5001', 7] }, 'registry.corp': { insecure: true, http: 'yes' }, bad: 'x' },
          'imageProvenance.registry.caCertificates': [ca, join(dir, 'missing.pem')],
          'imageProvenance.registry.timeoutSeconds': 5,
          'imageProvenance.registry.maxConcurrentRequests': -1,
        },
        (text) => warnings.push(text),
      );
      // A loopback mirror is reached over plain HTTP like a loopback registry; ill-typed values are dropped.
      assert.deepEqual(settings.hosts, { 'docker.io': { mirrors: ['http://localhost:5001'] }, 'registry.corp': { insecure: true }, 'localhost:5001': { http: true } });
      assert.deepEqual(settings.caCertificates, ['PEM TEXT']);
      assert.deepEqual([settings.timeoutMs, settings.maxConcurrentPerHost], [5000, 6]);
      assert.deepEqual(warnings, [`Cannot read the CA certificate file ${join(dir, 'missing.pem')}: ENOENT`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
