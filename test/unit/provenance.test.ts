import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { formatMessage } from '../../src/model/messages';
import { readProvenance, type Provenance } from '../../src/attest/provenance';
import { readStatement } from '../../src/attest/statement';

// Fixtures: test/fixtures/attest/README.md names the BuildKit / buildx / actions source of each shape.
// Expected values follow docker/buildx policy/provenance.go (parseSLSA1Provenance, parseSLSA02Provenance,
// extractBuildArgs) and moby/buildkit solver/llbsolver/provenance.go (NewProvenanceCreator, scrubMinRequest).

function provenanceOf(file: string): Provenance {
  const read = readStatement(readFileSync(`test/fixtures/attest/${file}`));
  if (!read.ok) assert.fail(formatMessage(read.problem));
  const result = readProvenance(read.statement.predicateType, read.statement.predicate);
  if (!result.ok) assert.fail(formatMessage(result.problem));
  return result.provenance;
}

const sha256 = (hex: string): string => `sha256:${hex}`;

describe('provenance model (unit)', () => {
  describe('BuildKit SLSA v1, mode=max', () => {
    const p = provenanceOf('buildkit-slsa1-max.json');

    it('has the main facts buildx maps from v1', () => {
      assert.equal(p.predicateType, 'https://slsa.dev/provenance/v1');
      assert.equal(p.slsaVersion, 'v1');
      assert.equal(p.buildType, 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md');
      assert.equal(p.builderId, 'https://github.com/example/app/actions/runs/123/attempts/1');
      assert.equal(p.invocationId, 'rpv7a389uzil5lqmrgwhijwjz');
      assert.equal(p.startedOn, '2025-03-04T10:00:00.123456789Z');
      assert.equal(p.finishedOn, '2025-03-04T10:02:30.5Z');
      assert.deepEqual(p.configSource, { digest: {}, path: 'Dockerfile' });
      assert.equal(p.builderPlatform, 'linux/amd64');
    });

    it('is max: build steps, the Dockerfile source and the layer map are recorded', () => {
      assert.equal(p.mode, 'max');
      assert.deepEqual(p.maxDetails, { buildSteps: 2, layerMaps: 1, sourceFiles: ['Dockerfile'] });
    });

    it('splits the request: build args and labels without their prefix, the rest as is', () => {
      assert.deepEqual(p.buildArgs, { NODE_ENV: 'production' });
      assert.deepEqual(p.labels, { 'org.opencontainers.image.title': 'app' });
      assert.deepEqual(p.otherArgs, { cmdline: 'docker/dockerfile:1', source: 'docker/dockerfile:1', target: 'release' });
      assert.deepEqual(p.secrets, [{ id: 'npmrc', optional: true }]);
      assert.deepEqual(p.ssh, [{ id: 'default', optional: false }]);
      assert.deepEqual(p.locals, ['context', 'dockerfile']);
    });

    it('a # syntax build runs the gateway frontend from the image the request names', () => {
      // moby/buildkit frontend/dockerfile/builder/build.go forwardGateway: opts["source"] = the syntax image.
      assert.equal(p.frontend, 'gateway.v0');
      assert.equal(p.frontendImage, 'docker/dockerfile:1');
    });

    it('labels the frontend and the SBOM scanner among the materials, not as base images', () => {
      assert.deepEqual(
        p.materials.map((m) => [m.kind, m.role, m.image?.name]),
        [
          ['image', 'frontend', 'docker/dockerfile'],
          ['image', undefined, 'node'],
          ['image', 'sbomScanner', 'docker/buildkit-syft-scanner'],
          ['http', undefined, undefined],
        ],
      );
    });

    it('rebuilds each image material\'s reference from its purl (BuildKit util/purl PURLToRef)', () => {
      assert.deepEqual(p.materials[1], {
        uri: 'pkg:docker/node@22-slim?platform=linux%2Famd64',
        digest: { sha256: '3be25f6560056f489cfb9a2766f93f90b3591d6840c0d6649fc7810f930d5cfe' },
        kind: 'image',
        image: { name: 'node', tag: '22-slim', digest: sha256('3be25f6560056f489cfb9a2766f93f90b3591d6840c0d6649fc7810f930d5cfe'), platform: 'linux/amd64' },
      });
    });

    it('completeness: request complete, dependencies not (a local context); hermetic and reproducible false when BuildKit omits them', () => {
      assert.deepEqual(p.completeness, { parameters: true, materials: false });
      assert.equal(p.hermetic, false);
      assert.equal(p.reproducible, false);
    });

    it('takes the source from the unverified vcs hint of a local-context build', () => {
      assert.deepEqual(p.source, { repository: 'https://github.com/example/app.git', revision: '4015b57a143aec5156fd1444a017a32137a3fd0f', from: 'vcs' });
    });

    it('keeps the github_* internal parameters apart from the main facts', () => {
      assert.deepEqual(Object.keys(p.internalParameters), ['github_event_name', 'github_repository', 'github_run_id', 'github_event_payload']);
      assert.deepEqual(p.internalParameters['github_event_payload'], { ref: 'refs/heads/main', head_commit: { id: '4015b57a143aec5156fd1444a017a32137a3fd0f' } });
      assert.equal('github_run_id' in p.otherArgs, false);
    });
  });

  describe('BuildKit SLSA v1, mode=min (buildx\'s implicit default)', () => {
    const p = provenanceOf('buildkit-slsa1-min.json');

    it('is min: no build steps, no build args, labels, secrets or ssh', () => {
      assert.equal(p.mode, 'min');
      assert.equal(p.maxDetails, undefined);
      assert.deepEqual([p.buildArgs, p.labels, p.secrets, p.ssh], [{}, {}, [], []]);
    });

    it('says the request is incomplete, as scrubMinRequest does when it dropped something', () => {
      assert.deepEqual(p.completeness, { parameters: false, materials: false });
    });

    it('an empty builder id is no builder id; the Dockerfile frontend version is kept', () => {
      assert.equal(p.builderId, undefined);
      assert.equal(p.frontend, 'dockerfile.v0');
      assert.equal(p.dockerfileVersion, '1.14.0');
      assert.equal(p.materials[0]?.role, undefined);
    });
  });

  describe('BuildKit SLSA v0.2', () => {
    it('mode=max from a Git context: config source with entry point, source and commit from it', () => {
      const p = provenanceOf('buildkit-slsa02-max.json');
      assert.equal(p.slsaVersion, 'v0.2');
      assert.equal(p.buildType, 'https://mobyproject.org/buildkit@v1');
      assert.equal(p.invocationId, 'm8k1k3ny6wbkr9dxdq0dfo2h7');
      assert.equal(p.startedOn, '2024-06-01T08:00:00Z');
      assert.equal(p.finishedOn, '2024-06-01T08:05:00Z');
      assert.deepEqual(p.configSource, { uri: 'https://github.com/example/tool.git#v1.0.0', digest: { sha1: '020f73054c48cbe23055b73d0353ed42de57f434' }, path: 'Dockerfile' });
      assert.deepEqual(p.source, { repository: 'https://github.com/example/tool.git', revision: '020f73054c48cbe23055b73d0353ed42de57f434', from: 'configSource' });
      assert.equal(p.mode, 'max');
      assert.deepEqual(p.maxDetails, { buildSteps: 1, layerMaps: 0, sourceFiles: ['Dockerfile'] });
      assert.deepEqual(p.buildArgs, { VERSION: '1.0.0' });
      assert.deepEqual(p.completeness, { parameters: true, environment: true, materials: true });
      assert.equal(p.hermetic, true);
      assert.equal(p.reproducible, false);
      assert.equal(p.builderPlatform, 'linux/amd64');
      assert.deepEqual(p.materials.map((m) => m.kind), ['image', 'git']);
    });

    it('mode=min from a local context', () => {
      const p = provenanceOf('buildkit-slsa02-min.json');
      assert.equal(p.mode, 'min');
      assert.equal(p.builderId, 'https://github.com/example/tool/actions/runs/77');
      assert.deepEqual(p.completeness, { parameters: false, environment: true, materials: false });
      assert.equal(p.source, undefined);
      assert.equal(p.hermetic, false);
    });
  });

  describe('actions/attest build provenance (GitHub workflow build type)', () => {
    const p = provenanceOf('actions-attest-provenance.sigstore.json');

    it('has builder, invocation and source repository at the commit the workflow ran on', () => {
      assert.equal(p.buildType, 'https://actions.github.io/buildtypes/workflow/v1');
      assert.equal(p.builderId, 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main');
      assert.equal(p.invocationId, 'https://github.com/example/app/actions/runs/123/attempts/1');
      assert.deepEqual(p.source, { repository: 'https://github.com/example/app', revision: '4015b57a143aec5156fd1444a017a32137a3fd0f', from: 'workflow' });
      assert.deepEqual(p.materials.map((m) => m.kind), ['git']);
    });

    it('has no BuildKit mode, and no BuildKit defaults for facts it does not state', () => {
      assert.equal(p.mode, undefined);
      assert.equal(p.hermetic, undefined);
      assert.equal(p.reproducible, undefined);
      assert.deepEqual(p.internalParameters, { github: { event_name: 'push', repository_id: '1001', repository_owner_id: '2002', runner_environment: 'github-hosted' } });
    });
  });

  describe('materials', () => {
    const materials = (uris: string[], args: Record<string, string> = {}) => {
      const result = readProvenance('https://slsa.dev/provenance/v1', {
        buildDefinition: {
          buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
          externalParameters: { request: { frontend: 'gateway.v0', args } },
          resolvedDependencies: uris.map((uri) => ({ uri, digest: { sha256: 'a'.repeat(64) } })),
        },
      });
      if (!result.ok) assert.fail(formatMessage(result.problem));
      return result.provenance.materials;
    };

    it('a private syntax image named by the request is the frontend, wherever it lives', () => {
      const [m] = materials(['pkg:docker/registry.example.com/tools/dockerfile@1.9?platform=linux%2Famd64'], { source: 'registry.example.com/tools/dockerfile:1.9' });
      assert.equal(m?.role, 'frontend');
    });

    it('a Docker Hub source with docker.io/ prefix matches the familiar name in the purl', () => {
      const [m] = materials(['pkg:docker/docker/dockerfile-upstream@master'], { source: 'docker.io/docker/dockerfile-upstream:master' });
      assert.equal(m?.role, 'frontend');
    });

    it('image blobs (docker-image+blob sources) and local OCI layouts are told apart', () => {
      // moby/buildkit predicate.go slsaMaterials: ref_type=blob for ImageBlobs; TypeOCI for local sources.
      const [blob, oci] = materials(['pkg:docker/alpine@3.21?ref_type=blob', 'pkg:oci/app@latest?platform=linux%2Famd64']);
      assert.equal(blob?.kind, 'imageBlob');
      assert.deepEqual([oci?.kind, oci?.image?.name], ['image', 'app']);
    });

    it('a digest-pinned image keeps its digest from the purl qualifier', () => {
      const [m] = materials([`pkg:docker/alpine@3.21?digest=sha256%3A${'b'.repeat(64)}&platform=linux%2Farm64%2Fv8`]);
      assert.deepEqual(m?.image, { name: 'alpine', tag: '3.21', digest: `sha256:${'b'.repeat(64)}`, platform: 'linux/arm64/v8' });
    });

    it('a material without a URI is left out, and said so', () => {
      const result = readProvenance('https://slsa.dev/provenance/v0.2', { buildType: 'x', materials: [{ digest: {} }, 'junk', { uri: 'https://example.com/a' }] });
      assert.ok(result.ok);
      assert.deepEqual(result.provenance.materials.map((m) => m.uri), ['https://example.com/a']);
      assert.deepEqual(result.provenance.warnings.map(formatMessage), ['2 material(s) of the provenance have no URI and are left out.']);
    });
  });

  describe('bad input', () => {
    it('a predicate that is not SLSA provenance', () => {
      const result = readProvenance('https://spdx.dev/Document', {});
      assert.ok(!result.ok);
      assert.equal(formatMessage(result.problem), 'The predicate type https://spdx.dev/Document is not SLSA provenance v0.2 or v1.');
    });

    it('a predicate that is not an object', () => {
      const result = readProvenance('https://slsa.dev/provenance/v1', 'text');
      assert.ok(!result.ok);
      assert.equal(formatMessage(result.problem), 'The provenance predicate is not a JSON object.');
    });

    it('fields of the wrong type read as absent', () => {
      const result = readProvenance('https://slsa.dev/provenance/v1', { buildDefinition: { buildType: 7, resolvedDependencies: 'x', externalParameters: { request: { args: ['a'] } } }, runDetails: null });
      assert.ok(result.ok);
      assert.equal(result.provenance.buildType, undefined);
      assert.deepEqual([result.provenance.materials, result.provenance.buildArgs], [[], {}]);
    });
  });
});
