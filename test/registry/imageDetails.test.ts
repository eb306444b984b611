// Registry tier: what the Images view shows about an image (describeImage), against a real registry.
// Expected digests are the ones the seeding computed.
import * as assert from 'node:assert/strict';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { describeImage } from '../../src/registry/imageDetails';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, seedSingle, type SeededIndex, type SeededSingle } from './harness/seed';
import { newClient, ref, settings } from './fixtures';

describe('registry tier: image details for the Images view', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;
  let single: SeededSingle;

  before(async () => {
    registry = await startRegistry();
    [app, single] = await Promise.all([seedImage(registry.url, 'demo/app', '1'), seedSingle(registry.url, 'demo/single', 'v1', { platform: 'linux/arm/v7' })]);
  });
  after(async () => {
    await registry?.close();
  });

  const client = () => newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS });

  it('describes a tag: its digest, its platforms (not its attestations), with one HEAD and one GET', async () => {
    const c = client();
    const details = await describeImage(c, ref(`${registry.host}/demo/app:1`));
    assert.equal(details.tagDigest, app.indexDigest);
    assert.equal(details.digest, app.indexDigest);
    assert.equal(details.kind, 'index');
    assert.deepEqual(
      details.platforms.map((p) => [p.platform, p.digest]),
      Object.entries(app.platformDigests),
    );
    assert.equal(details.attestations, 2);
    assert.equal(c.stats.requests, 2);
    // Warm: the tag from memory, the manifest from the content cache.
    await describeImage(c, ref(`${registry.host}/demo/app:1`));
    assert.equal(c.stats.requests, 2);
    await c.close();
  });

  it('reads a single image’s platform from its config blob', async () => {
    const c = client();
    const details = await describeImage(c, ref(`${registry.host}/demo/single:v1`));
    assert.equal(details.kind, 'image');
    assert.deepEqual(details.platforms, [{ platform: 'linux/arm/v7', digest: single.digest }]);
    await c.close();
  });

  it('still describes a pin whose tag is gone, and says why the tag could not be looked up', async () => {
    const c = client();
    const details = await describeImage(c, ref(`${registry.host}/demo/app:removed@${app.indexDigest}`));
    assert.equal(details.tagDigest, undefined);
    assert.equal(details.tagError?.kind, 'notFound');
    assert.match(details.tagError?.message ?? '', /^127\.0\.0\.1:\d+\/demo\/app:removed: /);
    assert.equal(details.digest, app.indexDigest);
    assert.deepEqual(Object.fromEntries(details.platforms.map((p) => [p.platform, p.digest])), app.platformDigests);
    await c.close();
  });
});
