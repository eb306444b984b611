// Registry tier: statements in Sigstore bundles and in a separate referrer repository, read by the summary
// against a real registry (distribution 2.8; no referrers API, so the referrers come through the fallback tag
// `sha256-<hex>`, as sigstore-js and cosign write it there). Shapes: harness/attestationForms.ts.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { summarizeImage } from '../../src/attest/summary';
import { formatMessage } from '../../src/model/messages';
import { NO_CREDENTIALS, type CredentialStore } from '../../src/registry/credentials';
import { pushKeptAttestation, pushSigstoreBundle, SIGSTORE_BUNDLE_V03, type PushedReferrer } from './harness/attestationForms';
import { startRecordingProxy, type RecordingProxy } from './harness/recordingProxy';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { blob, descriptor, MediaTypes } from './harness/imageContent';
import { PushSession, seedImage, type SeededIndex } from './harness/seed';
import { newClient, ref, settings } from './fixtures';

const SLSA_V1 = 'https://slsa.dev/provenance/v1';

/** The actions/attest fixture (test/fixtures/attest/README.md) with its statement's subject set to `digest`. */
function bundleFor(digest: string): Buffer {
  const bundle = JSON.parse(readFileSync('test/fixtures/attest/actions-attest-provenance.sigstore.json', 'utf8')) as { dsseEnvelope: { payload: string } };
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as { subject: { digest: { sha256: string } }[] };
  statement.subject[0]!.digest.sha256 = digest.slice('sha256:'.length);
  bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  return Buffer.from(JSON.stringify(bundle));
}

describe('registry tier: attestations in Sigstore bundles and in a referrer repository', function () {
  let registry: RunningRegistry;
  let bundled: SeededIndex;
  let hardened: SeededIndex;
  let bundle: PushedReferrer;

  before(async () => {
    registry = await startRegistry();
    // Images without BuildKit's attestations: what they carry is only what is pushed below.
    bundled = await seedImage(registry.url, 'demo/bundled', '1', { attestations: false });
    const amd64 = bundled.manifests[bundled.platformDigests['linux/amd64']!]!;
    bundle = await pushSigstoreBundle(registry.url, 'demo/bundled', amd64, bundleFor(amd64.digest), SLSA_V1);
    hardened = await seedImage(registry.url, 'demo/hardened', '1', { attestations: false, platforms: ['linux/amd64'] });
    const image = hardened.manifests[hardened.platformDigests['linux/amd64']!]!;
    await pushKeptAttestation(registry.url, 'scout/demo/hardened', { platform: { os: 'linux', architecture: 'amd64' }, manifest: image });
  });
  after(async () => {
    await registry?.close();
  });

  const summarize = async (seeded: SeededIndex, options: Parameters<typeof summarizeImage>[3] = {}) => {
    const client = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      return { summary: await summarizeImage(client, ref(`${registry.host}/${seeded.repository}:1`), seeded.indexDigest, options), requests: client.stats.requests };
    } finally {
      await client.close();
    }
  };

  it('reads the SLSA provenance in an actions/attest bundle, signed, not verified, and lists the bundle as a signature', async () => {
    const { summary } = await summarize(bundled, { quick: true, keepStatements: true });
    assert.equal(summary.quick, true);
    const [p] = summary.platforms;
    assert.deepEqual(
      { platform: p!.platform, forms: p!.forms, predicateTypes: p!.predicateTypes, builder: p!.provenance?.builderId, signed: p!.provenanceSignature, problems: p!.problems },
      { platform: 'linux/amd64', forms: ['referrer'], predicateTypes: [SLSA_V1], builder: 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main', signed: 'unverified', problems: [] },
    );
    assert.deepEqual(p!.signatures, [{ digest: bundle.manifest.digest, artifactType: SIGSTORE_BUNDLE_V03, signs: bundled.platformDigests['linux/amd64'], forms: ['referrer'], verified: false }]);
    assert.deepEqual((p!.statements?.provenance as { subject: unknown }).subject, [{ name: 'ghcr.io/example/app', digest: { sha256: bundled.platformDigests['linux/amd64']!.slice('sha256:'.length) } }]);
  });

  // Two repositories on one registry: what the referrer repository path changes is which repository is asked.
  // That credentials stay with their host when it is another registry is the next test's.
  it('finds the attestations kept only in the referrer repository, reads them from there, and says so', async () => {
    const referrerRepository = ref(`${registry.host}/scout/demo/hardened`);
    for (const quick of [true, false]) {
      const { summary } = await summarize(hardened, { quick, referrerRepository });
      const [p] = summary.platforms;
      assert.deepEqual(
        { forms: p!.forms, predicateTypes: p!.predicateTypes, mode: p!.provenance?.mode, sboms: p!.sboms.length, explanations: p!.explanations.map((e) => e.kind), problems: p!.problems },
        { forms: ['referrerRepository'], predicateTypes: ['https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document'], mode: 'min', sboms: 1, explanations: ['keptElsewhere', 'provenanceMin'], problems: [] },
        `quick: ${quick}`,
      );
      assert.equal(formatMessage(p!.explanations[0]!.message), `The attestations are kept in ${registry.host}/scout/demo/hardened, a separate referrer repository (as Docker Scout keeps them for hardened images), not next to the image.`);
    }
    // Without the setting the image has none.
    const { summary } = await summarize(hardened, { quick: true });
    assert.deepEqual(summary.platforms[0]!.explanations.map((e) => e.kind), ['noAttestations']);
  });

  // distribution/distribution registry/storage/manifestlisthandler.go (verifyManifest): an index naming a manifest
  // the repository lacks is refused, so an index whose attestation manifests answer 404 (explainAttestationsDropped)
  // lost them after it was pushed, or came through a registry that accepts sparse indexes.
  it('the registry refuses an index listing an attestation manifest it does not have', async () => {
    const amd64 = bundled.manifests[bundled.platformDigests['linux/amd64']!]!;
    const missing = blob(MediaTypes.ociManifest, '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
    const sparse = blob(
      MediaTypes.ociIndex,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociIndex,
        manifests: [
          { ...descriptor(amd64), platform: { os: 'linux', architecture: 'amd64' } },
          { ...descriptor(missing), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd64.digest } },
        ],
      }),
    );
    const session = new PushSession(registry.url, 'demo/bundled');
    try {
      await assert.rejects(session.pushManifest('sparse', sparse), /HTTP 400 .*MANIFEST_BLOB_UNKNOWN/);
    } finally {
      await session.close();
    }
  });

  describe('a referrer repository on another registry', () => {
    let scout: RunningRegistry;
    let proxy: RecordingProxy;
    const USER = 'hub-user';
    const PASSWORD = 'hub-Secret-31c';
    let privateRegistry: RunningRegistry;
    let image: SeededIndex;

    before(async () => {
      // The image on a registry that needs the user's credentials; its attestations on an anonymous one, seen
      // through a recording proxy that shows every header that reached it.
      privateRegistry = await startRegistry({ htpasswd: { users: { [USER]: PASSWORD } } });
      image = await seedImage(privateRegistry.url, 'myorg/app', '1', { attestations: false, platforms: ['linux/amd64'], auth: { username: USER, password: PASSWORD } });
      scout = await startRegistry();
      proxy = await startRecordingProxy(scout.url);
      const platform = image.manifests[image.platformDigests['linux/amd64']!]!;
      await pushKeptAttestation(scout.url, 'myorg/app', { platform: { os: 'linux', architecture: 'amd64' }, manifest: platform });
    });
    after(async () => {
      await proxy?.close();
      await scout?.close();
      await privateRegistry?.close();
    });

    it('reads it with its own host\'s credentials (none): the image registry\'s never reach it', async () => {
      const credentials: CredentialStore = { get: async (host) => (host === privateRegistry.host ? { kind: 'basic', username: USER, password: PASSWORD } : undefined) };
      const client = newClient({ settings: settings({ [privateRegistry.host]: { http: true }, [proxy.host]: { http: true } }), credentials });
      try {
        const summary = await summarizeImage(client, ref(`${privateRegistry.host}/myorg/app:1`), image.indexDigest, { referrerRepository: ref(`${proxy.host}/myorg/app`) });
        assert.deepEqual(summary.platforms.map((p) => [p.forms, p.provenance?.slsaVersion, p.sboms.length, p.problems]), [[['referrerRepository'], 'v0.2', 1, []]]);
        assert.ok(proxy.requests.length > 0);
        assert.deepEqual(proxy.requests.filter((r) => r.authorization !== undefined).map((r) => r.path), []);
      } finally {
        await client.close();
      }
    });
  });
});
