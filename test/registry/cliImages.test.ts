// Registry tier, end to end: the image commands of the built command-line tool (dist/cli.js) run as a child
// process against a real registry (distribution 2.8) seeded with BuildKit-shaped attestations. The expected values
// come from the statements seeded here, shaped as BuildKit writes them: SLSA v0.2 provenance with mode=max's
// request (moby/buildkit solver/llbsolver/provenance/predicate.go, NewPredicate: `invocation.parameters` holds
// the frontend and its args, `build-arg:*`, `label:*`, `source` for the # syntax image; the metadata key
// `https://mobyproject.org/buildkit@v1#metadata` holds `vcs`; `buildConfig.llbDefinition` only with mode=max),
// and SPDX documents, the final image's first, then a scanned stage's named `sbom-<stage>`
// (frontend/attestations/sbom/sbom.go).
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './cliRun';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { PredicateTypes, type InTotoSubject, type StatementContent } from './harness/imageContent';
import { seedImage, type SeededIndex } from './harness/seed';

const COMMIT_1 = 'a'.repeat(40);
const COMMIT_2 = 'b'.repeat(40);

interface Release {
  commit: string;
  busybox: { tag: string; digest: string };
  packages: { name: string; version: string; license: string; purl: string }[];
}

const RELEASE_1: Release = {
  commit: COMMIT_1,
  busybox: { tag: '1.36', digest: '1'.repeat(64) },
  packages: [
    { name: 'musl', version: '1.2.4', license: 'MIT', purl: 'pkg:apk/alpine/musl@1.2.4' },
    { name: 'openssl', version: '3.1.0', license: 'Apache-2.0', purl: 'pkg:apk/alpine/openssl@3.1.0' },
    { name: 'zlib', version: '1.3', license: 'Zlib', purl: 'pkg:apk/alpine/zlib@1.3' },
  ],
};

// openssl upgraded, zlib gone, curl new, musl relicensed: one of each change the compare panel shows.
const RELEASE_2: Release = {
  commit: COMMIT_2,
  busybox: { tag: '1.37', digest: '2'.repeat(64) },
  packages: [
    { name: 'musl', version: '1.2.4', license: 'MIT AND BSD-2-Clause', purl: 'pkg:apk/alpine/musl@1.2.4' },
    { name: 'openssl', version: '3.1.1', license: 'Apache-2.0', purl: 'pkg:apk/alpine/openssl@3.1.1' },
    { name: 'curl', version: '8.5.0', license: 'curl', purl: 'pkg:apk/alpine/curl@8.5.0' },
  ],
};

function spdx(name: string, packages: Release['packages']): object {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://example.invalid/spdx/${name}`,
    creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: buildkit-syft-scanner'] },
    packages: packages.map((p, i) => ({
      name: p.name,
      SPDXID: `SPDXRef-Package-${i}`,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      licenseConcluded: p.license,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
    })),
  };
}

function statements(release: Release): (subject: InTotoSubject[], image: { platform: { os: string; architecture: string } }) => StatementContent[] {
  return (_subject, image) => {
    const platform = encodeURIComponent(`${image.platform.os}/${image.platform.architecture}`);
    return [
      {
        predicateType: PredicateTypes.slsaProvenance02,
        predicate: {
          builder: { id: 'https://github.com/example/app/actions/runs/1' },
          buildType: 'https://mobyproject.org/buildkit@v1',
          materials: [
            { uri: 'pkg:docker/docker/dockerfile@1.7', digest: { sha256: '3'.repeat(64) } },
            { uri: `pkg:docker/busybox@${release.busybox.tag}?platform=${platform}`, digest: { sha256: release.busybox.digest } },
            { uri: 'pkg:docker/docker/buildkit-syft-scanner@stable-1', digest: { sha256: '4'.repeat(64) } },
          ],
          invocation: {
            configSource: { entryPoint: 'build/Dockerfile' },
            parameters: { frontend: 'gateway.v0', args: { 'build-arg:VERSION': '1.2', 'label:org.opencontainers.image.title': 'app', source: 'docker/dockerfile:1.7', cmdline: 'docker/dockerfile:1.7' } },
          },
          buildConfig: { llbDefinition: [{ id: 'step0' }] },
          metadata: {
            buildInvocationID: 'build-1',
            buildStartedOn: '2026-02-01T10:00:00Z',
            buildFinishedOn: '2026-02-01T10:05:00Z',
            completeness: { parameters: true, environment: true, materials: false },
            reproducible: false,
            'https://mobyproject.org/buildkit@v1#metadata': { vcs: { source: 'https://github.com/example/app', revision: release.commit } },
          },
        },
      },
      { predicateType: PredicateTypes.spdx, predicate: spdx('sbom', release.packages) },
      { predicateType: PredicateTypes.spdx, predicate: spdx('sbom-build', [{ name: 'go', version: '1.22.0', license: 'BSD-3-Clause', purl: 'pkg:golang/stdlib@1.22.0' }]) },
    ];
  };
}

describe('registry tier: the command line\'s image commands (sbom, provenance, diff), end to end', function () {
  let registry: RunningRegistry;
  let v1: SeededIndex;
  let v2: SeededIndex;
  let plain: SeededIndex;
  let home: string;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs first`);
    registry = await startRegistry();
    v1 = await seedImage(registry.url, 'demo/app', '1', { attestationShape: { statements: statements(RELEASE_1) } });
    v2 = await seedImage(registry.url, 'demo/app', '2', { salt: '2', attestationShape: { statements: statements(RELEASE_2) } });
    plain = await seedImage(registry.url, 'demo/plain', '1', { attestations: false, platforms: ['linux/amd64'] });
    home = await mkdtemp(join(tmpdir(), 'cli-images-home-'));
  });
  after(async () => {
    await registry?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(process.cwd(), home, args);
  const app = (tag = '1') => `${registry.host}/demo/app:${tag}`;

  describe('sbom', () => {
    it('lists each platform\'s documents, named by what they describe, as a table of packages', async () => {
      const run = await cli('sbom', app(), '--platform', 'linux/amd64');
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      assert.equal(
        run.stdout,
        [
          `${app()}  ${v1.indexDigest}`,
          '',
          `linux/amd64  ${v1.platformDigests['linux/amd64']}`,
          '  SBOM 1 of 2: the final image, SPDX-2.3, 3 packages',
          '    NAME     VERSION  TYPE  LICENSE     PURL',
          '    musl     1.2.4    apk   MIT         pkg:apk/alpine/musl@1.2.4',
          '    openssl  3.1.0    apk   Apache-2.0  pkg:apk/alpine/openssl@3.1.0',
          '    zlib     1.3      apk   Zlib        pkg:apk/alpine/zlib@1.3',
          '  SBOM 2 of 2: the build stage "build", scanned as well, SPDX-2.3, 1 package',
          '    NAME  VERSION  TYPE    LICENSE       PURL',
          '    go    1.22.0   golang  BSD-3-Clause  pkg:golang/stdlib@1.22.0',
          '',
        ].join('\n'),
      );
    });

    it('--format spdx writes the final image\'s document as the registry stored it; --document chooses another', async () => {
      const run = await cli('sbom', app(), '--platform', 'linux/amd64', '--format', 'spdx');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), spdx('sbom', RELEASE_1.packages));
      assert.equal(run.stderr, 'image-provenance: wrote SBOM 1 of 2 (the final image); --document <n> chooses another\n');
      const second = await cli('sbom', app(), '--platform', 'linux/amd64', '--format', 'csv', '--document', '2');
      assert.equal(second.code, 0, second.stderr);
      // sbomExport.ts CSV_COLUMNS; RFC 4180 line ends.
      assert.equal(second.stdout, 'name,version,type,license,purl,supplier\r\ngo,1.22.0,golang,BSD-3-Clause,pkg:golang/stdlib@1.22.0,\r\n');
    });

    it('--format cyclonedx converts it (CycloneDX 1.6: bomFormat, specVersion, components with purls and licenses)', async () => {
      const run = await cli('sbom', app(), '--platform', 'linux/arm64', '--format', 'cyclonedx');
      assert.equal(run.code, 0, run.stderr);
      const bom = JSON.parse(run.stdout) as { bomFormat: string; specVersion: string; components: { name: string; version: string; purl: string }[] };
      assert.deepEqual([bom.bomFormat, bom.specVersion], ['CycloneDX', '1.6']);
      assert.deepEqual(
        bom.components.map((c) => [c.name, c.version, c.purl]),
        RELEASE_1.packages.map((p) => [p.name, p.version, p.purl]),
      );
    });

    it('an export of a multi-platform image without --platform, or of a document that is not there: exit 2 saying what to choose', async () => {
      const both = await cli('sbom', app(), '--format', 'spdx');
      assert.equal(both.code, 2);
      assert.ok(both.stderr.startsWith(`image-provenance: --format spdx writes one document: choose a platform with --platform (${app()} has linux/amd64, linux/arm64/v8)`), both.stderr);
      const third = await cli('sbom', app(), '--platform', 'linux/amd64', '--format', 'csv', '--document', '3');
      assert.equal(third.code, 2);
      assert.ok(third.stderr.startsWith(`image-provenance: --document 3: ${app()} (linux/amd64) has 2 SBOM documents`), third.stderr);
    });

    it('no SBOM: says why, in the core\'s words, and exits 1', async () => {
      const image = `${registry.host}/demo/plain:1`;
      const run = await cli('sbom', image);
      assert.equal(run.code, 1);
      assert.equal(run.stdout.split('\n')[0], `${image}  ${plain.indexDigest}`);
      assert.match(run.stdout, /^ {2}No SBOM: No attestation found\. The index lists no attestation manifests/m);
      const spdxRun = await cli('sbom', image, '--format', 'spdx');
      assert.equal(spdxRun.code, 1);
      assert.equal(spdxRun.stdout, '');
      assert.match(spdxRun.stderr, new RegExp(`^image-provenance: ${image.replace(/[.]/g, '\\.')} \\(linux/amd64\\) has no SBOM: No attestation found\\.`));
    });
  });

  describe('provenance', () => {
    it('prints what the Provenance tab shows: builder, source and commit, Dockerfile, frontend, build args, materials with roles, times, completeness, mode', async () => {
      const run = await cli('provenance', app(), '--platform', 'linux/amd64');
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      const lines = run.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 3), [`${app()}  ${v1.indexDigest}`, '', `linux/amd64  ${v1.platformDigests['linux/amd64']}`]);
      const fields = lines.slice(3).join('\n');
      for (const expected of [
        '  Predicate:        https://slsa.dev/provenance/v0.2 (SLSA v0.2)',
        '  Builder:          https://github.com/example/app/actions/runs/1',
        '  Build type:       https://mobyproject.org/buildkit@v1',
        `  Source:           https://github.com/example/app at ${COMMIT_1} (as the client said: vcs:source, not checked by BuildKit)`,
        '  Dockerfile:       build/Dockerfile',
        '  Frontend:         gateway.v0, # syntax image docker/dockerfile:1.7',
        '  Build args:\n    VERSION=1.2',
        '  Labels:\n    org.opencontainers.image.title=app',
        `    pkg:docker/docker/dockerfile@1.7  sha256:${'3'.repeat(64)}  [# syntax frontend: ran the build, not a base image]`,
        `    pkg:docker/busybox@1.36?platform=linux%2Famd64  sha256:${'1'.repeat(64)}  [base image]`,
        `    pkg:docker/docker/buildkit-syft-scanner@stable-1  sha256:${'4'.repeat(64)}  [SBOM scanner: ran the build, not a base image]`,
        '  Started:          2026-02-01T10:00:00Z',
        '  Finished:         2026-02-01T10:05:00Z',
        '  Completeness:     parameters complete, environment complete, materials incomplete',
        '  Reproducible:     no',
      ]) {
        assert.ok(fields.includes(`${expected}\n`), `missing ${JSON.stringify(expected)} in\n${run.stdout}`);
      }
      assert.match(fields, /^ {2}Mode: {13}max: The provenance is mode=max/m);
    });

    it('mode=min: the build arguments were not recorded, which is not the same as none', async () => {
      // The seeded default statement is what Buildx's mode=min writes: no build-arg:* (scrubMinRequest).
      const image = `${registry.host}/demo/min:1`;
      await seedImage(registry.url, 'demo/min', '1', { platforms: ['linux/amd64'] });
      const run = await cli('provenance', image);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.includes('  Build args:       not recorded (mode=min)\n'), run.stdout);
      assert.match(run.stdout, /^ {2}Mode: {13}min: The provenance is mode=min, what Buildx records unless told otherwise/m);
    });

    it('--format json prints the Provenance tab\'s model', async () => {
      const run = await cli('provenance', app(), '--platform', 'linux/arm64', '--format', 'json');
      assert.equal(run.code, 0, run.stderr);
      const json = JSON.parse(run.stdout) as { image: string; platforms: { platform: string; provenance: { mode: string; buildArgs: [string, string][]; materials: { uri: string; role?: string }[]; source: { revision: string } } }[] };
      assert.equal(json.image, app());
      const [p] = json.platforms;
      assert.deepEqual([p!.platform, p!.provenance.mode, p!.provenance.buildArgs, p!.provenance.source.revision], ['linux/arm64/v8', 'max', [['VERSION', '1.2']], COMMIT_1]);
      assert.deepEqual(p!.provenance.materials.map((m) => m.role ?? null), ['frontend', null, 'sbomScanner']);
    });

    it('no provenance: says why and exits 1', async () => {
      const run = await cli('provenance', `${registry.host}/demo/plain:1`);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /^ {2}No provenance: No attestation found\./m);
    });
  });

  describe('diff', () => {
    it('prints the compare panel\'s difference: packages added, removed, changed, relicensed, and the build\'s source and base images', async () => {
      const run = await cli('diff', app('1'), app('2'), '--platform', 'linux/amd64');
      assert.equal(run.stderr, '');
      assert.equal(run.code, 0);
      assert.equal(
        run.stdout,
        [
          `${app('1')}  ${v1.indexDigest}`,
          `→ ${app('2')}  ${v2.indexDigest}`,
          '',
          `linux/amd64  ${v1.platformDigests['linux/amd64']} → ${v2.platformDigests['linux/amd64']}`,
          '  SBOM of the final image: 3 → 3 packages; 1 added, 1 removed, 1 changed, 1 relicensed, 1 unchanged',
          '    added      curl (apk) 8.5.0, curl',
          '    removed    zlib (apk) 1.3, Zlib',
          '    changed    openssl (apk) 3.1.0 → 3.1.1',
          '    relicensed musl (apk) MIT → MIT AND BSD-2-Clause',
          '  SBOM of the build stage "build", scanned as well: 1 → 1 packages; 0 added, 0 removed, 0 changed, 0 relicensed, 1 unchanged',
          '  Build:',
          `    Source      https://github.com/example/app at ${COMMIT_1} → https://github.com/example/app at ${COMMIT_2}`,
          '    Frontend    docker/dockerfile:1.7 (unchanged)',
          '    Built       2026-02-01T10:05:00Z (unchanged)',
          '    Mode        max (unchanged)',
          '  Base images:',
          `    changed  busybox:1.36@sha256:${'1'.repeat(64)} → busybox:1.37@sha256:${'2'.repeat(64)}`,
          '',
        ].join('\n'),
      );
    });

    it('--format json prints the comparison', async () => {
      const run = await cli('diff', `${registry.host}/demo/app@${v1.indexDigest}`, `${registry.host}/demo/app@${v2.indexDigest}`, '--format', 'json');
      assert.equal(run.code, 0, run.stderr);
      const json = JSON.parse(run.stdout) as { comparison: { old: string; new: string; platforms: { platform: string; sboms: { scopeText: string; diff: { added: { name: string }[] } }[] }[] } };
      assert.deepEqual([json.comparison.old, json.comparison.new], [v1.indexDigest, v2.indexDigest]);
      assert.deepEqual(json.comparison.platforms.map((p) => p.platform), ['linux/amd64', 'linux/arm64/v8']);
      assert.deepEqual(json.comparison.platforms[0]!.sboms.map((s) => [s.scopeText, s.diff.added.map((a) => a.name)]), [['the final image', ['curl']], ['the build stage "build", scanned as well', []]]);
    });

    it('an image without attestations: what cannot be compared says why', async () => {
      const run = await cli('diff', `${registry.host}/demo/plain:1`, app('1'), '--platform', 'linux/amd64');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^ {2}Not compared: The old image has no SBOM for this platform, so its packages cannot be compared\. No attestation found\./m);
    });
  });

  it('every command\'s --help on stdout, exit 0; usage errors exit 2 with the usage line and no stack trace', async () => {
    for (const [command, usage] of [
      ['sbom', 'Usage: image-provenance sbom <image> [--platform os/arch[/variant]] [--format table|spdx|cyclonedx|csv] [--document <n>]'],
      ['provenance', 'Usage: image-provenance provenance <image> [--platform os/arch[/variant]] [--format text|json]'],
      ['diff', 'Usage: image-provenance diff <image>@<old> <image>@<new> [--platform os/arch[/variant]] [--format text|json]'],
    ] as const) {
      const help = await cli(command, '--help');
      assert.deepEqual([help.code, help.stderr, help.stdout.split('\n')[0]], [0, '', usage]);
    }
    for (const [args, says] of [
      [['sbom'], 'sbom needs an image'],
      [['sbom', app(), '--format', 'xml'], '--format "xml" is not one of table, spdx, cyclonedx, csv'],
      [['sbom', app(), '--document', '2'], '--document chooses the document --format spdx, cyclonedx or csv writes out'],
      [['sbom', app(), '--format', 'csv', '--document', '0'], '--document "0" is not a document number (1, 2, …)'],
      [['provenance', app(), '--format', 'yaml'], '--format "yaml" is not one of text, json'],
      [['provenance', 'Not An Image'], '"Not An Image" is not an image reference: An image reference cannot contain white space.'],
      [['diff', app()], 'diff needs two references of an image'],
      [['diff', app('1'), app('2'), '--platform', 'arm64'], '--platform "arm64" is not os/arch[/variant]'],
    ] as const) {
      const run = await cli(...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.startsWith(`image-provenance: ${says}`), run.stderr);
      assert.ok(run.stderr.includes(`Run "image-provenance ${args[0]} --help" for more.`), run.stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
  });

  it('a .vscode/settings.json that is not JSON with comments: every command exits 2 naming it, and changes nothing', async () => {
    // Going on without it would skip the mirrors and checks it names without a word.
    const workspace = await mkdtemp(join(tmpdir(), 'cli-broken-settings-'));
    try {
      await mkdir(join(workspace, '.vscode'));
      const settings = join(workspace, '.vscode', 'settings.json');
      await writeFile(settings, `{\n  // the team's mirror\n  "imageProvenance.registry.hosts": { "docker.io": { "mirrors": ["${registry.host}"] } }\n`);
      const dockerfile = `FROM ${app()}\n`;
      await writeFile(join(workspace, 'Dockerfile'), dockerfile);
      for (const args of [['scan'], ['check'], ['pin'], ['attestations', app()], ['sbom', app()], ['provenance', app()], ['diff', app('1'), app('2')], ['verify', app()]]) {
        const run = await runCli(workspace, home, args);
        assert.deepEqual([run.code, run.stdout, run.stderr], [2, '', `image-provenance: ${settings} is not valid JSON with comments (an object of settings, as VS Code writes it)\n`], args.join(' '));
      }
      assert.equal(await readFile(join(workspace, 'Dockerfile'), 'utf8'), dockerfile);
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('NO_COLOR or not, the output is plain text with no terminal escapes', async () => {
    for (const env of [{}, { NO_COLOR: '1' }] as Record<string, string>[]) {
      const run = await runCli(process.cwd(), home, ['diff', app('1'), app('2')], env);
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout + run.stderr, /\u001b/);
    }
  });
});
