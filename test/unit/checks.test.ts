import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { readProvenance, type Provenance } from '../../src/attest/provenance';
import { readStatement } from '../../src/attest/statement';
import type { ImageSummary, PlatformSummary } from '../../src/attest/summary';
import { checkLevels, DEFAULT_LEVELS, type CheckLevels } from '../../src/checks/catalog';
import { fileFindings, lookupsFor, type CheckSettings, type RegistryAnswers } from '../../src/checks/workspaceChecks';
import { formatMessage } from '../../src/model/messages';
import type { Resolution } from '../../src/pin/pinStatus';
import { canonicalName, familiarName } from '../../src/reference/imageReference';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';

// Unit tier: the checks beyond pins over real parser output (Dockerfile, Compose, Bake), with the registry's
// answers written by hand and provenance read from the BuildKit-shaped fixtures of test/fixtures/attest (their
// README names the BuildKit source of each shape).

const digest = (hex: string): string => `sha256:${hex.repeat(64 / hex.length)}`;
const INDEX = digest('a1');
const AMD64 = digest('a2');
const ARM64 = digest('a3');
const OTHER = digest('ee');

/** buildkit-slsa02-min.json records golang:1.22-alpine (linux/amd64) at this digest; buildkit-slsa1-min.json node:22-slim. */
const GOLANG_IN_V02 = 'sha256:184d5219eac2aad81fffd926906e240d5276d45653410c3423d239fb814b213f';
const NODE_IN_V1 = 'sha256:3be25f6560056f489cfb9a2766f93f90b3591d6840c0d6649fc7810f930d5cfe';

function provenance(file: string): Provenance {
  const read = readStatement(readFileSync(`test/fixtures/attest/${file}`));
  assert.ok(read.ok);
  const result = readProvenance(read.statement.predicateType, read.statement.predicate);
  assert.ok(result.ok);
  return result.provenance;
}

function platform(overrides: Partial<PlatformSummary>): PlatformSummary {
  return { platform: 'linux/amd64', digest: AMD64, forms: ['index'], predicateTypes: [], sboms: [], signatures: [], explanations: [], problems: [], ...overrides };
}

function summary(...platforms: PlatformSummary[]): ImageSummary {
  return { digest: INDEX, availablePlatforms: platforms.map((p) => p.platform), platforms, problems: [] };
}

const resolved = (digestNow: string, platforms = [{ platform: 'linux/amd64', digest: AMD64 }, { platform: 'linux/arm64/v8', digest: ARM64 }]): Resolution => ({
  state: 'resolved',
  details: { tagDigest: digestNow, digest: digestNow, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms, attestations: 2, host: 'registry-1.docker.io' },
});

/** Answers keyed by familiar name (with the digest when pinned). */
function answers(resolutions: Record<string, Resolution>, reads: Record<string, ImageSummary> = {}): RegistryAnswers {
  return {
    resolutionOf: (ref) => resolutions[familiarName(ref)],
    attestationsOf: (ref, d) => reads[`${familiarName(ref, { withDigest: false })} ${d}`],
  };
}

function settings(levels: Partial<CheckLevels> = {}, allowedImages: string[] = []): CheckSettings {
  return { levels: { ...DEFAULT_LEVELS, ...levels }, allowedImages };
}

/** `code severity line: message` for each finding of `path`. */
function findings(index: BuildFileIndex, path: string, s: CheckSettings, a: RegistryAnswers): string[] {
  return fileFindings(index, index.get(path)!, s, a).map((f) => `${f.code} ${f.severity} ${f.range.start.line}: ${formatMessage(f.message)}`);
}

describe('checks', () => {
  describe('settings', () => {
    it('starts from the defaults, honors the earlier pinning settings, and names what it cannot use', () => {
      const { levels, problems } = checkLevels({ 'missing-sbom': 'warning', 'no-such-check': 'error', 'base-drift': 'loud' }, { unpinned: 'off', stalePin: 'error' });
      assert.equal(levels['missing-sbom'], 'warning');
      assert.equal(levels['unpinned'], 'off');
      assert.equal(levels['stale-pin'], 'error');
      assert.equal(levels['base-drift'], 'warning');
      assert.equal(problems.length, 2);
      assert.match(problems[0]!, /^unknown check "no-such-check"; the checks are unpinned, stale-pin, /);
      assert.equal(problems[1], '"loud" for base-drift is not one of error, warning, information, hint, off');
    });

    it('the attestation checks are off by default; drift and the allow-list are on (they cost nothing until used)', () => {
      assert.deepEqual(
        Object.entries(DEFAULT_LEVELS).filter(([, level]) => level === 'off').map(([id]) => id),
        ['missing-sbom', 'missing-provenance', 'provenance-mode-min'],
      );
    });
  });

  describe('allow-list', () => {
    const text = 'FROM node:22\nFROM ghcr.io/acme/base:1\nFROM registry.example.com/team/tool:2\n';
    const index = new BuildFileIndex();
    index.set('/p/Dockerfile', text);

    it('reports images outside the patterns, matched against the familiar and the full name', () => {
      const found = findings(index, '/p/Dockerfile', settings({ unpinned: 'off' }, ['docker.io/library/*', 'ghcr.io/acme/**']), answers({}));
      assert.deepEqual(found, ['image-not-allowed error 2: registry.example.com/team/tool:2 comes from outside the allowed registries and repositories: docker.io/library/*, ghcr.io/acme/**.']);
    });

    it('no patterns: no check', () => {
      assert.deepEqual(findings(index, '/p/Dockerfile', settings({ unpinned: 'off' }), answers({})), []);
    });

    it('a comment above the line silences it', () => {
      const silenced = new BuildFileIndex();
      silenced.set('/p/Dockerfile', 'FROM node:22\n# image-provenance: ignore=image-not-allowed\nFROM ghcr.io/acme/base:1\n');
      assert.deepEqual(findings(silenced, '/p/Dockerfile', settings({ unpinned: 'off' }, ['node']), answers({})), []);
    });
  });

  describe('attestations', () => {
    const index = new BuildFileIndex();
    index.set('/p/Dockerfile', 'FROM node:22\nFROM redis:7\nFROM nginx:1\n');
    const on = settings({ unpinned: 'off', 'missing-sbom': 'warning', 'missing-provenance': 'warning', 'provenance-mode-min': 'information' });
    const resolutions = { 'node:22': resolved(INDEX), 'redis:7': resolved(OTHER), 'nginx:1': resolved(digest('c1')) };

    it('missing SBOM, missing provenance, and mode=min as BuildKit writes it (scrubMinRequest)', () => {
      const reads = {
        // buildx's implicit default: provenance mode=min, no SBOM.
        [`node:22 ${INDEX}`]: summary(platform({ provenance: provenance('buildkit-slsa02-min.json') })),
        // The docker driver or --load and push: nothing attached.
        [`redis:7 ${OTHER}`]: summary(platform({ forms: [] })),
        // --sbom=true --provenance=mode=max: nothing to say.
        [`nginx:1 ${digest('c1')}`]: summary(platform({ provenance: provenance('buildkit-slsa1-max.json'), sboms: [{} as PlatformSummary['sboms'][number]] })),
      };
      assert.deepEqual(findings(index, '/p/Dockerfile', on, answers(resolutions, reads)), [
        "missing-sbom warning 0: node:22 has no SBOM attestation: what it contains cannot be listed without pulling it, and Docker Scout's supply chain attestations policy needs one.",
        "provenance-mode-min information 0: node:22 has mode=min provenance: build arguments, build steps and the Dockerfile are not recorded (buildx's default; build with --provenance=mode=max to record them).",
        "missing-sbom warning 1: redis:7 has no SBOM attestation: what it contains cannot be listed without pulling it, and Docker Scout's supply chain attestations policy needs one.",
        'missing-provenance warning 1: redis:7 has no provenance attestation: where and from what it was built is not recorded, and Docker Scout shows "No data" for its base image.',
      ]);
    });

    it('a read that failed, or was not made, says nothing either way', () => {
      const failed = summary(platform({ forms: [], problems: [{ message: { template: 'unreachable', args: [] } }] }));
      assert.deepEqual(findings(index, '/p/Dockerfile', on, answers(resolutions, { [`redis:7 ${OTHER}`]: failed })), []);
    });

    it('asks for the attestations of each resolved image only while such a check is on', () => {
      const a = answers(resolutions);
      assert.deepEqual(lookupsFor(index, index.files(), settings(), a).read, []);
      assert.deepEqual(
        lookupsFor(index, index.files(), on, a).read.map((r) => `${familiarName(r.ref)} ${r.digest}`),
        [`node:22 ${INDEX}`, `redis:7 ${OTHER}`, `nginx:1 ${digest('c1')}`],
      );
    });
  });

  describe('drift', () => {
    // The published image's provenance names the base and the digest BuildKit pulled it at (moby/buildkit
    // source/containerimage/identifier.go ImageIdentifier.Capture records the pin; predicate.go slsaMaterials
    // writes it as the material `pkg:docker/golang@1.22-alpine?platform=linux%2Famd64`).
    const bake = 'target "app" {\n  tags = ["registry.example.com/acme/app:1"]\n}\n';
    const published = 'registry.example.com/acme/app:1';
    const PUBLISHED = digest('d1');

    function workspace(from: string): BuildFileIndex {
      const index = new BuildFileIndex();
      index.set('/p/Dockerfile', `FROM ${from}\n`);
      index.set('/p/docker-bake.hcl', bake, 'bake-hcl');
      return index;
    }

    const v02 = { [`${published} ${PUBLISHED}`]: summary(platform({ provenance: provenance('buildkit-slsa02-min.json') })) };

    it('SLSA v0.2: the published image was built from another digest of the base the workspace pins', () => {
      const index = workspace(`golang:1.22-alpine@${INDEX}`);
      const a = answers({ [published]: resolved(PUBLISHED), [`golang:1.22-alpine@${INDEX}`]: resolved(INDEX) }, v02);
      assert.deepEqual(findings(index, '/p/docker-bake.hcl', settings(), a), [
        `base-drift warning 0: registry.example.com/acme/app:1 was published from golang:1.22-alpine@sha256:184d5219eac2…, but the workspace now pins ${INDEX}: rebuild and push it to publish what the workspace pins.`,
      ]);
    });

    it('the same digest, or a platform image of the pinned index, is no drift', () => {
      const same = workspace(`golang:1.22-alpine@${GOLANG_IN_V02}`);
      assert.deepEqual(findings(same, '/p/docker-bake.hcl', settings(), answers({ [published]: resolved(PUBLISHED), [`golang:1.22-alpine@${GOLANG_IN_V02}`]: resolved(GOLANG_IN_V02) }, v02)), []);
      const index = workspace(`golang:1.22-alpine@${INDEX}`);
      const platformOfIt = resolved(INDEX, [{ platform: 'linux/amd64', digest: GOLANG_IN_V02 }]);
      assert.deepEqual(findings(index, '/p/docker-bake.hcl', settings(), answers({ [published]: resolved(PUBLISHED), [`golang:1.22-alpine@${INDEX}`]: platformOfIt }, v02)), []);
    });

    it('nothing until the pinned index is looked up (a platform digest could be one of its images)', () => {
      const index = workspace(`golang:1.22-alpine@${INDEX}`);
      assert.deepEqual(findings(index, '/p/docker-bake.hcl', settings(), answers({ [published]: resolved(PUBLISHED) }, v02)), []);
    });

    it('SLSA v1 (resolvedDependencies), a Compose service that builds and tags its image', () => {
      const index = new BuildFileIndex();
      index.set('/p/Dockerfile', `FROM node:22-slim@${INDEX}\n`);
      index.set('/p/compose.yaml', 'services:\n  app:\n    build: .\n    image: registry.example.com/acme/app:1\n', 'compose');
      const reads = { [`${published} ${PUBLISHED}`]: summary(platform({ provenance: provenance('buildkit-slsa1-min.json') })) };
      const a = answers({ [published]: resolved(PUBLISHED), [`node:22-slim@${INDEX}`]: resolved(INDEX) }, reads);
      assert.deepEqual(findings(index, '/p/compose.yaml', settings(), a), [
        `base-drift warning 2: registry.example.com/acme/app:1 was published from node:22-slim@sha256:${NODE_IN_V1.slice(7, 19)}…, but the workspace now pins ${INDEX}: rebuild and push it to publish what the workspace pins.`,
      ]);
    });

    it('the # syntax frontend and the SBOM scanner are materials but not bases (labelled by attest/provenance.ts)', () => {
      const index = new BuildFileIndex();
      index.set('/p/Dockerfile', `# syntax=docker/dockerfile:1@${INDEX}\nFROM node:22-slim@${NODE_IN_V1}\n`);
      index.set('/p/docker-bake.hcl', bake, 'bake-hcl');
      const reads = { [`${published} ${PUBLISHED}`]: summary(platform({ provenance: provenance('buildkit-slsa1-max.json') })) };
      const a = answers({ [published]: resolved(PUBLISHED), [`docker/dockerfile:1@${INDEX}`]: resolved(INDEX), [`node:22-slim@${NODE_IN_V1}`]: resolved(NODE_IN_V1) }, reads);
      assert.deepEqual(findings(index, '/p/docker-bake.hcl', settings(), a), []);
    });

    it('a Dockerfile that pins nothing costs no lookup of the published image', () => {
      const index = workspace('golang:1.22-alpine');
      const a = answers({ [published]: resolved(PUBLISHED) }, v02);
      assert.deepEqual(findings(index, '/p/docker-bake.hcl', settings(), a), []);
      assert.deepEqual(lookupsFor(index, index.files(), settings(), a).resolve.map(canonicalName), ['docker.io/library/golang:1.22-alpine']);
      const pinned = workspace(`golang:1.22-alpine@${INDEX}`);
      assert.deepEqual(
        lookupsFor(pinned, pinned.files(), settings(), answers({ [published]: resolved(PUBLISHED) })).read.map((r) => `${familiarName(r.ref)} ${r.digest}`),
        [`${published} ${PUBLISHED}`],
      );
    });

    it('silenced by a comment above the target', () => {
      const index = new BuildFileIndex();
      index.set('/p/Dockerfile', `FROM golang:1.22-alpine@${INDEX}\n`);
      index.set('/p/docker-bake.hcl', `# image-provenance: ignore=base-drift\n${bake}`, 'bake-hcl');
      const a = answers({ [published]: resolved(PUBLISHED), [`golang:1.22-alpine@${INDEX}`]: resolved(INDEX) }, v02);
      assert.deepEqual(findings(index, '/p/docker-bake.hcl', settings(), a), []);
    });
  });
});
