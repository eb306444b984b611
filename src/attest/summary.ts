// What an image's attestations say, per platform: the one read that the tree, the hover and the CLI
// (`image-provenance attestations`) all show. Pure logic over an AttestationSource: no vscode.
//
// Cheap facts first: the OCI annotations `org.opencontainers.image.source` / `revision` (image-spec
// annotations.md; Docker Official Images set them on each index descriptor) name the source without any
// attestation fetch. Then discovery (discover.ts), and only the layers whose predicate type is SLSA
// provenance or an SBOM are fetched, each bounded in size and verified by the source.
//
// The explanations say why something is missing, from what the tools do:
// - docker/buildx build/build.go (PR #1988): "Attestation is not supported for the docker driver"; `--load`
//   into the classic image store keeps no attestation manifests.
// - docker/buildx build/opt.go: provenance is added by default with `mode=min`; `--provenance=false` /
//   `--sbom=false` turn them off, and an SBOM is only made when asked for.
// - Docker Scout's "Supply chain attestations" policy wants an SBOM and `mode=max` provenance; its base-image
//   policies show "No data" without provenance (docs.docker.com/scout/policy).
// - Docker Scout keeps hardened images' attestations in a separate referrer repository
//   (`docker scout attestation add --referrer-repository`, default registry.scout.docker.com).
// - distribution/distribution registry/storage/manifestlisthandler.go (verifyManifest): a registry refuses an
//   index whose manifests it lacks unless configured to accept sparse indexes (v3's
//   validation.manifests.indexes.platforms), so an index listing attestation manifests that are gone (404) was
//   copied or pruned by a tool that kept the index and left them out.
//
// The hover reads quickly (SummaryOptions.quick): one platform, what its index lists, the referrers only when it
// lists nothing; the complete read asks every form. Independent requests go together, a few at a time
// (boundedSource).

import { message, Messages, type Message } from '../model/messages';
import { RegistryError } from '../registry/errors';
import { formatPlatform, platformEntries, type Platform, type ParsedManifest } from '../registry/manifest';
import { familiarName, type ImageRef } from '../reference/imageReference';
import type { RegistryClient } from '../registry/client';
import { boundedSource } from './boundedSource';
import { clientSource, discoverAttestations, discoverIndexLevel, type AttestationLayer, type AttestationSource, type DiscoveryOptions, type FoundManifest, type PlatformAttestations, type StorageForm } from './discover';
import { readProvenance, type Provenance } from './provenance';
import { PackageStream } from './packageStream';
import { describeSbomScope, previewPackages, readSbom, sbomScopes, type Sbom, type SbomPackage, type SbomScope } from './sbom';
import { DEFAULT_STATEMENT_LIMITS, IN_TOTO, PREDICATE_TYPES, readStatement, type InTotoStatement, type StatementResult, type StreamedList } from './statement';

/** OCI image-spec annotations.md: where the image's source lives and at which revision. */
export const SOURCE_ANNOTATIONS = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
} as const;

const PROVENANCE_TYPES: ReadonlySet<string> = new Set([PREDICATE_TYPES.slsaProvenanceV02, PREDICATE_TYPES.slsaProvenanceV1]);
const SBOM_TYPES: ReadonlySet<string> = new Set([PREDICATE_TYPES.spdx, PREDICATE_TYPES.cycloneDx]);

/** cosign's `.sbom` tags hold a bare document typed only by its media type (cosign `attach sbom --type`). */
const SBOM_MEDIA_TYPES: readonly [RegExp, string][] = [
  [/spdx\+json/i, PREDICATE_TYPES.spdx],
  [/cyclonedx\+json/i, PREDICATE_TYPES.cycloneDx],
];

/** At most this many layers are fetched per platform: several SPDX documents are normal, hundreds are not. */
export const MAX_LAYERS_READ_PER_PLATFORM = 16;

export interface SummaryOptions {
  /**
   * `os/arch[/variant]`: only the matching platforms of an index are read; without a variant, every variant
   * matches. A single manifest does not say its platform and is read whatever this says.
   */
  platform?: string;
  /** The platform image by its digest in the index: wins over `platform` (names can repeat, or say `windows(10.0…)`). */
  platformDigest?: string;
  /** Layers larger than this are not fetched. Default: what the statement reader accepts. */
  maxLayerBytes?: number;
  /**
   * The hover's read, near the floor of index, attestation manifest and layers: one platform (the first matching
   * `platform`, else the index's first), the attestation manifests its index lists, the referrers only when it
   * lists none; no cosign tags, no signatures of attestation manifests, nothing attached to the index itself.
   * The result says `quick: true`, so a UI can offer the complete read.
   */
  quick?: boolean;
  /**
   * Another repository, possibly on another registry, where this image's attestations are kept as referrers
   * (Docker Scout's, for hardened images; see referrerRepositoryFor). Its referrers of the platform (and, in the
   * complete read, of the index) are read, and what it lists is fetched from it, with its own host's credentials.
   */
  referrerRepository?: ImageRef;
  /** Keep each platform's in-toto statements as decoded JSON (PlatformSummary.statements), for copying. */
  keepStatements?: boolean;
  /**
   * Read each platform's image config for its `created` time too (PlatformSummary.created): the panel's read. One
   * manifest and one small config blob per platform (none more for a single manifest), beside the attestations.
   */
  imageCreated?: boolean;
  /**
   * Called once, before the SBOMs are read, when there are SBOMs still to read: the summary with everything else
   * (PlatformSummary.sbomsPending names the documents on their way). The SBOM layers are fetched from the
   * start, beside the rest; the promise the read returns holds them all.
   */
  beforeSboms?: (summary: ImageSummary) => void;
  /**
   * The first `rows` packages of each SBOM layer as its bytes arrive, before they are all in, let alone verified:
   * given to `show` with each chunk (PackageStream). Only a preview, to be said to be one: the summary's SBOMs,
   * read from the whole verified layer, replace it, or its problem withdraws it.
   */
  sbomPreview?: { readonly rows: number; readonly show: (layer: string, preview: SbomPreview) => void };
  signal?: AbortSignal;
}

/** What has arrived of an SBOM layer still on its way (SummaryOptions.sbomPreview). */
export interface SbomPreview {
  /** Its first packages, up to the rows asked for: more as they are read. */
  readonly packages: readonly SbomPackage[];
  /** Bytes in so far, and the layer's size as its manifest gives it. */
  readonly bytes: number;
  readonly size: number;
}

export interface SbomDocument {
  /** What this document describes among the platform's SBOMs (the final image, a scanned stage, …). */
  scope: SbomScope;
  scopeText: Message;
  sbom: Sbom;
  /** `unverified` when it came in a signed envelope: never presented as verified. */
  signature: InTotoStatement['signature'];
  /** The layer it was read from: names the document across reads. */
  digest: string;
  /** Where the manifest holding it was found. */
  forms: StorageForm[];
}

export interface SignatureSummary {
  digest: string;
  artifactType?: string;
  /** What it signs: the platform image, or one of its attestation manifests. */
  signs: string;
  forms: StorageForm[];
  /** Never checked here: a signature is shown as "signed, not verified". */
  verified: false;
}

/** A problem, with the layer or manifest it concerns when there is one. */
export interface SummaryProblem {
  digest?: string;
  message: Message;
  /** Set when the layer was an SBOM's: the SBOM tab says it. */
  sbom?: true;
}

export interface Explanation {
  kind: 'noAttestations' | 'keptElsewhere' | 'provenanceMin' | 'noProvenance' | 'noSbom' | 'indexSbomOnePlatform';
  message: Message;
}

export interface PlatformSummary {
  /** `linux/arm64/v8`; `''` for a single-platform image (its manifest does not say). */
  platform: string;
  digest: string;
  /** From the OCI annotations of the index, its descriptor or the manifest: no attestation needed. */
  annotatedSource?: { repository?: string; revision?: string };
  /** With SummaryOptions.imageCreated: when the image config says the image was created (RFC 3339, as written). */
  created?: string;
  forms: StorageForm[];
  predicateTypes: string[];
  /** The first SLSA provenance statement, as one model for v0.2 and v1. */
  provenance?: Provenance;
  /** `unverified` when the provenance came signed (a DSSE envelope, a Sigstore bundle): never presented as verified. */
  provenanceSignature?: InTotoStatement['signature'];
  /** Where the manifest holding the provenance was found. */
  provenanceForms?: StorageForm[];
  /** Every SPDX and CycloneDX statement, in layer order, each labelled with what it describes. */
  sboms: SbomDocument[];
  /** Only in the summary SummaryOptions.beforeSboms is given: the SBOM layers still being read, by digest (`sboms` is empty). */
  sbomsPending?: string[];
  signatures: SignatureSummary[];
  explanations: Explanation[];
  /** What could not be asked or read; what was found stands. */
  problems: SummaryProblem[];
  /** With SummaryOptions.keepStatements: the in-toto statements read, decoded (DSSE payloads unwrapped). */
  statements?: KeptStatements;
}

/** Statements as JSON values: a bare predicate comes wrapped in a statement, as the reader reads it. */
export interface KeptStatements {
  provenance?: unknown;
  sboms: unknown[];
}

export interface ImageSummary {
  digest: string;
  /** Every platform of the index, whether or not options.platform chose it; empty for a single manifest. */
  availablePlatforms: string[];
  platforms: PlatformSummary[];
  /** SBOMs attached to a multi-platform index itself, and the platform their subject names, if it names one. */
  indexLevel?: IndexLevel;
  /** What could not be read of what is attached to the index itself. */
  problems: SummaryProblem[];
  /** Read with SummaryOptions.quick: one platform, some forms; the complete read may find more. */
  quick?: true;
}

export interface IndexLevel {
  sboms: number;
  describes?: string;
}

/**
 * The attestations of an image (`top`: what its reference points to, an index or a single manifest), per
 * platform. Registry failures become problems; only cancellation throws. The referrer repository is read through
 * `source.forRepository`; a source without it reads the image's repository only.
 */
export async function summarizeAttestations(source: AttestationSource, top: { digest: string; manifest: ParsedManifest }, options: SummaryOptions = {}): Promise<ImageSummary> {
  const { signal, quick = false, referrerRepository } = options;
  const index = top.manifest.kind === 'index' ? top.manifest : undefined;
  const entries = index ? platformEntries(index) : [];
  const availablePlatforms = entries.map(platformText);
  const matching = !index
    ? entries
    : options.platformDigest !== undefined
      ? entries.filter((e) => e.digest === options.platformDigest)
      : options.platform !== undefined
        ? entries.filter((e) => e.platform && matchesPlatform(e.platform, options.platform!))
        : entries;
  const chosen = quick ? matching.slice(0, 1) : matching;
  const quickMark = quick ? { quick: true as const } : {};
  if (index && chosen.length === 0) return { digest: top.digest, availablePlatforms, platforms: [], problems: [], ...quickMark };

  const bounded = boundedSource(source);
  const kept = referrerRepository && source.forRepository ? boundedSource(source.forRepository(referrerRepository)) : undefined;
  const discovery: DiscoveryOptions = { quick, ...(kept && { referrerSource: kept }), ...(signal && { signal }) };
  // Discovery of the chosen platforms only: the index keeps its attestation entries, loses the other platforms.
  const narrowed = index ? { ...top, manifest: { ...index, manifests: index.manifests.filter((m) => !entries.includes(m) || chosen.includes(m)) } } : top;
  const problems: SummaryProblem[] = [];
  const [discovered, indexLevel] = await Promise.all([
    discoverAttestations(bounded, narrowed, discovery),
    index && entries.length > 1 && !quick ? readIndexLevel(bounded, top.digest, entries, problems, options, discovery) : undefined,
  ]);

  // Nothing where the quick read looks (the index, the referrers): before saying why, look everywhere else too.
  const platform = discovered[0];
  if (quick && discovered.length === 1 && platform && platform.found.length === 0 && platform.problems.length === 0) {
    return summarizeAttestations(source, top, { ...options, quick: false, platformDigest: platform.digest });
  }

  const read = discovered.map((found) => {
    const descriptor = entries.find((e) => e.digest === found.digest);
    const annotations = { ...top.manifest.annotations, ...descriptor?.annotations };
    const annotatedSource = withoutUndefined({ repository: annotations[SOURCE_ANNOTATIONS.source], revision: annotations[SOURCE_ANNOTATIONS.revision] });
    const created = options.imageCreated ? imageCreated(bounded, found.digest, index ? undefined : top.manifest, signal) : Promise.resolve(undefined);
    const finish = ([summary, createdAt]: [PlatformSummary, string | undefined]) => {
      if (annotatedSource.repository !== undefined || annotatedSource.revision !== undefined) summary.annotatedSource = annotatedSource;
      if (createdAt !== undefined) summary.created = createdAt;
      summary.explanations = explain(summary, found, index !== undefined, indexLevel, referrerRepository);
      return summary;
    };
    const platform = summarizePlatform(bounded, kept, found, options);
    return { early: () => Promise.all([platform.early(), created]).then(finish), complete: Promise.all([platform.complete, created]).then(finish) };
  });
  const summaryOf = (platforms: PlatformSummary[]): ImageSummary => ({ digest: top.digest, availablePlatforms, platforms, ...(indexLevel && { indexLevel }), problems: [...problems], ...quickMark });
  if (options.beforeSboms) {
    const early = await Promise.all(read.map((r) => r.early()));
    if (early.some((p) => p.sbomsPending !== undefined)) options.beforeSboms(summaryOf(early));
  }
  return summaryOf(await Promise.all(read.map((r) => r.complete)));
}

/** Image config media types (image-spec config.md; Docker's image manifest v2 schema 2). */
const IMAGE_CONFIG_TYPES: ReadonlySet<string> = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);
/** RFC 3339 as Go's time.Time writes it (the config's `created`): seconds, up to nanoseconds, a zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The `created` time of a platform image's config (image-spec config.md), `manifest` when it is in hand already.
 * Undefined for an artifact, a config without one or with something else there, or one that cannot be read: it is a
 * fact beside the attestations, and its absence is not a problem of theirs.
 */
async function imageCreated(source: AttestationSource, digest: string, manifest: ParsedManifest | undefined, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    const image = manifest ?? (await source.manifest(digest, signal));
    if (image.kind !== 'image' || !IMAGE_CONFIG_TYPES.has(image.config.mediaType)) return undefined;
    const config = JSON.parse(new TextDecoder().decode(await source.blob(image.config.digest, { maxBytes: 1 << 20, ...(signal && { signal }) }))) as unknown;
    const created = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['created'] : undefined;
    return typeof created === 'string' && RFC3339.test(created) ? created : undefined;
  } catch {
    return undefined;
  }
}

/** The attestations of the content `digest` names in ref's repository, read through the registry client. */
export async function summarizeImage(client: Pick<RegistryClient, 'manifest' | 'referrers' | 'blob'>, ref: ImageRef, digest: string, options: SummaryOptions = {}): Promise<ImageSummary> {
  const top = await client.manifest(ref, { digest, ...(options.signal && { signal: options.signal }) });
  return summarizeAttestations(clientSource(client, ref), { digest, manifest: top.manifest }, options);
}

/** `linux/arm64` matches `linux/arm64/v8`; `linux/arm64/v8` only itself. */
export function matchesPlatform(platform: Platform, wanted: string): boolean {
  const [os, architecture, variant] = wanted.split('/');
  return platform.os === os && platform.architecture === architecture && (variant === undefined || platform.variant === variant);
}

/**
 * One platform's summary once its layers are read (`complete`), and (`early`) once all but its SBOMs are, with
 * `sbomsPending` when there are SBOMs still to read: the SBOM layers are fetched at once beside the rest.
 */
function summarizePlatform(source: AttestationSource, kept: AttestationSource | undefined, found: PlatformAttestations, options: SummaryOptions): { early: () => Promise<PlatformSummary>; complete: Promise<PlatformSummary> } {
  const problems = found.problems.map((p) => ({ message: message(Messages.attestRegistryProblem, p) }));
  const attestations = found.found.filter((f) => f.kind !== 'signature');
  // What only the referrer repository lists is read from there.
  const sourceOf = (f: FoundManifest) => (kept && f.forms.every((form) => form === 'referrerRepository') ? kept : source);
  const read = readLayers(sourceOf, attestations, options);
  const signatures: SignatureSummary[] = [];
  for (const f of found.found) {
    if (f.kind === 'signature' || f.sigstoreBundle) signatures.push(signature(f, found.digest));
    for (const s of f.signatures) signatures.push(signature(s, f.digest));
  }
  const summary = (provenance: ReadProvenance, sboms: ReadSboms | undefined): PlatformSummary => ({
    platform: found.platform,
    digest: found.digest,
    forms: unique(found.found.flatMap((f) => f.forms)),
    predicateTypes: unique(attestations.flatMap((f) => f.layers.flatMap((l) => predicateTypeOf(l, f) ?? []))),
    ...(provenance.read && { provenance: provenance.read.model, provenanceSignature: provenance.read.statement.signature, provenanceForms: provenance.read.forms }),
    sboms: sboms?.documents ?? [],
    ...(sboms === undefined && read.sbomLayers.length > 0 && { sbomsPending: read.sbomLayers }),
    signatures,
    explanations: [],
    problems: [...problems, ...provenance.problems, ...(sboms?.problems ?? [])],
    ...(options.keepStatements && sboms && { statements: { ...(provenance.read && { provenance: statementJson(provenance.read.statement) }), sboms: sboms.statements } }),
  });
  return {
    early: () => read.provenance.then((provenance) => summary(provenance, undefined)),
    complete: Promise.all([read.provenance, read.sboms]).then(([provenance, sboms]) => summary(provenance, sboms)),
  };
}

interface ReadProvenance {
  read?: { model: Provenance; statement: InTotoStatement; forms: StorageForm[] };
  problems: SummaryProblem[];
}

interface ReadSboms {
  documents: SbomDocument[];
  /** The statements, for KeptStatements. */
  statements: unknown[];
  problems: SummaryProblem[];
}

/**
 * The provenance and SBOM layers of some attestation manifests, all fetched at once (the source bounds how many
 * at once) and read in layer order; everything else is left unfetched. The provenance is there as soon as its
 * own layer is read, the SBOMs once all of theirs are.
 */
function readLayers(sourceOf: (manifest: FoundManifest) => AttestationSource, manifests: FoundManifest[], options: SummaryOptions): { provenance: Promise<ReadProvenance>; sboms: Promise<ReadSboms>; sbomLayers: string[] } {
  const chosen: { layer: AttestationLayer; source: AttestationSource; forms: StorageForm[] }[] = [];
  const seen = new Set<string>();
  const tooMany: SummaryProblem[] = [];
  let provenanceChosen = false;
  for (const m of manifests) {
    for (const layer of m.layers) {
      const type = predicateTypeOf(layer, m);
      if (type === undefined || seen.has(layer.digest)) continue;
      // One provenance is shown; further ones are not fetched.
      if (PROVENANCE_TYPES.has(type) ? provenanceChosen : !SBOM_TYPES.has(type)) continue;
      if (seen.size === MAX_LAYERS_READ_PER_PLATFORM) {
        tooMany.push({ message: message(Messages.attestTooManyLayers, MAX_LAYERS_READ_PER_PLATFORM) });
        break;
      }
      seen.add(layer.digest);
      provenanceChosen ||= PROVENANCE_TYPES.has(type);
      chosen.push({ layer: { ...layer, predicateType: type }, source: sourceOf(m), forms: m.forms });
    }
  }
  const fetched = chosen.map(({ layer, source, forms }) => {
    const result = fetchStatement(source, layer, layer.predicateType!, options);
    // Only cancellation rejects; it is seen where the layer is awaited, in order: not an unhandled rejection before.
    result.catch(() => undefined);
    return { digest: layer.digest, forms, provenance: PROVENANCE_TYPES.has(layer.predicateType!), result };
  });
  const provenanceLayer = fetched.find((f) => f.provenance);
  const sbomLayers = fetched.filter((f) => !f.provenance);

  const provenance = (async (): Promise<ReadProvenance> => {
    const problems = [...tooMany];
    if (!provenanceLayer) return { problems };
    const { digest, forms } = provenanceLayer;
    const result = await provenanceLayer.result;
    if (!result.ok) return { problems: [...problems, { digest, message: result.problem }] };
    const read = readProvenance(result.statement.predicateType, result.statement.predicate);
    if (!read.ok) return { problems: [...problems, { digest, message: read.problem }] };
    return { read: { model: read.provenance, statement: result.statement, forms }, problems };
  })();

  const sboms = (async (): Promise<ReadSboms> => {
    const problems: SummaryProblem[] = [];
    const documents: { sbom: Sbom; statement: InTotoStatement; digest: string; forms: StorageForm[] }[] = [];
    // Read in layer order, each as soon as it and those before it are in.
    for (const { digest, forms, result: pending } of sbomLayers) {
      const result = await pending;
      if (!result.ok) {
        problems.push({ digest, message: result.problem, sbom: true });
        continue;
      }
      const statement = result.statement;
      const read = readSbom(statement.predicateType, statement.predicate);
      if (read.ok) documents.push({ sbom: read.sbom, statement, digest, forms });
      else problems.push({ digest, message: read.problem, sbom: true });
    }
    const scopes = sbomScopes(documents.map((d) => d.sbom));
    return {
      documents: documents.map((d, i) => ({ scope: scopes[i]!, scopeText: describeSbomScope(scopes[i]!), sbom: d.sbom, signature: d.statement.signature, digest: d.digest, forms: d.forms })),
      statements: options.keepStatements ? documents.map((d) => statementJson(d.statement)) : [],
      problems,
    };
  })();
  return { provenance, sboms, sbomLayers: sbomLayers.map((l) => l.digest) };
}

/** The statement as the in-toto JSON it was (or, for a bare predicate, would have been) written as. */
function statementJson(statement: InTotoStatement): unknown {
  return {
    _type: statement.statementType ?? IN_TOTO.statementV1,
    subject: statement.subject,
    predicateType: statement.predicateType,
    predicate: statement.predicate,
  };
}

/**
 * One layer fetched (bounded, verified by the source) and read as a statement; what fails is a problem. The
 * predicate type discovery found is passed on, so a bare predicate is read as what its manifest says it is.
 */
async function fetchStatement(source: AttestationSource, layer: AttestationLayer, type: string, options: SummaryOptions): Promise<StatementResult> {
  const maxBytes = options.maxLayerBytes ?? DEFAULT_STATEMENT_LIMITS.maxBytes;
  if (layer.size > maxBytes) return { ok: false, problem: message(Messages.attestTooLarge, layer.size, maxBytes) };
  const streamed = streaming(layer, type, options);
  let bytes: Uint8Array;
  try {
    bytes = await source.blob(layer.digest, { maxBytes, ...(options.signal && { signal: options.signal }), ...(streamed && { onChunk: streamed.onChunk }) });
  } catch (error) {
    if (options.signal?.aborted || RegistryError.is(error, 'cancelled')) throw error;
    return { ok: false, problem: message(Messages.attestRegistryProblem, error instanceof Error ? error.message : String(error)) };
  }
  return readStatement(bytes, { mediaType: layer.mediaType, annotations: { [IN_TOTO.predicateTypeAnnotation]: type } }, { ...DEFAULT_STATEMENT_LIMITS, maxBytes }, streamed?.list());
}

/**
 * When SummaryOptions.sbomPreview asks for it, an SBOM layer's package list read as its bytes arrive (PackageStream):
 * its first packages shown meanwhile, and the whole list, each element parsed in the turn its bytes came in, handed
 * to the statement reader, which then reads only the rest (a 75 MB SBOM is not read in one go of a second and more,
 * during which nothing else the extension host has to do can run).
 */
function streaming(layer: AttestationLayer, type: string, options: SummaryOptions): { onChunk: (chunk: Uint8Array, offset: number) => void; list: () => StreamedList | undefined } | undefined {
  const preview = options.sbomPreview;
  const format = type === PREDICATE_TYPES.spdx ? 'spdx' : type === PREDICATE_TYPES.cycloneDx ? 'cyclonedx' : undefined;
  if (!preview || !format) return undefined;
  const key = format === 'spdx' ? 'packages' : 'components';
  const stream = new PackageStream(key, Infinity, DEFAULT_STATEMENT_LIMITS.maxDepth);
  let packages: readonly SbomPackage[] = [];
  let read = 0;
  return {
    onChunk: (chunk, offset) => {
      stream.push(chunk, offset);
      // Read again only when more of the first rows are in (a retry starts from none).
      const first = Math.min(stream.first.length, preview.rows);
      if (first !== read) {
        read = first;
        packages = previewPackages(format, stream.first.slice(0, first));
      }
      preview.show(layer.digest, { packages, bytes: offset + chunk.length, size: layer.size });
    },
    list: () => (stream.finished && stream.span ? { key, ...stream.span, elements: stream.first } : undefined),
  };
}

/**
 * `cosign attach sbom` and `docker scout attestation add` on a multi-platform tag attach to the index. A
 * scanner reads one platform's files, so such an SBOM describes one platform at most; its statement's
 * subject may say which.
 */
async function readIndexLevel(
  source: AttestationSource,
  digest: string,
  entries: { digest: string; platform?: Platform }[],
  problems: SummaryProblem[],
  options: SummaryOptions,
  discovery: DiscoveryOptions,
): Promise<IndexLevel | undefined> {
  const found = await discoverIndexLevel(source, digest, discovery);
  problems.push(...found.problems.map((p) => ({ message: message(Messages.attestRegistryProblem, p) })));
  const layers = found.found
    .filter((f) => f.kind !== 'signature')
    .flatMap((m) => m.layers.flatMap((layer) => ({ layer, type: predicateTypeOf(layer, m), manifest: m })))
    .filter((l): l is { layer: AttestationLayer; type: string; manifest: FoundManifest } => l.type !== undefined && SBOM_TYPES.has(l.type));
  if (layers.length === 0) return undefined;
  const sourceOf = (m: FoundManifest) => (discovery.referrerSource && m.forms.every((f) => f === 'referrerRepository') ? discovery.referrerSource : source);
  const read = await Promise.all(layers.slice(0, MAX_LAYERS_READ_PER_PLATFORM).map(({ layer, type, manifest }) => fetchStatement(sourceOf(manifest), layer, type, options)));
  let describes: string | undefined;
  read.forEach((result, i) => {
    if (!result.ok) {
      problems.push({ digest: layers[i]!.layer.digest, message: result.problem });
      return;
    }
    const named = entries.find((e) => result.statement.subject.some((s) => `sha256:${s.digest['sha256']}` === e.digest));
    if (named?.platform) describes = formatPlatform(named.platform);
  });
  return { sboms: layers.length, ...(describes !== undefined && { describes }) };
}

/**
 * Why something is missing, in the user's words. With no attestation at all, what the image is tells the likely
 * cause apart: a single manifest (what the docker driver and --load leave), an index listing attestation
 * manifests the registry no longer has (dropped by a copy), or an index that lists none (turned off, or never
 * made by the tool that pushed it).
 */
function explain(p: PlatformSummary, found: PlatformAttestations, inIndex: boolean, indexLevel: IndexLevel | undefined, referrerRepository: ImageRef | undefined): Explanation[] {
  const explanations: Explanation[] = [];
  const attested = p.predicateTypes.length > 0;
  if (!attested && indexLevel === undefined) {
    const template = found.missing.length > 0 ? Messages.explainAttestationsDropped : inIndex ? Messages.explainNoAttestations : Messages.explainNoAttestationsSingle;
    explanations.push({ kind: 'noAttestations', message: message(template) });
    return explanations;
  }
  if (referrerRepository && p.forms.length > 0 && p.forms.every((f) => f === 'referrerRepository')) {
    explanations.push({ kind: 'keptElsewhere', message: message(Messages.explainKeptElsewhere, familiarName(referrerRepository, { withDigest: false })) });
  }
  if (p.provenance?.mode === 'min') explanations.push({ kind: 'provenanceMin', message: message(Messages.explainProvenanceMin) });
  if (!p.predicateTypes.some((t) => PROVENANCE_TYPES.has(t))) explanations.push({ kind: 'noProvenance', message: message(Messages.explainNoProvenance) });
  if (!p.predicateTypes.some((t) => SBOM_TYPES.has(t))) {
    if (indexLevel === undefined) explanations.push({ kind: 'noSbom', message: message(Messages.explainNoSbom) });
    else if (indexLevel.describes !== undefined && indexLevel.describes !== p.platform) {
      explanations.push({ kind: 'indexSbomOnePlatform', message: message(Messages.explainIndexSbomOtherPlatform, indexLevel.describes) });
    } else if (indexLevel.describes === undefined) {
      explanations.push({ kind: 'indexSbomOnePlatform', message: message(Messages.explainIndexSbomOnePlatform) });
    }
  }
  return explanations;
}

/** The layer's predicate type: its annotation, or for cosign's `.sbom` tags the document's media type. */
function predicateTypeOf(layer: AttestationLayer, manifest: FoundManifest): string | undefined {
  if (layer.predicateType !== undefined) return layer.predicateType;
  if (manifest.kind !== 'sbom') return undefined;
  return SBOM_MEDIA_TYPES.find(([pattern]) => pattern.test(layer.mediaType))?.[1];
}

function signature(f: FoundManifest, signs: string): SignatureSummary {
  return { digest: f.digest, ...(f.artifactType !== undefined && { artifactType: f.artifactType }), signs, forms: f.forms, verified: false };
}

function platformText(entry: { platform?: Platform }): string {
  return entry.platform ? formatPlatform(entry.platform) : '';
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
