import * as assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';
import { api, createIndexed, deleteIndexed, eventually, row, rows, workspaceUri } from './helpers';

const encode = (text: string) => new TextEncoder().encode(text);

/**
 * While `work` runs, a timer every millisecond: the longest gap between two of its ticks (before `until()`, if it
 * gives a time) is the longest the extension host's event loop could not answer anything.
 */
async function longestGap(work: () => Promise<unknown>, until: () => number | undefined = () => undefined): Promise<{ longest: number }> {
  const ticks: number[] = [performance.now()];
  const timer = setInterval(() => ticks.push(performance.now()), 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  // Listeners told before `until()`'s own ran in the gap that ends with it: that gap is left out.
  const end = until() ?? Infinity;
  const during = ticks.filter((t) => t < end);
  return { longest: Math.max(...during.slice(1).map((t, i) => t - during[i]!)) };
}

describe('workspace indexing', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows files created, changed and deleted on disk', async () => {
    const a = await api();
    const uri = workspaceUri('added/Dockerfile');
    await vscode.workspace.fs.writeFile(uri, encode('FROM redis:7.4\n'));
    await eventually(() => a.index.get(uri.toString())?.uses[0]?.text === 'redis:7.4', 'the new Dockerfile to be indexed');
    await eventually(async () => (await rows(a)).some((r) => r.label === 'Dockerfile' && r.description === 'added'), 'the new file to show in the tree');

    await vscode.workspace.fs.writeFile(uri, encode('FROM redis:7.4 AS cache\nFROM valkey/valkey:8\n'));
    await eventually(() => a.index.get(uri.toString())?.uses.length === 2, 'the change on disk to be indexed');

    await vscode.workspace.fs.delete(uri, { recursive: false });
    await eventually(() => !a.index.has(uri.toString()), 'the deleted Dockerfile to leave the index');
    await vscode.workspace.fs.delete(workspaceUri('added'), { recursive: true });
  });

  // A checkout of a branch that adds nested folders, as git writes them (folders and files made at once with Node's
  // fs), and a tree moved in whole (an archive unpacked elsewhere). On Linux, VS Code's watcher (@parcel/watcher's
  // inotify backend) watches a new folder but not the folders made inside it before that watch was added, for as long
  // as it runs (parcel-bundler/watcher#97, microsoft/vscode#142694): what happens in them later is never reported.
  it('follows a burst of nested new folders: their files, then files changed, added and deleted in them', async function () {
    this.timeout(60_000);
    const a = await api();
    const root = workspaceUri('checkout').fsPath;
    const staging = `${workspaceUri('').fsPath}-staging`;
    // 24 build files, 4 or 5 folders deep, every fourth a Compose file: 20 checked out, 4 moved in.
    const files = Array.from({ length: 24 }, (_, i) => {
      const folder = i < 20 ? `checkout/g${i % 3}/m${i % 5}/n${i}${i % 2 ? '/deep' : ''}` : `checkout/moved/p${i % 2}/n${i}/deep`;
      return i % 4 === 3 ? { folder, path: `${folder}/compose.yaml`, text: `services:\n  s${i}:\n    image: redis:7.${i}\n` } : { folder, path: `${folder}/Dockerfile`, text: `FROM alpine:3.${i}\n` };
    });
    const write = (path: string, text: string, under = workspaceUri('').fsPath) => {
      mkdirSync(dirname(join(under, path)), { recursive: true });
      writeFileSync(join(under, path), text);
    };
    const indexed = (path: string) => a.index.text(workspaceUri(path).toString());
    try {
      for (const { path, text } of files.slice(0, 20)) write(path, text);
      for (const { path, text } of files.slice(20)) write(path, text, staging);
      renameSync(join(staging, 'checkout/moved'), join(root, 'moved'));
      await eventually(() => files.every(({ path, text }) => indexed(path) === text), 'the 24 new build files to be indexed', 15_000);
      // A Refresh (as after a change of settings) keeps following them.
      await vscode.commands.executeCommand('imageProvenance.refresh');
      await a.whenIndexed();

      // Then in each of their folders: the file changed, or its folder deleted, or a file added in a new folder.
      const changed = files.filter((_, i) => i % 3 === 0).map(({ path }) => ({ path, text: `FROM alpine:edge\n# ${path}\n` }));
      const deleted = files.filter((_, i) => i % 3 === 1);
      const added = files.filter((_, i) => i % 3 === 2).map(({ folder }) => ({ path: `${folder}/added/Dockerfile`, text: `FROM busybox:1.37\n# ${folder}\n` }));
      for (const { path, text } of [...changed, ...added]) write(path, text);
      for (const { folder } of deleted) rmSync(workspaceUri(folder).fsPath, { recursive: true });
      const behind = () => [
        ...[...changed, ...added].filter(({ path, text }) => indexed(path) !== text).map(({ path }) => `${path} (not read)`),
        ...deleted.filter(({ path }) => indexed(path) !== undefined).map(({ path }) => `${path} (still indexed)`),
      ];
      await eventually(() => behind().length === 0, 'the changes in the new folders to be indexed', 15_000).catch(() => assert.deepEqual(behind(), []));
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(staging, { recursive: true, force: true });
      await eventually(() => !a.index.files().some((f) => f.path.startsWith(workspaceUri('checkout/').toString())), 'the checkout to leave the index', 15_000);
    }
  });

  it('shows unsaved edits of an open editor, and disk again after revert', async () => {
    const a = await api();
    const uri = workspaceUri('worker/worker.Dockerfile');
    const editor = await vscode.window.showTextDocument(uri);
    // "FROM alpine:3.20": the tag 3.20 is at 12..16
    await editor.edit((e) => e.replace(new vscode.Range(0, 12, 0, 16), '3.21'));
    assert.ok(editor.document.isDirty);
    await a.whenIndexed();
    const worker = row(await rows(a), 'worker.Dockerfile');
    const stage = (await rows(a, worker.node))[0]!;
    assert.deepEqual((await rows(a, stage.node)).map((r) => r.label), ['alpine:3.21']);

    await vscode.commands.executeCommand('workbench.action.files.revert');
    await eventually(() => a.index.get(uri.toString())?.uses[0]?.text === 'alpine:3.20', 'the reverted text to be indexed');
  });

  it('tells nothing when a build file is opened unchanged: a click on a row costs no pass over the workspace', async () => {
    const a = await api();
    // A file no test opened before: VS Code keeps a document open a while after its editor closes.
    const uri = await createIndexed(a, workspaceUri('worker/opened.Dockerfile'), 'FROM alpine:3.20\n');
    const told: string[] = [];
    const stop = a.index.onDidChange((paths) => told.push(...paths));
    try {
      const editor = await vscode.window.showTextDocument(uri);
      await a.whenIndexed();
      assert.deepEqual(told, []);
      // A real edit is still told.
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# a comment\n'));
      await a.whenIndexed();
      assert.deepEqual(told, [uri.toString()]);
    } finally {
      stop.dispose();
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await deleteIndexed(a, [uri]);
    }
  });

  it('keeps what a broken Dockerfile says, with diagnostics at the broken text', async () => {
    const a = await api();
    const uri = workspaceUri('broken/Dockerfile');
    // Line 1, "FROM alpine:${V": the variable is never closed.
    await vscode.workspace.fs.writeFile(uri, encode('FROM node:22 AS base\nFROM alpine:${V\n'));
    try {
      await eventually(() => a.index.has(uri.toString()), 'the broken Dockerfile to be indexed');
      assert.deepEqual(a.index.get(uri.toString())!.uses.map((u) => u.text), ['node:22', 'alpine:${V']);
      // The two problems; the hint that node:22 (which could be read) is not pinned shows once the file is open in an
      // editor (hints are published for the files of editor tabs only: issue 15).
      await eventually(() => vscode.languages.getDiagnostics(uri).length === 2, 'diagnostics for the broken file');
      await vscode.window.showTextDocument(uri);
      await eventually(() => vscode.languages.getDiagnostics(uri).length === 3, 'the hint once the file is open');
      const diagnostics = vscode.languages.getDiagnostics(uri).map((d) => [String(d.code), d.range.start.line, d.range.start.character, d.range.end.character, d.source]);
      assert.deepEqual(diagnostics.sort((x, y) => String(x[0]).localeCompare(String(y[0]))), [
        ['bad-substitution', 1, 12, 15, 'Image Provenance'],
        ['invalid-reference', 1, 5, 15, 'Image Provenance'],
        ['unpinned', 0, 5, 12, 'Image Provenance'],
      ]);
      const broken = (await rows(a)).find((r) => r.description.startsWith('broken'));
      assert.equal(broken?.description, 'broken · 2 problems');
    } finally {
      // Whatever happened: the next tests count the workspace's files.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(workspaceUri('broken'), { recursive: true });
    }
    await eventually(() => vscode.languages.getDiagnostics(uri).length === 0, 'diagnostics to go with the file');
  });

  it('re-reads a Compose file when its .env changes on disk', async () => {
    const a = await api();
    const compose = workspaceUri('compose.yaml').toString();
    const db = () => a.index.get(compose)?.uses.find((u) => u.text.startsWith('postgres'))?.resolved;
    assert.equal(db(), 'postgres:16');
    const env = workspaceUri('.env');
    await vscode.workspace.fs.writeFile(env, encode('PG_VERSION=17\n'));
    await eventually(() => db() === 'postgres:17', 'the value from .env');
    await vscode.workspace.fs.delete(env);
    await eventually(() => db() === 'postgres:16', 'the default again once .env is gone');
  });

  it('re-scans on refresh and when the extra globs change', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('imageProvenance');
    await config.update('dockerfileGlobs', [], vscode.ConfigurationTarget.Workspace);
    try {
      await eventually(() => !a.index.has(workspaceUri('build/base.containerfile').toString()), 'the containerfile to leave with its glob');
    } finally {
      await config.update('dockerfileGlobs', ['build/*.containerfile'], vscode.ConfigurationTarget.Workspace);
    }
    await eventually(() => a.index.has(workspaceUri('build/base.containerfile').toString()), 'the containerfile to come back');
    await vscode.commands.executeCommand('imageProvenance.refresh');
    await a.whenIndexed();
    assert.equal(a.index.size, 5);
  });

  it('indexes a scanned workspace as reading its files one by one does, through a link to a folder', async () => {
    const a = await api();
    await vscode.workspace.fs.writeFile(workspaceUri('scanned/.env'), encode('NGINX=1.27\n'));
    await vscode.workspace.fs.writeFile(workspaceUri('scanned/compose.yaml'), encode('services:\n  web:\n    image: nginx:${NGINX}\n  api:\n    build:\n      context: api\n      args:\n        BASE: node:22\n'));
    await vscode.workspace.fs.writeFile(workspaceUri('scanned/api/Dockerfile'), encode('ARG BASE=alpine:3.21\nFROM ${BASE}\n'));
    symlinkSync(workspaceUri('scanned/api').fsPath, workspaceUri('scanned/linked').fsPath);
    try {
      await vscode.commands.executeCommand('imageProvenance.refresh');
      await a.whenIndexed();
      // compose-go reads the project's .env for interpolation (compose-spec/compose-go cli/options.go,
      // WithDotEnv); the build's args apply to the Dockerfile it builds (a build sees FROM node:22).
      const compose = workspaceUri('scanned/compose.yaml').toString();
      assert.deepEqual(a.index.get(compose)?.uses.map((u) => u.resolved), ['nginx:1.27']);
      assert.deepEqual(a.index.linked(compose, 0)?.uses.map((u) => u.resolved), ['node:22']);
      assert.ok(a.index.has(workspaceUri('scanned/linked/Dockerfile').toString()), 'the Dockerfile behind the link is not indexed');
      // The same files given one at a time, in path order, and what they read after them.
      const alone = new BuildFileIndex();
      for (const file of a.index.files()) alone.set(file.path, a.index.text(file.path)!, file.kind);
      for (let wanted = alone.wanted(), round = 0; wanted.length && round < 5; wanted = alone.wanted(), round++) for (const path of wanted) alone.setResource(path, a.index.text(path));
      const shown = (index: BuildFileIndex) =>
        index.files().map((f) => ({
          path: f.path,
          uses: f.uses.map((u) => u.resolved ?? u.text),
          built: (f.builds ?? []).map((_, i) => index.linked(f.path, i)?.uses.map((u) => u.resolved ?? u.text)),
          problems: index.diagnostics(f.path).map((d) => d.code),
        }));
      assert.deepEqual(shown(a.index), shown(alone));
    } finally {
      await vscode.workspace.fs.delete(workspaceUri('scanned'), { recursive: true, useTrash: false });
      await vscode.commands.executeCommand('imageProvenance.refresh');
      await a.whenIndexed();
    }
  });

  // VS Code's requests (the Images view asking for its first rows while a large workspace is scanned) are answered on
  // the extension host's one event loop: the scan must not hold it for the time of a whole batch of files.
  it('lets the extension host answer between files while a scan parses large Dockerfiles', async function () {
    this.timeout(120_000);
    const a = await api();
    // 192 Dockerfiles of some 2,000 lines (four stages of long RUN, ENV and COPY lists): three of the scan's batches.
    const step = (i: number) => `ENV STEP_${i}=value-${i}\nRUN --mount=type=cache,target=/root/.cache ./build.sh --step ${i} \\\n  && rm -rf /tmp/step-${i}\nCOPY --from=deps /app/step-${i} /app/step-${i}\n`;
    const stage = (name: string) => `FROM node:22-bookworm-slim AS ${name}\nARG VERSION=1.0\nWORKDIR /app\n${Array.from({ length: 125 }, (_, i) => step(i)).join('')}`;
    const text = ['deps', 'build', 'test', 'release'].map(stage).join('');
    const root = workspaceUri('large').fsPath;
    const paths = Array.from({ length: 192 }, (_, i) => `large/app-${i}/Dockerfile`);
    try {
      for (const path of paths) {
        mkdirSync(dirname(workspaceUri(path).fsPath), { recursive: true });
        writeFileSync(workspaceUri(path).fsPath, text);
      }
      await eventually(() => paths.every((path) => a.index.has(workspaceUri(path).toString())), 'the large Dockerfiles to be indexed', 60_000);
      // What their arrival started (problems published on a timer of their own) done: that work is not the scan's.
      await eventually(async () => (await longestGap(() => new Promise((done) => setTimeout(done, 500)))).longest < 50, 'the extension host to be quiet', 60_000);
      // The gaps end when the index tells its listeners of the whole scan (their work is not the scan's).
      let scanned: number | undefined;
      const told = a.index.onDidChange(() => (scanned ??= performance.now()));
      const { longest } = await longestGap(async () => {
        await vscode.commands.executeCommand('imageProvenance.refresh');
        await a.whenIndexed();
      }, () => scanned).finally(() => told.dispose());
      assert.ok(scanned !== undefined, 'the scan did not tell the index listeners');
      // A batch of 64 of these files parsed at once held the host for several hundred milliseconds.
      assert.ok(longest < 100, `the extension host was held for ${longest.toFixed(0)} ms during the scan`);
    } finally {
      rmSync(root, { recursive: true, force: true });
      await vscode.commands.executeCommand('imageProvenance.refresh');
      await a.whenIndexed();
    }
  });

  describe('what is excluded', () => {
    const vendored = () => workspaceUri('vendor/github.com/acme/tool/Dockerfile');
    const installed = () => workspaceUri('web/node_modules/some-package/docker-compose.yml');
    const bower = () => workspaceUri('bower_components/widget/Dockerfile');
    const builder = () => workspaceUri('tools/compose.yaml');
    const baker = () => workspaceUri('bake-tools/docker-bake.hcl');

    before(async () => {
      await vscode.workspace.fs.writeFile(vendored(), encode('FROM golang:1.23 AS build\nFROM alpine:${MISSING\n'));
      await vscode.workspace.fs.writeFile(installed(), encode('services:\n  db:\n    image: mongo:7\n'));
      await vscode.workspace.fs.writeFile(bower(), encode('FROM node:0.10\n'));
    });

    after(async () => {
      await vscode.workspace.getConfiguration('imageProvenance').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      for (const folder of ['vendor', 'web', 'bower_components', 'tools', 'bake-tools']) await vscode.workspace.fs.delete(workspaceUri(folder), { recursive: true, useTrash: false });
      await (await api()).whenIndexed();
    });

    // The defaults are Renovate's ignorePaths for dependencies (renovatebot/renovate, lib/config/presets/internal/
    // default.ts, preset ignoreModulesAndTests): other projects' build files, with their problems.
    it('leaves out vendor/, node_modules/ and bower_components/ by default, with their problems', async () => {
      const a = await api();
      await vscode.commands.executeCommand('imageProvenance.refresh');
      await a.whenIndexed();
      for (const uri of [vendored(), installed(), bower()]) assert.equal(a.index.has(uri.toString()), false, `${vscode.workspace.asRelativePath(uri)} is indexed`);
      assert.equal(a.index.size, 5);
      assert.deepEqual(vscode.languages.getDiagnostics(vendored()), []);
      const labels = (await rows(a)).map((r) => `${r.label} ${r.description}`);
      assert.ok(!labels.some((l) => /vendor|node_modules|bower_components/.test(l)), JSON.stringify(labels));
    });

    it('still reads an excluded Dockerfile that a Compose file builds, as that build sees it', async () => {
      const a = await api();
      await createIndexed(a, builder(), 'services:\n  tool:\n    build:\n      context: ../vendor/github.com/acme/tool\n      target: build\n');
      const compose = builder().toString();
      await eventually(() => a.index.linked(compose, 0)?.uses[0]?.text === 'golang:1.23', 'the vendored Dockerfile to be linked');
      assert.equal(a.index.has(vendored().toString()), false, 'the vendored Dockerfile is listed on its own');
      // A problem of the Dockerfile the service builds is not the service's: only files of their own are reported.
      assert.deepEqual(vscode.languages.getDiagnostics(vendored()), []);
      assert.ok((await rows(a)).some((r) => r.label === 'compose.yaml' && r.description === 'tools'), 'tools/compose.yaml is not listed');
    });

    // Bake joins `dockerfile` to `context` unless it is absolute (docker/buildx bake/bake.go, toBuildOpt); the context
    // is relative to the Bake file's folder here, as a Compose file's is.
    it('still reads an excluded Dockerfile that a Bake target builds, through its context and dockerfile', async () => {
      const a = await api();
      await createIndexed(a, baker(), 'target "tool" {\n  context = "../vendor/github.com/acme/tool"\n  dockerfile = "Dockerfile"\n  target = "build"\n}\n');
      const bake = baker().toString();
      await eventually(() => a.index.linked(bake, 0)?.uses[0]?.text === 'golang:1.23', 'the vendored Dockerfile to be linked to the Bake target');
      assert.equal(a.index.linked(bake, 0)?.path, vendored().toString());
      assert.equal(a.index.has(vendored().toString()), false, 'the vendored Dockerfile is listed on its own');
      assert.deepEqual(vscode.languages.getDiagnostics(baker()), []);
      assert.deepEqual(vscode.languages.getDiagnostics(vendored()), []);
      assert.ok((await rows(a)).some((r) => r.label === 'docker-bake.hcl' && r.description === 'bake-tools'), 'bake-tools/docker-bake.hcl is not listed');
    });

    it('indexes them again when the setting is emptied, and leaves out a file created in a folder it names', async () => {
      const a = await api();
      const config = vscode.workspace.getConfiguration('imageProvenance');
      await config.update('exclude', [], vscode.ConfigurationTarget.Workspace);
      await eventually(() => [vendored(), installed(), bower()].every((uri) => a.index.has(uri.toString())), 'the excluded files to be indexed');
      await config.update('exclude', ['**/vendor/**'], vscode.ConfigurationTarget.Workspace);
      await eventually(() => !a.index.has(vendored().toString()) && a.index.has(bower().toString()), 'only vendor/ to be left out');
      const added = workspaceUri('vendor/other/Dockerfile');
      await vscode.workspace.fs.writeFile(added, encode('FROM redis:7\n'));
      const kept = await createIndexed(a, workspaceUri('web/Dockerfile'), 'FROM nginx:1.27\n');
      assert.equal(a.index.has(added.toString()), false, 'a file created under vendor/ is indexed');
      assert.ok(a.index.has(kept.toString()));
    });
  });
});

