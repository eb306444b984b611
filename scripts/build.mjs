// Builds everything with esbuild: the extension (Node, CommonJS, `vscode` external), the webview
// front end (browser), and the test, host and bench programs.
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...node,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    minify: production,
    metafile: true,
  },
  {
    entryPoints: { webview: 'media/webview/main.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: 'warning',
  },
];

if (!production) {
  // Tests, hosts and benchmarks keep their npm dependencies external: they run from this checkout.
  const programs = { ...node, packages: 'external', outbase: '.', outdir: 'out' };
  builds.push(
    { ...programs, entryPoints: ['test/unit/**/*.test.ts', 'test/registry/**/*.test.ts', 'test/host/*.ts', 'test/e2e/*.ts', 'bench/*.ts'] },
    // The extension tests run inside VS Code's extension host, where `vscode` is provided.
    { ...programs, entryPoints: ['test/vscode/index.ts'], external: ['vscode'] },
  );
}

// A production build (for the .vsix) leaves the test programs in out/ alone.
if (!production) rmSync('out', { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  const bytes = Object.values(results[0].metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  if (production) console.log(`dist/extension.js: ${(bytes / 1024).toFixed(0)} KiB`);
}
