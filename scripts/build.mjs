// Builds everything with esbuild: the extension (Node, CommonJS, `vscode` external), the command-line tool, the
// webview front end (browser), and the test, host and bench programs.
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

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

/**
 * The registry client, with undici under it (more than half of all the code), is a bundle of its own that the
 * extension loads on first use (`import('./registry/client.js')` in extension.ts): nothing needs the network
 * before the Images view shows or an editor asks, so activation does not pay for loading it.
 */
const lazyRegistryClient = {
  name: 'lazy-registry-client',
  setup(build) {
    build.onResolve({ filter: /^\.\/registry\/client\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './registry.js', external: true } : undefined));
  },
};

/**
 * The `yaml` package, loaded on first use (src/compose/yamlLibrary.ts): most Compose files never need it.
 */
const lazyYaml = {
  name: 'lazy-yaml',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, (args) => (args.kind === 'require-call' ? { path: './yaml.js', external: true } : undefined));
  },
};

/** Bake's reader (HCL and Bake's functions), loaded the first time a Bake file is read (src/workspace/parseBuildFile.ts). */
const lazyBake = {
  name: 'lazy-bake',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/bake\/parseBake$/ }, (args) => (args.kind === 'require-call' ? { path: './bake.js', external: true } : undefined));
  },
};

/** The attestation reader (statements, provenance, SBOMs, purls), loaded the first time a hover asks (src/workspace/imageResolver.ts). */
const lazyAttest = {
  name: 'lazy-attest',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/attest\/summary$/ }, (args) => (args.kind === 'require-call' ? { path: './attest.js', external: true } : undefined));
  },
};

/**
 * Every edge module imports `vscode`; esbuild would give each its own namespace copy of VS Code's API object
 * (`__toESM(require("vscode"))`, some 250 getters defined per copy, 15 copies: a third of the bundle's load
 * time). They all import one module instead, which copies it once.
 */
const sharedVscode = {
  name: 'shared-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'shared-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'shared-vscode' }));
    build.onLoad({ filter: /.*/, namespace: 'shared-vscode' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...node,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [lazyRegistryClient, lazyYaml, lazyBake, lazyAttest, sharedVscode],
    // `import()` of that bundle becomes `require()`: the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
    minify: production,
    metafile: true,
  },
  { ...node, entryPoints: { registry: 'src/registry/client.ts' }, outdir: 'dist', minify: production, metafile: true },
  // Its own copies of the small core modules it shares with the extension: nothing compares their objects by identity.
  { ...node, entryPoints: { bake: 'src/bake/parseBake.ts' }, outdir: 'dist', minify: production, metafile: true, plugins: [lazyYaml] },
  { ...node, entryPoints: { attest: 'src/attest/summary.ts' }, outdir: 'dist', minify: production },
  // Resolved as Node resolves it, so that a copy of the checkout without node_modules of its own builds too
  // (Stryker's sandbox, which gets its node_modules link only after the build).
  { ...node, entryPoints: { yaml: createRequire(import.meta.url).resolve('yaml') }, outdir: 'dist', minify: production },
  // The command-line tool (`bin` image-provenance): the pure core alone, nothing of VS Code; not in the .vsix.
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', minify: production, banner: { js: '#!/usr/bin/env node' } },
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
  if (production) {
    for (const result of results.slice(0, 3)) {
      for (const [file, output] of Object.entries(result.metafile.outputs)) if (file.endsWith('.js')) console.log(`${file}: ${(output.bytes / 1024).toFixed(0)} KiB`);
    }
  }
}
