// What changes between two digests of one image: the SBOM difference and the provenance difference, per
// platform, from two attestation summaries (src/attest/summary.ts). Pure: no vscode, no page code; the panel's
// compare mode and the CLI's `diff` both read it.
//
// Decisions, each said once:
// - Platforms are matched by name (`linux/arm64/v8`). A single-platform image says no platform (''); when one side
//   is that and the other has exactly one platform left over, the two are compared (an image that became an index).
// - SBOM documents are matched by what they describe (sbomScopes in src/attest/sbom.ts: moby/buildkit's
//   exporter/attestation/unbundle.go stores the final image's SBOM first, frontend/attestations/sbom/sbom.go names
//   stage scans `sbom-<stage>`): the final image with the final image, a stage's scan with the same stage's. A
//   package that moved from a stage into the final image is removed from one and added to the other.
// - A package is known by its purl without version, qualifiers and subpath (purl-spec: type, namespace and name
//   name the package; the version and qualifiers such as `arch` or `distro` name one build of it), else by its
//   type and name. One image can hold one package at several versions (two Go binaries built against two versions
//   of one module): the package's versions are compared as a set, so it changed when the sets differ, and the
//   change lists every version on each side (`1.2.0, 1.3.0 → 1.3.0`).
// - Licenses are compared as the set of license expressions on all of a package's entries.
// - Base images are the provenance's image materials that are not the syntax frontend or the SBOM scanner
//   (their `role`, src/attest/provenance.ts), matched by name; a name pulled at several tags pairs equal tags first.

import type { ImageSummary, PlatformSummary, SbomDocument } from '../attest/summary';
import type { Material, Provenance } from '../attest/provenance';
import type { SbomPackage, SbomScope } from '../attest/sbom';
import { formatMessage, message, Messages, type Message } from '../model/messages';

export interface ImageComparison {
  readonly old: string;
  readonly new: string;
  /** Platforms both sides have, in the new image's order. */
  readonly platforms: readonly PlatformComparison[];
  /** Platforms only one side has: nothing to compare them with. */
  readonly onlyOld: readonly string[];
  readonly onlyNew: readonly string[];
}

export interface PlatformComparison {
  /** The new image's platform name ('' for a single-platform image). */
  readonly platform: string;
  readonly oldDigest: string;
  readonly newDigest: string;
  readonly sboms: readonly SbomComparison[];
  readonly provenance?: ProvenanceComparison;
  /** What could not be compared, and why. */
  readonly notCompared: readonly NotCompared[];
}

export interface NotCompared {
  readonly what: Message;
  /** Why, as the summary explained the missing attestation or what failed to read. */
  readonly why: readonly Message[];
}

/** One SBOM document (the final image's, a stage's) on both sides, or on one side only. */
export interface SbomComparison {
  readonly scope: SbomScope;
  readonly scopeText: Message;
  readonly oldPackages?: number;
  readonly newPackages?: number;
  /** Absent when only one side has this document. */
  readonly diff?: PackageDiff;
}

export interface PackageDiff {
  readonly added: readonly PackageEntry[];
  readonly removed: readonly PackageEntry[];
  readonly changed: readonly VersionChange[];
  readonly licensesChanged: readonly LicenseChange[];
  /** Packages on both sides with the same versions. */
  readonly unchanged: number;
}

export interface PackageEntry {
  readonly name: string;
  readonly type?: string;
  /** Every version of it on that side, sorted. */
  readonly versions: readonly string[];
  readonly licenses: readonly string[];
}

export interface VersionChange {
  readonly name: string;
  readonly type?: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export interface LicenseChange {
  readonly name: string;
  readonly type?: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export interface ValueChange<T> {
  readonly old?: T;
  readonly new?: T;
  readonly changed: boolean;
}

export interface SourceFact {
  readonly repository?: string;
  readonly revision?: string;
}

export interface ProvenanceComparison {
  readonly source: ValueChange<SourceFact>;
  readonly frontend: ValueChange<string>;
  /** Finished, else started: RFC 3339 as written. */
  readonly builtAt: ValueChange<string>;
  readonly mode: ValueChange<'min' | 'max'>;
  readonly baseImages: readonly BaseImageChange[];
}

export interface BaseImage {
  readonly tag?: string;
  readonly digest?: string;
}

export interface BaseImageChange {
  readonly name: string;
  readonly status: 'changed' | 'added' | 'removed' | 'same';
  readonly old?: BaseImage;
  readonly new?: BaseImage;
}

/** Compares the summaries of one image at two digests: `older` is the pinned one, `newer` what the tag points to now. */
export function compareImages(older: ImageSummary, newer: ImageSummary): ImageComparison {
  const pairs: [PlatformSummary, PlatformSummary][] = [];
  const oldLeft = [...older.platforms];
  const newLeft: PlatformSummary[] = [];
  for (const p of newer.platforms) {
    const i = oldLeft.findIndex((o) => o.platform === p.platform);
    if (i < 0) newLeft.push(p);
    else pairs.push([oldLeft.splice(i, 1)[0]!, p]);
  }
  const [oldOne] = oldLeft;
  const [newOne] = newLeft;
  if (oldLeft.length === 1 && newLeft.length === 1 && (oldOne!.platform === '' || newOne!.platform === '')) {
    pairs.push([oldOne!, newOne!]);
    oldLeft.length = newLeft.length = 0;
  }
  return {
    old: older.digest,
    new: newer.digest,
    platforms: pairs.map(([o, n]) => comparePlatforms(o, n)),
    onlyOld: oldLeft.map((p) => p.platform),
    onlyNew: newLeft.map((p) => p.platform),
  };
}

function comparePlatforms(older: PlatformSummary, newer: PlatformSummary): PlatformComparison {
  const notCompared: NotCompared[] = [];
  const missing = (side: PlatformSummary, template: string, kinds: readonly string[]) =>
    notCompared.push({ what: message(template), why: [...side.explanations.filter((e) => kinds.includes(e.kind)).map((e) => e.message), ...side.problems.map((p) => p.message)] });
  const sbomKinds = ['noAttestations', 'noSbom', 'indexSbomOnePlatform'];
  const provenanceKinds = ['noAttestations', 'noProvenance'];
  if (older.sboms.length === 0) missing(older, Messages.compareNoSbomOld, sbomKinds);
  if (newer.sboms.length === 0) missing(newer, Messages.compareNoSbomNew, sbomKinds);
  if (!older.provenance) missing(older, Messages.compareNoProvenanceOld, provenanceKinds);
  if (!newer.provenance) missing(newer, Messages.compareNoProvenanceNew, provenanceKinds);
  const sboms = older.sboms.length > 0 && newer.sboms.length > 0 ? compareDocuments(older.sboms, newer.sboms) : [];
  return {
    platform: newer.platform,
    oldDigest: older.digest,
    newDigest: newer.digest,
    sboms,
    ...(older.provenance && newer.provenance && { provenance: compareProvenance(older, newer) }),
    notCompared,
  };
}

/** Documents paired by scope; a scope that repeats on a side pairs in order. */
function compareDocuments(older: readonly SbomDocument[], newer: readonly SbomDocument[]): SbomComparison[] {
  const keyed = (docs: readonly SbomDocument[]) => {
    const seen = new Map<string, number>();
    return docs.map((d) => {
      const scope = scopeKey(d.scope);
      const n = seen.get(scope) ?? 0;
      seen.set(scope, n + 1);
      return { key: `${scope}#${n}`, doc: d };
    });
  };
  const oldDocs = new Map(keyed(older).map((k) => [k.key, k.doc]));
  const result: SbomComparison[] = [];
  for (const { key, doc } of keyed(newer)) {
    const o = oldDocs.get(key);
    oldDocs.delete(key);
    result.push(
      o
        ? { scope: doc.scope, scopeText: doc.scopeText, oldPackages: o.sbom.packages.length, newPackages: doc.sbom.packages.length, diff: comparePackages(o.sbom.packages, doc.sbom.packages) }
        : { scope: doc.scope, scopeText: doc.scopeText, newPackages: doc.sbom.packages.length },
    );
  }
  for (const o of oldDocs.values()) result.push({ scope: o.scope, scopeText: o.scopeText, oldPackages: o.sbom.packages.length });
  return result;
}

function scopeKey(scope: SbomScope): string {
  return scope.kind === 'stage' ? `stage:${scope.name}` : scope.kind;
}

interface Grouped {
  name: string;
  type?: string;
  versions: Set<string>;
  licenses: Set<string>;
}

/** The SBOM difference of two package lists (see the decisions at the top). */
export function comparePackages(older: readonly SbomPackage[], newer: readonly SbomPackage[]): PackageDiff {
  const oldGroups = group(older);
  const newGroups = group(newer);
  const added: PackageEntry[] = [];
  const removed: PackageEntry[] = [];
  const changed: VersionChange[] = [];
  const licensesChanged: LicenseChange[] = [];
  let unchanged = 0;
  for (const [key, n] of newGroups) {
    const o = oldGroups.get(key);
    if (!o) {
      added.push(entry(n));
      continue;
    }
    const named = { name: n.name, ...(n.type !== undefined && { type: n.type }) };
    if (sameSet(o.versions, n.versions)) unchanged++;
    else changed.push({ ...named, from: sorted(o.versions), to: sorted(n.versions) });
    if (!sameSet(o.licenses, n.licenses)) licensesChanged.push({ ...named, from: sorted(o.licenses), to: sorted(n.licenses) });
  }
  for (const [key, o] of oldGroups) if (!newGroups.has(key)) removed.push(entry(o));
  return { added: byName(added), removed: byName(removed), changed: byName(changed), licensesChanged: byName(licensesChanged), unchanged };
}

/** purl-spec: `pkg:type/namespace/name@version?qualifiers#subpath`; type, namespace and name say which package. */
function packageKey(p: SbomPackage): string {
  const purl = p.purlParts;
  if (purl) return `purl:${purl.type}/${purl.namespace ?? ''}/${purl.name}`;
  return `name:${p.type ?? ''}/${p.name}`;
}

function group(packages: readonly SbomPackage[]): Map<string, Grouped> {
  const groups = new Map<string, Grouped>();
  for (const p of packages) {
    const key = packageKey(p);
    let g = groups.get(key);
    if (!g) {
      g = { name: p.name, ...(p.type !== undefined && { type: p.type }), versions: new Set(), licenses: new Set() };
      groups.set(key, g);
    }
    if (p.version !== undefined && p.version !== '') g.versions.add(p.version);
    for (const l of p.licenses) g.licenses.add(l);
  }
  return groups;
}

function entry(g: Grouped): PackageEntry {
  return { name: g.name, ...(g.type !== undefined && { type: g.type }), versions: sorted(g.versions), licenses: sorted(g.licenses) };
}

function compareProvenance(older: PlatformSummary, newer: PlatformSummary): ProvenanceComparison {
  const o = older.provenance!;
  const n = newer.provenance!;
  return {
    source: change(sourceFact(older), sourceFact(newer), (a, b) => a.repository === b.repository && a.revision === b.revision),
    frontend: change(frontendOf(o), frontendOf(n)),
    builtAt: change(o.finishedOn ?? o.startedOn, n.finishedOn ?? n.startedOn),
    mode: change(o.mode, n.mode),
    baseImages: compareBaseImages(baseImages(o), baseImages(n)),
  };
}

/** What the build recorded, else what the image's annotations say (as the Overview shows it). */
function sourceFact(p: PlatformSummary): SourceFact | undefined {
  const s = p.provenance?.source ?? p.annotatedSource;
  if (!s) return undefined;
  return { ...(s.repository !== undefined && { repository: s.repository }), ...(s.revision !== undefined && { revision: s.revision }) };
}

/** The `# syntax` image when one ran the build, else the built-in frontend (`dockerfile.v0`). */
function frontendOf(p: Provenance): string | undefined {
  return p.frontendImage ?? p.frontend;
}

function change<T>(older: T | undefined, newer: T | undefined, same: (a: T, b: T) => boolean = (a, b) => a === b): ValueChange<T> {
  const changed = older === undefined || newer === undefined ? older !== newer : !same(older, newer);
  return { ...(older !== undefined && { old: older }), ...(newer !== undefined && { new: newer }), changed };
}

function baseImages(p: Provenance): { name: string; image: BaseImage }[] {
  return p.materials
    .filter((m): m is Material & { image: NonNullable<Material['image']> } => m.kind === 'image' && m.role === undefined && m.image !== undefined)
    .map((m) => ({ name: m.image.name, image: { ...(m.image.tag !== undefined && { tag: m.image.tag }), ...(m.image.digest !== undefined && { digest: m.image.digest }) } }));
}

function compareBaseImages(older: { name: string; image: BaseImage }[], newer: { name: string; image: BaseImage }[]): BaseImageChange[] {
  const oldLeft = [...older];
  const result: BaseImageChange[] = [];
  const take = (i: number) => oldLeft.splice(i, 1)[0]!;
  const pending: { name: string; image: BaseImage }[] = [];
  for (const n of newer) {
    const i = oldLeft.findIndex((o) => o.name === n.name && o.image.tag === n.image.tag);
    if (i < 0) pending.push(n);
    else result.push(pair(n.name, take(i).image, n.image));
  }
  for (const n of pending) {
    const i = oldLeft.findIndex((o) => o.name === n.name);
    result.push(i < 0 ? { name: n.name, status: 'added', new: n.image } : pair(n.name, take(i).image, n.image));
  }
  for (const o of oldLeft) result.push({ name: o.name, status: 'removed', old: o.image });
  return result.sort((a, b) => compareText(a.name, b.name));
}

function pair(name: string, older: BaseImage, newer: BaseImage): BaseImageChange {
  const same = older.digest === newer.digest && older.tag === newer.tag;
  return { name, status: same ? 'same' : 'changed', old: older, new: newer };
}

/** At most this many rows of each list go to the page; it says how many more there are. */
export const MAX_ROWS_SHOWN = 500;

/** A list cut to MAX_ROWS_SHOWN rows. */
export interface Capped<T> {
  readonly rows: readonly T[];
  readonly more: number;
}

/** The comparison as the page shows it: plain JSON, core messages localized, long lists capped. */
export interface ComparisonView {
  /** The image as the user knows it, without tag or digest. */
  readonly image: string;
  readonly old: string;
  readonly new: string;
  readonly platforms: readonly PlatformComparisonView[];
  readonly onlyOld: readonly string[];
  readonly onlyNew: readonly string[];
}

export interface PlatformComparisonView {
  readonly platform: string;
  readonly oldDigest: string;
  readonly newDigest: string;
  readonly sboms: readonly SbomComparisonView[];
  readonly provenance?: ProvenanceComparison;
  readonly notCompared: readonly string[];
}

export interface SbomComparisonView {
  readonly scope: string;
  readonly oldPackages?: number;
  readonly newPackages?: number;
  readonly diff?: {
    readonly added: Capped<PackageEntry>;
    readonly removed: Capped<PackageEntry>;
    readonly changed: Capped<VersionChange>;
    readonly licensesChanged: Capped<LicenseChange>;
    readonly counts: { readonly added: number; readonly removed: number; readonly changed: number; readonly licensesChanged: number; readonly unchanged: number };
  };
}

/** The page's words for the compare view, localized by the host. `{0}` is filled by the page. */
export interface CompareLabels {
  readonly title: string;
  readonly platform: string;
  readonly onlyOld: string;
  readonly onlyNew: string;
  readonly packagesCount: string;
  readonly added: string;
  readonly removed: string;
  readonly changed: string;
  readonly licensesChanged: string;
  readonly unchanged: string;
  readonly name: string;
  readonly type: string;
  readonly version: string;
  readonly oldVersion: string;
  readonly newVersion: string;
  readonly license: string;
  readonly oldLicense: string;
  readonly newLicense: string;
  readonly more: string;
  readonly onlyInOldDocument: string;
  readonly onlyInNewDocument: string;
  readonly noPackageChanges: string;
  readonly build: string;
  readonly source: string;
  readonly frontend: string;
  readonly builtAt: string;
  readonly mode: string;
  readonly baseImages: string;
  readonly change: string;
  readonly before: string;
  readonly after: string;
  readonly baseImageStatus: Readonly<Record<BaseImageChange['status'], string>>;
  readonly unchangedValue: string;
  readonly none: string;
  readonly notCompared: string;
}

export function comparisonView(c: ImageComparison, image: string, localize: (m: Message) => string = formatMessage): ComparisonView {
  return {
    image,
    old: c.old,
    new: c.new,
    onlyOld: c.onlyOld,
    onlyNew: c.onlyNew,
    platforms: c.platforms.map((p) => ({
      platform: p.platform,
      oldDigest: p.oldDigest,
      newDigest: p.newDigest,
      sboms: p.sboms.map((s) => ({
        scope: localize(s.scopeText),
        ...(s.oldPackages !== undefined && { oldPackages: s.oldPackages }),
        ...(s.newPackages !== undefined && { newPackages: s.newPackages }),
        ...(s.diff && {
          diff: {
            added: capped(s.diff.added),
            removed: capped(s.diff.removed),
            changed: capped(s.diff.changed),
            licensesChanged: capped(s.diff.licensesChanged),
            counts: { added: s.diff.added.length, removed: s.diff.removed.length, changed: s.diff.changed.length, licensesChanged: s.diff.licensesChanged.length, unchanged: s.diff.unchanged },
          },
        }),
      })),
      ...(p.provenance && { provenance: p.provenance }),
      notCompared: p.notCompared.map((n) => [n.what, ...n.why].map(localize).join(' ')),
    })),
  };
}

function capped<T>(rows: readonly T[]): Capped<T> {
  return { rows: rows.slice(0, MAX_ROWS_SHOWN), more: Math.max(0, rows.length - MAX_ROWS_SHOWN) };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort(compareText);
}

function byName<T extends { name: string; type?: string }>(list: T[]): T[] {
  return list.sort((a, b) => compareText(a.name, b.name) || compareText(a.type ?? '', b.type ?? ''));
}

/** Code-unit order: the same in every locale, so the CLI's output and the tests do not depend on one. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
