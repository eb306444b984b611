import { strict as assert } from 'node:assert';
import { readProvenance } from '../../src/attest/provenance';
import { describeSbomScope, readSbom, sbomScopes, type Sbom } from '../../src/attest/sbom';
import type { Explanation, ImageSummary, PlatformSummary } from '../../src/attest/summary';
import { formatMessage, message, Messages } from '../../src/model/messages';
import { compareImages, comparePackages, comparisonView, MAX_ROWS_SHOWN } from '../../src/panel/compare';

// The compare model over summaries built from hand-written SPDX 2.3 documents and SLSA v1 provenance, read by the
// project's own readers (so the package and material shapes are the real ones). Every expectation below is worked
// out by hand from the documents in each test. Shapes: SPDX 2.3 clause 7 (packages, externalRefs purl),
// purl-spec (type/namespace/name@version?qualifiers: the qualifiers `arch` and `distro` are what syft writes for
// apk and deb packages), moby/buildkit frontend/attestations/sbom/sbom.go (extra scans named `sbom-<stage>`) and
// solver/llbsolver/provenance/predicate.go (materials as `pkg:docker/<name>@<tag>?platform=…`).

type Pkg = [name: string, version: string | undefined, purl: string | undefined, license?: string];

function spdx(name: string, packages: Pkg[]): Sbom {
  const read = readSbom('https://spdx.dev/Document', {
    spdxVersion: 'SPDX-2.3',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    packages: packages.map(([n, version, purl, license], i) => ({
      name: n,
      SPDXID: `SPDXRef-${i}`,
      ...(version !== undefined && { versionInfo: version }),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: license ?? 'NOASSERTION',
      ...(purl !== undefined && { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] }),
    })),
  });
  assert.ok(read.ok);
  return read.sbom;
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const apk = (name: string, version: string, distro = 'alpine-3.20.3') => `pkg:apk/alpine/${name}@${version}?arch=x86_64&distro=${distro}`;

function provenance(commit: string, materials: { uri: string; sha256: string }[], finishedOn: string) {
  const read = readProvenance('https://slsa.dev/provenance/v1', {
    buildDefinition: {
      buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
      externalParameters: { configSource: { uri: 'https://github.com/acme/app.git#refs/heads/main', digest: { sha1: commit } }, request: { frontend: 'gateway.v0', args: { source: 'docker/dockerfile:1.10' } } },
      resolvedDependencies: materials.map((m) => ({ uri: m.uri, digest: { sha256: m.sha256 } })),
    },
    runDetails: { builder: { id: 'https://github.com/acme/app/actions/runs/1' }, metadata: { finishedOn } },
  });
  assert.ok(read.ok);
  return read.provenance;
}

function platform(name: string, options: { sboms?: Sbom[]; provenance?: ReturnType<typeof provenance>; explanations?: Explanation[]; digest?: string } = {}): PlatformSummary {
  const sboms = options.sboms ?? [];
  const scopes = sbomScopes(sboms);
  return {
    platform: name,
    digest: options.digest ?? digest('a'),
    forms: ['index'],
    predicateTypes: [],
    ...(options.provenance && { provenance: options.provenance }),
    sboms: sboms.map((sbom, i) => ({ scope: scopes[i]!, scopeText: describeSbomScope(scopes[i]!), sbom, signature: 'none', digest: digest('d'), forms: ['index'] })),
    signatures: [],
    explanations: options.explanations ?? [],
    problems: [],
  };
}

function image(d: string, platforms: PlatformSummary[]): ImageSummary {
  return { digest: d, availablePlatforms: platforms.map((p) => p.platform), platforms, problems: [] };
}

describe('unit: comparing two digests of an image (src/panel/compare.ts)', () => {
  it('a version bump: the same apk package, its version and its distro qualifier changed, is one change, not a removal and an addition', () => {
    // The purl's qualifiers name a build of the package (purl-spec), so `distro` moving to alpine-3.21.0 keeps it the same package.
    const diff = comparePackages(
      spdx('sbom', [['libcrypto3', '3.3.2-r1', apk('libcrypto3', '3.3.2-r1'), 'Apache-2.0'], ['musl', '1.2.5-r0', apk('musl', '1.2.5-r0'), 'MIT']]).packages,
      spdx('sbom', [['libcrypto3', '3.3.3-r0', apk('libcrypto3', '3.3.3-r0', 'alpine-3.21.0'), 'Apache-2.0'], ['musl', '1.2.5-r0', apk('musl', '1.2.5-r0', 'alpine-3.21.0'), 'MIT']]).packages,
    );
    assert.deepEqual(diff, {
      added: [],
      removed: [],
      changed: [{ name: 'libcrypto3', type: 'apk', from: ['3.3.2-r1'], to: ['3.3.3-r0'] }],
      licensesChanged: [],
      unchanged: 1,
    });
  });

  it('a license change at the same version is a license change only; added and removed packages carry their versions and licenses', () => {
    const diff = comparePackages(
      spdx('sbom', [['busybox', '1.36.1-r29', apk('busybox', '1.36.1-r29'), 'GPL-2.0'], ['yarn', '1.22.22', 'pkg:npm/yarn@1.22.22', 'BSD-2-Clause']]).packages,
      spdx('sbom', [['busybox', '1.36.1-r29', apk('busybox', '1.36.1-r29'), 'GPL-2.0-only'], ['corepack', '0.30.0', 'pkg:npm/corepack@0.30.0', 'MIT']]).packages,
    );
    assert.deepEqual(diff.licensesChanged, [{ name: 'busybox', type: 'apk', from: ['GPL-2.0'], to: ['GPL-2.0-only'] }]);
    assert.deepEqual(diff.changed, []);
    assert.equal(diff.unchanged, 1);
    assert.deepEqual(diff.added, [{ name: 'corepack', type: 'npm', versions: ['0.30.0'], licenses: ['MIT'] }]);
    assert.deepEqual(diff.removed, [{ name: 'yarn', type: 'npm', versions: ['1.22.22'], licenses: ['BSD-2-Clause'] }]);
  });

  it('one Go module at several versions (two binaries) is compared as the set of its versions', () => {
    const net = (v: string): Pkg => ['golang.org/x/net', v, `pkg:golang/golang.org/x/net@${v}`, 'BSD-3-Clause'];
    const diff = comparePackages(
      spdx('sbom', [net('v0.20.0'), net('v0.23.0'), ['golang.org/x/sys', 'v0.18.0', 'pkg:golang/golang.org/x/sys@v0.18.0']]).packages,
      // Both binaries now built against v0.23.0; x/sys listed twice at one version is still unchanged.
      spdx('sbom', [net('v0.23.0'), net('v0.23.0'), ['golang.org/x/sys', 'v0.18.0', 'pkg:golang/golang.org/x/sys@v0.18.0'], ['golang.org/x/sys', 'v0.18.0', 'pkg:golang/golang.org/x/sys@v0.18.0']]).packages,
    );
    assert.deepEqual(diff.changed, [{ name: 'golang.org/x/net', type: 'golang', from: ['v0.20.0', 'v0.23.0'], to: ['v0.23.0'] }]);
    assert.deepEqual([diff.added, diff.removed, diff.unchanged], [[], [], 1]);
  });

  it('keeps packages of the same name in different ecosystems apart, and knows a package without a purl by its name', () => {
    const diff = comparePackages(
      spdx('sbom', [['debug', '4.3.7', 'pkg:npm/debug@4.3.7'], ['debug', '1.0', 'pkg:pypi/debug@1.0'], ['vendored-lib', '2.0', undefined]]).packages,
      spdx('sbom', [['debug', '4.4.0', 'pkg:npm/debug@4.4.0'], ['debug', '1.0', 'pkg:pypi/debug@1.0'], ['vendored-lib', '2.1', undefined]]).packages,
    );
    assert.deepEqual(diff.changed, [
      { name: 'debug', type: 'npm', from: ['4.3.7'], to: ['4.4.0'] },
      { name: 'vendored-lib', from: ['2.0'], to: ['2.1'] },
    ]);
    assert.equal(diff.unchanged, 1);
  });

  it('compares the final image with the final image and a stage scan with the same stage: a package that moved between them is removed from one and added to the other', () => {
    const curl: Pkg = ['curl', '8.11.1-r0', apk('curl', '8.11.1-r0'), 'curl'];
    const musl: Pkg = ['musl', '1.2.5-r0', apk('musl', '1.2.5-r0'), 'MIT'];
    const older = image(digest('1'), [platform('linux/amd64', { sboms: [spdx('sbom', [musl]), spdx('sbom-build', [musl, curl]), spdx('sbom-context', [])] })]);
    // The new build lists its stage scans in another order, and scans a stage the old one did not.
    const newer = image(digest('2'), [platform('linux/amd64', { sboms: [spdx('sbom', [musl, curl]), spdx('sbom-test', [musl]), spdx('sbom-build', [musl])] })]);
    const [p] = compareImages(older, newer).platforms;
    assert.deepEqual(
      p!.sboms.map((s) => [formatMessage(s.scopeText), s.oldPackages, s.newPackages, s.diff && [s.diff.added.map((a) => a.name), s.diff.removed.map((r) => r.name), s.diff.unchanged]]),
      [
        ['the final image', 1, 2, [['curl'], [], 1]],
        ['the build stage "test", scanned as well', undefined, 1, undefined],
        ['the build stage "build", scanned as well', 2, 1, [[], ['curl'], 1]],
        ['the build context, scanned as well', 0, undefined, undefined],
      ],
    );
  });

  it('says which platforms only one side has, and compares a single-platform image with the one platform of an index', () => {
    const sbom = spdx('sbom', []);
    const older = image(digest('1'), [platform('linux/amd64', { sboms: [sbom] }), platform('linux/arm64/v8', { sboms: [sbom] })]);
    const newer = image(digest('2'), [platform('linux/s390x', { sboms: [sbom] }), platform('linux/amd64', { sboms: [sbom] })]);
    const c = compareImages(older, newer);
    assert.deepEqual([c.platforms.map((p) => p.platform), c.onlyOld, c.onlyNew], [['linux/amd64'], ['linux/arm64/v8'], ['linux/s390x']]);

    const single = compareImages(image(digest('1'), [platform('', { sboms: [sbom], digest: digest('1') })]), image(digest('2'), [platform('linux/amd64', { sboms: [sbom], digest: digest('3') })]));
    assert.deepEqual(single.platforms.map((p) => [p.platform, p.oldDigest, p.newDigest]), [['linux/amd64', digest('1'), digest('3')]]);
    assert.deepEqual([single.onlyOld, single.onlyNew], [[], []]);
  });

  it('says what cannot be compared when one side has no SBOM or no provenance, with the summary’s explanation of why', () => {
    const noSbom: Explanation = { kind: 'noSbom', message: message(Messages.explainNoSbom) };
    const noProvenance: Explanation = { kind: 'noProvenance', message: message(Messages.explainNoProvenance) };
    const older = image(digest('1'), [platform('linux/amd64', { explanations: [noSbom, noProvenance] })]);
    const newer = image(digest('2'), [platform('linux/amd64', { sboms: [spdx('sbom', [['musl', '1.2.5-r0', apk('musl', '1.2.5-r0')]])], provenance: provenance('a'.repeat(40), [], '2026-01-12T08:00:00Z') })]);
    const [p] = compareImages(older, newer).platforms;
    assert.deepEqual(p!.sboms, []);
    assert.equal(p!.provenance, undefined);
    assert.deepEqual(
      p!.notCompared.map((n) => [n.what, ...n.why].map(formatMessage)),
      [
        ['The old image has no SBOM for this platform, so its packages cannot be compared.', formatMessage(noSbom.message)],
        ['The old image has no provenance for this platform, so its build cannot be compared.', formatMessage(noProvenance.message)],
      ],
    );
  });

  it('compares the source commit, the build time and the base images, leaving out the syntax frontend and the SBOM scanner', () => {
    const frontend = { uri: 'pkg:docker/docker/dockerfile@1.10?platform=linux%2Famd64', sha256: 'f'.repeat(64) };
    const scanner = { uri: 'pkg:docker/docker/buildkit-syft-scanner@stable-1?platform=linux%2Famd64', sha256: 'e'.repeat(64) };
    const older = provenance('1'.repeat(40), [frontend, scanner, { uri: 'pkg:docker/alpine@3.20?platform=linux%2Famd64', sha256: 'a'.repeat(64) }, { uri: 'pkg:docker/golang@1.22-alpine?platform=linux%2Famd64', sha256: 'b'.repeat(64) }, { uri: 'pkg:docker/node@20?platform=linux%2Famd64', sha256: 'c'.repeat(64) }], '2026-01-05T08:01:30Z');
    const newer = provenance('2'.repeat(40), [{ ...frontend, sha256: '9'.repeat(64) }, scanner, { uri: 'pkg:docker/alpine@3.20?platform=linux%2Famd64', sha256: 'd'.repeat(64) }, { uri: 'pkg:docker/golang@1.23-alpine?platform=linux%2Famd64', sha256: '8'.repeat(64) }, { uri: 'pkg:docker/busybox@1.37?platform=linux%2Famd64', sha256: '7'.repeat(64) }], '2026-01-12T08:01:30Z');
    const sbom = spdx('sbom', []);
    const [p] = compareImages(image(digest('1'), [platform('linux/amd64', { sboms: [sbom], provenance: older })]), image(digest('2'), [platform('linux/amd64', { sboms: [sbom], provenance: newer })])).platforms;
    const v = p!.provenance!;
    assert.deepEqual(v.source, { old: { repository: 'https://github.com/acme/app.git', revision: '1'.repeat(40) }, new: { repository: 'https://github.com/acme/app.git', revision: '2'.repeat(40) }, changed: true });
    assert.deepEqual(v.builtAt, { old: '2026-01-05T08:01:30Z', new: '2026-01-12T08:01:30Z', changed: true });
    assert.deepEqual(v.frontend, { old: 'docker/dockerfile:1.10', new: 'docker/dockerfile:1.10', changed: false });
    assert.deepEqual(v.mode, { old: 'min', new: 'min', changed: false });
    assert.deepEqual(v.baseImages, [
      { name: 'alpine', status: 'changed', old: { tag: '3.20', digest: `sha256:${'a'.repeat(64)}` }, new: { tag: '3.20', digest: `sha256:${'d'.repeat(64)}` } },
      { name: 'busybox', status: 'added', new: { tag: '1.37', digest: `sha256:${'7'.repeat(64)}` } },
      { name: 'golang', status: 'changed', old: { tag: '1.22-alpine', digest: `sha256:${'b'.repeat(64)}` }, new: { tag: '1.23-alpine', digest: `sha256:${'8'.repeat(64)}` } },
      { name: 'node', status: 'removed', old: { tag: '20', digest: `sha256:${'c'.repeat(64)}` } },
    ]);
  });

  it('sends the page at most MAX_ROWS_SHOWN rows of a list and says how many more there are', () => {
    const many = Array.from({ length: MAX_ROWS_SHOWN + 3 }, (_, i): Pkg => [`pkg${String(i).padStart(4, '0')}`, '1', `pkg:npm/pkg${String(i).padStart(4, '0')}@1`]);
    const older = image(digest('1'), [platform('linux/amd64', { sboms: [spdx('sbom', [])] })]);
    const newer = image(digest('2'), [platform('linux/amd64', { sboms: [spdx('sbom', many)] })]);
    const view = comparisonView(compareImages(older, newer), 'example/app');
    const diff = view.platforms[0]!.sboms[0]!.diff!;
    assert.equal(diff.added.rows.length, MAX_ROWS_SHOWN);
    assert.equal(diff.added.more, 3);
    assert.deepEqual(diff.counts, { added: MAX_ROWS_SHOWN + 3, removed: 0, changed: 0, licensesChanged: 0, unchanged: 0 });
    assert.equal(view.platforms[0]!.sboms[0]!.scope, 'the final image');
  });
});
