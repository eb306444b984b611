import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseBake } from '../../src/bake/parseBake';
import { parseDockerfile } from '../../src/dockerfile/parseDockerfile';
import type { BuildDefinition, BuildFile, ImageUse, Range } from '../../src/model/buildFile';
import { formatMessage } from '../../src/model/messages';

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
      file.units.map((u) => [u.kind, u.name, at(u.range), u.members, u.template]),
      [
        // target "_common": api and worker inherit from it, no group names it
        ['target', '_common', '26:0-26:16', undefined, true],
        ['target', 'api', '33:0-33:12', undefined, undefined],
        // matrix py = ["3.11", "3.12"], name = "worker-${replace(py, ".", "-")}"
        ['target', 'worker-3-11', '43:0-43:15', undefined, undefined],
        ['target', 'worker-3-12', '43:0-43:15', undefined, undefined],
        // default = [api, worker]; worker is the matrix label, standing for both generated targets
        ['group', 'default', '22:0-22:15', [1, 2, 3], undefined],
      ],
    );
    const builds = Object.fromEntries((file.builds ?? []).map((b) => [file.units[b.unit]!.name, b]));
    // _common sets neither context nor dockerfile: `docker buildx bake _common` builds ./Dockerfile in "."
    // (buildx bake/bake.go `ResolveTarget`); a template still builds when named
    assert.equal(builds._common?.dockerfile, '/p/Dockerfile');
    assert.equal(builds._common?.context, '/p');
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
    // c and d link to each other: both are on the loop
    assert.ok(codes.includes('bake-link-cycle@9') && codes.includes('bake-link-cycle@12'), codes.join(', '));
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

  it('builds every target, templates included: context "." and ./Dockerfile when unset (real Bake files)', () => {
    // buildx bake/bake.go `ResolveTarget`: a nil context becomes ".", a nil or empty dockerfile "Dockerfile";
    // `toBuildOpt` joins the Dockerfile to the context. Nothing makes a target abstract.
    const moby = bake({ [P]: readFileSync('test/fixtures/bake/moby.docker-bake.hcl', 'utf8') });
    assert.deepEqual(moby.diagnostics, []);
    const byName = (file: BuildFile): Record<string, BuildDefinition> => Object.fromEntries(file.builds!.map((b) => [file.units[b.unit]!.name, b]));
    const mobyBuilds = byName(moby);
    // group "default" { targets = ["binary"] }; binary inherits _common, sets target and output only,
    // and dynbinary and binary-cross inherit from it
    assert.deepEqual(
      moby.units.filter((u) => u.kind === 'group').map((u) => [u.name, u.members?.map((m) => moby.units[m]!.name)]),
      [['default', ['binary']]],
    );
    assert.deepEqual([mobyBuilds.binary?.dockerfile, mobyBuilds.binary?.context, mobyBuilds.binary?.target], ['/p/Dockerfile', '/p', 'binary']);
    // _common's args: DOCKER_GITCOMMIT's default is null, and a null arg is left out (bake.go `Target.Merge`)
    const args = (name: string) => Object.fromEntries(Object.entries(mobyBuilds[name]!.args).map(([k, v]) => [k, v.value]));
    const common = { BUILDKIT_CONTEXT_KEEP_GIT_DIR: '1', DOCKER_DEBUG: '', DOCKER_STATIC: '1', DOCKER_LDFLAGS: '', DOCKER_BUILDTAGS: '', VERSION: '', PLATFORM: '', PRODUCT: '', DEFAULT_PRODUCT_LICENSE: '', PACKAGER_NAME: '' };
    assert.deepEqual(args('binary'), common);
    assert.deepEqual(args('dynbinary'), { ...common, DOCKER_STATIC: '0' });
    assert.deepEqual([mobyBuilds['binary-cross']?.dockerfile, mobyBuilds['binary-cross']?.target, mobyBuilds['binary-cross']?.platforms?.length], ['/p/Dockerfile', 'binary', 8]);
    assert.equal(mobyBuilds.govulncheck?.dockerfile, '/p/hack/dockerfiles/govulncheck.Dockerfile');
    // Templates: inherited, nothing about what to build, built by no group or link. `all` and `bin-image`
    // are inherited too but build the stage "all": not templates. Every one of them still builds.
    assert.deepEqual(moby.units.filter((u) => u.template).map((u) => u.name), ['docker-metadata-action', '_common', '_platforms']);
    assert.equal(mobyBuilds._common?.dockerfile, '/p/Dockerfile');
    assert.equal(moby.builds!.length, moby.units.filter((u) => u.kind === 'target').length);

    const buildx = bake({ [P]: readFileSync('test/fixtures/bake/buildx.docker-bake.hcl', 'utf8') });
    assert.deepEqual(buildx.diagnostics, []);
    const buildxBuilds = byName(buildx);
    // group "default" { targets = ["binaries"] }; binaries-cross, image and image-local inherit from it
    assert.deepEqual([buildxBuilds.binaries?.dockerfile, buildxBuilds.binaries?.target, buildxBuilds.binaries?.platforms], ['/p/Dockerfile', 'binaries', ['local']]);
    assert.deepEqual([buildxBuilds['image-local']?.dockerfile, buildxBuilds['image-local']?.target], ['/p/Dockerfile', 'binaries']);
    // dockerfile = "./hack/dockerfiles/lint.Dockerfile", relative to the context "."
    assert.equal(buildxBuilds['lint-gopls']?.dockerfile, '/p/hack/dockerfiles/lint.Dockerfile');
    assert.deepEqual(buildx.units.filter((u) => u.template).map((u) => u.name), ['meta-helper', '_common']);
  });

  it('places a cwd:// Dockerfile where bake runs, and an empty dockerfile is "Dockerfile"', () => {
    // buildx bake.go `toBuildOpt`: a `cwd://` Dockerfile is not joined to the context, even a remote one;
    // `ResolveTarget`: an empty dockerfile is "Dockerfile"; BAKE_CMD_CONTEXT is "cwd://" when run locally.
    const text = [
      'target "own" {',
      '  context = "app"',
      '  dockerfile = "cwd://docker/app.Dockerfile"',
      '}',
      'target "empty" {',
      '  context = "app"',
      '  dockerfile = ""',
      '}',
      'target "cmd" {',
      '  context = BAKE_CMD_CONTEXT',
      '}',
      'target "remote" {',
      '  context = "https://github.com/acme/app.git"',
      '  dockerfile = "cwd://Dockerfile.remote"',
      '}',
    ].join('\n');
    const file = bake({ [P]: text });
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(
      file.builds!.map((b) => [file.units[b.unit]!.name, b.dockerfile, b.context]),
      [
        ['own', '/p/docker/app.Dockerfile', '/p/app'],
        ['empty', '/p/app/Dockerfile', '/p/app'],
        ['cmd', '/p/Dockerfile', '/p'],
        ['remote', '/p/Dockerfile.remote', undefined],
      ],
    );
  });

  it('evaluates md5() in matrix names: BuildKit\'s validate-dockerfile targets, with no diagnostics', () => {
    // moby/buildkit docker-bake.hcl: name = "validate-dockerfile-${md5(dockerfile)}" over 12 Dockerfiles.
    // go-cty-funcs crypto/md5.go: the hex MD5 of the string; `printf '%s' Dockerfile | md5sum` gives 3254677a….
    const file = bake({ [P]: readFileSync('test/fixtures/bake/buildkit.docker-bake.hcl', 'utf8') });
    assert.deepEqual(file.diagnostics, []);
    const validate = file.units.filter((u) => u.name?.startsWith('validate-dockerfile-'));
    assert.equal(validate.length, 12);
    const builds = Object.fromEntries(file.builds!.map((b) => [file.units[b.unit]!.name, b]));
    assert.equal(builds['validate-dockerfile-3254677a7917c6c01f55212f86c57fbf']?.dockerfile, '/p/Dockerfile');
    // printf '%s' ./hack/dockerfiles/archutil.Dockerfile | md5sum
    assert.equal(builds['validate-dockerfile-ddab74573ce45677596b5282fc7dd5ff']?.dockerfile, '/p/hack/dockerfiles/archutil.Dockerfile');
    // printf '%s' ./frontend/dockerfile/cmd/dockerfile-frontend/Dockerfile | md5sum
    assert.equal(builds['validate-dockerfile-ea38b45af5136a3fd2aa0278e661d90f']?.dockerfile, '/p/frontend/dockerfile/cmd/dockerfile-frontend/Dockerfile');
    // group "validate" names the matrix label: it stands for the 12 generated targets
    const group = file.units.find((u) => u.kind === 'group' && u.name === 'validate')!;
    assert.equal(group.members?.filter((m) => file.units[m]!.name!.startsWith('validate-dockerfile-')).length, 12);
    // binaries (group default) builds ./Dockerfile's stage "binaries"; integration-tests' contexts are null
    // while TEST_CONTEXT and TEST_BINARIES_CONTEXT are both "."
    assert.deepEqual([builds.binaries?.dockerfile, builds.binaries?.target], ['/p/Dockerfile', 'binaries']);
    assert.deepEqual(builds['integration-tests']?.contexts, {});
  });

  it('says once that a matrix name cannot be known, and keeps its targets', () => {
    const text = [
      'target "t" {', //                       0
      '  matrix = { v = ["a", "b", "c"] }',
      '  name = "t-${v}-${timestamp()}"', //   2: the attribute at 2..32
      '  args = { V = v }',
      '}',
    ].join('\n');
    const file = bake({ [P]: text });
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, d.severity, at(d.range), formatMessage(d.message)]),
      [['bake-unknown-target-name', 'information', '2:2-2:32', 'The target name cannot be worked out before the build: timestamp() returns the current time. Its targets are listed as "t[1]", "t[2]", ….']],
    );
    assert.deepEqual(
      file.builds!.map((b) => [file.units[b.unit]!.name, b.args.V?.value, b.dockerfile]),
      [
        ['t[1]', 'a', '/p/Dockerfile'],
        ['t[2]', 'b', '/p/Dockerfile'],
        ['t[3]', 'c', '/p/Dockerfile'],
      ],
    );
  });

  it('reports loops through any target: context on the targets in the loop, naming the one that closes it', () => {
    // buildx bake.go `loadLinks` follows every `target:` context depth first with the path so far:
    // a link to a target on the path fails with "infinite loop from <current> to <target>", a link to
    // itself with "target <name> cannot link to itself". Starting at b: b → c → b, c closes the loop.
    const text = [
      'target "a" {', //                                                    0
      '  contexts = { x = "target:b" }', //                                 1: a only leads into the loop
      '}',
      'target "b" {',
      '  contexts = { base = "docker-image://alpine:3.20", y = "target:c" }', // 4: the second context loops
      '}',
      'target "c" {',
      '  contexts = { z = "target:b" }', //                                 7
      '}',
      'target "s" {',
      '  contexts = { me = "target:s" }', //                                10
      '}',
    ].join('\n');
    const file = bake({ [P]: text });
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, at(d.range), formatMessage(d.message)]),
      [
        // line 4: y = "target:c", the value at 56..66
        ['bake-link-cycle', '4:56-4:66', 'Infinite loop from "c" to "b": the "target:" contexts link b → c → b.'],
        ['bake-link-cycle', '7:19-7:29', 'Infinite loop from "b" to "c": the "target:" contexts link c → b → c.'],
        ['bake-link-cycle', '10:20-10:30', 'The target "s" cannot link to itself through a "target:" context.'],
      ],
    );
  });

  it('reports each problem once, however many matrix targets share the line', () => {
    const text = [
      'target "m" {', //                                  0
      '  matrix = { v = ["1", "2", "3"] }',
      '  name = "m-${v}"',
      '  contexts = { base = "docker-image://Alpine" }', // 3: an invalid reference, once per target
      '  args = { A = nope, V = v }', //                  4: an unknown variable, once per target
      '}',
    ].join('\n');
    const file = bake({ [P]: text });
    assert.equal(file.units.length, 3);
    assert.deepEqual(
      file.diagnostics.map((d) => `${d.code}@${at(d.range)}`),
      // line 3: the reference after docker-image:// at 38..44; line 4: nope at 15..19
      ['invalid-reference@3:38-3:44', 'bake-evaluation@4:15-4:19'],
    );
    // each target still has its use of the context
    assert.deepEqual(file.uses.map((u) => u.unit), [0, 1, 2]);
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
