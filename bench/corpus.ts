// A generated corpus of Dockerfiles the size and shape of real ones: about 95 lines and 2.7 KB on
// average, as in real repositories. The shapes follow files people maintain: docker-library's official
// images (one long `RUN set -eux; \` with package lists, downloads and comments inside the
// continuation), moby's and buildx's multi-stage Go builds (global ARGs, a stage per tool, cache and
// bind mounts, `COPY --from` stages, `FROM binaries-$TARGETOS`), Node and Python services (heredocs,
// `--link`, `--chown`, copied-in tools), Windows images with a backtick escape, and short Alpine files.
// Varied by index (a seeded generator) so no two files are the same.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A small deterministic generator (mulberry32), so the corpus is the same in every run. */
class Dice {
  private state: number;

  constructor(seed: number) {
    this.state = (seed * 2654435761) >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return min + (((t ^ (t >>> 14)) >>> 0) % (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  hex(length: number): string {
    let s = '';
    while (s.length < length) s += this.int(0, 0xffff).toString(16).padStart(4, '0');
    return s.slice(0, length);
  }
}

const PACKAGES = ['ca-certificates', 'curl', 'git', 'gnupg', 'libbz2-dev', 'libc6-dev', 'libffi-dev', 'libgdbm-dev', 'liblzma-dev', 'libncursesw5-dev', 'libreadline-dev', 'libsqlite3-dev', 'libssl-dev', 'make', 'netbase', 'tk-dev', 'tzdata', 'uuid-dev', 'wget', 'xz-utils', 'zlib1g-dev', 'dpkg-dev', 'gcc', 'pkg-config', 'unzip', 'openssh-client', 'procps', 'jq'];
const TOOLS = ['golangci-lint', 'gotestsum', 'shfmt', 'delve', 'tomll', 'gowinres', 'swagger', 'protoc-gen-go', 'mockgen', 'buf'];
const DISTROS = ['bookworm', 'bullseye', 'trixie'];

function packageList(d: Dice, indent: string): string {
  const count = d.int(6, 30);
  const start = d.int(0, PACKAGES.length - 1);
  const lines: string[] = [];
  for (let k = 0; k < count; k++) lines.push(`${indent}${PACKAGES[(start + k) % PACKAGES.length]} \\`);
  return lines.join('\n');
}

/** docker-library's official images: one stage, ENV versions, a long verified download and build. */
function officialImage(i: number, d: Dice): string {
  const distro = d.pick(DISTROS);
  const version = `3.${d.int(9, 13)}.${d.int(0, 12)}`;
  const steps = d.int(1, 6);
  let out = `#
# NOTE: THIS DOCKERFILE IS GENERATED VIA "apply-templates.sh"
#
# PLEASE DO NOT EDIT IT DIRECTLY.
#

FROM debian:${distro}-slim

# ensure local binaries are preferred over distribution ones
ENV PATH /usr/local/bin:$PATH

# runtime dependencies
RUN set -eux; \\
\tapt-get update; \\
\tapt-get install -y --no-install-recommends \\
${packageList(d, '\t\t')}
\t; \\
\trm -rf /var/lib/apt/lists/*

ENV GPG_KEY ${d.hex(40).toUpperCase()}
ENV APP_VERSION ${version}
ENV APP_SHA256 ${d.hex(64)}

RUN set -eux; \\
\t\\
\tsavedAptMark="$(apt-mark showmanual)"; \\
\tapt-get update; \\
\tapt-get install -y --no-install-recommends \\
${packageList(d, '\t\t')}
\t; \\
\t\\
\twget -O app.tar.xz "https://downloads.example.org/app-${i}/\${APP_VERSION%%[a-z]*}/App-$APP_VERSION.tar.xz"; \\
\techo "$APP_SHA256 *app.tar.xz" | sha256sum -c -; \\
\tGNUPGHOME="$(mktemp -d)"; export GNUPGHOME; \\
\tgpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$GPG_KEY"; \\
\tmkdir -p /usr/src/app; \\
\ttar --extract --directory /usr/src/app --strip-components=1 --file app.tar.xz; \\
\trm app.tar.xz; \\
\t\\
\tcd /usr/src/app; \\
\tgnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; \\
\t./configure \\
\t\t--build="$gnuArch" \\
\t\t--enable-shared \\
\t\t$(test "\${gnuArch%%-*}" != 'riscv64' && echo '--with-lto') \\
# https://github.com/docker-library/app/issues/${1000 + (i % 997)}
\t; \\
`;
  for (let k = 0; k < steps; k++) {
    out += `\tarch="$(dpkg --print-architecture)"; arch="\${arch##*-}"; \\
\t\tcase "$arch" in \\
\t\t\tamd64|arm64) \\
\t\t\t\t# only add frame pointers on arches that support them
\t\t\t\tEXTRA_CFLAGS="\${EXTRA_CFLAGS:-} -fno-omit-frame-pointer"; \\
\t\t\t\t;; \\
\t\t\t*) \\
\t\t\t\t;; \\
\t\tesac; \\
\tmake -j "$(nproc)" "EXTRA_CFLAGS=\${EXTRA_CFLAGS:-}" step${k}; \\
`;
  }
  out += `\tmake install; \\
\tcd /; \\
\trm -rf /usr/src/app; \\
\tapt-mark auto '.*' > /dev/null; \\
\tapt-mark manual $savedAptMark; \\
\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\
\trm -rf /var/lib/apt/lists/*; \\
\tapp --version

# make some useful symlinks that are expected to exist
RUN set -eux; \\
\tfor src in app3 app3-config; do \\
\t\tdst="$(echo "$src" | tr -d 3)"; \\
\t\tln -svT "$src" "/usr/local/bin/$dst"; \\
\tdone

CMD ["app${i % 7}"]
`;
  return out;
}

/** moby's and buildx's development Dockerfiles: global ARGs, a cross-compiling helper, a stage per tool. */
function goMultiStage(i: number, d: Dice): string {
  const go = `1.${d.int(20, 24)}.${d.int(0, 9)}`;
  const tools = d.int(2, 6);
  let out = `# syntax=docker/dockerfile:1.${d.int(4, 12)}

ARG GO_VERSION=${go}
ARG XX_VERSION=1.${d.int(2, 6)}.${d.int(0, 3)}
ARG ALPINE_VERSION=3.${d.int(18, 21)}
ARG DEBIAN_FRONTEND=noninteractive
ARG BASE_DEBIAN_DISTRO="${d.pick(DISTROS)}"
ARG GOLANG_IMAGE="golang:\${GO_VERSION}-\${BASE_DEBIAN_DISTRO}"

# xx is a helper for cross-compilation
FROM --platform=$BUILDPLATFORM tonistiigi/xx:\${XX_VERSION} AS xx

FROM --platform=$BUILDPLATFORM \${GOLANG_IMAGE} AS base
COPY --from=xx / /
ARG APT_MIRROR
RUN sed -ri "s/deb.debian.org/\${APT_MIRROR:-deb.debian.org}/g" \\
      /etc/apt/sources.list
ENV GOFLAGS=-mod=vendor
WORKDIR /go/src/github.com/example/project${i}

`;
  for (let k = 0; k < tools; k++) {
    const tool = TOOLS[(i + k) % TOOLS.length]!;
    const name = tool.replace(/-/g, '_').toUpperCase();
    out += `FROM base AS ${tool}
# ${name}_VERSION specifies the version of the ${tool} binary to build and install.
# Keep it in sync with the version the CI scripts expect.
ARG ${name}_VERSION=v${d.int(0, 3)}.${d.int(0, 30)}.${d.int(0, 9)}
RUN --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=cache,target=/go/pkg/mod \\
        GOBIN=/build/ go install "example.com/${tool}@\${${name}_VERSION}" \\
     && /build/${tool} --version

`;
  }
  out += `FROM base AS build-version
RUN --mount=target=. \\
  PKG=github.com/example/project${i}; \\
  VERSION=$(git describe --match 'v[0-9]*' --dirty='.m' --always --tags); \\
  REVISION=$(git rev-parse HEAD); \\
  echo "-X \${PKG}/version.Version=\${VERSION}" | tee /tmp/.ldflags; \\
  echo -n "\${VERSION}" | tee /tmp/.version;

FROM base AS build
ARG DEBIAN_FRONTEND
RUN --mount=type=cache,sharing=locked,id=project${i}-aptlib,target=/var/lib/apt \\
    --mount=type=cache,sharing=locked,id=project${i}-aptcache,target=/var/cache/apt \\
        apt-get update && apt-get install -y --no-install-recommends \\
${packageList(d, '            ')}
            file
ENV CGO_ENABLED=0
ARG TARGETPLATFORM
RUN --mount=type=bind,target=. \\
  --mount=type=cache,target=/root/.cache \\
  --mount=type=cache,target=/go/pkg/mod \\
  --mount=type=bind,source=/tmp/.ldflags,target=/tmp/.ldflags,from=build-version \\
  set -x; xx-go build -ldflags "$(cat /tmp/.ldflags)" -o /usr/bin/project ./cmd/project && \\
  xx-verify --static /usr/bin/project

FROM build AS test
RUN --mount=type=bind,target=. \\
  --mount=type=cache,target=/root/.cache \\
  --mount=type=cache,target=/go/pkg/mod \\
  go test -v -coverprofile=/tmp/coverage.txt -covermode=atomic ./... && \\
  go tool cover -func=/tmp/coverage.txt

FROM scratch AS test-coverage
COPY --from=test /tmp/coverage.txt /coverage.txt

FROM scratch AS binaries-unix
COPY --from=build /usr/bin/project /

FROM binaries-unix AS binaries-darwin
FROM binaries-unix AS binaries-linux

FROM scratch AS binaries-windows
COPY --from=build /usr/bin/project /project.exe

FROM binaries-$TARGETOS AS binaries

FROM alpine:\${ALPINE_VERSION} AS shell
RUN apk add --no-cache iptables tmux git vim less openssh
COPY --from=binaries / /usr/local/bin/
`;
  for (let k = 0; k < tools; k++) {
    const tool = TOOLS[(i + k) % TOOLS.length]!;
    out += `COPY --from=${tool.padEnd(14)} /build/ /usr/local/bin/\n`;
  }
  out += `VOLUME /var/lib/project
ENTRYPOINT ["entrypoint.sh"]

FROM binaries
`;
  return out;
}

/** A Node service: dependencies, build and runtime stages, a heredoc script, labels over lines. */
function nodeApp(i: number, d: Dice): string {
  const node = d.int(18, 23);
  const scripts = d.int(3, 14);
  let script = '';
  for (let k = 0; k < scripts; k++) script += `npm run build:part${k} -- --service=svc-${i}\n`;
  return `# syntax=docker/dockerfile:1.${d.int(4, 12)}

# Comments are provided throughout this file to help you get started.
# If you need more help, visit the Dockerfile reference guide at
# https://docs.docker.com/go/dockerfile-reference/

# Want to help us make this template better? Share your feedback here:
# https://forms.gle/ybq9Krt8jtBL3iCk7

ARG NODE_VERSION=${node}
ARG PNPM_VERSION=${d.int(8, 9)}.${d.int(0, 15)}.${d.int(0, 9)}

################################################################################
# Base image with the package manager.
FROM --platform=$BUILDPLATFORM node:\${NODE_VERSION}-${d.pick(['alpine', 'slim', 'bookworm-slim'])} AS base
WORKDIR /usr/src/app
RUN apk add --no-cache \\
${packageList(d, '      ')}
      tini
RUN --mount=type=cache,target=/root/.npm \\
    npm install -g pnpm@\${PNPM_VERSION}

################################################################################
# Production dependencies only.
FROM base AS deps
RUN --mount=type=bind,source=package.json,target=package.json \\
    --mount=type=bind,source=pnpm-lock.yaml,target=pnpm-lock.yaml \\
    --mount=type=cache,target=/root/.local/share/pnpm/store \\
    pnpm install --prod --frozen-lockfile

################################################################################
# Everything needed to build.
FROM deps AS build
RUN --mount=type=bind,source=package.json,target=package.json \\
    --mount=type=bind,source=pnpm-lock.yaml,target=pnpm-lock.yaml \\
    --mount=type=cache,target=/root/.local/share/pnpm/store \\
    pnpm install --frozen-lockfile
COPY . .
RUN <<EOF
set -e
${script}EOF

################################################################################
# The runtime image, with the production dependencies and the built application.
FROM node:\${NODE_VERSION}-alpine AS final
ENV NODE_ENV=production \\
    PORT=${3000 + (i % 1000)} \\
    SERVICE_NAME=svc-${i}
LABEL org.opencontainers.image.title="svc-${i}" \\
      org.opencontainers.image.source="https://github.com/example/svc-${i}" \\
      org.opencontainers.image.licenses="MIT"
USER node
COPY --link package.json .
COPY --from=deps --chown=node:node /usr/src/app/node_modules ./node_modules
COPY --from=build --chown=node:node /usr/src/app/dist ./dist
COPY --from=ghcr.io/example/healthcheck:${d.int(1, 3)}.${d.int(0, 9)} /healthcheck /usr/local/bin/healthcheck
HEALTHCHECK --interval=30s --timeout=3s \\
  CMD ["healthcheck", "http://localhost:${3000 + (i % 1000)}/health"]
EXPOSE ${3000 + (i % 1000)}
CMD ["node", "dist/server.js"]
`;
}

/** A Python service: a virtual environment built in one stage and copied into a slim one. */
function pythonApp(i: number, d: Dice): string {
  const py = `3.${d.int(9, 13)}`;
  const extras = d.int(1, 6);
  let copies = '';
  for (let k = 0; k < extras; k++) copies += `COPY --chown=app:app src/module${k} ./src/module${k}\n`;
  return `# syntax=docker/dockerfile:1

# Comments are provided throughout this file to help you get started.
# If you need more help, visit the Dockerfile reference guide at
# https://docs.docker.com/go/dockerfile-reference/

# Build: docker build --build-arg PYTHON_VERSION=${py} -t svc-${i} .
ARG PYTHON_VERSION=${py}

FROM python:\${PYTHON_VERSION}-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1 \\
    PYTHONDONTWRITEBYTECODE=1
COPY --from=ghcr.io/astral-sh/uv:0.${d.int(1, 9)}.${d.int(0, 20)} /uv /uvx /bin/
WORKDIR /build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends \\
${packageList(d, '      ')}
      build-essential \\
 && rm -rf /var/lib/apt/lists/*

# A virtual environment, so the runtime stage copies one folder.
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

RUN --mount=type=cache,target=/root/.cache/uv \\
    --mount=type=bind,source=uv.lock,target=uv.lock \\
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\
    uv sync --frozen --no-install-project --no-dev

# Create a non-privileged user that the app will run under.
# See https://docs.docker.com/go/dockerfile-user-best-practices/
FROM python:\${PYTHON_VERSION}-slim AS runtime
ARG UID=${10000 + (i % 5000)}
RUN adduser \\
    --disabled-password \\
    --gecos "" \\
    --home "/nonexistent" \\
    --shell "/sbin/nologin" \\
    --no-create-home \\
    --uid "\${UID}" \\
    app

# Copy the virtual environment built above.
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \\
    APP_HOME=/srv/app${i}
WORKDIR $APP_HOME

# Copy the source code into the container.
${copies}COPY --chown=app:app pyproject.toml .

# Switch to the non-privileged user to run the application.
USER app

# Expose the port that the application listens on.
EXPOSE ${8000 + (i % 1000)}
CMD ["gunicorn", "--bind", "0.0.0.0:${8000 + (i % 1000)}", "app.wsgi:application"]
`;
}

/** A Windows image: the backtick escape, a PowerShell shell, continued commands. */
function windows(i: number, d: Dice): string {
  const steps = d.int(1, 4);
  let out = `# escape=\`
ARG WINDOWS_VERSION=ltsc${d.pick(['2019', '2022', '2025'])}
FROM mcr.microsoft.com/windows/servercore:\${WINDOWS_VERSION} AS base
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ENV APP_VERSION ${d.int(1, 9)}.${d.int(0, 20)}.${i % 100}
`;
  for (let k = 0; k < steps; k++) {
    out += `RUN $url = ('https://downloads.example.org/app-{0}/part${k}.zip' -f $env:APP_VERSION); \`
    Write-Host ('Downloading {0} ...' -f $url); \`
    Invoke-WebRequest -Uri $url -OutFile 'part${k}.zip'; \`
    Expand-Archive part${k}.zip -DestinationPath C:\\app; \`
    Remove-Item part${k}.zip -Force
`;
  }
  out += `
FROM mcr.microsoft.com/windows/nanoserver:\${WINDOWS_VERSION}
COPY --from=base C:\\app C:\\app
USER ContainerUser
CMD ["C:\\\\app\\\\app${i}.exe"]
`;
  return out;
}

/** The short files every repository also has. */
function small(i: number, d: Dice): string {
  return `FROM alpine:3.${d.int(18, 21)}

# Tools the entrypoint needs.
RUN apk add --no-cache \\
      curl \\
      ca-certificates \\
      tini

ENV SERVICE=svc-${i}
COPY entrypoint.sh /entrypoint-${i}.sh
RUN chmod +x /entrypoint-${i}.sh

ENTRYPOINT ["/sbin/tini", "--", "/entrypoint-${i}.sh"]
`;
}

/** Shapes with weights: together about 95 lines and 2.7 KB a file on average. */
const SHAPES: [weight: number, shape: (i: number, d: Dice) => string][] = [
  [6, officialImage],
  [3, goMultiStage],
  [4, nodeApp],
  [4, pythonApp],
  [1, windows],
  [2, small],
];
const TOTAL_WEIGHT = SHAPES.reduce((n, [w]) => n + w, 0);

export function dockerfileText(i: number): string {
  const d = new Dice(i + 1);
  let roll = d.int(0, TOTAL_WEIGHT - 1);
  for (const [weight, shape] of SHAPES) {
    if (roll < weight) return shape(i, d);
    roll -= weight;
  }
  throw new Error('unreachable');
}

/** Where `writeCorpus` puts file `i` (one folder each, a hundred folders to a parent). */
export function corpusPath(root: string, i: number): string {
  return join(root, `service-${Math.floor(i / 100)}`, `app-${i}`, 'Dockerfile');
}

/** The paths `writeCorpus(root, count)` writes. */
export function corpusPaths(root: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => corpusPath(root, i));
}

/** Writes `count` Dockerfiles under `root` and returns their paths. */
export function writeCorpus(root: string, count: number): string[] {
  rmSync(root, { recursive: true, force: true });
  const paths = corpusPaths(root, count);
  paths.forEach((path, i) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, dockerfileText(i));
  });
  return paths;
}
