// The local registry `npm start` runs next to VS Code, so the sample workspace in examples/ has
// something real to resolve, pin and read attestations from without reaching Docker Hub or gcr.io.
// It is Debian's docker-registry (the same one the registry tests start), seeded with multi-platform
// images (OCI index, linux/amd64 + linux/arm64/v8) under the upstream repository names.
// examples/.vscode/settings.json makes it a mirror of docker.io and gcr.io, as a BuildKit user would
// configure a pull-through cache (buildkitd.toml `[registry."docker.io"] mirrors = [...]`): the
// workspace keeps its ordinary image names, and the extension asks the mirror.
//
// The images carry attestations the way real ones do (content in demoAttestations.ts, invented but in
// the shapes BuildKit, buildx and syft write), so opening examples/ meets each case:
// - nginx:1.27-alpine (web/Dockerfile): SLSA v1 provenance, mode=max, from a GitHub Actions build
//   (request with build args and labels, build steps, Dockerfile source, layer map, `github_*`
//   environment), and two SPDX documents: the final image (12 packages and syft's root directory
//   entry) and the scanned `build` stage (BUILDKIT_SBOM_SCAN_STAGE). BuildKit's current default form:
//   OCI-artifact attestation manifests (`artifactType`, `subject`) listed in the index.
// - node:22-alpine (both builds), golang:1.23-alpine, python:3.12-slim, distroless: SLSA v0.2
//   provenance, mode=min (buildx's implicit default) and an SPDX SBOM (`--sbom=true`), as attestation
//   manifests listed in the index (BuildKit's form before the OCI-artifact default).
// - docker/dockerfile:1.10, alpine:3.20, node:22-slim: SLSA v0.2 mode=min provenance only, what a
//   plain `docker buildx build --push` leaves.
// - python:3.13-slim: SLSA v1 mode=min and a CycloneDX SBOM (a custom `--sbom=generator=…`).
// - redis:7.4-alpine: SLSA v1 mode=min and SPDX in the OCI-artifact form, not listed in the index but
//   only a referrer of each platform manifest: this registry has no referrers API, so it is listed
//   under the fallback tag `sha256-<hex>` (OCI distribution spec), as a copy that keeps referrers
//   leaves it.
// - postgres:16-alpine (compose.yaml): no attestations at all, a single Docker v2 manifest, as a build
//   with the docker driver (or `--load`) then `docker push` leaves it.
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { startRegistry, type RunningRegistry } from '../registry/harness/registry';
import { platformManifestDigest, seedImage, seedSingle, type AttestationShape } from '../registry/harness/seed';
import type { StatementContent } from '../registry/harness/imageContent';
import { sha256Digest } from '../registry/harness/digest';
import { ALPINE_PACKAGES, DEBIAN_SLIM_PACKAGES, NODE_ALPINE_PACKAGES, OLDER_NODE_ALPINE_PACKAGES, cycloneDx, olderNodeAlpine, slsa02Min, slsa1Max, slsa1Min, syftSpdx, type DemoBuild, type DemoPackage } from './demoAttestations';

/** The port examples/.vscode/settings.json names. */
export const DEMO_REGISTRY_PORT = 5055;

/** The registries examples/.vscode/settings.json mirrors through the demo registry. */
export const MIRRORED_REGISTRIES = ['docker.io', 'gcr.io'] as const;

/**
 * Every image the sample workspace references, as written there. This list must follow examples/:
 * an image added to a Dockerfile, compose.yaml or docker-bake.hcl there has to be added here too, or
 * the demo shows it as not found. `scratch`, stage names and the images the builds produce
 * (storefront/*, ghcr.io/acme/*) are not pulled, so they are not here.
 */
export const DEMO_IMAGES: readonly string[] = [
  'docker/dockerfile:1.10', // web/Dockerfile, worker/Dockerfile.dev: `# syntax=`
  'node:22-alpine', // web/Dockerfile: build stage
  'nginx:1.27-alpine', // web/Dockerfile: final stage
  'golang:1.23-alpine', // api/Dockerfile (GO_VERSION=1.23), compose.yaml args, docker-bake.hcl contexts
  'alpine:3.20', // api/Dockerfile RUN --mount from=, compose.yaml additional_contexts, tools/tools.Dockerfile
  'gcr.io/distroless/static-debian12:nonroot', // api/Dockerfile: final stage
  'python:3.12-slim', // worker/Dockerfile.dev ARG BASE_IMAGE default, docker-bake.hcl matrix
  'python:3.13-slim', // docker-bake.hcl matrix
  'node:22-slim', // worker/Dockerfile.dev: COPY --from=
  'postgres:16-alpine', // compose.yaml db
  'redis:7.4-alpine', // compose.yaml cache
];

/** The tag that also gets an older build, pushed first, so a pin to its digest is stale. */
export const OUTDATED_IMAGE = 'node:22-alpine';

/** The platforms of every index the demo registry serves. */
export const DEMO_PLATFORMS = ['linux/amd64', 'linux/arm64/v8'] as const;

/** How an image is attested: the header of this file says why each image has its shape. */
export type DemoAttestation =
  | { readonly kind: 'none'; readonly summary: string }
  | { readonly kind: 'attested'; readonly summary: string; readonly shape: (salt?: string) => AttestationShape };

/** The image an image of the demo is built from, with the digests the demo registry serves for it when it does. */
function base(ref: string): NonNullable<DemoBuild['base']> {
  const served = DEMO_IMAGES.includes(ref) ? mirroredRef(ref) : undefined;
  const digestOf = (platform: string) =>
    served ? platformManifestDigest(served.repository, served.tag!, platform) : sha256Digest(`${ref} ${platform}`);
  return { ref, digests: Object.fromEntries(DEMO_PLATFORMS.map((p) => [p, digestOf(p)])) };
}

/** Every demo image builds with `# syntax=docker/dockerfile:1.10`, which the demo registry serves. */
const FRONTEND = { ref: 'docker/dockerfile:1.10', digest: platformManifestDigest('docker/dockerfile', '1.10', 'linux/amd64') };

/** A GitHub Actions build of a folder of the demo's source repository; an older build ran a week earlier. */
function build(folder: string, runId: number, startedOn: string, baseImage: string | undefined, salt: string | undefined): DemoBuild {
  const older = salt !== undefined;
  return {
    folder,
    runId: older ? runId - 100 : runId,
    startedOn: older ? new Date(Date.parse(startedOn) - 7 * 86_400_000).toISOString().replace('.000Z', 'Z') : startedOn,
    frontend: FRONTEND,
    ...(baseImage !== undefined && { base: base(baseImage) }),
    // Labels the workflow sets (docker/metadata-action): mode=min drops them.
    args: { 'label:org.opencontainers.image.source': 'https://github.com/acme/base-images', 'label:org.opencontainers.image.title': folder },
  };
}

/** Provenance and SBOMs per platform; the SBOM's creation time is the build's end. */
function attested(summary: string, statements: (platform: string, salt?: string) => StatementContent[], form?: AttestationShape['form'], storage?: AttestationShape['storage']): DemoAttestation {
  return {
    kind: 'attested',
    summary,
    shape: (salt) => ({ statements: (subject) => statements(platformOf(subject[0]!.name), salt), ...(form && { form }), ...(storage && { storage }) }),
  };
}

/** The platform a BuildKit subject names: `pkg:docker/…?platform=linux%2Farm64%2Fv8`. */
function platformOf(purl: string): string {
  return decodeURIComponent(/[?&]platform=([^&]+)/.exec(purl)?.[1] ?? '');
}

const minWithSpdx = (folder: string, runId: number, startedOn: string, baseImage: string | undefined, packages: readonly DemoPackage[]) =>
  attested('SLSA v0.2 provenance (mode=min) and an SPDX SBOM, in the index', (platform, salt) => {
    const b = build(folder, runId, startedOn, baseImage, salt);
    return [slsa02Min(b, platform, true), syftSpdx('sbom', packages, platform, b.startedOn)];
  });

const minOnly = (folder: string, runId: number, startedOn: string, baseImage: string | undefined) =>
  attested('SLSA v0.2 provenance (mode=min) only, in the index', (platform, salt) => [slsa02Min(build(folder, runId, startedOn, baseImage, salt), platform, false)]);

/** What nginx's Dockerfile runs, in its build steps: a `build` stage and the final one. */
const NGINX_STEPS = ['apk add --no-cache build-base pcre2-dev zlib-dev', 'apk add --no-cache nginx=1.27.3-r1 pcre2'];
const NGINX_DOCKERFILE = [
  '# syntax=docker/dockerfile:1.10',
  'FROM alpine:3.20 AS build',
  `RUN ${NGINX_STEPS[0]}`,
  'FROM alpine:3.20',
  `RUN ${NGINX_STEPS[1]}`,
  'CMD ["nginx", "-g", "daemon off;"]',
  '',
].join('\n');
/** The final image's packages: Alpine's and nginx with its library. */
const NGINX_PACKAGES: readonly DemoPackage[] = [
  ...ALPINE_PACKAGES,
  { name: 'nginx', version: '1.27.3-r1', type: 'apk', license: 'BSD-2-Clause' },
  { name: 'pcre2', version: '10.43-r0', type: 'apk', license: 'BSD-3-Clause' },
];
/** The `build` stage's packages, scanned as well (BUILDKIT_SBOM_SCAN_STAGE=true). */
const NGINX_BUILD_STAGE_PACKAGES: readonly DemoPackage[] = [
  { name: 'build-base', version: '0.5-r3', type: 'apk', license: 'MIT' },
  { name: 'gcc', version: '13.2.1_git20240309-r0', type: 'apk', license: 'GPL-2.0-or-later AND LGPL-2.1-or-later' },
  { name: 'make', version: '4.4.1-r2', type: 'apk', license: 'GPL-3.0-or-later' },
  { name: 'musl-dev', version: '1.2.5-r0', type: 'apk', license: 'MIT' },
];

/** How each image of DEMO_IMAGES is attested. */
export const DEMO_ATTESTATIONS: Readonly<Record<string, DemoAttestation>> = {
  'docker/dockerfile:1.10': minOnly('dockerfile/1.10', 4101, '2026-01-05T08:00:00Z', undefined),
  // Its older build (the stale pin's) differs in commit, base image and packages: what Compare shows.
  'node:22-alpine': attested('SLSA v0.2 provenance (mode=min) and an SPDX SBOM, in the index', (platform, salt) => {
    const current = build('node/22/alpine', 4102, '2026-01-12T08:10:00Z', 'alpine:3.20', salt);
    const b = salt === undefined ? current : olderNodeAlpine(current);
    return [slsa02Min(b, platform, true), syftSpdx('sbom', salt === undefined ? NODE_ALPINE_PACKAGES : OLDER_NODE_ALPINE_PACKAGES, platform, b.startedOn)];
  }),
  'nginx:1.27-alpine': attested(
    'SLSA v1 provenance (mode=max) and two SPDX SBOMs (the image, the build stage), OCI-artifact form in the index',
    (platform, salt) => {
      const b = build('nginx/1.27/alpine', 4103, '2026-01-12T08:20:00Z', 'alpine:3.20', salt);
      const nginxLayer = sha256Digest(`layer nginx/1.27/alpine ${platform}`);
      const files = [
        { path: '/usr/sbin/nginx', layer: nginxLayer },
        { path: '/etc/nginx/nginx.conf', layer: nginxLayer },
      ];
      return [
        slsa1Max({ ...b, base: b.base!, args: { ...b.args, 'build-arg:BUILDKIT_SBOM_SCAN_STAGE': 'true', 'build-arg:NGINX_VERSION': '1.27.3' } }, platform, NGINX_DOCKERFILE, NGINX_STEPS),
        syftSpdx('sbom', NGINX_PACKAGES, platform, b.startedOn, files),
        syftSpdx('sbom-build', NGINX_BUILD_STAGE_PACKAGES, platform, b.startedOn),
      ];
    },
    'artifact',
  ),
  'golang:1.23-alpine': minWithSpdx('golang/1.23/alpine', 4104, '2026-01-12T08:30:00Z', 'alpine:3.20', [
    ...ALPINE_PACKAGES,
    { name: 'stdlib', version: 'go1.23.4', type: 'golang', license: 'BSD-3-Clause' },
  ]),
  'alpine:3.20': minOnly('alpine/3.20', 4105, '2026-01-05T08:40:00Z', undefined),
  'gcr.io/distroless/static-debian12:nonroot': minWithSpdx('distroless/static-debian12', 4106, '2026-01-06T09:00:00Z', undefined, [
    { name: 'base-files', version: '12.4+deb12u8', type: 'deb', license: 'GPL-2.0-or-later' },
    { name: 'netbase', version: '6.4', type: 'deb', license: 'GPL-2.0-only' },
    { name: 'tzdata', version: '2024b-0+deb12u1', type: 'deb', license: 'LicenseRef-public-domain' },
  ]),
  'python:3.12-slim': minWithSpdx('python/3.12/slim', 4107, '2026-01-12T09:10:00Z', 'debian:bookworm-slim', [
    ...DEBIAN_SLIM_PACKAGES,
    { name: 'pip', version: '24.3.1', type: 'pypi', license: 'MIT' },
  ]),
  'python:3.13-slim': attested('SLSA v1 provenance (mode=min) and a CycloneDX SBOM, in the index', (platform, salt) => {
    const b = build('python/3.13/slim', 4108, '2026-01-12T09:20:00Z', 'debian:bookworm-slim', salt);
    return [slsa1Min(b, platform, true), cycloneDx('python:3.13-slim', [...DEBIAN_SLIM_PACKAGES, { name: 'pip', version: '24.3.1', type: 'pypi', license: 'MIT' }], platform, b.startedOn)];
  }),
  'node:22-slim': minOnly('node/22/slim', 4109, '2026-01-12T09:30:00Z', 'debian:bookworm-slim'),
  'postgres:16-alpine': { kind: 'none', summary: 'no attestations: a single Docker v2 manifest, as the docker driver pushes' },
  'redis:7.4-alpine': attested(
    'SLSA v1 provenance (mode=min) and an SPDX SBOM, OCI-artifact form only as referrers (fallback tag sha256-<hex>)',
    (platform, salt) => {
      const b = build('redis/7.4/alpine', 4110, '2026-01-12T09:40:00Z', 'alpine:3.20', salt);
      return [slsa1Min(b, platform, true), syftSpdx('sbom', [...ALPINE_PACKAGES, { name: 'redis', version: '7.4.2', type: 'apk', license: 'BSD-3-Clause' }], platform, b.startedOn)];
    },
    'artifact',
    'referrer',
  ),
};

export interface DemoImage {
  /** As written in examples/. */
  readonly image: string;
  /** Where the mirror serves it: the upstream's repository name (`library/node`). */
  readonly repository: string;
  readonly tag: string;
  /** The index digest the tag points to now. */
  readonly digest: string;
  /** Empty for the single-manifest image: its manifest does not say. */
  readonly platforms: readonly string[];
  /** 'linux/amd64' → that platform's manifest digest. */
  readonly platformDigests: Readonly<Record<string, string>>;
  /** How it is attested (see DEMO_ATTESTATIONS). */
  readonly attestations: DemoAttestation;
}

export interface DemoRegistry {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`: the mirror host in the settings. */
  readonly host: string;
  readonly port: number;
  readonly images: readonly DemoImage[];
  /** The older build of OUTDATED_IMAGE: a digest the tag no longer points to, for stale-pin demos. */
  readonly outdated: { readonly image: string; readonly digest: string };
  /** A few lines for the terminal: what is served, and the outdated digest. */
  readonly summary: string;
  close(): Promise<void>;
}

export interface DemoRegistryOptions {
  /** Default DEMO_REGISTRY_PORT (5055), which the sample workspace's settings name. */
  readonly port?: number;
  /** A folder for the registry's storage (made if missing); the storage is removed by close(). */
  readonly root: string;
}

/** Thrown when the port is taken, so `npm start` can say so instead of printing the registry's log. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use (another \`npm start\`, or another registry?)`);
  }
}

export async function startDemoRegistry(options: DemoRegistryOptions): Promise<DemoRegistry> {
  const port = options.port ?? DEMO_REGISTRY_PORT;
  const images = DEMO_IMAGES.map((image) => ({ image, ref: mirroredRef(image) }));
  await assertPortFree(port);
  mkdirSync(options.root, { recursive: true });

  let registry: RunningRegistry;
  try {
    registry = await withTmpdir(options.root, () => startRegistry({ port }));
  } catch (error) {
    // Taken between the check and the registry's bind.
    if (error instanceof Error && /address already in use/.test(error.message)) throw new PortInUseError(port);
    throw error;
  }

  try {
    const outdatedRef = mirroredRef(OUTDATED_IMAGE);
    // The older build first: the tag then moves to the current one, as after a rebuild upstream.
    const outdatedPushed = seedDemoImage(registry.url, OUTDATED_IMAGE, outdatedRef, 'an older build');
    const seeded = await Promise.all(
      images.map(async ({ image, ref }) => {
        if (image === OUTDATED_IMAGE) await outdatedPushed;
        return seedDemoImage(registry.url, image, ref);
      }),
    );
    const outdated = await outdatedPushed;
    const served: DemoImage[] = images.map(({ image, ref }, i) => ({
      image,
      repository: ref.repository,
      tag: ref.tag!,
      digest: seeded[i]!.digest,
      platforms: Object.keys(seeded[i]!.platformDigests),
      platformDigests: seeded[i]!.platformDigests,
      attestations: DEMO_ATTESTATIONS[image]!,
    }));
    const summary = [
      `Demo registry: ${registry.url} (docker-registry), a mirror of ${MIRRORED_REGISTRIES.join(' and ')} for the sample workspace`,
      `  ${served.length} images, most ${DEMO_PLATFORMS.join(' + ')}, attested in different ways:`,
      ...served.map((s) => `    ${s.image}: ${s.attestations.summary}`),
      `  ${OUTDATED_IMAGE} also has an older build, for stale-pin demos: ${outdated.digest}`,
    ].join('\n');
    return {
      url: registry.url,
      host: registry.host,
      port: registry.port,
      images: served,
      outdated: { image: OUTDATED_IMAGE, digest: outdated.digest },
      summary,
      close: () => registry.close(),
    };
  } catch (error) {
    await registry.close();
    throw error;
  }
}

/** Pushes one image of the workspace with its attestations (DEMO_ATTESTATIONS); its digests as computed while pushing. */
async function seedDemoImage(url: string, image: string, ref: ImageRef, salt?: string): Promise<{ digest: string; platformDigests: Record<string, string> }> {
  const attestation = DEMO_ATTESTATIONS[image];
  if (attestation === undefined) throw new Error(`demo registry: DEMO_ATTESTATIONS does not say how ${image} is attested`);
  const saltOption = salt === undefined ? {} : { salt };
  if (attestation.kind === 'none') {
    const single = await seedSingle(url, ref.repository, ref.tag!, saltOption);
    return { digest: single.digest, platformDigests: {} };
  }
  const index = await seedImage(url, ref.repository, ref.tag!, { ...saltOption, platforms: [...DEMO_PLATFORMS], attestationShape: attestation.shape(salt) });
  return { digest: index.digest, platformDigests: index.platformDigests };
}

/** The reference the mirror is asked for: same repository and tag as upstream, on a mirrored registry. */
function mirroredRef(image: string): ImageRef {
  const parsed = parseImageReference(image);
  if (!parsed.ok) throw new Error(`demo registry: ${image} is not an image reference`);
  const { ref } = parsed;
  if (ref.tag === undefined) throw new Error(`demo registry: ${image} has no tag`);
  if (!(MIRRORED_REGISTRIES as readonly string[]).includes(ref.registry)) {
    throw new Error(`demo registry: ${image} is on ${ref.registry}, which examples/.vscode/settings.json does not mirror`);
  }
  return ref;
}

/** docker-registry's own bind error is one line deep in its log; a check first gives a clear message. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/**
 * The harness keeps a registry's storage in a fresh folder under os.tmpdir(), which reads TMPDIR;
 * startRegistry makes that folder before its first await, so setting TMPDIR around the call puts the
 * storage under `dir`. (A `dir` option on startRegistry would make this unnecessary.)
 */
function withTmpdir<T>(dir: string, start: () => Promise<T>): Promise<T> {
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = dir;
  try {
    return start();
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
}
