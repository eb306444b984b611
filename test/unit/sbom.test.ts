import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { formatMessage } from '../../src/model/messages';
import { PackageURL } from 'packageurl-js';
import { describeSbomScope, previewPackages, purlType, readSbom, sbomScopes, type Sbom } from '../../src/attest/sbom';
import { readStatement } from '../../src/attest/statement';

// Fixtures: test/fixtures/attest/README.md names the source of each shape (buildkit-syft-scanner, BuildKit's
// exporter, the SPDX and CycloneDX specs).

function sbomOf(file: string, annotation?: string): Sbom {
  const read = readStatement(readFileSync(`test/fixtures/attest/${file}`), annotation ? { annotations: { 'in-toto.io/predicate-type': annotation } } : {});
  if (!read.ok) assert.fail(formatMessage(read.problem));
  const result = readSbom(read.statement.predicateType, read.statement.predicate);
  if (!result.ok) assert.fail(formatMessage(result.problem));
  return result.sbom;
}

describe('SBOM model (unit)', () => {
  describe('SPDX 2.3 from BuildKit\'s syft scanner', () => {
    const sbom = sbomOf('syft-spdx-image.json');

    it('lists each package with name, version, ecosystem and purl', () => {
      assert.equal(sbom.format, 'spdx');
      assert.equal(sbom.specVersion, 'SPDX-2.3');
      assert.equal(sbom.name, 'sbom');
      assert.deepEqual(
        sbom.packages.map((p) => [p.name, p.version, p.type]),
        [
          ['libc6', '2.36-9+deb12u10', 'deb'],
          ['express', '4.21.2', 'npm'],
          ['@types/node', '22.13.9', 'npm'],
          ['mystery', '1.0', undefined],
        ],
      );
    });

    it('keeps the root the document DESCRIBES (syft\'s DocumentRoot, the scanned folder) apart from the packages', () => {
      // syft format/common/spdxhelpers/to_format_model.go: a synthetic `SPDXRef-DocumentRoot-<Type>-<name>` package
      // for the source, which `SPDXRef-DOCUMENT DESCRIBES` (SPDX 2.3 clause 11.1); it is not a package syft found.
      assert.deepEqual(sbom.describes.map((p) => [p.id, p.name]), [['SPDXRef-DocumentRoot-Directory-', '/']]);
    });

    it('reads the purl with the purl spec\'s rules: percent-decoding, namespace, qualifiers', () => {
      assert.deepEqual(sbom.packages[0]?.purlParts, { type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9+deb12u10', qualifiers: { arch: 'amd64', distro: 'debian-12' } });
      assert.deepEqual(sbom.packages[2]?.purlParts, { type: 'npm', namespace: '@types', name: 'node', version: '22.13.9' });
    });

    it('licenses: concluded, else declared; NOASSERTION and NONE are no license', () => {
      assert.deepEqual(
        sbom.packages.map((p) => p.licenses),
        [['GPL-2.0-only AND LGPL-2.1-only'], ['MIT'], [], []],
      );
    });

    it('supplier without the SPDX agent prefix; NOASSERTION is none', () => {
      assert.deepEqual(
        sbom.packages.map((p) => p.supplier),
        ['GNU Libc Maintainers (debian-glibc@lists.debian.org)', undefined, 'Microsoft', undefined],
      );
    });

    it('files, with the layer BuildKit found each in', () => {
      assert.deepEqual(sbom.files, [
        { path: '/usr/lib/x86_64-linux-gnu/libc.so.6', layerDigest: 'sha256:54db133a109fd7f0d6eb72da16df1af078f2bf86e917ae3c780a13d811d6aa6f' },
        { path: '/app/node_modules/express/package.json' },
      ]);
    });

    it('relationships', () => {
      assert.deepEqual(sbom.relationships[0], { from: 'SPDXRef-Package-deb-libc6-1a', type: 'CONTAINS', to: 'SPDXRef-File-libc-5e' });
      assert.equal(sbom.relationships.length, 3);
    });

    it('counts unreadable purls in one warning instead of one per package', () => {
      assert.deepEqual(sbom.warnings.map(formatMessage), ['1 package(s) have a package URL (purl) that cannot be read, for example "not a purl".']);
      assert.equal(sbom.packages[3]?.purl, 'not a purl');
      assert.equal(sbom.packages[3]?.purlParts, undefined);
    });

    it('reads the type from the purl the way the purl spec\'s parser does, without parsing the rest', () => {
      // package-url/packageurl-js src/package-url.js parseString: `pkg:` in any case, the slashes after it
      // ignored, the type up to the first slash, lower-cased (src/normalize.js normalizeType).
      for (const purl of ['pkg:npm/left-pad@1.3.0', 'PKG:NPM/left-pad@1.3.0', 'pkg://npm/left-pad@1.3.0']) {
        assert.equal(purlType(purl), 'npm', purl);
        assert.equal(purlType(purl), PackageURL.fromString(purl).type, purl);
      }
      for (const purl of ['not a purl', 'pkg:npm', 'npm/left-pad', 'pkg:/']) assert.equal(purlType(purl), undefined, purl);
    });
  });

  it('SPDX 2.2, a bare predicate: the PACKAGE_MANAGER spelling, nameless packages left out and said so', () => {
    const sbom = sbomOf('spdx-2.2.bare.json', 'https://spdx.dev/Document');
    assert.equal(sbom.specVersion, 'SPDX-2.2');
    assert.deepEqual(sbom.packages.map((p) => ({ ...p })), [
      {
        id: 'SPDXRef-Package-apk-musl',
        name: 'musl',
        version: '1.2.5-r9',
        purl: 'pkg:apk/alpine/musl@1.2.5-r9?arch=x86_64&distro=alpine-3.21.3',
        licenses: ['MIT'],
        supplier: 'Alpine Linux',
        type: 'apk',
      },
    ]);
    // Parsed when asked for, not while reading.
    assert.deepEqual(sbom.packages[0]?.purlParts, { type: 'apk', namespace: 'alpine', name: 'musl', version: '1.2.5-r9', qualifiers: { arch: 'x86_64', distro: 'alpine-3.21.3' } });
    assert.deepEqual(sbom.warnings.map(formatMessage), ['1 package(s) have no name and are left out.']);
  });

  describe('CycloneDX 1.5', () => {
    const sbom = sbomOf('cyclonedx-1.5.json');

    it('lists nested components as packages, files apart', () => {
      assert.equal(sbom.format, 'cyclonedx');
      assert.equal(sbom.specVersion, '1.5');
      assert.deepEqual(
        sbom.packages.map((p) => [p.name, p.version, p.type, p.purlParts?.namespace]),
        [
          ['log4j-api', '2.24.3', 'maven', 'org.apache.logging.log4j'],
          ['log4j-core', '2.24.3', 'maven', 'org.apache.logging.log4j'],
          ['openssl', '3.3.3', 'apk', 'alpine'],
        ],
      );
      assert.deepEqual(sbom.files, [{ path: '/etc/ssl/openssl.cnf' }]);
    });

    it('keeps metadata.component, what the BOM is about, apart from the packages', () => {
      // CycloneDX 1.5 schema: metadata.component is "the component that the BOM describes".
      assert.deepEqual(sbom.describes.map((p) => [p.name, p.version]), [['registry.example.com/app', 'sha256:9ff8ad0ccf931882bc51b6ca4cc4c77d9b5ef9c71a3760c3c5c733a6564bc2ec']]);
    });

    it('licenses by id, name or expression; supplier, else publisher', () => {
      assert.deepEqual(sbom.packages.map((p) => p.licenses), [['Apache-2.0'], ['Apache-2.0 OR MIT'], ['OpenSSL License']]);
      assert.deepEqual(sbom.packages.map((p) => p.supplier), ['The Apache Software Foundation', undefined, 'Alpine Linux']);
    });

    it('dependencies become relationships', () => {
      assert.equal(sbom.relationships.length, 3);
      assert.deepEqual(sbom.relationships[2], { from: 'pkg:maven/org.apache.logging.log4j/log4j-api@2.24.3', type: 'DEPENDS_ON', to: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.24.3' });
      assert.deepEqual(sbom.warnings, []);
    });
  });

  it('a CycloneDX SBOM inside cosign\'s DSSE envelope', () => {
    assert.deepEqual(sbomOf('cosign-att.dsse.json').packages.map((p) => [p.name, p.type]), [['zlib', 'apk']]);
  });

  describe('several SPDX documents for one platform (BUILDKIT_SBOM_SCAN_STAGE / _CONTEXT)', () => {
    it('the first describes the final image, the others the stages and the context scanned as well', () => {
      const documents = ['syft-spdx-image.json', 'syft-spdx-stage.json', 'syft-spdx-context.json'].map((f) => sbomOf(f));
      const scopes = sbomScopes(documents);
      assert.deepEqual(scopes, [{ kind: 'image' }, { kind: 'stage', name: 'build' }, { kind: 'context' }]);
      assert.deepEqual(scopes.map((s) => formatMessage(describeSbomScope(s))), ['the final image', 'the build stage "build", scanned as well', 'the build context, scanned as well']);
    });

    it('a later document not named by BuildKit\'s scanner is an extra scan', () => {
      assert.deepEqual(sbomScopes([{ name: 'x' }, { name: 'custom' }]).map((s) => formatMessage(describeSbomScope(s))), ['the final image', 'an extra scan']);
    });
  });

  describe('bad input', () => {
    it('neither SPDX nor CycloneDX', () => {
      const result = readSbom('https://example.com/sbom', { packages: [] });
      assert.ok(!result.ok);
      assert.equal(formatMessage(result.problem), 'The SBOM is neither SPDX JSON nor CycloneDX JSON (predicate type https://example.com/sbom).');
    });

    it('not an object', () => {
      const result = readSbom('https://spdx.dev/Document', []);
      assert.ok(!result.ok);
      assert.equal(formatMessage(result.problem), 'The SBOM is not a JSON object.');
    });

    it('an unknown version is read, with a warning', () => {
      const result = readSbom('https://cyclonedx.org/bom', { bomFormat: 'CycloneDX', specVersion: '1.2', components: [{ name: 'a' }] });
      assert.ok(result.ok);
      assert.deepEqual(result.sbom.packages.map((p) => p.name), ['a']);
      assert.deepEqual(result.sbom.warnings.map(formatMessage), ['CycloneDX version "1.2" is not one this extension knows; read as 1.6.']);
    });

    it('thousands of packages are all read, each purl parsed', () => {
      const packages = Array.from({ length: 5000 }, (_, i) => ({
        name: `pkg${i}`,
        SPDXID: `SPDXRef-${i}`,
        versionInfo: '1.0',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/pkg${i}@1.0` }],
      }));
      const result = readSbom('https://spdx.dev/Document', { spdxVersion: 'SPDX-2.3', packages });
      assert.ok(result.ok);
      assert.equal(result.sbom.packages.length, 5000);
      assert.equal(result.sbom.packages[4999]?.purlParts?.name, 'pkg4999');
    });
  });

  describe('previewPackages: the first elements of a package list, read as the whole document is', () => {
    it('reads SPDX packages as readSbom does, the unnamed left out', () => {
      const packages = [
        { name: 'zlib', SPDXID: 'SPDXRef-zlib', versionInfo: '1.3.1-r1', licenseConcluded: 'NOASSERTION', licenseDeclared: 'Zlib', supplier: 'Person: Natanael Copa', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/zlib@1.3.1-r1' }] },
        { SPDXID: 'SPDXRef-unnamed' },
      ];
      const whole = readSbom('https://spdx.dev/Document', { spdxVersion: 'SPDX-2.3', packages });
      assert.ok(whole.ok);
      assert.deepEqual(previewPackages('spdx', packages), whole.sbom.packages);
      assert.deepEqual(
        previewPackages('spdx', packages).map((p) => [p.name, p.version, p.type, p.licenses, p.supplier]),
        [['zlib', '1.3.1-r1', 'apk', ['Zlib'], 'Natanael Copa']],
      );
    });

    it('reads CycloneDX components with the ones nested in them, files left out, in document order', () => {
      const components = [
        { type: 'library', name: 'outer', version: '1', components: [{ type: 'library', name: 'inner', purl: 'pkg:npm/inner@2' }, { type: 'file', name: '/etc/x' }] },
        { type: 'library', name: 'next', licenses: [{ expression: 'MIT OR Apache-2.0' }] },
      ];
      assert.deepEqual(
        previewPackages('cyclonedx', components).map((p) => [p.name, p.type ?? '', p.licenses]),
        [['outer', '', []], ['inner', 'npm', []], ['next', '', ['MIT OR Apache-2.0']]],
      );
    });
  });
});
