// Renders media/icon.svg to media/icon.png (128×128, what package.json's `icon` names: the Marketplace
// and the Extensions view take PNG only) in headless Chromium.
//   node scripts/icon.mjs
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
process.chdir(repo);
execSync('node scripts/build.mjs', { stdio: 'inherit' });
const { launchBrowser } = createRequire(import.meta.url)('../out/test/host/browser.js');

const svg = readFileSync('media/icon.svg', 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
  await page.locator('svg').screenshot({ path: 'media/icon.png', omitBackground: true });
  console.log('icon: media/icon.png');
} finally {
  await browser.close();
}
