// The attestations the demo registry's images carry, in the shapes the tools that write them write (values are
// invented; digests of materials the demo registry does not serve are sha256 of short labels):
// - Provenance as BuildKit writes it: moby/buildkit solver/llbsolver/provenance/predicate.go (NewPredicate: the
//   request, locals, `vcs:*` args moved into buildkit_metadata.vcs, completeness.resolvedDependencies false with a
//   local context, hermetic only without network and local sources), solver/llbsolver/provenance.go
//   (NewProvenanceCreator: `max` adds buildConfig and the layer map, `min` runs scrubMinRequest, which drops
//   `build-arg:*` / `label:*`, secrets and ssh and sets completeness.request false when it dropped an argument),
//   solver/llbsolver/provenance/types/types.go (ProvenancePredicateSLSA1, and ConvertToSLSA02 for v0.2:
//   `environment.platform`, completeness.environment true, `https://mobyproject.org/buildkit@v1#metadata`,
//   `#hermetic` and `buildkit_hermetic` / `buildkit_reproducible` omitted when false); docs/attestations/
//   slsa-definitions.md. Materials: util/purl RefToPURL (`pkg:docker/<familiar name>@<tag>?platform=…`, arm64/v8
//   normalized to arm64); the `# syntax` frontend and the SBOM scanner resolved for the builder's platform.
// - mode=min: docker/buildx build/opt.go sets `attest:provenance=mode=min,inline-only=true` unless told otherwise.
// - SBOMs as docker/buildkit-syft-scanner writes them: SPDX 2.3 from syft (Anchore creators, a DocumentRoot
//   directory package, purl and cpe external refs), the final image first and each extra scan named
//   `sbom-<stage>` (moby/buildkit frontend/attestations/sbom/sbom.go, exporter/attestation/unbundle.go), files of
//   the final image commented `layerID: <digest>` (exporter/containerimage/attestations.go, supplementSBOM).
// - CycloneDX 1.6 JSON (cyclonedx.org bom-1.6.schema.json), as a custom `--sbom=generator=…` image may write it.
// - in-toto statements v1 (moby/buildkit exporter/attestation/make.go, makeInTotoStatement).

import { createHash } from 'node:crypto';
import { sha256Digest } from '../registry/harness/digest';
import { PredicateTypes, StatementTypes, type StatementContent } from '../registry/harness/imageContent';

/** The repository the demo images claim to be built from, by GitHub Actions (docker/build-push-action). */
export const DEMO_SOURCE = 'https://github.com/acme/base-images';

/** A Git commit id made of a label: 40 hex digits. */
export function commitOf(label: string): string {
  return sha256Digest(`commit ${label}`).slice('sha256:'.length, 'sha256:'.length + 40);
}

/** What the builds of one image have in common, per platform. */
export interface DemoBuild {
  /** `nginx/1.27/alpine`: the folder of DEMO_SOURCE the image is built from. */
  readonly folder: string;
  /** The workflow run that built it (builder id and invocation). */
  readonly runId: number;
  /** RFC 3339, when the build started; it finished 90 s later. */
  readonly startedOn: string;
  /** The `# syntax` frontend, and its digest for the builder's platform (linux/amd64). */
  readonly frontend: { readonly ref: string; readonly digest: string };
  /** The base image as its Dockerfile names it (`alpine:3.20`), and its digest per target platform; none for `FROM scratch`. */
  readonly base?: { readonly ref: string; readonly digests: Readonly<Record<string, string>> };
  /** `build-arg:*` and `label:*` the build was given: kept by mode=max, dropped by mode=min. */
  readonly args: Readonly<Record<string, string>>;
  /** The commit it was built from, when not the folder's usual one (commitOf(folder)). */
  readonly revision?: string;
}

/** The platform as BuildKit's RefToPURL writes it: containerd's Normalize drops arm64's default variant v8. */
function purlPlatform(platform: string): string {
  return encodeURIComponent(platform.replace(/^linux\/arm64\/v8$/, 'linux/arm64'));
}

/** `docker/dockerfile:1.10` → `pkg:docker/docker/dockerfile@1.10?platform=…` (util/purl RefToPURL). */
function imagePurl(ref: string, platform: string): string {
  const [name, tag] = ref.split(':');
  return `pkg:docker/${name}@${tag}?platform=${purlPlatform(platform)}`;
}

const hex = (digest: string): { sha256: string } => ({ sha256: digest.slice('sha256:'.length) });
const BUILDER_PLATFORM = 'linux/amd64';
/** moby/buildkit frontend/attestations/parse.go: defaultSBOMGenerator. */
const SBOM_SCANNER = 'docker/buildkit-syft-scanner:stable-1';

function timesOf(build: DemoBuild): { startedOn: string; finishedOn: string } {
  return { startedOn: build.startedOn, finishedOn: new Date(Date.parse(build.startedOn) + 90_000).toISOString().replace('.000Z', 'Z') };
}

/** BuildKit's job id: 25 lowercase letters and digits. */
function invocationId(build: DemoBuild, platform: string): string {
  return BigInt(sha256Digest(`${build.runId} ${platform}`).replace('sha256:', '0x')).toString(36).slice(0, 25);
}

/** docker/build-push-action passes the workflow run's URL as BuildKit's `builder-id`. */
function builderId(build: DemoBuild): string {
  return `${DEMO_SOURCE}/actions/runs/${build.runId}/attempts/1`;
}

/** What buildx sends as `vcs:source` / `vcs:revision` (build/git.go), which NewPredicate moves into the metadata. */
function vcsOf(build: DemoBuild): Record<string, string> {
  return { source: DEMO_SOURCE, revision: build.revision ?? commitOf(build.folder), 'localdir:context': build.folder, 'localdir:dockerfile': build.folder };
}

function materials(build: DemoBuild, platform: string, withScanner: boolean): { uri: string; digest: { sha256: string } }[] {
  return [
    { uri: imagePurl(build.frontend.ref, BUILDER_PLATFORM), digest: hex(build.frontend.digest) },
    ...(build.base ? [{ uri: imagePurl(build.base.ref, platform), digest: hex(build.base.digests[platform]!) }] : []),
    ...(withScanner ? [{ uri: imagePurl(SBOM_SCANNER, BUILDER_PLATFORM), digest: hex(sha256Digest(SBOM_SCANNER)) }] : []),
  ];
}

/** The request a `# syntax=` build sends: the gateway frontend running the image the directive names. */
function request(build: DemoBuild, mode: 'min' | 'max'): Record<string, unknown> {
  const kept = mode === 'max' ? build.args : {};
  return {
    frontend: 'gateway.v0',
    args: { ...kept, cmdline: build.frontend.ref, source: build.frontend.ref },
    locals: [{ name: 'context' }, { name: 'dockerfile' }],
  };
}

/** SLSA v0.2, mode=min, as a buildx build without `--provenance` writes it. */
export function slsa02Min(build: DemoBuild, platform: string, withScanner: boolean): StatementContent {
  const { startedOn, finishedOn } = timesOf(build);
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.slsaProvenance02,
    predicate: {
      builder: { id: builderId(build) },
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: materials(build, platform, withScanner),
      invocation: {
        configSource: { entryPoint: 'Dockerfile' },
        parameters: request(build, 'min'),
        environment: { platform: BUILDER_PLATFORM },
      },
      metadata: {
        buildInvocationID: invocationId(build, platform),
        buildStartedOn: startedOn,
        buildFinishedOn: finishedOn,
        // scrubMinRequest dropped build args or labels; a local context leaves the materials incomplete.
        completeness: { parameters: Object.keys(build.args).length === 0, environment: true, materials: false },
        reproducible: false,
        'https://mobyproject.org/buildkit@v1#metadata': { vcs: vcsOf(build) },
      },
    },
  };
}

/** SLSA v1, mode=min. */
export function slsa1Min(build: DemoBuild, platform: string, withScanner: boolean): StatementContent {
  const { startedOn, finishedOn } = timesOf(build);
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.slsaProvenance1,
    predicate: {
      buildDefinition: {
        buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        externalParameters: { configSource: { path: 'Dockerfile' }, request: request(build, 'min') },
        internalParameters: { builderPlatform: BUILDER_PLATFORM },
        resolvedDependencies: materials(build, platform, withScanner),
      },
      runDetails: {
        builder: { id: builderId(build) },
        metadata: {
          invocationId: invocationId(build, platform),
          startedOn,
          finishedOn,
          buildkit_metadata: { vcs: vcsOf(build) },
          buildkit_completeness: { request: Object.keys(build.args).length === 0, resolvedDependencies: false },
        },
      },
    },
  };
}

/** One build step of `buildConfig.llbDefinition`: a pb.Op as BuildKit marshals it. */
interface Step {
  id: string;
  op: unknown;
  inputs?: string[];
}

/**
 * SLSA v1, mode=max, from a GitHub Actions workflow: the request with its build args and labels, the build steps
 * (buildConfig), the Dockerfile source and the layer map, and the `github_*` environment buildx records.
 */
export function slsa1Max(build: DemoBuild & { base: NonNullable<DemoBuild['base']> }, platform: string, dockerfile: string, steps: readonly string[]): StatementContent {
  const { startedOn, finishedOn } = timesOf(build);
  const [os, architecture, variant] = platform.split('/');
  const target = { OS: os, Architecture: architecture, ...(variant && variant !== 'v8' ? { Variant: variant } : {}) };
  const baseDigest = build.base.digests[platform]!;
  const llb: Step[] = [
    { id: 'step0', op: { Op: { source: { identifier: `docker-image://docker.io/library/${build.base.ref}@${baseDigest}` } }, platform: target, constraints: {} } },
    { id: 'step1', op: { Op: { source: { identifier: 'local://context', attrs: { 'local.sharedkeyhint': 'context' } } }, constraints: {} } },
    ...steps.map((command, i): Step => ({
      id: `step${i + 2}`,
      op: { Op: { exec: { meta: { args: ['/bin/sh', '-c', command], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cwd: '/' }, mounts: [{ input: 0, dest: '/', output: 0 }] } }, platform: target, constraints: {} },
      inputs: [i === 0 ? 'step0:0' : `step${i + 1}:0`],
    })),
  ];
  const last = `step${steps.length + 1}`;
  const layer = sha256Digest(`layer ${build.folder} ${platform}`);
  const repository = DEMO_SOURCE.replace('https://github.com/', '');
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.slsaProvenance1,
    predicate: {
      buildDefinition: {
        buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        externalParameters: { configSource: { path: 'Dockerfile' }, request: request(build, 'max') },
        internalParameters: {
          buildConfig: { llbDefinition: llb, digestMapping: { [sha256Digest(`op ${last} ${platform}`)]: last } },
          builderPlatform: BUILDER_PLATFORM,
          // docker/buildx util/ghutil: the workflow's context, the event payload among it.
          github_actor: 'acme-bot',
          github_event_name: 'push',
          github_event_payload: { ref: 'refs/heads/main', head_commit: { id: commitOf(build.folder) } },
          github_job: 'build',
          github_ref: 'refs/heads/main',
          github_repository: repository,
          github_run_attempt: '1',
          github_run_id: String(build.runId),
          github_server_url: 'https://github.com',
          github_sha: commitOf(build.folder),
          github_workflow_ref: `${repository}/.github/workflows/build.yml@refs/heads/main`,
        },
        resolvedDependencies: materials(build, platform, true),
      },
      runDetails: {
        builder: { id: builderId(build) },
        metadata: {
          invocationId: invocationId(build, platform),
          startedOn,
          finishedOn,
          buildkit_metadata: {
            vcs: vcsOf(build),
            source: {
              locations: Object.fromEntries(steps.map((_, i) => [`step${i + 2}`, { locations: [{ ranges: [{ start: { line: i + 3 }, end: { line: i + 3 } }] }] }])),
              infos: [{ filename: 'Dockerfile', language: 'Dockerfile', data: Buffer.from(dockerfile).toString('base64') }],
            },
            layers: { [`${last}:0`]: [[{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 4096 }]] },
          },
          // A local context: BuildKit cannot vouch for every material, nor call the build hermetic.
          buildkit_completeness: { request: true, resolvedDependencies: false },
        },
      },
    },
  };
}

/** A package as an SBOM lists it. */
export interface DemoPackage {
  readonly name: string;
  readonly version: string;
  readonly type: 'apk' | 'deb' | 'golang' | 'npm' | 'pypi';
  /** An SPDX license expression. */
  readonly license: string;
}

const APK_ARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };

function purlOf(pkg: DemoPackage, platform: string): string {
  const arch = platform.split('/')[1]!;
  switch (pkg.type) {
    case 'apk':
      return `pkg:apk/alpine/${pkg.name}@${pkg.version}?arch=${APK_ARCH[arch] ?? arch}&distro=alpine-3.20.3`;
    case 'deb':
      return `pkg:deb/debian/${pkg.name}@${encodeURIComponent(pkg.version)}?arch=${arch}&distro=debian-12`;
    case 'golang':
      return `pkg:golang/${pkg.name}@${pkg.version}`;
    case 'npm':
      return `pkg:npm/${pkg.name.replace('@', '%40')}@${pkg.version}`;
    case 'pypi':
      return `pkg:pypi/${pkg.name}@${pkg.version}`;
  }
}

/**
 * An SPDX 2.3 document as buildkit-syft-scanner writes it: `name` is `sbom` for the final image and
 * `sbom-<stage>` for an extra scanned stage; syft lists the scanned directory itself as a package too.
 * `files` (the final image only) carry BuildKit's `layerID:` comment, and the SHA1 and SHA256 checksums syft writes
 * (SPDX 2.3 clause 8.4: a file's SHA1 is mandatory; the schema requires `checksums`); invented, as the files are.
 */
export function syftSpdx(name: string, packages: readonly DemoPackage[], platform: string, created: string, files: readonly { path: string; layer: string }[] = []): StatementContent {
  const id = (pkg: DemoPackage) => `SPDXRef-Package-${pkg.type}-${pkg.name.replace(/[^A-Za-z0-9.-]/g, '-')}-${sha256Digest(`${name} ${pkg.name}`).slice(7, 23)}`;
  const root = 'SPDXRef-DocumentRoot-Directory-';
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.spdx,
    predicate: {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name,
      documentNamespace: `https://anchore.com/syft/dir/${name}-${sha256Digest(`${name} ${platform} ${created}`).slice(7, 43)}`,
      creationInfo: { licenseListVersion: '3.25', creators: ['Organization: Anchore, Inc', 'Tool: syft-v1.18.1', 'Tool: buildkit-v0.18.2'], created },
      packages: [
        ...packages.map((pkg) => ({
          name: pkg.name,
          SPDXID: id(pkg),
          versionInfo: pkg.version,
          supplier: pkg.type === 'apk' ? 'Person: Natanael Copa <ncopa@alpinelinux.org>' : 'NOASSERTION',
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: pkg.license,
          copyrightText: 'NOASSERTION',
          externalRefs: [
            { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: `cpe:2.3:a:${pkg.name}:${pkg.name}:${pkg.version}:*:*:*:*:*:*:*` },
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purlOf(pkg, platform) },
          ],
        })),
        { name: '/', SPDXID: root, downloadLocation: 'NOASSERTION', filesAnalyzed: false, supplier: 'NOASSERTION', primaryPackagePurpose: 'FILE' },
      ],
      files: files.map((f, i) => ({
        fileName: f.path,
        SPDXID: `SPDXRef-File-${i}`,
        checksums: [
          { algorithm: 'SHA1', checksumValue: createHash('sha1').update(`${name} ${f.path}`).digest('hex') },
          { algorithm: 'SHA256', checksumValue: sha256Digest(`${name} ${f.path}`).slice(7) },
        ],
        comment: `layerID: ${f.layer}`,
        licenseConcluded: 'NOASSERTION',
        copyrightText: '',
      })),
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: root, relationshipType: 'DESCRIBES' },
        ...packages.map((pkg) => ({ spdxElementId: root, relatedSpdxElement: id(pkg), relationshipType: 'CONTAINS' })),
      ],
    },
  };
}

/** A CycloneDX 1.6 BOM, as a custom SBOM generator may write it instead of SPDX. */
export function cycloneDx(subject: string, packages: readonly DemoPackage[], platform: string, created: string): StatementContent {
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.cycloneDx,
    predicate: {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${sha256Digest(`${subject} ${platform}`).slice(7, 15)}-0000-4000-8000-${sha256Digest(subject).slice(7, 19)}`,
      version: 1,
      metadata: { timestamp: created, tools: { components: [{ type: 'application', name: 'syft', version: '1.18.1' }] }, component: { type: 'container', name: subject } },
      components: packages.map((pkg) => ({
        type: 'library',
        'bom-ref': purlOf(pkg, platform),
        name: pkg.name,
        version: pkg.version,
        // A single license by its id, a compound one as an expression (bom-1.6.schema.json licenseChoice).
        licenses: [/ /.test(pkg.license) ? { expression: pkg.license } : { license: { id: pkg.license } }],
        purl: purlOf(pkg, platform),
      })),
    },
  };
}

/** Alpine 3.20's base packages, as syft finds them in an image built on it. */
export const ALPINE_PACKAGES: readonly DemoPackage[] = [
  { name: 'alpine-baselayout', version: '3.6.5-r0', type: 'apk', license: 'GPL-2.0-only' },
  { name: 'alpine-baselayout-data', version: '3.6.5-r0', type: 'apk', license: 'GPL-2.0-only' },
  { name: 'alpine-keys', version: '2.4-r1', type: 'apk', license: 'MIT' },
  { name: 'apk-tools', version: '2.14.4-r1', type: 'apk', license: 'GPL-2.0-only' },
  { name: 'busybox', version: '1.36.1-r29', type: 'apk', license: 'GPL-2.0-only' },
  { name: 'ca-certificates-bundle', version: '20240705-r0', type: 'apk', license: 'MPL-2.0 AND MIT' },
  { name: 'libcrypto3', version: '3.3.2-r1', type: 'apk', license: 'Apache-2.0' },
  { name: 'libssl3', version: '3.3.2-r1', type: 'apk', license: 'Apache-2.0' },
  { name: 'musl', version: '1.2.5-r0', type: 'apk', license: 'MIT' },
  { name: 'zlib', version: '1.3.1-r1', type: 'apk', license: 'Zlib' },
];

/** Debian 12's packages in a slim image. */
export const DEBIAN_SLIM_PACKAGES: readonly DemoPackage[] = [
  { name: 'base-files', version: '12.4+deb12u8', type: 'deb', license: 'GPL-2.0-or-later' },
  { name: 'bash', version: '5.2.15-2+b7', type: 'deb', license: 'GPL-3.0-or-later' },
  { name: 'coreutils', version: '9.1-1', type: 'deb', license: 'GPL-3.0-or-later' },
  { name: 'libc6', version: '2.36-9+deb12u9', type: 'deb', license: 'GPL-2.0-only AND LGPL-2.1-only' },
  { name: 'libssl3', version: '3.0.15-1~deb12u1', type: 'deb', license: 'Apache-2.0' },
  { name: 'tzdata', version: '2024b-0+deb12u1', type: 'deb', license: 'LicenseRef-public-domain' },
  { name: 'zlib1g', version: '1:1.2.13.dfsg-1', type: 'deb', license: 'Zlib' },
];

/**
 * The older build of node:22-alpine (OUTDATED_IMAGE, which examples/web/Dockerfile pins), a week before the current
 * one, made to differ from it the way a week upstream does, so comparing the stale pin with its tag shows what an
 * update brings: an earlier commit, an earlier alpine:3.20 base image, OpenSSL and npm one release behind, yarn
 * still bundled and libstdc++ not yet, and busybox under the deprecated SPDX id `GPL-2.0` (SPDX license list:
 * deprecated since 3.0, now `GPL-2.0-only`).
 */
export function olderNodeAlpine(build: DemoBuild): DemoBuild {
  const base = build.base && { ...build.base, digests: Object.fromEntries(Object.keys(build.base.digests).map((p) => [p, sha256Digest(`${build.base!.ref} a week earlier ${p}`)])) };
  return { ...build, revision: commitOf(`${build.folder} a week earlier`), ...(base && { base }) };
}

/** The current node:22-alpine build's packages. */
export const NODE_ALPINE_PACKAGES: readonly DemoPackage[] = [
  ...ALPINE_PACKAGES,
  { name: 'libgcc', version: '13.2.1_git20240309-r0', type: 'apk', license: 'GPL-2.0-or-later AND LGPL-2.1-or-later' },
  { name: 'libstdc++', version: '13.2.1_git20240309-r0', type: 'apk', license: 'GPL-2.0-or-later AND LGPL-2.1-or-later' },
  { name: 'npm', version: '10.9.2', type: 'npm', license: 'Artistic-2.0' },
];

/** The older build's packages (see olderNodeAlpine). */
export const OLDER_NODE_ALPINE_PACKAGES: readonly DemoPackage[] = [
  ...ALPINE_PACKAGES.map((pkg): DemoPackage => {
    if (pkg.name === 'libcrypto3' || pkg.name === 'libssl3') return { ...pkg, version: '3.3.1-r3' };
    if (pkg.name === 'busybox') return { ...pkg, license: 'GPL-2.0' };
    return pkg;
  }),
  { name: 'libgcc', version: '13.2.1_git20240309-r0', type: 'apk', license: 'GPL-2.0-or-later AND LGPL-2.1-or-later' },
  { name: 'npm', version: '10.8.2', type: 'npm', license: 'Artistic-2.0' },
  { name: 'yarn', version: '1.22.22', type: 'npm', license: 'BSD-2-Clause' },
];

/**
 * `count` packages of an image with many (a Node.js application's dependency tree on Debian): enough rows for the
 * SBOM tab's virtualized table to scroll, search and sort for real. Deterministic; names are unique.
 */
export function manyPackages(count: number): DemoPackage[] {
  const types = ['npm', 'npm', 'npm', 'deb', 'pypi', 'golang'] as const;
  const licenses = ['MIT', 'MIT', 'Apache-2.0', 'ISC', 'BSD-3-Clause', 'GPL-2.0-only', 'BSD-2-Clause', 'MPL-2.0', 'LGPL-2.1-or-later', 'Unlicense'];
  const words = ['core', 'utils', 'http', 'json', 'crypto', 'stream', 'parse', 'cli', 'test', 'log'];
  return Array.from({ length: count }, (_, i) => {
    const type = types[i % types.length]!;
    const name = type === 'golang' ? `github.com/acme/${words[i % 10]}-${i}` : `${words[(i * 7) % 10]}-${words[(i * 3) % 10]}-${i}`;
    return { name, version: `${i % 9}.${(i * 13) % 40}.${i % 17}`, type, license: licenses[(i * 31) % licenses.length]! };
  });
}
