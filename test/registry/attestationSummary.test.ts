// Registry tier: the attestation summary of images pushed to a real registry (distribution 2.8) by the seed
// harness, which writes BuildKit's shapes (moby/buildkit docs/attestations/attestation-storage.md): per
// platform an attestation manifest in the index with an SLSA v0.2 provenance (BuildKit's build type, no build
// steps or arguments: what `mode=min` writes, moby/buildkit solver/llbsolver/provenance.go) and an SPDX SBOM.
import * as assert from 'node:assert/strict';
import { clientSource } from '../../src/attest/discover';
import { summarizeAttestations, type SummaryOptions } from '../../src/attest/summary';
import { formatMessage } from '../../src/model/messages';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, seedSingle, type SeededIndex } from './harness/seed';
import { newClient, ref, settings } from './fixtures';

describe('registry tier: attestation summary', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;

  before(async () => {
    registry = await startRegistry();
    app = await seedImage(registry.url, 'demo/summary', '1');
    await seedImage(registry.url, 'demo/plain', '1', { attestations: false });
    await seedSingle(registry.url, 'demo/classic', '1');
  });
  after(async () => {
    await registry?.close();
  });

  const summarize = async (text: string, platform?: string) => {
    const client = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      const image = ref(`${registry.host}/${text}`);
      return await summarizeAttestations(clientSource(client, image), await client.manifest(image), platform === undefined ? {} : { platform });
    } finally {
      await client.close();
    }
  };

  /** The panel's read of one platform, with the first packages of each SBOM as they come (what it shows meanwhile). */
  const readWithPreview = (client: ReturnType<typeof newClient>, image: ReturnType<typeof ref>) => {
    const previews: { layer: string; names: string[]; readDone: boolean }[] = [];
    let readDone = false;
    const options: SummaryOptions = {
      platform: 'linux/amd64',
      sbomPreview: { rows: 50, show: (layer, p) => previews.push({ layer, names: p.packages.map((pkg) => pkg.name), readDone }) },
    };
    const read = client.manifest(image).then(async (top) => {
      const summary = await summarizeAttestations(clientSource(client, image), top, options);
      readDone = true;
      return summary;
    });
    return { previews, read };
  };

  it('shows the first packages of an SBOM whose fetch another read started, as they arrive', async () => {
    const image = ref(`${registry.host}/demo/summary:1`);
    const client = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS });
    try {
      // Another read (the tree's, the hover's) asks for the same blob first: the panel's joins its fetch.
      const other = client.manifest(image).then((top) => summarizeAttestations(clientSource(client, image), top, { platform: 'linux/amd64' }));
      const { previews, read } = readWithPreview(client, image);
      const [, summary] = await Promise.all([other, read]);
      const layer = summary.platforms[0]!.sboms[0]!.digest;
      const shown = previews.find((p) => p.names.length > 0);
      assert.deepEqual(shown, { layer, names: ['seed'], readDone: false });
    } finally {
      await client.close();
    }
  });

  it('reads the provenance and SBOM of each platform, and explains mode=min', async () => {
    const summary = await summarize('demo/summary:1');
    assert.deepEqual(
      summary.platforms.map((p) => ({
        platform: p.platform,
        digest: p.digest,
        forms: p.forms,
        predicateTypes: p.predicateTypes,
        provenance: [p.provenance?.slsaVersion, p.provenance?.builderId, p.provenance?.mode, p.provenance?.materials.map((m) => m.image?.name)],
        sboms: p.sboms.map((s) => [formatMessage(s.scopeText), s.sbom.packages.map((pkg) => [pkg.name, pkg.version, pkg.licenses])]),
        explanations: p.explanations.map((e) => e.kind),
        problems: p.problems,
      })),
      ['linux/amd64', 'linux/arm64/v8'].map((platform) => ({
        platform,
        digest: app.platformDigests[platform],
        forms: ['index'],
        predicateTypes: ['https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document'],
        provenance: ['v0.2', 'https://github.com/example/builder', 'min', ['busybox']],
        sboms: [['the final image', [['seed', '1.0.0', ['MIT']]]]],
        explanations: ['provenanceMin'],
        problems: [],
      })),
    );
  });

  it('reads one platform when asked', async () => {
    const summary = await summarize('demo/summary:1', 'linux/arm64');
    assert.deepEqual(summary.platforms.map((p) => p.digest), [app.platformDigests['linux/arm64/v8']]);
  });

  it('explains an index without attestations and a single Docker manifest, each in its own words', async () => {
    const plain = await summarize('demo/plain:1');
    assert.deepEqual(plain.platforms.map((p) => [p.platform, p.explanations.map((e) => e.kind)]), [
      ['linux/amd64', ['noAttestations']],
      ['linux/arm64/v8', ['noAttestations']],
    ]);
    const classic = await summarize('demo/classic:1');
    // docs.docker.com/build/metadata/attestations: attestations live in an index, which the classic image store cannot keep.
    assert.match(formatMessage(classic.platforms[0]!.explanations[0]!.message), /single image manifest, and BuildKit keeps attestations in an index next to the image/);
  });
});
