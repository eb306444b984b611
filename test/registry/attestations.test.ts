// Registry tier: every form an attestation or signature can be stored in, found against a real registry
// (distribution 2.8), per platform, each manifest once. Shapes: BuildKit's attestation manifests in the index
// (docs/attestations/attestation-storage.md), a Sigstore bundle attached as a referrer (`actions/attest`; this
// registry has no referrers API, so through the OCI distribution spec's fallback tag `sha256-<hex>`), and cosign's
// `sha256-<hex>.att` tag (cosign's specs/ATTESTATION_SPEC.md: DSSE envelope layers; `cosign attest` annotates each
// layer with `predicateType`).
import * as assert from 'node:assert/strict';
import { clientSource, discoverAttestations } from '../../src/attest/discover';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { blob, descriptor, MediaTypes, PredicateTypes, type Blob } from './harness/imageContent';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { PushSession, seedImage, type SeededIndex } from './harness/seed';
import { newClient, ref, settings } from './fixtures';

const SIGSTORE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const DSSE = 'application/vnd.dsse.envelope.v1+json';

describe('registry tier: attestations in every storage form', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;
  let bundle: Blob;
  let att: Blob;
  let attLayer: Blob;

  before(async () => {
    registry = await startRegistry();
    app = await seedImage(registry.url, 'demo/attested', '1');
    const amd64 = app.manifests[app.platformDigests['linux/amd64']!]!;
    const arm64 = app.platformDigests['linux/arm64/v8']!;
    const empty = blob('application/vnd.oci.empty.v1+json', '{}');
    const bundleLayer = blob(SIGSTORE, JSON.stringify({ mediaType: SIGSTORE, dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: '', signatures: [] } }));
    bundle = blob(MediaTypes.ociManifest, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, artifactType: SIGSTORE, config: descriptor(empty), layers: [descriptor(bundleLayer)], subject: descriptor(amd64) }));
    const referrers = blob(MediaTypes.ociIndex, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ ...descriptor(bundle), artifactType: SIGSTORE }] }));
    attLayer = blob(DSSE, JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: '', signatures: [] }));
    const attConfig = blob(MediaTypes.ociConfig, JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [attLayer.digest] } }));
    att = blob(MediaTypes.ociManifest, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: descriptor(attConfig), layers: [{ ...descriptor(attLayer), annotations: { predicateType: PredicateTypes.slsaProvenance02 } }] }));
    const session = new PushSession(registry.url, 'demo/attested');
    try {
      for (const b of [empty, bundleLayer, attLayer, attConfig]) await session.pushBlob(b);
      await session.pushManifest(bundle.digest, bundle);
      await session.pushManifest(amd64.digest.replace(':', '-'), referrers);
      await session.pushManifest(`${arm64.replace(':', '-')}.att`, att);
    } finally {
      await session.close();
    }
  });
  after(async () => {
    await registry?.close();
  });

  it('finds the index-embedded attestations, a referrer and a cosign tag, per platform, each once', async () => {
    const client = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      const image = ref(`${registry.host}/demo/attested:1`);
      const top = await client.manifest(image);
      const found = await discoverAttestations(clientSource(client, image), top);
      // The seed put one BuildKit attestation manifest per platform in the index; its layers carry the predicate
      // types the seed wrote.
      const fromIndex = (platform: string) => ({
        digest: app.attestationDigests[platform]!,
        forms: ['index'],
        kind: 'attestation',
        layers: app.attestationLayers[platform]!.map((l) => [l.mediaType, l.predicateType]),
      });
      const summary = found.map((p) => ({
        platform: p.platform,
        digest: p.digest,
        problems: p.problems,
        found: p.found.map((f) => ({ digest: f.digest, forms: f.forms, kind: f.kind, layers: f.layers.map((l) => [l.mediaType, l.predicateType]) })),
      }));
      assert.deepEqual(summary, [
        {
          platform: 'linux/amd64',
          digest: app.platformDigests['linux/amd64'],
          problems: [],
          found: [fromIndex('linux/amd64'), { digest: bundle.digest, forms: ['referrer'], kind: 'signature', layers: [[SIGSTORE, undefined]] }],
        },
        {
          platform: 'linux/arm64/v8',
          digest: app.platformDigests['linux/arm64/v8'],
          problems: [],
          found: [fromIndex('linux/arm64/v8'), { digest: att.digest, forms: ['cosignTag'], kind: 'attestation', layers: [[DSSE, PredicateTypes.slsaProvenance02]] }],
        },
      ]);
    } finally {
      await client.close();
    }
  });
});
