// The Images view against a real registry: the runner starts docker-registry as the fixture workspace's
// Docker Hub mirror and seeds some of its images (test/host/testRegistry.ts); the expected digests are the
// ones computed while seeding, not read back from the extension.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageProvenanceApi } from '../../src/extension';
import { parseImageReference } from '../../src/reference/imageReference';
import { api, eventually, ref, row, rows, seeded, short, type Row } from './helpers';

const FAKE_PIN = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** The row of `label` under stage `stage` of app/Dockerfile, once every image has been resolved. */
async function useRow(a: ImageProvenanceApi, stage: string, label: string): Promise<Row> {
  await a.resolver.whenIdle();
  const level = await rows(a, row(await rows(a), 'Dockerfile').node);
  return row(await rows(a, row(level, stage).node), label);
}

describe('Registry in the Images view', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('asks no registry until the Images view is shown', async () => {
    const a = await api();
    const parsed = parseImageReference('node:22-slim');
    assert.ok(parsed.ok);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(a.resolver.get(parsed.ref), undefined);
    await vscode.commands.executeCommand('imageProvenance.images.focus');
    await eventually(() => a.resolver.get(parsed.ref) !== undefined, 'resolution to start once the view shows');
    await a.resolver.whenIdle();
    assert.equal(a.resolver.get(parsed.ref)?.state, 'resolved');
  });

  it('draws the view\'s rows before it asks a registry, once shown', async () => {
    const a = await api();
    await a.resolver.whenIdle();
    // The top level handed out, then everything forgotten with the view hidden: VS Code asks for the rows again when
    // it shows, and no image has a result.
    await rows(a);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await eventually(() => !a.imagesView.visible, 'the view to hide');
    a.resolver.reset();
    const happened: ('rows' | 'lookups')[] = [];
    const lookups = a.resolver.onDidChange((images) => images?.length && happened.push('lookups'));
    // Observed, not replaced: VS Code calls the provider's own getChildren.
    const getChildren = a.imagesTree.getChildren;
    a.imagesTree.getChildren = async (node) => {
      const children = await getChildren.call(a.imagesTree, node);
      if (!node) happened.push('rows');
      return children;
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(happened.join(', '), '', 'nothing asked while the view is hidden');
      await vscode.commands.executeCommand('imageProvenance.images.focus');
      await eventually(() => happened.includes('lookups'), 'lookups to start once the view shows');
      assert.equal(happened[0], 'rows', `the rows first: ${happened.join(', ')}`);
      await a.resolver.whenIdle();
      assert.equal(a.resolver.get(ref('node:22-slim'))?.state, 'resolved');
    } finally {
      delete (a.imagesTree as { getChildren?: unknown }).getChildren;
      lookups.dispose();
      // Shown, as the tests after this one expect it.
      await vscode.commands.executeCommand('imageProvenance.images.focus');
    }
  });

  it('shows what a multi-platform tag points to, with its platforms and no attestation entries', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const node = await useRow(a, 'build', 'node:22-slim');
    assert.match(String(node.item.tooltip), new RegExp(`The tag points to ${image.digest}`));
    assert.match(String(node.item.contextValue), /\bresolved\b/);
    assert.equal(node.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    // The seeded index also lists two attestation manifests (unknown/unknown): never shown as platforms.
    assert.deepEqual(
      (await rows(a, node.node)).map((r) => [r.label, r.description]),
      [
        ['linux/amd64', short(image.platforms['linux/amd64']!)],
        ['linux/arm64/v8', short(image.platforms['linux/arm64/v8']!)],
      ],
    );
  });

  it('reads a single-platform image’s platform from its config, and a Docker manifest list’s platforms', async () => {
    const a = await api();
    const { images } = seeded();
    const alpine = await useRow(a, 'build', 'alpine:3.20');
    assert.deepEqual(
      (await rows(a, alpine.node)).map((r) => [r.label, r.description]),
      [['linux/arm64/v8', short(images['alpine:3.20']!.digest)]],
    );
    const nginx = await useRow(a, 'stage 3', 'nginx:1.27');
    const list = images['nginx:1.27']!;
    assert.deepEqual(
      (await rows(a, nginx.node)).map((r) => [r.label, r.description]),
      Object.entries(list.platforms).map(([platform, digest]) => [platform, short(digest)]),
    );
  });

  it('turns what the registry could not give into a row that says why and offers a retry', async () => {
    const a = await api();
    // Pinned to a digest no registry has: the mirror says 404, Docker Hub is out of reach here.
    const tools = await useRow(a, 'tools', 'golang:1.23');
    assert.match(String(tools.item.tooltip), new RegExp(`Pinned to ${FAKE_PIN}`));
    const [problem, ...rest] = await rows(a, tools.node);
    assert.ok(problem);
    assert.equal(rest.length, 0);
    assert.match(String(problem.item.contextValue), /^registryProblem problem-\w+ \w+$/);
    // The pinned content is what fails (its tag failing alone would still show the pin's platforms);
    // the mirror's 404 is part of the story.
    assert.match(String(problem.item.tooltip), /^golang:1\.23@sha256:0123456789ab.*\(mirrors tried first: 127\.0\.0\.1:\d+ notFound\)/);
    assert.equal(problem.item.command?.command, 'imageProvenance.retry');
  });

  it('opens the verified manifest as read-only JSON, and copies the digest', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const node = await useRow(a, 'build', 'node:22-slim');

    await vscode.commands.executeCommand('imageProvenance.showManifest', node.node);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.scheme, 'image-provenance-manifest');
    assert.equal(editor.document.languageId, 'json');
    const manifest = JSON.parse(editor.document.getText()) as { mediaType: string; manifests: { platform?: { architecture: string } }[] };
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      manifest.manifests.map((m) => m.platform?.architecture),
      ['amd64', 'arm64', 'unknown', 'unknown'],
    );

    await vscode.commands.executeCommand('imageProvenance.copyDigest', node.node);
    assert.equal(await vscode.env.clipboard.readText(), image.digest);
    const [amd64] = await rows(a, node.node);
    await vscode.commands.executeCommand('imageProvenance.copyDigest', amd64!.node);
    assert.equal(await vscode.env.clipboard.readText(), image.platforms['linux/amd64']);
  });

  it('resolves everything again after Clear Registry Cache', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    await a.resolver.whenIdle();
    await vscode.commands.executeCommand('imageProvenance.clearCache');
    const node = await useRow(a, 'build', 'node:22-slim');
    assert.match(String(node.item.tooltip), new RegExp(`The tag points to ${image.digest}`));
    assert.equal((await rows(a, node.node)).length, 2);
  });
});
