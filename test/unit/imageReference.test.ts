import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalName,
  credentialKey,
  effectiveTag,
  familiarName,
  isDigest,
  isRegistryHost,
  isRepositoryPath,
  isTag,
  parseImageReference,
  registryApiHost,
  repositoryKey,
  shortDigest,
  withDigest,
  withoutDigest,
  type ReferenceErrorReason,
} from '../../src/reference/imageReference';
import { formatMessage } from '../../src/model/messages';

// Expected values are written by hand from distribution/reference's grammar (regexp.go), Docker's
// normalization (normalize.go: splitDockerDomain, ParseNormalizedNamed) and go-digest's validation.

const D = 'sha256:' + 'a'.repeat(64);
const D2 = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

type Valid = [text: string, registry: string, repository: string, tag?: string, digest?: string];
const valid: Valid[] = [
  // Docker Hub short names
  ['node', 'docker.io', 'library/node'],
  ['node:22', 'docker.io', 'library/node', '22'],
  ['node:22-slim', 'docker.io', 'library/node', '22-slim'],
  ['library/node:22', 'docker.io', 'library/node', '22'],
  ['docker.io/node:22', 'docker.io', 'library/node', '22'],
  ['docker.io/library/node:22', 'docker.io', 'library/node', '22'],
  ['index.docker.io/library/node', 'docker.io', 'library/node'],
  ['index.docker.io/node', 'docker.io', 'library/node'],
  ['registry-1.docker.io/library/node:22', 'registry-1.docker.io', 'library/node', '22'],
  ['bitnami/redis:7.2', 'docker.io', 'bitnami/redis', '7.2'],
  ['docker.io/bitnami/redis', 'docker.io', 'bitnami/redis'],
  ['a/b/c', 'docker.io', 'a/b/c'],
  // registries, ports, localhost, IPs
  ['ghcr.io/owner/repo:1.0', 'ghcr.io', 'owner/repo', '1.0'],
  ['ghcr.io/owner/repo', 'ghcr.io', 'owner/repo'],
  ['gcr.io/distroless/static-debian12:nonroot', 'gcr.io', 'distroless/static-debian12', 'nonroot'],
  ['mcr.microsoft.com/dotnet/sdk:8.0', 'mcr.microsoft.com', 'dotnet/sdk', '8.0'],
  ['quay.io/prometheus/node-exporter:v1.8.2', 'quay.io', 'prometheus/node-exporter', 'v1.8.2'],
  ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:prod', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'app', 'prod'],
  ['localhost:5000/x', 'localhost:5000', 'x'],
  ['localhost:5000/x:1', 'localhost:5000', 'x', '1'],
  ['localhost/x', 'localhost', 'x'],
  ['127.0.0.1:5000/team/app:dev', '127.0.0.1:5000', 'team/app', 'dev'],
  ['registry:5000/app', 'registry:5000', 'app'],
  ['[::1]:5000/app:1', '[::1]:5000', 'app', '1'],
  ['Registry.Example.com/app', 'Registry.Example.com', 'app'],
  ['my-registry.local/app', 'my-registry.local', 'app'],
  // "localhost:5000" alone is the Hub image "localhost" with tag "5000", not a registry
  ['localhost:5000', 'docker.io', 'library/localhost', '5000'],
  ['localhost', 'docker.io', 'library/localhost'],
  // separators in path components
  ['a_b/c__d/e-f/g.h', 'docker.io', 'a_b/c__d/e-f/g.h'],
  ['foo---bar', 'docker.io', 'library/foo---bar'],
  // tags
  ['node:LTS', 'docker.io', 'library/node', 'LTS'],
  ['node:_x', 'docker.io', 'library/node', '_x'],
  ['node:' + 'a'.repeat(128), 'docker.io', 'library/node', 'a'.repeat(128)],
  ['node:1.2.3-alpine3.20', 'docker.io', 'library/node', '1.2.3-alpine3.20'],
  // digests
  [`node@${D}`, 'docker.io', 'library/node', undefined, D],
  [`node:22@${D}`, 'docker.io', 'library/node', '22', D],
  [`ghcr.io/o/r:1@${D2}`, 'ghcr.io', 'o/r', '1', D2],
  [`localhost:5000/x@${D}`, 'localhost:5000', 'x', undefined, D],
  [`node@sha512:${'b'.repeat(128)}`, 'docker.io', 'library/node', undefined, `sha512:${'b'.repeat(128)}`],
  [`docker/dockerfile:1@${D}`, 'docker.io', 'docker/dockerfile', '1', D],
  [`node@sha384:${'c'.repeat(96)}`, 'docker.io', 'library/node', undefined, `sha384:${'c'.repeat(96)}`],
  // Only a reference that is 64 hex digits and nothing else looks like an image ID (normalize.go).
  [`${'f'.repeat(64)}:1`, 'docker.io', `library/${'f'.repeat(64)}`, '1'],
  [`docker.io/${'f'.repeat(64)}`, 'docker.io', `library/${'f'.repeat(64)}`],
  // distribution/reference v0.6 ("Exclude domain from name length check"): the registry does not count.
  ['ghcr.io/' + 'a'.repeat(248), 'ghcr.io', 'a'.repeat(248)],
  ['example.com/' + 'a'.repeat(255) + ':tag', 'example.com', 'a'.repeat(255), 'tag'],
  ['a'.repeat(247), 'docker.io', 'library/' + 'a'.repeat(247)],
];

const TAG_RULE = 'a tag is 1 to 128 letters, digits, "_", "." or "-", and cannot start with "." or "-".';
const DIGEST_RULE = 'expected "sha256:" followed by 64 lowercase hex digits.';
const invalid: [text: string, reason: ReferenceErrorReason, message: string][] = [
  ['', 'empty', 'The image reference is empty.'],
  [' node', 'whitespace', 'An image reference cannot contain white space.'],
  ['node :22', 'whitespace', 'An image reference cannot contain white space.'],
  ['node\t', 'whitespace', 'An image reference cannot contain white space.'],
  ['Node', 'uppercase', 'The repository name must be lowercase: "Node".'],
  ['library/Node:22', 'uppercase', 'The repository name must be lowercase: "library/Node".'],
  ['docker.io/Library/node', 'uppercase', 'The repository name must be lowercase: "Library/node".'],
  // ParseNormalizedNamed checks case before anything else about the name.
  ['Node!', 'uppercase', 'The repository name must be lowercase: "Node!".'],
  [':22', 'invalidName', 'Invalid repository name "".'],
  [`@${D}`, 'invalidName', 'Invalid repository name "".'],
  ['/node', 'invalidName', 'Invalid repository name "/node".'],
  ['node/', 'invalidName', 'Invalid repository name "node/".'],
  ['a//b', 'invalidName', 'Invalid repository name "a//b".'],
  ['-node', 'invalidName', 'Invalid repository name "-node".'],
  ['node-', 'invalidName', 'Invalid repository name "node-".'],
  ['no..de', 'invalidName', 'Invalid repository name "no..de".'],
  ['no___de', 'invalidName', 'Invalid repository name "no___de".'],
  ['node!', 'invalidName', 'Invalid repository name "node!".'],
  ['f'.repeat(64), 'invalidName', `Invalid repository name "${'f'.repeat(64)}".`],
  ['ghcr.io/', 'invalidName', 'Invalid repository name "".'],
  ['-bad.io/x', 'invalidRegistry', 'Invalid registry host "-bad.io".'],
  ['bad-.io/x', 'invalidRegistry', 'Invalid registry host "bad-.io".'],
  ['host:port/x', 'invalidRegistry', 'Invalid registry host "host:port".'],
  ['ex_ample.com/x', 'invalidRegistry', 'Invalid registry host "ex_ample.com".'],
  ['node:', 'invalidTag', `Invalid tag "": ${TAG_RULE}`],
  ['node:.x', 'invalidTag', `Invalid tag ".x": ${TAG_RULE}`],
  ['node:-x', 'invalidTag', `Invalid tag "-x": ${TAG_RULE}`],
  ['node:a+b', 'invalidTag', `Invalid tag "a+b": ${TAG_RULE}`],
  ['node:' + 'a'.repeat(129), 'invalidTag', `Invalid tag "${'a'.repeat(129)}": ${TAG_RULE}`],
  ['node@', 'invalidDigest', `Invalid digest "": ${DIGEST_RULE}`],
  ['node@sha256', 'invalidDigest', `Invalid digest "sha256": ${DIGEST_RULE}`],
  ['node@sha256:abc', 'invalidDigest', `Invalid digest "sha256:abc": ${DIGEST_RULE}`],
  [`node@sha256:${'A'.repeat(64)}`, 'invalidDigest', `Invalid digest "sha256:${'A'.repeat(64)}": ${DIGEST_RULE}`],
  [`node@sha256:${'a'.repeat(63)}`, 'invalidDigest', `Invalid digest "sha256:${'a'.repeat(63)}": ${DIGEST_RULE}`],
  [`node@sha256:${'a'.repeat(65)}`, 'invalidDigest', `Invalid digest "sha256:${'a'.repeat(65)}": ${DIGEST_RULE}`],
  [`node@sha256:${'g'.repeat(64)}`, 'invalidDigest', `Invalid digest "sha256:${'g'.repeat(64)}": ${DIGEST_RULE}`],
  [`node@sha512:${'b'.repeat(64)}`, 'invalidDigest', `Invalid digest "sha512:${'b'.repeat(64)}": ${DIGEST_RULE}`],
  // An algorithm starts with a letter: what comes before one is not skipped.
  [`node@1sha256:${'a'.repeat(64)}`, 'invalidDigest', `Invalid digest "1sha256:${'a'.repeat(64)}": ${DIGEST_RULE}`],
  [`node@md5:${'a'.repeat(32)}`, 'unsupportedDigest', 'Unsupported digest algorithm "md5".'],
  // Malformed is malformed, whatever the algorithm: not an algorithm we lack.
  [`node@md5:${'a'.repeat(32)}!`, 'invalidDigest', `Invalid digest "md5:${'a'.repeat(32)}!": ${DIGEST_RULE}`],
  [`node@constructor:${'a'.repeat(32)}`, 'unsupportedDigest', 'Unsupported digest algorithm "constructor".'],
  [`node@sha256+b64:${'a'.repeat(64)}`, 'unsupportedDigest', 'Unsupported digest algorithm "sha256+b64".'],
  [`node@${D}@${D}`, 'invalidDigest', `Invalid digest "${D}@${D}": ${DIGEST_RULE}`],
  // The limit is on the repository path, `library/` included for a one-segment Docker Hub name.
  ['a'.repeat(256), 'nameTooLong', 'The repository name is longer than 255 characters.'],
  ['a'.repeat(248), 'nameTooLong', 'The repository name is longer than 255 characters.'],
  ['ghcr.io/' + 'a'.repeat(256), 'nameTooLong', 'The repository name is longer than 255 characters.'],
];

describe('image references', () => {
  it(`has a table of ${valid.length + invalid.length} hand-checked cases`, () => {
    assert.ok(valid.length + invalid.length >= 60);
  });

  for (const [text, registry, repository, tag, digest] of valid) {
    it(`parses ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)}`, () => {
      const parsed = parseImageReference(text);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
      assert.deepEqual(parsed.ref, { original: text, registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) });
    });
  }

  for (const [text, reason, expected] of invalid) {
    it(`rejects ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)} as ${reason}`, () => {
      const parsed = parseImageReference(text);
      assert.equal(parsed.ok ? 'ok' : parsed.error.reason, reason);
      assert.equal(parsed.ok ? '' : formatMessage(parsed.error.message), expected);
    });
  }

  function ref(text: string) {
    const parsed = parseImageReference(text);
    assert.ok(parsed.ok, text);
    return parsed.ref;
  }

  it('prints familiar and canonical names as Docker does', () => {
    assert.equal(familiarName(ref('docker.io/library/node:22')), 'node:22');
    assert.equal(familiarName(ref('index.docker.io/bitnami/redis')), 'bitnami/redis');
    assert.equal(familiarName(ref('docker.io/library/a/b')), 'library/a/b');
    assert.equal(familiarName(ref(`ghcr.io/o/r:1@${D}`)), `ghcr.io/o/r:1@${D}`);
    assert.equal(familiarName(ref(`node:22@${D}`), { withDigest: false }), 'node:22');
    assert.equal(canonicalName(ref('node')), 'docker.io/library/node');
    assert.equal(canonicalName(ref(`node:22@${D}`)), `docker.io/library/node:22@${D}`);
  });

  it('gives one repository key for every spelling of the same repository', () => {
    const keys = new Set(['node', 'node:20', 'library/node', 'docker.io/node', 'docker.io/library/node:22', 'index.docker.io/library/node'].map((t) => repositoryKey(ref(t))));
    assert.deepEqual([...keys], ['docker.io/library/node']);
    assert.equal(repositoryKey(ref('localhost:5000/node')), 'localhost:5000/node');
  });

  it('maps Docker Hub to its API host and credential key, other registries to themselves', () => {
    assert.equal(registryApiHost(ref('node')), 'registry-1.docker.io');
    assert.equal(registryApiHost(ref('registry-1.docker.io/library/node')), 'registry-1.docker.io');
    assert.equal(registryApiHost(ref('localhost:5000/x')), 'localhost:5000');
    assert.equal(credentialKey(ref('index.docker.io/node')), 'https://index.docker.io/v1/');
    assert.equal(credentialKey(ref('ghcr.io/o/r')), 'ghcr.io');
    // BuildKit reads Docker Hub's API host's credentials under the Hub key too
    // (session/auth/authprovider/authconfigprovider.go: DockerHubRegistryHost → DockerHubConfigfileKey).
    assert.equal(credentialKey(ref('registry-1.docker.io/library/node')), 'https://index.docker.io/v1/');
  });

  it('uses latest only when there is neither tag nor digest', () => {
    assert.equal(effectiveTag(ref('node')), 'latest');
    assert.equal(effectiveTag(ref('node:22')), '22');
    assert.equal(effectiveTag(ref(`node@${D}`)), undefined);
  });

  it('adds a digest keeping the tag and the spelling, replacing an old digest', () => {
    assert.equal(withDigest('node:22-slim', D), `node:22-slim@${D}`);
    assert.equal(withDigest('docker.io/library/node', D), `docker.io/library/node@${D}`);
    assert.equal(withDigest(`localhost:5000/x:1@${D}`, D2), `localhost:5000/x:1@${D2}`);
    assert.equal(withoutDigest(`node:22@${D}`), 'node:22');
    assert.equal(withoutDigest('node:22'), 'node:22');
    assert.equal(withoutDigest(`@${D}`), '');
    assert.equal(shortDigest(D2), '0123456789ab');
    assert.ok(isDigest(D) && !isDigest('sha256:abc') && !isDigest(`md5:${'a'.repeat(32)}`));
  });

  it('checks the parts of a reference on their own, by the same grammar', () => {
    // regexp.go: a path is path components joined by `/`; a tag is `[\w][\w.-]{0,127}`; a host is domain
    // components or a bracketed IPv6 address, with an optional port.
    assert.deepEqual(['library/node', 'a', 'a_b/c__d/e-f/g.h'].map(isRepositoryPath), [true, true, true]);
    assert.deepEqual(['library/Node', 'library/..', 'a//b', '', 'ok/-x', 'x/'].map(isRepositoryPath), [false, false, false, false, false, false]);
    assert.deepEqual(['22', 'LTS', '_x', 'a'.repeat(128)].map(isTag), [true, true, true, true]);
    assert.deepEqual(['', '.x', '-x', 'a/b', 'a'.repeat(129)].map(isTag), [false, false, false, false, false]);
    assert.deepEqual(['ghcr.io', 'localhost:5000', '[::1]:5000', 'Registry.Example.com'].map(isRegistryHost), [true, true, true, true]);
    assert.deepEqual(['-bad.io', 'host:port', 'a.io/x', '', '[fe80::1%eth0]'].map(isRegistryHost), [false, false, false, false, false]);
  });

  it('never throws, and pin then unpin gives back the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const parsed = parseImageReference(text);
        if (parsed.ok && parsed.ref.digest === undefined) {
          assert.equal(withoutDigest(withDigest(text, D)), text);
          assert.ok(parseImageReference(withDigest(text, D)).ok);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('image references (unit): distribution/reference test tables', () => {
  // github.com/distribution/reference v0.6 (the version BuildKit uses), normalize_test.go and
  // reference_test.go; references are read as ParseNormalizedNamed reads them.
  const F = 'sha256:' + 'f'.repeat(64);

  // TestValidateReferenceName, TestValidateRemoteName
  const validNames = [
    'docker/docker', 'library/debian', 'debian', 'localhost/library/debian', 'localhost/debian', 'LOCALDOMAIN/library/debian',
    'LOCALDOMAIN/debian', 'docker.io/docker/docker', 'docker.io/library/debian', 'docker.io/debian', 'index.docker.io/docker/docker',
    'index.docker.io/library/debian', 'index.docker.io/debian', '127.0.0.1:5000/docker/docker', '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian', '192.168.0.1', '192.168.0.1:80', '192.168.0.1:8/debian', '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', '[fc00::1]:5000/docker', '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian', 'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker', 'DOCKER/docker', 'docker-rules/docker', 'docker---rules/docker', 'doc/docker', 'd/docker', 'jess/t', 'dock__er/docker',
  ];
  const invalidNames = [
    'https://github.com/docker/docker', 'docker/Docker', '-docker', '-docker/docker', '-docker.io/docker/docker', 'docker///docker',
    'docker.io/docker/Docker', 'docker.io/docker///docker', '[fc00::1]', '[fc00::1]:5000', 'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian', '[2001:db8:3:4::192.0.2.33]:5000/debian', '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'docker-/docker', '-docker-/docker', '____/____', '_docker/_docker', 'dock..er/docker', 'dock_.er/docker', 'dock-.er/docker', 'docker/',
    'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4) + '/docker',
  ];
  it(`accepts the ${validNames.length} valid names`, () => {
    for (const name of validNames) assert.ok(parseImageReference(name).ok, name);
  });
  it(`refuses the ${invalidNames.length} invalid names`, () => {
    for (const name of invalidNames) assert.ok(!parseImageReference(name).ok, name);
  });

  // TestParseRepositoryInfo: every spelling of a repository gives the same familiar and full name.
  const repositories: [remote: string, familiar: string, full: string, ambiguous: string, domain: string][] = [
    ['fooo', 'localhost/fooo', 'localhost/fooo', 'localhost/fooo', 'localhost'],
    ['fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost/fooo/bar', 'localhost'],
    ['fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN/fooo', 'LOCALDOMAIN'],
    ['fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN/fooo/bar', 'LOCALDOMAIN'],
    ['fooo/bar', 'fooo/bar', 'docker.io/fooo/bar', 'index.docker.io/fooo/bar', 'docker.io'],
    ['library/ubuntu', 'ubuntu', 'docker.io/library/ubuntu', 'library/ubuntu', 'docker.io'],
    ['nonlibrary/ubuntu', 'nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu', '', 'docker.io'],
    ['other/library', 'other/library', 'docker.io/other/library', '', 'docker.io'],
    ['private/moonbase', '127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', '', '127.0.0.1:8000'],
    ['privatebase', '127.0.0.1:8000/privatebase', '127.0.0.1:8000/privatebase', '', '127.0.0.1:8000'],
    ['private/moonbase', 'example.com/private/moonbase', 'example.com/private/moonbase', '', 'example.com'],
    ['privatebase', 'example.com/privatebase', 'example.com/privatebase', '', 'example.com'],
    ['private/moonbase', 'example.com:8000/private/moonbase', 'example.com:8000/private/moonbase', '', 'example.com:8000'],
    ['privatebasee', 'example.com:8000/privatebasee', 'example.com:8000/privatebasee', '', 'example.com:8000'],
    ['library/ubuntu-12.04-base', 'ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base', 'index.docker.io/library/ubuntu-12.04-base', 'docker.io'],
    ['library/foo', 'foo', 'docker.io/library/foo', 'docker.io/foo', 'docker.io'],
    ['library/foo/bar', 'library/foo/bar', 'docker.io/library/foo/bar', '', 'docker.io'],
    ['store/foo/bar', 'store/foo/bar', 'docker.io/store/foo/bar', '', 'docker.io'],
    ['bar', 'Foo/bar', 'Foo/bar', '', 'Foo'],
    ['bar', 'FOO/bar', 'FOO/bar', '', 'FOO'],
  ];
  for (const [remote, familiar, full, ambiguous, domain] of repositories) {
    for (const text of [familiar, full, ambiguous].filter((t) => t !== '')) {
      it(`${text} is ${full} (${familiar})`, () => {
        const parsed = parseImageReference(text);
        assert.ok(parsed.ok, text);
        assert.deepEqual([parsed.ref.registry, parsed.ref.repository, familiarName(parsed.ref), repositoryKey(parsed.ref)], [domain, remote, familiar, full]);
      });
    }
  }

  // TestParseReferenceWithTagAndDigest
  it('keeps both tag and digest, and prints them in both forms', () => {
    const short = `busybox:latest@${F}`;
    const parsed = parseImageReference(short);
    assert.ok(parsed.ok);
    assert.equal(canonicalName(parsed.ref), `docker.io/library/${short}`);
    assert.equal(familiarName(parsed.ref), short);
  });

  // TestReferenceParse, normalized: [input, registry, repository, tag, digest], or the error reason.
  const parses: [input: string, expected: [string, string, string?, string?] | ReferenceErrorReason][] = [
    ['test_com', ['docker.io', 'library/test_com']],
    ['test.com:tag', ['docker.io', 'library/test.com', 'tag']],
    ['test.com:5000', ['docker.io', 'library/test.com', '5000']],
    ['test.com/repo:tag', ['test.com', 'repo', 'tag']],
    ['test:5000/repo', ['test:5000', 'repo']],
    ['test:5000/repo:tag', ['test:5000', 'repo', 'tag']],
    [`test:5000/repo@${F}`, ['test:5000', 'repo', undefined, F]],
    [`test:5000/repo:tag@${F}`, ['test:5000', 'repo', 'tag', F]],
    ['', 'empty'],
    [':justtag', 'invalidName'],
    [`@${F}`, 'invalidName'],
    ['repo@sha256:' + 'f'.repeat(34), 'invalidDigest'],
    [`validname@invaliddigest:${'f'.repeat(64)}`, 'unsupportedDigest'],
    ['Uppercase:tag', 'uppercase'],
    ['test:5000/Uppercase/lowercase:tag', 'uppercase'],
    ['lowercase:Uppercase', ['docker.io', 'library/lowercase', 'Uppercase']],
    ['domain/' + 'a'.repeat(256) + ':tag', 'nameTooLong'],
    ['a/'.repeat(127) + 'a:tag-puts-this-over-max', ['docker.io', 'a/'.repeat(127) + 'a', 'tag-puts-this-over-max']],
    ['aa/asdf$$^/aa', 'invalidName'],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', ['sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag']],
    ['b.gcr.io/test.example.com/my-app:test.example.com', ['b.gcr.io', 'test.example.com/my-app', 'test.example.com']],
    [`xn--7o8h.com/myimage:xn--7o8h.com@${F}`, ['xn--7o8h.com', 'myimage', 'xn--7o8h.com', F]],
    ['foo_bar.com:8080', ['docker.io', 'library/foo_bar.com', '8080']],
    ['foo/foo_bar.com:8080', ['docker.io', 'foo/foo_bar.com', '8080']],
    ['192.168.1.1', ['docker.io', 'library/192.168.1.1']],
    ['192.168.1.1:tag', ['docker.io', 'library/192.168.1.1', 'tag']],
    ['192.168.1.1/repo', ['192.168.1.1', 'repo']],
    ['192.168.1.1:5000/repo:5050', ['192.168.1.1:5000', 'repo', '5050']],
    ['[2001:db8::1]', 'invalidTag'],
    ['[2001:db8::1]:5000', 'invalidName'],
    ['[2001:db8::1]:tag', 'invalidName'],
    ['[2001:db8::1]/repo', ['[2001:db8::1]', 'repo']],
    ['[2001:db8:1:2:3:4:5:6]/repo:tag', ['[2001:db8:1:2:3:4:5:6]', 'repo', 'tag']],
    [`[2001:db8::1]:5000/repo:tag@${F}`, ['[2001:db8::1]:5000', 'repo', 'tag', F]],
    ['[2001:db8::]:5000/repo', ['[2001:db8::]:5000', 'repo']],
    ['[fe80::1%eth0]:5000/repo', 'invalidRegistry'],
  ];
  for (const [input, expected] of parses) {
    it(`${JSON.stringify(input.length > 60 ? input.slice(0, 60) + '…' : input)} → ${typeof expected === 'string' ? expected : expected.filter(Boolean).join(' ')}`, () => {
      const parsed = parseImageReference(input);
      const actual = parsed.ok ? [parsed.ref.registry, parsed.ref.repository, parsed.ref.tag, parsed.ref.digest] : parsed.error.reason;
      assert.deepEqual(actual, typeof expected === 'string' ? expected : [expected[0], expected[1], expected[2], expected[3]]);
    });
  }
});
