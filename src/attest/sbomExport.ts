// One SBOM document written out as SPDX 2.3 JSON, CycloneDX 1.6 JSON or CSV: the panel's export and the CLI's
// `sbom --format`. Pure: no I/O, no vscode.
//
// In the document's own format the export is the document as the registry served it (the statement's predicate,
// SummaryOptions.keepStatements), not our reading of it. The other format is a conversion of what we read:
// packages, licenses, purls, suppliers, and the relationships that map.
//
// Sources: SPDX 2.3 JSON schema (spdx/spdx-spec schemas/spdx-schema-2-3.json: a document requires SPDXID,
// creationInfo {created, creators ≥1}, dataLicense, name, spdxVersion; a package SPDXID, downloadLocation, name;
// a file SPDXID, checksums ≥1, fileName) and the spec (clause 6.5: documentNamespace is mandatory; clause 7.9:
// filesAnalyzed false for a package whose files were not analysed; clause 10: license references not on the
// SPDX list are `LicenseRef-` with their extracted text; clause 11: relationships). CycloneDX 1.6 JSON schema
// (CycloneDX/specification schema/bom-1.6.schema.json: a BOM requires bomFormat and specVersion; a component
// type and name; licenses are either a list of {license: {id | name}} or exactly one {expression}; a dependency
// requires ref; serialNumber is `urn:uuid:…`). CSV: RFC 4180 (CRLF, fields with `"` `,` CR or LF quoted, quotes
// doubled); cells a spreadsheet would read as a formula get a leading `'` (OWASP "CSV Injection").

import type { Sbom, SbomPackage } from './sbom';

export type SbomExportFormat = 'spdx' | 'cyclonedx' | 'csv';

export interface SbomExportContext {
  /** The document's name in a conversion: the image and what the SBOM describes. */
  readonly name: string;
  /** When the conversion was made. */
  readonly created: Date;
  /** The tool making it, `name` and `version` (SPDX `Tool: name-version`, CycloneDX metadata.tools). */
  readonly tool: { readonly name: string; readonly version: string };
  /** A random RFC 4122 UUID: SPDX documentNamespace and CycloneDX serialNumber name each conversion uniquely. */
  readonly uuid: string;
  /** The predicate as the registry served it: what an export in the document's own format writes. */
  readonly predicate?: unknown;
}

/** The file's text; its name ends in `.spdx.json`, `.cdx.json` or `.csv` (exportFileExtension). */
export function exportSbom(sbom: Sbom, format: SbomExportFormat, context: SbomExportContext): string {
  if (format === 'csv') return sbomCsv(sbom);
  const document = format === sbom.format && context.predicate !== undefined ? context.predicate : format === 'spdx' ? spdxDocument(sbom, context) : cycloneDxDocument(sbom, context);
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The conventional extensions: SPDX's `.spdx.json`, CycloneDX's `.cdx.json` (its spec's recommended names). */
export function exportFileExtension(format: SbomExportFormat): string {
  return format === 'spdx' ? '.spdx.json' : format === 'cyclonedx' ? '.cdx.json' : '.csv';
}

// ---- SPDX 2.3 ----

/** SPDX 2.3 JSON of what we read. Files are left out: SPDX requires each file's checksum, which we do not read. */
export function spdxDocument(sbom: Sbom, context: SbomExportContext): object {
  const ids = new SpdxIds();
  const extracted = new Map<string, string>();
  const root = sbom.describes.map((p) => spdxPackage(p, ids.of(p), extracted));
  const packages = sbom.packages.map((p) => spdxPackage(p, ids.of(p), extracted));
  const relationships = [
    ...root.map((p) => ({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: p.SPDXID })),
    ...sbom.relationships.flatMap((r) => {
      const from = ids.known(r.from);
      const to = ids.known(r.to);
      const type = sbom.format === 'cyclonedx' ? 'DEPENDS_ON' : r.type;
      return from && to && SPDX_RELATIONSHIP_TYPES.has(type) ? [{ spdxElementId: from, relationshipType: type, relatedSpdxElement: to }] : [];
    }),
  ];
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: context.name,
    documentNamespace: `https://spdx.org/spdxdocs/${encodeURIComponent(context.name)}-${context.uuid}`,
    creationInfo: { created: spdxDate(context.created), creators: [`Tool: ${context.tool.name}-${context.tool.version}`] },
    packages: [...root, ...packages],
    ...(extracted.size > 0 && { hasExtractedLicensingInfos: [...extracted].map(([text, licenseId]) => ({ licenseId, extractedText: text, name: text })) }),
    relationships,
  };
}

interface SpdxPackage {
  SPDXID: string;
  [key: string]: unknown;
}

function spdxPackage(p: SbomPackage, SPDXID: string, extracted: Map<string, string>): SpdxPackage {
  const license = spdxLicense(p.licenses, extracted);
  return {
    name: p.name,
    SPDXID,
    ...(p.version !== undefined && { versionInfo: p.version }),
    supplier: p.supplier !== undefined ? `Organization: ${p.supplier}` : 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: license ?? 'NOASSERTION',
    ...(p.purl !== undefined && { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }] }),
  };
}

/**
 * A package's licenses as one SPDX expression: each that is an expression as written, each that is not (a
 * CycloneDX license name) as a `LicenseRef-` whose text the document carries; several joined with AND.
 */
function spdxLicense(licenses: readonly string[], extracted: Map<string, string>): string | undefined {
  const terms = licenses.map((text) => {
    if (isSpdxExpression(text)) return /\s/.test(text) && licenses.length > 1 ? `(${text})` : text;
    let id = extracted.get(text);
    if (id === undefined) {
      id = `LicenseRef-${text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed'}-${extracted.size + 1}`;
      extracted.set(text, id);
    }
    return id;
  });
  return terms.length > 0 ? terms.join(' AND ') : undefined;
}

const LICENSE_ID = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?(?:LicenseRef-)?[A-Za-z0-9.-]+\+?$/;

/** SPDX 2.3 Annex D's grammar, as far as tokens go: ids, AND/OR/WITH, parentheses. */
export function isSpdxExpression(text: string): boolean {
  const tokens = text.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  if (tokens.length === 0 || tokens[0] === '') return false;
  let depth = 0;
  let expectOperand = true;
  for (const token of tokens) {
    if (token === '(') {
      if (!expectOperand) return false;
      depth++;
    } else if (token === ')') {
      if (expectOperand || --depth < 0) return false;
    } else if (token === 'AND' || token === 'OR' || token === 'WITH') {
      if (expectOperand) return false;
      expectOperand = true;
    } else {
      if (!expectOperand || !LICENSE_ID.test(token)) return false;
      expectOperand = false;
    }
  }
  return depth === 0 && !expectOperand;
}

/** SPDX 2.3 clause 11.1's relationship types (the schema's enum). */
const SPDX_RELATIONSHIP_TYPES: ReadonlySet<string> = new Set(
  'VARIANT_OF COPY_OF PATCH_FOR TEST_DEPENDENCY_OF CONTAINED_BY DATA_FILE_OF OPTIONAL_COMPONENT_OF ANCESTOR_OF GENERATES CONTAINS OPTIONAL_DEPENDENCY_OF FILE_ADDED REQUIREMENT_DESCRIPTION_FOR DEV_DEPENDENCY_OF DEPENDENCY_OF BUILD_DEPENDENCY_OF DESCRIBES PREREQUISITE_FOR HAS_PREREQUISITE PROVIDED_DEPENDENCY_OF DYNAMIC_LINK DESCRIBED_BY METAFILE_OF DEPENDENCY_MANIFEST_OF PATCH_APPLIED RUNTIME_DEPENDENCY_OF TEST_OF TEST_TOOL_OF DEPENDS_ON SPECIFICATION_FOR FILE_MODIFIED DISTRIBUTION_ARTIFACT AMENDS DOCUMENTATION_OF GENERATED_FROM STATIC_LINK OTHER BUILD_TOOL_OF TEST_CASE_OF PACKAGE_OF DESCENDANT_OF FILE_DELETED EXPANDED_FROM_ARCHIVE DEV_TOOL_OF EXAMPLE_OF'.split(' '),
);

/** SPDX ids are `SPDXRef-` + letters, digits, `.` and `-` (clause 7.2), unique in the document. */
class SpdxIds {
  private readonly byId = new Map<string, string>();
  private readonly used = new Set<string>();

  of(p: SbomPackage): string {
    const known = p.id !== undefined ? this.byId.get(p.id) : undefined;
    if (known) return known;
    let id = p.id !== undefined && /^SPDXRef-[A-Za-z0-9.-]+$/.test(p.id) && !this.used.has(p.id) ? p.id : `SPDXRef-Package-${this.used.size + 1}`;
    while (this.used.has(id)) id = `${id}-${this.used.size + 1}`;
    this.used.add(id);
    if (p.id !== undefined) this.byId.set(p.id, id);
    return id;
  }

  known(id: string): string | undefined {
    return this.byId.get(id);
  }
}

/** `YYYY-MM-DDThh:mm:ssZ` (clause 6.9): UTC, no fraction. */
function spdxDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- CycloneDX 1.6 ----

/** CycloneDX 1.6 JSON of what we read: the described root as metadata.component, packages and files as components. */
export function cycloneDxDocument(sbom: Sbom, context: SbomExportContext): object {
  const refs = new BomRefs();
  const root = sbom.describes[0];
  const component = (p: SbomPackage, type: string) => ({
    type,
    'bom-ref': refs.of(p),
    name: p.name,
    ...(p.version !== undefined && { version: p.version }),
    ...(p.supplier !== undefined && { supplier: { name: p.supplier } }),
    ...(p.licenses.length > 0 && { licenses: cycloneDxLicenses(p.licenses) }),
    ...(p.purl !== undefined && { purl: p.purl }),
  });
  const metadataComponent = root && component(root, isImage(root) ? 'container' : 'application');
  const components = [
    ...sbom.packages.map((p) => component(p, isImage(p) ? 'container' : 'library')),
    ...sbom.files.map((f, i) => ({ type: 'file', 'bom-ref': refs.file(i), name: f.path })),
  ];
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${context.uuid}`,
    version: 1,
    metadata: {
      timestamp: context.created.toISOString(),
      tools: { components: [{ type: 'application', name: context.tool.name, version: context.tool.version }] },
      ...(metadataComponent && { component: metadataComponent }),
    },
    components,
    dependencies: cycloneDxDependencies(sbom, refs),
  };
}

/** One expression when every license is one (the schema allows exactly one), else each by name. */
function cycloneDxLicenses(licenses: readonly string[]): object[] {
  if (licenses.every(isSpdxExpression)) {
    return [{ expression: licenses.length === 1 ? licenses[0] : licenses.map((l) => (/\s/.test(l) ? `(${l})` : l)).join(' AND ') }];
  }
  return licenses.map((name) => ({ license: { name } }));
}

/**
 * SPDX's dependency relationships as CycloneDX `dependsOn` (A DEPENDS_ON B; B DEPENDENCY_OF A and its kinds,
 * reversed), between components the BOM lists. CONTAINS and the rest have no CycloneDX dependency meaning.
 */
function cycloneDxDependencies(sbom: Sbom, refs: BomRefs): { ref: string; dependsOn: string[] }[] {
  const dependsOn = new Map<string, Set<string>>();
  for (const r of sbom.relationships) {
    const edge = r.type === 'DEPENDS_ON' ? [r.from, r.to] : /^([A-Z]+_)?DEPENDENCY_OF$/.test(r.type) ? [r.to, r.from] : undefined;
    const from = edge && refs.known(edge[0]!);
    const to = edge && refs.known(edge[1]!);
    if (!from || !to) continue;
    const set = dependsOn.get(from) ?? new Set<string>();
    set.add(to);
    dependsOn.set(from, set);
  }
  return [...dependsOn].map(([ref, set]) => ({ ref, dependsOn: [...set] }));
}

/** bom-refs are unique non-empty strings: the document's ids where it has them, else made up. */
class BomRefs {
  private readonly byId = new Map<string, string>();
  private readonly used = new Set<string>();

  of(p: SbomPackage): string {
    const known = p.id !== undefined ? this.byId.get(p.id) : undefined;
    if (known) return known;
    let ref = p.id !== undefined && p.id !== '' && !this.used.has(p.id) ? p.id : `package-${this.used.size + 1}`;
    while (this.used.has(ref)) ref = `${ref}-${this.used.size + 1}`;
    this.used.add(ref);
    if (p.id !== undefined) this.byId.set(p.id, ref);
    return ref;
  }

  file(index: number): string {
    let ref = `file-${index + 1}`;
    while (this.used.has(ref)) ref = `${ref}-${this.used.size + 1}`;
    this.used.add(ref);
    return ref;
  }

  known(id: string): string | undefined {
    return this.byId.get(id);
  }
}

/** An image rather than a package: its purl is `pkg:oci/…` or `pkg:docker/…` (purl-spec PURL-TYPES). */
function isImage(p: SbomPackage): boolean {
  return p.type === 'oci' || p.type === 'docker';
}

// ---- CSV ----

export const CSV_COLUMNS = ['name', 'version', 'type', 'license', 'purl', 'supplier'] as const;

/** One row per package, with a header; licenses joined by `, ` as the table shows them. */
export function sbomCsv(sbom: Pick<Sbom, 'packages'>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const p of sbom.packages) lines.push([p.name, p.version, p.type, p.licenses.join(', '), p.purl, p.supplier].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting, after a leading `'` on what a spreadsheet would run as a formula. */
export function csvCell(value: string | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
