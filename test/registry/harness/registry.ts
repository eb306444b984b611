// A real registry: Debian's docker-registry (CNCF distribution 2.8.2), started on a free port with its
// storage in a temp dir. `http.addr: 127.0.0.1:0` lets the kernel pick the port; the "listening on"
// log line says which. The config is written as JSON, which the registry's YAML parser reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { makeTempDir, removeTempDir } from './tempDir';

export const REGISTRY_BINARY = 'docker-registry';
const INSTALL_HINT = 'apt-get install docker-registry (or run scripts/setup.sh, which installs it)';
const STARTUP_TIMEOUT_MS = 15_000;
const LISTENING = /listening on (\[[^\]]+\]|[^\s:,"]+):(\d+)/;

export interface RegistryOptions {
  /** Basic auth (distribution's `auth.htpasswd`); passwords are bcrypt-hashed here, the only kind it reads. */
  htpasswd?: { users: Record<string, string> };
  /** Token auth (`auth.token`): clients are sent to `realm`; tokens must be signed by a key whose certificate is in the bundle. */
  token?: { realm: string; service: string; issuer: string; rootCertBundlePath: string };
  /** Serve HTTPS with this certificate and key (`http.tls`). */
  tls?: { certPath: string; keyPath: string };
  /** Pull-through mirror of `remoteurl` (`proxy`); distribution uses username/password only for token-auth upstreams. */
  proxy?: { remoteurl: string; username?: string; password?: string };
  /** Extra environment for the registry process (it otherwise gets only PATH and HOME), e.g. SSL_CERT_FILE. */
  env?: Record<string, string>;
  /** Default 0: any free port. */
  port?: number;
  /** The address to listen on; default 127.0.0.1. E.g. a non-loopback interface's, for a client that never proxies loopback. */
  address?: string;
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT` (or `ADDRESS:PORT`): the registry's name in image references and in settings.hosts. */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` or `https://…`. */
  readonly url: string;
  /** Everything the registry logged so far (stderr). */
  logs(): string;
  close(): Promise<void>;
}

/**
 * The registries still running, shared by every copy of this module: each test file is a bundle of its own,
 * and one exit hook per bundle made Node warn of a listener leak once there were eleven.
 */
const shared: { running: Set<ChildProcess>; hooked: boolean } = ((globalThis as Record<symbol, unknown>)[Symbol.for('image-provenance.test-registries')] ??= {
  running: new Set<ChildProcess>(),
  hooked: false,
}) as { running: Set<ChildProcess>; hooked: boolean };

/** A test runner that exits without calling close() must not leave registries behind. */
function killOnExit(child: ChildProcess): void {
  shared.running.add(child);
  child.once('exit', () => shared.running.delete(child));
  if (!shared.hooked) {
    shared.hooked = true;
    process.once('exit', () => {
      for (const c of shared.running) c.kill('SIGKILL');
    });
  }
}

/** An address as the host part of `host:port` (IPv6 in brackets). */
function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

export function registryConfig(dir: string, port: number, options: RegistryOptions): Record<string, unknown> {
  const http: Record<string, unknown> = { addr: `${hostPart(options.address ?? '127.0.0.1')}:${port}`, secret: randomBytes(16).toString('hex'), headers: { 'X-Content-Type-Options': ['nosniff'] } };
  if (options.tls) http['tls'] = { certificate: options.tls.certPath, key: options.tls.keyPath };
  const config: Record<string, unknown> = {
    version: '0.1',
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http,
  };
  if (options.htpasswd && options.token) throw new Error('startRegistry: choose htpasswd or token auth, not both');
  if (options.htpasswd) config['auth'] = { htpasswd: { realm: 'test-registry', path: join(dir, 'htpasswd') } };
  if (options.token) {
    const { realm, service, issuer, rootCertBundlePath } = options.token;
    config['auth'] = { token: { realm, service, issuer, rootcertbundle: rootCertBundlePath } };
  }
  if (options.proxy) config['proxy'] = { ...options.proxy };
  return config;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await makeTempDir('registry');
  try {
    if (options.htpasswd) {
      // Cost 4, bcrypt's minimum: the registry checks every request's password, and tests don't need slowness.
      const lines = Object.entries(options.htpasswd.users).map(([user, password]) => `${user}:${hashSync(password, 4)}`);
      await writeFile(join(dir, 'htpasswd'), `${lines.join('\n')}\n`, { mode: 0o600 });
    }
    const configPath = join(dir, 'config.yml');
    await writeFile(configPath, JSON.stringify(registryConfig(dir, options.port ?? 0, options), null, 2));
    return await launch(dir, configPath, options);
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}

function launch(dir: string, configPath: string, options: RegistryOptions): Promise<RunningRegistry> {
  // A clean environment: REGISTRY_* variables would override the config, and HTTP(S)_PROXY would reroute a mirror.
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, ...options.env };
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let log = '';
  const onData = (chunk: Buffer): void => {
    log += chunk.toString('utf8');
    // Keep the start (the startup errors) and a bounded tail.
    if (log.length > 1_000_000) log = log.slice(0, 100_000) + '\n…\n' + log.slice(-400_000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    await removeTempDir(dir);
  };

  return new Promise<RunningRegistry>((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void close().then(() => reject(new Error(message)));
    };
    const timer = setTimeout(() => fail(`docker-registry did not say "listening on" within ${STARTUP_TIMEOUT_MS} ms. Its log:\n${log}`), STARTUP_TIMEOUT_MS);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') fail(`${REGISTRY_BINARY} is not installed (the registry tests run a real registry): ${INSTALL_HINT}`);
      else fail(`could not run ${REGISTRY_BINARY}: ${error.message}`);
    });
    child.once('exit', (code, signal) => fail(`${REGISTRY_BINARY} exited during startup (${signal ?? `code ${code}`}). Its log:\n${log}`));
    const watch = (): void => {
      if (settled) return;
      const match = LISTENING.exec(log);
      if (!match) return;
      settled = true;
      // The registry logs each request: scanning the whole log per chunk would cost the tests (and the
      // bench) a millisecond per request.
      child.stdout?.off('data', watch);
      child.stderr?.off('data', watch);
      clearTimeout(timer);
      const port = Number(match[2]);
      const host = `${hostPart(options.address ?? '127.0.0.1')}:${port}`;
      resolve({ host, port, url: `${options.tls ? 'https' : 'http'}://${host}`, logs: () => log, close });
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
  });
}
