// Runs test/vscode inside a real VS Code extension host: code-server's VS Code server, opened in headless
// Chromium with the extension loaded from this checkout (extensionDevelopmentPath) and the tests as
// extensionTestsPath. Prints the tests' output and mocha's summary lines. Exit code: failures.
//   node out/test/host/runVscodeTests.js        (after scripts/build.mjs; run from the repository root)

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from './browser';
import { startTestRegistry } from './testRegistry';
import { startVscodeServer } from './vscodeServer';

/** The whole tier (each test has its own 30 s): about 2 min on a quiet machine, over 5 min on a loaded one. */
const TIMEOUT_MS = 10 * 60_000;

export function payloadUrl(origin: string, workspace: string, extension: string, tests: string): string {
  const remote = (path: string) => `vscode-remote://${new URL(origin).host}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extension)],
    ['extensionTestsPath', remote(tests)],
  ];
  return `${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function main(): Promise<number> {
  const repo = process.cwd();
  const tests = resolve(repo, 'out/test/vscode/index');
  if (!existsSync(`${tests}.js`) || !existsSync(resolve(repo, 'dist/extension.js'))) {
    throw new Error('Build first: node scripts/build.mjs (out/test/vscode/index.js or dist/extension.js is missing).');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'image-provenance-tests-'));
  // The tests create and delete files: give them a copy of the fixture workspace.
  const workspace = join(scratch, 'workspace');
  cpSync(resolve(repo, 'test/fixtures/workspace'), workspace, { recursive: true });
  const log = join(scratch, 'tests.log');
  const results = join(scratch, 'results.json');
  const seeded = join(scratch, 'registry.json');

  const registry = await startTestRegistry(workspace, seeded);
  const server = await startVscodeServer({ env: { IMAGE_PROVENANCE_TEST_LOG: log, IMAGE_PROVENANCE_TEST_RESULTS: results, IMAGE_PROVENANCE_TEST_REGISTRY: seeded } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const exitCode = new Promise<number>((done) => void page.exposeFunction('codeAutomationExit', (code: number) => done(code)));
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
    await page.goto(payloadUrl(server.origin, workspace, repo, tests));
    const code = await Promise.race([exitCode, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`The extension tests did not finish within ${TIMEOUT_MS / 1000} s.`)), TIMEOUT_MS))]);
    if (existsSync(log)) process.stdout.write(readFileSync(log, 'utf8'));
    if (!existsSync(results)) throw new Error(`The extension host exited (${code}) without running the tests: did the extension or the test bundle fail to load?`);
    const { failed } = JSON.parse(readFileSync(results, 'utf8')) as { failed: number };
    return failed > 0 || code !== 0 ? 1 : 0;
  } finally {
    await browser.close();
    await server.stop();
    await registry.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.log('\n  0 passing\n  1 failing');
    process.exit(1);
  },
);
