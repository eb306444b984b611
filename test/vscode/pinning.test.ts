// Pinning from every entry point a user has (CodeLens, quick fix, tree, palette, bulk commands), in the real
// extension host against the real registry the runner seeds (test/host/testRegistry.ts). Expected digests
// are the ones computed while seeding, never read back from the extension. Each test writes its own files
// under pins/ and leaves the workspace as it found it: the other test files read the same fixture.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { ImageProvenanceApi } from '../../src/extension';
import type { BulkResult, PinOutcome } from '../../src/editor/pin/pinner';
import { api, createIndexed, deleteIndexed, EXTENSION_ID, eventually, row, rows, seeded, SLOW, workspaceUri } from './helpers';

/** Registry lookups, debounces and publishing add up: generous, so a slow machine does not fail. */
const PIN_CODES = ['unpinned', 'stale-pin', 'pin-not-found', 'pin-mismatch', 'platform-pin'];

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * Files the current test wrote: afterEach deletes them. All directly in pins/: a file in a folder created
 * together with its parent can be deleted without the file watcher telling (inotify adds one watch per
 * folder, after the fact), and the index would keep it.
 */
let created: vscode.Uri[] = [];

/** Writes a file under pins/ to disk and waits until the index has read it. */
async function create(relative: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri(`pins/${relative}`);
  created.push(uri);
  return createIndexed(await api(), uri, text);
}

/** The built command-line tool of this checkout (dist/cli.js), run in `cwd` with no Docker config of the machine's. */
function runCli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, DOCKER_CONFIG: join(cwd, '.docker-none') };
  return new Promise((done) =>
    execFile(process.execPath, [cli, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })),
  );
}

/** Opens a file in an editor: that is what makes the extension look its images up. */
async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(uri);
}

/** Diagnostics about pins (the model's own, like bad-substitution, share the source). */
function pinProblems(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Image Provenance' && PIN_CODES.includes(String(d.code)));
}

/** [line, code, severity] of each pin diagnostic, as the Problems panel lists them. */
function problemList(uri: vscode.Uri): [number, string, vscode.DiagnosticSeverity][] {
  return pinProblems(uri)
    .map((d): [number, string, vscode.DiagnosticSeverity] => [d.range.start.line, String(d.code), d.severity])
    .sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/** [line, title] of each CodeLens, as the editor shows them. */
async function lensTitles(uri: vscode.Uri): Promise<[number, string][]> {
  return (await lenses(uri)).map((l): [number, string] => [l.range.start.line, l.command?.title ?? '']).sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
}

/** The lens titled `title` on `line`, once the lookups that decide its title have come back. */
async function lensAt(uri: vscode.Uri, line: number, title: string): Promise<vscode.CodeLens> {
  let found: vscode.CodeLens | undefined;
  try {
    await eventually(async () => {
      found = (await lenses(uri)).find((l) => l.range.start.line === line && l.command?.title === title);
      return found !== undefined;
    }, `the lens "${title}" on line ${line}`, SLOW);
  } catch (error) {
    throw new Error(`${String(error)}; the lenses are ${JSON.stringify(await lensTitles(uri))}`);
  }
  return found!;
}

async function run<T>(command: vscode.Command | undefined): Promise<T> {
  assert.ok(command, 'no command');
  return vscode.commands.executeCommand<T>(command.command, ...(command.arguments ?? []));
}

/** A line of a document, as it reads now. */
function line(uri: vscode.Uri, n: number): string {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  assert.ok(document, `${uri.toString()} is not open`);
  return document.lineAt(n).text;
}

function text(uri: vscode.Uri): string {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  assert.ok(document, `${uri.toString()} is not open`);
  return document.getText();
}

/** The index of the use written as `written` (its `nth` occurrence) in a file as read on its own. */
function useIndex(a: ImageProvenanceApi, uri: vscode.Uri, written: string, nth = 0): number {
  const uses = a.index.get(uri.toString())?.uses ?? [];
  const indexes = uses.map((u, i) => (u.text === written ? i : -1)).filter((i) => i >= 0);
  assert.ok(indexes[nth] !== undefined, `no use "${written}" among ${JSON.stringify(uses.map((u) => u.text))}`);
  return indexes[nth];
}

/** Waits until the index has read the document's current text (edits reach it after a debounce). */
async function indexed(a: ImageProvenanceApi, uri: vscode.Uri): Promise<void> {
  await eventually(() => a.index.text(uri.toString()) === text(uri), 'the edit to be indexed', SLOW);
}

/** Unsaved edits are thrown away, so that closing editors asks nothing and disk is the truth again. */
async function revertEverything(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty || document.uri.scheme === 'output') continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** What a bulk run says it changed, as the summary lists it: which image got which digest, where. */
function changes(result: BulkResult): { path: string; image: string; digest: string }[] {
  return result.changed.map(({ path, image, digest }) => ({ path, image, digest })).sort((x, y) => `${x.path} ${x.image}`.localeCompare(`${y.path} ${y.image}`));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a command that shows a quick pick, waits for the registry lookup before it and for the pick to
 * show, then runs `whileOpen` and picks the `next`th item (0: the first). No API tells an extension a
 * quick pick is open: the lookup's result is the signal, the pause the time the window takes to draw it.
 */
async function pickDuring<T>(a: ImageProvenanceApi, command: string, target: unknown, next: number, whileOpen?: () => Promise<void>): Promise<T> {
  // Lookups already under way (the file was just opened) would end before the one the command starts.
  await a.resolver.whenIdle();
  const looked = new Promise<void>((resolve) => {
    const subscription = a.resolver.onDidChange(() => {
      subscription.dispose();
      resolve();
    });
  });
  const result = vscode.commands.executeCommand<T>(command, target);
  await looked;
  await sleep(1000);
  await whileOpen?.();
  for (let i = 0; i < next; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  return result;
}

/**
 * Runs a pin command that first asks where the digest of a reference partly made of ARGs goes (that list
 * comes before any lookup), and picks the first form: the digest after the reference.
 */
async function pickFirstForm<T>(command: vscode.Command | undefined): Promise<T> {
  assert.ok(command, 'no command');
  let settled = false;
  const result = vscode.commands.executeCommand<T>(command.command, ...(command.arguments ?? []));
  const done = () => (settled = true);
  void Promise.resolve(result).then(done, done);
  // No API tells an extension a quick pick is open: accept until the command goes on (accepting with no
  // list open does nothing, and the first item is the one wanted).
  await eventually(async () => {
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await sleep(500);
    return settled;
  }, 'the form list to be answered', SLOW);
  return result;
}

describe('Pinning', () => {
  afterEach(async () => {
    // A test that failed while a quick pick was open leaves it open.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await revertEverything();
    const a = await api();
    // As the Explorer deletes: through VS Code's working copies, which drop what they still hold of the
    // files. (Deleted behind VS Code's back, a reverted document was sometimes saved again right after,
    // bringing the file back.)
    await deleteIndexed(a, created);
    created = [];
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('imageProvenance.pinning');
    await config.update('unpinnedSeverity', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(workspaceUri('pins'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    const a = await api();
    await eventually(() => !a.index.files().some((f) => f.path.includes('/pins/')), 'pins/ to leave the index', SLOW);
  });

  it('pins from a CodeLens, touching only the reference; undo gives back the exact text', async () => {
    const images = seeded().images;
    const original = [
      'FROM --platform=$BUILDPLATFORM node:22-slim AS build',
      'RUN --mount=type=bind,from=alpine:3.20,target=/x true',
      'FROM scratch',
      'COPY --from=nginx:1.27 / /',
      '',
    ].join('\n');
    const uri = await create('lens.Dockerfile', original);
    await open(uri);
    // Every image the file pulls gets a lens to pin it; scratch and the stage name are not images.
    assert.deepEqual(await lensTitles(uri), [
      [0, '$(pin) Pin digest'],
      [1, '$(pin) Pin digest'],
      [3, '$(pin) Pin digest'],
    ]);

    const lens = await lensAt(uri, 0, '$(pin) Pin digest');
    const outcome = await run<PinOutcome>(lens.command);
    assert.deepEqual(outcome, { done: true, digest: images['node:22-slim']!.digest, path: uri.toString() });
    // The index digest (every platform), with the flag and the stage name as they were.
    assert.equal(line(uri, 0), `FROM --platform=$BUILDPLATFORM node:22-slim@${images['node:22-slim']!.digest} AS build`);
    assert.equal(text(uri).split('\n').slice(1).join('\n'), original.split('\n').slice(1).join('\n'));
    // The lens follows: the pin is what the tag points to, and can be taken back.
    await lensAt(uri, 0, '$(pass) pinned, current');
    assert.deepEqual((await lensTitles(uri)).filter(([l]) => l === 0), [
      [0, '$(pass) pinned, current'],
      [0, 'Unpin'],
    ]);

    // One edit, one undo step, and the bytes are the original ones.
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('undo');
    assert.equal(text(uri), original);
    await eventually(() => !vscode.window.activeTextEditor!.document.isDirty, 'the document to be clean after undo');
  });

  it('offers pinning as the quick fix of the unpinned hint', async () => {
    const images = seeded().images;
    const uri = await create('fix.Dockerfile', 'FROM nginx:1.27 AS web\n');
    await open(uri);
    await eventually(() => pinProblems(uri).length === 1, 'the unpinned diagnostic', SLOW);
    const [diagnostic] = pinProblems(uri);
    assert.equal(diagnostic!.code, 'unpinned');
    // A hint by default: a dotted underline, not a warning in the Problems count.
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Hint);
    assert.deepEqual([diagnostic!.range.start.line, diagnostic!.range.start.character, diagnostic!.range.end.character], [0, 5, 15]);
    assert.match(diagnostic!.message, /^nginx:1\.27 is not pinned to a digest/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic!.range);
    const titles = actions.map((x) => x.title);
    for (const title of ['Pin nginx:1.27 to its digest', 'Pin nginx:1.27 to a platform digest…', 'Ignore this on this line (unpinned)']) assert.ok(titles.includes(title), `no "${title}" among ${JSON.stringify(titles)}`);
    const pin = actions.find((x) => x.title === 'Pin nginx:1.27 to its digest')!;
    assert.equal(pin.isPreferred, true);
    const outcome = await run<PinOutcome>(pin.command);
    assert.equal(outcome.done, true);
    assert.equal(text(uri), `FROM nginx:1.27@${images['nginx:1.27']!.digest} AS web\n`);
    // Pinned to what the tag points to (once looked up): nothing left to say about it.
    await lensAt(uri, 0, '$(pass) pinned, current');
    await eventually(() => pinProblems(uri).length === 0, 'the diagnostic to go once pinned', SLOW);
  });

  it('pins from the Images view’s inline action on a use row', async () => {
    const a = await api();
    const images = seeded().images;
    const uri = await create('tree.Dockerfile', 'FROM alpine:3.20\n');
    const file = (await rows(a)).find((r) => r.label === 'tree.Dockerfile' && r.description === 'pins');
    assert.ok(file, 'the new Dockerfile is not in the tree');
    const stage = row(await rows(a, file.node), 'stage 0');
    const use = row(await rows(a, stage.node), 'alpine:3.20');
    // The row's menu offers the action for it (package.json's `when` reads these tokens).
    assert.match(String(use.item.contextValue), /\bunpinned\b/);
    assert.match(String(use.item.contextValue), /\bpinnable\b/);
    const outcome = await vscode.commands.executeCommand<PinOutcome>('imageProvenance.pin', use.node);
    assert.deepEqual(outcome, { done: true, digest: images['alpine:3.20']!.digest, path: uri.toString() });
    assert.equal(text(uri), `FROM alpine:3.20@${images['alpine:3.20']!.digest}\n`);
    // The row follows the edit.
    await eventually(async () => {
      const stageNow = (await rows(a, row(await rows(a), 'tree.Dockerfile').node))[0]!;
      return (await rows(a, stageNow.node))[0]?.description === `FROM · pinned ${images['alpine:3.20']!.digest.slice(7, 19)}`;
    }, 'the tree to show the pin', SLOW);
  });

  it('pins the image under the cursor from the palette', async () => {
    const images = seeded().images;
    const uri = await create('palette.Dockerfile', 'FROM alpine:3.20 AS a\nFROM nginx:1.27 AS b\n');
    const editor = await open(uri);
    editor.selection = new vscode.Selection(1, 2, 1, 2);
    const outcome = await vscode.commands.executeCommand<PinOutcome>('imageProvenance.pin');
    assert.deepEqual(outcome, { done: true, digest: images['nginx:1.27']!.digest, path: uri.toString() });
    // Only the line under the cursor.
    assert.equal(text(uri), `FROM alpine:3.20 AS a\nFROM nginx:1.27@${images['nginx:1.27']!.digest} AS b\n`);
  });

  it('pins to the platform digest picked from the list', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const uri = await create('platform.Dockerfile', 'FROM node:22-slim\n');
    await open(uri);
    // The list is in the index's order: linux/amd64, then linux/arm64/v8.
    const outcome = await pickDuring<PinOutcome>(a, 'imageProvenance.pinToPlatform', { path: uri.toString(), use: 0 }, 1);
    assert.deepEqual(outcome, { done: true, digest: image.platforms['linux/arm64/v8']!, platform: 'linux/arm64/v8', path: uri.toString() });
    assert.equal(text(uri), `FROM node:22-slim@${image.platforms['linux/arm64/v8']!}\n`);
    // A platform digest of what the tag points to is current, and the lens says which platform.
    await lensAt(uri, 0, '$(pass) pinned, current (linux/arm64/v8)');
  });

  it('writes nothing when the file changes while the platform list is open', async () => {
    const a = await api();
    const uri = await create('platform-edit.Dockerfile', 'FROM node:22-slim\n');
    const editor = await open(uri);
    const outcome = await pickDuring<PinOutcome>(a, 'imageProvenance.pinToPlatform', { path: uri.toString(), use: 0 }, 0, async () => {
      // Typed while the user is choosing: the plan was made from the text before.
      assert.ok(await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'RUN true\n')));
    });
    assert.equal(outcome.done, false);
    assert.match(!outcome.done ? outcome.message : '', /pins\/platform-edit\.Dockerfile changed while the digest was looked up: nothing was written/);
    assert.equal(text(uri), 'FROM node:22-slim\nRUN true\n');
  });

  it('gives a FROM just typed its lens as soon as the editor asks, without waiting for typing to pause', async () => {
    const uri = await create('typed.Dockerfile', 'FROM node:22-slim\n');
    const editor = await open(uri);
    await lensAt(uri, 0, '$(pin) Pin digest');
    // VS Code asks for lenses a moment after each edit (250 ms at least); the index reads typing once it pauses.
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'FROM node:22-slim AS tools\n')));
    assert.deepEqual(await lensTitles(uri), [
      [0, '$(pin) Pin digest'],
      [1, '$(pin) Pin digest'],
    ]);
  });

  it('warns about a stale pin and updates it to what the tag points to now', async () => {
    const { images, outdated } = seeded();
    const uri = await create('stale.Dockerfile', `FROM node:22-slim@${outdated['node:22-slim']!.digest} AS app\n`);
    await open(uri);
    await eventually(() => pinProblems(uri).length === 1, 'the stale-pin diagnostic', SLOW);
    const [diagnostic] = pinProblems(uri);
    assert.equal(diagnostic!.code, 'stale-pin');
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Warning);
    // What is wrong first, then the tag that moved, with digests as short as `docker images` shows them.
    const brief = (digest: string) => `${digest.slice(0, 19)}…`;
    assert.equal(diagnostic!.message, `Stale pin: the tag node:22-slim now points to ${brief(images['node:22-slim']!.digest)}, not the pinned ${brief(outdated['node:22-slim']!.digest)}.`);

    const lens = await lensAt(uri, 0, '$(warning) Update pin');
    assert.equal((await run<PinOutcome>(lens.command)).done, true);
    assert.equal(text(uri), `FROM node:22-slim@${images['node:22-slim']!.digest} AS app\n`);
    await lensAt(uri, 0, '$(pass) pinned, current');
    await eventually(() => pinProblems(uri).length === 0, 'the warning to go once updated', SLOW);
  });

  it('updates a stale platform pin to the same platform’s new image, not to the index', async () => {
    const { images, outdated } = seeded();
    const uri = await create('stale-platform.Dockerfile', `FROM node:22-slim@${outdated['node:22-slim']!.platforms['linux/arm64/v8']!}\n`);
    await open(uri);
    await eventually(() => problemList(uri).some(([, code]) => code === 'stale-pin'), 'the stale-pin diagnostic', SLOW);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, pinProblems(uri)[0]!.range);
    const update = actions.find((x) => x.title === 'Update the pin of node:22-slim');
    assert.ok(update, `no update among ${JSON.stringify(actions.map((x) => x.title))}`);
    const outcome = await run<PinOutcome>(update.command);
    assert.deepEqual(outcome, { done: true, digest: images['node:22-slim']!.platforms['linux/arm64/v8']!, platform: 'linux/arm64/v8', path: uri.toString() });
    assert.equal(text(uri), `FROM node:22-slim@${images['node:22-slim']!.platforms['linux/arm64/v8']!}\n`);
    await lensAt(uri, 0, '$(pass) pinned, current (linux/arm64/v8)');
    await eventually(() => pinProblems(uri).length === 0, 'the warning to go once updated', SLOW);
  });

  it('updates every stale pin of the workspace, and lists what it updated', async () => {
    const { images, outdated } = seeded();
    const old = outdated['node:22-slim']!;
    const now = images['node:22-slim']!;
    const index = await create('update-all.Dockerfile', `FROM node:22-slim@${old.digest} AS a\nFROM node:22-slim@${now.digest} AS b\n`);
    const amd64 = await create('update-all-amd64.Dockerfile', `FROM node:22-slim@${old.platforms['linux/amd64']!}\n`);
    const result = await vscode.commands.executeCommand<BulkResult>('imageProvenance.updateStalePins');
    assert.equal(result.cancelled, false);
    const ours = (path: string) => path.includes('/pins/');
    assert.deepEqual(
      changes(result).filter((c) => ours(c.path)),
      [
        { path: amd64.toString(), image: `node:22-slim@${old.platforms['linux/amd64']!}`, digest: now.platforms['linux/amd64']! },
        { path: index.toString(), image: `node:22-slim@${old.digest}`, digest: now.digest },
      ],
    );
    assert.deepEqual(result.files.filter(ours).sort(), [amd64.toString(), index.toString()].sort());
    // The current pin is left alone; nothing of ours is skipped.
    assert.deepEqual(result.skipped.filter((s) => ours(s.path)), []);
    assert.equal(text(index), `FROM node:22-slim@${now.digest} AS a\nFROM node:22-slim@${now.digest} AS b\n`);
    assert.equal(text(amd64), `FROM node:22-slim@${now.platforms['linux/amd64']!}\n`);
    // The fixture's golang pin cannot be compared (Docker Hub is out of reach): skipped, with why, not changed.
    const golang = result.skipped.find((s) => s.image.startsWith('golang:1.23@'));
    assert.ok(golang, JSON.stringify(result.skipped));
    assert.match(golang.reason, /registry-1\.docker\.io/);
    assert.ok(!result.files.some((f) => !ours(f)), `fixture files were edited: ${JSON.stringify(result.files)}`);
  });

  it('reports a pinned digest the registry does not have as an error that names the likely causes', async () => {
    const { host } = seeded();
    const missing = `sha256:${'f00d'.repeat(16)}`;
    // Named by the registry's own host: its 404 is then the registry's word. (Through the Docker Hub mirror,
    // a mirror's 404 only sends the client on to Docker Hub, which these tests cannot reach.)
    const uri = await create('missing.Dockerfile', `FROM ${host}/library/node:22-slim@${missing}\n`);
    await open(uri);
    await eventually(() => pinProblems(uri).length === 1, 'the pin-not-found diagnostic', SLOW);
    const [diagnostic] = pinProblems(uri);
    assert.equal(diagnostic!.code, 'pin-not-found');
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic!.message, new RegExp(`^Pinned digest not found: the registry \\(${host.replace(/\./g, '\\.')}\\) has no manifest ${missing} for `));
    assert.match(diagnostic!.message, /Likely causes: the tag moved and the content it pointed to was garbage-collected; the digest was copied from another registry, or from a mirror serving content the registry does not have; a typo\./);
    await lensAt(uri, 0, '$(error) pinned digest not found: Update pin');
  });

  it('warns about a platform digest where the build runs on any platform, and fixes it with the index digest', async () => {
    const image = seeded().images['node:22-slim']!;
    const uri = await create('platform-pin.Dockerfile', `FROM --platform=$BUILDPLATFORM node:22-slim@${image.platforms['linux/amd64']!} AS build\n`);
    await open(uri);
    await eventually(() => pinProblems(uri).length === 1, 'the platform-pin diagnostic', SLOW);
    const [diagnostic] = pinProblems(uri);
    assert.equal(diagnostic!.code, 'platform-pin');
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Warning);
    // What is pinned, why that is a problem here, and what to do instead.
    assert.match(diagnostic!.message, /^Platform pin in a multi-platform build: node:22-slim is pinned to its linux\/amd64 image only\b.*\(--platform=\$BUILDPLATFORM\).*Pin the index digest instead\.$/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic!.range);
    const fix = actions.find((x) => x.title === 'Pin node:22-slim to its index digest (every platform)');
    assert.ok(fix, `no fix among ${JSON.stringify(actions.map((x) => x.title))}`);
    assert.equal((await run<PinOutcome>(fix.command)).done, true);
    assert.equal(text(uri), `FROM --platform=$BUILDPLATFORM node:22-slim@${image.digest} AS build\n`);
    await lensAt(uri, 0, '$(pass) pinned, current');
    await eventually(() => pinProblems(uri).length === 0, 'the warning to go', SLOW);
  });

  it('pins an ARG-driven FROM in the ARG’s default', async () => {
    const images = seeded().images;
    const uri = await create('arg.Dockerfile', 'ARG BASE=nginx:1.27\nFROM ${BASE} AS web\n');
    await open(uri);
    // The lens stands on the FROM line (where the image is used), the edit goes where the value is written.
    const lens = await lensAt(uri, 1, '$(pin) Pin digest');
    assert.equal((await run<PinOutcome>(lens.command)).done, true);
    assert.equal(text(uri), `ARG BASE=nginx:1.27@${images['nginx:1.27']!.digest}\nFROM \${BASE} AS web\n`);
  });

  it('leaves an ARG that several images share alone, and says why', async () => {
    const a = await api();
    const original = 'ARG IMG=nginx:1.27\nFROM ${IMG} AS a\nFROM ${IMG} AS b\n';
    const uri = await create('shared-arg.Dockerfile', original);
    await open(uri);
    assert.deepEqual(await lensTitles(uri), [
      [1, '$(circle-slash) not pinnable here'],
      [2, '$(circle-slash) not pinnable here'],
    ]);
    // The lens is only a note: nothing to click.
    const [note] = await lenses(uri);
    assert.ok(!note!.command?.command, JSON.stringify(note!.command));
    const outcome = await vscode.commands.executeCommand<PinOutcome>('imageProvenance.pin', { path: uri.toString(), use: useIndex(a, uri, '${IMG}', 0) });
    assert.equal(outcome.done, false);
    assert.equal(!outcome.done && outcome.message, 'Comes from ARG IMG, which 2 images use: pinning it here would change them all.');
    assert.equal(text(uri), original);
  });

  it('pins a Compose image in place, keeping its quotes and comment', async () => {
    const images = seeded().images;
    const uri = await create('compose.yaml', 'services:\n  web:\n    image: "nginx:1.27" # the proxy\n');
    await open(uri);
    const lens = await lensAt(uri, 2, '$(pin) Pin digest');
    assert.equal((await run<PinOutcome>(lens.command)).done, true);
    assert.equal(text(uri), `services:\n  web:\n    image: "nginx:1.27@${images['nginx:1.27']!.digest}" # the proxy\n`);
  });

  it('pins a Bake context and a Bake args value that feeds a FROM, in the Bake file', async () => {
    const a = await api();
    const images = seeded().images;
    const hcl = ['target "web" {', '  context = "."', '  dockerfile = "bake.Dockerfile"', '  contexts = { x = "docker-image://nginx:1.27" }', '  args = { BASE = "alpine:3.20" }', '}', ''].join('\n');
    const dockerfile = await create('bake.Dockerfile', 'ARG BASE\nFROM ${BASE}\nCOPY --from=x / /\n');
    const uri = await create('docker-bake.hcl', hcl);
    await open(uri);
    // The context, from its lens in the Bake file.
    const lens = await lensAt(uri, 3, '$(pin) Pin digest');
    assert.equal((await run<PinOutcome>(lens.command)).done, true);
    const contextPinned = hcl.replace('nginx:1.27"', `nginx:1.27@${images['nginx:1.27']!.digest}"`);
    assert.equal(text(uri), contextPinned);
    await indexed(a, uri);

    // The args value, from the FROM as the target builds the Dockerfile (its row in the Images view).
    const bake = (await rows(a)).find((r) => r.label === 'docker-bake.hcl' && r.description === 'pins');
    assert.ok(bake, 'the Bake file is not in the tree');
    const target = row(await rows(a, bake.node), 'web');
    const link = row(await rows(a, target.node), vscode.workspace.asRelativePath(dockerfile));
    const stage = row(await rows(a, link.node), 'stage 0');
    const from = row(await rows(a, stage.node), 'alpine:3.20');
    assert.match(String(from.item.tooltip), /A pin goes into pins\/docker-bake\.hcl, where the value is written\./);
    const outcome = await vscode.commands.executeCommand<PinOutcome>('imageProvenance.pin', from.node);
    assert.deepEqual(outcome, { done: true, digest: images['alpine:3.20']!.digest, path: uri.toString() });
    assert.equal(text(uri), contextPinned.replace('"alpine:3.20"', `"alpine:3.20@${images['alpine:3.20']!.digest}"`));
    // The Dockerfile itself is not touched.
    assert.equal(decode(await vscode.workspace.fs.readFile(dockerfile)), 'ARG BASE\nFROM ${BASE}\nCOPY --from=x / /\n');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === dockerfile.toString() && d.isDirty));
  });

  it('unpins, keeping the tag', async () => {
    const images = seeded().images;
    const uri = await create('unpin.Dockerfile', `FROM nginx:1.27@${images['nginx:1.27']!.digest} AS web\n`);
    await open(uri);
    const lens = await lensAt(uri, 0, 'Unpin');
    assert.deepEqual(await run<PinOutcome>(lens.command), { done: true, digest: '', path: uri.toString() });
    assert.equal(text(uri), 'FROM nginx:1.27 AS web\n');
  });

  it('pins every image of a file in one undo step', async () => {
    const a = await api();
    const images = seeded().images;
    const original = ['FROM node:22-slim AS a', 'RUN --mount=from=alpine:3.20,target=/x true', 'FROM nginx:1.27', 'COPY --from=a / /', ''].join('\n');
    const uri = await create('all-in-file.Dockerfile', original);
    await open(uri);
    const result = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile', { path: uri.toString() });
    assert.equal(result.cancelled, false);
    assert.deepEqual(
      changes(result),
      ['alpine:3.20', 'nginx:1.27', 'node:22-slim'].map((image) => ({ path: uri.toString(), image, digest: images[image]!.digest })),
    );
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.files, [uri.toString()]);
    const pinned = [
      `FROM node:22-slim@${images['node:22-slim']!.digest} AS a`,
      `RUN --mount=from=alpine:3.20@${images['alpine:3.20']!.digest},target=/x true`,
      `FROM nginx:1.27@${images['nginx:1.27']!.digest}`,
      'COPY --from=a / /',
      '',
    ].join('\n');
    assert.equal(text(uri), pinned);
    await vscode.commands.executeCommand('undo');
    assert.equal(text(uri), original);

    // The same from the Explorer (a Uri) and from the palette (the active editor's file).
    await indexed(a, uri);
    const fromExplorer = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile', uri);
    assert.equal(fromExplorer.changed.length, 3);
    assert.equal(text(uri), pinned);
    await vscode.commands.executeCommand('undo');
    await indexed(a, uri);
    const fromPalette = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile');
    assert.deepEqual(fromPalette.files, [uri.toString()]);
    assert.equal(text(uri), pinned);
  });

  it('is silenced by an ignore comment above the line, and its quick fix writes one', async () => {
    const uri = await create('silence.Dockerfile', 'FROM alpine:3.20 AS a\n# image-provenance: ignore\nFROM nginx:1.27 AS b\nFROM node:22-slim AS c\n');
    await open(uri);
    await eventually(() => pinProblems(uri).length === 2, 'two unpinned diagnostics', SLOW);
    // nginx (line 2) has the comment above it.
    assert.deepEqual(problemList(uri), [
      [0, 'unpinned', vscode.DiagnosticSeverity.Hint],
      [3, 'unpinned', vscode.DiagnosticSeverity.Hint],
    ]);
    const node = pinProblems(uri).find((d) => d.range.start.line === 3)!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, node.range);
    const ignore = actions.find((x) => x.title === 'Ignore this on this line (unpinned)');
    assert.ok(ignore?.edit, `no ignore fix among ${JSON.stringify(actions.map((x) => x.title))}`);
    assert.ok(await vscode.workspace.applyEdit(ignore.edit));
    assert.equal(text(uri), 'FROM alpine:3.20 AS a\n# image-provenance: ignore\nFROM nginx:1.27 AS b\n# image-provenance: ignore=unpinned\nFROM node:22-slim AS c\n');
    await eventually(() => pinProblems(uri).length === 1, 'the silenced diagnostic to go', SLOW);
    assert.deepEqual(problemList(uri), [[0, 'unpinned', vscode.DiagnosticSeverity.Hint]]);

    // In YAML a comment can end the line itself; naming another code silences only that one.
    const compose = await create('docker-compose.yaml', 'services:\n  a:\n    image: nginx:1.27 # image-provenance: ignore\n  b:\n    image: alpine:3.20 # image-provenance: ignore=stale-pin\n');
    await open(compose);
    await eventually(() => pinProblems(compose).length === 1, 'the unpinned diagnostic of service b', SLOW);
    assert.deepEqual(problemList(compose), [[4, 'unpinned', vscode.DiagnosticSeverity.Hint]]);
  });

  it('follows the unpinned severity setting: off, or a warning', async () => {
    const uri = await create('severity.Dockerfile', 'FROM alpine:3.20\n');
    await open(uri);
    await eventually(() => pinProblems(uri).length === 1, 'the unpinned hint', SLOW);
    const config = () => vscode.workspace.getConfiguration('imageProvenance.pinning');
    try {
      await config().update('unpinnedSeverity', 'off', vscode.ConfigurationTarget.Workspace);
      await eventually(() => pinProblems(uri).length === 0, 'no diagnostic with the setting off', SLOW);
      await config().update('unpinnedSeverity', 'warning', vscode.ConfigurationTarget.Workspace);
      await eventually(() => pinProblems(uri)[0]?.severity === vscode.DiagnosticSeverity.Warning, 'a warning with the setting at warning', SLOW);
      assert.deepEqual(problemList(uri), [[0, 'unpinned', vscode.DiagnosticSeverity.Warning]]);
    } finally {
      await config().update('unpinnedSeverity', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await eventually(() => pinProblems(uri)[0]?.severity === vscode.DiagnosticSeverity.Hint, 'a hint again once the setting is restored', SLOW);
  });

  // Expected texts for references partly made of ARGs: BuildKit pulls by digest when a reference has both a
  // tag and a digest (moby/buildkit util/pull/pull.go Puller.Resolve; containerd core/remotes/docker/
  // resolver.go Resolve asks only manifests/<digest>), and Renovate updates an ARG-driven tag together with a
  // digest written after it or in an ARG of its own (renovatebot/renovate lib/modules/manager/dockerfile/
  // extract.ts, processDepForAutoReplace).
  it('pins FROM node:${VERSION} with the digest after the reference, picked from its lens, and unpins it to the same bytes', async () => {
    const image = seeded().images['node:22-slim']!;
    const original = 'ARG VERSION=22-slim\nFROM node:${VERSION} AS app\n';
    const uri = await create('arg-after.Dockerfile', original);
    await open(uri);
    // An action, not a grey note: the ellipsis says a choice comes first.
    const lens = await lensAt(uri, 1, '$(pin) Pin digest…');
    const outcome = await pickFirstForm<PinOutcome>(lens.command);
    assert.deepEqual(outcome, { done: true, digest: image.digest, path: uri.toString() });
    assert.equal(text(uri), `ARG VERSION=22-slim\nFROM node:\${VERSION}@${image.digest} AS app\n`);
    // Read back as a pin of node:22-slim, current, that can be taken back.
    await lensAt(uri, 1, '$(pass) pinned, current');
    const a = await api();
    await indexed(a, uri);
    const unpin = await lensAt(uri, 1, 'Unpin');
    assert.deepEqual(await run<PinOutcome>(unpin.command), { done: true, digest: '', path: uri.toString() });
    assert.equal(text(uri), original);
  });

  it('pins with a companion ARG from the quick fix that names it; the hint says what either form changes', async () => {
    const image = seeded().images['node:22-slim']!;
    const uri = await create('arg-companion.Dockerfile', 'ARG VERSION=22-slim\nFROM node:${VERSION} AS app\n');
    await open(uri);
    await eventually(() => pinProblems(uri).length === 1, 'the unpinned diagnostic', SLOW);
    const [diagnostic] = pinProblems(uri);
    assert.equal(
      diagnostic!.message,
      'node:22-slim is not pinned to a digest: only part of the reference comes from ARG VERSION, so the digest can go after the reference or into a companion ARG. Either way the digest then wins over a --build-arg VERSION=… until it is updated too.',
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic!.range);
    const titles = actions.map((x) => x.title);
    for (const title of ['Pin node:22-slim with the digest after the reference', 'Pin node:22-slim with a companion ARG NODE_DIGEST']) assert.ok(titles.includes(title), `no "${title}" among ${JSON.stringify(titles)}`);
    const companion = actions.find((x) => x.title === 'Pin node:22-slim with a companion ARG NODE_DIGEST')!;
    assert.equal((await run<PinOutcome>(companion.command)).done, true);
    assert.equal(text(uri), `ARG VERSION=22-slim\nARG NODE_DIGEST=${image.digest}\nFROM node:\${VERSION}@\${NODE_DIGEST} AS app\n`);
    // Current; no Unpin, which would have to delete a line and part of the reference.
    await lensAt(uri, 2, '$(pass) pinned, current');
    assert.deepEqual((await lensTitles(uri)).filter(([l]) => l === 2), [[2, '$(pass) pinned, current']]);
    await eventually(() => pinProblems(uri).length === 0, 'the hint to go once pinned', SLOW);
  });

  it('updates a stale digest after ${VERSION} from its lens, and one in a companion ARG with Update Stale Pins', async () => {
    const { images, outdated } = seeded();
    const old = outdated['node:22-slim']!.digest;
    const now = images['node:22-slim']!.digest;
    const after = await create('arg-stale.Dockerfile', `ARG VERSION=22-slim\nFROM node:\${VERSION}@${old} AS app\n`);
    await open(after);
    await eventually(() => problemList(after).some(([, code]) => code === 'stale-pin'), 'the stale-pin diagnostic', SLOW);
    const lens = await lensAt(after, 1, '$(warning) Update pin');
    assert.equal((await run<PinOutcome>(lens.command)).done, true);
    assert.equal(text(after), `ARG VERSION=22-slim\nFROM node:\${VERSION}@${now} AS app\n`);
    await lensAt(after, 1, '$(pass) pinned, current');

    const companion = await create('arg-stale-companion.Dockerfile', `ARG VERSION=22-slim\nARG NODE_DIGEST=${old}\nFROM node:\${VERSION}@\${NODE_DIGEST}\n`);
    const result = await vscode.commands.executeCommand<BulkResult>('imageProvenance.updateStalePins');
    assert.deepEqual(
      changes(result).filter((c) => c.path === companion.toString()),
      [{ path: companion.toString(), image: `node:22-slim@${old}`, digest: now }],
    );
    assert.equal(text(companion), `ARG VERSION=22-slim\nARG NODE_DIGEST=${now}\nFROM node:\${VERSION}@\${NODE_DIGEST}\n`);
  });

  it('leaves references partly from ARGs to Pin All only when the argReferences setting names a form', async () => {
    const a = await api();
    const images = seeded().images;
    const original = 'ARG VERSION=22-slim\nFROM node:${VERSION} AS app\nFROM alpine:3.20\n';
    const uri = await create('arg-all.Dockerfile', original);
    await open(uri);
    const asked = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile', { path: uri.toString() });
    assert.deepEqual(changes(asked), [{ path: uri.toString(), image: 'alpine:3.20', digest: images['alpine:3.20']!.digest }]);
    assert.deepEqual(
      asked.skipped.map((s) => [s.line, s.image, s.reason]),
      [[2, 'node:22-slim', 'choose how to pin it (the digest after $VERSION, or a companion ARG): use its CodeLens, or set imageProvenance.pinning.argReferences']],
    );
    await vscode.commands.executeCommand('undo');
    assert.equal(text(uri), original);
    await indexed(a, uri);

    const config = () => vscode.workspace.getConfiguration('imageProvenance.pinning');
    try {
      await config().update('argReferences', 'digestAfterExpansion', vscode.ConfigurationTarget.Workspace);
      const chosen = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInFile', { path: uri.toString() });
      assert.deepEqual(chosen.skipped, []);
      assert.equal(text(uri), `ARG VERSION=22-slim\nFROM node:\${VERSION}@${images['node:22-slim']!.digest} AS app\nFROM alpine:3.20@${images['alpine:3.20']!.digest}\n`);
    } finally {
      await config().update('argReferences', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('shows only the lenses that offer something to do with codeLens "actionable", none with false, all with true', async () => {
    const images = seeded().images;
    const uri = await create('lens-setting.Dockerfile', `ARG IMG=nginx:1.27\nFROM \${IMG} AS a\nFROM \${IMG} AS b\nFROM alpine:3.20@${images['alpine:3.20']!.digest} AS c\nFROM node:22-slim AS d\n`);
    await open(uri);
    await lensAt(uri, 3, '$(pass) pinned, current');
    const all: [number, string][] = [
      [1, '$(circle-slash) not pinnable here'],
      [2, '$(circle-slash) not pinnable here'],
      [3, '$(pass) pinned, current'],
      [3, 'Unpin'],
      [4, '$(pin) Pin digest'],
    ];
    assert.deepEqual(await lensTitles(uri), all);
    const config = () => vscode.workspace.getConfiguration('imageProvenance.pinning');
    const titlesBecome = async (expected: [number, string][], what: string) => {
      await eventually(async () => JSON.stringify(await lensTitles(uri)) === JSON.stringify(expected), what, SLOW);
    };
    try {
      await config().update('codeLens', 'actionable', vscode.ConfigurationTarget.Workspace);
      await titlesBecome([[4, '$(pin) Pin digest']], 'only the Pin digest lens with "actionable"');
      // The setting was a boolean before it had modes: the old values still work.
      await config().update('codeLens', false, vscode.ConfigurationTarget.Workspace);
      await titlesBecome([], 'no lens with false');
      await config().update('codeLens', true, vscode.ConfigurationTarget.Workspace);
      await titlesBecome(all, 'every lens with true');
    } finally {
      await config().update('codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  // Last: it edits the fixture's own files (reverted after).
  it('pins every image of the workspace, one undo step per file, listing what it could not pin', async () => {
    const a = await api();
    const images = seeded().images;
    await a.whenIndexed();
    const appUri = workspaceUri('app/Dockerfile');
    const workerUri = workspaceUri('worker/worker.Dockerfile');
    const paths = a.index.files().map((f) => f.path);
    assert.deepEqual(paths.filter((p) => p.includes('/pins/')), [], 'files of earlier tests are still indexed');
    const originals = new Map<string, string>();
    for (const path of paths) originals.set(path, decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(path))));

    // The command line pins a copy of the same workspace (its settings: the registry as Docker Hub's mirror).
    const copy = mkdtempSync(join(tmpdir(), 'image-provenance-cli-copy-'));
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    cpSync(folder, copy, { recursive: true, filter: (path) => !path.includes(`${sep}pins`) });
    const cli = await runCli(copy, 'pin');

    const result = await vscode.commands.executeCommand<BulkResult>('imageProvenance.pinAllInWorkspace');
    assert.equal(result.cancelled, false);
    // The same bytes in every file, from the editor and from the command line; Docker Hub is out of reach for both.
    for (const path of paths) {
      const file = relative(folder, vscode.Uri.parse(path).fsPath);
      // Pin All edits documents (unsaved); a file it did not edit is as on disk.
      const edited = vscode.workspace.textDocuments.find((d) => d.uri.toString() === path)?.getText() ?? originals.get(path);
      assert.equal(readFileSync(join(copy, file), 'utf8'), edited, `${file}: the command line wrote what Pin All in Workspace wrote`);
    }
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stderr, /^\S+:\d+: debian:12 — skipped: debian:12: .*registry-1\.docker\.io/m);
    rmSync(copy, { recursive: true, force: true });
    // The seeded images, each where its value is written: ARG BASE's default, the mount, worker's FROM.
    assert.deepEqual(
      changes(result).map((c) => [vscode.workspace.asRelativePath(vscode.Uri.parse(c.path)), c.image, c.digest]),
      [
        ['app/Dockerfile', 'alpine:3.20', images['alpine:3.20']!.digest],
        ['app/Dockerfile', 'node:22-slim', images['node:22-slim']!.digest],
        ['worker/worker.Dockerfile', 'alpine:3.20', images['alpine:3.20']!.digest],
      ],
    );
    assert.deepEqual([...result.files].sort(), [appUri.toString(), workerUri.toString()].sort());
    const app = text(appUri).split('\n');
    assert.equal(app[1], `ARG BASE=node:22-slim@${images['node:22-slim']!.digest}`);
    assert.equal(app[4], `RUN --mount=type=cache,target=/root/.npm,from=alpine:3.20@${images['alpine:3.20']!.digest} npm ci`);
    // COPY --from=nginx:1.27 is what docker-bake.hcl's named context "nginx:1.27" replaces, matching it as
    // written (BuildKit dockerui NamedContext): a digest there would end the override.
    assert.equal(app[9], 'COPY --from=nginx:1.27 /etc/nginx /etc/nginx');
    assert.equal(text(workerUri).split('\n')[0], `FROM alpine:3.20@${images['alpine:3.20']!.digest}`);

    // Images the registry does not have (Docker Hub is out of reach) are skipped, each with why.
    const skipped = new Map(result.skipped.map((s) => [s.image, s.reason]));
    for (const image of ['docker/dockerfile:1.10', 'debian:12', 'node:22-alpine', 'node:22-bookworm', 'nginx:1.27-alpine']) {
      assert.match(skipped.get(image) ?? `${image} is not listed as skipped: ${JSON.stringify(result.skipped)}`, new RegExp(`^${image.replace(/[.]/g, '\\.')}: .*registry-1\\.docker\\.io.*\\(mirrors tried first: 127\\.0\\.0\\.1:\\d+ notFound\\)$`));
    }
    // What cannot be pinned in place says why, too.
    assert.match(skipped.get('postgres:16') ?? '', /\$PG_VERSION/);
    assert.equal(skipped.get('nginx:1.27'), 'Not pinned here: app (docker-bake.hcl) replaces this reference with its named context "nginx:1.27", which BuildKit matches against the reference as written. With a digest it would no longer match.');
    // Nothing skipped was written.
    assert.ok(!text(appUri).includes('dockerfile:1.10@'));
    assert.ok(!result.files.includes(workspaceUri('compose.yaml').toString()));

    // Each file's pins are one undo step.
    for (const uri of [appUri, workerUri]) {
      await vscode.window.showTextDocument(uri);
      await vscode.commands.executeCommand('undo');
      assert.equal(text(uri), originals.get(uri.toString()), `one undo restores ${vscode.workspace.asRelativePath(uri)}`);
    }
  });
});
