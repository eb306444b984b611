// Extension tests of the attestation panel's SBOM intents, in a real VS Code against the real registry:
// node:22-slim's platforms each carry an SPDX 2.3 SBOM of one MIT package "seed" 1.0.0 (what
// test/registry/harness/imageContent.ts defaultStatements seeds). The host sends rows and writes exports only
// for an SBOM it showed, named by its layer digest; anything else is ignored.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, eventually, ref, seeded, SLOW, withFaultyMirror, withStallingMirror } from './helpers';

const UNKNOWN = `sha256:${'0'.repeat(64)}`;

/** A manifest of node:22-slim from the test registry, read here over HTTP (not through the extension). */
async function manifestOf(digest: string): Promise<{ manifests?: { digest: string; annotations?: Record<string, string> }[]; layers?: { digest: string; annotations?: Record<string, string> }[] }> {
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';
  const response = await fetch(`http://${seeded().host}/v2/library/node/manifests/${digest}`, { headers: { accept } });
  assert.equal(response.status, 200, digest);
  return (await response.json()) as never;
}

/**
 * The SPDX layer of one platform of node:22-slim: its index lists the platform's attestation manifest
 * (moby/buildkit docs/attestations/attestation-storage.md: `vnd.docker.reference.digest` names the platform),
 * whose layers carry `in-toto.io/predicate-type`.
 */
async function sbomLayer(image: { digest: string }, platform: string): Promise<string> {
  const attestation = (await manifestOf(image.digest)).manifests?.find((m) => m.annotations?.['vnd.docker.reference.digest'] === platform);
  assert.ok(attestation, 'the index lists the platform\'s attestation manifest');
  const layer = (await manifestOf(attestation.digest)).layers?.find((l) => l.annotations?.['in-toto.io/predicate-type'] === 'https://spdx.dev/Document');
  assert.ok(layer, 'the attestation manifest has an SPDX layer');
  return layer.digest;
}

describe('Attestation panel SBOM (extension host)', function () {
  this.timeout(60_000);
  const folder = mkdtempSync(join(tmpdir(), 'sbom-export-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  /** node:22-slim's panel once it shows the overview, and the layer digests of the SBOMs it showed. */
  async function panelWithSboms() {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
    const panel = a.panels.get(ref('node:22-slim'), image.digest)!;
    await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', SLOW);
    const { summary } = await a.resolver.attestations(ref('node:22-slim'), image.digest);
    const sboms = summary.platforms.map((p) => p.sboms[0]!.digest);
    assert.equal(sboms.length, 2, 'one SBOM per platform');
    return { a, image, panel, sboms };
  }

  it('is asked for the first rows of the SBOM it shows by its page on the Overview, before the SBOM tab is opened', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    // A new page: one shown before may have asked already.
    a.panels.get(ref('node:22-slim'), image.digest)?.panel.dispose();
    const { panel } = await panelWithSboms();
    // The page opens on the Overview tab; nothing here clicks the SBOM tab or asks for rows in the page's place.
    const first = () => panel.overview?.entries[0]?.sboms[0]?.digest;
    await eventually(() => panel.rowsDelivered !== undefined && panel.rowsDelivered === first(), 'the page to ask for the rows of the first SBOM of the platform it shows', SLOW);
  });

  it('sends the rows of an SBOM it showed, and nothing for another digest', async () => {
    const { panel, sboms } = await panelWithSboms();
    // The page asks for the first rows of the SBOM it shows (the test above): those are not the ones asked for here.
    await eventually(() => panel.rowsDelivered !== undefined, 'the page to ask for the rows of the SBOM it shows', SLOW);
    panel.rowsDelivered = undefined;
    await panel.receive({ type: 'requestRows', sbom: UNKNOWN });
    await panel.receive({ type: 'requestRows', sbom: 'sha256:not-a-digest' });
    assert.equal(panel.rowsDelivered, undefined);
    await panel.receive({ type: 'requestRows', sbom: sboms[1] });
    assert.equal(panel.rowsDelivered, sboms[1]);
    const table = panel.sboms.rows(sboms[1]!)!;
    assert.deepEqual([table.packages.name, table.packages.version, table.packages.licenses], [['seed'], ['1.0.0'], ['MIT']]);
    // Its rows go in windows: the first holds the one package; none starts past the last row.
    assert.deepEqual((await panel.sboms.window(sboms[1]!, 0))?.rows.name, ['seed']);
    panel.rowsDelivered = undefined;
    await panel.receive({ type: 'requestRows', sbom: sboms[1], start: 1 });
    assert.equal(panel.rowsDelivered, undefined);
  });

  it('shows the Overview while an SBOM is still on its way, and sends its rows once it has come', async function () {
    // A loaded machine can take many seconds to start a webview's page (30 s and more seen in CI): the stalled SBOM
    // request must outlast that, or the client gives up on the mirror and reads it from the registry meanwhile.
    this.timeout(150_000);
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const platform = image.platforms['linux/amd64']!;
    const layer = await sbomLayer(image, platform);
    // That SBOM blob stays unanswered until the mirror is closed.
    await withStallingMirror(new RegExp(`/blobs/${layer}$`), async (mirror) => {
      // Nothing read before: no panel, no summary, no stored blob.
      a.panels.get(ref('node:22-slim'), image.digest)?.panel.dispose();
      await vscode.commands.executeCommand('imageProvenance.clearCache');
      await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
      const panel = a.panels.get(ref('node:22-slim'), image.digest)!;
      await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', 100_000);
      const amd64 = () => panel.overview?.entries.find((e) => e.digest === platform);
      assert.deepEqual([amd64()?.sbomsPending, amd64()?.sboms], [[layer], []], 'the SBOM still on its way');
      assert.ok(amd64()?.provenance, 'the provenance shown meanwhile');
      // The page asks for the rows of the SBOM on its way: answered once it is read.
      const rows = panel.receive({ type: 'requestRows', sbom: layer });
      assert.equal(panel.rowsDelivered, undefined);
      await mirror.close();
      await rows;
      assert.equal(panel.rowsDelivered, layer);
      assert.deepEqual(amd64()?.sboms.map((d) => [d.digest, d.packages]), [[layer, 1]]);
      assert.equal(amd64()?.sbomsPending, undefined);
    });
  });

  /**
   * node:22-slim's linux/amd64 panel read anew while a fault proxy in front of the registry holds back the SBOM
   * blob's last two bytes until `release` (and, with `corrupt`, then sends them wrong); the page has asked for its
   * rows. Gives the panel once the page was sent the rows that arrived.
   */
  async function panelWithSbomArriving(layer: string, image: { digest: string }) {
    const a = await api();
    a.panels.get(ref('node:22-slim'), image.digest)?.panel.dispose();
    await vscode.commands.executeCommand('imageProvenance.clearCache');
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
    const panel = a.panels.get(ref('node:22-slim'), image.digest)!;
    await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', 100_000);
    const rows = panel.receive({ type: 'requestRows', sbom: layer });
    await eventually(() => panel.previewsDelivered.some((p) => p.sbom === layer && p.names !== undefined), 'the rows that arrived to be sent, as still being read', SLOW);
    return { panel, rows };
  }

  /**
   * node:22-slim's linux/amd64 SBOM layer, whose last two bytes a test's fault proxy holds back until `release()`.
   * As the registry serves it, the statement ends with its one package's list, then `}}`.
   */
  async function sbomWithTailHeldBack() {
    const image = seeded().images['node:22-slim']!;
    const platform = image.platforms['linux/amd64']!;
    const layer = await sbomLayer(image, platform);
    const response = await fetch(`http://${seeded().host}/v2/library/node/blobs/${layer}`);
    assert.ok((await response.text()).endsWith('"}]}}'), 'the two bytes held back come after the package list');
    let release = () => {};
    const tail = new Promise<void>((resolve) => (release = resolve));
    return { image, platform, layer, tail, release };
  }

  it('shows the rows of an SBOM still arriving as such, then the whole table once its last bytes are in and checked', async () => {
    const { image, platform, layer, tail, release } = await sbomWithTailHeldBack();
    await withFaultyMirror({ kind: 'holdTail', bytes: 2, release: tail, path: new RegExp(`/blobs/${layer}$`) }, { fallback: true }, async () => {
      const { panel, rows } = await panelWithSbomArriving(layer, image);
      const amd64 = () => panel.overview?.entries.find((e) => e.digest === platform);
      assert.deepEqual(panel.previewsDelivered.find((p) => p.names)?.names, ['seed'], 'its one package, read before the last bytes');
      assert.equal(panel.rowsDelivered, undefined, 'no rows of the whole document before its last bytes');
      assert.deepEqual([amd64()?.sbomsPending, amd64()?.sboms], [[layer], []], 'the Overview still says it is on its way');
      release();
      await rows;
      assert.equal(panel.rowsDelivered, layer, 'the whole table, once the digest is checked');
      assert.deepEqual(amd64()?.sboms.map((d) => [d.digest, d.packages]), [[layer, 1]]);
    });
  });

  it('shows the rows of an SBOM whose fetch another read started as they are read, before the whole table', async () => {
    const a = await api();
    const { image, platform, layer, tail, release } = await sbomWithTailHeldBack();
    await withFaultyMirror({ kind: 'holdTail', bytes: 2, release: tail, path: new RegExp(`/blobs/${layer}$`) }, { fallback: true }, async () => {
      try {
        a.panels.get(ref('node:22-slim'), image.digest)?.panel.dispose();
        await vscode.commands.executeCommand('imageProvenance.clearCache');
        // The tree's read of the platform fetches the SBOM first; the panel's read joins that fetch: it is handed the
        // bytes that came before it, then the rest (RegistryClient.blob).
        let fetching = false;
        const first = a.resolver.attestations(ref('node:22-slim'), image.digest, { platform: { platform: 'linux/amd64', digest: platform } }, { sbomPreview: { rows: 1, show: () => (fetching = true) } });
        await eventually(() => fetching, 'the first read\'s fetch of the SBOM under way', SLOW);
        await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
        const panel = a.panels.get(ref('node:22-slim'), image.digest)!;
        await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', 100_000);
        const rows = panel.receive({ type: 'requestRows', sbom: layer });
        await eventually(() => panel.previewsDelivered.some((p) => p.sbom === layer && p.names !== undefined), 'the rows that arrived to be sent, as still being read', SLOW);
        assert.deepEqual(panel.previewsDelivered.find((p) => p.sbom === layer && p.names)?.names, ['seed'], 'its one package, read before the last bytes');
        assert.equal(panel.rowsDelivered, undefined, 'no rows of the whole document before its last bytes');
        release();
        await rows;
        assert.equal(panel.rowsDelivered, layer, 'then the whole table');
        await first;
      } finally {
        release();
      }
    });
  });

  it('withdraws the rows shown as they arrived when the last bytes turn out wrong, and says why, naming the image', async () => {
    const { image, platform, layer, tail, release } = await sbomWithTailHeldBack();
    // No fallback: the mirror's wrong bytes are all there is (Docker Hub, asked last, does not have the test image).
    await withFaultyMirror({ kind: 'holdTail', bytes: 2, release: tail, corrupt: true, path: new RegExp(`/blobs/${layer}$`) }, { fallback: false }, async () => {
      try {
        const { panel, rows } = await panelWithSbomArriving(layer, image);
        const amd64 = () => panel.overview?.entries.find((e) => e.digest === platform);
        release();
        await rows;
        assert.equal(panel.rowsDelivered, undefined, 'no rows of a document whose bytes are not the ones its digest names');
        await eventually(() => amd64()?.sbomsPending === undefined, 'the Overview of the read SBOMs', SLOW);
        assert.deepEqual(amd64()?.sboms, [], 'the document is not shown');
        // The page draws this as "The SBOM of node:22-slim could not be read: …", in place of the rows (sbomView.ts).
        const problems = amd64()?.sbomProblems ?? [];
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0]!, /node:22-slim/);
        assert.match(problems[0]!, /mirrors tried first: 127\.0\.0\.1:\d+ digestMismatch/);
      } finally {
        // The tests after this one read node:22-slim's SBOMs whole: not this read that failed.
        release();
        (await api()).panels.get(ref('node:22-slim'), image.digest)?.panel.dispose();
        await vscode.commands.executeCommand('imageProvenance.clearCache');
      }
    });
  });

  it('exports an SBOM it showed: its own format as served, the others converted; another digest writes nothing', async () => {
    const { a, image, panel, sboms } = await panelWithSboms();
    const target = (name: string) => vscode.Uri.file(join(folder, name));

    assert.equal(await panel.sboms.exportTo(UNKNOWN, 'csv', target('refused.csv')), false);
    assert.equal(existsSync(join(folder, 'refused.csv')), false);
    // Refused before any dialog: a save dialog would keep this waiting until someone answered it.
    await panel.receive({ type: 'exportSbom', sbom: UNKNOWN, format: 'spdx' });

    assert.equal(await panel.sboms.exportTo(sboms[0]!, 'csv', target('seed.csv')), true);
    assert.equal(readFileSync(join(folder, 'seed.csv'), 'utf8'), 'name,version,type,license,purl,supplier\r\nseed,1.0.0,,MIT,,\r\n');

    // SPDX is the document's own format: the predicate as the registry served it.
    assert.equal(await panel.sboms.exportTo(sboms[0]!, 'spdx', target('seed.spdx.json')), true);
    const statements = await a.resolver.statements(ref('node:22-slim'), image.digest, { platform: 'linux/amd64', digest: image.platforms['linux/amd64']! });
    const served = statements.platforms[0]!.statements!.sboms[0] as { predicate: unknown };
    assert.deepEqual(JSON.parse(readFileSync(join(folder, 'seed.spdx.json'), 'utf8')), served.predicate);

    assert.equal(await panel.sboms.exportTo(sboms[0]!, 'cyclonedx', target('seed.cdx.json')), true);
    const bom = JSON.parse(readFileSync(join(folder, 'seed.cdx.json'), 'utf8')) as { bomFormat: string; specVersion: string; components: unknown[] };
    assert.deepEqual([bom.bomFormat, bom.specVersion], ['CycloneDX', '1.6']);
    assert.deepEqual(bom.components, [{ type: 'library', 'bom-ref': 'SPDXRef-Package-seed', name: 'seed', version: '1.0.0', licenses: [{ expression: 'MIT' }] }]);
  });
});
