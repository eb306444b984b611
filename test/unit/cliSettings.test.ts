import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliRegistrySettings, isLoopbackRegistry } from '../../src/cli/settings';
import { indexFolder, indexWorkspace, uri } from '../../src/cli/workspaceFiles';
import { readCheckSettings } from '../../src/cli/workspaceSettings';
import { DEFAULT_EXCLUDE } from '../../src/workspace/buildFilePatterns';

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

// The command line finds the build files the extension finds: `imageProvenance.exclude` (default: installed
// dependencies, as package.json declares it) leaves vendor/ and node_modules/ out, alongside files.exclude.
describe('command-line workspace files (unit)', () => {
  const workspace = (settings?: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-files-'));
    for (const folder of ['app', 'vendor/github.com/acme/tool', 'node_modules/pkg', 'generated']) mkdirSync(join(dir, folder), { recursive: true });
    for (const folder of ['app', 'vendor/github.com/acme/tool', 'node_modules/pkg', 'generated']) writeFileSync(join(dir, folder, 'Dockerfile'), 'FROM alpine:3.21\n');
    if (settings !== undefined) {
      mkdirSync(join(dir, '.vscode'));
      writeFileSync(join(dir, '.vscode', 'settings.json'), settings);
    }
    return dir;
  };
  const found = async (dir: string, paths: string[] = [], warn?: (text: string) => void): Promise<string[]> => {
    const { settings, problems } = readCheckSettings(dir);
    assert.deepEqual(problems, []);
    const index = await indexFolder({ root: dir, paths, dockerfileGlobs: settings.dockerfileGlobs, exclude: settings.filesExclude, variables: settings.buildVariables, scanned: () => false, ...(warn && { warn }) });
    return index.files().map((f) => relative(dir, fileURLToPath(f.path)).split(sep).join('/')).sort();
  };

  it('leaves out vendor/ and node_modules/ by default, as package.json declares the default', async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
    assert.deepEqual(manifest.contributes.configuration.properties['imageProvenance.exclude']?.default, [...DEFAULT_EXCLUDE]);
    const dir = workspace();
    try {
      assert.deepEqual(await found(dir), ['app/Dockerfile', 'generated/Dockerfile']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a path named on the command line that is left out is said, not passed over: a check of it would look clean', async () => {
    const dir = workspace();
    try {
      writeFileSync(join(dir, 'app', 'README.md'), '# FROM alpine:3.21\n');
      const warnings: string[] = [];
      assert.deepEqual(await found(dir, ['app/README.md', 'app/Dockerfile', 'vendor', 'node_modules/pkg/Dockerfile'], (text) => warnings.push(text)), ['app/Dockerfile']);
      assert.deepEqual(warnings, [
        "app/README.md is left out: its name is not a Dockerfile's, a Compose file's or a Bake file's (imageProvenance.dockerfileGlobs adds names)",
        'vendor is left out: files.exclude or imageProvenance.exclude names it',
        'node_modules/pkg/Dockerfile is left out: files.exclude or imageProvenance.exclude names it',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a settings.json saved with a byte order mark, as VS Code reads it (its TextDecoder drops the mark)', () => {
    const dir = workspace('\uFEFF{\n  // from a Windows editor\n  "imageProvenance.dockerfileGlobs": ["**/*.containerfile"],\n}\n');
    try {
      assert.deepEqual(readCheckSettings(dir).settings.dockerfileGlobs, ['**/*.containerfile']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still reads an excluded Dockerfile that a Compose file builds, as the extension does, over the whole folder', async () => {
    const dir = workspace();
    try {
      writeFileSync(join(dir, 'vendor/github.com/acme/tool/Dockerfile'), 'FROM golang:1.23 AS build\nFROM alpine:3.21\n');
      writeFileSync(join(dir, 'app', 'compose.yaml'), 'services:\n  tool:\n    build:\n      context: ../vendor/github.com/acme/tool\n      target: build\n');
      const { settings } = readCheckSettings(dir);
      const index = await indexWorkspace(dir, [], settings);
      const compose = uri(join(dir, 'app', 'compose.yaml'));
      assert.equal(index.has(uri(join(dir, 'vendor/github.com/acme/tool/Dockerfile'))), false, 'the vendored Dockerfile is listed on its own');
      assert.deepEqual(index.linked(compose, 0)?.uses.map((u) => u.text), ['golang:1.23', 'alpine:3.21']);
      assert.deepEqual(index.diagnostics(compose), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads them when the setting is emptied, and leaves out what files.exclude and the setting name', async () => {
    const dir = workspace('{ "imageProvenance.exclude": ["**/generated/**"], "files.exclude": { "**/node_modules": true } }');
    try {
      assert.deepEqual(await found(dir), ['app/Dockerfile', 'vendor/github.com/acme/tool/Dockerfile']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
