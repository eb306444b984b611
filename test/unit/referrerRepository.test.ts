import { strict as assert } from 'node:assert';
import { parseReferrerRepository, referrerRepositoryFor, validateReferrerRepositories } from '../../src/attest/referrerRepository';
import { parseJsonc } from '../../src/cli/settings';
import { formatMessage } from '../../src/model/messages';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';

// Docker Scout keeps hardened images' attestations in a referrer repository: `docker scout attest list
// --referrer-repository` (docs.docker.com/reference/cli/docker/scout/attestation/list), default
// registry.scout.docker.com, the image's repository path kept. The setting maps a host or host/repository prefix to
// another; the longest key matching whole path segments wins, and the rest of the path is appended.
const ref = (text: string): ImageRef => {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.ref;
};
const mapped = (image: string, map: Record<string, string>) => {
  const r = referrerRepositoryFor(ref(image), map);
  return r && `${r.registry}/${r.repository}`;
};

describe('referrer repository setting (unit)', () => {
  it('maps an image by the longest key on path-segment boundaries, the rest of its path appended', () => {
    const map = {
      'docker.io/myorg': 'registry.scout.docker.com/myorg',
      'docker.io/myorg/special': 'registry.example.com/kept',
      'dhi.io': 'registry.scout.docker.com',
    };
    const table: [string, string | undefined][] = [
      ['myorg/app:1', 'registry.scout.docker.com/myorg/app'],
      ['docker.io/myorg/team/app', 'registry.scout.docker.com/myorg/team/app'],
      ['myorg/special/app', 'registry.example.com/kept/app'],
      ['myorg/special', 'registry.example.com/kept'],
      // `myorganization` does not start with the segment `myorg`.
      ['myorganization/app', undefined],
      ['dhi.io/python:3.13', 'registry.scout.docker.com/python'],
      ['nginx', undefined],
      ['ghcr.io/myorg/app', undefined],
    ];
    assert.deepEqual(table.map(([image]) => [image, mapped(image, map)]), table);
  });

  it('a Docker Hub host key matches official images under library/, and index.docker.io is docker.io', () => {
    assert.equal(mapped('nginx', { 'docker.io': 'registry.scout.docker.com' }), 'registry.scout.docker.com/library/nginx');
    assert.equal(mapped('myorg/app', { 'index.docker.io/myorg': 'registry.scout.docker.com/myorg' }), 'registry.scout.docker.com/myorg/app');
  });

  it('an invalid value maps to nothing, and the validator says which entry is wrong and why', () => {
    const map = { 'docker.io/myorg': 'Not A Host', 'myorg': 'registry.scout.docker.com', 'ghcr.io': 'registry.example.com/UPPER' };
    assert.equal(mapped('myorg/app', map), undefined);
    assert.deepEqual(validateReferrerRepositories({ ...map, 'quay.io': 42 }).map(formatMessage), [
      'The referrer repository "Not A Host" for "docker.io/myorg" is not a registry host or a host with a repository path, e.g. registry.scout.docker.com/myorg.',
      'The key "myorg" of imageProvenance.referrerRepositories is not a registry host or a host with a repository path, e.g. docker.io/myorg.',
      'The referrer repository "registry.example.com/UPPER" for "ghcr.io" is not a registry host or a host with a repository path, e.g. registry.scout.docker.com/myorg.',
      'The referrer repository "42" for "quay.io" is not a registry host or a host with a repository path, e.g. registry.scout.docker.com/myorg.',
    ]);
    assert.deepEqual(validateReferrerRepositories({ 'dhi.io': 'registry.scout.docker.com', 'localhost:5000/a': 'localhost:5001/b' }), []);
  });

  it('--referrer-repository takes a repository with its registry host, localhost included, by the same rule', () => {
    // Docker's rule (distribution/reference normalize.go, splitDockerDomain): the first part is a host when it has a
    // dot or a port, or is `localhost`.
    const repo = (text: string) => {
      const ref = parseReferrerRepository(text);
      return ref && `${ref.registry} ${ref.repository}`;
    };
    assert.equal(repo('registry.scout.docker.com/myorg/app'), 'registry.scout.docker.com myorg/app');
    assert.equal(repo('localhost/myorg/app'), 'localhost myorg/app');
    assert.equal(repo('localhost:5000/app/'), 'localhost:5000 app');
    for (const refused of ['myorg/app', 'registry.scout.docker.com', 'Registry.example.com/App', 'app']) assert.equal(repo(refused), undefined, refused);
  });

  it('reads settings.json as VS Code writes it: comments and trailing commas, slashes inside strings kept', () => {
    const text = '{\n  // where Scout keeps them\n  "imageProvenance.referrerRepositories": { "docker.io/myorg": "registry.scout.docker.com/myorg", },\n  /* block */ "x": "http://a/*b*/", "y": "a, }",\n}\n';
    assert.deepEqual(parseJsonc(text), { 'imageProvenance.referrerRepositories': { 'docker.io/myorg': 'registry.scout.docker.com/myorg' }, x: 'http://a/*b*/', y: 'a, }' });
    assert.equal(parseJsonc('[1]'), undefined);
    assert.equal(parseJsonc('{ "a": '), undefined);
  });
});
