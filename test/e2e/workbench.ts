// What the UI tests share: the packaged extension in a real VS Code server with a copy of the sample
// workspace pointed at a demo registry, driven in headless Chromium.

import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../host/browser';
import { DEMO_REGISTRY_PORT, startDemoRegistry, type DemoRegistry } from '../host/demoRegistry';
import { startVscodeServer, type VscodeServer } from '../host/vscodeServer';

export const VSIX = resolve('dist/image-provenance.vsix');
export const ACTIVITY_BAR_ITEM = '.activitybar .action-item a[aria-label^="Image Provenance"], .activitybar [role="tab"][aria-label^="Image Provenance"]';

export interface Workbench {
  readonly server: VscodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** A temporary folder holding the workspace copy and the registry's storage. */
  readonly scratch: string;
  /** The copy of examples/ the workbench has open. */
  readonly workspace: string;
  readonly registry: DemoRegistry;
  close(): Promise<void>;
}

/**
 * A copy of examples/ open in VS Code in the browser, its mirror settings pointed at a fresh demo registry;
 * `prepare` adds to the copy before VS Code opens it.
 */
export async function openWorkbench(name: string, prepare?: (workspace: string) => void): Promise<Workbench> {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package first`);
  const scratch = mkdtempSync(join(tmpdir(), `image-provenance-${name}-`));
  const workspace = join(scratch, 'examples');
  cpSync(resolve('examples'), workspace, { recursive: true });
  prepare?.(workspace);
  let registry: DemoRegistry | undefined;
  let server: VscodeServer | undefined;
  let browser: Browser | undefined;
  try {
    // The demo registry `npm start` runs, on a free port (an `npm start` may hold 5055): the copied
    // workspace's mirror settings are pointed at it.
    registry = await startDemoRegistry({ port: 0, root: join(scratch, 'registry') });
    const settings = join(workspace, '.vscode/settings.json');
    writeFileSync(settings, readFileSync(settings, 'utf8').replaceAll(`127.0.0.1:${DEMO_REGISTRY_PORT}`, registry.host));
    // No welcome page or walkthrough: one opening late replaces the preview editor a click has just opened.
    server = await startVscodeServer({ install: [VSIX], settings: { 'workbench.startupEditor': 'none', 'workbench.welcomePage.walkthroughs.openOnInstall': false } });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Copy Digest writes through the browser's clipboard, as for a user who allowed it.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const [s, b, r] = [server, browser, registry];
    return {
      server: s,
      browser: b,
      page,
      scratch,
      workspace,
      registry: r,
      async close() {
        await b.close();
        await s.stop();
        await r.close();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await server?.stop();
    await registry?.close();
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/**
 * What a failed UI test leaves behind, since CI shows only its output: a screenshot under out/, and on stderr the
 * notifications on screen and the end of the extension's log (the "Image Provenance" output channel's file).
 */
export async function reportFailure(workbench: Workbench, title: string): Promise<void> {
  const { page } = workbench;
  await page.screenshot({ path: resolve(`out/e2e-failure-${title.slice(0, 40).replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
  const notifications = await page.locator('.notification-toast, .notifications-list-container .monaco-list-row').allInnerTexts().catch(() => []);
  const logs = readdirSync(workbench.server.root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('Image Provenance.log'));
  const log = logs.map((f) => readFileSync(join(workbench.server.root, f), 'utf8').split('\n').slice(-40).join('\n')).join('\n');
  console.error(`--- "${title}" failed\nnotifications: ${JSON.stringify(notifications)}\nthe extension's log, last lines:\n${log || '(none found)'}\n---`);
}

/**
 * Clicks, and if `effect` does not show within 5 s, presses Enter on what the click focused. Under load a
 * click sometimes only selects a tree row, or only highlights a context-menu item (seen in about one UI
 * run in five); Enter runs the same command, as it does for a keyboard user. `effect` must still show.
 */
export async function clickOrEnter(page: Page, target: Locator, effect: Locator): Promise<void> {
  await target.click();
  await effect.waitFor({ timeout: 5_000 }).catch(async () => {
    await page.keyboard.press('Enter');
    await effect.waitFor({ timeout: 10_000 });
  });
}

/**
 * Types into the quick input and presses Enter once its first row is `wanted`: Enter pressed before the
 * list has filtered picks whatever was first (a recently opened file, a recently used command).
 */
async function pickFromQuickInput(page: Page, typed: string, wanted: (row: string) => boolean): Promise<void> {
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor();
  await page.keyboard.type(typed);
  const first = page.locator('.quick-input-widget .monaco-list-row').first();
  const deadline = Date.now() + 15_000;
  while (!wanted(await first.innerText().catch(() => ''))) {
    if (Date.now() > deadline) assert.fail(`the quick input never offered what "${typed}" asks for; first row: "${await first.innerText().catch(() => '')}"`);
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('Enter');
}

/** Runs a command from the command palette by its title, as a user types it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await pickFromQuickInput(page, title, (row) => row.includes(title));
}

/** Opens a workspace file through Quick Open, and waits until the editor shows it. */
export async function openFile(page: Page, relative: string): Promise<void> {
  const parts = relative.split('/');
  const name = parts.pop()!;
  await page.keyboard.press('Control+P');
  await pickFromQuickInput(page, relative, (row) => row.includes(name) && parts.every((p) => row.includes(p)));
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  let breadcrumbs = page.locator('.breadcrumbs-control').filter({ hasText: name });
  for (const part of parts) breadcrumbs = breadcrumbs.filter({ hasText: part });
  await breadcrumbs.first().waitFor();
}

/** The page of the active webview: VS Code's `iframe.webview`, and inside it the extension's `#active-frame`. */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** What Chromium logs about the CSP from now on, in every frame ("Refused to …" for anything it blocked). */
export function cspRefusals(page: Page): string[] {
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/Refused to|Content Security Policy/i.test(message.text())) refusals.push(message.text());
  });
  return refusals;
}
