// `npm start`: the extension for real. Installs what is missing (scripts/setup.sh), packages the
// extension, starts a local registry seeded with the images the sample workspace in examples/
// references (examples/.vscode/settings.json makes it the workspace's mirror of docker.io and
// gcr.io), installs the .vsix into a real VS Code (code-server's) serving that workspace, and prints
// the URLs. Ctrl-C stops both.
//   PORT=8080 HOST=127.0.0.1 REGISTRY_PORT=5055 npm start
import { execFileSync, execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
process.chdir(repo);
execFileSync('scripts/setup.sh', { stdio: 'inherit' });
console.log('start: building and packaging the extension');
execSync('node scripts/build.mjs && npm run --silent package', { stdio: ['ignore', 'ignore', 'inherit'] });

const require = createRequire(import.meta.url);
const { startVscodeServer } = require('../out/test/host/vscodeServer.js');
const { startDemoRegistry, DEMO_REGISTRY_PORT } = require('../out/test/host/demoRegistry.js');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const registryPort = Number(process.env.REGISTRY_PORT ?? DEMO_REGISTRY_PORT);
const workspace = resolve(repo, 'examples');
const state = resolve(repo, '.cache/start');

if (!Number.isInteger(registryPort) || registryPort < 1 || registryPort > 65535) {
  console.error(`start: REGISTRY_PORT=${process.env.REGISTRY_PORT} is not a port number`);
  process.exit(1);
}

/** What is running, stopped on Ctrl-C or when a later step fails. */
const running = [];
let stopping;
const stopAll = () => (stopping ??= Promise.allSettled(running.map((part) => part.stop())));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void stopAll().then(() => process.exit(0)));
}
const fail = async (message) => {
  console.error(`start: ${message}`);
  await stopAll();
  process.exit(1);
};

console.log('start: starting the demo registry');
const registry = await startDemoRegistry({ port: registryPort, root: resolve(state, 'registry') }).catch((error) =>
  fail(
    error.name === 'PortInUseError'
      ? `the demo registry cannot start: ${error.message}\nStop whatever listens on port ${registryPort}, or set REGISTRY_PORT=…`
      : `the demo registry did not start: ${error.message}`,
  ),
);
running.push({ stop: () => registry.close() });
console.log(registry.summary);
if (registryPort !== DEMO_REGISTRY_PORT) {
  console.log(`  Note: examples/.vscode/settings.json names 127.0.0.1:${DEMO_REGISTRY_PORT}; edit it to use 127.0.0.1:${registryPort}.`);
}

const server = await startVscodeServer({ port, host, install: [resolve(repo, 'dist/image-provenance.vsix')], root: state }).catch((error) =>
  fail(`${error.message}\n(is port ${port} in use? set PORT=…)`),
);
running.push({ stop: () => server.stop() });
console.log(`\nImage Provenance is running in VS Code. Open:\n\n  ${server.origin}/?folder=${encodeURIComponent(workspace)}\n\nThe Images view is in the activity bar (the container icon). Images resolve through the demo registry at ${registry.url}. Ctrl-C stops both.`);
