import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalName,
  credentialKey,
  effectiveTag,
  familiarName,
  isDigest,
  parseImageReference,
  registryApiHost,
  repositoryKey,
  shortDigest,
  withDigest,
  withoutDigest,
  type ReferenceErrorReason,
} from '../../src/reference/imageReference';

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
];

const invalid: [text: string, reason: ReferenceErrorReason][] = [
  ['', 'empty'],
  [' node', 'whitespace'],
  ['node :22', 'whitespace'],
  ['node\t', 'whitespace'],
  ['Node', 'uppercase'],
  ['library/Node:22', 'uppercase'],
  ['docker.io/Library/node', 'uppercase'],
  [':22', 'invalidName'],
  ['/node', 'invalidName'],
  ['node/', 'invalidName'],
  ['a//b', 'invalidName'],
  ['-node', 'invalidName'],
  ['node-', 'invalidName'],
  ['no..de', 'invalidName'],
  ['no___de', 'invalidName'],
  ['node!', 'invalidName'],
  ['a'.repeat(64).replace(/a/g, 'f'), 'invalidName'],
  ['ghcr.io/', 'invalidName'],
  ['-bad.io/x', 'invalidRegistry'],
  ['bad-.io/x', 'invalidRegistry'],
  ['host:port/x', 'invalidRegistry'],
  ['ex_ample.com/x', 'invalidRegistry'],
  ['node:', 'invalidTag'],
  ['node:.x', 'invalidTag'],
  ['node:-x', 'invalidTag'],
  ['node:a+b', 'invalidTag'],
  ['node:' + 'a'.repeat(129), 'invalidTag'],
  ['node@', 'invalidDigest'],
  ['node@sha256', 'invalidDigest'],
  ['node@sha256:abc', 'invalidDigest'],
  [`node@sha256:${'A'.repeat(64)}`, 'invalidDigest'],
  [`node@sha256:${'a'.repeat(63)}`, 'invalidDigest'],
  [`node@sha256:${'a'.repeat(65)}`, 'invalidDigest'],
  [`node@sha256:${'g'.repeat(64)}`, 'invalidDigest'],
  [`node@md5:${'a'.repeat(32)}`, 'unsupportedDigest'],
  [`node@${D}@${D}`, 'invalidDigest'],
  ['a'.repeat(256), 'nameTooLong'],
  ['ghcr.io/' + 'a'.repeat(248), 'nameTooLong'],
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

  for (const [text, reason] of invalid) {
    it(`rejects ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)} as ${reason}`, () => {
      const parsed = parseImageReference(text);
      assert.equal(parsed.ok ? 'ok' : parsed.error.reason, reason);
      if (!parsed.ok) assert.ok(parsed.error.message.template.length > 0);
    });
  }

  it('names the bad part in the message', () => {
    const parsed = parseImageReference('node:.x');
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.error.message.args, ['.x']);
  });

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
    assert.equal(shortDigest(D2), '0123456789ab');
    assert.ok(isDigest(D) && !isDigest('sha256:abc') && !isDigest(`md5:${'a'.repeat(32)}`));
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
