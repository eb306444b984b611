// Registry tier: what the Images view shows about an image (describeImage), against a real registry.
// Expected digests are the ones the seeding computed.
import * as assert from 'node:assert/strict';
import { memoryContentStore } from '../../src/registry/contentStore';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { RegistryError } from '../../src/registry/errors';
import { describeImage } from '../../src/registry/imageDetails';
import { pinStatus } from '../../src/pin/pinStatus';
import { startRecordingProxy } from './harness/recordingProxy';
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

  it('describes a tag: its digest, its platforms (not its attestations); one GET the first time, one HEAD after a reload', async () => {
    // Through a recording proxy, to see each request's method. The content store outlives the client, as the
    // extension's disk store outlives a window reload.
    const proxy = await startRecordingProxy(registry.url);
    const store = memoryContentStore();
    const image = () => ref(`${proxy.host}/demo/app:1`);
    const viaProxy = () => newClient({ settings: settings({ [proxy.host]: { http: true } }), credentials: NO_CREDENTIALS, cache: store });
    const asked = () => proxy.requests.map((r) => `${r.method} ${r.path}`);
    try {
      const c = viaProxy();
      const details = await describeImage(c, image());
      assert.equal(details.tagDigest, app.indexDigest);
      assert.equal(details.digest, app.indexDigest);
      assert.equal(details.kind, 'index');
      assert.deepEqual(
        details.platforms.map((p) => [p.platform, p.digest]),
        Object.entries(app.platformDigests),
      );
      assert.equal(details.attestations, 2);
      // Nothing stored yet: the manifest by tag, which says the digest too (no HEAD first).
      assert.deepEqual(asked(), ['GET /v2/demo/app/manifests/1']);
      // Warm: the tag from memory, the manifest from the content store.
      await describeImage(c, image());
      assert.equal(proxy.requests.length, 1);
      await c.close();

      // After a reload (a new client, the same store): a HEAD says the tag still names the stored manifest.
      proxy.reset();
      const reloaded = viaProxy();
      assert.equal((await describeImage(reloaded, image())).digest, app.indexDigest);
      assert.deepEqual(asked(), ['HEAD /v2/demo/app/manifests/1']);
      await reloaded.close();
    } finally {
      await proxy.close();
    }
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

  describe('a tag that moved to a new build', () => {
    let older: SeededIndex;
    let current: SeededIndex;

    before(async () => {
      // The older build first, then the current one under the same tag: the tag points to the current.
      older = await seedImage(registry.url, 'demo/moving', '1', { salt: 'older' });
      current = await seedImage(registry.url, 'demo/moving', '1');
      assert.notEqual(older.indexDigest, current.indexDigest);
    });

    it('describes a stale index pin with the tag’s current digest and platforms', async () => {
      const c = client();
      const pinned = ref(`${registry.host}/demo/moving:1@${older.indexDigest}`);
      const details = await describeImage(c, pinned);
      assert.equal(details.tagDigest, current.indexDigest);
      assert.equal(details.digest, older.indexDigest);
      assert.equal(details.kind, 'index');
      assert.deepEqual(
        details.platforms.map((p) => [p.platform, p.digest]),
        Object.entries(older.platformDigests),
      );
      assert.deepEqual(
        details.tagPlatforms?.map((p) => [p.platform, p.digest]),
        Object.entries(current.platformDigests),
      );
      // HEAD for the tag, HEAD for the pinned digest (is it still there?), GET the pinned index and the tag's.
      assert.equal(c.stats.requests, 4);
      assert.deepEqual(pinStatus(pinned, { state: 'resolved', details }), { kind: 'stale', tagDigest: current.indexDigest, update: { digest: current.indexDigest } });
      await c.close();
    });

    it('describes a stale platform pin as that platform’s image, updated to the same platform’s current image', async () => {
      const c = client();
      const olderArm = older.platformDigests['linux/arm64/v8']!;
      const currentArm = current.platformDigests['linux/arm64/v8']!;
      assert.ok(olderArm && currentArm && olderArm !== currentArm);
      const pinned = ref(`${registry.host}/demo/moving:1@${olderArm}`);
      const details = await describeImage(c, pinned);
      assert.equal(details.tagDigest, current.indexDigest);
      assert.equal(details.digest, olderArm);
      assert.equal(details.kind, 'image');
      assert.deepEqual(details.platforms, [{ platform: 'linux/arm64/v8', digest: olderArm }]);
      assert.deepEqual(
        details.tagPlatforms?.map((p) => [p.platform, p.digest]),
        Object.entries(current.platformDigests),
      );
      assert.deepEqual(pinStatus(pinned, { state: 'resolved', details }), {
        kind: 'stale',
        tagDigest: current.indexDigest,
        update: { digest: currentArm, platform: 'linux/arm64/v8' },
        platform: 'linux/arm64/v8',
      });
      await c.close();
    });

    it('a pin to one of the current platform images is current, on its platform', async () => {
      const c = client();
      const currentAmd = current.platformDigests['linux/amd64']!;
      const pinned = ref(`${registry.host}/demo/moving:1@${currentAmd}`);
      const details = await describeImage(c, pinned);
      assert.equal(details.tagDigest, current.indexDigest);
      assert.equal(details.kind, 'image');
      assert.deepEqual(pinStatus(pinned, { state: 'resolved', details }), { kind: 'current', platform: 'linux/amd64' });
      await c.close();
    });

    it('a current pin has no tagPlatforms: only the HEAD that checks the pinned digest is added', async () => {
      const c = client();
      const pinned = ref(`${registry.host}/demo/moving:1@${current.indexDigest}`);
      const details = await describeImage(c, pinned);
      assert.equal(details.tagDigest, current.indexDigest);
      assert.equal(details.digest, current.indexDigest);
      assert.equal('tagPlatforms' in details, false);
      // HEAD for the tag, HEAD for the pinned digest, GET for the manifest.
      assert.equal(c.stats.requests, 3);
      assert.deepEqual(pinStatus(pinned, { state: 'resolved', details }), { kind: 'current' });
      await c.close();
    });

    it('a pinned digest the repository does not have is notFound, even when its bytes are in the content cache', async () => {
      // The cache holds demo/app's index (fetched by digest earlier, as after a pin copied from elsewhere or
      // a digest garbage-collected since): the registry, not the cache, says whether the pin can be pulled.
      const cache = memoryContentStore();
      const c = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS, cache });
      await c.manifest(ref(`${registry.host}/demo/app@${app.indexDigest}`));
      const pinned = ref(`${registry.host}/demo/moving:1@${app.indexDigest}`);
      await assert.rejects(describeImage(c, pinned), (error: unknown) => RegistryError.is(error) && error.kind === 'notFound');
      await c.close();
    });
  });
});
