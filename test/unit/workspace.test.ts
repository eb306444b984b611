import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';
import { walkFolder, type WalkOptions } from '../../src/workspace/walkFolder';
import { BAKE_NAMES, BuildFileMatcher, COMPOSE_NAMES, DOCKERFILE_NAMES, globMatcher, isScannedName, pathExcluder } from '../../src/workspace/buildFilePatterns';

describe('build file names', () => {
  const matcher = new BuildFileMatcher(['**/*.containerfile', 'docker/build-*']);
  const cases: [path: string, dockerfile: boolean][] = [
    ['Dockerfile', true],
    ['services/api/Dockerfile', true],
    ['Dockerfile.dev', true],
    ['deploy/Dockerfile.prod.arm64', true],
    ['api.Dockerfile', true],
    ['api.dockerfile', true],
    ['Containerfile', true],
    ['Containerfile.rhel', true],
    ['C:\\src\\app\\Dockerfile', true],
    // per-Dockerfile ignore files are not Dockerfiles
    ['Dockerfile.dockerignore', false],
    ['api.Dockerfile.dockerignore', false],
    ['.dockerignore', false],
    ['dockerfile', false], // BuildKit's default name is case-sensitive
    ['MyDockerfile', false],
    ['docs/Dockerfile.md/readme.txt', false],
    // the user's extra globs, against the workspace-relative path
    ['images/base.containerfile', true],
    ['docker/build-web', true],
    ['other/build-web', false],
  ];
  for (const [path, expected] of cases) {
    it(`${expected ? 'finds' : 'skips'} ${path}`, () => {
      assert.equal(matcher.kindOf(path), expected ? 'dockerfile' : undefined);
    });
  }
  const kinds: [path: string, kind: string | undefined][] = [
    ['compose.yaml', 'compose'],
    ['deploy/compose.yml', 'compose'],
    ['docker-compose.yml', 'compose'],
    ['docker-compose.override.yaml', 'compose'],
    ['compose.prod.yaml', 'compose'],
    ['compose.json', undefined],
    ['docker-bake.hcl', 'bake-hcl'],
    ['docker-bake.override.hcl', 'bake-hcl'],
    ['ci/docker-bake.json', 'bake-json'],
    ['bake.hcl', undefined],
  ];
  for (const [path, kind] of kinds) {
    it(`reads ${path} as ${kind ?? 'nothing'}`, () => assert.equal(matcher.kindOf(path), kind));
  }
  it('ignores blank extra globs', () => {
    assert.equal(new BuildFileMatcher(['', '  ']).kindOf('README.md'), undefined);
  });
  it('matches names exactly as picomatch does', () => {
    const match = (globs: readonly string[]) => picomatch([...globs], { dot: true });
    const [dockerfile, compose, bake] = [match(DOCKERFILE_NAMES), match(COMPOSE_NAMES), match(BAKE_NAMES)];
    const reference = (name: string) => name === '.env' || (!/\.dockerignore$/i.test(name) && (compose(name) || bake(name) || dockerfile(name)));
    const part = fc.constantFrom('', '.', '..', '*', 'Dockerfile', 'dockerfile', 'Containerfile', 'compose', 'docker-compose', 'docker-bake', 'override', 'yaml', 'yml', 'hcl', 'json', 'env', 'dockerignore', 'x', 'a b', '[', '\\');
    const name = fc.array(part, { maxLength: 4 }).chain((parts) => fc.constantFrom(parts.join('.'), parts.join(''), parts.join('-')));
    fc.assert(
      fc.property(name, (n) => assert.equal(isScannedName(`/w/${n}`), reference(n.slice(n.lastIndexOf('\\') + 1)), n)),
      { numRuns: 5000 },
    );
  });
});

describe('excluded paths', () => {
  // imageProvenance.exclude's defaults are Renovate's ignorePaths for dependencies (renovatebot/renovate,
  // lib/config/presets/internal/default.ts, preset ignoreModulesAndTests); files.exclude's own default form names a
  // folder (`**/node_modules`), which hides what is inside it too, as in VS Code's Explorer.
  const excluded = pathExcluder(['**/node_modules/**', '**/vendor/**', '**/bower_components/**', '**/ignored']);
  const cases: [path: string, excluded: boolean][] = [
    ['vendor/github.com/docker/cli-docs-tool/Dockerfile', true],
    ['repos/buildx/vendor/github.com/creack/pty/Dockerfile.golang', true],
    ['web/node_modules/some-package/docker-compose.yml', true],
    ['bower_components/x/Dockerfile', true],
    ['ignored/Dockerfile', true],
    ['deep/ignored/more/Dockerfile', true],
    ['.hidden/vendor/Dockerfile', true],
    ['vendors/Dockerfile', false],
    ['my-vendor/Dockerfile', false],
    ['services/vendor.Dockerfile', false],
    ['Dockerfile', false],
    ['not-ignored/Dockerfile', false],
  ];
  for (const [path, expected] of cases) it(`${expected ? 'excludes' : 'keeps'} ${path}`, () => assert.equal(excluded(path), expected));
  it('excludes nothing without globs', () => assert.equal(pathExcluder([])('vendor/Dockerfile'), false));
});

describe('build file index', () => {
  it('tells its listeners once per batch, with every path, when the batch (or the promise it returns) is done', async () => {
    const index = new BuildFileIndex();
    const told: string[][] = [];
    index.onDidChange((paths) => told.push([...paths]));
    index.batch(() => ['a/Dockerfile', 'b/Dockerfile'].forEach((path) => index.set(path, 'FROM alpine:3.20\n')));
    assert.deepEqual(told, [['a/Dockerfile', 'b/Dockerfile']]);
    const scan = index.batch(async () => {
      index.set('c/Dockerfile', 'FROM node:22\n');
      await new Promise((resolve) => setImmediate(resolve));
      index.delete('a/Dockerfile');
    });
    assert.equal(told.length, 1, 'told before the batch ended');
    await scan;
    assert.deepEqual(told[1]?.sort(), ['a/Dockerfile', 'c/Dockerfile']);
    assert.equal(index.size, 2);
  });

  it('keeps one parsed file per path, replaced on change, gone on delete', () => {
    const index = new BuildFileIndex();
    const changes: string[][] = [];
    const subscription = index.onDidChange((paths) => changes.push([...paths]));
    index.set('/w/b/Dockerfile', 'FROM node:22\n');
    index.set('/w/a/Dockerfile', 'FROM alpine:3.20 AS base\nFROM base\n');
    assert.deepEqual(index.files().map((f) => f.path), ['/w/a/Dockerfile', '/w/b/Dockerfile']);
    index.set('/w/b/Dockerfile', 'FROM node:20\n');
    assert.equal(index.get('/w/b/Dockerfile')?.uses[0]?.text, 'node:20');
    assert.deepEqual(index.files().map((f) => f.uses[0]?.text), ['alpine:3.20', 'node:20']);
    assert.ok(index.delete('/w/a/Dockerfile'));
    assert.ok(!index.delete('/w/a/Dockerfile'));
    subscription.dispose();
    index.set('/w/c/Dockerfile', 'FROM x\n');
    assert.deepEqual(changes, [['/w/b/Dockerfile'], ['/w/a/Dockerfile'], ['/w/b/Dockerfile'], ['/w/a/Dockerfile']]);
    assert.equal(index.size, 2);
  });

  it('groups uses by image name and tag, pinned or not, leaving out stages and scratch', () => {
    const index = new BuildFileIndex();
    const digest = 'sha256:' + 'c'.repeat(64);
    index.set('/w/api/Dockerfile', `FROM node:22 AS build\nFROM docker.io/library/node:22@${digest}\nCOPY --from=build /a /a\n`);
    index.set('/w/web/Dockerfile', 'ARG BASE\nFROM ${BASE}\nFROM scratch\nFROM nginx:1.27\n');
    const groups = index.byImage().map((g) => [g.key, g.uses.map((u) => `${u.file.path}:${u.use.range.start.line}`)]);
    assert.deepEqual(groups, [
      ['${BASE}', ['/w/web/Dockerfile:1']],
      ['nginx:1.27', ['/w/web/Dockerfile:3']],
      ['node:22', ['/w/api/Dockerfile:0', '/w/api/Dockerfile:1']],
    ]);
  });
});

describe('build file index: Compose services linked to their Dockerfiles', () => {
  const compose = [
    'services:',
    '  api:',
    '    image: acme/api:${TAG}',
    '    build:',
    '      context: api',
    '      args:',
    '        BASE: golang:1.23-alpine', // 6: value at 14..32
    '      additional_contexts:',
    '        certs: docker-image://alpine:3.20', // 8: image at 30..41
    '  cache:',
    '    image: redis:7.4',
  ].join('\n');
  // The last stage, which the build builds, needs the other two (dockerfile2llb: allReachableStages).
  const dockerfile = ['ARG BASE=golang:1.22', 'FROM ${BASE} AS build', 'FROM certs AS certs-stage', 'FROM scratch', 'COPY --from=build /app /app', 'COPY --from=certs-stage / /'].join('\n');

  it('asks for the files a Compose file depends on, and links its build once the Dockerfile arrives', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    assert.deepEqual(index.wanted().sort(), ['/w/.env', '/w/api/Dockerfile', '/w/compose.override.yaml', '/w/compose.override.yml', '/w/docker-compose.override.yaml', '/w/docker-compose.override.yml']);
    assert.equal(index.linked('/w/compose.yaml', 0), undefined);

    const changes: string[][] = [];
    index.onDidChange((paths) => changes.push([...paths]));
    index.set('/w/api/Dockerfile', dockerfile);
    // The Compose file changes too: its build now has a Dockerfile.
    assert.deepEqual(changes, [['/w/api/Dockerfile', '/w/compose.yaml']]);
    const linked = index.linked('/w/compose.yaml', 0)!;
    assert.deepEqual(
      linked.uses.map((u) => [u.text, u.resolved, u.context, u.pin.pinnable ? `${u.pin.file}@${u.pin.range.start.line}:${u.pin.range.start.character}` : u.pin.reason.kind]),
      [
        // the ARG default is replaced by the Compose arg, pinned where Compose writes it
        ['${BASE}', 'golang:1.23-alpine', undefined, '/w/compose.yaml@6:14'],
        // `FROM certs` is replaced by the named context, pinned in the Compose file
        ['certs', 'alpine:3.20', 'certs', '/w/compose.yaml@8:30'],
        ['scratch', 'scratch', undefined, 'scratch'],
        ['build', 'build', undefined, 'stage'],
        ['certs-stage', 'certs-stage', undefined, 'stage'],
      ],
    );
    // The Dockerfile on its own keeps its own default.
    assert.equal(index.get('/w/api/Dockerfile')?.uses[0]?.resolved, 'golang:1.22');
  });

  it('re-reads a Compose file when its .env changes, and reports a missing Dockerfile', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    assert.equal(index.get('/w/compose.yaml')?.uses[0]?.resolved, 'acme/api:');
    index.setResource('/w/.env', 'TAG=1.4.2\n');
    assert.equal(index.get('/w/compose.yaml')?.uses[0]?.resolved, 'acme/api:1.4.2');
    index.setResource('/w/api/Dockerfile', undefined);
    assert.deepEqual(index.diagnostics('/w/compose.yaml').map((d) => [d.code, d.range.start.line]), [['dockerfile-not-found', 3]]);
    index.setVariables({ TAG: '2.0' });
    assert.equal(index.get('/w/compose.yaml')?.uses[0]?.resolved, 'acme/api:2.0');
  });

  it('does not warn that a Bake template\'s Dockerfile is missing: only what is built gets the warning', () => {
    // `_release` is only inherited from (buildx builds it only when named on the command line)
    const index = new BuildFileIndex();
    index.set('/w/docker-bake.hcl', 'group "default" {\n  targets = ["web"]\n}\ntarget "_release" {\n  platforms = ["linux/amd64"]\n}\ntarget "web" {\n  inherits = ["_release"]\n  context = "web"\n}\n', 'bake-hcl');
    index.setResource('/w/Dockerfile', undefined);
    index.setResource('/w/web/Dockerfile', undefined);
    assert.deepEqual(index.get('/w/docker-bake.hcl')?.builds?.map((b) => b.dockerfile), ['/w/Dockerfile', '/w/web/Dockerfile']);
    // line 6: target "web"
    assert.deepEqual(index.diagnostics('/w/docker-bake.hcl').map((d) => [d.code, d.range.start.line]), [['dockerfile-not-found', 6]]);
  });

  it('lists an image once per place it is written, whichever way it is reached', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', compose, 'compose');
    index.set('/w/api/Dockerfile', dockerfile);
    const groups = index.byImage().map((g) => [g.key, g.uses.map((u) => `${u.file.path}:${u.use.range.start.line}${u.via ? ' via build' : ''}`)]);
    assert.deepEqual(groups, [
      // the Compose context entry and the Dockerfile's `FROM certs` edit the same text: one use
      ['alpine:3.20', ['/w/compose.yaml:8']],
      // built on its own (`docker build api`), `FROM certs` would pull an image named certs
      ['certs', ['/w/api/Dockerfile:2']],
      // the Dockerfile's own default, and the value the Compose build passes in
      ['golang:1.22', ['/w/api/Dockerfile:1']],
      ['golang:1.23-alpine', ['/w/api/Dockerfile:1 via build']],
      ['redis:7.4', ['/w/compose.yaml:10']],
    ]);
  });

  it('indexes a file that a Compose file includes as a Compose file, whatever its name', () => {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', 'include:\n  - infra/db.yaml\nservices:\n  web:\n    image: nginx:1.27\n', 'compose');
    assert.ok(index.wanted().includes('/w/infra/db.yaml'));
    index.setResource('/w/infra/db.yaml', 'services:\n  db:\n    image: postgres:16\n');
    assert.equal(index.get('/w/infra/db.yaml')?.kind, 'compose');
    assert.deepEqual(index.get('/w/infra/db.yaml')?.uses.map((u) => u.resolved), ['postgres:16']);
  });

  it('drops an included file once nothing includes it, and reports a Dockerfile the scan did not find', () => {
    const index = new BuildFileIndex({ scanned: isScannedName });
    index.set('/w/compose.yaml', 'include:\n  - infra/db.yaml\nservices:\n  api:\n    build: api\n', 'compose');
    index.setResource('/w/infra/db.yaml', 'services:\n  db:\n    image: postgres:16\n');
    assert.ok(index.has('/w/infra/db.yaml'));
    // api/Dockerfile is a name the scan finds: not in the index means not on disk
    assert.deepEqual(index.diagnostics('/w/compose.yaml').map((d) => d.code), ['dockerfile-not-found']);
    index.set('/w/compose.yaml', 'services:\n  web:\n    image: nginx:1.27\n', 'compose');
    assert.ok(!index.has('/w/infra/db.yaml'));
  });
});

/** The wanted files under `root`, sorted. */
async function walk(root: string, options: Omit<WalkOptions, 'found'>): Promise<string[]> {
  const found: string[] = [];
  await walkFolder(root, { ...options, found: (path) => found.push(path) });
  return found.sort();
}

describe('walking a folder for build files', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'image-provenance-walk-'));
    for (const path of ['Dockerfile', 'app/Dockerfile', 'app/.env', 'app/README.md', 'vendor/x/Dockerfile', 'deep/a/b/c/compose.yaml', '.git/Dockerfile']) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), '');
    }
    // A link to a folder is followed, as VS Code's search follows it (search.followSymlinks); a link back up is not.
    symlinkSync(join(root, 'app'), join(root, 'linked'));
    symlinkSync(root, join(root, 'deep', 'loop'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds wanted files, follows links to folders but not back up, and never opens an excluded folder', async () => {
    const opened: string[] = [];
    const excluded = pathExcluder(['**/vendor/**', '**/.git']);
    const found = await walk(root, {
      excluded: (path) => {
        opened.push(path);
        return excluded(path);
      },
      wanted: (path) => isScannedName(path),
    });
    assert.deepEqual(found, ['Dockerfile', 'app/.env', 'app/Dockerfile', 'deep/a/b/c/compose.yaml', 'linked/.env', 'linked/Dockerfile']);
    assert.ok(!opened.some((p) => p.startsWith('vendor/x') || p.startsWith('.git/')), JSON.stringify(opened));
  });

  it('stops when cancelled', async () => {
    assert.deepEqual(await walk(root, { excluded: () => false, wanted: () => true, cancelled: () => true }), []);
  });

  it('reads no folder once cancelled: what was found so far is returned', async () => {
    const asked: string[] = [];
    const found = await walk(root, {
      excluded: (path) => asked.push(path) < 0,
      wanted: (path) => isScannedName(path),
      cancelled: () => asked.length > 0, // cancelled while the top folder is read
    });
    assert.deepEqual(found, ['Dockerfile']);
  });
});

describe('walking a large folder several folders at a time', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'image-provenance-walk-many-'));
    for (let s = 0; s < 20; s++) {
      for (let a = 0; a < 5; a++) {
        mkdirSync(join(root, `services/s${s}/a${a}`), { recursive: true });
        writeFileSync(join(root, `services/s${s}/a${a}/Dockerfile`), 'FROM alpine\n');
      }
    }
    mkdirSync(join(root, 'services/s3/a1/node_modules/pkg'), { recursive: true });
    writeFileSync(join(root, 'services/s3/a1/node_modules/pkg/Dockerfile'), '');
    // ripgrep `--follow` (BurntSushi/ripgrep crates/ignore/src/walk.rs, check_symlink_loop) follows a link unless its
    // target is one of the folders above it: a link to a sibling is walked again, a two-link loop once around.
    symlinkSync(join(root, 'services/s1'), join(root, 'services/s0/sibling'));
    symlinkSync(join(root, 'services'), join(root, 'services/s2/a0/up'));
    symlinkSync(join(root, 'services/s5'), join(root, 'services/s4/to-s5'));
    symlinkSync(join(root, 'services/s4'), join(root, 'services/s5/to-s4'));
    // A link to a file is that file; a dangling link is nothing.
    symlinkSync(join(root, 'services/s6/a0/Dockerfile'), join(root, 'services/s6/Dockerfile.linked'));
    symlinkSync(join(root, 'nowhere'), join(root, 'services/s7/Dockerfile'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds each file once per route that is not a loop, skipping excluded folders', async () => {
    const found = await walk(root, { excluded: globMatcher(['**/node_modules/**']), wanted: (path) => isScannedName(path) });
    const plain = Array.from({ length: 100 }, (_, i) => `services/s${Math.floor(i / 5)}/a${i % 5}/Dockerfile`);
    const expected = [
      ...plain,
      ...[0, 1, 2, 3, 4].map((a) => `services/s0/sibling/a${a}/Dockerfile`),
      ...[0, 1, 2, 3, 4].map((a) => `services/s4/to-s5/a${a}/Dockerfile`),
      ...[0, 1, 2, 3, 4].map((a) => `services/s5/to-s4/a${a}/Dockerfile`),
      'services/s6/Dockerfile.linked',
    ].sort();
    assert.deepEqual(found, expected);
  });
});
