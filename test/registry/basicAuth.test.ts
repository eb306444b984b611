// Registry tier: Basic auth (distribution's htpasswd, bcrypt hashes) with credentials from a real
// Docker config file in $DOCKER_CONFIG.
import * as assert from 'node:assert/strict';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';
import { assertNoSecrets, assertRegistryError, base64, DockerConfigDir, newClient, ref, registryError, settings } from './fixtures';

const USER = 'alice';
const PASSWORD = 'alice-Pa55word-for-basic';
const WRONG = 'not-alices-Pa55word';

describe('registry tier: Basic auth (htpasswd) with Docker config credentials', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;
  let config: DockerConfigDir;
  const secrets = [PASSWORD, WRONG, base64(`${USER}:${PASSWORD}`), base64(`${USER}:${WRONG}`)];

  before(async () => {
    registry = await startRegistry({ htpasswd: { users: { [USER]: PASSWORD } } });
    app = await seedImage(registry.url, 'private/app', '1', { auth: { username: USER, password: PASSWORD } });
    config = await DockerConfigDir.create();
  });
  after(async () => {
    await registry?.close();
    await config?.close();
  });

  const client = () => newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: config.store() });
  const image = () => ref(`${registry.host}/private/app:1`);

  it('pulls with the `auth` entry of config.json', async () => {
    await config.write({ auths: { [registry.host]: { auth: base64(`${USER}:${PASSWORD}`) } } });
    const c = client();
    const resolved = await c.resolve(image());
    assert.equal(resolved.digest, app.indexDigest);
    const fetched = await c.manifest(image(), { digest: app.platformDigests['linux/amd64']! });
    assert.equal(fetched.digest, app.platformDigests['linux/amd64']);
    const layer = app.attestationLayers['linux/amd64']![1]!;
    assert.deepEqual(Buffer.from(await c.blob(image(), layer.digest)), layer.bytes);
    assert.equal(c.stats.tokenRequests, 0);
    assertNoSecrets(c.logLines, secrets);
    await c.close();
  });

  it("answers 'unauthorized' for a wrong password, without showing it", async () => {
    await config.write({ auths: { [registry.host]: { auth: base64(`${USER}:${WRONG}`) } } });
    const c = client();
    const error = await registryError(c.resolve(image()));
    assertRegistryError(error, 'unauthorized', image(), /401|credentials|sign in/i, secrets, c.logLines);
    assert.equal(error.details.status, 401);
    assertNoSecrets([String(error.stack)], secrets);
    await c.close();
  });

  it("answers 'unauthorized' without credentials, suggesting to sign in", async () => {
    await config.write({});
    const c = client();
    const error = await registryError(c.manifest(image()));
    assertRegistryError(error, 'unauthorized', image(), /sign in|log ?in/i, secrets, c.logLines);
    assert.ok(error.message.includes(registry.host), error.message);
    await c.close();
  });

  it('uses credentials added to config.json after an anonymous 401 (docker login in a terminal)', async () => {
    await config.write({});
    const c = client();
    await registryError(c.resolve(image()));
    await config.write({ auths: { [registry.host]: { auth: base64(`${USER}:${PASSWORD}`) } } });
    // The error said "sign in (docker login …)": after doing so, the next pull must use the new credentials.
    assert.equal((await c.resolve(image())).digest, app.indexDigest);
    await c.close();
  });

  it('uses a corrected password from config.json after a wrong one', async () => {
    await config.write({ auths: { [registry.host]: { auth: base64(`${USER}:${WRONG}`) } } });
    const c = client();
    await registryError(c.resolve(image()));
    await config.write({ auths: { [registry.host]: { auth: base64(`${USER}:${PASSWORD}`) } } });
    assert.equal((await c.resolve(image())).digest, app.indexDigest);
    await c.close();
  });

  it('reads the plain username and password fields too', async () => {
    await config.write({ auths: { [`http://${registry.host}/v2/`]: { username: USER, password: PASSWORD } } });
    const c = client();
    assert.equal((await c.resolve(image())).digest, app.indexDigest);
    await c.close();
  });

  it("answers 'untrusted' when the client runs without credentials (restricted workspace)", async () => {
    await config.write({ auths: { [registry.host]: { auth: base64(`${USER}:${PASSWORD}`) } } });
    const c = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS });
    const error = await registryError(c.resolve(image()));
    assertRegistryError(error, 'untrusted', image(), /trust/i, secrets, c.logLines);
    await c.close();
  });
});
