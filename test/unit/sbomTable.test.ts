import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { readSbom, type Sbom, type SbomPackage } from '../../src/attest/sbom';
import { readStatement } from '../../src/attest/statement';
import { formatMessage } from '../../src/model/messages';
import { GrowingTable, licenseText, PackageRows, sbomTable, sortKey, tableWindow } from '../../src/panel/sbomTable';

// The SBOM tab's rows (src/panel/sbomTable.ts): what each column shows for the fixtures (test/fixtures/attest/
// README.md names their source: buildkit-syft-scanner's SPDX, a CycloneDX 1.5 BOM), and the search, filters and
// sort the page runs over them.

function sbomOf(file: string): Sbom {
  const read = readStatement(readFileSync(`test/fixtures/attest/${file}`));
  if (!read.ok) assert.fail(formatMessage(read.problem));
  const result = readSbom(read.statement.predicateType, read.statement.predicate);
  if (!result.ok) assert.fail(formatMessage(result.problem));
  return result.sbom;
}

function pkg(name: string, version: string, type: string | undefined, licenses: string[], extra: Partial<SbomPackage> = {}): SbomPackage {
  return { name, version, ...(type !== undefined && { type, purl: `pkg:${type}/${name}@${version}` }), licenses, ...extra };
}

function sbomWith(packages: SbomPackage[]): Sbom {
  return { format: 'spdx', describes: [], packages, files: [], relationships: [], warnings: [] };
}

describe('SBOM table (unit)', () => {
  describe('sbomTable', () => {
    it("shows syft's SPDX packages by column: name, version, ecosystem, licenses, purl, supplier", () => {
      const { packages: c } = sbomTable(sbomOf('syft-spdx-image.json'));
      assert.deepEqual(c.name, ['libc6', 'express', '@types/node', 'mystery']);
      assert.deepEqual(c.version, ['2.36-9+deb12u10', '4.21.2', '22.13.9', '1.0']);
      // The ecosystems are the purl types, sorted; "not a purl" has none.
      assert.deepEqual(c.types, ['deb', 'npm']);
      assert.deepEqual(c.typeOf, [0, 1, 1, -1]);
      // libc6 declares "GPL-2.0-only AND LGPL-2.1-only"; express concludes MIT; NONE / NOASSERTION are no license.
      assert.deepEqual(
        c.name.map((_, row) => licenseText(c, row)),
        ['GPL-2.0-only AND LGPL-2.1-only', 'MIT', '', ''],
      );
      assert.deepEqual(c.purl, ['pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12', 'pkg:npm/express@4.21.2', 'pkg:npm/%40types/node@22.13.9', 'not a purl']);
      assert.deepEqual(c.supplier, ['GNU Libc Maintainers (debian-glibc@lists.debian.org)', '', 'Microsoft', '']);
    });

    it('lists the files with their layer, and relationships by package name where the id is a package', () => {
      const table = sbomTable(sbomOf('syft-spdx-image.json'));
      assert.deepEqual(table.files, {
        path: ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/app/node_modules/express/package.json'],
        layer: ['sha256:54db133a109fd7f0d6eb72da16df1af078f2bf86e917ae3c780a13d811d6aa6f', ''],
      });
      assert.deepEqual(table.relationships, {
        // The file's id is not a package's: shown as written. The described root `/` is named too.
        from: ['libc6 2.36-9+deb12u10', '/', 'SPDXRef-DOCUMENT'],
        type: ['CONTAINS', 'CONTAINS', 'DESCRIBES'],
        to: ['SPDXRef-File-libc-5e', 'express 4.21.2', '/'],
      });
    });

    it('counts licenses per package, most first, and keeps each distinct set of a package once', () => {
      const { packages: c } = sbomTable(sbomOf('cyclonedx-1.5.json'));
      assert.deepEqual(c.name, ['log4j-api', 'log4j-core', 'openssl']);
      assert.deepEqual(c.licenses, ['Apache-2.0', 'Apache-2.0 OR MIT', 'OpenSSL License']);
      assert.deepEqual(c.licenseCounts, [1, 1, 1]);

      const many = sbomTable(sbomWith([pkg('a', '1', 'npm', ['MIT']), pkg('b', '1', 'npm', ['MIT', 'ISC']), pkg('c', '1', 'npm', ['ISC', 'MIT', 'MIT']), pkg('d', '1', 'npm', [])])).packages;
      assert.deepEqual(many.licenses, ['MIT', 'ISC']);
      assert.deepEqual(many.licenseCounts, [3, 2]);
      assert.deepEqual(many.licenseSets, [[0], [0, 1], [1, 0], []]);
      assert.deepEqual(many.licenseSetOf, [0, 1, 2, 3]);
      assert.equal(licenseText(many, 2), 'ISC, MIT');
    });

    it('leaves files and relationships out when the document has none', () => {
      const table = sbomTable(sbomWith([pkg('a', '1', 'npm', [])]));
      assert.deepEqual(Object.keys(table), ['packages']);
    });
  });

  describe('sortKey', () => {
    it('orders case-insensitively and numbers by value', () => {
      const sorted = ['libssl 1.10', 'Libssl 1.9', 'libssl 1.09.1', 'apk', 'Zlib', 'libssl 1.2'].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
      assert.deepEqual(sorted, ['apk', 'libssl 1.2', 'Libssl 1.9', 'libssl 1.09.1', 'libssl 1.10', 'Zlib']);
    });
  });

  describe('windows of rows (tableWindow, GrowingTable)', () => {
    const packages = Array.from({ length: 7 }, (_, i) => pkg(`pkg-${i}`, `1.${i}`, i % 2 ? 'npm' : 'deb', i === 3 ? [] : [i % 3 ? 'MIT' : 'Apache-2.0']));
    const table = sbomTable({ ...sbomWith(packages), files: [{ path: '/etc/os-release' }], relationships: [{ from: 'a', type: 'CONTAINS', to: 'b' }] });

    it('sends the names once, with the first window, and the files and relationships with the last', () => {
      const first = tableWindow(table, 0, 3);
      assert.deepEqual([first.start, first.total, first.rows.name], [0, 7, ['pkg-0', 'pkg-1', 'pkg-2']]);
      assert.deepEqual(first.names, { types: table.packages.types, licenses: table.packages.licenses, licenseCounts: table.packages.licenseCounts, licenseSets: table.packages.licenseSets });
      assert.equal(first.files, undefined);
      const last = tableWindow(table, 6, 3);
      assert.deepEqual([last.rows.name, last.names, last.files, last.relationships], [['pkg-6'], undefined, table.files, table.relationships]);
    });

    it('builds the whole table again from its windows, rows not yet arrived empty until they come', () => {
      assert.equal(GrowingTable.from(tableWindow(table, 3, 2)), undefined, 'a table starts with its first window');
      const growing = GrowingTable.from(tableWindow(table, 0, 3))!;
      const rows = () => new PackageRows(growing.packages);
      assert.deepEqual([growing.complete, growing.next], [false, 3]);
      assert.deepEqual([rows().cell(2, 'name'), rows().cell(2, 'license'), rows().cell(5, 'name'), rows().cell(5, 'type'), rows().cell(5, 'license')], ['pkg-2', 'MIT', '', '', '']);
      // A search over what has arrived finds what has arrived.
      assert.deepEqual([...rows().select({ text: 'pkg-' })], [0, 1, 2]);
      // Only the next window is taken: one skipped or sent twice changes nothing.
      assert.equal(growing.add(tableWindow(table, 5, 2)), false);
      assert.equal(growing.add(tableWindow(table, 0, 3)), false);
      assert.equal(growing.add(tableWindow(table, 3, 2)), true);
      assert.equal(growing.add(tableWindow(table, 5, 2)), true);
      assert.deepEqual([growing.complete, growing.files, growing.relationships], [true, table.files, table.relationships]);
      const whole = new PackageRows(table.packages);
      for (const column of ['name', 'version', 'type', 'license', 'purl', 'supplier'] as const) {
        assert.deepEqual(packages.map((_, row) => rows().cell(row, column)), packages.map((_, row) => whole.cell(row, column)), column);
      }
      assert.deepEqual([...rows().select({ text: '', license: 'none' })], [3]);
    });
  });

  describe('PackageRows', () => {
    const packages = [
      pkg('musl', '1.2.5-r0', 'apk', ['MIT']),
      pkg('busybox', '1.36.1-r29', 'apk', ['GPL-2.0-only']),
      pkg('Express', '4.21.2', 'npm', ['MIT']),
      pkg('zlib', '1.3.1-r2', 'apk', ['Zlib']),
      pkg('left-pad', '1.10.0', 'npm', []),
      pkg('mystery', '1.9.0', undefined, ['MIT', 'Apache-2.0']),
    ];
    const rows = () => new PackageRows(sbomTable(sbomWith(packages)).packages);
    const names = (r: PackageRows, selected: Uint32Array) => [...selected].map((row) => r.cell(row, 'name'));

    it('shows every package in the document order without a query', () => {
      const r = rows();
      assert.deepEqual(names(r, r.select({ text: '' })), ['musl', 'busybox', 'Express', 'zlib', 'left-pad', 'mystery']);
    });

    it('searches name, version, purl and license, case-insensitively, and narrows as the search grows', () => {
      const r = rows();
      assert.deepEqual(names(r, r.select({ text: 'EXP' })), ['Express']);
      assert.deepEqual(names(r, r.select({ text: 'pkg:apk/' })), ['musl', 'busybox', 'zlib']);
      assert.deepEqual(names(r, r.select({ text: 'pkg:apk/z' })), ['zlib']);
      // Shorter again: every row is looked at, not only the last answer.
      assert.deepEqual(names(r, r.select({ text: 'pkg:' })), ['musl', 'busybox', 'Express', 'zlib', 'left-pad']);
      assert.deepEqual(names(r, r.select({ text: '1.10' })), ['left-pad']);
      assert.deepEqual(names(r, r.select({ text: 'apache' })), ['mystery']);
      assert.deepEqual(names(r, r.select({ text: '  mit ' })), ['musl', 'Express', 'mystery']);
      assert.deepEqual(names(r, r.select({ text: 'no such package' })), []);
    });

    it('filters by ecosystem and by license, including none of either', () => {
      const r = rows();
      const c = r.columns;
      assert.deepEqual(names(r, r.select({ text: '', type: c.types.indexOf('npm') })), ['Express', 'left-pad']);
      assert.deepEqual(names(r, r.select({ text: '', type: 'none' })), ['mystery']);
      // A package carrying MIT among others is shown under MIT.
      assert.deepEqual(names(r, r.select({ text: '', license: c.licenses.indexOf('MIT') })), ['musl', 'Express', 'mystery']);
      assert.deepEqual(names(r, r.select({ text: '', license: 'none' })), ['left-pad']);
      assert.deepEqual(names(r, r.select({ text: '', type: c.types.indexOf('apk'), license: c.licenses.indexOf('MIT') })), ['musl']);
      assert.deepEqual(names(r, r.select({ text: 'm', type: c.types.indexOf('apk') })), ['musl']);
    });

    it('sorts by any column both ways, ties kept in the document order', () => {
      const r = rows();
      assert.deepEqual(names(r, r.select({ text: '', sort: { column: 'name', descending: false } })), ['busybox', 'Express', 'left-pad', 'musl', 'mystery', 'zlib']);
      assert.deepEqual(names(r, r.select({ text: '', sort: { column: 'name', descending: true } })), ['zlib', 'mystery', 'musl', 'left-pad', 'Express', 'busybox']);
      // 1.2.5 < 1.3.1 < 1.9.0 < 1.10.0 < 1.36.1 < 4.21.2: numbers by value.
      assert.deepEqual(
        [...r.select({ text: '', sort: { column: 'version', descending: false } })].map((row) => r.cell(row, 'version')),
        ['1.2.5-r0', '1.3.1-r2', '1.9.0', '1.10.0', '1.36.1-r29', '4.21.2'],
      );
      // No type sorts last in both directions; apk's three keep their order in both. "MIT, Apache-2.0" follows "MIT".
      assert.deepEqual(names(r, r.select({ text: '', sort: { column: 'type', descending: false } })), ['musl', 'busybox', 'zlib', 'Express', 'left-pad', 'mystery']);
      assert.deepEqual(names(r, r.select({ text: '', sort: { column: 'type', descending: true } })), ['Express', 'left-pad', 'musl', 'busybox', 'zlib', 'mystery']);
      assert.deepEqual(names(r, r.select({ text: '', sort: { column: 'license', descending: true } })), ['zlib', 'mystery', 'musl', 'Express', 'busybox', 'left-pad']);
      assert.deepEqual(names(r, r.select({ text: 'apk', sort: { column: 'license', descending: false } })), ['busybox', 'musl', 'zlib']);
    });

    it('shows the cells as the table draws them', () => {
      const r = rows();
      assert.deepEqual(
        (['name', 'version', 'type', 'license', 'purl', 'supplier'] as const).map((column) => r.cell(5, column)),
        ['mystery', '1.9.0', '', 'MIT, Apache-2.0', '', ''],
      );
    });
  });
});
