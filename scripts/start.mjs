// `npm start`: the extension for real. Installs what is missing (scripts/setup.sh), packages the
// extension, installs the .vsix into a real VS Code (code-server's) serving the sample workspace in
// examples/, and prints the URL to open. Ctrl-C stops it.
//   PORT=8080 HOST=127.0.0.1 npm start
import { execFileSync, execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
process.chdir(repo);
execFileSync('scripts/setup.sh', { stdio: 'inherit' });
console.log('start: building and packaging the extension');
execSync('node scripts/build.mjs && npm run --silent package', { stdio: ['ignore', 'ignore', 'inherit'] });

const { startVscodeServer } = createRequire(import.meta.url)('../out/test/host/vscodeServer.js');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const workspace = resolve(repo, 'examples');
const server = await startVscodeServer({ port, host, install: [resolve(repo, 'dist/image-provenance.vsix')], root: resolve(repo, '.cache/start') }).catch((error) => {
  console.error(`start: ${error.message}\n(is port ${port} in use? set PORT=…)`);
  process.exit(1);
});
console.log(`\nImage Provenance is running in VS Code. Open:\n\n  ${server.origin}/?folder=${encodeURIComponent(workspace)}\n\nThe Images view is in the activity bar (the container icon). Ctrl-C stops the server.`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void server.stop().then(() => process.exit(0)));
}
