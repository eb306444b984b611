// Runs the same extension tests (test/vscode) in desktop VS Code through @vscode/test-electron, where VS Code
// can be downloaded (not on machines limited to the npm registry: use runVscodeTests there).
//   npm run test:electron

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startTestRegistry } from './testRegistry';

async function main(): Promise<number> {
  const repo = process.cwd();
  const scratch = mkdtempSync(join(tmpdir(), 'image-provenance-electron-'));
  const workspace = join(scratch, 'workspace');
  cpSync(resolve(repo, 'test/fixtures/workspace'), workspace, { recursive: true });
  const results = join(scratch, 'results.json');
  const seeded = join(scratch, 'registry.json');
  const registry = await startTestRegistry(workspace, seeded);
  try {
    const code = await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repo,
      extensionTestsPath: resolve(repo, 'out/test/vscode/index'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
      extensionTestsEnv: { IMAGE_PROVENANCE_TEST_RESULTS: results, IMAGE_PROVENANCE_TEST_REGISTRY: seeded },
    });
    if (!existsSync(results)) throw new Error('VS Code exited without running the tests.');
    const { failed } = JSON.parse(readFileSync(results, 'utf8')) as { failed: number };
    return failed || code ? 1 : 0;
  } finally {
    await registry.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:electron: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
