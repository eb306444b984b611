// SPDX 2.2/2.3 JSON and CycloneDX 1.4–1.6 JSON → one package list. Pure: no I/O, no vscode.
// One pass over each array: real images list hundreds to thousands of packages.
//
// Sources: SPDX 2.3 spec (clause 7 packages: supplier, licenseConcluded/Declared, externalRefs with
// category PACKAGE-MANAGER — PACKAGE_MANAGER in 2.2 — and type purl; clause 8 files; clause 11
// relationships); CycloneDX 1.6 JSON schema (components, nested components, licenses, supplier,
// dependencies). Several SPDX documents per platform: moby/buildkit exporter/attestation/unbundle.go
// (sort: the core SBOM first) and frontend/attestations/sbom/sbom.go (extras scanned as `sbom-<name>`,
// the name a stage or `context`, frontend/dockerfile/dockerfile2llb/convert.go).

import { PackageURL } from 'packageurl-js';
import { message, Messages, type Message } from '../model/messages';
import { arrayField, isObject, objectField, stringField, type JsonObject } from './jsonFields';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string>;
  subpath?: string;
}

export interface SbomPackage {
  /** SPDXID or CycloneDX bom-ref: what relationships point at. */
  id?: string;
  name: string;
  version?: string;
  /** The ecosystem, from the purl (`deb`, `apk`, `npm`, `golang`, …): purlType. */
  type?: string;
  purl?: string;
  /** The purl in its parts; on the packages readSbom gives, parsed when read (it is not an own property of those). */
  readonly purlParts?: PurlParts;
  /** License expressions as written (SPDX NOASSERTION and NONE left out). */
  licenses: string[];
  supplier?: string;
}

export interface SbomFile {
  path: string;
  /** BuildKit adds `layerID: <digest>` to the final image's SPDX files (exporter/containerimage/attestations.go, supplementSBOM). */
  layerDigest?: string;
}

export interface SbomRelationship {
  from: string;
  type: string;
  to: string;
}

export interface Sbom {
  format: 'spdx' | 'cyclonedx';
  specVersion?: string;
  /** SPDX document name; for BuildKit's scanner `sbom` (the image) or `sbom-<stage>` / `sbom-context`. */
  name?: string;
  /**
   * What the document is about, not one of its contents: in SPDX the packages the document DESCRIBES (syft's
   * synthetic `SPDXRef-DocumentRoot-Image-…` / `-Directory-…` root, which stands for the scanned image or
   * folder), in CycloneDX `metadata.component`. Scanners and SBOM tools do not count it as a package.
   */
  describes: SbomPackage[];
  packages: SbomPackage[];
  files: SbomFile[];
  relationships: SbomRelationship[];
  /** What the read found odd; from readSbom, the purls that cannot be read are counted when this is first read. */
  warnings: Message[];
}

export type SbomResult = { ok: true; sbom: Sbom } | { ok: false; problem: Message };

const SPDX_VERSIONS: ReadonlySet<string> = new Set(['SPDX-2.2', 'SPDX-2.3']);
const CYCLONEDX_VERSIONS: ReadonlySet<string> = new Set(['1.4', '1.5', '1.6']);

export function readSbom(predicateType: string, predicate: unknown): SbomResult {
  if (!isObject(predicate)) return { ok: false, problem: message(Messages.sbomNotObject) };
  if (typeof predicate['spdxVersion'] === 'string') return { ok: true, sbom: fromSpdx(predicate) };
  if (predicate['bomFormat'] === 'CycloneDX') return { ok: true, sbom: fromCycloneDx(predicate) };
  return { ok: false, problem: message(Messages.sbomUnknownFormat, predicateType) };
}

function fromSpdx(doc: JsonObject): Sbom {
  const warnings: Message[] = [];
  const specVersion = stringField(doc, 'spdxVersion');
  if (specVersion === undefined || !SPDX_VERSIONS.has(specVersion)) warnings.push(message(Messages.sbomUnknownVersion, 'SPDX', specVersion ?? '', 'SPDX-2.3'));
  let unnamed = 0;
  const packages: SbomPackage[] = [];
  for (const entry of arrayField(doc, 'packages')) {
    const read = spdxPackage(entry);
    if (read) packages.push(read);
    else unnamed++;
  }
  const relationships = relationshipsOf(doc);
  const described = spdxDescribed(doc, relationships);
  const files = arrayField(doc, 'files').flatMap((f): SbomFile[] => {
    const path = isObject(f) ? stringField(f, 'fileName') : undefined;
    if (path === undefined) return [];
    const layer = /^layerID: (\S+)$/.exec(stringField(f as JsonObject, 'comment') ?? '')?.[1];
    return [layer ? { path, layerDigest: layer } : { path }];
  });
  if (unnamed > 0) warnings.push(message(Messages.sbomPackagesWithoutName, unnamed));
  const describes: SbomPackage[] = [];
  const contents: SbomPackage[] = [];
  for (const p of packages) (p.id !== undefined && described.has(p.id) ? describes : contents).push(p);
  return withPurlWarnings(compact({ format: 'spdx', specVersion, name: stringField(doc, 'name'), describes, packages: contents, files, relationships }), warnings);
}

function fromCycloneDx(bom: JsonObject): Sbom {
  const warnings: Message[] = [];
  const specVersion = stringField(bom, 'specVersion');
  if (specVersion === undefined || !CYCLONEDX_VERSIONS.has(specVersion)) warnings.push(message(Messages.sbomUnknownVersion, 'CycloneDX', specVersion ?? '', '1.6'));
  const packages: SbomPackage[] = [];
  const files: SbomFile[] = [];
  const unnamed = walkComponents(arrayField(bom, 'components'), packages, files);
  const subject = objectField(objectField(bom, 'metadata'), 'component');
  const subjectName = stringField(subject, 'name');
  const describes = subject && subjectName !== undefined ? [componentPackage(subject, subjectName)] : [];
  const relationships = arrayField(bom, 'dependencies').flatMap((d): SbomRelationship[] => {
    const from = isObject(d) ? stringField(d, 'ref') : undefined;
    if (from === undefined) return [];
    return arrayField(d as JsonObject, 'dependsOn').flatMap((to) => (typeof to === 'string' ? [{ from, type: 'DEPENDS_ON', to }] : []));
  });
  if (unnamed > 0) warnings.push(message(Messages.sbomPackagesWithoutName, unnamed));
  return withPurlWarnings(compact({ format: 'cyclonedx' as const, specVersion, describes, packages, files, relationships }), warnings);
}

/**
 * The packages of the first elements of a document's package list (`packages`, `components`), read as
 * readSbom reads them: what the SBOM tab shows while the rest of the document is on its way (PackageStream).
 * SPDX's described root is among them until the relationships that name it are in.
 */
export function previewPackages(format: Sbom['format'], elements: readonly unknown[]): SbomPackage[] {
  if (format === 'cyclonedx') {
    const packages: SbomPackage[] = [];
    walkComponents(elements, packages, []);
    return packages;
  }
  return elements.flatMap((entry) => spdxPackage(entry) ?? []);
}

/** An SPDX package (clause 7); undefined without a name. */
function spdxPackage(entry: unknown): SbomPackage | undefined {
  const name = isObject(entry) ? stringField(entry, 'name') : undefined;
  if (!isObject(entry) || name === undefined) return undefined;
  const purl = arrayField(entry, 'externalRefs').find(
    (ref) => isObject(ref) && ref['referenceType'] === 'purl' && (ref['referenceCategory'] === 'PACKAGE-MANAGER' || ref['referenceCategory'] === 'PACKAGE_MANAGER'),
  );
  const licenses = [spdxLicense(entry, 'licenseConcluded') ?? spdxLicense(entry, 'licenseDeclared')].filter((l) => l !== undefined);
  return packageOf({
    id: stringField(entry, 'SPDXID'),
    name,
    version: stringField(entry, 'versionInfo'),
    purl: isObject(purl) ? stringField(purl, 'referenceLocator') : undefined,
    licenses,
    supplier: spdxAgent(stringField(entry, 'supplier')),
  });
}

/** CycloneDX components and the ones nested in them, in document order, into packages and files; gives how many had no name. */
function walkComponents(roots: readonly unknown[], packages: SbomPackage[], files: SbomFile[]): number {
  let unnamed = 0;
  // Components nest (assemblies); walked with a stack, not recursion. The statement reader bounds the depth.
  const stack: unknown[] = roots.slice().reverse();
  while (stack.length > 0) {
    const component = stack.pop();
    if (!isObject(component)) continue;
    const children = arrayField(component, 'components');
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    const name = stringField(component, 'name');
    if (name === undefined) {
      unnamed++;
      continue;
    }
    if (component['type'] === 'file') {
      files.push({ path: name });
      continue;
    }
    packages.push(componentPackage(component, name));
  }
  return unnamed;
}

function componentPackage(component: JsonObject, name: string): SbomPackage {
  const supplier = objectField(component, 'supplier');
  return packageOf({
    id: stringField(component, 'bom-ref'),
    name,
    version: stringField(component, 'version'),
    purl: stringField(component, 'purl'),
    licenses: arrayField(component, 'licenses').flatMap((choice) => {
      if (!isObject(choice)) return [];
      const license = objectField(choice, 'license');
      const text = stringField(choice, 'expression') ?? stringField(license, 'id') ?? stringField(license, 'name');
      return text === undefined ? [] : [text];
    }),
    supplier: stringField(supplier, 'name') ?? stringField(component, 'publisher'),
  });
}

function relationshipsOf(doc: JsonObject): SbomRelationship[] {
  return arrayField(doc, 'relationships').flatMap((r): SbomRelationship[] => {
    const from = isObject(r) ? stringField(r, 'spdxElementId') : undefined;
    const type = isObject(r) ? stringField(r, 'relationshipType') : undefined;
    const to = isObject(r) ? stringField(r, 'relatedSpdxElement') : undefined;
    return from && type && to ? [{ from, type, to }] : [];
  });
}

/**
 * The SPDX ids the document describes (SPDX 2.3 clause 6.1 / 11.1): `SPDXRef-DOCUMENT DESCRIBES x`, its inverse
 * `x DESCRIBED_BY SPDXRef-DOCUMENT`, and the older `documentDescribes` list (2.2).
 */
function spdxDescribed(doc: JsonObject, relationships: readonly SbomRelationship[]): Set<string> {
  const self = stringField(doc, 'SPDXID') ?? 'SPDXRef-DOCUMENT';
  const ids = new Set(arrayField(doc, 'documentDescribes').filter((id): id is string => typeof id === 'string'));
  for (const r of relationships) {
    if (r.type === 'DESCRIBES' && r.from === self) ids.add(r.to);
    if (r.type === 'DESCRIBED_BY' && r.to === self) ids.add(r.from);
  }
  return ids;
}

/**
 * Builds each package with only the fields that have a value (built so, not by deleting: 100,000 of them are read
 * at once), its ecosystem read cheaply from the purl (purlType); the purl itself is parsed only when asked for.
 */
function packageOf(p: Omit<SbomPackage, 'type' | 'purlParts'>): SbomPackage {
  const pkg = Object.create(READ_PACKAGE) as SbomPackage;
  pkg.name = p.name;
  pkg.licenses = p.licenses;
  if (p.id !== undefined) pkg.id = p.id;
  if (p.version !== undefined) pkg.version = p.version;
  if (p.purl !== undefined) pkg.purl = p.purl;
  if (p.supplier !== undefined) pkg.supplier = p.supplier;
  const type = p.purl === undefined ? undefined : purlType(p.purl);
  if (type !== undefined) pkg.type = type;
  return pkg;
}

/**
 * The purl type, read the way the purl spec's parsers read it (packageurl-js parseString): the scheme `pkg:`
 * (any case; slashes after it ignored), then the type up to the first `/`, lower-cased. The spec allows ASCII
 * letters, digits, `.`, `+` and `-` in a type, not a digit first. Undefined when that is not there.
 */
export function purlType(purl: string): string | undefined {
  return /^pkg:\/*([A-Za-z.+-][A-Za-z0-9.+-]*)\//i.exec(purl)?.[1]?.toLowerCase();
}

/**
 * The prototype of the packages read: a purl's parts are parsed (with the purl spec's own implementation,
 * packageurl-js) when first asked for, not while 100,000 packages are read.
 */
const READ_PACKAGE = Object.defineProperty({}, 'purlParts', {
  get(this: SbomPackage): PurlParts | undefined {
    return this.purl === undefined ? undefined : parsePurl(this.purl);
  },
});

function parsePurl(purl: string): PurlParts | undefined {
  try {
    const parsed = PackageURL.fromString(purl);
    const parts: PurlParts = { type: parsed.type, name: parsed.name };
    if (parsed.namespace !== undefined) parts.namespace = parsed.namespace;
    if (parsed.version !== undefined) parts.version = parsed.version;
    if (parsed.qualifiers) parts.qualifiers = { ...parsed.qualifiers };
    if (parsed.subpath !== undefined) parts.subpath = parsed.subpath;
    return parts;
  } catch {
    return undefined;
  }
}

/**
 * The read SBOM, its warnings completed when first asked for: the purls that cannot be read are counted then
 * (each parsed), in one warning naming the first, after what the read itself found.
 */
function withPurlWarnings(sbom: Omit<Sbom, 'warnings'>, found: Message[]): Sbom {
  let warnings: Message[] | undefined;
  return Object.defineProperty(sbom, 'warnings', {
    enumerable: true,
    get: () => (warnings ??= [...found, ...unreadablePurls(sbom.packages)]),
  }) as Sbom;
}

function unreadablePurls(packages: readonly SbomPackage[]): Message[] {
  let count = 0;
  let first = '';
  for (const p of packages) {
    if (p.purl === undefined || p.purlParts !== undefined) continue;
    if (count++ === 0) first = p.purl;
  }
  return count > 0 ? [message(Messages.sbomInvalidPurls, count, first)] : [];
}

function spdxLicense(entry: JsonObject, key: string): string | undefined {
  const value = stringField(entry, key);
  return value === 'NOASSERTION' || value === 'NONE' ? undefined : value;
}

/** SPDX agents are `Organization: name (email)`, `Person: …` or `NOASSERTION`. */
function spdxAgent(value: string | undefined): string | undefined {
  if (value === undefined || value === 'NOASSERTION') return undefined;
  return value.replace(/^(?:Organization|Person|Tool):\s*/, '');
}

/** What an SBOM describes, among several for one platform. */
export type SbomScope = { kind: 'image' } | { kind: 'stage'; name: string } | { kind: 'context' } | { kind: 'extra' };

/**
 * BuildKit stores the final image's SBOM first and the extra scans (BUILDKIT_SBOM_SCAN_STAGE,
 * BUILDKIT_SBOM_SCAN_CONTEXT) after it, all with the same predicate type; the scanner names each
 * document after its mount, `sbom-<stage>` or `sbom-context`. Pass the documents in layer order.
 */
export function sbomScopes(documents: readonly Pick<Sbom, 'name'>[]): SbomScope[] {
  return documents.map((doc, i): SbomScope => {
    if (i === 0) return { kind: 'image' };
    const extra = doc.name?.startsWith('sbom-') ? doc.name.slice('sbom-'.length) : undefined;
    if (extra === 'context') return { kind: 'context' };
    return extra ? { kind: 'stage', name: extra } : { kind: 'extra' };
  });
}

export function describeSbomScope(scope: SbomScope): Message {
  switch (scope.kind) {
    case 'image':
      return message(Messages.sbomScopeImage);
    case 'stage':
      return message(Messages.sbomScopeStage, scope.name);
    case 'context':
      return message(Messages.sbomScopeContext);
    case 'extra':
      return message(Messages.sbomScopeExtra);
  }
}

function compact<T extends object>(object: T): T {
  for (const key of Object.keys(object) as (keyof T)[]) if (object[key] === undefined) delete object[key];
  return object;
}
