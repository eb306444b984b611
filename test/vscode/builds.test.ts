// What each Compose service or Bake target builds, as the editor shows it: stages its target does not need,
// stage names made of platform variables, another service's output, references a named context matches
// (never pinned), an unknown target, and each diagnostic once. Each test writes its files under builds/
// and removes them. The rules come from BuildKit's dockerfile2llb and dockerui (see test/unit/builds.test.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BulkResult, PinOutcome } from '../../src/editor/pin/pinner';
import type { TreeNode } from '../../src/editor/tree/nodes';
import { api, createIndexed, deleteIndexed, eventually, row, rows, SLOW, workspaceUri, type Row } from './helpers';


let created: vscode.Uri[] = [];

async function create(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(`builds/${name}`);
  created.push(uri);
  return createIndexed(await api(), uri, text);
}

/** The rows under a path of labels, from a file of builds/ (a file row's description starts with its folder). */
async function rowsAt(file: string, ...labels: string[]): Promise<Row[]> {
  const a = await api();
  const top = (await rows(a)).find((r) => r.label === file && r.description.startsWith('builds'));
  assert.ok(top, `no row for builds/${file}`);
  let parent: TreeNode = top.node;
  for (const label of labels) parent = row(await rows(a, parent), label).node;
  return rows(a, parent);
}

const shown = (list: readonly Row[]) => list.map((r) => [r.label, r.description]);

function problems(uri: vscode.Uri): [number, string, string][] {
  return vscode.languages
    .getDiagnostics(uri)
    .map((d): [number, string, string] => [d.range.start.line, String(d.code), d.message])
    .sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
}

describe('Builds as the editor shows them', () => {
  afterEach(async () => {
    const a = await api();
    for (const document of vscode.workspace.textDocuments) {
      if (!document.isDirty || document.uri.scheme === 'output') continue;
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('imageProvenance.groupByFile');
    await deleteIndexed(a, created);
    created = [];
  });

  after(async () => {
    await vscode.workspace.fs.delete(workspaceUri('builds'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('greys out the stages a service’s target does not build, and leaves their images out of the image groups', async () => {
    const a = await api();
    await create('api.Dockerfile', 'FROM busybox:1.36 AS tools\nFROM alpine:3.20 AS app\n');
    await create('compose.reach.yaml', ['services:', '  api:', '    build:', '      context: .', '      dockerfile: api.Dockerfile', '      target: app', ''].join('\n'));

    const link = await rowsAt('compose.reach.yaml', 'api');
    assert.deepEqual(shown(link), [['builds/api.Dockerfile', 'target app']]);
    const stages = await rowsAt('compose.reach.yaml', 'api', 'builds/api.Dockerfile');
    assert.deepEqual(shown(stages), [
      ['tools', 'stage 0 · not built for target app'],
      ['app', 'stage 1'],
    ]);
    const tools = row(stages, 'tools').item;
    assert.equal(tools.resourceUri?.scheme, 'image-provenance-not-built');
    const [busybox] = await rows(a, row(stages, 'tools').node);
    assert.deepEqual([busybox!.label, busybox!.description], ['busybox:1.36', 'FROM · not built for target app']);
    assert.equal(((busybox!.item.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'disabledForeground');
    assert.equal(busybox!.item.resourceUri?.scheme, 'image-provenance-not-built');
    assert.match(String(busybox!.item.tooltip), /Not built for target app: the target needs this stage through no FROM, COPY --from or RUN --mount=from, so this build does not pull this image\./);
    // Not expandable: nothing is looked up for an image the build does not pull.
    assert.equal(busybox!.item.collapsibleState, vscode.TreeItemCollapsibleState.None);

    // By image: busybox is used by the Dockerfile on its own only.
    await vscode.commands.executeCommand('imageProvenance.groupByImage');
    const images = await rows(a);
    assert.equal(row(images, 'busybox:1.36').description, '1 use');
    const users = shown(await rows(a, row(images, 'busybox:1.36').node));
    assert.deepEqual(users.map(([label]) => label), ['builds/api.Dockerfile']);
    // Offline, its lookup fails at some point ("· registry unreachable"): when does not matter here.
    assert.match(users[0]![1]!, /^tools · FROM( · registry unreachable)? · unpinned$/);
  });

  it('reports an unknown target once, in BuildKit’s words, and builds Dockerfile for an empty dockerfile:', async () => {
    await create('Dockerfile', 'FROM redis:7.4\n');
    const compose = await create('compose.target.yaml', ['services:', '  api:', '    build:', '      context: .', '      target: nope', '  cache:', '    build:', '      context: .', '      dockerfile: ${NO_SUCH_DOCKERFILE}', ''].join('\n'));
    await eventually(() => problems(compose).length > 0, 'the target diagnostic', SLOW);
    const path = workspaceUri('builds/Dockerfile').toString();
    assert.deepEqual(problems(compose), [[2, 'target-not-found', `target stage "nope" could not be found in ${path}: the build fails before it pulls anything.`]]);
    // compose-go leaves the empty value empty; docker compose and Bake then build Dockerfile.
    assert.deepEqual(shown(await rowsAt('compose.target.yaml', 'cache')), [['builds/Dockerfile', '']]);
  });

  it('shows another service’s output and platform-chosen stages for what they are: not images to pull', async () => {
    const a = await api();
    await create('base.Dockerfile', 'FROM scratch AS bin-linux\nFROM scratch AS bin-windows\nFROM bin-$TARGETOS\n');
    await create('app.Dockerfile', 'ARG BASE=alpine:3.20\nFROM ${BASE}\n');
    await create(
      'compose.local.yaml',
      ['services:', '  base:', '    image: acme/base:dev', '    build:', '      context: .', '      dockerfile: base.Dockerfile', '  app:', '    build:', '      context: .', '      dockerfile: app.Dockerfile', '      args:', '        BASE: acme/base:dev', ''].join('\n'),
    );
    const app = await rowsAt('compose.local.yaml', 'app', 'builds/app.Dockerfile', 'stage 0');
    assert.deepEqual(shown(app), [['acme/base:dev', 'FROM · built by base']]);
    assert.match(String(app[0]!.item.tooltip), /The output of base, built in this project: this build uses it, not an image from a registry\./);
    assert.match(String(app[0]!.item.contextValue), /\bnotPinnable\b/);

    const base = await rowsAt('compose.local.yaml', 'base', 'builds/base.Dockerfile', 'stage 2');
    assert.deepEqual(shown(base), [['bin-$TARGETOS', 'FROM · build stage per platform']]);
    assert.match(String(base[0]!.item.tooltip), /Refers to a build stage of this file chosen by the target platform \(bin-linux, bin-windows\), not to an image\./);

    await vscode.commands.executeCommand('imageProvenance.groupByImage');
    const keys = (await rows(a)).map((r) => r.label);
    for (const key of ['acme/base:dev', 'bin-$TARGETOS']) assert.ok(!keys.includes(key), `${key} among ${JSON.stringify(keys)}`);
  });

  it('does not pin a reference a build’s named context matches as written: the lens, the Problems panel, the pin and Pin All say why', async () => {
    const a = await api();
    const dockerfile = await create('ctx.Dockerfile', 'FROM alpine:3.20 AS base\nFROM nginx:1.27\nCOPY --from=base / /\n');
    await create('compose.ctx.yaml', ['services:', '  web:', '    build:', '      context: .', '      dockerfile: ctx.Dockerfile', '      additional_contexts:', '        "alpine:3.20": docker-image://alpine:3.21', ''].join('\n'));
    await eventually(() => a.index.get(dockerfile.toString())?.uses[0]?.pin.pinnable === false, 'the override to be known', SLOW);
    await vscode.window.showTextDocument(dockerfile);

    const why = 'Not pinned here: web (builds/compose.ctx.yaml) replaces this reference with its named context "alpine:3.20", which BuildKit matches against the reference as written. With a digest it would no longer match.';
    let lenses: vscode.CodeLens[] = [];
    await eventually(async () => {
      lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile)) ?? [];
      return lenses.length === 2;
    }, 'the lenses', SLOW);
    // The lens's hover says why (describeReason, as the pin below); the API hands over titles only.
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]).sort(), [
      [0, '$(circle-slash) not pinnable here'],
      [1, '$(pin) Pin digest'],
    ]);

    await eventually(() => problems(dockerfile).some(([line]) => line === 0), 'the unpinned hint', SLOW);
    assert.deepEqual(problems(dockerfile).find(([line]) => line === 0), [
      0,
      'unpinned',
      'alpine:3.20 is not pinned to a digest, and is not pinned here on purpose: web (compose.ctx.yaml) replaces it with its named context "alpine:3.20", which BuildKit matches against the reference as written. A digest would end that override.',
    ]);

    const outcome = await vscode.commands.executeCommand<PinOutcome>('imageProvenance.pin', { path: dockerfile.toString(), use: 0 });
    assert.deepEqual(outcome, { done: false, message: why });

    const result = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile', { path: dockerfile.toString() });
    assert.deepEqual(result.changed.map((c) => c.image), ['nginx:1.27']);
    assert.deepEqual(result.skipped.map((s) => [s.image, s.reason]), [['alpine:3.20', why]]);
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /^FROM alpine:3\.20 AS base\nFROM nginx:1\.27@sha256:[0-9a-f]{64}\n/);
  });

  it('publishes a matrix target’s missing Dockerfile once, not once per combination', async () => {
    const bake = await create('docker-bake.hcl', ['target "v" {', '  matrix = { f = ["a", "b", "c"] }', '  name = "v-${f}"', '  dockerfile = "missing.Dockerfile"', '}', ''].join('\n'));
    await eventually(() => problems(bake).length > 0, 'the diagnostic', SLOW);
    assert.deepEqual(problems(bake), [[0, 'dockerfile-not-found', `The Dockerfile "${workspaceUri('builds/missing.Dockerfile').toString()}" does not exist.`]]);
  });
});
