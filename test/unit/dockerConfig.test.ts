import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CredentialHelperError, getFromHelper } from '../../src/registry/credentialHelper';
import { credentialSource, dockerConfigPath, parseDockerConfig, type CredentialSource } from '../../src/registry/dockerConfig';

const HUB = 'https://index.docker.io/v1/';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const basic = (username: string, password: string): CredentialSource => ({ kind: 'inline', credentials: { kind: 'basic', username, password } });
const helper = (name: string, serverUrl: string): CredentialSource => ({ kind: 'helper', helper: name, serverUrl });
const NONE: CredentialSource = { kind: 'none' };
const json = (value: unknown): string => JSON.stringify(value);

/** Whether `pid` is alive; a zombie (killed, not yet reaped by whatever adopted it) is not. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('docker config: credentialSource', () => {
  // [name, config.json text, registry host, expected source, whether parsing reports a problem]
  const cases: [name: string, text: string, host: string, expected: CredentialSource, problem?: boolean][] = [
    ['empty object', '{}', 'ghcr.io', NONE],
    ['empty file', '', 'ghcr.io', NONE],
    ['whitespace-only file', ' \n', 'docker.io', NONE],
    ['malformed JSON', '{"auths": {', 'ghcr.io', NONE, true],
    ['comments are not JSON', `{\n  // mine\n  "auths": {"ghcr.io": {"auth": "${b64('u:p')}"}}\n}`, 'ghcr.io', NONE, true],
    ['top level is an array', '[]', 'ghcr.io', NONE, true],
    ['auths is not an object', '{"auths": "x"}', 'ghcr.io', NONE, true],
    ['exact host', json({ auths: { 'ghcr.io': { auth: b64('alice:pw') } } }), 'ghcr.io', basic('alice', 'pw')],
    ['other host is not matched', json({ auths: { 'ghcr.io': { auth: b64('alice:pw') } } }), 'quay.io', NONE],
    ['host with port', json({ auths: { 'localhost:5000': { auth: b64('a:b') } } }), 'localhost:5000', basic('a', 'b')],
    ['port must match', json({ auths: { 'localhost:5000': { auth: b64('a:b') } } }), 'localhost', NONE],
    ['port must be present', json({ auths: { localhost: { auth: b64('a:b') } } }), 'localhost:5000', NONE],
    ['legacy https://host', json({ auths: { 'https://ghcr.io': { auth: b64('a:b') } } }), 'ghcr.io', basic('a', 'b')],
    ['legacy http://host/v1/', json({ auths: { 'http://ghcr.io/v1/': { auth: b64('a:b') } } }), 'ghcr.io', basic('a', 'b')],
    ['legacy host/', json({ auths: { 'ghcr.io/': { auth: b64('a:b') } } }), 'ghcr.io', basic('a', 'b')],
    ['legacy http://host:port/v2/', json({ auths: { 'http://localhost:5000/v2/': { auth: b64('a:b') } } }), 'localhost:5000', basic('a', 'b')],
    ['legacy URL with user info and port', json({ auths: { 'https://me@reg.example:443/x': { auth: b64('a:b') } } }), 'reg.example:443', basic('a', 'b')],
    ['legacy IPv6 URL with port', json({ auths: { 'https://[::1]:5000/': { auth: b64('a:b') } } }), '[::1]:5000', basic('a', 'b')],
    ['exact key beats a legacy spelling', json({ auths: { 'https://ghcr.io': { auth: b64('old:x') }, 'ghcr.io': { auth: b64('new:y') } } }), 'ghcr.io', basic('new', 'y')],
    ['registry given as a URL', json({ auths: { 'ghcr.io': { auth: b64('a:b') } } }), 'https://ghcr.io/', basic('a', 'b')],
    ['Docker Hub as docker.io', json({ auths: { [HUB]: { auth: b64('hub:pw') } } }), 'docker.io', basic('hub', 'pw')],
    ['Docker Hub as index.docker.io', json({ auths: { [HUB]: { auth: b64('hub:pw') } } }), 'index.docker.io', basic('hub', 'pw')],
    ['Docker Hub as registry-1.docker.io', json({ auths: { [HUB]: { auth: b64('hub:pw') } } }), 'registry-1.docker.io', basic('hub', 'pw')],
    ['Hub key "docker.io" is not used by the CLI', json({ auths: { 'docker.io': { auth: b64('hub:pw') } } }), 'docker.io', NONE],
    ['Hub key "https://index.docker.io/v1" (no slash) is not used', json({ auths: { 'https://index.docker.io/v1': { auth: b64('h:p') } } }), 'docker.io', NONE],
    ['credHelpers[host] beats credsStore and auths', json({ credsStore: 'desktop', credHelpers: { 'us-docker.pkg.dev': 'gcloud' }, auths: { 'us-docker.pkg.dev': { auth: b64('a:b') } } }), 'us-docker.pkg.dev', helper('gcloud', 'us-docker.pkg.dev')],
    ['credsStore beats auths', json({ credsStore: 'desktop', auths: { 'ghcr.io': { auth: b64('a:b') } } }), 'ghcr.io', helper('desktop', 'ghcr.io')],
    ['credsStore for a host not in auths', json({ credsStore: 'osxkeychain' }), 'quay.io', helper('osxkeychain', 'quay.io')],
    ['credsStore for Hub gets the Hub key', json({ credsStore: 'desktop' }), 'docker.io', helper('desktop', HUB)],
    ['credsStore with a port', json({ credsStore: 'pass' }), 'localhost:5000', helper('pass', 'localhost:5000')],
    ['credHelpers for Hub under the Hub key', json({ credHelpers: { [HUB]: 'hubhelper' } }), 'registry-1.docker.io', helper('hubhelper', HUB)],
    ['credHelpers for Hub under "docker.io" is ignored', json({ credsStore: 'desktop', credHelpers: { 'docker.io': 'x' } }), 'docker.io', helper('desktop', HUB)],
    ['credHelpers keys are not normalized', json({ credHelpers: { 'https://ghcr.io': 'x' }, auths: { 'ghcr.io': { auth: b64('a:b') } } }), 'ghcr.io', basic('a', 'b')],
    ['credHelpers "" disables credsStore for that host', json({ credsStore: 'desktop', credHelpers: { 'ghcr.io': '' }, auths: { 'ghcr.io': { auth: b64('a:b') } } }), 'ghcr.io', basic('a', 'b')],
    ['credHelpers null counts as ""', json({ credsStore: 'desktop', credHelpers: { 'ghcr.io': null } }), 'ghcr.io', NONE],
    ['credsStore "" means none', json({ credsStore: '', auths: { 'ghcr.io': { auth: b64('a:b') } } }), 'ghcr.io', basic('a', 'b')],
    ['identitytoken with username', json({ auths: { 'acr.example': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh' } } }), 'acr.example', { kind: 'inline', credentials: { kind: 'identityToken', token: 'refresh', username: '00000000-0000-0000-0000-000000000000' } }],
    ['identitytoken alone', json({ auths: { 'acr.example': { identitytoken: 'refresh' } } }), 'acr.example', { kind: 'inline', credentials: { kind: 'identityToken', token: 'refresh' } }],
    ['identitytoken beats a password', json({ auths: { 'acr.example': { auth: b64('u:p'), identitytoken: 'refresh' } } }), 'acr.example', { kind: 'inline', credentials: { kind: 'identityToken', token: 'refresh', username: 'u' } }],
    ['registrytoken', json({ auths: { 'r.example': { registrytoken: 'bearer' } } }), 'r.example', { kind: 'inline', credentials: { kind: 'registryToken', token: 'bearer' } }],
    ['registrytoken survives a credsStore (nativeStore.Get keeps it)', json({ credsStore: 'desktop', auths: { 'r.example': { registrytoken: 'bearer' } } }), 'r.example', { kind: 'inline', credentials: { kind: 'registryToken', token: 'bearer' } }],
    ['bad base64', json({ auths: { 'ghcr.io': { auth: 'not base64!' } } }), 'ghcr.io', NONE, true],
    ['base64 without padding is refused, as Go does', json({ auths: { 'ghcr.io': { auth: b64('u:pw').replace(/=+$/, '') } } }), 'ghcr.io', NONE, true],
    ['auth without a colon', json({ auths: { 'ghcr.io': { auth: b64('justuser') } } }), 'ghcr.io', NONE, true],
    ['auth with an empty username', json({ auths: { 'ghcr.io': { auth: b64(':pw') } } }), 'ghcr.io', NONE, true],
    ['password split at the first colon', json({ auths: { 'ghcr.io': { auth: b64('u:p:a:ss') } } }), 'ghcr.io', basic('u', 'p:a:ss')],
    ['NULs trimmed from the password', json({ auths: { 'ghcr.io': { auth: b64('u:pw\0\0') } } }), 'ghcr.io', basic('u', 'pw')],
    ['base64 wrapped over lines', json({ auths: { 'ghcr.io': { auth: `${b64('user:password')}`.replace(/^(.{8})/, '$1\n') } } }), 'ghcr.io', basic('user', 'password')],
    ['UTF-8 in the password', json({ auths: { 'ghcr.io': { auth: b64('u:pässwörd') } } }), 'ghcr.io', basic('u', 'pässwörd')],
    ['auth beats plain username/password', json({ auths: { 'ghcr.io': { auth: b64('a:b'), username: 'x', password: 'y' } } }), 'ghcr.io', basic('a', 'b')],
    ['plain username/password', json({ auths: { 'ghcr.io': { username: 'x', password: 'y' } } }), 'ghcr.io', basic('x', 'y')],
    ['bad auth falls back to plain fields', json({ auths: { 'ghcr.io': { auth: '%%%', username: 'x', password: 'y' } } }), 'ghcr.io', basic('x', 'y'), true],
    ['username without password', json({ auths: { 'ghcr.io': { username: 'x' } } }), 'ghcr.io', NONE],
    ['empty entry (email only)', json({ auths: { 'ghcr.io': { email: 'a@b.c' } } }), 'ghcr.io', NONE],
    ['field names match case-insensitively, as in Go', json({ Auths: { 'ghcr.io': { Auth: b64('a:b') } }, CredHelpers: {} }), 'ghcr.io', basic('a', 'b')],
    ['a field of the wrong type', json({ auths: { 'ghcr.io': { auth: 42 } } }), 'ghcr.io', NONE, true],
    ['prototype names are not registries', '{}', 'constructor', NONE],
    ['a "__proto__" registry key', '{"auths": {"__proto__": {"auth": "' + b64('p:q') + '"}}}', '__proto__', basic('p', 'q')],
    ['byte-order mark is read, with a problem', `\uFEFF${json({ auths: { 'ghcr.io': { auth: b64('a:b') } } })}`, 'ghcr.io', basic('a', 'b'), true],
  ];

  for (const [name, text, host, expected, problem] of cases) {
    it(`${name}: ${host}`, () => {
      const { config, problems } = parseDockerConfig(text);
      assert.deepEqual(credentialSource(config, host), expected);
      if (problem) assert.ok(problems.length > 0, 'expected a problem');
      else assert.deepEqual(problems, []);
    });
  }

  it('problems never quote values from the file', () => {
    const secret = 'hunter2-s3cret';
    const texts = [
      json({ auths: { 'ghcr.io': { auth: `${secret}!` } } }),
      `{"auths": {"ghcr.io": {"password": "${secret}"}} // note\n}`,
      `{"auths": {"ghcr.io": {"password": "${secret}" "x"}}}`,
      `{"auths": {"ghcr.io": {"auth": ${secret}}}}`,
      json({ auths: { 'ghcr.io': { auth: b64(secret) } } }),
    ];
    for (const text of texts) {
      const { problems } = parseDockerConfig(text);
      assert.ok(problems.length > 0, text);
      for (const p of problems) assert.ok(!p.includes(secret), p);
    }
  });

  it('reports where a comment is', () => {
    const { problems } = parseDockerConfig('{\n  "auths": {},\n  /* old */ "credsStore": "x"\n}');
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /comment on line 3/);
  });

  it('keeps the parsed form', () => {
    const { config } = parseDockerConfig(json({ auths: { 'ghcr.io': { auth: 'YTpi', email: 'x' } }, credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' }, psFormat: 'x' }));
    assert.deepEqual(config, { auths: { 'ghcr.io': { auth: 'YTpi' } }, credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } });
  });
});

describe('docker config: dockerConfigPath', () => {
  const cases: [env: Record<string, string | undefined>, home: string, expected: string][] = [
    [{}, '/home/u', '/home/u/.docker/config.json'],
    [{}, '/root/', '/root/.docker/config.json'],
    [{ DOCKER_CONFIG: '/etc/docker-client' }, '/home/u', '/etc/docker-client/config.json'],
    [{ DOCKER_CONFIG: '/etc/docker-client/' }, '/home/u', '/etc/docker-client/config.json'],
    [{ DOCKER_CONFIG: '' }, '/home/u', '/home/u/.docker/config.json'],
    [{ DOCKER_CONFIG: undefined }, '/home/u', '/home/u/.docker/config.json'],
    [{ DOCKER_CONFIG: 'ci/docker' }, '/home/u', 'ci/docker/config.json'],
    [{}, 'C:\\Users\\u', 'C:\\Users\\u\\.docker\\config.json'],
    [{ DOCKER_CONFIG: 'D:\\cfg\\' }, 'C:\\Users\\u', 'D:\\cfg\\config.json'],
  ];
  for (const [env, home, expected] of cases) {
    it(`${JSON.stringify(env)} ${home} → ${expected}`, () => assert.equal(dockerConfigPath(env, home), expected));
  }
});

describe('docker config: credential helpers (real processes)', function () {
  const secret = 'hunter2-s3cret-value';
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  const script = (name: string, body: string): void => writeFileSync(join(dir, `docker-credential-${name}`), `#!/bin/sh\n${body}\n`, { mode: 0o755 });

  before(function () {
    // The helpers below are `#!/bin/sh` scripts, which Windows cannot execute; CI and development run on
    // Linux, where this never skips.
    if (process.platform === 'win32') this.skip();
    dir = mkdtempSync(join(tmpdir(), 'credhelper-'));
    env = { PATH: `${dir}${delimiter}${process.env['PATH'] ?? '/usr/bin:/bin'}` };
    // Answers per server URL, which it reads from stdin as the CLI sends it (no newline).
    script(
      'testhelper',
      [
        'url=$(cat)',
        'case "$url" in',
        `  token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-tok"}' "$url" ;;`,
        `  empty.example) printf '{"ServerURL":"%s","Username":"","Secret":""}' "$url" ;;`,
        `  lower.example) printf '{"serverurl":"%s","username":"low","secret":"case"}\\n' "$url" ;;`,
        `  *) printf '{"ServerURL":"%s","Username":"user-for-%s","Secret":"pw"}\\n' "$url" "$url" ;;`,
        'esac',
      ].join('\n'),
    );
    script('testnotfound', 'echo "credentials not found in native keychain"\nexit 1');
    // The sleep is a child of the script, as in wrapper-script helpers: the timeout must stop it too.
    script('testslow', `sleep 30 &\necho $! > "${join(dir, 'slow.pid')}"\nwait`);
    script('testleak', `cat >/dev/null\necho "failed for ${secret}"\necho "${secret}" >&2\nexit 3`);
    script('testbadjson', `cat >/dev/null\necho "not json: ${secret}"`);
    script('testnouser', 'echo "no credentials username"\nexit 1');
    script('a b', `touch "${join(dir, 'ran')}"`);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes the server URL on stdin and reads username and secret', async () => {
    assert.deepEqual(await getFromHelper('testhelper', 'ghcr.io', { env }), { kind: 'basic', username: 'user-for-ghcr.io', password: 'pw' });
    assert.deepEqual(await getFromHelper('testhelper', HUB, { env }), { kind: 'basic', username: `user-for-${HUB}`, password: 'pw' });
  });

  it('reads Username <token> as an identity token', async () => {
    assert.deepEqual(await getFromHelper('testhelper', 'token.example', { env }), { kind: 'identityToken', token: 'refresh-tok' });
  });

  it('reads empty credentials as anonymous', async () => {
    assert.equal(await getFromHelper('testhelper', 'empty.example', { env }), undefined);
  });

  it('matches JSON field names case-insensitively, as Go does', async () => {
    assert.deepEqual(await getFromHelper('testhelper', 'lower.example', { env }), { kind: 'basic', username: 'low', password: 'case' });
  });

  it('treats "credentials not found" as anonymous', async () => {
    assert.equal(await getFromHelper('testnotfound', 'ghcr.io', { env }), undefined);
  });

  it('stops a helper that does not answer in time', async () => {
    const started = Date.now();
    const error = await getFromHelper('testslow', 'ghcr.io', { env, timeoutMs: 500 }).then(
      () => assert.fail('expected a timeout'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CredentialHelperError);
    assert.equal(error.reason, 'timeout');
    // Stopped at the 500 ms asked for, not at the 10 s default (a bound a loaded machine cannot break).
    assert.ok(Date.now() - started < 8000, 'took too long');
    assert.match(error.message, /docker-credential-testslow/);
    const pid = Number(readFileSync(join(dir, 'slow.pid'), 'utf8'));
    // Killing takes a moment; on a loaded machine, a few seconds.
    for (let i = 0; i < 250 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(isRunning(pid), false, 'the helper\'s child still runs');
  });

  it('never puts the helper output in its errors', async () => {
    for (const [name, reason] of [
      ['testleak', 'failed'],
      ['testbadjson', 'badOutput'],
    ] as const) {
      const error = await getFromHelper(name, 'ghcr.io', { env }).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof CredentialHelperError);
      assert.equal(error.reason, reason);
      assert.match(error.message, new RegExp(`docker-credential-${name}`));
      assert.match(error.message, /ghcr\.io/);
      assert.ok(!String(error.message).includes(secret), error.message);
      assert.ok(!String(error.stack).includes(secret));
      assert.equal(error.cause, undefined);
    }
  });

  it('reports a helper that says the username is missing', async () => {
    await assert.rejects(getFromHelper('testnouser', 'ghcr.io', { env }), (e: unknown) => e instanceof CredentialHelperError && e.reason === 'failed' && /without a username/.test(e.message));
  });

  it('reports a helper that is not installed', async () => {
    await assert.rejects(getFromHelper('nosuchhelper', 'ghcr.io', { env: { PATH: dir } }), (e: unknown) => e instanceof CredentialHelperError && e.reason === 'notInstalled' && e.message.includes('docker-credential-nosuchhelper'));
  });

  it('refuses helper names that are not plain names, without running anything', async () => {
    for (const name of ['../x', 'a b', '', 'x/y', 'a;b', '$(id)', 'x\\y']) {
      await assert.rejects(getFromHelper(name, 'ghcr.io', { env }), (e: unknown) => e instanceof CredentialHelperError && e.reason === 'invalidName');
    }
    assert.equal(existsSync(join(dir, 'ran')), false);
  });
});
