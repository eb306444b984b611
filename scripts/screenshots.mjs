// `npm run screenshots`: refreshes the README's pictures. The UI tests save them under out/screenshots/
// on every run (so `npm test` leaves the checkout as it was); this runs them and copies the pictures into
// docs/images/, to be reviewed and committed by hand.
//   npm run screenshots
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
process.chdir(repo);
const shots = 'out/screenshots';
const into = 'docs/images';

execSync('node scripts/build.mjs && npm run --silent package', { stdio: ['ignore', 'ignore', 'inherit'] });
execSync('npx mocha --forbid-only --timeout 120000 out/test/e2e/imagesView.test.js out/test/e2e/attestationPanel.test.js out/test/e2e/sbomPanel.test.js out/test/e2e/compare.test.js', { stdio: 'inherit' });
const taken = existsSync(shots) ? readdirSync(shots).filter((name) => name.endsWith('.png')) : [];
if (!taken.length) {
  console.error(`screenshots: the UI test saved nothing in ${shots}/`);
  process.exit(1);
}
for (const name of taken) {
  copyFileSync(join(shots, name), join(into, name));
  console.log(`screenshots: ${join(into, name)}`);
}
