import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { readProvenance, type Provenance } from '../../src/attest/provenance';
import { readStatement } from '../../src/attest/statement';
import { formatMessage, message, Messages } from '../../src/model/messages';
import { provenanceDetail } from '../../src/panel/provenanceDetail';

// The fixtures follow BuildKit's provenance writers (test/fixtures/attest/README.md names them): moby/buildkit
// solver/llbsolver/provenance/predicate.go (NewPredicate: request frontend and args, secrets and ssh by id,
// materials as util/purl RefToPURL purls), solver/llbsolver/provenance.go (NewProvenanceCreator, scrubMinRequest
// for mode=min), docs/attestations/slsa-definitions.md.

function provenanceOf(file: string): Provenance {
  const read = readStatement(readFileSync(`test/fixtures/attest/${file}`));
  if (!read.ok) assert.fail(formatMessage(read.problem));
  const result = readProvenance(read.statement.predicateType, read.statement.predicate);
  if (!result.ok) assert.fail(formatMessage(result.problem));
  return result.provenance;
}

const PLATFORM = `sha256:${'1'.repeat(64)}`;

describe('provenance detail (unit)', () => {
  describe('BuildKit SLSA v1, mode=max, from a GitHub Actions build', () => {
    const { detail, links, images } = provenanceDetail(PLATFORM, provenanceOf('buildkit-slsa1-max.json'));

    it('names the builder (a link to the workflow run), the build type and the times as written', () => {
      assert.equal(detail.platform, PLATFORM);
      assert.deepEqual(detail.builder, { id: 'https://github.com/example/app/actions/runs/123/attempts/1', link: 'https://github.com/example/app/actions/runs/123/attempts/1' });
      assert.equal(detail.buildType, 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md');
      assert.equal(detail.startedOn, '2025-03-04T10:00:00.123456789Z');
      assert.equal(detail.finishedOn, '2025-03-04T10:02:30.5Z');
      assert.equal(detail.builderPlatform, 'linux/amd64');
    });

    it('the source is the vcs hint buildx sent, with links to the repository and the commit', () => {
      // buildx build/git.go sends vcs:source / vcs:revision; NewPredicate moves them into buildkit_metadata.vcs.
      assert.deepEqual(detail.source, {
        repository: 'https://github.com/example/app.git',
        revision: '4015b57a143aec5156fd1444a017a32137a3fd0f',
        from: 'vcs',
        repositoryLink: 'https://github.com/example/app',
        commitLink: 'https://github.com/example/app/commit/4015b57a143aec5156fd1444a017a32137a3fd0f',
      });
    });

    it('the Dockerfile, and the gateway frontend running the # syntax image', () => {
      // frontend/dockerfile/builder/build.go forwardGateway: frontend gateway.v0, args.source = the syntax image.
      assert.deepEqual(detail.configSource, { path: 'Dockerfile', digests: [] });
      assert.equal(detail.frontend, 'gateway.v0');
      assert.equal(detail.frontendImage, 'docker/dockerfile:1');
    });

    it('mode=max keeps build args, labels and the ids of secrets and ssh, and says what max records', () => {
      assert.equal(detail.mode, 'max');
      assert.equal(detail.modeExplanation, formatMessage(message(Messages.explainProvenanceMax)));
      assert.deepEqual(detail.buildArgs, [['NODE_ENV', 'production']]);
      assert.deepEqual(detail.labels, [['org.opencontainers.image.title', 'app']]);
      assert.deepEqual(detail.otherArgs, [['cmdline', 'docker/dockerfile:1'], ['source', 'docker/dockerfile:1'], ['target', 'release']]);
      assert.deepEqual(detail.secrets, [{ id: 'npmrc', optional: true }]);
      assert.deepEqual(detail.ssh, [{ id: 'default', optional: false }]);
    });

    it('each material with its digest, kind and role: the frontend and the SBOM scanner are not base images', () => {
      assert.deepEqual(
        detail.materials.map((m) => [m.kind, m.role, m.digests[0]?.slice(0, 15), m.image?.ref]),
        [
          ['image', 'frontend', 'sha256:a00b5108', 'docker/dockerfile:1'],
          ['image', undefined, 'sha256:3be25f65', 'node:22-slim'],
          ['image', 'sbomScanner', 'sha256:c19fc814', 'docker/buildkit-syft-scanner:stable-1'],
          ['http', undefined, 'sha256:69d11cdf', undefined],
        ],
      );
    });

    it('offers each image material at the digest the build used (the platform manifest), and every link it shows', () => {
      assert.deepEqual(images[1], { ref: 'node:22-slim', digest: 'sha256:3be25f6560056f489cfb9a2766f93f90b3591d6840c0d6649fc7810f930d5cfe', platform: 'linux/amd64' });
      assert.equal(images.length, 3);
      assert.deepEqual(links, [
        'https://github.com/example/app/actions/runs/123/attempts/1',
        'https://github.com/example/app',
        'https://github.com/example/app/commit/4015b57a143aec5156fd1444a017a32137a3fd0f',
        'https://example.com/tool.tar.gz',
      ]);
    });

    it('completeness as recorded: the request complete, the materials not (a local context); hermetic and reproducible false', () => {
      assert.deepEqual(detail.completeness, { parameters: true, materials: false });
      assert.equal(detail.hermetic, false);
      assert.equal(detail.reproducible, false);
    });
  });

  describe('BuildKit SLSA v1, mode=min', () => {
    const { detail } = provenanceDetail(PLATFORM, provenanceOf('buildkit-slsa1-min.json'));

    it('says build args, labels, secrets and ssh were not recorded (scrubMinRequest), rather than that there were none', () => {
      assert.equal(detail.mode, 'min');
      assert.equal(detail.buildArgs, undefined);
      assert.equal(detail.labels, undefined);
      assert.equal(detail.secrets, undefined);
      assert.equal(detail.ssh, undefined);
      assert.deepEqual(detail.otherArgs, [['target', 'release']]);
      assert.equal(detail.completeness.parameters, false);
    });

    it('explains mode=min with the explanation the Overview gives', () => {
      assert.equal(detail.modeExplanation, formatMessage(message(Messages.explainProvenanceMin)));
    });
  });

  describe('BuildKit SLSA v0.2, mode=max, a Git context', () => {
    const { detail, links, images } = provenanceDetail(PLATFORM, provenanceOf('buildkit-slsa02-max.json'));

    it('the entry point and the Git context BuildKit resolved, with its commit and page', () => {
      assert.deepEqual(detail.configSource, {
        path: 'Dockerfile',
        uri: 'https://github.com/example/tool.git#v1.0.0',
        link: 'https://github.com/example/tool',
        digests: ['sha1:020f73054c48cbe23055b73d0353ed42de57f434'],
      });
      assert.deepEqual(detail.source, {
        repository: 'https://github.com/example/tool.git',
        revision: '020f73054c48cbe23055b73d0353ed42de57f434',
        from: 'configSource',
        repositoryLink: 'https://github.com/example/tool',
        commitLink: 'https://github.com/example/tool/commit/020f73054c48cbe23055b73d0353ed42de57f434',
      });
      assert.equal(detail.frontend, 'dockerfile.v0');
      assert.equal(detail.frontendImage, undefined);
    });

    it('no builder when BuildKit wrote an empty id; completeness of all three parts; hermetic', () => {
      assert.equal(detail.builder, undefined);
      assert.deepEqual(detail.completeness, { parameters: true, environment: true, materials: true });
      assert.equal(detail.hermetic, true);
    });

    it('the Git material links to its repository; the base image is offered', () => {
      assert.deepEqual(detail.materials[1], { uri: 'https://github.com/example/tool.git#v1.0.0', digests: ['sha1:020f73054c48cbe23055b73d0353ed42de57f434'], kind: 'git', link: 'https://github.com/example/tool' });
      assert.ok(links.includes('https://github.com/example/tool'));
      assert.deepEqual(images, [{ ref: 'golang:1.22-alpine', digest: 'sha256:184d5219eac2aad81fffd926906e240d5276d45653410c3423d239fb814b213f', platform: 'linux/amd64' }]);
    });
  });

  describe('hostile provenance', () => {
    const hostile = readProvenance('https://slsa.dev/provenance/v1', {
      buildDefinition: {
        buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        externalParameters: { configSource: { uri: 'javascript:alert(1)', path: '<img src=x onerror=alert(1)>' }, request: { args: { 'build-arg:X': '<script>alert(1)</script>' } } },
        resolvedDependencies: [
          { uri: 'data:text/html,<script>alert(1)</script>', digest: { sha256: 'a'.repeat(64) } },
          { uri: 'http://example.com/tool.tar.gz', digest: { sha256: 'b'.repeat(64) } },
          { uri: 'https://user:pw@example.com/x', digest: { sha256: 'c'.repeat(64) } },
          { uri: 'pkg:docker/evil@1?platform=linux%2Famd64', digest: { sha256: 'not hex' } },
          { uri: 'pkg:docker/Evil@latest', digest: { sha256: 'd'.repeat(64) } },
        ],
      },
      runDetails: { builder: { id: 'javascript:alert(1)' }, metadata: { buildkit_metadata: { vcs: { source: 'data:text/html,x', revision: 'abc1234' } } } },
    });
    assert.ok(hostile.ok);
    const { detail, links, images } = provenanceDetail(PLATFORM, hostile.provenance);

    it('offers no link but plain https ones: javascript:, data:, http: and credentials are shown as text only', () => {
      assert.deepEqual(links, []);
      assert.equal(detail.builder?.link, undefined);
      assert.equal(detail.builder?.id, 'javascript:alert(1)');
      assert.equal(detail.source?.repositoryLink, undefined);
      assert.equal(detail.configSource?.link, undefined);
      assert.deepEqual(detail.materials.map((m) => m.link), [undefined, undefined, undefined, undefined, undefined]);
    });

    it('offers no image without a sha256 digest or with a name that is no reference', () => {
      assert.deepEqual(images, []);
      assert.deepEqual(detail.buildArgs, [['X', '<script>alert(1)</script>']]);
    });
  });
});
