import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseBake } from '../../src/bake/parseBake';
import { parseDockerfile } from '../../src/dockerfile/parseDockerfile';
import type { BuildFile, ImageUse, Range } from '../../src/model/buildFile';

// Expected results are written by hand from Docker's Bake reference (what `docker buildx bake --print`
// prints for these files: inherits, matrix names, variable overrides, contexts), with columns counted on
// the source lines quoted beside them.

const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const bakeText = readFileSync('test/fixtures/bake/docker-bake.hcl', 'utf8');
const P = '/p/docker-bake.hcl';

function summarize(use: ImageUse): string {
  const pin = use.pin.pinnable ? `pin "${use.pin.text}" @${use.pin.file ? `${use.pin.file}:` : ''}${at(use.pin.range)}` : `not ${use.pin.reason.kind}${'variable' in use.pin.reason ? `(${use.pin.reason.variable})` : 'arg' in use.pin.reason ? `(${use.pin.reason.arg})` : ''}`;
  return `${use.kind} "${use.text}" @${at(use.range)} → ${use.resolved ?? '?'} | ${pin}`;
}

function bake(files: Record<string, string>, path = P, environment: Record<string, string> = {}): BuildFile {
  return parseBake(path, files[path]!, { readFile: (p) => files[p], environment });
}

describe('Bake model', () => {
  it('evaluates targets as `bake --print` would: inherits, matrix names, functions, variables', () => {
    const file = bake({ [P]: bakeText });
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(
      file.units.map((u) => [u.kind, u.name, at(u.range), u.members]),
      [
        ['target', '_common', '26:0-26:16', undefined], // target "_common"
        ['target', 'api', '33:0-33:12', undefined],
        // matrix py = ["3.11", "3.12"], name = "worker-${replace(py, ".", "-")}"
        ['target', 'worker-3-11', '43:0-43:15', undefined],
        ['target', 'worker-3-12', '43:0-43:15', undefined],
        // default = [api, worker]; worker is the matrix label, standing for both generated targets
        ['group', 'default', '22:0-22:15', [1, 2, 3]],
      ],
    );
    const builds = Object.fromEntries((file.builds ?? []).map((b) => [file.units[b.unit]!.name, b]));
    // _common only sets args and platforms for its children: a template, not a build of /p/Dockerfile
    assert.equal(builds._common, undefined);
    assert.equal(builds.api?.dockerfile, '/p/api/Dockerfile');
    assert.equal(builds['worker-3-12']?.dockerfile, '/p/worker/Dockerfile.worker');
    // BASE_IMAGE = BASE_IMAGE, whose default "golang:${GO_VERSION}-alpine" is a template: a value, no site.
    assert.deepEqual(builds.api?.args, { BASE_IMAGE: { value: 'golang:1.23-alpine' } });
    assert.deepEqual(builds['worker-3-11']?.args, { BASE_IMAGE: { value: 'golang:1.23-alpine' }, PYTHON: { value: 'python:3.11-slim' } });
    assert.deepEqual(builds['worker-3-12']?.args.PYTHON, { value: 'python:3.12-slim' });
    assert.deepEqual(builds.api?.platforms, ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(builds.api?.contexts, {
      // line 37: '    golang = "docker-image://golang:1.23"', the image at 29..40
      golang: { kind: 'image', value: 'golang:1.23', site: { file: P, range: { start: { line: 37, character: 29 }, end: { line: 37, character: 40 } }, text: 'golang:1.23' } },
      certs: { kind: 'image', value: 'alpine:3.20', variable: 'ALPINE' },
    });
  });

  it('lists the images written in its contexts, pinnable where written literally', () => {
    const file = bake({ [P]: bakeText });
    assert.deepEqual(file.uses.map(summarize), [
      'bake-context "golang:1.23" @37:29-37:40 → golang:1.23 | pin "golang:1.23" @37:29-37:40',
      // line 38: '    certs  = "docker-image://${ALPINE}"', the expression at 13..39
      'bake-context ""docker-image://${ALPINE}"" @38:13-38:39 → alpine:3.20 | not interpolated(ALPINE)',
    ]);
    assert.deepEqual(file.uses.map((u) => u.unit), [1, 1]);
  });

  it('gives the Dockerfile its effective images: BASE_IMAGE from args, FROM golang from contexts', () => {
    const file = bake({ [P]: bakeText });
    const api = file.builds!.find((b) => file.units[b.unit]!.name === 'api')!;
    const dockerfile = ['ARG BASE_IMAGE=golang:1.21', 'FROM ${BASE_IMAGE} AS build', 'FROM golang AS tools', 'FROM certs AS certs', 'FROM alpine:3.19'].join('\n');
    const linked = parseDockerfile('/p/api/Dockerfile', dockerfile, { buildArgs: api.args, contexts: api.contexts });
    assert.deepEqual(linked.uses.map(summarize), [
      'from "${BASE_IMAGE}" @1:5-1:18 → golang:1.23-alpine | not overridden(BASE_IMAGE)',
      'from "golang" @2:5-2:11 → golang:1.23 | pin "golang:1.23" @/p/docker-bake.hcl:37:29-37:40',
      // a context named like the stage replaces the whole stage
      'from "certs" @3:5-3:10 → alpine:3.20 | not interpolated(ALPINE)',
      'from "alpine:3.19" @4:5-4:16 → alpine:3.19 | pin "alpine:3.19" @4:5-4:16',
    ]);
  });

  it('takes variable overrides from the environment, converted by the default type', () => {
    const text = ['variable "GO" { default = "1.23" }', 'variable "PUSH" { default = false }', 'variable "N" { default = 1 }', 'target "app" {', '  args = { GO = "golang:${GO}", PUSH = "${PUSH}", N = "${N + 1}" }', '}'].join('\n');
    const plain = bake({ [P]: text });
    assert.deepEqual(Object.fromEntries(Object.entries(plain.builds![0]!.args).map(([k, v]) => [k, v.value])), { GO: 'golang:1.23', PUSH: 'false', N: '2' });
    const overridden = bake({ [P]: text }, P, { GO: '1.24', PUSH: 'true', N: '41' });
    assert.deepEqual(Object.fromEntries(Object.entries(overridden.builds![0]!.args).map(([k, v]) => [k, v.value])), { GO: 'golang:1.24', PUSH: 'true', N: '42' });
  });

  it('pins through a variable whose default is a literal, where the default is written', () => {
    const text = ['variable "BASE" {', '  default = "node:22-slim"', '}', 'target "app" {', '  args = { BASE = BASE }', '  contexts = { node = "docker-image://${BASE}" }', '}'].join('\n');
    const file = bake({ [P]: text });
    // line 1: '  default = "node:22-slim"', the value at 13..25
    assert.deepEqual(file.builds![0]!.args.BASE, { value: 'node:22-slim', site: { file: P, range: { start: { line: 1, character: 13 }, end: { line: 1, character: 25 } }, text: 'node:22-slim' } });
    // "docker-image://${BASE}" is a template of two parts: no single place to write a digest
    assert.deepEqual(file.uses.map(summarize), ['bake-context ""docker-image://${BASE}"" @5:22-5:46 → node:22-slim | not interpolated(BASE)']);
    // ...but overridden from the environment, the default is not where the value comes from
    assert.deepEqual(bake({ [P]: text }, P, { BASE: 'node:23' }).builds![0]!.args.BASE, { value: 'node:23' });
  });

  it('merges the project files in lookup order: Compose services first, then HCL, then overrides', () => {
    const files = {
      // line 5: '        certs: docker-image://alpine:3.20', the image at 30..41
      '/p/compose.yaml': 'services:\n  web:\n    build:\n      context: ./web\n      additional_contexts:\n        certs: docker-image://alpine:3.20\n  db:\n    image: postgres:16\n',
      [P]: 'target "web" {\n  args = { NODE = "node:22" }\n}\ntarget "tools" {\n  dockerfile = "tools.Dockerfile"\n}\n',
      '/p/docker-bake.override.hcl': 'target "tools" {\n  dockerfile = "Dockerfile.tools"\n}\n',
    };
    const file = bake(files);
    const builds = Object.fromEntries(file.builds!.map((b) => [file.units[b.unit]!.name, b]));
    // web: context from compose.yaml (`build: ./web`), args from the HCL target of the same name
    assert.equal(builds.web?.dockerfile, '/p/web/Dockerfile');
    assert.equal(builds.web?.args.NODE?.value, 'node:22');
    // the Compose context keeps its place in compose.yaml, where a pin would go
    assert.deepEqual(builds.web?.contexts.certs, { kind: 'image', value: 'alpine:3.20', site: { file: '/p/compose.yaml', range: { start: { line: 5, character: 30 }, end: { line: 5, character: 41 } }, text: 'alpine:3.20' } });
    // the override file wins over docker-bake.hcl
    assert.equal(builds.tools?.dockerfile, '/p/Dockerfile.tools');
    assert.ok(file.dependencies?.includes('/p/docker-bake.override.hcl'));
    // db has no build: not a Bake target
    assert.deepEqual(file.units.map((u) => u.name), ['web', 'tools']);
  });

  it('reads docker-bake.json like HCL, templates in strings included', () => {
    const json = JSON.stringify({ variable: { TAG: { default: '3.20' } }, target: { app: { context: 'app', contexts: { base: 'docker-image://alpine:3.20', pinned: 'docker-image://alpine:${TAG}' } } } }, null, 2);
    const path = '/p/docker-bake.json';
    const file = bake({ [path]: json }, path);
    assert.equal(file.kind, 'bake-json');
    assert.equal(file.builds?.[0]?.dockerfile, '/p/app/Dockerfile');
    const lines = json.split('\n');
    const line = lines.findIndex((l) => l.includes('"base"'));
    const column = lines[line]!.indexOf('alpine:3.20');
    assert.deepEqual(file.uses.map((u) => [u.resolved, u.pin.pinnable, at(u.range)]), [
      ['alpine:3.20', true, `${line}:${column}-${line}:${column + 11}`],
      ['alpine:3.20', false, at(file.uses[1]!.range)],
    ]);
  });

  it('reports unknown variables and functions where they are used, and goes on', () => {
    const text = ['target "app" {', '  args = { A = "${NOPE}", B = nothing(1), C = "kept" }', '}'].join('\n');
    const file = bake({ [P]: text });
    const codes = file.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`);
    // line 1: '  args = { A = "${NOPE}", B = nothing(1), C = "kept" }': ${NOPE}: NOPE at 18, nothing( at 30
    assert.ok(codes.includes('bake-evaluation@1:18'), codes.join(', '));
    assert.ok(codes.includes('bake-evaluation@1:30'), codes.join(', '));
    assert.deepEqual(Object.keys(file.builds![0]!.args), ['C']);
  });

  it('reports cycles and unknown targets, and keeps what it can read', () => {
    const text = [
      'target "a" {', //               0
      '  inherits = ["b"]',
      '}',
      'target "b" {',
      '  inherits = ["a"]', //         4: the edge back to a
      '  contexts = { x = "docker-image://alpine:3.20" }',
      '}',
      'target "c" {',
      '  inherits = ["missing"]', //   8
      '  contexts = { base = "target:d" }',
      '}',
      'target "d" {',
      '  contexts = { base = "target:c" }', // 12
      '}',
      'target "broken" {',
      '  context = ', //               15: no value
      '}',
      'target "after" {',
      '  contexts = { y = "docker-image://busybox:1.36" }',
      '}',
    ].join('\n');
    const file = bake({ [P]: text });
    assert.deepEqual(file.units.map((u) => u.name), ['a', 'b', 'c', 'd', 'broken', 'after']);
    const codes = file.diagnostics.map((d) => `${d.code}@${d.range.start.line}`);
    assert.ok(codes.includes('bake-inherits-cycle@4') || codes.includes('bake-inherits-cycle@1'), codes.join(', '));
    assert.ok(codes.includes('bake-unknown-target@8'), codes.join(', '));
    assert.ok(codes.includes('bake-link-cycle@9') || codes.includes('bake-link-cycle@12'), codes.join(', '));
    assert.ok(codes.some((c) => c.startsWith('hcl-syntax@15')), codes.join(', '));
    // a inherits b's context: the use is listed where it is written (under b); the target after the broken one is read
    assert.deepEqual(file.uses.map((u) => [file.units[u.unit!]!.name, u.resolved, u.range.start.line]), [
      ['b', 'alpine:3.20', 5],
      ['after', 'busybox:1.36', 18],
    ]);
  });

  it('keeps Compose build paths that leave the context, and remote contexts, as Compose resolved them', () => {
    const files = {
      '/p/compose.yaml': 'services:\n  app:\n    build:\n      context: app\n      dockerfile: ../Dockerfile\n  remote:\n    build: https://github.com/acme/remote.git\n',
      [P]: 'target "other" {\n  inherits = ["app", "remote"]\n}\n',
    };
    const file = bake(files);
    // other inherits remote last: a remote context, so no Dockerfile in the workspace
    assert.equal(file.builds?.[0]?.dockerfile, undefined);
    const onlyApp = bake({ ...files, [P]: 'target "other" {\n  inherits = ["app"]\n}\n' });
    assert.equal(onlyApp.builds?.[0]?.dockerfile, '/p/Dockerfile');
  });

  it('caps a matrix that would give too many targets', () => {
    const text = 'target "t" {\n  matrix = { a = range(30), b = range(30), c = range(30) }\n  name = "t-${a}-${b}-${c}"\n}\n';
    const file = bake({ [P]: text });
    assert.equal(file.units.length, 1000);
    assert.ok(file.diagnostics.some((d) => d.code === 'bake-matrix'));
  });

  it('never throws on arbitrary or mutated input', () => {
    const check = (text: string): boolean => Array.isArray(bake({ [P]: text }).uses);
    fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bakeText.length }), fc.integer({ min: 0, max: 30 }), fc.string({ maxLength: 8 }), (at, cut, insert) => check(bakeText.slice(0, at) + insert + bakeText.slice(at + cut))),
      { numRuns: 1000 },
    );
  });
});
