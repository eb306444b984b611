import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { readSbom, type Sbom } from '../../src/attest/sbom';
import { csvCell, exportFileExtension, exportSbom, isSpdxExpression, sbomCsv, type SbomExportContext } from '../../src/attest/sbomExport';
import { readStatement } from '../../src/attest/statement';
import { formatMessage } from '../../src/model/messages';
import { schemaErrors } from './sbomSchemas';

// SBOM exports (src/attest/sbomExport.ts). The expectations come from the specs, read for this test:
// - SPDX 2.3 JSON schema, spdx/spdx-spec schemas/spdx-schema-2-3.json: the document requires SPDXID, creationInfo
//   (created, creators with at least one), dataLicense, name, spdxVersion; a package SPDXID, downloadLocation and
//   name; a file SPDXID, checksums (minItems 1) and fileName; relationships spdxElementId, relationshipType (enum),
//   relatedSpdxElement. Spec clauses 6.2 (dataLicense CC0-1.0), 6.3 (SPDXRef-DOCUMENT), 6.5 (documentNamespace,
//   mandatory), 6.9 (created `YYYY-MM-DDThh:mm:ssZ`), 7.2 (SPDXRef-[A-Za-z0-9.-]+), 10.1 (LicenseRef- with
//   extractedText).
// - CycloneDX 1.6 JSON schema, CycloneDX/specification schema/bom-1.6.schema.json: required bomFormat and
//   specVersion; component requires type (enum: library, container, file, …) and name; licenseChoice is either
//   [{license: {id} | {name}}…] or exactly one [{expression}]; dependency requires ref; serialNumber matches
//   ^urn:uuid:[0-9a-f]{8}-…$.
// - RFC 4180 (CRLF line breaks; fields with `"`, `,`, CR or LF in double quotes, quotes doubled); OWASP "CSV
//   Injection" (cells starting with = + - @ tab or CR are prefixed with ').

function statementOf(file: string): { sbom: Sbom; predicate: unknown } {
  const read = readStatement(readFileSync(`test/fixtures/attest/${file}`));
  if (!read.ok) assert.fail(formatMessage(read.problem));
  const result = readSbom(read.statement.predicateType, read.statement.predicate);
  if (!result.ok) assert.fail(formatMessage(result.problem));
  return { sbom: result.sbom, predicate: read.statement.predicate };
}

const context: SbomExportContext = {
  name: 'nginx:1.27-alpine linux/amd64',
  created: new Date('2026-12-02T05:22:46.123Z'),
  tool: { name: 'image-provenance', version: '0.1.0' },
  uuid: '3e671687-395b-41f5-a30f-a58921a69b79',
};

describe('SBOM export (unit)', () => {
  it('writes a document in its own format as the registry served it (the predicate), not as we read it', () => {
    const spdx = statementOf('syft-spdx-image.json');
    assert.deepEqual(JSON.parse(exportSbom(spdx.sbom, 'spdx', { ...context, predicate: spdx.predicate })), spdx.predicate);
    const cdx = statementOf('cyclonedx-1.5.json');
    assert.deepEqual(JSON.parse(exportSbom(cdx.sbom, 'cyclonedx', { ...context, predicate: cdx.predicate })), cdx.predicate);
    assert.deepEqual([exportFileExtension('spdx'), exportFileExtension('cyclonedx'), exportFileExtension('csv')], ['.spdx.json', '.cdx.json', '.csv']);
  });

  describe('CycloneDX 1.5 → SPDX 2.3', () => {
    const { sbom } = statementOf('cyclonedx-1.5.json');
    const doc = JSON.parse(exportSbom(sbom, 'spdx', context)) as Record<string, unknown>;

    it('has every field SPDX 2.3 requires of a document', () => {
      assert.equal(doc['spdxVersion'], 'SPDX-2.3');
      assert.equal(doc['dataLicense'], 'CC0-1.0');
      assert.equal(doc['SPDXID'], 'SPDXRef-DOCUMENT');
      assert.equal(doc['name'], 'nginx:1.27-alpine linux/amd64');
      assert.equal(doc['documentNamespace'], 'https://spdx.org/spdxdocs/nginx%3A1.27-alpine%20linux%2Famd64-3e671687-395b-41f5-a30f-a58921a69b79');
      assert.deepEqual(doc['creationInfo'], { created: '2026-12-02T05:22:46Z', creators: ['Tool: image-provenance-0.1.0'] });
    });

    it('converts each package with its version, supplier, licenses and purl, the root described by the document', () => {
      assert.deepEqual(doc['packages'], [
        {
          name: 'registry.example.com/app',
          SPDXID: 'SPDXRef-Package-1',
          versionInfo: 'sha256:9ff8ad0ccf931882bc51b6ca4cc4c77d9b5ef9c71a3760c3c5c733a6564bc2ec',
          supplier: 'NOASSERTION',
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: 'NOASSERTION',
        },
        {
          name: 'log4j-api',
          SPDXID: 'SPDXRef-Package-2',
          versionInfo: '2.24.3',
          supplier: 'Organization: The Apache Software Foundation',
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: 'Apache-2.0',
          externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:maven/org.apache.logging.log4j/log4j-api@2.24.3' }],
        },
        {
          name: 'log4j-core',
          SPDXID: 'SPDXRef-Package-3',
          versionInfo: '2.24.3',
          supplier: 'NOASSERTION',
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: 'Apache-2.0 OR MIT',
          externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.24.3' }],
        },
        {
          name: 'openssl',
          SPDXID: 'SPDXRef-Package-4',
          versionInfo: '3.3.3',
          supplier: 'Organization: Alpine Linux',
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          // A license name is no SPDX expression: a LicenseRef- whose text the document carries (clause 10.1).
          licenseDeclared: 'LicenseRef-OpenSSL-License-1',
          externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/openssl@3.3.3-r0?arch=x86_64' }],
        },
      ]);
      assert.deepEqual(doc['hasExtractedLicensingInfos'], [{ licenseId: 'LicenseRef-OpenSSL-License-1', extractedText: 'OpenSSL License', name: 'OpenSSL License' }]);
      // The file component is left out: SPDX requires a file's checksums, which the BOM does not give here.
      assert.equal(doc['files'], undefined);
    });

    it("turns the BOM's dependencies into DEPENDS_ON relationships, after the document's DESCRIBES", () => {
      assert.deepEqual(doc['relationships'], [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Package-1' },
        { spdxElementId: 'SPDXRef-Package-1', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-Package-2' },
        { spdxElementId: 'SPDXRef-Package-1', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-Package-4' },
        { spdxElementId: 'SPDXRef-Package-2', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-Package-3' },
      ]);
    });
  });

  describe('SPDX 2.3 → CycloneDX 1.6', () => {
    const { sbom } = statementOf('syft-spdx-image.json');
    const bom = JSON.parse(exportSbom(sbom, 'cyclonedx', context)) as Record<string, unknown>;

    it('has the fields CycloneDX requires, a serial number and the tool that made it', () => {
      assert.equal(bom['bomFormat'], 'CycloneDX');
      assert.equal(bom['specVersion'], '1.6');
      assert.match(String(bom['serialNumber']), /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(bom['version'], 1);
      assert.deepEqual(bom['metadata'], {
        timestamp: '2026-12-02T05:22:46.123Z',
        tools: { components: [{ type: 'application', name: 'image-provenance', version: '0.1.0' }] },
        // syft's described root `/` is what the BOM is about.
        component: { type: 'application', 'bom-ref': 'SPDXRef-DocumentRoot-Directory-', name: '/' },
      });
    });

    it('converts each package to a component with its licenses as one expression, and each file to a file component', () => {
      assert.deepEqual(bom['components'], [
        {
          type: 'library',
          'bom-ref': 'SPDXRef-Package-deb-libc6-1a',
          name: 'libc6',
          version: '2.36-9+deb12u10',
          supplier: { name: 'GNU Libc Maintainers (debian-glibc@lists.debian.org)' },
          licenses: [{ expression: 'GPL-2.0-only AND LGPL-2.1-only' }],
          purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12',
        },
        { type: 'library', 'bom-ref': 'SPDXRef-Package-npm-express-2b', name: 'express', version: '4.21.2', licenses: [{ expression: 'MIT' }], purl: 'pkg:npm/express@4.21.2' },
        { type: 'library', 'bom-ref': 'SPDXRef-Package-npm-types-node-3c', name: '@types/node', version: '22.13.9', supplier: { name: 'Microsoft' }, purl: 'pkg:npm/%40types/node@22.13.9' },
        { type: 'library', 'bom-ref': 'SPDXRef-Package-binary-mystery-4d', name: 'mystery', version: '1.0', purl: 'not a purl' },
        { type: 'file', 'bom-ref': 'file-1', name: '/usr/lib/x86_64-linux-gnu/libc.so.6' },
        { type: 'file', 'bom-ref': 'file-2', name: '/app/node_modules/express/package.json' },
      ]);
    });

    it('maps dependency relationships only: CONTAINS and DESCRIBES have no CycloneDX dependency meaning', () => {
      assert.deepEqual(bom['dependencies'], []);
      const withDependencies: Sbom = {
        ...sbom,
        relationships: [
          { from: 'SPDXRef-Package-npm-express-2b', type: 'DEPENDS_ON', to: 'SPDXRef-Package-npm-types-node-3c' },
          { from: 'SPDXRef-Package-deb-libc6-1a', type: 'RUNTIME_DEPENDENCY_OF', to: 'SPDXRef-Package-npm-express-2b' },
          { from: 'SPDXRef-Package-npm-express-2b', type: 'DEPENDS_ON', to: 'SPDXRef-Unknown' },
        ],
      };
      assert.deepEqual((JSON.parse(exportSbom(withDependencies, 'cyclonedx', context)) as Record<string, unknown>)['dependencies'], [
        { ref: 'SPDXRef-Package-npm-express-2b', dependsOn: ['SPDXRef-Package-npm-types-node-3c', 'SPDXRef-Package-deb-libc6-1a'] },
      ]);
    });

    it('names licenses that are not all SPDX expressions one by one, as the schema allows only one expression', () => {
      const mixed: Sbom = { ...sbom, describes: [], files: [], relationships: [], packages: [{ name: 'x', licenses: ['MIT', 'Custom licence'] }, { name: 'y', licenses: ['MIT', 'Apache-2.0 OR BSD-3-Clause'] }] };
      const components = (JSON.parse(exportSbom(mixed, 'cyclonedx', context)) as { components: { licenses: unknown }[] }).components;
      assert.deepEqual(components.map((c) => c.licenses), [[{ license: { name: 'MIT' } }, { license: { name: 'Custom licence' } }], [{ expression: 'MIT AND (Apache-2.0 OR BSD-3-Clause)' }]]);
    });
  });

  describe('valid against the official schemas (test/fixtures/schemas: SPDX 2.3, CycloneDX 1.6)', () => {
    /** What a registry may serve and the exports must still write validly: no version, license names, odd ids, unknown relationships. */
    const awkward: Sbom = {
      format: 'spdx',
      describes: [{ id: 'root with spaces', name: 'registry.example.com/app', licenses: [] }],
      packages: [
        { id: 'SPDXRef-a', name: 'no-version', licenses: ['Custom licence, v2', 'MIT'] },
        { id: 'SPDXRef-a', name: 'same id again', version: '1', licenses: ['(MIT OR ISC) AND BSD-3-Clause'] },
        { id: '', name: '\u202ename <script>', version: '=1+1', purl: 'not a purl', supplier: 'Person: someone', licenses: ['GPL-2.0+', 'LicenseRef-x'] },
      ],
      files: [{ path: '/etc/passwd' }],
      relationships: [
        { from: 'root with spaces', type: 'CONTAINS', to: 'SPDXRef-a' },
        { from: 'SPDXRef-a', type: 'NOT_A_TYPE', to: '' },
        { from: 'SPDXRef-a', type: 'DEPENDS_ON', to: 'SPDXRef-missing' },
      ],
      warnings: [],
    };
    const documents: [string, Sbom][] = [
      ...['syft-spdx-image.json', 'syft-spdx-stage.json', 'syft-spdx-context.json', 'cyclonedx-1.5.json', 'cosign-att.dsse.json'].map((file): [string, Sbom] => [file, statementOf(file).sbom]),
      ['an awkward document', awkward],
    ];

    for (const [name, sbom] of documents) {
      it(`${name} converted to SPDX 2.3 JSON`, () => {
        const document: unknown = JSON.parse(exportSbom(sbom, 'spdx', context));
        assert.equal(schemaErrors('spdx', document), '');
      });
      it(`${name} converted to CycloneDX 1.6 JSON`, () => {
        const document: unknown = JSON.parse(exportSbom(sbom, 'cyclonedx', context));
        assert.equal(schemaErrors('cyclonedx', document), '');
      });
    }

    it('the schemas refuse what they should (the validation is not vacuous)', () => {
      assert.match(schemaErrors('spdx', { spdxVersion: 'SPDX-2.3' }), /must have required property 'SPDXID'/);
      const bom = JSON.parse(exportSbom(awkward, 'cyclonedx', context)) as { components: { type: string }[] };
      bom.components[0]!.type = 'not-a-type';
      assert.match(schemaErrors('cyclonedx', bom), /must be equal to one of the allowed values/);
    });
  });

  it('tells SPDX license expressions from license names (SPDX 2.3 Annex D)', () => {
    for (const text of ['MIT', 'GPL-2.0+', 'GPL-2.0-only AND LGPL-2.1-only', '(MIT OR Apache-2.0) AND BSD-3-Clause', 'GPL-3.0-only WITH Classpath-exception-2.0', 'LicenseRef-foo', 'DocumentRef-x:LicenseRef-y']) {
      assert.equal(isSpdxExpression(text), true, text);
    }
    for (const text of ['', 'OpenSSL License', 'MIT AND', 'AND MIT', '(MIT', 'MIT)', 'MIT/X11', 'MIT OR OR ISC']) assert.equal(isSpdxExpression(text), false, text);
  });

  describe('CSV', () => {
    it('writes a header and one row per package, CRLF line ends (RFC 4180)', () => {
      const { sbom } = statementOf('syft-spdx-image.json');
      assert.equal(
        exportSbom(sbom, 'csv', context),
        'name,version,type,license,purl,supplier\r\n' +
          'libc6,2.36-9+deb12u10,deb,GPL-2.0-only AND LGPL-2.1-only,pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12,GNU Libc Maintainers (debian-glibc@lists.debian.org)\r\n' +
          'express,4.21.2,npm,MIT,pkg:npm/express@4.21.2,\r\n' +
          // A scoped npm name starts with @, which a spreadsheet reads as a formula: defused like any other.
          "'@types/node,22.13.9,npm,,pkg:npm/%40types/node@22.13.9,Microsoft\r\n" +
          'mystery,1.0,,,not a purl,\r\n',
      );
    });

    it('quotes commas, quotes and line breaks, and defuses what a spreadsheet would run as a formula', () => {
      assert.deepEqual(
        ['plain', 'a,b', 'say "hi"', 'two\nlines', '=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tTAB', '\rCR', 'a=b'].map(csvCell),
        ['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', `"'=HYPERLINK(""http://x"")"`, "'+1", "'-2", "'@SUM(A1)", "'\tTAB", `"'\rCR"`, 'a=b'],
      );
      const csv = sbomCsv({ packages: [{ name: '=cmd|"/c calc"!A0', version: '1,0', licenses: ['MIT', 'ISC'] }] });
      assert.equal(csv.split('\r\n')[1], `"'=cmd|""/c calc""!A0","1,0",,"MIT, ISC",,`);
    });
  });
});
