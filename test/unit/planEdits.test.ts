import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseBake } from '../../src/bake/parseBake';
import { parseCompose } from '../../src/compose/parseCompose';
import { parseDockerfile } from '../../src/dockerfile/parseDockerfile';
import type { BuildFile, ImageUse, Range } from '../../src/model/buildFile';
import { applyEdits, planPin, planPinAll, planUnpin, type PinEdit, type PinPlan, type UseAt } from '../../src/pin/planEdits';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';

// Unit tier: the pin planner over real parser output. Every expected text below is written by hand from
// the design's pin format (`name:tag@sha256:<hex>` at the pin site, nothing else touched); the inputs are
// the shapes issue 5 names (flags, `AS`, ARG-driven FROM, quoting and comments in YAML, Bake HCL and JSON).

const D1 = `sha256:${'a1'.repeat(32)}`;
const D2 = `sha256:${'b2'.repeat(32)}`;
const D3 = `sha256:${'c3'.repeat(32)}`;
const OLD = `sha256:${'0'.repeat(64)}`;

const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Where the use to pin is read from: a file on its own, or a Dockerfile as a Compose/Bake build sees it. */
type Source =
  | { readonly kind: 'dockerfile' | 'compose' | 'bake'; readonly path: string }
  | { readonly kind: 'linked'; readonly owner: string; readonly ownerKind: 'compose' | 'bake'; readonly build: number };

type Files = Readonly<Record<string, string>>;

function model(files: Files, source: Source): BuildFile {
  const readFile = (p: string) => files[p];
  switch (source.kind) {
    case 'dockerfile':
      return parseDockerfile(source.path, files[source.path]!);
    case 'compose':
      return parseCompose(source.path, files[source.path]!, { readFile });
    case 'bake':
      return parseBake(source.path, files[source.path]!, { readFile });
    case 'linked': {
      const owner = model(files, { kind: source.ownerKind, path: source.owner });
      const build = owner.builds![source.build]!;
      return parseDockerfile(build.dockerfile!, files[build.dockerfile!]!, { buildArgs: build.args, contexts: build.contexts });
    }
  }
}

/** The `nth` use whose text as written is `text`. */
function pick(file: BuildFile, text: string, nth = 0): ImageUse {
  const use = file.uses.filter((u) => u.text === text)[nth];
  assert.ok(use, `no use ${JSON.stringify(text)} in ${file.path}: ${file.uses.map((u) => u.text).join(', ')}`);
  return use;
}

/** The files after applying a plan's edit (unchanged when it has none); fails when the plan refuses. */
function applied(files: Files, plan: PinPlan): Files {
  assert.ok(plan.ok, `refused: ${JSON.stringify(!plan.ok && plan.reason)}`);
  if (!plan.edit) return files;
  const { text, skipped } = applyEdits(files[plan.edit.path]!, [plan.edit]);
  assert.deepEqual(skipped, []);
  return { ...files, [plan.edit.path]: text };
}

interface Case {
  readonly name: string;
  readonly files: Files;
  readonly source: Source;
  /** The use's text as written, and which of several such uses. */
  readonly use: string;
  readonly nth?: number;
  /** The files the pin to D1 changes, in full. */
  readonly pinned: Files;
}

const DF = '/p/Dockerfile';
const COMPOSE = '/p/compose.yaml';
const HCL = '/p/docker-bake.hcl';
const JSON_BAKE = '/p/docker-bake.json';
const dockerfile = (use: string, before: string, after: string, nth?: number): Case => ({
  name: `Dockerfile ${JSON.stringify(before)}`,
  files: { [DF]: before },
  source: { kind: 'dockerfile', path: DF },
  use,
  ...(nth !== undefined ? { nth } : {}),
  pinned: { [DF]: after },
});

const composeArgs = [
  'services:',
  '  api:',
  '    build:',
  '      context: .',
  '      args:',
  '        BASE: "node:22-slim" # LTS',
  '',
].join('\n');

const bakeHcl = [
  'variable "IMG" {',
  '  default = "docker-image://python:3.12-slim"',
  '}',
  'target "app" {',
  '  contexts = {',
  '    golang = "docker-image://golang:1.23" // toolchain',
  '    py = IMG',
  '  }',
  '  args = { BASE = "node:22-slim", OTHER = "x" }',
  '}',
  '',
].join('\n');
const bakeHclDockerfile = 'ARG BASE=node:20\nFROM ${BASE} AS app\nFROM golang AS tools\nFROM py\n';

const bakeJson = `{
  "target": {
    "app": {
      "contexts": { "golang": "docker-image://golang:1.23" },
      "args": { "BASE": "node:22-slim" }
    }
  }
}
`;

const cases: Case[] = [
  dockerfile('golang:1.23', 'FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n', `FROM --platform=$BUILDPLATFORM golang:1.23@${D1} AS build\n`),
  dockerfile('golang:1.23', 'from  --platform=linux/arm64   golang:1.23   as   Build  \n', `from  --platform=linux/arm64   golang:1.23@${D1}   as   Build  \n`),
  dockerfile('busybox:1.36', 'FROM alpine:3.20\nCOPY --chown=1:1 --from=busybox:1.36 --link /bin/busybox /bin/\n', `FROM alpine:3.20\nCOPY --chown=1:1 --from=busybox:1.36@${D1} --link /bin/busybox /bin/\n`),
  dockerfile(
    'debian:12',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/root,from=debian:12,source=/x echo hi\n',
    `FROM alpine:3.20\nRUN --mount=type=cache,target=/root,from=debian:12@${D1},source=/x echo hi\n`,
  ),
  dockerfile('docker/dockerfile:1.7', '# syntax=docker/dockerfile:1.7\nFROM alpine:3.20\n', `# syntax=docker/dockerfile:1.7@${D1}\nFROM alpine:3.20\n`),
  // an ARG default that feeds exactly this image is where the digest goes; the FROM line stays as written
  dockerfile('$BASE', 'ARG BASE=node:22-slim\nFROM $BASE AS app\n', `ARG BASE=node:22-slim@${D1}\nFROM $BASE AS app\n`),
  dockerfile('${BASE}', 'ARG BASE="node:22-slim"\nFROM ${BASE}\n', `ARG BASE="node:22-slim@${D1}"\nFROM \${BASE}\n`),
  // a stale pin is replaced, not stacked
  dockerfile(`golang:1.23@${OLD}`, `FROM golang:1.23@${OLD} AS build\n`, `FROM golang:1.23@${D1} AS build\n`),
  dockerfile('"redis:7"', 'FROM alpine:3.20\nFROM "redis:7" AS q\n', `FROM alpine:3.20\nFROM "redis:7@${D1}" AS q\n`),
  // no tag: the implied `latest` is written out, so the pin still says which tag it follows
  dockerfile('docker.io/library/nginx', 'FROM docker.io/library/nginx\n', `FROM docker.io/library/nginx:latest@${D1}\n`),
  dockerfile('localhost:5000/app', 'FROM localhost:5000/app\n', `FROM localhost:5000/app:latest@${D1}\n`),
  // digest only: the form is kept
  dockerfile(`nginx@${OLD}`, `FROM nginx@${OLD}\n`, `FROM nginx@${D1}\n`),
  // a word continued over two lines: the digest goes at its end
  dockerfile('nod\\\ne:22', 'FROM nod\\\ne:22 AS a\n', `FROM nod\\\ne:22@${D1} AS a\n`),
  // quotes splitting the word: the digest goes after the word as written, still one shell word
  dockerfile('"node":20', 'FROM "node":20\n', `FROM "node":20@${D1}\n`),
  dockerfile("'node:20'", "FROM 'node:20' AS n\n", `FROM 'node:20@${D1}' AS n\n`),
  dockerfile('nod`\ne:22', '# escape=`\nFROM nod`\ne:22\n', `# escape=\`\nFROM nod\`\ne:22@${D1}\n`),
  dockerfile('alpine:3.20', 'FROM node:22 AS a\r\nCOPY --from=alpine:3.20 / /\r\n', `FROM node:22 AS a\r\nCOPY --from=alpine:3.20@${D1} / /\r\n`),
  // UTF-16 columns: the emoji before the reference on its line counts twice
  dockerfile('alpine:3.20', 'FROM node:22\nRUN --mount=target=/😀,from=alpine:3.20 true\n', `FROM node:22\nRUN --mount=target=/😀,from=alpine:3.20@${D1} true\n`),
  {
    name: 'Compose: image with a comment after it',
    files: { [COMPOSE]: 'services:\n  web:\n    image: nginx:1.27 # the proxy\n' },
    source: { kind: 'compose', path: COMPOSE },
    use: 'nginx:1.27',
    pinned: { [COMPOSE]: `services:\n  web:\n    image: nginx:1.27@${D1} # the proxy\n` },
  },
  {
    name: 'Compose: double-quoted image',
    files: { [COMPOSE]: 'services:\n  db:\n    image: "postgres:16"\n' },
    source: { kind: 'compose', path: COMPOSE },
    use: 'postgres:16',
    pinned: { [COMPOSE]: `services:\n  db:\n    image: "postgres:16@${D1}"\n` },
  },
  {
    name: 'Compose: single-quoted image with a stale pin',
    files: { [COMPOSE]: `services:\n  cache:\n    image: 'redis:7@${OLD}'\n` },
    source: { kind: 'compose', path: COMPOSE },
    use: `redis:7@${OLD}`,
    pinned: { [COMPOSE]: `services:\n  cache:\n    image: 'redis:7@${D1}'\n` },
  },
  {
    name: 'Compose: flow mapping service',
    files: { [COMPOSE]: 'services: {web: {image: nginx:1.27, ports: ["80:80"]}}\n' },
    source: { kind: 'compose', path: COMPOSE },
    use: 'nginx:1.27',
    pinned: { [COMPOSE]: `services: {web: {image: nginx:1.27@${D1}, ports: ["80:80"]}}\n` },
  },
  {
    name: 'Compose: additional_contexts docker-image:// (map form)',
    files: { [COMPOSE]: 'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        golang: docker-image://golang:1.23 # toolchain\n' },
    source: { kind: 'compose', path: COMPOSE },
    use: 'golang:1.23',
    pinned: { [COMPOSE]: `services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        golang: docker-image://golang:1.23@${D1} # toolchain\n` },
  },
  {
    name: 'Compose: additional_contexts docker-image:// (quoted list form)',
    files: { [COMPOSE]: 'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        - "alp=docker-image://alpine:3.20"\n' },
    source: { kind: 'compose', path: COMPOSE },
    use: 'alpine:3.20',
    pinned: { [COMPOSE]: `services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        - "alp=docker-image://alpine:3.20@${D1}"\n` },
  },
  {
    name: 'Compose: build.args value that feeds a FROM (pinned in the Compose file)',
    files: { [COMPOSE]: composeArgs, [DF]: 'ARG BASE=node:20\nFROM ${BASE} AS app\n' },
    source: { kind: 'linked', owner: COMPOSE, ownerKind: 'compose', build: 0 },
    use: '${BASE}',
    pinned: { [COMPOSE]: composeArgs.replace('"node:22-slim"', `"node:22-slim@${D1}"`) },
  },
  {
    name: 'Compose: a context that replaces FROM (pinned in the Compose file)',
    files: { [COMPOSE]: 'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        golang: docker-image://golang:1.23\n', [DF]: 'FROM golang AS tools\n' },
    source: { kind: 'linked', owner: COMPOSE, ownerKind: 'compose', build: 0 },
    use: 'golang',
    pinned: { [COMPOSE]: `services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        golang: docker-image://golang:1.23@${D1}\n` },
  },
  {
    name: 'Bake HCL: contexts docker-image:// with a comment',
    files: { [HCL]: bakeHcl },
    source: { kind: 'bake', path: HCL },
    use: 'golang:1.23',
    pinned: { [HCL]: bakeHcl.replace('golang:1.23"', `golang:1.23@${D1}"`) },
  },
  {
    name: 'Bake HCL: a context through a variable default (pinned in the default)',
    files: { [HCL]: bakeHcl },
    source: { kind: 'bake', path: HCL },
    use: 'IMG',
    pinned: { [HCL]: bakeHcl.replace('python:3.12-slim"', `python:3.12-slim@${D1}"`) },
  },
  {
    name: 'Bake HCL: args value that feeds a FROM',
    files: { [HCL]: bakeHcl, [DF]: bakeHclDockerfile },
    source: { kind: 'linked', owner: HCL, ownerKind: 'bake', build: 0 },
    use: '${BASE}',
    pinned: { [HCL]: bakeHcl.replace('BASE = "node:22-slim"', `BASE = "node:22-slim@${D1}"`) },
  },
  {
    name: 'Bake HCL: a context that replaces FROM',
    files: { [HCL]: bakeHcl, [DF]: bakeHclDockerfile },
    source: { kind: 'linked', owner: HCL, ownerKind: 'bake', build: 0 },
    use: 'py',
    pinned: { [HCL]: bakeHcl.replace('python:3.12-slim"', `python:3.12-slim@${D1}"`) },
  },
  {
    name: 'Bake JSON: contexts docker-image://',
    files: { [JSON_BAKE]: bakeJson },
    source: { kind: 'bake', path: JSON_BAKE },
    use: 'golang:1.23',
    pinned: { [JSON_BAKE]: bakeJson.replace('golang:1.23"', `golang:1.23@${D1}"`) },
  },
  {
    name: 'Bake JSON: args value that feeds a FROM',
    files: { [JSON_BAKE]: bakeJson, [DF]: 'ARG BASE\nFROM $BASE\n' },
    source: { kind: 'linked', owner: JSON_BAKE, ownerKind: 'bake', build: 0 },
    use: '$BASE',
    pinned: { [JSON_BAKE]: bakeJson.replace('"node:22-slim"', `"node:22-slim@${D1}"`) },
  },
];

describe('pin planner (unit): one use pinned, real parser output', () => {
  for (const c of cases) {
    it(`${c.name} → ${JSON.stringify(c.use)}@D1`, () => {
      const use = pick(model(c.files, c.source), c.use, c.nth);
      const path = model(c.files, c.source).path;
      const after = applied(c.files, planPin(use, D1, path));
      const changed = Object.fromEntries(Object.entries(after).filter(([p, t]) => c.files[p] !== t));
      assert.deepEqual(changed, c.pinned);
    });
  }

  it('edits only the reference: range and expected text are the pin site', () => {
    // 'RUN --mount=target=/😀,from=alpine:3.20 true': `from=` ends at UTF-16 column 28 (the emoji is 2 units)
    const file = parseDockerfile(DF, 'FROM node:22\nRUN --mount=target=/😀,from=alpine:3.20 true\n');
    const plan = planPin(pick(file, 'alpine:3.20'), D1, DF);
    assert.deepEqual(plan, {
      ok: true,
      edit: { path: DF, range: { start: { line: 1, character: 28 }, end: { line: 1, character: 39 } }, expected: 'alpine:3.20', newText: `alpine:3.20@${D1}` },
    });
    // ARG BASE=node:22-slim: the default at 9..21 of line 0, not the FROM at line 1
    const viaArg = planPin(pick(parseDockerfile(DF, 'ARG BASE=node:22-slim\nFROM $BASE\n'), '$BASE'), D1, DF);
    assert.equal(viaArg.ok && at(viaArg.edit!.range), '0:9-0:21');
  });

  it('says nothing is to do when the use is already pinned to that digest', () => {
    const file = parseDockerfile(DF, `FROM golang:1.23@${D1}\n`);
    assert.deepEqual(planPin(pick(file, `golang:1.23@${D1}`), D1, DF), { ok: true, edit: undefined });
  });
});

describe('pin planner (unit): refusals', () => {
  const refusal = (plan: PinPlan) => (plan.ok ? 'ok' : plan.reason.kind === 'notPinnable' ? `notPinnable ${plan.reason.reason.kind}` : plan.reason.kind);
  const table: [name: string, files: Files, source: Source, use: string, expected: string][] = [
    ['an ARG default shared by two images', { [DF]: 'ARG SHARED=alpine:3.20\nFROM $SHARED\nFROM ${SHARED} AS b\n' }, { kind: 'dockerfile', path: DF }, '$SHARED', 'notPinnable sharedArg'],
    ['a reference only partly from an ARG', { [DF]: 'ARG TAG=3.12\nFROM python:$TAG\n' }, { kind: 'dockerfile', path: DF }, 'python:$TAG', 'notPinnable partialArg'],
    ['scratch', { [DF]: 'FROM scratch\n' }, { kind: 'dockerfile', path: DF }, 'scratch', 'notPinnable scratch'],
    ['a stage', { [DF]: 'FROM alpine:3.20 AS build\nFROM build\nCOPY --from=0 / /\n' }, { kind: 'dockerfile', path: DF }, 'build', 'notPinnable stage'],
    ['an ARG without a value', { [DF]: 'ARG BASE\nFROM $BASE\n' }, { kind: 'dockerfile', path: DF }, '$BASE', 'notPinnable unresolved'],
    ['Compose image: next to build: (the output name)', { [COMPOSE]: 'services:\n  app:\n    build: .\n    image: acme/app:1\n' }, { kind: 'compose', path: COMPOSE }, 'acme/app:1', 'notPinnable buildOutput'],
    ['Compose image: with a variable', { [COMPOSE]: 'services:\n  app:\n    image: ${REGISTRY:-ghcr.io}/app:1\n' }, { kind: 'compose', path: COMPOSE }, '${REGISTRY:-ghcr.io}/app:1', 'notPinnable interpolated'],
  ];
  for (const [name, files, source, text, expected] of table) {
    it(`pin refuses ${name}: ${expected}`, () => {
      const file = model(files, source);
      assert.equal(refusal(planPin(pick(file, text), D1, file.path)), expected);
      assert.equal(refusal(planUnpin(pick(file, text), file.path)), expected);
    });
  }

  // Parsed inside each test, not while the file loads: code run at load time is a static mutant to
  // Stryker, which then reruns every test for each of its mutants (`npm run mutate`).
  const nginx = () => pick(parseDockerfile(DF, 'FROM nginx:1.27\n'), 'nginx:1.27');
  for (const digest of [`sha256:${'A1'.repeat(32)}`, `sha256:${'a'.repeat(63)}`, `sha256:${'a'.repeat(65)}`, `sha512:${'a'.repeat(128)}`, 'a'.repeat(64), `sha256:${'g'.repeat(64)}`, '', ` ${D1}`]) {
    it(`pin refuses the digest ${JSON.stringify(digest.length > 20 ? `${digest.slice(0, 12)}…(${digest.length})` : digest)}`, () => {
      assert.deepEqual(planPin(nginx(), digest, DF), { ok: false, reason: { kind: 'invalidDigest', digest } });
    });
  }

  it('unpin refuses a digest-only reference: without the digest it would pull `latest`', () => {
    const use = pick(parseDockerfile(DF, `FROM nginx@${OLD}\n`), `nginx@${OLD}`);
    assert.deepEqual(planUnpin(use, DF), { ok: false, reason: { kind: 'noTag' } });
  });

  it('refuses a site whose text disagrees with the reference about the digest (a model inconsistency)', () => {
    const use = pick(parseDockerfile(DF, 'FROM nginx:1.27\n'), 'nginx:1.27');
    const broken: ImageUse = { ...use, reference: { ...use.reference!, digest: OLD } };
    assert.deepEqual(planPin(broken, D1, DF), { ok: false, reason: { kind: 'siteMismatch', text: 'nginx:1.27' } });
    const noReference: ImageUse = { ...use, reference: undefined };
    assert.deepEqual(planUnpin(noReference, DF), { ok: false, reason: { kind: 'noReference' } });
  });
});

describe('pin planner (unit): unpin', () => {
  const table: [before: string, use: string, after: string | undefined][] = [
    [`FROM --platform=$BUILDPLATFORM golang:1.23@${OLD} AS build\n`, `golang:1.23@${OLD}`, 'FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n'],
    [`ARG BASE=node:22-slim@${OLD}\nFROM $BASE\n`, '$BASE', 'ARG BASE=node:22-slim\nFROM $BASE\n'],
    [`FROM alpine:3.20\nCOPY --from="busybox:1.36@${OLD}" / /\n`, `"busybox:1.36@${OLD}"`, 'FROM alpine:3.20\nCOPY --from="busybox:1.36" / /\n'],
    // not pinned: nothing to do
    ['FROM node:22\n', 'node:22', undefined],
  ];
  for (const [before, text, after] of table) {
    it(`${JSON.stringify(before)} → ${JSON.stringify(after ?? 'unchanged')}`, () => {
      const plan = planUnpin(pick(parseDockerfile(DF, before), text), DF);
      assert.equal(applied({ [DF]: before }, plan)[DF], after ?? before);
      assert.equal(plan.ok && plan.edit === undefined, after === undefined);
    });
  }
  it('keeps quoting and comments in YAML', () => {
    const before = `services:\n  db:\n    image: "postgres:16@${OLD}" # pinned by hand\n`;
    const plan = planUnpin(pick(parseCompose(COMPOSE, before), `postgres:16@${OLD}`), COMPOSE);
    assert.equal(applied({ [COMPOSE]: before }, plan)[COMPOSE], 'services:\n  db:\n    image: "postgres:16" # pinned by hand\n');
  });
});

describe('pin planner (unit): applyEdits', () => {
  const text = 'FROM node:22 AS a\nCOPY --from=alpine:3.20 / /\n';
  const edit = (line: number, from: number, to: number, expected: string, newText: string): PinEdit => ({
    path: DF,
    range: { start: { line, character: from }, end: { line, character: to } },
    expected,
    newText,
  });
  const node = edit(0, 5, 12, 'node:22', `node:22@${D1}`);
  const alpine = edit(1, 12, 23, 'alpine:3.20', `alpine:3.20@${D2}`);

  it('applies edits from last to first, whatever order they come in', () => {
    assert.deepEqual(applyEdits(text, [node, alpine]), { text: `FROM node:22@${D1} AS a\nCOPY --from=alpine:3.20@${D2} / /\n`, skipped: [] });
    assert.deepEqual(applyEdits(text, [alpine, node]), { text: `FROM node:22@${D1} AS a\nCOPY --from=alpine:3.20@${D2} / /\n`, skipped: [] });
  });
  it('skips an edit whose range no longer holds the expected text, applies the rest', () => {
    const changed = text.replace('node:22', 'node:24');
    assert.deepEqual(applyEdits(changed, [node, alpine]), { text: `FROM node:24 AS a\nCOPY --from=alpine:3.20@${D2} / /\n`, skipped: [node] });
  });
  it('skips ranges outside the text: a line past the end, a character past the line', () => {
    const pastEnd = edit(5, 0, 1, 'F', 'G');
    const pastLine = edit(0, 17, 19, '\nC', 'xx');
    const backwards = edit(0, 12, 5, '', 'x');
    assert.deepEqual(applyEdits(text, [pastEnd, pastLine, backwards]), { text, skipped: [pastEnd, pastLine, backwards] });
  });
  it('skips the later of two overlapping edits; applies an exact duplicate once', () => {
    const overlapping = edit(0, 10, 15, '22 AS', '24 AS');
    assert.deepEqual(applyEdits(text, [node, overlapping, node]), { text: `FROM node:22@${D1} AS a\nCOPY --from=alpine:3.20 / /\n`, skipped: [overlapping] });
    const conflicting = edit(0, 5, 12, 'node:22', `node:22@${D2}`);
    assert.deepEqual(applyEdits(text, [node, conflicting]).skipped, [conflicting]);
  });
  it('reports an edit inside another as skipped even when it would write the same text', () => {
    const inside = edit(0, 10, 12, '22', `node:22@${D1}`);
    assert.deepEqual(applyEdits(text, [node, inside]), { text: `FROM node:22@${D1} AS a\nCOPY --from=alpine:3.20 / /\n`, skipped: [inside] });
    const shorter = edit(0, 5, 9, 'node', `node:22@${D1}`);
    assert.deepEqual(applyEdits(text, [node, shorter]).skipped, [node]);
  });
  it('applies edits that touch without overlapping', () => {
    const from = edit(0, 0, 4, 'FROM', 'from');
    const image = edit(0, 4, 12, ' node:22', ' node:24');
    assert.deepEqual(applyEdits(text, [image, from]), { text: 'from node:24 AS a\nCOPY --from=alpine:3.20 / /\n', skipped: [] });
    // An insertion where a replacement ends is after it, and both are applied.
    const after = edit(0, 12, 12, '', ' ');
    assert.deepEqual(applyEdits(text, [node, after]), { text: `FROM node:22@${D1}  AS a\nCOPY --from=alpine:3.20 / /\n`, skipped: [] });
  });
  it('of two insertions at one point, or an insertion where a replacement starts, keeps the one first in document order', () => {
    const first = edit(0, 5, 5, '', 'a');
    const second = edit(0, 5, 5, '', 'b');
    assert.deepEqual(applyEdits(text, [first, second]), { text: 'FROM anode:22 AS a\nCOPY --from=alpine:3.20 / /\n', skipped: [second] });
    // The insertion ends first, so it comes first, whatever order the edits were given in.
    assert.deepEqual(applyEdits(text, [node, first]), { text: 'FROM anode:22 AS a\nCOPY --from=alpine:3.20 / /\n', skipped: [node] });
  });
  it('edits up to the very end of a text without a final line break', () => {
    const last = 'FROM node:22';
    assert.deepEqual(applyEdits(last, [node]), { text: `FROM node:22@${D1}`, skipped: [] });
    assert.deepEqual(applyEdits(last, [edit(0, 12, 12, '', ' AS a')]), { text: 'FROM node:22 AS a', skipped: [] });
    // …and edits nothing past it, whatever the text there would have to be.
    const pastTheEnd = edit(0, 13, 13, '', 'x');
    assert.deepEqual(applyEdits(last, [pastTheEnd]), { text: last, skipped: [pastTheEnd] });
  });
  it('edits at the start of a line', () => {
    const copy = edit(1, 0, 4, 'COPY', 'copy');
    assert.deepEqual(applyEdits(text, [copy]), { text: 'FROM node:22 AS a\ncopy --from=alpine:3.20 / /\n', skipped: [] });
  });
  it('skips a range with an end outside the text, even when the text it would cover is what it expects', () => {
    // A start before the line: the text up to the end, or nothing, is not a reason to apply it.
    const beforeLine = edit(0, -1, 4, 'FROM', 'from');
    const beforeText = edit(0, -1, 4, '', 'x');
    // An end past its line, or past the text: the text from the start on is not either.
    const pastLine = edit(1, 24, 40, '/ /\n', 'x');
    const pastText = edit(0, 5, 99, 'node:22', 'x');
    assert.deepEqual(applyEdits(text, [beforeLine, beforeText, pastLine]), { text, skipped: [beforeLine, beforeText, pastLine] });
    assert.deepEqual(applyEdits('FROM node:22', [pastText]), { text: 'FROM node:22', skipped: [pastText] });
  });
});

describe('pin planner (unit): pin all', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: nginx:1.27 # proxy',
    '  api:',
    '    build:',
    '      context: api',
    '      args:',
    '        BASE: golang:1.23-alpine',
    '      additional_contexts:',
    '        certs: docker-image://alpine:3.20',
    '  db:',
    `    image: postgres:16@${D3}`,
    '',
  ].join('\n');
  const apiDockerfile = ['ARG BASE=golang:1.22', 'FROM ${BASE} AS build', 'FROM certs AS certs', 'FROM scratch', 'COPY --from=build /app /app', 'COPY --from=certs /etc/ssl /etc/ssl', ''].join('\n');
  const digests: Record<string, string> = { 'nginx:1.27': D1, 'golang:1.23-alpine': D2, 'alpine:3.20': D3, 'golang:1.22': D1, [`postgres:16@${D3}`]: D3 };

  function workspace(): BuildFile[] {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/api/Dockerfile', apiDockerfile);
    // the Dockerfile on its own, the Compose file, and the Dockerfile as the api service builds it
    return [...index.files(), index.linked('/w/compose.yaml', 0)!];
  }

  it('plans one edit per site, in the file that writes it; lists what is current and what is skipped', () => {
    const plan = planPinAll(workspace(), (use) => digests[use.resolved ?? '']);
    const texts: Record<string, string> = { '/w/compose.yaml': compose, '/w/api/Dockerfile': apiDockerfile };
    assert.deepEqual(plan.files.map((f) => [f.path, f.edits.map((e) => `${at(e.range)} ${e.newText}`)]), [
      ['/w/api/Dockerfile', [`0:9-0:20 golang:1.22@${D1}`]],
      ['/w/compose.yaml', [`2:11-2:21 nginx:1.27@${D1}`, `7:14-7:32 golang:1.23-alpine@${D2}`, `9:30-9:41 alpine:3.20@${D3}`]],
    ]);
    const after = Object.fromEntries(plan.files.map((f) => [f.path, applyEdits(texts[f.path]!, f.edits)]));
    assert.deepEqual(after['/w/api/Dockerfile'], { text: apiDockerfile.replace('golang:1.22', `golang:1.22@${D1}`), skipped: [] });
    assert.deepEqual(after['/w/compose.yaml'], {
      text: compose.replace('nginx:1.27', `nginx:1.27@${D1}`).replace('golang:1.23-alpine', `golang:1.23-alpine@${D2}`).replace('alpine:3.20', `alpine:3.20@${D3}`),
      skipped: [],
    });
    // the Compose context entry and the linked `FROM certs` edit the same text: one edit, two uses
    assert.deepEqual(
      plan.changed.map((c) => `${c.path}:${c.use.range.start.line} ${c.use.kind} ${c.use.text}`),
      ['/w/api/Dockerfile:1 from ${BASE}', '/w/compose.yaml:2 compose-image nginx:1.27', '/w/api/Dockerfile:1 from ${BASE}', '/w/compose.yaml:9 compose-context alpine:3.20', '/w/api/Dockerfile:2 from certs'],
    );
    assert.deepEqual(plan.current.map((c) => `${c.path}:${c.use.range.start.line}`), ['/w/compose.yaml:11']);
    // built on its own, `FROM certs` would pull an image named certs, which has no digest here
    assert.deepEqual(plan.skipped.map((s) => `${s.path}:${s.use.range.start.line} ${s.reason.kind}`), ['/w/api/Dockerfile:2 noDigest']);
  });

  it('skips a site whose uses were given different digests', () => {
    const plan = planPinAll(workspace(), (use) => (use.context === 'certs' ? D2 : digests[use.resolved ?? '']));
    assert.deepEqual(
      plan.skipped.map((s) => `${s.path}:${s.use.range.start.line} ${s.reason.kind}`),
      ['/w/api/Dockerfile:2 noDigest', '/w/compose.yaml:9 conflict', '/w/api/Dockerfile:2 conflict'],
    );
    assert.ok(plan.files.every((f) => f.edits.every((e) => e.expected !== 'alpine:3.20')));
  });

  it('reports not-pinnable images with their reason, and leaves stages and scratch out', () => {
    const file = parseDockerfile(DF, 'ARG V=alpine:3.20\nFROM $V AS a\nFROM $V AS b\nFROM python:${TAG:-3}\nFROM scratch\nCOPY --from=a / /\n');
    const plan = planPinAll([file], () => D1);
    assert.deepEqual(plan.files, []);
    assert.deepEqual(
      plan.skipped.map((s) => [s.use.text, s.reason.kind === 'notPinnable' ? s.reason.reason.kind : s.reason.kind]),
      // partly from an ARG: how to pin it is the user's choice (test/unit/argPinning.test.ts)
      [['$V', 'sharedArg'], ['$V', 'sharedArg'], ['python:${TAG:-3}', 'chooseForm']],
    );
  });
});

describe('pin planner (unit): pin all, one Dockerfile read several ways', () => {
  // The Dockerfile on its own, and as three Compose services build it: two pass other values for BASE
  // (their digests go into the Compose file), one passes none (it reads what the Dockerfile reads).
  const dockerfile = 'ARG BASE=golang:1.22\nFROM ${BASE}\n';
  const compose = ['services:', '  a:', '    build:', '      args:', '        BASE: golang:1.23', '  b:', '    build:', '      args:', '        BASE: golang:1.24', '  c:', '    build: .', ''].join('\n');
  const digests: Record<string, string> = { 'golang:1.22': D1, 'golang:1.23': D2, 'golang:1.24': D3 };
  /** The builds first, the Dockerfile on its own last. */
  function readings(): BuildFile[] {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/Dockerfile', dockerfile);
    return [index.linked('/w/compose.yaml', 0)!, index.linked('/w/compose.yaml', 1)!, index.linked('/w/compose.yaml', 2)!, index.get('/w/Dockerfile')!];
  }
  const line = (u: UseAt & { reason?: { kind: string }; edit?: PinEdit }) => `${u.path}:${u.use.range.start.line} ${u.use.resolved}${u.reason ? ` ${u.reason.kind}` : ''}${u.edit ? ` → ${u.edit.path}` : ''}`;

  it('lists files by path, whatever order the sites were found in', () => {
    const plan = planPinAll(readings(), (use) => digests[use.resolved ?? '']);
    assert.deepEqual(plan.files.map((f) => [f.path, f.edits.map((e) => e.newText)]), [
      ['/w/Dockerfile', [`golang:1.22@${D1}`]],
      ['/w/compose.yaml', [`golang:1.23@${D2}`, `golang:1.24@${D3}`]],
    ]);
  });

  it('lists a use that reaches one site several ways once', () => {
    const plan = planPinAll(readings(), (use) => digests[use.resolved ?? '']);
    // By the file each edit is in, then in document order: the ARG default first.
    assert.deepEqual(plan.changed.map(line), [
      '/w/Dockerfile:1 golang:1.22 → /w/Dockerfile',
      '/w/Dockerfile:1 golang:1.23 → /w/compose.yaml',
      '/w/Dockerfile:1 golang:1.24 → /w/compose.yaml',
    ]);
  });

  it('lists a skipped use once per image it pulls: the same image read twice is one line', () => {
    const plan = planPinAll(readings(), () => undefined);
    assert.deepEqual(plan.skipped.map(line), ['/w/Dockerfile:1 golang:1.23 noDigest', '/w/Dockerfile:1 golang:1.24 noDigest', '/w/Dockerfile:1 golang:1.22 noDigest']);
  });

  it('never writes a digest it could not check, and lists the uses it was given for', () => {
    const bad = `sha256:${'A'.repeat(64)}`;
    const plan = planPinAll(readings(), (use) => (use.resolved === 'golang:1.22' ? bad : digests[use.resolved ?? '']));
    assert.deepEqual(plan.files.map((f) => f.path), ['/w/compose.yaml']);
    assert.deepEqual(plan.skipped.map(line), ['/w/Dockerfile:1 golang:1.22 invalidDigest']);
    assert.deepEqual(plan.skipped[0]!.reason, { kind: 'invalidDigest', digest: bad });
  });
});

describe('pin planner (unit): pin all, what is not an image', () => {
  it("lists neither a build's output name nor a named context that is not an image among the skipped", () => {
    const compose = 'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        base: ./base\n    image: acme/app:1\n';
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/Dockerfile', 'FROM base\nFROM alpine:3.20\n');
    const files = [index.get('/w/compose.yaml')!, index.linked('/w/compose.yaml', 0)!, index.get('/w/Dockerfile')!];
    const plan = planPinAll(files, (use) => (use.resolved === 'alpine:3.20' ? D1 : undefined));
    assert.deepEqual(plan.files.map((f) => f.edits.map((e) => e.newText)), [[`alpine:3.20@${D1}`]]);
    // Only the Dockerfile on its own pulls an image named base.
    assert.deepEqual(plan.skipped.map((s) => `${s.path}:${s.use.range.start.line} ${s.use.text} ${s.reason.kind}`), ['/w/Dockerfile:0 base noDigest']);
  });
});

describe('pin planner (unit): pin all, overlapping sites', () => {
  // The parsers never give two sites that overlap; the planner still refuses to write both. The uses here
  // are real ones whose pin site was moved by hand.
  it('keeps the site planned first, skips any that starts inside it or at the same point, and keeps one that only touches it', () => {
    const file = parseDockerfile(DF, 'FROM alpine:3.20 AS a\nFROM busybox:1.36 AS b\n');
    const [alpine, busybox] = file.uses as [ImageUse, ImageUse];
    const moved = (use: ImageUse, from: number, to: number): ImageUse => {
      assert.ok(use.pin.pinnable);
      return { ...use, pin: { ...use.pin, range: { start: { line: 0, character: from }, end: { line: 0, character: to } } } };
    };
    // alpine's site is 0:5-0:16. Given last to first, to show the order is the document's.
    const touching = moved(busybox, 16, 19);
    const inside = moved(busybox, 10, 20);
    const samePoint = moved(alpine, 5, 8);
    const plan = planPinAll([{ ...file, uses: [alpine, touching, samePoint, inside] }], () => D1);
    assert.deepEqual(plan.files.map((f) => f.edits.map((e) => at(e.range))), [['0:5-0:16', '0:16-0:19']]);
    assert.deepEqual(
      plan.skipped.map((s) => `${s.use.text} ${at(s.use.pin.pinnable ? s.use.pin.range : s.use.range)} ${s.reason.kind === 'overlap' ? at(s.reason.with) : s.reason.kind}`),
      ['alpine:3.20 0:5-0:8 0:5-0:16', 'busybox:1.36 0:10-0:20 0:5-0:16'],
    );
  });
});

describe('pin planner (unit): properties over the cases above', () => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
  const digest = hex.map((h) => `sha256:${h}`);
  const caseArb = fc.constantFrom(...cases);

  /** Pins (or unpins) the case's use in `files`, re-reading the model from the files as they are now. */
  const pinIn = (c: Case, files: Files, d: string): Files => {
    const file = model(files, c.source);
    return applied(files, planPin(useOf(c, file), d, file.path));
  };
  const unpinIn = (c: Case, files: Files): Files => {
    const file = model(files, c.source);
    return applied(files, planUnpin(useOf(c, file), file.path));
  };
  /** The case's use, found again after an edit: the same kind at the same start (its text may have grown). */
  const useOf = (c: Case, file: BuildFile): ImageUse => {
    const original = pick(model(c.files, c.source), c.use, c.nth);
    const found = file.uses.find((u) => u.kind === original.kind && at(u.range).split('-')[0] === at(original.range).split('-')[0]);
    assert.ok(found, `lost ${c.use} in ${file.path}`);
    return found;
  };
  const reference = (c: Case) => pick(model(c.files, c.source), c.use, c.nth).reference!;

  it('pin then unpin gives back the original bytes (a tagged, unpinned reference)', () => {
    const tagged = cases.filter((c) => reference(c).tag !== undefined && reference(c).digest === undefined);
    assert.ok(tagged.length >= 20);
    fc.assert(fc.property(fc.constantFrom(...tagged), digest, (c, d) => assert.deepEqual(unpinIn(c, pinIn(c, c.files, d)), c.files)), { numRuns: 300 });
  });

  it('pin then unpin of an untagged reference gives it back with `:latest` written out', () => {
    for (const c of cases.filter((x) => reference(x).tag === undefined && reference(x).digest === undefined)) {
      const back = unpinIn(c, pinIn(c, c.files, D1));
      assert.deepEqual(back, { ...c.files, [DF]: c.files[DF]!.replace(c.use, `${c.use}:latest`) });
    }
  });

  it('pinning twice equals pinning once, and the second plan has nothing to do', () => {
    fc.assert(
      fc.property(caseArb, digest, (c, d) => {
        const once = pinIn(c, c.files, d);
        const file = model(once, c.source);
        assert.deepEqual(planPin(useOf(c, file), d, file.path), { ok: true, edit: undefined });
        assert.deepEqual(pinIn(c, once, d), once);
      }),
      { numRuns: 300 },
    );
  });

  it('pin to d1 then to d2 equals pin to d2', () => {
    fc.assert(fc.property(caseArb, digest, digest, (c, d1, d2) => assert.deepEqual(pinIn(c, pinIn(c, c.files, d1), d2), pinIn(c, c.files, d2))), { numRuns: 300 });
  });

  it('the pinned text reads back as the same image, pinned to the digest', () => {
    fc.assert(
      fc.property(caseArb, digest, (c, d) => {
        const before = reference(c);
        const after = useOf(c, model(pinIn(c, c.files, d), c.source)).reference!;
        // an untagged reference gains `:latest`; a digest-only one stays digest-only
        const tag = before.tag ?? (before.digest ? undefined : 'latest');
        assert.deepEqual([after.registry, after.repository, after.tag, after.digest], [before.registry, before.repository, tag, d]);
      }),
      { numRuns: 200 },
    );
  });

  it('applyEdits skips an edit whose text changed, and changes nothing then', () => {
    fc.assert(
      fc.property(caseArb, digest, fc.nat(), fc.constantFrom('x', '9', '@', ' ', '😀'), (c, d, where, ch) => {
        const file = model(c.files, c.source);
        const plan = planPin(pick(file, c.use, c.nth), d, file.path);
        assert.ok(plan.ok && plan.edit);
        const edit = plan.edit;
        const text = c.files[edit.path]!;
        // Replace one character of the expected text with another: same length, different content.
        const offset = text.indexOf(edit.expected) >= 0 ? offsetOf(text, edit) : -1;
        assert.ok(offset >= 0);
        const i = offset + (where % edit.expected.length);
        const changed = text.slice(0, i) + (text[i] === ch ? 'y' : ch) + text.slice(i + 1);
        assert.deepEqual(applyEdits(changed, [edit]), { text: changed, skipped: [edit] });
      }),
      { numRuns: 300 },
    );
  });
});

/** The offset of an edit's start, counted by hand over the lines (independent of LineIndex). */
function offsetOf(text: string, edit: PinEdit): number {
  let offset = 0;
  for (let line = 0; line < edit.range.start.line; line++) {
    const lf = text.indexOf('\n', offset);
    if (lf < 0) return -1;
    offset = lf + 1;
  }
  return offset + edit.range.start.character;
}
