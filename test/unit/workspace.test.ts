import * as assert from 'node:assert/strict';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';
import { BuildFileMatcher } from '../../src/workspace/buildFilePatterns';

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
  it('ignores blank extra globs', () => {
    assert.equal(new BuildFileMatcher(['', '  ']).kindOf('README.md'), undefined);
  });
});

describe('build file index', () => {
  it('keeps one parsed file per path, replaced on change, gone on delete', () => {
    const index = new BuildFileIndex();
    const changes: string[][] = [];
    const unsubscribe = index.onDidChange((paths) => changes.push([...paths]));
    index.set('/w/b/Dockerfile', 'FROM node:22\n');
    index.set('/w/a/Dockerfile', 'FROM alpine:3.20 AS base\nFROM base\n');
    assert.deepEqual(index.files().map((f) => f.path), ['/w/a/Dockerfile', '/w/b/Dockerfile']);
    index.set('/w/b/Dockerfile', 'FROM node:20\n');
    assert.equal(index.get('/w/b/Dockerfile')?.uses[0]?.text, 'node:20');
    assert.deepEqual(index.files().map((f) => f.uses[0]?.text), ['alpine:3.20', 'node:20']);
    assert.ok(index.delete('/w/a/Dockerfile'));
    assert.ok(!index.delete('/w/a/Dockerfile'));
    unsubscribe();
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
