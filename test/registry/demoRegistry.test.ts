// Registry tier: the demo registry `npm start` and the UI tests run serves each storage form of attestations, and
// the core reads each as what it is. Expectations are worked out from what demoAttestations.ts seeds and from the
// specs that define the shapes:
// - moby/buildkit exporter/containerimage/writer.go (commitAttestationsManifest): the OCI-artifact form has
//   `artifactType` application/vnd.docker.attestation.manifest.v1+json, the OCI empty config and `subject` the
//   platform manifest; the index lists it with `vnd.docker.reference.type: attestation-manifest` and
//   `vnd.docker.reference.digest`, platform unknown/unknown.
// - OCI distribution spec, "Pushing Manifests with Subject": without a referrers API the referrers are listed in an
//   index tagged `sha256-<hex>`, each descriptor with the manifest's artifactType.
// - moby/buildkit solver/llbsolver/provenance.go: mode=max records build steps and keeps build args; mode=min
//   drops them. frontend/attestations/sbom/sbom.go: extra scans are named `sbom-<stage>`, after the image's.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { summarizeImage, type ImageSummary } from '../../src/attest/summary';
import { formatMessage } from '../../src/model/messages';
import { compareImages } from '../../src/panel/compare';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { commitOf, DEMO_SOURCE } from '../host/demoAttestations';
import { startDemoRegistry, type DemoImage, type DemoRegistry } from '../host/demoRegistry';
import { sha256Digest } from './harness/digest';
import { platformManifestDigest } from './harness/seed';
import { newClient, ref, settings } from './fixtures';

const ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';
const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
const SPDX = 'https://spdx.dev/Document';
const CYCLONEDX = 'https://cyclonedx.org/bom';
const ACCEPT = ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

describe('registry tier: the demo registry serves every storage form of attestations', function () {
  let root: string;
  let demo: DemoRegistry;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'image-provenance-demo-'));
    demo = await startDemoRegistry({ port: 0, root });
  });
  after(async () => {
    await demo?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const served = (image: string): DemoImage => {
    const found = demo.images.find((i) => i.image === image);
    assert.ok(found, `the demo registry does not serve ${image}`);
    return found;
  };
  /** A manifest as the registry serves it, by tag or digest. */
  const raw = async (repository: string, reference: string): Promise<{ status: number; body: { mediaType?: string; manifests?: Descriptor[]; artifactType?: string; config?: Descriptor & { data?: string }; layers?: Descriptor[]; subject?: Descriptor } }> => {
    const res = await request(`${demo.url}/v2/${repository}/manifests/${reference}`, { headers: { accept: ACCEPT } });
    const text = await res.body.text();
    return { status: res.statusCode, body: res.statusCode === 200 ? JSON.parse(text) : {} };
  };
  const summarize = async (image: string): Promise<ImageSummary> => {
    const client = newClient({ settings: settings({ [demo.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      const { repository, tag, digest } = served(image);
      return await summarizeImage(client, ref(`${demo.host}/${repository}:${tag}`), digest);
    } finally {
      await client.close();
    }
  };

  it('nginx:1.27-alpine: OCI-artifact attestation manifests listed in the index, SLSA v1 mode=max and two SPDX documents', async () => {
    const nginx = served('nginx:1.27-alpine');
    const index = await raw(nginx.repository, nginx.tag);
    const entries = index.body.manifests!.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    assert.deepEqual(
      entries.map((e) => [e.annotations!['vnd.docker.reference.digest'], e.platform]),
      ['linux/amd64', 'linux/arm64/v8'].map((p) => [nginx.platformDigests[p], { architecture: 'unknown', os: 'unknown' }]),
    );
    for (const [i, entry] of entries.entries()) {
      const { body } = await raw(nginx.repository, entry.digest);
      assert.equal(body.artifactType, ARTIFACT_TYPE);
      // The OCI empty descriptor: `{}`, inline.
      assert.deepEqual(body.config, { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, data: 'e30=' });
      assert.equal(body.subject?.digest, Object.values(nginx.platformDigests)[i]);
      assert.deepEqual(body.layers!.map((l) => [l.mediaType, l.annotations?.['in-toto.io/predicate-type']]), [
        ['application/vnd.in-toto+json', SLSA_V1],
        ['application/vnd.in-toto+json', SPDX],
        ['application/vnd.in-toto+json', SPDX],
      ]);
    }

    const summary = await summarize('nginx:1.27-alpine');
    const alpine = served('alpine:3.20');
    assert.deepEqual(
      summary.platforms.map((p) => ({
        platform: p.platform,
        forms: p.forms,
        predicateTypes: p.predicateTypes,
        provenance: p.provenance && {
          slsaVersion: p.provenance.slsaVersion,
          mode: p.provenance.mode,
          builderId: p.provenance.builderId,
          source: p.provenance.source,
          buildArgs: p.provenance.buildArgs,
          frontendImage: p.provenance.frontendImage,
          completeness: p.provenance.completeness,
          materials: p.provenance.materials.map((m) => [m.image?.name, m.role, m.image?.digest]),
          buildSteps: p.provenance.maxDetails?.buildSteps,
          sourceFiles: p.provenance.maxDetails?.sourceFiles,
          github: Object.keys(p.provenance.internalParameters).filter((k) => k.startsWith('github_')).length,
        },
        sboms: p.sboms.map((s) => [formatMessage(s.scopeText), s.sbom.name, s.sbom.packages.length]),
        explanations: p.explanations.map((e) => e.kind),
        problems: p.problems,
      })),
      ['linux/amd64', 'linux/arm64/v8'].map((platform) => ({
        platform,
        forms: ['index'],
        predicateTypes: [SLSA_V1, SPDX],
        provenance: {
          slsaVersion: 'v1',
          mode: 'max',
          builderId: `${DEMO_SOURCE}/actions/runs/4103/attempts/1`,
          // buildx's `vcs:source` / `vcs:revision`, which BuildKit keeps in buildkit_metadata.vcs.
          source: { repository: DEMO_SOURCE, revision: commitOf('nginx/1.27/alpine'), from: 'vcs' },
          buildArgs: { BUILDKIT_SBOM_SCAN_STAGE: 'true', NGINX_VERSION: '1.27.3' },
          frontendImage: 'docker/dockerfile:1.10',
          completeness: { parameters: true, materials: false },
          // The `# syntax` frontend (builder platform), the base image the demo registry serves (this platform's
          // manifest), the SBOM scanner.
          materials: [
            ['docker/dockerfile', 'frontend', served('docker/dockerfile:1.10').platformDigests['linux/amd64']],
            ['alpine', undefined, alpine.platformDigests[platform]],
            ['docker/buildkit-syft-scanner', 'sbomScanner', sha256Digest('docker/buildkit-syft-scanner:stable-1')],
          ],
          // The base image, the local context, two RUN steps.
          buildSteps: 4,
          sourceFiles: ['Dockerfile'],
          github: 11,
        },
        // 10 Alpine packages, nginx and pcre2; 4 packages in the stage (syft's root entry, the scanned folder, is not one).
        sboms: [
          ['the final image', 'sbom', 12],
          ['the build stage "build", scanned as well', 'sbom-build', 4],
        ],
        explanations: [],
        problems: [],
      })),
    );
    // The provenance names the base image the demo registry serves under its own digest.
    assert.equal(alpine.platformDigests['linux/amd64'], platformManifestDigest('library/alpine', '3.20', 'linux/amd64'));
  });

  it('node:22-alpine: SLSA v0.2 mode=min and an SPDX SBOM in the index, explained as mode=min', async () => {
    const summary = await summarize('node:22-alpine');
    assert.deepEqual(
      summary.platforms.map((p) => [p.platform, p.forms, p.predicateTypes, p.provenance?.slsaVersion, p.provenance?.mode, p.provenance?.buildArgs, p.provenance?.completeness, p.sboms.map((s) => s.sbom.packages.length), p.explanations.map((e) => e.kind)]),
      // mode=min dropped the labels: completeness.parameters false. 10 Alpine packages, libgcc, libstdc++ and npm (not syft's root entry).
      ['linux/amd64', 'linux/arm64/v8'].map((p) => [p, ['index'], [SLSA_V02, SPDX], 'v0.2', 'min', {}, { parameters: false, environment: true, materials: false }, [13], ['provenanceMin']]),
    );
  });

  it('python:3.13-slim: SLSA v1 mode=min and a CycloneDX SBOM', async () => {
    const summary = await summarize('python:3.13-slim');
    assert.deepEqual(
      summary.platforms.map((p) => [p.predicateTypes, p.provenance?.slsaVersion, p.provenance?.mode, p.sboms.map((s) => [s.sbom.format, s.sbom.packages.length])]),
      // Seven Debian packages and pip; CycloneDX has no root entry.
      [0, 1].map(() => [[SLSA_V1, CYCLONEDX], 'v1', 'min', [['cyclonedx', 8]]]),
    );
  });

  it('redis:7.4-alpine: not in the index, an OCI-artifact attestation under each platform\'s referrers fallback tag', async () => {
    const redis = served('redis:7.4-alpine');
    const index = await raw(redis.repository, redis.tag);
    assert.deepEqual(index.body.manifests!.map((m) => m.platform), [
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
    ]);
    for (const digest of Object.values(redis.platformDigests)) {
      const referrers = await raw(redis.repository, digest.replace(':', '-'));
      assert.equal(referrers.body.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(referrers.body.manifests!.map((m) => m.artifactType), [ARTIFACT_TYPE]);
      const attestation = await raw(redis.repository, referrers.body.manifests![0]!.digest);
      assert.equal(attestation.body.subject?.digest, digest);
    }

    const summary = await summarize('redis:7.4-alpine');
    assert.deepEqual(
      summary.platforms.map((p) => [p.platform, p.forms, p.predicateTypes, p.provenance?.slsaVersion, p.provenance?.mode, p.sboms.map((s) => s.sbom.packages.length), p.explanations.map((e) => e.kind), p.problems]),
      // 10 Alpine packages and redis (not syft's root entry).
      ['linux/amd64', 'linux/arm64/v8'].map((p) => [p, ['referrer'], [SLSA_V1, SPDX], 'v1', 'min', [11], ['provenanceMin'], []]),
    );
  });

  it('postgres:16-alpine: a single Docker v2 manifest without attestations, explained as such', async () => {
    const postgres = served('postgres:16-alpine');
    const top = await raw(postgres.repository, postgres.tag);
    assert.equal(top.body.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal((await raw(postgres.repository, postgres.digest.replace(':', '-'))).status, 404);

    const summary = await summarize('postgres:16-alpine');
    assert.deepEqual(summary.platforms.map((p) => [p.forms, p.predicateTypes, p.explanations.map((e) => e.kind)]), [[[], [], ['noAttestations']]]);
    assert.match(formatMessage(summary.platforms[0]!.explanations[0]!.message), /^No attestation found\. This is a single image manifest, and BuildKit keeps attestations in an index next to the image: it was built with the docker driver on the classic image store or loaded with --load/);
  });

  it('keeps the older node:22-alpine build that examples/web/Dockerfile pins, attested like the current one', async () => {
    const client = newClient({ settings: settings({ [demo.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      const summary = await summarizeImage(client, ref(`${demo.host}/library/node:22-alpine`), demo.outdated.digest);
      assert.deepEqual(summary.platforms.map((p) => [p.provenance?.mode, p.provenance?.builderId]), [0, 1].map(() => ['min', `${DEMO_SOURCE}/actions/runs/4002/attempts/1`]));
    } finally {
      await client.close();
    }
  });

  it('compares the older node:22-alpine build with the current one: what updating the stale pin brings', async () => {
    // Worked out from demoAttestations.ts: OLDER_NODE_ALPINE_PACKAGES against NODE_ALPINE_PACKAGES, and olderNodeAlpine.
    const client = newClient({ settings: settings({ [demo.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      const image = ref(`${demo.host}/library/node:22-alpine`);
      const [older, newer] = await Promise.all([summarizeImage(client, image, demo.outdated.digest), summarizeImage(client, image, served('node:22-alpine').digest)]);
      const comparison = compareImages(older, newer);
      assert.deepEqual(comparison.platforms.map((p) => p.platform), ['linux/amd64', 'linux/arm64/v8']);
      for (const p of comparison.platforms) {
        const [sbom] = p.sboms;
        const diff = sbom!.diff!;
        assert.deepEqual(
          [diff.added.map((a) => a.name), diff.removed.map((r) => r.name), diff.changed.map((c) => [c.name, c.from, c.to]), diff.licensesChanged.map((l) => [l.name, l.from, l.to]), diff.unchanged],
          [['libstdc++'], ['yarn'], [['libcrypto3', ['3.3.1-r3'], ['3.3.2-r1']], ['libssl3', ['3.3.1-r3'], ['3.3.2-r1']], ['npm', ['10.8.2'], ['10.9.2']]], [['busybox', ['GPL-2.0'], ['GPL-2.0-only']]], 9],
        );
        const provenance = p.provenance!;
        assert.deepEqual(provenance.source, { old: { repository: DEMO_SOURCE, revision: commitOf('node/22/alpine a week earlier') }, new: { repository: DEMO_SOURCE, revision: commitOf('node/22/alpine') }, changed: true });
        assert.deepEqual(provenance.baseImages.map((b) => [b.name, b.status, b.old?.digest === b.new?.digest]), [['alpine', 'changed', false]]);
        assert.deepEqual(p.notCompared, []);
      }
    } finally {
      await client.close();
    }
  });
});
