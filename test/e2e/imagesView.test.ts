// UI test: the packaged .vsix installed into a real VS Code (code-server's), driven in headless Chromium
// as a user would: open the Images view, read the rows off the page, click one, check the selection.
// Needs `npm run package` first (scripts/test.mjs does it). Saves the README's screenshot.

import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../host/browser';
import { startVscodeServer, type VscodeServer } from '../host/vscodeServer';

const VSIX = resolve('dist/image-provenance.vsix');
const SCREENSHOT = resolve('docs/images/images-view.png');
const ACTIVITY_BAR_ITEM = '.activitybar .action-item a[aria-label^="Image Provenance"], .activitybar [role="tab"][aria-label^="Image Provenance"]';

describe('Images view in the browser', function () {
  this.timeout(120_000);
  let server: VscodeServer;
  let browser: Browser;
  let page: Page;
  let scratch: string;

  before(async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package first`);
    scratch = mkdtempSync(join(tmpdir(), 'image-provenance-e2e-'));
    const workspace = join(scratch, 'examples');
    cpSync(resolve('examples'), workspace, { recursive: true });
    server = await startVscodeServer({ install: [VSIX] });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const view = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Images/i }) });

  /** The visible rows of the Images view: indentation level, label and description, as shown. */
  async function visibleRows(): Promise<string[]> {
    return view()
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((row) => {
          const level = Number(row.getAttribute('aria-level') ?? '1');
          const label = row.querySelector('.label-name')?.textContent ?? '';
          const description = row.querySelector('.label-description')?.textContent ?? '';
          return `${'  '.repeat(level - 1)}${label}${description ? ` — ${description}` : ''}`;
        }),
      );
  }

  it('opens from the activity bar and shows the sample workspace grouped by file and stage', async () => {
    await page.locator(ACTIVITY_BAR_ITEM).first().click();
    await view().locator('.monaco-list-row').first().waitFor({ timeout: 60_000 });
    // Wait for the stages to be expanded: the fourth image row (level 3) is there.
    await view().locator('.monaco-list-row[aria-level="3"]').nth(3).waitFor({ timeout: 30_000 });
    const rows = await visibleRows();
    // The first rows, as worked out from examples/api/Dockerfile: files sort by path, api first.
    assert.deepEqual(rows.slice(0, 8), [
      'Dockerfile — api',
      '  build — stage 0',
      '    golang:1.23-alpine — FROM · partly from ARG GO_VERSION',
      '    alpine:3.20 — RUN --mount · unpinned',
      '  stage 1',
      '    gcr.io/distroless/static-debian12:nonroot — FROM · unpinned',
      '    build — COPY --from · build stage',
      '    build — COPY --from · build stage',
    ]);
    assert.ok(rows.includes('    node:22-slim — COPY --from · unpinned'), rows.join('\n'));
    assert.ok(rows.includes('tools.Dockerfile — tools'), rows.join('\n'));
  });

  it('selects the exact reference in the editor when a row is clicked', async () => {
    const row = view().locator('.monaco-list-row', { hasText: 'alpine:3.20' }).filter({ hasText: 'RUN --mount' });
    await row.click();
    // examples/api/Dockerfile line 13 (1-based): "    --mount=type=bind,from=alpine:3.20,…"; alpine:3.20 is columns
    // 28-38, and VS Code's status bar shows the cursor at the selection's end: column 39.
    await page.locator('.tabs-container .tab.active', { hasText: 'Dockerfile' }).waitFor();
    const status = page.locator('.statusbar-item[id="status.editor.selection"]');
    await status.filter({ hasText: 'Ln 13, Col 39 (11 selected)' }).waitFor({ timeout: 10_000 }).catch(async () => {
      await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '.failed.png') });
      assert.fail(`expected the status bar to show "Ln 13, Col 28 (11 selected)", it shows "${await page.locator('.statusbar').innerText()}"`);
    });
    // Widen the side bar so the screenshot shows whole descriptions.
    const sash = await page.locator('.part.sidebar').boundingBox();
    if (sash) {
      await page.mouse.move(sash.x + sash.width + 1, 300);
      await page.mouse.down();
      await page.mouse.move(sash.x + sash.width + 200, 300, { steps: 5 });
      await page.mouse.up();
    }
    await page.screenshot({ path: SCREENSHOT });
  });

  it('shows the welcome view in a workspace without build files', async () => {
    const empty = join(scratch, 'empty');
    mkdirSync(join(empty, 'src'), { recursive: true });
    writeFileSync(join(empty, 'src', 'README.md'), 'no build files here\n');
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(empty)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator(ACTIVITY_BAR_ITEM).first().click();
    await view().getByText('No Dockerfiles were found in this workspace.').waitFor({ timeout: 30_000 });
    assert.ok(await view().getByRole('button', { name: 'Refresh' }).isVisible());
  });
});
