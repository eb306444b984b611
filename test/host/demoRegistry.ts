// The local registry `npm start` runs next to VS Code, so the sample workspace in examples/ has
// something real to resolve, pin and read attestations from without reaching Docker Hub or gcr.io.
// It is Debian's docker-registry (the same one the registry tests start), seeded with BuildKit-style
// multi-platform images (OCI index, two platforms, provenance + SBOM attestation manifests) under the
// upstream repository names. examples/.vscode/settings.json makes it a mirror of docker.io and gcr.io,
// as a BuildKit user would configure a pull-through cache (buildkitd.toml `[registry."docker.io"]
// mirrors = [...]`): the workspace keeps its ordinary image names, and the extension asks the mirror.
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { startRegistry, type RunningRegistry } from '../registry/harness/registry';
import { seedImage } from '../registry/harness/seed';

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

export interface DemoImage {
  /** As written in examples/. */
  readonly image: string;
  /** Where the mirror serves it: the upstream's repository name (`library/node`). */
  readonly repository: string;
  readonly tag: string;
  /** The index digest the tag points to now. */
  readonly digest: string;
  readonly platforms: readonly string[];
  /** 'linux/amd64' → that platform's manifest digest. */
  readonly platformDigests: Readonly<Record<string, string>>;
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
    const outdatedPushed = seedImage(registry.url, outdatedRef.repository, outdatedRef.tag!, { salt: 'an older build' });
    const seeded = await Promise.all(
      images.map(async ({ image, ref }) => {
        if (image === OUTDATED_IMAGE) await outdatedPushed;
        return seedImage(registry.url, ref.repository, ref.tag!);
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
    }));
    const summary = [
      `Demo registry: ${registry.url} (docker-registry), a mirror of ${MIRRORED_REGISTRIES.join(' and ')} for the sample workspace`,
      `  ${served.length} images, each ${served[0]!.platforms.join(' + ')} with provenance and SBOM attestations:`,
      ...wrap(served.map((s) => s.image), '    '),
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

/** `words` joined with ", " into lines of at most `width` characters. */
function wrap(words: string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, word] of words.entries()) {
    const item = i < words.length - 1 ? `${word},` : word;
    if (line !== '' && indent.length + line.length + 1 + item.length > width) {
      lines.push(indent + line);
      line = '';
    }
    line += line === '' ? item : ` ${item}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}
