// A real VS Code server (code-server's bundled VS Code) for the extension and UI tests, started and
// stopped by the tests themselves. See DESIGN.md, "Real parts in tests".

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface VscodeServer {
  readonly port: number;
  readonly origin: string;
  /** Where the server keeps its state; removed by `stop()`. */
  readonly root: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** `.vsix` files or extension folders installed before the server starts. */
  readonly install?: readonly string[];
  /** Extra environment for the server and its extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** Port to listen on; a free one when not given. */
  readonly port?: number;
  /** Interface to listen on; loopback when not given. */
  readonly host?: string;
  /** Echo the server's output (for `npm start`). */
  readonly verbose?: boolean;
  /** Keep the server's state folder in this place (for `npm start`); a fresh temporary one otherwise. */
  readonly root?: string;
  /** User settings (User/settings.json of the server's user data). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** More command-line arguments for the server (`--disable-extension vscode.git`). */
  readonly args?: readonly string[];
}

export function serverMain(): string {
  let main: string;
  try {
    main = join(dirname(require.resolve('code-server/package.json')), 'lib', 'vscode', 'out', 'server-main.js');
  } catch {
    throw new Error('code-server is not installed: run scripts/setup.sh (or npm ci) first.');
  }
  if (!existsSync(main)) throw new Error(`code-server's VS Code server is missing (${main}): its install did not finish; run scripts/setup.sh.`);
  return main;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startVscodeServer(options: ServerOptions = {}): Promise<VscodeServer> {
  const main = serverMain();
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'image-provenance-vscode-'));
  const dirs = { userData: join(root, 'user-data'), serverData: join(root, 'server-data'), extensions: join(root, 'extensions'), home: join(root, 'home'), tmp: join(root, 'tmp') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  if (options.settings) {
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  }
  const env = { ...process.env, HOME: dirs.home, TMPDIR: dirs.tmp, VSCODE_CLI_TELEMETRY: '0', ...options.env };
  const common = ['--user-data-dir', dirs.userData, '--server-data-dir', dirs.serverData, '--extensions-dir', dirs.extensions];

  for (const extension of options.install ?? []) {
    const result = spawnSync(process.execPath, [main, ...common, '--install-extension', extension, '--force'], { env, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`Installing ${extension} into the VS Code server failed:\n${result.stdout}\n${result.stderr}`);
  }

  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const args = [main, '--host', host, '--port', String(port), '--without-connection-token', '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust', ...common, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (options.verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  await waitForListening(child, port, () => output);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (!options.root) await removeWhenQuiet(root);
  };
  return { port, origin: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`, root, stop };
}

/**
 * Removes the server's folder. Its extension host can still write a log file as it exits, after `rmSync`
 * emptied that file's folder: then the whole removal is tried again.
 */
async function removeWhenQuiet(root: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(root, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function waitForListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The VS Code server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/version`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`The VS Code server did not listen on port ${port} within 60 s:\n${output()}`);
}
