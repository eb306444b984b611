import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { pinStatus, samePlatform, type PinStatus, type Resolution } from '../../src/pin/pinStatus';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { RegistryError, type RegistryErrorKind } from '../../src/registry/errors';
import type { ImageDetails, PlatformImage } from '../../src/registry/imageDetails';

// Unit tier: where a pin stands, from what the resolver found. The ImageDetails below are plain data
// written out by hand (what describeImage would return for each situation); every expected status is
// worked out from the situation, not copied from a run.

const digest = (hex: string): string => `sha256:${hex.repeat(64 / hex.length)}`;

// The build the tag pointed to when the file was pinned…
const OLD_INDEX = digest('01');
const OLD_AMD64 = digest('02');
const OLD_ARM64 = digest('03');
const OLD_ARMV7 = digest('04');
// …and the build it points to now.
const NEW_INDEX = digest('a1');
const NEW_AMD64 = digest('a2');
const NEW_ARM64 = digest('a3');
const NEW_ARMV7 = digest('a4');
const NEW_SINGLE = digest('b1');

const INDEX_MEDIA = 'application/vnd.oci.image.index.v1+json';
const IMAGE_MEDIA = 'application/vnd.oci.image.manifest.v1+json';
const HOST = 'registry-1.docker.io';

function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, `test reference ${text} does not parse`);
  return parsed.ref;
}

function indexDetails(fields: { digest: string; tagDigest?: string; platforms: PlatformImage[]; tagPlatforms?: PlatformImage[] }): ImageDetails {
  return {
    ...(fields.tagDigest !== undefined && { tagDigest: fields.tagDigest }),
    ...(fields.tagPlatforms && { tagPlatforms: fields.tagPlatforms }),
    digest: fields.digest,
    mediaType: INDEX_MEDIA,
    kind: 'index',
    platforms: fields.platforms,
    attestations: 0,
    host: HOST,
  };
}

function imageDetails(fields: { digest: string; tagDigest?: string; platform?: string; tagPlatforms?: PlatformImage[] }): ImageDetails {
  return {
    ...(fields.tagDigest !== undefined && { tagDigest: fields.tagDigest }),
    ...(fields.tagPlatforms && { tagPlatforms: fields.tagPlatforms }),
    digest: fields.digest,
    mediaType: IMAGE_MEDIA,
    kind: 'image',
    platforms: fields.platform === undefined ? [] : [{ platform: fields.platform, digest: fields.digest }],
    attestations: 0,
    host: HOST,
  };
}

const resolved = (details: ImageDetails): Resolution => ({ state: 'resolved', details });
const failed = (kind: RegistryErrorKind, image = 'nginx:1.27'): Resolution & { state: 'failed' } => ({
  state: 'failed',
  error: new RegistryError(kind, image, HOST, `${image}: ${kind}`),
});

const OLD_PLATFORMS: PlatformImage[] = [
  { platform: 'linux/amd64', digest: OLD_AMD64 },
  { platform: 'linux/arm64/v8', digest: OLD_ARM64 },
];
// The index as a registry lists it: arm64 without its (default) variant.
const NEW_PLATFORMS: PlatformImage[] = [
  { platform: 'linux/amd64', digest: NEW_AMD64 },
  { platform: 'linux/arm64', digest: NEW_ARM64 },
  { platform: 'linux/arm/v7', digest: NEW_ARMV7 },
];

describe('pinStatus', () => {
  describe('unpinned references', () => {
    it('is unpinned with what the tag points to as the target, once resolved', () => {
      const details = indexDetails({ tagDigest: NEW_INDEX, digest: NEW_INDEX, platforms: NEW_PLATFORMS });
      assert.deepEqual(pinStatus(ref('nginx:1.27'), resolved(details)), { kind: 'unpinned', target: { digest: NEW_INDEX } });
    });

    it('takes the described digest as the target (a single image tag too)', () => {
      const details = imageDetails({ tagDigest: NEW_SINGLE, digest: NEW_SINGLE, platform: 'linux/amd64' });
      assert.deepEqual(pinStatus(ref('ghcr.io/o/tool:2'), resolved(details)), { kind: 'unpinned', target: { digest: NEW_SINGLE } });
    });

    it('is unpinned without a target before, or without, a lookup', () => {
      assert.deepEqual(pinStatus(ref('nginx:1.27'), undefined), { kind: 'unpinned' });
      assert.deepEqual(pinStatus(ref('nginx:1.27'), { state: 'pending' }), { kind: 'unpinned' });
    });

    it('is unpinned without a target when the lookup failed, whatever the error (notFound and digestMismatch too)', () => {
      for (const kind of ['notFound', 'digestMismatch', 'unauthorized', 'network', 'timeout'] as const) {
        assert.deepEqual(pinStatus(ref('nginx:1.27'), failed(kind)), { kind: 'unpinned' }, kind);
      }
    });
  });

  describe('pinned references', () => {
    it('is current when the tag points to the pinned digest', () => {
      const details = indexDetails({ tagDigest: OLD_INDEX, digest: OLD_INDEX, platforms: OLD_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_INDEX}`), resolved(details)), { kind: 'current' });
    });

    it('is current, on its platform, for a pin to one of the tag’s platform images', () => {
      // Pinned to today's arm64 image; the tag points to today's index, which lists it.
      const details = imageDetails({ tagDigest: NEW_INDEX, digest: NEW_ARM64, platform: 'linux/arm64/v8', tagPlatforms: NEW_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${NEW_ARM64}`), resolved(details)), { kind: 'current', platform: 'linux/arm64' });
    });

    it('is stale for an index pin the tag moved away from: the update is the tag’s new digest', () => {
      const details = indexDetails({ tagDigest: NEW_INDEX, digest: OLD_INDEX, platforms: OLD_PLATFORMS, tagPlatforms: NEW_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_INDEX}`), resolved(details)), { kind: 'stale', tagDigest: NEW_INDEX, update: { digest: NEW_INDEX } });
    });

    it('is stale for an index pin even when the tag’s new platforms are not known', () => {
      const details = indexDetails({ tagDigest: NEW_INDEX, digest: OLD_INDEX, platforms: OLD_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_INDEX}`), resolved(details)), { kind: 'stale', tagDigest: NEW_INDEX, update: { digest: NEW_INDEX } });
    });

    it('is stale for a platform pin, updated to the same platform’s new image (arm64/v8 is arm64)', () => {
      const details = imageDetails({ tagDigest: NEW_INDEX, digest: OLD_ARM64, platform: 'linux/arm64/v8', tagPlatforms: NEW_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARM64}`), resolved(details)), {
        kind: 'stale',
        tagDigest: NEW_INDEX,
        update: { digest: NEW_ARM64, platform: 'linux/arm64' },
        platform: 'linux/arm64/v8',
      });
    });

    it('is stale for a linux/arm pin, updated to the new linux/arm/v7 image', () => {
      const details = imageDetails({ tagDigest: NEW_INDEX, digest: OLD_ARMV7, platform: 'linux/arm', tagPlatforms: NEW_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARMV7}`), resolved(details)), {
        kind: 'stale',
        tagDigest: NEW_INDEX,
        update: { digest: NEW_ARMV7, platform: 'linux/arm/v7' },
        platform: 'linux/arm',
      });
    });

    it('is stale with no update when the tag has no image for the pinned platform any more', () => {
      const onlyAmd64: PlatformImage[] = [
        { platform: 'linux/amd64', digest: NEW_AMD64 },
        { platform: 'linux/s390x', digest: NEW_ARMV7 },
      ];
      const details = imageDetails({ tagDigest: NEW_INDEX, digest: OLD_ARM64, platform: 'linux/arm64/v8', tagPlatforms: onlyAmd64 });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARM64}`), resolved(details)), { kind: 'stale', tagDigest: NEW_INDEX, platform: 'linux/arm64/v8' });
    });

    it('is stale with no update when the new index has one platform, not the pinned one', () => {
      // One platform, but the tag still points to an index (whose digest is not that image's).
      const details = imageDetails({ tagDigest: NEW_INDEX, digest: OLD_ARM64, platform: 'linux/arm64/v8', tagPlatforms: [{ platform: 'linux/amd64', digest: NEW_AMD64 }] });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARM64}`), resolved(details)), { kind: 'stale', tagDigest: NEW_INDEX, platform: 'linux/arm64/v8' });
    });

    it('updates a platform pin to the tag’s digest when the tag now names a single image of that platform', () => {
      const details = imageDetails({
        tagDigest: NEW_SINGLE,
        digest: OLD_ARM64,
        platform: 'linux/arm64/v8',
        tagPlatforms: [{ platform: 'linux/arm64', digest: NEW_SINGLE }],
      });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARM64}`), resolved(details)), {
        kind: 'stale',
        tagDigest: NEW_SINGLE,
        update: { digest: NEW_SINGLE },
        platform: 'linux/arm64/v8',
      });
    });

    it('offers no update for a platform pin when the tag now names a single image of another platform', () => {
      // An arm64 pin moved to an amd64 image would change what every arm64 build runs.
      const details = imageDetails({
        tagDigest: NEW_SINGLE,
        digest: OLD_ARM64,
        platform: 'linux/arm64/v8',
        tagPlatforms: [{ platform: 'linux/amd64', digest: NEW_SINGLE }],
      });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARM64}`), resolved(details)), { kind: 'stale', tagDigest: NEW_SINGLE, platform: 'linux/arm64/v8' });
    });

    it('updates an index pin to the tag’s digest when the tag now names a single image', () => {
      const details = indexDetails({ tagDigest: NEW_SINGLE, digest: OLD_INDEX, platforms: OLD_PLATFORMS, tagPlatforms: [{ platform: 'linux/amd64', digest: NEW_SINGLE }] });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_INDEX}`), resolved(details)), { kind: 'stale', tagDigest: NEW_SINGLE, update: { digest: NEW_SINGLE } });
    });

    it('treats a pinned image whose config names no platform like an index pin', () => {
      const details = imageDetails({ tagDigest: NEW_INDEX, digest: OLD_ARM64, tagPlatforms: NEW_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx:1.27@${OLD_ARM64}`), resolved(details)), { kind: 'stale', tagDigest: NEW_INDEX, update: { digest: NEW_INDEX } });
    });

    it('is notFound / mismatch when the registry has no such manifest / serves other content for it', () => {
      const pinned = ref(`nginx:1.27@${OLD_INDEX}`);
      const notFound = failed('notFound');
      assert.deepEqual(pinStatus(pinned, notFound), { kind: 'notFound', error: notFound.error });
      const mismatch = failed('digestMismatch');
      assert.deepEqual(pinStatus(pinned, mismatch), { kind: 'mismatch', error: mismatch.error });
      // A digest-only reference is still a pin.
      assert.deepEqual(pinStatus(ref(`nginx@${OLD_INDEX}`), notFound), { kind: 'notFound', error: notFound.error });
    });

    it('is unknown when a pinned lookup failed for another reason, is pending, or was never made', () => {
      const pinned = ref(`nginx:1.27@${OLD_INDEX}`);
      for (const kind of ['unauthorized', 'denied', 'network', 'timeout', 'rateLimited', 'serverError', 'cancelled'] as const) {
        assert.deepEqual(pinStatus(pinned, failed(kind)), { kind: 'unknown' }, kind);
      }
      assert.deepEqual(pinStatus(pinned, { state: 'pending' }), { kind: 'unknown' });
      assert.deepEqual(pinStatus(pinned, undefined), { kind: 'unknown' });
    });

    it('is unknown for a pin whose tag could not be looked up (tagDigest undefined)', () => {
      const details = { ...indexDetails({ digest: OLD_INDEX, platforms: OLD_PLATFORMS }), tagError: new RegistryError('notFound', 'nginx:gone', HOST, 'nginx:gone: not found') };
      assert.deepEqual(pinStatus(ref(`nginx:gone@${OLD_INDEX}`), resolved(details)), { kind: 'unknown' });
    });

    it('is unknown for a digest-only reference: no tag to compare with', () => {
      const details = indexDetails({ digest: OLD_INDEX, platforms: OLD_PLATFORMS });
      assert.deepEqual(pinStatus(ref(`nginx@${OLD_INDEX}`), resolved(details)), { kind: 'unknown' });
    });
  });

  describe('properties', () => {
    // A small pool, so that pins, tags and platform images often share digests.
    const hex = fc.constantFrom(OLD_INDEX, OLD_ARM64, NEW_INDEX, NEW_ARM64, NEW_SINGLE);
    const platform = fc.constantFrom('linux/amd64', 'linux/amd64/v1', 'linux/arm64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/arm', 'linux/arm/v6', 'linux/s390x', 'windows/amd64');
    const platforms = fc.array(fc.record({ platform, digest: hex }), { maxLength: 4 });
    const details = fc.record({
      kind: fc.constantFrom('index' as const, 'image' as const),
      digest: hex,
      tagDigest: fc.option(hex, { nil: undefined }),
      platforms,
      tagPlatforms: fc.option(platforms, { nil: undefined }),
    });
    const build = (d: { kind: 'index' | 'image'; digest: string; tagDigest: string | undefined; platforms: PlatformImage[]; tagPlatforms: PlatformImage[] | undefined }): ImageDetails =>
      d.kind === 'index'
        ? indexDetails({ digest: d.digest, platforms: d.platforms, ...(d.tagDigest !== undefined && { tagDigest: d.tagDigest }), ...(d.tagPlatforms && { tagPlatforms: d.tagPlatforms }) })
        : imageDetails({ digest: d.digest, platform: d.platforms[0]?.platform, ...(d.tagDigest !== undefined && { tagDigest: d.tagDigest }), ...(d.tagPlatforms && { tagPlatforms: d.tagPlatforms }) });

    it('a pin the tag points to is current; one it does not point to (nor lists) is stale, updated to something the tag has', () => {
      fc.assert(
        fc.property(details, (d) => {
          const info = build(d);
          const status: PinStatus = pinStatus(ref(`nginx:1.27@${d.digest}`), resolved(info));
          if (d.tagDigest === undefined) return assert.deepEqual(status, { kind: 'unknown' });
          if (d.tagDigest === d.digest) return assert.deepEqual(status, { kind: 'current' });
          const listed = (d.tagPlatforms ?? []).find((p) => p.digest === d.digest);
          if (listed) return assert.deepEqual(status, { kind: 'current', platform: listed.platform });
          assert.equal(status.kind, 'stale');
          if (status.kind !== 'stale') return;
          assert.equal(status.tagDigest, d.tagDigest);
          if (status.update) {
            const offered = [d.tagDigest, ...(d.tagPlatforms ?? []).map((p) => p.digest)];
            assert.ok(offered.includes(status.update.digest), `update ${status.update.digest} is not the tag's`);
            assert.notEqual(status.update.digest, d.digest);
          }
          // Only a pin to one platform's image can be left without an update, and only keeps that platform.
          if (info.kind === 'index' || info.platforms.length === 0) assert.deepEqual(status.update, { digest: d.tagDigest });
          if (status.update?.platform !== undefined) assert.ok(samePlatform(status.update.platform, info.platforms[0]!.platform));
        }),
      );
    });

    it('an unpinned reference is unpinned whatever the resolver said', () => {
      const resolution = fc.oneof(
        fc.constant<Resolution | undefined>(undefined),
        fc.constant<Resolution>({ state: 'pending' }),
        details.map((d): Resolution => resolved(build(d))),
        fc.constantFrom<RegistryErrorKind>('notFound', 'digestMismatch', 'network').map((k): Resolution => failed(k)),
      );
      fc.assert(
        fc.property(resolution, (r) => {
          const status = pinStatus(ref('nginx:1.27'), r);
          assert.deepEqual(status, r?.state === 'resolved' ? { kind: 'unpinned', target: { digest: r.details.digest } } : { kind: 'unpinned' });
        }),
      );
    });

    it('samePlatform is an equivalence: reflexive, symmetric, transitive', () => {
      fc.assert(
        fc.property(platform, platform, platform, (a, b, c) => {
          assert.ok(samePlatform(a, a));
          assert.equal(samePlatform(a, b), samePlatform(b, a));
          if (samePlatform(a, b) && samePlatform(b, c)) assert.ok(samePlatform(a, c));
        }),
      );
    });
  });
});

describe('samePlatform', () => {
  const same: [string, string][] = [
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm64', 'linux/arm64/v8'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/amd64', 'linux/amd64/v1'],
    ['Linux/ARM64', 'linux/arm64/v8'],
    ['linux/s390x', 'linux/s390x'],
  ];
  const different: [string, string][] = [
    ['linux/amd64', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v6'],
    ['linux/arm/v6', 'linux/arm/v7'],
    ['linux/arm64', 'linux/arm'],
    ['linux/arm64/v8', 'linux/arm64/v9'],
    ['linux/amd64', 'windows/amd64'],
    ['linux/amd64', 'linux/amd64/v3'],
    ['linux/386', 'linux/amd64'],
  ];
  for (const [a, b] of same) it(`${a} is ${b}`, () => assert.equal(samePlatform(a, b), true));
  for (const [a, b] of different) it(`${a} is not ${b}`, () => assert.equal(samePlatform(a, b), false));
});
