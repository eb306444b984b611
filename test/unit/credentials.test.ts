import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CredentialHelperError } from '../../src/registry/credentialHelper';
import { chainCredentialStores, dockerCredentialStore, NO_CREDENTIALS, type CredentialStore, type Credentials } from '../../src/registry/credentials';

const HUB = 'https://index.docker.io/v1/';
const SECRET = 'hunter2-s3cret-value';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const basic = (username: string, password: string): Credentials => ({ kind: 'basic', username, password });

describe('unit: docker credential store (real config files and helpers)', function () {
  let root = '';
  let bin = '';
  let config = '';
  let calls = '';
  let env: NodeJS.ProcessEnv = {};
  let problems: string[] = [];

  const script = (name: string, body: string): void => writeFileSync(join(bin, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  const writeConfig = (value: unknown): void => writeFileSync(join(config, 'config.json'), typeof value === 'string' ? value : JSON.stringify(value));
  const store = (options: { helperTimeoutMs?: number } = {}): CredentialStore => dockerCredentialStore({ env, homedir: join(root, 'nohome'), onProblem: (m) => problems.push(m), ...options });
  const helperCalls = (): string[] => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : []);

  before(function () {
    // The helpers are `#!/bin/sh` scripts, which Windows cannot run; CI and development run on Linux.
    if (process.platform === 'win32') this.skip();
    root = mkdtempSync(join(tmpdir(), 'credentials-'));
    bin = join(root, 'bin');
    mkdirSync(bin);
    calls = join(root, 'calls.log');
    env = { PATH: `${bin}${delimiter}${process.env['PATH'] ?? '/usr/bin:/bin'}` };
    // Answers per server URL (read from stdin, as the CLI sends it) and logs each call.
    script(
      'test',
      [
        'url=$(cat)',
        `echo "$url" >> "${calls}"`,
        'case "$url" in',
        `  ghcr.io) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pw"}' "$url" ;;`,
        `  '${HUB}') printf '{"ServerURL":"%s","Username":"hub-user","Secret":"hub-pw"}' "$url" ;;`,
        `  token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-tok"}' "$url" ;;`,
        `  slow.example) sleep 0.3; printf '{"ServerURL":"%s","Username":"slow","Secret":"pw"}' "$url" ;;`,
        `  fail.example) echo "backend said ${SECRET}"; exit 1 ;;`,
        `  *) echo "credentials not found in native keychain"; exit 1 ;;`,
        'esac',
      ].join('\n'),
    );
    script('hang', 'sleep 5');
  });

  beforeEach(() => {
    config = mkdtempSync(join(root, 'config-'));
    env = { ...env, DOCKER_CONFIG: config };
    problems = [];
    rmSync(calls, { force: true });
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('no config file: no credentials, no problem', async () => {
    assert.equal(await store().get('ghcr.io'), undefined);
    assert.equal(await dockerCredentialStore({ env: { ...env, DOCKER_CONFIG: join(root, 'absent') } }).get('docker.io'), undefined);
    assert.deepEqual(problems, []);
  });

  it('uses ~/.docker/config.json when DOCKER_CONFIG is unset', async () => {
    const home = join(root, 'home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('home:pw') } } }));
    const withoutConfig = { ...env };
    delete withoutConfig['DOCKER_CONFIG'];
    assert.deepEqual(await dockerCredentialStore({ env: withoutConfig, homedir: home }).get('ghcr.io'), basic('home', 'pw'));
  });

  // [name, config.json, registry host as in ImageRef.registry, expected credentials, helper calls (server URLs)]
  const cases: [string, unknown, string, Credentials | undefined, string[]][] = [
    ['inline auths', { auths: { 'localhost:5000': { auth: b64('alice:pw') } } }, 'localhost:5000', basic('alice', 'pw'), []],
    ['inline auths, other host', { auths: { 'localhost:5000': { auth: b64('alice:pw') } } }, 'localhost:5001', undefined, []],
    ['Docker Hub under its CLI key', { auths: { [HUB]: { auth: b64('hub:pw') } } }, 'docker.io', basic('hub', 'pw'), []],
    ['registry token', { auths: { 'r.example': { registrytoken: 'bearer-tok' } } }, 'r.example', { kind: 'registryToken', token: 'bearer-tok' }, []],
    ['identity token inline', { auths: { 'acr.example': { identitytoken: 'refresh' } } }, 'acr.example', { kind: 'identityToken', token: 'refresh' }, []],
    ['credsStore', { credsStore: 'test' }, 'ghcr.io', basic('helper-user', 'helper-pw'), ['ghcr.io']],
    ['credsStore for Docker Hub gets the Hub key', { credsStore: 'test' }, 'docker.io', basic('hub-user', 'hub-pw'), [HUB]],
    ['credsStore beats auths', { credsStore: 'test', auths: { 'ghcr.io': { auth: b64('inline:pw') } } }, 'ghcr.io', basic('helper-user', 'helper-pw'), ['ghcr.io']],
    ['credsStore "not found" is anonymous', { credsStore: 'test' }, 'quay.io', undefined, ['quay.io']],
    ['credsStore identity token', { credsStore: 'test' }, 'token.example', { kind: 'identityToken', token: 'refresh-tok' }, ['token.example']],
    ['credHelpers for one host', { credHelpers: { 'ghcr.io': 'test' }, auths: { 'localhost:5000': { auth: b64('a:b') } } }, 'ghcr.io', basic('helper-user', 'helper-pw'), ['ghcr.io']],
    ['credHelpers do not apply to other hosts', { credHelpers: { 'ghcr.io': 'test' }, auths: { 'localhost:5000': { auth: b64('a:b') } } }, 'localhost:5000', basic('a', 'b'), []],
    ['a mirror gets its own entry, not the upstream\'s', { auths: { [HUB]: { auth: b64('hub:pw') }, 'mirror.local:5000': { auth: b64('m:pw') } } }, 'mirror.local:5000', basic('m', 'pw'), []],
    ['a mirror without an entry gets nothing', { auths: { [HUB]: { auth: b64('hub:pw') } } }, 'mirror.local:5000', undefined, []],
  ];
  for (const [name, file, host, expected, helperRuns] of cases) {
    it(`${name}: ${host}`, async () => {
      writeConfig(file);
      assert.deepEqual(await store().get(host), expected);
      assert.deepEqual(helperCalls(), helperRuns);
      assert.deepEqual(problems, []);
    });
  }

  it('helper failures reject with CredentialHelperError, without the helper\'s output', async () => {
    writeConfig({ credsStore: 'test' });
    const error = await store()
      .get('fail.example')
      .then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof CredentialHelperError);
    assert.equal(error.reason, 'failed');
    assert.equal(error.serverUrl, 'fail.example');
    assert.ok(!error.message.includes(SECRET), error.message);
  });

  it('a helper that is not installed rejects', async () => {
    writeConfig({ credHelpers: { 'ghcr.io': 'nosuchhelper' } });
    await assert.rejects(store().get('ghcr.io'), (e: unknown) => e instanceof CredentialHelperError && e.reason === 'notInstalled');
  });

  it('passes helperTimeoutMs to the helper run', async () => {
    writeConfig({ credsStore: 'hang' });
    const started = Date.now();
    await assert.rejects(store({ helperTimeoutMs: 300 }).get('ghcr.io'), (e: unknown) => e instanceof CredentialHelperError && e.reason === 'timeout');
    // Stopped at the 300 ms asked for, not at the 10 s default (a bound a loaded machine cannot break).
    assert.ok(Date.now() - started < 8000);
  });

  it('concurrent lookups share one helper run', async () => {
    writeConfig({ credsStore: 'test' });
    const s = store();
    const answers = await Promise.all(Array.from({ length: 8 }, () => s.get('slow.example')));
    for (const a of answers) assert.deepEqual(a, basic('slow', 'pw'));
    assert.deepEqual(helperCalls(), ['slow.example']);
    // Later lookups ask again: nothing is kept beyond the run.
    await s.get('slow.example');
    assert.equal(helperCalls().length, 2);
  });

  it('reads the file again when it changes', async () => {
    const s = store();
    writeConfig({ auths: { 'ghcr.io': { auth: b64('first:pw') } } });
    assert.deepEqual(await s.get('ghcr.io'), basic('first', 'pw'));
    // Same size, in place (same inode); the mtime set apart in case the writes share a clock tick.
    writeConfig({ auths: { 'ghcr.io': { auth: b64('later:pw') } } });
    const file = join(config, 'config.json');
    const t = statSync(file).mtime.getTime() / 1000 + 5;
    utimesSync(file, t, t);
    assert.deepEqual(await s.get('ghcr.io'), basic('later', 'pw'));
    // A new file renamed into place, as the CLI saves it.
    writeFileSync(`${file}.tmp`, JSON.stringify({ credsStore: 'test' }));
    renameSync(`${file}.tmp`, file);
    assert.deepEqual(await s.get('ghcr.io'), basic('helper-user', 'helper-pw'));
    // Deleted: no credentials.
    unlinkSync(file);
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.deepEqual(problems, []);
  });

  it('a garbled file gives no credentials and one problem per change, never quoting it', async () => {
    const s = store();
    writeConfig(`{"auths": {"ghcr.io": {"auth": "${b64(`u:${SECRET}`)}", "password": "${SECRET}" }`);
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /not valid JSON/);
    assert.ok(problems[0]?.includes(join(config, 'config.json')), 'names the file');
    // Fixed: read again, credentials back, no new problem.
    writeConfig({ auths: { 'ghcr.io': { auth: b64('fixed:pw') } } });
    const file = join(config, 'config.json');
    const t = statSync(file).mtime.getTime() / 1000 + 5;
    utimesSync(file, t, t);
    assert.deepEqual(await s.get('ghcr.io'), basic('fixed', 'pw'));
    assert.equal(problems.length, 1);
    for (const p of problems) assert.ok(!p.includes(SECRET) && !p.includes(b64(`u:${SECRET}`)), p);
  });

  it('a partly bad file still gives its good entries, with a problem', async () => {
    writeConfig({ auths: { 'ghcr.io': { auth: 'not base64!' }, 'quay.io': { auth: b64('q:pw') } } });
    const s = store();
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.deepEqual(await s.get('quay.io'), basic('q', 'pw'));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /auths\["ghcr\.io"\]\.auth is not valid base64/);
  });

  it('a config.json that is a directory or cannot be stat\'ed gives a problem, once', async () => {
    mkdirSync(join(config, 'config.json'));
    const s = store();
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.deepEqual(problems, [`Docker config ${join(config, 'config.json')} could not be read (it is not a file); no credentials are taken from it`]);

    // A symlink loop fails even for root, who can read any mode.
    rmSync(join(config, 'config.json'), { recursive: true });
    symlinkSync('config.json', join(config, 'config.json'));
    problems = [];
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.equal(await s.get('ghcr.io'), undefined);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /could not be read \(ELOOP\)/);
  });

  it('without onProblem, a garbled file is silently no credentials', async () => {
    writeConfig('{');
    assert.equal(await dockerCredentialStore({ env }).get('ghcr.io'), undefined);
  });
});

describe('unit: credential store chain', () => {
  const fixed = (name: string, answers: Record<string, Credentials>, log: string[]): CredentialStore => ({
    async get(host) {
      log.push(`${name}:${host}`);
      return answers[host];
    },
  });

  it('first store that answers wins; later ones are not asked', async () => {
    const log: string[] = [];
    const chain = chainCredentialStores(fixed('secrets', { 'ghcr.io': basic('from-secrets', 'x') }, log), fixed('docker', { 'ghcr.io': basic('from-docker', 'y'), 'quay.io': basic('q', 'z') }, log));
    assert.deepEqual(await chain.get('ghcr.io'), basic('from-secrets', 'x'));
    assert.deepEqual(log, ['secrets:ghcr.io']);
    assert.deepEqual(await chain.get('quay.io'), basic('q', 'z'));
    assert.deepEqual(await chain.get('docker.io'), undefined);
    assert.deepEqual(log, ['secrets:ghcr.io', 'secrets:quay.io', 'docker:quay.io', 'secrets:docker.io', 'docker:docker.io']);
  });

  it('a store that throws ends the lookup with its error', async () => {
    const log: string[] = [];
    const failing: CredentialStore = {
      async get() {
        throw new CredentialHelperError('failed', 'desktop', 'ghcr.io', 'Credential helper docker-credential-desktop failed');
      },
    };
    const chain = chainCredentialStores(fixed('first', {}, log), failing, fixed('last', { 'ghcr.io': basic('l', 'p') }, log));
    await assert.rejects(chain.get('ghcr.io'), CredentialHelperError);
    assert.deepEqual(log, ['first:ghcr.io']);
  });

  it('an empty chain and NO_CREDENTIALS have nothing', async () => {
    assert.equal(await chainCredentialStores().get('ghcr.io'), undefined);
    assert.equal(await NO_CREDENTIALS.get('ghcr.io'), undefined);
    assert.equal(await chainCredentialStores(NO_CREDENTIALS, NO_CREDENTIALS).get('docker.io'), undefined);
    assert.ok(Object.isFrozen(NO_CREDENTIALS));
  });
});
