// `npm test`: every tier, in order, against real parts. Prints each tier's own output, then what failed again
// (CI logs are often read from their end), then one line totalled over all tiers: `N passed, N failed` (plus
// `, N skipped` if any).
//   node scripts/test.mjs [typecheck|lint|unit|registry|vscode|e2e]...
import { spawn } from 'node:child_process';

const tiers = {
  // Whole-program checks count as one test each.
  typecheck: { command: 'npm run --silent typecheck', single: true },
  lint: { command: 'npm run --silent lint', single: true },
  // Property tests run thousands of generated cases each: on a loaded 2-core machine one can take more
  // than mocha's default 2 s without anything being wrong.
  unit: { command: 'npx mocha --forbid-only --timeout 20000 "out/test/unit/**/*.test.js"' },
  // Against real registries (Debian's docker-registry) the tests start themselves, and a fault proxy.
  registry: { command: 'npx mocha --forbid-only --timeout 30000 "out/test/registry/**/*.test.js"' },
  vscode: { command: 'node out/test/host/runVscodeTests.js' },
  e2e: { command: 'npm run --silent package && npx mocha --forbid-only --timeout 120000 "out/test/e2e/**/*.test.js"' },
};

const chosen = process.argv.slice(2);
for (const name of chosen) if (!(name in tiers)) throw new Error(`Unknown tier "${name}"; tiers: ${Object.keys(tiers).join(', ')}`);
const run = chosen.length ? chosen : Object.keys(tiers);

/** Runs a shell command, echoing its output; resolves with exit code and output. */
function sh(command) {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (process.stdout.write(d), (output += d)));
    child.stderr.on('data', (d) => (process.stderr.write(d), (output += d)));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const count = (output, word) => [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);

/**
 * What a failed tier said about its failures: the tests the extension-host runner marks ✘ (it lists no failures
 * after its count), mocha's failure list, or the end of a whole-program check's output.
 */
function failures(output, single) {
  const lines = output.split('\n');
  if (single) return lines.slice(-30).join('\n');
  const marked = lines.flatMap((line, i) => (/^\s*✘/.test(line) ? lines.slice(i, i + 4) : []));
  const listed = lines.findIndex((line) => /^\s*\d+ failing\b/.test(line));
  return [...marked, ...(listed < 0 ? lines.slice(-30) : lines.slice(listed, listed + 80))].join('\n');
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
const failureReports = [];
const started = Date.now();

// Installs whatever is missing (Debian packages, node_modules); a no-op when nothing changed.
console.log('=== setup');
const setup = await sh('scripts/setup.sh');
if (setup.code !== 0) {
  console.log('setup failed: the tests need its Debian packages and node_modules\n0 passed, 1 failed');
  process.exit(1);
}

console.log('\n=== build');
const build = await sh('node scripts/build.mjs');
if (build.code !== 0) {
  totals.failed++;
  summary.push('build: failed');
} else {
  for (const name of run) {
    const tier = tiers[name];
    const t0 = Date.now();
    console.log(`\n=== ${name}`);
    const { code, output } = await sh(tier.command);
    let passed, failed, skipped;
    if (tier.single) [passed, failed, skipped] = code === 0 ? [1, 0, 0] : [0, 1, 0];
    else {
      [passed, failed, skipped] = [count(output, 'passing'), count(output, 'failing'), count(output, 'pending')];
      // A runner that crashed before its summary still counts as a failure.
      if (code !== 0 && failed === 0) failed = 1;
    }
    if (failed) failureReports.push(`--- ${name}\n${failures(output, tier.single)}`);
    totals.passed += passed;
    totals.failed += failed;
    totals.skipped += skipped;
    summary.push(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

if (failureReports.length) console.log(`\n=== failures again\n${failureReports.join('\n')}`);
console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s)\n${summary.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed ? 1 : 0);
