// The extension tests' entry point, loaded by VS Code's extension host (`extensionTestsPath`) under both
// runners: code-server's VS Code in Chromium (test/host/runVscodeTests.ts) and @vscode/test-electron.
// Results go to files named by the runner, because the extension host's console is not the runner's.

import { appendFileSync, writeFileSync } from 'node:fs';
import Mocha from 'mocha';

const log = process.env.IMAGE_PROVENANCE_TEST_LOG;
const resultsFile = process.env.IMAGE_PROVENANCE_TEST_RESULTS;

function write(line: string): void {
  console.log(line);
  if (log) appendFileSync(log, line + '\n');
}

/** Spec-like output that the runners print: one line per test, then mocha's summary lines. */
class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    let depth = 0;
    runner.on('suite', (suite) => {
      if (suite.title) write(`${'  '.repeat(depth)}${suite.title}`);
      depth++;
    });
    runner.on('suite end', () => depth--);
    runner.on('pass', (test) => write(`${'  '.repeat(depth)}✔ ${test.title} (${test.duration ?? 0} ms)`));
    runner.on('pending', (test) => write(`${'  '.repeat(depth)}- ${test.title}`));
    runner.on('fail', (test, err: Error) => write(`${'  '.repeat(depth)}✘ ${test.title}\n${String(err.stack ?? err).replace(/^/gm, '      ')}`));
    runner.once('end', () => {
      const { passes, failures, pending } = this.stats;
      write(`\n  ${passes} passing\n  ${failures} failing${pending ? `\n  ${pending} pending` : ''}`);
      if (resultsFile) writeFileSync(resultsFile, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, reporter: LineReporter, forbidOnly: true });
  // While working on one test: IMAGE_PROVENANCE_TEST_GREP=<part of its title> runs only the tests that match.
  const grep = process.env.IMAGE_PROVENANCE_TEST_GREP;
  if (grep) mocha.grep(grep);
  // Bundled test files register their suites on import, so the BDD globals must exist first.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  await import('./extension.test.js');
  await import('./imagesTree.test.js');
  await import('./workspaceIndexer.test.js');
  await import('./registry.test.js');
  await import('./builds.test.js');
  await import('./imageRows.test.js');
  await import('./offline.test.js');
  await import('./hover.test.js');
  await import('./attestations.test.js');
  await import('./compare.test.js');
  await import('./sbomPanel.test.js');
  await import('./checks.test.js');
  await import('./verifyContent.test.js');
  // Last: it pins the fixture's own files (and reverts them), and leaves the resolver warm.
  await import('./pinning.test.js');
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
