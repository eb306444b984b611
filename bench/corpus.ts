// A generated corpus of realistic Dockerfiles: the shapes people write (multi-stage Node and Go
// builds, ARG-driven bases, heredocs, cache mounts, Windows images with a backtick escape), varied
// by index so no two files are the same.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const templates: ((i: number) => string)[] = [
  (i) => `# syntax=docker/dockerfile:1.7
ARG NODE_VERSION=${18 + (i % 5)}
FROM --platform=$BUILDPLATFORM node:\${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
FROM deps AS build
COPY . .
RUN <<EOF
set -e
npm run build -- --service-${i}
EOF
FROM gcr.io/distroless/nodejs22-debian12:nonroot
COPY --from=build /app/dist /app
EXPOSE ${3000 + (i % 1000)}
CMD ["/app/server.js"]
`,
  (i) => `ARG GO_IMAGE=golang:1.${20 + (i % 4)}
FROM \${GO_IMAGE} AS build
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/svc${i} ./cmd/svc
FROM gcr.io/distroless/static-debian12@sha256:${(i % 16).toString(16).repeat(64)}
COPY --from=build /out/svc${i} /svc
ENTRYPOINT ["/svc"]
`,
  (i) => `FROM python:3.${9 + (i % 4)}-slim
ENV PIP_NO_CACHE_DIR=1 \\
    APP_HOME=/srv/app${i}
WORKDIR $APP_HOME
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --from=ghcr.io/astral-sh/uv:0.${i % 9} /uv /bin/uv
COPY . .
CMD ["python", "-m", "app"]
`,
  (i) => `# escape=\`
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base
RUN powershell -Command \`
    Write-Host build-${i}
FROM base
COPY app${i}.exe C:\\app\\
`,
  (i) => `FROM alpine:3.${18 + (i % 3)}
RUN apk add --no-cache curl ca-certificates
COPY entrypoint.sh /entrypoint-${i}.sh
ENTRYPOINT ["/entrypoint-${i}.sh"]
`,
];

export function dockerfileText(i: number): string {
  return templates[i % templates.length]!(i);
}

/** Writes `count` Dockerfiles under `root` (one folder each) and returns their paths. */
export function writeCorpus(root: string, count: number): string[] {
  rmSync(root, { recursive: true, force: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(root, `service-${Math.floor(i / 100)}`, `app-${i}`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'Dockerfile');
    writeFileSync(path, dockerfileText(i));
    paths.push(path);
  }
  return paths;
}
