// SLSA provenance v0.2 and v1 → one model. Pure: no I/O, no vscode.
//
// The mapping follows docker/buildx policy/provenance.go (parseSLSA1Provenance, parseSLSA02Provenance,
// extractBuildArgs) onto the fields of moby/buildkit solver/llbsolver/provenance/types/types.go
// (ProvenancePredicateSLSA1 / SLSA02, whose ConvertToSLSA02 / ConvertToSLSA1 pair the fields of the two
// versions). The mode comes from what solver/llbsolver/provenance.go (NewProvenanceCreator) writes for
// each: `min` runs scrubMinRequest; only `max` runs AddBuildConfig (build steps, Dockerfile source) and
// records the layer map.

import { PackageURL } from 'packageurl-js';
import { message, Messages, type Message } from '../model/messages';
import { isDockerHub } from '../reference/imageReference';
import { arrayField, booleanField, isObject, objectField, setOwn, stringField, stringMap, type JsonObject } from './jsonFields';
import { PREDICATE_TYPES } from './statement';

/** moby/buildkit solver/llbsolver/provenance/types/types.go: BuildKitBuildType1, BuildKitBuildType02. */
export const BUILDKIT_BUILD_TYPES = {
  v1: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
  v02: 'https://mobyproject.org/buildkit@v1',
} as const;

/** actions/toolkit packages/attest/src/provenance.ts: GITHUB_BUILD_TYPE. */
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

/** Images BuildKit pulls that are tools of the build, not part of the image (see materialRole). */
const DOCKERFILE_FRONTENDS: ReadonlySet<string> = new Set(['docker/dockerfile', 'docker/dockerfile-upstream']);
/** moby/buildkit frontend/attestations/parse.go: defaultSBOMGenerator. */
const SBOM_SCANNERS: ReadonlySet<string> = new Set(['docker/buildkit-syft-scanner']);

export type ProvenanceMode = 'min' | 'max';

export interface Provenance {
  predicateType: string;
  slsaVersion: 'v0.2' | 'v1';
  buildType?: string;
  builderId?: string;
  invocationId?: string;
  /** RFC 3339, as written. */
  startedOn?: string;
  finishedOn?: string;
  /** v1 `externalParameters.configSource`; v0.2 `invocation.configSource` (its `entryPoint` is `path`). */
  configSource?: { uri?: string; digest: Record<string, string>; path?: string };
  /** Where the source came from and at which commit, from the most trustworthy field that says (see sourceOf). */
  source?: SourceRevision;
  /** `dockerfile.v0`, or `gateway.v0` when a `# syntax` image (`frontendImage`) built it. */
  frontend?: string;
  /** The request's `source`: the frontend image a `# syntax` line or BUILDKIT_SYNTAX named. */
  frontendImage?: string;
  /** `build-arg:*` with the prefix stripped. */
  buildArgs: Record<string, string>;
  /** `label:*` with the prefix stripped. */
  labels: Record<string, string>;
  /** Every other request argument (`target`, `cmdline`, `source`, `context:*`, …). */
  otherArgs: Record<string, string>;
  secrets: { id: string; optional: boolean }[];
  ssh: { id: string; optional: boolean }[];
  locals: string[];
  builderPlatform?: string;
  dockerfileVersion?: string;
  reproducible?: boolean;
  hermetic?: boolean;
  /** v0.2 `metadata.completeness`; v1 BuildKit `buildkit_completeness` (request → parameters, resolvedDependencies → materials). */
  completeness: { parameters?: boolean; environment?: boolean; materials?: boolean };
  materials: Material[];
  /** BuildKit builds only: which of its two modes wrote this (BuildKit does not record it; see provenanceMode). */
  mode?: ProvenanceMode;
  /** What only `mode=max` records. */
  maxDetails?: { buildSteps: number; layerMaps: number; sourceFiles: string[] };
  /**
   * Internal parameters beyond the known ones, kept as written: CI builds put dozens of `github_*` keys
   * here (docker/buildx util/ghutil/ghutil.go), the whole event payload among them.
   */
  internalParameters: Record<string, unknown>;
  warnings: Message[];
}

export interface SourceRevision {
  repository: string;
  revision?: string;
  /**
   * `configSource`: BuildKit resolved the Git context itself. `vcs`: the client's `vcs:source` /
   * `vcs:revision` hint, which BuildKit does not check (docs/attestations/slsa-definitions.md). `workflow`:
   * the GitHub workflow's repository and commit.
   */
  from: 'configSource' | 'vcs' | 'workflow';
}

export interface Material {
  uri: string;
  digest: Record<string, string>;
  kind: 'image' | 'imageBlob' | 'git' | 'http' | 'other';
  /** Images that ran the build rather than went into it: never a base image. */
  role?: 'frontend' | 'sbomScanner';
  /** For images: the reference as BuildKit's util/purl PURLToRef rebuilds it from the purl. */
  image?: { name: string; tag?: string; digest?: string; platform?: string };
}

export type ProvenanceResult = { ok: true; provenance: Provenance } | { ok: false; problem: Message };

export function readProvenance(predicateType: string, predicate: unknown): ProvenanceResult {
  const slsaVersion = predicateType === PREDICATE_TYPES.slsaProvenanceV1 ? 'v1' : predicateType === PREDICATE_TYPES.slsaProvenanceV02 ? 'v0.2' : undefined;
  if (slsaVersion === undefined) return { ok: false, problem: message(Messages.provenanceNotSlsa, predicateType) };
  if (!isObject(predicate)) return { ok: false, problem: message(Messages.provenanceNotObject) };
  return { ok: true, provenance: slsaVersion === 'v1' ? fromSlsa1(predicate) : fromSlsa02(predicate) };
}

function fromSlsa1(predicate: JsonObject): Provenance {
  const definition = objectField(predicate, 'buildDefinition');
  const external = objectField(definition, 'externalParameters');
  const internal = objectField(definition, 'internalParameters');
  const run = objectField(predicate, 'runDetails');
  const metadata = objectField(run, 'metadata');
  const buildType = stringField(definition, 'buildType');
  const buildkit = buildType === BUILDKIT_BUILD_TYPES.v1;
  const completeness = objectField(metadata, 'buildkit_completeness');
  const source = objectField(external, 'configSource');
  return assemble({
    predicateType: PREDICATE_TYPES.slsaProvenanceV1,
    slsaVersion: 'v1',
    buildType,
    builderId: stringField(objectField(run, 'builder'), 'id'),
    invocationId: stringField(metadata, 'invocationId'),
    startedOn: stringField(metadata, 'startedOn'),
    finishedOn: stringField(metadata, 'finishedOn'),
    configSource: source && { uri: stringField(source, 'uri'), digest: stringMap(source['digest']), path: stringField(source, 'path') },
    request: objectField(external, 'request'),
    materials: arrayField(definition, 'resolvedDependencies'),
    builderPlatform: stringField(internal, 'builderPlatform'),
    dockerfileVersion: stringField(internal, 'dockerfileVersion'),
    buildConfig: objectField(internal, 'buildConfig'),
    buildkitMetadata: objectField(metadata, 'buildkit_metadata'),
    // BuildKit writes these with omitempty: absent is false in its provenance, unknown in others'.
    reproducible: booleanField(metadata, 'buildkit_reproducible') ?? (buildkit && metadata ? false : undefined),
    hermetic: booleanField(metadata, 'buildkit_hermetic') ?? (buildkit && metadata ? false : undefined),
    completeness: completeness ? { parameters: booleanField(completeness, 'request'), materials: booleanField(completeness, 'resolvedDependencies') } : {},
    internal: withoutKeys(internal, ['buildConfig', 'builderPlatform', 'dockerfileVersion']),
    workflow: buildType === GITHUB_WORKFLOW_BUILD_TYPE ? objectField(external, 'workflow') : undefined,
  });
}

function fromSlsa02(predicate: JsonObject): Provenance {
  const invocation = objectField(predicate, 'invocation');
  const environment = objectField(invocation, 'environment');
  const metadata = objectField(predicate, 'metadata');
  const completeness = objectField(metadata, 'completeness');
  const source = objectField(invocation, 'configSource');
  const buildType = stringField(predicate, 'buildType');
  const buildkit = buildType === BUILDKIT_BUILD_TYPES.v02;
  return assemble({
    predicateType: PREDICATE_TYPES.slsaProvenanceV02,
    slsaVersion: 'v0.2',
    buildType,
    builderId: stringField(objectField(predicate, 'builder'), 'id'),
    invocationId: stringField(metadata, 'buildInvocationID'),
    startedOn: stringField(metadata, 'buildStartedOn'),
    finishedOn: stringField(metadata, 'buildFinishedOn'),
    configSource: source && { uri: stringField(source, 'uri'), digest: stringMap(source['digest']), path: stringField(source, 'entryPoint') },
    request: objectField(invocation, 'parameters'),
    materials: arrayField(predicate, 'materials'),
    builderPlatform: stringField(environment, 'platform'),
    dockerfileVersion: stringField(environment, 'dockerfileVersion'),
    buildConfig: objectField(predicate, 'buildConfig'),
    buildkitMetadata: objectField(metadata, 'https://mobyproject.org/buildkit@v1#metadata'),
    reproducible: booleanField(metadata, 'reproducible'),
    hermetic: booleanField(metadata, 'https://mobyproject.org/buildkit@v1#hermetic') ?? (buildkit && metadata ? false : undefined),
    completeness: completeness
      ? { parameters: booleanField(completeness, 'parameters'), environment: booleanField(completeness, 'environment'), materials: booleanField(completeness, 'materials') }
      : {},
    internal: withoutKeys(environment, ['platform', 'dockerfileVersion']),
    workflow: undefined,
  });
}

interface Fields {
  predicateType: string;
  slsaVersion: 'v0.2' | 'v1';
  buildType: string | undefined;
  builderId: string | undefined;
  invocationId: string | undefined;
  startedOn: string | undefined;
  finishedOn: string | undefined;
  configSource: Provenance['configSource'];
  request: JsonObject | undefined;
  materials: unknown[];
  builderPlatform: string | undefined;
  dockerfileVersion: string | undefined;
  buildConfig: JsonObject | undefined;
  buildkitMetadata: JsonObject | undefined;
  reproducible: boolean | undefined;
  hermetic: boolean | undefined;
  completeness: Provenance['completeness'];
  internal: Record<string, unknown>;
  workflow: JsonObject | undefined;
}

function assemble(f: Fields): Provenance {
  const warnings: Message[] = [];
  const args = stringMap(f.request?.['args']);
  const buildArgs: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const otherArgs: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key.startsWith('build-arg:') && key.length > 'build-arg:'.length) setOwn(buildArgs, key.slice('build-arg:'.length), value);
    else if (key.startsWith('label:') && key.length > 'label:'.length) setOwn(labels, key.slice('label:'.length), value);
    else setOwn(otherArgs, key, value);
  }
  const frontendImage = args['source'];
  const secrets = mountIds(f.request?.['secrets']);
  const ssh = mountIds(f.request?.['ssh']);
  const materials = readMaterials(f.materials, frontendImage, warnings);
  const buildkit = f.buildType === BUILDKIT_BUILD_TYPES.v1 || f.buildType === BUILDKIT_BUILD_TYPES.v02;
  const maxDetails = buildkit ? maxModeDetails(f.buildConfig, f.buildkitMetadata) : undefined;
  const vcs = stringMap(f.buildkitMetadata?.['vcs']);

  const provenance: Provenance = {
    predicateType: f.predicateType,
    slsaVersion: f.slsaVersion,
    buildArgs,
    labels,
    otherArgs,
    secrets,
    ssh,
    locals: arrayField(f.request, 'locals').flatMap((l) => (isObject(l) && stringField(l, 'name') !== undefined ? [stringField(l, 'name')!] : [])),
    completeness: withoutUndefined(f.completeness),
    materials,
    internalParameters: f.internal,
    warnings,
  };
  const optional: Partial<Provenance> = {
    buildType: f.buildType,
    builderId: f.builderId,
    invocationId: f.invocationId,
    startedOn: f.startedOn,
    finishedOn: f.finishedOn,
    configSource: f.configSource && (withoutUndefined(f.configSource) as Provenance['configSource']),
    source: sourceOf(f.configSource, vcs, f.workflow, materials),
    frontend: stringField(f.request, 'frontend'),
    frontendImage,
    builderPlatform: f.builderPlatform,
    dockerfileVersion: f.dockerfileVersion,
    reproducible: f.reproducible,
    hermetic: f.hermetic,
    mode: buildkit ? provenanceMode(maxDetails, secrets.length + ssh.length, Object.keys(buildArgs).length + Object.keys(labels).length) : undefined,
    maxDetails: maxDetails && (maxDetails.buildSteps > 0 || maxDetails.layerMaps > 0 || maxDetails.sourceFiles.length > 0) ? maxDetails : undefined,
  };
  return Object.assign(provenance, withoutUndefined(optional));
}

/**
 * BuildKit does not write its mode down; what each mode leaves tells them apart. Only `max` records
 * build steps, the Dockerfile source and the layer map, and only `max` keeps build args, labels,
 * secrets and ssh (scrubMinRequest removes them). A `max` build always has build steps.
 */
function provenanceMode(max: Provenance['maxDetails'], mounts: number, argsAndLabels: number): ProvenanceMode {
  const recorded = max !== undefined && (max.buildSteps > 0 || max.layerMaps > 0 || max.sourceFiles.length > 0);
  return recorded || mounts > 0 || argsAndLabels > 0 ? 'max' : 'min';
}

function maxModeDetails(buildConfig: JsonObject | undefined, metadata: JsonObject | undefined): Provenance['maxDetails'] {
  const source = objectField(metadata, 'source');
  return {
    buildSteps: arrayField(buildConfig, 'llbDefinition').length,
    layerMaps: Object.keys(objectField(metadata, 'layers') ?? {}).length,
    sourceFiles: arrayField(source, 'infos').flatMap((info) => (isObject(info) && stringField(info, 'filename') ? [stringField(info, 'filename')!] : [])),
  };
}

/**
 * The most trustworthy statement of where the source came from: a Git context BuildKit resolved itself
 * (its commit is the config source's digest), else the GitHub workflow's checkout, else the client's
 * unverified `vcs:*` hint.
 */
function sourceOf(
  configSource: Provenance['configSource'],
  vcs: Record<string, string>,
  workflow: JsonObject | undefined,
  materials: Material[],
): SourceRevision | undefined {
  const commit = configSource?.digest['sha1'] ?? configSource?.digest['sha256'];
  if (configSource?.uri && commit) return { repository: configSource.uri.replace(/#.*$/, ''), revision: commit, from: 'configSource' };
  const repository = stringField(workflow, 'repository');
  if (repository) {
    // actions/toolkit packages/attest/src/provenance.ts: the one resolved dependency is the commit it ran on.
    const checkout = materials.find((m) => m.digest['gitCommit'] !== undefined);
    return withoutUndefined({ repository, revision: checkout?.digest['gitCommit'], from: 'workflow' as const });
  }
  if (vcs['source']) return withoutUndefined({ repository: vcs['source'], revision: vcs['revision'], from: 'vcs' as const });
  return undefined;
}

function readMaterials(entries: unknown[], frontendImage: string | undefined, warnings: Message[]): Material[] {
  const frontendName = frontendImage === undefined ? undefined : familiarName(frontendImage);
  const materials: Material[] = [];
  let unreadable = 0;
  for (const entry of entries) {
    const uri = isObject(entry) ? stringField(entry, 'uri') : undefined;
    if (uri === undefined || !isObject(entry)) {
      unreadable++;
      continue;
    }
    materials.push(material(uri, stringMap(entry['digest']), frontendName));
  }
  if (unreadable > 0) warnings.push(message(Messages.provenanceBadMaterials, unreadable));
  return materials;
}

function material(uri: string, digest: Record<string, string>, frontendName: string | undefined): Material {
  if (uri.startsWith('pkg:')) {
    let purl: PackageURL | undefined;
    try {
      purl = PackageURL.fromString(uri);
    } catch {
      purl = undefined;
    }
    // moby/buildkit solver/llbsolver/provenance/predicate.go slsaMaterials: docker (registry) and oci (local layout) purls.
    if (purl && (purl.type === 'docker' || purl.type === 'oci')) {
      const name = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
      const qualifiers = purl.qualifiers ?? {};
      const image = withoutUndefined({
        name,
        tag: purl.version,
        digest: qualifiers['digest'] ?? (digest['sha256'] ? `sha256:${digest['sha256']}` : undefined),
        platform: qualifiers['platform'],
      });
      const role = name === frontendName || DOCKERFILE_FRONTENDS.has(name) ? 'frontend' : SBOM_SCANNERS.has(name) ? 'sbomScanner' : undefined;
      const kind = qualifiers['ref_type'] === undefined ? 'image' : 'imageBlob';
      return withoutUndefined({ uri, digest, kind, role, image });
    }
    return { uri, digest, kind: 'other' };
  }
  if (uri.startsWith('git+') || digest['sha1'] !== undefined || digest['gitCommit'] !== undefined) return { uri, digest, kind: 'git' };
  if (/^https?:\/\//.test(uri)) return { uri, digest, kind: 'http' };
  return { uri, digest, kind: 'other' };
}

/**
 * BuildKit's util/purl RefToPURL writes an image as its familiar name (distribution/reference
 * FamiliarName: `docker.io/library/` and `docker.io/` dropped); the request's `source` is as typed.
 */
function familiarName(reference: string): string {
  let name = reference.replace(/@.*$/, '');
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) name = name.slice(0, colon);
  const firstSlash = name.indexOf('/');
  if (firstSlash > 0 && isDockerHub(name.slice(0, firstSlash))) name = name.slice(firstSlash + 1);
  return name.replace(/^library\/(?=[^/]+$)/, '');
}

function mountIds(value: unknown): { id: string; optional: boolean }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((m) => (isObject(m) && typeof m['id'] === 'string' ? [{ id: m['id'], optional: m['optional'] === true }] : []));
}

function withoutKeys(object: JsonObject | undefined, keys: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object ?? {})) if (!keys.includes(key)) setOwn(result, key, value);
  return result;
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}
