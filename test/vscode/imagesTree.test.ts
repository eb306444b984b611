// The Images tree over test/fixtures/workspace. Expected rows were worked out by hand from the fixture's
// text: columns are zero-based UTF-16 offsets, counted on the lines quoted in the comments.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, row, rows, workspaceUri } from './helpers';

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
    assert.deepEqual(await uses('tools'), [[`golang:1.23@${DIGEST}`, 'FROM · pinned 0123456789ab']]);
    assert.deepEqual(await uses('py'), [['python:${VARIANT}', 'FROM · $VARIANT has no value']]);
    assert.deepEqual(await uses('stage 3'), [
      ['scratch', 'FROM · empty image'],
      ['build', 'COPY --from · build stage'],
      ['nginx:1.27', 'COPY --from · unpinned'],
    ]);
  });

  it('explains each state in the tooltip and marks rows for later actions', async () => {
    const a = await api();
    const level = await rows(a, row(await rows(a), 'Dockerfile').node);
    const build = await rows(a, row(level, 'build').node);
    const node = row(build, 'node:22-slim').item;
    assert.equal(
      node.tooltip,
      ['FROM ${BASE}', 'Resolves to: node:22-slim', 'Stage: build', 'Platform: $BUILDPLATFORM', 'Not pinned: the tag can move to different content.', 'A pin goes into the default of ARG BASE.'].join('\n'),
    );
    assert.equal(node.contextValue, 'imageUse kind-from unpinned pinnable');
    const py = row(await rows(a, row(level, 'py').node), 'python:${VARIANT}').item;
    assert.match(String(py.tooltip), /\$VARIANT is declared without a default and no build argument sets it\./);
    assert.equal(py.contextValue, 'imageUse kind-from unresolved notPinnable');
    const tools = row(await rows(a, row(level, 'tools').node), `golang:1.23@${DIGEST}`).item;
    assert.match(String(tools.tooltip), new RegExp(`Pinned to ${DIGEST}`));
    assert.equal(tools.contextValue, 'imageUse kind-from pinned pinnable');
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
      const use = row(await rows(a, row(level, stage).node), label);
      const command = use.item.command!;
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
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
    assert.deepEqual(images.map((r) => [r.label, r.description]), [
      ['alpine:3.20', '2 uses'],
      ['debian:12', '1 use'],
      ['docker/dockerfile:1.10', '1 use'],
      ['golang:1.23', '1 use'],
      ['nginx:1.27', '1 use'],
      ['node:22-slim', '1 use'],
      ['python:${VARIANT}', '1 use'],
    ]);
    const alpine = await rows(a, row(images, 'alpine:3.20').node);
    assert.deepEqual(alpine.map((r) => [r.label, r.description]), [
      ['app/Dockerfile', 'build · RUN --mount · unpinned'],
      ['worker/worker.Dockerfile', 'stage 0 · FROM · unpinned'],
    ]);
    // Clicking a use under an image lands on the same text as under its file.
    const command = alpine[1]!.item.command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.getText(editor.selection), 'alpine:3.20');
    assert.equal(editor.selection.start.line, 0);
    // The parent chain (used by TreeView.reveal) leads back to the image.
    assert.deepEqual(a.imagesTree.getParent(alpine[1]!.node), { type: 'image', key: 'alpine:3.20' });
  });
});
