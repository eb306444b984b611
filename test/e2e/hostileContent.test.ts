// UI test of the attestation panel against attestations written to attack it (test/host/hostileAttestations.ts):
// markup, script and data URLs, bidi controls and megabyte-long strings in every field of an SPDX SBOM and a SLSA
// provenance, served by the real registry. In the page, in Chromium, under its CSP: nothing runs, nothing becomes
// markup, no link exists but the https one the host offered, which opens only on a click, and the layout holds
// (issue 13, item 7). Needs `npm run package` first (scripts/test.mjs does it).

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { seedImage } from '../registry/harness/seed';
import { hostileProvenance, hostileSpdx, SAFE_SOURCE } from '../host/hostileAttestations';
import { activeWebview, ACTIVITY_BAR_ITEM, cspRefusals, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

/** The slice of the DOM the checks below read inside the page (this program's type check has no DOM). */
interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly ownerDocument: { readonly defaultView: Record<string, unknown> & { getComputedStyle(e: PageElement): { unicodeBidi: string } }; readonly documentElement: { scrollWidth: number; clientWidth: number; scrollHeight: number } };
  readonly parentElement: PageElement | null;
  readonly childNodes: ArrayLike<{ readonly nodeType: number; readonly textContent: string | null }>;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}

describe('Attestation panel against hostile attestations', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  let refusals: string[] = [];

  before(async () => {
    workbench = await openWorkbench('e2e-hostile');
    page = workbench.page;
    refusals = cspRefusals(page);
    // docker.io/library/hostile through the sample workspace's mirror: one platform, the hostile statements.
    await seedImage(workbench.registry.url, 'library/hostile', 'latest', { platforms: ['linux/amd64'], attestationShape: { statements: () => [hostileProvenance(), hostileSpdx()] } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await reportFailure(workbench, this.currentTest.title);
  });

  after(async () => {
    await workbench?.close();
  });
  const webview = (): FrameLocator => activeWebview(page);

  /** What a tab shows that the hostile values could have turned into, checked in the page itself. */
  async function inspect(panel: FrameLocator): Promise<{ pwned: unknown; elements: string[]; handlers: string[]; hrefs: string[]; overflowX: number; height: number; unisolatedBidi: string[] }> {
    return panel.locator('#root').evaluate((root: PageElement) => {
      const all = Array.from(root.querySelectorAll('*'));
      const view = root.ownerDocument.defaultView;
      const isolated = (e: PageElement | null): boolean => {
        for (let at = e; at; at = at.parentElement) if (['isolate', 'plaintext', 'isolate-override'].includes(view.getComputedStyle(at).unicodeBidi)) return true;
        return false;
      };
      const ownText = (e: PageElement) => Array.from(e.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent ?? '').join('');
      const bidi = '\u202E';
      return {
        pwned: view['__pwned'],
        elements: all.filter((e) => ['SCRIPT', 'IMG', 'IFRAME', 'OBJECT', 'EMBED', 'A', 'FORM', 'LINK', 'META', 'STYLE'].includes(e.tagName)).map((e) => e.tagName),
        // Event handlers, and any attribute that navigates or loads (a title or aria-label holding such text is text).
        handlers: all.flatMap((e) => Array.from(e.attributes).filter((a) => a.name.startsWith('on') || (['href', 'src', 'srcdoc', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(a.name) && /^\s*(javascript|data):/i.test(a.value))).map((a) => `${e.tagName} ${a.name}`)),
        hrefs: all.flatMap((e) => Array.from(e.attributes).filter((a) => a.name === 'href' || a.name === 'src').map((a) => a.value)),
        overflowX: root.ownerDocument.documentElement.scrollWidth - root.ownerDocument.documentElement.clientWidth,
        height: root.ownerDocument.documentElement.scrollHeight,
        unisolatedBidi: all.filter((e) => ownText(e).includes(bidi) && !isolated(e)).map((e) => e.tagName),
      };
    });
  }

  async function assertHarmless(panel: FrameLocator, tab: string): Promise<void> {
    const seen = await inspect(panel);
    assert.equal(seen.pwned, undefined, `${tab}: a hostile value ran`);
    assert.deepEqual(seen.elements, [], `${tab}: hostile values became elements`);
    assert.deepEqual(seen.handlers, [], `${tab}: hostile values became attributes`);
    assert.deepEqual(seen.hrefs, [], `${tab}: the page holds a link or a source of its own`);
    assert.ok(seen.overflowX <= 0, `${tab}: the page scrolls sideways by ${seen.overflowX} px`);
    // A megabyte shown whole would make the page hundreds of thousands of pixels tall.
    assert.ok(seen.height < 20_000, `${tab}: the page is ${seen.height} px tall`);
    assert.deepEqual(seen.unisolatedBidi, [], `${tab}: bidi controls can reorder the text around them`);
    assert.deepEqual(refusals, [], `${tab}: the CSP refused something`);
  }

  it('shows hostile values as text on every tab: nothing runs, no markup, no links, the layout holds', async () => {
    await page.locator(ACTIVITY_BAR_ITEM).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Show Attestations for Image');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor();
    await input.fill('hostile:latest');
    await page.keyboard.press('Enter');
    const panel = webview();
    await panel.locator('h1', { hasText: 'hostile:latest' }).waitFor({ timeout: 60_000 });
    await panel.locator('section.provenance').waitFor({ timeout: 60_000 });
    // The markup is there, as text.
    assert.ok((await panel.locator('section.provenance').innerText()).includes('javascript:window.__pwned="link"'));
    await assertHarmless(panel, 'Overview');

    await panel.locator('vscode-tab-header[data-tab="provenance"]').click();
    const provenance = panel.locator('.provenance-tab');
    await provenance.locator('button.link').first().waitFor({ timeout: 30_000 });
    assert.ok((await provenance.innerText()).includes('<script>window.__pwned = "script"</script>'));
    // The only links are the https ones the build's source gave (the repository; its "revision" is markup, no commit link).
    const links = await provenance.locator('button.link').allInnerTexts();
    assert.deepEqual(links, [SAFE_SOURCE]);
    await provenance.locator('details.raw-statement > summary').click();
    await provenance.locator('.json-tree').waitFor({ timeout: 30_000 });
    await assertHarmless(panel, 'Provenance');

    await panel.locator('vscode-tab-header[data-tab="sbom"]').click();
    const grid = panel.locator('.grid-packages[data-shown="5"]');
    await grid.locator('.grid-row').first().waitFor({ timeout: 30_000 });
    const cells = await grid.locator('.grid-row').allInnerTexts();
    assert.ok(cells.some((row) => row.includes('<script>window.__pwned = "script"</script>')), cells.join('\n'));
    assert.ok(cells.some((row) => row.includes('ordinary')), cells.join('\n'));
    // Search still works over what the hostile rows hold: `onerror` is in the name of one package and the version of another.
    await panel.locator('.sbom-search').fill('onerror');
    await panel.locator('.grid-packages[data-shown="2"]').waitFor();
    await assertHarmless(panel, 'SBOM');
    await panel.locator('vscode-tab-header[data-tab="provenance"]').click();

    // A click on the offered link reaches VS Code's opener (the extension logs it before VS Code asks the user).
    await provenance.locator('button.link', { hasText: SAFE_SOURCE }).click();
    await eventuallyLogged(`opens ${SAFE_SOURCE}`);
  });

  /** Waits until the extension's log (the "Image Provenance" output channel's file) has `text`. */
  async function eventuallyLogged(text: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const logs = readdirSync(workbench.server.root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('Image Provenance.log'));
      if (logs.some((f) => readFileSync(join(workbench.server.root, f), 'utf8').includes(text))) return;
      if (Date.now() > deadline) assert.fail(`the extension never logged "${text}"`);
      await page.waitForTimeout(200);
    }
  }
});

