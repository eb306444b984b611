// The checks in the Problems panel, in the real extension host against the real registry the runner seeds
// (test/host/testRegistry.ts), and the promise of issue 14: `image-provenance check` on the same workspace lists
// exactly the problems the Problems panel shows.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CliFinding } from '../registry/cliRun';
import { api, createIndexed, deleteIndexed, eventually, EXTENSION_ID, ref, seeded, SLOW, workspaceUri } from './helpers';

const SEVERITY = ['error', 'warning', 'information', 'hint'] as const;

/** What the Problems panel lists for the extension's files: file, line, column, check, severity, message. */
function panel(files: readonly vscode.Uri[]): string[] {
  return files
    .flatMap((uri) =>
      vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source === 'Image Provenance')
        .map((d) => `${vscode.workspace.asRelativePath(uri, false)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity]} ${String(d.code)}: ${d.message}`),
    )
    .sort();
}

/** `image-provenance check --format json` in the workspace folder: the built tool the extension ships (dist/cli.js). */
function check(): Promise<{ files: string[]; findings: string[] }> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const home = mkdtempSync(join(tmpdir(), 'image-provenance-check-home-'));
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: join(home, 'docker') };
  return new Promise((done, fail) => {
    execFile(process.execPath, [join(extension.extensionPath, 'dist/cli.js'), 'check', '--format', 'json', '--fail-on', 'none'], { cwd: folder, env, timeout: 60_000 }, (error, stdout, stderr) => {
      // 2: an image could not be looked up, its checks not made. The fixture's images the test registry lacks fall
      // through to Docker Hub, out of reach here; the Problems panel shows nothing of them either.
      if (error && (error.code !== 2 || !/could not be looked up, so not every check was made\n$/.test(stderr))) return fail(new Error(`check failed (${String(error.code)}): ${stderr}`));
      const out = JSON.parse(stdout) as { files: string[]; findings: CliFinding[] };
      done({ files: out.files.sort(), findings: out.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.check}: ${f.message}`).sort() });
    });
  });
}

describe('checks in the Problems panel', function () {
  this.timeout(120_000);
  const created: vscode.Uri[] = [];

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await deleteIndexed(await api(), created);
  });

  it('publishes hints for open files only; warnings and errors for every file', async () => {
    const a = await api();
    const older = seeded().outdated['node:22-slim']!.digest;
    const uri = workspaceUri('checks-hints.Dockerfile');
    created.push(uri);
    await createIndexed(a, uri, `FROM node:22-slim AS unpinned\nFROM node:22-slim@${older} AS stale\n`);
    a.resolver.request([ref('node:22-slim'), ref(`node:22-slim@${older}`)]);
    await a.resolver.whenIdle();
    const codes = () => vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line} ${String(d.code)} ${SEVERITY[d.severity]}`).sort();
    await eventually(() => codes().length > 0, 'the stale pin of a file no editor shows', SLOW);
    assert.deepEqual(codes(), ['1 stale-pin warning']);
    await vscode.window.showTextDocument(uri);
    await eventually(() => codes().length === 2, 'the hint once the file is open', SLOW);
    assert.deepEqual(codes(), ['0 unpinned hint', '1 stale-pin warning']);
    // Closed, its hints go with it (VS Code closes the document once no editor shows it).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => codes().length === 1, 'the hint to go once the file is closed', SLOW);
    assert.deepEqual(codes(), ['1 stale-pin warning']);
  });

  it('image-provenance check lists exactly what the Problems panel shows, on the same workspace', async () => {
    const a = await api();
    // Every build file shown in turn: open, its hints show; shown, its images are looked up.
    const files = a.index.files().map((f) => vscode.Uri.parse(f.path)).filter((uri) => uri.scheme === 'file');
    for (const uri of files) {
      await vscode.window.showTextDocument(uri, { preview: false });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await a.resolver.whenIdle();
    }
    const cli = await check();
    assert.deepEqual(cli.files, files.map((uri) => vscode.workspace.asRelativePath(uri, false)).sort());
    assert.ok(cli.findings.length > 0, 'the fixture workspace has problems to show');
    try {
      await eventually(() => JSON.stringify(panel(files)) === JSON.stringify(cli.findings), 'the Problems panel to list what check lists', SLOW);
    } catch {
      assert.deepEqual(panel(files), cli.findings);
    }
  });
});
