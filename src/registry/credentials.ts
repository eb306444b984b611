// Where the registry client gets credentials: Docker's config file and helpers (as the Docker CLI
// does, see dockerConfig.ts and credentialHelper.ts), and stores chained in front of it.

import { stat, readFile } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import { getFromHelper } from './credentialHelper';
import { credentialSource, dockerConfigPath, parseDockerConfig, type Credentials, type DockerConfig } from './dockerConfig';

export type { Credentials } from './dockerConfig';

export interface CredentialStore {
  /** `registryHost` as in ImageRef.registry (`docker.io` for Docker Hub) or a mirror host (`mirror.local:5000`). */
  get(registryHost: string): Promise<Credentials | undefined>;
  /** Set on NO_CREDENTIALS only: anonymous by policy (a restricted workspace), so a 401 means "untrusted". */
  readonly restricted?: true;
}

export interface DockerCredentialStoreOptions {
  /** For DOCKER_CONFIG, and the helpers' whole environment (PATH); default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Default os.homedir(). */
  homedir?: string;
  /** Per helper run; default credentialHelper's 10 s. */
  helperTimeoutMs?: number;
  /** Told once per change of the file when it cannot be read or parsed. Messages never quote the file. */
  onProblem?: (message: string) => void;
}

const EMPTY_CONFIG: DockerConfig = Object.freeze({ auths: Object.freeze({}), credHelpers: Object.freeze({}) }) as DockerConfig;

/**
 * The Docker CLI's lookup: credHelpers[host], credsStore, auths[host] (dockerConfig.ts's
 * credentialSource). The file is stat'ed on each call and read again only when it changed, so a
 * `docker login` in a terminal takes effect without a reload. A missing file means no credentials;
 * an unreadable or garbled one gives none either and is reported through onProblem. Helper failures
 * reject with CredentialHelperError (the client turns them into RegistryError 'credentials').
 */
export function dockerCredentialStore(options: DockerCredentialStoreOptions = {}): CredentialStore {
  const env = options.env ?? process.env;
  const path = dockerConfigPath(env, options.homedir ?? osHomedir());
  const report = options.onProblem ?? (() => undefined);

  /** The config as last read, keyed by what stat said about the file then (or why stat failed). */
  let cached: { key: string; config: Promise<DockerConfig> } | undefined;
  /** One helper run per helper and server URL at a time; concurrent lookups share it. */
  const running = new Map<string, Promise<Credentials | undefined>>();

  const load = async (): Promise<DockerConfig> => {
    let key: string;
    try {
      const stats = await stat(path);
      // ino and ctime too: the CLI saves by renaming a temp file over the old one, possibly within one mtime tick.
      key = stats.isFile() ? `file:${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}` : 'notFile';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      key = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `error:${code}`;
    }
    if (cached?.key !== key) cached = { key, config: read(key) };
    return cached.config;
  };

  const read = async (key: string): Promise<DockerConfig> => {
    if (key === 'missing') return EMPTY_CONFIG;
    if (key === 'notFile') return unreadable('it is not a file');
    if (key.startsWith('error:')) return unreadable(key.slice('error:'.length));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Removed between stat and read: as if missing (the next call's stat says so too).
      return code === 'ENOENT' ? EMPTY_CONFIG : unreadable(code ?? 'unknown error');
    }
    const { config, problems } = parseDockerConfig(text);
    for (const problem of problems) report(`Docker config ${path}: ${problem}`);
    return config;
  };

  const unreadable = (why: string): DockerConfig => {
    report(`Docker config ${path} could not be read (${why}); no credentials are taken from it`);
    return EMPTY_CONFIG;
  };

  const fromHelper = (helper: string, serverUrl: string): Promise<Credentials | undefined> => {
    const key = `${helper}\n${serverUrl}`;
    let answer = running.get(key);
    if (!answer) {
      answer = getFromHelper(helper, serverUrl, { env, ...(options.helperTimeoutMs !== undefined && { timeoutMs: options.helperTimeoutMs }) }).finally(() => running.delete(key));
      running.set(key, answer);
    }
    return answer;
  };

  return {
    async get(registryHost) {
      const source = credentialSource(await load(), registryHost);
      switch (source.kind) {
        case 'none':
          return undefined;
        case 'inline':
          return source.credentials;
        case 'helper':
          return fromHelper(source.helper, source.serverUrl);
      }
    },
  };
}

/** First store that answers wins (the edge puts VS Code secret storage first, then Docker's config); a store that throws ends the lookup. */
export function chainCredentialStores(...stores: CredentialStore[]): CredentialStore {
  return {
    async get(registryHost) {
      for (const store of stores) {
        const credentials = await store.get(registryHost);
        if (credentials) return credentials;
      }
      return undefined;
    },
  };
}

/**
 * For untrusted workspaces: every registry is accessed anonymously. Recognized by `restricted`, not by identity:
 * the extension and its lazily loaded registry bundle each have their own copy of this module.
 */
export const NO_CREDENTIALS: CredentialStore = Object.freeze({ get: async () => undefined, restricted: true });
