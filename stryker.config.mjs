// Mutation testing (`npm run mutate`, not part of `npm test`): StrykerJS changes the modules that decide
// what is read as an image and what is written into users' files, one small change at a time, and runs the
// unit tests that cover each change; a change no test notices is a gap in the tests. Survivors that no test
// can notice (equivalent mutants) are explained in docs/mutation.md.
//   npm run mutate                                          the four modules below
//   npm run mutate -- --mutate src/dockerfile/expand.ts     one file
//
// Stryker instruments the sources in a sandbox copy of the checkout. esbuild bundles the sources into each
// test file, so the tests must be built from that sandbox: that is what `buildCommand` does, and why the
// tests run from the sandbox's out/, never this checkout's.
// Stryker 9.x: 10.x needs Node 22.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/reference/imageReference.ts', 'src/dockerfile/expand.ts', 'src/dockerfile/words.ts', 'src/pin/planEdits.ts'],
  buildCommand: 'node scripts/build.mjs',
  testRunner: 'mocha',
  mochaOptions: {
    spec: ['out/test/unit/**/*.test.js'],
    // Stryker needs every test to pass before it mutates anything. These measure wall-clock time (a timeout
    // must fire within a second) or race the file system (puts during a clear), which instrumented code on a
    // loaded machine now and then fails; none of them is about the modules mutated here. coreBoundary runs ESLint
    // and the TypeScript compiler over the project's configuration: seconds for every static mutant, for nothing.
    ignore: [
      'out/test/unit/coreBoundary.test.js',
      'out/test/unit/registryClient.test.js',
      'out/test/unit/credentials.test.js',
      'out/test/unit/dockerConfig.test.js',
      'out/test/unit/contentStore.test.js',
    ],
    'no-config': true,
    'no-package': true,
    'no-opts': true,
  },
  coverageAnalysis: 'perTest',
  // The machine this runs on is shared: two test processes at most.
  concurrency: 2,
  // Built and generated output is rebuilt in the sandbox; copying it would only cost time.
  ignorePatterns: ['dist', 'out', 'reports', '.vscode-test', '*.vsix'],
  reporters: ['clear-text', 'html', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
};
