// Registry tier: Docker token auth. A real registry with `auth.token`, a token server of our own that
// signs ES256 JWTs, both over TLS from a test CA; credentials from a real Docker config: inline `auth`,
// `credsStore` and `credHelpers` (real `#!/bin/sh` docker-credential-* helpers on PATH), `identitytoken`.
import * as assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { makeTestCertificates, type TestCertificates } from './harness/certs';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';
import { decodeBasic, decodeTokenClaims, startTokenServer, type TokenServer, type UnsendableToken } from './harness/tokenServer';
import { assertNoSecrets, assertRegistryError, base64, DockerConfigDir, newClient, ref, registryError, settings } from './fixtures';
import type { RegistryHostSettings } from '../../src/registry/settings';

const SERVICE = 'test-registry';
const ISSUER = 'test-token-issuer';
const USERS = { alice: 'alice-token-Pa55', 'helper-user': 'helper-Pa55', 'helper2-user': 'helper2-Pa55' };
const IDENTITY_TOKEN = 'identity-token-for-carol-0123456789';

describe('registry tier: token auth with Docker config credentials', function () {
  let certs: TestCertificates;
  let tokens: TokenServer;
  let registry: RunningRegistry;
  /** A second pair whose realm is plain HTTP and refuses anonymous callers. */
  let httpTokens: TokenServer;
  let httpRealmRegistry: RunningRegistry;
  let app1: SeededIndex;
  let app2: SeededIndex;
  let other: SeededIndex;
  let privateApp: SeededIndex;
  let config: DockerConfigDir;
  const secrets = [...Object.values(USERS), IDENTITY_TOKEN, 'wrong-Pa55'];

  before(async () => {
    certs = await makeTestCertificates();
    const signing = { issuer: ISSUER, service: SERVICE, signingKeyPem: certs.signingKeyPem, signingCertPem: certs.signingCertPem, users: USERS };
    const tls = { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath };
    [tokens, httpTokens] = await Promise.all([startTokenServer({ ...signing, tls, refreshTokens: { [IDENTITY_TOKEN]: 'carol' } }), startTokenServer({ ...signing, anonymous: false })]);
    const tokenAuth = (realm: string) => ({ realm, service: SERVICE, issuer: ISSUER, rootCertBundlePath: certs.signingCertPath });
    [registry, httpRealmRegistry] = await Promise.all([startRegistry({ tls, token: tokenAuth(tokens.realm) }), startRegistry({ tls, token: tokenAuth(httpTokens.realm) })]);
    const seed = { auth: { username: 'alice', password: USERS.alice }, ca: certs.caCertPem };
    [app1, app2, other, privateApp] = await Promise.all([
      seedImage(registry.url, 'demo/app', '1', seed),
      seedImage(registry.url, 'demo/app', '2', seed),
      seedImage(registry.url, 'demo/other', '1', seed),
      seedImage(httpRealmRegistry.url, 'private/app', '1', seed),
    ]);
    config = await DockerConfigDir.create();
    await config.helper('xyz', 'helper-user', USERS['helper-user']);
    await config.helper('abc', 'helper2-user', USERS['helper2-user']);
  });
  after(async () => {
    await Promise.all([registry?.close(), httpRealmRegistry?.close(), tokens?.close(), httpTokens?.close()]);
    await certs?.close();
    await config?.close();
  });
  beforeEach(() => {
    tokens.reset();
    httpTokens.reset();
  });

  const client = (hosts: Record<string, RegistryHostSettings> = {}, withoutDockerConfig = false, now?: () => number) =>
    newClient({ settings: settings(hosts, { caCertificates: [certs.caCertPem] }), credentials: config.store(withoutDockerConfig), ...(now ? { now } : {}) });
  const image = (path: string) => ref(`${registry.host}/${path}`);
  /** The users whose Basic credentials reached the token server, in order (undefined: none sent). */
  const basicUsers = (server: TokenServer) => server.requests.map((r) => decodeBasic(r.authorization)?.username);
  const checkBasicCredentials = (server: TokenServer): void => {
    for (const r of server.requests) {
      const basic = decodeBasic(r.authorization);
      if (basic) assert.equal(basic.password, (USERS as Record<string, string>)[basic.username], `wrong password sent for ${basic.username}`);
    }
  };

  it('pulls anonymously with one token per host and scope', async () => {
    await config.write({});
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    assert.equal(c.stats.tokenRequests, 1);
    assert.equal((await c.resolve(image('demo/app:2'))).digest, app2.indexDigest);
    await c.manifest(image('demo/app:1'), { digest: app1.platformDigests['linux/amd64']! });
    assert.equal(c.stats.tokenRequests, 1, 'same repository: the token is reused');
    assert.equal((await c.resolve(image('demo/other:1'))).digest, other.indexDigest);
    assert.equal(c.stats.tokenRequests, 2, 'another repository: one more token');
    assert.equal(tokens.requests.length, 2);
    assert.deepEqual(basicUsers(tokens), [undefined, undefined]);
    assert.deepEqual(
      tokens.requests.map((r) => [r.method, r.query['service'], r.query['scope']]),
      [
        ['GET', [SERVICE], ['repository:demo/app:pull']],
        ['GET', [SERVICE], ['repository:demo/other:pull']],
      ],
    );
    await c.close();
  });

  // The token goes into `Authorization: Bearer <token>`; undici refuses a line break or a character past
  // Latin-1 in a header, and Node servers refuse more than 16 KiB of headers (http.maxHeaderSize).
  const unsendable: Array<[UnsendableToken, string]> = [
    ['lineBreak', 'it contains a line break'],
    ['nonLatin1', 'it contains characters outside ASCII'],
    ['oversized', `it is 20 KiB long, more than the 16 KiB a server accepts for all of a request's headers`],
  ];
  for (const [kind, why] of unsendable) {
    it(`a token that cannot be sent in a header (${kind}) is the token service's error, and is not kept`, async () => {
      await config.write({});
      const c = client();
      tokens.unsendable = kind;
      try {
        const error = await registryError(c.resolve(image('demo/app:1')));
        const text = `the token service ${tokens.host} of ${registry.host} answered a token that cannot be sent in an HTTP header (${why}); it was not used`;
        assertRegistryError(error, 'badResponse', image('demo/app:1'), new RegExp(text.replace(/[.()]/g, '\\$&')), secrets, c.logLines);
        assert.equal(error.host, tokens.host);
      } finally {
        tokens.unsendable = undefined;
      }
      assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
      assert.equal(tokens.requests.length, 2, 'the unsendable token was kept and used again');
      await c.close();
    });
  }

  it('shares one token among concurrent requests for the same scope', async () => {
    await config.write({});
    const c = client();
    const digests = await Promise.all([image('demo/app:1'), image('demo/app:2'), image('demo/app:1')].map((r) => c.resolve(r)));
    assert.deepEqual(
      digests.map((d) => d.digest),
      [app1.indexDigest, app2.indexDigest, app1.indexDigest],
    );
    assert.equal(c.stats.tokenRequests, 1);
    await c.close();
  });

  it('sends inline `auth` credentials to the token realm', async () => {
    await config.write({ auths: { [registry.host]: { auth: base64(`alice:${USERS.alice}`) } } });
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    assert.deepEqual(basicUsers(tokens), ['alice']);
    checkBasicCredentials(tokens);
    assert.equal(tokens.issued[0]?.user, 'alice');
    assertNoSecrets(c.logLines, secrets);
    await c.close();
  });

  it('asks the credsStore helper, passing the registry host', async () => {
    await config.write({ credsStore: 'xyz' });
    const asked = config.helperLog('xyz').length;
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    assert.deepEqual(basicUsers(tokens), ['helper-user']);
    checkBasicCredentials(tokens);
    assert.equal(config.helperLog('xyz').slice(asked), `${registry.host}\n`);
    await c.close();
  });

  it('prefers credHelpers[host] over credsStore', async () => {
    await config.write({ credsStore: 'xyz', credHelpers: { [registry.host]: 'abc' } });
    const xyzAsked = config.helperLog('xyz');
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    assert.deepEqual(basicUsers(tokens), ['helper2-user']);
    checkBasicCredentials(tokens);
    assert.equal(config.helperLog('xyz'), xyzAsked, 'credsStore helper was run');
    assert.match(config.helperLog('abc'), new RegExp(`^${registry.host.replace(/\./g, '\\.')}$`, 'm'));
    await c.close();
  });

  it("reports a failing helper as 'credentials', naming it", async () => {
    await config.write({ credsStore: 'missing-helper' });
    const c = client();
    const r = image('demo/app:1');
    assertRegistryError(await registryError(c.resolve(r)), 'credentials', r, /docker-credential-missing-helper/, secrets, c.logLines);
    await c.close();
  });

  it('exchanges an identitytoken with a refresh_token POST', async () => {
    await config.write({ auths: { [registry.host]: { identitytoken: IDENTITY_TOKEN } } });
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    assert.equal(tokens.requests.length, 1);
    const [post] = tokens.requests;
    assert.equal(post?.method, 'POST');
    assert.equal(post?.authorization, undefined);
    assert.deepEqual(
      { grant: post?.form['grant_type'], token: post?.form['refresh_token'], service: post?.form['service'], scope: post?.form['scope'], client: post?.form['client_id'] },
      { grant: 'refresh_token', token: IDENTITY_TOKEN, service: SERVICE, scope: 'repository:demo/app:pull', client: 'image-provenance' },
    );
    assert.equal(post?.user, 'carol');
    assert.equal(tokens.issued[0]?.user, 'carol');
    assertNoSecrets(c.logLines, secrets);
    await c.close();
  });

  it("answers 'unauthorized' for a rejected identitytoken, without showing it", async () => {
    const wrong = 'identity-token-that-is-wrong-42';
    await config.write({ auths: { [registry.host]: { identitytoken: wrong } } });
    const c = client();
    const r = image('demo/app:1');
    assertRegistryError(await registryError(c.resolve(r)), 'unauthorized', r, /401|credentials|sign in/i, [...secrets, wrong], c.logLines);
    await c.close();
  });

  it('reads $DOCKER_CONFIG rather than ~/.docker', async () => {
    await config.write({ auths: { [registry.host]: { auth: base64('alice:wrong-Pa55') } } }, 'home');
    await config.write({ auths: { [registry.host]: { auth: base64(`alice:${USERS.alice}`) } } });
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    checkBasicCredentials(tokens);
    await c.close();
    // Without DOCKER_CONFIG, ~/.docker/config.json (its wrong password) is what the CLI reads.
    tokens.reset();
    const home = client({}, true);
    const r = image('demo/app:1');
    assertRegistryError(await registryError(home.resolve(r)), 'unauthorized', r, /401|credentials|sign in/i, secrets, home.logLines);
    assert.deepEqual(basicUsers(tokens), ['alice']);
    assert.equal(decodeBasic(tokens.requests[0]?.authorization)?.password, 'wrong-Pa55');
    await home.close();
  });

  it("refuses to send credentials to a plain-HTTP realm ('insecure') unless that host is configured HTTP", async () => {
    await config.write({ auths: { [httpRealmRegistry.host]: { auth: base64(`alice:${USERS.alice}`) } } });
    const r = ref(`${httpRealmRegistry.host}/private/app:1`);
    const c = client();
    assertRegistryError(await registryError(c.resolve(r)), 'insecure', r, /HTTP|http/, secrets, c.logLines);
    assert.deepEqual(httpTokens.requests, [], 'the credentials were sent');
    await c.close();
    const configured = client({ [httpTokens.host]: { http: true } });
    assert.equal((await configured.resolve(r)).digest, privateApp.indexDigest);
    assert.deepEqual(basicUsers(httpTokens), ['alice']);
    checkBasicCredentials(httpTokens);
    await configured.close();
  });

  it("answers 'unauthorized' suggesting to sign in when the token server refuses anonymous callers", async () => {
    await config.write({});
    const r = ref(`${httpRealmRegistry.host}/private/app:1`);
    const c = client();
    assertRegistryError(await registryError(c.resolve(r)), 'unauthorized', r, /sign in|log ?in/i, secrets, c.logLines);
    assert.deepEqual(basicUsers(httpTokens), [undefined]);
    await c.close();
  });

  it('uses credentials added to config.json after the token server refused an anonymous caller (docker login)', async () => {
    await config.write({});
    const r = ref(`${httpRealmRegistry.host}/private/app:1`);
    const c = client({ [httpTokens.host]: { http: true } });
    await registryError(c.resolve(r));
    await config.write({ auths: { [httpRealmRegistry.host]: { auth: base64(`alice:${USERS.alice}`) } } });
    // The error said "sign in (docker login …)": after doing so, the next pull must use the new credentials.
    assert.equal((await c.resolve(r)).digest, privateApp.indexDigest);
    assert.deepEqual(basicUsers(httpTokens), [undefined, 'alice']);
    await c.close();
  });

  it('presents tokens the registry accepts, issued to the signed-in user', async () => {
    await config.write({ auths: { [registry.host]: { auth: base64(`alice:${USERS.alice}`) } } });
    const c = client();
    await c.manifest(image('demo/app:1'));
    const claims = decodeTokenClaims(tokens.issued[0]?.token ?? '');
    assert.deepEqual([claims?.sub, claims?.aud, claims?.access], ['alice', SERVICE, [{ type: 'repository', name: 'demo/app', actions: ['pull'] }]]);
    await c.close();
  });

  it('fetches a new token once the old one expired', async () => {
    await config.write({});
    let clock = 5_000_000;
    const c = client({}, false, () => clock);
    await c.resolve(image('demo/app:1'));
    assert.equal(c.stats.tokenRequests, 1);
    clock += 301_000; // expires_in is 300 s
    assert.equal((await c.resolve(image('demo/app:2'))).digest, app2.indexDigest);
    assert.equal(c.stats.tokenRequests, 2);
    c.clearMemory();
    await c.resolve(image('demo/app:2'));
    assert.equal(c.stats.tokenRequests, 3, 'clearMemory() keeps tokens');
    await c.close();
  });

  it('sends a `registrytoken` from config.json as the bearer token, asking no realm', async () => {
    const agent = new Agent({ connect: { ca: certs.caCertPem } });
    const answer = await request(`${tokens.realm}?service=${SERVICE}&scope=repository:demo/app:pull`, { headers: { authorization: `Basic ${base64(`alice:${USERS.alice}`)}` }, dispatcher: agent });
    const { token } = (await answer.body.json()) as { token: string };
    await agent.close();
    tokens.reset();
    await config.write({ auths: { [registry.host]: { registrytoken: token } } });
    const c = client();
    assert.equal((await c.resolve(image('demo/app:1'))).digest, app1.indexDigest);
    assert.equal(c.stats.tokenRequests, 0);
    assert.deepEqual(tokens.requests, []);
    assertNoSecrets(c.logLines, [token]);
    await c.close();
  });
});
