// Registry tier: a pull-through mirror (distribution's `proxy.remoteurl`) in front of a private upstream,
// both real registries, each behind a recording proxy of our own. As in BuildKit, the client tries the
// mirror first with the MIRROR's credentials and falls back to the upstream with the upstream's.
//
// distribution's proxy authenticates upstream only through a token realm (its credential store answers
// only for the realm URLs it found), so the upstream uses token auth; the mirror has its own htpasswd
// users, and logs in to the upstream with an account of its own ("mirror-robot").
import * as assert from 'node:assert/strict';
import type { RegistryClient } from '../../src/registry/client';
import { makeTestCertificates, type TestCertificates } from './harness/certs';
import { startFaultProxy, type FaultProxy } from './harness/faultProxy';
import { startRecordingProxy, type RecordingProxy } from './harness/recordingProxy';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';
import { decodeBasic, decodeTokenClaims, startTokenServer, type TokenServer } from './harness/tokenServer';
import { assertNoSecrets, base64, DockerConfigDir, newClient, ref, settings } from './fixtures';

const SERVICE = 'upstream-registry';
const ISSUER = 'upstream-issuer';
const UPSTREAM_USER = { username: 'upstream-user', password: 'upstream-Pa55-only-for-upstream' };
const ROBOT = { username: 'mirror-robot', password: 'robot-Pa55-mirror-to-upstream' };
const MIRROR_USER = { username: 'mirror-user', password: 'mirror-Pa55-only-for-mirror' };

describe('registry tier: pull-through mirror with its own credentials', function () {
  let certs: TestCertificates;
  let tokens: TokenServer;
  let upstream: RunningRegistry;
  let upstreamFront: RecordingProxy;
  let mirror: RunningRegistry;
  let mirrorFront: FaultProxy;
  let config: DockerConfigDir;
  let app: SeededIndex;

  before(async () => {
    certs = await makeTestCertificates();
    tokens = await startTokenServer({
      issuer: ISSUER,
      service: SERVICE,
      signingKeyPem: certs.signingKeyPem,
      signingCertPem: certs.signingCertPem,
      users: { [UPSTREAM_USER.username]: UPSTREAM_USER.password, [ROBOT.username]: ROBOT.password },
      anonymous: false,
    });
    upstream = await startRegistry({ token: { realm: tokens.realm, service: SERVICE, issuer: ISSUER, rootCertBundlePath: certs.signingCertPath } });
    upstreamFront = await startRecordingProxy(upstream.url);
    app = await seedImage(upstreamFront.url, 'team/app', '1', { auth: UPSTREAM_USER });
    // The mirror reaches the upstream through its recording proxy, so its requests are recorded too.
    mirror = await startRegistry({ proxy: { remoteurl: upstreamFront.url, ...ROBOT }, htpasswd: { users: { [MIRROR_USER.username]: MIRROR_USER.password } } });
    mirrorFront = await startFaultProxy(mirror.url);
    config = await DockerConfigDir.create();
  });
  after(async () => {
    await Promise.all([mirrorFront?.close(), upstreamFront?.close()]);
    await Promise.all([mirror?.close(), upstream?.close(), tokens?.close()]);
    await Promise.all([certs?.close(), config?.close()]);
  });
  const upstreamAuth = () => ({ [upstreamFront.host]: { auth: base64(`${UPSTREAM_USER.username}:${UPSTREAM_USER.password}`) } });
  const mirrorAuth = () => ({ [mirrorFront.host]: { auth: base64(`${MIRROR_USER.username}:${MIRROR_USER.password}`) } });
  beforeEach(async () => {
    await config.write({ auths: { ...upstreamAuth(), ...mirrorAuth() } });
    upstreamFront.reset();
    mirrorFront.reset();
    tokens.reset();
  });
  afterEach(() => {
    if (mirrorFront) mirrorFront.fault = undefined;
  });

  const client = (mirrorEntry?: string): RegistryClient & { logLines: string[] } =>
    newClient({
      settings: settings(
        {
          [upstreamFront.host]: { http: true, mirrors: [mirrorEntry ?? mirrorFront.host] },
          ...(mirrorEntry === undefined ? { [mirrorFront.host]: { http: true } } : {}),
          [tokens.host]: { http: true },
        },
        { retries: 1 },
      ),
      credentials: config.store(),
      retryBaseMs: 10,
    });
  const image = () => ref(`${upstreamFront.host}/team/app:1`);

  /** Over every request recorded: each host saw only its own credentials. */
  function assertCredentialsStayed(c: { logLines: string[] }): void {
    for (const r of mirrorFront.requests) {
      if (r.authorization === undefined) continue;
      assert.deepEqual(decodeBasic(r.authorization), MIRROR_USER, `the mirror received ${r.authorization.split(' ')[0]} credentials that are not its own`);
    }
    for (const r of upstreamFront.requests) {
      if (r.authorization === undefined) continue;
      assert.match(r.authorization, /^Bearer /, 'the upstream registry (token auth) received non-bearer credentials');
      const sub = decodeTokenClaims(r.authorization.slice('Bearer '.length))?.sub;
      assert.ok(sub === UPSTREAM_USER.username || sub === ROBOT.username, `the upstream received a token for ${sub}`);
    }
    for (const r of tokens.requests) {
      const basic = decodeBasic(r.authorization);
      assert.ok(basic, 'anonymous or non-Basic token request');
      assert.ok(
        (basic.username === UPSTREAM_USER.username && basic.password === UPSTREAM_USER.password) || (basic.username === ROBOT.username && basic.password === ROBOT.password),
        `the upstream's token server received credentials of ${basic.username}`,
      );
    }
    assertNoSecrets(c.logLines, [UPSTREAM_USER.password, MIRROR_USER.password, ROBOT.password]);
  }
  /** Requests the client itself made to the upstream: not the mirror's (Go's HTTP client, the robot's tokens). */
  const clientRequestsToUpstream = () =>
    upstreamFront.requests.filter((r) => !/^Go-http-client\//.test(r.userAgent ?? '') && (r.authorization === undefined || decodeTokenClaims(r.authorization.slice('Bearer '.length))?.sub !== ROBOT.username));

  it('pulls through the mirror with the mirror credentials, never touching the upstream itself', async () => {
    const c = client();
    const resolved = await c.resolve(image());
    assert.equal(resolved.digest, app.indexDigest);
    assert.equal(resolved.host, mirrorFront.host);
    const amd64 = app.platformDigests['linux/amd64']!;
    const platform = await c.manifest(image(), { digest: amd64 });
    assert.deepEqual([platform.digest, platform.host], [amd64, mirrorFront.host]);
    const layer = app.attestationLayers['linux/amd64']![0]!;
    assert.deepEqual(Buffer.from(await c.blob(image(), layer.digest)), layer.bytes);
    assert.equal(c.stats.byHost[upstreamFront.host], undefined);
    assert.ok(mirrorFront.requests.some((r) => decodeBasic(r.authorization)?.username === MIRROR_USER.username), 'the mirror got no credentials');
    assert.deepEqual(clientRequestsToUpstream(), []);
    assert.ok(!tokens.requests.some((r) => decodeBasic(r.authorization)?.username === UPSTREAM_USER.username), 'the client asked the upstream for a token');
    assertCredentialsStayed(c);
    await c.close();
  });

  it('falls back to the upstream, with the upstream credentials, when the mirror answers 503', async () => {
    mirrorFront.fault = { kind: 'status503' };
    const c = client();
    const resolved = await c.resolve(image());
    assert.deepEqual([resolved.digest, resolved.host], [app.indexDigest, upstreamFront.host]);
    const fetched = await c.manifest(image());
    assert.deepEqual([fetched.digest, fetched.host], [app.indexDigest, upstreamFront.host]);
    const layer = app.attestationLayers['linux/arm64/v8']![1]!;
    assert.deepEqual(Buffer.from(await c.blob(image(), layer.digest)), layer.bytes);
    assert.ok(mirrorFront.injected > 0);
    assert.ok(clientRequestsToUpstream().some((r) => r.authorization !== undefined), 'the client did not sign in to the upstream');
    assert.ok(tokens.requests.some((r) => decodeBasic(r.authorization)?.username === UPSTREAM_USER.username));
    assertCredentialsStayed(c);
    await c.close();
  });

  it('falls back to the upstream when the mirror serves bytes that do not match', async () => {
    mirrorFront.fault = { kind: 'wrongBody', method: 'GET' };
    const c = client();
    const fetched = await c.manifest(image());
    assert.deepEqual([fetched.digest, fetched.host], [app.indexDigest, upstreamFront.host]);
    assert.deepEqual(Buffer.from(fetched.bytes), app.indexBytes);
    assertCredentialsStayed(c);
    await c.close();
  });

  it('takes a mirror written as an http:// URL', async () => {
    const c = client(`http://${mirrorFront.host}/`);
    const resolved = await c.resolve(image());
    assert.deepEqual([resolved.digest, resolved.host], [app.indexDigest, mirrorFront.host]);
    assertCredentialsStayed(c);
    await c.close();
  });

  it("falls back to the upstream when there are no credentials for the mirror, never offering it the upstream's", async () => {
    await config.write({ auths: upstreamAuth() });
    const c = client();
    const resolved = await c.resolve(image());
    assert.deepEqual([resolved.digest, resolved.host], [app.indexDigest, upstreamFront.host]);
    assert.ok(mirrorFront.requests.length > 0, 'the mirror was not tried');
    assert.ok(mirrorFront.requests.every((r) => r.authorization === undefined));
    assertCredentialsStayed(c);
    await c.close();
  });

  it('falls back to the upstream when the mirror is down', async () => {
    const c = client();
    await mirrorFront.close();
    const resolved = await c.resolve(image());
    assert.deepEqual([resolved.digest, resolved.host], [app.indexDigest, upstreamFront.host]);
    assertCredentialsStayed(c);
    await c.close();
  });
});
