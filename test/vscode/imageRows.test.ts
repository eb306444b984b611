// What an image's row, its commands and the Problems panel tell a user at a glance, in the real extension
// host against the registry the runner seeds (expected digests are the ones computed while seeding): a stale
// pin looks stale, a failed lookup says why on the row and offers what helps, the image commands act on
// the image under the cursor, Pin All says why it skipped, and the tree redraws only what changed.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { BulkResult } from '../../src/editor/pin/pinner';
import type { TreeNode } from '../../src/editor/tree/nodes';
import type { ImageProvenanceApi } from '../../src/extension';
import { api, createIndexed, deleteIndexed, EXTENSION_ID, eventually, menuCommands, REFUSED, ref, row, rows, seeded, short, SLOW, workspaceUri, type Row } from './helpers';



/** Looks the images up (as an editor showing them does) and waits for every answer. */
async function lookedUp(a: ImageProvenanceApi, ...images: string[]): Promise<void> {
  const refs = images.map(ref);
  a.resolver.request(refs);
  await eventually(() => refs.every((r) => ['resolved', 'failed'].includes(a.resolver.get(r)?.state ?? '')), `${images.join(', ')} to be looked up`, SLOW);
}

/** The use rows of a file's stage, as the tree shows them. */
async function useRows(a: ImageProvenanceApi, uri: vscode.Uri, stage: string): Promise<Row[]> {
  const file = (await rows(a)).find((r) => r.item.resourceUri?.toString() === uri.toString());
  assert.ok(file, `${uri.toString()} is not in the tree`);
  return rows(a, row(await rows(a, file.node), stage).node);
}

function icon(item: vscode.TreeItem): [string, string | undefined] {
  assert.ok(item.iconPath instanceof vscode.ThemeIcon, 'the row has no theme icon');
  return [item.iconPath.id, item.iconPath.color?.id];
}

const extensionPath = () => vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;

describe('Image rows, commands and messages', () => {
  /** A registry that wants a sign-in: 401 with a Basic challenge under /v2/private/, 403 under /v2/denied/. */
  let wall: Server;
  let wallHost: string;
  let hostsBefore: unknown;
  let created: vscode.Uri[] = [];
  const create = async (name: string, text: string) => {
    const uri = workspaceUri(`rows/${name}`);
    created.push(uri);
    return createIndexed(await api(), uri, text);
  };

  before(async () => {
    wall = createServer((request, response) => {
      if (request.url === '/v2/' || request.url === '/v2') response.writeHead(200, { 'Content-Type': 'application/json' });
      else if (request.url?.startsWith('/v2/denied/')) response.writeHead(403, { 'Content-Type': 'application/json' });
      else response.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="wall"' });
      response.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    });
    await new Promise<void>((resolve) => wall.listen(0, '127.0.0.1', resolve));
    wallHost = `127.0.0.1:${(wall.address() as AddressInfo).port}`;
    const config = vscode.workspace.getConfiguration('imageProvenance.registry');
    hostsBefore = config.inspect('hosts')?.workspaceValue;
    await config.update('hosts', { ...(hostsBefore as object), [wallHost]: { http: true }, [REFUSED]: { http: true } }, vscode.ConfigurationTarget.Workspace);
  });

  afterEach(async () => {
    // Unsaved edits are thrown away, so that closing editors asks nothing and disk is the truth again.
    for (const document of vscode.workspace.textDocuments) {
      if (!document.isDirty || document.uri.scheme === 'output') continue;
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await deleteIndexed(await api(), created);
    created = [];
  });

  after(async () => {
    await vscode.workspace.getConfiguration('imageProvenance.registry').update('hosts', hostsBefore, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(workspaceUri('rows'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await new Promise((resolve) => wall.close(resolve));
  });

  it('marks a stale pin on its row: its own icon, "stale pin" and a short digest up front, the full digests in the tooltip', async () => {
    const a = await api();
    const { images, outdated } = seeded();
    const [old, now] = [outdated['node:22-slim']!.digest, images['node:22-slim']!.digest];
    const uri = await create('stale.Dockerfile', `FROM node:22-slim@${old} AS old\nFROM node:22-slim@${now} AS current\n`);
    await lookedUp(a, `node:22-slim@${old}`, `node:22-slim@${now}`);

    const [stale] = await useRows(a, uri, 'old');
    // The label stops before the digest, which would push the rest out of sight.
    assert.equal(stale!.label, 'node:22-slim');
    assert.equal(stale!.description, `FROM · stale pin ${short(old)}`);
    assert.deepEqual(icon(stale!.item), ['warning', 'problemsWarningIcon.foreground']);
    const tooltip = String(stale!.item.tooltip);
    assert.ok(tooltip.includes(`Pinned to ${old}`) && tooltip.includes(`The tag points to ${now}`), tooltip);
    assert.match(String(stale!.item.contextValue), /\bstale\b/);
    // Its inline action updates the pin.
    assert.ok(menuCommands(extensionPath(), String(stale!.item.contextValue)).includes('imageProvenance.pin'));

    // A current pin keeps the green lock.
    const [current] = await useRows(a, uri, 'current');
    assert.equal(current!.label, 'node:22-slim');
    assert.equal(current!.description, `FROM · pinned ${short(now)}`);
    assert.deepEqual(icon(current!.item), ['lock', 'charts.green']);
  });

  it('says on the row of an image whose registry refuses the connection why, unexpanded, and offers retry and the network settings, not a sign-in', async () => {
    const a = await api();
    const uri = await create('offline.Dockerfile', `FROM ${REFUSED}/team/app:1\n`);
    await lookedUp(a, `${REFUSED}/team/app:1`);
    const [image] = await useRows(a, uri, 'stage 0');
    assert.equal(image!.label, `${REFUSED}/team/app:1`);
    assert.equal(image!.description, 'FROM · registry unreachable · unpinned');
    assert.deepEqual(icon(image!.item), ['debug-disconnect', 'problemsWarningIcon.foreground']);
    // The transport's words for ECONNREFUSED (src/registry/transport.ts), and what to do.
    const tooltip = String(image!.item.tooltip);
    assert.match(tooltip, /The registry could not be asked: .*127\.0\.0\.1:1 refused the connection/);
    assert.match(tooltip, /Retry from this row, or check the proxy \(http\.proxy\) and registry settings from its menu\./);
    assert.deepEqual(menuCommands(extensionPath(), String(image!.item.contextValue)), [
      'imageProvenance.openNetworkSettings',
      'imageProvenance.pin',
      'imageProvenance.pinToPlatform',
      'imageProvenance.retry',
      'imageProvenance.reveal',
      'imageProvenance.showLog',
    ]);
    // Expanded, the same: clicking the failure tries again.
    const [failure, ...more] = await rows(a, image!.node);
    assert.equal(more.length, 0);
    assert.equal(failure!.label, 'registry unreachable');
    assert.equal(failure!.item.command?.command, 'imageProvenance.retry');
    assert.deepEqual(menuCommands(extensionPath(), String(failure!.item.contextValue)), ['imageProvenance.openNetworkSettings', 'imageProvenance.retry', 'imageProvenance.showLog']);
  });

  it('offers a sign-in only where the registry asks for one (401) or refuses access (403)', async () => {
    // distribution/distribution docs/spec/api.md, error codes: UNAUTHORIZED (401, "authentication required")
    // and DENIED (403, "requested access to the resource is denied"); docker login is what answers both.
    const a = await api();
    const uri = await create('private.Dockerfile', `FROM ${wallHost}/private/app:1 AS private\nFROM ${wallHost}/denied/app:1 AS denied\n`);
    await lookedUp(a, `${wallHost}/private/app:1`, `${wallHost}/denied/app:1`);
    const [unauthorized] = await useRows(a, uri, 'private');
    assert.equal(unauthorized!.description, 'FROM · sign-in required · unpinned');
    assert.deepEqual(icon(unauthorized!.item), ['key', 'problemsWarningIcon.foreground']);
    assert.match(String(unauthorized!.item.tooltip), new RegExp(`needs credentials \\(401 Unauthorized\\)[\\s\\S]*Add credentials for ${wallHost.replace(/\./g, '\\.')} from this row's menu`));
    const offered = menuCommands(extensionPath(), String(unauthorized!.item.contextValue));
    assert.ok(offered.includes('imageProvenance.addRegistryCredentials') && !offered.includes('imageProvenance.openNetworkSettings'), JSON.stringify(offered));
    // The failure row's click asks for the credentials, the registry filled in from the row it selected (the UI test
    // reads the input box): without arguments, VS Code sends the command itself, with no handle to die in a redraw.
    const [failure] = await rows(a, unauthorized!.node);
    assert.deepEqual([failure!.label, failure!.item.command?.command, failure!.item.command?.arguments], ['sign-in required', 'imageProvenance.addRegistryCredentials', undefined]);

    const [denied] = await useRows(a, uri, 'denied');
    assert.equal(denied!.description, 'FROM · access denied · unpinned');
    assert.ok(menuCommands(extensionPath(), String(denied!.item.contextValue)).includes('imageProvenance.addRegistryCredentials'));
  });

  it('copies the digest, the pinned reference and shows the manifest of the image under the cursor', async () => {
    const a = await api();
    const { images, outdated } = seeded();
    const old = outdated['node:22-slim']!.digest;
    const uri = await create('cursor.Dockerfile', `FROM alpine:3.20 AS a\nFROM node:22-slim@${old} AS b\n`);
    const editor = await vscode.window.showTextDocument(uri);

    // On a stale pin: Copy Digest gives what is pinned; Copy Pinned Reference what the tag points to now.
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    assert.equal(await vscode.commands.executeCommand('imageProvenance.copyDigest'), old);
    assert.equal(await vscode.env.clipboard.readText(), old);
    await vscode.commands.executeCommand('imageProvenance.copyPinnedReference');
    assert.equal(await vscode.env.clipboard.readText(), `node:22-slim@${images['node:22-slim']!.digest}`);

    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('imageProvenance.copyDigest');
    assert.equal(await vscode.env.clipboard.readText(), images['alpine:3.20']!.digest);
    await vscode.commands.executeCommand('imageProvenance.showManifest');
    const manifest = vscode.window.activeTextEditor!;
    assert.equal(manifest.document.uri.scheme, 'image-provenance-manifest');
    // alpine:3.20 is seeded as one Docker v2 image manifest (test/registry/harness/seed.ts, seedSingle).
    assert.equal((JSON.parse(manifest.document.getText()) as { mediaType: string }).mediaType, 'application/vnd.docker.distribution.manifest.v2+json');

    // From a row of the Images view too.
    const [alpine] = await useRows(a, uri, 'a');
    await vscode.commands.executeCommand('imageProvenance.copyPinnedReference', alpine!.node);
    assert.equal(await vscode.env.clipboard.readText(), `alpine:3.20@${images['alpine:3.20']!.digest}`);
    assert.ok(menuCommands(extensionPath(), String(alpine!.item.contextValue)).includes('imageProvenance.copyPinnedReference'));
  });

  it('says in the Pin All summary why images were skipped, in the singular for one', async () => {
    const { images } = seeded();
    const uri = await create('summary.Dockerfile', `FROM alpine:3.20 AS a\nFROM ${REFUSED}/team/app:1 AS b\n`);
    const result = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile', { path: uri.toString() });
    assert.equal(result.summary, `Pinned 1 image in 1 file. 1 skipped: registry unreachable (${REFUSED}).`);
    assert.deepEqual(result.skipped.map((s) => [s.image, s.cause]), [[`${REFUSED}/team/app:1`, `registry unreachable (${REFUSED})`]]);
    assert.ok((await vscode.workspace.openTextDocument(uri)).getText().startsWith(`FROM alpine:3.20@${images['alpine:3.20']!.digest} AS a\n`));
  });

  it('logs each lookup and each failure to the output channel, which Show Log opens', async () => {
    const a = await api();
    const nginx = seeded().images['nginx:1.27']!;
    await lookedUp(a, 'nginx:1.27', `${REFUSED}/team/log:1`);
    await vscode.commands.executeCommand('imageProvenance.showLog');
    const log = () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.getText().includes(`${REFUSED}/team/log:1`))?.getText() ?? '';
    await eventually(() => log() !== '', 'the failure in the log', SLOW);
    // Digests, hosts and the registry's own words; never a credential (there are none here to leak, but the
    // lines hold nothing a request carried).
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    assert.match(log(), new RegExp(`nginx:1\\.27: ${nginx.digest} \\(index: ${escape(Object.keys(nginx.platforms).join(', '))}\\) from 127\\.0\\.0\\.1:\\d+`));
    assert.match(log(), new RegExp(`${escape(REFUSED)}/team/log:1: network from ${escape(REFUSED)}: .*refused the connection`));
  });

  it('redraws only the rows whose content changed: not a file typed in without changing its images, not the whole tree', async () => {
    const a = await api();
    const quiet = await create('quiet.Dockerfile', 'FROM alpine:3.20\n');
    const busy = await create('busy.Dockerfile', 'FROM nginx:1.27\n');
    let top: Row[] = [];
    const fileNode = (uri: vscode.Uri): TreeNode => top.find((r) => r.item.resourceUri?.toString() === uri.toString())!.node;
    // As VS Code does when it draws the view: the files, then what is under them; again if the whole tree was
    // redrawn meanwhile (what an earlier test changed can still be settling: the rows VS Code holds are new then).
    for (let whole = true; whole; ) {
      whole = false;
      const settling = a.imagesTree.onDidChangeTreeData((nodes) => (whole ||= nodes === undefined));
      try {
        top = await rows(a);
        for (const uri of [quiet, busy]) for (const stage of await rows(a, fileNode(uri))) await rows(a, stage.node);
        await a.resolver.whenIdle();
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        settling.dispose();
      }
    }

    const redrawn: (TreeNode[] | undefined)[] = [];
    const listening = a.imagesTree.onDidChangeTreeData((nodes) => redrawn.push(nodes ?? undefined));
    try {
      // One burst: a comment in one file, another image (one already looked up) in the other.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(quiet, new vscode.Position(1, 0), '# a comment\n');
      edit.replace(busy, new vscode.Range(0, 5, 0, 15), 'alpine:3.20');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await a.whenIndexed();
      // The very node VS Code was given for busy.Dockerfile (it matches them by identity); nothing of quiet's.
      await eventually(() => redrawn.some((nodes) => nodes?.includes(fileNode(busy))), 'busy.Dockerfile to be redrawn', SLOW);
      assert.ok(redrawn.every((nodes) => nodes !== undefined && !nodes.some((n) => 'path' in n && n.path === quiet.toString())), JSON.stringify(redrawn));

      // A lookup that finishes redraws the rows of its image only.
      const image = `${REFUSED}/team/redraw:1`;
      // The rows as VS Code holds them now (a settings change a test before this one made can still redraw all).
      top = await rows(a);
      for (const stage of await rows(a, fileNode(busy))) await rows(a, stage.node);
      redrawn.length = 0;
      const rename = new vscode.WorkspaceEdit();
      rename.replace(busy, new vscode.Range(0, 5, 0, 16), image);
      assert.ok(await vscode.workspace.applyEdit(rename));
      await a.whenIndexed();
      await eventually(() => redrawn.some((nodes) => nodes?.includes(fileNode(busy))), 'busy.Dockerfile to be redrawn again', SLOW);
      const [stage] = await rows(a, fileNode(busy));
      const [use] = await rows(a, stage!.node);
      assert.equal(use!.label, image);
      redrawn.length = 0;
      // Looked up again whatever the view did meanwhile: its answer comes after the row was handed out.
      a.resolver.retry();
      await lookedUp(a, image);
      await eventually(() => redrawn.some((nodes) => nodes?.includes(use!.node)), 'the use row to be redrawn', SLOW);
      assert.ok(redrawn.every((nodes) => nodes !== undefined && nodes.every((n) => n.type === 'use')), JSON.stringify(redrawn));
    } finally {
      listening.dispose();
    }
  });

  it('redraws nothing when a re-scan finds every file as it was', async () => {
    const a = await api();
    const sentinel = await create('sentinel.Dockerfile', 'FROM alpine:3.20\n');
    const top = await rows(a);
    const sentinelNode = top.find((r) => r.item.resourceUri?.toString() === sentinel.toString())!.node;
    await rows(a, sentinelNode);
    const redrawn: (TreeNode[] | undefined)[] = [];
    const listening = a.imagesTree.onDidChangeTreeData((nodes) => redrawn.push(nodes ?? undefined));
    const config = vscode.workspace.getConfiguration('imageProvenance');
    const globs = config.get<string[]>('dockerfileGlobs', []);
    try {
      // A glob that matches nothing: the workspace is scanned again, and every file read again as it was.
      const before = a.index.get(sentinel.toString());
      await config.update('dockerfileGlobs', [...globs, 'nothing/*.none'], vscode.ConfigurationTarget.Workspace);
      await eventually(() => a.index.get(sentinel.toString()) !== before, 'the re-scan to read the sentinel again', SLOW);
      await a.whenIndexed();
      // Then one change that does show: every redraw up to it names rows, and none is of the whole tree.
      const edit = new vscode.WorkspaceEdit();
      edit.replace(sentinel, new vscode.Range(0, 5, 0, 16), 'nginx:1.27');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await a.whenIndexed();
      await eventually(() => redrawn.some((nodes) => nodes?.includes(sentinelNode)), 'the sentinel to be redrawn', SLOW);
      assert.ok(!redrawn.includes(undefined), `the whole tree was redrawn: ${JSON.stringify(redrawn)}`);
    } finally {
      listening.dispose();
      await config.update('dockerfileGlobs', globs, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('shows an invalid reference on the line being typed as a hint, and as an error once the cursor moves on', async () => {
    const a = await api();
    const uri = await create('typing.Dockerfile', 'FROM alpine:3.20\n\nRUN true\n');
    const editor = await vscode.window.showTextDocument(uri);
    const severities: vscode.DiagnosticSeverity[] = [];
    const invalid = () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'invalid-reference');
    const listening = vscode.languages.onDidChangeDiagnostics(() => {
      const found = invalid();
      if (found && severities.at(-1) !== found.severity) severities.push(found.severity);
    });
    try {
      // Half-typed: "FROM node:" has an empty tag, which distribution/reference's grammar refuses
      // (reference/regexp.go: a tag is [\w][\w.-]{0,127}), and BuildKit with it.
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'FROM node:'));
      await a.whenIndexed();
      await eventually(() => severities.length > 0, 'the invalid-reference diagnostic', SLOW);
      assert.equal(severities[0], vscode.DiagnosticSeverity.Hint);
      // Leaving the line says it is done: the error shows as one.
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await eventually(() => invalid()?.severity === vscode.DiagnosticSeverity.Error, 'the error once the cursor left the line', SLOW);
    } finally {
      listening.dispose();
    }
  });
});
