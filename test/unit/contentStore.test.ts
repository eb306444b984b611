import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskContentStore, memoryContentStore, type ContentStore } from '../../src/registry/contentStore';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (algorithm: string, bytes: Uint8Array): string => createHash(algorithm).update(bytes).digest('hex');
const digestOf = (bytes: Uint8Array, algorithm = 'sha256'): string => `${algorithm}:${hex(algorithm, bytes)}`;

const MANIFEST = text('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
const MANIFEST_DIGEST = digestOf(MANIFEST);
const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Digests no store may take: malformed, unsupported, or trying to name another path. */
const BAD_DIGESTS = [
  'sha256:../../x',
  `sha256:../${'a'.repeat(61)}`,
  `sha256/../${'a'.repeat(64)}`,
  `../sha256:${'a'.repeat(64)}`,
  `sha256:${'A'.repeat(64)}`,
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(64)}/`,
  `md5:${'a'.repeat(32)}`,
  `sha256:${'a'.repeat(64)}\0`,
  'sha256:',
  '',
];

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'content-store-'));
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

let dirCount = 0;
const freshDir = (): string => join(root, `store-${++dirCount}`);

const stores: [name: string, make: () => ContentStore][] = [
  ['memory', () => memoryContentStore()],
  ['disk', () => diskContentStore(freshDir())],
];

for (const [name, make] of stores) {
  describe(`unit: ${name} content store`, () => {
    it('gives back what was put', async () => {
      const store = make();
      assert.equal(await store.get(MANIFEST_DIGEST), undefined);
      await store.put(MANIFEST_DIGEST, MANIFEST);
      assert.deepEqual(await store.get(MANIFEST_DIGEST), MANIFEST);
    });

    it('stores the empty blob (sha256 of "")', async () => {
      const store = make();
      await store.put(EMPTY_SHA256, new Uint8Array());
      assert.deepEqual(await store.get(EMPTY_SHA256), new Uint8Array());
    });

    it('stores sha384 and sha512 content', async () => {
      const store = make();
      for (const algorithm of ['sha384', 'sha512']) {
        const digest = digestOf(MANIFEST, algorithm);
        await store.put(digest, MANIFEST);
        assert.deepEqual(await store.get(digest), MANIFEST);
      }
    });

    it('refuses bytes that do not match the digest, and stores nothing', async () => {
      const store = make();
      const other = text('{"schemaVersion":2}');
      await assert.rejects(store.put(MANIFEST_DIGEST, other), /hash to something else/);
      assert.equal(await store.get(MANIFEST_DIGEST), undefined);
      // One changed byte is enough.
      const tampered = MANIFEST.slice();
      tampered[0] = 0x20;
      await assert.rejects(store.put(MANIFEST_DIGEST, tampered));
      assert.equal(await store.get(MANIFEST_DIGEST), undefined);
    });

    for (const digest of BAD_DIGESTS) {
      it(`rejects the digest ${JSON.stringify(digest)}`, async () => {
        const store = make();
        await assert.rejects(store.put(digest, MANIFEST), /Not a content digest/);
        await assert.rejects(store.get(digest), /Not a content digest/);
      });
    }

    it('is not changed through the buffers it was given or gave out', async () => {
      const store = make();
      const mine = MANIFEST.slice();
      await store.put(MANIFEST_DIGEST, mine);
      mine.fill(0);
      const first = await store.get(MANIFEST_DIGEST);
      assert.deepEqual(first, MANIFEST);
      first?.fill(0);
      assert.deepEqual(await store.get(MANIFEST_DIGEST), MANIFEST);
    });

    it('copies a Buffer it is given (whose slice() would be a view)', async () => {
      const store = make();
      const buffer = Buffer.from(MANIFEST);
      await store.put(MANIFEST_DIGEST, buffer);
      buffer.fill(0);
      assert.deepEqual(await store.get(MANIFEST_DIGEST), MANIFEST);
    });

    it('clear removes everything', async () => {
      const store = make();
      const blob = text('layer');
      await store.put(MANIFEST_DIGEST, MANIFEST);
      await store.put(digestOf(blob, 'sha512'), blob);
      await store.clear();
      assert.equal(await store.get(MANIFEST_DIGEST), undefined);
      assert.equal(await store.get(digestOf(blob, 'sha512')), undefined);
      // And works afterwards.
      await store.put(MANIFEST_DIGEST, MANIFEST);
      assert.deepEqual(await store.get(MANIFEST_DIGEST), MANIFEST);
      await store.clear();
      await store.clear();
    });

    it('remembers which digest a tag named, refuses what is not a digest, and forgets it on clear', async () => {
      const store = make();
      const tag = 'registry-1.docker.io/library/node:22-slim';
      assert.equal(await store.lastDigest(tag), undefined);
      await store.rememberDigest(tag, MANIFEST_DIGEST);
      assert.equal(await store.lastDigest(tag), MANIFEST_DIGEST);
      // Any tag text (it becomes a hashed file name on disk, never a path).
      const odd = '../../etc/passwd:latest';
      await store.rememberDigest(odd, MANIFEST_DIGEST);
      assert.equal(await store.lastDigest(odd), MANIFEST_DIGEST);
      await assert.rejects(store.rememberDigest(tag, 'sha256:../../x'), /Not a content digest/);
      await store.clear();
      assert.equal(await store.lastDigest(tag), undefined);
    });

    it('takes concurrent puts of one digest', async () => {
      const store = make();
      const blob = new Uint8Array(256 * 1024).map((_, i) => (i * 31) & 0xff);
      const digest = digestOf(blob);
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? store.get(digest) : store.put(digest, blob))));
      assert.deepEqual(await store.get(digest), blob);
    });
  });
}

describe('unit: disk content store, on disk', () => {
  it('writes dir/<algorithm>/<hex> and leaves no temp files', async () => {
    const dir = freshDir();
    await diskContentStore(dir).put(MANIFEST_DIGEST, MANIFEST);
    const file = join(dir, 'sha256', MANIFEST_DIGEST.slice('sha256:'.length));
    assert.deepEqual(new Uint8Array(readFileSync(file)), MANIFEST);
    assert.deepEqual(readdirSync(dir), ['sha256']);
    assert.deepEqual(readdirSync(join(dir, 'sha256')), [MANIFEST_DIGEST.slice('sha256:'.length)]);
  });

  it('is read by another store on the same directory (a later session)', async () => {
    const dir = freshDir();
    await diskContentStore(dir).put(MANIFEST_DIGEST, MANIFEST);
    await diskContentStore(dir).rememberDigest('ghcr.io/acme/app:1', MANIFEST_DIGEST);
    assert.deepEqual(await diskContentStore(dir).get(MANIFEST_DIGEST), MANIFEST);
    assert.equal(await diskContentStore(dir).lastDigest('ghcr.io/acme/app:1'), MANIFEST_DIGEST);
    assert.deepEqual(readdirSync(dir).sort(), ['sha256', 'tags']);
  });

  // [name, how the file is damaged]
  const damage: [string, (file: string) => void][] = [
    ['a changed byte', (file) => writeFileSync(file, Buffer.from(MANIFEST).fill(0x41, 10, 11))],
    ['truncated', (file) => truncateSync(file, MANIFEST.length - 1)],
    ['emptied', (file) => truncateSync(file, 0)],
    ['other content', (file) => writeFileSync(file, '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}')],
  ];
  for (const [name, corrupt] of damage) {
    it(`treats a file that was ${name} as absent and deletes it`, async () => {
      const dir = freshDir();
      const store = diskContentStore(dir);
      await store.put(MANIFEST_DIGEST, MANIFEST);
      const file = join(dir, 'sha256', MANIFEST_DIGEST.slice('sha256:'.length));
      corrupt(file);
      assert.equal(await store.get(MANIFEST_DIGEST), undefined);
      assert.equal(existsSync(file), false);
      // Stored again, it is good again.
      await store.put(MANIFEST_DIGEST, MANIFEST);
      assert.deepEqual(await store.get(MANIFEST_DIGEST), MANIFEST);
    });
  }

  it('treats a directory where the file should be as absent', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'sha256', MANIFEST_DIGEST.slice('sha256:'.length)), { recursive: true });
    assert.equal(await diskContentStore(dir).get(MANIFEST_DIGEST), undefined);
  });

  it('never writes outside its directory for a traversal digest', async () => {
    const dir = freshDir();
    const store = diskContentStore(dir);
    const outside = join(root, 'x');
    await assert.rejects(store.put('sha256:../../x', MANIFEST));
    await assert.rejects(store.put('sha256:../../../x', text('')));
    assert.equal(existsSync(outside), false);
    assert.equal(existsSync(dir), false);
  });

  it('concurrent puts of one digest leave one good file and no temp files', async () => {
    const dir = freshDir();
    const blob = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
    const digest = digestOf(blob);
    // Separate store objects too, as two windows of VS Code sharing global storage would have.
    const a = diskContentStore(dir);
    const b = diskContentStore(dir);
    await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).put(digest, blob)));
    assert.deepEqual(readdirSync(join(dir, 'sha256')), [digest.slice('sha256:'.length)]);
    assert.equal(statSync(join(dir, 'sha256', digest.slice('sha256:'.length))).size, blob.length);
    assert.deepEqual(await a.get(digest), blob);
  });

  it('puts survive a clear running at the same time', async () => {
    const dir = freshDir();
    const store = diskContentStore(dir);
    const blobs = Array.from({ length: 20 }, (_, i) => text(`blob ${i}`));
    await Promise.all([...blobs.map((blob) => store.put(digestOf(blob), blob)), store.clear(), store.clear()]);
    // Whatever the interleaving, every file left is whole.
    for (const blob of blobs) {
      const got = await store.get(digestOf(blob));
      if (got) assert.deepEqual(got, blob);
    }
  });

  it('clear leaves files it did not write', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), '{}');
    const store = diskContentStore(dir);
    await store.put(MANIFEST_DIGEST, MANIFEST);
    await store.clear();
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });
});
