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

import { message, Messages, type Message } from '../model/messages';
import { RegistryError } from '../registry/errors';
import { formatPlatform, platformEntries, type Platform, type ParsedManifest } from '../registry/manifest';
import type { ImageRef } from '../reference/imageReference';
import type { RegistryClient } from '../registry/client';
import { clientSource, discoverAttestations, discoverIndexLevel, type AttestationLayer, type AttestationSource, type FoundManifest, type PlatformAttestations, type StorageForm } from './discover';
import { readProvenance, type Provenance } from './provenance';
import { describeSbomScope, readSbom, sbomScopes, type Sbom, type SbomScope } from './sbom';
import { DEFAULT_STATEMENT_LIMITS, IN_TOTO, PREDICATE_TYPES, readStatement, type InTotoStatement } from './statement';

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
  /** Layers larger than this are not fetched. Default: what the statement reader accepts. */
  maxLayerBytes?: number;
  signal?: AbortSignal;
  // Stubs for the edge (att-edge), no behaviour here: the core helper's version of these fields replaces them.
  quick?: boolean;
  referrerRepository?: ImageRef;
  keepStatements?: boolean;
}

export interface SbomDocument {
  /** What this document describes among the platform's SBOMs (the final image, a scanned stage, …). */
  scope: SbomScope;
  scopeText: Message;
  sbom: Sbom;
  /** `unverified` when it came in a signed envelope: never presented as verified. */
  signature: InTotoStatement['signature'];
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
}

export interface Explanation {
  kind: 'noAttestations' | 'provenanceMin' | 'noProvenance' | 'noSbom' | 'indexSbomOnePlatform';
  message: Message;
}

export interface PlatformSummary {
  /** `linux/arm64/v8`; `''` for a single-platform image (its manifest does not say). */
  platform: string;
  digest: string;
  /** From the OCI annotations of the index, its descriptor or the manifest: no attestation needed. */
  annotatedSource?: { repository?: string; revision?: string };
  forms: StorageForm[];
  predicateTypes: string[];
  /** The first SLSA provenance statement, as one model for v0.2 and v1. */
  provenance?: Provenance;
  /** Every SPDX and CycloneDX statement, in layer order, each labelled with what it describes. */
  sboms: SbomDocument[];
  signatures: SignatureSummary[];
  explanations: Explanation[];
  /** What could not be asked or read; what was found stands. */
  problems: SummaryProblem[];
  /** Stub for the edge (att-edge): the decoded in-toto statements, with `keepStatements`. */
  statements?: { provenance?: unknown; sboms: unknown[] };
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
  /** Stub for the edge (att-edge): set by a `quick` read. */
  quick?: true;
}

export interface IndexLevel {
  sboms: number;
  describes?: string;
}

/**
 * The attestations of an image (`top`: what its reference points to, an index or a single manifest), per
 * platform. Registry failures become problems; only cancellation throws.
 */
export async function summarizeAttestations(source: AttestationSource, top: { digest: string; manifest: ParsedManifest }, options: SummaryOptions = {}): Promise<ImageSummary> {
  const { signal } = options;
  const index = top.manifest.kind === 'index' ? top.manifest : undefined;
  const entries = index ? platformEntries(index) : [];
  const chosen = index && options.platform !== undefined ? entries.filter((e) => e.platform && matchesPlatform(e.platform, options.platform!)) : entries;
  if (index && chosen.length === 0) return { digest: top.digest, availablePlatforms: entries.map(platformText), platforms: [], problems: [] };

  // Discovery of the chosen platforms only: the index keeps its attestation entries, loses the other platforms.
  const narrowed = index ? { ...top, manifest: { ...index, manifests: index.manifests.filter((m) => !entries.includes(m) || chosen.includes(m)) } } : top;
  const discovered = await discoverAttestations(source, narrowed, signal);
  const problems: SummaryProblem[] = [];
  const indexLevel = index && entries.length > 1 ? await readIndexLevel(source, top.digest, entries, problems, options) : undefined;

  const platforms: PlatformSummary[] = [];
  for (const found of discovered) {
    const descriptor = entries.find((e) => e.digest === found.digest);
    const annotations = { ...top.manifest.annotations, ...descriptor?.annotations };
    const summary = await summarizePlatform(source, found, options);
    const annotatedSource = withoutUndefined({ repository: annotations[SOURCE_ANNOTATIONS.source], revision: annotations[SOURCE_ANNOTATIONS.revision] });
    if (annotatedSource.repository !== undefined || annotatedSource.revision !== undefined) summary.annotatedSource = annotatedSource;
    summary.explanations = explain(summary, index !== undefined, indexLevel);
    platforms.push(summary);
  }
  return { digest: top.digest, availablePlatforms: entries.map(platformText), platforms, ...(indexLevel && { indexLevel }), problems };
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

async function summarizePlatform(source: AttestationSource, found: PlatformAttestations, options: SummaryOptions): Promise<PlatformSummary> {
  const problems = found.problems.map((p) => ({ message: message(Messages.attestRegistryProblem, p) }));
  const attestations = found.found.filter((f) => f.kind !== 'signature');
  const read = await readLayers(source, attestations, problems, options);
  const signatures: SignatureSummary[] = [];
  for (const f of found.found) {
    if (f.kind === 'signature') signatures.push(signature(f, found.digest));
    for (const s of f.signatures) signatures.push(signature(s, f.digest));
  }
  return {
    platform: found.platform,
    digest: found.digest,
    forms: unique(found.found.flatMap((f) => f.forms)),
    predicateTypes: unique(attestations.flatMap((f) => f.layers.flatMap((l) => predicateTypeOf(l, f) ?? []))),
    ...(read.provenance && { provenance: read.provenance }),
    sboms: read.sboms,
    signatures,
    explanations: [],
    problems,
  };
}

/** The provenance and SBOM layers of some attestation manifests, read in order; everything else is left unfetched. */
async function readLayers(
  source: AttestationSource,
  manifests: FoundManifest[],
  problems: SummaryProblem[],
  options: SummaryOptions,
): Promise<{ provenance?: Provenance; sboms: SbomDocument[] }> {
  const wanted = manifests.flatMap((m) =>
    m.layers.flatMap((layer) => {
      const type = predicateTypeOf(layer, m);
      return type !== undefined && (PROVENANCE_TYPES.has(type) || SBOM_TYPES.has(type)) ? [{ layer, type }] : [];
    }),
  );
  let provenance: Provenance | undefined;
  const documents: { sbom: Sbom; signature: InTotoStatement['signature'] }[] = [];
  const seen = new Set<string>();
  for (const { layer, type } of wanted) {
    if (seen.has(layer.digest)) continue;
    // One provenance is shown; further ones are not fetched.
    if (PROVENANCE_TYPES.has(type) && provenance !== undefined) continue;
    if (seen.size === MAX_LAYERS_READ_PER_PLATFORM) {
      problems.push({ message: message(Messages.attestTooManyLayers, MAX_LAYERS_READ_PER_PLATFORM) });
      break;
    }
    seen.add(layer.digest);
    const statement = await fetchStatement(source, layer, type, problems, options);
    if (statement === undefined) continue;
    const { predicateType, predicate, signature } = statement;
    if (PROVENANCE_TYPES.has(predicateType)) {
      const result = readProvenance(predicateType, predicate);
      if (result.ok) provenance = result.provenance;
      else problems.push({ digest: layer.digest, message: result.problem });
    } else if (SBOM_TYPES.has(predicateType)) {
      const result = readSbom(predicateType, predicate);
      if (result.ok) documents.push({ sbom: result.sbom, signature });
      else problems.push({ digest: layer.digest, message: result.problem });
    }
  }
  const scopes = sbomScopes(documents.map((d) => d.sbom));
  const sboms = documents.map((d, i) => ({ scope: scopes[i]!, scopeText: describeSbomScope(scopes[i]!), sbom: d.sbom, signature: d.signature }));
  return { ...(provenance && { provenance }), sboms };
}

/**
 * One layer fetched (bounded, verified by the source) and read as a statement; what fails is a problem. The
 * predicate type discovery found is passed on, so a bare predicate is read as what its manifest says it is.
 */
async function fetchStatement(source: AttestationSource, layer: AttestationLayer, type: string, problems: SummaryProblem[], options: SummaryOptions): Promise<InTotoStatement | undefined> {
  const maxBytes = options.maxLayerBytes ?? DEFAULT_STATEMENT_LIMITS.maxBytes;
  if (layer.size > maxBytes) {
    problems.push({ digest: layer.digest, message: message(Messages.attestTooLarge, layer.size, maxBytes) });
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    bytes = await source.blob(layer.digest, { maxBytes, ...(options.signal && { signal: options.signal }) });
  } catch (error) {
    if (options.signal?.aborted || RegistryError.is(error, 'cancelled')) throw error;
    problems.push({ digest: layer.digest, message: message(Messages.attestRegistryProblem, error instanceof Error ? error.message : String(error)) });
    return undefined;
  }
  const read = readStatement(bytes, { mediaType: layer.mediaType, annotations: { [IN_TOTO.predicateTypeAnnotation]: type } }, { ...DEFAULT_STATEMENT_LIMITS, maxBytes });
  if (read.ok) return read.statement;
  problems.push({ digest: layer.digest, message: read.problem });
  return undefined;
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
): Promise<IndexLevel | undefined> {
  const found = await discoverIndexLevel(source, digest, options.signal);
  problems.push(...found.problems.map((p) => ({ message: message(Messages.attestRegistryProblem, p) })));
  const layers = found.found
    .filter((f) => f.kind !== 'signature')
    .flatMap((m) => m.layers.flatMap((layer) => ({ layer, type: predicateTypeOf(layer, m) })))
    .filter((l): l is { layer: AttestationLayer; type: string } => l.type !== undefined && SBOM_TYPES.has(l.type));
  if (layers.length === 0) return undefined;
  let describes: string | undefined;
  for (const { layer, type } of layers.slice(0, MAX_LAYERS_READ_PER_PLATFORM)) {
    const statement = await fetchStatement(source, layer, type, problems, options);
    const named = entries.find((e) => statement?.subject.some((s) => `sha256:${s.digest['sha256']}` === e.digest));
    if (named?.platform) describes = formatPlatform(named.platform);
  }
  return { sboms: layers.length, ...(describes !== undefined && { describes }) };
}

function explain(p: PlatformSummary, inIndex: boolean, indexLevel: IndexLevel | undefined): Explanation[] {
  const explanations: Explanation[] = [];
  const attested = p.predicateTypes.length > 0;
  if (!attested && indexLevel === undefined) {
    explanations.push({ kind: 'noAttestations', message: message(inIndex ? Messages.explainNoAttestations : Messages.explainNoAttestationsSingle) });
    return explanations;
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
