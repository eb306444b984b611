// The Images tree over test/fixtures/workspace. Expected rows were worked out by hand from the fixture's
// text: columns are zero-based UTF-16 offsets, counted on the lines quoted in the comments.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nodeId, type TreeNode } from '../../src/editor/tree/nodes';
import { FLAT_FILES_UP_TO } from '../../src/editor/tree/imagesTreeProvider';
import { api, click, createIndexed, deleteIndexed, eventually, row, rows, workspaceUri } from './helpers';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('Images tree', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('imageProvenance.groupByFile');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists each build file, honoring files.exclude, the extra globs and .dockerignore files', async () => {
    const a = await api();
    const top = await rows(a);
    // ignored/Dockerfile is hidden by files.exclude; build/base.containerfile comes from imageProvenance.dockerfileGlobs.
    assert.deepEqual(top.map((r) => [r.label, r.description]), [
      ['Dockerfile', 'app'],
      ['base.containerfile', 'build'],
      ['compose.yaml', ''],
      ['docker-bake.hcl', ''],
      ['worker.Dockerfile', 'worker'],
    ]);
  });

  it('shows a Dockerfile as its # syntax image, then its stages with their images and states', async () => {
    const a = await api();
    const app = row(await rows(a), 'Dockerfile');
    const level = await rows(a, app.node);
    assert.deepEqual(level.map((r) => [r.label, r.description]), [
      ['docker/dockerfile:1.10', '# syntax · unpinned'],
      ['build', 'stage 0'],
      ['tools', 'stage 1'],
      ['py', 'stage 2'],
      ['stage 3', ''],
    ]);
    const uses = async (stage: string) => (await rows(a, row(level, stage).node)).map((r) => [r.label, r.description]);
    // FROM --platform=$BUILDPLATFORM ${BASE} AS build   (BASE=node:22-slim)
    assert.deepEqual(await uses('build'), [
      ['node:22-slim', 'FROM · unpinned'],
      ['alpine:3.20', 'RUN --mount · unpinned'],
    ]);
    // A pinned row shows the digest short, after the state (the tooltip has it whole).
    assert.deepEqual(await uses('tools'), [['golang:1.23', 'FROM · pinned 0123456789ab']]);
    assert.deepEqual(await uses('py'), [['python:${VARIANT}', 'FROM · $VARIANT has no value']]);
    assert.deepEqual(await uses('stage 3'), [
      ['scratch', 'FROM · empty image'],
      ['build', 'COPY --from · build stage'],
      // docker-bake.hcl's target app replaces it by its named context "nginx:1.27": not pinned here
      ['nginx:1.27', 'COPY --from · replaced by a context of app (docker-bake.hcl)'],
    ]);
  });

  it('explains each state in the tooltip and marks rows for later actions', async () => {
    const a = await api();
    const level = await rows(a, row(await rows(a), 'Dockerfile').node);
    const build = await rows(a, row(level, 'build').node);
    const node = row(build, 'node:22-slim').item;
    // What the registry says about the image follows once it has answered (see registry.test.ts).
    assert.ok(
      String(node.tooltip).startsWith(
        ['FROM ${BASE}', 'Resolves to: node:22-slim', 'Stage: build', 'Platform: $BUILDPLATFORM', 'Not pinned: the tag can move to different content.', 'A pin goes into the default of ARG BASE.'].join('\n'),
      ),
      String(node.tooltip),
    );
    assert.match(String(node.contextValue), /^imageUse kind-from unpinned pinnable( resolved)?$/);
    const py = row(await rows(a, row(level, 'py').node), 'python:${VARIANT}').item;
    assert.match(String(py.tooltip), /\$VARIANT is declared without a default and no build argument sets it\./);
    assert.equal(py.contextValue, 'imageUse kind-from unresolved notPinnable');
    const tools = row(await rows(a, row(level, 'tools').node), 'golang:1.23').item;
    assert.match(String(tools.tooltip), new RegExp(`Pinned to ${DIGEST}`));
    // Whatever the registry said meanwhile (its tokens follow), the use's own tokens come first.
    assert.match(String(tools.contextValue), /^imageUse kind-from pinned pinnable\b/);
  });

  it('reveals the exact text of the reference when a use is clicked', async () => {
    const a = await api();
    const level = await rows(a, row(await rows(a), 'Dockerfile').node);
    const cases: [stage: string, label: string, range: [number, number, number, number], text: string][] = [
      // "FROM --platform=$BUILDPLATFORM ${BASE} AS build": ${BASE} at 31..38 of line 3
      ['build', 'node:22-slim', [3, 31, 3, 38], '${BASE}'],
      // "RUN --mount=type=cache,target=/root/.npm,from=alpine:3.20 npm ci": alpine:3.20 at 46..57
      ['build', 'alpine:3.20', [4, 46, 4, 57], 'alpine:3.20'],
      // "COPY --from=nginx:1.27 /etc/nginx /etc/nginx": nginx:1.27 at 12..22
      ['stage 3', 'nginx:1.27', [9, 12, 9, 22], 'nginx:1.27'],
    ];
    for (const [stage, label, [l1, c1, l2, c2], text] of cases) {
      await click(row(await rows(a, row(level, stage).node), label));
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.toString(), workspaceUri('app/Dockerfile').toString());
      assert.deepEqual([editor.selection.start.line, editor.selection.start.character, editor.selection.end.line, editor.selection.end.character], [l1, c1, l2, c2]);
      assert.equal(editor.document.getText(editor.selection), text);
    }
  });

  it('groups by image on request, listing which files use each image', async () => {
    const a = await api();
    await vscode.commands.executeCommand('imageProvenance.groupByImage');
    assert.equal(a.imagesTree.groupBy, 'image');
    const images = await rows(a);
    // Stage references and scratch are not images; a use whose variable has no value is listed as written.
    // app/Dockerfile is listed as it reads on its own and as compose.yaml builds it: the uses written in the
    // Dockerfile are the same places either way, so they count once; BASE from Compose is another image.
    assert.deepEqual(images.map((r) => [r.label, r.description]), [
      ['alpine:3.20', '2 uses'],
      ['debian:12', '1 use'],
      ['docker/dockerfile:1.10', '1 use'],
      ['golang:1.23', '1 use'],
      ['nginx:1.27', '1 use'],
      ['nginx:1.27-alpine', '1 use'],
      ['node:22-alpine', '1 use'],
      ['node:22-bookworm', '1 use'],
      ['node:22-slim', '1 use'],
      ['postgres:16', '1 use'],
      ['python:${VARIANT}', '1 use'],
    ]);
    // Collapsed (issue 15): a large workspace's images have tens of thousands of uses, each an expanded row to draw.
    assert.deepEqual(new Set(images.map((r) => r.item.collapsibleState)), new Set([vscode.TreeItemCollapsibleState.Collapsed]));
    const alpine = await rows(a, row(images, 'alpine:3.20').node);
    assert.deepEqual(alpine.map((r) => [r.label, r.description]), [
      ['app/Dockerfile', 'build · RUN --mount · unpinned'],
      ['worker/worker.Dockerfile', 'stage 0 · FROM · unpinned'],
    ]);
    // Clicking a use under an image lands on the same text as under its file.
    await click(alpine[1]!);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.getText(editor.selection), 'alpine:3.20');
    assert.equal(editor.selection.start.line, 0);
    // The parent chain (used by TreeView.reveal) leads back to the image.
    assert.deepEqual(a.imagesTree.getParent(alpine[1]!.node), { type: 'image', key: 'alpine:3.20' });
  });

  it('shows a Compose service with its image, or the Dockerfile it builds as it builds it', async () => {
    const a = await api();
    const compose = row(await rows(a), 'compose.yaml');
    const services = await rows(a, compose.node);
    assert.deepEqual(services.map((r) => [r.label, r.description]), [
      ['app', 'service'],
      ['db', 'service'],
    ]);
    const app = await rows(a, row(services, 'app').node);
    // image: next to build: names the output; the build links to app/Dockerfile
    assert.deepEqual(app.map((r) => [r.label, r.description]), [
      ['acme/app:dev', 'image · build output'],
      ['app/Dockerfile', ''],
    ]);
    // image: postgres:${PG_VERSION:-16}: the effective value, not pinnable in the file (it is partly a variable)
    assert.deepEqual((await rows(a, row(services, 'db').node)).map((r) => [r.label, r.description]), [['postgres:16', 'image · from $PG_VERSION']]);

    const stages = await rows(a, row(app, 'app/Dockerfile').node);
    assert.deepEqual(stages.map((r) => r.label), ['docker/dockerfile:1.10', 'build', 'tools', 'py', 'stage 3']);
    const build = await rows(a, row(stages, 'build').node);
    // BASE comes from compose.yaml's build.args: the effective image, pinned where Compose writes it
    const node = row(build, 'node:22-alpine');
    assert.equal(node.description, 'FROM · unpinned');
    assert.match(String(node.item.tooltip), /^FROM \$\{BASE\}\nResolves to: node:22-alpine\n/);
    assert.match(String(node.item.tooltip), /A pin goes into compose\.yaml, where the value is written\./);
    // Clicking it lands on the reference in the Dockerfile.
    await click(node);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), workspaceUri('app/Dockerfile').toString());
    assert.equal(editor.document.getText(editor.selection), '${BASE}');
    assert.deepEqual(a.imagesTree.getParent(node.node), { type: 'unit', path: workspaceUri('app/Dockerfile').toString(), unit: 0, via: { owner: workspaceUri('compose.yaml').toString(), build: 0 } });
  });

  it('shows a Bake file as targets and groups, the Dockerfile as each target builds it', async () => {
    const a = await api();
    const bake = row(await rows(a), 'docker-bake.hcl');
    const units = await rows(a, bake.node);
    assert.deepEqual(units.map((r) => [r.label, r.description]), [
      ['app', 'target'],
      ['default', 'group'],
    ]);
    assert.deepEqual((await rows(a, row(units, 'default').node)).map((r) => [r.label, r.description]), [['app', 'target']]);
    const app = await rows(a, row(units, 'app').node);
    // contexts = { "nginx:1.27" = "docker-image://nginx:1.27-alpine" }: an image written in the Bake file
    assert.deepEqual(app.map((r) => [r.label, r.description]), [
      ['nginx:1.27-alpine', 'contexts · unpinned'],
      ['app/Dockerfile', ''],
    ]);
    const stages = await rows(a, row(app, 'app/Dockerfile').node);
    // args BASE = NODE, whose default is "node:22-bookworm"; compose.yaml's BASE for the same service loses to HCL
    const build = row(await rows(a, row(stages, 'build').node), 'node:22-bookworm');
    assert.equal(build.description, 'FROM · unpinned');
    assert.match(String(build.item.tooltip), /A pin goes into docker-bake\.hcl, where the value is written\./);
    // COPY --from=nginx:1.27 is replaced by the named context
    const copy = row(await rows(a, row(stages, 'stage 3').node), 'nginx:1.27-alpine');
    assert.equal(copy.description, 'COPY --from · unpinned');
    assert.match(String(copy.item.tooltip), /Replaced by the named build context "nginx:1\.27"\./);
    // Clicking the context row lands on the image in the Bake file: line 14, "docker-image://" ends at 35
    await click(row(app, 'nginx:1.27-alpine'));
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), workspaceUri('docker-bake.hcl').toString());
    assert.deepEqual([editor.selection.start.line, editor.selection.start.character, editor.selection.end.character], [14, 35, 52]);
  });

  it('lists a large workspace by folder, chains of lone folders in one row, gives reveal each file\'s folders, and redraws its files there', async function () {
    // Its clean-up alone may wait 15 s for the index on a loaded machine: room for a failure to be reported as itself.
    this.timeout(90_000);
    const a = await api();
    const flat = await rows(a);
    const files = [workspaceUri('big/one/two/Dockerfile'), workspaceUri('big/one/two/three/four/Dockerfile')];
    const [outer, inner] = files as [vscode.Uri, vscode.Uri];
    // Above the threshold (the fixture's five files and these two against three): folders at the top level.
    a.imagesTree.flatFilesUpTo = 3;
    const sidebarShown = a.imagesView.visible;
    try {
      for (const uri of [inner, outer]) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM alpine:3.20\n'));
      await eventually(() => files.every((uri) => a.index.text(uri.toString()) === 'FROM alpine:3.20\n'), 'both new Dockerfiles to be indexed', 15_000);
      await vscode.commands.executeCommand('imageProvenance.groupByFile');
      const top = await rows(a);
      // As the Explorer with explorer.compactFolders shows them: folders first, by name, then the files at the root;
      // big and big/one hold nothing but the next folder, so they share two's row.
      assert.deepEqual(top.map((r) => [r.label, r.description, r.item.contextValue]), [
        ['app', '1 build file', 'buildFolder'],
        ['big/one/two', '2 build files', 'buildFolder'],
        ['build', '1 build file', 'buildFolder'],
        ['worker', '1 build file', 'buildFolder'],
        ['compose.yaml', '', 'buildFile'],
        ['docker-bake.hcl', '', 'buildFile'],
      ]);
      // Collapsed, with ids from their path: VS Code keeps what the user expanded across redraws.
      assert.deepEqual(new Set(top.slice(0, 4).map((r) => r.item.collapsibleState)), new Set([vscode.TreeItemCollapsibleState.Collapsed]));
      assert.equal(row(top, 'big/one/two').item.id, `folder:${workspaceUri('big/one/two').toString()}`);
      const two = await rows(a, row(top, 'big/one/two').node);
      // Under its folder a file row says its name only, as in the Explorer (its path is on hover).
      assert.deepEqual(two.map((r) => [r.label, r.description]), [
        ['three/four', '1 build file'],
        ['Dockerfile', ''],
      ]);
      const four = await rows(a, row(two, 'three/four').node);
      assert.deepEqual(four.map((r) => [r.label, r.description, r.item.contextValue]), [['Dockerfile', '', 'buildFile']]);
      const innerRow = four[0]!;
      // A file's rows are as in the flat list.
      assert.deepEqual((await rows(a, (await rows(a, innerRow.node))[0]!.node)).map((r) => [r.label, r.description]), [['alpine:3.20', 'FROM · unpinned']]);

      // VS Code's TreeView.reveal walks getParent up to the top level: the file is found under both folders. (The view's
      // selection after a reveal is asserted in the browser, test/e2e/revealInView.test.ts: in a clean-clone run it did
      // not follow here.)
      assert.deepEqual(a.imagesTree.getParent(innerRow.node), row(two, 'three/four').node);
      assert.deepEqual(a.imagesTree.getParent(row(two, 'three/four').node), row(top, 'big/one/two').node);
      assert.equal(a.imagesTree.getParent(row(top, 'big/one/two').node), undefined);
      const innerId = nodeId(innerRow.node);

      // A changed file's row is redrawn where it is listed, and its folders count its problems.
      const redrawn: (readonly TreeNode[] | undefined)[] = [];
      const listening = a.imagesTree.onDidChangeTreeData((nodes) => redrawn.push(nodes ?? undefined));
      try {
        // Typed in an editor: "FROM alpine:3.20", the tag at 12..16, its variable left unclosed.
        const editor = await vscode.window.showTextDocument(inner);
        await editor.edit((e) => e.replace(new vscode.Range(0, 12, 0, 16), '${V'));
        await a.whenIndexed();
        await eventually(() => redrawn.some((nodes) => nodes?.some((n) => nodeId(n) === innerId)), 'the file row under three/four to be redrawn');
      } finally {
        listening.dispose();
      }
      assert.ok(redrawn.some((nodes) => nodes?.some((n) => nodeId(n) === nodeId(row(top, 'big/one/two').node))), 'big/one/two was not redrawn');
      // Unclosed variable: bad-substitution and invalid-reference.
      assert.deepEqual(a.imagesTree.getTreeItem(innerRow.node).description, '2 problems');
      assert.equal(a.imagesTree.getTreeItem(row(top, 'big/one/two').node).description, '2 build files · 2 problems');
      assert.equal(a.imagesTree.getTreeItem(row(two, 'three/four').node).description, '1 build file · 2 problems');
      // At or below the threshold the list is flat again, as it was.
      a.imagesTree.flatFilesUpTo = 100;
      await vscode.commands.executeCommand('imageProvenance.groupByFile');
      assert.deepEqual(
        (await rows(a)).filter((r) => !r.description.startsWith('big')).map((r) => [r.label, r.description]),
        flat.map((r) => [r.label, r.description]),
      );
      // In the flat list, file rows say their folder again.
      assert.deepEqual((await rows(a)).filter((r) => r.description.startsWith('big')).map((r) => r.description).sort(), ['big/one/two', 'big/one/two/three/four · 2 problems']);
      assert.equal(a.imagesTree.getParent(innerRow.node), undefined);
    } finally {
      a.imagesTree.flatFilesUpTo = FLAT_FILES_UP_TO;
      if (vscode.window.activeTextEditor?.document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(workspaceUri('big'), { recursive: true, useTrash: false });
      await eventually(() => !a.index.has(outer.toString()) && !a.index.has(inner.toString()), 'the files under big/ to leave the index', 15_000);
      if (!sidebarShown) await vscode.commands.executeCommand('workbench.action.closeSidebar');
    }
  });

  it('says a file row\'s path and problems on hover, and a file row kept between groupings follows its problems', async () => {
    const a = await api();
    const uri = await createIndexed(a, workspaceUri('hovered/Dockerfile'), 'FROM alpine:3.20\n');
    const hovered = async () => (await rows(a)).find((r) => r.description.startsWith('hovered'));
    try {
      // Not sent with the row (ten thousand of them in a large workspace): VS Code asks for it on hover.
      const clean = (await hovered())!;
      assert.equal(clean.item.tooltip, undefined);
      assert.equal((await a.imagesTree.resolveTreeItem(clean.item, clean.node)).tooltip, 'hovered/Dockerfile');
      await vscode.commands.executeCommand('imageProvenance.groupByImage');
      await vscode.commands.executeCommand('imageProvenance.groupByFile');
      // The variable is never closed: two problems (bad-substitution, invalid-reference).
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM alpine:${V\n'));
      await eventually(async () => (await hovered())?.description === 'hovered · 2 problems', 'the row to count the problems');
      const broken = (await hovered())!;
      assert.equal((await a.imagesTree.resolveTreeItem(broken.item, broken.node)).tooltip, 'hovered/Dockerfile\nSee the Problems panel for what is wrong in this file.');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM alpine:3.20\n'));
      await eventually(async () => (await hovered())?.description === 'hovered', 'the row to drop the problems');
    } finally {
      await deleteIndexed(a, [uri]);
    }
  });
});
