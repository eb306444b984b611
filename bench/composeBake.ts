// Indexing Compose and Bake files: 2,000 projects, each with a compose.yaml, a docker-bake.hcl, the
// Dockerfile they build and a .env — read, parsed, evaluated (variables, inherits, matrix) and linked
// (each build's Dockerfile evaluated with its args and contexts). The baseline is reading the same files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildFileKind } from '../src/model/buildFile';
import { BuildFileIndex } from '../src/workspace/buildFileIndex';
import { isScannedName } from '../src/workspace/buildFilePatterns';
import { pulledImage, type BuildFile } from '../src/model/buildFile';
import { pinDiagnostics } from '../src/pin/pinDiagnostics';
import { planPinAll } from '../src/pin/planEdits';
import type { Resolution } from '../src/pin/pinStatus';
import { benchDir, median, time } from './measure';
import type { Measurement } from './measure';

const PROJECTS = 2_000;

const compose = (i: number) => `# shop ${i}
name: shop-${i}
services:
  web:
    build:
      context: .
      args:
        NODE_IMAGE: node:${20 + (i % 3)}-alpine
      additional_contexts:
        certs: docker-image://alpine:3.${18 + (i % 3)}
    image: registry.example.com/shop-${i}/web:\${TAG:-dev}
    ports: ["${8000 + (i % 1000)}:80"]
    depends_on: [api, cache]
  api:
    build:
      context: .
      target: api
      args: [NODE_IMAGE=node:22-slim]
    environment:
      DATABASE_URL: postgres://shop:\${DB_PASSWORD:-shop}@db/shop
  worker:
    extends: api
    profiles: [jobs]
  db:
    image: postgres:1${5 + (i % 3)}-alpine
    volumes: [db:/var/lib/postgresql/data]
  cache:
    image: "redis:7.\${REDIS_MINOR:-4}-alpine"
volumes:
  db: {}
`;

const bake = (i: number) => `variable "TAG" {
  default = "dev"
}
variable "REGISTRY" {
  default = "ghcr.io/acme-${i}"
}
variable "NODE" {
  default = "node:${20 + (i % 3)}-alpine"
}
function "tag" {
  params = [name]
  result = "\${REGISTRY}/\${name}:\${TAG}"
}
group "default" {
  targets = ["web", "api"]
}
target "_base" {
  platforms = ["linux/amd64", "linux/arm64"]
  args = {
    NODE_IMAGE = NODE
  }
}
target "web" {
  inherits = ["_base"]
  contexts = {
    certs = "docker-image://alpine:3.20"
  }
  tags = [tag("web")]
}
target "api" {
  inherits = ["_base"]
  target = "api"
  matrix = {
    flavor = ["slim", "full"]
  }
  name = "api-\${flavor}"
  args = {
    FLAVOR = flavor
  }
  tags = [tag("api-\${flavor}")]
}
`;

const dockerfile = (i: number) => `# syntax=docker/dockerfile:1.10
ARG NODE_IMAGE=node:22-alpine
FROM \${NODE_IMAGE} AS base
WORKDIR /app
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
FROM base AS api
COPY . .
CMD ["node", "api-${i}.js"]
FROM certs AS certs
FROM nginx:1.27-alpine
COPY --from=certs /etc/ssl/certs /etc/ssl/certs
COPY --from=base /app/dist /usr/share/nginx/html
`;

const COLD_RUNS = 3;

const projectsRoot = (): string => join(benchDir(), 'projects');

function corpusFiles(): [path: string, kind: BuildFileKind][] {
  const root = projectsRoot();
  const files: [string, BuildFileKind][] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const dir = join(root, `p${i}`);
    files.push([join(dir, 'compose.yaml'), 'compose'], [join(dir, 'docker-bake.hcl'), 'bake-hcl'], [join(dir, 'Dockerfile'), 'dockerfile']);
  }
  return files;
}

// What the extension does: index the build files, read what they depend on, evaluate every build.
// As the extension's scan does: `.env` files are found with the build files and given first.
function buildIndex(files: readonly [string, BuildFileKind][]): BuildFileIndex {
  const index = new BuildFileIndex({ scanned: isScannedName });
  const root = projectsRoot();
  for (let i = 0; i < PROJECTS; i++) {
    const env = join(root, `p${i}`, '.env');
    index.setResource(env, readFileSync(env, 'utf8'));
  }
  for (const [path, kind] of files) index.set(path, readFileSync(path, 'utf8'), kind);
  for (const path of index.wanted()) index.setResource(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return index;
}

/** Run in a fresh process (`--cold=composeBake`): nothing parsed or compiled before, as at startup. */
export async function composeBakeCold(): Promise<number> {
  const files = corpusFiles();
  return time(() => buildIndex(files));
}

export async function composeBakeBench(): Promise<Measurement[]> {
  const root = projectsRoot();
  rmSync(root, { recursive: true, force: true });
  const files = corpusFiles();
  for (let i = 0; i < PROJECTS; i++) {
    const dir = join(root, `p${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compose.yaml'), compose(i));
    writeFileSync(join(dir, 'docker-bake.hcl'), bake(i));
    writeFileSync(join(dir, 'Dockerfile'), dockerfile(i));
    writeFileSync(join(dir, '.env'), `TAG=1.${i}\nDB_PASSWORD=secret\n`);
  }
  const readAll = (): number => {
    let bytes = 0;
    for (const [path] of files) bytes += readFileSync(path, 'utf8').length;
    for (let i = 0; i < PROJECTS; i++) bytes += readFileSync(join(root, `p${i}`, '.env'), 'utf8').length;
    return bytes;
  };
  readAll(); // page cache

  const readFirst = await time(readAll);
  // Cold runs in fresh processes: in this one, the Dockerfile benchmark has already warmed some code.
  const colds: number[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    colds.push(Number(execFileSync(process.execPath, [process.argv[1]!, '--cold=composeBake'], { encoding: 'utf8' }).trim()));
  }
  const cold = median(colds);
  let index!: BuildFileIndex;
  const first = await time(() => (index = buildIndex(files)));
  // The tree evaluates a build's Dockerfile when a service or target is opened; grouping by image
  // evaluates them all at once.
  const links = await time(() => index.byImage());
  const builds = index.files().reduce((n, f) => n + (f.builds?.length ?? 0), 0);
  const images = index.byImage().reduce((n, g) => n + g.uses.length, 0);
  const reads: number[] = [readFirst];
  const warm: number[] = [];
  for (let round = 0; round < 3; round++) {
    reads.push(await time(readAll));
    warm.push(await time(() => buildIndex(files)));
  }
  const readMs = median(reads);
  const pins = pinBench(index);
  return [
    { key: 'composeBake.files', value: PROJECTS * 2, unit: 'files', note: `+ ${PROJECTS} Dockerfiles and .env files; ${builds} builds, ${images} image uses` },
    { key: 'composeBake.read.ms', value: readMs, unit: 'ms', note: 'baseline: read every file' },
    { key: 'composeBake.cold.ms', value: cold, unit: 'ms', target: '< 2000 ms', note: `read + parse + evaluate in a fresh process, median of ${COLD_RUNS} (${colds.map((c) => c.toFixed(0)).join(', ')})` },
    { key: 'composeBake.first.ms', value: first, unit: 'ms', note: 'the same, first run in this process' },
    { key: 'composeBake.cold.ratio', value: cold / readMs, unit: '×', note: 'cold / read' },
    { key: 'composeBake.warm.ms', value: median(warm), unit: 'ms', note: 'median of 3 further runs' },
    { key: 'composeBake.warm.ratio', value: median(warm) / readMs, unit: '×', note: 'warm / read' },
    { key: 'composeBake.links.ms', value: links, unit: 'ms', note: `every build's Dockerfile evaluated (group by image), first time` },
    { key: 'pin.diagnostics.ms', value: pins.diagnostics, unit: 'ms', note: `pin diagnostics of every file, every image resolved (${pins.findings} findings); what each burst of lookups republishes` },
    { key: 'pin.diagnostics.ratio', value: pins.diagnostics / pins.byImage, unit: '×', note: `vs collecting the images to look up (byImage after a change, ${pins.byImage.toFixed(0)} ms)` },
    { key: 'pin.planAll.ms', value: pins.planAll, unit: 'ms', note: `"Pin All in Workspace" planned over every file and build (${pins.edits} edits), digests given` },
  ];
}

/** The pure work behind the pin diagnostics and "Pin All in Workspace", medians of 3. */
function pinBench(index: BuildFileIndex): { diagnostics: number; byImage: number; planAll: number; findings: number; edits: number } {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const resolved: Resolution = { state: 'resolved', details: { digest, tagDigest: digest, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms: [], attestations: 0, host: 'registry.example.com' } };
  const options = { unpinned: 'hint', stale: 'warning' } as const;
  let findings = 0;
  let edits = 0;
  const diagnostics: number[] = [];
  const byImage: number[] = [];
  const planAll: number[] = [];
  for (let round = 0; round < 3; round++) {
    // A change to one file drops the cached groups, as typing does.
    const first = index.files()[0]!;
    index.set(first.path, index.text(first.path)!, first.kind);
    byImage.push(timeSync(() => index.byImage()));
    diagnostics.push(timeSync(() => (findings = index.files().reduce((n, f) => n + pinDiagnostics(f, index.text(f.path) ?? '', () => resolved, options).length, 0))));
    planAll.push(
      timeSync(() => {
        const files: BuildFile[] = [...index.files()];
        for (const file of index.files()) (file.builds ?? []).forEach((_, b) => files.push(index.linked(file.path, b)!));
        edits = planPinAll(files.filter(Boolean), (use) => (pulledImage(use) ? digest : undefined)).changed.length;
      }),
    );
  }
  return { diagnostics: median(diagnostics), byImage: median(byImage), planAll: median(planAll), findings, edits };
}

function timeSync(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
