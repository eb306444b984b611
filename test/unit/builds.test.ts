// What a Compose service or Bake target builds, as BuildKit runs it: the stages its target needs, stage
// names made of platform variables, other builds' outputs, the named contexts that match a reference as
// written, an empty `dockerfile:`, and each diagnostic once. Expectations are worked out by hand from the
// real tools' source, cited beside each test; test/fixtures/buildx/ holds docker/buildx's own stage layout.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCompose } from '../../src/compose/parseCompose';
import { parseDockerfile, type DockerfileOptions } from '../../src/dockerfile/parseDockerfile';
import { isPulledImage, type BuildFile, type ImageUse } from '../../src/model/buildFile';
import { formatMessage } from '../../src/model/messages';
import { planPin, planPinAll } from '../../src/pin/planEdits';
import { pinDiagnostics } from '../../src/pin/pinDiagnostics';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';

const BUILDX = readFileSync('test/fixtures/buildx/Dockerfile', 'utf8');
const BUILDX_BAKE = readFileSync('test/fixtures/buildx/docker-bake.hcl', 'utf8');
const DIGEST = `sha256:${'a'.repeat(64)}`;

/** The images a file pulls, as resolved: the uses a registry is asked about, or would be once known. */
function pulled(file: BuildFile): string[] {
  return file.uses.filter(isPulledImage).map((u) => u.resolved ?? u.text);
}

/** Why a use is not pinnable, in short: `stage`, `notBuilt(binaries)`, … */
function why(use: ImageUse): string {
  if (use.pin.pinnable) return 'pinnable';
  const r = use.pin.reason;
  switch (r.kind) {
    case 'notBuilt':
      return `notBuilt(${r.target})`;
    case 'localBuild':
      return `localBuild(${r.builder})`;
    case 'contextMatch':
      return `contextMatch(${r.builder}: ${r.context})`;
    case 'stage':
      return r.byPlatform ? `stage(${r.byPlatform.join(' ')})` : 'stage';
    case 'unresolved':
      return `unresolved(${r.variable}, ${r.cause})`;
    default:
      return r.kind;
  }
}

function buildx(options: DockerfileOptions = {}): BuildFile {
  return parseDockerfile('/buildx/Dockerfile', BUILDX, options);
}

describe('builds: only the stages a build’s target needs are built', () => {
  // BuildKit, frontend/dockerfile/dockerfile2llb/convert.go: `resolveTarget` takes `findStateByName(target)`
  // (lower-cased) or `lastTarget()`; `allReachableStages` follows each stage's `base` (FROM <stage>) and its
  // `deps` (COPY --from, RUN --mount=from, by name or by index), and only reachable stages get their base
  // image resolved. The `# syntax=` frontend is resolved before any of that, for every build.
  const ALWAYS = ['docker/dockerfile:1', 'tonistiigi/xx:1.9.0', 'golang:1.26-alpine3.23'];

  it('builds binaries from xx and golang only: binaries-$TARGETOS → binaries-* → buildx-build → gobase', () => {
    const file = buildx({ build: { target: 'binaries', platforms: ['local'] } });
    assert.deepEqual(pulled(file), ALWAYS);
    const skipped = file.uses.filter((u) => !u.pin.pinnable && u.pin.reason.kind === 'notBuilt');
    assert.deepEqual([...new Set(skipped.map(why))], ['notBuilt(binaries)']);
    // The images of the test and release tooling stages, among them.
    for (const image of ['moby/moby-bin:29.6', 'registry:3.0.0', 'alpine:3.23', 'docker:29.6']) assert.ok(skipped.some((u) => u.resolved === image), image);
  });

  it('builds the last stage when no target is given (`FROM binaries` in buildx), naming it by index', () => {
    const file = buildx({ build: {} });
    assert.deepEqual(pulled(file), ALWAYS);
    // The last stage has no name: stage 32 (the 33rd FROM).
    assert.equal(why(file.uses.find((u) => u.resolved === 'docker:29.6')!), 'notBuilt(32)');
  });

  it('follows RUN --mount=from= and COPY --from= to the stages they name', () => {
    // release ← COPY --from=releaser ← alpine, RUN --mount=from=binaries and from=buildx-version
    assert.deepEqual(pulled(buildx({ build: { target: 'release' } })), [...ALWAYS, 'alpine:3.23']);
    // test-coverage ← COPY --from=test ← gobase
    assert.deepEqual(pulled(buildx({ build: { target: 'test-coverage' } })), ALWAYS);
    // integration-test ← integration-test-base, which copies from every tool stage, and from binaries
    assert.deepEqual(pulled(buildx({ build: { target: 'integration-test' } })), [
      ...ALWAYS,
      'moby/moby-bin:29.6',
      'dockereng/cli-bin:29.6',
      'moby/moby-bin:28.5',
      'moby/moby-bin:27.5.1',
      'dockereng/cli-bin:28.5',
      'dockereng/cli-bin:27.5.1',
      'registry:3.0.0',
      'moby/buildkit:v0.32.1',
      'docker/compose-bin:v5.1.0',
      'crazymax/undock:0.9.0',
    ]);
  });

  it('finds the target by its lower-case name, and links --from=<index> to that stage', () => {
    assert.deepEqual(pulled(buildx({ build: { target: 'Release' } })), [...ALWAYS, 'alpine:3.23']);
    // toCommand: a numeric --from is `findStateByIndex`.
    const text = 'FROM alpine:3.20\nFROM nginx:1.27\nFROM scratch\nCOPY --from=0 / /\n';
    const file = parseDockerfile('/w/Dockerfile', text, { build: {} });
    assert.deepEqual(file.uses.map((u) => [u.text, why(u)]), [
      ['alpine:3.20', 'pinnable'],
      ['nginx:1.27', 'notBuilt(2)'],
      ['scratch', 'scratch'],
      ['0', 'stage'],
    ]);
  });

  it('shows every stage of a Dockerfile read on its own, and marks nothing for a target it lacks', () => {
    // 15 FROM images and the # syntax frontend
    assert.equal(pulled(buildx()).length, 16);
    // resolveTarget fails ("target stage … could not be found") before any image is resolved: the index
    // reports that on the build; the file is left as it reads.
    assert.equal(pulled(buildx({ build: { target: 'nope' } })).length, 16);
  });

  it('uses a named context only where a built stage names it', () => {
    // resolveBaseImage loads a named context only `if reachable`.
    const text = 'FROM alpine:3.20 AS app\nFROM golang AS tools\n';
    const contexts = { golang: { kind: 'image', value: 'golang:1.23' } } as const;
    const file = parseDockerfile('/w/Dockerfile', text, { contexts, build: { target: 'app' } });
    assert.deepEqual(file.uses.map((u) => [u.text, u.resolved, why(u)]), [
      ['alpine:3.20', 'alpine:3.20', 'pinnable'],
      ['golang', 'golang:1.23', 'notBuilt(app)'],
    ]);
    assert.equal(file.matchedContexts, undefined);
  });
});

describe('builds: stage names made of platform variables', () => {
  // `FROM binaries-$TARGETOS AS binaries` (docker/buildx) and `FROM containerutil-windows-${TARGETARCH}`
  // (moby/moby): BuildKit expands the platform ARGs for each target platform (dockerfile2llb `defaultArgs`)
  // and `addState` takes the result as a stage when a stage has that name. The values are OCI platform
  // parts: Go's GOOS and GOARCH (go/build syslist KnownOS, KnownArch), so `unix` in `binaries-unix` is none.
  const use = (file: BuildFile, text: string) => file.uses.find((u) => u.text === text)!;

  it('reads binaries-$TARGETOS as the stages every OS value may name, on its own or for the machine’s platform', () => {
    const stages = 'stage(binaries-darwin binaries-freebsd binaries-linux binaries-netbsd binaries-openbsd binaries-windows)';
    assert.equal(why(use(buildx(), 'binaries-$TARGETOS')), stages);
    assert.equal(why(use(buildx({ build: { target: 'binaries', platforms: ['local'] } }), 'binaries-$TARGETOS')), stages);
  });

  it('reads it for each of the build’s platforms when they are known', () => {
    assert.equal(why(use(buildx({ build: { platforms: ['linux/amd64', 'windows/arm64', 'linux/arm/v7'] } }), 'binaries-$TARGETOS')), 'stage(binaries-linux binaries-windows)');
    // binaries-darwin is then not built: the stage is only reached through the variable.
    const linux = buildx({ build: { target: 'binaries', platforms: ['linux/amd64'] } });
    assert.deepEqual(
      linux.units.filter((s) => s.name?.startsWith('binaries-')).map((s) => [s.name, why(linux.uses.find((u) => u.unit === s.index)!)]),
      [
        ['binaries-unix', 'scratch'],
        ['binaries-darwin', 'notBuilt(binaries)'],
        ['binaries-freebsd', 'notBuilt(binaries)'],
        ['binaries-linux', 'stage'],
        ['binaries-netbsd', 'notBuilt(binaries)'],
        ['binaries-openbsd', 'notBuilt(binaries)'],
        ['binaries-windows', 'notBuilt(binaries)'],
      ],
    );
  });

  it('is no stage reference when a platform value names no stage: that build would pull such an image', () => {
    // moby/moby's Dockerfile: only amd64 has a containerutil-windows stage.
    const moby = ['FROM scratch AS binary-dummy', 'FROM binary-dummy AS containerutil-build', 'FROM containerutil-build AS containerutil-windows-amd64', 'FROM containerutil-windows-${TARGETARCH} AS containerutil-windows', ''].join('\n');
    assert.equal(why(use(parseDockerfile('/moby/Dockerfile', moby), 'containerutil-windows-${TARGETARCH}')), 'stage(containerutil-windows-amd64)');
    assert.equal(why(use(parseDockerfile('/moby/Dockerfile', moby, { build: { platforms: ['windows/amd64', 'windows/arm64'] } }), 'containerutil-windows-${TARGETARCH}')), 'unresolved(TARGETARCH, platform)');
    assert.equal(why(use(buildx({ build: { platforms: ['plan9/amd64'] } }), 'binaries-$TARGETOS')), 'unresolved(TARGETOS, platform)');
    // An image named by platform stays one.
    assert.equal(why(parseDockerfile('/w/Dockerfile', 'FROM alpine-$TARGETARCH\n').uses[0]!), 'unresolved(TARGETARCH, platform)');
  });

  it('does not list them as images when grouping by image', () => {
    const index = new BuildFileIndex();
    index.set('/buildx/Dockerfile', BUILDX);
    index.set('/w/Dockerfile', 'FROM alpine-$TARGETARCH\n');
    const keys = index.byImage().map((g) => g.key);
    assert.ok(!keys.includes('binaries-$TARGETOS'), keys.join(', '));
    assert.ok(keys.includes('alpine-$TARGETARCH'));
  });
});

describe('builds: the index as each build sees its Dockerfile', () => {
  it('keeps a build’s Dockerfile as built while other files change, and reads it again when its owner or its Dockerfile does', () => {
    const index = new BuildFileIndex();
    const compose = (base: string) => ['services:', '  app:', '    build:', '      context: .', '      args:', `        BASE: ${base}`].join('\n');
    index.set('/w/compose.yaml', compose('golang:1.23'), 'compose');
    index.set('/w/Dockerfile', 'ARG BASE=golang:1.22\nFROM ${BASE}\n');
    index.set('/w/other/Dockerfile', 'FROM alpine:3.20\n');
    const built = index.linked('/w/compose.yaml', 0)!;
    assert.deepEqual(pulled(built), ['golang:1.23']);
    // Typing in another Dockerfile, or deleting it, cannot change what app builds: the same parse serves.
    index.set('/w/other/Dockerfile', 'FROM alpine:3.21\n');
    index.delete('/w/other/Dockerfile');
    assert.equal(index.linked('/w/compose.yaml', 0), built);
    // Compose's build args win over the ARG's default (compose-go types.BuildConfig.Args, passed as --build-arg).
    index.set('/w/Dockerfile', 'ARG BASE=golang:1.22\nFROM ${BASE}\nCOPY --from=debian:12 /etc/os-release /\n');
    assert.deepEqual(pulled(index.linked('/w/compose.yaml', 0)!), ['golang:1.23', 'debian:12']);
    index.set('/w/compose.yaml', compose('golang:1.24'), 'compose');
    assert.deepEqual(pulled(index.linked('/w/compose.yaml', 0)!), ['golang:1.24', 'debian:12']);
    assert.deepEqual(index.byImage().map((g) => g.key), ['debian:12', 'golang:1.22', 'golang:1.24']);
  });

  it('lists by image only what the builds build', () => {
    const index = new BuildFileIndex();
    const compose = ['services:', '  app:', '    build:', '      context: .', '      target: app', '      args:', '        BASE: golang:1.23', '  tools:', '    build:', '      context: .', '      target: tools', '      args:', '        BASE: golang:1.24'].join('\n');
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/Dockerfile', 'ARG BASE=golang:1.22\nFROM ${BASE} AS tools\nFROM alpine:3.20 AS app\n');
    assert.deepEqual(index.linked('/w/compose.yaml', 0)!.uses.map((u) => [u.resolved, why(u)]), [
      ['golang:1.23', 'notBuilt(app)'],
      ['alpine:3.20', 'pinnable'],
    ]);
    // golang:1.23 is passed to a stage app does not build: nobody pulls it. The Dockerfile on its own
    // builds its last stage too, but shows (and lists) every stage.
    assert.deepEqual(index.byImage().map((g) => [g.key, g.uses.map((u) => (u.via ? `via ${u.via.build}` : 'own'))]), [
      ['alpine:3.20', ['own']],
      ['golang:1.22', ['own']],
      ['golang:1.24', ['via 1']],
    ]);
  });

  it('builds buildx’s Bake targets from the stages their targets need, for their platforms', () => {
    const index = new BuildFileIndex();
    index.set('/buildx/docker-bake.hcl', BUILDX_BAKE, 'bake-hcl');
    index.set('/buildx/Dockerfile', BUILDX);
    const bake = index.get('/buildx/docker-bake.hcl')!;
    const build = (name: string) => bake.builds!.findIndex((b) => bake.units[b.unit]?.name === name);
    assert.deepEqual(pulled(index.linked('/buildx/docker-bake.hcl', build('test'))!), ['docker/dockerfile:1', 'tonistiigi/xx:1.9.0', 'golang:1.26-alpine3.23']);
    const release = index.linked('/buildx/docker-bake.hcl', build('release'))!;
    assert.deepEqual(pulled(release), ['docker/dockerfile:1', 'tonistiigi/xx:1.9.0', 'golang:1.26-alpine3.23', 'alpine:3.23']);
    // release builds for the 10 platforms it inherits: the stages it builds, not the shell stage it skips.
    const stages = index.platformsByUnit().get('/buildx/Dockerfile')!;
    const stage = (name: string) => release.units.find((u) => u.name === name)!.index;
    assert.equal(stages.get(stage('releaser'))?.length, 10);
    assert.equal(stages.get(stage('binaries-windows'))?.length, 10);
    assert.equal(stages.get(stage('shell')), undefined);
  });

  it('reports a target the Dockerfile has no stage for, in BuildKit’s words, on the build', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', 'services:\n  api:\n    build:\n      context: api\n      target: Nope\n  web:\n    build:\n      context: api\n      target: RELEASE\n', 'compose');
    index.set('/w/api/Dockerfile', 'FROM alpine:3.20 AS release\n');
    const found = index.diagnostics('/w/compose.yaml').map((d) => [d.code, d.severity, d.range.start.line, formatMessage(d.message)]);
    // dockerfile2llb resolveTarget: `target stage %q could not be found`; RELEASE finds `release`.
    // at the `build:` key of api
    assert.deepEqual(found, [['target-not-found', 'error', 2, 'target stage "Nope" could not be found in /w/api/Dockerfile: the build fails before it pulls anything.']]);
  });
});

describe('builds: other builds’ outputs are not pulled', () => {
  // docker compose tags a service's build with `build.tags` and its `image:` (pkg/compose/build_bake.go:
  // `Tags: append(buildConfig.Tags, image)`); Bake targets with their `tags`. A FROM naming one of them uses
  // that output, built by the project, not an image from a registry.
  const dockerfile = ['ARG BASE=alpine:3.20', 'FROM acme/app:dev AS previous', 'FROM ${BASE}', 'COPY --from=registry.example/acme/tool:1 / /', `COPY --from=acme/base:dev@${DIGEST} / /`, 'COPY --from=previous / /', ''].join('\n');

  it('Compose: a build arg naming another service’s image, or a tag of its build', () => {
    const index = new BuildFileIndex();
    const compose = [
      'services:',
      '  base:',
      '    image: acme/base:dev',
      '    build: base',
      '  tool:',
      '    build:',
      '      context: tool',
      '      tags: [registry.example/acme/tool:1]',
      '  app:',
      '    image: acme/app:dev',
      '    build:',
      '      context: app',
      '      args:',
      '        BASE: acme/base:dev',
    ].join('\n');
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/app/Dockerfile', dockerfile);
    const app = index.linked('/w/compose.yaml', 2)!;
    assert.deepEqual(app.uses.map((u) => [u.text, u.resolved, why(u)]), [
      // its own image names what this build makes: from a registry, the one built before
      ['acme/app:dev', 'acme/app:dev', 'pinnable'],
      ['${BASE}', 'acme/base:dev', 'localBuild(base)'],
      ['registry.example/acme/tool:1', 'registry.example/acme/tool:1', 'localBuild(tool)'],
      // pinned by digest: a pull, whatever is built locally
      [`acme/base:dev@${DIGEST}`, `acme/base:dev@${DIGEST}`, 'pinnable'],
      ['previous', 'previous', 'stage'],
    ]);
    const refused = planPin(app.uses[1]!, DIGEST, app.path);
    assert.deepEqual(refused, { ok: false, reason: { kind: 'notPinnable', reason: { kind: 'localBuild', builder: 'base' } } });
    // Not images the build pulls: acme/base:dev is listed for the pinned use only, the tool image for the
    // Dockerfile on its own only (built alone, nothing tags it).
    assert.deepEqual(index.imageGroup('acme/base:dev')!.uses.map((u) => u.use.text), [`acme/base:dev@${DIGEST}`]);
    assert.deepEqual(index.imageGroup('registry.example/acme/tool:1')!.uses.map((u) => u.via), [undefined]);
  });

  it('Bake: a target arg naming another target’s tag', () => {
    const index = new BuildFileIndex();
    index.set('/w/docker-bake.hcl', 'target "base" {\n  context = "base"\n  tags = ["acme/base:dev"]\n}\ntarget "app" {\n  context = "app"\n  args = { BASE = "docker.io/acme/base:dev" }\n}\n', 'bake-hcl');
    index.set('/w/app/Dockerfile', dockerfile);
    assert.equal(why(index.linked('/w/docker-bake.hcl', 1)!.uses[1]!), 'localBuild(base)');
  });
});

describe('builds: an empty dockerfile: or context: in Compose', () => {
  // compose-go's normalize defaults only what is missing (loader/normalize.go); an interpolated "" stays "",
  // and docker compose drops it from the Bake definition it builds (build_bake.go, `omitempty`), where
  // Bake's ResolveTarget defaults context to "." and an empty Dockerfile to "Dockerfile" (bake/bake.go).
  it('builds <context>/Dockerfile, not the context folder read as a file', () => {
    const compose = 'services:\n  api:\n    build:\n      context: api\n      dockerfile: ${DOCKERFILE}\n  web:\n    build:\n      context: ${CONTEXT}\n      dockerfile: ""\n';
    const file = parseCompose('/w/compose.yaml', compose);
    assert.deepEqual(file.builds!.map((b) => [b.context, b.dockerfile]), [
      ['/w/api', '/w/api/Dockerfile'],
      ['/w', '/w/Dockerfile'],
    ]);
  });
});

describe('builds: references a named context matches are not pinned', () => {
  // BuildKit looks a named context up by the reference as written (frontend/dockerui/config.go
  // `NamedContext`: ParseNormalizedNamed, FamiliarString, ":latest" trimmed), after ARG expansion. A digest
  // is part of the familiar string: `alpine:3.20@sha256:…` no longer finds the context "alpine:3.20".
  const compose = ['services:', '  app:', '    build:', '      context: app', '      additional_contexts:', '        "alpine:3.20": docker-image://alpine:3.21', '        golang:1.23: ./go', ''].join('\n');
  const dockerfile = ['ARG GO=golang:1.23', 'FROM docker.io/library/alpine:3.20 AS base', 'FROM ${GO} AS tools', 'FROM base', 'COPY --from=tools / /', 'COPY --from=nginx:1.27 / /', ''].join('\n');

  function workspace(): BuildFileIndex {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/app/Dockerfile', dockerfile);
    return index;
  }

  it('refuses, in the Dockerfile on its own, the references and ARG defaults a build’s context matches', () => {
    const index = workspace();
    const own = index.get('/w/app/Dockerfile')!;
    assert.deepEqual(own.uses.map((u) => [u.text, why(u)]), [
      ['docker.io/library/alpine:3.20', 'contextMatch(app: alpine:3.20)'],
      // the digest would go into ARG GO's default, which is what the build's context matches
      ['${GO}', 'contextMatch(app: golang:1.23)'],
      ['base', 'stage'],
      ['tools', 'stage'],
      ['nginx:1.27', 'pinnable'],
    ]);
    // The build itself uses the contexts.
    assert.deepEqual(index.linked('/w/compose.yaml', 0)!.uses.slice(0, 2).map((u) => [u.resolved, u.context]), [['alpine:3.21', 'alpine:3.20'], ['./go', 'golang:1.23']]);
    // Still an image the Dockerfile pulls when built on its own, listed and looked up.
    assert.ok(index.imageGroup('alpine:3.20'));
  });

  it('says why in the unpinned diagnostic, and Pin All skips it with that reason', () => {
    const index = workspace();
    const own = index.get('/w/app/Dockerfile')!;
    const found = pinDiagnostics(own, dockerfile, () => undefined, { unpinned: 'hint', stale: 'warning' });
    assert.equal(
      formatMessage(found[0]!.message),
      'alpine:3.20 is not pinned to a digest, and is not pinned here on purpose: app (compose.yaml) replaces it with its named context "alpine:3.20", which BuildKit matches against the reference as written. A digest would end that override.',
    );
    const plan = planPinAll([own], () => DIGEST);
    assert.deepEqual(plan.changed.map((c) => c.use.text), ['nginx:1.27']);
    assert.deepEqual(plan.skipped.map((s) => [s.use.text, s.reason.kind === 'notPinnable' ? s.reason.reason.kind : s.reason.kind]), [
      ['docker.io/library/alpine:3.20', 'contextMatch'],
      ['${GO}', 'contextMatch'],
    ]);
  });

  it('refuses the pin forms of a reference partly made of ARGs that a context matches once expanded', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/app/Dockerfile', 'ARG V=3.20\nFROM alpine:${V}\n');
    // A digest after the expansion, or in a companion ARG after an `@`, changes the text as written.
    assert.equal(why(index.get('/w/app/Dockerfile')!.uses[0]!), 'contextMatch(app: alpine:3.20)');
  });

  it('refuses a Bake arg another target shares with one whose context matches it', () => {
    const bake = [
      'target "_base" {',
      '  args = { BASE = "alpine:3.20" }',
      '}',
      'target "a" {',
      '  inherits = ["_base"]',
      '  context = "a"',
      '  contexts = { "alpine:3.20" = "docker-image://alpine:3.21" }',
      '}',
      'target "b" {',
      '  inherits = ["_base"]',
      '  context = "b"',
      '}',
    ].join('\n');
    const index = new BuildFileIndex();
    index.set('/w/docker-bake.hcl', bake, 'bake-hcl');
    index.setResource('/w/a/Dockerfile', 'ARG BASE\nFROM ${BASE}\n');
    index.setResource('/w/b/Dockerfile', 'ARG BASE\nFROM ${BASE}\n');
    const file = index.get('/w/docker-bake.hcl')!;
    const b = file.builds!.findIndex((x) => file.units[x.unit]?.name === 'b');
    assert.equal(why(index.linked('/w/docker-bake.hcl', b)!.uses[0]!), 'contextMatch(a: alpine:3.20)');
  });

  it('follows the builds: a Dockerfile read before the build that overrides it, and after the override goes', () => {
    const index = new BuildFileIndex();
    // Another project's override, so that the index has matches to apply from the start.
    index.set('/o/compose.yaml', compose, 'compose');
    index.set('/o/app/Dockerfile', dockerfile);
    index.set('/w/app/Dockerfile', dockerfile);
    assert.equal(why(index.get('/w/app/Dockerfile')!.uses[0]!), 'pinnable');
    index.set('/w/compose.yaml', compose, 'compose');
    assert.equal(why(index.get('/w/app/Dockerfile')!.uses[0]!), 'contextMatch(app: alpine:3.20)');
    index.set('/w/compose.yaml', 'services:\n  app:\n    build: app\n', 'compose');
    assert.equal(why(index.get('/w/app/Dockerfile')!.uses[0]!), 'pinnable');
  });

  it('matches no context once the reference is pinned', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/app/Dockerfile', `FROM alpine:3.20@${DIGEST}\n`);
    const linked = index.linked('/w/compose.yaml', 0)!;
    assert.deepEqual(linked.uses.map((u) => [u.resolved, u.context, why(u)]), [[`alpine:3.20@${DIGEST}`, undefined, 'pinnable']]);
    assert.equal(why(index.get('/w/app/Dockerfile')!.uses[0]!), 'pinnable');
  });
});

describe('builds: each diagnostic once', () => {
  it('reports a matrix’s missing Dockerfile and invalid context once, not once per combination', () => {
    const bake = [
      'target "v" {',
      '  matrix = { f = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"] }',
      '  name = "validate-${f}"',
      '  dockerfile = "missing.Dockerfile"',
      '  contexts = { x = "docker-image://Bad Ref" }',
      '}',
    ].join('\n');
    const index = new BuildFileIndex();
    index.set('/w/docker-bake.hcl', bake, 'bake-hcl');
    index.setResource('/w/missing.Dockerfile', undefined);
    assert.deepEqual(index.diagnostics('/w/docker-bake.hcl').map((d) => [d.code, d.range.start.line]), [
      ['invalid-reference', 4],
      ['dockerfile-not-found', 0],
    ]);
  });
});
