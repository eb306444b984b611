// UI test of Compare, as a new user meets it on the sample workspace: web/Dockerfile pins an older node:22-alpine
// build; the "What changes?" lens beside "Update pin" opens the compare panel, which shows the packages the update
// changes and the build's new commit and base image. Expectations are worked out from test/host/demoAttestations.ts
// (OLDER_NODE_ALPINE_PACKAGES against NODE_ALPINE_PACKAGES, olderNodeAlpine). Needs `npm run package` first
// (scripts/test.mjs does it).

import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { commitOf, DEMO_SOURCE } from '../host/demoAttestations';
import { activeWebview, cspRefusals, openFile, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

describe('Compare in the browser', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  let refusals: string[] = [];

  before(async () => {
    workbench = await openWorkbench('e2e-compare');
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

  /** The text of each row of a table, cells joined by " | ". */
  async function tableRows(panel: FrameLocator, section: string): Promise<string[]> {
    const rows = panel.locator(`section.${section} tbody tr`);
    const texts: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) texts.push((await rows.nth(i).locator('td').allInnerTexts()).join(' | '));
    return texts;
  }

  it('opens from the stale pin’s "What changes?" lens and shows the packages and the base image the update changes', async () => {
    await openFile(page, 'web/Dockerfile');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'What changes?' });
    await lens.waitFor({ timeout: 60_000 });
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'What changes: node:22-alpine' });
    await lens.click();
    // A file opened again first shows the lenses VS Code cached, as text; the keyboard route runs the lens then.
    await tab.waitFor({ timeout: 10_000 }).catch(async () => {
      await runCommand(page, 'Image Provenance: What Changes If the Pin Is Updated?');
      await tab.waitFor({ timeout: 30_000 });
    });

    const panel = webview();
    await panel.locator('h2', { hasText: 'linux/amd64' }).waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('h1').innerText(), 'What changes in node:22-alpine');
    const current = workbench.registry.images.find((i) => i.image === 'node:22-alpine')?.digest;
    assert.equal(await panel.locator('.compare-digests').innerText(), `${workbench.registry.outdated.digest} → ${current}`);

    // The counts first: 13 packages now (10 Alpine ones, libgcc, libstdc++, npm), 13 before (libstdc++ not yet, yarn still).
    assert.equal(await panel.locator('.compare-document').first().innerText(), 'the final image: 13 packages → 13');
    assert.deepEqual(await panel.locator('ul.compare-counts li').first().locator('xpath=..').locator('li').allInnerTexts(), ['1 Added', '1 Removed', '3 Version changed', '1 License changed', '9 Unchanged']);
    assert.deepEqual(await tableRows(panel, 'compare-added'), ['libstdc++ | apk | 13.2.1_git20240309-r0 | GPL-2.0-or-later AND LGPL-2.1-or-later']);
    assert.deepEqual(await tableRows(panel, 'compare-removed'), ['yarn | npm | 1.22.22 | BSD-2-Clause']);
    assert.deepEqual(await tableRows(panel, 'compare-changed'), ['libcrypto3 | apk | 3.3.1-r3 | 3.3.2-r1', 'libssl3 | apk | 3.3.1-r3 | 3.3.2-r1', 'npm | npm | 10.8.2 | 10.9.2']);
    assert.deepEqual(await tableRows(panel, 'compare-licenses'), ['busybox | apk | GPL-2.0 | GPL-2.0-only']);

    // The build: the new commit, and alpine:3.20 at a new digest.
    const build = await panel.locator('section.compare-build dl.facts dd').allInnerTexts();
    assert.ok(build.includes(`${DEMO_SOURCE}@${commitOf('node/22/alpine a week earlier')} → ${DEMO_SOURCE}@${commitOf('node/22/alpine')}`), build.join('\n'));
    const [base] = await tableRows(panel, 'compare-base-images');
    assert.match(base ?? '', /^alpine \| new digest \| 3\.20 sha256:[0-9a-f]{64} \| 3\.20 sha256:[0-9a-f]{64}$/);
    assert.equal(await panel.locator('#root [style]').count(), 0);
    assert.deepEqual(refusals, []);
    // The README's picture of the compare panel (`npm run screenshots` copies it into docs/images/).
    await page.screenshot({ path: resolve('out/screenshots/compare.png') });
  });

  it('switches to the other platform from the keyboard', async () => {
    const panel = webview();
    const select = panel.locator('select#compare-platform');
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await panel.locator('h2', { hasText: 'linux/arm64/v8' }).waitFor();
    assert.deepEqual(await tableRows(panel, 'compare-removed'), ['yarn | npm | 1.22.22 | BSD-2-Clause']);
  });

  it('offers "What Changed?" in the summary of Update Stale Pins, which opens the comparison of the pin it moved', async () => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Update Stale Pins');
    // web/Dockerfile's node:22-alpine is the sample workspace's one stale pin (demoRegistry.ts OUTDATED_IMAGE).
    const summary = page.locator('.notification-toast', { hasText: 'Updated 1 pin in 1 file.' });
    await summary.waitFor({ timeout: 90_000 });
    await summary.getByRole('button', { name: 'What Changed?' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'What changes: node:22-alpine' }).waitFor({ timeout: 30_000 });
    const panel = webview();
    await panel.locator('h2', { hasText: 'linux/amd64' }).waitFor({ timeout: 60_000 });
    const current = workbench.registry.images.find((i) => i.image === 'node:22-alpine')?.digest;
    assert.equal(await panel.locator('.compare-digests').innerText(), `${workbench.registry.outdated.digest} → ${current}`);
    assert.deepEqual(await tableRows(panel, 'compare-added'), ['libstdc++ | apk | 13.2.1_git20240309-r0 | GPL-2.0-or-later AND LGPL-2.1-or-later']);
  });
});
