// UI test of Verify Image Content's Cancel, as a user meets it: the command run from the palette on the image under
// the cursor, its progress notification, and a click on the notification's own Cancel button while a download is
// stuck. The mirror in front of the demo registry is a FAKE of our own (test/registry/harness/faultProxy.ts) that
// sends a blob's headers and half its bytes, then nothing: only Cancel can end that download. The extension tests
// cancel through the command's token; only a browser can press the button.
// Needs `npm run package` first (scripts/test.mjs does it).

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startFaultProxy, type FaultProxy } from '../registry/harness/faultProxy';
import { ACTIVITY_BAR_ITEM, openFile, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

/** Polls `condition` every 200 ms until it holds, or fails saying what was awaited. */
async function eventually(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Verify Image Content in the browser', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;
  let stalling: FaultProxy;
  let layer: string;

  before(async () => {
    workbench = await openWorkbench('e2e-verify');
    page = workbench.page;
    // postgres:16-alpine's layer stalls (its config is read to look the image up: it passes).
    const manifest = await fetch(`${workbench.registry.url}/v2/library/postgres/manifests/16-alpine`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(manifest.status, 200);
    layer = ((await manifest.json()) as { layers: { digest: string }[] }).layers[0]!.digest;
    stalling = await startFaultProxy(workbench.registry.url);
    stalling.fault = { kind: 'stall', phase: 'body', path: new RegExp(`/blobs/${layer}$`) };
    // Docker Hub's mirror is now the stalling one. The timeout is longer than the test may take: a download that
    // went on after Cancel would end the test, not a timeout.
    const { host } = workbench.registry;
    const settings = {
      'imageProvenance.registry.hosts': { 'docker.io': { mirrors: [stalling.host] }, 'gcr.io': { mirrors: [host] }, [stalling.host]: { http: true }, [host]: { http: true } },
      'imageProvenance.registry.timeoutSeconds': 3600,
    };
    writeFileSync(join(workbench.workspace, '.vscode/settings.json'), JSON.stringify(settings, null, 2));
    // The Images view looks the workspace's images up through the mirror the settings now name: the extension
    // has read them once the stalling mirror is asked for a manifest.
    await page.locator(ACTIVITY_BAR_ITEM).first().click();
    await eventually(() => stalling.requests.some((r) => r.path.includes('/manifests/')), 'the new mirror to be asked for a manifest', 60_000);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await reportFailure(workbench, this.currentTest.title);
  });

  after(async () => {
    await stalling?.close();
    await workbench?.close();
  });

  /** The extension's log (its output channel's file), as the server wrote it so far. */
  const extensionLog = (): string =>
    readdirSync(workbench.server.root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('Image Provenance.log'))
      .map((f) => readFileSync(join(workbench.server.root, f), 'utf8'))
      .join('\n');

  it("the notification's Cancel stops a stuck download at once, and the verification is reported cancelled, not failed", async () => {
    // compose.yaml's postgres:16-alpine is one platform's image: no platform to pick.
    await openFile(page, 'compose.yaml');
    const line = readFileSync(join(workbench.workspace, 'compose.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('image: postgres:16-alpine')) + 1;
    await page.keyboard.press('Control+G');
    await page.keyboard.type(`${line}:16`);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line}, Col 16` }).waitFor();
    await runCommand(page, 'Verify Image Content');

    const notification = page.locator('.notification-toast', { hasText: 'Verifying the content of postgres:16-alpine' });
    await notification.waitFor({ timeout: 30_000 });
    const download = () => stalling.requests.find((r) => r.path.endsWith(`/blobs/${layer}`) && r.status === 200);
    await eventually(() => download() !== undefined, 'the layer download to start, and stall');
    const stuck = download()!;
    assert.equal(stuck.finished, undefined, 'the download is still open');

    await notification.getByRole('button', { name: 'Cancel' }).click();
    await notification.waitFor({ state: 'detached', timeout: 10_000 });
    // The stuck download's connection is closed: nothing goes on streaming in the background.
    await eventually(() => stuck.finished !== undefined, 'the stuck download to be closed', 10_000);
    await eventually(() => extensionLog().includes('Verify Image Content: postgres:16-alpine: cancelled'), 'the log to say the verification was cancelled', 10_000);
    // Cancelled is not a failure: no error notification.
    await page.waitForTimeout(1_000);
    assert.equal(await page.locator('.notification-toast', { hasText: 'could not be verified' }).count(), 0);
  });
});
