// UI test: Reveal in Images View in a workspace large enough to be listed by folder (more than 500 build files), in
// a real VS Code in headless Chromium: the file's row is selected in the view and the folders above it expanded.
// Needs `npm run package` first.

import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ACTIVITY_BAR_ITEM, openFile, openWorkbench, reportFailure, runCommand, type Workbench } from './workbench';

/** The file revealed: under apps/, team13/, svc21/ and deploy/prod (one row: deploy holds nothing but prod). */
const DEEP = 'apps/team13/svc21/deploy/prod/Dockerfile';

/** 600 services' Dockerfiles in 20 teams' folders, and one more deep in svc21. */
function addServices(workspace: string): void {
  for (let team = 0; team < 20; team++) {
    for (let service = 0; service < 30; service++) {
      const folder = join(workspace, `apps/team${team}/svc${service}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'Dockerfile'), `FROM alpine:3.${service % 21}\n`);
    }
  }
  mkdirSync(join(workspace, 'apps/team13/svc21/deploy/prod'), { recursive: true });
  writeFileSync(join(workspace, DEEP), 'FROM alpine:3.20\n');
}

interface ShownRow {
  readonly index: number;
  readonly level: number;
  readonly label: string;
  readonly description: string;
  readonly selected: boolean;
  readonly expanded: boolean;
}

describe('Reveal in Images View in the browser', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench('reveal', addServices);
    page = workbench.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await reportFailure(workbench, this.currentTest.title);
  });

  after(async () => {
    await workbench?.close();
  });

  const view = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Images/i }) });

  /** The rows the view has drawn, in list order (the list draws only the rows in sight, in no set DOM order). */
  async function shownRows(): Promise<ShownRow[]> {
    const rows = await view()
      .locator('.monaco-list-row')
      .evaluateAll((elements) =>
        elements.map((row) => ({
          index: Number(row.getAttribute('data-index')),
          level: Number(row.getAttribute('aria-level') ?? '1'),
          label: row.querySelector('.label-name')?.textContent ?? '',
          description: row.querySelector('.label-description')?.textContent ?? '',
          selected: row.getAttribute('aria-selected') === 'true',
          expanded: row.getAttribute('aria-expanded') === 'true',
        })),
      );
    return rows.sort((a, b) => a.index - b.index);
  }

  it('selects a deep Dockerfile\'s row under its folders, expanded, when it is revealed from its editor', async () => {
    await page.locator(ACTIVITY_BAR_ITEM).first().click();
    // Listed by folder: apps/ is a row of its own at the top level, with its 601 build files.
    await view().locator('.monaco-list-row[aria-level="1"]', { hasText: '601 build files' }).waitFor({ timeout: 90_000 });
    assert.deepEqual(
      (await shownRows()).filter((r) => r.expanded),
      [],
      'no folder is expanded before the reveal',
    );

    await openFile(page, DEEP);
    await runCommand(page, 'Reveal in Images View');
    const selected = view().locator('.monaco-list-row[aria-selected="true"]');
    await selected.waitFor({ timeout: 30_000 });

    const rows = await shownRows();
    const at = rows.findIndex((r) => r.selected);
    // The selected row and, going up the list, the nearest row of each level above it: the folders it is under.
    const chain = [rows[at]!];
    for (let i = at - 1; i >= 0 && chain[0]!.level > 1; i--) if (rows[i]!.level === chain[0]!.level - 1) chain.unshift(rows[i]!);
    assert.deepEqual(
      chain.map((r) => [r.level, r.label, r.description, r.expanded]),
      [
        [1, 'apps', '601 build files', true],
        [2, 'team13', '31 build files', true],
        [3, 'svc21', '2 build files', true],
        [4, 'deploy/prod', '1 build file', true],
        // Under its folder the row says its name only; its images below it are not opened by the reveal.
        [5, 'Dockerfile', '', false],
      ],
    );
    assert.equal(rows.filter((r) => r.selected).length, 1);
    // The view has the focus (the keyboard acts on the row), not the editor.
    assert.ok(await view().evaluate((pane) => pane.contains(pane.ownerDocument.activeElement)), 'the Images view does not have the focus');
  });
});
