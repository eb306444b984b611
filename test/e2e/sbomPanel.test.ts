// UI test of the attestation panel's SBOM tab in the browser: an image with 3,000 packages (manyPackages, pushed
// to the demo registry beside the sample workspace's images) searched, sorted, filtered by type and by a bar of
// the license chart, a purl copied from the keyboard; nginx:1.27-alpine's two SPDX documents and files, and its
// exports through the save dialog, checked against the official schemas. Needs `npm run package` first
// (scripts/test.mjs does it).

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { manyPackages, syftSpdx } from '../host/demoAttestations';
import { seedImage } from '../registry/harness/seed';
import { schemaErrors } from '../unit/sbomSchemas';
import { activeWebview, ACTIVITY_BAR_ITEM, cspRefusals, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

const PACKAGES = 3000;

describe('Attestation panel SBOM tab in the browser', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  let refusals: string[] = [];

  before(async () => {
    workbench = await openWorkbench('e2e-sbom');
    page = workbench.page;
    refusals = cspRefusals(page);
    // docker.io/library/sbom-demo:1.0 through the workspace's mirror: one platform, one syft SPDX document.
    await seedImage(workbench.registry.url, 'library/sbom-demo', '1.0', {
      platforms: ['linux/amd64'],
      attestationShape: { statements: () => [syftSpdx('sbom', manyPackages(PACKAGES), 'linux/amd64', '2026-01-12T08:00:00Z')] },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await reportFailure(workbench, this.currentTest.title);
  });

  after(async () => {
    await workbench?.close();
  });
  const webview = (): FrameLocator => activeWebview(page);

  async function openSbomTab(image: string): Promise<FrameLocator> {
    await page.locator(ACTIVITY_BAR_ITEM).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Show Attestations for Image');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor();
    await input.fill(image);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: `Attestations: ${image}` }).waitFor({ timeout: 30_000 });
    const panel = webview();
    await panel.locator('vscode-tab-header', { hasText: 'SBOM' }).click({ timeout: 60_000 });
    return panel;
  }

  /** The texts of one column of the rows on screen, top to bottom (the cell's text, not its copy button). */
  async function column(panel: FrameLocator, index: number): Promise<string[]> {
    const rows = await panel
      .locator('.grid-packages .grid-sizer .grid-row:not([hidden])')
      .evaluateAll((elements, c) => elements.map((row) => ({ at: Number(row.getAttribute('data-position')), text: row.children[c]?.firstChild?.textContent ?? '' })), index);
    return rows.sort((a, b) => a.at - b.at).map((r) => r.text);
  }

  it('draws 3,000 packages with a few dozen rows in the page, and finds one by name at once', async () => {
    const panel = await openSbomTab('sbom-demo:1.0');
    const grid = panel.locator('.grid-packages');
    await grid.and(panel.locator(`[data-shown="${PACKAGES}"]`)).waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('.sbom-count').innerText(), '3,000 of 3,000 packages');
    // Virtualized: the page holds the rows on screen and a few more, not 3,000 (counted once the first is drawn:
    // the count above is set with the first window of rows, which are drawn on the next animation frame).
    await panel.locator('.grid-packages .grid-sizer .grid-row:not([hidden])').first().waitFor();
    const drawn = await panel.locator('.grid-packages .grid-sizer .grid-row').count();
    assert.ok(drawn > 10 && drawn < 100, `${drawn} rows in the page`);
    // The README's picture of the SBOM tab (`npm run screenshots` copies it into docs/images/).
    await page.screenshot({ path: resolve('out/screenshots/panel-sbom.png') });

    // manyPackages names package i `${words[7i mod 10]}-${words[3i mod 10]}-${i}`: 2500 is core-core-2500 (pypi).
    await panel.locator('.sbom-search').fill('Core-Core-2500');
    await grid.and(panel.locator('[data-shown="1"]')).waitFor();
    assert.deepEqual(await column(panel, 0), ['core-core-2500']);
    assert.deepEqual(await column(panel, 2), ['pypi']);
    assert.equal(await panel.locator('.sbom-count').innerText(), '1 of 3,000 packages');
    await panel.locator('.sbom-search').fill('');
    await grid.and(panel.locator(`[data-shown="${PACKAGES}"]`)).waitFor();
  });

  it('brings the rows past the first screen in windows as the page asks: the last package is there at the end of the table', async () => {
    const panel = webview();
    const grid = panel.locator('.grid-packages');
    await grid.and(panel.locator('[data-complete="true"]')).waitFor({ timeout: 60_000 });
    await grid.focus();
    await page.keyboard.press('End');
    // manyPackages: 2999 ≡ 5 mod 6 is a Go module, `github.com/acme/${words[2999 mod 10]}-2999`, words[9] being log.
    await panel.locator('.grid-packages .grid-row.focused', { hasText: 'github.com/acme/log-2999' }).waitFor();
    assert.equal((await column(panel, 0)).at(-1), 'github.com/acme/log-2999');
    await page.keyboard.press('Home');
  });

  it('sorts by name both ways, and says so on the column header', async () => {
    const panel = webview();
    const name = panel.locator('.grid-packages [role="columnheader"]').first();
    await name.locator('button').click();
    assert.equal(await name.getAttribute('aria-sort'), 'ascending');
    // manyPackages' words: core utils http json crypto stream parse cli test log. Smallest first word: cli (index 7:
    // 7i ≡ 7 mod 10, so i ≡ 1), then json (3i ≡ 3); 11 is a Go module (i ≡ 5 mod 6). Numbers by value.
    assert.deepEqual((await column(panel, 0)).slice(0, 3), ['cli-json-1', 'cli-json-21', 'cli-json-31']);
    await name.locator('button').click();
    assert.equal(await name.getAttribute('aria-sort'), 'descending');
    // Largest first word: utils (index 1: 7i ≡ 1, so i ≡ 3), then log (3i ≡ 9); 2993 is a Go module: 2983 first.
    assert.deepEqual((await column(panel, 0)).slice(0, 2), ['utils-log-2983', 'utils-log-2973']);
  });

  it('filters by type, copies the focused row’s purl from the keyboard, and filters by a license bar', async () => {
    const panel = webview();
    const grid = panel.locator('.grid-packages');
    await panel.locator('.sbom-filter select').first().selectOption({ label: 'golang' });
    // Every sixth package is a Go module (i ≡ 5 mod 6): 500.
    await grid.and(panel.locator('[data-shown="500"]')).waitFor();
    assert.deepEqual([...new Set(await column(panel, 2))], ['golang']);

    await grid.focus();
    await page.keyboard.press('Home');
    const first = (await column(panel, 5))[0]!;
    assert.match(first, /^pkg:golang\/github\.com\/acme\//);
    await page.keyboard.press('ControlOrMeta+c');
    await page.waitForFunction(`navigator.clipboard.readText().then((text) => text === ${JSON.stringify(first)})`, undefined, { timeout: 10_000 });

    // License i mod 10 of manyPackages' list: MIT for 0 and 1, the largest bar (600 packages); with golang, 100.
    await panel.locator('.license-chart .pickable').first().click();
    assert.equal(await panel.locator('.sbom-filter select').nth(1).locator('option:checked').textContent(), 'MIT');
    await grid.and(panel.locator('[data-shown="100"]')).waitFor();
    await panel.locator('.sbom-filter select').first().selectOption({ label: 'Any type' });
    await grid.and(panel.locator('[data-shown="600"]')).waitFor();
    // No element carries a style of its own (an empty `style=""` is what a browser leaves after touching one).
    assert.equal(await panel.locator('#root [style]:not([style=""])').count(), 0);
    assert.deepEqual(refusals, []);
  });

  it('shows nginx:1.27-alpine’s two documents by scope, and the final image’s files', async () => {
    const panel = await openSbomTab('nginx:1.27-alpine');
    const picker = panel.locator('.sbom-picker select');
    await picker.waitFor({ timeout: 60_000 });
    assert.deepEqual(await picker.locator('option').allTextContents(), ['the final image · SPDX-2.3 · 12 packages', 'the build stage "build", scanned as well · SPDX-2.3 · 4 packages']);
    await panel.locator('.grid-packages[data-shown="12"]').waitFor({ timeout: 60_000 });
    // The final image's files carry BuildKit's layerID (demoAttestations: /usr/sbin/nginx, /etc/nginx/nginx.conf).
    const files = panel.locator('details.sbom-files');
    assert.equal(await files.locator('summary').innerText(), 'Files (2)');
    await picker.selectOption({ index: 1 });
    await panel.locator('.grid-packages[data-shown="4"]').waitFor({ timeout: 60_000 });
    assert.deepEqual((await column(panel, 0)).sort(), ['build-base', 'gcc', 'make', 'musl-dev']);
  });

  it('exports the document through the save dialog as SPDX JSON, CycloneDX JSON and CSV, each valid', async () => {
    const panel = webview();
    await panel.locator('.sbom-picker select').selectOption({ index: 0 });
    await panel.locator('.grid-packages[data-shown="12"]').waitFor({ timeout: 60_000 });
    const saved = async (button: string, file: string): Promise<string> => {
      const target = join(workbench.scratch, file);
      await panel.locator('.sbom-exports button', { hasText: button }).click();
      // VS Code's own save dialog in the browser: a path in the quick input, then OK.
      const path = page.locator('.quick-input-widget input[type="text"]');
      await path.waitFor();
      // It offers the image, platform and scope as the file's name (the dialog fills in the folder first).
      const offered = /nginx-1\.27-alpine-linux-amd64-image\.(spdx\.json|cdx\.json|csv)$/;
      for (let i = 0; i < 50 && !offered.test(await path.inputValue()); i++) await page.waitForTimeout(200);
      assert.match(await path.inputValue(), offered);
      await path.fill(target);
      await page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();
      await page.locator('.notification-toast', { hasText: `Exported the SBOM to ${target}` }).waitFor({ timeout: 30_000 });
      assert.ok(existsSync(target), target);
      return readFileSync(target, 'utf8');
    };
    // SPDX is the document's own format: the predicate as the registry served it, which validates as SPDX 2.3.
    const spdx = JSON.parse(await saved('SPDX JSON', 'export.spdx.json')) as { spdxVersion: string; packages: unknown[] };
    assert.equal(spdx.spdxVersion, 'SPDX-2.3');
    assert.equal(schemaErrors('spdx', spdx), '');
    // CycloneDX is a conversion: the 12 packages as components, valid CycloneDX 1.6 (test/fixtures/schemas).
    const bom = JSON.parse(await saved('CycloneDX JSON', 'export.cdx.json')) as { components: { type: string; name: string }[] };
    assert.equal(schemaErrors('cyclonedx', bom), '');
    assert.equal(bom.components.filter((c) => c.type === 'library').length, 12);
    // CSV: a header and one row per package, CRLF line ends (RFC 4180).
    const csv = await saved('CSV', 'export.csv');
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'name,version,type,license,purl,supplier');
    assert.equal(lines.length, 1 + 12 + 1);
    assert.equal(lines.at(-1), '');
    assert.ok(lines.includes('nginx,1.27.3-r1,apk,BSD-2-Clause,pkg:apk/alpine/nginx@1.27.3-r1?arch=x86_64&distro=alpine-3.20.3,Natanael Copa <ncopa@alpinelinux.org>'), lines.join('\n'));
  });
});
