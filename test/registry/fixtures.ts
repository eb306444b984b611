// What the registry tier's client tests share: references, settings, Docker config directories with
// real credential helper scripts, and checks on errors (kind, image, no secret anywhere).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { RegistryClient, type RegistryClientOptions } from '../../src/registry/client';
import { dockerCredentialStore, type CredentialStore } from '../../src/registry/credentials';
import { RegistryError, type RegistryErrorKind } from '../../src/registry/errors';
import { DEFAULT_REGISTRY_SETTINGS, type RegistryHostSettings, type RegistrySettings } from '../../src/registry/settings';
import { familiarName, parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { makeTempDir, removeTempDir } from './harness/tempDir';

export function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(`test reference ${text} does not parse: ${parsed.error.reason}`);
  return parsed.ref;
}

/** The image text errors must start with. */
export function imageText(r: ImageRef): string {
  return familiarName(r);
}

export function settings(hosts: Record<string, RegistryHostSettings>, overrides: Partial<RegistrySettings> = {}): RegistrySettings {
  return { ...DEFAULT_REGISTRY_SETTINGS, hosts, ...overrides };
}

/** A client whose log lines are kept (they are checked for secrets too). */
export function newClient(options: RegistryClientOptions): RegistryClient & { logLines: string[] } {
  const logLines: string[] = [];
  const client = new RegistryClient({ ...options, log: (line) => logLines.push(line) }) as RegistryClient & { logLines: string[] };
  client.logLines = logLines;
  return client;
}

export const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
export const basicHeader = (user: string, password: string): string => `Basic ${base64(`${user}:${password}`)}`;

/**
 * A Docker client config directory ($DOCKER_CONFIG) plus a directory of `docker-credential-<name>`
 * `#!/bin/sh` helpers put first on PATH; `store()` reads it as the extension would.
 */
export class DockerConfigDir {
  private constructor(
    readonly dir: string,
    readonly binDir: string,
    readonly home: string,
  ) {}

  static async create(): Promise<DockerConfigDir> {
    const root = await makeTempDir('docker-config');
    const d = new DockerConfigDir(join(root, 'config'), join(root, 'bin'), join(root, 'home'));
    await Promise.all([mkdir(d.dir), mkdir(d.binDir), mkdir(join(d.home, '.docker'), { recursive: true })]);
    return d;
  }

  async write(config: unknown, where: 'DOCKER_CONFIG' | 'home' = 'DOCKER_CONFIG'): Promise<void> {
    await writeFile(join(where === 'home' ? join(this.home, '.docker') : this.dir, 'config.json'), JSON.stringify(config, null, 2));
  }

  /** A helper answering `get` with this username and secret, and appending the server URL it was asked for to `<name>.log`. */
  async helper(name: string, username: string, secret: string): Promise<void> {
    const log = join(this.binDir, `${name}.log`);
    const body = [
      '#!/bin/sh',
      'url=$(cat)',
      `printf '%s\\n' "$url" >> '${log}'`,
      'case "$1" in',
      `  get) printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$url" '${username}' '${secret}' ;;`,
      `  *) echo "unsupported" ; exit 1 ;;`,
      'esac',
      '',
    ].join('\n');
    await writeFile(join(this.binDir, `docker-credential-${name}`), body, { mode: 0o755 });
  }

  /** The environment the client's credential store gets: DOCKER_CONFIG (unless `withoutDockerConfig`) and PATH with the helpers first. */
  env(withoutDockerConfig = false): NodeJS.ProcessEnv {
    const path = `${this.binDir}${delimiter}${process.env['PATH'] ?? '/usr/bin:/bin'}`;
    return withoutDockerConfig ? { PATH: path } : { PATH: path, DOCKER_CONFIG: this.dir };
  }

  store(withoutDockerConfig = false): CredentialStore {
    return dockerCredentialStore({ env: this.env(withoutDockerConfig), homedir: this.home, helperTimeoutMs: 5000 });
  }

  helperLog(name: string): string {
    try {
      return readFileSync(join(this.binDir, `${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  async close(): Promise<void> {
    await removeTempDir(join(this.dir, '..'));
  }
}

/** The RegistryError a call fails with; fails the test when it succeeds or throws anything else. */
export async function registryError(call: Promise<unknown>): Promise<RegistryError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof RegistryError) return error;
    assert.fail(`expected a RegistryError, got ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`);
  }
  assert.fail('expected a RegistryError, but the call succeeded');
}

/**
 * The error is of `kind`, for `image`, starts with the image text and says `cause`; no secret shows
 * in its message, details or the client's log lines.
 */
export function assertRegistryError(error: RegistryError, kind: RegistryErrorKind, image: ImageRef, cause: RegExp, secrets: readonly string[] = [], logLines: readonly string[] = []): void {
  assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
  assert.equal(error.image, imageText(image));
  assert.ok(error.message.startsWith(imageText(image)), `message does not start with the image ${imageText(image)}: ${error.message}`);
  assert.match(error.message, cause);
  assertNoSecrets([error.message, JSON.stringify(error.details), ...logLines], secrets);
}

export function assertNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
  for (const text of texts) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 3)}…) shows in: ${text}`);
    // An Authorization value: the scheme, then base64 or a JWT (so at least one digit or symbol, unlike words).
    assert.doesNotMatch(text, /\b(?:Basic|Bearer) (?=[A-Za-z0-9+/=_.-]*[0-9+/=_.-])[A-Za-z0-9+/=_.-]{12,}/, `an Authorization value shows in: ${text}`);
  }
}
