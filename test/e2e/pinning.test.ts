// UI test of pinning, as a new user tries it on the sample workspace: click a CodeLens, see the verified
// digest appear, undo it; update a stale pin in one click; then "Pin all in workspace" and check, on disk,
// that every pinnable image got the digest the registry serves for its tag and nothing else changed.
// And the promise of issue 14 on the same copy of examples/: the command-line tool (dist/cli.js, as a process)
// lists exactly the problems the Problems panel shows, and its `pin --dry-run` is the diff Pin All writes.
// Needs `npm run package` first (scripts/test.mjs does it).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { commitOf } from '../host/demoAttestations';
import { runCli, type CliFinding } from '../registry/cliRun';
import { sarifSchemaErrors } from '../registry/sarifSchema';
import { ACTIVITY_BAR_ITEM, openFile, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

describe('Pinning in the browser', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  /** The sample files as they are in the repository, before any test touched them. */
  const original = (relative: string) => readFileSync(resolve('examples', relative), 'utf8');
  const onDisk = (relative: string) => readFileSync(join(workbench.workspace, relative), 'utf8');
  /** The digest the demo registry serves for a tag, as computed while seeding it. */
  const digestOf = (image: string): string => {
    const served = workbench.registry.images.find((i) => i.image === image);
    assert.ok(served, `the demo registry does not serve ${image}`);
    return served.digest;
  };

  before(async () => {
    workbench = await openWorkbench('e2e-pin');
    page = workbench.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await reportFailure(workbench, this.currentTest.title);
  });

  after(async () => {
    await workbench?.close();
  });

  /** The built command-line tool in the workspace copy, with the copy's settings and no Docker credentials. */
  const cli = (...args: string[]) => runCli(workbench.workspace, workbench.scratch, args, { DOCKER_CONFIG: join(workbench.scratch, 'no-docker-config') });

  const finding = (f: CliFinding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.check}: ${f.message}`;

  /**
   * Our rows of the Problems panel, as `file:line:column severity check: message`, sorted. Read from what VS Code
   * draws (microsoft/vscode, markers/browser/markersTreeViewer.ts: a file's row with its label, then its markers'
   * rows: the severity in the icon's class, the message, the source, the code and "[Ln l, Col c]"). The panel is
   * maximized while it is read: its list draws only the rows it has room for.
   */
  async function problemsPanel(): Promise<string[] | undefined> {
    type Element = { getAttribute(name: string): string | null; querySelector(selector: string): { textContent: string | null; className: string } | null };
    const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((elements: Element[]) =>
      elements.map((e) => {
        const text = (selector: string) => e.querySelector(selector)?.textContent ?? '';
        const icon = e.querySelector('.marker-icon')?.className;
        return { index: Number(e.getAttribute('data-index')), name: text('.label-name'), folder: text('.label-description'), icon, message: text('.marker-message'), source: text('.marker-source'), code: text('.marker-code'), at: text('.marker-line') };
      }),
    );
    const drawn = await page.locator('.markers-panel .monaco-list-rows').evaluate((e: { style: { height: string } }) => e.style.height);
    // Every row drawn (22 px each, markersTreeViewer.ts VirtualDelegate): not so while the list is laid out again.
    if (`${rows.length * 22}px` !== drawn) return undefined;
    const severity: Record<string, string> = { error: 'error', warning: 'warning', info: 'information' };
    let file = '';
    const shown: string[] = [];
    for (const row of rows.sort((a, b) => a.index - b.index)) {
      if (row.icon === undefined) file = row.folder ? `${row.folder}/${row.name}` : row.name;
      else if (row.source === 'Image Provenance') {
        const [, line, column] = /\[Ln (\d+), Col (\d+)\]/.exec(row.at) ?? [];
        // The icon's classes: `marker-icon`, the severity, and `quickFix` while the pointer is on a row that has one.
        const level = row.icon.split(' ').find((c) => c in severity);
        shown.push(`${file}:${line}:${column} ${level && severity[level]} ${row.code}: ${row.message}`);
      }
    }
    return shown.sort();
  }

  /** Waits until the Problems panel shows `expected` (the registry's answers arrive one by one), and says what it shows if it never does. */
  async function panelShows(expected: readonly string[]): Promise<void> {
    await runCommand(page, 'View: Toggle Maximized Panel');
    try {
      let shown: string[] | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && JSON.stringify((shown = await problemsPanel())) !== JSON.stringify(expected)) await page.waitForTimeout(500);
      assert.ok(shown, 'the Problems panel never drew all its rows at once');
      assert.deepEqual(shown, expected);
    } finally {
      await runCommand(page, 'View: Toggle Maximized Panel');
    }
  }

  it('image-provenance check lists exactly what the Problems panel shows, fails on it when asked, and writes valid SARIF', async () => {
    // The worst default finding of the sample is a warning (web/Dockerfile's stale pin): --fail-on error passes,
    // --fail-on warning fails. Both run while the workbench shows the Images view, which looks up every image of
    // the workspace as `check` does: the panel then has every file's findings.
    const runs = Promise.all([cli('check', '--format', 'json', '--fail-on', 'error'), cli('check', '--format', 'sarif', '--fail-on', 'warning')]);
    await page.locator(ACTIVITY_BAR_ITEM).first().click();
    await runCommand(page, 'Focus on Problems View');
    const [json, sarif] = await runs;
    assert.equal(json.code, 0, json.stderr);
    const findings = (JSON.parse(json.stdout) as { findings: CliFinding[] }).findings;
    // VS Code's Problems panel never lists hints (markersTreeViewer.ts, Filter.filterMarker: errors, warnings and
    // infos only), and the extension publishes them for open files only; `check` lists them all. By default the
    // sample's hints are its unpinned images: they are compared below at the information level, which both list.
    const hints = findings.filter((f) => f.severity === 'hint');
    assert.deepEqual([...new Set(hints.map((f) => f.check))], ['unpinned']);
    const listed = findings.filter((f) => f.severity !== 'hint').map(finding).sort();
    assert.ok(listed.some((f) => f.startsWith('web/Dockerfile:6:32 warning stale-pin: Stale pin: the tag node:22-alpine now points to')), listed.join('\n'));

    // The SARIF run failed on that stale pin; its log validates and carries the same findings.
    assert.equal(sarif.code, 1, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    assert.equal(sarifSchemaErrors(log), '');
    const results = log.runs[0]!.results.map((r) => ({ ...r.locations[0]!.physicalLocation, check: r.ruleId }));
    assert.deepEqual(
      results.map((r) => `${r.artifactLocation.uri}:${r.region.startLine}:${r.region.startColumn} ${r.check}`),
      findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.check}`),
    );

    try {
      await panelShows(listed);
      await compareAtInformationLevel(findings);
      await panelShows(listed);
    } finally {
      await runCommand(page, 'View: Hide Panel');
    }
  });

  /** The unpinned images at the information level: every finding is then one the panel lists, open file or not. */
  async function compareAtInformationLevel(findings: readonly CliFinding[]): Promise<void> {
    const settings = join(workbench.workspace, '.vscode/settings.json');
    const saved = readFileSync(settings, 'utf8');
    writeFileSync(settings, saved.replace('{', '{\n  "imageProvenance.checks.severity": { "unpinned": "information" },'));
    try {
      const information = await cli('check', '--format', 'json', '--fail-on', 'note');
      assert.equal(information.code, 1, information.stderr);
      const all = (JSON.parse(information.stdout) as { findings: CliFinding[] }).findings;
      assert.deepEqual(all.map((f) => f.severity === 'information' ? { ...f, severity: 'hint' } : f), findings, 'the same findings, the hints now information');
      await panelShows(all.map(finding).sort());
    } finally {
      writeFileSync(settings, saved);
    }
  }

  // A lens that runs a command is a link; one that only informs ("pinned, current") is plain text.
  const lens = (title: string) => page.locator('.monaco-editor .codelens-decoration > *', { hasText: title });

  /**
   * Clicks the lens `title` above 1-based `line` once it is a link: a file opened again first shows the lenses VS
   * Code cached, as plain text, until its provider answers. If `effect` has not shown within 5 s while the lens is
   * still there, runs it from the keyboard ("Show CodeLens Commands for Current Line" on that line), as a keyboard
   * user does. `effect` must still show.
   */
  async function clickLens(title: string, line: number, effect: Locator): Promise<void> {
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: title }).click();
    await effect.waitFor({ timeout: 5_000 }).catch(async () => {
      if (!(await lens(title).isVisible())) return effect.waitFor({ timeout: 25_000 });
      await page.keyboard.press('Control+G');
      await page.keyboard.type(`${line}`);
      await page.keyboard.press('Enter');
      await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
      await runCommand(page, 'Show CodeLens Commands for Current Line');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: title.replace(/^\$\([\w-]+\)\s*/, '') }).first().click();
      return effect.waitFor({ timeout: 25_000 });
    });
  }

  /**
   * Saves the active editor and waits until the file on disk is `expected`. Only whole text counts: VS Code
   * writes a file by truncating it first, and a read in between sees it empty or in part.
   */
  async function saveAndWait(relative: string, expected: string): Promise<void> {
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && onDisk(relative) !== expected) await new Promise((r) => setTimeout(r, 200));
    assert.equal(onDisk(relative), expected, `${relative} on disk`);
  }

  it('pins from the CodeLens to the verified digest, keeping the spelling, and undoes to the same bytes', async () => {
    // tools.Dockerfile pulls one image: `from alpine:3.20 as Tools` (lowercase, backtick escape).
    await openFile(page, 'tools/tools.Dockerfile');
    const alpine = digestOf('alpine:3.20');
    await lens('Pin digest').first().waitFor({ timeout: 60_000 });
    assert.equal(await lens('Pin digest').count(), 1);
    const line = original('tools/tools.Dockerfile').split('\n').findIndex((l) => l.startsWith('from alpine:3.20')) + 1;
    await clickLens('Pin digest', line, page.locator('.monaco-editor .view-lines', { hasText: `alpine:3.20@${alpine}` }));
    // The lens now says the pin is current, and the file on disk holds the pin with `from` and `as Tools` as written.
    await lens('pinned, current').waitFor({ timeout: 30_000 });
    await saveAndWait('tools/tools.Dockerfile', original('tools/tools.Dockerfile').replace('from alpine:3.20 as Tools', `from alpine:3.20@${alpine} as Tools`));

    // One undo step takes it back, byte for byte.
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Z');
    await lens('Pin digest').waitFor({ timeout: 30_000 });
    await saveAndWait('tools/tools.Dockerfile', original('tools/tools.Dockerfile'));
  });

  /**
   * Puts the cursor inside `image` on the first line of `relative` that has `lineWith` (Go to Line takes
   * 1-based line:column), shows the hover there, and returns our part of it once it holds `wanted`. The hover says
   * the attestations are being read when they take longer than it waits: then it is shown again.
   */
  async function hoverText(relative: string, image: string, wanted: string, lineWith = image): Promise<string> {
    const text = onDisk(relative).split('\n');
    const line = text.findIndex((l) => l.includes(lineWith)) + 1;
    const column = text[line - 1]!.indexOf(image) + 3;
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${column}` }).waitFor();
    // The hover may hold a problem's hover too; ours is the part that says which registry answered.
    const hover = page.locator('.monaco-hover .hover-row:visible, .monaco-hover .hover-contents:visible').filter({ hasText: 'Answered by' }).last();
    const deadline = Date.now() + 60_000;
    for (;;) {
      await runCommand(page, 'Show or Focus Hover');
      await hover.waitFor({ timeout: 30_000 });
      // The hover writes registry text with non-breaking spaces (it goes in as text, not Markdown).
      const shown = (await hover.innerText()).replace(/\u00a0/g, ' ');
      if (shown.includes(wanted) || !shown.includes('Reading the attestations') || Date.now() > deadline) return shown;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }

  it('says in a hover where the tag points now and that the pin in web/Dockerfile is stale', async () => {
    await openFile(page, 'web/Dockerfile');
    await lens('Update pin').waitFor({ timeout: 60_000 });
    const shown = await hoverText('web/Dockerfile', 'node:22-alpine', 'The tag points to', 'node:22-alpine@');
    assert.ok(shown.includes(`The tag points to ${digestOf('node:22-alpine')}`), shown);
    assert.ok(shown.includes(`Pinned here to ${workbench.registry.outdated.digest.slice(7, 19)}: stale, the tag has moved.`), shown);
    await page.locator('.monaco-hover').getByRole('link', { name: 'Update pin' }).waitFor();
    await page.keyboard.press('Escape');
  });

  it('reads in a hover the SLSA v1 mode=max provenance and the SBOM of nginx:1.27-alpine', async () => {
    await openFile(page, 'web/Dockerfile');
    await lens('Pin digest').first().waitFor({ timeout: 60_000 });
    const shown = await hoverText('web/Dockerfile', 'nginx:1.27-alpine', 'Provenance:', 'FROM nginx:1.27-alpine');
    // Worked out from what test/host/demoAttestations.ts seeds for nginx (the first platform that has
    // attestations is linux/amd64): buildx's vcs:source / vcs:revision in buildkit_metadata.vcs, the build's
    // builder-id, finishedOn 90 s after 2026-01-12T08:20:00Z, and the final image's SPDX document (the first;
    // the `sbom-build` stage's comes second): 10 Alpine packages, nginx and pcre2 = 12
    // (syft's root entry, the scanned folder, is what the document describes, not a package); licenses GPL-2.0-only ×4 (alpine-baselayout, -data, apk-tools, busybox), then Apache-2.0
    // ×2 (libcrypto3, libssl3) and MIT ×2 (alpine-keys, musl), ties by name.
    const expected = [
      'Attestations of linux/amd64:',
      `Source: https://github.com/acme/base-images@${commitOf('nginx/1.27/alpine').slice(0, 12)}`,
      'Provenance: SLSA v1, mode=max',
      'Builder: https://github.com/acme/base-images/actions/runs/4103/attempts/1',
      'Built: 2026-01-12T08:21:30Z',
      'SBOM: 12 packages',
      'Top licenses: GPL-2.0-only, Apache-2.0, MIT',
    ];
    for (const line of expected) assert.ok(shown.includes(line), `the hover lacks "${line}":\n${shown}`);
    // The repository and the commit are links to their GitHub pages (github.com/<org>/<repo>/commit/<sha>).
    const commit = commitOf('nginx/1.27/alpine');
    const hrefOf = async (text: string) => {
      const anchor = page.locator('.monaco-hover a').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }).last();
      return (await anchor.getAttribute('data-href')) ?? (await anchor.getAttribute('href'));
    };
    assert.equal(await hrefOf(commit.slice(0, 12)), `https://github.com/acme/base-images/commit/${commit}`);
    assert.equal(await hrefOf('https://github.com/acme/base-images'), 'https://github.com/acme/base-images');
    // mode=max with an SBOM: nothing to explain.
    assert.ok(!shown.includes('mode=min, what Buildx records'), shown);
    await page.keyboard.press('Escape');
  });

  it('explains in a hover why postgres:16-alpine has no attestations', async () => {
    await openFile(page, 'compose.yaml');
    await lens('Pin digest').first().waitFor({ timeout: 60_000 });
    // The demo pushes postgres as one Docker v2 manifest (seedSingle), as the docker driver does: no index.
    const shown = await hoverText('compose.yaml', 'postgres:16-alpine', 'No attestation found', 'image: postgres:16-alpine');
    assert.ok(shown.includes('Attestations:'), shown);
    assert.ok(shown.includes('No attestation found. This is a single image manifest, and BuildKit keeps attestations in an index next to the image: it was built with the docker driver on the classic image store or loaded with --load'), shown);
    assert.ok(!shown.includes('Provenance:') && !shown.includes('SBOM:'), shown);
    await page.keyboard.press('Escape');
  });

  it('reads in a hover the attestations redis:7.4-alpine keeps only as referrers (OCI fallback tag)', async () => {
    await openFile(page, 'compose.yaml');
    await lens('Pin digest').first().waitFor({ timeout: 60_000 });
    // test/host/demoRegistry.ts: redis's index lists no attestation manifest; BuildKit's OCI-artifact form is
    // reachable only as a referrer (the registry has no referrers API: the `sha256-<hex>` fallback tag). It holds
    // SLSA v1 mode=min and a syft SPDX document of the 10 Alpine packages and redis = 11 packages.
    const shown = await hoverText('compose.yaml', 'redis:7.4-alpine', 'Provenance:', 'image: redis:7.4-alpine');
    for (const line of ['Attestations of linux/amd64:', 'Provenance: SLSA v1, mode=min', 'SBOM: 11 packages']) assert.ok(shown.includes(line), `the hover lacks "${line}":\n${shown}`);
    assert.ok(shown.includes('mode=min, what Buildx records'), shown);
    await page.keyboard.press('Escape');
  });

  it('flags the stale pin in web/Dockerfile and updates it in one click, keeping the flags and stage name', async () => {
    // The sample pins node:22-alpine to an older build the demo registry still serves by digest.
    const outdated = workbench.registry.outdated;
    assert.equal(outdated.image, 'node:22-alpine');
    assert.ok(original('web/Dockerfile').includes(`node:22-alpine@${outdated.digest}`), 'examples/web/Dockerfile pins the demo registry\'s older node:22-alpine build');
    await openFile(page, 'web/Dockerfile');
    await lens('Update pin').waitFor({ timeout: 60_000 });
    // The squiggle's hover says what moved.
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
    const current = digestOf('node:22-alpine');
    const line = original('web/Dockerfile').split('\n').findIndex((l) => l.includes(`node:22-alpine@${outdated.digest}`)) + 1;
    await clickLens('Update pin', line, page.locator('.monaco-editor .view-lines', { hasText: `node:22-alpine@${current}` }));
    const updated = original('web/Dockerfile').replace(`node:22-alpine@${outdated.digest}`, `node:22-alpine@${current}`);
    assert.match(updated, new RegExp(`^FROM --platform=\\$BUILDPLATFORM node:22-alpine@${current} AS build$`, 'm'));
    await saveAndWait('web/Dockerfile', updated);
  });

  it('says in the platform pick, in full, what pinning one platform means', async () => {
    await openFile(page, 'web/Dockerfile');
    // The cursor on `FROM nginx:1.27-alpine` (Go to Line takes 1-based numbers).
    const line = original('web/Dockerfile').split('\n').indexOf('FROM nginx:1.27-alpine') + 1;
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
    await runCommand(page, 'Image Provenance: Pin to Platform Digest…');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.quick-input-title', { hasText: 'Pin nginx:1.27-alpine to the image of one platform' }).waitFor({ timeout: 60_000 });
    const detail = pick.getByText('Builds for any other platform would pull this linux/amd64 image too.');
    await detail.waitFor();
    // Nothing on the way up to the row is cut off (a placeholder was: it is as wide as the input box).
    type Box = { scrollWidth: number; clientWidth: number; className: string; parentElement: Box | null; classList: { contains(name: string): boolean } };
    const cut = await detail.evaluate((element: Box) => {
      const clipped: string[] = [];
      for (let e: Box | null = element; e && !e.classList.contains('monaco-list-row'); e = e.parentElement) if (e.scrollWidth > e.clientWidth + 1) clipped.push(e.className);
      return clipped;
    });
    assert.deepEqual(cut, []);
    await page.keyboard.press('Escape');
    await pick.waitFor({ state: 'hidden' });
  });

  it('pins every pinnable image of the workspace with "Pin All in Workspace", and nothing else; pin --dry-run showed that diff', async () => {
    // The command line's dry run first, on the files as Pin All finds them.
    const before = join(workbench.scratch, 'before-pin-all');
    cpSync(workbench.workspace, before, { recursive: true });
    const dryRun = await cli('pin', '--dry-run');
    assert.equal(dryRun.code, 0, dryRun.stderr);
    await runCommand(page, 'Image Provenance: Pin All in Workspace');
    // api 1, web 2 (its stale pin was updated above, so it is current), worker 3, tools 1, compose 3, bake 1.
    await page.locator('.notifications-toasts', { hasText: /Pinned 11 images in 6 files/ }).waitFor({ timeout: 90_000 });
    await runCommand(page, 'File: Save All');

    // Worked out by hand from examples/: each pinnable image, where its digest goes.
    const pin = (image: string) => `${image}@${digestOf(image)}`;
    const expected: Record<string, [string, string][]> = {
      // `from=alpine:3.20` stays: compose.yaml's api replaces it by the named context "alpine:3.20", which
      // BuildKit matches against the reference as written (dockerui NamedContext).
      'api/Dockerfile': [['FROM gcr.io/distroless/static-debian12:nonroot', `FROM ${pin('gcr.io/distroless/static-debian12:nonroot')}`]],
      'web/Dockerfile': [
        ['# syntax=docker/dockerfile:1.10', `# syntax=${pin('docker/dockerfile:1.10')}`],
        [`node:22-alpine@${workbench.registry.outdated.digest}`, pin('node:22-alpine')],
        ['FROM nginx:1.27-alpine', `FROM ${pin('nginx:1.27-alpine')}`],
      ],
      // BASE_IMAGE feeds only `FROM ${BASE_IMAGE} AS base`: the pin goes into the ARG's default.
      'worker/Dockerfile.dev': [
        ['# syntax=docker/dockerfile:1.10', `# syntax=${pin('docker/dockerfile:1.10')}`],
        ['ARG BASE_IMAGE=python:3.12-slim', `ARG BASE_IMAGE=${pin('python:3.12-slim')}`],
        ['COPY --from=node:22-slim ', `COPY --from=${pin('node:22-slim')} `],
      ],
      'tools/tools.Dockerfile': [['from alpine:3.20 as Tools', `from ${pin('alpine:3.20')} as Tools`]],
      'compose.yaml': [
        ['"alpine:3.20": docker-image://alpine:3.20', `"alpine:3.20": docker-image://${pin('alpine:3.20')}`],
        ['image: postgres:16-alpine', `image: ${pin('postgres:16-alpine')}`],
        ['image: redis:7.4-alpine', `image: ${pin('redis:7.4-alpine')}`],
      ],
      'docker-bake.hcl': [['"docker-image://golang:1.23-alpine"', `"docker-image://${pin('golang:1.23-alpine')}"`]],
    };
    for (const [file, replacements] of Object.entries(expected)) {
      let want = original(file);
      for (const [from, to] of replacements) {
        assert.equal(want.split(from).length, 2, `"${from}" occurs once in ${file}`);
        want = want.replace(from, to);
      }
      const deadline = Date.now() + 15_000;
      while (onDisk(file) !== want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(onDisk(file), want, file);
    }

    // The dry run's diff, applied to the files as they were (git apply: exact context, no fuzz), gives every
    // file as Pin All left it, byte for byte, and touches no other file.
    execFileSync('git', ['apply', '--whitespace=nowarn', '-'], { cwd: before, input: dryRun.stdout });
    const files = (root: string) => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
    assert.deepEqual(files(before), files(workbench.workspace));
    for (const file of files(before)) assert.equal(readFileSync(join(before, file), 'utf8'), onDisk(file), `${file}: pin --dry-run's diff applied, against what Pin All wrote`);
  });
});
