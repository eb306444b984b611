import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { BuildFile, ImageUse, Range } from '../../src/model/buildFile';
import { LineIndex } from '../../src/model/lineIndex';
import { parseDockerfile } from '../../src/dockerfile/parseDockerfile';
import type { DockerfileOptions } from '../../src/dockerfile/parseDockerfile';

// Expected values below are written by hand from the Dockerfile reference and BuildKit's parser;
// columns were counted on the source lines shown next to them.

function at(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** One line per use: `kind "text" @range → resolved | where the digest goes, or why not`. */
function summarize(use: ImageUse): string {
  const pin = use.pin.pinnable
    ? `pin "${use.pin.text}" @${use.pin.file ? `${use.pin.file}:` : ''}${at(use.pin.range)}${use.pin.viaArg ? ` via ${use.pin.viaArg}` : ''}`
    : `not ${reasonText(use.pin.reason)}`;
  return `${use.kind} "${use.text}" @${at(use.range)} → ${use.resolved ?? '?'} | ${pin}`;
}

function reasonText(reason: Extract<ImageUse['pin'], { pinnable: false }>['reason']): string {
  switch (reason.kind) {
    case 'unresolved':
      return `unresolved(${reason.variable}, ${reason.cause})`;
    case 'stage':
      return `stage(${reason.stage})`;
    case 'sharedArg':
      return `sharedArg(${reason.arg}, ${reason.users})`;
    case 'partialArg':
    case 'overridden':
      return `${reason.kind}(${reason.arg})`;
    case 'invalid':
      return `invalid(${reason.error.reason})`;
    case 'namedContext':
      return `namedContext(${reason.name}, ${reason.source} ${reason.value})`;
    case 'interpolated':
      return `interpolated(${reason.variable})`;
    default:
      return reason.kind;
  }
}

function parse(lines: string[], options?: DockerfileOptions): BuildFile {
  return parseDockerfile('Dockerfile', lines.join('\n'), options);
}

interface Case {
  name: string;
  lines: string[];
  options?: DockerfileOptions;
  uses: string[];
  units?: (string | undefined)[];
  diagnostics?: string[];
}

const cases: Case[] = [
  {
    name: 'multi-stage build with a stage name in COPY --from',
    lines: [
      'FROM node:22-slim AS build', //      node:22-slim at 5..17
      'WORKDIR /app',
      'FROM gcr.io/distroless/nodejs22', // 26 characters from 5
      'COPY --from=build /app /app', //     build at 12..17
    ],
    uses: [
      'from "node:22-slim" @0:5-0:17 → node:22-slim | pin "node:22-slim" @0:5-0:17',
      'from "gcr.io/distroless/nodejs22" @2:5-2:31 → gcr.io/distroless/nodejs22 | pin "gcr.io/distroless/nodejs22" @2:5-2:31',
      'copy-from "build" @3:12-3:17 → build | not stage(build)',
    ],
    units: ['build', undefined],
  },
  {
    name: 'global ARG default feeding exactly one FROM is the pin site',
    lines: ['ARG BASE=golang:1.23', 'FROM ${BASE} AS build', 'FROM alpine:3.20'],
    uses: [
      'from "${BASE}" @1:5-1:12 → golang:1.23 | pin "golang:1.23" @0:9-0:20 via BASE',
      'from "alpine:3.20" @2:5-2:16 → alpine:3.20 | pin "alpine:3.20" @2:5-2:16',
    ],
  },
  {
    name: 'a build-arg override replaces the default and moves the pin site out of the file',
    lines: ['ARG BASE=golang:1.23', 'FROM ${BASE} AS build'],
    options: { buildArgs: { BASE: 'golang:1.22' } },
    uses: ['from "${BASE}" @1:5-1:12 → golang:1.22 | not overridden(BASE)'],
  },
  {
    name: 'overrides apply only to declared ARGs',
    lines: ['FROM ${BASE:-alpine:3.20}'],
    options: { buildArgs: { BASE: 'busybox' } },
    // `${BASE:-` is 8 characters: the default starts at 5 + 8 = 13.
    uses: ['from "${BASE:-alpine:3.20}" @0:5-0:25 → alpine:3.20 | pin "alpine:3.20" @0:13-0:24'],
  },
  {
    name: 'an ARG shared by two images is not a pin site',
    lines: ['ARG IMG=alpine:3.20', 'FROM ${IMG} AS a', 'FROM $IMG AS b'],
    uses: [
      'from "${IMG}" @1:5-1:11 → alpine:3.20 | not sharedArg(IMG, 2)',
      'from "$IMG" @2:5-2:9 → alpine:3.20 | not sharedArg(IMG, 2)',
    ],
  },
  {
    name: 'a reference only partly from an ARG',
    lines: ['ARG V=22', 'FROM node:${V}-slim'],
    uses: ['from "node:${V}-slim" @1:5-1:19 → node:22-slim | not partialArg(V)'],
  },
  {
    name: 'global ARGs reach a stage only when redeclared',
    lines: [
      'ARG V=3.20',
      'FROM alpine:${V} AS a',
      'COPY --from=busybox:${V} / /', // 12..24
      'ARG V',
      'COPY --from=busybox:${V} / /',
    ],
    uses: [
      'from "alpine:${V}" @1:5-1:16 → alpine:3.20 | not partialArg(V)',
      'copy-from "busybox:${V}" @2:12-2:24 → ? | not unresolved(V, globalOnly)',
      'copy-from "busybox:${V}" @4:12-4:24 → busybox:3.20 | not partialArg(V)',
    ],
  },
  {
    name: 'stage ARG with its own default, ENV as a pin site',
    lines: [
      'FROM alpine:3.20',
      'ARG TOOLS="busybox:1.36"', // inside the quotes: 11..23
      'COPY --from=${TOOLS} / /',
      'ENV HELPER=debian:12',  // 11..20
      'RUN --mount=type=bind,from=$HELPER,target=/h true', // from= value at 27..34
    ],
    uses: [
      'from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16',
      'copy-from "${TOOLS}" @2:12-2:20 → busybox:1.36 | pin "busybox:1.36" @1:11-1:23 via TOOLS',
      'mount-from "$HELPER" @4:27-4:34 → debian:12 | pin "debian:12" @3:11-3:20 via HELPER',
    ],
  },
  {
    name: '--platform is kept, platform ARGs are unknown until build time',
    lines: ['FROM --platform=$BUILDPLATFORM golang:1.23 AS build', 'FROM alpine-${TARGETARCH}'],
    uses: [
      'from "golang:1.23" @0:31-0:42 → golang:1.23 | pin "golang:1.23" @0:31-0:42',
      'from "alpine-${TARGETARCH}" @1:5-1:25 → ? | not unresolved(TARGETARCH, platform)',
    ],
  },
  {
    name: 'FROM inside heredocs is not an instruction',
    lines: [
      'FROM alpine:3.20',
      'RUN <<EOF',
      'FROM evil:latest',
      'EOF',
      'RUN <<-EOT cat',
      '\tFROM evil2',
      '\tEOT',
      'COPY <<"EOF" /x',
      'FROM evil3',
      'EOF',
      'RUN <<A <<B',
      'FROM evil4',
      'A',
      'FROM evil5',
      'B',
      'FROM busybox:1.36',
    ],
    uses: [
      'from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16',
      'from "busybox:1.36" @15:5-15:17 → busybox:1.36 | pin "busybox:1.36" @15:5-15:17',
    ],
  },
  {
    name: 'the exec form takes no heredoc',
    lines: ['FROM alpine:3.20', 'RUN ["sh", "-c", "cat <<EOF"]', 'FROM busybox:1.36'],
    uses: [
      'from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16',
      'from "busybox:1.36" @2:5-2:17 → busybox:1.36 | pin "busybox:1.36" @2:5-2:17',
    ],
  },
  {
    name: 'backtick escape directive: backslashes are plain text, backticks continue lines',
    lines: [
      '# escape=`',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022 `', // 45 characters from 5
      '  AS build',
      'RUN dir C:\\',
      'FROM build',
    ],
    uses: [
      'from "mcr.microsoft.com/windows/servercore:ltsc2022" @1:5-1:50 → mcr.microsoft.com/windows/servercore:ltsc2022 | pin "mcr.microsoft.com/windows/servercore:ltsc2022" @1:5-1:50',
      'from "build" @4:5-4:10 → build | not stage(build)',
    ],
    units: ['build', undefined],
  },
  {
    name: 'keywords in any case; stage names compare case-insensitively in COPY --from',
    lines: ['from node:22 As Build', 'copy --from=build . .', 'CoPy --from=BUILD . .'],
    uses: [
      'from "node:22" @0:5-0:12 → node:22 | pin "node:22" @0:5-0:12',
      'copy-from "build" @1:12-1:17 → build | not stage(Build)',
      'copy-from "BUILD" @2:12-2:17 → BUILD | not stage(Build)',
    ],
    units: ['Build'],
  },
  {
    name: 'from= in a second --mount, and COPY with other flags before --from',
    lines: [
      'FROM alpine:3.20',
      'RUN --mount=type=cache,target=/root/.cache --mount=type=bind,from=golang:1.23,source=/usr/local/go,target=/go go version',
      'COPY --link --chown=1000:1000 --from=busybox:1.36 /bin/sh /sh', // --from= value at 37..49
    ],
    uses: [
      'from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16',
      'mount-from "golang:1.23" @1:66-1:77 → golang:1.23 | pin "golang:1.23" @1:66-1:77',
      'copy-from "busybox:1.36" @2:37-2:49 → busybox:1.36 | pin "busybox:1.36" @2:37-2:49',
    ],
  },
  {
    name: 'a quoted --mount value',
    lines: ['FROM alpine:3.20', 'RUN --mount="type=cache,from=node:22,target=/c" true'], // from= value at 29..36
    uses: [
      'from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16',
      'mount-from "node:22" @1:29-1:36 → node:22 | pin "node:22" @1:29-1:36',
    ],
  },
  {
    name: '# syntax= is an image use; directives only count at the top',
    lines: ['# syntax=docker/dockerfile:1.7', '# escape=\\', 'FROM alpine:3.20'],
    uses: [
      'syntax "docker/dockerfile:1.7" @0:9-0:30 → docker/dockerfile:1.7 | pin "docker/dockerfile:1.7" @0:9-0:30',
      'from "alpine:3.20" @2:5-2:16 → alpine:3.20 | pin "alpine:3.20" @2:5-2:16',
    ],
  },
  {
    name: 'spaced directive; a directive after a comment is only a comment',
    lines: ['#  Syntax = docker/dockerfile:1', 'FROM alpine:3.20', '# syntax=evil/frontend'],
    uses: [
      'syntax "docker/dockerfile:1" @0:12-0:31 → docker/dockerfile:1 | pin "docker/dockerfile:1" @0:12-0:31',
      'from "alpine:3.20" @1:5-1:16 → alpine:3.20 | pin "alpine:3.20" @1:5-1:16',
    ],
  },
  {
    name: 'no directive after a plain comment',
    lines: ['# build the app', '# syntax=docker/dockerfile:1', 'FROM alpine:3.20'],
    uses: ['from "alpine:3.20" @2:5-2:16 → alpine:3.20 | pin "alpine:3.20" @2:5-2:16'],
  },
  {
    name: 'continuations with flags, comments and blank lines inside',
    lines: ['FROM \\', '    --platform=linux/amd64 \\', '# a comment', '', '    python:3.12-slim \\', '    AS base'],
    uses: ['from "python:3.12-slim" @4:4-4:20 → python:3.12-slim | pin "python:3.12-slim" @4:4-4:20'],
    units: ['base'],
  },
  {
    name: 'scratch and numeric --from',
    lines: ['FROM golang:1.23', 'RUN go build -o /app', 'FROM scratch', 'COPY --from=0 /app /app'],
    uses: [
      'from "golang:1.23" @0:5-0:16 → golang:1.23 | pin "golang:1.23" @0:5-0:16',
      'from "scratch" @2:5-2:12 → scratch | not scratch',
      'copy-from "0" @3:12-3:13 → 0 | not stage(0)',
    ],
  },
  {
    name: 'COPY --from may name a later stage; FROM may not',
    lines: ['FROM later AS first', 'COPY --from=later / /', 'FROM alpine:3.20 AS later'],
    uses: [
      'from "later" @0:5-0:10 → later | pin "later" @0:5-0:10',
      'copy-from "later" @1:12-1:17 → later | not stage(later)',
      'from "alpine:3.20" @2:5-2:16 → alpine:3.20 | pin "alpine:3.20" @2:5-2:16',
    ],
  },
  {
    name: 'ARG without a value, and an undeclared variable',
    lines: ['ARG BASE', 'FROM $BASE AS a', 'FROM $NOPE AS b'],
    uses: [
      'from "$BASE" @1:5-1:10 → ? | not unresolved(BASE, noValue)',
      'from "$NOPE" @2:5-2:10 → ? | not unresolved(NOPE, undeclared)',
    ],
  },
  {
    name: 'an ARG without value given by an override',
    lines: ['ARG BASE', 'FROM $BASE'],
    options: { buildArgs: { BASE: 'alpine:3.20' } },
    uses: ['from "$BASE" @1:5-1:10 → alpine:3.20 | not overridden(BASE)'],
  },
  {
    name: 'substitution forms',
    lines: [
      'ARG EMPTY=',
      'ARG IMG=docker.io/library/node:22',
      'FROM ${EMPTY:-alpine}:3.20 AS a', //      :- on empty → default
      'FROM ${EMPTY-alpine}:3.20 AS b', //       - on set-but-empty → empty → ":3.20" is invalid
      'FROM ${IMG#docker.io/} AS c', //          shortest prefix removed
      'FROM ${IMG%%:*}:20 AS d', //              longest suffix removed
      'FROM ${IMG/node/python} AS e',
      'FROM ${IMG:+busybox}:1 AS f',
      'FROM ${UNSET+busybox}alpine AS g',
    ],
    uses: [
      'from "${EMPTY:-alpine}:3.20" @2:5-2:26 → alpine:3.20 | not partialArg(EMPTY)',
      'from "${EMPTY-alpine}:3.20" @3:5-3:25 → :3.20 | not invalid(invalidName)',
      'from "${IMG#docker.io/}" @4:5-4:22 → library/node:22 | not partialArg(IMG)',
      'from "${IMG%%:*}:20" @5:5-5:18 → docker.io/library/node:20 | not partialArg(IMG)',
      'from "${IMG/node/python}" @6:5-6:23 → docker.io/library/python:22 | not partialArg(IMG)',
      // `${IMG:+busybox}` yields the literal "busybox" written at 12..19, then ":1" at 20..22: two runs.
      'from "${IMG:+busybox}:1" @7:5-7:22 → busybox:1 | not partialArg(IMG)',
      'from "${UNSET+busybox}alpine" @8:5-8:27 → alpine | pin "alpine" @8:21-8:27',
    ],
    diagnostics: ['invalid-reference @3:5-3:25'],
  },
  {
    name: '${X:?message} on an unset variable',
    lines: ['ARG BASE', 'FROM ${BASE:?required}'],
    uses: ['from "${BASE:?required}" @1:5-1:22 → ? | not unresolved(BASE, error)'],
    diagnostics: ['bad-substitution @1:5-1:22'],
  },
  {
    name: 'CRLF line endings',
    lines: ['FROM alpine:3.20 AS a\r', 'FROM a\r', ''],
    uses: [
      'from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16',
      'from "a" @1:5-1:6 → a | not stage(a)',
    ],
  },
  {
    name: 'an unterminated heredoc swallows the rest, with a diagnostic',
    lines: ['FROM alpine:3.20', 'RUN <<EOF', 'FROM evil'],
    uses: ['from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16'],
    diagnostics: ['unterminated-heredoc @1:4-1:9'],
  },
  {
    name: 'broken FROM lines still yield what can be read',
    lines: ['RUN echo early', 'FROM', 'FROM alpine:3.20 AS', 'FROM busybox:1.36 extra'],
    uses: [
      'from "alpine:3.20" @2:5-2:16 → alpine:3.20 | pin "alpine:3.20" @2:5-2:16',
      'from "busybox:1.36" @3:5-3:17 → busybox:1.36 | pin "busybox:1.36" @3:5-3:17',
    ],
    diagnostics: [
      'instruction-before-from @0:0-0:3',
      'from-without-image @1:0-1:4',
      'invalid-stage-name @2:17-2:19',
      'from-extra-arguments @3:18-3:23',
    ],
  },
  {
    name: 'an unterminated ${ is reported, not thrown',
    lines: ['FROM alpine:${V'],
    uses: ['from "alpine:${V" @0:5-0:15 → alpine: | not invalid(invalidTag)'],
    diagnostics: ['bad-substitution @0:12-0:15', 'invalid-reference @0:5-0:15'],
  },
  {
    name: 'ONBUILD instructions are not this build\'s images',
    lines: ['FROM alpine:3.20', 'ONBUILD COPY --from=busybox:1.36 / /'],
    uses: ['from "alpine:3.20" @0:5-0:16 → alpine:3.20 | pin "alpine:3.20" @0:5-0:16'],
  },
  {
    name: 'build arguments written in a Bake or Compose file: the pin goes there, once per argument',
    lines: [
      'ARG BASE', //                    no default: only the override gives it a value
      'ARG TOOLS=busybox:1.36',
      'FROM ${BASE} AS a', //           ${BASE} at 5..12
      'FROM ${TOOLS} AS b', //          overridden without a site (a computed value)
      'FROM $BASE AS c',
    ],
    options: {
      buildArgs: {
        BASE: { value: 'golang:1.23', site: { file: 'docker-bake.hcl', range: { start: { line: 4, character: 16 }, end: { line: 4, character: 27 } }, text: 'golang:1.23' } },
        TOOLS: 'busybox:1.37',
      },
    },
    uses: [
      'from "${BASE}" @2:5-2:12 → golang:1.23 | not sharedArg(BASE, 2)',
      'from "${TOOLS}" @3:5-3:13 → busybox:1.37 | not overridden(TOOLS)',
      'from "$BASE" @4:5-4:10 → golang:1.23 | not sharedArg(BASE, 2)',
    ],
  },
  {
    name: 'one build argument feeding one image is pinned in the file that passes it',
    lines: ['ARG BASE=alpine:3.20', 'FROM ${BASE}'],
    options: { buildArgs: { BASE: { value: 'golang:1.23', site: { file: 'compose.yaml', range: { start: { line: 6, character: 14 }, end: { line: 6, character: 25 } }, text: 'golang:1.23' } } } },
    uses: ['from "${BASE}" @1:5-1:12 → golang:1.23 | pin "golang:1.23" @compose.yaml:6:14-6:25 via BASE'],
  },
  {
    name: 'named contexts replace images by familiar name, never stages; a context named like a stage replaces it',
    lines: [
      'FROM docker.io/library/golang:latest AS build', // golang:latest → context "golang"
      'FROM alpine:3.20 AS Base', //                      context "base" replaces this stage (BuildKit lowercases stage names)
      'FROM build AS test', //                            a stage: stages come before contexts
      'COPY --from=tools /bin/x /bin/x', //               a local context: files, not an image
      'RUN --mount=from=cache,target=/c true', //          another target's output
      'FROM node:22',
    ],
    options: {
      contexts: {
        golang: { kind: 'image', value: 'golang:1.23', site: { file: 'docker-bake.hcl', range: { start: { line: 9, character: 32 }, end: { line: 9, character: 43 } }, text: 'golang:1.23' } },
        base: { kind: 'image', value: 'alpine:3.21', variable: 'ALPINE' }, // replaces the stage "AS Base" too: names compare lowercased
        tools: { kind: 'local', value: './tools' },
        cache: { kind: 'build', name: 'warm-cache' },
        'node:22': { kind: 'image', value: 'node:22@sha256:' + 'd'.repeat(64), site: { file: 'compose.yaml', range: { start: { line: 3, character: 24 }, end: { line: 3, character: 102 } }, text: 'node:22@sha256:' + 'd'.repeat(64) } },
      },
    },
    uses: [
      'from "docker.io/library/golang:latest" @0:5-0:36 → golang:1.23 | pin "golang:1.23" @docker-bake.hcl:9:32-9:43',
      'from "alpine:3.20" @1:5-1:16 → alpine:3.21 | not interpolated(ALPINE)',
      'from "build" @2:5-2:10 → build | not stage(build)',
      'copy-from "tools" @3:12-3:17 → ./tools | not namedContext(tools, local ./tools)',
      'mount-from "cache" @4:17-4:22 → warm-cache | not namedContext(cache, build warm-cache)',
      `from "node:22" @5:5-5:12 → node:22@sha256:${'d'.repeat(64)} | pin "node:22@sha256:${'d'.repeat(64)}" @compose.yaml:3:24-3:102`,
    ],
  },
];

describe('unit: Dockerfile model', () => {
  for (const c of cases) {
    it(c.name, () => {
      const file = parse(c.lines, c.options);
      assert.deepEqual(file.uses.map(summarize), c.uses);
      if (c.units) assert.deepEqual(file.units.map((u) => u.name), c.units);
      assert.deepEqual(
        file.diagnostics.map((d) => `${d.code} @${at(d.range)}`),
        c.diagnostics ?? [],
      );
    });
  }

  it('links each use to its stage and keeps the whole FROM line as the stage range', () => {
    const file = parse(['# syntax=docker/dockerfile:1', 'FROM golang:1.23 AS build', 'RUN --mount=from=alpine:3.20 true', 'FROM scratch', 'COPY --from=build /app /']);
    assert.deepEqual(file.uses.map((u) => u.unit), [undefined, 0, 0, 1, 1]);
    assert.deepEqual(file.units.map((u) => at(u.range)), ['1:0-1:25', '3:0-3:12']);
  });

  it('parses the reference: Docker Hub names get library/ and docker.io', () => {
    const [use] = parse(['FROM node:22-slim']).uses;
    assert.equal(use?.reference?.registry, 'docker.io');
    assert.equal(use?.reference?.repository, 'library/node');
    assert.equal(use?.reference?.tag, '22-slim');
  });

  it('sees an existing pin', () => {
    const digest = 'sha256:' + 'ab'.repeat(32);
    const [use] = parse([`FROM node:22@${digest}`]).uses;
    assert.equal(use?.reference?.digest, digest);
    assert.equal(use?.reference?.tag, '22');
  });

  it('never throws and keeps every range on the text it names, whatever the input', () => {
    const fragments = [
      'FROM ', 'from ', 'ARG ', 'ENV ', 'COPY ', 'RUN ', 'ONBUILD ', 'AS ', ' as ', '--from=', '--mount=', 'type=bind,',
      'from=', '--platform=', '$', '${', '}', ':-', ':+', ':?', '#', '##', '%', '/', '=', '"', "'", '\\', '`', '\n', '\r\n',
      '\r', ' ', '\t', '<<', '<<-', 'EOF', '# syntax=', '# escape=`', 'alpine', ':3.20', '@sha256:', 'a'.repeat(64), 'X',
      'node', 'scratch', '0', '[', ']', ',', '\uFEFF', 'é', '😀',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), fc.string({ maxLength: 20 }), (parts, noise) => {
        const text = parts.join('') + noise;
        const file = parseDockerfile('Dockerfile', text, { buildArgs: { X: 'busybox' } });
        const lines = new LineIndex(text);
        const slice = (r: Range) => text.slice(lines.offset(r.start), lines.offset(r.end));
        for (const use of file.uses) {
          assert.equal(slice(use.range), use.text);
          if (use.pin.pinnable) assert.equal(slice(use.pin.range), use.pin.text);
        }
        for (const d of file.diagnostics) assert.ok(lines.offset(d.range.start) <= lines.offset(d.range.end));
      }),
      { numRuns: 3000 },
    );
  });
});

// Each file below is far larger than any real one. The reader takes 1-2 s on the first two and 0.2 s on the
// third on the 2-core development machine; the old code, quadratic in their size (a scan of every earlier stage
// for each FROM, of every stage name for each platform-named --from, a copy of the stage's variables for each
// ENV), took 17, 27 and 47 s in one run under load. The bounds leave room for a loaded machine and still fail that.
describe('unit: Dockerfile model at scale (linear in stages and instructions)', () => {
  function timed<T>(run: () => T): { value: T; ms: number } {
    const start = performance.now();
    const value = run();
    return { value, ms: performance.now() - start };
  }

  it('reads 40,000 stages, each copying from the one before, and links the last to the first', () => {
    const lines = ['FROM alpine:3.20 AS s0'];
    for (let i = 1; i < 40_000; i++) lines.push(`FROM alpine:3.20 AS s${i}`, `COPY --from=s${i - 1} /a /a`);
    const { value: file, ms } = timed(() => parse(lines, { build: {} }));
    assert.ok(ms < 8000, `${ms.toFixed(0)} ms`);
    assert.equal(file.units.length, 40_000);
    // Every stage is built: the last reaches the first through 39,999 COPY --from.
    assert.ok(file.uses.every((u) => u.kind === 'copy-from' || u.pin.pinnable), 'a FROM marked not built');
    assert.equal(summarize(file.uses.at(-1)!), 'copy-from "s39998" @79998:12-79998:18 → s39998 | not stage(s39998)');
  });

  it('reads 30,000 stages, half named after platforms, half copying from one of those by $TARGETOS', () => {
    const lines: string[] = [];
    for (let i = 0; i < 15_000; i++) lines.push(`FROM alpine AS bin${i}-linux`);
    for (let i = 0; i < 15_000; i++) lines.push(`FROM alpine AS out${i}`, 'ARG TARGETOS', `COPY --from=bin${i}-$TARGETOS /a /a`);
    const { value: file, ms } = timed(() => parse(lines, { build: { target: 'out14999', platforms: ['linux/amd64'] } }));
    assert.ok(ms < 8000, `${ms.toFixed(0)} ms`);
    const copies = file.uses.filter((u) => u.kind === 'copy-from');
    assert.equal(copies.length, 15_000);
    const last = copies.at(-1)!.pin;
    assert.deepEqual(!last.pinnable && last.reason.kind === 'stage' && last.reason.byPlatform, ['bin14999-linux']);
    // The target builds its own and only its own platform stage.
    const built = file.uses.filter((u) => u.kind === 'from' && u.pin.pinnable).map((u) => file.units[u.unit!]!.name);
    assert.deepEqual(built, ['bin14999-linux', 'out14999']);
  });

  it('matches a platform name against whole stage names, in the file’s order', () => {
    const file = parse(['FROM alpine AS b10-linux', 'FROM alpine AS b1-windows', 'FROM alpine AS b1-linux', 'FROM alpine', 'ARG TARGETOS', 'COPY --from=b1-$TARGETOS / /']);
    const pin = file.uses.at(-1)!.pin;
    assert.deepEqual(!pin.pinnable && pin.reason.kind === 'stage' && pin.reason.byPlatform, ['b1-windows', 'b1-linux']);
  });

  it('reads 20,000 ENV instructions in one stage, each seeing the values before it', () => {
    const lines = ['FROM alpine', 'ENV IMAGE=busybox:1.36'];
    for (let i = 0; i < 20_000; i++) lines.push(`ENV E${i}=${i} IMAGE=\${IMAGE}`);
    lines.push('COPY --from=$IMAGE / /');
    const { value: file, ms } = timed(() => parse(lines));
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
    assert.equal(file.uses.at(-1)?.resolved, 'busybox:1.36');
  });
});
