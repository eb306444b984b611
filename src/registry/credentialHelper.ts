// Asks a Docker credential helper for a registry's credentials, as the Docker CLI does.
//
// Sources:
// - docker/docker-credential-helpers client/command.go: the program is `docker-credential-<name>`,
//   run directly (exec.Command, no shell) with the action as its only argument.
// - client/client.go (Get): the server URL on stdin (no newline); on failure stdout holds the error
//   text, and exactly "credentials not found in native keychain" (credentials/error.go) means none.
// - credentials/credentials.go (Serve): helpers print errors on stdout and exit 1.
// - docker/cli cli/config/credentials/native_store.go: Username "<token>" means Secret is an identity token.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Credentials } from './dockerConfig';

/** Stricter than the CLI, which would run `docker-credential-../x` as a relative path. */
const HELPER_NAME = /^[A-Za-z0-9._-]+$/;
const PROGRAM_PREFIX = 'docker-credential-';
const NOT_FOUND = 'credentials not found in native keychain';
const MISSING_SERVER_URL = 'no credentials server URL';
const MISSING_USERNAME = 'no credentials username';
const TOKEN_USERNAME = '<token>';
const DEFAULT_TIMEOUT_MS = 10_000;
/** Far more than any credential; a helper writing more is broken. */
const MAX_OUTPUT_BYTES = 1 << 20;

export type CredentialHelperFailure = 'invalidName' | 'notInstalled' | 'timeout' | 'failed' | 'badOutput';

/**
 * A helper could not answer. The message names the helper and the registry; it never holds the
 * helper's output, which may contain secrets.
 */
export class CredentialHelperError extends Error {
  override readonly name = 'CredentialHelperError';

  constructor(
    readonly reason: CredentialHelperFailure,
    readonly helper: string,
    readonly serverUrl: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HelperOptions {
  /** Default 10 s; the helper (and, on POSIX, its process group) is killed when it runs out. */
  timeoutMs?: number;
  /** The helper's whole environment, PATH included (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `docker-credential-<helper> get` with `serverUrl` on stdin. Resolves to the credentials, or
 * `undefined` when the helper has none for this registry; rejects with a CredentialHelperError otherwise.
 */
export async function getFromHelper(helper: string, serverUrl: string, options: HelperOptions = {}): Promise<Credentials | undefined> {
  const program = `${PROGRAM_PREFIX}${helper}`;
  const fail = (reason: CredentialHelperFailure, what: string): CredentialHelperError =>
    new CredentialHelperError(reason, helper, serverUrl, `Credential helper ${program} ${what} (registry ${serverUrl})`);

  if (!HELPER_NAME.test(helper)) {
    throw new CredentialHelperError(
      'invalidName',
      helper,
      serverUrl,
      `Refusing to run credential helper ${JSON.stringify(helper)} for registry ${serverUrl}: a helper name may only hold letters, digits, ".", "_" and "-"`,
    );
  }
  const timeoutMs = options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs) && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;

  const { code, signal, stdout } = await run(program, serverUrl, options.env ?? process.env, timeoutMs, fail);

  if (code !== 0) {
    // Compared, never quoted: anything else on stdout may be a secret.
    const said = stdout.trim();
    if (said === NOT_FOUND) return undefined;
    if (said === MISSING_SERVER_URL) throw fail('failed', 'was given no server URL');
    if (said === MISSING_USERNAME) throw fail('failed', 'reported credentials without a username');
    throw fail('failed', signal ? `was killed by ${signal}` : `failed with exit code ${code ?? 'unknown'}`);
  }
  return readAnswer(stdout, fail);
}

/** client.Get decodes `{"ServerURL","Username","Secret"}` with encoding/json, so field names match case-insensitively. */
function readAnswer(stdout: string, fail: (reason: CredentialHelperFailure, what: string) => CredentialHelperError): Credentials | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    // No `cause`: V8's parse error quotes the text.
    throw fail('badOutput', 'did not answer with JSON');
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw fail('badOutput', 'did not answer with a JSON object');
  const username = stringField(answer as Record<string, unknown>, 'Username');
  const secret = stringField(answer as Record<string, unknown>, 'Secret');
  if (username === undefined || secret === undefined) throw fail('badOutput', 'answered with a Username or Secret that is not a string');

  if (username === TOKEN_USERNAME) return secret !== '' ? { kind: 'identityToken', token: secret } : undefined;
  // Empty parts leave the CLI with empty credentials, i.e. anonymous access.
  return username !== '' && secret !== '' ? { kind: 'basic', username, password: secret } : undefined;
}

/** The field's string ('' when absent or null, as Go leaves it), or undefined when it is another type. */
function stringField(object: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: unknown = null;
  for (const [key, v] of Object.entries(object)) if (key.toLowerCase() === lower) value = v;
  if (value === null) return '';
  return typeof value === 'string' ? value : undefined;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

function run(
  program: string,
  input: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  fail: (reason: CredentialHelperFailure, what: string) => CredentialHelperError,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(program, ['get'], {
        env,
        shell: false,
        // stderr is not read: like stdout it may hold secrets, and the CLI only passes it through.
        stdio: ['pipe', 'pipe', 'ignore'],
        windowsHide: true,
        // Its own process group on POSIX, so a timeout also stops what a wrapper script started.
        detached: process.platform !== 'win32',
      });
    } catch {
      reject(fail('failed', 'could not be started'));
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (then: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      then();
    };
    const stop = (): void => {
      killGroup(child);
      child.stdout?.destroy();
      child.stdin?.destroy();
    };

    const timer = setTimeout(() => settle(() => (stop(), reject(fail('timeout', `did not answer within ${timeoutMs} ms and was stopped`)))), timeoutMs);

    child.on('error', (error: NodeJS.ErrnoException) =>
      settle(() => {
        stop();
        reject(error.code === 'ENOENT' ? fail('notInstalled', 'is not installed or not on PATH') : fail('failed', `could not be started (${error.code ?? 'unknown error'})`));
      }),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) settle(() => (stop(), reject(fail('badOutput', 'wrote far more output than a credential'))));
      else chunks.push(chunk);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) =>
      settle(() => resolve({ code, signal, stdout: Buffer.concat(chunks).toString('utf8') })),
    );

    // A helper may exit without reading its input; its exit status tells what happened, not EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/** Kills the helper's process group (POSIX), even if the helper itself already exited: what it started may still hold stdout. */
function killGroup(child: ChildProcess): void {
  if (process.platform !== 'win32' && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
      return;
    } catch {
      // No such group any more: fall back to the process itself.
    }
  }
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
