// UI test of the attestation panel, as a new user opens it on the sample workspace: Show Attestations for Image…
// for nginx:1.27-alpine, then the Overview read inside the webview (code-server nests a webview's page in two
// iframes), a platform switched with the keyboard, and the page's CSP checked. Needs `npm run package` first
// (scripts/test.mjs does it).

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { commitOf, DEMO_SOURCE } from '../host/demoAttestations';
import { activeWebview, ACTIVITY_BAR_ITEM, clickOrEnter, cspRefusals, openFile, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

describe('Attestation panel in the browser', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  let refusals: string[] = [];

  before(async () => {
    workbench = await openWorkbench('e2e-panel');
    page = workbench.page;
    refusals = cspRefusals(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await reportFailure(workbench, this.currentTest.title);
  });

  after(async () => {
    await workbench?.close();
  });
  const webview = (): FrameLocator => activeWebview(page);

  /** The definitions of the first `dl` of a part of the panel, as `term: value` lines. */
  async function facts(panel: FrameLocator, section: string): Promise<string[]> {
    const list = panel.locator(section).locator('dl.facts').first();
    const terms = await list.locator('dt').allTextContents();
    const values = await list.locator('dd').allInnerTexts();
    return terms.map((term, i) => `${term}: ${values[i] ?? ''}`);
  }

  it('shows the Overview of nginx:1.27-alpine: SLSA v1 mode=max provenance and both SPDX documents of linux/amd64', async () => {
    // The extension's contributions are in once its activity bar item shows: then the palette lists its commands.
    await page.locator(ACTIVITY_BAR_ITEM).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Show Attestations for Image');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor();
    await input.fill('nginx:1.27-alpine');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'Attestations: nginx:1.27-alpine' }).waitFor({ timeout: 30_000 });

    const panel = webview();
    await panel.locator('h2', { hasText: 'linux/amd64' }).waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('h1').innerText(), 'nginx:1.27-alpine');
    const digest = workbench.registry.images.find((i) => i.image === 'nginx:1.27-alpine')?.digest;
    assert.ok(digest);
    assert.ok((await facts(panel, 'header')).some((line) => line.startsWith(`Index digest: ${digest}`)), (await facts(panel, 'header')).join('\n'));

    // Worked out from what test/host/demoAttestations.ts seeds for nginx (as the hover test in pinning.test.ts):
    // buildx's vcs:source / vcs:revision, the build's builder-id, finishedOn 90 s after 2026-01-12T08:20:00Z,
    // SLSA v1 with build steps (mode=max); two SPDX documents, the final image first (10 Alpine packages, nginx
    // and pcre2 = 12; syft's root entry is what the document describes, not a package), then the `sbom-build`
    // stage's (build-base, gcc, make, musl-dev = 4).
    const platform = await facts(panel, 'section.platform');
    assert.ok(platform.includes(`Source: ${DEMO_SOURCE}@${commitOf('nginx/1.27/alpine')}`), platform.join('\n'));
    // The image config's created time (test/registry/harness/imageContent.ts platformImage writes every demo image's).
    assert.ok(platform.includes('Created: 2026-01-01T00:00:00Z'), platform.join('\n'));
    const provenance = await facts(panel, 'section.provenance');
    for (const line of ['Provenance: SLSA v1, mode=max', 'Builder: https://github.com/acme/base-images/actions/runs/4103/attempts/1', 'Built: 2026-01-12T08:21:30Z']) {
      assert.ok(provenance.includes(line), `no "${line}" in:\n${provenance.join('\n')}`);
    }
    const sboms = await panel.locator('section.sboms li').allInnerTexts();
    assert.equal(sboms.length, 2, sboms.join('\n'));
    assert.ok(sboms[0]!.startsWith('12 packages: SPDX-2.3, the final image'), sboms[0]);
    assert.ok(sboms[1]!.startsWith('4 packages: SPDX-2.3, the build stage "build", scanned as well'), sboms[1]);
    // mode=max with an SBOM: nothing to explain.
    assert.equal(await panel.locator('section.notes').count(), 0);
  });

  it('switches to another platform from the keyboard', async () => {
    const panel = webview();
    const select = panel.locator('select#platform');
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await panel.locator('h2', { hasText: 'linux/arm64/v8' }).waitFor();
    assert.equal(await select.locator('option:checked').textContent(), 'linux/arm64/v8');
    const sboms = await panel.locator('section.sboms li').allInnerTexts();
    assert.ok(sboms[0]!.startsWith('12 packages: SPDX-2.3, the final image'), sboms.join('\n'));
  });

  it('runs under a nonce CSP that refuses everything else, with nothing refused and no inline style', async () => {
    const panel = webview();
    const csp = await panel.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    // Styles, fonts and images only from the webview's own resource origins (webview.cspSource), the same three.
    assert.match(csp ?? '', /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/]{24}'; style-src ([^;]+); font-src \1; img-src \1$/);
    assert.equal(await panel.locator('#root [style]').count(), 0);
    assert.deepEqual(refusals, []);
  });

  it('Provenance: the builder, the source and the base image of nginx:1.27-alpine (linux/arm64/v8), as the build recorded them', async () => {
    // test/host/demoAttestations.ts slsa1Max: buildx's vcs:source / vcs:revision hint, the workflow run as builder id,
    // the # syntax frontend (docker/dockerfile:1.10), the base image alpine:3.20 for the target platform (util/purl
    // RefToPURL: arm64's v8 dropped) and the SBOM scanner for the builder's platform; mode=max keeps the build args.
    await webview().locator('vscode-tab-header[data-tab="provenance"]').click();
    const tab = webview().locator('.provenance-tab');
    await tab.locator('button.link', { hasText: `${DEMO_SOURCE}` }).first().waitFor({ timeout: 30_000 });
    const lines = await facts(webview(), '.provenance-tab');
    for (const line of [
      'Builder: https://github.com/acme/base-images/actions/runs/4103/attempts/1',
      `Source: ${DEMO_SOURCE} (as the client said (vcs:source, not checked by BuildKit))`,
      `Commit: ${commitOf('nginx/1.27/alpine')}`,
      'Frontend: gateway.v0',
      '# syntax frontend image: docker/dockerfile:1.10',
    ]) {
      assert.ok(lines.includes(line), `no "${line}" in:\n${lines.join('\n')}`);
    }
    const buildArgs = await tab.locator('section', { hasText: 'Build arguments' }).locator('dd').allInnerTexts();
    assert.deepEqual(buildArgs, ['true', '1.27.3']);
    const materials = await tab.locator('li.material').allInnerTexts();
    assert.equal(materials.length, 3, materials.join('\n---\n'));
    assert.match(materials[0]!, /pkg:docker\/docker\/dockerfile@1\.10\?platform=linux%2Famd64[\s\S]*# syntax frontend: ran the build, not a base image/);
    assert.match(materials[1]!, /pkg:docker\/alpine@3\.20\?platform=linux%2Farm64[\s\S]*pulled by the build/);
    assert.match(materials[2]!, /pkg:docker\/docker\/buildkit-syft-scanner@stable-1[\s\S]*SBOM scanner: ran the build, not a base image/);
    const alpine = workbench.registry.images.find((i) => i.image === 'alpine:3.20');
    assert.ok(materials[1]!.includes(alpine!.platformDigests['linux/arm64/v8']!), materials[1]);
    // The README's picture of the Provenance tab (`npm run screenshots` copies it into docs/images/).
    await page.screenshot({ path: resolve('out/screenshots/panel-provenance.png') });
  });

  it('Provenance: the raw statement, asked for on open, as a tree whose nodes open from the keyboard', async () => {
    const tab = webview().locator('.provenance-tab');
    await tab.locator('details.raw-statement > summary').click();
    const tree = tab.locator('.json-tree');
    await tree.waitFor({ timeout: 30_000 });
    // The statement's top level is open: in-toto v1 (moby/buildkit exporter/attestation/make.go).
    assert.ok((await tree.locator(':scope > details > .j-children > .j-leaf').allInnerTexts()).includes('"predicateType": "https://slsa.dev/provenance/v1"'));
    // The node whose own summary names the predicate (not the statement's node, which holds that summary too).
    const predicate = tree.locator('details.j-node', { has: page.locator(':scope > summary', { hasText: '"predicate": {2}' }) });
    assert.equal(await predicate.getAttribute('open'), null);
    await predicate.locator('summary').first().focus();
    await page.keyboard.press('Enter');
    await predicate.locator('summary', { hasText: '"buildDefinition"' }).first().waitFor();
    assert.equal(await predicate.getAttribute('open'), '');
  });

  it('comes back after Reload Window on the platform and tab it showed (its page kept them; the serializer reads them)', async () => {
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.tabs-container .tab.active', { hasText: 'Attestations: nginx:1.27-alpine' }).waitFor({ timeout: 60_000 });
    const panel = webview();
    await panel.locator('vscode-tab-header[data-tab="provenance"][aria-selected="true"]').waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('select#platform option:checked').textContent(), 'linux/arm64/v8');
    await panel.locator('.provenance-tab li.material', { hasText: 'pkg:docker/alpine@3.20' }).waitFor({ timeout: 30_000 });
  });

  it('Provenance: a base image opens its own panel at the digest the build used, on the platform it was', async () => {
    const alpine = workbench.registry.images.find((i) => i.image === 'alpine:3.20')!;
    await webview().locator('li.material', { hasText: 'pkg:docker/alpine@3.20' }).locator('button.open-image').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Attestations: alpine:3.20' }).waitFor({ timeout: 30_000 });
    const panel = webview();
    // Its tag still names the index holding that manifest: the index's panel, with linux/arm64/v8 chosen.
    await panel.locator('select#platform').waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('select#platform option:checked').textContent(), 'linux/arm64/v8');
    assert.ok((await facts(panel, 'header')).some((line) => line.startsWith(`Index digest: ${alpine.digest}`)));
    await panel.locator('vscode-tab-header[data-tab="provenance"]').click();
    // alpine:3.20 has mode=min provenance of its own (demoRegistry.ts minOnly): said, and explained.
    const tab = panel.locator('.provenance-tab');
    await tab.locator('.not-recorded').first().waitFor({ timeout: 30_000 });
    assert.match(await tab.innerText(), /SLSA v0\.2, mode=min\s*The provenance is mode=min/);
    assert.deepEqual(refusals, []);
  });

  /** The panel of `image` is the active editor, and its page shows the image's header. */
  async function panelOf(image: string): Promise<FrameLocator> {
    await page.locator('.tabs-container .tab.active', { hasText: `Attestations: ${image}` }).waitFor({ timeout: 30_000 });
    const panel = webview();
    await panel.locator('h1', { hasText: image }).waitFor({ timeout: 60_000 });
    return panel;
  }

  it('opens on the SBOM tab from the SBOM line of a hover in compose.yaml, and finds a package by name at once', async () => {
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'compose.yaml');
    // The cursor inside `redis:7.4-alpine` (Go to Line takes 1-based line:column), then the hover there.
    const text = readFileSync(join(workbench.workspace, 'compose.yaml'), 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes('image: redis:7.4-alpine')) + 1;
    const column = text[line - 1]!.indexOf('redis') + 3;
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${column}` }).waitFor();
    // demoRegistry.ts: redis's SPDX document lists the 10 Alpine packages and redis (11), only as referrers of each
    // platform. The hover shows it once the registry has answered: shown again until it does.
    // The hover can also close between showing the link and the click (seen in CI): then it is shown again.
    const link = page.locator('.monaco-hover').getByRole('link', { name: 'SBOM: 11 packages' });
    const opened = page.locator('.tabs-container .tab.active', { hasText: 'Attestations: redis:7.4-alpine' });
    for (let attempt = 1; attempt <= 6; attempt++) {
      await runCommand(page, 'Show or Focus Hover');
      const clicked = await link.click({ timeout: 10_000 }).then(() => true, () => false);
      if (clicked && (await opened.waitFor({ timeout: 10_000 }).then(() => true, () => false))) break;
      await page.keyboard.press('Escape');
    }
    const panel = await panelOf('redis:7.4-alpine');
    // On the SBOM tab, the platform the hover read (the first with attestations: linux/amd64).
    await panel.locator('vscode-tab-header[data-tab="sbom"][aria-selected="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('select#platform option:checked').textContent(), 'linux/amd64');
    await panel.locator('.grid-packages[data-shown="11"]').waitFor({ timeout: 60_000 });
    await panel.locator('.sbom-search').fill('redis');
    await panel.locator('.grid-packages[data-shown="1"] .grid-row:not([hidden])', { hasText: '7.4.2' }).waitFor();
    // Where it came from and the base image it was built on: mode=min still records the source and the materials
    // (demoRegistry.ts: redis/7.4/alpine of the demo's source repository, on alpine:3.20).
    await panel.locator('vscode-tab-header[data-tab="provenance"]').click();
    const base = panel.locator('.provenance-tab li.material', { hasText: 'pkg:docker/alpine@3.20' });
    await base.waitFor({ timeout: 30_000 });
    assert.match(await base.innerText(), /pulled by the build/);
    const provenance = await facts(panel, '.provenance-tab');
    assert.ok(provenance.includes(`Commit: ${commitOf('redis/7.4/alpine')}`), provenance.join('\n'));
    assert.ok(provenance.some((line) => line.startsWith(`Source: ${DEMO_SOURCE}`)), provenance.join('\n'));
    // The Overview says where it came from: SLSA v1 mode=min provenance, stored as a referrer.
    await panel.locator('vscode-tab-header[data-tab="overview"]').click();
    assert.ok((await facts(panel, 'section.provenance')).includes('Provenance: SLSA v1, mode=min'));
  });

  it('opens from an image row of the Images view, and explains why its provenance says so little', async () => {
    await runCommand(page, 'View: Close All Editors');
    await page.locator(ACTIVITY_BAR_ITEM).first().click();
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Images/i }) });
    await page.locator('.part.sidebar .composite.title').hover();
    await page.locator('.part.sidebar [aria-label^="Collapse All"]').first().click();
    // api/Dockerfile → stage 0 (build) → golang:1.23-alpine: each row opened by its twistie if it is closed.
    for (const [level, label] of [['1', 'api'], ['2', 'stage 0']] as const) {
      const row = view.locator(`.monaco-list-row[aria-level="${level}"]`, { hasText: label }).first();
      await row.waitFor({ timeout: 60_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
    }
    const image = view.locator('.monaco-list-row[aria-level="3"]', { hasText: 'golang:1.23-alpine' }).first();
    await image.waitFor({ timeout: 30_000 });
    await view.locator('.monaco-progress-container.active').waitFor({ state: 'hidden', timeout: 60_000 });
    await image.click({ button: 'right' });
    await clickOrEnter(page, page.getByRole('menuitem', { name: 'Show Attestations for Image' }), page.locator('.tabs-container .tab.active', { hasText: 'Attestations: golang:1.23-alpine' }));
    const panel = await panelOf('golang:1.23-alpine');
    // demoRegistry.ts: golang carries SLSA v0.2 mode=min provenance (buildx's default) and an SPDX SBOM; the
    // Overview says what mode=min leaves out (messages.ts, provenanceMin).
    const notes = panel.locator('section.notes li');
    await notes.first().waitFor({ timeout: 60_000 });
    assert.match((await notes.allInnerTexts()).join('\n'), /The provenance is mode=min, what Buildx records unless told otherwise/);
  });

  it('follows the colour theme: its text and its license chart take their colours from VS Code’s theme, light and dark', async () => {
    const panel = webview();
    await panel.locator('vscode-tab-header[data-tab="sbom"]').click();
    const bar = panel.locator('.license-chart .series-0 .bar');
    await bar.waitFor({ timeout: 60_000 });
    // What the page shows, next to what the theme says (VS Code sets its colours on the page as --vscode-* variables).
    const colours = () =>
      bar.evaluate((rect: ThemedElement) => {
        const view = rect.ownerDocument.defaultView;
        const body = view.getComputedStyle(rect.ownerDocument.body);
        return { kind: rect.ownerDocument.body.className, text: body.color, foreground: body.getPropertyValue('--vscode-foreground'), bar: view.getComputedStyle(rect).fill, chart: body.getPropertyValue('--vscode-charts-blue') };
      });
    const light = await colours();
    assert.match(light.kind, /vscode-light/);
    assert.deepEqual([light.text, light.bar], [rgb(light.foreground), rgb(light.chart)]);

    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    await page.locator('.quick-input-widget input[type="text"]').waitFor();
    await page.keyboard.type('Dark Modern');
    const first = page.locator('.quick-input-widget .monaco-list-row').first();
    for (let i = 0; i < 50 && !(await first.innerText().catch(() => '')).includes('Dark Modern'); i++) await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await panel.locator('body.vscode-dark').waitFor({ timeout: 30_000 });
    const dark = await colours();
    assert.deepEqual([dark.text, dark.bar], [rgb(dark.foreground), rgb(dark.chart)]);
    assert.notEqual(dark.text, light.text);
    assert.notEqual(dark.bar, light.bar);
  });
});

/** The slice of the DOM the theme check reads inside the page (this program's type check has no DOM). */
interface ThemedElement {
  readonly ownerDocument: {
    readonly body: { readonly className: string };
    readonly defaultView: { getComputedStyle(element: unknown): { readonly color: string; readonly fill: string; getPropertyValue(name: string): string } };
  };
}

/** `#rrggbb` (a theme colour as VS Code writes it) as the browser's computed `rgb(r, g, b)`. */
function rgb(hex: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  assert.ok(match, `not an opaque #rrggbb colour: "${hex}"`);
  return `rgb(${match.slice(1).map((h) => parseInt(h, 16)).join(', ')})`;
}
