// What the panel's Provenance tab shows of one platform's provenance (src/attest/provenance.ts, v0.2 and v1 already
// read as one model): plain JSON for the page, core messages localized by the function the host passes. It also
// names every link and image it offers: the host acts on the page's openLink / openImage only for those. Pure: no
// vscode.
//
// What BuildKit records, and so what there is to show: moby/buildkit solver/llbsolver/provenance/predicate.go
// (NewPredicate: the request's frontend and args, secrets and ssh by id, locals, the materials as purls) and
// solver/llbsolver/provenance.go (NewProvenanceCreator: `min` drops build args, labels, secrets and ssh); the
// fields are described in docs/attestations/slsa-definitions.md.

import type { Material, Provenance, SourceRevision } from '../attest/provenance';
import { sourceLinks, webUrl } from '../attest/sourceLinks';
import { formatMessage, message, Messages, type Message } from '../model/messages';
import { familiarName, isDigest, parseImageReference } from '../reference/imageReference';

/** One platform's provenance, as the Provenance tab shows it. */
export interface ProvenanceDetail {
  /** The platform image it describes, by its digest. */
  readonly platform: string;
  readonly slsaVersion: 'v0.2' | 'v1';
  readonly predicateType: string;
  readonly builder?: { readonly id: string; readonly link?: string };
  readonly buildType?: string;
  readonly source?: SourceDetail;
  /** The Dockerfile or entry point: v1 `configSource.path`, v0.2 `entryPoint`; its URI for a remote context. */
  readonly configSource?: { readonly path?: string; readonly uri?: string; readonly link?: string; readonly digests: readonly string[] };
  /** `dockerfile.v0`, or `gateway.v0` when the `# syntax` image (`frontendImage`) ran the build. */
  readonly frontend?: string;
  readonly frontendImage?: string;
  /** Undefined when mode=min dropped them (scrubMinRequest): not recorded, which is not the same as none. */
  readonly buildArgs?: readonly KeyValue[];
  readonly labels?: readonly KeyValue[];
  /** Every other request argument (`target`, `cmdline`, `source`, `context:*`, …). */
  readonly otherArgs: readonly KeyValue[];
  /** Ids only: BuildKit records no secret's value. Undefined with mode=min. */
  readonly secrets?: readonly MountId[];
  readonly ssh?: readonly MountId[];
  readonly materials: readonly MaterialDetail[];
  readonly builderPlatform?: string;
  readonly startedOn?: string;
  readonly finishedOn?: string;
  /** As the provenance says; a missing key means it does not say. */
  readonly completeness: { readonly parameters?: boolean; readonly environment?: boolean; readonly materials?: boolean };
  readonly reproducible?: boolean;
  readonly hermetic?: boolean;
  readonly mode?: 'min' | 'max';
  /** What the mode means, localized. */
  readonly modeExplanation?: string;
  readonly warnings: readonly string[];
}

export type KeyValue = readonly [key: string, value: string];

export interface MountId {
  readonly id: string;
  readonly optional: boolean;
}

export interface SourceDetail {
  readonly repository: string;
  readonly revision?: string;
  readonly from: SourceRevision['from'];
  readonly repositoryLink?: string;
  readonly commitLink?: string;
}

export interface MaterialDetail {
  readonly uri: string;
  /** `sha256:<hex>`, `sha1:<hex>`: every digest the material carries. */
  readonly digests: readonly string[];
  readonly kind: Material['kind'];
  /** The `# syntax` frontend and the SBOM scanner ran the build: never base images. */
  readonly role?: 'frontend' | 'sbomScanner';
  /** An image whose own panel can be opened, at the digest the build used. */
  readonly image?: OfferedImage;
  /** An https page for a Git or HTTP material. */
  readonly link?: string;
}

/** An image the page may ask to open (openImage): the reference as the build named it, and the digest it used. */
export interface OfferedImage {
  readonly ref: string;
  readonly digest: string;
  readonly platform?: string;
}

/** The Provenance tab's words, localized by the host. `{0}` is filled by the page. */
export interface ProvenanceLabels {
  readonly none: string;
  readonly builder: string;
  readonly buildType: string;
  readonly source: string;
  readonly sourceFrom: Readonly<Record<SourceRevision['from'], string>>;
  readonly commit: string;
  readonly entryPoint: string;
  readonly frontend: string;
  readonly syntaxImage: string;
  readonly builderPlatform: string;
  readonly started: string;
  readonly finished: string;
  readonly mode: string;
  readonly buildArgs: string;
  readonly labels: string;
  readonly notRecorded: string;
  readonly otherArgs: string;
  readonly secrets: string;
  readonly ssh: string;
  readonly optional: string;
  readonly materials: string;
  readonly roles: Readonly<Record<NonNullable<MaterialDetail['role']> | 'baseImage', string>>;
  readonly kinds: Readonly<Record<Material['kind'], string>>;
  readonly openImage: string;
  readonly completeness: string;
  readonly parameters: string;
  readonly environment: string;
  readonly materialsComplete: string;
  readonly reproducible: string;
  readonly hermetic: string;
  readonly yes: string;
  readonly no: string;
  readonly unknown: string;
  readonly warnings: string;
  readonly rawStatement: string;
  readonly readingStatement: string;
  readonly noStatement: string;
  readonly more: string;
  readonly copyValue: string;
}

/** What the tab shows, with the links and images it offers (the host checks the page's intents against them). */
export interface ProvenanceOffer {
  readonly detail: ProvenanceDetail;
  readonly links: readonly string[];
  readonly images: readonly OfferedImage[];
}

export function provenanceDetail(platform: string, p: Provenance, localize: (m: Message) => string = formatMessage): ProvenanceOffer {
  const materials = p.materials.map(materialDetail);
  const max = p.mode !== 'min';
  // BuildKit writes an empty builder id when the client gave none (v0.2 `builder.id: ""`).
  const builderId = p.builderId || undefined;
  const builderLink = builderId === undefined ? undefined : webUrl(builderId);
  const configSource = p.configSource && configSourceDetail(p.configSource);
  const detail: ProvenanceDetail = withoutUndefined({
    platform,
    slsaVersion: p.slsaVersion,
    predicateType: p.predicateType,
    builder: builderId === undefined ? undefined : withoutUndefined({ id: builderId, link: builderLink }),
    buildType: p.buildType,
    source: p.source && sourceDetail(p.source),
    configSource,
    frontend: p.frontend,
    frontendImage: p.frontendImage,
    buildArgs: max ? entries(p.buildArgs) : undefined,
    labels: max ? entries(p.labels) : undefined,
    otherArgs: entries(p.otherArgs),
    secrets: max ? p.secrets : undefined,
    ssh: max ? p.ssh : undefined,
    materials,
    builderPlatform: p.builderPlatform,
    startedOn: p.startedOn,
    finishedOn: p.finishedOn,
    completeness: p.completeness,
    reproducible: p.reproducible,
    hermetic: p.hermetic,
    mode: p.mode,
    modeExplanation: p.mode === undefined ? undefined : localize(message(p.mode === 'min' ? Messages.explainProvenanceMin : Messages.explainProvenanceMax)),
    warnings: p.warnings.map(localize),
  });
  const links = [builderLink, detail.source?.repositoryLink, detail.source?.commitLink, configSource?.link, ...materials.map((m) => m.link)].filter((l): l is string => l !== undefined);
  const images = materials.flatMap((m) => (m.image ? [m.image] : []));
  return { detail, links: [...new Set(links)], images };
}

function sourceDetail(source: SourceRevision): SourceDetail {
  const links = sourceLinks(source.repository, source.revision);
  return withoutUndefined({ repository: source.repository, revision: source.revision, from: source.from, repositoryLink: links.repository, commitLink: links.commit });
}

function configSourceDetail(c: NonNullable<Provenance['configSource']>): NonNullable<ProvenanceDetail['configSource']> {
  // A Git context's URI names its ref after `#`; its page is the repository's.
  const link = c.uri === undefined ? undefined : webUrl(c.uri.replace(/#.*$/, ''));
  return withoutUndefined({ path: c.path, uri: c.uri, link, digests: digestsOf(c.digest) });
}

function materialDetail(m: Material): MaterialDetail {
  const link = m.kind === 'git' ? webUrl(m.uri.replace(/^git\+/, '').replace(/#.*$/, '')) : m.kind === 'http' ? webUrl(m.uri) : undefined;
  return withoutUndefined({ uri: m.uri, digests: digestsOf(m.digest), kind: m.kind, role: m.role, image: m.kind === 'image' ? offeredImage(m) : undefined, link });
}

/**
 * An image material as a reference the panel can open: BuildKit's util/purl writes the familiar name and the tag,
 * and the digest it resolved (the platform's manifest). Without a valid reference and a sha256 digest, none.
 */
function offeredImage(m: Material): OfferedImage | undefined {
  const image = m.image;
  if (!image?.digest || !isDigest(image.digest) || !image.digest.startsWith('sha256:')) return undefined;
  const parsed = parseImageReference(image.tag === undefined ? image.name : `${image.name}:${image.tag}`);
  if (!parsed.ok || parsed.ref.digest !== undefined) return undefined;
  return withoutUndefined({ ref: familiarName(parsed.ref), digest: image.digest, platform: image.platform });
}

function digestsOf(digest: Record<string, string>): string[] {
  return Object.entries(digest).map(([algorithm, value]) => `${algorithm}:${value}`);
}

/** Sorted by key, as Go's encoding/json wrote BuildKit's map (a reordered copy reads the same). */
function entries(record: Record<string, string>): KeyValue[] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** JSON has no undefined: leave the key out. */
function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
