// Extension tests, in a real VS Code against the real registry the runner seeds (test/host/testRegistry.ts): the
// compare panel from a stale pin's CodeLens, its quick fix and its tree row, its restore after a reload, and the
// page messages it refuses. What is expected comes from what the runner seeds: node:22-slim has an older build
// (the stale pin) and the current one, both BuildKit-style indexes whose two platforms each carry SLSA v0.2
// provenance with one material, busybox:1.36 at sha256:111…, and an SPDX 2.3 SBOM of one MIT package "seed" 1.0.0
// (test/registry/harness/imageContent.ts defaultStatements): the same package, the same base image, the same build
// times, on both sides. So the update changes no package, and every count but "unchanged" is zero.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PANEL_STATE_VERSION } from '../../src/panel/protocol';
import { api, createIndexed, deleteIndexed, EXTENSION_ID, eventually, menuCommands, ref, rows, seeded, SLOW, workspaceUri } from './helpers';

describe('Compare: what updating a stale pin brings', () => {
  const uris: vscode.Uri[] = [];
  let dockerfile: vscode.Uri;

  before(async () => {
    const a = await api();
    await a.imagesTree.setGroupBy('file');
    const old = seeded().outdated['node:22-slim']!;
    dockerfile = await createIndexed(a, workspaceUri('compare/Dockerfile'), `FROM node:22-slim@${old.digest}\n`);
    uris.push(dockerfile);
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));
  after(async () => deleteIndexed(await api(), uris.splice(0)));

  /** The "What changes?" lens of the stale pin, once the lookup has found the pin stale. */
  async function compareLens(): Promise<vscode.CodeLens> {
    let found: vscode.CodeLens | undefined;
    await eventually(async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile)) ?? [];
      found = lenses.find((l) => l.command?.title === '$(diff) What changes?');
      return found !== undefined;
    }, 'the "What changes?" lens beside Update pin', SLOW);
    return found!;
  }

  it('opens the compare panel from the stale pin’s CodeLens, with the counts of each platform', async () => {
    const a = await api();
    const old = seeded().outdated['node:22-slim']!;
    const now = seeded().images['node:22-slim']!;
    await vscode.window.showTextDocument(dockerfile);
    const lens = await compareLens();
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));

    const panel = a.panels.get(ref('node:22-slim'), now.digest, old.digest);
    assert.ok(panel, 'no compare panel for node:22-slim');
    assert.equal(panel.panel.title, 'What changes: node:22-slim');
    await eventually(() => panel.delivered === 'compare', 'the page to be sent the comparison', SLOW);
    assert.deepEqual(panel.state(), { version: PANEL_STATE_VERSION, ref: 'node:22-slim', digest: now.digest, base: old.digest });
    const comparison = panel.comparison!;
    assert.deepEqual([comparison.old, comparison.new, comparison.onlyOld, comparison.onlyNew], [old.digest, now.digest, [], []]);
    assert.deepEqual(
      comparison.platforms.map((p) => [p.platform, p.oldDigest, p.newDigest]),
      Object.keys(now.platforms).map((platform) => [platform, old.platforms[platform], now.platforms[platform]]),
    );
    for (const p of comparison.platforms) {
      assert.deepEqual(
        p.sboms.map((s) => [s.scope, s.oldPackages, s.newPackages, s.diff?.counts]),
        [['the final image', 1, 1, { added: 0, removed: 0, changed: 0, licensesChanged: 0, unchanged: 1 }]],
      );
      assert.deepEqual(p.provenance?.baseImages, [{ name: 'busybox', status: 'same', old: { tag: '1.36', digest: `sha256:${'1'.repeat(64)}` }, new: { tag: '1.36', digest: `sha256:${'1'.repeat(64)}` } }]);
      assert.deepEqual(p.notCompared, []);
    }

    // Asked again (here from the quick fix on the stale-pin warning): the same panel comes forward.
    const diagnostic = vscode.languages.getDiagnostics(dockerfile).find((d) => d.code === 'stale-pin');
    assert.ok(diagnostic, 'no stale-pin warning');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, diagnostic.range);
    const fix = actions.find((x) => x.title === 'What changes if node:22-slim is updated?');
    assert.ok(fix?.command, `no compare fix among ${JSON.stringify(actions.map((x) => x.title))}`);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(a.panels.get(ref('node:22-slim'), now.digest, old.digest), panel);
  });

  it('offers the comparison on the stale pin’s tree row, and opens it from there', async () => {
    const a = await api();
    const old = seeded().outdated['node:22-slim']!;
    const now = seeded().images['node:22-slim']!;
    a.resolver.request([ref(`node:22-slim@${old.digest}`)]);
    await compareLens();
    const file = (await rows(a)).find((r) => r.item.resourceUri?.toString() === dockerfile.toString());
    assert.ok(file, 'the Dockerfile is not in the tree');
    const [stage] = await rows(a, file.node);
    const [use] = await rows(a, stage!.node);
    assert.match(String(use?.item.contextValue), /\bstale\b/);
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    assert.ok(menuCommands(extensionPath, String(use!.item.contextValue)).includes('imageProvenance.compareWithTag'));
    await vscode.commands.executeCommand('imageProvenance.compareWithTag', use!.node);
    const panel = a.panels.get(ref('node:22-slim'), now.digest, old.digest);
    assert.ok(panel, 'the tree row did not open the compare panel');
    await eventually(() => panel.delivered === 'compare', 'the page to be sent the comparison', SLOW);
  });

  it('restores a compare panel from the state its page kept, on the platform it showed', async () => {
    const a = await api();
    const old = seeded().outdated['node:22-slim']!;
    const now = seeded().images['node:22-slim']!;
    // What VS Code does after a window reload: a panel of the view type, handed to the serializer with the state.
    const restored = vscode.window.createWebviewPanel('imageProvenance.attestations', 'restoring', vscode.ViewColumn.Active);
    await a.panels.deserializeWebviewPanel(restored, { version: PANEL_STATE_VERSION, ref: 'node:22-slim', digest: now.digest, base: old.digest, platform: now.platforms['linux/arm64/v8'] });
    const panel = a.panels.get(ref('node:22-slim'), now.digest, old.digest);
    assert.equal(panel?.panel, restored);
    assert.equal(restored.title, 'What changes: node:22-slim');
    await eventually(() => panel.delivered === 'compare', 'the restored page to be sent the comparison', SLOW);
    assert.deepEqual(panel.state(), { version: PANEL_STATE_VERSION, ref: 'node:22-slim', digest: now.digest, base: old.digest, platform: now.platforms['linux/arm64/v8'] });
    // The image's own panel is another one.
    assert.equal(a.panels.get(ref('node:22-slim'), now.digest), undefined);
  });

  it('takes only a platform it offered from the page, and refuses every other message', async () => {
    const a = await api();
    const old = seeded().outdated['node:22-slim']!;
    const now = seeded().images['node:22-slim']!;
    await vscode.commands.executeCommand('imageProvenance.compareWithTag', { image: 'node:22-slim', old: old.digest, new: now.digest });
    const panel = a.panels.get(ref('node:22-slim'), now.digest, old.digest)!;
    await eventually(() => panel.delivered === 'compare', 'the page to be sent the comparison', SLOW);
    const before = panel.state();
    for (const refused of [
      { type: 'compare', old: old.digest, new: `sha256:${'0'.repeat(64)}` },
      { type: 'selectPlatform', digest: `sha256:${'0'.repeat(64)}` },
      // The old side's platform digest is not what the page names platforms by.
      { type: 'selectPlatform', digest: old.platforms['linux/arm64/v8'] },
      { type: 'selectPlatform', digest: now.platforms['linux/arm64/v8'], base: old.digest },
    ]) {
      await panel.receive(refused);
    }
    assert.deepEqual(panel.state(), before);
    await panel.receive({ type: 'selectPlatform', digest: now.platforms['linux/arm64/v8'] });
    assert.equal(panel.state().platform, now.platforms['linux/arm64/v8']);
  });
});
