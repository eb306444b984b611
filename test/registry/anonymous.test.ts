// Registry tier: the client against a real registry (distribution 2.8.2) without auth.
import * as assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diskContentStore, memoryContentStore, type ContentStore } from '../../src/registry/contentStore';
import { NO_CREDENTIALS } from '../../src/registry/credentials';
import { attestationEntries, attestedDigest } from '../../src/attest/storage';
import { formatPlatform, platformEntries } from '../../src/registry/manifest';
import { Annotations, blob, descriptor, MediaTypes, PredicateTypes } from './harness/imageContent';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { makeTempDir, removeTempDir } from './harness/tempDir';
import { PushSession, seedDockerList, seedImage, seedSingle, type SeededIndex, type SeededSingle } from './harness/seed';
import { assertRegistryError, newClient, ref, registryError, settings } from './fixtures';

describe('registry tier: anonymous pulls from a real registry', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;
  let app2: SeededIndex;
  let single: SeededSingle;
  let list: SeededIndex;

  before(async () => {
    registry = await startRegistry();
    [app, app2, single, list] = await Promise.all([
      seedImage(registry.url, 'demo/app', '1'),
      seedImage(registry.url, 'demo/app', '2', { platforms: ['linux/amd64'] }),
      seedSingle(registry.url, 'demo/single', 'v1'),
      seedDockerList(registry.url, 'demo/list', 'v1'),
    ]);
  });
  after(async () => {
    await registry?.close();
  });

  let clock = 1_000_000;
  const client = (overrides = {}) => newClient({ settings: settings({ [registry.host]: { http: true } }, overrides), credentials: NO_CREDENTIALS, now: () => clock });
  const image = (path: string) => ref(`${registry.host}/${path}`);

  it('resolves a multi-platform tag to the index digest the seed computed, with one HEAD', async () => {
    const c = client();
    const resolved = await c.resolve(image('demo/app:1'));
    assert.equal(resolved.digest, app.indexDigest);
    assert.equal(resolved.mediaType, MediaTypes.ociIndex);
    assert.equal(resolved.source, 'head');
    assert.equal(resolved.host, registry.host);
    assert.deepEqual([c.stats.requests, c.stats.tokenRequests], [1, 0]);
    await c.close();
  });

  it('fetches the index with platforms and attestation entries told apart', async () => {
    const c = client();
    const fetched = await c.manifest(image('demo/app:1'));
    assert.equal(fetched.digest, app.indexDigest);
    assert.deepEqual(Buffer.from(fetched.bytes), app.indexBytes);
    assert.equal(fetched.mediaType, MediaTypes.ociIndex);
    assert.equal(fetched.manifest.kind, 'index');
    if (fetched.manifest.kind !== 'index') return;
    const platforms = platformEntries(fetched.manifest);
    assert.deepEqual(
      platforms.map((p) => [formatPlatform(p.platform!), p.digest]),
      Object.entries(app.platformDigests),
    );
    const attestations = attestationEntries(fetched.manifest);
    assert.deepEqual(
      attestations.map((a) => [attestedDigest(a), a.digest]),
      Object.entries(app.attestationDigests).map(([platform, digest]) => [app.platformDigests[platform], digest]),
    );
    assert.ok(platforms.every((p) => p.platform?.os !== 'unknown'));
    await c.close();
  });

  it('fetches a platform manifest by digest, verified', async () => {
    const c = client();
    const digest = app.platformDigests['linux/arm64/v8']!;
    const fetched = await c.manifest(image('demo/app:1'), { digest });
    assert.equal(fetched.digest, digest);
    assert.deepEqual(Buffer.from(fetched.bytes), app.manifests[digest]!.bytes);
    assert.equal(fetched.manifest.kind, 'image');
    await c.close();
  });

  it('reads a single-platform Docker v2 manifest', async () => {
    const c = client();
    const resolved = await c.resolve(image('demo/single:v1'));
    assert.deepEqual([resolved.digest, resolved.mediaType], [single.digest, MediaTypes.dockerManifest]);
    const fetched = await c.manifest(image('demo/single:v1'));
    assert.equal(fetched.digest, single.digest);
    assert.equal(fetched.manifest.kind, 'image');
    if (fetched.manifest.kind !== 'image') return;
    assert.equal(fetched.manifest.config.digest, single.configDigest);
    assert.deepEqual(
      fetched.manifest.layers.map((l) => l.digest),
      [single.layerDigest],
    );
    await c.close();
  });

  it('reads a Docker manifest list', async () => {
    const c = client();
    const fetched = await c.manifest(image('demo/list:v1'));
    assert.equal(fetched.digest, list.indexDigest);
    assert.equal(fetched.mediaType, MediaTypes.dockerList);
    assert.equal(fetched.manifest.kind, 'index');
    if (fetched.manifest.kind !== 'index') return;
    assert.deepEqual(
      platformEntries(fetched.manifest).map((p) => [formatPlatform(p.platform!), p.digest]),
      Object.entries(list.platformDigests),
    );
    assert.deepEqual(attestationEntries(fetched.manifest), []);
    await c.close();
  });

  it('resolves a reference with a digest without any request', async () => {
    const c = client();
    const resolved = await c.resolve(image(`demo/app:1@${app.indexDigest}`));
    assert.equal(resolved.digest, app.indexDigest);
    assert.equal(resolved.source, 'reference');
    assert.equal(c.stats.requests, 0);
    await c.close();
  });

  it("answers 'notFound' naming the image for an unknown tag, repository and digest", async () => {
    const c = client();
    for (const text of ['demo/app:nope', 'demo/nothing:1']) {
      const r = image(text);
      assertRegistryError(await registryError(c.resolve(r)), 'notFound', r, /not found|does not exist|404/i);
    }
    const missing = `sha256:${'0'.repeat(64)}`;
    const r = image(`demo/app@${missing}`);
    assertRegistryError(await registryError(c.manifest(r)), 'notFound', r, /not found|does not exist|404/i);
    await c.close();
  });

  it('sends exactly one request per unique reference cold, and none warm', async () => {
    const c = client();
    const refs = ['demo/app:1', 'demo/app:2', 'demo/single:v1', 'demo/list:v1', 'demo/app:1', 'demo/app:2'].map(image);
    const cold = await Promise.all(refs.map((r) => c.resolve(r)));
    assert.deepEqual(
      cold.map((r) => r.digest),
      [app.indexDigest, app2.indexDigest, single.digest, list.indexDigest, app.indexDigest, app2.indexDigest],
    );
    assert.equal(c.stats.requests, 4);
    assert.deepEqual(c.stats.byHost, { [registry.host]: 4 });
    const warm = await Promise.all(refs.map((r) => c.resolve(r)));
    assert.ok(warm.every((r) => r.source === 'cache'));
    assert.equal(c.stats.requests, 4);
    await c.close();
  });

  it('asks again after the tag TTL, and sees a moved tag', async () => {
    const c = client({ tagTtlMs: 60_000 });
    const before = await seedImage(registry.url, 'demo/moving', 'latest', { attestations: false, salt: 'first' });
    assert.equal((await c.resolve(image('demo/moving'))).digest, before.indexDigest);
    const after = await seedImage(registry.url, 'demo/moving', 'latest', { attestations: false, salt: 'second' });
    assert.equal((await c.resolve(image('demo/moving'))).digest, before.indexDigest, 'within the TTL');
    assert.equal(c.stats.requests, 1);
    clock += 60_001;
    assert.equal((await c.resolve(image('demo/moving'))).digest, after.indexDigest);
    assert.equal(c.stats.requests, 2);
    await c.close();
  });

  it('fetches an attestation layer as a verified blob, once', async () => {
    const c = client();
    const r = image('demo/app:1');
    const attestation = await c.manifest(r, { digest: app.attestationDigests['linux/amd64']! });
    assert.equal(attestation.manifest.kind, 'image');
    if (attestation.manifest.kind !== 'image') return;
    const layer = attestation.manifest.layers.find((l) => l.annotations?.[Annotations.predicateType] === PredicateTypes.slsaProvenance02);
    assert.ok(layer, 'no provenance layer');
    const seeded = app.attestationLayers['linux/amd64']!.find((l) => l.predicateType === PredicateTypes.slsaProvenance02)!;
    assert.equal(layer.digest, seeded.digest);
    const requests = c.stats.requests;
    const bytes = await c.blob(r, layer.digest);
    assert.deepEqual(Buffer.from(bytes), seeded.bytes);
    const statement = JSON.parse(Buffer.from(bytes).toString('utf8')) as { predicateType: string; subject: { digest: { sha256: string } }[] };
    assert.equal(statement.predicateType, PredicateTypes.slsaProvenance02);
    assert.equal(`sha256:${statement.subject[0]?.digest.sha256}`, app.platformDigests['linux/amd64']);
    assert.equal(c.stats.requests, requests + 1);
    // Warm: blob and manifest come from the content store.
    await c.blob(r, layer.digest);
    await c.manifest(r, { digest: app.attestationDigests['linux/amd64']! });
    assert.equal(c.stats.requests, requests + 1);
    await c.close();
  });

  it('hands a blob over before the content store has written it, serves it again meanwhile without a request, and writes it before close() returns', async () => {
    const memory = memoryContentStore();
    const written: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((open) => (release = open));
    // A store as slow as a disk taking 75 MB: its put waits until the test opens the gate.
    const slow: ContentStore = {
      ...memory,
      put: async (digest, bytes) => {
        await gate;
        await memory.put(digest, bytes);
        written.push(digest);
      },
    };
    const c = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS, cache: slow });
    const layer = app.attestationLayers['linux/amd64']![0]!;
    const bytes = await c.blob(image('demo/app:1'), layer.digest);
    assert.deepEqual(Buffer.from(bytes), layer.bytes);
    assert.deepEqual(written, []);
    assert.deepEqual(Buffer.from(await c.blob(image('demo/app:1'), layer.digest)), layer.bytes);
    assert.equal(c.stats.requests, 1);
    const closed = c.close();
    release();
    await closed;
    assert.deepEqual(written, [layer.digest]);
    assert.deepEqual(Buffer.from((await memory.get(layer.digest))!), layer.bytes);
  });

  it('sends one request for concurrent fetches of the same manifest or blob', async () => {
    const c = client();
    const r = image('demo/app:1');
    const digest = app.platformDigests['linux/amd64']!;
    const layer = app.attestationLayers['linux/arm64/v8']![0]!;
    const [m1, m2, b1, b2, b3] = await Promise.all([c.manifest(r, { digest }), c.manifest(r, { digest }), c.blob(r, layer.digest), c.blob(r, layer.digest), c.blob(r, layer.digest)]);
    assert.deepEqual([m1.digest, m2.digest], [digest, digest]);
    for (const b of [b1, b2, b3]) assert.deepEqual(Buffer.from(b as Uint8Array), layer.bytes);
    assert.equal(c.stats.requests, 2);
    await c.close();
  });

  it('refetches a corrupt entry of the on-disk content store instead of serving it', async () => {
    const dir = await makeTempDir('content-store');
    try {
      const r = image('demo/app:1');
      const digest = app.platformDigests['linux/amd64']!;
      const first = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS, cache: diskContentStore(dir) });
      await first.manifest(r, { digest });
      await first.close();
      const files = await readdir(join(dir, 'sha256'));
      assert.ok(files.includes(digest.slice('sha256:'.length)), `not stored on disk: ${files.join(', ')}`);
      const warm = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS, cache: diskContentStore(dir) });
      assert.equal((await warm.manifest(r, { digest })).digest, digest);
      assert.equal(warm.stats.requests, 0, 'a stored manifest was fetched again');
      await warm.close();
      // Same length, other bytes: what a disk error or another program might leave.
      await writeFile(join(dir, 'sha256', digest.slice('sha256:'.length)), Buffer.from(app.manifests[digest]!.bytes.toString().replace('"schemaVersion":2', '"schemaVersion":3')));
      const again = newClient({ settings: settings({ [registry.host]: { http: true } }), credentials: NO_CREDENTIALS, cache: diskContentStore(dir) });
      const fetched = await again.manifest(r, { digest });
      assert.deepEqual(Buffer.from(fetched.bytes), app.manifests[digest]!.bytes);
      assert.equal(again.stats.requests, 1);
      await again.close();
    } finally {
      await removeTempDir(dir);
    }
  });

  // distribution 2.8 has no referrers API: it answers 404, and the OCI distribution spec's fallback is an index
  // tagged `<alg>-<hex>` that whoever pushes a referrer keeps up to date ("Pushing Manifests with Subject").
  it("finds a referrer through the spec's fallback tag, the real registry lacking the referrers API", async () => {
    const subject = app.platformDigests['linux/amd64']!;
    const subjectManifest = app.manifests[subject]!;
    const empty = blob('application/vnd.oci.empty.v1+json', '{}');
    const bundle = blob('application/vnd.dev.sigstore.bundle.v0.3+json', '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
    const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const signature = blob(
      MediaTypes.ociManifest,
      JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, artifactType, config: descriptor(empty), layers: [descriptor(bundle)], subject: descriptor(subjectManifest) }),
    );
    const fallback = blob(MediaTypes.ociIndex, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ ...descriptor(signature), artifactType }] }));
    const session = new PushSession(registry.url, 'demo/app');
    try {
      await session.pushBlob(empty);
      await session.pushBlob(bundle);
      await session.pushManifest(signature.digest, signature);
      await session.pushManifest(subject.replace(':', '-'), fallback);
    } finally {
      await session.close();
    }
    const c = client();
    const found = await c.referrers(image('demo/app:1'), subject, { artifactType });
    assert.deepEqual([found.source, found.manifests.map((m) => [m.digest, m.artifactType])], ['tag', [[signature.digest, artifactType]]]);
    // The other platform has no fallback tag: nothing refers to it.
    const none = await c.referrers(image('demo/app:1'), app.platformDigests['linux/arm64/v8']!);
    assert.deepEqual([none.source, none.manifests], ['none', []]);
    await c.close();
  });
});
